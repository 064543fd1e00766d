"""Options shared by many commands, the per-command environment (config, today, db), and the
shape every transition command has (Transition)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Iterator, Sequence

import typer


if TYPE_CHECKING:
    from hunnan_gk.config import Settings
    from hunnan_gk.workdays import WorkCalendar
    from hunnan_gk.workflow import Change

DB_ENV = "HUNNAN_GK_DB"
TODAY_ENV = "HUNNAN_GK_TODAY"

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help="数据库文件（默认见 hunnan-gk db path）",
        show_envvar=True,
        dir_okay=False,
        readable=False,  # a permission problem is the database's (exit 3, in Chinese), see open_db
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="HUNNAN_GK_CONFIG",
        help="配置文件（默认 ./hunnan-gk.yaml 或 ~/.config/hunnan-gk/config.yaml）",
        show_envvar=True,
        dir_okay=False,
        readable=False,  # load_settings says in Chinese why it cannot read the file
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
NumberArgument = Annotated[str, typer.Argument(metavar="申请编号", help="申请编号，如 2024-0001（也可只写年份和序号：2024-1）")]
NoteOption = Annotated[str | None, typer.Option("--note", help="备注")]


def on_option(help: str = "办理日期（默认今天）", *, required: bool = False):
    """--on, the day something was done: today when not given, unless `required` (the day
    a notice went out or an answer came in is a fact the clerk must type)."""
    if required:
        return Annotated[str, typer.Option("--on", help=help, show_default=False)]
    return Annotated[str | None, typer.Option("--on", help=help)]


def clerk_option(help: str = "经办人（默认当前系统用户）"):
    """--clerk, the clerk recorded on the event (see clerk_name)."""
    return Annotated[str | None, typer.Option("--clerk", help=help)]


OnOption = on_option()
ClerkOption = clerk_option()


def format_option(choices: Sequence[str], default: str):
    """--format, its help listing `choices`; `default` says what is chosen without it.
    Commands check the value with output_format."""
    listed = choices[0] if len(choices) == 1 else f"{'、'.join(choices[:-1])} 或 {choices[-1]}"
    otherwise = f"默认 {default}" if default in choices else f"默认{default}"
    return Annotated[
        str | None, typer.Option("--format", help=f"输出格式：{listed}（{otherwise}）", show_default=False)
    ]


YEARS = range(2000, 2101)


def check_year(year: int | None, option: str = "--year") -> None:
    """A report year clerks could mean; InputError (exit 2) otherwise."""
    from hunnan_gk.errors import InputError

    if year is not None and year not in YEARS:
        raise InputError(f"{option} 应为 {YEARS.start} 至 {YEARS.stop - 1} 之间的年份，而不是 {year}")


# What a file's suffix says its format is, for -o FILE without --format.
SUFFIX_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
}


def output_format(
    given: str | None, output: Path | None, choices: Sequence[str], *, default: str | None = None
) -> str:
    """--format as given, else guessed from -o's suffix, else `default` (the first choice)."""
    from hunnan_gk.errors import InputError

    if given is None:
        if output is None:
            return default or choices[0]
        guessed = SUFFIX_FORMATS.get(output.suffix.lower())
        if guessed not in choices:
            raise InputError(
                f"无法从文件名 {output.name} 判断输出格式",
                hint=f"请加 --format（可选：{'、'.join(choices)}），或用相应的扩展名",
            )
        return guessed
    wanted = given.strip().lower()
    if wanted not in choices:
        raise InputError(f"--format 无法识别“{given}”，可选：{'、'.join(choices)}")
    return wanted


def report_format(year: int, given: str | None, output: Path | None, choices: Sequence[str]) -> str:
    """A yearly report's checks before anything is read: the year, the format (given or from
    -o's suffix), and -o for xlsx, which cannot go to the terminal."""
    from hunnan_gk.errors import InputError

    check_year(year)
    chosen = output_format(given, output, choices)
    if chosen == "xlsx" and output is None:
        raise InputError("xlsx 格式需要用 -o 指定输出文件")
    return chosen


APP_NAME = "hunnan-gk"
# The user's folders by the XDG rule: the variable, else this folder under the home.
_XDG_FOLDERS = {"data": ("XDG_DATA_HOME", ".local/share"), "cache": ("XDG_CACHE_HOME", ".cache")}


