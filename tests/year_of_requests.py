"""A year of requests (2025) built through the CLI, with the annual table counted by hand.

Built once per test run; the `year` fixture (conftest.py) gives each test its own copy.
Shared by test_annual.py and test_ledger.py."""

from __future__ import annotations

from hunnan_gk.vocab import HANDLING_STAGES
from tests import helpers
from tests.helpers import ok, ok_json

YEAR = 2025


def register(cli, applicant_type, received, name="申请人", content=None) -> str:
    return helpers.register(cli, received, name, type=applicant_type,
                            content=content or f"{name}{received}申请的信息")["number"]


def run(cli, *args):
    return ok(cli(*args))


def reply(cli, number, on, outcome):
    for stage in HANDLING_STAGES[1:6]:  # review … approve
        run(cli, "advance", number, "--expect", stage.value, "--on", on)
    run(cli, "advance", number, "--outcome", outcome, "--on", on)


def lapse(cli, number, asked, until, lapsed):
    run(cli, "supplement", "ask", number, "--on", asked, "--until", until)
    run(cli, "supplement", "lapsed", number, "--on", lapsed)


def build_year(cli) -> dict[str, str]:
    """Requests carried over from 2024, replied, lapsed, withdrawn and open at the end of
    2025, of every applicant type; plus appeals. Returns the numbers by letter."""
    n = {}
    # carried over from 2024
    n["A"] = register(cli, "natural", "2024-12-20", "甲")
    reply(cli, n["A"], "2025-01-10", "disclosed")
    n["B"] = register(cli, "commercial", "2024-12-25", "乙公司")  # still open
    n["C"] = register(cli, "research", "2024-12-10", "丙研究所")
    lapse(cli, n["C"], "2024-12-12", "2024-12-27", "2025-01-02")
    n["D"] = register(cli, "natural", "2024-06-01", "丁")  # finished in 2024
    reply(cli, n["D"], "2024-06-20", "partial")
    # received in 2025
    n["E"] = register(cli, "natural", "2025-03-03", "戊")
    reply(cli, n["E"], "2025-03-20", "partial")
    n["F"] = register(cli, "public_interest", "2025-04-01", "己基金会")
    reply(cli, n["F"], "2025-04-15", "withheld_state_secret")
    n["G"] = register(cli, "legal_service", "2025-05-06", "庚律师事务所")
    run(cli, "withdraw", n["G"], "--reason", "申请人撤回", "--on", "2025-05-08")
    n["H"] = register(cli, "other_org", "2025-06-02", "辛协会")
    reply(cli, n["H"], "2025-06-10", "unavailable_not_held")
    n["I"] = register(cli, "commercial", "2025-12-29", "壬公司")  # open at the year's end
    reply(cli, n["I"], "2026-01-05", "unprocessed_repeat")
    n["J"] = register(cli, "research", "2025-07-01", "癸大学")
    reply(cli, n["J"], "2025-07-03", "unprocessed_petition")
    n["K"] = register(cli, "natural", "2025-12-31", "子")  # still open
    n["L"] = register(cli, "other_org", "2025-02-03", "丑商会")
    run(cli, "supplement", "ask", n["L"], "--on", "2025-02-05", "--until", "2025-02-20")
    run(cli, "supplement", "received", n["L"], "--on", "2025-02-18")
    reply(cli, n["L"], "2025-03-05", "unavailable_unclear")
    n["M"] = register(cli, "public_interest", "2025-09-01", "寅公益")
    lapse(cli, n["M"], "2025-09-03", "2025-09-10", "2025-09-15")
    n["N"] = register(cli, "natural", "2026-01-05", "卯")  # next year
    # section 四
    run(cli, "appeal", "add", n["A"], "--kind", "reconsideration", "--on", "2025-02-01")
    run(cli, "appeal", "decide", n["A"], "--kind", "reconsideration", "--result", "upheld", "--on", "2025-03-01")
    run(cli, "appeal", "add", n["D"], "--kind", "reconsideration", "--on", "2024-07-01")
    run(cli, "appeal", "decide", n["D"], "--kind", "行政复议", "--result", "结果纠正", "--on", "2025-01-15")
    run(cli, "appeal", "add", n["E"], "--kind", "litigation_direct", "--on", "2025-04-01")
    run(cli, "appeal", "add", n["H"], "--kind", "litigation_after", "--on", "2025-07-01")
    run(cli, "appeal", "decide", n["H"], "--kind", "litigation_after", "--result", "other", "--on", "2026-01-10")
    return n


TYPES = ("natural", "commercial", "research", "public_interest", "legal_service", "other_org")


def _cells(**counts: int) -> dict[str, int]:
    values = {t: counts.get(t, 0) for t in TYPES}
    values["total"] = sum(values.values())
    return values


#: The 2025 table counted by hand from the story above; rows not listed are all zero.
EXPECTED = {
    "new": _cells(natural=2, commercial=1, research=1, public_interest=2, legal_service=1, other_org=2),
    "carried_over": _cells(natural=1, commercial=1, research=1),
    "disclosed": _cells(natural=1),
    "partial": _cells(natural=1),
    "withheld_state_secret": _cells(public_interest=1),
    "unavailable_not_held": _cells(other_org=1),
    "unavailable_unclear": _cells(other_org=1),
    "unprocessed_petition": _cells(research=1),
    "other_no_supplement": _cells(research=1, public_interest=1),
    "other": _cells(legal_service=1),
    "total": _cells(natural=2, research=2, public_interest=2, legal_service=1, other_org=2),
    "carried_forward": _cells(natural=1, commercial=2),
}
EXPECTED_APPEALS = {
    "reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2},
    "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    "litigation_after": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
}


def expected_values(key: str) -> dict[str, int]:
    return EXPECTED.get(key, _cells())


def annual_json(cli, *extra, year=YEAR) -> dict:
    return ok_json(cli("report", "annual", "--year", str(year), "--format", "json", *extra))
