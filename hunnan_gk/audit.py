"""The audit trail as plain data: what each event of a request holds, and the hash chain that
links every event to the one before it, so that `audit verify` finds any event changed,
inserted or deleted.

Pure: rows and workflow Changes in, events and hashes out. Storage appends them
(`storage.audit`) and reads them back to verify; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping, Sequence

from hunnan_gk.vocab import EventAction, Stage

GENESIS_HASH = "0" * 64

#: The columns of an event that its hash covers, in the order they are hashed.
HASHED_FIELDS = (
    "request_number",
    "action",
    "stage_before",
    "stage_after",
    "happened_on",
    "at",
    "clerk",
    "note",
    "data",
    "imported",
)

#: The columns of a stored event after the hashed ones.
CHAIN_FIELDS = ("prev_hash", "hash")


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    payload = json.dumps(
        [prev_hash] + [event.get(name) for name in HASHED_FIELDS],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_tail(row: Mapping[str, Any]) -> str:
    """The part of an event's hashed payload after the previous hash: `event_hash(prev, row)`
    is sha256 of '["' + prev + '",' + this (prev is hex, so JSON needs no escaping)."""
    return json.dumps([row[name] for name in HASHED_FIELDS], ensure_ascii=False,
                      separators=(",", ":"))[1:]


def linked_hash(prev_hash: str, tail: str) -> str:
    """`event_hash(prev_hash, row)` from the row's `hash_tail`, without serializing it again."""
    return hashlib.sha256(f'["{prev_hash}",{tail}'.encode("utf-8")).hexdigest()


# The encoders of `serialized` (data) and of `hash_tail`, made once: many events are linked at a time.
_DATA_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_TAIL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def linked_rows(prev_hash: str, events: Iterable[Sequence[Any]]) -> tuple[list[tuple], str]:
    """Many events linked into the chain in one loop: each given as the values of
    HASHED_FIELDS in order (data a dict, imported a bool), each returned as it is stored —
    those values serialized as `serialized` gives them, then its prev_hash and hash, exactly as
    `chained` links them one at a time. Returns the rows and the hash the next one links to."""
    rows = []
    for *head, data, imported in events:
        values = (*head, _DATA_JSON(data or {}), 1 if imported else 0)
        linked = hashlib.sha256(f'["{prev_hash}",{_TAIL_JSON(values)[1:]}'.encode("utf-8")).hexdigest()
        rows.append((*values, prev_hash, linked))
        prev_hash = linked
    return rows, prev_hash


def serialized(event: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed columns of `event` as they are stored: data as sorted JSON, imported 0/1."""
    row = {name: event.get(name) for name in HASHED_FIELDS}
    row["data"] = json.dumps(event.get("data") or {}, ensure_ascii=False, sort_keys=True)
    row["imported"] = int(bool(event.get("imported")))
    return row


def chained(event: Mapping[str, Any], prev_hash: str) -> dict[str, Any]:
    """The events row for `event`, linked to the event whose hash is `prev_hash`."""
    row = serialized(event)
    row["prev_hash"] = prev_hash
    row["hash"] = event_hash(prev_hash, row)
    return row


def first_broken(events: Iterable[Mapping[str, Any]],
                 head: tuple[int, str] | None) -> tuple[int, str] | None:
    """The id of the first stored event (in id order, with `prev_hash` and `hash`) that does
    not verify, and why; None when the chain holds. `head` is the recorded (count, last hash):
    a chain that links up but is shorter lost its newest events."""
    prev = GENESIS_HASH
    count, last_id = 0, 0
    for event in events:
        if event["prev_hash"] != prev:
            return event["id"], "与前一条事件的哈希不衔接（有事件被删除或插入）"
        if event_hash(prev, event) != event["hash"]:
            return event["id"], "内容与其哈希不符（事件被修改）"
        prev = event["hash"]
        count += 1
        last_id = event["id"]
    if head and (head[0] != count or head[1] != prev):
        return last_id + 1, f"链尾缺失：记录的链头有 {head[0]} 条事件，现存 {count} 条（最新的事件被删除）"
    return None


def state_differences(stored: Mapping[str, Any],
                      replayed: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """Each column of a stored request row that its replayed events do not give:
    (column, stored value, replayed value). A column no event sets replays as NULL."""
    return [(name, value, replayed.get(name)) for name, value in stored.items()
            if replayed.get(name) != value]


def register_event(row: Mapping[str, Any], *, clerk: str, at: str, imported: bool = False,
                   extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The `register` event of a new request: its data holds every field as registered (and
    `extra`, e.g. the duplicates the clerk registered it beside)."""
    return {
        "request_number": row["number"],
        "action": EventAction.REGISTER.value,
        "stage_before": Stage.REGISTER.value,
        "stage_after": row["stage"],
        "happened_on": row["received_on"],
        "at": at,
        "clerk": clerk,
        "note": row.get("note"),
        "data": {"after": registered_fields(row), **(extra or {})},
        "imported": imported,
    }


def registered_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A new request's fields as its first event records them (without the timestamps)."""
    return {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}


def change_effect(row: Mapping[str, Any], change, *, clerk: str,
                  at: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a workflow Change does to a request: the fields to update and the event to append."""
    fields = dict(change.fields)
    on = change.on.isoformat()
    if "last_event_on" not in fields:  # corrections, voids and undo say it themselves
        fields["last_event_on"] = max(on, row.get("last_event_on") or on)
    fields["updated_at"] = at
    data: dict[str, Any] = {"before": {k: row.get(k) for k in change.fields},
                            "after": dict(change.fields)}
    if change.consultation:
        data["consultation"] = change.consultation
    if change.extra:
        data.update(change.extra)
    event = {
        "request_number": row["number"],
        "action": EventAction(change.action).value,
        "stage_before": row["stage"],
        "stage_after": fields.get("stage", row["stage"]),
        "happened_on": on,
        "at": at,
        "clerk": clerk,
        "note": change.note,
        "data": data,
    }
    return fields, event


def prepare_history(row: dict[str, Any], consultations: list[dict[str, Any]],
                    events: list[dict[str, Any]]) -> tuple:
    """A request's whole history made ready for `storage.bulk.store_histories`: each event
    serialized as `storage.audit.append_event` would store it, but not yet linked into the
    chain. May run in another process."""
    prepared = []
    for event in events:
        values = serialized(event)
        prepared.append((tuple(values.values()), hash_tail(values)))
    return row, consultations, prepared
