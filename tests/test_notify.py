"""notify against a real SMTP server on loopback (aiosmtpd): what it receives, the masking,
the once-a-day memory, per-department mail, working days only, failures and --dry-run."""

from __future__ import annotations

import pytest

from hunnan_gk.notify import fresh_since, mask_in_text, subject_line
from hunnan_gk.storage.db import open_db
from hunnan_gk.storage.notify import notification_count, take_lock
from hunnan_gk.vocab import Light
from tests.helpers import PHONE, free_port, mail_parts, write_smtp_config
from tests.helpers import VALID_ID as ID_NUMBER
from tests.test_reports import register


@pytest.fixture
def inbox(smtp_server, config_file):
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port)
    return inbox


def recorded(isolated) -> int:
    return notification_count(open_db(isolated / "gk.db"))


def test_one_mail_with_plain_text_and_html(cli, mail_office, inbox, isolated):
    result = cli("notify")
    assert result.exit_code == 0, result.stderr
    (message,) = inbox.messages
    assert message["Subject"] == "依申请公开办理预警 2024-11-20：红灯 1 件，黄灯 1 件"
    assert message["From"] == "gongkai@hunnan.example.org"
    assert inbox.envelopes[0].rcpt_tos == ["ban@hunnan.example.org"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = mail_parts(message)
    assert mail_office["red"] in text and mail_office["yellow"] in text and mail_office["green"] not in text
    assert "【红灯】" in text and "已超期 3 个工作日" in text and "还剩 2 个工作日" in text
    assert html.startswith("<!DOCTYPE html>") and "红灯" in html and "张伟" in html
    assert "已发送" in result.stdout
    assert recorded(isolated) == 1


def test_no_id_number_or_phone_in_the_mail(cli, mail_office, inbox, isolated):
    # even when a clerk typed them into the content
    register(cli, "2024-10-21", "王秀兰", content=f"本人（身份证 {ID_NUMBER}，手机 {PHONE}）申请公开拆迁补偿标准")
    assert cli("notify").exit_code == 0
    raw = inbox.envelopes[0].content.decode("ascii", "replace")
    text, html = mail_parts(inbox.messages[0])
    for where in (raw, text, html):
        assert ID_NUMBER not in where and PHONE not in where
        assert ID_NUMBER[:-1] not in where and "2345678" not in where


def test_masking_of_free_text():
    masked = mask_in_text(f"身份证 {ID_NUMBER}，电话 {PHONE}、+86 139-0240-1234，座机 024-23456789")
    assert masked == "身份证 1101**********002X，电话 138****5678、139****1234，座机 024*****6789"
    assert mask_in_text("日期 2024-11-20，编号 2024-0001，金额 1234567 元") == (
        "日期 2024-11-20，编号 2024-0001，金额 1234567 元"
    )


def test_second_run_same_day_sends_nothing_new_unless_forced(cli, mail_office, inbox, isolated):
    assert cli("notify").exit_code == 0
    again = cli("notify")
    assert again.exit_code == 0
    assert "今天已发送过" in again.stdout
    assert len(inbox.envelopes) == 1
    forced = cli("notify", "--force")
    assert forced.exit_code == 0
    assert len(inbox.envelopes) == 2
    assert recorded(isolated) == 2


def test_a_request_that_turned_red_since_the_last_mail_goes_out(cli, mail_office, inbox):
    assert cli("notify").exit_code == 0
    later = cli("notify", "--as-of", "2024-11-25")  # the yellow one's Friday deadline passed
    assert later.exit_code == 0, later.stderr
    assert len(inbox.envelopes) == 2
    message = inbox.messages[1]
    # and the green one's last day for 补正告知 (11-26) is near: a clerk's action (issue 13)
    assert message["Subject"] == "依申请公开办理预警 2024-11-25：红灯 2 件，黄灯 0 件；另有待办 1 项"
    text, _ = mail_parts(message)
    assert f"变为红灯的：{mail_office['yellow']}" in text
    assert cli("notify", "--as-of", "2024-11-25").exit_code == 0
    assert len(inbox.envelopes) == 2


def test_next_day_sends_again(cli, mail_office, inbox, monkeypatch):
    assert cli("notify").exit_code == 0
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-21")
    assert cli("notify").exit_code == 0
    assert len(inbox.envelopes) == 2


def test_min_light_red_and_extra_recipients(cli, mail_office, inbox):
    result = cli("notify", "--min-light", "red", "--to", "zhuren@hunnan.example.org")
    assert result.exit_code == 0
    (message,) = inbox.messages
    assert message["Subject"] == "依申请公开办理预警 2024-11-20：红灯 1 件"
    assert inbox.envelopes[0].rcpt_tos == ["ban@hunnan.example.org", "zhuren@hunnan.example.org"]
    assert mail_office["yellow"] not in mail_parts(message)[0]


def test_by_department(cli, mail_office, smtp_server, config_file):
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port, "departments:\n  区住建局: [zjj@hunnan.example.org]\n")
    assert cli("notify", "--by-department").exit_code == 0
    by_rcpt = {tuple(e.rcpt_tos): m for e, m in zip(inbox.envelopes, inbox.messages)}
    assert set(by_rcpt) == {("zjj@hunnan.example.org",), ("ban@hunnan.example.org",)}
    housing = mail_parts(by_rcpt[("zjj@hunnan.example.org",)])[0]
    rest = mail_parts(by_rcpt[("ban@hunnan.example.org",)])[0]
    assert mail_office["yellow"] in housing and mail_office["red"] not in housing
    assert mail_office["red"] in rest and mail_office["yellow"] not in rest
    assert by_rcpt[("zjj@hunnan.example.org",)]["Subject"].endswith("（区住建局）")


