"""The root command: joins the command groups, speaks Chinese, and turns every
project error into a message on stderr with its documented exit code (README: 退出码)."""

from __future__ import annotations

import sqlite3
import sys

import typer
from typer.core import TyperGroup

from hunnan_gk import __version__, typer_zh
from hunnan_gk.errors import GkError

typer_zh.install()


def fail(exc: GkError) -> None:
    """Print a project error for the clerk and exit with its code. A message may quote what
    was typed or stored: personal numbers are masked and control characters shown."""
    from hunnan_gk.safetext import message_text

    typer.echo(f"错误：{message_text(exc.message)}", err=True)
    if exc.hint:
        typer.echo(f"提示：{message_text(exc.hint)}", err=True)
    raise typer.Exit(exc.exit_code)


#: Options whose text may run over several lines (tabs and line breaks allowed).
MULTILINE_OPTIONS = {"--note", "--content", "--reason"}
QUOTED_CHARS = 80


def _guard_text_params(command) -> None:
    """Check every text option and argument of `command` (and of the commands below it) as
    it is parsed: a control character or an over-long text is a usage error naming it (exit 2)
    before the command runs (issue 11)."""
    if getattr(command, "_text_guarded", False):
        return
    command._text_guarded = True
    for param in getattr(command, "params", []):
        if getattr(param.type, "name", None) in ("text", "str"):  # the vendored Click says "str"
            param.callback = _text_checked(param.callback, param)
    for sub in getattr(command, "commands", {}).values():
        _guard_text_params(sub)


def _text_checked(callback, param):
    from hunnan_gk.errors import InputError
    from hunnan_gk.textcheck import text_problem

    name = max(param.opts, key=len) if param.opts else param.name
    if getattr(param, "param_type_name", "") == "argument":
        name = (param.metavar or param.name or "").strip("{}").upper()
    multiline = name in MULTILINE_OPTIONS

    def checked(ctx, this, value):
        for item in value if isinstance(value, (list, tuple)) else [value]:
            problem = text_problem(item, multiline=multiline) if isinstance(item, str) else None
            if problem:  # the value quoted (fail() shows its control characters) when short
                quoted = f"“{item}”" if len(item) <= QUOTED_CHARS else " "
                raise InputError(f"{name}{quoted}{problem}")
        return callback(ctx, this, value) if callback is not None else value

    return checked


def _end_on_closed_stdout() -> None:
    """The reader of stdout went away (`hunnan-gk list | head -1`): end quietly, exit 0. The
    Python docs' idiom (signal module, “Note on SIGPIPE”): catch BrokenPipeError at the entry
    point and point stdout at /dev/null so that the flush at exit stays quiet; SIGPIPE is left
    ignored, since its default would kill `notify` mid-talk with the SMTP server. The docs
    exit 1; here 1 means refused, and nothing was (the reader had read what it wanted), so 0,
    as after a commit whose result could not be printed. Returns when the broken pipe is not
    stdout's (the error goes on)."""
    from hunnan_gk.stdio import quiet_stdout, stdout_reader_gone

    if stdout_reader_gone():
        quiet_stdout()
        raise typer.Exit(0)


class GkGroup(TyperGroup):
    """The root group: every command runs inside this error boundary."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = typer_zh.HELP_OPTION_TEXT
        return option

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            typer_zh.localise(command, ctx)
            _guard_text_params(command)
        return command

    def invoke(self, ctx):
        try:
            result = super().invoke(ctx)
            if sys.stdout is not None:  # None when started with stdout closed (>&-)
                sys.stdout.flush()  # a closed pipe shows here, inside the boundary, not at exit
            return result
        except BrokenPipeError:
            _end_on_closed_stdout()
            raise
        except GkError as exc:
            fail(exc)
        except sqlite3.Error as exc:
            from hunnan_gk.storage.db import describe_sqlite_error

            fail(describe_sqlite_error(exc))
        except ValueError as exc:
            if "null byte" not in str(exc):
                raise
            # A path typed with a NUL character: the OS refuses it before any file is touched.
            from hunnan_gk.errors import InputError

            fail(InputError("文件路径中含有空字符（\\0），请检查输入"))
        except (MemoryError, RecursionError):
            # the last line of defence behind the limits on files (sheets, yamltext, ledger_io):
            # the transaction, if one was open, is rolled back with the process
            from hunnan_gk.errors import Refused

            fail(Refused("内存不足或数据嵌套过深，未完成：文件可能过大或不是本工具能读的格式，未做任何改动"))
        except Exception as exc:
            typer_zh.handle_click_exception(exc)
            raise

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except BrokenPipeError:  # --help, --version
            _end_on_closed_stdout()
            raise
        except Exception as exc:
            typer_zh.handle_click_exception(exc)
            raise


app = typer.Typer(
    cls=GkGroup,
    name="hunnan-gk",
    help="浑南区政务公开办工具：依申请公开办理、超期预警、主动公开目录、年度报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold applicants' personal data
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hunnan-gk {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", help="显示版本并退出", callback=_version, is_eager=True
    ),
) -> None:
    """浑南区政务公开办工具：依申请公开办理、超期预警、主动公开目录、年度报告。

    数据保存在本地 SQLite 文件中（见 hunnan-gk db path）。退出码：0 成功，1 被拒绝或失败，
    2 用法错误，3 数据库问题，4 报告达到 --fail-on 阈值。
    """


#: Where each command lives, in the order the root's help lists them: (module, Typer app,
#: the name it is added under, or the names its commands take at the root). A module is
#: imported only when one of its commands runs or the root's help is shown.
COMMAND_MODULES = (
    ("requests", "app", None, ("register", "advance", "outcomes", "return", "extend", "withdraw", "show", "list",
                               "supplement", "consult", "audit")),
    ("records", "app", None, ("correct", "void", "undo")),
    ("assignments", "app", None, ("departments", "assign", "accept", "handback", "submit", "propose", "supervise")),
    ("reports", "app", "report", ()),
    ("reports", "top", None, ("notify", "demo")),
    ("db", "app", "db", ()),
    ("calendar", "app", "calendar", ()),
    ("catalog", "app", "catalog", ()),
    ("fee", "app", "fee", ()),
    ("appeal", "app", "appeal", ()),
    ("ledger", "app", "ledger", ()),
    ("letters", "app", "letter", ()),
    ("letters", "top", None, ("deliver",)),
)


def _register_groups() -> None:
    for module, attribute, name, names in COMMAND_MODULES:
        typer_zh.lazy_typer(app, f"hunnan_gk.commands.{module}", attribute, name=name, names=names)


_register_groups()


def main() -> None:
    from hunnan_gk.stdio import plug_closed_stdout

    plug_closed_stdout()
    try:
        app()
    finally:  # what is still buffered for a closed stdout leaves no message at exit
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except BrokenPipeError:
            from hunnan_gk.stdio import quiet_stdout

            quiet_stdout()

