"""Typer in Chinese: the help and error panels, the --help option's text, and the vendored
Click's usage messages.

Typer imports `typer.rich_utils` (with rich.markdown, pygments …, about 0.1 s) only to print
help or a usage error; importing it up front to set the panel texts would cost every command
that, so `install()` leaves a hook that sets them when Typer first imports it.
tests/test_typer_zh.py checks every name below against the installed Typer.
"""

from __future__ import annotations

import importlib.util
import re
import sys

RICH_UTILS = "typer.rich_utils"

# Module-level strings of typer.rich_utils, in Chinese.
PANEL_TEXTS = {
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

HELP_OPTION_TEXT = "显示帮助并退出"

# The usage messages the installed Typer's Click can give our commands (pattern → replacement),
# applied in order; each has a test that provokes it through the CLI.
USAGE_MESSAGES = [
    (r"'-\w' / '(--[\w-]+)'", r"'\1'"),  # '-o' / '--output' → '--output'
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
    (r"[Ff]ile '(.+?)' is a directory\.?", r"\1 是一个目录，不是文件。"),
    (r"(.+?) is not in the range (.+?)\.", r"\1 不在范围 \2 之内。"),
]


class _ChinesePanels:
    """Sets PANEL_TEXTS on typer.rich_utils when Typer first imports it; steps aside if the
    module cannot be found. (A meta path finder and loader by protocol; importlib.abc itself
    costs an import.)"""

    def find_spec(self, name, path=None, target=None):
        if name != RICH_UTILS:
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
        _set_panel_texts(module)


def _set_panel_texts(module) -> None:
    for name, value in PANEL_TEXTS.items():
        setattr(module, name, value)


def install() -> None:
    """Make Typer's panels Chinese now if it has loaded them, else when it does (once)."""
    if RICH_UTILS in sys.modules:
        _set_panel_texts(sys.modules[RICH_UTILS])
    elif not any(isinstance(finder, _ChinesePanels) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ChinesePanels())


def chinese_usage(message: str) -> str:
    for pattern, replacement in USAGE_MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


def translate_usage_error(exc: Exception) -> None:
    """Click's usage errors (vendored by Typer, so matched by their method): Typer prints
    them with exit code 2; make what it prints Chinese."""
    format_message = getattr(exc, "format_message", None)
    if callable(format_message) and hasattr(exc, "exit_code"):
        text = chinese_usage(format_message())
        exc.format_message = lambda: text  # type: ignore[method-assign]


def chinese_help_option(command, ctx) -> None:
    """Give `command` and every command below it a Chinese --help text."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = HELP_OPTION_TEXT
    for sub in getattr(command, "commands", {}).values():
        chinese_help_option(sub, ctx)
