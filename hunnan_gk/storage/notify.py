"""What the morning e-mail (`notify`) sent, so a second run the same day sends only what is
new, and the named locks that keep two runs from both sending.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any


from hunnan_gk.storage.db import insert, insert_many, write

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils


def take_lock(
    db: sqlite_utils.Database, name: str, holder: str, taken_at: str, now: float, ttl: float
) -> dict[str, Any] | None:
    """Take the named lock for `ttl` seconds. Returns None when taken, else the row of whoever
    holds it (a lock past its expiry is taken over: its holder crashed)."""
    with write(db):
        row = db.execute(
            "SELECT holder, taken_at, expires FROM locks WHERE name = ?", [name]
        ).fetchone()
        if row and row[2] > now:
            return {"holder": row[0], "taken_at": row[1], "expires": row[2]}
        db.execute(
            "INSERT OR REPLACE INTO locks (name, holder, taken_at, expires) VALUES (?, ?, ?, ?)",
            [name, holder, taken_at, now + ttl],
        )
    return None


def release_lock(db: sqlite_utils.Database, name: str, holder: str) -> None:
    with write(db):
        db.execute("DELETE FROM locks WHERE name = ? AND holder = ?", [name, holder])


def notified_on(db: sqlite_utils.Database, sent_on: str) -> dict[str, list[tuple[str, str]]]:
    """The (request number, light) pairs each scope's e-mails listed on `sent_on`."""
    result: dict[str, list[tuple[str, str]]] = {}
    for scope, number, light in db.execute(
        """
        SELECT n.scope, d.request_number, d.light
        FROM notifications n JOIN notified d ON d.notification_id = n.id
        WHERE n.sent_on = ?
        ORDER BY n.id
        """,
        [sent_on],
    ):
        result.setdefault(scope, []).append((number, light))
    return result


def scopes_sent_on(db: sqlite_utils.Database, sent_on: str) -> set[str]:
    """The scopes that got an e-mail on `sent_on` (also one that listed no request)."""
    return {scope for (scope,) in db.execute("SELECT DISTINCT scope FROM notifications WHERE sent_on = ?", [sent_on])}


def record_notification(
    db: sqlite_utils.Database, mail: dict[str, Any], lights: dict[str, str]
) -> int:
    """Remember one e-mail sent (`mail`: sent_on, sent_at, as_of, scope, recipients, subject,
    forced) and the light of each request it listed."""
    with write(db):
        notification_id = insert(db, "notifications", {
            "sent_on": mail["sent_on"],
            "sent_at": mail["sent_at"],
            "as_of": mail["as_of"],
            "scope": mail["scope"],
            "recipients": json.dumps(mail["recipients"], ensure_ascii=False),
            "subject": mail["subject"],
            "forced": int(bool(mail.get("forced"))),
        })
        insert_many(db, "notified", ("notification_id", "request_number", "light"),
                    [(notification_id, number, light) for number, light in lights.items()])
    return notification_id


def notification_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM notifications").fetchone()[0]
