"""typer_zh: Typer's panels, the --help text and Click's usage messages, in Chinese."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from hunnan_gk import typer_zh


def test_help_is_rendered_without_typers_rich_utils():
    """In a fresh interpreter: --help never imports typer.rich_utils, rich.markdown or pygments
    (a tenth of a second, and the source of `Usage:` and `<str>`)."""
    code = (
        "import sys\n"
        "from hunnan_gk.cli import app\n"
        "try:\n"
        "    app(['advance', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('typer.rich_utils', 'rich.markdown', 'pygments') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "用法：" in done.stdout and "HEAVY []" in done.stdout


def test_usage_line_and_metavars(cli):
    result = cli("advance", "--help")
    assert result.stdout.startswith("用法：hunnan-gk advance [选项] 申请编号\n")
    assert "--on 日期" in result.stdout and "--db 文件" in result.stdout
    assert "--outcome 答复类型" in result.stdout
    for tag in ("<str>", "<file>", "<int", "{number}", "Usage"):
        assert tag not in result.stdout
    result = cli("report", "--help")
    assert result.stdout.startswith("用法：hunnan-gk report [选项] 命令 [参数]...\n")


def test_a_range_is_said_in_chinese(cli):
    result = cli("fee", "quote", "--help")
    assert "[不小于 0]" in result.stdout and "x>=" not in result.stdout


@pytest.mark.parametrize(
    ("help", "metavar"),
    [("申请编号，如 2024-0001", "申请编号"), ("目录文件（YAML）", "目录文件"), ("备份文件路径", "备份文件路径"),
     ("a path", "路径"), (None, "路径")],
)
def test_an_argument_without_a_metavar_is_named_by_its_help(help, metavar):
    param = _param("argument", [], "path", help=help)
    assert typer_zh.metavar_of(param) == metavar


def _param(kind, opts, type_name, *, help=None, metavar=None):
    """What metavar_of reads of a Click parameter."""
    from types import SimpleNamespace

    return SimpleNamespace(param_type_name=kind, opts=opts, type=SimpleNamespace(name=type_name),
                           help=help, metavar=metavar)


def test_an_option_without_a_metavar_is_named_by_its_name_or_type():
    assert typer_zh.metavar_of(_param("option", ["--on"], "text")) == "日期"
    assert typer_zh.metavar_of(_param("option", ["--zzz"], "integer")) == "整数"
    assert typer_zh.metavar_of(_param("option", ["--zzz"], "text")) == "值"
    assert typer_zh.metavar_of(_param("option", ["--to"], "text", metavar="环节")) == "环节"
    assert typer_zh.metavar_of(_param("option", ["--on"], "text", metavar="DATE")) == "日期"


@pytest.mark.parametrize("args", [[], ["report"], ["consult"], ["db"]])
def test_a_group_without_a_subcommand_prints_its_help_and_exits_0(cli, args):
    result = cli(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"用法：{' '.join(['hunnan-gk', *args])} [选项] 命令")
    assert result.stderr == ""


def test_a_usage_error_reads_like_every_other_error(cli):
    result = cli("show")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "错误：缺少参数“申请编号”。",
        "用法：hunnan-gk show [选项] 申请编号",
        "提示：运行 hunnan-gk show -h 查看帮助",
    ]


@pytest.mark.parametrize("path", [("show",), ("catalog", "validate"), ("calendar", "add")])
def test_help_shows_chinese_panels_and_no_english_titles(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert "选项" in result.stdout and "参数" in result.stdout
    assert "Options" not in result.stdout and "Arguments" not in result.stdout


def test_root_help_lists_commands_in_chinese(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert "命令" in result.stdout and "Commands" not in result.stdout


# One case per pattern of typer_zh.USAGE_MESSAGES: the arguments that make Click give that
# message, and what the clerk reads instead.
USAGE_CASES = {
    r"'-\w' / '(--[\w-]+)'": (["ledger", "export"], "缺少选项 --output。"),
    r"Missing option '(.+?)'\.?": (["register"], "缺少选项 --applicant。"),
    r"Missing argument '(.+?)'\.?": (["show"], "缺少参数“申请编号”。"),
    r"No such option: (\S+)": (["list", "--bogus"], "没有选项 --bogus"),
    r"No such command '(.+?)'\.?": (["bogus"], "没有命令 bogus。"),
    r"Did you mean (.+?)\?": (["lst"], "您是否想输入 'list'？"),
    r"\(Possible options: (.+?)\)": (["list", "--opn"], "（可能是：--json, --open, --phone）"),
    r"Option '(.+?)' requires an argument\.?": (["list", "--stage"], "选项 --stage 需要一个值。"),
    r"Option '(.+?)' does not take a value\.?": (["list", "--open=yes"], "选项 --open 不带值。"),
    r"Got unexpected extra argument(?:s|\(s\))? \((.+?)\)": (["show", "2024-1", "a", "b"], "多余的参数：a b"),
    r"Invalid value for '(.+?)'(?: \(env var: '\w+'\))?: ": (["report", "annual", "--year", "x"], "--year 的值无效："),
    r"'(.+?)' is not a valid int(?:eger)?(?: range)?\.?": (["fee", "quote", "2024-1", "--pages", "abc"], "“abc”不是整数。"),
    r"[Ff]ile '(.+?)' is a directory\.?": (["db", "backup", "."], ". 是一个目录，不是文件。"),
    r"(.+?) is not in the range x>=(-?\d+)\.": (["fee", "quote", "2024-1", "--pages", "-1"], "-1 小于 0。"),
    r"(.+?) is not in the range x<=(-?\d+)\.": None,
    r"(.+?) is not in the range (-?\d+)<=x<=(-?\d+)\.": None,
}


def test_every_usage_pattern_has_a_case():
    assert [pattern for pattern, _ in typer_zh.USAGE_MESSAGES] == list(USAGE_CASES)


def _one_line(text: str) -> str:
    """The error panel's text joined up: box characters and wrapping removed."""
    return re.sub(r"\s+", " ", re.sub(r"[╭╮╰╯─│]", " ", text)).strip()


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("12 is not in the range x<=10.", "12 大于 10。"), ("0 is not in the range 1<=x<=5.", "0 不在 1 至 5 之间。")],
)
def test_ranges_no_command_has_yet(english, chinese):
    assert typer_zh.chinese_usage(english) == chinese


