"""Opening the database: create it (`db init`, mode 0600), migrate, refuse a missing file, an
empty one, or one that is not ours or is newer; write transactions; backup and integrity check; SQLite's errors in Chinese; the one
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
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from hunnan_gk import migrations as schema
from hunnan_gk.errors import DatabaseError, os_reason
from hunnan_gk.migrations import APPLICATION_ID, MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE

if TYPE_CHECKING:
    import sqlite_utils


class Database:
    """An open database as the storage modules use it: `execute` and `conn`, as sqlite-utils'
    Database has them. Anything else is handed to a sqlite-utils Database on the same
    connection, made the first time it is asked for: importing sqlite-utils costs about as
    much as a small report, and an up-to-date database needs it only to migrate."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._utils = None

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def table_names(self) -> list[str]:
        return [name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def utils(self) -> "sqlite_utils.Database":
        if self._utils is None:
            import sqlite_utils

            # The audit database runs no third-party sqlite-utils plugins (and skips loading them).
            self._utils = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._utils

    def __getattr__(self, name: str):
        return getattr(self.utils(), name)

    def __getitem__(self, table: str):
        return self.utils()[table]


def _applied(db) -> list[str]:
    """The names of the migrations applied to `db`, oldest first (sqlite-utils' records)."""
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    rows = db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                      [MIGRATION_SET]).fetchall()
    return [name for (name,) in rows]


def _migrate(db) -> None:
    """Apply the pending migrations, if any, in one write transaction."""
    if set(MIGRATION_NAMES) - set(_applied(db)):
        with write(db):
            schema.migrations.apply(db.utils() if isinstance(db, Database) else db)

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
    # SQLite's own words are English; its error name (SQLITE_…) is what can be looked up.
    name = getattr(exc, "sqlite_errorname", None)
    return DatabaseError(f"数据库错误（{name}）" if name else "数据库错误")


INIT_HINT = "新建数据库用 hunnan-gk db init（可加 --db 路径）"


def init_db(path: Path) -> tuple[sqlite_utils.Database, bool]:
    """Create a hunnan-gk database at `path` (schema marker set, migrated), or open the one
    already there: (database, created). The new file is built beside its target and linked
    into place whole, so no other process ever sees it half made (or 0 bytes long). Mode 0600,
    or 0660 in a shared setgid folder, where SQLite gives the -wal and -shm files the same mode
    so that every clerk of the group can write them (docs/deployment.md); missing folders are
    made 0700 (2770 in a shared folder)."""
    import tempfile

    from hunnan_gk.exports import make_folder, private_mode

    path = Path(path)
    check_database_file(path)
    if path.exists() or path.is_symlink():
        return open_db(path), False
    try:
        make_folder(path.parent)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".init", dir=path.parent)
        try:
            os.fchmod(handle, private_mode(path.parent))
        finally:
            os.close(handle)
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库文件 {path}：{os_reason(exc)}") from None
    building = Path(name)
    try:
        try:
            conn = sqlite3.connect(str(building), isolation_level=None)
            try:
                db = Database(conn)
                # Built with a rollback journal: every byte is in the file once the commit
                # returns (a WAL could be left unfolded on a full disk); open_db turns WAL on.
                with write(db):
                    schema.migrations.apply(db.utils())
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise describe_sqlite_error(exc) from None
        try:
            os.link(building, path)  # fails, leaving it alone, if someone made `path` meanwhile
        except FileExistsError:
            return open_db(path), False
        except OSError as exc:
            raise DatabaseError(f"无法创建数据库文件 {path}：{os_reason(exc)}") from None
    finally:
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
    return open_db(path), True


def open_db(path: Path) -> sqlite_utils.Database:
    """Open an existing hunnan-gk database, migrated to this version (an older hunnan-gk
    file is migrated automatically). Only `init_db` creates one.

    Refuses, with DatabaseError (exit 3) and without writing a byte, a missing file (a
    mistyped --db must never start a new, empty record), a 0-byte file, a file that is not
    SQLite, an SQLite file without hunnan-gk's schema marker, and a file written by a newer
    hunnan-gk.
    """
    path = Path(path)
    check_database_file(path)
    _check_file(path)
    _let_the_group_write_side_files(path)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
        db = Database(conn)
        _check_ours(db, path)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        _migrate(db)
    except sqlite3.Error as exc:
        raise describe_sqlite_error(exc) from None
    return db