def test_by_department_reaches_the_departments_a_request_is_assigned_to(cli, mail_office, smtp_server,
                                                                     config_file):
    """A department's requests are those registered or assigned to it, as `list --department`
    finds them: the yellow one, 区住建局's own and assigned to 区教育局, reaches both; the red
    one, of 区营商局 (no address), the office."""
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port,
                      "departments:\n  区住建局: [zjj@hunnan.example.org]\n  区教育局: [jyj@hunnan.example.org]\n"
                      "  区营商局: []\n")
    assert cli("assign", mail_office["yellow"], "--department", "区教育局", "--on", "2024-11-19").exit_code == 0
    assert cli("notify", "--by-department").exit_code == 0
    by_rcpt = {tuple(e.rcpt_tos): mail_parts(m)[0] for e, m in zip(inbox.envelopes, inbox.messages)}
    assert set(by_rcpt) == {("zjj@hunnan.example.org",), ("jyj@hunnan.example.org",), ("ban@hunnan.example.org",)}
    for department in ("zjj@hunnan.example.org", "jyj@hunnan.example.org"):
        assert mail_office["yellow"] in by_rcpt[(department,)]
        assert mail_office["red"] not in by_rcpt[(department,)]
    office = by_rcpt[("ban@hunnan.example.org",)]
    assert mail_office["red"] in office and mail_office["yellow"] not in office


def test_a_department_that_handed_a_request_back_is_not_reminded_of_it(cli, mail_office, smtp_server,
                                                                      config_file):
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port,
                      "departments:\n  区住建局: [zjj@hunnan.example.org]\n  区教育局: [jyj@hunnan.example.org]\n"
                      "  区营商局: []\n")
    assert cli("assign", mail_office["yellow"], "--department", "区教育局", "--on", "2024-11-19").exit_code == 0
    assert cli("handback", mail_office["yellow"], "--department", "区教育局", "--reason", "非本单位职责",
               "--on", "2024-11-19").exit_code == 0
    assert cli("notify", "--by-department").exit_code == 0
    by_rcpt = {tuple(e.rcpt_tos): mail_parts(m)[0] for e, m in zip(inbox.envelopes, inbox.messages)}
    assert mail_office["yellow"] in by_rcpt[("zjj@hunnan.example.org",)]
    assert all(mail_office["yellow"] not in text for rcpt, text in by_rcpt.items()
               if rcpt == ("jyj@hunnan.example.org",))


def test_workdays_only_skips_a_weekend(cli, mail_office, inbox, monkeypatch, isolated):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-23")  # Saturday
    result = cli("notify", "--workdays-only")
    assert result.exit_code == 0
    assert "不是工作日" in result.stdout
    assert inbox.envelopes == []


