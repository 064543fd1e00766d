"""Tables, colours, JSON and HTML: with the CLI, the only place that imports rich.

One module per noun (requests, calendar, catalogue, overdue, annual); this module holds what
they share. Nothing here imports rich or a submodule at import time: JSON and CSV output, and
every command's start-up, never pay for Rich. Files are written by `hunnan_gk.exports`.

Colour is never the only signal (the words 红灯/黄灯/绿灯 stand beside it); output is
plain when stdout is not a terminal or NO_COLOR is set (rich honours both).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

if TYPE_CHECKING:  # rich is imported where it is used
    from rich.console import Console
    from rich.table import Table

PROVISIONAL_MARK = "暂定"
SUPERVISED_MARK = "督"  # beside a request with an open 督办单 (issue 13)


def console(*, stderr: bool = False) -> "Console":
    from rich.console import Console

    class QuietConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1 itself; the CLI's boundary ends a closed pipe (exit 0)
            self.quiet = True
            raise BrokenPipeError

    return QuietConsole(stderr=stderr, highlight=False, soft_wrap=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """Plain JSON for scripts: UTF-8 text, stable keys as given, no Rich. JSON escapes C0
    controls itself; C1 and bidi controls are escaped too, so no terminal acts on them."""
    from hunnan_gk.safetext import json_safe

    return json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def table(*columns: str, title: str | None = None, fold: Sequence[str] = ()) -> "Table":
    """A table whose free-text columns (named in `fold`) wrap instead of being cut with …."""
    from rich.table import Table

    result = Table(title=title, show_lines=False, header_style="bold")
    for name in columns:
        if name in fold:
            result.add_column(name, overflow="fold")
        else:
            result.add_column(name, no_wrap=True)
    return result


def text(value: Any) -> str:
    """A user-typed value made safe for the terminal: Rich markup escaped, control
    characters (escape sequences, BEL, backspace …) shown as visible placeholders."""
    from rich.markup import escape

    from hunnan_gk.safetext import visible

    return "" if value is None else escape(visible(str(value)))



def plain(value: Any) -> str:
    """A user-typed value for plain (not Rich) output: control characters made visible."""
    from hunnan_gk.safetext import visible

    return "" if value is None else visible(str(value))


def terminal_width() -> int:
    """The width to draw at: the terminal's, else $COLUMNS, else 80 (a pipe, a cron log)."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def use_colour() -> bool:
    """Colour only at a terminal and without NO_COLOR (the words carry the meaning anyway)."""
    import os

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


# ANSI colours of the lights for plain tables; the word (红灯…) always stands beside them.
LIGHT_ANSI = {"red": "\x1b[1;31m", "yellow": "\x1b[33m", "green": "\x1b[32m", "paused": "\x1b[36m"}
ANSI_RESET = "\x1b[0m"


class Column(NamedTuple):  # not a frozen dataclass: that costs ≈1 ms to build on every start
    """A column of a `fit_table`. `fold`: free text that wraps when the terminal is short of
    room; `cut`: free text shown on one line, cut with … (a preview whose whole text is shown
    elsewhere); otherwise the column keeps its content's width. A header may hold a line
    break (剩余\\n工作日)."""

    header: str
    fold: bool = False
    cut: bool = False
    right: bool = False
    min_width: int = 4
    typical: int | None = None  # what a free-text column needs for typical values; gets it first
    drop: int = 0  # a column the table may leave out when even the narrowest layout is too wide:
    # the highest first; 0 never (the request number never disappears)


