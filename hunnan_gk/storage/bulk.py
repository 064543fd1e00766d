"""Whole histories at once: an imported ledger's requests (`ledger import`) and the benchmark
databases (`benchmarks/generate.py`). Each writes what registering a request and applying
its changes one by one would write, hash-chained the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable


from hunnan_gk import numbering
from hunnan_gk.audit import CHAIN_FIELDS, HASHED_FIELDS, chained, linked_hash, registered_fields
from hunnan_gk.storage.audit import append_event, chain_tail, event_count
from hunnan_gk.storage.db import insert, insert_many
from hunnan_gk.storage.requests import new_request_row, next_seq
from hunnan_gk.vocab import EventAction

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils


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
    number: str | None = None,
) -> str:
    """Store one imported request, its history (events marked imported) and its key (call
    inside `write`). Returns the new request's number: the ledger's own `number` verbatim
    when it has one that no other request has (its sequence read from it where free, so that
    new registrations continue after it), else the next of its receipt year."""
    fields = {**fields, "clerk": fields.get("clerk") or clerk, "imported": 1}
    if number and not db.execute("SELECT 1 FROM requests WHERE number = ?", [number]).fetchone():
        row = _row_numbered(db, fields, number, at=at)
    else:  # no number of its own, or one another request already has: the next of its year
        row = new_request_row(db, fields, number_for=number_for, at=at)
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


class NumberTaken(Exception):
    """The ledger's own number names another request already in the database."""


def _row_numbered(db: sqlite_utils.Database, fields: dict[str, Any], number: str, *,
                  at: str) -> dict[str, Any]:
    """Store a request under the (free) number its ledger gave it (call inside `write`)."""
    year = int(fields["received_on"][:4])
    seq = numbering.sequence_in(number, year)
    if seq is None or db.execute("SELECT 1 FROM requests WHERE year = ? AND seq = ?", [year, seq]).fetchone():
        seq = next_seq(db, year)
    else:
        _raise_counter(db, year, seq)
    row = {"number": number, "year": year, "seq": seq, **fields, "created_at": at, "updated_at": at}
    insert(db, "requests", row)
    return row


def _raise_counter(db: sqlite_utils.Database, year: int, seq: int) -> None:
    db.execute(
        "INSERT INTO counters (year, last_seq) VALUES (?, ?)"
        " ON CONFLICT(year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
        [year, seq],
    )


def restore_histories(db: sqlite_utils.Database, restored: list[dict[str, Any]], *, at: str,
                      source: str) -> None:
    """Store requests exported whole (`ledger export` xlsx/json) as they were (call inside
    `write`): each row as its events replay it, its events with their data (stamped `at`),
    consultations, appeals, assignments, 督办 and letters (their numbers' counters raised). Into a database without events the ids are
    kept, so that everything `show --json` names is as exported; otherwise new ids are given
    (an undo keeps naming the event it undoes)."""
    from hunnan_gk.workflow import replay

    keep_ids = event_count(db) == 0
    columns = list(db["requests"].columns_dict)
    for item in restored:
        events = [{**event, "at": at} for event in item["events"]]
        state = replay(events)
        row = {column: state.get(column) for column in columns}
        if db.execute("SELECT 1 FROM requests WHERE number = ?", [row["number"]]).fetchone():
            raise NumberTaken(row["number"])
        if db.execute("SELECT 1 FROM requests WHERE year = ? AND seq = ?", [row["year"], row["seq"]]).fetchone():
            row["seq"] = next_seq(db, row["year"])
        else:
            _raise_counter(db, row["year"], row["seq"])
        insert(db, "requests", row)
        number = row["number"]
        for table, key in (("consultations", "consultations"), ("appeals", "appeals")):
            for record in item.get(key, []):
                values = {**record, "request_number": number}
                if not keep_ids:
                    values.pop("id", None)
                if table == "appeals":
                    values.setdefault("created_at", at)
                    values.setdefault("updated_at", at)
                insert(db, table, values)
        for table in ("assignments", "supervisions"):
            for record in item.get(table, []):
                insert(db, table, {**record, "request_number": number})
        for letter in item.get("letters", []):
            values = {**letter, "request_number": number, "created_at": at}
            if not keep_ids:
                values.pop("id", None)
            insert(db, "letters", values)
            db.execute(
                "INSERT INTO letter_counters (kind, year, last_seq) VALUES (?, ?, ?)"
                " ON CONFLICT(kind, year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
                [letter["kind"], letter["year"], letter["seq"]],
            )
        insert(db, "ledger_keys", {"key": item["key"], "request_number": number, "source": source,
                                   "source_row": item["row"], "imported_at": at})
    ids: dict[int, int] = {}
    everything = sorted(
        ((event, item["number"]) for item in restored for event in item["events"]),
        key=lambda pair: pair[0]["id"],
    )
    for event, number in everything:
        data = dict(event["data"])
        if not keep_ids and "undoes" in data:
            data["undoes"] = ids.get(data["undoes"], data["undoes"])
        values = {name: event.get(name) for name in HASHED_FIELDS}
        values.update(request_number=number, at=at, data=data)
        row = chained(values, chain_tail(db))
        if keep_ids:
            row["id"] = event["id"]
        ids[event["id"]] = insert(db, "events", row)


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
