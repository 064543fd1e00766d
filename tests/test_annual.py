"""The annual report's table: pure construction and check, counting in SQLite, the command."""

from __future__ import annotations

import csv
import io
import json

import pytest

from hunnan_gk import annual
from hunnan_gk.storage.db import init_db, open_db, write
from hunnan_gk.storage.reports import annual_counts
from hunnan_gk.vocab import Outcome


# --- pure: rows, columns, the check -------------------------------------------------------


def _empty(year=2024, **overrides):
    counts = dict(new={}, carried_over={}, results={}, carried_forward={})
    counts.update(overrides)
    return annual.build_table(year, **counts)


def test_rows_follow_the_official_order_with_group_headers():
    labels = [line[0] for line in annual.grid(_empty())]
    assert labels[:3] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
    ]
    assert labels[3] == "（一）予以公开"
    assert labels[4] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert labels[5] == "（三）不予公开" and labels[6] == "1.属于国家秘密"
    assert labels.index("（四）无法提供") == labels.index("8.属于行政查询事项") + 1
    assert labels.index("（五）不予处理") == labels.index("3.补正后申请内容仍不明确") + 1
    assert labels.index("（六）其他处理") == labels.index(Outcome.UNPROCESSED_CONFIRMATION.label) + 1
    assert labels[-3:] == ["3.其他", "（七）总计", "四、结转下年度继续办理"]
    # one line per outcome, four group headers, the results header and four figure rows
    assert len(labels) == len(Outcome) + 4 + 1 + 4


def test_group_headers_carry_no_numbers():
    for line in annual.grid(_empty()):
        if line[0] in ("三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"):
            assert line[1:] == [""] * len(annual.COLUMNS)
        else:
            assert line[1:] == [0] * len(annual.COLUMNS)


def test_columns_are_the_applicant_types_then_total():
    assert annual.COLUMNS == (
        "natural", "commercial", "research", "public_interest", "legal_service", "other_org", "total",
    )
    assert list(annual.COLUMN_LABELS.values()) == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    ]


def test_totals_are_computed_and_a_consistent_table_balances():
    table = _empty(
        new={"natural": 5, "commercial": 2},
        carried_over={"natural": 1},
        results={"disclosed": {"natural": 3}, "other": {"natural": 1, "commercial": 2}},
        carried_forward={"natural": 2},
    )
    assert table.row("new").values["total"] == 7
    assert table.row("total").values == {
        "natural": 4, "commercial": 2, "research": 0, "public_interest": 0,
        "legal_service": 0, "other_org": 0, "total": 6,
    }
    assert table.balanced and table.unbalanced_columns() == []


def test_a_hand_made_unbalanced_table_is_rejected_naming_the_column():
    table = _empty(
        new={"research": 3, "natural": 1},
        results={"disclosed": {"research": 1, "natural": 1}},
        carried_forward={"research": 1},
    )
    assert not table.balanced
    assert table.unbalanced_columns() == ["research", "total"]
    message = annual.balance_message(table)
    assert "“科研机构”列 一+二=3，（七）总计+四=2" in message
    assert "“总计”列" in message and "自然人" not in message


def test_unknown_outcome_code_is_a_programming_error():
    with pytest.raises(ValueError):
        _empty(results={"approved": {"natural": 1}})


def test_json_shape_matches_the_contract():
    data = annual.to_dict(_empty(new={"other_org": 1}, carried_forward={"other_org": 1}))
    assert list(data)[:5] == ["year", "columns", "rows", "appeals", "balanced"]
    assert data["organ"] is None and data["summary_of"] is None
    keys = [row["key"] for row in data["rows"]]
    assert keys == ["new", "carried_over", *[o.value for o in Outcome], "total", "carried_forward"]
    assert data["rows"][0]["values"]["other_org"] == 1
    assert set(data["appeals"]) == {"reconsideration", "litigation_direct", "litigation_after"}
    assert list(data["appeals"]["reconsideration"]) == ["upheld", "corrected", "other", "pending", "total"]
    assert data["balanced"] is True


def test_appeals_section_totals():
    table = _empty(appeals={"reconsideration": {"upheld": 2, "pending": 1}})
    assert table.appeals["reconsideration"] == {
        "upheld": 2, "corrected": 0, "other": 0, "pending": 1, "total": 3,
    }
    assert table.appeals["litigation_after"]["total"] == 0


# --- counting in SQLite ---------------------------------------------------------------------

_SEQ = iter(range(1, 100_000))


