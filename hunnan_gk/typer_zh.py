"""Typer in Chinese: the help pages, the usage line and the vendored Click's usage errors.

The help is rendered here from the Click command tree rather than by `typer.rich_utils`: that
module imports rich.markdown, markdown-it and pygments (about 0.1 s, half of what `--help`
cost), prints `Usage:` and type tags (`<str>`, `<int range> [x>=0]`) no clerk can read, and
names arguments `{number}`. Here every parameter gets a Chinese metavar (`--on 日期`,
`申请编号`) which the help, the usage line and the error messages all use, so an error names
a parameter the way the help does.

A usage error prints like every other error of the tool (`错误：…`, then the usage line and
where to find help) with exit code 2; a group run without a subcommand prints its help and
exits 0. `install()` puts these into Typer's command classes once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import MutableMapping
from typing import Any

HELP_OPTION_TEXT = "显示帮助并退出"
OPTIONS_TITLE = "选项"
ARGUMENTS_TITLE = "参数"
COMMANDS_TITLE = "命令"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."

# What a value of an option is, by the option's name, when its definition names no metavar.
METAVARS = {
    "--on": "日期",
    "--received": "日期",
    "--until": "日期",
    "--as-of": "日期",
    "--received-from": "日期",
    "--received-to": "日期",
    "--formed": "日期",
    "--db": "文件",
    "--config": "文件",
    "--output": "文件",
    "--format": "格式",
    "--year": "年份",
    "--days": "工作日数",
    "--pages": "页数",
    "--applicant": "姓名或名称",
    "--type": "类型",
    "--kind": "类型",
    "--channel": "方式",
    "--delivery": "方式",
    "--content": "内容",
    "--id-number": "号码",
    "--phone": "号码",
    "--email": "邮箱",
    "--address": "地址",
    "--department": "单位",
    "--unit": "单位",
    "--clerk": "姓名",
    "--approver": "姓名",
    "--note": "备注",
    "--reason": "理由",
    "--outcome": "答复类型",
    "--expect": "环节",
    "--stage": "环节",
    "--party": "对象",
    "--search": "文字",
    "--light": "灯色",
    "--fail-on": "灯色",
    "--min-light": "灯色",
    "--result": "结果",
    "--name": "名称",
    "--title": "标题",
    "--url": "网址",
}
# …else by the kind of value (Click's type names).
TYPE_METAVARS = {"file": "文件", "path": "路径", "integer": "整数", "int": "整数", "float": "数", "int range": "整数"}
DEFAULT_METAVAR = "值"

# The usage messages Click can give our commands (pattern → replacement), applied in order;
# tests/test_typer_zh.py provokes each one through the CLI.
USAGE_MESSAGES = [
    (r"'-\w' / '(--[\w-]+)'", r"'\1'"),  # '-o' / '--output' → '--output'
    (r"Missing option '(.+?)'\.?", r"缺少选项 \1。"),
    (r"Missing argument '(.+?)'\.?", r"缺少参数“\1”。"),
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
    (r"(.+?) is not in the range x>=(-?\d+)\.", r"\1 小于 \2。"),
    (r"(.+?) is not in the range x<=(-?\d+)\.", r"\1 大于 \2。"),
    (r"(.+?) is not in the range (-?\d+)<=x<=(-?\d+)\.", r"\1 不在 \2 至 \3 之间。"),
]


def chinese_usage(message: str) -> str:
    for pattern, replacement in USAGE_MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


# ---------------------------------------------------------------------------------------------
# Metavars


def _first_words(text: str) -> str:
    """`text` up to its first comma, bracket, colon, 、, semicolon or space (a loop: that
    character class takes `re` ≈0.7 ms to compile)."""
    for index, char in enumerate(text):
        if char in "，,（(：:、；;" or char.isspace():
            return text[:index]
    return text


def metavar_of(param) -> str:
    """The Chinese name of a parameter's value: its own metavar when that is not ASCII; for an
    argument, else the first words of its help (申请编号，如 … → 申请编号); for an option, else
    by the option's name; else by its type."""
    own = getattr(param, "metavar", None)
    if own and not own.isascii():
        return own
    if param.param_type_name == "argument":
        lead = _first_words(param.help or "")
        if lead and not lead.isascii() and len(lead) <= 10:
            return lead
    for name in sorted(getattr(param, "opts", ()), key=len, reverse=True):
        if name in METAVARS:
            return METAVARS[name]
    return TYPE_METAVARS.get(param.type.name, DEFAULT_METAVAR)


