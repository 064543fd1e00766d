"""The CLI as a whole: help for every command, Chinese usage errors, the installed command."""

import os
import re
import shutil
import subprocess
import sys

import pytest
import typer

from hunnan_gk.cli import app
from tests.helpers import PROJECT, count_rows, register_args



def _commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, path + (name,))


ALL_COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path, command", ALL_COMMANDS, ids=[" ".join(p) or "root" for p, _ in ALL_COMMANDS])
def test_every_command_has_chinese_help(cli, path, command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert command.help and command.help.strip(), f"{path} has no help text"
    result = cli(*path, "--help")
    assert "…" not in result.stdout, "help cut off at 80 columns"
    assert result.exit_code == 0
    assert "显示帮助并退出" in result.stdout
    assert "Show this message" not in result.stdout
    if not getattr(command, "commands", None):  # a leaf command: its docstring gives an example
        assert "示例" in command.help, f"{' '.join(path)} has no example in its help"


def test_usage_errors_are_chinese_with_exit_2(cli):
    result = cli("register", "--applicant", "张三")
    assert result.exit_code == 2
    assert "缺少选项" in result.stderr and "Missing" not in result.stderr
    result = cli("nonsense")
    assert result.exit_code == 2 and "没有命令" in result.stderr
    result = cli("extend", "2024-0001", "--days", "many", "--approver", "x", "--reason", "y")
    assert result.exit_code == 2 and "整数" in result.stderr and "valid" not in result.stderr


def test_config_with_unknown_key_names_it(cli, config_file):
    config_file.write_text("timezone: Asia/Shanghai\nsmtp:\n  hots: mail.example.org\n", encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 2 and "smtp.hots" in result.stderr


def test_config_with_wrong_type_names_it(cli, config_file):
    config_file.write_text("lights:\n  yellow_days: soon\n", encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 2 and "lights.yellow_days" in result.stderr and "整数" in result.stderr


def test_broken_config_yaml_names_the_line(cli, config_file):
    config_file.write_text("timezone: Asia/Shanghai\nsmtp: [unclosed\n", encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 2 and "第" in result.stderr and "行" in result.stderr
    assert "Traceback" not in result.output


def test_bad_timezone_is_refused(cli, config_file):
    config_file.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 2 and "Mars/Olympus" in result.stderr


def test_missing_named_config_is_an_error(cli, isolated):
    result = cli("list", "--config", isolated / "nope.yaml")
    assert result.exit_code == 2 and "nope.yaml" in result.stderr


def test_config_in_current_folder_is_found(cli, isolated, monkeypatch):
    monkeypatch.delenv("HUNNAN_GK_CONFIG")
    monkeypatch.delenv("HUNNAN_GK_DB")
    (isolated / "hunnan-gk.yaml").write_text("db: here.db\n", encoding="utf-8")
    assert cli("db", "path").stdout.strip() == str(isolated / "here.db")


def test_installed_command_runs(isolated):
    """The console script when installed (CI installs it), else the module."""
    script = shutil.which("hunnan-gk")
    command = [script] if script else [sys.executable, "-m", "hunnan_gk"]
    result = subprocess.run(command + ["calendar", "add", "2024-04-01", "20"], capture_output=True,
                            text=True, cwd=PROJECT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "2024-04-29"
    result = subprocess.run(command + ["show", "2024-0001", "--db", str(isolated / "none.db")],
                            capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert result.returncode == 3 and "不存在" in result.stderr and "Traceback" not in result.stderr


def test_extra_argument_is_chinese(cli):
    result = cli("db", "path", "extra")
    assert result.exit_code == 2 and "多余的参数" in result.stderr


def test_a_directory_where_a_file_is_expected(cli, isolated):
    result = cli("catalog", "export", "catalogs/none.yaml", "--format", "html", "-o", isolated)
    assert result.exit_code == 2
    flat = re.sub(r"[\s│╭╮╰╯─]", "", result.stderr)  # the panel wraps long paths
    assert "--output的值无效" in flat and "是一个目录" in flat


@pytest.mark.parametrize("key", ["db:", "holidays:", "timezone:", "lights:\n  yellow_days:", "numbering:\n  prefix:"])
def test_a_config_key_left_empty_means_not_set(cli, config_file, key):
    config_file.write_text(f"{key}\n", encoding="utf-8")
    result = cli("calendar", "add", "2024-04-01", "20")
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "2024-04-29"


def test_a_directory_as_database_is_chinese(cli, isolated):
    result = cli("list", "--db", isolated)
    assert result.exit_code == 2
    flat = re.sub(r"[\s│╭╮╰╯─]", "", result.stderr)
    assert "--db的值无效" in flat and "Invalid" not in flat


def test_an_output_file_whose_suffix_says_no_format_is_refused(cli, isolated):
    from hunnan_gk.storage.db import open_db

    open_db(isolated / "gk.db").conn.close()
    result = cli("report", "annual", "--year", "2024", "-o", isolated / "out.pdf")
    assert result.exit_code == 2 and "判断输出格式" in result.stderr
    assert not (isolated / "out.pdf").exists()


@pytest.mark.parametrize("prefix", ["浑南依申〔{yr}〕{seq}", "浑南依申〔2024〕{seq:04d}号", "{year}-{seq:09d}"])
def test_a_bad_number_prefix_is_a_config_error(cli, config_file, prefix):
    config_file.write_text(f"numbering:\n  prefix: \"{prefix}\"\n", encoding="utf-8")
    result = cli("calendar", "add", "2024-04-01", "20")  # any command: the config is checked first
    assert result.exit_code == 2 and "numbering.prefix" in result.stderr


def test_a_prefix_without_the_year_is_refused_and_registers_nothing(cli, isolated, config_file):
    config_file.write_text("numbering:\n  prefix: \"浑南依申〔2026〕{seq:04d}号\"\n", encoding="utf-8")
    result = cli("register", *register_args())
    assert result.exit_code == 2 and "numbering.prefix" in result.stderr and "{year}" in result.stderr
    assert count_rows(isolated / "gk.db", "requests") == 0


@pytest.mark.parametrize(
    "args",
    [["catalog", "validate", "\x00"], ["list", "--db", "a\x00b"], ["calendar", "add", "2024-04-01", "1", "--config", "\x00"]],
)
def test_a_path_with_a_nul_character_is_a_usage_error(cli, args):
    result = cli(*args)
    assert result.exit_code == 2 and "空字符" in result.stderr


def _run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """Run the tool with stdout a pipe nobody reads any more (`hunnan-gk list | head -1`
    once head has gone): the read end is closed before the command starts."""
    from tests.helpers import subprocess_env

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "hunnan_gk", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=subprocess_env(), timeout=60)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ("list",),  # a Rich table
    ("list", "--json"),  # JSON written in one piece, flushed at the end
    ("calendar", "years"),  # line by line
    (),  # a group's help when no command is given
    ("--version",),
])
def test_a_closed_stdout_ends_quietly_with_exit_0(cli, args):
    from tests.helpers import register

    register(cli, "2024-04-01")
    result = _run_into_a_closed_pipe(*args)
    assert (result.returncode, result.stderr) == (0, "")


def test_started_with_stdout_closed_no_command_fails_and_no_file_takes_its_place(cli, isolated):
    """`hunnan-gk … >&-`: Python has no sys.stdout, and descriptor 1 is free — the next file
    opened would get it. `list` ends quietly (it used to end in a traceback), and an export
    opened then is written whole, with nothing meant for stdout in it."""
    from tests.helpers import register, subprocess_env

    register(cli, "2024-04-01")
    base = " ".join(f"'{a}'" for a in [sys.executable, "-m", "hunnan_gk"])
    for args in ("list", "list --json"):
        result = subprocess.run(["sh", "-c", f"{base} {args} >&-"], env=subprocess_env(),
                                stderr=subprocess.PIPE, text=True, timeout=60)
        assert (result.returncode, result.stderr) == (0, ""), args
    target = isolated / "out.csv"
    result = subprocess.run(["sh", "-c", f"{base} ledger export -o '{target}' >&-"], env=subprocess_env(),
                            stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("编号,") and "已导出" not in text


def test_a_closed_stdout_keeps_a_refusals_code_and_message():
    result = _run_into_a_closed_pipe("show", "2024-0009")
    assert result.returncode == 1 and result.stderr.startswith("错误：找不到申请 2024-0009")


def test_a_broken_pipe_that_is_not_stdouts_is_no_success(cli, monkeypatch):
    """A socket's broken pipe (an SMTP server hanging up) is not a reader leaving."""
    def hang_up(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("hunnan_gk.workdays.WorkCalendar.add", hang_up)
    assert cli("calendar", "add", "2024-04-01", "20").exit_code == 1
