"""The queries behind the reports: the requests whose clock runs (overdue report), the
annual report's counts, and the ledger export's rows. The figures themselves are computed
by the pure modules (`reports`, `annual`, `ledger`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


from hunnan_gk.storage.db import dict_rows
from hunnan_gk.storage.requests import attach_consultations, registered_or_assigned
from hunnan_gk.vocab import EventAction

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils


# The events that record a step of the handling still standing: not record keeping
# (correct, void, undo) and not taken back by an undo.
STANDING_STEP = (
    "e.action NOT IN ('correct', 'void', 'undo') AND e.id NOT IN"
    " (SELECT json_extract(u.data, '$.undoes') FROM events u"
    "  WHERE u.action = 'undo' AND u.request_number = e.request_number)"
)


def unreplied_requests(db: sqlite_utils.Database, department: str | None = None, *,
                       before: str | None = None, stages: bool = True) -> list[dict[str, Any]]:
    """Requests whose clock still runs (no outcome yet, not voided), each with its
    consultations; with `before` (a past day), those that had no outcome yet on that day,
    each in the stage it stood in then (unless not `stages`: the lights do not need it, and
    it reads every event) and with only the extensions decided by then."""
    if before is None:
        sql = "SELECT * FROM requests WHERE outcome_on IS NULL AND voided = 0"
        params: list[Any] = []
    else:
        sql = ("SELECT * FROM requests WHERE received_on <= ? AND (outcome_on IS NULL OR outcome_on > ?)"
               " AND voided = 0")
        params = [before, before]
    if department:  # registered to it or assigned to it, as `list --department` finds them
        condition, values = registered_or_assigned("department", department, handed_back=False)
        sql += " AND " + condition
        params.extend(values)
    rows = dict_rows(db.execute(sql, params))
    attach_consultations(db, rows, open_only=before is None)
    if before is not None:
        # The stage each stood in on that day: after its last step dated by then.
        stood = {} if not stages else dict(
            db.execute(
                "SELECT e.request_number, e.stage_after FROM events e JOIN"
                " (SELECT max(e.id) AS id FROM events e WHERE e.happened_on <= ? AND "
                + STANDING_STEP + " GROUP BY e.request_number) AS latest ON latest.id = e.id",
                [before],
            ).fetchall()
        )
        # 条例第33条: an extension counts from the day it was decided (its dated event).
        later_extensions = dict(
            db.execute(
                "SELECT e.request_number, sum(coalesce(json_extract(e.data, '$.days'),"
                " json_extract(e.data, '$.after.extended_days')"
                " - coalesce(json_extract(e.data, '$.before.extended_days'), 0)))"
                " FROM events e WHERE e.action = 'extend' AND e.happened_on > ? AND "
                + STANDING_STEP + " GROUP BY e.request_number",
                [before],
            ).fetchall()
        )
        for row in rows:
            row["stage"] = stood.get(row["number"], row["stage"])
            later = later_extensions.get(row["number"]) or 0
            row["extended_days"] = max(int(row["extended_days"] or 0) - int(later), 0)
    return rows


# --- annual report -----------------------------------------------------------------
# Counted in SQLite, one pass each, so a million requests report in well under two seconds.
# Definitions (issue 6; 国办公开办函〔2021〕30号): new = received in the year; carried_over =
# received before 1 January, without an outcome before it; results = outcome dated in the year;
# carried_forward = received by 31 December, without an outcome by then.


def organ_clause(organ: str | None, default_organ: str | None, column: str = "organ") -> tuple[str, dict]:
    """The SQL condition (with its parameters) for the requests of `organ`: those registered
    to it, and, when it is the default organ, those registered before organs were recorded.
    No condition when `organ` is None (every organ)."""
    if organ is None:
        return "", {}
    return (f" AND coalesce({column}, :default_organ) = :organ",
            {"organ": organ, "default_organ": default_organ})


def annual_counts(db: sqlite_utils.Database, year: int, *, organ: str | None = None,
                  default_organ: str | None = None) -> dict[str, Any]:
    """Counts per applicant type for section 三: {"new": {type: n}, "carried_over": …,
    "carried_forward": …, "results": {outcome: {type: n}}}; with `organ`, that organ's only.

    One sequential pass over the table (NOT INDEXED): for a year in the middle of a long
    history, the range indexes would cost a random lookup per row and several times as long."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    of_organ, organ_params = organ_clause(organ, default_organ)
    counts: dict[str, Any] = {"new": {}, "carried_over": {}, "carried_forward": {}, "results": {}}
    for applicant_type, result, new, carried_over, carried_forward, number in db.execute(
        """
        SELECT applicant_type,
               CASE WHEN outcome_on BETWEEN :first AND :last THEN outcome END,
               sum(received_on BETWEEN :first AND :last),
               sum(received_on < :first AND (outcome_on IS NULL OR outcome_on >= :first)),
               sum(received_on <= :last AND (outcome_on IS NULL OR outcome_on > :last)),
               count(*)
        FROM requests NOT INDEXED
        WHERE voided = 0 AND (received_on BETWEEN :first AND :last
           OR ((outcome_on IS NULL OR outcome_on >= :first)
               AND (received_on <= :last OR outcome_on <= :last)))
        """ + of_organ + """
        GROUP BY 1, 2
        """,
        {"first": first, "last": last, **organ_params},
    ):
        for key, value in (("new", new), ("carried_over", carried_over),
                           ("carried_forward", carried_forward)):
            counts[key][applicant_type] = counts[key].get(applicant_type, 0) + value
        if result is not None:
            counts["results"].setdefault(result, {})[applicant_type] = number
    for key in ("new", "carried_over", "carried_forward"):
        counts[key] = {kind: value for kind, value in counts[key].items() if value}
    return counts


