"""What many tests do: run a command and read its JSON, register a request, look into or copy a
database file, start the tool in another process."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hunnan_gk.workdays import WorkCalendar

PROJECT = Path(__file__).resolve().parents[1]
SHIPPED_CATALOGUE = PROJECT / "catalogs" / "hunnan-2024.yaml"
VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example
PHONE = "13812345678"


def _statutory_2027() -> dict[date, str]:
    spans = (("元旦", "01-01", 1), ("春节", "02-05", 4), ("清明节", "04-05", 1), ("劳动节", "05-01", 2),
             ("端午节", "06-09", 1), ("中秋节", "09-15", 1), ("国庆节", "10-01", 3))
    days = {}
    for name, first, length in spans:
        start = date.fromisoformat(f"2027-{first}")
        days.update({start + timedelta(days=i): name for i in range(length)})
    return days


#: A whole 2027 as a State Council notice would give it (every statutory festival off), for
#: override files: a year that leaves one out is refused.
HOLIDAYS_2027 = ("2027-01-01, 2027-02-05..2027-02-11, 2027-04-05, 2027-05-01..2027-05-05, "
                 "2027-06-09, 2027-09-15, 2027-10-01..2027-10-07")


def override_year(year: int, *extra: str) -> str:
    """The holidays of a whole override year: its statutory days (as `holidays` gives them)
    and `extra` days or spans, as the text inside `holidays: [...]`."""
    from hunnan_gk.workdays import statutory_holidays

    return ", ".join([*(day.isoformat() for day in sorted(statutory_holidays(year))), *extra])


#: The statutory holidays of 2027, the first year without official data (《全国年节及纪念日放假办法》
#: 第2条; 春节 from 除夕 2027-02-05), typed here so pure tests do not depend on the `holidays`
#: package; later years count weekends only.
STATUTORY_2027 = _statutory_2027()


def work_calendar(**overrides) -> WorkCalendar:
    """The real calendar: official data to 2026, then provisional years from STATUTORY_2027."""
    return WorkCalendar(overrides or None, statutory=lambda year: STATUTORY_2027 if year == 2027 else {})


def ok(result):
    """The CliRunner result of a command that must succeed."""
    assert result.exit_code == 0, result.output
    return result


def ok_json(result) -> Any:
    """The JSON a command that must succeed printed."""
    return json.loads(ok(result).stdout)


def register_args(
    received: str = "2024-04-01",
    applicant: str = "张三",
    *,
    type: str = "natural",
    channel: str = "online",
    content: str = "2023年浑南区老旧小区改造资金使用情况",
    **options: str,
) -> list[str]:
    """The options of a `register` command; keyword options become `--option value`
    (`id_number=...` → `--id-number ...`)."""
    args = ["--applicant", applicant, "--type", type, "--channel", channel,
            "--received", received, "--content", content]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return args


def register(cli, *args: str, **options: str) -> dict[str, Any]:
    """Register one request through the CLI (arguments as `register_args`); the request as
    `register --json` prints it."""
    return ok_json(cli("register", *register_args(*args, **options), "--json"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (yet)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_smtp_config(config_file: Path, port: int, extra: str = "") -> None:
    """A config whose morning mail goes to the test's SMTP server on 127.0.0.1:`port`."""
    config_file.write_text(
        f"""smtp:
  host: 127.0.0.1
  port: {port}
  from: gongkai@hunnan.example.org
  to: [ban@hunnan.example.org]
  timeout: 5
{extra}""",
        encoding="utf-8",
    )


def mail_parts(message) -> tuple[str, str]:
    """The plain-text and HTML bodies of a received mail."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def count_rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone holds everything."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def copy_database(source: Path, target: Path) -> None:
    """A database file copied whole (checkpointed first), private like the ones the tool makes."""
    checkpoint(source)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for running this checkout's hunnan_gk in another process."""
    return {**os.environ, "PYTHONPATH": str(PROJECT), **extra}


def build_commands_once() -> None:
    """Make typer's CliRunner build an app's Click command tree once, not on every invoke.

    `typer.testing.CliRunner.invoke` rebuilds the whole tree from the Typer app each time
    (about 70 ms, most of what a command in a test costs); `hunnan-gk` itself builds it once
    per process, so sharing one tree is what a clerk's run does too."""
    import typer.main
    import typer.testing

    if getattr(typer.testing._get_command, "builds_once", False):
        return
    built: dict[int, tuple[Any, Any]] = {}  # id(app) → (app, command): the app kept alive

    def get_command(app):
        if id(app) not in built:
            built[id(app)] = (app, typer.main.get_command(app))
        return built[id(app)][1]

    get_command.builds_once = True
    typer.testing._get_command = get_command
