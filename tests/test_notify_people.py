"""Lights that reach the people who must act (issue 13), against a real SMTP server on
127.0.0.1: --by-handler, the leaders' mail with the open 督办, the clerk-action sections of
the morning mail, and the memory and lock per recipient."""

from __future__ import annotations

import time

import pytest

from hunnan_gk.storage.db import open_db
from hunnan_gk.storage.notify import take_lock
from tests.helpers import mail_parts, ok, register, write_smtp_config
from tests.test_departments import DEPARTMENTS


@pytest.fixture
def office(cli, monkeypatch, smtp_server, config_file):
    """Wednesday 2024-11-20, with departments, handlers and leaders configured."""
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port, DEPARTMENTS)
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    numbers = {
        "red": register(cli, "2024-10-14", "李建国", department="区住建局", handler="李文")["number"],
        "yellow": register(cli, "2024-10-25", "张伟", department="区教育局", handler="周敏")["number"],
        "lapsed": register(cli, "2024-10-28", "王秀兰")["number"],
        "archived": register(cli, "2024-10-28", "赵敏")["number"],
        "assigned": register(cli, "2024-11-11", "孙玉梅")["number"],
    }
    ok(cli("supplement", "ask", numbers["lapsed"], "--on", "2024-11-01", "--until", "2024-11-15"))
    for day in ("2024-10-29", "2024-10-30", "2024-10-31", "2024-11-01", "2024-11-04"):
        ok(cli("advance", numbers["archived"], "--on", day))
    ok(cli("advance", numbers["archived"], "--outcome", "disclosed", "--on", "2024-11-08"))  # 归档备查 since
    ok(cli("assign", numbers["assigned"], "--department", "区教育局", "--handler", "周敏",
           "--workdays", "3", "--on", "2024-11-12"))  # due 11-15: red on 11-20, the legal clock green
    ok(cli("supervise", numbers["red"], "--by", "王主任", "--reason", "超期未答复，请局领导督促",
           "--on", "2024-11-19"))
    return numbers, inbox


def by_recipient(inbox):
    return {tuple(e.rcpt_tos): m for e, m in zip(inbox.envelopes, inbox.messages)}


def test_leaders_get_red_requests_and_open_supervision(cli, office):
    numbers, inbox = office
    result = cli("notify")
    assert result.exit_code == 0, result.stderr
    mails = by_recipient(inbox)
    assert set(mails) == {("ban@hunnan.example.org",), ("wang@hunnan.example",)}  # 区教育局: nothing red
    leader = mails[("wang@hunnan.example",)]
    assert leader["Subject"] == "依申请公开办理预警 2024-11-20：红灯 1 件，黄灯 0 件（区住建局负责人王局长）；另有待办 1 项"
    text, html = mail_parts(leader)
    assert numbers["red"] in text and numbers["yellow"] not in text
    assert "未办结的督办" in text and "超期未答复，请局领导督促" in text and "王主任" in text
    assert "超期未答复，请局领导督促" in html


def test_escalate_after_holds_back_a_request_red_only_briefly(cli, office, config_file, smtp_server):  # noqa: F811
    numbers, inbox = office
    controller, _ = smtp_server
    write_smtp_config(config_file, controller.port, DEPARTMENTS + "lights:\n  escalate_after: 30\n")
    ok(cli("supervise", "close", numbers["red"], "--note", "已督促"))
    assert cli("notify").exit_code == 0
    assert ("wang@hunnan.example",) not in by_recipient(inbox)


def test_clerk_action_sections(cli, office):
    numbers, inbox = office
    assert cli("notify").exit_code == 0
    text, html = mail_parts(by_recipient(inbox)[("ban@hunnan.example.org",)])
    lapsed = text.index("补正期限已过，请登记逾期未补正")
    assert numbers["lapsed"] in text[lapsed:] and "补正期限 2024-11-15" in text
    waiting = text.index("归档备查超过 5 个工作日未归档")
    assert f"{numbers['archived']}  赵敏  2024-11-08 起待归档（8 个工作日）" in text[waiting:]
    red = text.index("承办单位超过承办期限")
    assert numbers["assigned"] in text[red:] and "区教育局（周敏）" in text[red:]
    assert "补正期限已过" in html


