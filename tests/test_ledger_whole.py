"""The lossless ledger (issue 11 item 7): xlsx and JSON exports carry the whole record, and
importing one into an empty database gives every request's `show --json` (but the `at` times)
and every year's annual table back; the office's own numbers are kept verbatim."""

from __future__ import annotations

import json

import pytest

from tests.helpers import PHONE, VALID_ID, ok, ok_json, register


def _year_with_everything(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2025-03-31")
    a = register(cli, "2024-03-01", id_number=VALID_ID, content="第一项")["number"]
    for day in ("2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"):
        ok(cli("advance", a, "--on", day))
    ok(cli("return", a, "--to", "draft", "--reason", "审核不通过", "--on", "2024-03-08"))
    ok(cli("advance", a, "--on", "2024-03-11"))
    ok(cli("advance", a, "--on", "2024-03-12"))
    ok(cli("advance", a, "--on", "2024-03-13", "--outcome", "partial"))
    ok(cli("advance", a, "--on", "2024-03-14"))
    ok(cli("appeal", "add", a, "--kind", "reconsideration", "--on", "2024-04-01"))
    ok(cli("appeal", "decide", a, "--kind", "reconsideration", "--result", "upheld", "--on", "2024-06-03"))
    ok(cli("appeal", "add", a, "--kind", "litigation_after", "--on", "2024-06-20"))
    b = register(cli, "2024-05-06", "某某公司", type="commercial", channel="post", phone=PHONE)["number"]
    ok(cli("supplement", "ask", b, "--on", "2024-05-08", "--until", "2024-05-22"))
    ok(cli("supplement", "received", b, "--on", "2024-05-15"))
    ok(cli("consult", "start", b, "--party", "沈阳某某建设有限公司", "--kind", "third_party", "--on", "2024-05-20"))
    ok(cli("consult", "end", b, "--on", "2024-05-24"))
    ok(cli("extend", b, "--days", "15", "--approver", "王主任", "--reason", "需协调多个单位", "--on", "2024-06-03"))
    ok(cli("correct", b, "--field", "channel", "--to", "online", "--reason", "实为网上提交"))
    c = register(cli, "2024-12-30", "王五", content="结转下年的")["number"]
    ok(cli("consult", "start", c, "--party", "区住建局", "--kind", "organ", "--on", "2024-12-31"))
    d = register(cli, "2024-06-03", "赵六", content="测试登记")["number"]
    ok(cli("void", d, "--reason", "测试登记，作废"))
    e = register(cli, "2024-07-01", id_number=VALID_ID, content="第二项")["number"]
    ok(cli("withdraw", e, "--reason", "申请人撤回", "--on", "2024-07-02"))
    ok(cli("advance", e, "--on", "2024-07-03"))
    ok(cli("undo", e, "--reason", "归档登记错了"))
    return [a, b, c, d, e]


def _without_at(value):
    if isinstance(value, dict):
        return {k: _without_at(v) for k, v in value.items() if k != "at"}
    if isinstance(value, list):
        return [_without_at(v) for v in value]
    return value


def _shows(cli, numbers, *db):
    return {n: _without_at(ok_json(cli("show", n, "--json", *db))) for n in numbers}


def _annual(cli, year, *db):
    return ok_json(cli("report", "annual", "--year", year, "--format", "json", *db))


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_export_then_import_into_an_empty_database_gives_everything_back(cli, isolated, monkeypatch, fmt):
    numbers = _year_with_everything(cli, monkeypatch)
    out = isolated / f"whole.{fmt}"
    ok(cli("ledger", "export", "-o", out))
    fresh = isolated / "fresh.db"
    ok(cli("db", "init", "--db", fresh))
    result = ok(cli("ledger", "import", out, "--db", fresh))
    assert f"已导入 {len(numbers)} 件" in result.stdout
    assert _shows(cli, numbers, "--db", fresh) == _shows(cli, numbers)
    for year in (2024, 2025):
        assert _annual(cli, year, "--db", fresh) == _annual(cli, year)
    ok(cli("audit", "verify", "--db", fresh))
    # new registrations continue after the highest number
    assert register(cli, "2024-08-01", "新人", db=fresh)["number"] == "2024-0006"


def test_the_json_export_nests_the_history_and_the_xlsx_has_its_sheets(cli, isolated, monkeypatch):
    from openpyxl import load_workbook

    numbers = _year_with_everything(cli, monkeypatch)
    ok(cli("ledger", "export", "-o", isolated / "l.json"))
    items = {item["number"]: item for item in json.loads((isolated / "l.json").read_text(encoding="utf-8"))}
    first, second = items[numbers[0]], items[numbers[1]]
    assert [a["result"] for a in first["appeals"]] == ["upheld", None]
    assert first["returns"] == [{"on": "2024-03-08", "to": "draft", "reason": "审核不通过"}]
    assert second["extensions"] == [{"on": "2024-06-03", "days": 15, "approver": "王主任", "reason": "需协调多个单位"}]
    assert second["consultations"][0]["party"] == "沈阳某某建设有限公司"
    assert second["corrections"][0]["field"] == "channel" and second["corrections"][0]["reason"] == "实为网上提交"
    assert items[numbers[3]]["void_reason"] == "测试登记，作废"
    ok(cli("ledger", "export", "-o", isolated / "l.xlsx"))
    book = load_workbook(isolated / "l.xlsx", read_only=True)
    assert {"台账", "办理记录", "征求意见", "延期", "复议诉讼", "更正"} <= set(book.sheetnames)


def test_an_offices_own_numbers_are_kept_and_found(cli, isolated):
    path = isolated / "own.csv"
    path.write_text("编号,收到日期,申请人,申请人类型,申请方式,申请内容\n"
                    "HN2024-05,2024-03-01,王五,自然人,信函,道路维修经费\n"
                    "HN2024-07,2024-03-02,赵六,自然人,平信,小区规划\n"
                    "HN2024-08,2024-03-02,钱七,自然人,挂号信,某项批复\n", encoding="utf-8")
    ok(cli("ledger", "import", path))
    shown = ok_json(cli("show", "HN2024-05", "--json"))
    assert shown["number"] == "HN2024-05" and shown["channel"] == "post"
    assert ok_json(cli("show", "HN2024-07", "--json"))["channel"] == "letter"
    assert ok_json(cli("show", "hn2024-5", "--json"))["number"] == "HN2024-05"
    assert register(cli, "2024-04-01")["number"] == "2024-0009"  # after the highest


def test_a_ledger_number_another_request_has_gets_the_next_one(cli, isolated):
    register(cli, "2024-03-01", "别人", content="别的")
    path = isolated / "clash.csv"
    path.write_text("编号,收到日期,申请人,申请人类型,申请方式,申请内容\n"
                    "2024-0001,2024-03-01,王五,自然人,当面,道路维修经费\n", encoding="utf-8")
    result = ok(cli("ledger", "import", path))
    assert "2024-0001 → 2024-0002" in result.stderr
    assert [item["applicant"] for item in ok_json(cli("list", "--json"))] == ["别人", "王五"]


def test_a_whole_record_whose_number_is_taken_is_refused(cli, isolated, monkeypatch):
    numbers = _year_with_everything(cli, monkeypatch)
    ok(cli("ledger", "export", "-o", isolated / "w.json"))
    other = isolated / "other.db"
    ok(cli("db", "init", "--db", other))
    register(cli, "2024-01-02", "别人", content="别的", db=other)  # 2024-0001 is taken there
    result = cli("ledger", "import", isolated / "w.json", "--db", other)
    assert result.exit_code == 1 and numbers[0] in result.stderr
    assert len(ok_json(cli("list", "--json", "--db", other))) == 1


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_letters_come_back_with_their_numbers(cli, isolated, config_file, monkeypatch, fmt):
    from tests.test_letters import CONFIG, issue, replied

    config_file.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-06-28")
    number = replied(cli, "disclosed")
    issue(cli, "reply", number, isolated / "reply.docx", "--variant", "provided")
    out = isolated / f"whole.{fmt}"
    ok(cli("ledger", "export", "-o", out))
    fresh = isolated / "fresh.db"
    ok(cli("db", "init", "--db", fresh))
    ok(cli("ledger", "import", out, "--db", fresh))
    assert _shows(cli, [number], "--db", fresh) == _shows(cli, [number])
    assert _shows(cli, [number])[number]["letters"]
