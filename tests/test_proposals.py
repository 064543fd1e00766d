"""预答复 and 督办 (issue 13): a proposal approved by `advance` at 答复意见审核 and used at
答复申请; another outcome refused unless --override-proposal; 督办 opened and closed, marked
in list and report overdue, listed by report supervision."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import ok, ok_json, register


@pytest.fixture
def at_draft(cli, monkeypatch):
    """2024-0001 standing in 拟定答复意见 on 2024-04-08."""
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01")
    for day in ("2024-04-02", "2024-04-03", "2024-04-07"):
        ok(cli("advance", "2024-0001", "--on", day))
    return "2024-0001"


def show(cli, number):
    return ok_json(cli("show", number, "--json"))


def test_proposal_approved_and_used_by_advance(cli, at_draft):
    ok(cli("propose", at_draft, "--outcome", "partial", "--reasons", "部分涉及第三方商业秘密",
           "--basis", "条例第三十七条"))
    proposal = show(cli, at_draft)["proposal"]
    assert proposal == {"outcome": "partial", "reasons": "部分涉及第三方商业秘密", "basis": "条例第三十七条",
                        "other_organ": None, "other_contact": None, "proposed": "2024-04-08",
                        "approved": None}
    ok(cli("advance", at_draft))  # 拟定 → 答复意见审核
    ok(cli("advance", at_draft))  # 审核通过
    view = show(cli, at_draft)
    assert view["proposal"]["approved"] == "2024-04-08" and view["stage"] == "reply"
    refused = cli("advance", at_draft, "--outcome", "disclosed")
    assert refused.exit_code == 1 and "与审核通过的预答复（部分公开）不同" in refused.stderr
    assert show(cli, at_draft)["stage"] == "reply"
    view = ok_json(cli("advance", at_draft, "--json"))  # no --outcome: the proposal's
    assert view["outcome"] == "partial" and view["stage"] == "archive"
    assert "预答复" in ok(cli("show", at_draft)).stdout


def test_a_different_outcome_with_override_is_recorded(cli, at_draft, isolated):
    from hunnan_gk.storage.db import open_db
    from hunnan_gk.storage.requests import events_of

    ok(cli("propose", at_draft, "--outcome", "partial", "--reasons", "理由"))
    ok(cli("advance", at_draft))
    ok(cli("advance", at_draft))
    view = ok_json(cli("advance", at_draft, "--outcome", "disclosed", "--override-proposal", "--json"))
    assert view["outcome"] == "disclosed"
    last = events_of(open_db(isolated / "gk.db"), at_draft)[-1]
    assert last["data"]["override_proposal"] == {"proposed": "partial", "outcome": "disclosed"}


def test_returned_proposal_must_be_approved_again(cli, at_draft):
    ok(cli("propose", at_draft, "--outcome", "disclosed", "--reasons", "理由"))
    ok(cli("advance", at_draft))
    ok(cli("return", at_draft, "--to", "draft", "--reason", "依据引用有误"))
    actions = [e["action"] for e in show(cli, at_draft)["events"]]
    assert actions[-3:] == ["propose", "advance", "return"]
    ok(cli("propose", at_draft, "--outcome", "unavailable_not_held", "--reasons", "不属于本机关",
           "--other-organ", "沈阳市自然资源局", "--other-contact", "024-12345678"))
    ok(cli("advance", at_draft))
    ok(cli("advance", at_draft))
    ok(cli("return", at_draft, "--to", "draft", "--reason", "再核对"))  # from 答复申请
    assert show(cli, at_draft)["proposal"]["approved"] is None
    ok(cli("advance", at_draft))
    ok(cli("advance", at_draft))
    view = ok_json(cli("advance", at_draft, "--json"))
    assert view["outcome"] == "unavailable_not_held"
    assert view["proposal"]["other_organ"] == "沈阳市自然资源局"


@pytest.mark.parametrize("args, message", [
    (("--outcome", "disclosed", "--reasons", " "), "须写明答复理由"),
    (("--outcome", "disclosed", "--reasons", "x", "--other-organ", "某局", "--other-contact", "1"),
     "只用于"),
    (("--outcome", "unavailable_not_held", "--reasons", "x", "--other-organ", "某局"), "须同时填写"),
])
def test_proposal_checks(cli, at_draft, args, message):
    result = cli("propose", at_draft, *args)
    assert result.exit_code == 1 and message in result.stderr


def test_propose_only_at_draft(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01")
    result = cli("propose", "2024-0001", "--outcome", "disclosed", "--reasons", "x")
    assert result.exit_code == 1 and "拟定答复意见" in result.stderr
    assert cli("propose", "2024-0001", "--outcome", "nonsense", "--reasons", "x").exit_code == 2


def test_without_proposal_advance_still_needs_an_outcome(cli, at_draft):
    ok(cli("advance", at_draft))
    ok(cli("advance", at_draft))
    assert cli("advance", at_draft).exit_code == 1
    assert ok_json(cli("advance", at_draft, "--outcome", "disclosed", "--json"))["outcome"] == "disclosed"


# --- 督办 ---------------------------------------------------------------------------------


def test_supervision_opened_marked_and_closed(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-26")
    register(cli, "2024-04-01", department="区住建局")
    register(cli, "2024-04-02")
    view = ok_json(cli("supervise", "2024-0001", "--by", "王主任", "--reason", "临近期限仍未查找完毕",
                       "--respond-by", "2024-04-28", "--on", "2024-04-24", "--json"))
    assert view["supervision"] == [{"by": "王主任", "reason": "临近期限仍未查找完毕", "opened": "2024-04-24",
                                    "respond_by": "2024-04-28", "closed": None, "note": None}]
    assert view["supervised"] is True
    again = cli("supervise", "2024-0001", "--by", "王主任", "--reason", "再催")
    assert again.exit_code == 1 and "尚未办结" in again.stderr
    listed = ok_json(cli("list", "--json"))
    assert [r["supervised"] for r in listed] == [True, False]
    assert "2024-0001 督" in ok(cli("list")).stdout
    report = ok_json(cli("report", "overdue", "--format", "json"))
    assert {i["number"]: i["supervised"] for i in report["requests"]} == {"2024-0001": True, "2024-0002": False}
    assert "2024-0001 督" in ok(cli("report", "overdue", "--format", "text")).stdout
    past = ok_json(cli("report", "overdue", "--format", "json", "--as-of", "2024-04-23"))
    assert not any(i["supervised"] for i in past["requests"])  # not yet opened that day
    opened = ok_json(cli("report", "supervision", "--format", "json"))["supervisions"]
    assert opened[0]["days_open"] == 2 and opened[0]["number"] == "2024-0001"
    assert opened[0]["overdue_response"] is False
    ok(cli("supervise", "close", "2024-0001", "--note", "已于当日查找完毕", "--on", "2024-04-26"))
    view = show(cli, "2024-0001")
    assert view["supervised"] is False and view["supervision"][0]["closed"] == "2024-04-26"
    assert ok_json(cli("report", "supervision", "--open", "--format", "json"))["supervisions"] == []
    def supervised_on(day):
        report = ok_json(cli("report", "overdue", "--format", "json", "--as-of", day))
        return {i["number"]: i["supervised"] for i in report["requests"]}["2024-0001"]
    # closed on the 26th: open on the 25th, no longer on the 26th
    assert [supervised_on(d) for d in ("2024-04-24", "2024-04-25", "2024-04-26")] == [True, True, False]
    rows = list(csv.reader(io.StringIO(ok(cli("report", "supervision", "--format", "csv")).stdout.lstrip("\ufeff"))))
    assert rows[0][0] == "编号" and rows[1][-1] == "已于当日查找完毕"
    assert "2024-04-24" in ok(cli("report", "supervision")).stdout


@pytest.mark.parametrize("args, code", [
    (("supervise", "close"), 2),
    (("supervise", "close", "2024-0001"), 2),           # --note missing
    (("supervise", "close", "2024-0001", "--note", "x"), 1),  # nothing open
    (("supervise", "2024-0001", "--by", "王主任"), 2),     # --reason missing
    (("supervise", "2024-0001", "--by", "王主任", "--reason", "x", "--respond-by", "2024-04-01"), 1),
])
def test_supervision_usage(cli, monkeypatch, args, code):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-26")
    register(cli, "2024-04-01")
    assert cli(*args).exit_code == code
