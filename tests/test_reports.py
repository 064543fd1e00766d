"""The overdue report's lights, keys and order (pure: rows and a small calendar)."""

from __future__ import annotations

from datetime import date

import pytest

from hunnan_gk.reports import CONTRACT_KEYS, at_or_worse, overdue_report, parse_lights, worst_light
from hunnan_gk.vocab import Light
from tests.fakecal import FakeCalendar

CAL = FakeCalendar()
FRIDAY_RECEIPT = "2024-10-18"  # 20 working days later: Friday 2024-11-15; ceiling 2024-12-13


def row(number="2024-0001", received=FRIDAY_RECEIPT, stage="search", **extra):
    base = {
        "number": number,
        "applicant": "王秀兰",
        "applicant_type": "natural",
        "department": "区营商局",
        "content": "浑南区2024年营商环境优化专项资金拨付明细",
        "stage": stage,
        "received_on": received,
        "clock_start_on": received,
        "supplement_asked_on": None,
        "supplement_until": None,
        "supplement_received_on": None,
        "extended_days": 0,
        "outcome_on": None,
        "consultations": [],
        "id_number": "210112198001011234",
        "phone": "13812345678",
    }
    base.update(extra)
    return base


def one(as_of, yellow_days=5, **extra):
    report = overdue_report([row(**extra)], CAL, date.fromisoformat(as_of), yellow_days)
    (item,) = report["requests"]
    return item


@pytest.mark.parametrize(
    ("as_of", "light", "remaining"),
    [
        ("2024-11-07", "green", 6),  # due = as_of + yellow_days + 1
        ("2024-11-08", "yellow", 5),  # due = as_of + yellow_days
        ("2024-11-14", "yellow", 1),
        ("2024-11-15", "yellow", 0),  # due today
        ("2024-11-16", "red", 0),  # the Saturday right after a Friday deadline
        ("2024-11-17", "red", 0),  # and the Sunday
        ("2024-11-18", "red", -1),
    ],
)
def test_light_at_its_boundaries(as_of, light, remaining):
    item = one(as_of)
    assert item["due"] == "2024-11-15"
    assert (item["light"], item["remaining_workdays"]) == (light, remaining)
    assert item["light_label"] == Light(light).label


def test_yellow_days_comes_from_the_caller():
    assert one("2024-11-07", yellow_days=6)["light"] == "yellow"
    assert one("2024-11-14", yellow_days=0)["light"] == "green"
    assert one("2024-11-15", yellow_days=0)["light"] == "yellow"


def test_remaining_counts_across_national_day():
    # received 2024-09-20: 20 working days skip 10-01..10-07 and count Sunday 09-29, Saturday 10-12
    item = one("2024-09-30", received="2024-09-20")
    assert item["due"] == "2024-10-23"
    assert item["remaining_workdays"] == 13  # 10-08..10-12 (Saturday 10-12 worked), 10-14..10-23


@pytest.mark.parametrize(("as_of", "serious"), [("2024-12-13", False), ("2024-12-14", True)])
def test_seriously_overdue_past_the_legal_ceiling(as_of, serious):
    item = one(as_of)
    assert item["ceiling"] == "2024-12-13"
    assert item["light"] == "red"
    assert item["seriously_overdue"] is serious


def test_extension_moves_the_due_date_but_not_the_ceiling():
    item = one("2024-11-18", extended_days=10)
    assert (item["due"], item["ceiling"], item["light"]) == ("2024-11-29", "2024-12-13", "green")


def test_paused_for_supplement_watches_the_applicants_deadline():
    item = one("2024-12-20", supplement_asked_on="2024-10-22", supplement_until="2024-11-05")
    assert item["light"] == "paused"
    assert item["paused"] == "supplement"
    assert item["watch"] == "2024-11-05"
    assert item["due"] is None and item["remaining_workdays"] is None
    assert item["seriously_overdue"] is False


def test_paused_for_consultation_watches_the_partys_window():
    item = one("2024-11-01", consultations=[{"start_on": "2024-10-25", "end_on": None}])
    assert item["light"] == "paused"
    assert item["paused"] == "consultation"
    assert item["watch"] == "2024-11-15"  # 15 working days after the start (条例第32条)


def test_ended_consultation_lengthens_the_due_date():
    item = one(
        "2024-11-18", consultations=[{"start_on": "2024-10-25", "end_on": "2024-10-31"}]
    )
    assert item["paused"] is None
    assert item["due"] == "2024-11-21"  # 10-28..10-31 not counted (条例第33条)
    assert item["light"] == "yellow"


def test_provisional_due_is_flagged():
    item = one("2026-12-15", received="2026-12-10")
    assert item["due_provisional"] is True
    assert one("2024-11-07")["due_provisional"] is False


