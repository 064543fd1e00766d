"""The command layer: one set of shared options (commands/common.py) and one shape for the
transition commands (advance, return, supplement, consult, extend, withdraw)."""

from __future__ import annotations

import json
import re

import pytest

from hunnan_gk.commands.common import format_option
from tests.helpers import PROJECT, count_rows, register

COMMANDS = PROJECT / "hunnan_gk" / "commands"

# Options every command module takes from commands/common.py instead of spelling them again.
SHARED = ('"--on"', '"--clerk"', '"--note"', '"--config"', '"--json"', '"--format"', '"--db"')


@pytest.mark.parametrize(
    "path", sorted(p for p in COMMANDS.glob("*.py") if p.name != "common.py"), ids=lambda p: p.name
)
def test_command_modules_take_the_shared_options_from_common(path):
    source = path.read_text(encoding="utf-8")
    own = re.findall(r"typer\.(?:Option|Argument)\(\s*(\"-[^\"]*\")", source)
    # `demo --db` is its own on purpose: no HUNNAN_GK_DB, so the demo never fills the office's database.
    allowed = {'"--db"'} if path.name == "reports.py" else set()
    assert not (set(own) & set(SHARED)) - allowed
    assert 'typer.Argument(help="申请编号' not in source


def test_format_help_lists_the_choices_and_the_default():
    option = format_option(("table", "json", "csv"), "table").__metadata__[0]
    assert option.help == "输出格式：table、json 或 csv（默认 table）"
    option = format_option(("csv", "xlsx"), "按 -o 的扩展名，否则 csv").__metadata__[0]
    assert option.help == "输出格式：csv 或 xlsx（默认按 -o 的扩展名，否则 csv）"


# Each transition command, what it prints after the number, and where the request then stands.
TRANSITIONS = [
    (["advance", "2024-0001", "--expect", "review", "--on", "2024-04-02", "--note", "材料齐全"],
     "已完成上一环节。当前环节：查找信息"),
    (["advance", "2024-0001", "--on", "2024-04-08"], "已完成上一环节。当前环节：保密审查"),
    (["return", "2024-0001", "--to", "review", "--reason", "需重新审查", "--on", "2024-04-09"],
     "已退回。当前环节：申请表审查"),
    (["supplement", "ask", "2024-0001", "--on", "2024-04-10", "--until", "2024-04-24"],
     "已登记补正告知，计时停止。当前环节：申请表审查；答复期限：停止计时（等待补正，期限 2024-04-24）"),
    (["supplement", "received", "2024-0001", "--on", "2024-04-15"], "已登记收到补正，重新计时。"),
    (["consult", "start", "2024-0001", "--party", "某公司", "--kind", "third_party", "--on", "2024-04-16"],
     "已开始征求意见，计时暂停。"),
    (["consult", "end", "2024-0001", "--on", "2024-04-19"], "征求意见已结束，恢复计时。"),
    (["extend", "2024-0001", "--days", "10", "--approver", "王主任", "--reason", "需协调", "--on", "2024-04-22"],
     "已延期 10 个工作日。"),
    (["withdraw", "2024-0001", "--reason", "申请人撤回", "--on", "2024-04-23"], "已登记撤回，转入归档。"),
]


def test_each_transition_prints_what_was_done_and_records_one_event(cli, isolated):
    register(cli)
    for count, (args, said) in enumerate(TRANSITIONS, start=2):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"2024-0001 {said}"), result.stdout
        assert count_rows(isolated / "gk.db", "events") == count


def test_the_clerks_note_is_on_the_event(cli):
    register(cli)
    cli("advance", "2024-0001", "--on", "2024-04-02", "--note", "材料齐全", "--clerk", "李四")
    last = json.loads(cli("show", "2024-0001", "--json").stdout)["events"][-1]
    assert (last["note"], last["clerk"]) == ("材料齐全", "李四")


@pytest.mark.parametrize("args, _", TRANSITIONS, ids=[" ".join(a[:2]) for a, _ in TRANSITIONS])
def test_each_transition_of_an_unknown_number_is_refused_and_changes_nothing(cli, isolated, args, _):
    register(cli)
    unknown = [("2024-0099" if a == "2024-0001" else a) for a in args]
    result = cli(*unknown)
    assert result.exit_code == 1
    assert "错误：找不到申请 2024-0099" in result.stderr
    assert count_rows(isolated / "gk.db", "events") == 1


@pytest.mark.parametrize("args, _", TRANSITIONS, ids=[" ".join(a[:2]) for a, _ in TRANSITIONS])
def test_a_date_that_is_no_date_is_exit_2_before_anything_is_read(cli, isolated, args, _):
    register(cli)
    bad = list(args)
    bad[bad.index("--on") + 1] = "下周"
    result = cli(*bad)
    assert result.exit_code == 2 and "--on" in result.stderr
    assert count_rows(isolated / "gk.db", "events") == 1


@pytest.mark.parametrize("environment", [
    {},  # neither XDG variable: under HOME
    {"XDG_DATA_HOME": "/srv/data", "XDG_CACHE_HOME": "/var/tmp/cache/"},
    {"XDG_DATA_HOME": "relative/data", "XDG_CACHE_HOME": ""},  # not absolute: ignored
    {"HOME": "/"},
    {"HOME": "relative-home"},  # no absolute home: platformdirs decides
], ids=["home", "xdg", "relative-xdg", "root-home", "relative-home"])
def test_the_user_folders_are_the_ones_platformdirs_gives(monkeypatch, tmp_path, environment):
    import platformdirs

    from hunnan_gk.commands.common import user_folder

    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert user_folder("data") == platformdirs.user_data_path("hunnan-gk", appauthor=False)
    assert user_folder("cache") == platformdirs.user_cache_path("hunnan-gk", appauthor=False)
