"""Each transition of workflow.py as a pure function: a stored row and an explicit `today` in,
a Change (or a refusal) out. Nothing here opens a database or reads the clock.

The story's dates, counted by hand on the official 2024 calendar (清明 04-04..04-06 off,
Sunday 04-07 and Sunday 04-28 worked, 劳动节 05-01..05-05 off, Saturday 05-11 worked):
received Monday 2024-04-01 → 补正告知 limit 04-11 (7 working days, 条例第30条) → due 04-29
(20 working days, 条例第33条)."""

from __future__ import annotations

from datetime import date

import pytest

from hunnan_gk import workflow
from hunnan_gk.clock import compute_clock
from hunnan_gk.errors import Refused
from hunnan_gk.vocab import HANDLING_STAGES, Outcome, Stage
from tests.helpers import VALID_ID, work_calendar

CAL = work_calendar()
RECEIVED = "2024-04-01"
TODAY = date(2024, 6, 28)
DUE = date(2024, 4, 29)
NOTICE_LIMIT = date(2024, 4, 11)
D = date.fromisoformat


def row(stage: str = "search", **extra) -> dict:
    """A request as storage holds it, open and unpaused unless `extra` says otherwise."""
    base = {
        "number": "2024-0001",
        "stage": stage,
        "received_on": RECEIVED,
        "clock_start_on": RECEIVED,
        "last_event_on": RECEIVED,
        "supplement_asked_on": None,
        "supplement_until": None,
        "supplement_received_on": None,
        "extended_days": 0,
        "outcome": None,
        "outcome_on": None,
        "replied_on": None,
        "closed_on": None,
    }
    base.update(extra)
    return base


ASKED = {"supplement_asked_on": "2024-04-03", "supplement_until": "2024-04-17"}
REPLIED = {"stage": "archive", "outcome": "disclosed", "outcome_on": "2024-04-20", "replied_on": "2024-04-20",
           "last_event_on": "2024-04-20"}


def consultation(party="某公司", start="2024-04-10", end=None, id=1, kind="third_party") -> dict:
    return {"id": id, "party": party, "kind": kind, "start_on": start, "end_on": end}


def refused(call, *words: str) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    for word in words:
        assert word in caught.value.message, caught.value.message
    return caught.value


# --- registration (接收登记) -------------------------------------------------------------


def register(**changes):
    values = {"applicant": " 张三 ", "applicant_type": "natural", "channel": "online",
              "received": D(RECEIVED), "content": " 2023年老旧小区改造资金 ", "today": TODAY, **changes}
    return workflow.registration(**values)


def test_registration_stands_in_review_with_the_clock_from_receipt():
    fields = register(id_number=VALID_ID.lower(), phone=" 13812345678 ", department="  ")
    assert fields["stage"] == Stage.REVIEW.value
    assert fields["received_on"] == fields["clock_start_on"] == fields["last_event_on"] == RECEIVED
    assert (fields["applicant"], fields["content"]) == ("张三", "2023年老旧小区改造资金")
    assert fields["id_number"] == VALID_ID  # the check letter X in capitals
    assert (fields["phone"], fields["department"]) == ("13812345678", None)
    assert fields["extended_days"] == 0


def test_registration_on_today_is_allowed():
    assert register(received=TODAY)["received_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"received": date(2024, 6, 29)}, ("晚于今天", "条例第31条")),
        ({"received": date(2008, 4, 30)}, ("早于", "2008-05-01")),
        ({"applicant": "  "}, ("申请人",)),
        ({"content": ""}, ("申请内容",)),
        ({"id_number": "110105194912310021"}, ("身份证号码有误",)),
    ],
)
def test_registration_refusals(changes, words):
    refused(lambda: register(**changes), *words)


def test_registration_on_the_day_the_regulation_took_effect():
    assert register(received=workflow.REGULATION_IN_FORCE, today=TODAY)["received_on"] == "2008-05-01"


# --- advance ------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [s for s in HANDLING_STAGES[1:] if s not in (Stage.REPLY, Stage.ARCHIVE)])
def test_advance_moves_to_the_next_stage(stage):
    before = row(stage.value)
    change = workflow.advance(before, on=D("2024-04-02"), today=TODAY)
    assert change.action == "advance" and change.on == D("2024-04-02")
    assert change.fields == {"stage": stage.next().value}
    assert before == row(stage.value)  # the row given is not changed


def test_advance_from_reply_records_the_outcome_and_stops_the_clock():
    change = workflow.advance(row("reply"), on=D("2024-04-16"), today=TODAY, outcome="partial")
    assert change.fields == {"stage": "archive", "outcome": "partial", "outcome_on": "2024-04-16",
                             "replied_on": "2024-04-16"}


