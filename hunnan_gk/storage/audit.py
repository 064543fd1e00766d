"""The stored audit trail: appending events to the hash chain, and verifying it.

The chain itself (what is hashed, how each event links to the one before) is pure and
lives in `hunnan_gk.audit`; this module only reads and writes the `events` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


from hunnan_gk.audit import CHAIN_FIELDS, GENESIS_HASH, HASHED_FIELDS, chained, first_broken
from hunnan_gk.errors import Refused
from hunnan_gk.storage.db import insert, os_user

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils


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


#: How many state problems a failed verification names before it counts the rest.
LISTED_PROBLEMS = 20


def state_problems(db: sqlite_utils.Database) -> list[str]:
    """What replaying every request's events through the workflow (`workflow.replay`) finds
    against the stored rows, one Chinese line each: a column that differs (number, column,
    stored vs replayed), a request row without events, events whose request row is gone.

    One pass over both tables in number order, a request's events at a time."""
    import json
    from itertools import groupby
    from operator import itemgetter

    from hunnan_gk.assignments import ASSIGNMENT, SUPERVISION, replay_records
    from hunnan_gk.audit import state_differences
    from hunnan_gk.privacy import mask_id_number, mask_phone
    from hunnan_gk.workflow import replay

    masks = {"id_number": mask_id_number, "phone": mask_phone}

    def shown(name: str, value: Any) -> str:
        if value is None:
            return "空"
        return f"“{masks[name](value) if name in masks else value}”"

    rows = db.execute("SELECT * FROM requests ORDER BY number")
    names = [d[0] for d in rows.description]
    events = db.execute(
        "SELECT request_number, id, action, happened_on, at, data FROM events"
        " ORDER BY request_number, id"
    )
    # issue 13: a request's assignments and 督办 orders are what its events carry, too
    records = {key: _records_by_number(db, table)
               for key, table in ((ASSIGNMENT, "assignments"), (SUPERVISION, "supervisions"))}
    labels = {ASSIGNMENT: "转办记录", SUPERVISION: "督办记录"}
    groups = groupby(events, key=itemgetter(0))
    group = next(groups, None)
    problems: list[str] = []

    def orphan(number: str) -> None:
        problems.append(f"事件属于申请 {number}，但申请表中没有这件申请（记录被删除）")

    for values in rows:
        row = dict(zip(names, values))
        number = row["number"]
        while group is not None and group[0] < number:
            orphan(group[0])
            group = next(groups, None)
        if group is None or group[0] != number:
            problems.append(f"申请 {number} 没有任何办理记录（不是由 hunnan-gk 写入的）")
            continue
        history = [
            {"id": event_id, "action": action, "happened_on": on, "at": at, "data": json.loads(data)}
            for _, event_id, action, on, at, data in group[1]
        ]
        group = next(groups, None)
        for name, stored, replayed in state_differences(row, replay(history)):
            problems.append(
                f"申请 {number} 的 {name}：记录为 {shown(name, stored)}，按办理记录重放为 {shown(name, replayed)}"
            )
        for key, label in labels.items():
            stored_records = records[key].get(number, [])
            replayed_records = replay_records(history, key)
            if stored_records != replayed_records:
                problems.append(f"申请 {number} 的{label}：记录 {len(stored_records)} 条，"
                                f"按办理记录重放为 {len(replayed_records)} 条，内容不一致")
    while group is not None:
        orphan(group[0])
        group = next(groups, None)
    return problems


def _records_by_number(db: sqlite_utils.Database, table: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of `assignments` or `supervisions`, by request number, in `seq` order."""
    from hunnan_gk.storage.db import dict_rows

    found: dict[str, list[dict[str, Any]]] = {}
    for record in dict_rows(db.execute(f"SELECT * FROM {table} ORDER BY request_number, seq")):
        found.setdefault(record.pop("request_number"), []).append(record)
    return found


def verify_audit(db: sqlite_utils.Database) -> tuple[int, str]:
    """The number of events and the head hash when the whole chain verifies and every
    request row is what its events give; Refused naming the first event that does not
    verify, or each row that differs from its replayed events."""
    broken = first_broken_event(db)
    if broken:
        raise Refused(f"审计链核验失败：事件 #{broken[0]} {broken[1]}")
    problems = state_problems(db)
    if problems:
        listed = problems[:LISTED_PROBLEMS]
        more = len(problems) - len(listed)
        raise Refused(
            f"状态核验失败：申请表与办理记录不一致，共 {len(problems)} 处（申请表可能被直接改动）\n"
            + "\n".join(f"  {line}" for line in listed)
            + (f"\n  …另有 {more} 处" if more else ""),
            hint="办理记录（事件链）完好；以办理记录为准，用 hunnan-gk show 查看各申请的记录",
        )
    return _head(db)
