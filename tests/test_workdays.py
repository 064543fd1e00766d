"""The working-day calendar, checked against the official notices typed in from domain.md §3
(independently of chinesecalendar), the override file, and provisional years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hunnan_gk.workdays import package_years
from hypothesis import given
from hypothesis import strategies as st

from hunnan_gk.errors import ConfigError, InputError
from hunnan_gk.workdays import (
    PROVISIONAL_HINT,
    Counted,
    Dated,
    DayInfo,
    WorkCalendar,
    YearOverride,
    statutory_holidays,
)
from hunnan_gk.holiday_files import load_calendar, parse_overrides
from tests.helpers import HOLIDAYS_2027

# 国务院办公厅关于2024/2025/2026年部分节假日安排的通知 (domain.md §3).
OFFICIAL = {
    2024: (
        "01-01; 02-10..02-17; 04-04..04-06; 05-01..05-05; 06-10; 09-15..09-17; 10-01..10-07",
        "02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12",
    ),
    2025: (
        "01-01; 01-28..02-04; 04-04..04-06; 05-01..05-05; 05-31..06-02; 10-01..10-08",
        "01-26, 02-08, 04-27, 09-28, 10-11",
    ),
    2026: (
        "01-01..01-03; 02-15..02-23; 04-04..04-06; 05-01..05-05; 06-19..06-21; "
        "09-25..09-27; 10-01..10-07",
        "01-04, 02-14, 02-28, 05-09, 09-20, 10-10",
    ),
}


# These tests pin 2027 as the first year without official data (chinesecalendar 1.11 ends on
# 2026-12-31). Once an installed release ships 2027, they no longer describe the machine.
PACKAGE_ENDS_2026 = pytest.mark.skipif(
    2027 in package_years(), reason="the installed chinesecalendar already has 2027 data"
)


def _md(year: int, text: str) -> date:
    month, day = text.strip().split("-")
    return date(year, int(month), int(day))


def official_off(year: int) -> set[date]:
    days: set[date] = set()
    for part in OFFICIAL[year][0].split(";"):
        first, _, last = part.partition("..")
        start, end = _md(year, first), _md(year, last or first)
        days.update(start + timedelta(days=i) for i in range((end - start).days + 1))
    return days


def official_work(year: int) -> set[date]:
    return {_md(year, part) for part in OFFICIAL[year][1].split(",")}


def expected_workday(day: date) -> bool:
    if day in official_work(day.year):
        return True
    return day.weekday() < 5 and day not in official_off(day.year)


def every_day(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


D = date


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_every_day_of_official_years_matches_the_notice(cal, year):
    wrong = [day for day in every_day(year) if cal.is_workday(day) != expected_workday(day)]
    assert wrong == []


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_adjusted_working_days_are_workdays(cal, year):
    for day in official_work(year):
        info = cal.day(day)
        assert info == DayInfo(day, True, "调休上班", False)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_listed_holidays_are_not_workdays(cal, year):
    for day in official_off(year):
        assert not cal.is_workday(day), day
        assert cal.day(day).reason not in ("工作日", "周末", "调休上班")


def test_2025_extra_spring_festival_and_labour_days(cal):
    # From 2025 除夕 and 5月2日 became statutory: 2025-01-28 (Tue, 除夕) and 2025-05-02 (Fri) off.
    assert cal.day(D(2025, 1, 28)) == DayInfo(D(2025, 1, 28), False, "春节", False)
    assert cal.day(D(2025, 5, 2)) == DayInfo(D(2025, 5, 2), False, "劳动节", False)
    assert not cal.is_workday(D(2025, 2, 4))
    assert cal.is_workday(D(2025, 2, 5))
    # The whole Spring Festival break of 2025: 8 days off, 0 working days counted across it.
    assert cal.between(D(2025, 1, 27), D(2025, 2, 4)) == Counted(0, False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 4, 1), 20, D(2024, 4, 29)),  # domain.md §3: 清明 and a Sunday worked
        (D(2024, 1, 25), 7, D(2024, 2, 4)),  # domain.md §3: ends on a Sunday worked
        (D(2024, 9, 27), 1, D(2024, 9, 29)),  # Sunday 9-29 worked before 国庆
        (D(2024, 9, 27), 2, D(2024, 9, 30)),
        (D(2024, 9, 27), 3, D(2024, 10, 8)),  # 10-01..10-07 off
        (D(2024, 10, 1), 1, D(2024, 10, 8)),  # counting from a holiday
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # Sunday 1-26 worked
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # 1-28..2-04 off
        (D(2025, 4, 30), 1, D(2025, 5, 6)),  # 5-01..5-05 off
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # 10-01..10-08 off
        (D(2025, 9, 30), 2, D(2025, 10, 10)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # Saturday 10-11 worked
        (D(2025, 12, 30), 1, D(2025, 12, 31)),
        (D(2025, 12, 30), 2, D(2026, 1, 4)),  # year boundary: 1-01..1-03 off, Sunday 1-04 worked
        (D(2025, 12, 30), 3, D(2026, 1, 5)),
        (D(2025, 12, 15), 20, D(2026, 1, 13)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 2-14 worked
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # 2-15..2-23 off
        (D(2024, 4, 1), 0, D(2024, 4, 1)),
        (D(2024, 4, 29), -20, D(2024, 4, 1)),
        (D(2024, 10, 8), -1, D(2024, 9, 30)),
        (D(2026, 1, 5), -3, D(2025, 12, 30)),
    ],
)
def test_add(cal, start, n, expected):
    assert cal.add(start, n) == Dated(expected, False)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 4, 1), D(2024, 4, 29), 20),
        (D(2024, 4, 29), D(2024, 4, 1), -20),
        (D(2024, 4, 1), D(2024, 4, 1), 0),
        (D(2024, 1, 25), D(2024, 2, 4), 7),
        (D(2024, 9, 30), D(2024, 10, 7), 0),
        (D(2024, 9, 30), D(2024, 10, 12), 5),  # 10-08..10-11 plus Saturday 10-12
        (D(2025, 12, 31), D(2026, 1, 5), 2),
        (D(2025, 12, 1), D(2026, 1, 31), 22 + 21),  # Dec from 12-02: 22; Jan: 22 - 2 + Sunday 1-04
        (D(2024, 12, 31), D(2025, 12, 31), 261 - 18 + 5),  # 2025: weekdays - off + worked
    ],
)
def test_between(cal, start, end, expected):
    assert cal.between(start, end) == Counted(expected, False)


@pytest.mark.parametrize("start", [D(2024, 1, 1), D(2024, 9, 27), D(2025, 12, 20), D(2026, 2, 1)])
@pytest.mark.parametrize("n", [1, 7, 20, 40, 300])
def test_add_and_between_are_inverse(cal, start, n):
    result = cal.add(start, n).date
    assert cal.between(start, result).workdays == n
    assert cal.is_workday(result)
    # one calendar day earlier is one working day short
    assert cal.between(start, result - timedelta(days=1)).workdays == n - 1
    # counting back from a working day lands on the n-th working day before it
    assert cal.between(cal.add(result, -n).date, result).workdays == n


def test_day_reasons(cal):
    assert cal.day(D(2024, 10, 1)).reason == "国庆节"
    assert cal.day(D(2024, 2, 12)).reason == "春节"
    assert cal.day(D(2024, 1, 1)).reason == "元旦"
    assert cal.day(D(2024, 4, 4)).reason == "清明节"
    assert cal.day(D(2024, 5, 1)).reason == "劳动节"
    assert cal.day(D(2024, 6, 10)).reason == "端午节"
    assert cal.day(D(2024, 9, 17)).reason == "中秋节"
    assert cal.day(D(2024, 10, 12)) == DayInfo(D(2024, 10, 12), True, "调休上班", False)
    assert cal.day(D(2024, 10, 13)) == DayInfo(D(2024, 10, 13), False, "周末", False)
    assert cal.day(D(2024, 10, 14)) == DayInfo(D(2024, 10, 14), True, "工作日", False)


def test_explain_lists_every_day_counted_or_skipped(cal):
    days = cal.explain(D(2024, 9, 27), 3)
    assert [(d.date.isoformat(), d.workday, d.reason) for d in days] == [
        ("2024-09-28", False, "周末"),
        ("2024-09-29", True, "调休上班"),
        ("2024-09-30", True, "工作日"),
        *[(f"2024-10-0{i}", False, "国庆节") for i in range(1, 8)],
        ("2024-10-08", True, "工作日"),
    ]
    assert cal.explain(D(2024, 4, 1), 0) == []
    back = cal.explain(D(2024, 10, 8), -1)
    assert back[0].date == D(2024, 10, 7) and back[-1].date == D(2024, 9, 30)
    assert len(back) == 8


# --- provisional years ---


@PACKAGE_ENDS_2026
def test_counting_into_2027_is_provisional(cal):
    result = cal.add(D(2026, 12, 10), 20)
    assert result.provisional
    # December 2026 after the 10th: 15 working days; 2027-01-01 is 元旦 (statutory).
    assert result.date == D(2027, 1, 8)
    assert cal.between(D(2026, 12, 10), D(2027, 1, 8)) == Counted(20, True)
    assert cal.between(D(2027, 1, 8), D(2026, 12, 10)) == Counted(-20, True)


@PACKAGE_ENDS_2026
def test_a_count_that_stays_in_official_years_is_not_provisional(cal):
    assert not cal.add(D(2026, 12, 1), 20).provisional  # 2026-12-29
    assert cal.add(D(2026, 12, 1), 20).date == D(2026, 12, 29)
    assert not cal.add(D(2026, 12, 31), 0).provisional
    assert cal.add(D(2027, 1, 5), -3).provisional


@PACKAGE_ENDS_2026
def test_provisional_year_uses_statutory_holidays_not_monday_to_friday(cal):
    # 2027: 春节 除夕 to 初三 is 2027-02-05..02-08; 国庆 10-01..10-03; 劳动节 05-01..05-02.
    for day in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 10, 1), D(2027, 1, 1)):
        info = cal.day(day)
        assert not info.workday and info.provisional, day
    assert cal.day(D(2027, 2, 5)).reason == "春节"
    assert cal.day(D(2027, 10, 1)).reason == "国庆节"
    assert cal.day(D(2027, 2, 9)) == DayInfo(D(2027, 2, 9), True, "工作日", True)
    assert cal.add(D(2027, 2, 4), 1) == Dated(D(2027, 2, 9), True)


def test_statutory_holidays_are_exactly_the_law(cal):
    # 《全国年节及纪念日放假办法》 as amended 2024: 13 days; no 调休 days from the notice.
    days = statutory_holidays(2027)
    assert len(days) == 13
    assert sorted(set(days.values())) == sorted(
        {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    )
    assert days[D(2027, 5, 2)] == "劳动节"
    assert D(2027, 10, 4) not in days


@pytest.mark.parametrize("year", [1990, 2003, 2100, 2101, 2500, 9999])
def test_far_years_are_provisional_and_sensible(cal, year):
    start = D(year, 6, 1)
    result = cal.add(start, 20)
    assert result.provisional
    assert cal.between(start, result.date) == Counted(20, True)
    assert not cal.is_workday(D(year, 10, 1))
    assert cal.day(D(year, 10, 1)).reason == "国庆节"
    assert cal.year_sources([year]) == {year: "provisional"}


def test_counting_beyond_year_9999_is_an_input_error(cal):
    with pytest.raises(InputError, match="9999"):
        cal.add(D(9999, 12, 20), 30)


def test_year_sources(cal):
    with_override = WorkCalendar({2027: YearOverride()})
    assert with_override.year_sources([2003, 2004, 2026, 2027, 2028]) == {
        2003: "provisional",
        2004: "package",
        2026: "package",
        2027: "override",
        2028: "provisional",
    }


def test_provisional_hint_names_the_override_file():
    assert "holidays" in PROVISIONAL_HINT and "国务院办公厅" in PROVISIONAL_HINT


# --- the override file ---

OVERRIDE_2027 = f"""\
2027:
  holidays: [{HOLIDAYS_2027}]
  workdays: [2027-02-14]