def localise(command, ctx) -> None:
    """Give `command` and every command below it a Chinese --help text and Chinese metavars
    (which Click's own error messages then use too)."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = HELP_OPTION_TEXT
    for param in command.params:
        if not getattr(param, "is_flag", False):
            param.metavar = metavar_of(param)
    for sub in getattr(command, "commands", {}).values():
        localise(sub, ctx)


def _argument_usage(param) -> str:
    name = param.metavar or param.name
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"


def usage_line(command, ctx) -> str:
    """用法：hunnan-gk advance [选项] 申请编号"""
    pieces = [OPTIONS_METAVAR]
    pieces += [_argument_usage(p) for p in command.get_params(ctx) if p.param_type_name == "argument"]
    if getattr(command, "commands", None) is not None:
        pieces.append(SUBCOMMAND_METAVAR)
    return f"用法：{ctx.command_path} {' '.join(pieces)}"


# ---------------------------------------------------------------------------------------------
# Help pages


def _help_paragraphs(text: str) -> list[str]:
    """A docstring's paragraphs (up to a \\f line). A line that ends a sentence, and every
    示例 line, stays a line of its own; a sentence wrapped in the source is joined up again
    (the console wraps it at the terminal's width)."""
    import inspect

    text = inspect.cleandoc(text or "").partition("\f")[0]
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        for line in (part.strip() for part in paragraph.splitlines()):
            if lines and not lines[-1].endswith(_SENTENCE_ENDS) and not line.startswith("示例"):
                space = " " if lines[-1][-1:].isascii() and line[:1].isascii() else ""
                lines[-1] += space + line
            elif line:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return paragraphs


_SENTENCE_ENDS = ("。", "；", "！", "？", "：", ":")


def _first_paragraph(text: str) -> str:
    paragraphs = _help_paragraphs(text)
    return paragraphs[0] if paragraphs else ""


def _range_text(kind) -> str:
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    if low is not None and high is not None:
        return f"{low} 至 {high}"
    if low is not None:
        return f"不小于 {low}"
    if high is not None:
        return f"不大于 {high}"
    return ""


def _parameter_notes(param, ctx) -> list[str]:
    """What the help says beside a parameter's text: range, default, environment variable, 必填."""
    notes = []
    limits = _range_text(param.type)
    if limits:
        notes.append(f"[{limits}]")
    default = param.default
    shows_default = getattr(param, "show_default", None) is not False
    if (
        param.param_type_name == "option"
        and shows_default
        and not getattr(param, "is_flag", False)
        and default not in (None, "", (), [])
        and not callable(default)
    ):
        notes.append(f"[默认：{default}]")
    if getattr(param, "show_envvar", False) and param.envvar:
        notes.append(f"[环境变量：{param.envvar}]")
    if param.required:
        notes.append("[必填]")
    return notes


def _parameter_name(param) -> str:
    if param.param_type_name == "argument":
        return param.metavar or param.name
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), len(o)))
    shown = ", ".join(names)
    if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        shown += f" {param.metavar or metavar_of(param)}"
    return shown


# ANSI styles for a terminal (no colour when piped or with NO_COLOR, like the rest of the tool).
_BOLD, _NAME, _DIM, _RESET = "\x1b[1m", "\x1b[1;36m", "\x1b[2m", "\x1b[0m"
_NAME_SHARE = 0.45  # the name column takes at most this share of a panel


def render_help(command, ctx, *, width: int | None = None, colour: bool | None = None) -> str:
    """The help page of `command`: usage line, docstring, arguments, options, subcommands, in
    rounded panels `width` columns wide (the terminal's, at most 120), Chinese wrapped as
    Chinese (textwidth.wrap)."""
    import os
    import shutil

    from hunnan_gk.textwidth import wrap

    if width is None:
        width = min(shutil.get_terminal_size((80, 24)).columns, 120)
    if colour is None:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    style = (lambda code, text: f"{code}{text}{_RESET}") if colour else (lambda code, text: text)

    out = [style(_BOLD, usage_line(command, ctx)), ""]
    for paragraph in _help_paragraphs(command.help or ""):
        out += wrap(paragraph, width - 1) + [""]

    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    for title, kind in ((ARGUMENTS_TITLE, "argument"), (OPTIONS_TITLE, "option")):
        rows = [
            (_parameter_name(p), " ".join([p.help or "", *_parameter_notes(p, ctx)]).strip())
            for p in params
            if p.param_type_name == kind
        ]
        out += _panel(title, rows, width, style)
    subcommands = getattr(command, "commands", None)
    if subcommands:
        if isinstance(subcommands, LazyCommands):  # from the docstrings, nothing built
            rows = [(name, subcommands.summary(name)) for name in subcommands]
        else:
            rows = [
                (name, sub.short_help or _first_paragraph(sub.help or "").split("\n")[0])
                for name, sub in subcommands.items()
                if not sub.hidden
            ]
        out += _panel(COMMANDS_TITLE, rows, width, style)
    return "\n".join(out).rstrip("\n") + "\n"


