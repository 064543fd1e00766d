"""The annual report's table: pure construction and check, counting in SQLite, the command."""

from __future__ import annotations

import csv
import io
import json

import pytest

from hunnan_gk import annual, storage
from hunnan_gk.vocab import ApplicantType, Outcome


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
    assert list(data) == ["year", "columns", "rows", "appeals", "balanced"]
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
    db = storage.open_db(isolated / "count.db")
    _insert(db, "natural", "2023-12-20")  # carried over, still open at the end: carried forward
    _insert(db, "natural", "2023-12-25", "disclosed", "2024-01-02")  # carried over, replied
    _insert(db, "commercial", "2023-11-01", "partial", "2023-12-31")  # finished before: nowhere
    _insert(db, "research", "2024-01-01", "other", "2024-12-31")  # new, withdrawn on 31 Dec
    _insert(db, "research", "2024-12-31")  # new, carried forward
    _insert(db, "legal_service", "2024-12-30", "other_no_supplement", "2025-01-03")  # forward
    _insert(db, "other_org", "2025-01-01")  # next year: nowhere
    counts = storage.annual_counts(db, 2024)
    assert counts["new"] == {"natural": 0, "research": 2, "legal_service": 1}
    assert counts["carried_over"] == {"natural": 2, "research": 0, "legal_service": 0}
    assert counts["carried_forward"] == {"natural": 1, "research": 1, "legal_service": 1}
    assert counts["results"] == {"disclosed": {"natural": 1}, "other": {"research": 1}}
    table = annual.build_table(2024, **counts)
    assert table.balanced


# --- the command --------------------------------------------------------------------------


def test_report_annual_empty_database_prints_table_and_check(cli):
    result = cli("report", "annual", "--year", "2024")
    assert result.exit_code == 0, result.stderr
    assert "一、本年新收政府信息公开" in result.stdout
    assert "各列均成立" in result.stdout


def test_report_annual_rejects_unknown_format_and_xlsx_without_file(cli):
    result = cli("report", "annual", "--year", "2024", "--format", "pdf")
    assert result.exit_code == 2 and "--format" in result.stderr and "Traceback" not in result.stderr
    result = cli("report", "annual", "--year", "2024", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr


def test_report_annual_missing_year_is_a_usage_error_in_chinese(cli):
    result = cli("report", "annual")
    assert result.exit_code == 2
    assert "缺少选项" in result.stderr