def test_advance_from_archive_closes():
    change = workflow.advance(row(**REPLIED), on=D("2024-04-22"), today=TODAY)
    assert change.fields == {"stage": "closed", "closed_on": "2024-04-22"}


def test_reply_needs_an_outcome_from_the_annual_table():
    error = refused(lambda: workflow.advance(row("reply"), on=D("2024-04-16"), today=TODAY), "--outcome")
    assert Outcome.DISCLOSED.value in error.hint


def test_outcome_only_at_reply():
    refused(lambda: workflow.advance(row("draft"), on=D("2024-04-16"), today=TODAY, outcome="disclosed"),
            "--outcome", "拟定答复意见")


def test_expect_guards_against_two_clerks_doing_one_stage():
    assert workflow.advance(row("search"), on=D("2024-04-02"), today=TODAY, expect="search").fields["stage"] == "secrecy"
    error = refused(lambda: workflow.advance(row("secrecy"), on=D("2024-04-02"), today=TODAY, expect="search"),
                    "保密审查", "查找信息")
    assert "hunnan-gk show" in error.hint


def test_closed_request_does_not_advance():
    refused(lambda: workflow.advance(row("closed", closed_on="2024-04-22"), on=D("2024-04-23"), today=TODAY),
            "已办结")


@pytest.mark.parametrize(
    ("on", "last", "words"),
    [
        ("2024-06-29", RECEIVED, ("晚于今天", "2024-06-28")),
        ("2024-04-09", "2024-04-10", ("早于", "2024-04-10")),
    ],
)
def test_a_business_date_neither_in_the_future_nor_before_the_last_event(on, last, words):
    refused(lambda: workflow.advance(row(last_event_on=last), on=D(on), today=TODAY), *words)


def test_a_business_date_of_today_or_of_the_last_event_is_allowed():
    assert workflow.advance(row(), on=TODAY, today=TODAY).on == TODAY
    assert workflow.advance(row(last_event_on="2024-04-10"), on=D("2024-04-10"), today=TODAY).on == D("2024-04-10")


def test_no_advance_while_waiting_for_the_correction_but_archiving_goes_on():
    error = refused(lambda: workflow.advance(row(**ASKED), on=D("2024-04-08"), today=TODAY), "补正", "2024-04-17")
    assert "supplement received" in error.hint
    lapsed = row(**ASKED, stage="archive", outcome="other_no_supplement", outcome_on="2024-04-18")
    assert workflow.advance(lapsed, on=D("2024-04-19"), today=TODAY).fields["stage"] == "closed"


# --- return -------------------------------------------------------------------------------


def test_return_to_an_earlier_stage_with_the_reason_as_note():
    change = workflow.return_to(row("approve"), to="draft", reason="审核不通过", on=D("2024-04-11"), today=TODAY)
    assert (change.action, change.fields, change.note) == ("return", {"stage": "draft"}, "审核不通过")


@pytest.mark.parametrize(
    ("current", "to", "words"),
    [
        ("approve", "register", ("接收登记",)),
        ("draft", "draft", ("之前",)),
        ("draft", "approve", ("之前", "答复意见审核")),
    ],
)
def test_return_only_backwards_and_never_to_registration(current, to, words):
    refused(lambda: workflow.return_to(row(current), to=to, reason="x", on=D("2024-04-11"), today=TODAY), *words)


def test_return_needs_a_reason_and_an_open_request():
    refused(lambda: workflow.return_to(row("approve"), to="draft", reason=" ", on=D("2024-04-11"), today=TODAY),
            "--reason")
    refused(lambda: workflow.return_to(row(**REPLIED), to="draft", reason="x", on=D("2024-04-21"), today=TODAY),
            "已于 2024-04-20 作出处理")


# --- supplement (补正, 条例第30条) ---------------------------------------------------------


def test_supplement_ask_stops_the_clock():
    change = workflow.supplement_ask(row("review"), on=NOTICE_LIMIT, until=D("2024-04-25"), today=TODAY, calendar=CAL)
    assert change.action == "supplement_ask"
    assert change.fields == {"supplement_asked_on": "2024-04-11", "supplement_until": "2024-04-25",
                             "supplement_late": 0}
    assert change.warnings == []


def test_supplement_ask_after_seven_working_days_is_recorded_with_a_warning():
    change = workflow.supplement_ask(row("review"), on=D("2024-04-12"), until=D("2024-04-26"), today=TODAY,
                                     calendar=CAL)
    (warning,) = change.warnings
    assert "7 个工作日（2024-04-11）" in warning and "条例第30条" in warning


