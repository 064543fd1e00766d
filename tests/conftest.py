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
