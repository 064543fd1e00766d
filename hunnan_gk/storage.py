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
from typing import Any, Iterator

import sqlite_utils

from hunnan_gk.errors import DatabaseError
from hunnan_gk.migrations import MIGRATION_SET, migrations

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
            hint="用 hunnan-gk db check 检查，必要时从备份恢复",
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
            raise DatabaseError(f"数据库文件 {path} 不存在")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise DatabaseError(f"无法创建数据库文件 {path}：{exc.strerror}") from None
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
    if target.exists():
        target.unlink()
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()


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


def append_event(db: sqlite_utils.Database, event: dict[str, Any]) -> dict[str, Any]:
    """Append one event to the hash chain. Call inside `write()`: the chain's tail is read
    and extended under the same lock."""
    row = {name: event.get(name) for name in _HASHED_FIELDS}
    row["data"] = json.dumps(event.get("data") or {}, ensure_ascii=False, sort_keys=True)
    row["imported"] = int(bool(event.get("imported")))
    tail = db.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    row["prev_hash"] = tail[0] if tail else GENESIS_HASH
    row["hash"] = event_hash(row["prev_hash"], row)
    cursor = db.execute(
        f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )
    row["id"] = cursor.lastrowid
    return row


def first_broken_event(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The id of the first event that does not verify, and why; None when the chain holds."""
    prev = GENESIS_HASH
    columns = ", ".join(("id", "prev_hash", "hash") + _HASHED_FIELDS)
    for values in db.execute(f"SELECT {columns} FROM events ORDER BY id"):
        event = dict(zip(("id", "prev_hash", "hash") + _HASHED_FIELDS, values))
        if event["prev_hash"] != prev:
            return event["id"], "与前一条事件的哈希不衔接（有事件被删除或插入）"
        if event_hash(prev, event) != event["hash"]:
            return event["id"], "内容与其哈希不符（事件被修改）"
        prev = event["hash"]
    return None


def event_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


# --- annual report -----------------------------------------------------------------
# Counted in SQLite, one pass each, so a million requests report in well under two seconds.
# Definitions (issue 6; 国办公开办函〔2021〕30号): new = received in the year; carried_over =
# received before 1 January, without an outcome before it; results = outcome dated in the year;
# carried_forward = received by 31 December, without an outcome by then.


def annual_counts(db: sqlite_utils.Database, year: int) -> dict[str, Any]:
    """Counts per applicant type for section 三: {"new": {type: n}, "carried_over": …,
    "carried_forward": …, "results": {outcome: {type: n}}}."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    counts: dict[str, Any] = {"new": {}, "carried_over": {}, "carried_forward": {}, "results": {}}
    for applicant_type, new, carried_over, carried_forward in db.execute(
        """
        SELECT applicant_type,
               sum(received_on >= :first),
               sum(received_on < :first),
               sum(outcome_on IS NULL OR outcome_on > :last)
        FROM requests
        WHERE received_on <= :last AND (outcome_on IS NULL OR outcome_on >= :first)
        GROUP BY applicant_type
        """,
        {"first": first, "last": last},
    ):
        counts["new"][applicant_type] = new
        counts["carried_over"][applicant_type] = carried_over
        counts["carried_forward"][applicant_type] = carried_forward
    for applicant_type, outcome, number in db.execute(
        """
        SELECT applicant_type, outcome, count(*) FROM requests
        WHERE outcome_on BETWEEN :first AND :last
        GROUP BY applicant_type, outcome
        """,
        {"first": first, "last": last},
    ):
        counts["results"].setdefault(outcome, {})[applicant_type] = number
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


def request_row(db: sqlite_utils.Database, number: str) -> dict[str, Any] | None:
    """The request's row as a dict, or None."""
    cursor = db.execute("SELECT * FROM requests WHERE number = ?", [number])
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([c[0] for c in cursor.description], values))


def pending_appeal(db: sqlite_utils.Database, number: str, kind: str) -> dict[str, Any] | None:
    """The undecided appeal of this kind against the request, if any."""
    cursor = db.execute(
        "SELECT * FROM appeals WHERE request_number = ? AND kind = ? AND decided_on IS NULL "
        "ORDER BY id LIMIT 1",
        [number, kind],
    )
    values = cursor.fetchone()
    return None if values is None else dict(zip([c[0] for c in cursor.description], values))


def insert_appeal(db: sqlite_utils.Database, appeal: dict[str, Any]) -> int:
    cursor = db.execute(
        f"INSERT INTO appeals ({', '.join(appeal)}) VALUES ({', '.join('?' for _ in appeal)})",
        list(appeal.values()),
    )
    return cursor.lastrowid


def decide_appeal(db: sqlite_utils.Database, appeal_id: int, result: str, on: str, at: str) -> None:
    db.execute(
        "UPDATE appeals SET result = ?, decided_on = ?, updated_at = ? WHERE id = ?",
        [result, on, at, appeal_id],
    )


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