def test_workdays_only_sends_on_an_adjusted_working_sunday(cli, inbox, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-09-29")  # Sunday, worked before National Day
    register(cli, "2024-08-20", "陈志强")
    result = cli("notify", "--workdays-only")
    assert result.exit_code == 0, result.stderr
    assert len(inbox.envelopes) == 1
    assert "2024-09-29" in inbox.messages[0]["Subject"]


def test_refused_connection_exits_1_and_records_nothing(cli, mail_office, config_file, isolated):
    write_smtp_config(config_file, free_port())  # nobody listens there
    result = cli("notify")
    assert result.exit_code == 1
    assert "连接被拒绝" in result.stderr and "Traceback" not in result.stderr
    assert recorded(isolated) == 0
    # the lock was released: the next run is not refused by it
    assert "正在发送" not in cli("notify").stderr


def test_dry_run_prints_and_sends_nothing(cli, mail_office, inbox, isolated):
    result = cli("notify", "--dry-run")
    assert result.exit_code == 0
    assert "主题：依申请公开办理预警 2024-11-20：红灯 1 件，黄灯 1 件" in result.stdout
    assert "收件人：ban@hunnan.example.org" in result.stdout
    assert PHONE not in result.stdout
    assert inbox.envelopes == []
    assert recorded(isolated) == 0


def test_dry_run_works_without_smtp_config(cli, mail_office):
    result = cli("notify", "--dry-run")
    assert result.exit_code == 0
    assert "未配置" in result.stdout


def test_nothing_qualifies_nothing_sent(cli, inbox, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    register(cli, "2024-11-18", "孙玉梅")
    result = cli("notify")
    assert result.exit_code == 0
    assert "没有达到黄灯" in result.stdout
    assert inbox.envelopes == []


def test_a_held_lock_stops_a_second_run(cli, mail_office, inbox, isolated):
    import time

    db = open_db(isolated / "gk.db")
    assert take_lock(db, "notify", "other:1", "2024-11-20T07:30:00+08:00", time.time(), 600) is None
    result = cli("notify")
    assert result.exit_code == 1
    assert "另一次 notify 正在发送" in result.stderr
    assert inbox.envelopes == []


def test_an_expired_lock_is_taken_over(isolated):
    import time

    db = open_db(isolated / "gk.db")
    assert take_lock(db, "notify", "a", "t", time.time() - 1000, 600) is None
    assert take_lock(db, "notify", "b", "t", time.time(), 600) is None
    assert take_lock(db, "notify", "c", "t", time.time(), 600)["holder"] == "b"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("smtp:\n  to: [a@example.org]\n", "smtp.host"),
        ("smtp:\n  host: 127.0.0.1\n  to: [a@example.org]\n", "smtp.from"),
        ("smtp:\n  host: 127.0.0.1\n  from: a@example.org\n  user: a\n  to: [a@example.org]\n",
         "HUNNAN_GK_SMTP_PASSWORD"),
        ("smtp:\n  host: 127.0.0.1\n  from: a@example.org\n", "没有收件人"),
    ],
)
def test_config_problems_are_exit_2(cli, mail_office, config_file, isolated, config, message):
    config_file.write_text(config, encoding="utf-8")
    result = cli("notify")
    assert result.exit_code == 2
    assert message in result.stderr
    assert recorded(isolated) == 0


def test_min_light_must_be_yellow_or_red(cli, mail_office):
    result = cli("notify", "--min-light", "green", "--dry-run")
    assert result.exit_code == 2
    assert "--min-light 只能是 red" in result.stderr


def test_fresh_since_and_subject():
    items = [{"number": "a", "light": "red"}, {"number": "b", "light": "yellow"}]
    assert fresh_since(items, []) == ["a", "b"]
    assert fresh_since(items, [("a", "yellow"), ("b", "yellow")]) == ["a"]
    assert fresh_since(items, [("a", "red"), ("b", "red")]) == []
    assert subject_line("2024-10-30", [{"light": "red"}] * 2 + [{"light": "yellow"}] * 3, Light.YELLOW) == (
        "依申请公开办理预警 2024-10-30：红灯 2 件，黄灯 3 件"
    )


def test_missing_database_is_exit_3(cli, inbox, isolated):
    result = cli("notify", "--db", isolated / "typo.db")
    assert result.exit_code == 3
    assert not (isolated / "typo.db").exists()
    assert inbox.envelopes == []
