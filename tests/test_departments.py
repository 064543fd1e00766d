"""Departments as a configured list (issue 13): aliases resolve, unknown names are refused with
the closest names, `departments` lists them, `db check` finds stored names not in the list;
转办/签收/退回/完成 with the assignment's own due date and light; list by department/handler."""

from __future__ import annotations

import json

import pytest

from hunnan_gk.config import parse_settings
from hunnan_gk.errors import ConfigError
from tests.helpers import ok, ok_json, register

DEPARTMENTS = """departments:
  - name: 区住建局
    aliases: [住建局, 浑南区住房和城乡建设局]
    email: zhujian@hunnan.example
    leader: 王局长
    leader_email: wang@hunnan.example
    workdays: 10
  - name: 区教育局
    email: jiaoyu@hunnan.example
    leader: 赵局长
    leader_email: zhao@hunnan.example
    workdays: 5
handlers:
  - name: 李文
    department: 区住建局
    email: liwen@hunnan.example
  - name: 周敏
    department: 区教育局
    email: zhoumin@hunnan.example
"""


@pytest.fixture
def departments(config_file, monkeypatch):
    config_file.write_text(DEPARTMENTS, encoding="utf-8")
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-05-31")


def show(cli, number):
    return ok_json(cli("show", number, "--json"))


def test_an_alias_is_stored_as_the_name_and_printed(cli, departments):
    result = ok(cli("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                    "--received", "2024-04-01", "--content", "资金", "--department", "住建局",
                    "--handler", "李文"))
    assert "承办单位：区住建局，办理人：李文" in result.stdout
    view = show(cli, "2024-0001")
    assert view["department"] == "区住建局" and view["handler"] == "李文"


@pytest.mark.parametrize("command", [
    ("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
     "--received", "2024-04-01", "--content", "资金"),
    ("list",),
    ("report", "overdue"),
])
def test_an_unknown_department_is_refused_naming_the_closest(cli, departments, command):
    result = cli(*command, "--department", "住房建设局")
    assert result.exit_code == 2
    assert "“住房建设局”不是配置中的承办单位，最接近的是：区住建局" in result.stderr
    assert "Traceback" not in result.output


def test_refused_registration_stores_nothing(cli, departments, isolated):
    register(cli, "2024-04-01")
    assert cli("register", "--applicant", "李四", "--type", "natural", "--channel", "online",
               "--received", "2024-04-02", "--content", "x", "--department", "教育").exit_code == 2
    assert [r["number"] for r in ok_json(cli("list", "--json"))] == ["2024-0001"]


def test_an_unknown_handler_is_refused(cli, departments):
    register(cli, "2024-04-01", department="区住建局")
    result = cli("assign", "2024-0001", "--department", "区住建局", "--handler", "李闻", "--on", "2024-04-02")
    assert result.exit_code == 2 and "最接近的是：李文" in result.stderr
    result = cli("assign", "2024-0001", "--department", "区住建局", "--handler", "周敏", "--on", "2024-04-02")
    assert result.exit_code == 2 and "属于区教育局" in result.stderr


def test_without_departments_any_text_is_kept(cli):
    view = register(cli, "2024-04-01", department="某某局")
    assert view["department"] == "某某局"


def test_departments_command(cli, departments):
    listed = ok_json(cli("departments", "--json"))["departments"]
    assert [d["name"] for d in listed] == ["区住建局", "区教育局"]
    housing = listed[0]
    assert housing["aliases"] == ["住建局", "浑南区住房和城乡建设局"]
    assert housing["leader"] == "王局长" and housing["workdays"] == 10
    assert housing["handlers"] == [{"name": "李文", "email": "liwen@hunnan.example"}]
    table = ok(cli("departments")).stdout
    assert "区住建局" in table and "李文" in table


