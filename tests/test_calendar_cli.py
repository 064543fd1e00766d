"""hunnan-gk calendar add / between / check / years: output, JSON keys, exit codes, mistakes."""

from __future__ import annotations


import pytest

from hunnan_gk.workdays import package_years
from tests.helpers import HOLIDAYS_2027, ok_json, override_year

OVERRIDE_2027 = f"""\
2027:
  holidays: [{HOLIDAYS_2027}]
  workdays: [2027-02-14]
"""


# These tests pin 2027 as the first year without official data (chinesecalendar 1.11 ends on
# 2026-12-31). Once an installed release ships 2027, they no longer describe the machine.
PACKAGE_ENDS_2026 = pytest.mark.skipif(
    2027 in package_years(), reason="the installed chinesecalendar already has 2027 data"
)


@pytest.fixture
def override_file(config_file):
    """An override file for 2027, named by the config key `holidays` (relative to the config)."""
    path = config_file.parent / "holidays.yaml"
    path.write_text(OVERRIDE_2027, encoding="utf-8")
    config_file.write_text("holidays: holidays.yaml\n", encoding="utf-8")
    return path


def test_add_prints_the_date(cli):
    result = cli("calendar", "add", "2024-04-01", "20")
    assert result.exit_code == 0
    assert result.stdout.strip() == "2024-04-29"
    assert "暂定" not in result.output


def test_add_json(cli):
    data = ok_json(cli("calendar", "add", "2024-04-01", "20", "--json"))
    assert data == {"start": "2024-04-01", "workdays": 20, "date": "2024-04-29", "provisional": False}
    assert list(data) == ["start", "workdays", "date", "provisional"]


@pytest.mark.parametrize("start", ["2024/1/25", "2024.1.25", "20240125", "2024年1月25日", "2024-01-25"])
def test_add_accepts_every_date_form(cli, start):
    result = cli("calendar", "add", start, "7")
    assert result.exit_code == 0
    assert result.stdout.strip() == "2024-02-04"


def test_add_from_today(cli):
    today = ok_json(cli("calendar", "check", "今天", "--json"))["date"]
    data = ok_json(cli("calendar", "add", "today", "0", "--json"))
    assert data["date"] == data["start"] == today


@PACKAGE_ENDS_2026
def test_add_into_2027_is_provisional_and_says_so(cli):
    result = cli("calendar", "add", "2026-12-10", "20")
    assert result.exit_code == 0
    assert result.stdout.startswith("2027-01-08")
    assert "暂定" in result.stdout
    assert "国务院办公厅" in result.stderr and "holidays" in result.stderr
    data = ok_json(cli("calendar", "add", "2026-12-10", "20", "--json"))
    assert data["provisional"] is True


def test_override_file_makes_2027_official(cli, override_file):
    result = cli("calendar", "add", "2026-12-10", "20")
    assert result.exit_code == 0
    assert result.stdout.strip() == "2027-01-08"
    assert "暂定" not in result.output
    assert ok_json(cli("calendar", "add", "2027-02-04", "2", "--json"))["date"] == "2027-02-14"


def test_override_file_can_move_the_date(cli, override_file):
    override_file.write_text(f"2027:\n  holidays: [{override_year(2027, '2027-01-04')}]\n", encoding="utf-8")
    data = ok_json(cli("calendar", "add", "2026-12-10", "20", "--json"))
    assert data == {"start": "2026-12-10", "workdays": 20, "date": "2027-01-11", "provisional": False}


def test_config_option_names_the_config(cli, override_file, config_file):
    other = config_file.parent / "other.yaml"
    other.write_text("{}\n", encoding="utf-8")
    assert ok_json(cli("calendar", "add", "2026-12-10", "20", "--json", "--config", other))["provisional"]
    assert not ok_json(cli("calendar", "add", "2026-12-10", "20", "--json", "--config", config_file))[
        "provisional"
    ]