def _insert(db, applicant_type, received, outcome=None, outcome_on=None):
    seq = next(_SEQ)
    year = int(received[:4])
    row = dict(
        number=f"{year}-{seq:04d}", year=year, seq=seq, applicant="张三",
        applicant_type=applicant_type, channel="online", received_on=received, content="内容",
        stage="closed" if outcome else "review", clock_start_on=received, outcome=outcome,
        outcome_on=outcome_on, replied_on=outcome_on, last_event_on=outcome_on or received,
        created_at="2024-01-01T00:00:00+08:00", updated_at="2024-01-01T00:00:00+08:00",
    )
    db.execute(
        f"INSERT INTO requests ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )


def test_counts_follow_the_definitions(isolated):
    db = init_db(isolated / "count.db")[0]
    _insert(db, "natural", "2023-12-20")  # carried over, still open at the end: carried forward
    _insert(db, "natural", "2023-12-25", "disclosed", "2024-01-02")  # carried over, replied
    _insert(db, "commercial", "2023-11-01", "partial", "2023-12-31")  # finished before: nowhere
    _insert(db, "research", "2024-01-01", "other", "2024-12-31")  # new, withdrawn on 31 Dec
    _insert(db, "research", "2024-12-31")  # new, carried forward
    _insert(db, "legal_service", "2024-12-30", "other_no_supplement", "2025-01-03")  # forward
    _insert(db, "other_org", "2025-01-01")  # next year: nowhere
    counts = annual_counts(db, 2024)
    assert counts["new"] == {"research": 2, "legal_service": 1}
    assert counts["carried_over"] == {"natural": 2}
    assert counts["carried_forward"] == {"natural": 1, "research": 1, "legal_service": 1}
    assert counts["results"] == {"disclosed": {"natural": 1}, "other": {"research": 1}}
    table = annual.build_table(2024, **counts)
    assert table.balanced


# --- the command --------------------------------------------------------------------------


def test_report_annual_needs_an_existing_database(cli, isolated):
    result = cli("report", "annual", "--year", "2024", "--db", isolated / "typo.db")
    assert result.exit_code == 3 and "不存在" in result.stderr and "db init" in result.stderr
    assert not (isolated / "typo.db").exists()


def test_report_annual_empty_database_prints_table_and_check(cli, isolated):
    open_db(isolated / "gk.db")
    result = cli("report", "annual", "--year", "2024")
    assert result.exit_code == 0, result.stderr
    assert "一、本年新收政府信息公开" in result.stdout
    assert "各列均成立" in result.stdout


def test_report_annual_rejects_unknown_format_and_xlsx_without_file(cli, isolated):
    open_db(isolated / "gk.db")
    result = cli("report", "annual", "--year", "2024", "--format", "pdf")
    assert result.exit_code == 2 and "--format" in result.stderr and "Traceback" not in result.stderr
    result = cli("report", "annual", "--year", "2024", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr


def test_report_annual_missing_year_is_a_usage_error_in_chinese(cli):
    result = cli("report", "annual")
    assert result.exit_code == 2
    assert "缺少选项" in result.stderr


# --- a year built through the CLI ---------------------------------------------------------

from tests.year_of_requests import (  # noqa: E402
    EXPECTED_APPEALS, YEAR, annual_json, expected_values,
)


def test_every_cell_matches_the_hand_count(cli, year):
    data = annual_json(cli)
    assert data["year"] == YEAR
    assert [row["key"] for row in data["rows"]] == [
        "new", "carried_over", *[o.value for o in Outcome], "total", "carried_forward",
    ]
    for row in data["rows"]:
        assert row["values"] == expected_values(row["key"]), row["key"]
        assert list(row["values"]) == list(annual.COLUMNS)
    assert data["appeals"] == EXPECTED_APPEALS
    assert data["balanced"] is True


def test_the_year_before_counts_its_own_carry_forward(cli, year):
    data = annual_json(cli, year=2024)
    rows = {row["key"]: row["values"] for row in data["rows"]}
    assert rows["new"]["total"] == 4  # A, B, C, D
    assert rows["partial"]["natural"] == 1  # D
    assert rows["carried_forward"] == {**{t: 0 for t in annual.COLUMNS},
                                       "natural": 1, "commercial": 1, "research": 1, "total": 3}
    assert data["balanced"]


def test_csv_markdown_and_table_carry_the_same_rows(cli, year, isolated):
    data = annual_json(cli)
    by_label = {row["label"]: row["values"] for row in data["rows"]}
    out = isolated / "t.csv"
    assert cli("report", "annual", "--year", YEAR, "-o", out).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    section, appeals = raw.decode("utf-8-sig").split("\r\n\r\n")
    lines = list(csv.reader(io.StringIO(section)))
    assert lines[0] == ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    for line in lines[1:]:
        if line[0] in by_label:
            assert [int(v) for v in line[1:]] == list(by_label[line[0]].values())
        else:
            assert line[1:] == [""] * 7  # group headers
    assert len(lines) - 1 == len(annual.grid(annual.build_table(YEAR, new={}, carried_over={}, results={}, carried_forward={})))
    appeal_lines = list(csv.reader(io.StringIO(appeals)))
    assert appeal_lines[1] == ["行政复议", "1", "1", "0", "0", "2"]

    md = cli("report", "annual", "--year", YEAR, "--format", "markdown").stdout
    md_rows = {}
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if line.startswith("| ") and cells[0] in by_label:
            md_rows[cells[0]] = [int(c) for c in cells[1:]]
    assert md_rows == {label: list(values.values()) for label, values in by_label.items()}
    assert "各列均成立" in md

    table = cli("report", "annual", "--year", YEAR).stdout
    assert "各列均成立" in table and "行政复议" in table


def test_csv_to_stdout_carries_the_bom_like_every_csv(cli, year, isolated):
    """Issue 10 item 7: `--format csv` without -o writes the same bytes as the file, BOM first."""
    out = isolated / "t.csv"
    assert cli("report", "annual", "--year", YEAR, "-o", out).exit_code == 0
    result = cli("report", "annual", "--year", YEAR, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert result.stdout_bytes == out.read_bytes()


def test_xlsx_is_laid_out_as_the_official_table(cli, year, isolated):
    from openpyxl import load_workbook

    data = annual_json(cli)
    out = isolated / "t.xlsx"
    result = cli("report", "annual", "--year", YEAR, "-o", out)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).worksheets[0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["D2"].value == "申请人情况" and "D2:J2" in merged
    assert sheet["E3"].value == "法人或其他组织" and "E3:I3" in merged
    assert sheet["D3"].value == "自然人" and "D3:D4" in merged
    assert sheet["J3"].value == "总计" and "J3:J4" in merged
    assert "（本列数据的勾稽关系" in sheet["A2"].value
    # value rows in order from row 5: label in A, B or C; numbers in D…J
    labels, values = [], []
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if row[3] is None:
            break
        labels.append(next(cell for cell in row[2::-1] if cell) if row[2] else (row[1] or row[0]))
        values.append(list(row[3:10]))
    assert values == [list(r["values"].values()) for r in data["rows"]]
    assert labels == [r["label"] for r in data["rows"]]
    # the group labels span their items
    withheld = next(r for r in sheet.merged_cells.ranges if sheet.cell(r.min_row, r.min_col).value == "（三）不予公开")
    assert withheld.max_row - withheld.min_row + 1 == 8
    results = next(r for r in sheet.merged_cells.ranges if sheet.cell(r.min_row, r.min_col).value == "三、本年度办理结果")
    assert results.max_row - results.min_row + 1 == len(Outcome) + 1  # the items and （七）总计
    appeals = load_workbook(out).worksheets[1]
    assert appeals["A2"].value == "行政复议" and appeals["F2"].value == "行政诉讼"
    assert [appeals.cell(5, c).value for c in range(1, 16)] == [
        1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1,
    ]


def test_unbalanced_data_fails_naming_the_column(cli, isolated, year):
    # a row no command can make (an outcome before receipt) breaks the check in one column
    db = open_db(isolated / "gk.db")
    with write(db):
        db.execute("UPDATE requests SET outcome_on = '2024-12-31' WHERE number = ?", [year["K"]])
        db.execute("UPDATE requests SET outcome = 'disclosed' WHERE number = ?", [year["K"]])
    result = cli("report", "annual", "--year", YEAR, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["balanced"] is False
    assert "“自然人”列" in result.stderr and "“总计”列" in result.stderr
    assert "商业企业" not in result.stderr


def test_the_narrative_lists_every_channel_once_in_the_reports_words():
    from hunnan_gk.vocab import Channel

    assert annual.NARRATIVE_CHANNELS == {
        "online": "网上申请", "post": "邮寄", "letter": "平常信函", "in_person": "当面申请",
        "email": "电子邮件", "fax": "传真",
    }
    assert list(annual.NARRATIVE_CHANNELS)[:4] == ["online", "post", "letter", "in_person"]
    assert set(annual.NARRATIVE_CHANNELS) == {c.value for c in Channel}
