"""Putting the record right through the CLI (issue 11): correct, void, undo, and the state
that replaying the events gives."""

from __future__ import annotations

import json

import pytest

from tests.helpers import VALID_ID, ok, ok_json, register
from tests.year_of_requests import reply


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-06-28")


def show(cli, number):
    return ok_json(cli("show", number, "--json"))


def annual(cli, year=2024):
    data = ok_json(cli("report", "annual", "--year", str(year), "--format", "json"))
    return {row["key"]: row["values"] for row in data["rows"]}


def overdue_numbers(cli, *extra):
    data = ok_json(cli("report", "overdue", "--format", "json", *extra))
    return [item["number"] for item in data["requests"]]


# --- correct ------------------------------------------------------------------------


def test_correcting_the_receipt_date_moves_the_due_date(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the reason on one line of the table
    number = register(cli, "2024-04-01")["number"]
    assert show(cli, number)["due"] == "2024-04-29"
    view = ok_json(cli("correct", number, "--field", "received", "--to", "2024/4/8",
                       "--reason", "收件章日期为4月8日", "--json"))
    assert view["received"] == "2024-04-08" and view["due"] == "2024-05-08"
    shown = show(cli, number)
    assert shown["corrections"] == [{
        "field": "received", "old": "2024-04-01", "new": "2024-04-08", "reason": "收件章日期为4月8日",
        "on": "2024-06-28", "clerk": shown["corrections"][0]["clerk"],
        "at": shown["corrections"][0]["at"],
    }]
    assert shown["events"][-1]["action"] == "correct"
    text = ok(cli("show", number)).stdout
    assert "更正记录" in text and "收件章日期为4月8日" in text


def test_a_correction_dated_today_still_lets_the_clerk_record_an_earlier_step(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("correct", number, "--field", "phone", "--to", "13812345678", "--reason", "补录"))
    ok(cli("advance", number, "--on", "2024-04-02"))


def test_correcting_the_outcome_and_type_moves_the_annual_cell(cli):
    number = register(cli, "2024-04-01")["number"]
    reply(cli, number, "2024-04-10", "disclosed")
    before = annual(cli)
    assert before["disclosed"]["natural"] == 1
    ok(cli("correct", number, "--field", "outcome", "--to", "partial", "--reason", "实为部分公开"))
    ok(cli("correct", number, "--field", "applicant_type", "--to", "商业企业", "--reason", "申请人是公司"))
    after = annual(cli)
    assert after["disclosed"]["total"] == 0
    assert after["partial"]["commercial"] == 1 and after["partial"]["natural"] == 0
    assert after["new"]["commercial"] == 1


def test_correcting_the_reply_date_moves_the_year_it_counts_in(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2025-03-01")
    number = register(cli, "2024-12-02")["number"]
    reply(cli, number, "2024-12-20", "disclosed")
    assert annual(cli, 2024)["disclosed"]["total"] == 1
    ok(cli("correct", number, "--field", "replied", "--to", "2025-01-06", "--reason", "答复书实际寄出日"))
    assert annual(cli, 2024)["disclosed"]["total"] == 0
    assert annual(cli, 2025)["disclosed"]["total"] == 1
    view = show(cli, number)
    assert view["replied"] == "2025-01-06"
    # due 2024-12-30; 12-31, 01-02, 01-03, 01-06 are working days (元旦 is not)
    assert view["due"] == "2024-12-30"
    assert view["late"] is True and view["late_workdays"] == 4


@pytest.mark.parametrize("field, value, message, code", [
    ("received", "2024-07-01", "晚于今天", 1),
    ("received", "2008-04-30", "早于《政府信息公开条例》施行之日", 1),
    ("received", "明天", "无法识别日期", 2),
    ("id_number", "110105194912310021", "身份证号码有误", 1),
    ("applicant", "  ", "不能为空", 1),
    ("content", "", "不能为空", 1),
    ("applicant_type", "外星人", "无法识别", 2),
    ("channel", "飞鸽", "无法识别", 2),
    ("outcome", "disclosed", "尚未答复", 1),
    ("replied", "2024-04-10", "尚未答复", 1),
    ("stage", "draft", "--field 无法识别", 2),
])
def test_corrected_values_are_checked_as_at_registration(cli, field, value, message, code):
    number = register(cli, "2024-04-01")["number"]
    before = show(cli, number)
    result = cli("correct", number, "--field", field, "--to", value, "--reason", "核对")
    assert result.exit_code == code, result.output
    assert message in result.stderr and result.stderr.startswith("错误：")
    assert show(cli, number) == before


def test_registration_refuses_what_correct_refuses(cli):
    result = cli("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                 "--received", "2024-04-01", "--content", "x", "--id-number", "110105194912310021")
    assert result.exit_code == 1 and "身份证号码有误" in result.stderr


def test_correct_needs_a_reason(cli):
    number = register(cli, "2024-04-01")["number"]
    assert cli("correct", number, "--field", "phone", "--to", "1").exit_code == 2
    result = cli("correct", number, "--field", "phone", "--to", "1", "--reason", " ")
    assert result.exit_code == 1 and "--reason" in result.stderr


def test_a_valid_id_number_is_stored_as_corrected(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("correct", number, "--field", "id_number", "--to", VALID_ID.lower(), "--reason", "补录"))
    assert show(cli, number)["id_number"] == VALID_ID


def test_a_correction_to_the_same_value_is_refused(cli):
    number = register(cli, "2024-04-01", department="区住建局")["number"]
    result = cli("correct", number, "--field", "department", "--to", "区住建局", "--reason", "x")
    assert result.exit_code == 1 and "无需更正" in result.stderr


def test_receipt_cannot_be_corrected_past_a_recorded_step(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("advance", number, "--on", "2024-04-03"))
    result = cli("correct", number, "--field", "received", "--to", "2024-04-05", "--reason", "x")
    assert result.exit_code == 1 and "晚于已登记的办理记录" in result.stderr


# --- void ---------------------------------------------------------------------------


def test_a_voided_request_leaves_every_count(cli):
    kept = register(cli, "2024-05-06", "张三")["number"]
    voided = register(cli, "2024-05-06", "张三", content="重复登记的同一申请")["number"]
    ok(cli("appeal", "add", voided, "--kind", "reconsideration", "--on", "2024-06-01"))
    before_annual = annual(cli)
    assert before_annual["new"]["total"] == 2
    assert overdue_numbers(cli) == [kept, voided]
    assert ok_json(cli("fee", "quote", kept, "--json"))["applications_in_month"] == 2

    view = ok_json(cli("void", voided, "--reason", "与 2024-0001 重复登记", "--json"))
    assert view["voided"] is True and view["void_reason"] == "与 2024-0001 重复登记"

    assert [v["number"] for v in ok_json(cli("list", "--json"))] == [kept]
    assert [v["number"] for v in ok_json(cli("list", "--all", "--json"))] == [kept, voided]
    assert "已作废" in ok(cli("list", "--all")).stdout
    assert overdue_numbers(cli) == [kept]
    assert overdue_numbers(cli, "--as-of", "2024-06-27") == [kept]
    after_annual = annual(cli)
    assert after_annual["new"]["total"] == 1
    appeals = ok_json(cli("report", "annual", "--year", "2024", "--format", "json"))["appeals"]
    assert all(value == 0 for row in appeals.values() for value in row.values())
    assert ok_json(cli("fee", "quote", kept, "--json"))["applications_in_month"] == 1
    refused = cli("fee", "quote", voided)
    assert refused.exit_code == 1 and "已作废" in refused.stderr
    dry = ok(cli("notify", "--dry-run")).stdout
    assert kept in dry and voided not in dry

    shown = show(cli, voided)
    assert shown["voided"] is True and shown["events"][-1]["action"] == "void"
    text = ok(cli("show", voided)).stdout
    assert "已作废" in text and "与 2024-0001 重复登记" in text


def test_a_voided_number_is_never_reused_and_takes_no_further_step(cli):
    first = register(cli, "2024-05-06")["number"]
    ok(cli("void", first, "--reason", "测试"))
    assert register(cli, "2024-05-07")["number"] == "2024-0002"
    for args in (["advance", first], ["withdraw", first, "--reason", "x"],
                 ["void", first, "--reason", "再次"],
                 ["correct", first, "--field", "phone", "--to", "1", "--reason", "x"],
                 ["undo", first, "--reason", "x"]):
        result = cli(*args)
        assert result.exit_code == 1 and "已作废" in result.stderr, args


def test_void_needs_a_reason(cli):
    number = register(cli, "2024-05-06")["number"]
    assert cli("void", number).exit_code == 2
    assert cli("void", number, "--reason", "").exit_code == 1
    assert show(cli, number)["voided"] is False


def test_request_json_has_the_new_keys(cli):
    view = register(cli, "2024-05-06")
    assert {k: view[k] for k in ("voided", "void_reason", "supplement_late", "late", "late_workdays")} == {
        "voided": False, "void_reason": None, "supplement_late": False, "late": False,
        "late_workdays": None,
    }
    assert json.loads(json.dumps(view)) == view


# --- undo ---------------------------------------------------------------------------


def stored_and_replayed(number):
    import os
    from pathlib import Path

    from hunnan_gk import workflow
    from hunnan_gk.storage.db import open_db
    from hunnan_gk.storage.requests import events_of, find_request

    db = open_db(Path(os.environ["HUNNAN_GK_DB"]))
    row = find_request(db, number)
    return row, workflow.replay(events_of(db, number))


def state(cli, number):
    """`show --json` without the history (which an undo lengthens by design)."""
    view = show(cli, number)
    return {k: v for k, v in view.items() if k not in ("events", "corrections")}


def _at_reply(cli, number):
    for day in ("2024-04-02", "2024-04-03", "2024-04-08", "2024-04-09", "2024-04-10"):
        ok(cli("advance", number, "--on", day))


STEPS = {
    "advance": (None, ["advance", "{n}", "--on", "2024-04-02"]),
    "reply": (_at_reply, ["advance", "{n}", "--outcome", "disclosed", "--on", "2024-04-11"]),
    "archive": (lambda cli, n: (_at_reply(cli, n), ok(cli("advance", n, "--outcome", "partial", "--on", "2024-04-11"))),
                ["advance", "{n}", "--on", "2024-04-12"]),
    "return": (_at_reply, ["return", "{n}", "--to", "draft", "--reason", "重拟", "--on", "2024-04-11"]),
    "withdraw": (None, ["withdraw", "{n}", "--reason", "撤回", "--on", "2024-04-03"]),
    "supplement_ask": (None, ["supplement", "ask", "{n}", "--on", "2024-04-03", "--until", "2024-04-17"]),
    "supplement_received": (
        lambda cli, n: ok(cli("supplement", "ask", n, "--on", "2024-04-03", "--until", "2024-04-17")),
        ["supplement", "received", "{n}", "--on", "2024-04-10"]),
    "supplement_lapsed": (
        lambda cli, n: ok(cli("supplement", "ask", n, "--on", "2024-04-03", "--until", "2024-04-17")),
        ["supplement", "lapsed", "{n}", "--on", "2024-04-18"]),
    "consult_start": (None, ["consult", "start", "{n}", "--party", "某公司", "--kind", "third_party",
                             "--on", "2024-04-08"]),
    "consult_end": (
        lambda cli, n: ok(cli("consult", "start", n, "--party", "某公司", "--kind", "third_party", "--on", "2024-04-08")),
        ["consult", "end", "{n}", "--on", "2024-04-15"]),
    "extend": (None, ["extend", "{n}", "--days", "10", "--approver", "王主任", "--reason", "协调",
                      "--on", "2024-04-20"]),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_undo_gives_back_the_state_before_the_step(cli, step):
    prepare, args = STEPS[step]
    number = register(cli, "2024-04-01")["number"]
    if prepare:
        prepare(cli, number)
    before = state(cli, number)
    events_before = show(cli, number)["events"]
    ok(cli(*[a.format(n=number) for a in args]))
    assert state(cli, number) != before
    undone = ok_json(cli("undo", number, "--reason", "误登记了这一步", "--json"))
    assert {k: v for k, v in undone.items()} == {k: before[k] for k in undone}
    assert state(cli, number) == before
    events = show(cli, number)["events"]
    assert events[-1]["action"] == "undo" and events[-1]["undoes"] == events[-2]["id"]
    assert events[-2]["undone"] is True
    assert [e["undone"] for e in events[:len(events_before)]] == [False] * len(events_before)
    row, replayed = stored_and_replayed(number)
    assert {name: replayed.get(name) for name in row} == row
    ok(cli("audit", "verify"))


def test_undo_twice_walks_back_two_steps_and_the_step_can_be_done_again(cli):
    number = register(cli, "2024-04-01")["number"]
    start = state(cli, number)
    ok(cli("advance", number, "--on", "2024-04-02"))
    ok(cli("advance", number, "--on", "2024-04-05"))
    ok(cli("undo", number, "--reason", "一"))
    ok(cli("undo", number, "--reason", "二"))
    assert state(cli, number) == start
    ok(cli("advance", number, "--on", "2024-04-02"))  # the undone day is free again
    assert show(cli, number)["stage"] == "search"


@pytest.mark.parametrize("last, message", [
    (None, "登记不能撤销"),
    (["correct", "{n}", "--field", "phone", "--to", "13812345678", "--reason", "补录"], "更正不能撤销"),
    (["appeal", "add", "{n}", "--kind", "reconsideration", "--on", "2024-05-01"], "不能撤销"),
])
def test_registration_and_corrections_are_not_undone(cli, last, message):
    number = register(cli, "2024-04-01")["number"]
    if last:
        ok(cli(*[a.format(n=number) for a in last]))
    before = show(cli, number)
    result = cli("undo", number, "--reason", "x")
    assert result.exit_code == 1 and message in result.stderr
    assert show(cli, number) == before


def test_undo_needs_a_reason(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("advance", number, "--on", "2024-04-02"))
    assert cli("undo", number).exit_code == 2
    assert cli("undo", number, "--reason", " ").exit_code == 1
    assert show(cli, number)["stage"] == "search"


def test_undone_steps_are_marked_in_show(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("advance", number, "--on", "2024-04-02"))
    ok(cli("undo", number, "--reason", "误点"))
    text = ok(cli("show", number)).stdout
    assert "完成环节（已撤销）" in text and "撤销上一步" in text


# --- audit verify checks the state ----------------------------------------------------


def _sql(*statements):
    import os
    import sqlite3

    conn = sqlite3.connect(os.environ["HUNNAN_GK_DB"])
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_a_direct_update_of_a_request_is_caught_by_audit_verify_and_db_check(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("advance", number, "--on", "2024-04-02"))
    ok(cli("correct", number, "--field", "phone", "--to", "13812345678",
           "--reason", "补录"))
    ok(cli("audit", "verify"))
    _sql(f"UPDATE requests SET stage = 'closed', received_on = '2024-03-01' WHERE number = '{number}'")
    for args in (["audit", "verify"], ["db", "check"]):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert "状态核验失败" in result.stderr and "共 2 处" in result.stderr
        assert f"申请 {number} 的 stage：记录为 “closed”，按办理记录重放为 “search”" in result.stderr
        assert f"申请 {number} 的 received_on：记录为 “2024-03-01”，按办理记录重放为 “2024-04-01”" in result.stderr
        assert "Traceback" not in result.output


def test_a_direct_update_of_an_id_number_is_named_masked(cli):
    number = register(cli, "2024-04-01", id_number="11010519491231002X")["number"]
    _sql(f"UPDATE requests SET id_number = '110105194912310034' WHERE number = '{number}'")
    result = cli("audit", "verify")
    assert result.exit_code == 1 and f"申请 {number} 的 id_number" in result.stderr
    assert "11010519491231002X" not in result.stderr and "110105194912310034" not in result.stderr


def test_a_row_without_events_and_events_without_a_row_are_named(cli):
    kept = register(cli, "2024-04-01")["number"]
    gone = register(cli, "2024-04-02")["number"]
    _sql(f"DELETE FROM requests WHERE number = '{gone}'",
         "INSERT INTO requests (number, year, seq, applicant, applicant_type, channel, received_on,"
         " content, stage, clock_start_on, last_event_on, created_at, updated_at) VALUES"
         " ('2024-0099', 2024, 99, '某', 'natural', 'online', '2024-04-03', '插入', 'review',"
         " '2024-04-03', '2024-04-03', 'x', 'x')")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"事件属于申请 {gone}，但申请表中没有这件申请" in result.stderr
    assert "申请 2024-0099 没有任何办理记录" in result.stderr
    assert kept not in result.stderr


def test_verify_passes_after_corrections_voids_and_undo(cli):
    first = register(cli, "2024-04-01")["number"]
    second = register(cli, "2024-04-01", "李四")["number"]
    ok(cli("correct", first, "--field", "received", "--to", "2024-04-02", "--reason", "核对"))
    ok(cli("consult", "start", first, "--party", "某公司", "--kind", "third_party", "--on", "2024-04-08"))
    ok(cli("undo", first, "--reason", "误登"))
    ok(cli("void", second, "--reason", "重复"))
    assert "审计链核验通过" in ok(cli("audit", "verify")).stdout


# --- rules found wrong (issue 11 item 8) ---------------------------------------------


def overdue_item(cli, number, *extra):
    data = ok_json(cli("report", "overdue", "--format", "json", *extra))
    (item,) = [item for item in data["requests"] if item["number"] == number]
    return item


def test_a_past_day_counts_only_the_extensions_decided_by_then(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("extend", number, "--days", "20", "--approver", "王主任", "--reason", "协调", "--on", "2024-04-26"))
    before = overdue_item(cli, number, "--as-of", "2024-04-25")
    assert before["due"] == "2024-04-29" and before["light"] == "yellow"
    on_the_day = overdue_item(cli, number, "--as-of", "2024-04-26")
    assert on_the_day["due"] == "2024-05-29" and on_the_day["light"] == "green"
    assert overdue_item(cli, number)["due"] == "2024-05-29"


def test_an_undone_extension_counts_on_no_day(cli):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("extend", number, "--days", "20", "--approver", "王主任", "--reason", "协调", "--on", "2024-04-26"))
    ok(cli("undo", number, "--reason", "未经批准"))
    assert overdue_item(cli, number, "--as-of", "2024-04-26")["due"] == "2024-04-29"
    assert overdue_item(cli, number, "--as-of", "2024-05-06")["light"] == "red"


def test_a_supplement_notice_after_the_deadline_leaves_the_request_red(cli):
    number = register(cli, "2024-04-01")["number"]  # due 2024-04-29
    result = cli("supplement", "ask", number, "--on", "2024-05-06", "--until", "2024-05-20", "--json")
    assert result.exit_code == 0
    assert "答复期限 2024-04-29 已过" in result.stderr and "不停止计时" in result.stderr
    view = json.loads(result.stdout)
    assert view["paused"] is False and view["due"] == "2024-04-29"
    assert view["supplement_late"] is True
    assert overdue_item(cli, number)["light"] == "red"
    ok(cli("supplement", "received", number, "--on", "2024-05-10"))
    assert overdue_item(cli, number)["light"] == "red"  # nor does the correction restart it
    assert show(cli, number)["due"] == "2024-04-29"


def test_a_late_notice_before_the_deadline_still_stops_the_clock_and_is_kept(cli):
    number = register(cli, "2024-04-01")["number"]  # 7 working days: 2024-04-11
    result = cli("supplement", "ask", number, "--on", "2024-04-15", "--until", "2024-04-29", "--json")
    assert result.exit_code == 0 and "7 个工作日" in result.stderr
    view = json.loads(result.stdout)
    assert view["paused"] is True and view["pause"] == "supplement" and view["supplement_late"] is True
    assert overdue_item(cli, number)["light"] == "paused"
    assert "超过收到申请后 7 个工作日才告知" in ok(cli("show", number)).stdout
    timely = register(cli, "2024-04-01", "李四")["number"]
    ok(cli("supplement", "ask", timely, "--on", "2024-04-11", "--until", "2024-04-25"))
    assert show(cli, timely)["supplement_late"] is False


def test_a_late_reply_reports_its_working_days_past_the_due_date(cli):
    late = register(cli, "2024-04-01")["number"]  # due 2024-04-29
    reply(cli, late, "2024-05-08", "disclosed")  # 04-30, 05-06, 05-07, 05-08 (劳动节 05-01..05-05)
    view = show(cli, late)
    assert view["late"] is True and view["late_workdays"] == 4
    assert "超期答复 4 个工作日" in ok(cli("show", late)).stdout
    on_time = register(cli, "2024-04-01", "李四")["number"]
    reply(cli, on_time, "2024-04-29", "disclosed")
    assert {k: show(cli, on_time)[k] for k in ("late", "late_workdays")} == {"late": False, "late_workdays": 0}
    assert "超期答复" not in ok(cli("show", on_time)).stdout
    open_one = register(cli, "2024-04-01", "王五")["number"]
    assert {k: show(cli, open_one)[k] for k in ("late", "late_workdays")} == {"late": False, "late_workdays": None}
