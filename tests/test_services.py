"""The shared use cases called with explicit parameters, without the command layer: the overdue
report from a database, the morning-mail run's early exits, and the demo database."""

from __future__ import annotations

from datetime import date

import pytest

from hunnan_gk import services
from hunnan_gk.config import load_settings
from hunnan_gk.demo import DEMO_NOTE, SCENARIOS
from hunnan_gk.errors import ConfigError, DatabaseError, Refused
from hunnan_gk.storage.db import open_db
from hunnan_gk.storage.notify import notification_count
from hunnan_gk.storage.requests import list_requests
from hunnan_gk.vocab import Light
from tests.helpers import register, work_calendar

CALENDAR = work_calendar()
TODAY = date(2024, 11, 20)


def _now():
    from datetime import datetime, timezone

    return datetime(2024, 11, 20, 7, 30, tzinfo=timezone.utc)


def _mail(path, said, **options):
    defaults = dict(settings=load_settings(None), calendar=CALENDAR, today=TODAY, as_of=TODAY,
                    now=_now, threshold=Light.YELLOW, say=said.append)
    services.morning_mail(path, **(defaults | options))


def test_overdue_report_from_a_database_on_a_past_day_shows_the_stage_of_that_day(cli, isolated):
    number = register(cli, "2024-11-01")["number"]
    assert cli("advance", number, "--on", "2024-11-05").exit_code == 0
    database = open_db(isolated / "gk.db")
    common = dict(today=TODAY, yellow_days=5)
    now = services.overdue_report(database, CALENDAR, as_of=TODAY, **common)
    before = services.overdue_report(database, CALENDAR, as_of=date(2024, 11, 4), **common)
    assert [i["stage"] for i in now["requests"]] == ["search"]
    assert [i["stage"] for i in before["requests"]] == ["review"]
    reds = services.overdue_report(database, CALENDAR, as_of=TODAY, lights=[Light.RED], **common)
    assert reds["requests"] == [] and reds["counts"]["red"] == 0


def test_morning_mail_on_a_rest_day_says_so_and_never_opens_the_database(isolated):
    said: list[str] = []
    missing = isolated / "absent.db"
    _mail(missing, said, today=date(2024, 11, 23), workdays_only=True)  # a Saturday
    assert said == ["今天（2024-11-23）不是工作日，未发送。"]
    assert not missing.exists()


def test_morning_mail_needs_the_database(isolated):
    with pytest.raises(DatabaseError):
        _mail(isolated / "absent.db", [])


def test_morning_mail_with_nothing_due_sends_nothing(cli, isolated):
    register(cli, "2024-11-18")  # green on the 20th
    said: list[str] = []
    _mail(isolated / "gk.db", said)
    assert said == ["2024-11-20 没有达到黄灯的申请，未发送。"]
    assert notification_count(open_db(isolated / "gk.db")) == 0


def test_morning_mail_without_smtp_is_a_config_error_and_records_nothing(cli, isolated):
    register(cli, "2024-10-01")  # red on the 20th
    with pytest.raises(ConfigError):
        _mail(isolated / "gk.db", [])
    assert notification_count(open_db(isolated / "gk.db")) == 0


def test_morning_mail_dry_run_shows_the_mail_and_records_nothing(cli, isolated):
    register(cli, "2024-10-01")
    said: list[str] = []
    _mail(isolated / "gk.db", said, dry_run=True)
    assert len(said) == 1 and "红灯" in said[0]
    assert notification_count(open_db(isolated / "gk.db")) == 0


def test_demo_database_with_explicit_parameters(isolated):
    path = isolated / "demo.db"
    count, report = services.demo_database(path, calendar=CALENDAR, today=TODAY,
                                           at="2024-11-20T08:00:00+08:00", yellow_days=5)
    assert count == len(SCENARIOS) == len(list_requests(open_db(path)))
    assert report["as_of"] == "2024-11-20"
    assert all(report["counts"][light.value] > 0 for light in Light)


def test_demo_database_refuses_a_database_with_real_requests(cli, isolated):
    register(cli, "2024-11-18")
    with pytest.raises(Refused, match="真实申请"):
        services.demo_database(isolated / "gk.db", calendar=CALENDAR, today=TODAY,
                               at="2024-11-20T08:00:00+08:00", yellow_days=5)
    rows = list_requests(open_db(isolated / "gk.db"))
    assert len(rows) == 1 and not (rows[0]["note"] or "").startswith(DEMO_NOTE)
