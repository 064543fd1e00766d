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


def test_assign_numbers_gives_what_storing_one_at_a_time_gives():
    """A ledger import numbers all its rows at once (numbering.assign_numbers): own numbers kept
    verbatim where free, their sequence where that is free, else the next of the year; the
    numbers given along the way count as taken."""
    from hunnan_gk.numbering import assign_numbers

    taken, seqs, counters = {"2024-0001"}, {(2024, 1)}, {2024: 1}
    given = assign_numbers(
        [(2024, None), (2024, "HN2024-07"), (2024, "2024-0001"), (2024, "HN2024-07"),
         (2024, "OLD2024-0007"), (2023, None), (2024, None)],
        taken=taken, taken_seqs=seqs, last_seqs=counters, number_for=lambda y, s: f"{y}-{s:04d}")
    assert given == [
        ("2024-0002", 2024, 2),   # the next after the counter
        ("HN2024-07", 2024, 7),   # its own number and sequence; the counter jumps to 7
        ("2024-0008", 2024, 8),   # its number is another request's: the next
        ("2024-0009", 2024, 9),   # a number this import already gave
        ("OLD2024-0007", 2024, 10),  # number free, its sequence 7 taken: kept, with the next sequence
        ("2023-0001", 2023, 1),
        ("2024-0011", 2024, 11),
    ]
    assert counters == {2024: 11, 2023: 1}
