"""Issue 3: requests through the eight stages, the legal clock, and the audit trail, via the CLI."""

import json
import sqlite3
import subprocess
import sys

import pytest

from hunnan_gk.vocab import HANDLING_STAGES
from tests.helpers import (PHONE, VALID_ID, count_rows, ok_json, override_year, register, register_args,
                           subprocess_env)


def show(cli, number):
    return ok_json(cli("show", number, "--json"))


def event_count(path):
    return count_rows(path, "events")


def test_register_to_closed_through_all_eight_stages(cli):
    request = register(cli, id_number=VALID_ID, phone=PHONE)
    assert request["number"] == "2024-0001"
    assert request["stage"] == "review"
    assert request["due"] == "2024-04-29"
    assert request["due_provisional"] is False
    for stage in HANDLING_STAGES[1:6]:  # review … approve
        result = cli("advance", "2024-0001", "--expect", stage.value, "--on", "2024-04-10", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["stage"] == stage.next().value
    result = cli("advance", "2024-0001", "--outcome", "disclosed", "--on", "2024-04-20", "--json")
    replied = json.loads(result.stdout)
    assert replied["stage"] == "archive"
    assert replied["outcome"] == "disclosed"
    assert replied["replied"] == "2024-04-20"
    result = cli("advance", "2024-0001", "--on", "2024-04-22", "--json")
    closed = json.loads(result.stdout)
    assert closed["stage"] == "closed" and closed["closed"] == "2024-04-22"
    detail = show(cli, "2024-0001")
    assert [e["action"] for e in detail["events"]] == ["register"] + ["advance"] * 7
    assert [e["stage"] for e in detail["events"]] == [s.value for s in HANDLING_STAGES[1:]] + ["closed"]
    assert {"action", "stage", "on", "at", "clerk", "note"} <= set(detail["events"][0])
    assert detail["id_number"] == VALID_ID and detail["phone"] == PHONE
    result = cli("advance", "2024-0001")
    assert result.exit_code == 1 and "已办结" in result.stderr


def test_numbers_are_per_year_and_gap_free(cli, config_file):
    assert register(cli, "2023-12-29")["number"] == "2023-0001"
    assert register(cli, "2024-01-02")["number"] == "2024-0001"
    cli("register", "--applicant", "", "--type", "natural", "--channel", "online",
        "--received", "2024-01-03", "--content", "x")  # refused: must not use up a number
    assert register(cli, "2024-01-03")["number"] == "2024-0002"
    config_file.write_text("numbering:\n  prefix: 浑南依申〔{year}〕{seq:04d}号\n", encoding="utf-8")
    assert register(cli, "2024-01-04")["number"] == "浑南依申〔2024〕0003号"
    assert show(cli, "2024-3")["number"] == "浑南依申〔2024〕0003号"


def test_a_number_typed_as_printed_on_paper_is_found_and_nothing_else(cli, config_file):
    config_file.write_text("numbering:\n  prefix: 浑南依申〔{year}〕{seq:04d}号\n", encoding="utf-8")
    assert register(cli, "2024-01-04")["number"] == "浑南依申〔2024〕0001号"
    for typed in ("浑南依申〔2024〕1号", "浑南依申[2024]0001号", "浑南依申（２０２４）１号", "2024-1"):
        assert show(cli, typed)["number"] == "浑南依申〔2024〕0001号"
    for typed in ("沈河依申〔2024〕1号", "浑南依申〔2024〕1号x", "2024-0001x"):
        result = cli("show", typed)
        assert result.exit_code == 1 and "找不到申请" in result.stderr


def test_a_short_number_with_trailing_text_is_not_that_number(cli):
    for day in ("2025-01-02",) * 9:
        register(cli, day)
    assert show(cli, "2025-0009")["number"] == "2025-0009"
    result = cli("show", "2025-0009x")
    assert result.exit_code == 1 and "找不到申请 2025-0009x" in result.stderr


def test_codes_and_chinese_labels_are_both_accepted(cli):
    request = register(cli, type="商业企业", channel="邮寄")
    assert request["applicant_type"] == "commercial" and request["channel"] == "post"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"received": "2099-01-01"}, "晚于今天"),
        ({"received": "1900-01-01"}, "施行之日"),
        ({"id_number": "110105194912310021"}, "校验码"),
        ({"applicant": "  "}, "申请人"),
        ({"content": ""}, "申请内容"),
    ],
)
def test_register_refusals_write_nothing(cli, isolated, options, message):
    register(cli)
    before = event_count(isolated / "gk.db")
    result = cli("register", *register_args(**{"content": "x", **options}))
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert event_count(isolated / "gk.db") == before


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--type", "person"], 2, "--type"),
        (["--channel", "pigeon"], 2, "--channel"),
        (["--received", "2024-02-30"], 2, "--received"),
    ],
)
def test_register_usage_errors(cli, args, code, message):
    option, value = args
    result = cli("register", *register_args(**{"content": "x", option.removeprefix("--"): value}))
    assert result.exit_code == code
    assert message in result.stderr


