"""The publication log and timeliness (issue 17): `catalog publish`, `report catalogue`, and the
公开时限 rules they count by."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from hunnan_gk.catalogue import check_text
from hunnan_gk.catalogue_publish import (
    DAYS,
    MANUAL,
    WORKDAYS,
    YEARLY,
    catalogue_report,
    judge,
    parse_deadline,
)

from catalogue_samples import HEAD
from helpers import mail_parts, ok, ok_json, work_calendar, write_smtp_config

CALENDAR = work_calendar()


@pytest.mark.parametrize(
    "text, kind, label",
    [
        ("信息形成（或变更）之日起20个工作日内", WORKDAYS, "20个工作日"),
        ("信息形成或变更之日起20个工作日内", WORKDAYS, "20个工作日"),
        ("自信息形成或者变更之日起20个工作日内予以公开", WORKDAYS, "20个工作日"),
        ("会议召开之日起5个工作日内", WORKDAYS, "5个工作日"),
        ("二十个工作日内", WORKDAYS, "20个工作日"),
        ("信息形成之日起２０个工作日内。", WORKDAYS, "20个工作日"),
        ("每年1月31日前", YEARLY, "每年1月31日前"),
        ("每年五月十日前公开", YEARLY, "每年5月10日前"),
        ("批准或批复之日起20日内", DAYS, "20日"),
        ("7日内", DAYS, "7日"),
        ("及时", MANUAL, "人工核对"),
        ("按规定", MANUAL, "人工核对"),
        ("每季度", MANUAL, "人工核对"),
        ("实时", MANUAL, "人工核对"),
        ("每年2月30日前", MANUAL, "人工核对"),
        ("处罚决定作出之日起7个工作日内；撤回在3日内", MANUAL, "人工核对"),
        ("政策发布之日起5个工作日内归集，每季度集中更新一次", MANUAL, "人工核对"),
        ("征求意见30日后20个工作日内", MANUAL, "人工核对"),
        ("", MANUAL, "人工核对"),
    ],
)
def test_deadline_rules(text, kind, label):
    rule = parse_deadline(text)
    assert (rule.kind, rule.label) == (kind, label)


# 2024-04-01 + 20 working days = 2024-04-29: 清明 04-04..06 is off, Sunday 04-07 is worked.
@pytest.mark.parametrize(
    "published, on_time, days_late",
    [("2024-04-26", True, 0), ("2024-04-29", True, 0), ("2024-04-30", False, 1), ("2024-05-06", False, 7)],
)
def test_twenty_working_days_across_a_holiday(published, on_time, days_late):
    measured = judge(parse_deadline("信息形成或变更之日起20个工作日内"), date(2024, 4, 1), date.fromisoformat(published), CALENDAR)
    assert measured.due == date(2024, 4, 29)
    assert (measured.on_time, measured.days_late) == (on_time, days_late)


def test_calendar_days_and_yearly_dates():
    rule = parse_deadline("批准或批复之日起20日内")
    assert judge(rule, date(2024, 1, 10), date(2024, 1, 30), CALENDAR).on_time is True
    assert judge(rule, date(2024, 1, 10), date(2024, 1, 31), CALENDAR).days_late == 1
    yearly = parse_deadline("每年1月31日前")
    assert judge(yearly, date(2024, 1, 5), date(2024, 1, 31), CALENDAR).on_time is True
    assert judge(yearly, date(2024, 1, 5), date(2024, 2, 2), CALENDAR).days_late == 2
    assert judge(parse_deadline("及时"), date(2024, 1, 5), date(2024, 2, 2), CALENDAR).on_time is None


CATALOGUE = HEAD + """\
  - 编号: "A"
    公开事项: 年度报告
    公开内容: 年度报告全文
    公开依据: 《中华人民共和国政府信息公开条例》第四十九条
    公开时限: 每年1月31日前
    公开主体: 浑南区人民政府
    公开渠道: [政府网站]
    责任单位: 浑南区人民政府办公室
  - 编号: "B"
    公开事项: 机构职能
    公开内容: 机关职能、机构设置
    公开依据: 《中华人民共和国政府信息公开条例》第二十条
    公开时限: 信息形成或变更之日起20个工作日内
    公开主体: 浑南区人民政府
    公开渠道: [政府网站]
    责任单位: 浑南区人民政府办公室
  - 编号: "C"
    公开事项: 工作动态
    公开内容: 工作动态
    公开依据: 《中华人民共和国政府信息公开条例》第二十条
    公开时限: 及时公开
    公开主体: 浑南区人民政府
    公开渠道: [政府网站]
    责任单位: 浑南区人民政府办公室
