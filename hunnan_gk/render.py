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
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # rich is imported where it is used: JSON and CSV output never need it
    from rich.console import Console
    from rich.table import Table

PROVISIONAL_MARK = "暂定"


def console(*, stderr: bool = False) -> "Console":
    from rich.console import Console

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
    from rich.table import Table

    result = Table(title=title, show_lines=False, header_style="bold")
    for name in columns:
        if name in fold:
            result.add_column(name, overflow="fold")
        else:
            result.add_column(name, no_wrap=True)
    return result


def text(value: Any) -> str:
    """A user-typed value made safe for Rich markup."""
    from rich.markup import escape

    return "" if value is None else escape(str(value))


# --- requests ----------------------------------------------------------------------


def _due_text(view: dict[str, Any], *, compact: bool = False) -> str:
    """The deadline as a clerk reads it: the date, 暂定 when provisional, and any pause."""
    if view.get("outcome"):
        return "—"
    if view.get("pause") == "supplement":
        if compact:
            return "停止计时\n（待补正）"
        return f"停止计时（等待补正，期限 {view.get('watch')}）"
    due = view.get("due") or "—"
    if view.get("due_provisional"):
        due += f"\n{PROVISIONAL_MARK}" if compact else f"（{PROVISIONAL_MARK}）"
    if view.get("pause") == "consultation":
        due += "\n征求意见中" if compact else f"，征求意见中（至 {view.get('watch')}）"
    return due


def request_summary(view: dict[str, Any], done: str) -> None:
    """One line after a change: what was done, where the request stands, its deadline."""
    out = console()
    out.print(
        f"[bold]{text(view['number'])}[/bold] {text(done)}。当前环节：{text(view['stage_label'])}；"
        f"答复期限：{text(_due_text(view))}",
        soft_wrap=True,
    )
    if view.get("due_provisional"):
        from hunnan_gk.workdays import PROVISIONAL_HINT

        out.print(f"[yellow]{PROVISIONAL_MARK}[/yellow]：{text(PROVISIONAL_HINT)}")


def request_list(views: list[dict[str, Any]]) -> None:
    out = console()
    if not views:
        out.print("没有符合条件的申请。")
        return
    result = table("编号", "申请人", "收到", "环节", "答复期限", "内容", fold=("申请人", "内容"))
    for view in views:
        result.add_row(
            text(view["number"]),
            text(view["applicant"]),
            text(view["received"]),
            text(view["stage_label"]),
            text(_due_text(view, compact=True)),
            text(view["content"]),
        )
    out.print(result)
    out.print(f"共 {len(views)} 件")


