"""Requests and what hangs on them: numbering, registration, workflow changes with their
events, consultations, appeals, listing, and the fee's position of a request in its month.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Iterable


from hunnan_gk import applicants, numbering
from hunnan_gk.storage.db import dict_rows, insert
from hunnan_gk.vocab import EventAction

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils

def find_request(db: sqlite_utils.Database, text: str) -> dict[str, Any] | None:
    """The request numbered `text`; also found by its year and sequence (2024-1, 2024-0001)
    whatever the configured prefix, or typed as printed on paper (numbering.lookup reads what
    was typed)."""
    wanted = numbering.lookup(text)
    rows = dict_rows(db.execute("SELECT * FROM requests WHERE number = ?", [wanted.exact]))
    if not rows and wanted.year_seq is not None:
        rows = dict_rows(
            db.execute("SELECT * FROM requests WHERE year = ? AND seq = ?", list(wanted.year_seq))
        )
        if wanted.confirm:
            rows = [row for row in rows if numbering.same_number(wanted.exact, row["number"])]
    return rows[0] if rows else None


def next_seq(db: sqlite_utils.Database, year: int) -> int:
    """The next sequence number of `year`: gap-free and never reused (call inside `write`)."""
    db.execute(
        "INSERT INTO counters (year, last_seq) VALUES (?, 1)"
        " ON CONFLICT(year) DO UPDATE SET last_seq = last_seq + 1",
        [year],
    )
    return db.execute("SELECT last_seq FROM counters WHERE year = ?", [year]).fetchone()[0]


def new_request_row(db: sqlite_utils.Database, fields: dict[str, Any], *,
                    number_for: Callable[[int, int], str], at: str) -> dict[str, Any]:
    """Number a new request and store its row (call inside `write`): the next sequence of its
    receipt year, formatted by `number_for(year, seq)`. Returns the row as stored."""
    year = int(fields["received_on"][:4])
    seq = next_seq(db, year)
    row = {"number": number_for(year, seq), "year": year, "seq": seq, **fields,
           "created_at": at, "updated_at": at}
    insert(db, "requests", row)
    return row


def register_request(db: sqlite_utils.Database, fields: dict[str, Any], *,
                     number_for: Callable[[int, int], str], clerk: str, at: str,
                     imported: bool = False, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Number and store a new request with its `register` event (call inside `write`).
    `number_for(year, seq)` formats the number; the sequence is per receipt year; `extra`
    goes into the event's data."""
    from hunnan_gk.audit import register_event  # the chain's hashing (OpenSSL) only where events are written
    from hunnan_gk.storage.audit import append_event

    row = new_request_row(db, {"clerk": clerk, **fields, "imported": int(imported)},
                          number_for=number_for, at=at)
    append_event(db, register_event(row, clerk=clerk, at=at, imported=imported, extra=extra))
    return row


