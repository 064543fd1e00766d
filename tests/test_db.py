import os
import sqlite3
import stat

from hunnan_gk.migrations import MIGRATION_NAMES, migrations
from hunnan_gk.storage.audit import append_event, first_broken_event
from hunnan_gk.storage.db import open_db, schema_version, write


def test_db_path_follows_option_then_env_then_config(cli, isolated, config_file):
    assert cli("db", "path").stdout.strip() == str(isolated / "gk.db")
    assert cli("db", "path", "--db", "x.db").stdout.strip() == "x.db"
    config_file.write_text("db: data/office.db\n", encoding="utf-8")
    os.environ.pop("HUNNAN_GK_DB")
    assert cli("db", "path").stdout.strip() == str(isolated / "data" / "office.db")


def test_open_db_creates_private_wal_file_with_schema(isolated):
    path = isolated / "new.db"
    db = open_db(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert {"requests", "events", "counters"} <= set(db.table_names())
    assert schema_version(db) == MIGRATION_NAMES[-1]


def test_migrations_apply_once_on_reopen(isolated):
    path = isolated / "twice.db"
    open_db(path).conn.close()
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
    db = open_db(path)
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
    copy = open_db(isolated / "copy.db", create=False)
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
    import pytest

    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE events SET note = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM events")
    assert first_broken_event(db) is None
