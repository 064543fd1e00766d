"""A command either did its work or did nothing (issue 11 item 1): everything it needs is
loaded before its transaction, and a failure after the commit says the change was saved."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import HOLIDAYS_2027, checkpoint, count_rows, ok, register, register_args, subprocess_env


def _bytes(path):
    checkpoint(path)
    return path.read_bytes()


BROKEN_OVERRIDES = {
    "missing": None,
    "bad yaml": "2027: {holidays: [2027-01-01\n",
    "bad date": "2027:\n  holidays: [2027-13-01]\n",
}


@pytest.mark.parametrize("broken", BROKEN_OVERRIDES, ids=list(BROKEN_OVERRIDES))
def test_a_broken_override_file_changes_nothing_and_the_retry_registers_once(cli, isolated, config_file, broken):
    number = register(cli, "2024-04-01")["number"]
    overrides = isolated / "holidays.yaml"
    if BROKEN_OVERRIDES[broken] is not None:
        overrides.write_text(BROKEN_OVERRIDES[broken], encoding="utf-8")
    config_file.write_text("holidays: holidays.yaml\n", encoding="utf-8")
    database = isolated / "gk.db"
    before = _bytes(database)
    result = cli("register", *register_args("2024-04-02", "李四"))
    assert result.exit_code == 2 and "holidays.yaml" in result.stderr, result.output
    result = cli("advance", number, "--on", "2024-04-02")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _bytes(database) == before  # byte for byte
    overrides.write_text(f"2027:\n  holidays: [{HOLIDAYS_2027}]\n", encoding="utf-8")  # fixed
    ok(cli("register", *register_args("2024-04-02", "李四")))
    assert count_rows(database, "requests") == 2  # the first try left nothing behind
    assert ok(cli("show", number, "--json"))


def test_a_full_stdout_after_the_commit_says_saved_and_exits_0(isolated):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "hunnan_gk", "register", *register_args(), "--json"],
                                env=subprocess_env(), stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "已保存：2024-0001 已登记" in result.stderr and "磁盘空间不足" in result.stderr
    assert "Traceback" not in result.stderr
    assert count_rows(isolated / "gk.db", "requests") == 1


def test_a_closed_stdout_after_the_commit_says_saved(isolated):
    command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "hunnan_gk", "register", *register_args()])
    result = subprocess.run(["sh", "-c", f"{command} >&-"], env=subprocess_env(), stderr=subprocess.PIPE,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "已保存：2024-0001 已登记" in result.stderr and "Traceback" not in result.stderr
    assert count_rows(isolated / "gk.db", "requests") == 1


def test_a_transition_with_a_full_stdout_says_saved(cli, isolated):
    number = register(cli, "2024-04-01")["number"]
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "hunnan_gk", "advance", number, "--on", "2024-04-02"],
                                env=subprocess_env(), stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 0 and f"已保存：{number} " in result.stderr, result.stderr
    assert ok(cli("show", number, "--json")).stdout.count('"stage": "search"') >= 1
