"""Every test runs against its own database and config under tmp_path: no test touches real data."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from hunnan_gk.cli import app

# CI replays the same examples every run, so a landing never hangs on a lucky draw; local
# runs keep exploring new ones (and their finds become tests of their own).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    config = tmp_path / "config.yaml"
    config.write_text("{}\n", encoding="utf-8")
    monkeypatch.setenv("HUNNAN_GK_DB", str(tmp_path / "gk.db"))
    monkeypatch.setenv("HUNNAN_GK_CONFIG", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("HUNNAN_GK_SMTP_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def config_file(isolated):
    """The config file the CLI reads; tests write YAML into it."""
    return isolated / "config.yaml"


@pytest.fixture
def cli():
    """Run the CLI in-process: cli("calendar", "add", ...) → Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return run
