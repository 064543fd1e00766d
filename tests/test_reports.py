"""The overdue report's lights, keys and order (pure: rows and a small calendar)."""

from __future__ import annotations

from datetime import date

import pytest

from hunnan_gk.reports import CONTRACT_KEYS, at_or_worse, overdue_report, parse_lights
from hunnan_gk.vocab import Light
from tests import helpers
from tests.helpers import ok_json, work_calendar

CAL = work_calendar()
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
    assert item["paused"] is True and item["pause"] == "supplement"
    assert item["watch"] == "2024-11-05"
    assert item["due"] is None and item["remaining_workdays"] is None
    assert item["seriously_overdue"] is False


def test_paused_for_consultation_watches_the_partys_window():
    item = one("2024-11-01", consultations=[{"start_on": "2024-10-25", "end_on": None}])
    assert item["light"] == "paused"
    assert item["paused"] is True and item["pause"] == "consultation"
    assert item["watch"] == "2024-11-15"  # 15 working days after the start (条例第32条)


def test_ended_consultation_lengthens_the_due_date():
    item = one(
        "2024-11-18", consultations=[{"start_on": "2024-10-25", "end_on": "2024-10-31"}]
    )
    assert item["paused"] is False and item["pause"] is None
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


def test_filters_by_light():
    rows = [
        row("2024-0001", received="2024-10-28"),
        row("2024-0002", received="2024-10-08", department="区教育局"),
        row("2024-0003", received="2024-10-08"),
    ]
    as_of = date(2024, 11, 13)
    reds = overdue_report(rows, CAL, as_of, lights=[Light.RED])
    assert [i["number"] for i in reds["requests"]] == ["2024-0002", "2024-0003"]
    assert reds["counts"] == {"red": 2, "yellow": 0, "green": 0, "paused": 0}


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


# --- the command ----------------------------------------------------------------------

TODAY = "2024-11-20"  # a Wednesday


def register(cli, received, applicant="王秀兰", department="区营商局",
             content="浑南区老旧小区改造资金使用情况", **options) -> str:
    """A request of the office's story; its number."""
    return helpers.register(cli, received, applicant, content=content, department=department,
                            **options)["number"]


@pytest.fixture
def office(cli, monkeypatch):
    """Four requests on 2024-11-20: red, yellow, green and paused for 补正."""
    monkeypatch.setenv("HUNNAN_GK_TODAY", TODAY)
    numbers = {
        "green": register(cli, "2024-11-15", "沈阳智联芯科技有限公司", "区教育局"),
        "red": register(cli, "2024-10-18", "李建国"),  # due Friday 11-15
        "paused": register(cli, "2024-11-11", "刘桂芝"),
        "yellow": register(cli, "2024-10-25", "张伟", "区住建局"),  # due 11-22
    }
    asked = cli("supplement", "ask", numbers["paused"], "--on", "2024-11-13", "--until", "2024-11-27")
    assert asked.exit_code == 0, asked.stderr
    return numbers


def report_json(cli, *args):
    return ok_json(cli("report", "overdue", "--format", "json", *args))


def test_json_report_from_the_database(cli, office):
    report = report_json(cli)
    assert report["as_of"] == TODAY
    assert report["counts"] == {"red": 1, "yellow": 1, "green": 1, "paused": 1}
    assert [i["number"] for i in report["requests"]] == [
        office["red"], office["yellow"], office["green"], office["paused"]
    ]
    red, yellow, green, paused = report["requests"]
    assert set(CONTRACT_KEYS) <= set(red)
    assert (red["due"], red["remaining_workdays"], red["light"]) == ("2024-11-15", -3, "red")
    assert (yellow["due"], yellow["remaining_workdays"]) == ("2024-11-22", 2)
    assert green["stage"] == "review" and green["stage_label"] == "申请表审查"
    assert green["review_limit"] == "2024-11-26"
    assert (paused["paused"], paused["pause"], paused["watch"], paused["due"]) == (
        True, "supplement", "2024-11-27", None
    )
    # The same contract as `show --json`: paused is a boolean, the kind of pause under "pause".
    assert (red["paused"], red["pause"]) == (False, None)


