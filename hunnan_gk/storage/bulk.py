"""Whole histories at once: an imported ledger's requests (`ledger import`) and the benchmark
databases (`benchmarks/generate.py`). Each writes what registering a request and applying
its changes one by one would write, hash-chained the same way.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence


from hunnan_gk import numbering
from hunnan_gk.audit import CHAIN_FIELDS, HASHED_FIELDS, linked_hash, linked_rows
from hunnan_gk.storage.audit import chain_tail, event_count
from hunnan_gk.storage.db import insert, insert_many, os_user
from hunnan_gk.storage.requests import next_seq
from hunnan_gk.vocab import EventAction

IMPORT = EventAction.IMPORT.value

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils


#: Rows per statement when a ledger's keys and numbers are looked up (SQLite allows 32,766
#: parameters; fewer keep each statement small).
LOOKUP_ROWS = 500


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def ledger_rows_present(db: sqlite_utils.Database, rows: Sequence[tuple[str, dict[str, Any]]]) -> list[bool]:
    """For each ledger row (key, fields), whether it is already in the database: its key was
    imported before, or a request with the same receipt date, applicant and content exists
    (e.g. our own export). A few statements for the whole file, not two per row."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS ledger_wanted"
               " (i INTEGER PRIMARY KEY, key TEXT, received_on TEXT, applicant TEXT, content TEXT)")
    try:
        db.conn.executemany(
            "INSERT INTO temp.ledger_wanted VALUES (?, ?, ?, ?, ?)",
            ((i, key, f["received_on"], f["applicant"], f["content"]) for i, (key, f) in enumerate(rows)),
        )
        found = {i for (i,) in db.execute(
            "SELECT i FROM temp.ledger_wanted AS w"
            " WHERE EXISTS (SELECT 1 FROM ledger_keys AS k WHERE k.key = w.key)"
            " OR EXISTS (SELECT 1 FROM requests AS r WHERE r.received_on = w.received_on"
            " AND r.applicant = w.applicant AND r.content = w.content)"
        )}
    finally:
        db.execute("DROP TABLE temp.ledger_wanted")
    return [i in found for i in range(len(rows))]


#: Rows written per statement by `import_ledger_records` (and the progress bar's step).
WRITE_ROWS = 2_000
#: Its page cache, in KiB (SQLite's default is 2,000).
IMPORT_CACHE_KIB = 128 * 1024


