"""Dates as clerks type them (issue 2 item 7): every form, impossible dates, 今天 injected."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hunnan_gk.commands.common import Env
from hunnan_gk.dates import check_not_after_today, parse_date
from hunnan_gk.errors import InputError, Refused

TODAY = date(2024, 9, 27)


@pytest.mark.parametrize(
    "text",
    [
        "2024-09-27",
        "2024-9-27",
        "2024/9/27",
        "2024/09/27",
        "2024.9.27",
        "20240927",
        "2024年9月27日",
        "2024年09月27日",
        "2024年9月27",
        " 2024-09-27 ",
    ],
)
def test_every_clerk_form(text):
    assert parse_date(text, today=date(2000, 1, 1)) == date(2024, 9, 27)


@pytest.mark.parametrize("text", ["今天", "today", "TODAY", "今日"])
def test_today_words_give_the_injected_today(text):
    assert parse_date(text, today=TODAY) == TODAY


@pytest.mark.parametrize("text", ["2024-02-30", "2023-02-29", "20241301", "2024年4月31日", "2024/0/1"])
def test_impossible_dates_name_the_option(text):
    with pytest.raises(InputError) as caught:
        parse_date(text, today=TODAY, option="--on")
    assert caught.value.message.startswith("--on：")
    assert "不是一个存在的日期" in caught.value.message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("text", ["", "明天", "27/9/2024", "2024-09", "2024-09-27T10:00", "2024927", "next week"])
def test_unreadable_dates_name_the_option_and_the_forms(text):
    with pytest.raises(InputError) as caught:
        parse_date(text, today=TODAY, option="DATE")
    assert caught.value.message.startswith("DATE：无法识别日期")
    assert "2024年9月27日" in caught.value.message


@pytest.mark.parametrize(
    "text",
    ["２０２４－０９－２７", "２０２４年９月２７日", "２０２４／９／２７", "２０２４．９．２７", "２０２４０９２７",
     "2024年09月27号", "2024年9月27号", "２０２４年９月２７号"],
)
def test_full_width_digits_and_hao(text):
    assert parse_date(text, today=date(2000, 1, 1)) == date(2024, 9, 27)


@pytest.mark.parametrize(("text", "expected"), [("昨天", date(2024, 9, 26)), ("昨日", date(2024, 9, 26)),
                                                ("前天", date(2024, 9, 25))])
def test_yesterday_and_the_day_before(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["9月3日", "9月3号", "9月3", "09月03日", "９月３日"])
def test_month_and_day_are_this_year(text):
    assert parse_date(text, today=TODAY) == date(2024, 9, 3)


def test_month_and_day_after_today_is_refused_where_the_option_is_a_past_day():
    assert parse_date("11月3日", today=TODAY) == date(2024, 11, 3)  # a deadline may be ahead
    with pytest.raises(InputError) as caught:
        parse_date("11月3日", today=TODAY, option="--on", past=True)
    assert caught.value.message == "--on：“11月3日”是今年的 2024-11-03，晚于今天（2024-09-27）"
    assert "2023年11月3日" in caught.value.hint
    assert parse_date("9月27日", today=TODAY, past=True) == TODAY


def test_month_and_day_that_does_not_exist():
    with pytest.raises(InputError, match="不是一个存在的日期"):
        parse_date("2月30日", today=TODAY)


def test_far_back_warning_counts_working_days():
    from hunnan_gk.dates import far_back_warning
    from tests.helpers import work_calendar

    calendar = work_calendar()
    assert far_back_warning(date(2024, 8, 15), today=TODAY, calendar=calendar) is None  # 30 working days
    warning = far_back_warning(date(2024, 8, 14), today=TODAY, calendar=calendar)
    assert warning == "--on 2024-08-14 是 31 个工作日以前（44 天），请核对年份和月份"
    assert far_back_warning(TODAY, today=TODAY, calendar=calendar) is None


def test_leap_day_is_a_date():
    assert parse_date("2024-02-29", today=TODAY) == date(2024, 2, 29)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_env_today_is_the_date_in_the_configured_timezone(config_file, zone):
    config_file.write_text(f"timezone: {zone}\n", encoding="utf-8")
    before = datetime.now(ZoneInfo(zone)).date()
    env = Env(config_file)
    assert env.today in {before, datetime.now(ZoneInfo(zone)).date()}
    assert env.date("今天", "--on") == env.today
    assert env.date(None, "--on") == env.today
    assert env.date("2024年9月27日", "--on") == date(2024, 9, 27)


def test_a_day_after_today_is_refused_with_the_label_and_reason():
    check_not_after_today(TODAY, today=TODAY)  # today itself is fine
    with pytest.raises(Refused) as caught:
        check_not_after_today(date(2024, 9, 28), today=TODAY, label="送达日期", why="，不能预先登记")
    assert caught.value.message == "送达日期 2024-09-28 晚于今天（2024-09-27），不能预先登记"
    assert caught.value.exit_code == 1
