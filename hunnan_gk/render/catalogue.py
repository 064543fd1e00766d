"""The proactive-disclosure catalogue (主动公开事项目录): terminal table or cards, Markdown,
HTML, xlsx, and the 动态更新 summary of two versions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hunnan_gk.render import console, table, text

if TYPE_CHECKING:
    from rich.table import Table

# Short columns that never need folding; every other catalogue column is free text.
_CATALOGUE_SHORT = ("编号", "更新日期", "公开对象", "公开方式", "公开层级")


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


# Below this width the nine columns would fold every cell into a few characters a line.
CATALOGUE_TABLE_MIN_WIDTH = 160


def print_catalogue(catalogue) -> None:
    """The catalogue at the terminal: a table on a wide screen, else one card per item."""
    from rich.rule import Rule
    from rich.table import Table as Grid

    from hunnan_gk.catalogue import header_line, published_rows

    out = console()
    if out.width >= CATALOGUE_TABLE_MIN_WIDTH:
        out.print(catalogue_table(catalogue))
        return
    out.print(f"[bold]{text(catalogue.title)}[/bold]", soft_wrap=True)
    out.print(text(header_line(catalogue)), soft_wrap=True)
    columns, rows = published_rows(catalogue)
    for row in rows:
        out.print(Rule(style="dim"))
        card = Grid.grid(padding=(0, 2))
        card.add_column(style="bold", no_wrap=True)
        card.add_column(overflow="fold")
        for name, value in zip(columns, row):
            if value:
                card.add_row(name, text(value))
        out.print(card)


def catalogue_markdown(catalogue) -> str:
    """A Markdown page: title, the header line, and one table row per item."""
    from html import escape as html_escape

    from hunnan_gk.catalogue import header_line, published_rows

    def cell(value: str) -> str:
        # Markdown passes HTML through: the item's text is escaped as on the HTML export.
        escaped = html_escape(value, quote=False).replace("\\", "\\\\").replace("|", "\\|")
        return escaped.replace("\r", "").replace("\n", "<br>")

    columns, rows = published_rows(catalogue)
    lines = [f"# {cell(catalogue.title)}", "", cell(header_line(catalogue)), ""]
    lines.append("| " + " | ".join(cell(column) for column in columns) + " |")
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
    from openpyxl.styles import Alignment

    from hunnan_gk.catalogue import published_rows
    from hunnan_gk.exports import cells, column_widths, header_row, new_workbook

    columns, rows = published_rows(catalogue)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "主动公开事项目录"
    header_row(sheet, columns)
    for row in rows:
        sheet.append(cells(sheet, row))
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet_row in sheet.iter_rows():
        for item in sheet_row:
            item.alignment = wrap
    column_widths(sheet, [12 if name in _CATALOGUE_SHORT else 28 for name in columns])
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


CATALOGUE_REPORT_FORMATS = ("table", "json", "csv")


def print_catalogue_report(report: dict, fmt: str) -> None:
    """`report catalogue`: a table (the state in words beside each item), JSON or CSV."""
    from hunnan_gk.catalogue_publish import REPORT_HEADERS, report_rows, summary_line
    from hunnan_gk.exports import csv_text, write_csv_text
    from hunnan_gk.render import print_json

    if fmt == "json":
        print_json(report)
        return
    if fmt == "csv":
        write_csv_text(csv_text(REPORT_HEADERS, report_rows(report)), None)
        return
    # At 80 columns: the two dates share a cell, and the state in words says whether on time.
    result = table("编号", "公开事项", "时限", "最近公开", "状态", title=f"{text(report['catalogue'])}：公开时效",
                   fold=("公开事项", "时限", "状态"))
    for number, name, rule, formed, published, _, state in report_rows(report):
        shown = f"{published}\n形成 {formed}" if published else "—"
        result.add_row(text(number), text(name), text(rule), text(shown), text(state))
    out = console()
    out.print(result)
    out.print(text(summary_line(report)), soft_wrap=True)


def catalogue_overdue_html(sections: list[dict]) -> str:
    """The morning mail's catalogue section: per catalogue, the items overdue (or why it was
    not checked), as HTML for the e-mail; every value escaped."""
    from html import escape as esc

    from hunnan_gk.catalogue_publish import status_label

    if not sections:
        return ""
    cell = 'style="border:1px solid #c9c9c9;padding:4px 6px;vertical-align:top"'
    parts = ['<h3 style="font-size:16px">主动公开事项目录：到期未公开</h3>']
    for section in sections:
        parts.append(f"<p><b>{esc(section['catalogue'])}</b>（{esc(section['path'])}）</p>")
        if section.get("error"):
            parts.append(f"<p>{esc(section['error'])}</p>")
            continue
        rows = "".join(
            f"<tr><td {cell}>{esc(str(item['id']))}</td><td {cell}>{esc(str(item['name']))}</td>"
            f"<td {cell}>{esc(item['deadline_rule'])}</td><td {cell}>{esc(item['last_published'] or '从未公开')}</td>"
            f"<td {cell}>{esc(status_label(item))}</td></tr>"
            for item in section["items"]
        )
        head = "".join(f'<th {cell} bgcolor="#f0f0f0">{name}</th>' for name in ("编号", "公开事项", "时限", "最近公开", "状态"))
        parts.append(f'<table style="border-collapse:collapse" cellspacing="0"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return "\n".join(parts) + "\n"
