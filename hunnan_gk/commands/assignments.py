"""Work across departments (issue 13): the configured departments, 转办/签收/退回/完成,
预答复 and 督办."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import (
    ClerkOption,
    ConfigOption,
    DbOption,
    Env,
    JsonOption,
    NoteOption,
    NumberArgument,
    OnOption,
    Transition,
    stored_names,
)

app = typer.Typer()

DepartmentOption = Annotated[str, typer.Option("--department", help="承办单位（名称或配置中的别名）")]


@app.command()
def departments(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """列出配置的承办单位（别名、负责人、期限）及其办理人。

    示例：hunnan-gk departments --json
    """
    from hunnan_gk import render
    from hunnan_gk.render.assignments import department_list
    from hunnan_gk.views import directory_view

    view = directory_view(Env(config, None).settings.directory)
    if as_json:
        render.print_json(view)
    else:
        department_list(view["departments"], view["handlers_without_department"])


@app.command()
def assign(
    number: NumberArgument,
    department: DepartmentOption,
    handler: Annotated[str | None, typer.Option("--handler", help="承办单位的办理人")] = None,
    due: Annotated[str | None, typer.Option("--due", help="承办期限（不晚于法定答复期限）")] = None,
    workdays: Annotated[int | None, typer.Option("--workdays", help="承办期限：转办之日后的工作日数")] = None,
    note: NoteOption = None,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """转办（分办）给承办单位，定下它的承办期限。

    可以只交办申请的一部分（协办）。

    默认期限为承办单位配置的工作日数（未配置时 10 个），不晚于法定答复期限；
    几个单位各办一部分时，分别转办。

    示例：hunnan-gk assign 2024-0001 --department 区住建局 --handler 李文 --on 2024-04-02
    """
    from hunnan_gk import assignments

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    env = step.env
    directory = env.settings.directory
    name = directory.resolve_department(department)
    person = directory.resolve_handler(handler, department=name)
    due_day = env.optional_date(due, "--due")
    step.apply(
        number,
        lambda row, consultations, held, _: assignments.assign(
            row, held, consultations, department=name, handler=person, on=step.day,
            today=env.today, calendar=env.calendar,
            department_workdays=directory.workdays_of(name), due=due_day, workdays=workdays,
            note=note,
        ),
        done=lambda change, _: (f"已转办{stored_names(name, person)}，承办期限 "
                             f"{change.extra['assignment']['due_on']}"),
        records=True,
    )


def _department_step(config, db, number: str, department: str, on: str | None, clerk,
                     as_json: bool, done: str, build) -> None:
    """accept, handback and submit: the department resolved, then its assignment's step."""
    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    name = step.env.settings.directory.resolve_department(department)
    step.apply(number, lambda row, _c, held, _s: build(row, held, name, step.day, step.env.today),
               done=f"{name}{done}", records=True)