def user_folder(kind: str) -> Path:
    """The tool's folder of `kind` ("data": the default database; "cache": holidays, parsed
    files) for this user: the folder platformdirs gives. On Linux that is the XDG rule —
    $XDG_DATA_HOME or ~/.local/share, $XDG_CACHE_HOME or ~/.cache, each followed by hunnan-gk,
    a variable counting only when it holds an absolute path — worked out here, for importing
    platformdirs costs ≈4 ms on every command; anywhere else (macOS, Windows, Android), or
    without an absolute HOME, platformdirs itself answers."""
    variable, under_home = _XDG_FOLDERS[kind]
    if sys.platform == "linux" and not (hasattr(sys, "getandroidapilevel") or "ANDROID_ROOT" in os.environ):
        base = os.environ.get(variable, "")
        if os.path.isabs(base):
            return Path(base) / APP_NAME
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):
            return Path(home) / under_home / APP_NAME
    import platformdirs

    found = platformdirs.user_data_path if kind == "data" else platformdirs.user_cache_path
    return found(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return user_folder("data") / "hunnan-gk.db"


class Env:
    """What a command needs around it: settings, today's date, the calendar, the database.
    (A plain class: building a dataclass costs a millisecond on every start.)"""

    def __init__(self, config_path: Path | None = None, db_option: Path | None = None) -> None:
        self.config_path, self.db_option = config_path, db_option
        self.settings  # a broken config is reported before the command does anything

    @cached_property
    def settings(self) -> "Settings":
        from hunnan_gk.config import load_settings  # not at import: --help never reads the config

        try:
            cache = user_folder("cache")
        except RuntimeError:  # no home folder to be found (platformdirs): the file is read each time
            cache = None
        return load_settings(self.config_path, cache_dir=cache)

    @cached_property
    def today(self) -> date:
        """Today in the configured timezone (Beijing time by default, also on a UTC server).

        HUNNAN_GK_TODAY (YYYY-MM-DD) pins it, for tests and for re-running a past day."""
        from zoneinfo import ZoneInfo

        pinned = os.environ.get(TODAY_ENV)
        if pinned:
            from hunnan_gk.errors import InputError

            try:
                return date.fromisoformat(pinned)
            except ValueError:
                raise InputError(f"环境变量 {TODAY_ENV}=“{pinned}” 不是 YYYY-MM-DD 日期") from None
        return datetime.now(ZoneInfo(self.settings.timezone)).date()

    def now(self) -> datetime:
        """The current moment with its UTC offset, for `*_at` timestamps."""
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(self.settings.timezone)).replace(microsecond=0)

    def ready(self) -> "Env":
        """Load and check everything a writing command needs (the config, the holiday data and
        so the calendar) before its transaction starts: a broken override file is reported
        with nothing changed, never after the request was saved (issue 11)."""
        self.calendar
        self.today
        return self

    @cached_property
    def calendar(self) -> "WorkCalendar":
        from hunnan_gk.holiday_files import load_calendar

        return load_calendar(self.settings.holidays, cache_dir=user_folder("cache"))

    @property
    def db_path(self) -> Path:
        if self.db_option is not None:
            return self.db_option
        if self.settings.db is not None:
            return self.settings.db
        return default_db_path()

    def date(self, text: str | None, option: str, *, past: bool = False) -> date:
        """A date option as the clerk typed it; today when not given. `past`: the option names
        a day something happened (see dates.parse_date)."""
        from hunnan_gk.dates import parse_date

        if text is None:
            return self.today
        return parse_date(text, today=self.today, option=option, past=past)

    def act_date(self, text: str | None, option: str = "--on") -> date:
        """The day an act was done (--on): as `date(past=True)`, with a warning on stderr when
        it lies more than dates.FAR_BACK_WORKDAYS working days back."""
        from hunnan_gk.dates import far_back_warning

        day = self.date(text, option, past=True)
        warning = far_back_warning(day, today=self.today, calendar=self.calendar, option=option)
        if warning:
            from hunnan_gk.safetext import message_text

            typer.echo(f"警告：{message_text(warning)}", err=True)
        return day

    def optional_date(self, text: str | None, option: str) -> date | None:
        return None if text is None else self.date(text, option)

    def open_db(self):
        """The database, which must exist (`hunnan-gk db init` creates it): a mistyped path
        is an error, never a new, empty record."""
        from hunnan_gk.storage.db import open_db

        return open_db(self.db_path)


def request_view(env: Env, db, row: dict[str, Any], *, reveal: bool = False) -> dict[str, Any]:
    """The request as JSON: its clock, its assignments with their lights, its 督办, its letters."""
    from hunnan_gk import views
    from hunnan_gk.storage.assignments import assignments_of, supervisions_of
    from hunnan_gk.storage.letters import letters_of
    from hunnan_gk.storage.requests import consultations_of

    number = row["number"]
    return views.request_view(
        row, consultations_of(db, number), env.calendar, env.today, reveal=reveal,
        assignments=assignments_of(db, number), supervisions=supervisions_of(db, number),
        yellow_days=env.settings.yellow_days, letters=letters_of(db, number),
    )


