"""The only module that opens the database; all SQL lives here.

Every command is one transaction (`write`), taken with BEGIN IMMEDIATE so that two clerks
on one server queue behind the busy timeout instead of seeing "database is locked".
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from hunnan_gk import numbering
from hunnan_gk.errors import DatabaseError, os_reason
from hunnan_gk.migrations import migrations

BUSY_TIMEOUT_MS = 30_000
GENESIS_HASH = "0" * 64


def describe_sqlite_error(exc: sqlite3.Error) -> DatabaseError:
    """A Chinese message for an error SQLite raised."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DatabaseError("数据库正被其他程序长时间占用，请稍后再试")
    if "readonly" in text or "read-only" in text:
        return DatabaseError("数据库文件只读，无法写入：请检查文件及其目录的权限")
    if "malformed" in text or "not a database" in text or "disk image" in text:
        return DatabaseError(
            "数据库文件已损坏或不是 SQLite 文件",
            hint="请确认 --db 或 HUNNAN_GK_DB 指向的是 hunnan-gk 数据库；文件损坏时从 hunnan-gk db backup 生成的备份恢复",
        )
    if "unable to open" in text:
        return DatabaseError("无法打开数据库文件：请检查路径和权限")
    return DatabaseError(f"数据库错误：{text}")


def open_db(path: Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and on first use create, mode 0600) a hunnan-gk database, migrated to this version.

    Refuses, with DatabaseError (exit 3), a file that is not a hunnan-gk database or
    was written by a newer hunnan-gk.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path} 是一个目录，不是数据库文件")
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"数据库文件 {path} 不存在",
                hint="检查 --db、环境变量 HUNNAN_GK_DB 或配置中的 db；尚未登记过申请时先用 hunnan-gk register",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise DatabaseError(f"无法创建数据库文件 {path}：{os_reason(exc)}") from None
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        _check_ours(db, path)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if migrations.pending(db):
            with write(db):
                migrations.apply(db)
    except sqlite3.Error as exc:
        raise describe_sqlite_error(exc) from None
    return db


def _check_ours(db: sqlite_utils.Database, path: Path) -> None:
    tables = set(db.table_names())
    if not tables:
        return  # a new, empty file
    if "_sqlite_migrations" not in tables:
        raise DatabaseError(f"{path} 不是 hunnan-gk 的数据库（没有迁移记录），未做任何改动")
    applied = {m.name for m in migrations.applied(db)}
    if not applied:
        raise DatabaseError(f"{path} 不是 hunnan-gk 的数据库，未做任何改动")
    known = {m.name for m in migrations._migrations}
    unknown = sorted(applied - known)
    if unknown:
        raise DatabaseError(
            f"{path} 由更新版本的 hunnan-gk 写入（结构版本 {unknown[-1]}），本版本不能安全使用它",
            hint="请升级 hunnan-gk：pip install -U hunnan-gk",
        )


def schema_version(db: sqlite_utils.Database) -> str:
    applied = migrations.applied(db)
    return applied[-1].name if applied else ""


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taking the write lock up front (BEGIN IMMEDIATE)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


