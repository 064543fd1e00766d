import os
import sqlite3
import stat

import pytest

from hunnan_gk.migrations import APPLICATION_ID, MIGRATION_NAMES, migrations
from hunnan_gk.storage.audit import append_event, first_broken_event
from hunnan_gk.storage.db import init_db, open_db, schema_version, write


def test_db_path_follows_option_then_env_then_config(cli, isolated, config_file):
    assert cli("db", "path").stdout.strip() == str(isolated / "gk.db")
    assert cli("db", "path", "--db", "x.db").stdout.strip() == "x.db"
    config_file.write_text("db: data/office.db\n", encoding="utf-8")
    os.environ.pop("HUNNAN_GK_DB")
    assert cli("db", "path").stdout.strip() == str(isolated / "data" / "office.db")


def test_open_db_creates_private_wal_file_with_schema(isolated):
    path = isolated / "new.db"
    db, created = init_db(path)
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert {"requests", "events", "counters"} <= set(db.table_names())
    assert schema_version(db) == MIGRATION_NAMES[-1]


def test_migrations_apply_once_on_reopen(isolated):
    path = isolated / "twice.db"
    init_db(path)[0].conn.close()
    db = open_db(path)
    assert not migrations.pending(db)
    names = [m.name for m in migrations.applied(db)]
    assert names == MIGRATION_NAMES and len(set(names)) == len(names)


def test_foreign_sqlite_file_is_refused_untouched(cli, isolated):
    other = isolated / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    result = cli("db", "check", "--db", other)
    assert result.exit_code == 3
    assert "不是 hunnan-gk 的数据库" in result.stderr
    assert other.read_bytes() == before


def test_newer_schema_is_refused(cli, isolated):
    path = isolated / "newer.db"
    db = init_db(path)[0]
    db["_sqlite_migrations"].insert(
        {"migration_set": "hunnan_gk", "name": "m999_future", "applied_at": "2030-01-01"}
    )
    db.conn.close()
    result = cli("db", "check", "--db", path)
    assert result.exit_code == 3
    assert "更新版本" in result.stderr


def test_not_sqlite_at_all_is_exit_3(cli, isolated):
    junk = isolated / "junk.db"
    junk.write_text("这不是数据库" * 100, encoding="utf-8")
    result = cli("db", "check", "--db", junk)
    assert result.exit_code == 3
    assert "Traceback" not in result.output


def test_backup_is_a_working_copy(cli, isolated):
    db = open_db(isolated / "gk.db")
    db.conn.close()
    result = cli("db", "backup", isolated / "copy.db")
    assert result.exit_code == 0, result.output
    copy = open_db(isolated / "copy.db")
    assert "events" in copy.table_names()
    assert (isolated / "copy.db").stat().st_mode & 0o777 == 0o600  # it holds personal data
    assert not list(isolated.glob(".copy.db*"))  # no temporary file left beside it


def test_check_reports_healthy_database(cli, isolated):
    open_db(isolated / "gk.db").conn.close()
    result = cli("db", "check")
    assert result.exit_code == 0
    assert "通过" in result.stdout


def test_events_are_append_only(isolated):
    db = open_db(isolated / "gk.db")
    db.execute(
        "INSERT INTO requests (number, year, seq, applicant, applicant_type, channel, received_on,"
        " content, stage, clock_start_on, last_event_on, created_at, updated_at)"
        " VALUES ('2024-0001', 2024, 1, '张三', 'natural', 'online', '2024-04-01', 'x', 'review',"
        " '2024-04-01', '2024-04-01', 't', 't')"
    )
    with write(db):
        append_event(
            db,
            {"request_number": "2024-0001", "action": "register", "happened_on": "2024-04-01",
             "at": "2024-04-01T09:00:00+08:00", "clerk": "李四"},
        )
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE events SET note = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM events")
    assert first_broken_event(db) is None


# --- the database file: only `db init` (and `demo`) make one (issue 11 item 9) ------------

