"""The annual report's table (sections 三 and 四): terminal, CSV, Markdown, and the official
xlsx layout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from hunnan_gk.render import table, text

if TYPE_CHECKING:
    from rich.table import Table

ANNUAL_LABEL_HEADER = "项目"
APPEAL_KIND_HEADER = "类别"


def annual_terminal(report) -> list[Table]:
    """Section 三 and section 四 of the annual report as two Rich tables."""
    from rich.table import Table
    from hunnan_gk import annual

    # The label column folds and keeps room; the number columns may wrap their headers
    # (社会公益 / 组织) so the table fits an 80-column terminal.
    section = Table(title=text(f"{report.heading} {annual.SECTION_TITLE}"), header_style="bold")
    section.add_column(ANNUAL_LABEL_HEADER, overflow="fold", min_width=24)
    for label in annual.COLUMN_LABELS.values():
        section.add_column(label, overflow="fold", justify="right", max_width=4)
    for line in annual.grid(report):
        section.add_row(*(text(cell) for cell in line))
    appeals = table(
        APPEAL_KIND_HEADER,
        *annual.APPEAL_COLUMN_LABELS.values(),
        title=text(f"{report.heading} {annual.APPEALS_TITLE}"),
    )
    for line in annual.appeals_grid(report):
        appeals.add_row(*(text(cell) for cell in line))
    return [section, appeals, *(text(line) for line in narrative_lines(report))]


NARRATIVE_TITLE = "报告正文中的数字"


def narrative_lines(report) -> list[str]:
    """The sentences of the report's text (本年共收到…；按期答复…；信息处理费…), headed; none
    when the table was built without them."""
    from hunnan_gk import annual

    if report.narrative is None or report.fees is None:
        return []
    return [f"{NARRATIVE_TITLE}：", *annual.narrative_sentences(report.narrative, report.fees)]


def annual_balance_line(report) -> str:
    from hunnan_gk import annual

    if report.balanced:
        return "勾稽关系：一 + 二 = 三（七）总计 + 四，各列均成立。"
    return annual.balance_message(report)


def _annual_sections(report) -> list[tuple[list[str], list[list[Any]]]]:
    from hunnan_gk import annual

    return [
        ([ANNUAL_LABEL_HEADER, *annual.COLUMN_LABELS.values()], annual.grid(report)),
        ([APPEAL_KIND_HEADER, *annual.APPEAL_COLUMN_LABELS.values()], annual.appeals_grid(report)),
    ]


def annual_csv(report) -> str:
    """Section 三, a blank line, then section 四; each with its header row."""
    from hunnan_gk.exports import csv_text

    return "\r\n".join(csv_text(headers, rows) for headers, rows in _annual_sections(report))


def annual_markdown(report) -> str:
    from hunnan_gk import annual

    titles = [annual.SECTION_TITLE, annual.APPEALS_TITLE]
    parts = [f"# {report.heading}政府信息公开工作年度报告（统计表）"]
    for title, (headers, rows) in zip(titles, _annual_sections(report)):
        parts.append(f"## {title}")
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for row in rows:
            cells = [str(cell).replace("|", "\\|") for cell in row]
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    lines = narrative_lines(report)
    if lines:
        parts.append(f"## {NARRATIVE_TITLE}")
        parts.append("\n\n".join(lines[1:]))
    parts.append(annual_balance_line(report))
    return "\n\n".join(parts) + "\n"


def annual_xlsx(report, path: Path) -> None:
    """The official layout (国办公开办函〔2021〕30号): merged header cells, each group label
    spanning its rows; section 四 on a second sheet. Ready to paste into the report."""
    from openpyxl.styles import Alignment, Border, Side

    from hunnan_gk import annual
    from hunnan_gk.exports import bold, column_widths, new_workbook
    from hunnan_gk.exports import put as put_cell

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    book = new_workbook()
    sheet = book.active
    sheet.title = "三、收到和处理申请情况"

    def put(row: int, column: int, value, *, span_rows: int = 1, span_cols: int = 1, align=centre):
        cell = put_cell(sheet, row, column, value)
        cell.alignment = align
        if span_rows > 1 or span_cols > 1:
            sheet.merge_cells(
                start_row=row,
                start_column=column,
                end_row=row + span_rows - 1,
                end_column=column + span_cols - 1,
            )
        return cell

    columns = list(annual.COLUMNS)
    first_value_col = 4
    last_col = first_value_col + len(columns) - 1
    organisations = [c for c in columns if c not in ("natural", annual.TOTAL)]

    put(1, 1, f"{report.heading} {annual.SECTION_TITLE}", span_cols=last_col).font = bold()
    put(2, 1, annual.CHECK_NOTE, span_rows=3, span_cols=3)
    put(2, first_value_col, annual.APPLICANT_HEADER, span_cols=len(columns))
    for offset, column in enumerate(columns):
        col = first_value_col + offset
        if column in organisations:
            put(4, col, annual.COLUMN_LABELS[column])
        else:
            put(3, col, annual.COLUMN_LABELS[column], span_rows=2)
    org_start = first_value_col + columns.index(organisations[0])
    put(3, org_start, annual.ORGANISATION_HEADER, span_cols=len(organisations))

    body = list(report.rows)
    row_no = 5
    results_start = None
    group_start: dict[str, int] = {}
    group_size: dict[str, int] = {}
    for line in body:
        if line.is_header:
            if line.label == annual.RESULTS_HEADER:
                results_start = row_no
            continue  # group labels are written spanning their items below
        if line.key in (annual.NEW, annual.CARRIED_OVER, annual.CARRIED_FORWARD):
            put(row_no, 1, line.label, span_cols=3, align=left)
        elif line.group:
            group_start.setdefault(line.group, row_no)
            group_size[line.group] = group_size.get(line.group, 0) + 1
            put(row_no, 3, line.label, align=left)
        else:  # （一）, （二）, （七）总计
            put(row_no, 2, line.label, span_cols=2, align=left)
        for offset, column in enumerate(columns):
            sheet.cell(row=row_no, column=first_value_col + offset, value=line.values[column])
        if line.key == annual.TOTAL and results_start is not None:
            put(results_start, 1, annual.RESULTS_HEADER, span_rows=row_no - results_start + 1)
        row_no += 1
    for group, start in group_start.items():
        put(start, 2, group, span_rows=group_size[group])
    for row in sheet.iter_rows(min_row=2, max_row=row_no - 1, max_col=last_col):
        for cell in row:
            cell.border = border
    column_widths(sheet, [14, 14, 40])

    appeals = book.create_sheet("四、行政复议和行政诉讼")
    sheet = appeals
    put(1, 1, f"{report.heading} {annual.APPEALS_TITLE}", span_cols=15).font = bold()
    width = len(annual.APPEAL_COLUMNS)
    from hunnan_gk.vocab import AppealKind

    for index, kind in enumerate(AppealKind):
        start = 1 + index * width
        family, _, branch = kind.label.partition("·")
        if branch:
            put(3, start, branch, span_cols=width)
        else:
            put(2, start, family, span_rows=2, span_cols=width)
        for offset, column in enumerate(annual.APPEAL_COLUMNS):
            put(4, start + offset, annual.APPEAL_COLUMN_LABELS[column])
            sheet.cell(row=5, column=start + offset, value=report.appeals[kind.value][column])
    litigation = [k for k in AppealKind if "·" in k.label]
    lit_start = 1 + list(AppealKind).index(litigation[0]) * width
    put(2, lit_start, litigation[0].label.split("·")[0], span_cols=width * len(litigation))
    for row in sheet.iter_rows(min_row=2, max_row=5, max_col=width * len(AppealKind)):
        for cell in row:
            cell.border = border
    book.save(path)