def test_review_limit_within_two_working_days(cli, office, monkeypatch):
    numbers, inbox = office
    number = register(cli, "2024-11-12", "钱多多")["number"]  # 补正告知 by 11-21
    assert cli("notify").exit_code == 0
    text, _ = mail_parts(by_recipient(inbox)[("ban@hunnan.example.org",)])
    assert f"{number}  钱多多  最迟 2024-11-21 告知补正（还剩 1 个工作日）" in text


def test_by_handler(cli, office):
    numbers, inbox = office
    result = cli("notify", "--by-handler")
    assert result.exit_code == 0, result.stderr
    mails = by_recipient(inbox)
    assert set(mails) == {("liwen@hunnan.example",), ("zhoumin@hunnan.example",),
                          ("ban@hunnan.example.org",), ("wang@hunnan.example",)}
    liwen = mail_parts(mails[("liwen@hunnan.example",)])[0]
    assert numbers["red"] in liwen and numbers["yellow"] not in liwen
    zhoumin_mail = mails[("zhoumin@hunnan.example",)]
    assert zhoumin_mail["Subject"].endswith("（办理人 周敏）；另有待办 1 项")
    zhoumin = mail_parts(zhoumin_mail)[0]
    assert numbers["yellow"] in zhoumin and "承办事项" in zhoumin and numbers["assigned"] in zhoumin
    office_mail = mail_parts(mails[("ban@hunnan.example.org",)])[0]
    assert numbers["red"] not in office_mail.split("补正期限已过")[0]  # it went to its handler
    assert cli("notify", "--by-handler", "--by-department").exit_code == 2


def test_memory_per_recipient_names_who_was_sent_to(cli, office):
    numbers, inbox = office
    assert cli("notify").exit_code == 0
    sent = len(inbox.envelopes)
    again = cli("notify")
    assert again.exit_code == 0 and len(inbox.envelopes) == sent
    assert "今天已发送过给区住建局负责人王局长（wang@hunnan.example）的邮件" in again.stdout
    assert "今天已发送过给公开办（ban@hunnan.example.org）的邮件" in again.stdout
    # a handler's mail is a recipient of its own: the first --by-handler run sends it
    handlers = cli("notify", "--by-handler")
    assert ("liwen@hunnan.example",) in by_recipient(inbox)
    assert "今天已发送过给区住建局负责人王局长" in handlers.stdout


def test_the_lock_is_per_recipient(cli, office, isolated):
    numbers, inbox = office
    db = open_db(isolated / "gk.db")
    assert take_lock(db, "notify:负责人:区住建局", "other:1", "2024-11-20T07:30:00+08:00",
                     time.time(), 600) is None
    result = cli("notify")
    assert result.exit_code == 1
    assert "另一次 notify 正在发送给区住建局负责人王局长" in result.stderr
    assert set(by_recipient(inbox)) == {("ban@hunnan.example.org",)}


def test_voided_requests_stay_out_of_the_mails(cli, office):
    numbers, inbox = office
    ok(cli("void", numbers["red"], "--reason", "重复登记"))
    ok(cli("void", numbers["assigned"], "--reason", "重复登记"))
    ok(cli("void", numbers["archived"], "--reason", "测试"))
    assert cli("notify").exit_code == 0
    mails = by_recipient(inbox)
    assert ("wang@hunnan.example",) not in mails
    text, _ = mail_parts(mails[("ban@hunnan.example.org",)])
    for number in (numbers["red"], numbers["assigned"], numbers["archived"]):
        assert number not in text
    assert ok(cli("report", "supervision", "--format", "json")).stdout.count(numbers["red"]) == 0