"""


def test_override_makes_2027_official():
    cal = WorkCalendar(parse_overrides(OVERRIDE_2027, "h.yaml"))
    result = cal.add(D(2026, 12, 10), 20)
    assert result == Dated(D(2027, 1, 8), False)
    assert cal.day(D(2027, 2, 10)) == DayInfo(D(2027, 2, 10), False, "春节", False)
    assert cal.day(D(2027, 2, 14)) == DayInfo(D(2027, 2, 14), True, "调休上班", False)
    assert cal.day(D(2027, 1, 1)).reason == "元旦"
    assert cal.between(D(2027, 2, 4), D(2027, 2, 14)) == Counted(2, False)  # 2-12, 2-14


def test_override_can_move_the_date():
    text = "2027:\n  holidays: [2027-01-01..2027-01-03, 2027-01-04]\n"
    official = WorkCalendar(parse_overrides(text, "h.yaml"))
    assert official.add(D(2026, 12, 10), 20) == Dated(D(2027, 1, 11), False)
    assert official.day(D(2027, 1, 2)).reason == "元旦"  # named after the span's statutory day
    assert official.day(D(2027, 1, 4)).reason == "节假日"  # a lone day the law does not name


def test_override_wins_over_the_package_for_the_whole_year():
    cal = WorkCalendar(parse_overrides("2024:\n  holidays: [2024-04-01]\n", "h.yaml"))
    assert not cal.is_workday(D(2024, 4, 1))
    assert cal.day(D(2024, 4, 1)).reason == "节假日"
    assert cal.is_workday(D(2024, 10, 1))  # the package's 国庆 no longer applies
    assert not cal.is_workday(D(2024, 10, 12))  # nor its 调休上班
    assert cal.year_sources([2024]) == {2024: "override"}


def test_override_accepts_clerk_date_forms_and_empty_file():
    parsed = parse_overrides("2027:\n  holidays: 2027/10/1..2027年10月7日\n", "h.yaml")
    assert parsed == {2027: YearOverride(((D(2027, 10, 1), D(2027, 10, 7)),), ())}
    assert parse_overrides("", "h.yaml") == {}
    assert parse_overrides("# 尚未发布\n", "h.yaml") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027:\n  holidays: [2027-01-01\n", "h.yaml 第 3 行：YAML 语法错误"),
        ("2027:\n  holiday: [2027-01-01]\n", "h.yaml 第 2 行：未知的键 holiday"),
        ("2027:\n  holidays:\n    - 2027-01-01\n    - 2027-02-30\n", "h.yaml 第 4 行：“2027-02-30”不是一个存在的日期"),
        ("2027:\n  holidays: [2027-02-11..2027-02-05]\n", "h.yaml 第 2 行：范围 2027-02-11..2027-02-05 的结束早于开始"),
        ("2027:\n  holidays: [2026-12-31]\n", "h.yaml 第 2 行：2026-12-31 不属于 2027 年"),
        ("2027:\n  holidays: [2027-02-05..]\n", "h.yaml 第 2 行：无法识别日期"),
        ("2027:\n  workdays: [今天]\n", "h.yaml 第 2 行：无法识别日期“今天”"),
        ("2027:\n  holidays: [next week]\n", "h.yaml 第 2 行：无法识别日期“next week”"),
        ("2027:\n  holidays: [2027-02-05..2027-02-11]\n  workdays: [2027-02-07]\n", "h.yaml 第 3 行：2027-02-07 同时列为放假和上班"),
        ("二〇二七:\n  holidays: [2027-01-01]\n", "h.yaml 第 1 行：“二〇二七”不是年份"),
        ("2027:\n", "h.yaml 第 1 行：2027 年应写作"),
        ("2027:\n  holidays: [2027-01-01]\n2027:\n  workdays: [2027-02-14]\n", "h.yaml 第 3 行：2027 年重复出现"),
        ("- 2027-01-01\n", "h.yaml 第 1 行：应为"),
        ("2027:\n  holidays: [[2027-01-01]]\n", "h.yaml 第 2 行：holidays 的每一项应为日期"),
    ],
)
def test_override_errors_name_the_line(text, message):
    with pytest.raises(ConfigError) as caught:
        parse_overrides(text, "h.yaml")
    assert message in caught.value.message


def test_load_calendar(tmp_path):
    path = tmp_path / "holidays.yaml"
    path.write_text(OVERRIDE_2027, encoding="utf-8")
    assert load_calendar(path).add(D(2026, 12, 10), 20) == Dated(D(2027, 1, 8), False)
    assert load_calendar(None).add(D(2026, 12, 10), 20).provisional


@pytest.mark.parametrize("left_out, festival, days", [
    ("2027-02-05..2027-02-11", "春节", "2027-02-05、2027-02-06、2027-02-07、2027-02-08"),
    ("2027-09-15", "中秋节", "2027-09-15"),
    ("2027-10-01..2027-10-07", "国庆节", "2027-10-01、2027-10-02、2027-10-03"),
])
def test_an_override_year_without_a_statutory_festival_is_refused(tmp_path, left_out, festival, days):
    path = tmp_path / "holidays.yaml"
    holidays = HOLIDAYS_2027.replace(left_out + ", ", "").replace(", " + left_out, "")
    assert holidays != HOLIDAYS_2027
    path.write_text(f"2027:\n  holidays: [{holidays}]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_calendar(path)
    assert f"2027 年缺少法定节假日 {festival}（{days} 未列为放假）" in caught.value.message
    assert caught.value.exit_code == 2


def test_an_override_year_missing_one_statutory_day_names_its_festival(tmp_path):
    path = tmp_path / "holidays.yaml"
    path.write_text(f"2027:\n  holidays: [{HOLIDAYS_2027.replace('2027-05-01..', '2027-05-02..')}]\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="劳动节（2027-05-01 未列为放假）"):
        load_calendar(path)


def test_a_whole_override_year_for_a_year_the_package_covers_is_checked_too(tmp_path):
    path = tmp_path / "holidays.yaml"
    path.write_text("2024:\n  holidays: [2024-04-01]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="2024 年缺少法定节假日 元旦"):
        load_calendar(path)


def test_load_calendar_file_problems(tmp_path):
    with pytest.raises(ConfigError, match="找不到节假日覆盖文件 .*missing.yaml"):
        load_calendar(tmp_path / "missing.yaml")
    binary = tmp_path / "gbk.yaml"
    binary.write_bytes("2027:\n  holidays: [2027-01-01]  # 元旦\n".encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_calendar(binary)
    broken = tmp_path / "broken.yaml"
    broken.write_text("2027: {holidays: [2027-01-01\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml 第 2 行"):
        load_calendar(broken)


_SHARED = WorkCalendar()


@given(
    start=st.dates(min_value=D(2003, 1, 1), max_value=D(2028, 12, 31)),
    n=st.integers(min_value=0, max_value=400),
)
def test_add_then_between_gives_n_back(start, n):
    result = _SHARED.add(start, n)
    assert _SHARED.between(start, result.date).workdays == n
    assert _SHARED.between(result.date, start).workdays == -n
    if n:
        assert _SHARED.is_workday(result.date)
        back = _SHARED.add(result.date, -n).date  # n back from the result: not after start
        assert back <= start and _SHARED.between(back, result.date).workdays == n
    touches = {y for y in range(start.year, result.date.year + 1)} - set(range(2004, 2027))
    if not touches:
        assert not result.provisional


def test_statutory_holidays_are_cached_on_disk(tmp_path, monkeypatch):
    from hunnan_gk import holiday_files, workdays

    first = holiday_files.cached_statutory(tmp_path)(2031)
    assert first == workdays.statutory_holidays(2031)
    assert len(list(tmp_path.glob("statutory-*-2031.json"))) == 1

    def no_holidays_package(year):
        raise AssertionError("computed again instead of read from the cache")

    monkeypatch.setattr(holiday_files, "statutory_holidays", no_holidays_package)
    assert holiday_files.cached_statutory(tmp_path)(2031) == first
    calendar = holiday_files.load_calendar(None, cache_dir=tmp_path)
    assert calendar.day(D(2031, 5, 1)).reason == "劳动节"


def test_an_unwritable_cache_is_not_an_error(tmp_path):
    from hunnan_gk import holiday_files, workdays

    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")  # a file where the cache folder should be
    assert holiday_files.cached_statutory(blocked / "cache")(2031) == workdays.statutory_holidays(2031)
