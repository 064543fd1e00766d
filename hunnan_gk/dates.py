"""Dates as clerks type them. Pure: `today` is always passed in."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from hunnan_gk.errors import InputError, Refused

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

# Days before today a word names.
_RELATIVE_WORDS = {"今天": 0, "today": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
)
# 11月3日, 11月3号: this year.
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]?")
# What an input method types in full-width: digits and the separators.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．　", "0123456789-/. ")
ACCEPTED_FORMS = "2024-09-27、2024/9/27、2024.9.27、20240927、2024年9月27日、9月27日、今天、昨天 或 前天"

#: An act recorded this many working days after it happened is unusual enough to warn about.
FAR_BACK_WORKDAYS = 30


def parse_date(text: str, *, today: date, option: str = "日期", past: bool = False) -> date:
    """The date in `text`, in any of the forms clerks type (also with full-width digits);
    InputError (exit 2) otherwise. `past`: the option names a day something happened, so
    `11月3日` (this year) may not be after today."""
    value = (text or "").strip().translate(_FULL_WIDTH).strip()
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # the common case, as the database and exports write it
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2024-02-30 and the like: the patterns below say why
    if value.lower() in _RELATIVE_WORDS:
        return today - timedelta(days=_RELATIVE_WORDS[value.lower()])
    for pattern in _PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            return _day(value, option, *(int(part) for part in match.groups()))
    match = _MONTH_DAY.fullmatch(value)
    if match:
        day = _day(value, option, today.year, *(int(part) for part in match.groups()))
        if past and day > today:
            raise InputError(
                f"{option}：“{value}”是今年的 {day}，晚于今天（{today}）",
                hint=f"去年的这一天请写全年份：{day.year - 1}年{day.month}月{day.day}日",
            )
        return day
    raise InputError(f"{option}：无法识别日期“{value}”，可写作 {ACCEPTED_FORMS}")


def _day(value: str, option: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(f"{option}：“{value}”不是一个存在的日期") from None


def check_not_after_today(day: date, *, today: date, label: str = "日期", why: str = "") -> None:
    """Refused (exit 1) when the day something happened lies after today: an act is recorded
    once it happened, never in advance. The message names the date as `label` calls it,
    then `why`."""
    if day > today:
        raise Refused(f"{label} {day} 晚于今天（{today}）{why}")


def far_back_warning(day: date, *, today: date, calendar: "WorkCalendar", option: str = "--on") -> str | None:
    """A warning when an act is recorded more than FAR_BACK_WORKDAYS working days after the
    day it happened (a mistyped year or month is the usual cause); None otherwise."""
    if day >= today:
        return None
    back = calendar.between(day, today).workdays
    if back <= FAR_BACK_WORKDAYS:
        return None
    return f"{option} {day} 是 {back} 个工作日以前（{(today - day).days} 天），请核对年份和月份"


def stored_date(value: Any) -> date | None:
    """A date field of a stored row (`YYYY-MM-DD` text, or already a date); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)
