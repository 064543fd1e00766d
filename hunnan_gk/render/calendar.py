"""Working days at the terminal: weekday names, a count explained day by day, year sources."""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from hunnan_gk.render import PROVISIONAL_MARK, console, table, text

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def print_explained_days(days: Sequence[Any]) -> None:
    """Every day of a working-day count (DayInfo rows): counted (第 N 个) or skipped, and why."""
    result = table("日期", "星期", "计入", "原因")
    counted = 0
    for day in days:
        if day.workday:
            counted += 1
        mark = f"第 {counted} 个工作日" if day.workday else "跳过"
        reason = f"{day.reason}（{PROVISIONAL_MARK}）" if day.provisional else day.reason
        result.add_row(day.date.isoformat(), weekday_name(day.date), mark, reason)
    console().print(result)


def print_year_sources(rows: Sequence[tuple[str, str]]) -> None:
    """Which years have official holiday data: (years, source label) rows."""
    result = table("年份", "节假日数据")
    for years, label in rows:
        result.add_row(years, text(label))
    console().print(result)
