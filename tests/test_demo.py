"""hunnan-gk demo: a fresh demo database with all four lights, never touching real data."""

from __future__ import annotations

import json

import pytest

from hunnan_gk.demo import DEMO_NOTE, SCENARIOS
from hunnan_gk.storage.audit import first_broken_event
from hunnan_gk.storage.db import open_db
from hunnan_gk.storage.requests import list_requests
from tests.helpers import count_rows
from tests.test_reports import register


def counts_of(path):
    return count_rows(path, "requests")


@pytest.mark.parametrize(
    "today",
    [
        "2024-11-20",  # an ordinary Wednesday
        "2024-11-23",  # a Saturday
        "2024-09-29",  # an adjusted working Sunday before National Day
        "2025-02-05",  # the day after the Spring Festival holiday
        "2026-12-30",  # deadlines run into a year without official data
    ],
)
def test_demo_builds_and_shows_all_four_lights(cli, isolated, monkeypatch, today):
    monkeypatch.setenv("HUNNAN_GK_TODAY", today)
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    for word in ("红灯", "黄灯", "绿灯", "暂停", "；超法定上限 1 件"):
        assert word in result.stdout
    path = isolated / "hunnan-gk-demo.db"
    assert path.exists()
    assert counts_of(isolated / "gk.db") == 0  # HUNNAN_GK_DB is not the demo's database
    report = json.loads(cli("report", "overdue", "--db", path, "--format", "json").stdout)
    assert all(report["counts"][light] > 0 for light in ("red", "yellow", "green", "paused"))
    items = report["requests"]
    assert {(i["paused"], i["pause"]) for i in items} == {
        (False, None), (True, "supplement"), (True, "consultation")
    }
    assert any(i["review_limit"] for i in items) and any(i["seriously_overdue"] for i in items)
    db = open_db(path)
    rows = list_requests(db)
    assert len(rows) == len(SCENARIOS) >= 28
    assert all(row["note"].startswith(DEMO_NOTE) for row in rows)
    assert sum(row["stage"] == "closed" for row in rows) >= 2
    assert any(row["extended_days"] for row in rows)
    assert first_broken_event(db) is None
    assert cli("audit", "verify", "--db", path).exit_code == 0


def test_demo_rebuilds_its_own_database(cli, isolated, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    assert cli("demo").exit_code == 0
    again = cli("demo")
    assert again.exit_code == 0, again.stderr
    rows = list_requests(open_db(isolated / "hunnan-gk-demo.db"))
    assert len(rows) == len(SCENARIOS)


def test_demo_refuses_a_database_with_real_requests(cli, isolated, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    register(cli, "2024-11-18", "孙玉梅")  # into HUNNAN_GK_DB, gk.db
    real = isolated / "gk.db"
    before = list_requests(open_db(real))
    result = cli("demo", "--db", real)
    assert result.exit_code == 1
    assert "1 件真实申请" in result.stderr and "Traceback" not in result.stderr
    assert list_requests(open_db(real)) == before


def test_demo_refuses_a_file_that_is_not_ours(cli, isolated):
    other = isolated / "notes.db"
    other.write_bytes(b"not a database at all, but a clerk's file" * 10)
    before = other.read_bytes()
    result = cli("demo", "--db", other)
    assert result.exit_code == 3
    assert other.read_bytes() == before