@contextmanager
def after_commit(saved: str) -> Iterator[None]:
    """Output once the change is committed: if it fails now (stdout closed or full, a render
    error), the clerk reads that `saved` was saved — never a traceback — and the command
    exits 0, for a command that exits non-zero has changed nothing (a retry would register
    twice)."""
    from hunnan_gk.errors import GkError, os_reason
    from hunnan_gk.safetext import message_text

    try:
        yield
        from hunnan_gk.stdio import stdout_was_closed

        if stdout_was_closed():  # started with stdout closed: what was printed went nowhere
            raise OSError("标准输出已关闭")
        sys.stdout.flush()
    except Exception as exc:
        if isinstance(exc, GkError):
            reason = exc.message
        elif isinstance(exc, OSError):
            reason = os_reason(exc)
        else:
            reason = type(exc).__name__
        from hunnan_gk.stdio import quiet_stdout

        quiet_stdout()
        try:
            typer.echo(f"已保存：{message_text(saved)}；但结果未能输出（{message_text(reason)}）", err=True)
        except Exception:
            pass  # stderr is gone too: the exit code still tells
        raise typer.Exit(0) from None


def print_request(env: Env, db, row: dict[str, Any], *, as_json: bool,
                  done: str | Callable[[dict[str, Any]], str], warnings: Sequence[str] = ()) -> None:
    """After a change: its warnings, then the request as JSON or one line saying what was
    done (`done`, or built from the request as it now stands) and where it stands, with its
    light. The change is committed: see `after_commit`."""
    from hunnan_gk import render
    from hunnan_gk.render.requests import request_summary
    from hunnan_gk.safetext import message_text

    with after_commit(f"{row['number']} {done if isinstance(done, str) else '已保存'}"):
        for warning in warnings:
            typer.echo(f"警告：{message_text(warning)}", err=True)
        view = request_view(env, db, row)
        if as_json:
            render.print_json(view)
        else:
            request_summary(view, done if isinstance(done, str) else done(view))


class Transition:
    """What advance, return, supplement, consult, extend and withdraw share: the environment
    and the day given by --on, both checked before the database is opened; then `apply`."""

    def __init__(self, config, db, on: str | None, *, clerk: str | None, as_json: bool):
        self.env = Env(config, db).ready()
        self.day = self.env.act_date(on)
        self.clerk, self.as_json = clerk, as_json

    def apply(
        self,
        number: str,
        build: Callable[..., "Change"],
        *,
        done: str | Callable[["Change", dict[str, Any]], str],
        note: str | None = None,
        with_events: bool = False,
        records: bool = False,
    ) -> None:
        """One transition as one transaction: read the request under the write lock, let the
        workflow build the change (from the request and its consultations, with `with_events`
        its events too, and with `records` its assignments and supervisions), store the change
        and its event together, then report. `note`: the clerk's --note on the event; `done`
        may be built from the change and the request as it then stands."""
        from hunnan_gk.storage.assignments import apply_record_change, assignments_of, supervisions_of
        from hunnan_gk.storage.db import write
        from hunnan_gk.storage.requests import consultations_of, events_of

        env = self.env
        db = env.open_db()
        with write(db):
            row = require_request(db, number)
            held = [consultations_of(db, row["number"])]
            if with_events:
                held.append(events_of(db, row["number"]))
            if records:
                held += [assignments_of(db, row["number"]), supervisions_of(db, row["number"])]
            change = build(row, *held)
            if note is not None:
                change.note = note
            row = apply_record_change(db, row, change, clerk=clerk_name(self.clerk),
                                      at=env.now().isoformat())
        print_request(env, db, row, as_json=self.as_json, warnings=change.warnings or (),
                      done=done if isinstance(done, str) else lambda view: done(change, view))


def require_request(db, number: str) -> dict:
    """The stored request numbered `number` (also 2024-1 for 2024-0001); Refused otherwise."""
    from hunnan_gk.errors import Refused
    from hunnan_gk.storage.requests import find_request

    row = find_request(db, number)
    if row is None:
        raise Refused(f"找不到申请 {number}", hint="用 hunnan-gk list 查看已登记的申请")
    return row


def clerk_name(given: str | None) -> str:
    """The clerk recorded on an event: --clerk, else the OS user."""
    if given:
        return given
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container: still record something
        return os.environ.get("USER") or "unknown"


def stored_names(department: str | None, handler: str | None) -> str:
    """"（承办单位：区住建局，办理人：李文）": the names as stored, so that a clerk sees an
    alias was resolved; empty when neither is set."""
    parts = [f"{label}：{name}" for label, name in (("承办单位", department), ("办理人", handler)) if name]
    return f"（{'，'.join(parts)}）" if parts else ""
