"""Departments, assignments, proposals and 督办 at the terminal (issue 13)."""

from __future__ import annotations

import sys
from typing import Any

from hunnan_gk.render import Column, console, fit_table, plain, table, terminal_width, text


def light_text(code: str | None) -> str:
    """红灯/黄灯/绿灯 for a light code; — for none."""
    from hunnan_gk.vocab import Light

    return Light(code).label if code else "—"


def department_list(departments: list[dict[str, Any]], unplaced: list[dict[str, Any]]) -> None:
    out = console()
    if not departments and not unplaced:
        out.print("配置中没有承办单位（departments）：--department 接受任何名称。")
        return
    result = table("承办单位", "别名", "负责人", "期限", "办理人", "邮箱",
                   fold=("别名", "办理人", "邮箱"))
    for item in departments:
        leader = item["leader"] or ""
        if item["leader_email"]:
            leader += f"\n{item['leader_email']}"
        result.add_row(
            text(item["name"]),
            text("、".join(item["aliases"])),
            text(leader),
            text(f"{item['workdays']} 个工作日"),
            text("、".join(h["name"] for h in item["handlers"])),
            text("、".join(item["email"])),
        )
    out.print(result)
    if unplaced:
        out.print("未归属承办单位的办理人：" + text("、".join(h["name"] for h in unplaced)))


def assignment_rows(view: dict[str, Any]) -> None:
    """The detail card's 转办记录, 预答复 and 督办 sections."""
    from hunnan_gk.vocab import Outcome

    out = console()
    if view.get("assignments"):
        out.print()
        out.print("[bold]转办记录[/bold]")
        result = table("承办单位", "办理人", "转办", "承办期限", "签收", "完成/退回", "灯色",
                       fold=("承办单位", "完成/退回"))
        for item in view["assignments"]:
            if item["submitted"]:
                ended = f"{item['submitted']} 完成"
            elif item["handed_back"]:
                ended = f"{item['handed_back']} 退回：{item['reason']}"
            else:
                ended = "—"
            result.add_row(text(item["department"]), text(item["handler"] or "—"),
                           text(item["assigned"]), text(item["due"]),
                           text(item["accepted"] or "—"), text(ended),
                           text(light_text(item["light"])))
        out.print(result)
    proposal = view.get("proposal")
    if proposal:
        out.soft_wrap = True
        out.print()
        state = f"{proposal['approved']} 审核通过" if proposal["approved"] else "待审核"
        out.print(f"[bold]预答复[/bold]（{text(proposal['proposed'])} 拟定，{text(state)}）")
        out.print(f"  答复类型：{text(Outcome(proposal['outcome']).short_label)}")
        out.print(f"  理由：{text(proposal['reasons'])}")
        if proposal["basis"]:
            out.print(f"  依据：{text(proposal['basis'])}")
        if proposal["other_organ"]:
            out.print(f"  负责公开的机关：{text(proposal['other_organ'])}（{text(proposal['other_contact'])}）")
        out.soft_wrap = False
    if view.get("supervision"):
        out.print()
        out.print("[bold]督办[/bold]")
        result = table("督办人", "事由", "督办日期", "要求反馈", "办结", fold=("事由", "办结"))
        for item in view["supervision"]:
            closed = f"{item['closed']}：{item['note']}" if item["closed"] else "未办结"
            result.add_row(text(item["by"]), text(item["reason"]), text(item["opened"]),
                           text(item["respond_by"] or "—"), text(closed))
        out.print(result)


SUPERVISION_COLUMNS = (
    Column("编号"),
    Column("承办单位", fold=True, typical=8),
    Column("督办人", fold=True, typical=6),
    Column("事由", fold=True, typical=10),
    Column("督办日期"),
    Column("要求反馈"),
    Column("工作日", right=True),
    Column("状态", fold=True, typical=10),
)


def supervision_lines(report: dict[str, Any], width: int) -> list[str]:
    """`report supervision` as lines `width` columns wide (like `report overdue`): the 承办单位
    column names the registered department and those the request was assigned to."""
    from hunnan_gk.textwidth import wrap

    items = report["supervisions"]
    if not items:
        return ["没有督办单。" if not report["open_only"] else "没有未办结的督办单。"]
    rows = []
    for item in items:
        state = f"{item['closed']} 办结" if item["closed"] else "未办结"
        if item["overdue_response"]:
            state += "，逾期未反馈"
        rows.append((
            plain(item["number"]), plain("、".join(item["departments"]) or "—"), plain(item["by"]),
            plain(item["reason"]), item["opened"], item["respond_by"] or "—", str(item["days_open"]), state,
        ))
    summary = f"共 {len(items)} 件（其中未办结 {report['open']} 件）；工作日：督办日至办结日（未办结的至今天）"
    return fit_table(SUPERVISION_COLUMNS, rows, width) + wrap(summary, width)


def supervision_table(report: dict[str, Any]) -> None:
    sys.stdout.write("\n".join(supervision_lines(report, terminal_width())) + "\n")


SUPERVISION_FORMATS = ("table", "json", "csv")


def supervision_csv(report: dict[str, Any]) -> str:
    from hunnan_gk.exports import csv_text

    columns = [
        ("编号", "number"), ("申请人", "applicant"), ("承办单位", "department"),
        ("承办单位（登记及转办）", "departments"), ("环节", "stage_label"),
        ("督办人", "by"), ("督办事由", "reason"), ("督办日期", "opened"), ("要求反馈日期", "respond_by"),
        ("已督办工作日", "days_open"), ("办结日期", "closed"), ("办理情况", "note"),
    ]
    def cell(item: dict[str, Any], key: str) -> Any:
        return "、".join(item[key]) if key == "departments" else item[key]

    return csv_text([name for name, _ in columns],
                    ([cell(item, key) for _, key in columns] for item in report["supervisions"]))


def print_supervision(report: dict[str, Any], fmt: str) -> None:
    from hunnan_gk.render import print_json

    if fmt == "json":
        print_json(report)
    elif fmt == "csv":
        from hunnan_gk.exports import write_csv_text

        write_csv_text(supervision_csv(report), None)
    else:
        supervision_table(report)
