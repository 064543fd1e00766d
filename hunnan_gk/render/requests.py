"""A request at the terminal: the one-line summary after a change, the list, the detail card."""

from __future__ import annotations

from typing import Any

import sys

from hunnan_gk.render import (
    ANSI_RESET, LIGHT_ANSI, PROVISIONAL_MARK, SUPERVISED_MARK, Column, console, fit_table, plain, table, terminal_width, text,
    use_colour,
)


def _action_label(code: str) -> str:
    """The Chinese name of an event's action; an unknown code as it is stored."""
    from hunnan_gk.vocab import EventAction

    try:
        return EventAction(code).label
    except ValueError:
        return code


VOIDED = "已作废"


def _stage_text(view: dict[str, Any]) -> str:
    return f"{VOIDED}（{view['stage_label']}）" if view.get("voided") else view["stage_label"]


def _field_label(code: str) -> str:
    from hunnan_gk.vocab import CorrectableField

    try:
        return CorrectableField(code).label
    except ValueError:
        return code


def _who(event: dict[str, Any]) -> str:
    """The clerk named on the record and, below it, the OS account that ran the command
    (once, when the clerk is that account: the default)."""
    account, clerk = event.get("os_user"), event["clerk"]
    return f"{clerk}\n（账户 {account}）" if account and account != clerk else clerk


def _due_text(view: dict[str, Any], *, compact: bool = False) -> str:
    """The deadline as a clerk reads it: the date, 暂定 when provisional, and any pause.
    `compact`: one short line for a table (the 灯 column beside it says 暂停)."""
    if view.get("outcome") or view.get("voided"):
        return "—"
    from hunnan_gk.vocab import PauseKind

    if view.get("pause") == PauseKind.SUPPLEMENT:
        if compact:
            return "停止计时"
        return f"停止计时（等待补正，期限 {view.get('watch')}）"
    due = view.get("due") or "—"
    if view.get("due_provisional"):
        due += PROVISIONAL_MARK if compact else f"（{PROVISIONAL_MARK}）"
    if view.get("pause") in (PauseKind.CONSULTATION, PauseKind.FEE) and not compact:
        due += f"，{PauseKind(view['pause']).label}中（至 {view.get('watch')}）"
    return due


def _fee_text(fee: dict[str, Any] | None) -> str | None:
    """"2024-05-06 通知按量计收 1700 元（150 页），2024-05-10 已缴纳" — or None without a notice."""
    if not fee:
        return None
    from hunnan_gk.vocab import FeeBasis

    pages = f"（{fee['pages']} 页）" if fee.get("pages") else ""
    paid = f"，{fee['paid']} 已缴纳" if fee.get("paid") else "，尚未缴纳"
    return f"{fee['noticed']} 通知{FeeBasis(fee['basis']).label} {fee['amount']} 元{pages}{paid}"




def light_text(view: dict[str, Any]) -> str | None:
    """The light and the working days left, as a clerk reads them: 绿灯（剩余 12 个工作日）,
    红灯（已超期 3 个工作日）, 暂停（征求意见中，剩余 12 个工作日）; None once replied."""
    from hunnan_gk.vocab import Light, PauseKind

    light, left = view.get("light"), view.get("remaining_workdays")
    if light is None:
        return None
    label = Light(light).label
    if light == Light.PAUSED:
        if view.get("pause") == PauseKind.SUPPLEMENT or left is None:
            return f"{label}（{PauseKind.SUPPLEMENT.label}，停止计时）"
        return f"{label}（{PauseKind(view['pause']).label}中，剩余 {left} 个工作日）"
    if light == Light.RED:
        return f"{label}（已超期 {-left} 个工作日）" if left and left < 0 else f"{label}（期限已过）"
    return f"{label}（剩余 {left} 个工作日）"


def reply_timeliness(view: dict[str, Any]) -> str | None:
    """After a reply: whether it was on time (条例第33条), by the working days past the due date."""
    if not view.get("replied") or view.get("late_workdays") is None:
        return None
    if view["late_workdays"]:
        return f"超期答复 {view['late_workdays']} 个工作日（期限 {view.get('due')}）"
    return f"按期答复（期限 {view.get('due')}）"


