"""hunnan-gk appeal: 行政复议 and 行政诉讼 against a request's handling (annual report section 四)."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import ConfigOption, DbOption, Env, require_request
from hunnan_gk.vocab import AppealKind, AppealResult

app = typer.Typer(help="行政复议、行政诉讼：登记与结果（年度报告第四部分）。", no_args_is_help=True)

KindOption = Annotated[
    str, typer.Option("--kind", help=f"类别： {AppealKind.choices_help()}", show_default=False)
]
OnOption = Annotated[str, typer.Option("--on", help="日期（如 2024-09-27）", show_default=False)]
ClerkOption = Annotated[str | None, typer.Option("--clerk", help="经办人（默认：当前系统用户）")]


def _request_and_date(env: Env, database, number: str, on_text: str):
    from hunnan_gk.errors import Refused

    request = require_request(database, number)
    on = env.date(on_text, "--on")
    if on > env.today:
        raise Refused(f"--on {on} 晚于今天（{env.today}）")
    if on.isoformat() < request["received_on"]:
        raise Refused(f"--on {on} 早于申请的收到日期 {request['received_on']}")
    return request, on


def _event(request, action: str, on, at: str, clerk: str | None, data: dict) -> dict:
    from hunnan_gk.commands.common import clerk_name

    return {
        "request_number": request["number"],
        "action": action,
        "stage_before": request["stage"],
        "stage_after": request["stage"],
        "happened_on": on.isoformat(),
        "at": at,
        "clerk": clerk_name(clerk),
        "data": data,
    }


@app.command("add")
def add_command(
    number: Annotated[str, typer.Argument(help="申请编号")],
    kind: KindOption,
    on: OnOption,
    clerk: ClerkOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记申请人就该申请提起的行政复议或行政诉讼。

    示例：hunnan-gk appeal add 2024-0007 --kind reconsideration --on 2024-10-08
    """
    from hunnan_gk import storage
    from hunnan_gk.errors import Refused

    env = Env(config, db)
    appeal_kind = AppealKind.parse(kind, option="--kind")
    database = env.open_db(create=False)
    with storage.write(database):
        request, day = _request_and_date(env, database, number, on)
        number = request["number"]
        if storage.pending_appeal(database, number, appeal_kind.value):
            raise Refused(f"申请 {number} 已有一件尚未审结的{appeal_kind.label}，先用 appeal decide 记录其结果")
        at = env.now().isoformat()
        storage.insert_appeal(
            database,
            {
                "request_number": number,
                "kind": appeal_kind.value,
                "filed_on": day.isoformat(),
                "created_at": at,
                "updated_at": at,
            },
        )
        storage.append_event(
            database,
            _event(request, "appeal_add", day, at, clerk, {"after": {"appeal": appeal_kind.value}}),
        )
    typer.echo(f"已登记：申请 {number} 的{appeal_kind.label}（{day}）")


@app.command("decide")
def decide_command(
    number: Annotated[str, typer.Argument(help="申请编号")],
    kind: KindOption,
    result: Annotated[
        str,
        typer.Option("--result", help=f"结果： {AppealResult.choices_help()}", show_default=False),
    ],
    on: OnOption,
    clerk: ClerkOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """记录行政复议或行政诉讼的结果（维持、纠正或其他）。

    示例：hunnan-gk appeal decide 2024-0007 --kind reconsideration --result upheld --on 2024-12-02
    """
    from hunnan_gk import storage
    from hunnan_gk.errors import Refused

    env = Env(config, db)
    appeal_kind = AppealKind.parse(kind, option="--kind")
    appeal_result = AppealResult.parse(result, option="--result")
    database = env.open_db(create=False)
    with storage.write(database):
        request, day = _request_and_date(env, database, number, on)
        number = request["number"]
        appeal = storage.pending_appeal(database, number, appeal_kind.value)
        if appeal is None:
            raise Refused(f"申请 {number} 没有尚未审结的{appeal_kind.label}，先用 appeal add 登记")
        if day.isoformat() < appeal["filed_on"]:
            raise Refused(f"--on {day} 早于该{appeal_kind.label}的提起日期 {appeal['filed_on']}")
        at = env.now().isoformat()
        storage.decide_appeal(database, appeal["id"], appeal_result.value, day.isoformat(), at)
        storage.append_event(
            database,
            _event(
                request,
                "appeal_decide",
                day,
                at,
                clerk,
                {"after": {"appeal": appeal_kind.value, "result": appeal_result.value}},
            ),
        )
    typer.echo(f"已记录：申请 {number} 的{appeal_kind.label}，{appeal_result.label}（{day}）")
