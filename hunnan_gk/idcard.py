"""居民身份证号码 checks under GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check digit)."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def check_digit(first17: str) -> str:
    """The check character for the first 17 digits (GB 11643-1999 §7)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character ID number, in Chinese; None when it is."""
    number = value.strip().upper()
    if not _SHAPE.fullmatch(number):
        return "应为 18 位：17 位数字加 1 位数字或 X"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"出生日期 {number[6:14]} 不存在"
    expected = check_digit(number[:17])
    if number[17] != expected:
        return f"校验码应为 {expected}，而不是 {number[17]}（GB 11643）"
    return None
