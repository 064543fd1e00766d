"""hunnan-gk report annual: the annual report's table (section 三 and 四), counted from the
database (条例第49条; 国办公开办函〔2021〕30号). Registered on the `report` group."""

from pathlib import Path
from typing import Annotated

import typer

from hunnan_gk.commands.common import ConfigOption, DbOption, Env, format_option, report_format

FORMATS = ("table", "json", "csv", "markdown", "xlsx")


def annual_command(
    year: Annotated[int, typer.Option("--year", help="报告年度，如 2024")],
    format: format_option(FORMATS, "按 -o 的扩展名，否则 table") = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入文件（xlsx 必须指定）", dir_okay=False)
    ] = None,
    organ: Annotated[
        str | None, typer.Option("--organ", help="答复机关（不写：各机关汇总）")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """年度报告统计表（第三、四部分），并核对勾稽关系。

    政府信息公开工作年度报告的统计表。一、本年新收 + 二、上年结转 = 三（七）总计 + 四、结转下年度，逐列核对；不成立时指出哪一列并以退出码 1 结束。

    配置了多个答复机关（organs）时，--organ 给出该机关的报表，不写则为各机关汇总。

    示例：hunnan-gk report annual --year 2024 --format xlsx -o 2024年度报告统计表.xlsx
    """
    from hunnan_gk import annual, render, services
    from hunnan_gk.errors import Refused
    from hunnan_gk.exports import atomic_write, write_csv_text, write_output
    from hunnan_gk.render import annual as annual_render

    env = Env(config, db)
    chosen = report_format(year, format, output, FORMATS)
    organs = env.settings.organs
    wanted = organs.resolve(organ) if organ is not None else None
    database = env.open_db()
    report = services.annual_report(database, year, organs=organs, organ=wanted,
                                    calendar=env.calendar)
    if chosen == "json":
        write_output(render.to_json(annual.to_dict(report)) + "\n", output)
    elif chosen == "csv":
        write_csv_text(annual_render.annual_csv(report), output)
    elif chosen == "markdown":
        write_output(annual_render.annual_markdown(report), output)
    elif chosen == "xlsx":
        atomic_write(output, lambda target: annual_render.annual_xlsx(report, target))
    elif output is not None:
        out = render.console()
        with out.capture() as captured:
            for part in annual_render.annual_terminal(report):
                out.print(part)
            out.print(annual_render.annual_balance_line(report))
        write_output(captured.get(), output)
    else:
        out = render.console()
        for part in annual_render.annual_terminal(report):
            out.print(part)
    if output is not None:
        typer.echo(f"已写入 {output}", err=True)
    if not report.balanced:
        raise Refused(annual.balance_message(report))
    if chosen == "table" and output is None:
        render.console().print(annual_render.annual_balance_line(report))
