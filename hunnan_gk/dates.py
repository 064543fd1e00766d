"""Dates as clerks type them. Pure: `today` is always passed in."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hunnan_gk.errors import InputError

_TODAY_WORDS = {"今天", "today", "今日"}
_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)
ACCEPTED_FORMS = "2024-09-27、2024/9/27、2024.9.27、20240927、2024年9月27日 或 今天"


def parse_date(text: str, *, today: date, option: str = "日期") -> date:
    """The date in `text`, in any of the forms clerks type; InputError (exit 2) otherwise."""
    value = (text or "").strip()
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # the common case, as the database and exports write it
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2024-02-30 and the like: the patterns below say why
    if value.lower() in _TODAY_WORDS:
        return today
    for pattern in _PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise InputError(f"{option}：“{value}”不是一个存在的日期") from None
    raise InputError(f"{option}：无法识别日期“{value}”，可写作 {ACCEPTED_FORMS}")


def parse_iso(text: str) -> date:
    """A `YYYY-MM-DD` date as the database stores it."""
    return date.fromisoformat(text)


def stored_date(value: Any) -> date | None:
    """A date field of a stored row (`YYYY-MM-DD` text, or already a date); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)
