"""Letters (文书) issued for requests: their 文号 series, the letters themselves, what
superseded them and their delivery (issue 15). Call the writers inside `write`: the 文号 is
taken under the same lock as the letter and its event are recorded, so two clerks issuing at
once get consecutive numbers and a failed command gives its number back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


from hunnan_gk.storage.db import dict_rows, insert

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils


def next_letter_seq(db: sqlite_utils.Database, kind: str, year: int) -> int:
    """The next sequence of `kind`'s 文号 in `year`: gap-free and never reused (inside `write`)."""
    db.execute(
        "INSERT INTO letter_counters (kind, year, last_seq) VALUES (?, ?, 1)"
        " ON CONFLICT(kind, year) DO UPDATE SET last_seq = last_seq + 1",
        [kind, year],
    )
    return db.execute("SELECT last_seq FROM letter_counters WHERE kind = ? AND year = ?",
                      [kind, year]).fetchone()[0]


def letter_number_taken(db: sqlite_utils.Database, letter_number: str) -> bool:
    return db.execute("SELECT 1 FROM letters WHERE letter_number = ?", [letter_number]).fetchone() is not None


def store_letter(db: sqlite_utils.Database, row: dict[str, Any]) -> int:
    """Record an issued letter (inside `write`, with its event); returns its id."""
    return insert(db, "letters", row)


def letters_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    return dict_rows(db.execute("SELECT * FROM letters WHERE request_number = ? ORDER BY id", [number]))


def find_letter(db: sqlite_utils.Database, number: str, letter_number: str) -> dict[str, Any] | None:
    """The letter numbered `letter_number` issued for the request `number`."""
    rows = dict_rows(db.execute("SELECT * FROM letters WHERE request_number = ? AND letter_number = ?",
                                [number, letter_number.strip()]))
    return rows[0] if rows else None


def supersede(db: sqlite_utils.Database, letter_id: int, by: str) -> None:
    db.execute("UPDATE letters SET superseded_by = ? WHERE id = ?", [by, letter_id])


def record_delivery(db: sqlite_utils.Database, letter_id: int, *, method: str, on: str,
                    tracking: str | None, signed_by: str | None) -> None:
    db.execute(
        "UPDATE letters SET delivery_method = ?, delivered_on = ?, tracking = ?, signed_by = ? WHERE id = ?",
        [method, on, tracking, signed_by, letter_id],
    )


def attach_letters(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Give each row its letters (key "letters") in one query."""
    by_number = {row["number"]: row for row in rows}
    for row in rows:
        row["letters"] = []
    if not rows:
        return
    if len(rows) <= 500:
        marks = ", ".join("?" for _ in by_number)
        cursor = db.execute(f"SELECT * FROM letters WHERE request_number IN ({marks}) ORDER BY id",
                            list(by_number))
    else:
        cursor = db.execute("SELECT * FROM letters ORDER BY id")
    for letter in dict_rows(cursor):
        row = by_number.get(letter["request_number"])
        if row is not None:
            row["letters"].append(letter)