def fit_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int,
              *, styles: Sequence[str | None] | None = None) -> list[str]:
    """Rows drawn as lines of at most `width` columns (when the fixed columns fit): every
    column as wide as its content; when that is too wide, the free-text columns share what is
    left: each what its typical values need, then the widest giving way first, and a column
    that folds before one that is only cut, so short names stay on one line (issue 16 item 2).
    Columns marked `drop` are left out when even the narrowest layout would be too wide.
    `styles`: an ANSI colour for each row (none when piped)."""
    from hunnan_gk.textwidth import cell_width

    cells = [[str(value) for value in row] for row in rows]
    shown = list(range(len(columns)))
    natural = {
        i: max([cell_width(line) for line in column.header.split("\n")]
               + [cell_width(line) for row in cells for line in row[i].split("\n")])
        for i, column in enumerate(columns)
    }

    def is_free(i: int) -> bool:
        return columns[i].fold or columns[i].cut

    def narrowest(kept: list[int]) -> int:
        return sum(max(columns[i].min_width, _header_width(columns[i])) if is_free(i) else natural[i]
                   for i in kept) + len(kept) - 1

    while narrowest(shown) > width and any(columns[i].drop for i in shown):
        shown.remove(max(shown, key=lambda i: columns[i].drop))
    widths = {i: natural[i] for i in shown}
    gap = 2
    if sum(widths.values()) + gap * (len(shown) - 1) > width:
        gap = 1
        free = [i for i in shown if is_free(i)]
        room = width - gap * (len(shown) - 1) - sum(natural[i] for i in shown if not is_free(i))
        minimum = [max(columns[i].min_width, _header_width(columns[i])) for i in free]
        wanted = [natural[i] for i in free]
        # typical values first; then what folds (wraps) before what is only cut
        first = _shares([min(w, columns[i].typical or w) for i, w in zip(free, wanted)], minimum, room)
        widths.update(zip(free, first))
        for kind in ("fold", "cut"):
            group = [i for i in free if getattr(columns[i], kind)]
            spare = room - sum(widths[i] for i in free)
            more = _shares([natural[i] - widths[i] for i in group], [0] * len(group), spare)
            widths.update({i: widths[i] + extra for i, extra in zip(group, more)})
    picked = [columns[i] for i in shown]
    sizes = [widths[i] for i in shown]
    lines = _row_lines([column.header.split("\n") for column in picked], picked, sizes, gap)
    lines.append("─" * (sum(sizes) + gap * (len(shown) - 1)))
    for index, row in enumerate(cells):
        parts = [_cell_lines(row[i], columns[i], widths[i]) for i in shown]
        style = styles[index] if styles else None
        lines += [f"{style}{line}{ANSI_RESET}" if style else line for line in _row_lines(parts, picked, sizes, gap)]
    return lines


def _header_width(column: Column) -> int:
    from hunnan_gk.textwidth import cell_width

    return max(cell_width(line) for line in column.header.split("\n"))


def _shares(wanted: list[int], minimum: list[int], room: int) -> list[int]:
    """Widths for columns that want `wanted` and need `minimum`, adding up to `room` where
    possible: the largest cap that fits, so the narrow ones keep all they want."""
    low, high = 0, max(wanted, default=0)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(min(w, cap), m) for w, m in zip(wanted, minimum)) <= room:
            low = cap
        else:
            high = cap - 1
    shares = [max(min(w, low), m) for w, m in zip(wanted, minimum)]
    spare = room - sum(shares)
    for i in sorted(range(len(shares)), key=lambda i: wanted[i] - shares[i], reverse=True):
        extra = min(wanted[i] - shares[i], spare)
        if extra > 0:  # the columns still short of what they want share the last few
            shares[i] += extra
            spare -= extra
    return shares


def _cell_lines(value: str, column: Column, width: int) -> list[str]:
    from hunnan_gk.textwidth import cell_width, wrap

    if column.cut:
        first = value.split("\n")[0]
        if cell_width(first) <= width and "\n" not in value:
            return [first]
        return [_cut(first, width)]
    if column.fold:
        return wrap(value, width)
    return value.split("\n")


def _cut(text: str, width: int) -> str:
    from hunnan_gk.textwidth import cell_width

    kept = ""
    for char in text:
        if cell_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def _row_lines(parts: list[list[str]], columns: Sequence[Column], widths: list[int], gap: int) -> list[str]:
    from hunnan_gk.textwidth import cell_width

    lines = []
    for n in range(max(len(part) for part in parts)):
        pieces = []
        for part, column, width in zip(parts, columns, widths):
            value = part[n] if n < len(part) else ""
            fill = " " * max(width - cell_width(value), 0)
            pieces.append(fill + value if column.right else value + fill)
        lines.append((" " * gap).join(pieces).rstrip())
    return lines