def test_supplement_is_asked_once_and_for_a_later_day():
    refused(lambda: workflow.supplement_ask(row(**ASKED), on=D("2024-04-05"), until=D("2024-04-20"),
                                            today=TODAY, calendar=CAL), "一次性告知")
    refused(lambda: workflow.supplement_ask(row(), on=D("2024-04-05"), until=D("2024-04-05"), today=TODAY,
                                            calendar=CAL), "应晚于")


def test_supplement_received_restarts_the_twenty_days():
    change = workflow.supplement_received(row(**ASKED), on=D("2024-04-15"), today=TODAY)
    assert change.action == "supplement_received"
    assert change.fields == {"supplement_received_on": "2024-04-15", "clock_start_on": "2024-04-15"}
    assert change.warnings == []
    after = row(**ASKED, **change.fields)
    assert compute_clock(after, [], CAL, TODAY).due == D("2024-05-14")  # 20 working days from 04-15


def test_supplement_received_late_is_recorded_with_a_warning():
    (warning,) = workflow.supplement_received(row(**ASKED), on=D("2024-04-18"), today=TODAY).warnings
    assert "2024-04-17" in warning


def test_supplement_received_needs_a_pending_notice():
    refused(lambda: workflow.supplement_received(row(), on=D("2024-04-15"), today=TODAY), "没有待补正")
    done = row(**ASKED, supplement_received_on="2024-04-10")
    refused(lambda: workflow.supplement_received(done, on=D("2024-04-15"), today=TODAY), "没有待补正")


def test_supplement_lapsed_only_after_the_applicants_deadline():
    refused(lambda: workflow.supplement_lapsed(row(**ASKED), on=D("2024-04-17"), today=TODAY), "尚未届满")
    change = workflow.supplement_lapsed(row(**ASKED), on=D("2024-04-18"), today=TODAY)
    assert change.action == "supplement_lapsed"
    assert change.fields == {"outcome": Outcome.OTHER_NO_SUPPLEMENT.value, "outcome_on": "2024-04-18",
                             "stage": "archive"}


# --- consultation (征求意见, 条例第32条、第34条) ------------------------------------------


def test_consult_start_pauses_a_running_clock():
    change = workflow.consult_start(row(), [], party="某公司", kind="third_party", on=D("2024-04-10"),
                                    today=TODAY, calendar=CAL)
    assert change.action == "consult_start" and change.fields == {}
    assert change.consultation == {"party": "某公司", "kind": "third_party", "start_on": "2024-04-10"}
    assert change.note == "向第三方“某公司”征求意见"
    assert change.warnings == []


def test_consult_start_after_the_deadline_no_longer_pauses():
    change = workflow.consult_start(row(), [], party="区住建局", kind="organ", on=D("2024-04-30"),
                                    today=TODAY, calendar=CAL)
    (warning,) = change.warnings
    assert "2024-04-29" in warning and "不再暂停" in warning
    on_the_due_day = workflow.consult_start(row(), [], party="区住建局", kind="organ", on=DUE, today=TODAY,
                                            calendar=CAL)
    assert on_the_due_day.warnings == []


def test_consult_start_refusals():
    start = lambda r, party="某公司", consultations=(): workflow.consult_start(  # noqa: E731
        r, list(consultations), party=party, kind="third_party", on=D("2024-04-12"), today=TODAY, calendar=CAL)
    refused(lambda: start(row(**ASKED)), "等待补正")
    refused(lambda: start(row(), party=" "), "--party")
    refused(lambda: start(row(), consultations=[consultation()]), "已在向“某公司”征求意见")
    assert start(row(), consultations=[consultation(end="2024-04-11")]).consultation["party"] == "某公司"


def test_consult_end_ends_the_one_open_consultation():
    change = workflow.consult_end(row(), [consultation(id=7)], on=D("2024-04-15"), today=TODAY)
    assert (change.action, change.ended_consultation) == ("consult_end", 7)
    assert change.note == "“某公司”征求意见结束"


def test_consult_end_with_two_open_names_the_party():
    both = [consultation("甲公司", id=1), consultation("乙公司", id=2)]
    refused(lambda: workflow.consult_end(row(), both, on=D("2024-04-15"), today=TODAY), "甲公司、乙公司", "--party")
    change = workflow.consult_end(row(), both, on=D("2024-04-15"), today=TODAY, party="乙公司")
    assert change.ended_consultation == 2


def test_consult_end_refusals():
    refused(lambda: workflow.consult_end(row(), [], on=D("2024-04-15"), today=TODAY), "没有进行中的征求意见")
    refused(lambda: workflow.consult_end(row(), [consultation()], on=D("2024-04-15"), today=TODAY, party="别家"),
            "（对象“别家”）")
    refused(lambda: workflow.consult_end(row(), [consultation(start="2024-04-10")], on=D("2024-04-09"),
                                         today=TODAY), "早于征求意见开始日期")