def import_ledger_records(
    db: sqlite_utils.Database,
    records: Sequence[dict[str, Any]],
    *,
    number_for: Callable[[int, int], str],
    clerk: str,
    at: str,
    source: str,
    stops: Iterable[int] = (),
    on_written: Callable[[int, int], None] = lambda rows, step: None,
    events_of: Callable[[dict[str, Any]], Iterable[dict[str, Any]]] = lambda record: record["events"],
) -> list[str]:
    """Store imported requests, each with its history (events marked imported) and its key
    (call inside `write`): each record a dict of `key`, `fields`, `row` (in the file), `number`
    (the ledger's own, or None) and its events, `events_of(record)` — made as each statement
    is built, so that a large ledger's histories are never all in memory at once (they are
    most of an import's memory: ~8 events a row). Numbered as `numbering.assign_numbers` says;
    stored exactly as registering them one at a time would store them, hash chain included,
    but WRITE_ROWS requests to a statement: the lookups first, then every row numbered, its
    events serialized and linked in one loop. A statement also ends after each row count in
    `stops`; `on_written(rows so far, rows in it)` is called after each. Returns the numbers
    given, in order."""
    own = [r["number"] for r in records if r["number"]]
    taken = _existing(db, "SELECT number FROM requests WHERE number IN ({})", own)
    wanted = [(int(r["fields"]["received_on"][:4]), r["number"]) for r in records]
    seqs = {(year, numbering.sequence_in(number, year)) for year, number in wanted if number}
    taken_seqs = {(year, seq) for year, seq in _existing(
        db, "SELECT year, seq FROM requests WHERE (year, seq) IN (VALUES {})",
        [pair for pair in seqs if pair[1] is not None], pairs=True)}
    counters = last_seqs(db)
    given = numbering.assign_numbers(wanted, taken=taken, taken_seqs=taken_seqs,
                                     last_seqs=counters, number_for=number_for)
    # Each request row touches a dozen indexes: a larger page cache for this connection
    # (the command ends after the import) saves re-reading their pages.
    db.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    user = os_user()
    prev = chain_tail(db)
    columns: list[str] | None = None
    bounds = sorted({*range(0, len(records), WRITE_ROWS), *(s for s in stops if 0 < s < len(records)),
                     len(records)})
    for start, end in zip(bounds, bounds[1:]):
        requests, events, keys = [], [], []
        for record, (number, year, seq) in zip(records[start:end], given[start:end]):
            fields = record["fields"]
            who = fields.get("clerk") or clerk
            registered = {"number": number, "year": year, "seq": seq, **fields, "clerk": who, "imported": 1}
            row = {**registered, "created_at": at, "updated_at": at}
            if columns is None:
                columns = list(row)
                row_values = itemgetter(*columns)
            requests.append(row_values(row))
            for event in events_of(record):
                action = event["action"]
                if action == IMPORT:
                    data = {"after": registered, "os_user": user,
                            "ledger": {"file": source, "row": record["row"], "key": record["key"]}}
                else:
                    data = {**event["data"], "os_user": user}
                events.append((number, action, event["stage_before"], event["stage_after"],
                               event["happened_on"], at, who, None, data, True))
            keys.append((record["key"], number, source, record["row"], at))
        linked, prev = linked_rows(prev, events)
        insert_many(db, "requests", columns, requests)
        insert_many(db, "events", HASHED_FIELDS + CHAIN_FIELDS, linked)
        insert_many(db, "ledger_keys", LEDGER_KEY_COLUMNS, keys)
        on_written(end, end - start)
    db.conn.executemany(_RAISE_COUNTER, list(counters.items()))
    return [number for number, _, _ in given]


LEDGER_KEY_COLUMNS = ("key", "request_number", "source", "source_row", "imported_at")


def _existing(db: sqlite_utils.Database, sql: str, values: Sequence[Any], *, pairs: bool = False) -> set:
    """Which of `values` the query `sql` (its IN list left as {}) finds, LOOKUP_ROWS at a time."""
    found: set = set()
    for part in _chunks(list(values), LOOKUP_ROWS):
        if pairs:
            marks = ", ".join("(?, ?)" for _ in part)
            parameters = [v for pair in part for v in pair]
        else:
            marks, parameters = ", ".join("?" for _ in part), list(part)
        found.update(tuple(r) if pairs else r[0] for r in db.execute(sql.format(marks), parameters))
    return found


class NumberTaken(Exception):
    """The ledger's own number names another request already in the database."""


_RAISE_COUNTER = ("INSERT INTO counters (year, last_seq) VALUES (?, ?)"
                  " ON CONFLICT(year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)")


def _raise_counter(db: sqlite_utils.Database, year: int, seq: int) -> None:
    db.execute(_RAISE_COUNTER, [year, seq])


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
    # Every event in id order, linked in one loop and written in one statement; new ids are
    # given as SQLite would give them (the next after the highest), so an undo's can be mapped.
    everything = sorted(
        ((event, item["number"]) for item in restored for event in item["events"]),
        key=lambda pair: pair[0]["id"],
    )
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()[0]
    ids: dict[int, int] = {}
    given, events = [], []
    for event, number in everything:
        data = dict(event["data"])
        if not keep_ids and "undoes" in data:
            data["undoes"] = ids.get(data["undoes"], data["undoes"])
        ids[event["id"]] = event_id = event["id"] if keep_ids else next_id + len(given)
        given.append(event_id)
        events.append(tuple({**event, "request_number": number, "at": at, "data": data}.get(name)
                            for name in HASHED_FIELDS))
    rows, _ = linked_rows(chain_tail(db), events)
    insert_many(db, "events", ("id",) + HASHED_FIELDS + CHAIN_FIELDS,
                [(event_id, *row) for event_id, row in zip(given, rows)])


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
    db.conn.executemany(_RAISE_COUNTER, list(top.items()))
    return len(events)