def _panel(title: str, rows: list[tuple[str, str]], width: int, style) -> list[str]:
    """A rounded box titled `title` holding two columns: names, and text wrapped beside them."""
    from hunnan_gk.textwidth import cell_width, pad, wrap

    if not rows:
        return []
    inner = width - 4  # "│ " … " │"
    names = max(cell_width(name) for name, _ in rows)
    name_width = min(names, max(int(inner * _NAME_SHARE), 8))
    text_width = max(inner - name_width - 2, 10)
    border = lambda text: style(_DIM, text)  # noqa: E731
    lines = [border(f"╭─ {title} " + "─" * max(width - 5 - cell_width(title), 0) + "╮")]
    for name, text in rows:
        name_lines = wrap(name, name_width)
        text_lines = wrap(text, text_width) if text else [""]
        if len(name_lines) > 1 or cell_width(name) > name_width:  # a long name: its text below it
            text_lines = [""] * len(name_lines) + text_lines
        for index in range(max(len(name_lines), len(text_lines))):
            left = name_lines[index] if index < len(name_lines) else ""
            right = text_lines[index] if index < len(text_lines) else ""
            cell = pad(left, name_width)
            body = f"{style(_NAME, cell) if left else cell}  {pad(right, text_width)}"
            lines.append(f"{border('│')} {body} {border('│')}")
    lines.append(border("╰" + "─" * (width - 2) + "╯"))
    return lines


# ---------------------------------------------------------------------------------------------
# Usage errors


def is_usage_error(exc: BaseException) -> bool:
    """A Click usage error of the vendored Click (told by its methods, Click is not ours to import)."""
    return callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)


def usage_error_text(exc: Any) -> str:
    """What a usage error prints: the message in Chinese, the usage line, where to find help."""
    from hunnan_gk.safetext import message_text

    lines = [f"错误：{message_text(chinese_usage(exc.format_message()))}"]
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        lines.append(usage_line(ctx.command, ctx))
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"提示：运行 {ctx.command_path} {ctx.help_option_names[0]} 查看帮助")
    return "\n".join(lines)


def handle_click_exception(exc: BaseException) -> None:
    """Turn a Click usage error into the tool's own output and exit code: a group run
    without a subcommand prints its help (exit 0); any other prints 错误：… (exit 2)."""
    import typer

    if not is_usage_error(exc):
        return
    if type(exc).__name__ == "NoArgsIsHelpError":
        try:
            typer.echo(exc.ctx.get_help())
        except BrokenPipeError:  # `hunnan-gk | head -1`: ends quietly, like any closed stdout
            from hunnan_gk.stdio import quiet_stdout

            quiet_stdout()
        raise typer.Exit(0)
    typer.echo(usage_error_text(exc), err=True)
    raise typer.Exit(exc.exit_code)


# ---------------------------------------------------------------------------------------------
# Installing into Typer's command classes


def _format_help(self, ctx, formatter) -> None:
    formatter.write(render_help(self, ctx))


def _format_usage(self, ctx, formatter) -> None:
    formatter.write(usage_line(self, ctx) + "\n")


# ---------------------------------------------------------------------------------------------
# A command tree built as it is used


