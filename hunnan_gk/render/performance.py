"""`report performance`: the assessment table on the terminal, as CSV, and as the xlsx the
office hands in (one row per department, the total last, the year and the report's date in
the title)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from hunnan_gk.render import table, text


def title(report: Mapping[str, Any], made_on: str) -> str:
    return (f"{report['year']}年度政府信息公开工作考核情况"
            f"（未办结统计至 {report['as_of']}，{made_on} 制表）")


def performance_terminal(report: Mapping[str, Any], made_on: str):
    """The main figures, one line per department and the total; the rest is in CSV/xlsx/JSON."""
    from hunnan_gk import performance

    shown = ("department", "received", "replied", "on_time", "late", "on_time_rate", "avg_workdays",
             "open.red", "assignments.late")
    keys = list(performance.HEADERS)
    out = table(*(performance.HEADERS[key] for key in shown), title=text(title(report, made_on)),
                fold=tuple(performance.HEADERS[key] for key in shown[1:]))
    for line in performance.rows(report):
        out.add_row(*(text(line[keys.index(key)]) for key in shown))
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