def request_detail(view: dict[str, Any]) -> None:
    from rich.table import Table

    from hunnan_gk.vocab import ApplicantType, Channel, Outcome, Stage

    out = console()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows = [
        ("编号", view["number"]),
        ("申请人", view["applicant"]),
        ("申请人类型", ApplicantType(view["applicant_type"]).label),
        ("申请方式", Channel(view["channel"]).label),
        ("身份证号", view.get("id_number")),
        ("电话", view.get("phone")),
        ("电子邮箱", view.get("email")),
        ("通信地址", view.get("address")),
        ("收到日期", view["received"]),
        ("申请内容", view["content"]),
        ("承办单位", view.get("department")),
        ("获取方式", view.get("delivery")),
        ("当前环节", view["stage_label"]),
        ("答复期限", _due_text(view)),
        ("已延期", f"{view['extended_days']} 个工作日" if view["extended_days"] else None),
        ("处理结果", Outcome(view["outcome"]).short_label if view.get("outcome") else None),
        ("答复日期", view.get("replied")),
        ("办结日期", view.get("closed")),
        ("备注", view.get("note")),
    ]
    for label, value in rows:
        if value:
            grid.add_row(label, text(value))
    out.print(grid)

    explain = view.get("explain")
    if explain:
        out.soft_wrap = True  # plain lines: let the terminal wrap them, never mid-number
        out.print()
        out.print("[bold]答复期限的计算[/bold]")
        start_note = "（收到补正之日，重新计算）" if explain["restarted"] else "（收到申请之日，当日不计）"
        out.print(f"  起算：{explain['start']}{start_note}")
        out.print(f"  法定期限：{explain['base_workdays']} 个工作日（条例第33条）")
        for pause in explain["pauses"]:
            end = pause["end"] or "进行中"
            out.print(
                f"  征求意见 {text(pause['party'])}：{pause['start']} 至 {end}，不计 {pause['workdays']} 个工作日（条例第32、34条）"
            )
        if explain["extended_days"]:
            out.print(f"  延期：{explain['extended_days']} 个工作日")
        if explain["due"]:
            mark = f"（{PROVISIONAL_MARK}）" if explain["provisional"] else ""
            out.print(f"  合计 {explain['total_workdays']} 个工作日 → 答复期限 {explain['due']}{mark}")
        elif explain["supplement_asked"]:
            out.print(f"  {explain['supplement_asked']} 已告知补正，停止计时，补正期限 {explain['supplement_until']}")
        for day in explain["crossed"]:
            kind = "上班" if day["workday"] else "放假"
            mark = f"（{PROVISIONAL_MARK}）" if day["provisional"] else ""
            out.print(f"    {day['date']} {day['reason']}，{kind}{mark}")

    out.soft_wrap = False
    out.print()
    events = table("日期", "办理", "环节", "经办人", "备注", fold=("备注", "环节"))
    actions = {
        "register": "接收登记",
        "advance": "完成环节",
        "return": "退回",
        "supplement_ask": "告知补正",
        "supplement_received": "收到补正",
        "supplement_lapsed": "逾期未补正",
        "consult_start": "开始征求意见",
        "consult_end": "结束征求意见",
        "extend": "延期",
        "withdraw": "撤回",
        "import": "导入",
        "appeal_add": "提起复议/诉讼",
        "appeal_decide": "复议/诉讼结果",
    }
    for event in view.get("events", []):
        before, after = event["stage_before"], event["stage"]
        stage = Stage(after).label if before == after else f"{Stage(before).label} → {Stage(after).label}"
        events.add_row(
            text(event["on"]),
            text(actions.get(event["action"], event["action"])),
            text(stage),
            text(event["clerk"]),
            text(event["note"]),
        )
    out.print(events)


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


# --- catalogue (主动公开事项目录) ---

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


# --- overdue report ---------------------------------------------------------------

# Rich styles and HTML colours of each light; the word (红灯…) always stands beside them.
_LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green", "paused": "cyan"}
_LIGHT_HTML = {
    "red": ("#fde8e8", "#b42318"),
    "yellow": ("#fff6d6", "#8a6100"),
    "green": ("#e6f4ea", "#1e6b34"),
    "paused": ("#e8f0fb", "#1d4f91"),
}
OVERDUE_FORMATS = ("table", "text", "json", "csv", "html")


def dated(value: str | None, provisional: bool = False) -> str:
    """A date as shown to clerks, with 暂定 beside a provisional one."""
    if not value:
        return ""
    return f"{value} {PROVISIONAL_MARK}" if provisional else value


def overdue_summary(report: dict) -> str:
    """One line: the date, how many requests await a reply, and the count of each light."""
    from hunnan_gk.vocab import Light

    counts = report["counts"]
    parts = "，".join(f"{light.label} {counts[light.value]} 件" for light in Light)
    line = f"{report['as_of']} 未答复 {sum(counts.values())} 件：{parts}"
    serious = sum(1 for item in report["requests"] if item["seriously_overdue"])
    if serious:
        line += f"（其中超过法定上限 {serious} 件）"
    return line


def overdue_note(item: dict, as_of: str) -> str:
    """What else the clerk must watch, in a few words: the legal ceiling passed, the date a
    pause ends (and whether it has passed), the last day for 补正告知."""
    notes = []
    if item["seriously_overdue"]:
        notes.append("超法定上限")
    if item["paused"]:
        what = "待补正至" if item["paused"] == "supplement" else "征求意见至"
        passed = "（已过）" if item["watch"] and item["watch"] < as_of else ""
        notes.append(f"{what} {item['watch'] or '未定'}{passed}")
    if item["review_limit"]:
        notes.append(f"告知补正限 {item['review_limit']}")
    return "；".join(notes)


def _remaining(item: dict) -> str:
    left = item["remaining_workdays"]
    return "" if left is None else str(left)


