"""Faults and load: two writers on one file, damaged or unwritable database files, a power cut,
a killed import. Each bounded to seconds; none is skipped in CI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hunnan_gk.commands.ledger import PAUSE_AFTER_ROWS_ENV, PAUSE_READY_ENV
from hunnan_gk.storage.audit import first_broken_event
from hunnan_gk.storage.db import describe_sqlite_error, integrity_problems, open_db
from tests.helpers import checkpoint, register, subprocess_env

# A writer process: registers and advances requests in a loop, part through the real CLI
# entry (`hunnan_gk.cli.app` in-process via CliRunner), reporting every non-zero exit.
WRITER = textwrap.dedent(
    """
    import sys
    from typer.testing import CliRunner
    from hunnan_gk.cli import app
    from tests.helpers import build_commands_once

    build_commands_once()
    name, count = sys.argv[1], int(sys.argv[2])
    runner = CliRunner()
    failures = 0
    for i in range(count):
        result = runner.invoke(app, ["register", "--applicant", f"{name}{i}", "--type", "natural",
                                     "--channel", "online", "--received", "2024-04-01",
                                     "--content", "并发登记", "--clerk", name, "--json"])
        if result.exit_code != 0:
            failures += 1
            print(result.exit_code, result.output, file=sys.stderr)
            continue
        number = result.stdout.split('"number": "')[1].split('"')[0]
        result = runner.invoke(app, ["advance", number, "--on", "2024-04-02", "--clerk", name])
        if result.exit_code != 0:
            failures += 1
            print(result.exit_code, result.output, file=sys.stderr)
    sys.exit(1 if failures else 0)
    """
)


TODAY = "2024-06-30"


def test_two_processes_write_one_database_without_losing_anything(tmp_path, cli):
    per_process = 150
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    open_db(db_path).conn.close()  # the file exists, migrated, before they race
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(per_process)], env=subprocess_env(HUNNAN_GK_TODAY=TODAY),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("甲", "乙")
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    for writer, (_, err) in zip(writers, outputs):
        assert "locked" not in err and "Traceback" not in err
        assert writer.returncode == 0, err

    db = open_db(db_path)
    seqs = [row[0] for row in db.execute("SELECT seq FROM requests WHERE year = 2024 ORDER BY seq")]
    assert seqs == list(range(1, 2 * per_process + 1))  # gap-free and unique
    actions = dict(db.execute("SELECT action, count(*) FROM events GROUP BY action").fetchall())
    assert actions == {"register": 2 * per_process, "advance": 2 * per_process}
    assert db.execute("SELECT count(*) FROM requests WHERE stage = 'search'").fetchone()[0] == 2 * per_process
    assert first_broken_event(db) is None
    assert cli("audit", "verify").exit_code == 0


def _register(cli, applicant="张三"):
    register(cli, "2024-04-01", applicant, content="测试")


def _assert_database_message(result):
    assert result.exit_code == 3, result.output
    assert "错误：" in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("command", [("list",), ("audit", "verify"), ("db", "check"), ("report", "overdue")])
def test_not_sqlite_is_refused_with_exit_3(cli, isolated, command):
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    db_path.write_text("申请编号,申请人\n2024-0001,张三\n" * 50, encoding="utf-8")
    before = db_path.read_bytes()
    result = cli(*command)
    _assert_database_message(result)
    assert db_path.read_bytes() == before  # nothing written into the clerk's file


def test_truncated_database_is_refused_with_exit_3(cli):
    for n in range(30):
        _register(cli, f"申请人{n}")
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    checkpoint(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    for command in (("list",), ("db", "check"), ("audit", "verify")):
        _assert_database_message(cli(*command))


def test_database_header_only_is_refused_with_exit_3(cli):
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    _assert_database_message(cli("list"))


def test_database_in_a_read_only_directory_is_refused_with_exit_3(cli, tmp_path):
    """A database the clerk may read but not write: opened read-only for writing commands,
    a clear message and exit 3. As root, permissions do not stop writes, so the read-only
    file system is stood in for by SQLite's own read-only open (mode=ro)."""
    _register(cli)
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    checkpoint(db_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(db_path, locked / "gk.db")
    (locked / "gk.db").chmod(0o444)
    locked.chmod(0o555)
    try:
        if os.geteuid() == 0:
            db = sqlite3.connect(f"file:{locked / 'gk.db'}?mode=ro", uri=True)
            with pytest.raises(sqlite3.OperationalError) as caught:
                db.execute("INSERT INTO counters VALUES (1999, 1)")
            message = describe_sqlite_error(caught.value)
            assert message.exit_code == 3 and "只读" in message.message
        else:
            result = cli("register", "--applicant", "李四", "--type", "natural", "--channel", "online",
                         "--received", "2024-04-01", "--content", "测试", "--db", locked / "gk.db")
            _assert_database_message(result)
    finally:
        locked.chmod(0o755)


def test_database_path_in_a_missing_unwritable_place_is_exit_3(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = cli("list", "--db", blocker / "sub" / "gk.db")  # parent is a file: cannot create
    _assert_database_message(result)


def test_db_check_after_a_power_cut_copy_with_its_wal(cli, tmp_path):
    """A copy of the database file and its -wal taken while a writer holds an open
    transaction (what a power cut leaves): it opens, the uncommitted work is absent,
    the integrity check and the audit chain pass."""
    for n in range(20):
        _register(cli, f"申请人{n}")
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE requests SET note = '未提交' WHERE seq = 1")
    copy = tmp_path / "after-power-cut"
    copy.mkdir()
    for suffix in ("", "-wal"):
        source = Path(str(db_path) + suffix)
        if source.exists():
            shutil.copy(source, copy / ("gk.db" + suffix))
    writer.execute("ROLLBACK")
    writer.close()
    result = cli("db", "check", "--db", copy / "gk.db")
    assert result.exit_code == 0, result.output
    assert "全部核验通过" in result.stdout
    db = open_db(copy / "gk.db")
    assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == 20
    assert db.execute("SELECT count(*) FROM requests WHERE note = '未提交'").fetchone()[0] == 0


def test_db_check_finds_a_tampered_event(cli):
    _register(cli)
    db_path = Path(os.environ["HUNNAN_GK_DB"])
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET clerk = '他人'")
    conn.commit()
    conn.close()
    result = cli("db", "check")
    assert result.exit_code == 1
    assert "审计链核验失败" in result.stderr


LEDGER_ROWS = 300


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory):
    """A ledger of LEDGER_ROWS generated requests, exported to CSV."""
    from typer.testing import CliRunner

    from benchmarks.generate import generate
    from hunnan_gk.cli import app

    folder = tmp_path_factory.mktemp("big-ledger")
    source, ledger = folder / "source.db", folder / "ledger.csv"
    generate(source, LEDGER_ROWS, seed=3, quiet=True)
    result = CliRunner().invoke(app, ["ledger", "export", "--format", "csv", "-o", str(ledger), "--db", str(source)])
    assert result.exit_code == 0, result.output
    return ledger


@pytest.mark.parametrize("after_rows", [1, LEDGER_ROWS // 2, LEDGER_ROWS])
def test_import_killed_midway_leaves_nothing(cli, tmp_path, big_ledger, after_rows):
    """SIGKILL inside a `ledger import`'s transaction (after one row, halfway, after
    the last row but before the commit): the database stays sound and holds none of the import.
    The import pauses at that row and says so in a file (PAUSE_AFTER_ROWS_ENV); the kill waits
    for that, never for a guessed time."""
    _register(cli)  # something already there, which must survive
    attempt = Path(os.environ["HUNNAN_GK_DB"])
    checkpoint(attempt)
    ready = tmp_path / "paused"
    from benchmarks.generate import AS_OF

    env = subprocess_env(HUNNAN_GK_TODAY=AS_OF.isoformat(), **{PAUSE_AFTER_ROWS_ENV: str(after_rows),
                                                   PAUSE_READY_ENV: str(ready)})
    process = subprocess.Popen(
        [sys.executable, "-m", "hunnan_gk", "ledger", "import", str(big_ledger), "--db", str(attempt)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        while not ready.exists():
            assert process.poll() is None, process.stderr.read().decode()  # it must reach the pause
            time.sleep(0.01)
        assert ready.read_text(encoding="utf-8") == str(after_rows)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    db = open_db(attempt)
    assert integrity_problems(db) == []
    assert first_broken_event(db) is None
    assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == 1  # the one from before
    assert db.execute("SELECT count(*) FROM ledger_keys").fetchone()[0] == 0


def test_a_clerk_waits_for_a_long_import_and_then_registers(cli, tmp_path, big_ledger):
    """While an import holds the write lock (paused halfway inside its transaction), another
    clerk's `register` in another process says 正在等待其他操作完成… and waits; once the
    import commits, the registration succeeds after it (no "locked" failure). Each step waits
    on a file or a line of output, never on a guessed time."""
    from benchmarks.generate import AS_OF
    from hunnan_gk.storage.db import WAIT_NOTICE
    from tests.helpers import register_args

    attempt = Path(os.environ["HUNNAN_GK_DB"])
    ready = tmp_path / "paused"
    env = subprocess_env(HUNNAN_GK_TODAY=AS_OF.isoformat(),
                         **{PAUSE_AFTER_ROWS_ENV: str(LEDGER_ROWS // 2), PAUSE_READY_ENV: str(ready)})
    importing = subprocess.Popen(
        [sys.executable, "-m", "hunnan_gk", "ledger", "import", str(big_ledger), "--db", str(attempt)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    registering = None
    try:
        while not ready.exists():
            assert importing.poll() is None, importing.communicate()  # it must reach the pause
            time.sleep(0.01)
        registering = subprocess.Popen(
            [sys.executable, "-m", "hunnan_gk", "register", *register_args(applicant="李四", received="2026-06-29"),
             "--db", str(attempt), "--json"],
            env=subprocess_env(HUNNAN_GK_TODAY=AS_OF.isoformat()),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert registering.stderr.readline().strip() == WAIT_NOTICE  # said while the import holds the lock
        assert registering.poll() is None and importing.poll() is None
        ready.unlink()  # the import goes on and commits
        imported_out, imported_err = importing.communicate(timeout=120)
        assert importing.returncode == 0, imported_err
        registered_out, registered_err = registering.communicate(timeout=120)
        assert registering.returncode == 0, registered_err
    finally:
        for process in (importing, registering):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    assert f"已导入 {LEDGER_ROWS} 件" in imported_out
    assert "locked" not in registered_err and "占用" not in registered_err
    db = open_db(attempt)
    assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == LEDGER_ROWS + 1
    number = json.loads(registered_out)["number"]
    assert db.execute("SELECT applicant FROM requests WHERE number = ?", [number]).fetchone() == ("李四",)
    # the registration came after the whole import: its event is the last of the chain
    assert db.execute("SELECT request_number FROM events ORDER BY id DESC LIMIT 1").fetchone() == (number,)
    assert first_broken_event(db) is None


def test_import_not_killed_is_all_there(cli, big_ledger, monkeypatch):
    """The same import, left alone with the pause hook unset, commits every row: the killed
    attempts above held rows that the kill took away."""
    from benchmarks.generate import AS_OF

    monkeypatch.setenv("HUNNAN_GK_TODAY", AS_OF.isoformat())
    _register(cli)
    result = cli("ledger", "import", big_ledger)
    assert result.exit_code == 0, result.output
    db = open_db(Path(os.environ["HUNNAN_GK_DB"]))
    assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == 1 + LEDGER_ROWS
