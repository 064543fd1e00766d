"""hunnan-gk fee: 信息处理费 (条例第42条; 国办函〔2020〕109号): the quote, the fee notice, its
payment, and the request closed when it lapses."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import (ClerkOption, ConfigOption, DbOption, Env, JsonOption,
                                       NoteOption, NumberArgument, OnOption, Transition,
                                       require_request)
from hunnan_gk.vocab import FeeBasis

app = typer.Typer(help="信息处理费：测算、收费通知、缴费（国办函〔2020〕109号）。", no_args_is_help=True)


MAX_PAGES = 1_000_000  # beyond this a typing mistake, not a request

PagesOption = Annotated[int | None, typer.Option("--pages", help="提供信息的页数（按量计收时）", min=0)]


def _check_pages(pages: int | None) -> None:
    from hunnan_gk.errors import InputError

    if pages is not None and pages > MAX_PAGES:
        raise InputError(f"--pages {pages} 不合常理（上限 {MAX_PAGES:,} 页），请核对")


def _quote(database, request, pages: int | None):
    """The quote of both bases for a stored request (the applicant's name masked: the quote
    is shown and sent on)."""
    from hunnan_gk import fees
    from hunnan_gk.privacy import mask_in_text
    from hunnan_gk.storage.requests import applicant_month_position

    position, count = applicant_month_position(database, request)
    return fees.quote(request["number"], mask_in_text(request["applicant"]),
                      request["received_on"][:7], position, count, pages)


@app.command("quote")
def quote_command(
    number: NumberArgument,
    pages: PagesOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """测算一件申请可收取的信息处理费（国办函〔2020〕109号）。

    依申请提供政府信息不收费；申请数量、频次明显超过合理范围的，才可按件（同一申请人当月申请数）或按量（页数）收取，两种方式只能选其一。

    示例：hunnan-gk fee quote 2024-0012 --pages 150
    """
    from hunnan_gk import fees, render, workflow

    _check_pages(pages)
    database = Env(config, db).open_db()
    request = require_request(database, number)
    workflow.check_not_voided(request)  # a registration made by mistake is charged nothing
    result = _quote(database, request, pages)
    if json_output:
        render.print_json(result.to_dict())
        return
    year, month = result.month.split("-")
    lines = [
        fees.NO_FEE_RULE,
        f"申请 {render.plain(result.number)}（申请人 {render.plain(result.applicant)}）",
        f"按件计收：该申请人 {year}年{int(month)}月 共申请 {result.month_count} 件，本件为第 {result.position} 件，"
        f"如收费，最多可收 {result.per_application} 元",
    ]
    if pages is None:
        lines.append("按量计收：未给出页数（用 --pages 指定）")
    else:
        lines.append(f"按量计收：{pages} 页，如收费，最多可收 {result.per_page} 元")
    lines.append(fees.ONE_BASIS_ONLY)
    # wrapped as Chinese, never inside a citation such as 国办函〔2020〕109号
    from hunnan_gk.textwidth import wrap

    width = render.terminal_width()
    typer.echo("\n".join(part for line in lines for part in wrap(line, width)))


@app.command("notice")
def notice_command(
    number: NumberArgument,
    amount: Annotated[int, typer.Option("--amount", help="收费金额（元，整数）", min=1)],
    basis: Annotated[str, typer.Option("--basis", help="per_application 按件，per_page 按量")],
    pages: PagesOption = None,
    on: OnOption = None,
    note: NoteOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记已发出收费通知：计时暂停，等待申请人缴费。

    金额不得超过所选方式的测算金额（国办函〔2020〕109号）；测算为 0 元时不能收费。按量计收须用 --pages 写明页数。

    示例：hunnan-gk fee notice 2024-0012 --basis per_page --pages 150 --amount 1700 --on 2024-05-06
    """
    from hunnan_gk import workflow
    from hunnan_gk.errors import InputError

    _check_pages(pages)
    chosen = FeeBasis.parse(basis, option="--basis")
    if chosen is FeeBasis.PER_PAGE and pages is None:
        raise InputError("按量计收须用 --pages 写明提供信息的页数")
    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    database = step.env.open_db()
    result = _quote(database, require_request(database, number), pages)
    quoted = result.per_application if chosen is FeeBasis.PER_APPLICATION else result.per_page
    step.apply(
        number,
        lambda row, consultations: workflow.fee_notice(
            row, consultations, basis=chosen.value, amount=amount, quoted=quoted,
            pages=pages if chosen is FeeBasis.PER_PAGE else None, on=step.day,
            today=step.env.today, calendar=step.env.calendar),
        note=note,
        done=f"已登记收费通知（{chosen.label} {amount} 元），计时暂停至缴费",
    )


@app.command("paid")
def paid_command(
    number: NumberArgument,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记已缴纳信息处理费，计时恢复。

    收费通知至缴费的期间不计入答复期限。

    示例：hunnan-gk fee paid 2024-0012 --on 2024-05-10
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, _: workflow.fee_paid(row, on=step.day, today=step.env.today,
                                         calendar=step.env.calendar),
        done="已登记缴费，计时恢复",
    )


@app.command("lapsed")
def lapsed_command(
    number: NumberArgument,
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """逾期未缴费：视为放弃申请，不再处理。

    收费通知后 20 个工作日仍未缴费的，答复类型为 other_unpaid_fee。

    示例：hunnan-gk fee lapsed 2024-0012 --on 2024-06-05
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, _: workflow.fee_lapsed(row, on=step.day, today=step.env.today,
                                           calendar=step.env.calendar),
        done="已登记逾期未缴费，不再处理",
    )