@app.command()
def accept(
    number: NumberArgument,
    department: DepartmentOption,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """签收：承办单位接收转办的申请。

    示例：hunnan-gk accept 2024-0001 --department 区住建局 --on 2024-04-03
    """
    from hunnan_gk import assignments

    _department_step(config, db, number, department, on, clerk, as_json, "已签收",
                     lambda row, held, name, day, today: assignments.accept(
                         row, held, department=name, on=day, today=today))


@app.command()
def handback(
    number: NumberArgument,
    department: DepartmentOption,
    reason: Annotated[str, typer.Option("--reason", help="退回理由，如 不属于本单位职责")],
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """退回：不属于本单位的，退回公开办重新转办。

    示例：hunnan-gk handback 2024-0001 --department 区教育局 --reason "不属于本单位职责" --on 2024-04-03
    """
    from hunnan_gk import assignments

    _department_step(config, db, number, department, on, clerk, as_json, "已退回",
                     lambda row, held, name, day, today: assignments.handback(
                         row, held, department=name, reason=reason, on=day, today=today))


@app.command()
def submit(
    number: NumberArgument,
    department: DepartmentOption,
    note: NoteOption = None,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """完成：承办单位交回查找结果，本次转办结束。

    示例：hunnan-gk submit 2024-0001 --department 区住建局 --note "已提供资金拨付明细" --on 2024-04-10
    """
    from hunnan_gk import assignments

    _department_step(config, db, number, department, on, clerk, as_json, "已办理完成",
                     lambda row, held, name, day, today: assignments.submit(
                         row, held, department=name, on=day, today=today, note=note))


@app.command()
def propose(
    number: NumberArgument,
    outcome: Annotated[str, typer.Option("--outcome", help="拟答复类型，如 disclosed、partial、unavailable_not_held")],
    reasons: Annotated[str, typer.Option("--reasons", help="答复理由")],
    basis: Annotated[str | None, typer.Option("--basis", help="法律依据，如 《政府信息公开条例》第三十六条第（二）项")] = None,
    other_organ: Annotated[str | None, typer.Option("--other-organ", help="非本机关负责公开时：负责公开的机关")] = None,
    other_contact: Annotated[str | None, typer.Option("--other-contact", help="该机关的联系方式")] = None,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """预答复：在“拟定答复意见”环节记录拟答复类型、理由和依据。

    “答复意见审核”用 advance 审核通过，或用 return --to draft 退回；“答复申请”时
    advance 按审核通过的预答复答复。

    示例：hunnan-gk propose 2024-0001 --outcome disclosed --reasons "属于本机关公开的信息" --basis "条例第三十六条第（二）项"
    """
    from hunnan_gk import assignments
    from hunnan_gk.vocab import Outcome

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    code = Outcome.parse(outcome, option="--outcome").value
    step.apply(
        number,
        lambda row, _: assignments.propose(
            row, outcome=code, reasons=reasons, basis=basis, other_organ=other_organ,
            other_contact=other_contact, on=step.day, today=step.env.today,
        ),
        done=f"已记录预答复（{Outcome(code).short_label}），待答复意见审核",
    )


@app.command()
def supervise(
    number: Annotated[str, typer.Argument(help="编号；办结督办单时先写 close 再写编号", show_default=False)],
    close_number: Annotated[str | None, typer.Argument(metavar="申请编号", help="supervise close 时的申请编号", show_default=False)] = None,
    by: Annotated[str | None, typer.Option("--by", metavar="督办人", help="督办人（开督办单时必填）")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="督办事由（开督办单时必填）")] = None,
    respond_by: Annotated[str | None, typer.Option("--respond-by", metavar="日期", help="要求反馈的日期")] = None,
    note: NoteOption = None,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """督办：开出督办单；supervise close 办结它。

    开督办单：supervise 编号 --by 督办人 --reason 事由 [--respond-by 日期]；
    办结：supervise close 编号 --note 办理情况。未办结的督办在 show、list 和超期预警中标“督”。

    示例：hunnan-gk supervise 2024-0001 --by 王主任 --reason "临近答复期限仍未查找完毕" --respond-by 2024-04-25
    示例：hunnan-gk supervise close 2024-0001 --note "已于4月24日答复申请人"
    """
    from hunnan_gk import assignments
    from hunnan_gk.errors import InputError

    closing = number == "close"
    if closing and close_number is None:
        raise InputError("supervise close 后面须写申请编号")
    if not closing and close_number is not None:
        raise InputError(f"多余的参数：{close_number}（办结督办单请写 supervise close 编号）")
    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    if closing:
        if by is not None or reason is not None or respond_by is not None:
            raise InputError("supervise close 只接受 --note（以及 --on、--clerk）")
        if note is None:
            raise InputError("缺少选项 --note：写明督办的办理情况")
        step.apply(
            close_number,
            lambda row, _c, _a, held: assignments.supervise_close(
                row, held, note=note, on=step.day, today=step.env.today),
            done="督办单已办结",
            records=True,
        )
        return
    missing = [name for name, value in (("--by", by), ("--reason", reason)) if value is None]
    if missing:
        raise InputError(f"缺少选项 {'、'.join(missing)}：开督办单须写明督办人和事由")
    if note is not None:
        raise InputError("--note 只用于 supervise close")
    deadline = step.env.optional_date(respond_by, "--respond-by")
    step.apply(
        number,
        lambda row, _c, _a, held: assignments.supervise(
            row, held, by=by, reason=reason, on=step.day, today=step.env.today,
            respond_by=deadline),
        done=f"已开出督办单（{by}）",
        records=True,
    )
