"""Property tests (hypothesis): the calendar's add/between, replaying events, parsers that
never raise, and every CLI command ending with a documented exit code."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hunnan_gk import workflow
from hunnan_gk.catalogue import check_text
from hunnan_gk.dates import parse_date
from hunnan_gk.errors import GkError
from hunnan_gk.storage.db import open_db
from hunnan_gk.storage.requests import events_of, find_request
from hunnan_gk.workdays import WorkCalendar

CALENDAR = WorkCalendar()
OFFICIAL = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=300, deadline=None)
@given(start=OFFICIAL, n=st.integers(min_value=0, max_value=40))
def test_add_and_between_are_inverse(start, n):
    end = CALENDAR.add(start, n)
    assert not end.provisional
    assert CALENDAR.between(start, end.date).workdays == n
    if n:
        assert CALENDAR.is_workday(end.date)


@settings(max_examples=300, deadline=None)
@given(start=OFFICIAL, n=st.integers(min_value=0, max_value=60), more=st.integers(min_value=1, max_value=30))
def test_add_is_monotonic(start, n, more):
    assert CALENDAR.add(start, n).date < CALENDAR.add(start, n + more).date
    assert CALENDAR.add(start, n).date <= CALENDAR.add(start + timedelta(days=1), n).date or n == 0


@settings(max_examples=300, deadline=None)
@given(a=OFFICIAL, b=OFFICIAL, c=OFFICIAL)
def test_between_adds_up_and_grows_with_the_end(a, b, c):
    a, b, c = sorted((a, b, c))
    ab, bc, ac = (CALENDAR.between(x, y).workdays for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac and 0 <= ab <= ac
    assert CALENDAR.between(c, a).workdays == -ac


@settings(max_examples=15, deadline=None, suppress_health_check=FIXTURES)
@given(start=OFFICIAL, n=st.integers(min_value=0, max_value=40))
def test_calendar_commands_are_inverse(cli, start, n):
    added = cli("calendar", "add", start.isoformat(), str(n), "--json")
    assert added.exit_code == 0, added.output
    end = json.loads(added.stdout)["date"]
    counted = cli("calendar", "between", start.isoformat(), end, "--json")
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.stdout)["workdays"] == n


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=40))
def test_date_parser_never_raises_anything_but_input_error(text):
    try:
        parse_date(text, today=date(2024, 6, 30), option="--on")
    except GkError as exc:
        assert exc.exit_code == 2 and exc.message


YAMLISH = st.text(alphabet=st.sampled_from(list("目录事项编号类别:- \n\t[]{}\"'#&*!|>%@`,.0123456789abc名称公开")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=200), YAMLISH))
def test_catalogue_validator_never_raises(text):
    checked = check_text(text, "fuzz.yaml")
    assert isinstance(checked.problems, list)


# --- replaying a request's events gives its stored state ------------------------------

STEPS = st.lists(
    st.sampled_from(["advance", "return", "supplement", "consult", "extend", "withdraw", "lapse",
                     "undo", "correct"]),
    max_size=12,
)


def _step(cli, number: str, name: str, on: str) -> None:
    args = {
        "advance": ["advance", number, "--on", on, "--outcome", "disclosed"],
        "return": ["return", number, "--to", "search", "--reason", "退回重查", "--on", on],
        "supplement": ["supplement", "ask", number, "--on", on, "--until", "2024-05-20"],
        "consult": ["consult", "start", number, "--party", "某公司", "--kind", "third_party", "--on", on],
        "extend": ["extend", number, "--days", "5", "--approver", "王主任", "--reason", "协调", "--on", on],
        "withdraw": ["withdraw", number, "--reason", "撤回", "--on", on],
        "lapse": ["supplement", "lapsed", number, "--on", "2024-05-21"],
        "undo": ["undo", number, "--reason", "误登记"],
        "correct": ["correct", number, "--field", "received", "--to", "2024-03-29", "--reason", "核对"],
    }[name]
    result = cli(*args)
    assert result.exit_code in (0, 1, 2), result.output  # refusals are fine; nothing else
    if name in ("supplement", "consult") and result.exit_code == 0:
        follow = (["supplement", "received", number, "--on", on] if name == "supplement"
                  else ["consult", "end", number, "--on", on])
        assert cli(*follow).exit_code in (0, 1)
    if name == "advance" and result.exit_code != 0:  # --outcome only on the reply stage
        assert cli("advance", number, "--on", on).exit_code in (0, 1)


@settings(max_examples=10, deadline=None, suppress_health_check=FIXTURES)
@given(steps=STEPS, days=st.lists(st.integers(min_value=0, max_value=3), min_size=12, max_size=12))
def test_replaying_events_gives_the_stored_request(cli, steps, days):
    import os
    from pathlib import Path

    result = cli("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                 "--received", "2024-04-01", "--content", "重放", "--json")
    assert result.exit_code == 0, result.output
    number = json.loads(result.stdout)["number"]
    day = date(2024, 4, 1)
    for name, gap in zip(steps, days):
        day += timedelta(days=gap)
        _step(cli, number, name, day.isoformat())
    db = open_db(Path(os.environ["HUNNAN_GK_DB"]))
    row = find_request(db, number)
    rebuilt = workflow.replay(events_of(db, number))
    assert set(rebuilt) <= set(row)  # the events name only real columns
    assert {name: rebuilt.get(name) for name in row} == row  # a column no event set is NULL


# --- every command, random option values: a documented exit code, never a traceback ---


def _commands():
    import typer

    from hunnan_gk.cli import app

    def walk(command, path):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in sorted(subcommands.items()):
                yield from walk(sub, path + [name])
        else:
            yield path, command

    return list(walk(typer.main.get_command(app), []))


COMMANDS = _commands()
# Commands that would reach outside the test's directory or the network.
OUTSIDE = {("notify",)}
VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2024-04-01", "0", "-1", "99999999", "red", "json", "table", "2024-0001",
                     "natural", "disclosed", "review", "../x", "", "今天", "2024年13月1日"]),
)


@pytest.mark.parametrize(("path", "command"), [c for c in COMMANDS if tuple(c[0]) not in OUTSIDE],
                         ids=[" ".join(c[0]) for c in COMMANDS if tuple(c[0]) not in OUTSIDE])
@settings(max_examples=5, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.data())
def test_every_command_with_random_values_ends_cleanly(path, command, data):
    from typer.testing import CliRunner

    from hunnan_gk.cli import app

    args = list(path)
    for param in command.params:
        if param.name in ("db", "config", "help") or not data.draw(st.booleans()):
            continue
        if getattr(param, "is_flag", False):
            args.append(param.opts[0])
            continue
        value = data.draw(VALUES)
        args += [param.opts[0], value] if param.param_type_name == "option" else [value]
    result = CliRunner().invoke(app, args, input="", catch_exceptions=True)
    assert result.exit_code in (0, 1, 2, 3, 4), (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert "Traceback" not in result.output
