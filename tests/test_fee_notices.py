"""Fee notices (国办函〔2020〕109号《政府信息公开信息处理费管理办法》第七条): the notice pauses the
clock until payment, refusals, lapse after 20 working days, undo, and replay = row."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hunnan_gk.clock import compute_clock, explain_clock
from hunnan_gk.vocab import PauseKind
from tests.helpers import ok, ok_json, register, work_calendar

CAL = work_calendar()


def _row(**fields):
    return {"received_on": "2024-04-01", "extended_days": 0, **fields}


def test_a_paid_notice_moves_the_due_date_by_exactly_the_days_between_notice_and_payment():
    plain = compute_clock(_row(), [], CAL, date(2024, 4, 10)).due
    assert plain == date(2024, 4, 29)  # domain.md §3
    paid = compute_clock(_row(fee_noticed_on="2024-04-08", fee_paid_on="2024-04-12"), [], CAL,
                         date(2024, 4, 20))
    between = CAL.between(date(2024, 4, 8), date(2024, 4, 12)).workdays
    assert between == 4
    assert paid.due == CAL.add(date(2024, 4, 1), 20 + between).date
    assert paid.paused is None and paid.paused_workdays == 4


def test_an_unpaid_notice_pauses_the_clock_until_the_payment_deadline():
    clock = compute_clock(_row(fee_noticed_on="2024-04-08"), [], CAL, date(2024, 4, 15))
    assert clock.paused is PauseKind.FEE
    assert clock.watch == CAL.add(date(2024, 4, 8), 20).date  # 109号: 20 working days to pay
    # the days waited so far are not counted
    assert clock.due == CAL.add(date(2024, 4, 1), 20 + CAL.between(date(2024, 4, 8), date(2024, 4, 15)).workdays).date


def test_explain_names_the_fee_pause():
    explained = explain_clock(_row(fee_noticed_on="2024-04-08", fee_paid_on="2024-04-12"), [], CAL,
                              date(2024, 4, 20))
    assert explained["fee_pause"] == {"start": "2024-04-08", "end": "2024-04-12",
                                      "paid": "2024-04-12", "workdays": 4}
    assert explained["total_workdays"] == 24


def _eleventh(cli):
    """The applicant's 11th application in March 2025: 100 yuan per application may be charged."""
    numbers = [register(cli, f"2025-03-{day:02d}", "张三", content=f"第{day}件")["number"]
               for day in range(3, 14)]
    return numbers


def test_fee_notice_paid_through_the_cli(cli):
    numbers = _eleventh(cli)
    eleventh = numbers[-1]
    view = ok_json(cli("fee", "notice", eleventh, "--basis", "per_application", "--amount", "100",
                       "--on", "2025-03-17", "--json"))
    assert view["paused"] is True and view["pause"] == "fee"
    assert view["fee"] == {"noticed": "2025-03-17", "basis": "per_application", "amount": 100,
                           "pages": None, "paid": None}
    before = CAL.add(date(2025, 3, 13), 20).date
    paid = ok_json(cli("fee", "paid", eleventh, "--on", "2025-03-21", "--json"))
    assert paid["paused"] is False and paid["fee"]["paid"] == "2025-03-21"
    moved = CAL.between(date(2025, 3, 17), date(2025, 3, 21)).workdays
    assert date.fromisoformat(paid["due"]) == CAL.add(before, moved).date
    assert "收费通知 2025-03-17 至缴费 2025-03-21，不计 4 个工作日" in ok(cli("show", eleventh, "--explain")).stdout
    assert ok(cli("audit", "verify")).exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--basis", "per_application", "--amount", "100"], "测算应收 0 元"),  # the 1st of the month
    (["--basis", "per_page", "--pages", "30", "--amount", "10"], "测算应收 0 元"),
    (["--basis", "per_page", "--pages", "31", "--amount", "11"], "超过按量计收的测算金额 10 元"),
])
def test_a_notice_the_quote_does_not_allow_is_refused(cli, args, message):
    number = register(cli, "2025-03-03", "李四")["number"]
    result = cli("fee", "notice", number, *args, "--on", "2025-03-05")
    assert result.exit_code == 1 and message in result.stderr
    assert json.loads(ok(cli("show", number, "--json")).stdout)["fee"] is None


def test_per_page_needs_pages_and_basis_is_checked(cli):
    number = register(cli, "2025-03-03", "李四")["number"]
    assert cli("fee", "notice", number, "--basis", "per_page", "--amount", "10").exit_code == 2
    result = cli("fee", "notice", number, "--basis", "both", "--amount", "10")
    assert result.exit_code == 2 and "--basis" in result.stderr


def test_lapse_only_after_twenty_working_days(cli):
    number = register(cli, "2025-03-03", "王五")["number"]
    ok(cli("fee", "notice", number, "--basis", "per_page", "--pages", "150", "--amount", "1700",
           "--on", "2025-03-05"))
    deadline = CAL.add(date(2025, 3, 5), 20).date
    early = cli("fee", "lapsed", number, "--on", deadline.isoformat())
    assert early.exit_code == 1 and "尚未届满" in early.stderr
    reply = cli("advance", number, "--on", "2025-03-06")  # review → search is allowed
    assert reply.exit_code == 0
    view = ok_json(cli("fee", "lapsed", number, "--on", "2025-04-03", "--json"))
    assert view["outcome"] == "other_unpaid_fee" and view["stage"] == "archive"
    assert view["late"] is False
    again = cli("fee", "paid", number, "--on", "2025-04-03")
    assert again.exit_code == 1


def test_reply_waits_for_the_payment_and_undo_takes_the_notice_back(cli):
    number = register(cli, "2025-03-03", "赵六")["number"]
    for _ in range(5):
        ok(cli("advance", number, "--on", "2025-03-04"))
    ok(cli("fee", "notice", number, "--basis", "per_page", "--pages", "40", "--amount", "100",
           "--on", "2025-03-05"))
    refused = cli("advance", number, "--outcome", "disclosed", "--on", "2025-03-06")
    assert refused.exit_code == 1 and "尚未缴费" in refused.stderr
    ok(cli("undo", number, "--reason", "通知未发出"))
    view = ok_json(cli("show", number, "--json"))
    assert view["fee"] is None and view["paused"] is False
    ok(cli("fee", "notice", number, "--basis", "per_page", "--pages", "40", "--amount", "100",
           "--on", "2025-03-05"))
    twice = cli("fee", "notice", number, "--basis", "per_page", "--pages", "40", "--amount", "100",
                "--on", "2025-03-05")
    assert twice.exit_code == 1 and "已于 2025-03-05 发出收费通知" in twice.stderr
    ok(cli("fee", "paid", number, "--on", "2025-03-10"))
    ok(cli("advance", number, "--outcome", "disclosed", "--on", "2025-03-11"))
    assert ok(cli("db", "check")).exit_code == 0


def test_replay_equals_the_row_after_fee_events(cli, isolated):
    from hunnan_gk import workflow
    from hunnan_gk.storage.db import open_db
    from hunnan_gk.storage.requests import events_of, find_request

    number = register(cli, "2025-03-03", "钱七")["number"]
    ok(cli("fee", "notice", number, "--basis", "per_page", "--pages", "40", "--amount", "100",
           "--on", "2025-03-05"))
    ok(cli("fee", "paid", number, "--on", "2025-03-07"))
    db = open_db(isolated / "gk.db")
    row = find_request(db, number)
    state = workflow.replay(events_of(db, number))
    assert {k: row[k] for k in row} == {k: state.get(k) for k in row}
