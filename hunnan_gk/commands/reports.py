"""Reports (`report overdue`; `report annual` joins this group later), the morning e-mail
(`notify`) and the demo database (`demo`)."""

from pathlib import Path
from typing import Annotated, Any

import typer

from hunnan_gk.commands.common import ConfigOption, DbOption, Env, JsonOption, format_option, output_format
from hunnan_gk.render.catalogue import CATALOGUE_REPORT_FORMATS
from hunnan_gk.render.assignments import SUPERVISION_FORMATS
from hunnan_gk.render.overdue import OVERDUE_FORMATS
from hunnan_gk.safetext import message_text
from hunnan_gk.vocab import Light

app = typer.Typer(help="报告：超期预警（红黄绿灯）、年度报告、目录公开时效。", no_args_is_help=True)
top = typer.Typer()  # top-level commands: notify, demo

AsOfOption = Annotated[str | None, typer.Option("--as-of", help="按哪一天计算（默认今天）")]


def _overdue_report(
    env: Env, as_of: str | None, *, lights: str | None = None, department: str | None = None
) -> dict[str, Any]:
    """`report overdue`'s options read, then the report from the database (services)."""
    from hunnan_gk import reports, services

    day = env.date(as_of, "--as-of")
    shown = reports.parse_lights(lights)
    return services.overdue_report(
        env.open_db(), env.calendar, today=env.today, as_of=day,
        yellow_days=env.settings.yellow_days, lights=shown, department=department,
    )


def _output_format(fmt: str | None) -> str:
    """--format as given; by default a coloured table at a terminal, else plain text."""
    import os
    import sys

    plain = not sys.stdout.isatty() or bool(os.environ.get("NO_COLOR"))
    return output_format(fmt, None, OVERDUE_FORMATS, default="text" if plain else "table")