@pytest.mark.parametrize("pattern", [p for p, case in USAGE_CASES.items() if case])
def test_usage_message_is_translated(cli, monkeypatch, pattern):
    monkeypatch.setenv("COLUMNS", "200")  # one line in the panel, so the message is not wrapped
    args, chinese = USAGE_CASES[pattern]
    result = cli(*args)
    assert result.exit_code == 2
    shown = _one_line(result.stderr)
    assert chinese in shown
    assert not re.search(pattern, shown), "the English message is still there"


def test_the_env_var_form_of_invalid_value_is_translated(cli, monkeypatch, isolated):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("HUNNAN_GK_DB", str(isolated))  # a directory
    result = cli("list")
    assert result.exit_code == 2
    shown = _one_line(result.stderr)
    assert "--db 的值无效：" in shown and "env var" not in shown


def test_the_command_tree_is_built_as_it_is_used():
    """The root's help lists every command from the docstrings without building one; running
    a command builds its own branch only."""
    import typer.main

    from hunnan_gk.cli import app

    root = typer.main.get_command(app)
    assert isinstance(root.commands, typer_zh.LazyCommands)
    assert list(root.commands)[:3] == ["register", "advance", "outcomes"]
    assert root.commands.summary("show") == "显示一件申请：环节、答复期限和办理记录。"
    assert not root.commands._built
    report = root.commands["report"]
    assert set(root.commands._built) == {"report"}
    assert "overdue" in list(report.commands) and report.commands["overdue"].name == "overdue"


def test_the_command_table_names_every_command_of_each_module():
    """cli.COMMAND_MODULES says which module holds which root command without importing it:
    each module's commands are exactly the names given, and every module of commands/ is there."""
    import importlib
    import pkgutil

    import hunnan_gk.commands
    from hunnan_gk.cli import COMMAND_MODULES

    for module, attribute, name, names in COMMAND_MODULES:
        instance = getattr(importlib.import_module(f"hunnan_gk.commands.{module}"), attribute)
        found = tuple(entry[0] for entry in typer_zh._entries(instance, True, {
            "pretty_exceptions_short": True, "rich_markup_mode": "rich"}))
        if name is None:
            assert found == names, module
        else:
            assert names == () and found, module
    listed = {module for module, *_ in COMMAND_MODULES}
    shared = {"common", "pauses", "annual", "performance"}  # helpers, and commands joined into another app
    assert {m.name for m in pkgutil.iter_modules(hunnan_gk.commands.__path__)} - shared == listed