def test_db_init_creates_a_private_database_and_says_where(cli, isolated):
    path = isolated / "office" / "new.db"
    result = cli("db", "init", "--db", path)
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout and "已新建" in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name != "new.db"]  # no leftovers
    again = cli("db", "init", "--db", path)
    assert again.exit_code == 0 and "已存在" in again.stdout
    assert cli("register", "--db", path, "--applicant", "张三", "--type", "natural", "--channel",
               "online", "--received", "2024-04-01", "--content", "x").exit_code == 0


MISSING_DB_COMMANDS = [
    ["register", "--applicant", "张三", "--type", "natural", "--channel", "online",
     "--received", "2024-04-01", "--content", "x"],
    ["advance", "2024-1"],
    ["show", "2024-1"],
    ["list"],
    ["report", "overdue"],
    ["report", "annual", "--year", "2024"],
    ["audit", "verify"],
    ["db", "check"],
    ["db", "backup", "copy.db"],
    ["fee", "quote", "2024-1"],
    ["appeal", "add", "2024-1", "--kind", "reconsideration", "--on", "2024-05-01"],
    ["ledger", "export", "-o", "out.csv"],
    ["notify", "--dry-run"],
]


@pytest.mark.parametrize("args", MISSING_DB_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_missing_database_is_refused_with_a_hint_to_init(cli, isolated, args):
    typo = isolated / "typo.db"
    result = cli(*args, "--db", typo)
    assert result.exit_code == 3, result.output
    assert "不存在" in result.stderr and "hunnan-gk db init" in result.stderr
    assert not typo.exists()


def _foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")  # a valid, empty SQLite file: no tables, no marker
    conn.close()


def _hand_made_requests_table(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE requests (number TEXT)")
    conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make", [lambda p: p.write_bytes(b""), _foreign_sqlite, _hand_made_requests_table],
                         ids=["0 bytes", "empty sqlite", "no marker"])
@pytest.mark.parametrize("args", [*MISSING_DB_COMMANDS, ["db", "init"], ["demo"]],
                         ids=lambda a: " ".join(a[:2]))
def test_an_empty_or_unmarked_file_is_refused_by_every_command_and_left_alone(cli, isolated, make, args):
    path = isolated / "suspect.db"
    make(path)
    before = path.read_bytes()
    result = cli(*args, "--db", path)
    assert result.exit_code == 3, result.output
    assert "不是 hunnan-gk 的数据库" in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in isolated.iterdir() if p.name.startswith("suspect")) == ["suspect.db"]


def test_a_zero_byte_file_is_refused_and_stays_zero_bytes(cli, isolated):
    path = isolated / "gk.db"
    path.write_bytes(b"")
    for args in (["report", "overdue"], ["list"], ["register", *MISSING_DB_COMMANDS[0][1:]], ["db", "check"]):
        result = cli(*args)
        assert result.exit_code == 3 and "0 字节" in result.stderr
    assert path.stat().st_size == 0


def test_a_genuine_older_file_is_migrated_and_marked(cli, isolated):
    path = isolated / "older.db"
    db = init_db(path)[0]
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_schema_marker'")
    db.execute("PRAGMA application_id = 0")  # as hunnan-gk wrote it before the marker existed
    db.conn.close()
    result = cli("list", "--db", path)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_command_waiting_for_anothers_lock_says_so_and_then_succeeds(cli, isolated, monkeypatch):
    """Another clerk's command (or a long import) holds the write lock for 3 s: after 2 s the
    waiting command says 正在等待其他操作完成…, and once the lock is free it does its work."""
    import sqlite3
    import threading
    import time

    from hunnan_gk.storage import db as storage_db
    from tests.helpers import register, register_args

    register(cli)
    said = []
    monkeypatch.setattr(storage_db, "on_wait", lambda: said.append(storage_db.WAIT_NOTICE))
    holder = sqlite3.connect(isolated / "gk.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(3.0, lambda: holder.execute("COMMIT"))
    released.start()
    try:
        started = time.monotonic()
        result = cli("register", *register_args(applicant="李四"))
    finally:
        released.join()
        holder.close()
    assert result.exit_code == 0, result.output
    assert said == ["正在等待其他操作完成…"]
    assert time.monotonic() - started >= 2.0  # it did wait for the lock (not a timing limit)