def annual_appeal_counts(db: sqlite_utils.Database, year: int, *, organ: str | None = None,
                         default_organ: str | None = None) -> dict[str, dict[str, int]]:
    """Section 四: appeals decided in the year by result, and those filed by 31 December and
    not decided by then as `pending`; with `organ`, against that organ's requests only."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    of_organ, organ_params = organ_clause(organ, default_organ)
    counts: dict[str, dict[str, int]] = {}
    for kind, column, number in db.execute(
        """
        SELECT kind, CASE WHEN decided_on BETWEEN :first AND :last THEN result ELSE 'pending' END,
               count(*)
        FROM appeals
        WHERE ((decided_on BETWEEN :first AND :last)
           OR (filed_on <= :last AND (decided_on IS NULL OR decided_on > :last)))
          AND request_number IN (SELECT number FROM requests WHERE voided = 0""" + of_organ + """)
        GROUP BY 1, 2
        """,
        {"first": first, "last": last, **organ_params},
    ):
        counts.setdefault(kind, {})[column] = number
    return counts


def ledger_requests(db: sqlite_utils.Database, year: int | None = None) -> list[dict[str, Any]]:
    """Requests for the ledger in number order, each with `stage_dates` (stage code → the day
    it was last completed) and its consultations. With `year`: those the year's annual table
    counts (received by 31 December and without an outcome before 1 January)."""
    sql, params = "SELECT * FROM requests", {}
    if year is not None:
        sql += " WHERE received_on <= :last AND (outcome_on IS NULL OR outcome_on >= :first)"
        params = {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}
    rows = dict_rows(db.execute(sql + " ORDER BY year, seq", params))
    by_number = {row["number"]: row for row in rows}
    for row in rows:
        row["stage_dates"] = {}
    for number, stage, on in db.execute(
        "SELECT request_number, stage_before, max(happened_on) FROM events"
        " WHERE action = ? GROUP BY request_number, stage_before",
        [EventAction.ADVANCE.value],
    ):
        if number in by_number:
            by_number[number]["stage_dates"][stage] = on
    attach_consultations(db, rows)
    return rows


def ledger_histories(db: sqlite_utils.Database, numbers: list[str]) -> dict[str, dict[str, list]]:
    """Everything the record holds about each request beyond its row, for a lossless ledger:
    its events (data decoded), appeals, assignments, 督办 and letters, by number."""
    import json

    found: dict[str, dict[str, list]] = {
        number: {"events": [], "appeals": [], "assignments": [], "supervisions": [], "letters": []}
        for number in numbers
    }
    for table, order in (("events", "id"), ("appeals", "id"), ("assignments", "seq"),
                         ("supervisions", "seq"), ("letters", "id")):
        if table not in db.table_names():
            continue
        for record in dict_rows(db.execute(f"SELECT * FROM {table} ORDER BY request_number, {order}")):
            number = record.pop("request_number")
            if number not in found:
                continue
            if table == "events":
                record["data"] = json.loads(record["data"])
                for name in ("prev_hash", "hash", "at"):
                    record.pop(name, None)
            for name in ("created_at", "updated_at"):
                record.pop(name, None)
            found[number][table].append(record)
    return found


# --- the assessment (issue 14) and the annual report's text ----------------------------


def _year_bounds(year: int) -> dict[str, str]:
    return {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}


#: What the clock (clock.compute_clock) and the assessment read of a request: fetching only
#: these keeps a big year's rows small.
CLOCK_COLUMNS = ("number", "department", "received_on", "supplement_asked_on", "supplement_until",
                 "supplement_received_on", "supplement_late", "extended_days", "outcome",
                 "outcome_on", "replied_on", "fee_noticed_on", "fee_paid_on")


def year_requests(db: sqlite_utils.Database, year: int, *, organ: str | None = None,
                  default_organ: str | None = None, replied_only: bool = False) -> list[dict[str, Any]]:
    """The requests (not voided) received, given an outcome or sent a 补正 notice in `year`
    (with `replied_only`, given an outcome in it), each with its consultations; with `organ`,
    that organ's only. Only the CLOCK_COLUMNS of each."""
    of_organ, organ_params = organ_clause(organ, default_organ)
    which = ("outcome_on BETWEEN :first AND :last" if replied_only else
             "(received_on BETWEEN :first AND :last OR outcome_on BETWEEN :first AND :last"
             " OR supplement_asked_on BETWEEN :first AND :last)")
    rows = dict_rows(db.execute(
        f"SELECT {', '.join(CLOCK_COLUMNS)} FROM requests WHERE voided = 0 AND " + which + of_organ
        + " ORDER BY year, seq",
        {**_year_bounds(year), **organ_params},
    ))
    attach_consultations(db, rows)
    return rows


