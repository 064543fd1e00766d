"""Every test runs against its own database, config, cache and data folders under tmp_path, with
the module caches emptied: no test touches real data or sees what another test left behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from hunnan_gk.cli import app
from tests import helpers
from tests.helpers import build_commands_once, copy_database

# CI replays the same examples every run, so a landing never hangs on a lucky draw; local
# runs keep exploring new ones (and their finds become tests of their own).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

build_commands_once()


def _isolate(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point everything the tool reads or writes outside its arguments into `folder`."""
    config = folder / "config.yaml"
    config.write_text("{}\n", encoding="utf-8")
    monkeypatch.setenv("HUNNAN_GK_DB", str(folder / "gk.db"))
    monkeypatch.setenv("HUNNAN_GK_CONFIG", str(config))
    monkeypatch.setenv("HOME", str(folder))
    # platformdirs prefers these to HOME: a developer's own setting must not leak in
    for name, sub in (("XDG_CACHE_HOME", ".cache"), ("XDG_DATA_HOME", ".local/share"),
                      ("XDG_CONFIG_HOME", ".config")):
        monkeypatch.setenv(name, str(folder / sub))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("HUNNAN_GK_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("HUNNAN_GK_TODAY", raising=False)
    monkeypatch.chdir(folder)


def clear_module_caches() -> None:
    """Empty every functools cache held at module level in hunnan_gk (lru_cache, cache)."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "hunnan_gk" or name.startswith("hunnan_gk.")):
            continue
        for value in list(vars(module).values()):
            cache_clear = getattr(value, "cache_clear", None)
            if callable(cache_clear) and getattr(value, "__module__", None) == name:
                cache_clear()


@pytest.fixture(scope="session")
def _empty_database(tmp_path_factory):
    """A database as `hunnan-gk db init` makes it, built once per run."""
    from hunnan_gk.storage.db import init_db

    path = tmp_path_factory.mktemp("empty-database") / "gk.db"
    init_db(path)[0].conn.close()
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, _empty_database):
    """The test's own folder, with the office's database in it (as `db init` made it):
    every command but `db init` and `demo` needs one."""
    _isolate(tmp_path, monkeypatch)
    clear_module_caches()
    copy_database(_empty_database, tmp_path / "gk.db")
    return tmp_path


@pytest.fixture
def config_file(isolated):
    """The config file the CLI reads; tests write YAML into it."""
    return isolated / "config.yaml"


def _runner():
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def cli():
    """Run the CLI in-process: cli("calendar", "add", ...) → Result (exit_code, stdout, stderr)."""
    return _runner()


class Inbox:
    """What the test SMTP server received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        import email
        from email import policy

        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd): (controller, Inbox)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=helpers.free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def mail_office(cli, monkeypatch):
    """On Wednesday 2024-11-20: one red (with ID and phone), one yellow, one green; the numbers."""
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")

    def register(received, applicant, department="区营商局", **options):
        return helpers.register(cli, received, applicant, content="浑南区老旧小区改造资金使用情况",
                                department=department, **options)["number"]

    return {
        "red": register("2024-10-18", "李建国", id_number=helpers.VALID_ID, phone=helpers.PHONE,
                        note=f"申请人电话 {helpers.PHONE}"),
        "yellow": register("2024-10-25", "张伟", "区住建局"),  # due Friday 11-22
        "green": register("2024-11-15", "孙玉梅", "区教育局"),
    }


@pytest.fixture(scope="session")
def _year_database(tmp_path_factory, _empty_database):
    """The hand-counted year of tests/year_of_requests.py, built through the CLI once per run."""
    from tests.year_of_requests import build_year

    folder = tmp_path_factory.mktemp("year-of-requests")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(folder, monkeypatch)
        copy_database(_empty_database, folder / "gk.db")
        numbers = build_year(_runner())
    return folder / "gk.db", numbers


@pytest.fixture
def year(isolated, _year_database):
    """This test's own copy of the hand-counted year as its database; the numbers by letter."""
    source, numbers = _year_database
    copy_database(source, isolated / "gk.db")
    return dict(numbers)
