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