def year_extensions(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """The requests (not voided) given an extension (条例第33条) in `year` — a standing
    `extend` event dated in it — each with its department."""
    return dict_rows(db.execute(
        "SELECT r.number AS request_number, r.department FROM requests r WHERE r.voided = 0"
        " AND r.number IN (SELECT e.request_number FROM events e WHERE e.action = 'extend'"
        " AND e.happened_on BETWEEN :first AND :last AND " + STANDING_STEP + ")",
        _year_bounds(year),
    ))


def year_assignments(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """Assignments of requests not voided that were assigned, submitted or handed back in `year`."""
    return dict_rows(db.execute(
        "SELECT a.* FROM assignments a JOIN requests r ON r.number = a.request_number"
        " WHERE r.voided = 0 AND (a.assigned_on BETWEEN :first AND :last"
        " OR a.submitted_on BETWEEN :first AND :last OR a.handed_back_on BETWEEN :first AND :last)",
        _year_bounds(year),
    ))


def _with_department(db: sqlite_utils.Database, table: str, condition: str,
                     year: int) -> list[dict[str, Any]]:
    """The records of `table` (x) meeting `condition` in `year`, each with its request's
    department, of requests not voided."""
    return dict_rows(db.execute(
        f"SELECT x.request_number, r.department FROM {table} x"
        " JOIN requests r ON r.number = x.request_number WHERE r.voided = 0 AND " + condition,
        _year_bounds(year),
    ))


def year_supervisions(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """督办 orders opened in `year`, each with its request's department."""
    return _with_department(db, "supervisions", "x.opened_on BETWEEN :first AND :last", year)


def corrected_appeals(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """复议/诉讼 decided 结果纠正 in `year`, each with its request's department."""
    return _with_department(
        db, "appeals", "x.result = 'corrected' AND x.decided_on BETWEEN :first AND :last", year)


def annual_channel_counts(db: sqlite_utils.Database, year: int, *, organ: str | None = None,
                          default_organ: str | None = None) -> dict[str, int]:
    """Requests received in `year` by channel (申请方式)."""
    of_organ, organ_params = organ_clause(organ, default_organ)
    return dict(db.execute(
        "SELECT channel, count(*) FROM requests WHERE voided = 0"
        " AND received_on BETWEEN :first AND :last" + of_organ + " GROUP BY channel",
        {**_year_bounds(year), **organ_params},
    ).fetchall())


def annual_fee_counts(db: sqlite_utils.Database, year: int, *, organ: str | None = None,
                      default_organ: str | None = None) -> dict[str, int]:
    """Fee notices sent in `year` and their amounts; fees paid in `year` and theirs."""
    of_organ, organ_params = organ_clause(organ, default_organ)
    notices, noticed, paid, amount_paid = db.execute(
        "SELECT sum(fee_noticed_on BETWEEN :first AND :last),"
        " sum(CASE WHEN fee_noticed_on BETWEEN :first AND :last THEN fee_amount END),"
        " sum(fee_paid_on BETWEEN :first AND :last),"
        " sum(CASE WHEN fee_paid_on BETWEEN :first AND :last THEN fee_amount END)"
        " FROM requests WHERE voided = 0 AND fee_noticed_on IS NOT NULL" + of_organ,
        {**_year_bounds(year), **organ_params},
    ).fetchone()
    return {"notices": notices or 0, "amount_noticed": noticed or 0, "paid": paid or 0,
            "amount_paid": amount_paid or 0}


def stored_organ_names(db: sqlite_utils.Database) -> dict[str, int]:
    """Every organ stored on a request (not voided), with how many requests name it."""
    return dict(db.execute(
        "SELECT organ, count(*) FROM requests WHERE organ IS NOT NULL AND voided = 0 GROUP BY organ"
    ).fetchall())
