"""信息处理费 (条例第42条; 国办函〔2020〕109号《政府信息公开信息处理费管理办法》; domain.md §7).

No fee unless the volume or frequency clearly exceeds a reasonable range. When charged, an
office picks ONE basis for an application, never both, and charges only the excess:
- 按件计收: the same applicant's applications in one calendar month: 1-10 free; the 11th-30th
  100 元 each; from the 31st, bands of 10, each band 100 元 per application more.
- 按量计收: pages of one application: up to 30 free; pages 31-100 10 元 a page; 101-200 20 元;
  over 200 40 元.

Pure: counts in, amounts (whole yuan) out.
"""

from __future__ import annotations

from dataclasses import dataclass

FREE_APPLICATIONS = 10  # 109号《办法》第四条（一）至（三）: 按件计收
FIRST_BAND_LAST = 30
FIRST_BAND_FEE = 100
BAND_SIZE = 10
BAND_STEP = 100

#: Page bands: (first page, last page or None, yuan per page). 109号《办法》第五条: 按量计收
PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = (
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)

#: 条例第42条第1款, which every quote states first: the amounts are what MAY be charged then.
NO_FEE_RULE = ("行政机关依申请提供政府信息，不收取费用；申请人申请公开政府信息的数量、频次明显超过合理范围的，"
               "才可以收取信息处理费（条例第42条；国办函〔2020〕109号）。以下金额是在这种情况下可收取的上限。")

ONE_BASIS_ONLY = "同一申请只能选择按件计收或按量计收其中一种方式，不得同时按两种方式计收（国办函〔2020〕109号）。"  # 《办法》第三条


def per_application_fee(position: int) -> int:
    """The fee for the applicant's `position`-th application in the calendar month."""
    if position < 1:
        raise ValueError("position starts at 1")
    if position <= FREE_APPLICATIONS:
        return 0
    if position <= FIRST_BAND_LAST:
        return FIRST_BAND_FEE
    band = (position - FIRST_BAND_LAST - 1) // BAND_SIZE + 1  # 31-40 → 1, 41-50 → 2 …
    return FIRST_BAND_FEE + band * BAND_STEP


def per_page_fee(pages: int) -> int:
    """The fee for one application of `pages` pages: each band's rate on the pages in it."""
    if pages < 0:
        raise ValueError("pages cannot be negative")
    total = 0
    for first, last, rate in PAGE_BANDS:
        top = pages if last is None else min(pages, last)
        if top >= first:
            total += (top - first + 1) * rate
    return total


@dataclass(frozen=True)
class FeeQuote:
    number: str
    applicant: str
    month: str  # YYYY-MM of the receipt
    position: int  # this request is the applicant's n-th in that month
    month_count: int  # the applicant's applications in that month so far
    per_application: int
    pages: int | None
    per_page: int | None

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "applicant": self.applicant,
            "month": self.month,
            "position_in_month": self.position,
            "applications_in_month": self.month_count,
            "per_application_fee": self.per_application,
            "pages": self.pages,
            "per_page_fee": self.per_page,
            "one_basis_only": True,
            "note": ONE_BASIS_ONLY,
            "rule": NO_FEE_RULE,
        }


def quote(
    number: str, applicant: str, month: str, position: int, month_count: int, pages: int | None
) -> FeeQuote:
    return FeeQuote(
        number=number,
        applicant=applicant,
        month=month,
        position=position,
        month_count=month_count,
        per_application=per_application_fee(position),
        pages=pages,
        per_page=None if pages is None else per_page_fee(pages),
    )