def test_expect_refuses_a_stage_already_completed(cli):
    register(cli)
    assert cli("advance", "2024-0001", "--expect", "review", "--on", "2024-04-02").exit_code == 0
    result = cli("advance", "2024-0001", "--expect", "review", "--on", "2024-04-02")
    assert result.exit_code == 1
    assert "查找信息" in result.stderr and "申请表审查" in result.stderr
    assert show(cli, "2024-0001")["stage"] == "search"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--on", "2024-03-30"], "早于"),
        (["--on", "2099-01-01"], "晚于今天"),
        (["--outcome", "disclosed"], "--outcome"),
    ],
)
def test_advance_refusals(cli, args, message):
    register(cli)
    result = cli("advance", "2024-0001", *args)
    assert result.exit_code == 1 and message in result.stderr
    assert show(cli, "2024-0001")["stage"] == "review"


def _to_reply(cli, number="2024-0001", on="2024-04-10"):
    for _ in range(5):
        assert cli("advance", number, "--on", on).exit_code == 0


def test_reply_needs_an_outcome(cli):
    register(cli)
    _to_reply(cli)
    result = cli("advance", "2024-0001", "--on", "2024-04-12")
    assert result.exit_code == 1 and "--outcome" in result.stderr
    result = cli("advance", "2024-0001", "--on", "2024-04-12", "--outcome", "no_such")
    assert result.exit_code == 2 and "unavailable_not_held" in result.stderr


