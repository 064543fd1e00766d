"""Masking of applicants' personal data wherever it leaves `show` (lists, reports, e-mail, exports)."""

from __future__ import annotations

import re


def mask_id_number(value: str | None) -> str | None:
    """2101**********123X: the region and the last four characters stay."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """138****5678: the operator prefix and the last four digits stay."""
    if not value:
        return value
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# ID numbers (GB 11643, 18 characters; old 15-digit ones) and mobile/landline numbers as they
# may be typed into free text (content, notes), where no column says what they are.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def mask_in_text(text: str) -> str:
    """Free text with any ID or phone number in it masked the same way (for e-mail)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m[0]), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m[0])[-11:]), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m[0]), text)
