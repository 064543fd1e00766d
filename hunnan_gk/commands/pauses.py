"""The legal clock's pauses: 补正 (条例第30条: the clock stops, and restarts from the day the
supplement arrives) and 征求意见 (条例第32、34条: the days of a consultation do not count)."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import (
    ClerkOption,
    ConfigOption,
    DbOption,
    JsonOption,
    NoteOption,
    NumberArgument,
    OnOption,
    Transition,
    on_option,
)
from hunnan_gk.vocab import ConsultKind

supplement_app = typer.Typer(help="补正：告知、收到补正、逾期未补正（条例第30条）。", no_args_is_help=True)
consult_app = typer.Typer(help="征求意见：第三方或其他机关（条例第32、34条），期间不计时。", no_args_is_help=True)


@supplement_app.command("ask")
def supplement_ask(
    number: NumberArgument,
    on: on_option("发出补正告知的日期", required=True),
    until: Annotated[str, typer.Option("--until", help="申请人补正的期限")],
    items: Annotated[str | None, typer.Option("--items", help="须补正的全部事项 （一次性告知，条例第30条）")] = None,
    note: NoteOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记已发出补正告知：计时停止，等待申请人补正。

    示例：hunnan-gk supplement ask 2024-0001 --on 2024-04-03 --until 2024-04-17 --items "1.申请获取的信息名称不明确，请写明文件名称或文号"
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    last_day = step.env.date(until, "--until")
    step.apply(
        number,
        lambda row, consultations: workflow.supplement_ask(
            row, on=step.day, until=last_day, today=step.env.today, calendar=step.env.calendar,
            consultations=consultations, items=items,
        ),
        note=note,
        done="已登记补正告知，计时停止",
    )


@supplement_app.command("received")
def supplement_received(
    number: NumberArgument,
    on: on_option("收到补正材料的日期", required=True),
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记收到补正：20 个工作日自该日重新计算。

    示例：hunnan-gk supplement received 2024-0001 --on 2024-04-10
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, _: workflow.supplement_received(row, on=step.day, today=step.env.today),
        done="已登记收到补正，重新计时",
    )


@supplement_app.command("lapsed")
def supplement_lapsed(
    number: NumberArgument,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """逾期未补正：视为放弃申请，转入归档。

    处理结果记为“申请人无正当理由逾期不补正”（条例第30条）。

    示例：hunnan-gk supplement lapsed 2024-0001 --on 2024-04-18
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, _: workflow.supplement_lapsed(row, on=step.day, today=step.env.today),
        done="已登记逾期未补正，转入归档",
    )


@consult_app.command("start")
def consult_start(
    number: NumberArgument,
    party: Annotated[str, typer.Option("--party", help="征求意见的对象")],
    kind: Annotated[str, typer.Option("--kind", help="征求意见对象： " + ConsultKind.choices_help())],
    on: on_option("发出征求意见的日期", required=True),
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """开始征求意见：此后的工作日不计入答复期限。

    示例：hunnan-gk consult start 2024-0001 --party 沈阳某某建设有限公司 --kind third_party --on 2024-04-08
    """
    from hunnan_gk import workflow
    from hunnan_gk.vocab import ConsultKind

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    kind_code = ConsultKind.parse(kind, option="--kind").value
    step.apply(
        number,
        lambda row, consultations: workflow.consult_start(
            row, consultations, party=party, kind=kind_code, on=step.day, today=step.env.today,
            calendar=step.env.calendar,
        ),
        # 条例第33条: a consultation begun after the deadline does not pause the clock
        # (the workflow warns when it does)
        done=lambda change, _: "已开始征求意见（答复期限已过，不暂停计时）" if change.warnings else "已开始征求意见，计时暂停",
    )


@consult_app.command("end")
def consult_end(
    number: NumberArgument,
    on: on_option("收到意见或征求意见期满的日期", required=True),
    party: Annotated[str | None, typer.Option("--party", help="有多项征求意见时，指明结束哪一项")] = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """结束征求意见：计时自下一个工作日恢复。

    示例：hunnan-gk consult end 2024-0001 --on 2024-04-22
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, consultations: workflow.consult_end(
            row, consultations, on=step.day, today=step.env.today, party=party
        ),
        done=lambda change, view: ("征求意见已结束；仍有征求意见在进行，计时仍暂停" if view["paused"]
                                   else "征求意见已结束，恢复计时"),
    )
