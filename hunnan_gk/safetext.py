"""Text from outside (applicants, ledgers, configs) made safe where it is shown or written:
for the terminal, control characters become visible placeholders; for spreadsheets, a value
Excel/WPS would take for a formula is written as text (the OWASP rule for CSV injection).

Pure: strings in, strings out.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=None)
def _pattern(characters: str) -> re.Pattern:
    """The compiled character class. The classes here hold more than two runs of characters
    beyond Latin-1, which `re` takes ≈0.5 ms each to compile: so they are compiled when first
    needed, and only for a text that is not printable (str.isprintable is false for every
    character they look for)."""
    return re.compile(characters)


# --- the terminal ------------------------------------------------------------------------

# C0 controls (ESC starts every escape sequence, OSC 8 hyperlinks included; BEL, backspace
# and CR rewrite what is already on the screen) become the Unicode "control pictures"
# (␛ ␇ ␈ ␍ …), DEL becomes ␡; tab and newline stay, they only move the cursor forward.
# C1 controls (U+0080–U+009F: CSI, OSC … in one character) and the bidirectional overrides
# (which reorder what a line seems to say) become �.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"}
_VISIBLE[0x7F] = 0x2421
_VISIBLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_VISIBLE.update({code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# The same characters as _VISIBLE's keys.
_HAS_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character replaced by a visible placeholder; `one_line`:
    tab and newline too (␉ ␊), for a value quoted in a message."""
    if one_line:
        text = text.replace("\t", "␉").replace("\n", "␊")
    if text.isprintable() or not _pattern(_HAS_CONTROL).search(text):
        return text
    return text.translate(_VISIBLE)


def message_text(message: str) -> str:
    """A message for the terminal that may quote what was typed, stored or read from a file:
    ID and phone numbers masked, control characters visible."""
    from hunnan_gk.privacy import mask_in_text

    return visible(mask_in_text(message))


_ANY_CONTROL = "[\x00-\x1f\x7f-\x9f\u2028\u2029]"


def has_any_control(text: str) -> bool:
    """Whether `text` holds any control character, tab and newline included (a one-line value)."""
    return not text.isprintable() and bool(_pattern(_ANY_CONTROL).search(text))


# C1 controls survive json.dumps(ensure_ascii=False); as \\u escapes they stay the same JSON.
_C1 = "[\u0080-\u009f\u202a-\u202e\u2066-\u2069]"


def json_safe(text: str) -> str:
    """JSON text with C1 and bidi controls written as \\u escapes (the same JSON value)."""
    return _pattern(_C1).sub(lambda m: f"\\u{ord(m[0]):04x}", text)


# --- spreadsheets ------------------------------------------------------------------------

#: What makes Excel/WPS (or LibreOffice) read a cell as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A value that already starts with the guard's quote before a formula character gets one
# more, so that `from_csv_cell` gives every value back exactly.
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def to_csv_cell(value: str) -> str:
    """A text value for a CSV cell: `'` in front of anything a spreadsheet would calculate."""
    if value.startswith(FORMULA_STARTS) or _GUARDED.match(value):
        return "'" + value
    return value


def from_csv_cell(value: str) -> str:
    """The value `to_csv_cell` was given: exactly its one `'` removed again."""
    if _GUARDED.match(value):
        return value[1:]
    return value
