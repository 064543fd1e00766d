"""Masking of applicants' personal data wherever it leaves `show` (lists, reports, e-mail, exports)."""

from __future__ import annotations

import re
from functools import lru_cache


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


# ID numbers (GB 11643: 18 characters, the last a digit or X; the old 15-digit form) and
# mobile numbers (11 digits starting with 1) as they are typed into any field: ASCII or
# full-width digits, whole or split by spaces or hyphens (138-1234-5678, １３８ １２３４ ５６７８);
# and landline numbers (024-23456789). A run of digits next to a letter (a hash, a code) is
# not a personal number.
_D = "[0-9\uff10-\uff19]"
_S = "[ \\-\u3000\uff0d\u2010-\u2014]?"
# (nor a group inside a longer run: 2024-04-01 2024-04-29 2024-05-01 holds 24 digits)
_EDGE_BEFORE = "(?<![0-9A-Za-z\uff10-\uff19])(?<![0-9\uff10-\uff19][ \\-\u3000\uff0d\u2010-\u2014])"
_EDGE_AFTER = "(?![0-9A-Za-z\uff10-\uff19])"
_X = "[0-9Xx\uff10-\uff19\uff38\uff58]"


def _digits(count: int, separated: bool) -> str:
    return f"{_D}(?:{_S if separated else ''}{_D}){{{count - 1}}}"


@lru_cache(maxsize=1)
def _personal_number() -> re.Pattern:
    """The pattern of every personal number; compiled when first needed (≈6 ms: most texts
    hold too few digits to need it, see mask_in_text)."""
    # Whole numbers first, split ones after: 13812345678 2024-04-01 is a mobile and a date.
    return re.compile(
        # every number starts with a digit or +: fail at once elsewhere (3× faster on lists)
        "(?=[0-9+\uff10-\uff19])"
        + _EDGE_BEFORE
        + "(?:"
        + "|".join(
            f"(?P<{kind}_{n}>{pattern})"
            for n, separated in enumerate((False, True))
            for kind, pattern in (
                ("id", _digits(17, separated) + (_S if separated else "") + _X),
                ("mobile", f"(?:\\+?86{_S})?[1\uff11]" + (_S if separated else "") + _digits(10, separated)),
                ("oldid", _digits(15, separated)),
            )
        )
        + "|(?P<landline>0\\d{2,3}-?\\d{7,8})"
        + ")"
        + _EDGE_AFTER
    )


# The fewest digits any number above has (a landline: 0, two more, then seven), each of them
# matched by \d: a text with fewer holds none. \D and \d never overlap, so this is one pass.
_ENOUGH_DIGITS = re.compile(r"(?:\D*\d){10}")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_NOT_ID_CHARACTER = re.compile("[^0-9Xx]")


def _masked(match: re.Match) -> str:
    found, kind = match[0], match.lastgroup.partition("_")[0]
    if kind == "landline":
        return mask_phone(found)
    plain = _NOT_ID_CHARACTER.sub("", found.translate(_FULL_WIDTH))
    if kind == "mobile":
        return mask_phone(plain[-11:])
    return mask_id_number(plain)


def mask_in_text(text: str) -> str:
    """`text` with every ID, mobile or landline number in it masked (2101**********123X,
    138****5678), whatever the field."""
    if not _ENOUGH_DIGITS.match(text):
        return text
    return _personal_number().sub(_masked, text)


def mask_fields(values: dict, keys) -> dict:
    """`values` with the text under each of `keys` passed through `mask_in_text`."""
    for key in keys:
        value = values.get(key)
        if isinstance(value, str) and value:
            values[key] = mask_in_text(value)
    return values