class LazyCommands(MutableMapping):
    """A group's subcommands, each built (by Typer, from its function) the first time it is
    looked up. Typer builds the whole tree, some sixty commands, on every start (≈0.1 s, as
    long as Python and Typer take to load); a command needs only its own branch, and the
    root's help only the names and summaries, which come from the docstrings."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self._builders: dict[str, Any] = {}
        self._summaries: dict[str, str] = {}
        self._order: list[str] = []

    def add(self, name: str, builder, summary) -> None:
        """`summary`: the first line of its help, or a function giving it."""
        if name not in self._builders and name not in self._built:
            self._order.append(name)
        self._builders[name], self._summaries[name] = builder, summary

    def summary(self, name: str) -> str:
        if name in self._summaries:
            if callable(self._summaries[name]):
                self._summaries[name] = self._summaries[name]()
            return self._summaries[name]
        command = self[name]
        return command.short_help or _first_paragraph(command.help or "").split("\n")[0]

    def __getitem__(self, name: str):
        if name not in self._built:
            if name not in self._builders:
                raise KeyError(name)
            self._built[name] = self._builders.pop(name)()
        return self._built[name]

    def __setitem__(self, name: str, command) -> None:
        if name not in self._built and name not in self._builders:
            self._order.append(name)
        self._builders.pop(name, None)
        self._summaries.pop(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._built.pop(name, None)
        self._builders.pop(name, None)
        self._order.remove(name)

    def __iter__(self):
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)


def _lazy_group_from_info(group_info, *, pretty_exceptions_short, suggest_commands, rich_markup_mode):
    """typer.main.get_group_from_info, with the subcommands in a LazyCommands."""
    import copy

    options = {"pretty_exceptions_short": pretty_exceptions_short, "rich_markup_mode": rich_markup_mode}
    instance = group_info.typer_instance
    shell_info = copy.copy(group_info)
    shell_info.typer_instance = shell = copy.copy(instance)
    shell.registered_commands, shell.registered_groups = [], []
    group = _ORIGINAL_GROUP_FROM_INFO(shell_info, suggest_commands=suggest_commands, **options)
    commands = LazyCommands()
    _add_lazily(commands, instance, suggest_commands, options)
    group.commands = commands
    return group


def _add_lazily(commands: LazyCommands, instance, suggest_commands: bool, options: dict) -> None:
    """Every subcommand of the Typer app `instance`, as a builder and a summary; and those of
    the modules it names with `lazy_typer`, without importing them until asked."""
    for name, builder, summary in _entries(instance, suggest_commands, options):
        commands.add(name, builder, summary)
    for module, attribute, group_name, names in getattr(instance, "lazy_typers", ()):
        for name in ([group_name] if group_name else names):
            def loaded(name=name, module=module, attribute=attribute, group_name=group_name):
                return _entry_of(module, attribute, group_name, name, suggest_commands, options)

            commands.add(name, lambda loaded=loaded: loaded()[0](), lambda loaded=loaded: loaded()[1])


def _entries(instance, suggest_commands: bool, options: dict):
    """(name, builder, summary) of each subcommand of `instance`; an app added without a
    name gives its own subcommands."""
    import inspect

    import typer.main as typer_main

    for info in instance.registered_commands:
        name = info.name or typer_main.get_command_name(info.callback.__name__)
        summary = info.short_help or _first_paragraph(info.help or inspect.getdoc(info.callback) or "")
        yield name, (lambda info=info: typer_main.get_command_from_info(info, **options)), summary.split("\n")[0]
    for info in instance.registered_groups:
        solved = typer_main.solve_typer_info_defaults(info)
        if solved.name:
            yield (solved.name,
                   lambda info=info: _lazy_group_from_info(info, suggest_commands=suggest_commands, **options),
                   (solved.short_help or _first_paragraph(solved.help or "")).split("\n")[0])
        else:  # a group added without a name: its commands join this one
            yield from _entries(info.typer_instance, suggest_commands, options)


def _entry_of(module: str, attribute: str, group_name: str | None, name: str, suggest_commands: bool,
              options: dict):
    """The builder and summary of command `name` from the Typer app `attribute` of `module`
    (imported now), added under `group_name`, or merged into its parent when that is None."""
    import importlib

    import typer

    instance = getattr(importlib.import_module(module), attribute)
    if group_name:
        wrapper = typer.Typer()
        wrapper.add_typer(instance, name=group_name)
        instance = wrapper
    for found, builder, summary in _entries(instance, suggest_commands, options):
        if found == name:
            return builder, summary
    raise KeyError(f"{module}.{attribute} has no command {name}")


def lazy_typer(app, module: str, attribute: str = "app", *, name: str | None = None,
               names: tuple[str, ...] = ()) -> None:
    """Add the Typer app `attribute` of `module` to `app` as `app.add_typer` would (under
    `name`, or its commands `names` joining `app`), importing the module only when one of its
    commands is run or listed with its summary. tests/test_typer_zh.py checks `names`."""
    if not hasattr(app, "lazy_typers"):
        app.lazy_typers = []
    app.lazy_typers.append((module, attribute, name, names))


def _list_commands(self, ctx) -> list[str]:
    return list(self.commands)  # names only: nothing is built to list them


_ORIGINAL_GROUP_FROM_INFO = None


def install() -> None:
    """Render help and usage for every Typer command with the functions above, and build the
    command tree as it is used."""
    global _ORIGINAL_GROUP_FROM_INFO
    import typer.main as typer_main
    from typer.core import TyperCommand, TyperGroup

    for cls in (TyperCommand, TyperGroup):
        cls.format_help = _format_help
        cls.format_usage = _format_usage
    TyperGroup.list_commands = _list_commands
    if _ORIGINAL_GROUP_FROM_INFO is None:
        _ORIGINAL_GROUP_FROM_INFO = typer_main.get_group_from_info
        typer_main.get_group_from_info = _lazy_group_from_info
