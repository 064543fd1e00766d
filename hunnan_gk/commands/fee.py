"""hunnan-gk fee: 信息处理费 (条例第42条; 国办函〔2020〕109号)."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import ConfigOption, DbOption, Env, JsonOption, NumberArgument, require_request

app = typer.Typer(help="信息处理费：按件或按量计算（国办函〔2020〕109号）。", no_args_is_help=True)


MAX_PAGES = 1_000_000  # beyond this a typing mistake, not a request


@app.command("quote")
def quote_command(
    number: NumberArgument,
    pages: Annotated[
        int | None, typer.Option("--pages", help="提供信息的页数（按量计收时）", min=0)
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """测算一件申请的信息处理费（国办函〔2020〕109号）。

    按件（同一申请人当月申请数）与按量（页数）两种方式。

    两种方式只能选其一计收。

    示例：hunnan-gk fee quote 2024-0012 --pages 150
    """
    from hunnan_gk import fees, render, workflow
    from hunnan_gk.errors import InputError
    from hunnan_gk.privacy import mask_in_text
    from hunnan_gk.storage.requests import applicant_month_position

    if pages is not None and pages > MAX_PAGES:
        raise InputError(f"--pages {pages} 不合常理（上限 {MAX_PAGES:,} 页），请核对")
    database = Env(config, db).open_db()
    request = require_request(database, number)
    workflow.check_not_voided(request)  # a registration made by mistake is charged nothing
    number = request["number"]
    position, count = applicant_month_position(database, request)
    result = fees.quote(  # the quote is shown and sent on: the applicant's name masked
        number, mask_in_text(request["applicant"]), request["received_on"][:7], position, count, pages
    )
    if json_output:
        render.print_json(result.to_dict())
        return
    year, month = result.month.split("-")
    lines = [
        f"申请 {render.text(number)}（申请人 {render.text(result.applicant)}）",
        f"按件计收：该申请人 {year}年{int(month)}月 共申请 {count} 件，本件为第 {position} 件，"
        f"应收 {result.per_application} 元",
    ]
    if pages is None:
        lines.append("按量计收：未给出页数（用 --pages 指定）")
    else:
        lines.append(f"按量计收：{pages} 页，应收 {result.per_page} 元")
    lines.append(fees.ONE_BASIS_ONLY)
    out = render.console()
    for line in lines:
        out.print(line)
