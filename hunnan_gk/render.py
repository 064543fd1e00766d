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


# --- catalogue (主动公开事项目录) ---

# Short columns that never need folding; every other catalogue column is free text.
_CATALOGUE_SHORT = ("编号", "更新日期")


def catalogue_table(catalogue) -> Table:
    """The catalogue as a terminal table; Chinese text folds, never cut with …."""
    from hunnan_gk.catalogue import header_line, published_rows

    columns, rows = published_rows(catalogue)
    result = table(
        *columns,
        title=f"{text(catalogue.title)}\n{text(header_line(catalogue))}",
        fold=[c for c in columns if c not in _CATALOGUE_SHORT],
    )
    result.show_lines = True
    for row in rows:
        result.add_row(*(text(value) for value in row))
    return result


def catalogue_markdown(catalogue) -> str:
    """A Markdown page: title, the header line, and one table row per item."""
    from hunnan_gk.catalogue import header_line, published_rows

    def cell(value: str) -> str:
        return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")

    columns, rows = published_rows(catalogue)
    lines = [f"# {catalogue.title}", "", header_line(catalogue), ""]
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


_CATALOGUE_CSS = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       margin: 2em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: .95em; }
th, td { border: 1px solid #999; padding: .4em .5em; vertical-align: top; text-align: left; }
th { background: #eef2f7; position: sticky; top: 0; }
tr:nth-child(even) td { background: #fafafa; }
td.nowrap { white-space: nowrap; }
@media print { th { position: static; } body { margin: 0; } }
"""


def catalogue_html(catalogue) -> str:
    """One self-contained HTML page (inline style, no scripts, no outside files)."""
    from html import escape as html_escape

    from hunnan_gk.catalogue import header_line, published_rows

    columns, rows = published_rows(catalogue)
    head = "".join(f"<th scope=\"col\">{html_escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = "".join(
            f"<td class=\"nowrap\">{html_escape(v)}</td>" if c in _CATALOGUE_SHORT else f"<td>{html_escape(v)}</td>"
            for c, v in zip(columns, row)
        )
        body.append(f"<tr>{cells}</tr>")
    title = html_escape(catalogue.title)
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{title}</title>\n<style>{_CATALOGUE_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n<p class=\"meta\">{html_escape(header_line(catalogue))}</p>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n"
        "</body>\n</html>\n"
    )


def write_catalogue_xlsx(catalogue, path: Path) -> None:
    """An .xlsx workbook: header row frozen and filterable, text wrapped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from hunnan_gk.catalogue import published_rows

    columns, rows = published_rows(catalogue)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "主动公开事项目录"
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in sheet.iter_rows():
        for item in cells:
            item.alignment = wrap
    for item in sheet[1]:
        item.font = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 12 if name in _CATALOGUE_SHORT else 28
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = catalogue.title
    workbook.save(path)


def catalogue_diff_lines(diff) -> list[str]:
    """A readable 动态更新 summary: + added, - removed, ~ changed field by field."""
    from hunnan_gk.catalogue import cell_text

    if diff.empty:
        return ["两个版本的目录内容相同。"]
    lines = [f"{diff.old_path} → {diff.new_path}"]
    if diff.header:
        lines.append("目录信息变更：")
        lines.extend(f"  {c.field}：{cell_text(c.old) or '（无）'} → {cell_text(c.new) or '（无）'}" for c in diff.header)
    lines.append(f"新增 {len(diff.added)} 项：")
    lines.extend(f"  + {item['编号']} {item.get('公开事项', '')}" for item in diff.added)
    lines.append(f"删除 {len(diff.removed)} 项：")
    lines.extend(f"  - {item['编号']} {item.get('公开事项', '')}" for item in diff.removed)
    lines.append(f"修改 {len(diff.changed)} 项：")
    for change in diff.changed:
        lines.append(f"  ~ {change.number} {change.title}")
        lines.extend(
            f"      {c.field}：{cell_text(c.old) or '（无）'} → {cell_text(c.new) or '（无）'}" for c in change.changes
        )
    return lines