"""


def publication(item_id, formed, published, id=1):
    return {"id": id, "item_id": item_id, "formed_on": formed, "published_on": published}


def statuses(publications, as_of):
    catalogue = check_text(CATALOGUE).catalogue
    return {item["id"]: item for item in catalogue_report(catalogue, publications, as_of, CALENDAR)["items"]}


def test_a_yearly_item_is_overdue_once_its_date_passes_without_a_publication_that_year():
    published_2024 = [publication("A", "2024-01-10", "2024-01-25")]
    assert statuses(published_2024, date(2025, 1, 31))["A"]["overdue"] is False  # the day itself
    late = statuses(published_2024, date(2025, 2, 5))["A"]
    assert (late["overdue"], late["days_late"], late["on_time"]) == (True, 5, True)
    assert late["last_published"] == "2024-01-25"
    again = published_2024 + [publication("A", "2025-01-08", "2025-02-03", id=2)]
    done = statuses(again, date(2025, 2, 5))["A"]
    assert (done["overdue"], done["on_time"], done["days_late"]) == (False, False, 3)
    assert statuses([], date(2025, 3, 1))["A"]["overdue"] is True  # never published either


def test_the_report_counts_only_what_was_published_by_its_day():
    pubs = [publication("B", "2024-04-01", "2024-04-29"), publication("B", "2024-06-03", "2024-07-15", id=2)]
    assert statuses(pubs, date(2024, 5, 1))["B"] == {
        "id": "B", "name": "机构职能", "deadline_rule": "20个工作日", "last_formed": "2024-04-01",
        "last_published": "2024-04-29", "on_time": True, "overdue": False, "days_late": 0,
    }
    assert statuses(pubs, date(2024, 8, 1))["B"]["on_time"] is False


def test_vague_and_never_published_items():
    report = statuses([publication("C", "2024-04-01", "2024-06-01")], date(2024, 8, 1))
    assert report["C"]["deadline_rule"] == "人工核对"
    assert report["C"]["on_time"] is None and report["C"]["overdue"] is False
    assert report["B"]["last_published"] is None and report["B"]["on_time"] is None


# --- the commands ---


@pytest.fixture
def catalogue_file(tmp_path):
    path = tmp_path / "目录.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def test_publish_then_report(cli, catalogue_file, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2025-02-05")
    on_time = ok_json(cli("catalog", "publish", catalogue_file, "B", "--formed", "2024-04-01", "--on", "2024-04-29", "--json"))
    assert (on_time["due"], on_time["on_time"], on_time["deadline_rule"]) == ("2024-04-29", True, "20个工作日")
    late = ok(cli("catalog", "publish", catalogue_file, "A", "--formed", "2024-01-10", "--on", "2024-02-01",
                  "--url", "https://www.hunnan.gov.cn/nb.html", "--title", "2023年年报"))
    assert "逾期" in late.stdout and "晚了 1 天" in late.stdout
    report = ok_json(cli("report", "catalogue", catalogue_file, "--format", "json"))
    assert list(report) == ["catalogue", "as_of", "items"]
    assert report["as_of"] == "2025-02-05" and report["catalogue"] == "测试目录"
    assert [list(item) for item in report["items"]] == [
        ["id", "name", "deadline_rule", "last_formed", "last_published", "on_time", "overdue", "days_late"]
    ] * 3
    by_id = {item["id"]: item for item in report["items"]}
    assert by_id["A"]["overdue"] is True and by_id["B"]["on_time"] is True
    table = ok(cli("report", "catalogue", catalogue_file))
    assert "今年应公开未公开" in table.stdout and "从未公开" in table.stdout
    csv_out = ok(cli("report", "catalogue", catalogue_file, "--format", "csv"))
    assert csv_out.stdout_bytes.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["Z", "--formed", "2024-04-01", "--on", "2024-04-29"], 1, "没有编号为 Z"),
        (["B", "--formed", "2024-04-01", "--on", "2030-01-01"], 1, "晚于今天"),
        (["B", "--formed", "2024-05-01", "--on", "2024-04-29"], 1, "晚于公开日期"),
        (["B", "--formed", "2024-04-01", "--on", "2024-04-29", "--url", "javascript:alert(1)"], 2, "--url"),
        (["B", "--formed", "2024-04-01", "--on", "2024-04-29", "--title", "a\x1b[31mb"], 2, "--title"),
        (["B", "--formed", "昨天的前天", "--on", "2024-04-29"], 2, "--formed"),
    ],
)
def test_publish_refuses_mistakes_and_records_nothing(cli, catalogue_file, isolated, args, code, words):
    result = cli("catalog", "publish", catalogue_file, *args)
    assert result.exit_code == code
    assert result.stderr.startswith("错误：") and words in result.stderr
    db = isolated / "gk.db"
    if db.exists():
        count = sqlite3.connect(db).execute("SELECT count(*) FROM catalogue_publications").fetchone()[0]
        assert count == 0


def test_the_same_publication_twice_is_refused(cli, catalogue_file, isolated):
    args = ("catalog", "publish", catalogue_file, "B", "--formed", "2024-04-01", "--on", "2024-04-29")
    ok(cli(*args))
    again = cli(*args)
    assert again.exit_code == 1 and "已经有了" in again.stderr
    assert sqlite3.connect(isolated / "gk.db").execute("SELECT count(*) FROM catalogue_publications").fetchone()[0] == 1


def test_an_invalid_catalogue_is_refused(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(CATALOGUE.replace("    公开主体: 浑南区人民政府\n", "", 1), encoding="utf-8")
    result = cli("catalog", "publish", broken, "A", "--formed", "2024-01-10", "--on", "2024-01-20")
    assert result.exit_code == 1 and "E007" in result.stderr


# --- the morning mail's catalogue section ---

@pytest.fixture
def catalogue_mail(cli, smtp_server, config_file, catalogue_file, monkeypatch):
    """A catalogue named in the config whose yearly item A was last published in 2024."""
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port, f"catalogues: [{catalogue_file.name}]\n")
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    ok(cli("catalog", "publish", catalogue_file, "A", "--formed", "2023-01-10", "--on", "2023-01-20"))
    return inbox


def test_the_morning_mail_lists_overdue_catalogue_items(cli, catalogue_mail):
    result = ok(cli("notify"))
    assert "已发送" in result.stdout
    (message,) = catalogue_mail.messages
    assert message["Subject"].endswith("红灯 0 件，黄灯 0 件；目录到期未公开 1 项")
    text, html = mail_parts(message)
    assert "主动公开事项目录：到期未公开" in text
    assert "【A】年度报告  时限 每年1月31日前  最近公开 2023-01-20  今年应公开未公开（已过 294 天）" in text
    assert "机构职能" not in text  # never published, but nothing says it is due
    assert "<td" in html and "今年应公开未公开" in html
    again = ok(cli("notify"))  # once a day, like the requests
    assert len(catalogue_mail.messages) == 1 and "未再发送" in again.stdout


def test_the_catalogue_section_joins_the_requests_mail(cli, catalogue_mail, mail_office):
    ok(cli("notify"))
    (message,) = catalogue_mail.messages
    assert message["Subject"] == "依申请公开办理预警 2024-11-20：红灯 1 件，黄灯 1 件；目录到期未公开 1 项"
    text, _ = mail_parts(message)
    assert mail_office["red"] in text and "【A】年度报告" in text


def test_a_broken_catalogue_is_named_and_the_mail_still_goes(cli, catalogue_mail, catalogue_file, mail_office):
    catalogue_file.write_text(CATALOGUE.replace("    公开主体: 浑南区人民政府\n", "", 1), encoding="utf-8")
    ok(cli("notify"))
    text, _ = mail_parts(catalogue_mail.messages[0])
    assert mail_office["red"] in text and "目录有 1 个错误，未检查公开时效" in text


def test_nothing_due_sends_nothing(cli, smtp_server, config_file, catalogue_file, monkeypatch):
    controller, inbox = smtp_server
    write_smtp_config(config_file, controller.port, f"catalogues: [{catalogue_file.name}]\n")
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    ok(cli("catalog", "publish", catalogue_file, "A", "--formed", "2024-01-10", "--on", "2024-01-20"))
    result = ok(cli("notify"))
    assert "也没有到期未公开的目录事项" in result.stdout and inbox.messages == []