def test_add_explain_lists_every_day(cli):
    result = cli("calendar", "add", "2024-09-27", "3", "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "2024-10-08"
    assert "2024-09-28" in result.stdout and "周末" in result.stdout
    assert "调休上班" in result.stdout and "国庆节" in result.stdout
    assert "第 3 个工作日" in result.stdout
    assert result.stdout.count("跳过") == 8  # 9-28 and 10-01..10-07


def test_add_explain_json(cli):
    data = ok_json(cli("calendar", "add", "2024-09-27", "3", "--explain", "--json"))
    assert data["date"] == "2024-10-08"
    assert data["days"][1] == {
        "date": "2024-09-29",
        "workday": True,
        "reason": "调休上班",
        "provisional": False,
    }
    assert len(data["days"]) == 11


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2024-02-30", "3"], "起算日：“2024-02-30”不是一个存在的日期"),
        (["add", "明天", "3"], "起算日：无法识别日期“明天”"),
        (["add", "2024-04-01", "-5"], "工作日数：不能为负数"),
        (["add", "2024-04-01", "10001"], "工作日数：10001 过大，最多 10000"),
        (["add", "2024-04-01", "abc"], "工作日数：“abc”不是整数"),
        (["add", "9999-12-20", "30"], "超出可计算的范围"),
        (["between", "2024-04-01", "2024-13-01"], "截止日：“2024-13-01”不是一个存在的日期"),
        (["between", "04/01/2024", "2024-04-29"], "起算日：无法识别日期"),
        (["between", "1900-01-01", "2024-01-01"], "相隔超过 100 年"),
        (["check", "2024-02-30"], "日期：“2024-02-30”不是一个存在的日期"),
        (["check", "2024年2月"], "日期：无法识别日期"),
    ],
)
def test_mistakes_are_exit_2_in_chinese(cli, args, message):
    result = cli("calendar", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.startswith("错误：")
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_add_missing_argument_is_usage_error(cli):
    result = cli("calendar", "add", "2024-04-01")
    assert result.exit_code == 2
    assert "缺少参数" in result.output


def test_between(cli):
    result = cli("calendar", "between", "2024-04-01", "2024-04-29")
    assert result.exit_code == 0
    assert result.stdout.strip() == "20 个工作日"
    data = ok_json(cli("calendar", "between", "2024-04-29", "2024-04-01", "--json"))
    assert data == {"start": "2024-04-29", "end": "2024-04-01", "workdays": -20, "provisional": False}


def test_between_into_2027(cli):
    result = cli("calendar", "between", "2026-12-10", "2027/1/8")
    assert result.exit_code == 0
    assert result.stdout.startswith("20 个工作日") and "暂定" in result.stdout
    assert "holidays" in result.stderr


@pytest.mark.parametrize(
    ("day", "line"),
    [
        ("2024-10-12", "2024-10-12 星期六：工作日（调休上班）"),
        ("2024-10-13", "2024-10-13 星期日：休息日（周末）"),
        ("2024-10-01", "2024-10-01 星期二：休息日（国庆节）"),
        ("2024-10-14", "2024-10-14 星期一：工作日"),
    ],
)
def test_check(cli, day, line):
    result = cli("calendar", "check", day)
    assert result.exit_code == 0
    assert result.stdout.strip() == line


def test_check_json(cli):
    data = ok_json(cli("calendar", "check", "2025年1月28日", "--json"))
    assert data == {"date": "2025-01-28", "workday": False, "reason": "春节", "provisional": False}
    data = ok_json(cli("calendar", "check", "2027-10-01", "--json"))
    assert data == {"date": "2027-10-01", "workday": False, "reason": "国庆节", "provisional": True}


def test_check_provisional_day_says_so(cli):
    result = cli("calendar", "check", "2027-10-01")
    assert result.exit_code == 0
    assert "暂定" in result.stdout and "holidays" in result.stderr


def test_years(cli):
    result = cli("calendar", "years")
    assert result.exit_code == 0
    assert "2004-2026" in result.stdout and "官方数据" in result.stdout
    assert "暂定" in result.stdout and "2027" in result.stdout


def test_years_json(cli):
    data = ok_json(cli("calendar", "years", "--json"))
    assert set(data) == {"override_file", "years", "other_years"}
    sources = {row["year"]: row["source"] for row in data["years"]}
    assert sources[2004] == sources[2026] == "package"
    assert sources[2027] == "provisional"
    assert data["override_file"] is None and data["other_years"] == "provisional"


def test_years_with_override(cli, override_file):
    result = cli("calendar", "years")
    assert result.exit_code == 0
    assert "覆盖文件" in result.stdout and "holidays.yaml" in result.stdout
    data = ok_json(cli("calendar", "years", "--json"))
    sources = {row["year"]: row["source"] for row in data["years"]}
    assert sources[2027] == "override"
    assert data["override_file"].endswith("holidays.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027:\n  holiday: [2027-01-01]\n", "holidays.yaml 第 2 行：未知的键 holiday"),
        ("2027:\n  holidays: [2027-02-30]\n", "holidays.yaml 第 2 行：“2027-02-30”不是一个存在的日期"),
        ("2027: {holidays: [2027-01-01\n", "holidays.yaml 第 2 行：YAML 语法错误"),
    ],
)
@pytest.mark.parametrize("command", [["years"], ["add", "2024-04-01", "20"], ["check", "2024-10-01"]])
def test_broken_override_file_is_exit_2_naming_file_and_line(cli, override_file, text, message, command):
    override_file.write_text(text, encoding="utf-8")
    result = cli("calendar", *command)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_missing_override_file(cli, override_file):
    override_file.unlink()
    result = cli("calendar", "add", "2024-04-01", "20")
    assert result.exit_code == 2
    assert "找不到节假日覆盖文件" in result.stderr and "holidays.yaml" in result.stderr


@pytest.mark.parametrize("command", ["add", "between", "check", "years"])
def test_every_calendar_command_has_chinese_help_with_an_example(cli, command):
    result = cli("calendar", command, "--help")
    assert result.exit_code == 0
    assert "示例：hunnan-gk calendar " + command in result.stdout


def test_a_partial_override_year_is_refused_naming_the_festival(cli, override_file):
    override_file.write_text(f"2027:\n  holidays: [{HOLIDAYS_2027.replace('2027-04-05, ', '')}]\n",
                             encoding="utf-8")
    for args in (["calendar", "add", "2026-12-10", "20"], ["report", "overdue"]):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("错误：") and "2027 年缺少法定节假日 清明节（2027-04-05 未列为放假）" in result.stderr
        assert "Traceback" not in result.output
