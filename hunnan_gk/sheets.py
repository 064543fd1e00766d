"""Reading a table someone else made (xlsx or CSV), with limits, for `catalog import`.

Files from outside are hostile until read: a zip bomb, an XML entity bomb, a sheet that claims
a million columns, a CSV cell of megabytes. Each is refused within the limits below, with a
Chinese message, before it can cost much memory or time:

- the file itself at most MAX_FILE_BYTES; an xlsx unpacked at most MAX_UNPACKED_BYTES (zipfile
  never inflates a member past its declared size, so the declared sizes are a bound);
- no DTD (`<!DOCTYPE`, `<!ENTITY`) in any XML part of an xlsx;
- at most MAX_ROWS rows, MAX_COLUMNS columns and MAX_CELL_CHARS characters in a cell (Excel's
  own limit is 32,767);
- xlsx read with openpyxl's read-only (streaming) mode; merged cells, which that mode does not
  report, are read from the sheet's XML by a streaming parse.

CSV may be UTF-8 (with or without BOM) or GB18030, as WPS and Excel write them on Chinese
Windows. openpyxl is imported only when an xlsx is read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hunnan_gk.errors import InputError, Refused, os_reason
from hunnan_gk.textcheck import MAX_TEXT_CHARS

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = MAX_TEXT_CHARS  # Excel's cell, as for every text typed (textcheck)
_PROLOG_BYTES = 64 * 1024  # an XML part's declaration, comments and DTD come before its root element



@dataclass(frozen=True)
class Limits:
    """How big a file of one kind may be before it is refused (see the module's text)."""

    file_bytes: int
    unpacked_bytes: int
    rows: int
    columns: int
    cell_chars: int
    kind: str  # what such a file is, for "不像一个公开事项目录"


#: `catalog import`: a catalogue has hundreds of items, never 20,000.
CATALOGUE_LIMITS = Limits(MAX_FILE_BYTES, MAX_UNPACKED_BYTES, MAX_ROWS, MAX_COLUMNS, MAX_CELL_CHARS, "公开事项目录")
#: `ledger import`: an office's ledger of many years (issue 12: 200 MB, 1,000,000 rows).
LEDGER_LIMITS = Limits(200 * 1024 * 1024, 200 * 1024 * 1024, 1_000_000 + 10, MAX_COLUMNS, MAX_CELL_CHARS, "台账")

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


@dataclass
class Sheet:
    """The cells of a file's first sheet, row by row, and its merged ranges."""

    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    kind: str = "csv"  # or "xlsx"
    encoding: str | None = None  # for CSV: what the bytes turned out to be


UTF8_BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding found: UTF-8 (with or without BOM), else
    GB18030 (which WPS and older Excel write on Chinese Windows)."""
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM):].decode("utf-8", errors="strict"), "UTF-8（带 BOM）"
    try:
        return data.decode("utf-8", errors="strict"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030", errors="strict"), "GB18030"
    except UnicodeDecodeError:
        raise InputError("无法识别文件编码：既不是 UTF-8，也不是 GB18030（GBK）", hint="请在 Excel/WPS 中另存为 CSV UTF-8 或 .xlsx") from None


def read_sheet(path: Path, limits: Limits = CATALOGUE_LIMITS) -> Sheet:
    """The first sheet of an .xlsx, or a .csv; InputError (exit 2) for a file that is not one,
    Refused (exit 1) for one past the limits."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(f"{path.name} 是旧版 Excel（.xls）文件", hint="请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再导入")
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise InputError(f"无法从文件名 {path.name} 判断表格格式", hint="请导入 .xlsx 或 .csv 文件")
    check_size(path, limits)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, limits)
    return read_csv(path, limits)


def check_size(path: Path, limits: Limits) -> None:
    """InputError for a path that is not a readable file, Refused for one past `limits`."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"文件 {path} 不存在") from None
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
    if not path.is_file():
        raise InputError(f"{path} 不是文件")
    if size > limits.file_bytes:
        raise Refused(f"{path.name} 有 {size // 1024 // 1024} MB，超过导入上限 {limits.file_bytes // 1024 // 1024} MB，未读取")


def read_csv(path: Path, limits: Limits = CATALOGUE_LIMITS) -> Sheet:
    """A CSV file's rows within `limits` (check_size first)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
    text, encoding = decode(data)
    rows: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            # every cell a str: the limits checked at C speed, and by _check_row (which names
            # what is over them) only when one is passed
            if len(rows) >= limits.rows or len(row) > limits.columns or max(map(len, row), default=0) > limits.cell_chars:
                _check_row(path, len(rows) + 1, row, limits)
            rows.append(row)
    except csv.Error as exc:
        raise Refused(f"{path.name} 第 {reader.line_num} 行无法读取：{_csv_reason(exc, limits)}") from None
    return Sheet(rows, [], "csv", encoding)


