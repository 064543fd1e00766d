"""hunnan-gk report performance: the assessment (考核) figures of each department and of the
whole office for a year (work plan item 19: 绩效考核). Registered on the `report` group."""

from pathlib import Path
from typing import Annotated

import typer

from hunnan_gk.commands.common import ConfigOption, DbOption, Env, format_option, report_format

FORMATS = ("table", "json", "csv", "xlsx")


def performance_command(
    year: Annotated[int, typer.Option("--year", help="考核年度，如 2024")],
    department: Annotated[str | None, typer.Option("--department", help="只列这一承办单位（合计仍为全办）")] = None,
    format: format_option(FORMATS, "按 -o 的扩展名，否则 table") = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入文件（xlsx 必须指定）", dir_okay=False)
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """各承办单位的考核数字：按期答复率、办理用时、转办、督办、复议诉讼纠正。

    每个承办单位一行，最后一行为合计；年末未办结的按 12 月 31 日（当年为今天）的灯色统计。作废的申请不计入。

    示例：hunnan-gk report performance --year 2024 -o 2024年考核.xlsx
    """
    from hunnan_gk import render, services
    from hunnan_gk.exports import atomic_write, write_csv_text, write_output
    from hunnan_gk.render import performance as performance_render

    env = Env(config, db)
    chosen = report_format(year, format, output, FORMATS)
    directory = env.settings.directory
    wanted = directory.resolve_department(department)
    database = env.open_db()
    report = services.performance_report(
        database, env.calendar, year=year, today=env.today, yellow_days=env.settings.yellow_days,
        departments=[d.name for d in directory.departments], department=wanted,
    )
    made_on = env.today.isoformat()
    if chosen == "json":
        write_output(render.to_json(report) + "\n", output)
    elif chosen == "csv":
        write_csv_text(performance_render.performance_csv(report), output)
    elif chosen == "xlsx":
        atomic_write(output, lambda target: performance_render.performance_xlsx(report, made_on, target))
    else:
        out = render.console()
        with out.capture() as captured:
            out.print(performance_render.performance_terminal(report, made_on))
        write_output(captured.get(), output)
    if output is not None:
        typer.echo(f"已写入 {output}", err=True)
