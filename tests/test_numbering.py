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
        ("HN{year}/", "HN2024/0007"),
        ("{seq}", "7"),
    ],
)
def test_format_number(prefix, expected):
    assert numbering.format_number(prefix, 2024, 7) == expected


@pytest.mark.parametrize("prefix", ["{yaer}-", "{0}-", "{year", "{year.nothing}-"])
def test_a_prefix_that_cannot_format_is_a_config_error(prefix):
    with pytest.raises(ConfigError, match="numbering.prefix"):
        numbering.check_prefix(prefix)


@pytest.mark.parametrize(
    ("typed", "year_seq"),
    [
        ("2024-1", (2024, 1)),
        (" 2024-0001 ", (2024, 1)),
        ("2024/12", (2024, 12)),
        ("浑南依申〔2024〕0012号", None),  # a full number is looked up as it is
        ("2024", None),
        ("张三", None),
    ],
)
def test_lookup_reads_the_year_and_sequence(typed, year_seq):
    found = numbering.lookup(typed)
    assert found.exact == typed.strip()
    assert found.year_seq == year_seq
