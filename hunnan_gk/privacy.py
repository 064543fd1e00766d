"""Masking of applicants' personal data wherever it leaves `show` (lists, reports, e-mail, exports)."""

from __future__ import annotations


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
