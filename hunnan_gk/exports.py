"""Every file the tool writes: one atomic write, one CSV writer, the xlsx helpers.

- `atomic_write`: the file is written beside its target under a fresh name and renamed onto
  it, so a failure never leaves half a file or destroys the previous one, and a symlink
  planted at the temporary name is never followed (mkstemp creates it exclusively).
- CSV for Excel/WPS: UTF-8 with BOM and CRLF line ends, to a file or to stdout alike; a text
  value starting with = + - @, a tab or a CR is written with a leading `'` (OWASP), which
  `ledger import` removes again (`safetext.from_csv_cell`).
- xlsx: openpyxl is imported only when a workbook is made; every text value is a string
  cell (never a formula), dates are dates and numbers numbers (`cells`).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from hunnan_gk.safetext import FORMULA_STARTS as FORMULA_LIKE, to_csv_cell

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font

# Excel and WPS take a CSV file for UTF-8 only when it starts with the BOM.
CSV_ENCODING = "utf-8-sig"


def atomic_write(target: Path, write: Callable[[Path], None], *, private: bool = False) -> None:
    """`replace_atomically`, refused (exit 1) in Chinese when the file cannot be written."""
    from hunnan_gk.errors import Refused, os_reason

    try:
        replace_atomically(target, write, private=private)
    except OSError as exc:
        raise Refused(f"无法写入 {target}：{os_reason(exc)}") from None


def replace_atomically(target: Path, write: Callable[[Path], None], *, private: bool = False) -> None:
    """Let `write(path)` write a temporary file in `target`'s folder, then rename it onto
    `target`; the temporary file is removed whatever happens. `private`: mode 0600, for files
    holding personal data (the ledger, database backups); otherwise the mode a new file gets
    (0666 less the umask). OSError is the caller's to report (a cache simply goes without)."""
    import tempfile  # a few milliseconds: only when a file is written

    target = Path(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, 0o600 if private else 0o666 & ~_umask())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; set it straight back
    os.umask(mask)
    return mask


def write_output(content: str, output: Path | None, *, encoding: str = "utf-8") -> None:
    """Text to the file `output` (atomically), or to stdout when it is None; newlines as given."""
    if output is not None:
        atomic_write(output, lambda path: path.write_text(content, encoding=encoding, newline=""))
        return
    sys.stdout.flush()  # bytes go below the text layer: let what it holds out first
    sys.stdout.buffer.write(content.encode(encoding))
    sys.stdout.flush()


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header row and the rows, CRLF line ends; None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([to_csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    """None is an empty cell; text a spreadsheet would calculate gets its `'` (OWASP)."""
    if value is None:
        return ""
    return to_csv_cell(value) if isinstance(value, str) else value


def write_csv_text(text: str, output: Path | None) -> None:
    """CSV text for Excel/WPS (UTF-8 with BOM) to the file `output`, or to stdout when None."""
    write_output(text, output, encoding=CSV_ENCODING)


def write_csv_file(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A CSV file for Excel/WPS written in place: for a path inside `atomic_write`, or a side
    file (the ledger's problem list) whose OSError the caller reports itself."""
    Path(path).write_text(csv_text(headers, rows), encoding=CSV_ENCODING, newline="")


# --- xlsx ----------------------------------------------------------------------------------


def new_workbook(*, write_only: bool = False) -> "Workbook":
    """An empty workbook; `write_only` streams rows (the ledger may have a million)."""
    from openpyxl import Workbook

    return Workbook(write_only=write_only)


def bold() -> "Font":
    from openpyxl.styles import Font

    return Font(bold=True)


DATE_FORMAT = "yyyy-mm-dd"


def cell(sheet, value: Any):
    """One cell for `sheet` (of any kind): text always a string cell, even when it starts
    with `=` (openpyxl would write a formula), marked as typed text for Excel/WPS; a date
    a date cell shown as 2024-04-01; a number a number."""
    from datetime import date, datetime

    from openpyxl.cell import WriteOnlyCell

    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        result.data_type = "s"
        if value.startswith(FORMULA_LIKE):
            result.quotePrefix = True
    elif isinstance(value, (date, datetime)):
        result.number_format = DATE_FORMAT
    return result


def cells(sheet, values: Iterable[Any]) -> list:
    """A row of `cell`s, for `sheet.append`."""
    return [cell(sheet, value) for value in values]


def put(sheet, row: int, column: int, value: Any):
    """Set one cell of an ordinary sheet the way `cell` makes it; returns the cell."""
    made = sheet.cell(row=row, column=column)
    made.value = value
    if isinstance(value, str):
        made.data_type = "s"
        if value.startswith(FORMULA_LIKE):
            made.quotePrefix = True
    return made


def header_row(sheet, headers: Sequence[str]) -> None:
    """Append the bold header row and keep it in view while scrolling (any kind of sheet)."""
    sheet.freeze_panes = "A2"
    font = bold()
    row = cells(sheet, headers)
    for made in row:
        made.font = font
    sheet.append(row)


def column_widths(sheet, widths: Sequence[float]) -> None:
    """Widths of the first columns, in characters, from column A on."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