@pytest.mark.parametrize(
    ("stage", "as_of", "asked", "limit"),
    [
        ("review", "2024-10-29", None, "2024-10-29"),  # the last day for 补正告知 (条例第30条)
        ("review", "2024-10-30", None, None),  # passed: no longer shown
        ("review", "2024-10-25", "2024-10-22", None),  # already asked
        ("search", "2024-10-21", None, None),  # past review
    ],
)
def test_review_limit_shown_only_while_open(stage, as_of, asked, limit):
    extra = {"supplement_asked_on": asked, "supplement_until": "2024-11-05"} if asked else {}
    assert one(as_of, stage=stage, **extra)["review_limit"] == limit


def test_contract_keys_and_no_personal_data():
    report = overdue_report([row()], CAL, date(2024, 11, 1))
    assert list(report)[:3] == ["as_of", "counts", "requests"]
    assert report["as_of"] == "2024-11-01"
    assert report["counts"] == {"red": 0, "yellow": 0, "green": 1, "paused": 0}
    item = report["requests"][0]
    assert list(item)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
    assert item["stage_label"] == "查找信息" and item["received"] == FRIDAY_RECEIPT
    assert "id_number" not in item and "phone" not in item
    assert "13812345678" not in str(report) and "210112198001011234" not in str(report)


def test_most_urgent_first_and_counts():
    rows = [
        row("2024-0001", received="2024-10-28"),  # green
        row("2024-0002", received="2024-10-08"),  # red, overdue since 11-05
        row("2024-0003", received="2024-09-02"),  # red, seriously overdue
        row("2024-0004", received="2024-10-18"),  # yellow, 2 left
        row("2024-0005", received="2024-10-21"),  # yellow, 3 left
        row("2024-0006", supplement_asked_on="2024-10-22", supplement_until="2024-11-05"),
        row("2024-0007", received="2024-10-09"),  # red, overdue since 11-06
        row("2024-0008", received="2024-11-20"),  # received after as_of: not yet there
        row("2024-0009", received="2024-10-10", outcome_on="2024-11-01"),  # replied
    ]
    report = overdue_report(rows, CAL, date(2024, 11, 13))
    order = [(i["number"], i["light"]) for i in report["requests"]]
    assert order == [
        ("2024-0003", "red"),
        ("2024-0002", "red"),
        ("2024-0007", "red"),
        ("2024-0004", "yellow"),
        ("2024-0005", "yellow"),
        ("2024-0001", "green"),
        ("2024-0006", "paused"),
    ]
    assert report["counts"] == {"red": 3, "yellow": 2, "green": 1, "paused": 1}
    assert report["seriously_overdue"] == 1


def test_filters_by_light_and_department():
    rows = [
        row("2024-0001", received="2024-10-28"),
        row("2024-0002", received="2024-10-08", department="区教育局"),
        row("2024-0003", received="2024-10-08"),
    ]
    as_of = date(2024, 11, 13)
    reds = overdue_report(rows, CAL, as_of, lights=[Light.RED])
    assert [i["number"] for i in reds["requests"]] == ["2024-0002", "2024-0003"]
    assert reds["counts"] == {"red": 2, "yellow": 0, "green": 0, "paused": 0}
    mine = overdue_report(rows, CAL, as_of, department="区营商局")
    assert [i["number"] for i in mine["requests"]] == ["2024-0003", "2024-0001"]


def test_parse_lights_accepts_codes_and_labels():
    assert parse_lights(None) == list(Light)
    assert parse_lights("yellow,红灯") == [Light.RED, Light.YELLOW]
    assert parse_lights("暂停，green") == [Light.GREEN, Light.PAUSED]


def test_parse_lights_refuses_unknown_names():
    from hunnan_gk.errors import InputError

    with pytest.raises(InputError, match="--light.*blue"):
        parse_lights("red,blue")


def test_threshold_order():
    assert at_or_worse(Light.RED, Light.YELLOW)
    assert at_or_worse(Light.YELLOW, Light.YELLOW)
    assert not at_or_worse(Light.YELLOW, Light.RED)
    assert not at_or_worse(Light.PAUSED, Light.YELLOW)
    assert worst_light([{"light": "green"}, {"light": "paused"}]) is Light.GREEN
    assert worst_light([{"light": "paused"}]) is None


def test_reports_module_stays_pure():
    import ast
    from pathlib import Path

    import hunnan_gk.reports as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert not imported & {"typer", "rich", "sqlite_utils", "sqlite3", "smtplib"}
    assert "today()" not in Path(module.__file__).read_text(encoding="utf-8")
