"""信息处理费 (国办函〔2020〕109号): the bands at their boundaries, and the quote command."""

from __future__ import annotations

import pytest

from hunnan_gk import fees


@pytest.mark.parametrize(
    ("position", "fee"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)],
)
def test_per_application_bands(position, fee):
    assert fees.per_application_fee(position) == fee


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, 0),
        (30, 0),
        (31, 10),
        (100, 70 * 10),
        (101, 700 + 20),
        (200, 700 + 100 * 20),
        (201, 700 + 2000 + 40),
        (250, 700 + 2000 + 50 * 40),
    ],
)
def test_per_page_bands_charge_only_the_excess(pages, fee):
    assert fees.per_page_fee(pages) == fee


def test_invalid_counts_are_programming_errors():
    with pytest.raises(ValueError):
        fees.per_application_fee(0)
    with pytest.raises(ValueError):
        fees.per_page_fee(-1)


def test_quote_states_both_bases_and_one_basis_only():
    quote = fees.quote("2024-0001", "张三", "2024-03", 11, 12, 101)
    data = quote.to_dict()
    assert data["per_application_fee"] == 100 and data["per_page_fee"] == 720
    assert data["one_basis_only"] is True and "只能选择" in data["note"]
    assert fees.quote("2024-0001", "张三", "2024-03", 1, 1, None).per_page is None


# --- fee quote through the CLI ---------------------------------------------------------------

import json  # noqa: E402

from tests.year_of_requests import register  # noqa: E402


def quote(cli, number, *extra):
    result = cli("fee", "quote", number, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_quote_counts_the_applicants_applications_in_the_calendar_month(cli):
    register(cli, "natural", "2025-02-28", "张三", "二月的申请")  # another month
    numbers = [register(cli, "natural", f"2025-03-{day:02d}", "张三", f"第{day}件") for day in range(1, 12)]
    register(cli, "natural", "2025-03-05", "李四", "别人的申请")  # another applicant
    tenth, eleventh = quote(cli, numbers[9]), quote(cli, numbers[10], "--pages", "31")
    assert tenth["position_in_month"] == 10 and tenth["per_application_fee"] == 0
    assert eleventh["position_in_month"] == 11 and eleventh["applications_in_month"] == 11
    assert eleventh["per_application_fee"] == 100
    assert eleventh["pages"] == 31 and eleventh["per_page_fee"] == 10
    assert tenth["per_page_fee"] is None


def test_quote_text_states_one_basis_only(cli):
    number = register(cli, "commercial", "2025-03-03", "某公司")
    result = cli("fee", "quote", number, "--pages", "120")
    assert result.exit_code == 0
    assert "本件为第 1 件" in result.stdout and "最多可收 0 元" in result.stdout
    assert "120 页，如收费，最多可收 1100 元" in result.stdout
    # 条例第42条 comes first: no fee unless volume or frequency clearly exceeds a reasonable range
    assert result.stdout.startswith("行政机关依申请提供政府信息，不收取费用")
    assert "只能选择按件计收或按量计收其中一种方式" in result.stdout


def test_quote_refusals(cli):
    result = cli("fee", "quote", "2025-0404", "--db", "typo.db")
    assert result.exit_code == 3 and "不存在" in result.stderr  # no such database
    number = register(cli, "natural", "2025-03-03")
    result = cli("fee", "quote", "2025-0404")
    assert result.exit_code == 1 and "找不到申请" in result.stderr
    result = cli("fee", "quote", number, "--pages", "-1")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_an_absurd_page_count_is_a_usage_error(cli):
    result = cli("fee", "quote", "2024-0001", "--pages", "99999999999999999999")
    assert result.exit_code == 2 and "--pages" in result.stderr
