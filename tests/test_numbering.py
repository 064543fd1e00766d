"""Request numbers: formatted and read in one place."""

from __future__ import annotations

import pytest

from hunnan_gk import numbering
from hunnan_gk.errors import ConfigError


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (numbering.DEFAULT_PREFIX, "2024-0007"),
        ("浑南依申〔{year}〕{seq:04d}号", "浑南依申〔2024〕0007号"),
        ("HN{year}/{seq}", "HN2024/7"),
        ("{seq:06d}/{year}", "000007/2024"),
    ],
)
def test_format_number(prefix, expected):
    assert numbering.check_prefix(prefix) == prefix
    assert numbering.format_number(prefix, 2024, 7) == expected


@pytest.mark.parametrize(
    ("prefix", "why"),
    [
        ("{yaer}-{seq}", "花括号"),
        ("{0}-{seq}", "花括号"),
        ("{year", "花括号"),
        ("{year.nothing}-{seq}", "花括号"),
        ("{year}-{seq.real}", "花括号"),
        ("{year}-{seq[0]}", "花括号"),
        ("{year}-{seq:4d}", "花括号"),
        ("{year}-{{seq}}", "花括号"),
        ("HN{year}/", "{seq}"),
        ("HN-{seq:04d}", "{year}"),
        ("{year}-{seq}-{seq}", "只含一个"),
        ("{year}-{seq:07d}", "超过 6"),
        ("{year}\n{seq}", "控制字符"),
        ("{year}-\x1b[31m{seq}", "控制字符"),
    ],
)
def test_a_prefix_outside_the_rules_is_a_config_error_naming_the_key(prefix, why):
    with pytest.raises(ConfigError, match="numbering.prefix") as caught:
        numbering.check_prefix(prefix)
    assert why in caught.value.message


@pytest.mark.parametrize(
    ("typed", "year_seq", "confirm"),
    [
        ("2024-1", (2024, 1), False),
        (" 2024-0001 ", (2024, 1), False),
        ("2024/12", (2024, 12), False),
        ("２０２４－１２", (2024, 12), False),  # full-width
        ("2025-0009x", (2025, 9), True),  # not the short form: found only if a number reads so
        ("浑南依申〔2024〕12号", (2024, 12), True),
        ("2024", None, True),
        ("张三", None, True),
    ],
)
def test_lookup_reads_the_year_and_sequence(typed, year_seq, confirm):
    found = numbering.lookup(typed)
    assert found.exact == typed.strip()
    assert found.year_seq == year_seq
    if year_seq:
        assert found.confirm is confirm


@pytest.mark.parametrize(
    ("typed", "stored", "same"),
    [
        ("浑南依申〔2026〕1号", "浑南依申〔2026〕0001号", True),
        ("浑南依申[2026]1号", "浑南依申〔2026〕0001号", True),
        ("浑南依申（２０２６）１号", "浑南依申〔2026〕0001号", True),
        ("hn2024-5", "HN2024-05", True),
        ("2025-0009x", "2025-0009", False),
        ("浑南依申〔2026〕1", "浑南依申〔2026〕0001号", False),
        ("沈河依申〔2026〕1号", "浑南依申〔2026〕0001号", False),
    ],
)
def test_a_number_typed_as_on_paper_reads_as_the_stored_one(typed, stored, same):
    assert numbering.same_number(typed, stored) is same