def backup(db: sqlite_utils.Database, target: Path) -> None:
    """A consistent copy of the database while others keep writing (SQLite's backup API)."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    try:
        dest = sqlite3.connect(str(partial))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
        os.replace(partial, target)  # an earlier backup stays whole until the new one is
    finally:
        partial.unlink(missing_ok=True)


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    """What PRAGMA integrity_check finds; an empty list when the file is sound."""
    rows = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


# --- the audit trail ---------------------------------------------------------------

_HASHED_FIELDS = (
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


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    payload = json.dumps(
        [prev_hash] + [event.get(name) for name in _HASHED_FIELDS],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_tail(row: dict[str, Any]) -> str:
    """The part of an event's hashed payload after the previous hash: `event_hash(prev, row)`
    is sha256 of '["' + prev + '",' + this (prev is hex, so JSON needs no escaping)."""
    return json.dumps([row[name] for name in _HASHED_FIELDS], ensure_ascii=False,
                      separators=(",", ":"))[1:]


def _linked_hash(prev_hash: str, tail: str) -> str:
    return hashlib.sha256(f'["{prev_hash}",{tail}'.encode("utf-8")).hexdigest()


def _chained(event: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """The events row for `event`, linked to the event whose hash is `prev_hash`."""
    row = {name: event.get(name) for name in _HASHED_FIELDS}
    row["data"] = json.dumps(event.get("data") or {}, ensure_ascii=False, sort_keys=True)
    row["imported"] = int(bool(event.get("imported")))
    row["prev_hash"] = prev_hash
    row["hash"] = event_hash(prev_hash, row)
    return row


def chain_tail(db: sqlite_utils.Database) -> str:
    """The hash the next event links to."""
    tail = db.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return tail[0] if tail else GENESIS_HASH


def append_event(db: sqlite_utils.Database, event: dict[str, Any]) -> dict[str, Any]:
    """Append one event to the hash chain. Call inside `write()`: the chain's tail is read
    and extended under the same lock."""
    row = _chained(event, chain_tail(db))
    cursor = db.execute(
        f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )
    row["id"] = cursor.lastrowid
    return row


def first_broken_event(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The id of the first event that does not verify, and why; None when the chain holds."""
    prev = GENESIS_HASH
    count, last_id = 0, 0
    columns = ", ".join(("id", "prev_hash", "hash") + _HASHED_FIELDS)
    for values in db.execute(f"SELECT {columns} FROM events ORDER BY id"):
        event = dict(zip(("id", "prev_hash", "hash") + _HASHED_FIELDS, values))
        if event["prev_hash"] != prev:
            return event["id"], "与前一条事件的哈希不衔接（有事件被删除或插入）"
        if event_hash(prev, event) != event["hash"]:
            return event["id"], "内容与其哈希不符（事件被修改）"
        prev = event["hash"]
        count += 1
        last_id = event["id"]
    head = db.execute("SELECT events, last_hash FROM audit_head").fetchone()
    if head and (head[0] != count or head[1] != prev):
        return last_id + 1, f"链尾缺失：记录的链头有 {head[0]} 条事件，现存 {count} 条（最新的事件被删除）"
    return None


def event_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


def verify_audit(db: sqlite_utils.Database) -> tuple[int, str]:
    """The number of events and the head hash when the whole chain verifies; Refused naming
    the first event that does not."""
    from hunnan_gk.errors import Refused

    broken = first_broken_event(db)
    if broken:
        raise Refused(f"审计链核验失败：事件 #{broken[0]} {broken[1]}")
    return db.execute("SELECT events, last_hash FROM audit_head").fetchone()


# --- requests ----------------------------------------------------------------------

