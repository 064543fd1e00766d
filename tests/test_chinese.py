"""No English reaches a clerk (issue 16 item 1): every help page and a table of mistakes are
read for English words of four or more letters outside command names, option names, codes,
paths and e-mail addresses."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import typer

from hunnan_gk import vocab
from hunnan_gk.cli import app
from tests.helpers import register

ROOT = typer.main.get_command(app)


def _commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, path + (name,))


ALL_COMMANDS = list(_commands(ROOT))


def _allowed_words() -> set[str]:
    from hunnan_gk import config

    words = {"hunnan-gk", "hunnan", "close"}  # the program; `supervise close`, a keyword argument
    for path, command in ALL_COMMANDS:
        words.update(path)
        for param in command.params:
            for opt in getattr(param, "opts", ()):
                if opt.startswith("-"):
                    words.add(opt.lstrip("-"))
    for enum in vocab.Vocab.__subclasses__():
        for member in enum:
            words.add(member.value)
    for key, value in config._SCHEMA.items():  # the config file's keys are typed by clerks
        words.add(key)
        if isinstance(value, dict):
            words.update(value)
    words.update(("table", "text", "json", "csv", "html", "markdown", "xlsx", "yaml"))  # --format values
    # Names of products and standards a clerk knows by them: Excel/WPS, the SQLite file,
    # JSON Schema, VS Code's editor settings, cron, the chinesecalendar package.
    words.update(("Excel", "SQLite", "Markdown", "Schema", "Code", "cron", "crontab", "chinesecalendar",
                  "docx"))  # the letters' file type, as clerks see it in Word/WPS
    return {w.lower() for w in words}


ALLOWED = _allowed_words()
ACRONYMS = {"JSON", "YAML", "HTML", "CSV", "XLSX", "SMTP", "STARTTLS", "UTF", "WPS", "BOM", "OWASP", "DTD",
            "GBK", "URL", "SSL", "TLS", "XML", "NUL", "DOCTYPE", "ENTITY", "SQLITE"}
# A chunk that is a code, path, address, expression or number: left alone whole.
_CODE_MARKS = re.compile(r"[/\\@_.:~=$%#0-9]")


def english_words(text: str) -> list[str]:
    """The English words of four or more letters in `text` that are none of the above; what
    the clerk typed, quoted back in “…”, is theirs."""
    found = []
    for chunk in re.findall(r"[!-~]+", re.sub(r"“[^”]*”", "", text)):
        chunk = chunk.strip("'\"()[]{}<>,;:.!?`")
        if not chunk or chunk.startswith("-") or _CODE_MARKS.search(chunk):
            continue
        if chunk.lower() in ALLOWED:
            continue
        for word in re.findall(r"[A-Za-z]+", chunk):
            if len(word) >= 4 and word.lower() not in ALLOWED and word not in ACRONYMS:
                found.append(word)
    return found


def test_the_checker_finds_english_and_leaves_codes_alone():
    assert english_words("Usage: hunnan-gk advance [OPTIONS] {number}") == ["Usage", "OPTIONS", "number"]
    assert english_words("Missing argument 'NUMBER'.") == ["Missing", "argument", "NUMBER"]
    assert english_words("错误：--outcome 无法识别 withheld_state_secret，见 /srv/gk.db 或 ban@example.org") == []
    assert english_words("输出 JSON、CSV（Excel/WPS）；hunnan-gk report overdue --format json") == []
    assert english_words("数据库错误（SQLITE_FULL）") == []
    assert english_words("<int range> [x>=0]") == ["range"]
    assert english_words("--days 的值无效：“many”不是整数") == []


@pytest.mark.parametrize("path", [p for p, _ in ALL_COMMANDS], ids=[" ".join(p) or "root" for p, _ in ALL_COMMANDS])
@pytest.mark.parametrize("width", [80, 120])
def test_help_has_no_english(cli, monkeypatch, path, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("用法：")
    assert english_words(result.stdout) == [], result.stdout


# ---------------------------------------------------------------------------------------------
# Mistakes: (arguments, what to prepare, exit code). Prepared: "request" registers 2024-0001;
# the others write a file the arguments name.


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Config files with a mistake, by the name of the mistake.
CONFIGS = {
    "broken-config": "smtp: [unclosed\nlights: {yellow_days: 1\n",
    "tab-config": "lights:\n\tyellow_days: 3\n",
    "escape-config": 'timezone: "Asia\\qShanghai"\n',
    "control-config": "timezone: Asia/Shanghai\x07\n",
    "unknown-key": "smtp:\n  hots: x\n",
}


def _prepare(kind: str, cli, folder: Path) -> None:
    if kind == "request":
        register(cli)
    elif kind in CONFIGS:
        (folder / "config.yaml").write_text(CONFIGS[kind], encoding="utf-8")
    elif kind == "broken-holidays":
        (folder / "holidays.yaml").write_text("2027:\n  holidays: [2027-01-01\n", encoding="utf-8")
        (folder / "config.yaml").write_text("holidays: holidays.yaml\n", encoding="utf-8")
    elif kind == "not-a-db":
        (folder / "gk.db").write_bytes(b"this is not a database file at all" * 100)
    elif kind == "not-xlsx":
        (folder / "old.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    elif kind == "bad-csv":
        (folder / "old.csv").write_text('编号,申请人\n"2024-0001,张三\n', encoding="utf-8")
    elif kind == "smtp-refused":
        register(cli, "2024-04-01")
        (folder / "config.yaml").write_text(
            f"smtp:\n  host: 127.0.0.1\n  port: {_closed_port()}\n  from: gk@example.org\n  to: [ban@example.org]\n",
            encoding="utf-8",
        )
    elif kind == "locked-dir":  # (the tests may run as root, whom no mode stops)
        register(cli)
        (folder / "ro").mkdir()
        (folder / "ro").chmod(0o500)
    else:  # pragma: no cover - a mistyped case
        raise AssertionError(kind)


MISTAKES = [
    (["show"], None, 2),
    (["register", "--applicant", "张三"], None, 2),
    (["list", "--bogus"], None, 2),
    (["lst"], None, 2),
    (["list", "--opn"], None, 2),
    (["list", "--stage"], None, 2),
    (["list", "--open=yes"], None, 2),
    (["show", "2024-1", "a", "b"], None, 2),
    (["report", "annual", "--year", "x"], None, 2),
    (["fee", "quote", "2024-1", "--pages", "-1"], None, 2),
    (["db", "backup", "."], None, 2),
    (["extend", "2024-0001", "--days", "many", "--approver", "x", "--reason", "y"], None, 2),
    (["calendar", "add", "明天", "3"], None, 2),
    (["calendar", "add", "2024-04-01", "abc"], None, 2),
    (["calendar", "between", "2024-04-01", "2024-13-01"], None, 2),
    (["show", "2024-0009"], "request", 1),
    (["show", "2024-0001", "--db", "none.db"], None, 3),
    (["advance", "2024-0001", "--on", "someday"], "request", 2),
    (["advance", "2024-0001", "--on", "12月31日"], "request", 2),
    (["advance", "2024-0001", "--outcome", "nonsense"], "request", 2),
    (["advance", "2024-0001", "--outcome", "公开"], "request", 2),
    (["register", "--applicant", "张三", "--type", "person", "--channel", "online", "--received", "2024-04-01",
      "--content", "x"], None, 2),
    (["list"], "broken-config", 2),
    (["list"], "tab-config", 2),
    (["list"], "escape-config", 2),
    (["list"], "control-config", 2),
    (["list"], "unknown-key", 2),
    (["calendar", "add", "2024-04-01", "3"], "broken-holidays", 2),
    (["list"], "not-a-db", 3),
    (["ledger", "import", "old.xlsx"], "not-xlsx", 2),
    (["ledger", "import", "old.csv"], "bad-csv", 1),
    (["notify"], "smtp-refused", 1),
    (["ledger", "export", "--year", "2024", "-o", "ro/sub/台账.xlsx"], "locked-dir", 1),
    (["ledger", "export", "--year", "2024", "-o", "gk.db/台账.xlsx"], "request", 1),
    (["db", "backup", "ro/sub/backup.db"], "locked-dir", 1),
]


@pytest.mark.parametrize(("args", "prepare", "code"), MISTAKES, ids=[" ".join(a) for a, _, _ in MISTAKES])
def test_mistakes_are_told_in_chinese(cli, isolated, monkeypatch, args, prepare, code):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-09-27")
    if prepare:
        _prepare(prepare, cli, isolated)
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert "错误：" in result.stderr, result.output
    assert english_words(result.output) == [], result.output