def request_summary(view: dict[str, Any], done: str) -> None:
    """After a change: a line saying what was done, where the request stands and its
    deadline; then its light and the working days left (after the reply: whether it came on
    time)."""
    lines = [f"{plain(view['number'])} {plain(done)}。当前环节：{plain(_stage_text(view))}；"
             f"答复期限：{plain(_due_text(view))}"]
    state = light_text(view) or reply_timeliness(view)
    if state:
        colour = LIGHT_ANSI.get(view.get("light") or "") if use_colour() else None
        lines.append(f"{colour}{state}{ANSI_RESET}" if colour else state)
    if view.get("due_provisional"):
        from hunnan_gk.workdays import PROVISIONAL_HINT

        lines.append(f"{PROVISIONAL_MARK}：{PROVISIONAL_HINT}")
    sys.stdout.write("\n".join(lines) + "\n")


def _light_cell(view: dict[str, Any]) -> str:
    return view.get("light_label") or ("作废" if view.get("voided") else "—")


def _remaining_cell(view: dict[str, Any]) -> str:
    left = view.get("remaining_workdays")
    return "" if left is None else str(left)


LIST_COLUMNS = (
    Column("灯"),
    Column("编号"),
    Column("申请人", fold=True, typical=8),
    Column("收到", drop=1),
    Column("环节"),
    Column("答复期限"),
    Column("剩余\n工作日", right=True),
    Column("内容", cut=True, min_width=6, typical=12),  # a preview: the whole text in show
)


def request_list_lines(views: list[dict[str, Any]], width: int, *, colour: bool = False) -> list[str]:
    """The list as lines `width` columns wide: one line per request for typical names."""
    if not views:
        return ["没有符合条件的申请。"]
    rows = [
        (
            _light_cell(view),
            plain(view["number"] + (f" {SUPERVISED_MARK}" if view.get("supervised") else "")),
            plain(view["applicant"]),
            plain(view["received"]),
            plain(_stage_text(view)),
            plain(_due_text(view, compact=True)),
            _remaining_cell(view),
            plain(view["content"]),
        )
        for view in views
    ]
    styles = [LIGHT_ANSI.get(view.get("light") or "") for view in views] if colour else None
    return fit_table(LIST_COLUMNS, rows, width, styles=styles) + [f"共 {len(views)} 件"]


def request_list(views: list[dict[str, Any]]) -> None:
    sys.stdout.write("\n".join(request_list_lines(views, terminal_width(), colour=use_colour())) + "\n")


def _pause_text(pause: dict[str, Any]) -> str:
    """One consultation of the explanation, with only the days it kept out of the count: an
    overlap with an earlier one is said, not counted twice (条例第32、34条)."""
    span = f"{pause['start']} 至 {pause['end'] or '进行中'}"
    if not pause.get("counted", True):
        return f"{span}，答复期限已过后才开始，不暂停计时（条例第33条）"
    counted = pause.get("counted_workdays", pause["workdays"])
    overlap = pause.get("overlap_workdays", 0)
    line = f"{span}，不计 {counted} 个工作日（条例第32、34条）"
    if overlap:
        line += f"；其中 {overlap} 个工作日与前一项征求意见重叠，已计入前项，不重复计算"
    return line


