"""Tables, colours, JSON, CSV and HTML. With the CLI, the only place that imports rich.

Colour is never the only signal (the words 红灯/黄灯/绿灯 stand beside it); output is
plain when stdout is not a terminal or NO_COLOR is set (rich honours both).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

PROVISIONAL_MARK = "暂定"


def console(*, stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """Plain JSON for scripts: UTF-8 text, stable keys as given, no Rich."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV for Excel/WPS: UTF-8 with BOM, CRLF line ends."""
    Path(path).write_text(csv_text(headers, rows), encoding="utf-8-sig", newline="")


def table(*columns: str, title: str | None = None, fold: Sequence[str] = ()) -> Table:
    """A table whose free-text columns (named in `fold`) wrap instead of being cut with …."""
    result = Table(title=title, show_lines=False, header_style="bold")
    for name in columns:
        if name in fold:
            result.add_column(name, overflow="fold")
        else:
            result.add_column(name, no_wrap=True)
    return result


def text(value: Any) -> str:
    """A user-typed value made safe for Rich markup."""
    return "" if value is None else escape(str(value))


# --- calendar ---

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