def test_as_of_department_and_light_options(cli, office):
    weekend = report_json(cli, "--as-of", "2024年11月23日")
    assert weekend["as_of"] == "2024-11-23"
    assert weekend["counts"]["red"] == 2  # the yellow one's Friday deadline passed
    assert [i["number"] for i in report_json(cli, "--department", "区住建局")["requests"]] == [
        office["yellow"]
    ]
    reds = report_json(cli, "--light", "红灯,paused")
    assert [i["light"] for i in reds["requests"]] == ["red", "paused"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 0),
        (("--fail-on", "red"), 4),
        (("--fail-on", "yellow"), 4),
        (("--fail-on", "red", "--light", "yellow,green"), 0),
        (("--fail-on", "yellow", "--department", "区教育局"), 0),
        (("--fail-on", "黄灯", "--department", "区住建局"), 4),
    ],
)
def test_fail_on_exits_4_at_that_light_or_worse(cli, office, args, code):
    result = cli("report", "overdue", *args)
    assert result.exit_code == code
    if code == 4:
        assert "达到" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fail-on", "green"), "--fail-on 只能是 red"),
        (("--format", "xml"), "--format 无法识别"),
        (("--light", "blue"), "--light 无法识别"),
        (("--as-of", "2024-13-01"), "不是一个存在的日期"),
    ],
)
def test_mistakes_are_usage_errors(cli, office, args, message):
    result = cli("report", "overdue", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_text_is_the_default_when_piped_and_has_no_ansi(cli, office):
    result = cli("report", "overdue")
    assert "\x1b[" not in result.stdout
    for word in ("红灯", "黄灯", "绿灯", "暂停", "补正至", "2024-11-27"):
        assert word in result.stdout
    assert f"{TODAY} 未答复 4 件：红灯 1，黄灯 1，绿灯 1，暂停 1\n" in result.stdout
    assert cli("report", "overdue", "--format", "text").stdout == result.stdout


def test_table_fits_80_columns_and_folds_chinese(office, cli, monkeypatch):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    long_name = "沈阳市浑南区某某科技园区开发建设有限责任公司第一分公司"
    register(cli, "2024-11-18", long_name, "区自然资源分局")
    result = cli("report", "overdue", "--format", "table")
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines[:-1]) <= 80
    assert "…" not in result.stdout
    assert "第一分公司" in "".join(result.stdout.split())  # folded over lines, never cut


def test_table_colours_rows_on_a_terminal():
    from hunnan_gk.render.overdue import overdue_lines

    report = overdue_report(
        [row("2024-0001", received="2024-10-08"), row("2024-0002", received="2024-11-12")],
        CAL, date(2024, 11, 20),
    )
    shown = "\n".join(overdue_lines(report, 80, colour=True))
    assert "\x1b[1;31m红灯" in shown  # bold red, and the word beside the colour
    assert "\x1b[32m绿灯" in shown
    assert "\x1b[" not in "\n".join(overdue_lines(report, 80))


def test_provisional_due_is_marked_in_the_table():
    from hunnan_gk.render.overdue import overdue_lines

    report = overdue_report([row(received="2026-12-10")], CAL, date(2026, 12, 15))
    assert report["requests"][0]["due_provisional"] is True
    assert "暂定" in "\n".join(overdue_lines(report, 80))


def test_csv_has_bom_and_chinese_headers(cli, office):
    import csv
    import io

    result = cli("report", "overdue", "--format", "csv")
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:12] == [
        "编号", "申请人", "申请人类型", "承办单位", "环节代码", "环节", "收到日期", "答复期限",
        "剩余工作日", "灯", "严重超期", "期限暂定",
    ]
    assert rows[1][0] == office["red"] and rows[1][9] == "红灯" and rows[1][8] == "-3"
    assert len(rows) == 5


def test_html_is_one_self_contained_page(cli, office):
    result = cli("report", "overdue", "--format", "html")
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page
    for outside in ("<script", "<link", "src=", "http://", "https://", "@import"):
        assert outside not in page
    assert page.count("<tr style=\"background:") == 4
    assert "红灯" in page and "暂停" in page and "张伟" in page


def test_html_escapes_what_clerks_typed():
    from hunnan_gk.render.overdue import overdue_html

    report = overdue_report([row(applicant="<b>张三</b>&")], CAL, date(2024, 11, 1))
    page = overdue_html(report)
    assert "&lt;b&gt;张三&lt;/b&gt;&amp;" in page and "<b>张三" not in page


def test_missing_database_is_an_error_not_an_empty_report(cli, isolated):
    result = cli("report", "overdue", "--db", isolated / "typo.db")
    assert result.exit_code == 3
    assert not (isolated / "typo.db").exists()


def test_empty_database_reports_nothing(cli, isolated):
    from hunnan_gk.storage.db import open_db

    open_db(isolated / "gk.db").conn.close()
    assert "未答复 0 件" in cli("report", "overdue").stdout
    report = report_json(cli)
    assert report["requests"] == [] and report["counts"] == {"red": 0, "yellow": 0, "green": 0, "paused": 0}
