"""hunnan-gk calendar: working days as the regulation counts them (条例第33条, domain.md §3)."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import ConfigOption, Env, JsonOption
from hunnan_gk.errors import InputError
from hunnan_gk.vocab import CalendarSource

app = typer.Typer(
    help="工作日日历：按国务院节假日安排（含调休）计算工作日。",
    no_args_is_help=True,
)

MAX_WORKDAYS = 10000  # about 40 years: anything more is a typing mistake
MAX_SPAN_YEARS = 100
PROVISIONAL_YEARS_SHOWN = 2  # `years` lists this many years after the current one

StartArgument = Annotated[
    str, typer.Argument(metavar="起算日", help="起算日（当日不计入），如 2024-04-01、今天")
]


def _say_provisional(provisional: bool) -> None:
    if provisional:
        from hunnan_gk.workdays import PROVISIONAL_HINT

        typer.echo(f"提示：{PROVISIONAL_HINT}", err=True)


def _mark(provisional: bool) -> str:
    from hunnan_gk.render import PROVISIONAL_MARK

    return f"（{PROVISIONAL_MARK}）" if provisional else ""


def _workday_count(text: str) -> int:
    """工作日数 as typed: a whole number from 0 to MAX_WORKDAYS."""
    try:
        workdays = int(text.strip())
    except ValueError:
        raise InputError(f"工作日数：“{text}”不是整数，应为 0 至 {MAX_WORKDAYS} 的工作日数") from None
    if workdays < 0:
        raise InputError(f"工作日数：不能为负数（收到 {workdays}）")
    if workdays > MAX_WORKDAYS:
        raise InputError(f"工作日数：{workdays} 过大，最多 {MAX_WORKDAYS}")
    return workdays


@app.command("add", context_settings={"ignore_unknown_options": True})
def add_command(
    start: StartArgument,
    count: Annotated[str, typer.Argument(metavar="工作日数", help="工作日数（0 至 10000）")],
    explain: Annotated[bool, typer.Option("--explain", help="逐日列出计入或跳过的日期及原因")] = False,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """计算某日之后第 N 个工作日（起算日当日不计入，条例第33条）。

    示例：hunnan-gk calendar add 2024-04-01 20 --explain
    """
    env = Env(config)
    day = env.date(start, "起算日")
    workdays = _workday_count(count)
    result = env.calendar.add(day, workdays)
    days = env.calendar.explain(day, workdays) if explain else []
    if json_output:
        from hunnan_gk.render import print_json

        data = {
            "start": day,
            "workdays": workdays,
            "date": result.date,
            "provisional": result.provisional,
        }
        if explain:
            data["days"] = [info._asdict() for info in days]
        print_json(data)
        return
    typer.echo(f"{result.date.isoformat()}{_mark(result.provisional)}")
    if explain:
        from hunnan_gk.render.calendar import print_explained_days

        typer.echo(f"{day.isoformat()} 之后第 {workdays} 个工作日（起算日不计入）：")
        print_explained_days(days)
    _say_provisional(result.provisional)


@app.command("between")
def between_command(
    start: Annotated[str, typer.Argument(metavar="起算日", help="起算日（不计入）")],
    end: Annotated[str, typer.Argument(metavar="截止日", help="截止日（计入）")],
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """计算两日之间的工作日数：起算日之后至截止日（含），截止日早于起算日时为负数。

    示例：hunnan-gk calendar between 2024-04-01 2024-04-29
    """
    env = Env(config)
    first, last = env.date(start, "起算日"), env.date(end, "截止日")
    if abs(last.year - first.year) > MAX_SPAN_YEARS:
        raise InputError(f"START 与 END 相隔超过 {MAX_SPAN_YEARS} 年，请检查日期")
    counted = env.calendar.between(first, last)
    if json_output:
        from hunnan_gk.render import print_json

        print_json(
            {
                "start": first,
                "end": last,
                "workdays": counted.workdays,
                "provisional": counted.provisional,
            }
        )
        return
    typer.echo(f"{counted.workdays} 个工作日{_mark(counted.provisional)}")
    _say_provisional(counted.provisional)


@app.command("check")
def check_command(
    day: Annotated[str, typer.Argument(metavar="日期", help="要查询的日期，如 2024-10-01、今天")],
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """查询某日是否为工作日及原因（周末、节假日、调休上班）。

    示例：hunnan-gk calendar check 2024-10-12
    """
    env = Env(config)
    info = env.calendar.day(env.date(day, "日期"))
    if json_output:
        from hunnan_gk.render import print_json

        print_json(info._asdict())
        return
    from hunnan_gk.render.calendar import weekday_name

    status = "工作日" if info.workday else "休息日"
    reason = "" if info.reason == status else f"（{info.reason}）"
    typer.echo(
        f"{info.date.isoformat()} {weekday_name(info.date)}：{status}{reason}{_mark(info.provisional)}"
    )
    _say_provisional(info.provisional)


def _runs(sources: dict[int, CalendarSource]) -> list[tuple[int, int, CalendarSource]]:
    """Consecutive years with the same source, as (first, last, source)."""
    runs: list[tuple[int, int, CalendarSource]] = []
    for year in sorted(sources):
        source = sources[year]
        if runs and runs[-1][2] == source and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year, source)
        else:
            runs.append((year, year, source))
    return runs


@app.command("years")
def years_command(json_output: JsonOption = False, config: ConfigOption = None) -> None:
    """哪些年份有官方节假日数据，哪些年份只能暂定。

    官方数据来自安装包 chinesecalendar 或覆盖文件。

    示例：hunnan-gk calendar years
    """
    from hunnan_gk.workdays import package_years

    env = Env(config)
    calendar = env.calendar
    official = set(package_years()) | set(calendar.overrides)
    last = max(max(official) + 1, env.today.year + PROVISIONAL_YEARS_SHOWN)
    sources = calendar.year_sources(range(min(official), last + 1))
    if json_output:
        from hunnan_gk.render import print_json

        print_json(
            {
                "override_file": env.settings.holidays,
                "years": [{"year": year, "source": source} for year, source in sources.items()],
                "other_years": CalendarSource.PROVISIONAL.value,
            }
        )
        return
    from hunnan_gk.render.calendar import print_year_sources

    rows = [
        (str(first) if first == last_year else f"{first}-{last_year}", source.label)
        for first, last_year, source in _runs(sources)
    ]
    rows.append(("其余年份", CalendarSource.PROVISIONAL.label))
    print_year_sources(rows)
    if env.settings.holidays is not None:
        typer.echo(f"覆盖文件：{env.settings.holidays}")
    typer.echo("提示：国务院办公厅发布次年节假日安排后，请录入覆盖文件（配置项 holidays）。")
