"""The overdue report (红黄绿灯超期预警): table, plain text, CSV, HTML (the e-mail), JSON."""

from __future__ import annotations

import sys
from typing import Any

from hunnan_gk.render import (
    LIGHT_ANSI, PROVISIONAL_MARK, SUPERVISED_MARK, Column, fit_table, plain, print_json, terminal_width, use_colour,
)

# HTML colours of each light; the word (红灯…) always stands beside them.
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
    """One line (within 80 columns): the date, how many requests await a reply, the count
    of each light and of those past the legal ceiling."""
    from hunnan_gk.vocab import Light

    counts = report["counts"]
    parts = "，".join(f"{light.label} {counts[light.value]}" for light in Light)
    line = f"{report['as_of']} 未答复 {sum(counts.values())} 件：{parts}"
    serious = sum(1 for item in report["requests"] if item["seriously_overdue"])
    if serious:
        line += f"；超法定上限 {serious} 件"
    return line


def overdue_note(item: dict, as_of: str) -> str:
    """What else the clerk must watch, in a few words: the legal ceiling passed, the date a
    pause ends (and whether it has passed), the last day for 补正告知."""
    notes = []
    if item.get("supervised"):
        notes.append("督办中")
    if item["seriously_overdue"]:
        notes.append("超法定上限")
    if item["paused"]:
        from hunnan_gk.vocab import PauseKind

        what = PauseKind(item["pause"]).label + "至"
        passed = " 已过" if item["watch"] and item["watch"] < as_of else ""
        notes.append(f"{what} {item['watch'] or '未定'}{passed}")
    if item["review_limit"]:
        notes.append(f"告知补正限 {item['review_limit']}")
    return "；".join(notes)


def _remaining(item: dict) -> str:
    left = item["remaining_workdays"]
    return "" if left is None else str(left)


OVERDUE_COLUMNS = (
    Column("灯"),
    Column("编号"),
    Column("申请人", fold=True, typical=8),
    Column("承办单位", fold=True, typical=14, drop=1),
    Column("环节"),
    Column("答复期限"),
    Column("剩余\n工作日", right=True),
    Column("说明", fold=True, typical=10),
)


def overdue_lines(report: dict, width: int, *, colour: bool = False) -> list[str]:
    """The report as lines `width` columns wide: one row per request (one line for typical
    names at 80 columns), coloured by light when `colour`, then the summary."""
    from hunnan_gk.textwidth import wrap

    lines = []
    if report["requests"]:
        rows = [
            (
                item["light_label"],
                plain(item["number"] + (f" {SUPERVISED_MARK}" if item.get("supervised") else "")),
                plain(item["applicant"]),
                plain(item["department"] or "未指定"),
                item["stage_label"],
                dated(item["due"], item["due_provisional"]),
                _remaining(item),
                plain(overdue_note(item, report["as_of"])),
            )
            for item in report["requests"]
        ]
        styles = [LIGHT_ANSI[item["light"]] for item in report["requests"]] if colour else None
        lines = fit_table(OVERDUE_COLUMNS, rows, width, styles=styles)
    return lines + wrap(plain(overdue_summary(report)), width)


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
        ("督办", lambda i: yes_no[bool(i.get("supervised"))]),
    ]


def overdue_csv(report: dict) -> str:
    """The contract's columns with Chinese headers (exports.write_csv_text adds the BOM)."""
    from hunnan_gk.exports import csv_text

    columns = _csv_columns()
    return csv_text(
        [name for name, _ in columns],
        ([get(item) for _, get in columns] for item in report["requests"]),
    )


def overdue_html(
    report: dict, *, title: str = "依申请公开办理预警", content: bool = True, intro: str | None = None,
    extra_html: str = "",
) -> str:
    """One self-contained page (inline styles, no scripts, no links): what the e-mail carries.
    `extra_html`: a further section after the table (the catalogue items overdue), already escaped."""
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
            esc(item["number"] + (f" {SUPERVISED_MARK}" if item.get("supervised") else "")),
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
{extra_html}<p style="color:#666;font-size:12px">剩余：答复期限前还有的工作日（负数为已超期的工作日）。{PROVISIONAL_MARK}：期限跨入尚无官方节假日安排的年份，待公布后可能变动。黄灯：剩余不超过 {esc(str(report.get("yellow_days", "")))} 个工作日。</p>
</body>
</html>
"""


def print_overdue(report: dict, fmt: str) -> None:
    """Print the report in one of OVERDUE_FORMATS (csv with the BOM, as every CSV)."""
    if fmt == "json":
        print_json(report)
    elif fmt == "csv":
        from hunnan_gk.exports import write_csv_text

        write_csv_text(overdue_csv(report), None)
    elif fmt == "html":
        sys.stdout.write(overdue_html(report))
    else:  # table: coloured at a terminal; text: never
        lines = overdue_lines(report, terminal_width(), colour=fmt == "table" and use_colour())
        sys.stdout.write("\n".join(lines) + "\n")
