"""`undo` takes back the steps of work across departments too (issue 11 item 4 for issue 13's
steps): 转办, 签收, 承办单位退回, 承办完成, 预答复 and its approval, 督办 and its 办结. After
each, `show --json` (assignments, handler, proposal, 督办 included) is what it was before the
step, `audit verify` replays it, a second undo takes back the step before, and the ledger
round trip still holds."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ok, ok_json, register
from tests.test_departments import DEPARTMENTS


@pytest.fixture(autouse=True)
def departments(config_file, monkeypatch):
    config_file.write_text(DEPARTMENTS, encoding="utf-8")
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-12")


def show(cli, number, *db):
    return ok_json(cli("show", number, "--json", *db))


def state(cli, number):
    """`show --json` without the history (which an undo lengthens by design)."""
    return {k: v for k, v in show(cli, number).items() if k not in ("events", "corrections")}


N = "2024-0001"
ASSIGN = ["assign", N, "--department", "住建局", "--handler", "李文", "--on", "2024-04-02"]
ACCEPT = ["accept", N, "--department", "区住建局", "--on", "2024-04-03"]
TO_DRAFT = [["advance", N, "--on", day] for day in ("2024-04-02", "2024-04-03", "2024-04-07")]
PROPOSE = ["propose", N, "--outcome", "partial", "--reasons", "部分涉及商业秘密", "--basis", "条例第三十七条",
           "--on", "2024-04-08"]
SUPERVISE = ["supervise", N, "--by", "王主任", "--reason", "临近期限", "--respond-by", "2024-04-15",
             "--on", "2024-04-08"]

#: Each case: the steps before (the last of them is what the second undo takes back), then
#: the step undone.
CASES = {
    "assign": ([["advance", N, "--on", "2024-04-02"]], ASSIGN),
    "accept": ([ASSIGN], ACCEPT),
    "handback": ([ASSIGN], ["handback", N, "--department", "区住建局", "--reason", "不属于本单位职责",
                            "--on", "2024-04-03"]),
    "submit": ([ASSIGN, ACCEPT], ["submit", N, "--department", "区住建局", "--note", "已提供明细",
                                  "--on", "2024-04-10"]),
    "reassign": ([["assign", N, "--department", "区教育局", "--on", "2024-04-02"],
                  ["handback", N, "--department", "区教育局", "--reason", "非本单位", "--on", "2024-04-03"]],
                 ["assign", N, "--department", "区住建局", "--on", "2024-04-03"]),
    "second_assignment": ([ASSIGN], ["assign", N, "--department", "区教育局", "--workdays", "3",
                                     "--on", "2024-04-03"]),
    "propose": (TO_DRAFT, PROPOSE),
    "propose_again": ([*TO_DRAFT, PROPOSE, ["advance", N, "--on", "2024-04-08"],
                       ["return", N, "--to", "draft", "--reason", "理由不足", "--on", "2024-04-09"]],
                      ["propose", N, "--outcome", "withheld_process", "--reasons", "过程性信息",
                       "--on", "2024-04-10"]),
    "approve": ([*TO_DRAFT, PROPOSE, ["advance", N, "--on", "2024-04-08"]],
                ["advance", N, "--on", "2024-04-09"]),
    "reply_as_proposed": ([*TO_DRAFT, PROPOSE, ["advance", N, "--on", "2024-04-08"],
                           ["advance", N, "--on", "2024-04-09"]],
                          ["advance", N, "--on", "2024-04-10"]),
    "supervise": ([ASSIGN], SUPERVISE),
    "supervise_close": ([SUPERVISE], ["supervise", "close", N, "--note", "已催办", "--on", "2024-04-10"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_undo_gives_back_the_state_before_the_step_and_then_the_one_before(cli, case):
    before_steps, step = CASES[case]
    register(cli, "2024-04-01", department="区住建局", handler="李文")
    for earlier in before_steps[:-1]:
        ok(cli(*earlier))
    two_back = state(cli, N)
    ok(cli(*before_steps[-1]))
    one_back = state(cli, N)
    events_before = show(cli, N)["events"]
    ok(cli(*step))
    assert state(cli, N) != one_back
    undone = ok_json(cli("undo", N, "--reason", "误登记了这一步", "--json"))
    assert undone == {k: one_back[k] for k in undone}
    assert state(cli, N) == one_back
    events = show(cli, N)["events"]
    assert events[-1]["action"] == "undo" and events[-1]["undoes"] == events[-2]["id"]
    action = "supervise_close" if step[1] == "close" else step[0]
    assert events[-2]["action"] == action and events[-2]["undone"] is True
    assert [e["undone"] for e in events[:len(events_before)]] == [False] * len(events_before)
    assert "审计链核验通过" in ok(cli("audit", "verify")).stdout
    ok(cli("undo", N, "--reason", "这一步也错了"))
    assert state(cli, N) == two_back
    ok(cli("audit", "verify"))


def test_the_step_can_be_done_again_after_its_undo(cli):
    register(cli, "2024-04-01")
    ok(cli(*ASSIGN))
    ok(cli("undo", N, "--reason", "转错了单位"))
    assert show(cli, N)["assignments"] == []
    assert ok_json(cli("list", "--department", "区住建局", "--json")) == []
    ok(cli("assign", N, "--department", "区教育局", "--on", "2024-04-02"))
    (assignment,) = show(cli, N)["assignments"]
    assert assignment["department"] == "区教育局"
    ok(cli("audit", "verify"))
    text = ok(cli("show", N)).stdout
    assert "转办（已撤销）" in text


def test_an_undone_supervision_leaves_the_reports(cli):
    register(cli, "2024-04-01")
    ok(cli(*SUPERVISE))
    ok(cli("undo", N, "--reason", "督办单开错了申请"))
    assert ok_json(cli("report", "supervision", "--format", "json"))["supervisions"] == []
    (item,) = ok_json(cli("report", "overdue", "--format", "json"))["requests"]
    assert item["supervised"] is False
    ok(cli(*SUPERVISE))  # a new order may be opened again
    assert len(ok_json(cli("report", "supervision", "--format", "json"))["supervisions"]) == 1


def _events(isolated):
    from hunnan_gk.storage.db import open_db
    from hunnan_gk.storage.requests import events_of

    return events_of(open_db(isolated / "gk.db"), N)


def _as_older_versions_wrote(monkeypatch):
    """Steps recorded as before their events kept the record as it stood (no record_before)."""
    from hunnan_gk import assignments

    record_change = assignments._record_change
    monkeypatch.setattr(assignments, "_record_change",
                        lambda *args, before=None, **options: record_change(*args, **options))


@pytest.mark.parametrize("steps, action, label", [
    ([ASSIGN, ACCEPT], "accept", "签收前的转办记录"),
    ([SUPERVISE, ["supervise", "close", N, "--note", "已催办", "--on", "2024-04-10"]],
     "supervise_close", "督办办结前的督办单"),
])
def test_a_step_recorded_without_the_record_before_is_refused(cli, isolated, monkeypatch, steps, action, label):
    register(cli, "2024-04-01")
    ok(cli(*steps[0]))
    with monkeypatch.context() as patch:
        _as_older_versions_wrote(patch)
        ok(cli(*steps[1]))
    assert "record_before" not in _events(isolated)[-1]["data"]
    ok(cli("audit", "verify"))
    before = show(cli, N)
    result = cli("undo", N, "--reason", "x")
    assert result.exit_code == 1, result.output
    assert f"这一步是旧版本登记的，记录中没有{label}，不能撤销" in result.stderr
    assert "Traceback" not in result.output
    assert show(cli, N) == before


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_the_ledger_round_trip_holds_after_undone_assignments(cli, isolated, fmt):
    from tests.test_ledger_whole import _shows

    register(cli, "2024-04-01")
    ok(cli(*ASSIGN))
    ok(cli(*ACCEPT))
    ok(cli("undo", N, "--reason", "签收登记错了"))
    ok(cli("assign", N, "--department", "区教育局", "--on", "2024-04-03"))
    ok(cli("undo", N, "--reason", "转错了"))
    ok(cli(*SUPERVISE))
    ok(cli("supervise", "close", N, "--note", "已催办", "--on", "2024-04-10"))
    ok(cli("undo", N, "--reason", "尚未办结"))
    second = register(cli, "2024-04-02")["number"]
    ok(cli("supervise", second, "--by", "王主任", "--reason", "催办", "--on", "2024-04-08"))
    ok(cli("undo", second, "--reason", "开错了"))
    out = isolated / f"whole.{fmt}"
    ok(cli("ledger", "export", "-o", out))
    fresh = isolated / "fresh.db"
    ok(cli("db", "init", "--db", fresh))
    ok(cli("ledger", "import", out, "--db", fresh))
    numbers = [N, second]
    assert _shows(cli, numbers, "--db", fresh) == _shows(cli, numbers)
    ok(cli("audit", "verify", "--db", fresh))
    # what was undone before the export can be undone no further, what stands can
    ok(cli("undo", N, "--reason", "督办也开错了", "--db", fresh))
    assert show(cli, N, "--db", fresh)["supervision"] == []
    ok(cli("audit", "verify", "--db", fresh))
