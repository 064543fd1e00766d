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
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # rich is imported where it is used
    from rich.console import Console
    from rich.table import Table

PROVISIONAL_MARK = "暂定"
SUPERVISED_MARK = "督"  # beside a request with an open 督办单 (issue 13)


def console(*, stderr: bool = False) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


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

