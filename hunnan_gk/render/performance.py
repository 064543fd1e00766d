"""`report performance`: the assessment table on the terminal (the main figures; 红灯 = open
and overdue on the report's day), as CSV, and as the xlsx the
office hands in (one row per department, the total last, the year and the report's date in
the title)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from hunnan_gk.render import text


def title(report: Mapping[str, Any], made_on: str) -> str:
    return (f"{report['year']}年度政府信息公开工作考核情况"
            f"（未办结统计至 {report['as_of']}，{made_on} 制表）")


#: The terminal's columns with short headers (80 columns); CSV, xlsx and JSON carry them all.
TERMINAL_COLUMNS = {
    "received": "收到", "replied": "办结", "on_time": "按期", "late": "逾期",
    "on_time_rate": "按期率%", "avg_workdays": "平均用时", "open.red": "红灯",
}


def performance_terminal(report: Mapping[str, Any], made_on: str):
    """The main figures, one line per department and the total; the rest is in CSV/xlsx/JSON."""
    from hunnan_gk import performance

    from rich.table import Table

    keys = list(performance.HEADERS)
    out = Table(title=text(title(report, made_on)), header_style="bold")
    out.add_column(performance.HEADERS["department"], overflow="fold", min_width=10)
    for header in TERMINAL_COLUMNS.values():
        out.add_column(header, no_wrap=True, justify="right")
    for line in performance.rows(report):
        out.add_row(text(line[0]), *(text(line[keys.index(key)]) for key in TERMINAL_COLUMNS))
    return out


def performance_csv(report: Mapping[str, Any]) -> str:
    from hunnan_gk import performance
    from hunnan_gk.exports import csv_text

    return csv_text(list(performance.HEADERS.values()), performance.rows(report))


def performance_xlsx(report: Mapping[str, Any], made_on: str, path: Path) -> None:
    """Title row (year, as-of day, the day it was made), the Chinese headers, a row per
    department, the total row last in bold. Names are string cells (formula-safe)."""
    from hunnan_gk import performance
    from hunnan_gk.exports import bold, column_widths, new_workbook, put

    book = new_workbook()
    sheet = book.active
    sheet.title = "考核"
    headers = list(performance.HEADERS.values())
    put(sheet, 1, 1, title(report, made_on)).font = bold()
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for column, header in enumerate(headers, 1):
        put(sheet, 2, column, header).font = bold()
    lines = performance.rows(report)
    for offset, line in enumerate(lines):
        for column, value in enumerate(line, 1):
            made = put(sheet, 3 + offset, column, value)
            if offset == len(lines) - 1:
                made.font = bold()
    sheet.freeze_panes = "B3"
    column_widths(sheet, [24] + [12] * (len(headers) - 1))
    book.save(path)