def test_db_check_lists_stored_names_not_in_the_list(cli, config_file, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-05-31")
    register(cli, "2024-04-01", department="住建局")  # before the list was configured
    register(cli, "2024-04-02", department="区住建局")
    config_file.write_text(DEPARTMENTS, encoding="utf-8")
    result = ok(cli("db", "check"))
    assert "不在配置的 departments 中：住建局（1 处）" in result.stdout
    assert "区住建局（" not in result.stdout


@pytest.mark.parametrize("text, message", [
    ("departments:\n  - name: 甲\n    workdays: 0\n", "departments[1].workdays 应为正整数"),
    ("departments:\n  - name: 甲\n    workday: 3\n", "未知的配置项 departments[1].workday"),
    ("departments:\n  - aliases: [乙]\n", "departments[1].name 必须填写名称"),
    ("departments:\n  - name: 甲\n    aliases: [乙]\n  - name: 乙\n", "“乙”出现了两次"),
    ("departments:\n  - name: 甲\nhandlers:\n  - name: 丙\n    department: 丁\n",
     "handlers[1].department “丁”不是 departments 中的承办单位"),
    ("departments: 甲\n", "departments 应为承办单位的列表"),
    ("lights:\n  escalate_after: -1\n", "lights.escalate_after 不能为负数"),
])
def test_config_errors_name_the_key(text, message):
    with pytest.raises(ConfigError) as caught:
        parse_settings(text)
    assert message in caught.value.message


def test_the_old_mapping_still_gives_addresses():
    settings = parse_settings("departments:\n  区住建局: [zjj@hunnan.example.org]\n")
    assert settings.departments == {"区住建局": ["zjj@hunnan.example.org"]}
    assert settings.directory.resolve_department("区住建局") == "区住建局"


# --- 转办 / 签收 / 退回 / 完成 -------------------------------------------------------------


def test_assign_accept_submit_with_its_own_due_date_and_light(cli, departments, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-02")
    register(cli, "2024-04-01", department="区住建局")  # legal due 2024-04-29
    result = ok(cli("assign", "2024-0001", "--department", "住建局", "--handler", "李文"))
    assert "已转办（承办单位：区住建局，办理人：李文），承办期限 2024-04-17" in result.stdout
    # 10 working days after 04-02: 清明 04-04..06 off, Sunday 04-07 worked
    (assignment,) = show(cli, "2024-0001")["assignments"]
    assert assignment == {
        "department": "区住建局", "handler": "李文", "assigned": "2024-04-02", "due": "2024-04-17",
        "accepted": None, "handed_back": None, "reason": None, "submitted": None, "light": "green",
    }
    ok(cli("accept", "2024-0001", "--department", "区住建局"))
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-12")
    assert show(cli, "2024-0001")["assignments"][0]["light"] == "yellow"
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-18")  # the day after its due date
    view = show(cli, "2024-0001")
    assert view["assignments"][0]["light"] == "red"
    report = ok_json(cli("report", "overdue", "--format", "json"))
    assert report["requests"][0]["light"] == "green"  # the legal clock is still green
    ok(cli("submit", "2024-0001", "--department", "区住建局", "--note", "已提供明细"))
    (assignment,) = show(cli, "2024-0001")["assignments"]
    assert assignment["submitted"] == "2024-04-18" and assignment["light"] is None
    assert assignment["accepted"] == "2024-04-02"
    actions = [e["action"] for e in show(cli, "2024-0001")["events"]]
    assert actions == ["register", "assign", "accept", "submit"]


def test_handback_then_reassign(cli, departments, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01")
    ok(cli("assign", "2024-0001", "--department", "区教育局", "--on", "2024-04-02"))
    assert cli("handback", "2024-0001", "--department", "区教育局", "--reason", " ").exit_code == 1
    ok(cli("handback", "2024-0001", "--department", "区教育局", "--reason", "不属于本单位职责",
           "--on", "2024-04-03"))
    assert cli("accept", "2024-0001", "--department", "区教育局").exit_code == 1
    ok(cli("assign", "2024-0001", "--department", "住建局", "--on", "2024-04-03"))
    first, second = show(cli, "2024-0001")["assignments"]
    assert (first["department"], first["handed_back"], first["reason"], first["light"]) == (
        "区教育局", "2024-04-03", "不属于本单位职责", None)
    assert second["department"] == "区住建局" and second["light"] is not None
    # both departments find it; the department it was handed back by too (it was assigned)
    for name in ("区住建局", "区教育局"):
        assert [r["number"] for r in ok_json(cli("list", "--department", name, "--json"))] == ["2024-0001"]


def test_due_date_never_later_than_the_legal_one(cli, departments, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-25")
    register(cli, "2024-04-01")  # legal due 2024-04-29
    refused = cli("assign", "2024-0001", "--department", "区住建局", "--due", "2024-05-06")
    assert refused.exit_code == 1 and "法定答复期限 2024-04-29" in refused.stderr
    refused = cli("assign", "2024-0001", "--department", "区住建局", "--workdays", "8")
    assert refused.exit_code == 1 and "2024-04-29" in refused.stderr
    result = ok(cli("assign", "2024-0001", "--department", "区住建局"))  # 10 days would pass it
    assert "承办期限 2024-04-29" in result.stdout and "法定答复期限 2024-04-29" in result.stderr
    assert cli("assign", "2024-0001", "--department", "区住建局").exit_code == 1  # still open
    usage = cli("assign", "2024-0001", "--department", "区教育局", "--due", "2024-04-26", "--workdays", "1")
    assert usage.exit_code == 2


def test_submit_needs_acceptance_and_dates_in_order(cli, departments, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01")
    ok(cli("assign", "2024-0001", "--department", "区教育局", "--on", "2024-04-03"))
    refused = cli("submit", "2024-0001", "--department", "区教育局")
    assert refused.exit_code == 1 and "尚未签收" in refused.stderr
    assert cli("accept", "2024-0001", "--department", "区教育局", "--on", "2024-04-02").exit_code == 1
    assert cli("accept", "2024-0001", "--department", "区住建局").exit_code == 1  # not assigned


def test_list_by_handler(cli, departments, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01", department="区住建局", handler="李文")
    register(cli, "2024-04-01")
    register(cli, "2024-04-01")
    ok(cli("assign", "2024-0002", "--department", "区住建局", "--handler", "李文", "--on", "2024-04-02"))
    ok(cli("assign", "2024-0003", "--department", "区教育局", "--handler", "周敏", "--on", "2024-04-02"))
    numbers = [r["number"] for r in ok_json(cli("list", "--handler", "李文", "--json"))]
    assert numbers == ["2024-0001", "2024-0002"]
    assert [r["number"] for r in ok_json(cli("list", "--department", "住建局", "--json"))] == [
        "2024-0001", "2024-0002"]


def test_report_overdue_by_department_finds_what_list_finds(cli, departments, monkeypatch):
    """One definition of a department's requests (registered or assigned to it) for `list
    --department` and `report overdue --department`, --fail-on included; the report, a
    reminder, leaves out the assignment 住建局 handed back (退回: not its request)."""
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-05-06")
    register(cli, "2024-04-01", department="区住建局")  # red on 05-06 (due 04-29)
    register(cli, "2024-04-01", department="区教育局")
    register(cli, "2024-04-22")
    ok(cli("assign", "2024-0002", "--department", "住建局", "--on", "2024-04-02"))
    ok(cli("handback", "2024-0002", "--department", "住建局", "--reason", "非本单位", "--on", "2024-04-03"))
    ok(cli("assign", "2024-0003", "--department", "区教育局", "--on", "2024-04-23"))
    expected = {"区住建局": ["2024-0001", "2024-0002"], "区教育局": ["2024-0002", "2024-0003"]}
    to_act = {"区住建局": ["2024-0001"], "区教育局": ["2024-0002", "2024-0003"]}
    for name, numbers in expected.items():
        listed = [r["number"] for r in ok_json(cli("list", "--department", name, "--json"))]
        report = ok_json(cli("report", "overdue", "--department", name, "--format", "json"))
        assert listed == numbers
        assert sorted(item["number"] for item in report["requests"]) == to_act[name]
        assert sum(report["counts"].values()) == len(to_act[name])
    assert cli("report", "overdue", "--department", "区教育局", "--fail-on", "red").exit_code == 4
    assert cli("report", "overdue", "--department", "区教育局", "--light", "green",
               "--fail-on", "red").exit_code == 0


def test_assignment_events_replay(cli, departments, monkeypatch, isolated):
    from hunnan_gk.assignments import ASSIGNMENT, replay_records
    from hunnan_gk.storage.assignments import assignments_of
    from hunnan_gk.storage.db import open_db
    from hunnan_gk.storage.requests import events_of, find_request
    from hunnan_gk.workflow import replay

    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01")
    ok(cli("assign", "2024-0001", "--department", "区教育局", "--on", "2024-04-02"))
    ok(cli("handback", "2024-0001", "--department", "区教育局", "--reason", "非本单位", "--on", "2024-04-03"))
    ok(cli("assign", "2024-0001", "--department", "区住建局", "--on", "2024-04-03"))
    ok(cli("accept", "2024-0001", "--department", "区住建局", "--on", "2024-04-07"))
    db = open_db(isolated / "gk.db")
    events = events_of(db, "2024-0001")
    assert replay_records(events, ASSIGNMENT) == assignments_of(db, "2024-0001")
    row = find_request(db, "2024-0001")
    assert {k: v for k, v in replay(events).items() if v is not None} == {
        k: v for k, v in row.items() if v is not None}
    assert json.loads(db.execute("SELECT data FROM events WHERE action = 'accept'").fetchone()[0])[
        "assignment"]["accepted_on"] == "2024-04-07"


def test_correct_department_resolves_aliases_and_refuses_unknown(cli, departments):
    register(cli, "2024-04-01", department="区教育局")
    refused = cli("correct", "2024-0001", "--field", "department", "--to", "住房局", "--reason", "误录")
    assert refused.exit_code == 2 and "最接近的是：区住建局" in refused.stderr
    ok(cli("correct", "2024-0001", "--field", "department", "--to", "住建局", "--reason", "误录",
           "--on", "2024-05-31"))
    assert show(cli, "2024-0001")["department"] == "区住建局"


def test_a_voided_request_takes_no_assignment(cli, departments):
    register(cli, "2024-04-01")
    ok(cli("void", "2024-0001", "--reason", "重复登记"))
    refused = cli("assign", "2024-0001", "--department", "区住建局")
    assert refused.exit_code == 1 and "已作废" in refused.stderr


def test_audit_verify_finds_an_assignment_edited_directly(cli, departments, monkeypatch, isolated):
    import sqlite3

    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-08")
    register(cli, "2024-04-01")
    ok(cli("assign", "2024-0001", "--department", "区住建局", "--on", "2024-04-02"))
    ok(cli("supervise", "2024-0001", "--by", "王主任", "--reason", "催办", "--on", "2024-04-03"))
    assert ok(cli("audit", "verify"))
    with sqlite3.connect(isolated / "gk.db") as conn:
        conn.execute("UPDATE assignments SET due_on = '2024-05-30'")
        conn.execute("DELETE FROM supervisions")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "2024-0001 的转办记录" in result.stderr and "2024-0001 的督办记录" in result.stderr
