"""report performance (issue 14 item 1, 5) and the annual report's text (item 3): a year (2025)
across two departments and two organs, every figure counted by hand.

| no. | dept | organ | channel | what happens | counted by hand |
|---|---|---|---|---|---|
| R1 | 住建 | 政府 | online | 03-03 → reply 03-20; appeal corrected 06-01 | on time, 13 workdays |
| R2 | 住建 | 政府 | post | 03-03 → reply 04-02 (due 03-31) | late, 22 |
| R3 | 住建 | 住建局 | in_person | 07-01; 补正 asked 07-14 (limit 07-10), corrected 07-18; reply 08-01 | supplement_late, on time, 10 |
| R4 | 教育 | 政府 | online | 07-01; consult 07-07..07-11 (4 days); extend 10 on 07-21; reply 08-15 (due 08-18) | extended, on time, 33-4 = 29 |
| R5 | 教育 | 住建局 | email | 08-04; fee notice 08-06 (100元), paid 08-08; reply 08-20 | on time, 12-2 = 10 |
| R6 | 教育 | 政府 | fax | 08-04; fee notice 08-05 (50元), lapsed 09-03 | on time, 22-21 = 1 |
| R7 | 住建 | 政府 | online | voided | never |
| R8 | 住建 | 政府 | letter | 11-03; assigned 住建 (handed back) and 教育 (5 days, due 11-11, submitted 11-14); 督办 12-01 | open, red |
| R9 | 教育 | 住建局 | online | 12-22 | open, green |
| R10 | 住建 | 政府 | online | 12-01; assigned 住建 12-02 (due 12-09) submitted 12-08; consult from 12-15 | open, paused |
| R12 | 教育 | 政府 | in_person | 2024-12-20 → reply 2025-01-10 | on time, 14 |
| R13 | — | 政府 | online | 03-10 → withdrawn 03-12 | on time, 2 |
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from hunnan_gk.vocab import HANDLING_STAGES
from tests.helpers import ok, ok_json, register as register_request
from tests.test_organs import ORGANS

CONFIG = ORGANS + """
departments:
  - name: 区住建局
    aliases: [住建局]
  - name: 区教育局