def _let_the_group_write_side_files(path: Path) -> None:
    """In a shared folder (docs/deployment.md), clear the group bits of this process's umask.
    SQLite makes the -wal and -shm files with the database's mode cut by the umask and widens
    them to that mode only after (an fchmod); with the usual umask 022 another clerk who opens
    them in that moment cannot write them and gets "attempt to write a readonly database".
    The last connection removes both files, so they are made again many times a day."""
    from hunnan_gk.exports import shared_folder

    if shared_folder(path.parent):
        mask = os.umask(0o077)
        os.umask(mask & ~0o070)


def _check_file(path: Path) -> None:
    """The file at `path` exists and is not empty. Only stat()ed: opening and closing the
    file here would drop the POSIX locks SQLite holds on it for this process's other
    connections. (A file that is not SQLite is refused by SQLite itself, without a write.)"""
    if path.is_dir():
        raise DatabaseError(f"{path} 是一个目录，不是数据库文件")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DatabaseError(
            f"数据库文件 {path} 不存在",
            hint=f"检查 --db、环境变量 HUNNAN_GK_DB 或配置中的 db；{INIT_HINT}",
        ) from None
    except OSError as exc:
        raise DatabaseError(f"无法打开数据库文件 {path}：{os_reason(exc)}") from None
    if size == 0:
        raise DatabaseError(
            f"{path} 是一个空文件（0 字节），不是 hunnan-gk 的数据库，未做任何改动",
            hint="数据丢失时从 hunnan-gk db backup 生成的备份恢复；确要新建时先删除这个文件，再运行 hunnan-gk db init",
        )


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
    """hunnan-gk's schema marker (PRAGMA application_id), or the migration records of a file
    an older hunnan-gk wrote before the marker existed (migrated on, the marker set)."""
    marked = db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    applied = set(_applied(db))
    if not applied or not (marked or "m001_requests_events" in applied):
        raise DatabaseError(
            f"{path} 不是 hunnan-gk 的数据库（没有 hunnan-gk 的结构标记），未做任何改动",
            hint=INIT_HINT,
        )
    unknown = sorted(applied - set(MIGRATION_NAMES))
    if unknown:
        raise DatabaseError(
            f"{path} 由更新版本的 hunnan-gk 写入（结构版本 {unknown[-1]}），本版本不能安全使用它",
            hint="请升级 hunnan-gk：pip install -U hunnan-gk",
        )


def schema_version(db) -> str:
    applied = _applied(db)
    return applied[-1] if applied else ""


#: How long a command waits for another one's write lock before saying that it waits …
WAIT_NOTICE_MS = 2_000
#: … and how long it then goes on waiting: long enough for a 100,000-row ledger import.
LONG_WAIT_MS = 600_000
WAIT_NOTICE = "正在等待其他操作完成…"


def _say_waiting() -> None:
    import sys

    sys.stderr.write(WAIT_NOTICE + "\n")
    sys.stderr.flush()


#: Called once when a write waits past WAIT_NOTICE_MS (the CLI's stderr; tests may replace it).
on_wait = _say_waiting


def _begin_immediate(db: sqlite_utils.Database) -> None:
    """Take the write lock: quietly for WAIT_NOTICE_MS, then say so and wait on (another
    clerk's command or a long import holds it), instead of failing with "database is locked"."""
    db.execute(f"PRAGMA busy_timeout = {WAIT_NOTICE_MS}")
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        on_wait()
        db.execute(f"PRAGMA busy_timeout = {LONG_WAIT_MS}")
        db.execute("BEGIN IMMEDIATE")
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taking the write lock up front (BEGIN IMMEDIATE; see
    _begin_immediate for the wait)."""
    _begin_immediate(db)
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
    _check_file(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            _check_ours(Database(conn), path)
            return conn.execute(
                "SELECT count(*), coalesce(sum(substr(coalesce(note, ''), 1, ?) = ?), 0) FROM requests",
                [len(note_prefix), note_prefix],
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise describe_sqlite_error(exc) from None
