"""Whole histories at once: an imported ledger's requests (`ledger import`) and the benchmark
databases (`benchmarks/generate.py`). Each writes what registering a request and applying
its changes one by one would write, hash-chained the same way.
"""

from __future__ import annotations

from typing import Any, Callable

import sqlite_utils

from hunnan_gk.audit import CHAIN_FIELDS, HASHED_FIELDS, linked_hash, registered_fields
from hunnan_gk.storage.audit import append_event, chain_tail
from hunnan_gk.storage.db import insert, insert_many
from hunnan_gk.storage.requests import new_request_row
from hunnan_gk.vocab import EventAction


def ledger_row_present(db: sqlite_utils.Database, key: str, fields: dict[str, Any]) -> bool:
    """Whether a ledger row is already in the database: its key was imported before, or a
    request with the same receipt date, applicant and content exists (e.g. our own export)."""
    if db.execute("SELECT 1 FROM ledger_keys WHERE key = ?", [key]).fetchone():
        return True
    return bool(
        db.execute(
            "SELECT 1 FROM requests WHERE received_on = ? AND applicant = ? AND content = ? LIMIT 1",
            [fields["received_on"], fields["applicant"], fields["content"]],
        ).fetchone()
    )


def import_ledger_record(
    db: sqlite_utils.Database,
    *,
    key: str,
    fields: dict[str, Any],
    events: list[dict[str, Any]],
    number_for: Callable[[int, int], str],
    clerk: str,
    at: str,
    source: str,
    source_row: int,
) -> str:
    """Store one imported request, its history (events marked imported) and its key (call
    inside `write`). Returns the new request's number."""
    row = new_request_row(db, {**fields, "clerk": fields.get("clerk") or clerk, "imported": 1},
                          number_for=number_for, at=at)
    number = row["number"]
    for event in events:
        data = dict(event["data"])
        if event["action"] == EventAction.IMPORT:
            data = {"after": registered_fields(row),
                    "ledger": {"file": source, "row": source_row, "key": key}}
        append_event(db, {**event, "request_number": number, "at": at, "clerk": row["clerk"],
                          "note": None, "data": data, "imported": True})
    insert(db, "ledger_keys", {"key": key, "request_number": number, "source": source,
                               "source_row": source_row, "imported_at": at})
    return number


def last_seqs(db: sqlite_utils.Database) -> dict[int, int]:
    """The last sequence number used in each year."""
    return dict(db.execute("SELECT year, last_seq FROM counters").fetchall())


def next_consultation_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM consultations").fetchone()[0]


def store_histories(db: sqlite_utils.Database, histories: list[tuple]) -> int:
    """Write whole requests at once, each from `hunnan_gk.audit.prepare_history`: the final row (holding its
    number, year and seq, see `last_seqs`), its consultations (with their ids) and its events,
    hash-chained in order exactly as `append_event` would chain them. Call inside `write`.

    The per-year counters are raised to the highest seq written. Returns the number of events
    written. This stores what `register_request` + `apply_change` per step would store, in a
    few statements instead of several per event."""
    if not histories:
        return 0
    prev = chain_tail(db)
    columns = list(db["requests"].columns_dict)
    consult_columns = ("id", "request_number", "party", "kind", "start_on", "end_on")
    requests, consultations, events = [], [], []
    top: dict[int, int] = {}
    for row, row_consultations, row_events in histories:
        requests.append(tuple(row.get(c) for c in columns))
        if row["seq"] > top.get(row["year"], 0):
            top[row["year"]] = row["seq"]
        for consultation in row_consultations:
            consultations.append(tuple(consultation.get(c) for c in consult_columns))
        for values, tail in row_events:
            linked = linked_hash(prev, tail)
            events.append((*values, prev, linked))
            prev = linked
    for table, names, rows in (("requests", columns, requests),
                               ("consultations", consult_columns, consultations),
                               ("events", HASHED_FIELDS + CHAIN_FIELDS, events)):
        insert_many(db, table, names, rows)
    db.conn.executemany(
        "INSERT INTO counters (year, last_seq) VALUES (?, ?)"
        " ON CONFLICT(year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
        list(top.items()),
    )
    return len(events)