"""
GOV, BUREAU = "浑南区人民政府", "浑南区住房和城乡建设局"
JJ, JY = "区住建局", "区教育局"


def run(cli, *args):
    return ok(cli(*args))


def register(cli, received, channel, department=None, organ=GOV, name="申请人"):
    options = {"channel": channel, "organ": organ}
    if department:
        options["department"] = department
    return register_request(cli, received, name, content=f"{name}{received}", **options)["number"]


def reply(cli, number, on, outcome="disclosed"):
    for stage in HANDLING_STAGES[1:6]:
        run(cli, "advance", number, "--expect", stage.value, "--on", on)
    run(cli, "advance", number, "--outcome", outcome, "--on", on)


def build(cli, config_file) -> dict[str, str]:
    config_file.write_text(CONFIG, encoding="utf-8")
    n = {}
    n["R1"] = register(cli, "2025-03-03", "online", JJ)
    reply(cli, n["R1"], "2025-03-20")
    run(cli, "appeal", "add", n["R1"], "--kind", "reconsideration", "--on", "2025-04-01")
    run(cli, "appeal", "decide", n["R1"], "--kind", "reconsideration", "--result", "corrected",
        "--on", "2025-06-01")
    n["R2"] = register(cli, "2025-03-03", "post", "住建局")
    reply(cli, n["R2"], "2025-04-02")
    n["R3"] = register(cli, "2025-07-01", "in_person", JJ, BUREAU)
    run(cli, "supplement", "ask", n["R3"], "--on", "2025-07-14", "--until", "2025-07-21")
    run(cli, "supplement", "received", n["R3"], "--on", "2025-07-18")
    reply(cli, n["R3"], "2025-08-01")
    n["R4"] = register(cli, "2025-07-01", "online", JY)
    run(cli, "consult", "start", n["R4"], "--party", "某公司", "--kind", "third_party", "--on", "2025-07-07")
    run(cli, "consult", "end", n["R4"], "--on", "2025-07-11")
    run(cli, "extend", n["R4"], "--days", "10", "--approver", "王主任", "--reason", "需协调", "--on", "2025-07-21")
    reply(cli, n["R4"], "2025-08-15")
    n["R5"] = register(cli, "2025-08-04", "email", JY, BUREAU)
    run(cli, "fee", "notice", n["R5"], "--basis", "per_page", "--pages", "40", "--amount", "100",
        "--on", "2025-08-06")
    run(cli, "fee", "paid", n["R5"], "--on", "2025-08-08")
    reply(cli, n["R5"], "2025-08-20")
    n["R6"] = register(cli, "2025-08-04", "fax", JY)
    run(cli, "fee", "notice", n["R6"], "--basis", "per_page", "--pages", "35", "--amount", "50",
        "--on", "2025-08-05")
    run(cli, "fee", "lapsed", n["R6"], "--on", "2025-09-03")
    n["R7"] = register(cli, "2025-03-05", "online", JJ)
    run(cli, "void", n["R7"], "--reason", "重复登记")
    n["R8"] = register(cli, "2025-11-03", "letter", JJ)
    run(cli, "assign", n["R8"], "--department", JJ, "--on", "2025-11-04")
    run(cli, "assign", n["R8"], "--department", JY, "--workdays", "5", "--on", "2025-11-04")
    run(cli, "accept", n["R8"], "--department", JY, "--on", "2025-11-05")
    run(cli, "handback", n["R8"], "--department", JJ, "--reason", "不属于本单位职责", "--on", "2025-11-06")
    run(cli, "submit", n["R8"], "--department", JY, "--on", "2025-11-14")
    run(cli, "supervise", n["R8"], "--by", "王主任", "--reason", "临近期限", "--on", "2025-12-01")
    n["R9"] = register(cli, "2025-12-22", "online", JY, BUREAU)
    n["R10"] = register(cli, "2025-12-01", "online", JJ)
    run(cli, "assign", n["R10"], "--department", JJ, "--workdays", "5", "--on", "2025-12-02")
    run(cli, "accept", n["R10"], "--department", JJ, "--on", "2025-12-03")
    run(cli, "submit", n["R10"], "--department", JJ, "--on", "2025-12-08")
    run(cli, "consult", "start", n["R10"], "--party", "某局", "--kind", "organ", "--on", "2025-12-15")
    n["R12"] = register(cli, "2024-12-20", "in_person", JY)
    reply(cli, n["R12"], "2025-01-10")
    n["R13"] = register(cli, "2025-03-10", "online")
    run(cli, "withdraw", n["R13"], "--reason", "申请人撤回", "--on", "2025-03-12")
    return n


def figures(received, replied, on_time, late, rate, avg, maximum, supplement_late=0, extended=0,
            open_=(0, 0, 0, 0), assignments=(0, 0, 0, 0), supervised=0, appeals=0):
    return {
        "received": received, "replied": replied, "on_time": on_time, "late": late,
        "on_time_rate": rate, "avg_workdays": avg, "max_workdays": maximum,
        "supplement_late": supplement_late, "extended": extended,
        "open": dict(zip(("red", "yellow", "green", "paused"), open_)),
        "assignments": dict(zip(("count", "on_time", "late", "handed_back"), assignments)),
        "supervised": supervised, "appeals_corrected": appeals,
    }


EXPECTED = {
    JJ: figures(5, 3, 2, 1, 66.7, 15.0, 22, supplement_late=1, open_=(1, 0, 0, 1),
                assignments=(2, 1, 0, 1), supervised=1, appeals=1),
    JY: figures(4, 4, 4, 0, 100.0, 13.5, 29, extended=1, open_=(0, 0, 1, 0), assignments=(1, 0, 1, 0)),
    None: figures(1, 1, 1, 0, 100.0, 2.0, 2),
}
TOTAL = figures(10, 8, 7, 1, 87.5, 12.6, 29, supplement_late=1, extended=1, open_=(1, 0, 1, 1),
                assignments=(3, 1, 1, 1), supervised=1, appeals=1)


@pytest.fixture
def year(cli, config_file):
    return build(cli, config_file)


def performance(cli, *args):
    return ok_json(cli("report", "performance", "--year", "2025", "--format", "json", *args))


def test_every_figure_per_department_and_in_total(cli, year):
    report = performance(cli)
    assert list(report) == ["year", "as_of", "departments", "total"]
    assert report["year"] == 2025 and report["as_of"] == "2025-12-31"
    assert [d["department"] for d in report["departments"]] == [JJ, JY, None]
    for entry in report["departments"]:
        assert list(entry) == ["department", *TOTAL]
        assert {k: v for k, v in entry.items() if k != "department"} == EXPECTED[entry["department"]]
    assert report["total"] == TOTAL


def test_one_department_and_the_whole_office_total(cli, year):
    report = performance(cli, "--department", "住建局")
    assert [d["department"] for d in report["departments"]] == [JJ]
    assert report["total"] == TOTAL
    refused = cli("report", "performance", "--year", "2025", "--department", "住房局")
    assert refused.exit_code == 2 and "不是配置中的承办单位" in refused.stderr


def test_the_counted_figures_of_the_departments_sum_to_the_total(cli, year):
    report = performance(cli)
    for key in ("received", "replied", "on_time", "late", "supplement_late", "extended",
                "supervised", "appeals_corrected"):
        assert sum(d[key] for d in report["departments"]) == report["total"][key]
    for group in ("open", "assignments"):
        for key, value in report["total"][group].items():
            assert sum(d[group][key] for d in report["departments"]) == value


def test_csv_and_xlsx_lay_out_one_row_per_department_and_the_total_last(cli, year, isolated):
    text = ok(cli("report", "performance", "--year", "2025", "--format", "csv")).stdout
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0][:6] == ["承办单位", "收到申请", "办结", "按期答复", "逾期答复", "按期答复率（%）"]
    assert [line[0] for line in lines[1:]] == [JJ, JY, "（未指定承办单位）", "合计"]
    assert lines[1][1:6] == ["5", "3", "2", "1", "66.7"] and lines[-1][1:6] == ["10", "8", "7", "1", "87.5"]
    target = isolated / "考核.xlsx"
    ok(cli("report", "performance", "--year", "2025", "-o", target))
    sheet = load_workbook(target).active
    title = sheet.cell(1, 1).value
    assert "2025年度" in title and "2025-12-31" in title and "制表" in title
    assert [sheet.cell(2, c).value for c in range(1, 4)] == ["承办单位", "收到申请", "办结"]
    assert [sheet.cell(r, 1).value for r in range(3, 7)] == [JJ, JY, "（未指定承办单位）", "合计"]
    assert sheet.cell(6, 2).value == 10 and sheet.cell(6, 1).font.b
    assert [[sheet.cell(r, c).value if sheet.cell(r, c).value is not None else "" for c in range(1, len(lines[0]) + 1)]
            for r in range(3, 7)] == [[int(v) if v.isdigit() else (float(v) if v.replace(".", "").isdigit() else v)
                                       for v in line] for line in lines[1:]]
    table = ok(cli("report", "performance", "--year", "2025")).stdout
    assert JJ in table and "合计" in table


def test_a_hostile_department_name_stays_text_in_the_exports(cli, config_file, isolated):
    config_file.write_text("departments:\n  - name: '=1+2'\n", encoding="utf-8")
    ok(cli("register", "--applicant", "甲", "--type", "natural", "--channel", "online",
           "--received", "2025-03-03", "--content", "某事", "--department", "=1+2"))
    text = ok(cli("report", "performance", "--year", "2025", "--format", "csv")).stdout
    assert "\n'=1+2,1," in text  # a spreadsheet would calculate it: a leading ' (OWASP)
    target = isolated / "p.xlsx"
    ok(cli("report", "performance", "--year", "2025", "-o", target))
    cell = load_workbook(target).active.cell(3, 1)
    assert cell.value == "=1+2" and cell.data_type == "s"


def _annual(cli, *args):
    return ok_json(cli("report", "annual", "--year", "2025", "--format", "json", *args))


NARRATIVE = {"received": 10, "by_channel": {"online": 5, "post": 1, "letter": 1, "in_person": 1,
                                             "email": 1, "fax": 1},
             "replied": 8, "on_time": 7, "late": 1, "carried_forward": 3}
FEES = {"notices": 2, "amount_noticed": 150, "paid": 1, "amount_paid": 100}


def test_annual_narrative_and_fees_counted_by_hand(cli, year):
    summary = _annual(cli)
    assert summary["narrative"] == NARRATIVE and summary["fees"] == FEES
    gov, bureau = _annual(cli, "--organ", GOV), _annual(cli, "--organ", BUREAU)
    assert gov["narrative"] == {"received": 7, "by_channel": {"online": 4, "post": 1, "letter": 1,
                                                              "in_person": 0, "email": 0, "fax": 1},
                                "replied": 6, "on_time": 5, "late": 1, "carried_forward": 2}
    assert gov["fees"] == {"notices": 1, "amount_noticed": 50, "paid": 0, "amount_paid": 0}
    assert bureau["narrative"] == {"received": 3, "by_channel": {"online": 1, "post": 0, "letter": 0,
                                                                 "in_person": 1, "email": 1, "fax": 0},
                                   "replied": 2, "on_time": 2, "late": 0, "carried_forward": 1}
    assert bureau["fees"] == {"notices": 1, "amount_noticed": 100, "paid": 1, "amount_paid": 100}
    # the per-organ tables sum to the summary, cell by cell, text figures and fees too
    for index, row in enumerate(summary["rows"]):
        for column, value in row["values"].items():
            assert gov["rows"][index]["values"][column] + bureau["rows"][index]["values"][column] == value
    for kind, values in summary["appeals"].items():
        for column, value in values.items():
            assert gov["appeals"][kind][column] + bureau["appeals"][kind][column] == value
    for key in ("received", "replied", "on_time", "late", "carried_forward"):
        assert gov["narrative"][key] + bureau["narrative"][key] == summary["narrative"][key]
    for code, value in summary["narrative"]["by_channel"].items():
        assert gov["narrative"]["by_channel"][code] + bureau["narrative"]["by_channel"][code] == value
    for key, value in summary["fees"].items():
        assert gov["fees"][key] + bureau["fees"][key] == value
    assert summary["balanced"] and gov["balanced"] and bureau["balanced"]


def test_annual_table_and_markdown_print_the_sentences(cli, year):
    table = ok(cli("report", "annual", "--year", "2025")).stdout
    flat = table.replace("\n", "")
    assert ("本年共收到政府信息公开申请10件，其中网上申请5件、邮寄1件、平常信函1件、当面申请1件、"
            "电子邮件1件、传真1件。") in flat
    assert "本年度办结8件，其中按期答复7件、逾期答复1件；结转下年度继续办理3件。" in flat
    assert "本年度发出收费通知2件，收取信息处理费100元。" in flat
    markdown = ok(cli("report", "annual", "--year", "2025", "--organ", GOV, "--format", "markdown")).stdout
    assert "本年度发出收费通知1件，未收取信息处理费。" in markdown
    assert "其中网上申请4件、邮寄1件、平常信函1件、传真1件。" in markdown


def test_a_year_without_fees_says_none_were_charged(cli):
    ok(cli("register", "--applicant", "甲", "--type", "natural", "--channel", "online",
           "--received", "2025-03-03", "--content", "某事"))
    data = _annual(cli)
    assert data["fees"] == {"notices": 0, "amount_noticed": 0, "paid": 0, "amount_paid": 0}
    assert "本年度未收取信息处理费。" in ok(cli("report", "annual", "--year", "2025")).stdout.replace("\n", "")
    empty = ok_json(cli("report", "annual", "--year", "2023", "--format", "json"))
    assert empty["narrative"]["received"] == 0
    nothing = performance(cli)
    assert nothing["total"]["replied"] == 0 and nothing["total"]["on_time_rate"] is None
    assert nothing["total"]["avg_workdays"] is None and nothing["total"]["max_workdays"] is None


def test_voided_requests_never_count(cli, year):
    report = performance(cli)
    # R7 (voided, 区住建局, online, 2025-03-05) is in none of the figures above; voiding R2 too
    ok(cli("void", year["R2"], "--reason", "测试"))
    after = performance(cli)
    assert after["departments"][0]["received"] == report["departments"][0]["received"] - 1
    assert after["departments"][0]["late"] == 0
    assert _annual(cli)["narrative"]["received"] == 9


@pytest.mark.parametrize("received", ["2024-09-27", "2024-12-20", "2025-01-24", "2025-04-30"])
@pytest.mark.parametrize("extended", [0, 7])
def test_the_plain_case_counts_as_the_clock_does(received, extended):
    """Timeliness's shortcut for a request nothing paused gives compute_clock's late_workdays
    and the working days counted, for replies around the due date across holidays."""
    from datetime import date, timedelta

    from hunnan_gk.clock import compute_clock
    from hunnan_gk.performance import Timeliness
    from tests.helpers import work_calendar

    calendar = work_calendar()
    timeliness = Timeliness(calendar)
    start = date.fromisoformat(received)
    for offset in range(20, 50, 3):
        replied = (start + timedelta(days=offset)).isoformat()
        row = {"received_on": received, "extended_days": extended, "outcome_on": replied,
               "replied_on": replied}
        clock = compute_clock(row, [], calendar, date.fromisoformat(replied))
        reply = timeliness(row, [])
        assert reply.late == (clock.late_workdays > 0)
        assert reply.workdays == calendar.between(start, date.fromisoformat(replied)).workdays
