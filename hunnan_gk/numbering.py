"""Request numbers: the one place that formats and reads them; and the letters' 文号
patterns (config `letters.numbers`), checked the same way. Pure.

A number is per receipt year: the configured pattern (config `numbering.prefix`, holding
{year} and one {seq} or {seq:0Nd}) filled with the year and the year's sequence, e.g.
2024-0001 or 浑南依申〔2024〕0001号. Wherever a clerk types a number, the short form (year and
sequence, `2024-1`) names the same request whatever the pattern, and so does the number as it
is printed on paper (`浑南依申〔2024〕1号`: no leading zeros, full-width digits, other brackets).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from hunnan_gk.errors import ConfigError

DEFAULT_PREFIX = "{year}-{seq:04d}"
PREFIX_KEY = "numbering.prefix"
MAX_SEQ_WIDTH = 6
EXAMPLE_PREFIX = "浑南依申〔{year}〕{seq:04d}号"

_PLACEHOLDER = re.compile(r"\{(year|seq(?::0([1-9]\d*)d)?)\}")
# After normalising (half-width): the year, one separator, the sequence — nothing after it,
# so `2025-0009x` is not 2025-0009.
_SHORT = re.compile(r"(\d{4})\s*[-/._\s]\s*0*(\d{1,6})")
_YEARS = range(2000, 2101)
_BRACKETS = str.maketrans({c: "[" for c in "〔［【（(「『"} | {c: "]" for c in "〕］】）)」』"})


class YearSeq(NamedTuple):
    year: int
    seq: int


class Lookup(NamedTuple):
    """What a typed number may name: the number exactly as stored, else a year and sequence.
    `confirm`: the request found by year and sequence is the one typed only if its stored
    number reads the same (`same_number`); False for the bare short form."""

    exact: str
    year_seq: YearSeq | None
    confirm: bool = False


def _control(text: str) -> bool:
    return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


def check_prefix(prefix: str, where: str = "配置") -> str:
    """`prefix` if it is a usable pattern; ConfigError naming the key otherwise (checked when
    the config is read): {year}, one {seq} or {seq:0Nd} (N ≤ 6), no other braces, no
    attribute or index access, no newline or control character."""

    def refuse(why: str) -> ConfigError:
        return ConfigError(f"{where}：{PREFIX_KEY} “{prefix}” {why}，例如 {EXAMPLE_PREFIX}")

    if _control(prefix):
        raise refuse("含有换行或控制字符")
    for match in re.finditer(r"\{seq:0(\d+)d\}", prefix):
        if int(match.group(1)) > MAX_SEQ_WIDTH:
            raise refuse(f"的序号位数 {match.group(1)} 超过 {MAX_SEQ_WIDTH}")
    found = [m.group(1).split(":")[0] for m in _PLACEHOLDER.finditer(prefix)]
    rest = _PLACEHOLDER.sub("", prefix)
    if "{" in rest or "}" in rest:
        raise refuse("只能含 {year} 和一个 {seq}（或 {seq:0Nd}），不能有其他花括号、属性或下标")
    if "year" not in found:
        raise refuse("须含 {year}（编号按收到年份编排）")
    if found.count("seq") != 1:
        raise refuse("须含且只含一个 {seq} 或 {seq:0Nd}")
    return prefix


def format_number(prefix: str, year: int, seq: int) -> str:
    """The request number for `year`'s `seq`-th request under the pattern `prefix` (checked
    by `check_prefix` when the config was read)."""
    return prefix.format(year=year, seq=seq)


def format_letter_number(pattern: str, year: int, seq: int | str) -> str:
    """The 文号 `pattern` (config `letters.numbers`) gives for `year`'s `seq`-th letter:
    浑政公开复〔2024〕12号."""
    return pattern.format(year=year, seq=seq)


def check_number_pattern(pattern: str, key: str) -> str:
    """`pattern` if it makes a 文号 of GB/T 9704 form; ConfigError naming `key` otherwise:
    {year} and {seq} required, the number without leading zeros and without 第. Here rather
    than in letters, so that reading the config does not load the letters' rules."""
    example = "浑政依复〔{year}〕{seq}号"
    if "{year}" not in pattern or "{seq}" not in pattern:
        raise ConfigError(f"{key} “{pattern}” 须含 {{year}} 和 {{seq}}，例如 {example}")
    if re.search(r"第\s*\{seq\}", pattern):
        raise ConfigError(f"{key} “{pattern}”：文号的序号前不写“第”（GB/T 9704），例如 {example}")
    try:
        format_letter_number(pattern, 2024, 1)
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ConfigError(f"{key} “{pattern}” 无法使用：只能含 {{year}} 和 {{seq}}，例如 {example}") from None
    return pattern


