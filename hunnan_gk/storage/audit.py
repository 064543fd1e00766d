"""The stored audit trail: appending events to the hash chain, and verifying it.

The chain itself (what is hashed, how each event links to the one before) is pure and
lives in `hunnan_gk.audit`; this module only reads and writes the `events` table.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from hunnan_gk.audit import CHAIN_FIELDS, GENESIS_HASH, HASHED_FIELDS, chained, first_broken
from hunnan_gk.errors import Refused
from hunnan_gk.storage.db import insert, os_user


def chain_tail(db: sqlite_utils.Database) -> str:
    """The hash the next event links to."""
    tail = db.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return tail[0] if tail else GENESIS_HASH


def append_event(db: sqlite_utils.Database, event: dict[str, Any]) -> dict[str, Any]:
    """Append one event to the hash chain. Call inside `write()`: the chain's tail is read
    and extended under the same lock. The event's data records the OS account that ran the
    command (`os_user`), covered by the hash like the rest."""
    event = {**event, "data": {**(event.get("data") or {}), "os_user": os_user()}}
    row = chained(event, chain_tail(db))
    row["id"] = insert(db, "events", row)
    return row


def first_broken_event(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The id of the first event that does not verify, and why; None when the chain holds."""
    names = ("id",) + CHAIN_FIELDS + HASHED_FIELDS
    cursor = db.execute(f"SELECT {', '.join(names)} FROM events ORDER BY id")
    events = (dict(zip(names, values)) for values in cursor)
    return first_broken(events, _head(db))


def _head(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The recorded head of the chain: (how many events, the last hash)."""
    return db.execute("SELECT events, last_hash FROM audit_head").fetchone()


def event_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


def verify_audit(db: sqlite_utils.Database) -> tuple[int, str]:
    """The number of events and the head hash when the whole chain verifies; Refused naming
    the first event that does not."""
    broken = first_broken_event(db)
    if broken:
        raise Refused(f"审计链核验失败：事件 #{broken[0]} {broken[1]}")
    return _head(db)
