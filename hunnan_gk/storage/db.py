"""Opening the database: create (mode 0600), migrate, refuse a file that is not ours or is
newer; write transactions; backup and integrity check; SQLite's errors in Chinese; the one
insert helper every table is written through.

Every command is one transaction (`write`), taken with BEGIN IMMEDIATE so that two clerks
on one server queue behind the busy timeout instead of seeing "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import sqlite_utils

from hunnan_gk.errors import DatabaseError, os_reason
from hunnan_gk.migrations import MIGRATION_NAMES, migrations

BUSY_TIMEOUT_MS = 30_000


def describe_sqlite_error(exc: sqlite3.Error) -> DatabaseError:
    """A Chinese message for an error SQLite raised."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DatabaseError("数据库正被其他程序长时间占用，请稍后再试")
    if "readonly" in text or "read-only" in text:
        return DatabaseError(
            "数据库文件只读，无法写入：请检查数据库文件、它的 -wal/-shm 文件及所在目录的权限",
            hint="多人共用时这些文件应属于共享组、权限 0660，目录 2770，见 docs/deployment.md",
        )
    if "database or disk is full" in text:
        return DatabaseError("磁盘已满，无法写入数据库：本次操作未保存", hint="清理磁盘空间后重试")
    if "disk I/O error" in text:
        return DatabaseError("读写数据库文件时发生磁盘错误（磁盘已满、文件只读或存储故障）：本次操作未保存",
                             hint="检查磁盘空间、数据库文件及其 -wal/-shm 文件的权限；之后可用 hunnan-gk db check 检查")
    if "malformed" in text or "not a database" in text or "disk image" in text:
        return DatabaseError(
            "数据库文件已损坏或不是 SQLite 文件",
            hint="请确认 --db 或 HUNNAN_GK_DB 指向的是 hunnan-gk 数据库；文件损坏时从 hunnan-gk db backup 生成的备份恢复",
        )
    if "unable to open" in text:
        return DatabaseError("无法打开数据库文件：请检查路径和权限（数据库所在目录也须可写，以建 -wal/-shm 文件）")
    return DatabaseError(f"数据库错误：{text}")


def open_db(path: Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and on first use create, mode 0600) a hunnan-gk database, migrated to this version.

    Refuses, with DatabaseError (exit 3), a file that is not a hunnan-gk database or
    was written by a newer hunnan-gk.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path} 是一个目录，不是数据库文件")
    check_database_file(path)
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"数据库文件 {path} 不存在",
                hint="检查 --db、环境变量 HUNNAN_GK_DB 或配置中的 db；尚未登记过申请时先用 hunnan-gk register",
            )
        create_database_file(path)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # The audit database runs no third-party sqlite-utils plugins (and skips loading them).
        db = sqlite_utils.Database(conn, execute_plugins=False)
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


def create_database_file(path: Path) -> None:
    """A new, empty database file: never through a symlink or over a file someone else just
    made (O_EXCL); mode 0600, or 0660 in a shared setgid folder, where SQLite gives the
    -wal and -shm files the same mode so that every clerk of the group can write them
    (docs/deployment.md). Missing folders are made 0700 (2770 in a shared folder)."""
    from hunnan_gk.exports import make_folder, private_mode

    try:
        make_folder(path.parent)
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return  # another clerk created it a moment ago
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库文件 {path}：{os_reason(exc)}") from None
    try:
        os.fchmod(handle, private_mode(path.parent))
    finally:
        os.close(handle)


def check_database_file(path: Path) -> None:
    """DatabaseError (exit 3) in Chinese for a path that cannot be a database this account
    may use: a device (/dev/null), a database side file, a file it may not read or write."""
    import stat

    try:
        status = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(f"无法打开数据库文件 {path}：{os_reason(exc)}") from None
    if not stat.S_ISREG(status.st_mode):
        raise DatabaseError(f"{path} 不是普通文件（例如 /dev/null 或设备），不能用作数据库")
    from hunnan_gk.exports import DATABASE_SIDE_FILES

    if path.name.lower().endswith(DATABASE_SIDE_FILES):
        raise DatabaseError(f"{path} 是数据库的日志文件（-wal、-shm、-journal），不是数据库本身")
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(
            f"当前用户（{os_user()}）没有权限读写数据库文件 {path}（{_owner_text(status)}）",
            hint="多人共用一个数据库时，把它放在共享组的目录（chmod 2770）中，见 docs/deployment.md",
        )


def _owner_text(status: os.stat_result) -> str:
    import grp
    import pwd

    try:
        owner = pwd.getpwuid(status.st_uid).pw_name
    except KeyError:
        owner = str(status.st_uid)
    try:
        group = grp.getgrgid(status.st_gid).gr_name
    except KeyError:
        group = str(status.st_gid)
    return f"所有者 {owner}，组 {group}，权限 {status.st_mode & 0o7777:04o}"


def os_user() -> str:
    """The OS account running this command, as the system knows it (not $USER, which anyone
    can set): what every event records beside the clerk's name."""
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # an account without a passwd entry (a bare container)
        return f"uid {uid}"


def _check_ours(db: sqlite_utils.Database, path: Path) -> None:
    tables = set(db.table_names())
    if not tables:
        return  # a new, empty file
    if "_sqlite_migrations" not in tables:
        raise DatabaseError(f"{path} 不是 hunnan-gk 的数据库（没有迁移记录），未做任何改动")
    applied = {m.name for m in migrations.applied(db)}
    if not applied:
        raise DatabaseError(f"{path} 不是 hunnan-gk 的数据库，未做任何改动")
    unknown = sorted(applied - set(MIGRATION_NAMES))
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


def insert(db: sqlite_utils.Database, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row (column → value) into `table`; returns its rowid. Table and column
    names come from this package, never from a user; the values are always parameters."""
    cursor = db.execute(_insert_sql(table, tuple(row)), list(row.values()))
    return cursor.lastrowid


def insert_many(db: sqlite_utils.Database, table: str, columns: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> None:
    """Insert many rows, each a sequence of values in the order of `columns`, in one statement."""
    db.conn.executemany(_insert_sql(table, tuple(columns)), rows)


@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    # sqlite-utils' Table.insert would introspect the table on every call: too slow for the
    # event appends of a large ledger import.
    names = ", ".join(f'"{name}"' for name in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'


def dict_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """A query's rows as dicts of column → value."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def backup(db: sqlite_utils.Database, target: Path) -> None:
    """A consistent copy of the database while others keep writing (SQLite's backup API)."""
    from hunnan_gk.exports import replace_atomically

    def copy_into(path: Path) -> None:
        dest = sqlite3.connect(str(path))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()

    # An earlier backup stays whole until the new one is; the copy holds personal data.
    replace_atomically(Path(target), copy_into, private=True)


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    """What PRAGMA integrity_check finds; an empty list when the file is sound."""
    rows = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


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