def _csv_reason(exc: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(exc):  # the csv module's own 128 KiB
        return f"单元格超过 {limits.cell_chars} 个字符"
    return "CSV 格式错误（引号没有配对，或含有 NUL 字符）"


def _check_row(path: Path, number: int, row: list[Any], limits: Limits) -> None:
    if number > limits.rows:
        raise Refused(f"{path.name} 超过 {limits.rows} 行，不像一个{limits.kind}，未导入")
    if len(row) > limits.columns:
        raise Refused(f"{path.name} 第 {number} 行有 {len(row)} 列，超过上限 {limits.columns} 列，未导入")
    for index, value in enumerate(row, start=1):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            raise Refused(f"{path.name} 第 {number} 行第 {index} 列超过 {limits.cell_chars} 个字符，未导入")


def read_xlsx(path: Path, limits: Limits = CATALOGUE_LIMITS, *, merges: bool = True) -> Sheet:
    """An xlsx file's first sheet within `limits` (check_size first); `merges`: read the
    merged ranges too (the catalogue's two-row headers)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"{path.name} 不是有效的 .xlsx 文件") from None
    with archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits.unpacked_bytes:
            raise Refused(
                f"{path.name} 解压后有 {unpacked // 1024 // 1024} MB，超过上限 {limits.unpacked_bytes // 1024 // 1024} MB"
                "（可能是压缩炸弹），未读取"
            )
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")) and _has_dtd(archive, member):
                raise Refused(f"{path.name} 的 {member.filename} 含有 XML 实体声明（DOCTYPE/ENTITY），不安全，未读取")
            if member.filename.startswith("xl/worksheets/") and _row_count(archive, member) > limits.rows:
                # counted in the raw XML (fast), before openpyxl spends minutes on them
                raise Refused(f"{path.name} 的工作表超过 {limits.rows} 行，不像一个{limits.kind}，未导入")
        rows, sheet_path = _xlsx_rows(path, limits)
        ranges = _merges(archive, sheet_path) if merges and sheet_path in archive.namelist() else []
    return Sheet(rows, ranges, "xlsx")


_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _row_count(archive, member) -> int:
    """How many <row> elements a worksheet part holds, by a byte scan of its XML."""
    count, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            count += len(_ROW_START.findall(window))
            tail = window[-32:]
            count -= len(_ROW_START.findall(tail))  # a start in the kept tail is counted again next time
    return count + len(_ROW_START.findall(tail))


def _has_dtd(archive, member) -> bool:
    """Whether an XML part declares a DTD: it must stand before the root element, so reading
    the prolog (up to the first element) is enough."""
    with archive.open(member) as stream:
        head = stream.read(_PROLOG_BYTES)
    prolog = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S)
    root = re.search(rb"<[A-Za-z_]", prolog)
    if root is None and len(head) == _PROLOG_BYTES:
        return True  # no root element in the first 64 KiB: a padded prolog hides something
    before_root = prolog[: root.start()] if root else prolog
    return b"<!DOCTYPE" in before_root.upper() or b"<!ENTITY" in before_root.upper()


def read_xlsx_sheets(path: Path, limits: Limits, names: list[str]) -> dict[str, list[list[Any]]]:
    """The rows of the sheets named `names` that the workbook has (its first sheet read by
    `read_xlsx` first, with every check), within the same limits."""
    book = _open_workbook(path)
    try:
        return {name: _sheet_rows(path, book[name], limits, f"“{name}”")
                for name in names if name in book.sheetnames}
    finally:
        book.close()


def _open_workbook(path: Path):
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError):
        raise InputError(f"{path.name} 不是有效的 .xlsx 文件") from None


def _sheet_rows(path: Path, sheet, limits: Limits, which: str = "") -> list[list[Any]]:
    from zipfile import BadZipFile

    sheet.reset_dimensions()  # a sheet's declared size may lie (A1:XFD1048576): count what is there
    rows: list[list[Any]] = []
    try:
        for row in sheet.iter_rows(values_only=True):
            values = list(row)
            while values and values[-1] in (None, ""):
                values.pop()
            _check_row(path, len(rows) + 1, values, limits)
            rows.append(values)
    except (KeyError, ValueError, TypeError, SyntaxError, BadZipFile):
        raise InputError(f"{path.name} 的工作表{which}无法读取（文件可能已损坏）") from None
    return rows


def _xlsx_rows(path: Path, limits: Limits) -> tuple[list[list[Any]], str]:
    book = _open_workbook(path)
    try:
        if not book.worksheets:
            raise InputError(f"{path.name} 里没有工作表")
        sheet = book.worksheets[0]
        return _sheet_rows(path, sheet, limits), getattr(sheet, "_worksheet_path", "")
    finally:
        book.close()


_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _merges(archive, sheet_path: str) -> list[Merge]:
    """The sheet's merged ranges (<mergeCell ref="A3:A7"/>), by a streaming parse."""
    from xml.etree.ElementTree import ParseError, iterparse

    merges: list[Merge] = []
    try:
        with archive.open(sheet_path) as stream:
            for _, element in iterparse(stream, events=("end",)):
                if element.tag.endswith("}mergeCell") or element.tag == "mergeCell":
                    found = _range(element.get("ref", ""))
                    if found:
                        merges.append(found)
                element.clear()
    except ParseError:
        return merges  # openpyxl read the cells; a damaged tail costs only the merge marks
    return merges


def _range(ref: str) -> Merge | None:
    first, _, last = ref.upper().partition(":")
    start, end = _CELL_REF.fullmatch(first), _CELL_REF.fullmatch(last or first)
    if not start or not end:
        return None
    first_row, last_row = int(start[2]), int(end[2])
    first_col, last_col = _column_number(start[1]), _column_number(end[1])
    if first_row > last_row or first_col > last_col or last_row > MAX_ROWS or last_col > MAX_COLUMNS:
        return None
    return first_row, first_col, last_row, last_col


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