def _half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def canonical(number: str) -> str:
    """A number as it reads, for comparing what was typed with what is stored: half-width,
    one kind of bracket, no spaces, no leading zeros, case folded."""
    text = re.sub(r"\s+", "", _half_width(number).translate(_BRACKETS)).casefold()
    return re.sub(r"\d+", lambda m: str(int(m.group())), text)


def same_number(typed: str, stored: str) -> bool:
    return canonical(typed) == canonical(stored)


def parse_short(text: str) -> YearSeq | None:
    """The year and sequence of a typed short form (2024-1, 2024-0001, 2024/12), if it is one."""
    match = _SHORT.fullmatch(_half_width(text).strip())
    return YearSeq(int(match.group(1)), int(match.group(2))) if match else None


def _paper_year_seq(text: str) -> YearSeq | None:
    """A year and sequence inside a number typed in full (浑南依申〔2026〕1号): the first
    four-digit run that is a year, and the last other run of at most six digits."""
    runs = re.findall(r"\d+", _half_width(text))
    for index, run in enumerate(runs):
        if len(run) == 4 and int(run) in _YEARS:
            others = [r for i, r in enumerate(runs) if i != index and len(r) <= 6]
            return YearSeq(int(run), int(others[-1])) if others else None
    return None


def lookup(text: str) -> Lookup:
    """How to find the request a clerk typed: by the stored number, else by year and sequence
    (a full number typed differently only where its stored number reads the same)."""
    wanted = text.strip()
    short = parse_short(wanted)
    if short is not None:
        return Lookup(wanted, short)
    return Lookup(wanted, _paper_year_seq(wanted), confirm=True)


def sequence_in(number: str, year: int) -> int | None:
    """The sequence a number of `year` holds (浑南依申〔2024〕0005号, HN2024-05 → 5): its last
    run of at most six digits other than the year; None when it has none."""
    runs = re.findall(r"\d+", _half_width(number))
    if str(year) in runs:
        runs.remove(str(year))
    runs = [run for run in runs if len(run) <= 6]
    return int(runs[-1]) if runs and int(runs[-1]) > 0 else None


def assign_numbers(wanted, *, taken: set[str], taken_seqs: set[tuple[int, int]],
                   last_seqs: dict[int, int], number_for) -> list[tuple[str, int, int]]:
    """The (number, year, seq) of each new request of an import, in order, as storing them one
    at a time gives them. `wanted` holds (receipt year, the ledger's own number or None): the
    own number is kept verbatim when no request has it (`taken`), with the sequence read from
    it where that is free (`taken_seqs`), so that new registrations continue after it; else
    the next of its year from the per-year counters `last_seqs`, formatted by
    `number_for(year, seq)`. The three collections are updated as the numbers are given."""
    given = []
    for year, own in wanted:
        if own and own not in taken:
            number, seq = own, sequence_in(own, year)
            if seq is None or (year, seq) in taken_seqs:
                seq = last_seqs.get(year, 0) + 1
            last_seqs[year] = max(last_seqs.get(year, 0), seq)
        else:  # no number of its own, or one another request already has: the next of its year
            seq = last_seqs.get(year, 0) + 1
            last_seqs[year] = seq
            number = number_for(year, seq)
        taken.add(number)
        taken_seqs.add((year, seq))
        given.append((number, year, seq))
    return given
