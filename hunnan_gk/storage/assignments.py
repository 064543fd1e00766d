"""Assignments to departments and 督办 orders (issue 13): each a record numbered within its
request, written with the event that carries it (the pure rules are in
`hunnan_gk.assignments`), and the queries that find them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable


from hunnan_gk.storage.db import dict_rows
from hunnan_gk.storage.requests import apply_change

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils

def assignments_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    return _records(db, "assignments", [number])[number]


def supervisions_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    return _records(db, "supervisions", [number])[number]


def _records(db: sqlite_utils.Database, table: str,
             numbers: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {number: [] for number in numbers}
    if not found:
        return found
    marks = ", ".join("?" for _ in found)
    cursor = db.execute(
        f"SELECT * FROM {table} WHERE request_number IN ({marks}) ORDER BY request_number, seq",
        list(found),
    )
    for record in dict_rows(cursor):
        found[record.pop("request_number")].append(record)
    return found


def attach_records(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Give each row its assignments and supervisions (keys "assignments", "supervisions"),
    a few hundred numbers a query."""
    for row in rows:
        row["assignments"], row["supervisions"] = [], []
    for start in range(0, len(rows), 500):
        chunk = {row["number"]: row for row in rows[start:start + 500]}
        for table, key in (("assignments", "assignments"), ("supervisions", "supervisions")):
            for number, records in _records(db, table, chunk).items():
                chunk[number][key] = records


def supervised_numbers(db: sqlite_utils.Database, on: str) -> set[str]:
    """The numbers of the requests with a 督办单 open on the day `on`."""
    # Two arms so that each reads the index supervisions_open (closed_on) instead of the whole
    # table: the cost follows the open 督办, not the years of closed ones (issue 16 item 8).
    cursor = db.execute(
        "SELECT request_number FROM supervisions WHERE closed_on IS NULL AND opened_on <= ?"
        " UNION SELECT request_number FROM supervisions WHERE closed_on > ? AND opened_on <= ?",
        [on, on, on],
    )
    return {number for (number,) in cursor.fetchall()}


def apply_record_change(db: sqlite_utils.Database, row: dict[str, Any], change, *, clerk: str,
                        at: str) -> dict[str, Any]:
    """Store an assignment's or a supervision's record as the Change leaves it, with the
    change's event (call inside `write`); an undo of the step that opened one removes it.
    Returns the updated request row."""
    from hunnan_gk.assignments import ASSIGNMENT, REMOVED, SUPERVISION  # not at import: reports only read

    extra = change.extra or {}
    for key, table in ((ASSIGNMENT, "assignments"), (SUPERVISION, "supervisions")):
        removed = (extra.get(REMOVED) or {}).get(key)
        if removed is not None:
            db.execute(f"DELETE FROM {table} WHERE request_number = ? AND seq = ?",
                       [row["number"], removed])
        record = extra.get(key)
        if record:
            columns = ["request_number", *record]
            names = ", ".join(columns)
            marks = ", ".join("?" for _ in columns)
            db.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",
                       [row["number"], *record.values()])
    return apply_change(db, row, change, clerk=clerk, at=at)


def supervisions(db: sqlite_utils.Database, *, open_only: bool = False) -> list[dict[str, Any]]:
    """Every 督办单 with its request's applicant, department and stage, oldest first, and
    the request's assignments (key "assignments")."""
    sql = (
        "SELECT s.*, r.applicant, r.department, r.stage, r.outcome FROM supervisions s"
        " JOIN requests r ON r.number = s.request_number WHERE r.voided = 0"
    )
    if open_only:
        sql += " AND s.closed_on IS NULL"
    records = dict_rows(db.execute(sql + " ORDER BY s.opened_on, r.year, r.seq, s.seq"))
    assigned = _records(db, "assignments", {record["request_number"] for record in records})
    for record in records:
        record["assignments"] = assigned[record["request_number"]]
    return records


def stored_department_names(db: sqlite_utils.Database) -> dict[str, int]:
    """Every department name stored on a request or an assignment, with how many use it."""
    cursor = db.execute(
        "SELECT department, count(*) FROM ("
        " SELECT department FROM requests WHERE department IS NOT NULL"
        " UNION ALL SELECT department FROM assignments) GROUP BY department"
    )
    return dict(cursor.fetchall())


def open_assignments(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The assignments not yet submitted or handed back of the requests still awaiting a
    reply (not voided), each with its request's number and applicant."""
    return dict_rows(db.execute(
        "SELECT a.*, r.applicant FROM assignments a JOIN requests r ON r.number = a.request_number"
        " WHERE a.submitted_on IS NULL AND a.handed_back_on IS NULL AND r.outcome_on IS NULL"
        " AND r.voided = 0 ORDER BY a.due_on, r.year, r.seq, a.seq"
    ))


def waiting_in_archive(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The requests answered (or ended) but not yet archived: standing in 归档备查."""
    return dict_rows(db.execute(
        "SELECT number, applicant, department, outcome_on FROM requests"
        " WHERE stage = 'archive' AND voided = 0 ORDER BY outcome_on, year, seq"
    ))
