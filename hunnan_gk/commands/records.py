"""Putting the record right: correct a fact, void a registration made by mistake, undo the
latest step (issue 11). Each is an event in the audit chain with its reason; nothing is
overwritten without a trace."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import (ClerkOption, ConfigOption, DbOption, JsonOption,
                                       NumberArgument, Transition, on_option)
from hunnan_gk.vocab import CorrectableField

app = typer.Typer()

ReasonOption = Annotated[str, typer.Option("--reason", help="理由（必填，记入办理记录）")]
FIELD_HELP = "更正的事项（outcome、replied 只在答复后）： " + CorrectableField.choices_help()


@app.command()
def correct(
    number: NumberArgument,
    field: Annotated[str, typer.Option("--field", help=FIELD_HELP)],
    to: Annotated[str, typer.Option("--to", help="更正后的值（按登记时的规则检查）")],
    reason: ReasonOption,
    on: on_option("更正日期（默认今天）") = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """更正登记有误的事项（原值、新值和理由记入办理记录）。

    期限、灯色和各项报表随之改变；取值按登记时的规则检查。

    示例：hunnan-gk correct 2024-0001 --field received --to 2024-04-02 --reason "收件章日期为4月2日，登记时误录"
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    wanted = CorrectableField.parse(field, option="--field")
    if wanted is CorrectableField.DEPARTMENT:  # a configured name or alias, as at registration
        to = step.env.settings.directory.resolve_department(to, option="--to")
    elif wanted is CorrectableField.ORGAN:  # a configured organ, as at registration
        to = step.env.settings.organs.resolve(to, option="--to")
    step.apply(
        number,
        lambda row, _, events: workflow.correct(row, events, field=wanted, value=to, reason=reason,
                                                on=step.day, today=step.env.today),
        done=f"已更正{wanted.label}",
        with_events=True,
    )


@app.command()
def void(
    number: NumberArgument,
    reason: ReasonOption,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """作废误登记的申请（重复登记、测试）。

    编号保留、不复用，记录仍可用 show 查看；不再计入列表、预警、年度报告和收费。

    示例：hunnan-gk void 2024-0007 --reason "与 2024-0006 重复登记"
    """
    from hunnan_gk import workflow

    step = Transition(config, db, None, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, _: workflow.void(row, reason=reason, today=step.env.today),
        done="已作废",
    )


@app.command()
def undo(
    number: NumberArgument,
    reason: ReasonOption,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """撤销一件申请最近的一步办理。

    可撤销：完成环节（含答复、归档和预答复的审核）、退回、补正、征求意见、延期、撤回、
    收费通知与缴费、预答复、转办、签收、承办单位退回、承办完成、督办及其办结。

    被撤销的记录保留在办理记录中并标明“已撤销”；登记和更正不能撤销（用 correct、void）。

    示例：hunnan-gk undo 2024-0001 --reason "误点了完成，保密审查尚未办结"
    """
    from hunnan_gk.undo import undo as undo_step

    step = Transition(config, db, None, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, consultations, events: undo_step(row, events, consultations, reason=reason,
                                                     today=step.env.today),
        done="已撤销上一步",
        with_events=True,
    )
