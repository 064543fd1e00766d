"""hunnan-gk appeal: 行政复议 and 行政诉讼 against a request's handling (annual report section 四)."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import (
    ClerkOption,
    ConfigOption,
    DbOption,
    Env,
    JsonOption,
    NumberArgument,
    after_commit,
    clerk_name,
    on_option,
    require_request,
)
from hunnan_gk.vocab import AppealKind, AppealResult

app = typer.Typer(help="行政复议、行政诉讼：登记与结果（年度报告第四部分）。", no_args_is_help=True)

KindOption = Annotated[
    str, typer.Option("--kind", help=f"类别： {AppealKind.choices_help()}", show_default=False)
]
OnOption = on_option("日期（如 2024-09-27）", required=True)


def _record(env: Env, number: str, kind: str, on: str, clerk: str | None, decide):
    """One appeal change as one transaction: find the request and its pending appeal of this
    kind under the write lock, let the workflow decide, store it with its event."""
    from hunnan_gk.storage.db import write
    from hunnan_gk.storage.requests import apply_appeal, pending_appeal

    appeal_kind = AppealKind.parse(kind, option="--kind")
    day = env.act_date(on)
    env.ready()
    database = env.open_db()
    with write(database):
        request = require_request(database, number)
        pending = pending_appeal(database, request["number"], appeal_kind.value)
        change = decide(request, pending, appeal_kind.value, day)
        apply_appeal(database, request, change, clerk=clerk_name(clerk), at=env.now().isoformat())
    return request["number"], change


def _report(number: str, change, *, as_json: bool, said: str) -> None:
    """What was recorded: JSON (number, kind, result, on, what the event says) or one line."""
    from hunnan_gk.render import print_json

    appeal = (change.extra or {}).get("appeal", {})
    with after_commit(f"申请 {number} 的{change.note}（{change.on}）"):
        if as_json:
            result = appeal.get("result")
            print_json({
                "number": number,
                "kind": appeal.get("kind"),
                "kind_label": AppealKind(appeal["kind"]).label,
                "result": result,
                "result_label": AppealResult(result).label if result else None,
                "on": change.on.isoformat(),
                "note": change.note,
            })
        else:
            typer.echo(f"{said}：申请 {number} 的{change.note}（{change.on}）")


@app.command("add")
def add_command(
    number: NumberArgument,
    kind: KindOption,
    on: OnOption,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记申请人就该申请提起的行政复议或行政诉讼。

    示例：hunnan-gk appeal add 2024-0007 --kind reconsideration --on 2024-10-08
    """
    from hunnan_gk import workflow

    env = Env(config, db)
    number, change = _record(
        env, number, kind, on, clerk,
        lambda request, pending, code, day: workflow.appeal_filed(
            request, pending, kind=code, on=day, today=env.today
        ),
    )
    _report(number, change, as_json=as_json, said="已登记")


@app.command("decide")
def decide_command(
    number: NumberArgument,
    kind: KindOption,
    result: Annotated[
        str,
        typer.Option("--result", help=f"结果： {AppealResult.choices_help()}", show_default=False),
    ],
    on: OnOption,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """记录行政复议或行政诉讼的结果（维持、纠正或其他）。

    示例：hunnan-gk appeal decide 2024-0007 --kind reconsideration --result upheld --on 2024-12-02
    """
    from hunnan_gk import workflow

    env = Env(config, db)
    outcome = AppealResult.parse(result, option="--result").value
    number, change = _record(
        env, number, kind, on, clerk,
        lambda request, pending, code, day: workflow.appeal_decided(
            request, pending, kind=code, result=outcome, on=day, today=env.today
        ),
    )
    _report(number, change, as_json=as_json, said="已记录")
