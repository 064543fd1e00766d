"""Every file the tool writes: one atomic write, one CSV writer, the xlsx helpers.

- `atomic_write`: the file is written beside its target under a fresh name and renamed onto
  it, so a failure never leaves half a file or destroys the previous one, and a symlink
  planted at the temporary name is never followed (mkstemp creates it exclusively). A target
  that is a symlink, or a database's -wal/-shm/-journal file, is refused; files holding
  personal data are 0600 (0660 in a shared setgid folder); folders are made 0700 (2770).
- CSV for Excel/WPS: UTF-8 with BOM and CRLF line ends, to a file or to stdout alike; a text
  value starting with = + - @, a tab or a CR is written with a leading `'` (OWASP), which
  `ledger import` removes again (`safetext.from_csv_cell`).
- xlsx: openpyxl is imported only when a workbook is made; every text value is a string
  cell (never a formula), dates are dates and numbers numbers (`cells`).
"""

from __future__ import annotations

import io
import os
import re
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
    """`replace_atomically`, refused (exit 1) in Chinese when the file cannot be written or
    its name is not safe to write to (`check_target`)."""
    from hunnan_gk.errors import Refused, os_reason

    try:
        replace_atomically(target, write, private=private)
    except UnsafeTarget as exc:
        raise Refused(str(exc)) from None
    except OSError as exc:
        raise Refused(f"无法写入 {target}：{os_reason(exc)}") from None


class UnsafeTarget(OSError):
    """A target the tool never writes to: a symlink, or a database's WAL/SHM/journal file."""


#: What SQLite puts beside a database: writing over one of these would destroy the database.
DATABASE_SIDE_FILES = ("-wal", "-shm", "-journal")
# Temporary files carry the writer's process id, so a later run knows a dead writer's leftovers.
_TEMPORARY = ".{name}.hgk{pid}."
_LEFTOVER = re.compile(r"^\..*\.hgk(\d+)\.[^/]*\.tmp")


def check_target(target: Path) -> None:
    """UnsafeTarget for a symlink (someone may have planted it to make the tool overwrite the
    file it points to) or a database's side file; anything else may be written."""
    if target.name.lower().endswith(DATABASE_SIDE_FILES):
        raise UnsafeTarget(f"{target} 是数据库的日志文件名（-wal、-shm、-journal），写入会损坏数据库，已拒绝")
    if target.is_symlink():
        raise UnsafeTarget(f"{target} 是一个符号链接，不会写入它或它指向的文件，已拒绝（请换一个文件名）")


def replace_atomically(target: Path, write: Callable[[Path], None], *, private: bool = False) -> None:
    """Let `write(path)` write a temporary file in `target`'s folder, then rename it onto
    `target`; the temporary file is removed whatever happens (and what a killed run left
    behind is removed by the next one). `private`: for files holding personal data (the
    ledger, database backups, problem lists), mode 0600, or 0660 in a shared folder
    (`shared_folder`); otherwise the mode a new file gets (0666 less the umask). OSError
    (UnsafeTarget included) is the caller's to report (a cache simply goes without)."""
    import tempfile  # a few milliseconds: only when a file is written

    target = Path(target)
    check_target(target)
    folder = target.parent
    remove_leftovers(folder)
    # mkstemp: O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600 — never someone else's file or link
    handle, name = tempfile.mkstemp(prefix=_TEMPORARY.format(name=target.name, pid=os.getpid()),
                                    suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, private_mode(folder) if private else 0o666 & ~_umask())
        os.replace(temporary, target)
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{side}") for side in DATABASE_SIDE_FILES)):
            leftover.unlink(missing_ok=True)


def remove_leftovers(folder: Path) -> None:
    """Remove the temporary files of writers that were killed before their rename: ours
    (same owner), named by a process that no longer runs."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    uid = os.geteuid()
    for name in names:
        found = _LEFTOVER.match(name)
        if not found or _running(int(found[1])):
            continue
        path = folder / name
        try:
            if path.lstat().st_uid == uid:
                path.unlink()
        except OSError:
            pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it runs
        return True
    return True


def shared_folder(folder: Path) -> bool:
    """Whether `folder` is set up for several accounts: group-writable with the setgid bit
    (docs/deployment.md: `chmod 2770`), so what is created in it belongs to its group."""
    import stat

    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return False
    return bool(mode & stat.S_ISGID and mode & stat.S_IWGRP)


def private_mode(folder: Path) -> int:
    """The mode of a file holding personal data in `folder`: 0660 when the folder is shared
    by a group, else 0600 (only its owner)."""
    return 0o660 if shared_folder(folder) else 0o600


def make_folder(path: Path) -> None:
    """Create `path` and any missing parents, each 0700 (only the owner), or 2770 inside a
    shared folder (the group keeps it, `shared_folder`); an existing folder is left as it is."""
    path = Path(path)
    if path.is_dir():
        return
    if path.parent != path:
        make_folder(path.parent)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        return
    if shared_folder(path.parent):
        os.chmod(path, 0o2770)
    else:
        os.chmod(path, 0o700)  # mkdir's mode is cut by the umask; 0700 is never widened by it


def write_new_file(target: Path, content: bytes) -> None:
    """`content` as the new file `target`, whole or not at all, never over an existing file:
    written beside it under a fresh name, then linked to its name (which fails if the name is
    taken, even by a file made a moment ago). Refused (exit 1) in Chinese when it cannot be.
    For records whose hash is kept (letters): an issued letter is never overwritten."""
    import tempfile

    from hunnan_gk.errors import Refused, os_reason

    target = Path(target)
    if target.exists() or target.is_symlink():
        raise Refused(f"文件 {target} 已存在：已制发的文书不覆盖，请换一个文件名")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise Refused(f"无法写入 {target}：{os_reason(exc)}") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        _link_or_move(temporary, target)
    except FileExistsError:
        raise Refused(f"文件 {target} 已存在：已制发的文书不覆盖，请换一个文件名") from None
    except OSError as exc:
        raise Refused(f"无法写入 {target}：{os_reason(exc)}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _link_or_move(temporary: Path, target: Path) -> None:
    """Give the written file its name without replacing a file of that name: a hard link
    where the file system has them, else a rename after checking once more."""
    import errno

    try:
        os.link(temporary, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(temporary, target)


def discard_new_file(target: Path) -> None:
    """Take back a file `write_new_file` just made, when what it records could not be stored."""
    Path(target).unlink(missing_ok=True)


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
    import csv  # not at import: every command that opens a database loads this module

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
    """A CSV file for Excel/WPS written in place: for a path inside `atomic_write`."""
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