def overdue_table(report: dict) -> Table:
    """The report as a Rich table, one coloured row per request, readable at 80 columns."""
    from rich.table import Table
    from rich import box

    result = Table(
        box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    result.add_column("灯", no_wrap=True)
    result.add_column("编号", overflow="fold")
    result.add_column("申请人", overflow="fold", width=8)
    result.add_column("承办单位", overflow="fold", width=8)
    result.add_column("环节", overflow="fold", width=12)
    result.add_column("答复期限", overflow="fold", width=10)
    result.add_column("剩余", justify="right", no_wrap=True)
    result.add_column("说明", overflow="fold")
    for item in report["requests"]:
        result.add_row(
            item["light_label"],
            text(item["number"]),
            text(item["applicant"]),
            text(item["department"] or "未指定"),
            item["stage_label"],
            dated(item["due"], item["due_provisional"]),
            _remaining(item),
            text(overdue_note(item, report["as_of"])),
            style=_LIGHT_STYLES[item["light"]],
        )
    return result


def _print_overdue(target: Console, report: dict) -> None:
    if report["requests"]:
        target.print(overdue_table(report))
    target.print(text(overdue_summary(report)), soft_wrap=True)


def overdue_text(report: dict, width: int | None = None) -> str:
    """The same table without colour codes (for pipes, cron logs and NO_COLOR)."""
    from rich.console import Console
    out = io.StringIO()
    _print_overdue(Console(file=out, color_system=None, width=width or 80, highlight=False), report)
    return out.getvalue()


def _csv_columns() -> list[tuple[str, Any]]:
    from hunnan_gk.vocab import ApplicantType, Light

    yes_no = {True: "是", False: "否"}
    return [
        ("编号", lambda i: i["number"]),
        ("申请人", lambda i: i["applicant"]),
        ("申请人类型", lambda i: ApplicantType(i["applicant_type"]).label),
        ("承办单位", lambda i: i["department"]),
        ("环节代码", lambda i: i["stage"]),
        ("环节", lambda i: i["stage_label"]),
        ("收到日期", lambda i: i["received"]),
        ("答复期限", lambda i: i["due"]),
        ("剩余工作日", lambda i: i["remaining_workdays"]),
        ("灯", lambda i: Light(i["light"]).label),
        ("严重超期", lambda i: yes_no[i["seriously_overdue"]]),
        ("期限暂定", lambda i: yes_no[i["due_provisional"]]),
        ("暂停关注日期", lambda i: i["watch"]),
        ("补正告知期限", lambda i: i["review_limit"]),
    ]


def overdue_csv(report: dict) -> str:
    """The contract's columns with Chinese headers (write it as utf-8-sig for Excel/WPS)."""
    columns = _csv_columns()
    return csv_text(
        [name for name, _ in columns],
        ([get(item) for _, get in columns] for item in report["requests"]),
    )


def overdue_html(
    report: dict, *, title: str = "依申请公开办理预警", content: bool = True, intro: str | None = None
) -> str:
    """One self-contained page (inline styles, no scripts, no links): what the e-mail carries."""
    from html import escape as esc

    head = ["灯", "编号", "申请人", "申请人类型", "承办单位", "环节", "收到日期", "答复期限", "剩余工作日"]
    head += ["申请内容"] if content else []
    head.append("说明")
    cell = 'style="border:1px solid #c9c9c9;padding:4px 6px;vertical-align:top"'
    rows = []
    for item in report["requests"]:
        background, colour = _LIGHT_HTML[item["light"]]
        light = item["light_label"] + ("（严重超期）" if item["seriously_overdue"] else "")
        values = [
            f'<b style="color:{colour}">● {esc(light)}</b>',
            esc(item["number"]),
            esc(item["applicant"]),
            esc(item["applicant_type_label"]),
            esc(item["department"] or "未指定"),
            esc(item["stage_label"]),
            esc(item["received"]),
            esc(dated(item["due"], item["due_provisional"])),
            esc(_remaining(item)),
        ]
        values += [esc(item.get("content") or "")] if content else []
        values.append(esc(overdue_note(item, report["as_of"])))
        tds = "".join(f"<td {cell}>{value}</td>" for value in values)
        rows.append(f'<tr style="background:{background}">{tds}</tr>')
    ths = "".join(f'<th {cell} bgcolor="#f0f0f0">{esc(name)}</th>' for name in head)
    lines = intro.splitlines() if intro else [overdue_summary(report)]
    intro_html = "\n".join(f"<p>{esc(line)}</p>" for line in lines if line)
    body = "\n".join(rows) or f'<tr><td {cell} colspan="{len(head)}">没有需要列出的申请</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(title)} {esc(report["as_of"])}</title>
</head>
<body style="font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;font-size:14px;color:#222">
<h2 style="font-size:18px">{esc(title)} {esc(report["as_of"])}</h2>
{intro_html}
<table style="border-collapse:collapse" cellspacing="0">
<thead><tr>{ths}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<p style="color:#666;font-size:12px">剩余：答复期限前还有的工作日（负数为已超期的工作日）。{PROVISIONAL_MARK}：期限跨入尚无官方节假日安排的年份，待公布后可能变动。黄灯：剩余不超过 {esc(str(report.get("yellow_days", "")))} 个工作日。</p>
</body>
</html>
"""


def print_overdue(report: dict, fmt: str) -> None:
    """Print the report in one of OVERDUE_FORMATS (csv to stdout as utf-8-sig bytes)."""
    if fmt == "json":
        print_json(report)
    elif fmt == "csv":
        sys.stdout.flush()
        sys.stdout.buffer.write(overdue_csv(report).encode("utf-8-sig"))
        sys.stdout.flush()
    elif fmt == "html":
        sys.stdout.write(overdue_html(report))
    elif fmt == "text":
        sys.stdout.write(overdue_text(report, _terminal_width()))
    else:
        _print_overdue(console(), report)


def _terminal_width() -> int | None:
    import os

    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        return None


# --- annual report -------------------------------------------------------------------

ANNUAL_LABEL_HEADER = "项目"
APPEAL_KIND_HEADER = "类别"


def annual_terminal(report) -> list[Table]:
    """Section 三 and section 四 of the annual report as two Rich tables."""
    from rich.table import Table
    from hunnan_gk import annual

    # The label column folds and keeps room; the number columns may wrap their headers
    # (社会公益 / 组织) so the table fits an 80-column terminal.
    section = Table(title=f"{report.year}年度 {annual.SECTION_TITLE}", header_style="bold")
    section.add_column(ANNUAL_LABEL_HEADER, overflow="fold", min_width=24)
    for label in annual.COLUMN_LABELS.values():
        section.add_column(label, overflow="fold", justify="right", max_width=4)
    for line in annual.grid(report):
        section.add_row(*(text(cell) for cell in line))
    appeals = table(
        APPEAL_KIND_HEADER,
        *annual.APPEAL_COLUMN_LABELS.values(),
        title=f"{report.year}年度 {annual.APPEALS_TITLE}",
    )
    for line in annual.appeals_grid(report):
        appeals.add_row(*(text(cell) for cell in line))
    return [section, appeals]


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
    return "\r\n".join(csv_text(headers, rows) for headers, rows in _annual_sections(report))


def annual_markdown(report) -> str:
    from hunnan_gk import annual

    titles = [annual.SECTION_TITLE, annual.APPEALS_TITLE]
    parts = [f"# {report.year}年度政府信息公开工作年度报告（统计表）"]
    for title, (headers, rows) in zip(titles, _annual_sections(report)):
        parts.append(f"## {title}")
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for row in rows:
            cells = [str(cell).replace("|", "\\|") for cell in row]
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    parts.append(annual_balance_line(report))
    return "\n\n".join(parts) + "\n"


def annual_xlsx(report, path: Path) -> None:
    """The official layout (国办公开办函〔2021〕30号): merged header cells, each group label
    spanning its rows; section 四 on a second sheet. Ready to paste into the report."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from hunnan_gk import annual

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    book = Workbook()
    sheet = book.active
    sheet.title = "三、收到和处理申请情况"

    def put(row: int, column: int, value, *, span_rows: int = 1, span_cols: int = 1, align=centre):
        cell = sheet.cell(row=row, column=column, value=value)
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

    put(1, 1, f"{report.year}年度 {annual.SECTION_TITLE}", span_cols=last_col).font = Font(bold=True)
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
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 40

    appeals = book.create_sheet("四、行政复议和行政诉讼")
    sheet = appeals
    put(1, 1, f"{report.year}年度 {annual.APPEALS_TITLE}", span_cols=15).font = Font(bold=True)
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