def same_applicant_candidates(db: sqlite_utils.Database, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Requests that may be the same applicant's (`applicants.same_applicant` decides): those
    with the same ID number or the same name."""
    return dict_rows(db.execute(
        "SELECT * FROM requests WHERE id_number = ? OR applicant = ? ORDER BY year, seq",
        [applicants.id_key(request.get("id_number")) or None, request["applicant"]],
    ))


def consultations_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    return dict_rows(
        db.execute("SELECT * FROM consultations WHERE request_number = ? ORDER BY id", [number])
    )


def events_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    rows = dict_rows(db.execute("SELECT * FROM events WHERE request_number = ? ORDER BY id", [number]))
    for row in rows:
        row["data"] = json.loads(row["data"])
    return rows


def apply_change(db: sqlite_utils.Database, row: dict[str, Any], change, *, clerk: str,
                 at: str) -> dict[str, Any]:
    """Apply a workflow Change to a request: its fields, its consultation, and its event,
    together (call inside `write`). Returns the updated row."""
    from hunnan_gk.audit import change_effect
    from hunnan_gk.storage.audit import append_event

    fields, event = change_effect(row, change, clerk=clerk, at=at)
    sets = ", ".join(f"{name} = ?" for name in fields)
    db.execute(f"UPDATE requests SET {sets} WHERE number = ?", [*fields.values(), row["number"]])
    if change.consultation:
        consultation_id = insert(db, "consultations", {"request_number": row["number"], **change.consultation})
        event["data"]["consultation"] = {**change.consultation, "id": consultation_id}
    if change.ended_consultation is not None:
        db.execute(
            "UPDATE consultations SET end_on = ? WHERE id = ?",
            [change.on.isoformat(), change.ended_consultation],
        )
    if change.removed_consultation is not None:  # an undone consult start
        db.execute("DELETE FROM consultations WHERE id = ?", [change.removed_consultation])
    if change.reopened_consultation is not None:  # an undone consult end
        db.execute("UPDATE consultations SET end_on = NULL WHERE id = ?",
                   [change.reopened_consultation])
    append_event(db, event)
    return {**row, **fields}


def registered_or_assigned(column: str, name: str, *, handed_back: bool = True) -> tuple[str, list[str]]:
    """The requests of a department (`column` "department") or a handler ("handler"): those
    registered to `name` and those assigned to it (issue 13: `list --department D` "finds
    requests assigned to D as well as those registered to D"). The one definition — `list`,
    `report overdue --department` and `notify --by-department` all use it: an SQL condition on
    `requests` and its parameters. `list` finds every assignment whatever became of it; the
    reminders (`handed_back=False`) leave out a department that handed the request back as not
    its own (退回) — it is not the one to act."""
    if column not in ("department", "handler"):
        raise ValueError(column)
    kept = "" if handed_back else " AND handed_back_on IS NULL"
    return (f"({column} = ? OR number IN (SELECT request_number FROM assignments"
            f" WHERE {column} = ?{kept}))", [name, name])


def numbers_belonging(db: sqlite_utils.Database, column: str, name: str,
                      among: Iterable[str]) -> set[str]:
    """Which of the requests numbered `among` are `name`'s to act on (`registered_or_assigned`
    without the assignments handed back)."""
    condition, params = registered_or_assigned(column, name, handed_back=False)
    among, found = list(among), set()
    for start in range(0, len(among), 500):
        chunk = among[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        cursor = db.execute(f"SELECT number FROM requests WHERE number IN ({marks}) AND {condition}",
                            [*chunk, *params])
        found.update(number for (number,) in cursor.fetchall())
    return found


def list_requests(
    db: sqlite_utils.Database,
    *,
    stage: str | None = None,
    open_only: bool = False,
    closed_only: bool = False,
    department: str | None = None,
    handler: str | None = None,
    received_from: str | None = None,
    received_to: str | None = None,
    search: str | None = None,
    include_voided: bool = False,
    id_number: str | None = None,
    phone: str | None = None,
) -> list[dict[str, Any]]:
    """The requests that meet every condition given, in number order. `id_number` and
    `phone` match exactly, whatever the digits' form (full-width, spaces, hyphens, +86)."""
    where, params = [], []
    if id_number is not None:
        db.conn.create_function("gk_id_key", 1, applicants.id_key, deterministic=True)
        where.append("id_number IS NOT NULL AND gk_id_key(id_number) = ?")
        params.append(applicants.id_key(id_number))
    if phone is not None:
        db.conn.create_function("gk_phone_key", 1, applicants.phone_key, deterministic=True)
        where.append("phone IS NOT NULL AND gk_phone_key(phone) = ?")
        params.append(applicants.phone_key(phone))
    if not include_voided:
        where.append("voided = 0")
    if stage:
        where.append("stage = ?")
        params.append(stage)
    if open_only:
        where.append("stage != 'closed'")
    if closed_only:
        where.append("stage = 'closed'")
    for column, value in (("department", department), ("handler", handler)):
        if value:
            condition, values = registered_or_assigned(column, value)
            where.append(condition)
            params.extend(values)
    if received_from:
        where.append("received_on >= ?")
        params.append(received_from)
    if received_to:
        where.append("received_on <= ?")
        params.append(received_to)
    if search:
        # % and _ are what the clerk looks for, not wildcards
        where.append("(" + " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for column in
                                       ("applicant", "content", "number", "note")) + ")")
        literal = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.extend([f"%{literal}%"] * 4)
    sql = "SELECT * FROM requests"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY year, seq"
    return dict_rows(db.execute(sql, params))