@app.command("overdue")
def overdue_command(
    as_of: AsOfOption = None,
    fmt: format_option(OVERDUE_FORMATS, "在终端上为 table，否则 text") = None,
    light: Annotated[
        str | None, typer.Option("--light", help="只列这些灯，逗号分隔： " + Light.choices_help())
    ] = None,
    department: Annotated[str | None, typer.Option("--department", help="只列这个承办单位的申请（登记在它或转办给它的）")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="有申请达到此灯（red 或 yellow）或更严重时以退出码 4 结束，便于 cron 判断"),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """超期预警：尚未答复的申请，最紧急的在前，红灯/黄灯/绿灯/暂停。

    示例：hunnan-gk report overdue --light red,yellow --fail-on red
    """
    from hunnan_gk import reports
    from hunnan_gk.errors import EXIT_THRESHOLD
    from hunnan_gk.render.overdue import print_overdue
    from hunnan_gk.vocab import Light

    env = Env(config, db)
    output = _output_format(fmt)
    threshold = _threshold(fail_on, "--fail-on") if fail_on else None
    department = env.settings.directory.resolve_department(department)
    report = _overdue_report(env, as_of, lights=light, department=department)
    print_overdue(report, output)
    if threshold is not None:
        reached = [
            item for item in report["requests"]
            if reports.at_or_worse(Light(item["light"]), threshold)
        ]
        if reached:
            typer.echo(f"有 {len(reached)} 件申请达到{threshold.label}或更严重（--fail-on {threshold.value}）", err=True)
            raise typer.Exit(EXIT_THRESHOLD)


@app.command("supervision")
def supervision_command(
    open_only: Annotated[bool, typer.Option("--open", help="只列未办结的督办单")] = False,
    as_of: AsOfOption = None,
    fmt: format_option(SUPERVISION_FORMATS, SUPERVISION_FORMATS[0]) = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """督办：列出督办单及已督办的工作日数。

    示例：hunnan-gk report supervision --open --format csv > 督办.csv
    """
    from hunnan_gk import assignments
    from hunnan_gk.render.assignments import print_supervision
    from hunnan_gk.storage.assignments import supervisions

    env = Env(config, db)
    output = output_format(fmt, None, SUPERVISION_FORMATS)
    day = env.date(as_of, "--as-of")
    records = supervisions(env.open_db(), open_only=open_only)
    print_supervision(assignments.supervision_report(records, env.calendar, day, open_only=open_only),
                      output)


@app.command("catalogue")
def catalogue_command(
    path: Annotated[Path, typer.Argument(help="目录文件（YAML）")],
    as_of: AsOfOption = None,
    fmt: format_option(CATALOGUE_REPORT_FORMATS, CATALOGUE_REPORT_FORMATS[0]) = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """目录事项的公开时效：是否按时公开，是否到期未公开。

    每项列出最近一次公开及是否按时；每年定期公开的事项当年日期已过而未公开的为“今年应公开未公开”；还列出从未公开的事项。公开记录由 hunnan-gk catalog publish 写入。

    示例：hunnan-gk report catalogue catalogs/hunnan-2024.yaml --as-of 2024-02-05
    """
    from hunnan_gk.commands.catalog import build_catalogue_report
    from hunnan_gk.render.catalogue import print_catalogue_report

    env = Env(config, db)
    chosen = output_format(fmt, None, CATALOGUE_REPORT_FORMATS)
    print_catalogue_report(build_catalogue_report(env, path, as_of, config), chosen)


def _threshold(text: str, option: str):
    """red or yellow (codes or labels); green and paused are no warning."""
    from hunnan_gk.errors import InputError
    from hunnan_gk.vocab import Light

    light = Light.parse(text, option=option)
    if light not in (Light.RED, Light.YELLOW):
        raise InputError(f"{option} 只能是 red（{Light.RED.label}）或 yellow（{Light.YELLOW.label}）")
    return light


@top.command("notify")
def notify_command(
    as_of: AsOfOption = None,
    to: Annotated[
        list[str] | None, typer.Option("--to", metavar="邮箱", help="再发给这个地址（可多次使用；加在 smtp.to 之后）")
    ] = None,
    by_department: Annotated[
        bool, typer.Option("--by-department", help="按承办单位分别发送（地址见配置 departments）")
    ] = False,
    by_handler: Annotated[
        bool, typer.Option("--by-handler", help="按办理人分别发送（地址见配置 handlers）")
    ] = False,
    min_light: Annotated[
        str, typer.Option("--min-light", help="发送哪些：yellow（黄灯和红灯）或 red（只发红灯）")
    ] = "yellow",
    workdays_only: Annotated[
        bool, typer.Option("--workdays-only", help="今天不是工作日就不发送 （调休上班日照常发送）")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只打印将要发送的邮件，不发送")] = False,
    force: Annotated[bool, typer.Option("--force", help="今天已发过的也再发一次")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """把黄灯、红灯的申请发邮件提醒，适合 cron 每个工作日早上运行。

    邮件含纯文本和 HTML 表格；同一天再次运行只发新增或变为红灯的申请。

    示例：hunnan-gk notify --workdays-only --by-department
    """
    import os

    from hunnan_gk import notify, services

    from hunnan_gk.errors import InputError

    if by_department and by_handler:
        raise InputError("--by-department 与 --by-handler 只能选一个")
    env = Env(config, db)
    threshold = _threshold(min_light, "--min-light")
    services.morning_mail(
        env.db_path,
        settings=env.settings,
        calendar=env.calendar,
        today=env.today,
        as_of=env.date(as_of, "--as-of"),
        now=env.now,
        threshold=threshold,
        extra_to=to or [],
        by_department=by_department,
        by_handler=by_handler,
        workdays_only=workdays_only,
        dry_run=dry_run,
        force=force,
        password=os.environ.get(notify.PASSWORD_ENV),
        say=lambda line: typer.echo(message_text(line)),  # quotes departments and subjects
    )


DEMO_DB = Path("hunnan-gk-demo.db")


@top.command("demo")
def demo_command(
    # Not the shared --db: no HUNNAN_GK_DB, so the demo never fills the office's database.
    db: Annotated[
        Path | None,
        typer.Option("--db", help=f"演示数据库文件（默认：当前目录下的 {DEMO_DB}）", dir_okay=False),
    ] = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """建演示数据库（约三十件申请）并显示超期预警表。

    日期相对今天计算，涵盖各环节、四种灯、补正、征求意见、延期和已办结的申请。

    示例：hunnan-gk demo
    """
    from hunnan_gk import services
    from hunnan_gk.render.overdue import print_overdue

    env = Env(config, db or DEMO_DB)
    count, report = services.demo_database(
        env.db_path, calendar=env.calendar, today=env.today, at=env.now().isoformat(),
        yellow_days=env.settings.yellow_days,
    )
    if as_json:
        from hunnan_gk.render import print_json

        return print_json({"db": str(env.db_path), "requests": count, "overdue": report})
    typer.echo(f"演示数据库：{env.db_path}（{count} 件申请，含已办结的）")
    print_overdue(report, _output_format(None))
    typer.echo(f"\n试试：hunnan-gk report overdue --db {env.db_path} --format json")


from hunnan_gk.commands.annual import annual_command  # noqa: E402

app.command("annual")(annual_command)

from hunnan_gk.commands.performance import performance_command  # noqa: E402

app.command("performance")(performance_command)