def test_return_to_an_earlier_stage_and_its_limits(cli):
    register(cli)
    _to_reply(cli)
    result = cli("return", "2024-0001", "--to", "拟定答复意见", "--reason", "审核不通过", "--on", "2024-04-11", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["stage"] == "draft"
    assert cli("return", "2024-0001", "--to", "register", "--reason", "x", "--on", "2024-04-11").exit_code == 1
    assert cli("return", "2024-0001", "--to", "approve", "--reason", "x", "--on", "2024-04-11").exit_code == 1
    assert cli("return", "2024-0001", "--to", "search", "--reason", " ", "--on", "2024-04-11").exit_code == 1
    cli("advance", "2024-0001", "--on", "2024-04-12")
    cli("advance", "2024-0001", "--on", "2024-04-12")
    assert cli("advance", "2024-0001", "--on", "2024-04-12", "--outcome", "partial").exit_code == 0
    result = cli("return", "2024-0001", "--to", "draft", "--reason", "x", "--on", "2024-04-12")
    assert result.exit_code == 1 and "已于" in result.stderr
    events = show(cli, "2024-0001")["events"]
    assert events[6]["action"] == "return" and events[6]["note"] == "审核不通过"


@pytest.mark.parametrize(
    "received, due",
    [
        ("2024-04-01", "2024-04-29"),  # 清明 and the adjusted Sunday 04-07 and 04-28
        ("2024-02-01", "2024-03-05"),  # Spring Festival 02-10..17, working Sundays 02-04 and 02-18
        ("2024-09-20", "2024-10-23"),  # National Day 10-01..07, working 09-29 (Sun) and 10-12 (Sat)
        ("2025-01-20", "2025-02-21"),  # Spring Festival 2025 with its extra day (01-28..02-04)
    ],
)
def test_due_date_across_holidays(cli, received, due):
    assert register(cli, received)["due"] == due


def test_supplement_stops_the_clock_and_restarts_it(cli):
    register(cli)
    result = cli("supplement", "ask", "2024-0001", "--on", "2024-04-03", "--until", "2024-04-17", "--json")
    assert result.exit_code == 0, result.output
    paused = json.loads(result.stdout)
    assert paused["due"] is None and paused["paused"] is True
    assert cli("advance", "2024-0001", "--on", "2024-04-05").exit_code == 1  # waiting for the applicant
    result = cli("supplement", "received", "2024-0001", "--on", "2024-04-10", "--json")
    restarted = json.loads(result.stdout)
    assert restarted["due"] == "2024-05-10" and restarted["paused"] is False
    explain = json.loads(cli("show", "2024-0001", "--explain", "--json").stdout)["explain"]
    assert explain["restarted"] is True and explain["start"] == "2024-04-10"
    assert {"date": "2024-04-28", "workday": True, "reason": "调休上班", "provisional": False} in explain["crossed"]
    result = cli("supplement", "ask", "2024-0001", "--on", "2024-04-11", "--until", "2024-04-20")
    assert result.exit_code == 1 and "一次性" in result.stderr


def test_late_supplement_notice_is_recorded_with_a_warning(cli):
    register(cli)
    result = cli("supplement", "ask", "2024-0001", "--on", "2024-04-12", "--until", "2024-04-26")
    assert result.exit_code == 0
    assert "7 个工作日" in result.stderr and "2024-04-11" in result.stderr


def test_supplement_lapses_only_after_its_deadline(cli):
    register(cli)
    cli("supplement", "ask", "2024-0001", "--on", "2024-04-03", "--until", "2024-04-17")
    result = cli("supplement", "lapsed", "2024-0001", "--on", "2024-04-17")
    assert result.exit_code == 1 and "尚未届满" in result.stderr
    result = cli("supplement", "lapsed", "2024-0001", "--on", "2024-04-18", "--json")
    lapsed = json.loads(result.stdout)
    assert lapsed["outcome"] == "other_no_supplement" and lapsed["stage"] == "archive"
    assert lapsed["replied"] is None
    assert cli("supplement", "received", "2024-0001", "--on", "2024-04-19").exit_code == 1


def test_supplement_received_without_a_notice_is_refused(cli):
    register(cli)
    result = cli("supplement", "received", "2024-0001", "--on", "2024-04-03")
    assert result.exit_code == 1 and "没有待补正" in result.stderr


def test_consultation_pauses_the_clock(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-12")
    register(cli)
    result = cli("consult", "start", "2024-0001", "--party", "沈阳某建设公司", "--kind", "third_party",
                 "--on", "2024-04-08", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["paused"] is True
    result = cli("consult", "end", "2024-0001", "--on", "2024-04-12", "--json")
    resumed = json.loads(result.stdout)
    assert resumed["paused"] is False
    assert resumed["due"] == "2024-05-08"  # 4 working days (04-09..04-12) not counted
    assert cli("consult", "end", "2024-0001", "--on", "2024-04-15").exit_code == 1


def test_an_unanswered_consultation_pauses_at_most_15_working_days(cli, monkeypatch):
    """条例第32、34条: the party has 15 working days; silence lets the office decide, so the
    clock resumes after the window even when nobody records the consultation's end."""
    register(cli)
    cli("consult", "start", "2024-0001", "--party", "区财政局", "--kind", "organ", "--on", "2024-04-08")
    # 15 working days after 2024-04-08: 04-09..12 (4), 15..19 (9), 22..26 (14), 28 Sun (15)
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-28")
    waiting = show(cli, "2024-0001")
    assert waiting["paused"] is True and waiting["watch"] == "2024-04-28"
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-06-03")
    resumed = show(cli, "2024-0001")
    assert resumed["paused"] is False
    # 20 + 15 paused working days after 2024-04-01: 04-29 is day 20, then 04-30 and 05-06..
    assert resumed["due"] == "2024-05-22"
    explain = json.loads(cli("show", "2024-0001", "--explain", "--json").stdout)["explain"]
    assert explain["pauses"][0]["workdays"] == 15 and explain["paused_workdays"] == 15


def test_two_open_consultations_need_party_to_end(cli):
    register(cli)
    cli("consult", "start", "2024-0001", "--party", "甲公司", "--kind", "third_party", "--on", "2024-04-08")
    cli("consult", "start", "2024-0001", "--party", "区财政局", "--kind", "organ", "--on", "2024-04-09")
    result = cli("consult", "end", "2024-0001", "--on", "2024-04-12")
    assert result.exit_code == 1 and "--party" in result.stderr
    assert cli("consult", "end", "2024-0001", "--on", "2024-04-12", "--party", "甲公司").exit_code == 0
    assert cli("consult", "end", "2024-0001", "--on", "2024-04-15").exit_code == 0
    # union of 04-09..04-12 and 04-10..04-15: 5 working days
    assert show(cli, "2024-0001")["due"] == "2024-05-09"


def test_extension_and_its_refusals(cli):
    register(cli)
    result = cli("extend", "2024-0001", "--days", "10", "--approver", "王主任", "--reason", "需协调", "--on", "2024-04-25", "--json")
    assert result.exit_code == 0, result.output
    extended = json.loads(result.stdout)
    assert extended["extended_days"] == 10 and extended["due"] == "2024-05-15"
    result = cli("extend", "2024-0001", "--days", "11", "--approver", "王主任", "--reason", "x", "--on", "2024-04-26")
    assert result.exit_code == 1 and "20 个工作日" in result.stderr
    result = cli("extend", "2024-0001", "--days", "10", "--approver", "王主任", "--reason", "x", "--on", "2024-05-16")
    assert result.exit_code == 1 and "已过" in result.stderr
    assert cli("extend", "2024-0001", "--days", "0", "--approver", "王主任", "--reason", "x", "--on", "2024-04-26").exit_code == 1
    assert show(cli, "2024-0001")["extended_days"] == 10
    event = show(cli, "2024-0001")["events"][-1]
    assert event["action"] == "extend" and event["note"] == "需协调"


def test_extension_refused_after_reply(cli):
    register(cli)
    _to_reply(cli)
    cli("advance", "2024-0001", "--on", "2024-04-12", "--outcome", "disclosed")
    result = cli("extend", "2024-0001", "--days", "5", "--approver", "王主任", "--reason", "x", "--on", "2024-04-15")
    assert result.exit_code == 1


def test_withdraw_ends_with_outcome_other(cli):
    register(cli)
    result = cli("withdraw", "2024-0001", "--reason", "申请人撤回", "--on", "2024-04-03", "--json")
    request = json.loads(result.stdout)
    assert request["outcome"] == "other" and request["stage"] == "archive"
    assert cli("withdraw", "2024-0001", "--reason", "again", "--on", "2024-04-04").exit_code == 1


def test_list_masks_and_filters(cli):
    register(cli, id_number=VALID_ID, phone=PHONE, department="区住建局")
    register(cli, "2024-04-02", applicant="沈阳某科技有限公司", type="commercial", department="区营商局")
    result = cli("list", "--json")
    items = json.loads(result.stdout)
    assert [i["number"] for i in items] == ["2024-0001", "2024-0002"]
    assert items[0]["id_number"] == "1101**********002X" and items[0]["phone"] == "138****5678"
    assert [i["number"] for i in json.loads(cli("list", "--department", "区营商局", "--json").stdout)] == ["2024-0002"]
    assert json.loads(cli("list", "--search", "科技", "--json").stdout)[0]["number"] == "2024-0002"
    assert json.loads(cli("list", "--received-from", "2024/4/2", "--json").stdout)[0]["number"] == "2024-0002"
    assert json.loads(cli("list", "--closed", "--json").stdout) == []
    table = cli("list").stdout
    assert PHONE not in table and VALID_ID not in table and "张三" in table
    assert cli("list", "--open", "--closed").exit_code == 2


def test_unknown_request_is_refused(cli):
    register(cli)
    result = cli("show", "2024-9999")
    assert result.exit_code == 1 and "找不到申请" in result.stderr


def test_show_table_explains_the_due_date(cli):
    register(cli)
    out = cli("show", "2024-0001", "--explain").stdout
    assert "2024-04-29" in out and "调休上班" in out and "清明节" in out


def test_audit_verify_catches_an_edited_event(cli, isolated):
    register(cli)
    cli("advance", "2024-0001", "--on", "2024-04-02")
    assert cli("audit", "verify").exit_code == 0
    with sqlite3.connect(isolated / "gk.db") as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET happened_on = '2024-04-01' WHERE id = 2")
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "#2" in result.stderr


def test_audit_verify_catches_a_deleted_event(cli, isolated):
    register(cli)
    cli("advance", "2024-0001", "--on", "2024-04-02")
    cli("advance", "2024-0001", "--on", "2024-04-03")
    with sqlite3.connect(isolated / "gk.db") as conn:
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events WHERE id = 2")
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "#3" in result.stderr


def test_provisional_due_date_in_december(cli, monkeypatch):
    import chinese_calendar

    last_official = max(chinese_calendar.holidays).year  # 2026 with chinesecalendar 1.11
    monkeypatch.setenv("HUNNAN_GK_TODAY", f"{last_official}-12-10")
    request = register(cli, f"{last_official}-12-10")
    assert request["due_provisional"] is True
    assert request["due"].startswith(f"{last_official + 1}-01")
    assert "暂定" in cli("show", f"{last_official}-0001").stdout


def test_two_processes_completing_the_same_stage(isolated):
    env = subprocess_env()
    base = [sys.executable, "-m", "hunnan_gk"]
    subprocess.run(base + ["register", *register_args(content="x")], env=env, check=True, capture_output=True)
    procs = [
        subprocess.Popen(base + ["advance", "2024-0001", "--expect", "review", "--on", "2024-04-02"],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 1]
    assert all("locked" not in err and "Traceback" not in err for _, err in results)
    with sqlite3.connect(isolated / "gk.db") as conn:
        stages = conn.execute("SELECT stage_after FROM events ORDER BY id").fetchall()
    assert stages == [("review",), ("search",)]


def test_an_override_file_moves_open_deadlines(cli, config_file, isolated, monkeypatch):
    import chinese_calendar

    year = max(chinese_calendar.holidays).year + 1  # the first year without official data
    monkeypatch.setenv("HUNNAN_GK_TODAY", f"{year}-03-01")
    before = register(cli, f"{year}-02-01")
    assert before["due_provisional"] is True
    # The State Council's notice arrives: a week off in mid-February, no adjusted Sundays.
    (isolated / "holidays.yaml").write_text(
        f"{year}:\n  holidays: [{override_year(year, f'{year}-02-15..{year}-02-21')}]\n  workdays: []\n",
        encoding="utf-8",
    )
    config_file.write_text("holidays: holidays.yaml\n", encoding="utf-8")
    after = show(cli, f"{year}-0001")
    assert after["due_provisional"] is False
    from datetime import date

    from hunnan_gk.holiday_files import load_calendar

    expected = load_calendar(isolated / "holidays.yaml").add(date(year, 2, 1), 20).date
    assert after["due"] == expected.isoformat() != before["due"]


def test_reading_commands_never_create_a_database(cli, isolated):
    for args in (["list"], ["show", "2024-0001"], ["advance", "2024-0001"], ["audit", "verify"]):
        result = cli(*args, "--db", isolated / "typo.db")
        assert result.exit_code == 3 and "不存在" in result.stderr, args
    assert not (isolated / "typo.db").exists()


def test_audit_verify_catches_deleting_the_newest_event(cli, isolated):
    register(cli)
    cli("advance", "2024-0001", "--on", "2024-04-02")
    head = cli("audit", "verify").stdout.split("链头")[-1].strip()
    with sqlite3.connect(isolated / "gk.db") as conn:
        assert head == conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events WHERE id = 2")
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "链尾" in result.stderr


def test_list_refuses_a_reversed_date_range(cli):
    register(cli)
    result = cli("list", "--received-from", "2024-05-01", "--received-to", "2024-04-01")
    assert result.exit_code == 2 and "晚于" in result.stderr


def test_a_consultation_begun_after_the_deadline_does_not_pause(cli, monkeypatch):
    register(cli)  # due 2024-04-29
    result = cli("consult", "start", "2024-0001", "--party", "区财政局", "--kind", "organ", "--on", "2024-05-08")
    assert result.exit_code == 0 and "已过" in result.stderr and "不再暂停" in result.stderr
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-05-21")
    late = show(cli, "2024-0001")
    assert late["paused"] is False and late["due"] == "2024-04-29"


def test_overdue_report_for_a_past_day_sees_that_day(cli, monkeypatch):
    register(cli)  # due 2024-04-29
    cli("supplement", "ask", "2024-0001", "--on", "2024-04-03", "--until", "2024-04-17")
    cli("supplement", "received", "2024-0001", "--on", "2024-04-10")  # due 2024-05-10
    _to_reply(cli, on="2024-05-13")
    cli("advance", "2024-0001", "--on", "2024-05-14", "--outcome", "disclosed")

    def on(day):
        report = json.loads(cli("report", "overdue", "--as-of", day, "--format", "json").stdout)
        return [(r["number"], r["light"], r["due"], r["stage"]) for r in report["requests"]]

    assert on("2024-04-02") == [("2024-0001", "green", "2024-04-29", "review")]  # before 补正
    assert on("2024-04-05") == [("2024-0001", "paused", None, "review")]
    assert on("2024-05-13") == [("2024-0001", "red", "2024-05-10", "reply")]
    assert on("2024-05-14") == []  # replied that day


def test_numbers_typed_into_free_text_are_masked_outside_show(cli):
    register(cli, content=f"请公开张三（身份证{VALID_ID}，电话{PHONE}）的补贴发放记录")
    listed = json.loads(cli("list", "--json").stdout)[0]["content"]
    assert VALID_ID not in listed and PHONE not in listed
    assert "1101**********002X" in listed and "138****5678" in listed
    report = cli("report", "overdue", "--as-of", "2024-04-02", "--format", "json").stdout
    assert VALID_ID not in report and PHONE not in report
    assert VALID_ID in show(cli, "2024-0001")["content"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["register", *register_args(applicant="张\x1b[31m三")], "--applicant"),
        (["register", *register_args(content="资金\x00情况")], "--content"),
        (["register", *register_args(phone="138\x7f12345678")], "--phone"),
        (["register", *register_args(department="住建局\u009b")], "--department"),
        (["register", *register_args(address="浑南区\n某街")], "--address"),
        (["register", *register_args(content="x" * 32_768)], "--content"),
        (["show", "2024-1\x1b"], "申请编号"),
        (["return", "2024-1", "--to", "review", "--reason", "理由\x1b"], "--reason"),
        (["list", "--search", "\x1b[2J"], "--search"),
    ],
)
def test_a_control_character_in_any_text_option_is_a_usage_error_naming_it(cli, isolated, args, named):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"错误：{named}"), result.stderr
    assert "控制字符" in result.stderr or "超过" in result.stderr
    assert "\x1b" not in result.stderr
    assert count_rows(isolated / "gk.db", "requests") == 0


def test_notes_and_content_may_hold_line_breaks_and_tabs(cli):
    request = register(cli, content="第一项\n第二项", note="备注\t一\n二")
    assert request["content"] == "第一项\n第二项" and request["note"] == "备注\t一\n二"


def test_outcomes_lists_the_21_codes_grouped_as_in_the_annual_report(cli):
    from hunnan_gk.vocab import Outcome

    lines = cli("outcomes").stdout.splitlines()
    assert [line for line in lines if not line.startswith(" ")] == [
        "（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理",
    ]
    assert len([line for line in lines if line.startswith(" ")]) == len(Outcome) == 21
    assert "  withheld_state_secret       1. 属于国家秘密" in lines
    assert max(len(line) + sum(1 for c in line if ord(c) > 0x2E80) for line in lines) <= 80
    groups = ok_json(cli("outcomes", "--json"))
    assert [len(group["outcomes"]) for group in groups] == [1, 1, 8, 3, 5, 3]
    assert groups[2]["outcomes"][0] == {"code": "withheld_state_secret", "label": "1.属于国家秘密",
                                        "name": "属于国家秘密", "short_label": "不予公开·属于国家秘密"}


def test_advance_help_points_to_outcomes(cli):
    assert "hunnan-gk outcomes" in cli("advance", "--help").stdout


def _at_reply(cli):
    register(cli)
    for _ in range(5):  # review … approve
        assert cli("advance", "2024-0001", "--on", "2024-04-10").exit_code == 0


@pytest.mark.parametrize("typed", ["国家秘密", "属于国家秘密", "不予公开属于国家秘密", "不予公开·属于国家秘密"])
def test_an_outcome_by_its_chinese_name_with_or_without_its_group(cli, typed):
    _at_reply(cli)
    replied = ok_json(cli("advance", "2024-0001", "--outcome", typed, "--on", "2024-04-20", "--json"))
    assert replied["outcome"] == "withheld_state_secret"


def test_a_wrong_outcome_prints_the_grouped_list(cli):
    _at_reply(cli)
    result = cli("advance", "2024-0001", "--outcome", "秘密文件", "--on", "2024-04-20")
    assert result.exit_code == 2
    assert "（三）不予公开\n  withheld_state_secret       1. 属于国家秘密\n" in result.stderr
    assert show(cli, "2024-0001")["stage"] == "reply"


def test_an_ambiguous_outcome_lists_the_candidates(cli):
    _at_reply(cli)
    result = cli("advance", "2024-0001", "--outcome", "行政", "--on", "2024-04-20")
    assert result.exit_code == 2
    assert "“行政”可指以下" in result.stderr
    assert "withheld_prohibited" in result.stderr and "withheld_enforcement" in result.stderr
    assert "disclosed" not in result.stderr


def test_an_act_recorded_long_after_it_happened_is_accepted_with_a_warning(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-09-27")
    register(cli, "2024-08-01")
    result = cli("advance", "2024-0001", "--on", "2024-08-02")
    assert result.exit_code == 0
    assert "警告：--on 2024-08-02 是 39 个工作日以前（56 天），请核对年份和月份" in result.stderr
    result = cli("advance", "2024-0001", "--on", "９月２日")
    assert result.exit_code == 0 and "警告" not in result.stderr
    result = cli("advance", "2024-0001", "--on", "12月2日")
    assert result.exit_code == 2 and "晚于今天" in result.stderr
