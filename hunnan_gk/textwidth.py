"""Chinese text at a fixed width: how many terminal columns a string takes, and line wrapping
that may break between any two Chinese characters (not only at spaces, as Western wrapping
does), never before a closing mark (，。）…), never inside a Latin word, number, code or path,
and never inside a citation such as 国办函〔2020〕109号. Pure: strings in, strings out."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# What may not begin a line (it belongs to the character before it) …
_NO_LINE_START = set("，。、；：！？）》」』】〕”’…—·%‰")
# … and what may not end one.
_NO_LINE_END = set("（《「『【〔“‘")
_TOKEN = re.compile(
    r"[\u4e00-\u9fff]{1,4}〔\d{4}〕\d+号"  # 国办函〔2020〕109号: one unit
    r"|第[\d一二三四五六七八九十百]+条"  # 第33条
    r"|[!-~]+"  # a Latin word, number, code, option or path
    r"| +"
    r"|."
)


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def cell_width(text: str) -> int:
    """Terminal columns `text` takes: two for a Chinese character, one for a Latin one."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` columns (a unit wider than that stands alone, folded
    only if it must be). Existing line breaks are kept; spaces at a break are dropped."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_line(paragraph, max(width, 2)))
    return lines


def _wrap_line(text: str, width: int) -> list[str]:
    tokens = _TOKEN.findall(text)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for token in tokens:
        size = cell_width(token)
        if token.isspace():
            if line:
                line.append(token)
                used += size
            continue
        if used + size > width and line:
            carried = _carry(line, token)
            lines.append("".join(line).rstrip())
            line, used = carried, sum(cell_width(t) for t in carried)
            if line and used + size > width:  # what was carried does not fit with it
                lines.append("".join(line).rstrip())
                line, used = [], 0
        while size > width:  # one unit wider than the line: folded, as a last resort
            head, token = _split_at(token, width - used)
            line.append(head)
            lines.append("".join(line).rstrip())
            line, used = [], 0
            size = cell_width(token)
        line.append(token)
        used += size
    if line or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _carry(line: list[str], token: str) -> list[str]:
    """What moves down with `token` at a break: the line's last unit when `token` may not
    begin a line (，。）…), and any opening mark the line would end with (（“〔…)."""
    carried: list[str] = []
    head = token
    while head[:1] in _NO_LINE_START and len(line) > 1 and not line[-1].isspace():
        carried.insert(0, line.pop())
        head = carried[0]
    while len(line) > 1 and line[-1][-1:] in _NO_LINE_END:
        carried.insert(0, line.pop())
    return carried


def _split_at(token: str, room: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(token):
        used += _char_width(char)
        if used > room:
            return token[: max(index, 1)], token[max(index, 1):]
    return token, ""


def pad(text: str, width: int) -> str:
    """`text` with spaces after it to fill `width` columns."""
    return text + " " * max(width - cell_width(text), 0)
