"""The root command: joins the command groups, speaks Chinese, and turns every
project error into a message on stderr with its documented exit code (README: 退出码)."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import sys

import typer
from typer.core import TyperGroup

from hunnan_gk import __version__
from hunnan_gk.errors import GkError

# Typer's help and error panels, in Chinese.
_PANEL_TEXTS = {
    "OPTIONS_PANEL_TITLE": "选项",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "ABORTED_TEXT": "已中止。",
}


class _ChinesePanels:
    """Sets the Chinese panel texts on typer.rich_utils when Typer first imports it.

    Typer imports rich_utils (with rich.markdown, pygments …, about 0.1 s) only to print help
    or a usage error; importing it up front to set these texts would cost every command that.
    (A meta path finder and loader by protocol; importlib.abc itself costs an import.)"""

    def find_spec(self, name, path=None, target=None):
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        for name, value in _PANEL_TEXTS.items():
            setattr(module, name, value)


if "typer.rich_utils" in sys.modules:
    for _name, _value in _PANEL_TEXTS.items():
        setattr(sys.modules["typer.rich_utils"], _name, _value)
else:
    sys.meta_path.insert(0, _ChinesePanels())

# The vendored Click's usage messages, in Chinese (pattern → replacement).
_USAGE_MESSAGES = [
    (r"'-\w' / '(--[\w-]+)'", r"'\1'"),  # '-o' / '--output' → '--output'
    (r"Value error, ", ""),
    (r"Missing option '(.+?)'\.?", r"缺少选项 \1。"),
    (r"Missing argument '(.+?)'\.?", r"缺少参数 \1。"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"No such command '(.+?)'\.?", r"没有命令 \1。"),
    (r"Did you mean (.+?)\?", r"您是否想输入 \1？"),
    (r"\(Possible options: (.+?)\)", r"（可能是：\1）"),
    (r"Option '(.+?)' requires an argument\.?", r"选项 \1 需要一个值。"),
    (r"Option '(.+?)' does not take a value\.?", r"选项 \1 不带值。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+?)\)", r"多余的参数：\1"),
    (r"Invalid value for '(.+?)'(?: \(env var: '\w+'\))?: ", r"\1 的值无效："),
    (r"'(.+?)' is not a valid int(?:eger)?(?: range)?\.?", r"“\1”不是整数。"),
    (r"'(.+?)' is not a valid float\.?", r"“\1”不是数字。"),
    (r"Input should be a valid integer.*", "应为整数。"),
    (r"Input should be a valid number.*", "应为数字。"),
    (r"Input should be (greater|less) than or equal to (\S+)", r"应\1等于 \2"),
    (r"'(.+?)' is not one of (.+?)\.", r"“\1”不在可选值 \2 之中。"),
    (r"'(.+?)' is not a valid boolean\.?", r"“\1”不是 true/false。"),
    (r"[Ff]ile '(.+?)' does not exist\.?", r"文件 \1 不存在。"),
    (r"[Ff]ile '(.+?)' is a directory\.?", r"\1 是一个目录，不是文件。"),
    (r"[Pp]ath '(.+?)' does not exist\.?", r"路径 \1 不存在。"),
    (r"(.+?) is not in the range (.+?)\.", r"\1 不在范围 \2 之内。"),
]


def _chinese_usage(message: str) -> str:
    for pattern, replacement in _USAGE_MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


def _translate_usage_error(exc: Exception) -> None:
    """Click's usage errors (vendored by Typer, so matched by their method): Typer prints
    them with exit code 2; make what it prints Chinese."""
    format_message = getattr(exc, "format_message", None)
    if callable(format_message) and hasattr(exc, "exit_code"):
        text = _chinese_usage(format_message())
        exc.format_message = lambda: text  # type: ignore[method-assign]


def fail(exc: GkError) -> None:
    """Print a project error for the clerk and exit with its code."""
    typer.echo(f"错误：{exc.message}", err=True)
    if exc.hint:
        typer.echo(f"提示：{exc.hint}", err=True)
    raise typer.Exit(exc.exit_code)


HELP_OPTION_TEXT = "显示帮助并退出"


def _chinese_help_option(command, ctx) -> None:
    """Give `command` and every command below it a Chinese --help text."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = HELP_OPTION_TEXT
    for sub in getattr(command, "commands", {}).values():
        _chinese_help_option(sub, ctx)


class GkGroup(TyperGroup):
    """The root group: every command runs inside this error boundary."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _chinese_help_option(command, ctx)
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
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
        except Exception as exc:
            _translate_usage_error(exc)
            raise

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except Exception as exc:
            _translate_usage_error(exc)
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


def _register_groups() -> None:
    from hunnan_gk.commands import appeal, calendar, catalog, db, fee, ledger, reports, requests

    app.add_typer(requests.app)
    app.add_typer(reports.app, name="report")
    app.add_typer(reports.top)
    app.add_typer(db.app, name="db")
    app.add_typer(calendar.app, name="calendar")
    app.add_typer(catalog.app, name="catalog")
    app.add_typer(fee.app, name="fee")
    app.add_typer(appeal.app, name="appeal")
    app.add_typer(ledger.app, name="ledger")


_register_groups()


def main() -> None:
    app()

