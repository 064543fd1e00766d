"""typer_zh: Typer's panels, the --help text and Click's usage messages, in Chinese."""

from __future__ import annotations

import ast
import importlib.machinery
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from hunnan_gk import typer_zh


def _rich_utils_names() -> set[str]:
    """The module-level names the installed typer.rich_utils defines, read from its source
    (importing it would run our hook, which sets the names whether Typer has them or not)."""
    spec = importlib.machinery.PathFinder.find_spec("rich_utils", typer.__path__)
    assert spec is not None and spec.origin, "typer.rich_utils not found"
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_every_patched_name_exists_in_the_installed_typer():
    missing = set(typer_zh.PANEL_TEXTS) - _rich_utils_names()
    assert not missing, f"typer.rich_utils no longer has {sorted(missing)}: Typer changed its names"


def test_the_panel_texts_are_set_when_typer_loads_rich_utils():
    """In a fresh interpreter: loading the CLI leaves rich_utils alone, and the first import
    of it (as for --help) finds the Chinese texts already set."""
    code = (
        "import sys, hunnan_gk.cli\n"
        "assert 'typer.rich_utils' not in sys.modules\n"
        "import typer.rich_utils as r\n"
        "print(r.OPTIONS_PANEL_TITLE, r.ARGUMENTS_PANEL_TITLE)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["选项", "参数"]


def test_install_twice_leaves_one_hook(monkeypatch):
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.delitem(sys.modules, typer_zh.RICH_UTILS, raising=False)
    typer_zh.install()
    typer_zh.install()
    assert sum(isinstance(f, typer_zh._ChinesePanels) for f in sys.meta_path) == 1


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
    r"Missing argument '(.+?)'\.?": (["show"], "缺少参数 number。"),
    r"No such option: (\S+)": (["list", "--bogus"], "没有选项 --bogus"),
    r"No such command '(.+?)'\.?": (["bogus"], "没有命令 bogus。"),
    r"Did you mean (.+?)\?": (["lst"], "您是否想输入 'list'？"),
    r"\(Possible options: (.+?)\)": (["list", "--opn"], "（可能是：--config, --json, --open）"),
    r"Option '(.+?)' requires an argument\.?": (["list", "--stage"], "选项 --stage 需要一个值。"),
    r"Option '(.+?)' does not take a value\.?": (["list", "--open=yes"], "选项 --open 不带值。"),
    r"Got unexpected extra argument(?:s|\(s\))? \((.+?)\)": (["show", "2024-1", "a", "b"], "多余的参数：a b"),
    r"Invalid value for '(.+?)'(?: \(env var: '\w+'\))?: ": (["report", "annual", "--year", "x"], "--year 的值无效："),
    r"'(.+?)' is not a valid int(?:eger)?(?: range)?\.?": (["fee", "quote", "2024-1", "--pages", "abc"], "“abc”不是整数。"),
    r"[Ff]ile '(.+?)' is a directory\.?": (["db", "backup", "."], ". 是一个目录，不是文件。"),
    r"(.+?) is not in the range (.+?)\.": (["fee", "quote", "2024-1", "--pages", "-1"], "-1 不在范围 x>=0 之内。"),
}


def test_every_usage_pattern_has_a_case():
    assert [pattern for pattern, _ in typer_zh.USAGE_MESSAGES] == list(USAGE_CASES)


def _one_line(text: str) -> str:
    """The error panel's text joined up: box characters and wrapping removed."""
    return re.sub(r"\s+", " ", re.sub(r"[╭╮╰╯─│]", " ", text)).strip()


@pytest.mark.parametrize("pattern", list(USAGE_CASES))
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