def attach_consultations(db: sqlite_utils.Database, rows: list[dict[str, Any]], *,
                         open_only: bool = False) -> None:
    """Give each row its consultations (key "consultations") in one query: by number for a
    short list, else all of them (of open requests only, when the rows are the open ones)."""
    by_number = {row["number"]: row for row in rows}
    for row in rows:
        row["consultations"] = []
    if not rows:
        return
    if len(rows) <= 500:
        marks = ", ".join("?" for _ in by_number)
        cursor = db.execute(
            f"SELECT * FROM consultations WHERE request_number IN ({marks}) ORDER BY id",
            list(by_number),
        )
    elif open_only:
        cursor = db.execute(
            "SELECT c.* FROM consultations c JOIN requests r ON r.number = c.request_number"
            " WHERE r.outcome_on IS NULL ORDER BY c.id"
        )
    else:
        cursor = db.execute("SELECT * FROM consultations ORDER BY id")
    for consultation in dict_rows(cursor):
        row = by_number.get(consultation["request_number"])
        if row is not None:
            row["consultations"].append(consultation)


def pending_appeal(db: sqlite_utils.Database, number: str, kind: str) -> dict[str, Any] | None:
    """The undecided appeal of this kind against the request, if any."""
    rows = dict_rows(
        db.execute(
            "SELECT * FROM appeals WHERE request_number = ? AND kind = ? AND decided_on IS NULL "
            "ORDER BY id LIMIT 1",
            [number, kind],
        )
    )
    return rows[0] if rows else None


def apply_appeal(db: sqlite_utils.Database, row: dict[str, Any], change, *, clerk: str,
                 at: str) -> None:
    """Record a workflow appeal Change (appeal_add / appeal_decide) and its event, together
    (call inside `write`)."""
    appeal = change.extra["appeal"]
    on = change.on.isoformat()
    if change.action == EventAction.APPEAL_ADD:
        insert(db, "appeals", {"request_number": row["number"], "kind": appeal["kind"],
                               "filed_on": on, "created_at": at, "updated_at": at})
    else:
        db.execute(
            "UPDATE appeals SET result = ?, decided_on = ?, updated_at = ? WHERE id = ?",
            [appeal["result"], on, at, appeal["id"]],
        )
    apply_change(db, row, change, clerk=clerk, at=at)


def applicant_month_position(db: sqlite_utils.Database, request: dict[str, Any]) -> tuple[int, int]:
    """(n, count): this request is the applicant's n-th in its calendar month of receipt, of
    `count` so far. The same applicant is the same ID number when one is recorded, else the
    same name and type (国办函〔2020〕109号: 同一申请人一个自然月内)."""
    month = request["received_on"][:7]
    if request.get("id_number"):
        who, params = "id_number = :id", {"id": request["id_number"]}
    else:
        who = "applicant = :name AND applicant_type = :type"
        params = {"name": request["applicant"], "type": request["applicant_type"]}
    params |= {"first": f"{month}-01", "last": f"{month}-31", "number": request["number"]}
    rows = db.execute(
        f"SELECT number FROM requests WHERE {who} AND received_on BETWEEN :first AND :last "
        "AND (voided = 0 OR number = :number) "
        "ORDER BY received_on, year, seq",
        params,
    ).fetchall()
    numbers = [row[0] for row in rows]
    return numbers.index(request["number"]) + 1, len(numbers)
