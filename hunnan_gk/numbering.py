"""Request numbers: the one place that formats and reads them. Pure.

A number is per receipt year: the configured prefix (config `numbering.prefix`, which may use
{year}, and with {seq} is the whole pattern) and the year's sequence, e.g. 2024-0001 or
浑南依申〔2024〕0001号. Wherever a clerk types a number, the short form (year and sequence,
`2024-1`) names the same request whatever the prefix.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from hunnan_gk.errors import ConfigError

DEFAULT_PREFIX = "{year}-"

# The year, anything not a digit, then the sequence (leading zeros optional): 2024-1,
# 2024-0001, 2024/12.
_SHORT = re.compile(r"(\d{4})\D+0*(\d{1,6})\D*")


class YearSeq(NamedTuple):
    year: int
    seq: int


class Lookup(NamedTuple):
    """What a typed number may name: the number exactly as stored, else a year and sequence."""

    exact: str
    year_seq: YearSeq | None


def format_number(prefix: str, year: int, seq: int) -> str:
    """The request number for `year`'s `seq`-th request under `prefix`; ConfigError when the
    prefix cannot be used."""
    try:
        if "{seq" in prefix:
            return prefix.format(year=year, seq=seq)
        return prefix.format(year=year) + f"{seq:04d}"
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ConfigError(
            f"numbering.prefix “{prefix}” 无法使用：只能含 {{year}} 和 {{seq}}，例如 浑南依申〔{{year}}〕{{seq:04d}}号"
        ) from None


def check_prefix(prefix: str) -> str:
    """`prefix` if it formats a number; ConfigError otherwise (checked when the config is read)."""
    format_number(prefix, 2000, 1)
    return prefix


def parse_short(text: str) -> YearSeq | None:
    """The year and sequence of a typed short form (2024-1, 2024-0001, 2024/12), if it is one."""
    match = _SHORT.fullmatch(text.strip())
    return YearSeq(int(match.group(1)), int(match.group(2))) if match else None


def lookup(text: str) -> Lookup:
    """How to find the request a clerk typed: by the stored number, else by year and sequence."""
    wanted = text.strip()
    return Lookup(wanted, parse_short(wanted))