def _rows(cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def find_request(db: sqlite_utils.Database, text: str) -> dict[str, Any] | None:
    """The request numbered `text`; also found by its year and sequence (2024-1, 2024-0001)
    whatever the configured prefix (numbering.lookup reads what was typed)."""
    wanted = numbering.lookup(text)
    rows = _rows(db.execute("SELECT * FROM requests WHERE number = ?", [wanted.exact]))
    if not rows and wanted.year_seq is not None:
        rows = _rows(
            db.execute("SELECT * FROM requests WHERE year = ? AND seq = ?", list(wanted.year_seq))
        )
    return rows[0] if rows else None


def next_seq(db: sqlite_utils.Database, year: int) -> int:
    """The next sequence number of `year`: gap-free and never reused (call inside `write`)."""
    db.execute(
        "INSERT INTO counters (year, last_seq) VALUES (?, 1)"
        " ON CONFLICT(year) DO UPDATE SET last_seq = last_seq + 1",
        [year],
    )
    return db.execute("SELECT last_seq FROM counters WHERE year = ?", [year]).fetchone()[0]


def insert_request(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    columns = list(row)
    db.execute(
        f"INSERT INTO requests ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def register_request(db: sqlite_utils.Database, fields: dict[str, Any], *,
                     number_for: Callable[[int, int], str], clerk: str, at: str,
                     imported: bool = False) -> dict[str, Any]:
    """Number and store a new request with its `register` event (call inside `write`).
    `number_for(year, seq)` formats the number; the sequence is per receipt year."""
    year = int(fields["received_on"][:4])
    seq = next_seq(db, year)
    row = {
        "number": number_for(year, seq),
        "year": year,
        "seq": seq,
        "clerk": clerk,
        **fields,
        "imported": int(imported),
        "created_at": at,
        "updated_at": at,
    }
    insert_request(db, row)
    append_event(db, register_event(row, clerk=clerk, at=at, imported=imported))
    return row


def register_event(row: dict[str, Any], *, clerk: str, at: str, imported: bool = False) -> dict[str, Any]:
    """The `register` event of a new request: its data holds every field as registered."""
    return {
        "request_number": row["number"],
        "action": "register",
        "stage_before": "register",
        "stage_after": row["stage"],
        "happened_on": row["received_on"],
        "at": at,
        "clerk": clerk,
        "note": row.get("note"),
        "data": {"after": {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}},
        "imported": imported,
    }


def consultations_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    return _rows(
        db.execute("SELECT * FROM consultations WHERE request_number = ? ORDER BY id", [number])
    )


def events_of(db: sqlite_utils.Database, number: str) -> list[dict[str, Any]]:
    rows = _rows(db.execute("SELECT * FROM events WHERE request_number = ? ORDER BY id", [number]))
    for row in rows:
        row["data"] = json.loads(row["data"])
    return rows


def apply_change(db: sqlite_utils.Database, row: dict[str, Any], change, *, clerk: str,
                 at: str) -> dict[str, Any]:
    """Apply a workflow Change to a request: its fields, its consultation, and its event,
    together (call inside `write`). Returns the updated row."""
    fields, event = change_effect(row, change, clerk=clerk, at=at)
    sets = ", ".join(f"{name} = ?" for name in fields)
    db.execute(f"UPDATE requests SET {sets} WHERE number = ?", [*fields.values(), row["number"]])
    if change.consultation:
        consultation = {"request_number": row["number"], **change.consultation}
        names = list(consultation)
        db.execute(
            f"INSERT INTO consultations ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            list(consultation.values()),
        )
    if change.ended_consultation is not None:
        db.execute(
            "UPDATE consultations SET end_on = ? WHERE id = ?",
            [change.on.isoformat(), change.ended_consultation],
        )
    append_event(db, event)
    return {**row, **fields}


def change_effect(row: dict[str, Any], change, *, clerk: str,
                  at: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a workflow Change does to a request: the fields to update and the event to append."""
    fields = dict(change.fields)
    on = change.on.isoformat()
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
        "action": change.action,
        "stage_before": row["stage"],
        "stage_after": fields.get("stage", row["stage"]),
        "happened_on": on,
        "at": at,
        "clerk": clerk,
        "note": change.note,
        "data": data,
    }
    return fields, event


def list_requests(
    db: sqlite_utils.Database,
    *,
    stage: str | None = None,
    open_only: bool = False,
    closed_only: bool = False,
    department: str | None = None,
    received_from: str | None = None,
    received_to: str | None = None,
    search: str | None = None,
) -> list[dict[str, Any]]:
    where, params = [], []
    if stage:
        where.append("stage = ?")
        params.append(stage)
    if open_only:
        where.append("stage != 'closed'")
    if closed_only:
        where.append("stage = 'closed'")
    if department:
        where.append("department = ?")
        params.append(department)
    if received_from:
        where.append("received_on >= ?")
        params.append(received_from)
    if received_to:
        where.append("received_on <= ?")
        params.append(received_to)
    if search:
        where.append("(applicant LIKE ? OR content LIKE ? OR number LIKE ? OR note LIKE ?)")
        params.extend([f"%{search}%"] * 4)
    sql = "SELECT * FROM requests"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY year, seq"
    return _rows(db.execute(sql, params))


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
    for consultation in _rows(cursor):
        row = by_number.get(consultation["request_number"])
        if row is not None:
            row["consultations"].append(consultation)


def unreplied_requests(db: sqlite_utils.Database, department: str | None = None, *,
                       before: str | None = None) -> list[dict[str, Any]]:
    """Requests whose clock still runs (no outcome yet), each with its consultations; with
    `before` (a past day), those that had no outcome yet on that day."""
    if before is None:
        sql = "SELECT * FROM requests WHERE outcome_on IS NULL"
        params: list[Any] = []
    else:
        sql = "SELECT * FROM requests WHERE received_on <= ? AND (outcome_on IS NULL OR outcome_on > ?)"
        params = [before, before]
    if department:
        sql += " AND department = ?"
        params.append(department)
    rows = _rows(db.execute(sql, params))
    attach_consultations(db, rows, open_only=before is None)
    if before is not None:
        # The stage each stood in on that day: after its last event dated by then.
        stages = dict(
            db.execute(
                "SELECT e.request_number, e.stage_after FROM events e JOIN"
                " (SELECT max(id) AS id FROM events WHERE happened_on <= ? GROUP BY request_number)"
                " AS latest ON latest.id = e.id",
                [before],
            ).fetchall()
        )
        for row in rows:
            row["stage"] = stages.get(row["number"], row["stage"])
    return rows


# --- notifications (notify: what was sent, and the lock) ------------------------------


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


def record_notification(
    db: sqlite_utils.Database, mail: dict[str, Any], lights: dict[str, str]
) -> int:
    """Remember one e-mail sent (`mail`: sent_on, sent_at, as_of, scope, recipients, subject,
    forced) and the light of each request it listed."""
    with write(db):
        cursor = db.execute(
            """
            INSERT INTO notifications (sent_on, sent_at, as_of, scope, recipients, subject, forced)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                mail["sent_on"],
                mail["sent_at"],
                mail["as_of"],
                mail["scope"],
                json.dumps(mail["recipients"], ensure_ascii=False),
                mail["subject"],
                int(bool(mail.get("forced"))),
            ],
        )
        notification_id = cursor.lastrowid
        db.conn.executemany(
            "INSERT INTO notified (notification_id, request_number, light) VALUES (?, ?, ?)",
            [(notification_id, number, light) for number, light in lights.items()],
        )
    return notification_id


def notification_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM notifications").fetchone()[0]


# --- demo -------------------------------------------------------------------------------


def count_demo_requests(path: Path, note_prefix: str) -> tuple[int, int]:
    """(all requests, demo requests whose note starts with `note_prefix`) in the database at
    `path`, read without migrating it. DatabaseError when it is not a hunnan-gk database."""
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "requests" not in tables:
                raise DatabaseError(f"{path} 不是 hunnan-gk 的数据库，未做任何改动")
            return conn.execute(
                "SELECT count(*), coalesce(sum(substr(coalesce(note, ''), 1, ?) = ?), 0) FROM requests",
                [len(note_prefix), note_prefix],
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise describe_sqlite_error(exc) from None


# --- annual report -----------------------------------------------------------------
# Counted in SQLite, one pass each, so a million requests report in well under two seconds.
# Definitions (issue 6; 国办公开办函〔2021〕30号): new = received in the year; carried_over =
# received before 1 January, without an outcome before it; results = outcome dated in the year;
# carried_forward = received by 31 December, without an outcome by then.


def annual_counts(db: sqlite_utils.Database, year: int) -> dict[str, Any]:
    """Counts per applicant type for section 三: {"new": {type: n}, "carried_over": …,
    "carried_forward": …, "results": {outcome: {type: n}}}.

    One sequential pass over the table (NOT INDEXED): for a year in the middle of a long
    history, the range indexes would cost a random lookup per row and several times as long."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    counts: dict[str, Any] = {"new": {}, "carried_over": {}, "carried_forward": {}, "results": {}}
    for applicant_type, result, new, carried_over, carried_forward, number in db.execute(
        """
        SELECT applicant_type,
               CASE WHEN outcome_on BETWEEN :first AND :last THEN outcome END,
               sum(received_on BETWEEN :first AND :last),
               sum(received_on < :first AND (outcome_on IS NULL OR outcome_on >= :first)),
               sum(received_on <= :last AND (outcome_on IS NULL OR outcome_on > :last)),
               count(*)
        FROM requests NOT INDEXED
        WHERE received_on BETWEEN :first AND :last
           OR ((outcome_on IS NULL OR outcome_on >= :first)
               AND (received_on <= :last OR outcome_on <= :last))
        GROUP BY 1, 2
        """,
        {"first": first, "last": last},
    ):
        for key, value in (("new", new), ("carried_over", carried_over),
                           ("carried_forward", carried_forward)):
            counts[key][applicant_type] = counts[key].get(applicant_type, 0) + value
        if result is not None:
            counts["results"].setdefault(result, {})[applicant_type] = number
    for key in ("new", "carried_over", "carried_forward"):
        counts[key] = {kind: value for kind, value in counts[key].items() if value}
    return counts


def annual_appeal_counts(db: sqlite_utils.Database, year: int) -> dict[str, dict[str, int]]:
    """Section 四: appeals decided in the year by result, and those filed by 31 December and
    not decided by then as `pending`."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    counts: dict[str, dict[str, int]] = {}
    for kind, column, number in db.execute(
        """
        SELECT kind, CASE WHEN decided_on BETWEEN :first AND :last THEN result ELSE 'pending' END,
               count(*)
        FROM appeals
        WHERE (decided_on BETWEEN :first AND :last)
           OR (filed_on <= :last AND (decided_on IS NULL OR decided_on > :last))
        GROUP BY 1, 2
        """,
        {"first": first, "last": last},
    ):
        counts.setdefault(kind, {})[column] = number
    return counts


def pending_appeal(db: sqlite_utils.Database, number: str, kind: str) -> dict[str, Any] | None:
    """The undecided appeal of this kind against the request, if any."""
    rows = _rows(
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
    if change.action == "appeal_add":
        db.execute(
            "INSERT INTO appeals (request_number, kind, filed_on, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [row["number"], appeal["kind"], on, at, at],
        )
    else:
        db.execute(
            "UPDATE appeals SET result = ?, decided_on = ?, updated_at = ? WHERE id = ?",
            [appeal["result"], on, at, appeal["id"]],
        )
    apply_change(db, row, change, clerk=clerk, at=at)


# --- fees ----------------------------------------------------------------------------


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
    params |= {"first": f"{month}-01", "last": f"{month}-31"}
    rows = db.execute(
        f"SELECT number FROM requests WHERE {who} AND received_on BETWEEN :first AND :last "
        "ORDER BY received_on, year, seq",
        params,
    ).fetchall()
    numbers = [row[0] for row in rows]
    return numbers.index(request["number"]) + 1, len(numbers)


# --- ledger (台账) ---------------------------------------------------------------------


def ledger_requests(db: sqlite_utils.Database, year: int | None = None) -> list[dict[str, Any]]:
    """Requests for the ledger in number order, each with `stage_dates` (stage code → the day
    it was last completed) and its consultations. With `year`: those the year's annual table
    counts (received by 31 December and without an outcome before 1 January)."""
    sql, params = "SELECT * FROM requests", {}
    if year is not None:
        sql += " WHERE received_on <= :last AND (outcome_on IS NULL OR outcome_on >= :first)"
        params = {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}
    rows = _rows(db.execute(sql + " ORDER BY year, seq", params))
    by_number = {row["number"]: row for row in rows}
    for row in rows:
        row["stage_dates"] = {}
    for number, stage, on in db.execute(
        "SELECT request_number, stage_before, max(happened_on) FROM events"
        " WHERE action = 'advance' GROUP BY request_number, stage_before"
    ):
        if number in by_number:
            by_number[number]["stage_dates"][stage] = on
    attach_consultations(db, rows)
    return rows


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
    year = int(fields["received_on"][:4])
    seq = next_seq(db, year)
    number = number_for(year, seq)
    row = {"number": number, "year": year, "seq": seq, **fields, "clerk": fields.get("clerk") or clerk,
           "imported": 1, "created_at": at, "updated_at": at}
    insert_request(db, row)
    for event in events:
        data = dict(event["data"])
        if event["action"] == "import":
            data = {"after": {k: v for k, v in row.items() if k not in ("created_at", "updated_at")},
                    "ledger": {"file": source, "row": source_row, "key": key}}
        append_event(db, {**event, "request_number": number, "at": at, "clerk": row["clerk"],
                          "note": None, "data": data, "imported": True})
    db.execute(
        "INSERT INTO ledger_keys (key, request_number, source, source_row, imported_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [key, number, source, source_row, at],
    )
    return number


# --- bulk history (benchmarks, large imports) ---------------------------------------


def last_seqs(db: sqlite_utils.Database) -> dict[int, int]:
    """The last sequence number used in each year."""
    return dict(db.execute("SELECT year, last_seq FROM counters").fetchall())


def next_consultation_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM consultations").fetchone()[0]


def prepare_history(row: dict[str, Any], consultations: list[dict[str, Any]],
                    events: list[dict[str, Any]]) -> tuple:
    """A request's whole history made ready for `store_histories`: each event serialized as
    `append_event` would store it, but not yet linked into the chain. Pure; may run in
    another process."""
    prepared = []
    for event in events:
        values = {name: event.get(name) for name in _HASHED_FIELDS}
        values["data"] = json.dumps(event.get("data") or {}, ensure_ascii=False, sort_keys=True)
        values["imported"] = int(bool(event.get("imported")))
        prepared.append((tuple(values.values()), _hash_tail(values)))
    return row, consultations, prepared


def store_histories(db: sqlite_utils.Database, histories: list[tuple]) -> int:
    """Write whole requests at once, each from `prepare_history`: the final row (holding its
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
            linked = _linked_hash(prev, tail)
            events.append((*values, prev, linked))
            prev = linked
    event_columns = list(_HASHED_FIELDS) + ["prev_hash", "hash"]
    for table, names, rows in (("requests", columns, requests),
                               ("consultations", consult_columns, consultations),
                               ("events", event_columns, events)):
        db.conn.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})", rows
        )
    db.conn.executemany(
        "INSERT INTO counters (year, last_seq) VALUES (?, ?)"
        " ON CONFLICT(year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
        list(top.items()),
    )
    return len(events)