# --- extension (延期, 条例第33条第2款) ---------------------------------------------------


def extend(r=None, consultations=(), *, days=10, approver="王主任", reason="需协调", on=D("2024-04-25")):
    return workflow.extend(r or row(), list(consultations), days=days, approver=approver, reason=reason, on=on,
                           today=TODAY, calendar=CAL)


def test_extend_adds_days_and_records_who_approved():
    change = extend(row(extended_days=5), days=15)
    assert change.action == "extend"
    assert change.fields == {"extended_days": 20}
    assert change.extra == {"approver": "王主任", "days": 15}
    assert change.note == "需协调"


def test_extend_on_the_due_day_but_not_after():
    assert extend(on=DUE).fields == {"extended_days": 10}
    refused(lambda: extend(on=D("2024-04-30")), "2024-04-29 已过", "条例第33条")


def test_a_consultation_pause_moves_the_day_an_extension_is_still_possible():
    paused = [consultation(start="2024-04-10", end="2024-04-12")]  # 04-11, 04-12 not counted
    assert extend(consultations=paused, on=D("2024-04-30")).fields == {"extended_days": 10}


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"r": row(extended_days=15), "days": 6}, ("不得超过 20 个工作日", "最多还能延长 5 个")),
        ({"days": 0}, ("--days",)),
        ({"approver": " "}, ("--approver", "条例第33条")),
        ({"reason": ""}, ("--reason",)),
        ({"r": row(**ASKED)}, ("等待申请人补正",)),
        ({"r": row(**REPLIED)}, ("作出处理",)),
    ],
)
def test_extend_refusals(changes, words):
    refused(lambda: extend(**changes), *words)


# --- withdrawal -----------------------------------------------------------------------------


def test_withdraw_is_the_outcome_other_and_goes_to_archive():
    change = workflow.withdraw(row("draft"), reason="申请人撤回", on=D("2024-04-05"), today=TODAY)
    assert change.action == "withdraw" and change.note == "申请人撤回"
    assert change.fields == {"outcome": Outcome.OTHER.value, "outcome_on": "2024-04-05", "stage": "archive"}


def test_withdraw_refusals():
    refused(lambda: workflow.withdraw(row(), reason=" ", on=D("2024-04-05"), today=TODAY), "--reason")
    refused(lambda: workflow.withdraw(row(**REPLIED), reason="x", on=D("2024-04-25"), today=TODAY), "作出处理")
    refused(lambda: workflow.withdraw(row(), reason="x", on=D("2024-06-29"), today=TODAY), "晚于今天")


# --- appeals (annual report section 四) ---------------------------------------------------


def test_appeal_filed():
    change = workflow.appeal_filed(row(**REPLIED), None, kind="reconsideration", on=D("2024-05-10"), today=TODAY)
    assert (change.action, change.fields, change.note) == ("appeal_add", {}, "行政复议")
    assert change.extra == {"appeal": {"kind": "reconsideration"}}


@pytest.mark.parametrize(
    ("pending", "on", "words"),
    [
        ({"id": 1, "filed_on": "2024-05-10"}, "2024-05-20", ("尚未审结的行政复议", "appeal decide")),
        (None, "2024-06-29", ("晚于今天",)),
        (None, "2024-03-31", ("早于申请的收到日期",)),
    ],
)
def test_appeal_filed_refusals(pending, on, words):
    refused(lambda: workflow.appeal_filed(row(**REPLIED), pending, kind="reconsideration", on=D(on), today=TODAY),
            *words)


def test_appeal_decided():
    pending = {"id": 3, "filed_on": "2024-05-10"}
    change = workflow.appeal_decided(row(**REPLIED), pending, kind="litigation_direct", result="corrected",
                                     on=D("2024-06-20"), today=TODAY)
    assert change.action == "appeal_decide"
    assert change.note == "行政诉讼·未经复议直接起诉：结果纠正"
    assert change.extra == {"appeal": {"kind": "litigation_direct", "result": "corrected", "id": 3}}


@pytest.mark.parametrize(
    ("pending", "on", "words"),
    [
        (None, "2024-06-20", ("没有尚未审结的行政复议", "appeal add")),
        ({"id": 3, "filed_on": "2024-05-10"}, "2024-05-09", ("早于该行政复议的提起日期",)),
        ({"id": 3, "filed_on": "2024-05-10"}, "2024-06-29", ("晚于今天",)),
    ],
)
def test_appeal_decided_refusals(pending, on, words):
    refused(lambda: workflow.appeal_decided(row(**REPLIED), pending, kind="reconsideration", result="upheld",
                                            on=D(on), today=TODAY), *words)