def request_detail(view: dict[str, Any]) -> None:
    from rich.table import Table

    from hunnan_gk.vocab import ApplicantType, Channel, Outcome, Stage

    out = console()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows = [
        ("编号", view["number"]),
        (VOIDED, f"作废理由：{view.get('void_reason')}" if view.get("voided") else None),
        ("申请人", view["applicant"]),
        ("申请人类型", ApplicantType(view["applicant_type"]).label),
        ("申请方式", Channel(view["channel"]).label),
        ("身份证号", view.get("id_number")),
        ("统一社会信用代码", view.get("credit_code")),
        ("法定代表人", view.get("legal_rep")),
        ("联系人", view.get("contact_person")),
        ("委托代理人", view.get("agent")),
        ("代理人身份证号", view.get("agent_id")),
        ("电话", view.get("phone")),
        ("电子邮箱", view.get("email")),
        ("通信地址", view.get("address")),
        ("收到日期", view["received"]),
        ("申请内容", view["content"]),
        ("承办单位", view.get("department")),
        ("办理人", view.get("handler")),
        ("答复机关", view.get("organ")),
        ("信息处理费", _fee_text(view.get("fee"))),
        ("督办", "有未办结的督办单" if view.get("supervised") else None),
        ("获取方式", view.get("delivery")),
        ("当前环节", view["stage_label"]),
        ("答复期限", _due_text(view)),
        ("灯", light_text(view)),
        ("已延期", f"{view['extended_days']} 个工作日" if view["extended_days"] else None),
        ("处理结果", Outcome(view["outcome"]).short_label if view.get("outcome") else None),
        ("答复日期", view.get("replied")),
        ("是否按期", reply_timeliness(view)),
        ("补正告知", "超过收到申请后 7 个工作日才告知（条例第30条）" if view.get("supplement_late") else None),
        ("办结日期", view.get("closed")),
        ("复议期限", f"{view['remedy_until']['review']}（申请行政复议的最后一日）" if view.get("remedy_until") else None),
        ("诉讼期限", f"{view['remedy_until']['litigation']}（提起行政诉讼的最后一日）" if view.get("remedy_until") else None),
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
            out.print(f"  征求意见 {text(pause['party'])}：{text(_pause_text(pause))}")
        if len(explain["pauses"]) > 1:
            kept_out = sum(pause.get("counted_workdays", pause["workdays"]) for pause in explain["pauses"])
            out.print(f"  征求意见合计不计 {kept_out} 个工作日")
        fee = explain.get("fee_pause")
        if fee:
            end = fee["paid"] or f"{fee['end']}（尚未缴费）"
            out.print(f"  收费通知 {fee['start']} 至缴费 {end}，不计 {fee['workdays']} 个工作日（国办函〔2020〕109号）")
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
    from hunnan_gk.render.assignments import assignment_rows

    assignment_rows(view)
    out.print()
    events = table("日期", "办理", "环节", "经办人", "备注", fold=("备注", "环节"))
    for event in view.get("events", []):
        before, after = event["stage_before"], event["stage"]
        stage = Stage(after).label if before == after else f"{Stage(before).label} → {Stage(after).label}"
        action = _action_label(event["action"]) + ("（已撤销）" if event.get("undone") else "")
        events.add_row(
            text(event["on"]),
            text(action),
            text(stage),
            text(_who(event)),
            text(event["note"]),
        )
    out.print(events)
    if view.get("letters"):
        out.print()
        out.print("[bold]文书[/bold]")
        letter_table(view["letters"], out)
    corrections = view.get("corrections")
    if corrections:
        out.print()
        out.print("[bold]更正记录[/bold]")
        listed = table("日期", "事项", "原值", "新值", "理由", "经办人", fold=("原值", "新值", "理由"))
        for item in corrections:
            listed.add_row(text(item["on"]), text(_field_label(item["field"])), text(item["old"] or "—"),
                           text(item["new"] or "—"), text(item["reason"]), text(item["clerk"]))
        out.print(listed)
    others = view.get("same_applicant")
    if others:
        from hunnan_gk.vocab import Outcome

        out.print()
        out.print("[bold]同一申请人的其他申请[/bold]（判断重复申请，条例第35条、第36条第（六）项）")
        listed = table("编号", "收到", "处理结果")
        for item in others:
            outcome = Outcome(item["outcome"]).short_label if item.get("outcome") else "办理中"
            listed.add_row(text(item["number"]), text(item["received"]), text(outcome))
        out.print(listed)


def letter_table(letters: list[dict[str, Any]], out=None) -> None:
    """The letters of a request: kind, 文号, date, delivery, what superseded it."""
    from hunnan_gk.vocab import DeliveryMethod, LetterKind

    out = out or console()
    if not letters:
        out.print("尚未制发文书。")
        return
    listed = table("文号", "文书", "日期", "送达", "备注", fold=("文书", "送达", "备注"))
    for letter in letters:
        delivered = letter.get("delivered")
        delivery = "未送达"
        if delivered:
            delivery = f"{delivered['on']} {DeliveryMethod(delivered['method']).label}"
            if delivered.get("tracking"):
                delivery += f" {delivered['tracking']}"
            if delivered.get("signed_by"):
                delivery += f"，{delivered['signed_by']}签收"
        note = f"已被 {letter['superseded_by']} 取代" if letter.get("superseded_by") else ""
        listed.add_row(text(letter["letter_number"]), text(LetterKind(letter["kind"]).label),
                       text(letter["issued"]), text(delivery), text(note))
    out.print(listed)
