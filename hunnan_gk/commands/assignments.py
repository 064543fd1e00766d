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

    directory = Env(config, None).settings.directory
    listed = [
        {
            "name": d.name,
            "aliases": list(d.aliases),
            "email": list(d.emails),
            "leader": d.leader,
            "leader_email": d.leader_email,
            "workdays": d.workdays,
            "handlers": [{"name": h.name, "email": h.email} for h in directory.handlers_of(d.name)],
        }
        for d in directory.departments
    ]
    unplaced = [{"name": h.name, "department": h.department, "email": h.email}
                for h in directory.handlers if directory.department(h.department) is None]
    if as_json:
        render.print_json({"departments": listed, "handlers_without_department": unplaced})
    else:
        department_list(listed, unplaced)


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
        done=lambda change: (f"已转办{stored_names(name, person)}，承办期限 "
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
