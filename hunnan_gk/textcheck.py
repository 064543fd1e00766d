"""Text from outside (options typed, ledger cells): what it may not hold. Pure.

Control characters (C0 but tab and newline in multi-line fields, DEL, C1; ESC among them)
would reach a clerk's terminal as commands and a spreadsheet as garbage; a text longer than
an Excel cell could not be exported whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: The most characters an Excel/WPS cell holds: longer text could not be exported whole.
MAX_TEXT_CHARS = 32_767

_NAMES = {0x00: "NUL", 0x09: "制表符", 0x0A: "换行", 0x0D: "回车", 0x1B: "ESC", 0x7F: "DEL"}
_MULTILINE_ALLOWED = {"\t", "\n"}


@lru_cache(maxsize=2)
def _refused(multiline: bool) -> re.Pattern:
    """Any character `text_problem` refuses (C0, DEL, C1, a lone surrogate): one C-speed search
    clears the common, clean text; the loop below only names what it found. Compiled when a
    text is first not printable (≈0.7 ms each, which every command would pay at import)."""
    return re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]" if multiline
                      else "[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def describe_char(char: str) -> str:
    code = ord(char)
    name = _NAMES.get(code)
    return f"U+{code:04X}（{name}）" if name else f"U+{code:04X}"


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be taken, in Chinese; None when it can. `multiline` fields (notes,
    content, reasons) may hold tabs and line breaks (a Windows line break counts as one)."""
    if len(value) > MAX_TEXT_CHARS:
        return f"超过 {MAX_TEXT_CHARS} 个字符（Excel 单元格的上限），共 {len(value)} 个"
    if value.isprintable():  # no control character, no lone surrogate (nor a tab or line break)
        return None
    checked = value.replace("\r\n", "\n") if multiline else value
    if not _refused(multiline).search(checked):
        return None
    for position, char in enumerate(checked, 1):
        if is_control(char) and not (multiline and char in _MULTILINE_ALLOWED):
            return f"含有控制字符 {describe_char(char)}（第 {position} 个字符），请删除后重试"
        if 0xD800 <= ord(char) <= 0xDFFF:  # a byte the terminal sent that is not UTF-8
            return f"含有无法识别的字节（第 {position} 个字符，不是 UTF-8 文本），请重新输入"
    return None
