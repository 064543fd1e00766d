"""Reading and writing ledger files: CSV (UTF-8, UTF-8 with BOM or GB18030), XLSX and JSON.

openpyxl is imported only when an .xlsx file is read or written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from hunnan_gk import ledger
from hunnan_gk.errors import InputError, os_reason
from hunnan_gk.safetext import from_csv_cell
from hunnan_gk.sheets import decode
from hunnan_gk.textcheck import text_problem

def read_cells(path: Path) -> list[list[Any]]:
    """Every row of the file's first sheet as a list of cells, read within the ledger's
    limits (`sheets.LEDGER_LIMITS`: a hostile file is refused before it costs much memory or
    time)."""
    from hunnan_gk import sheets

    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(f"{path.name} 是旧版 Excel（.xls）文件", hint="请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再导入")
    sheets.check_size(path, sheets.LEDGER_LIMITS)
    if suffix in (".xlsx", ".xlsm"):
        return sheets.read_xlsx(path, sheets.LEDGER_LIMITS, merges=False).rows
    if suffix == ".json":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
        return _json_cells(decode(data)[0], path)
    # Our own CSV export guards formulas with a `'` (exports.csv_text): take exactly that off.
    rows = sheets.read_csv(path, sheets.LEDGER_LIMITS).rows
    return [[from_csv_cell(cell) for cell in row] for row in rows]


#: A ledger export is a list of requests, each an object of values (and lists of objects for
#: a request's history): anything nested deeper is not one.
MAX_JSON_DEPTH = 8


def _json_cells(text: str, path: Path) -> list[list[Any]]:
    """A JSON export (a list of objects) as a header row and value rows."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name} 不是有效的 JSON（第 {exc.lineno} 行）") from None
    except RecursionError:
        items = None  # nested thousands deep: refused just below
    if items is None or _json_depth(items) > MAX_JSON_DEPTH:
        raise InputError(f"{path.name} 的 JSON 嵌套超过 {MAX_JSON_DEPTH} 层，不是 ledger export 写出的台账")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InputError(f"{path.name} 应是一个由对象组成的 JSON 数组（如 ledger export --format json 所写）")
    header: list[str] = []
    for item in items:
        header.extend(key for key in item if key not in header)
    return [header] + [[item.get(key) for key in header] for item in items]


def _json_depth(value: Any) -> int:
    """How deep lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


@dataclass
class LedgerSheet:
    headers: dict[str, str]  # ledger key → the header as written in the file
    rows: list[tuple[int, dict[str, Any]]]  # (row number as the spreadsheet shows it, cells)
    header_row: int
    unknown: list[str]  # headers not recognised (ignored)


def parse_sheet(cells: Sequence[Sequence[Any]]) -> tuple[LedgerSheet | None, list[ledger.Problem]]:
    """Find the header row, map its columns, and list the rows; a missing required column is
    a problem on the header row."""
    index = ledger.find_header_row(cells)
    if index is None:
        return None, [ledger.Problem(1, "", "找不到表头行：前 10 行中没有一行含有至少 3 个可识别的列名（如 收到日期、申请人、申请内容）")]
    header_cells = cells[index]
    bad_headers = [
        ledger.Problem(index + 1, "", f"第 {column} 列的表头{reason}")
        for column, cell in enumerate(header_cells, 1)
        if isinstance(cell, str) and (reason := text_problem(cell))
    ]
    if bad_headers:
        return None, bad_headers
    mapping = {i: key for i, key in ledger.match_headers(header_cells).items()
               if not ledger.COLUMN_BY_KEY[key].export_only}
    headers = {key: str(header_cells[i]).strip() for i, key in mapping.items()}
    unknown = [str(c).strip() for i, c in enumerate(header_cells)
               if i not in mapping and str(c or "").strip()
               and ledger.HEADER_LOOKUP.get(ledger.normalise(c)) is None]
    problems = [
        ledger.Problem(index + 1, column.header, f"缺少必填列“{column.header}”（也可写作：{'、'.join(column.synonyms)}）")
        for column in ledger.missing_required(mapping.values())
    ]
    rows = [
        (index + 2 + offset, {key: (row[i] if i < len(row) else None) for i, key in mapping.items()})
        for offset, row in enumerate(cells[index + 1:])
    ]
    return LedgerSheet(headers, rows, index + 1, unknown), problems


def write_problems(path: Path, problems: Sequence[ledger.Problem]) -> None:
    """The problem list beside the ledger (FILE.errors.csv), written like every export:
    atomically, never through a symlink, private. OSError is the caller's to report."""
    from hunnan_gk.exports import replace_atomically, write_csv_file
    from hunnan_gk.privacy import mask_in_text

    # The problems quote the cells: ID and phone numbers stay masked in the list.
    rows = [(p.row, mask_in_text(p.column), mask_in_text(p.message)) for p in problems]
    replace_atomically(path, lambda target: write_csv_file(target, ["行", "列", "问题"], rows),
                       private=True)


def errors_path(path: Path) -> Path:
    return path.with_name(path.name + ".errors.csv")


# --- export --------------------------------------------------------------------------------


def export_values(request: Mapping[str, Any], due: str | None) -> dict[str, Any]:
    """A request as ledger values by key (codes, ISO dates)."""
    values = {column.key: request.get(column.key) for column in ledger.COLUMNS}
    values["due"] = due
    for stage in ledger.DATED_STAGES:
        values[ledger.stage_date_key(stage)] = request.get("stage_dates", {}).get(stage.value)
    if values["extended_days"] == 0:
        values["extended_days"] = None
    return values


def write_export(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    """Write the ledger: CSV (utf-8-sig) and XLSX with Chinese headers and labels; JSON with
    ASCII keys and codes. Each reads back with `ledger import`."""
    headers = [column.header for column in ledger.COLUMNS]
    keys = [column.key for column in ledger.COLUMNS]
    if fmt == "json":
        from hunnan_gk.render import to_json

        path.write_text(to_json(rows) + "\n", encoding="utf-8")
    elif fmt == "csv":
        from hunnan_gk.exports import write_csv_file

        write_csv_file(path, headers, ([ledger.export_label(k, row[k]) for k in keys] for row in rows))
    else:
        _write_xlsx(path, headers, keys, rows)


def _write_xlsx(path: Path, headers: list[str], keys: list[str], rows: list[dict[str, Any]]) -> None:
    from hunnan_gk.exports import cells, column_widths, header_row, new_workbook

    book = new_workbook(write_only=True)
    sheet = book.create_sheet("台账")
    column_widths(sheet, [40 if key == "content" else max(10, 2 * len(header) + 2)
                          for key, header in zip(keys, headers)])
    header_row(sheet, headers)
    for row in rows:
        sheet.append(cells(sheet, (_xlsx_value(key, row[key]) for key in keys)))
    book.save(path)


def _xlsx_value(key: str, value: Any) -> Any:
    """A ledger value as an xlsx cell holds it: the dates as real dates (Excel sorts and
    filters them), everything else as on the CSV export."""
    if isinstance(value, str) and ledger.is_date_key(key):
        from datetime import date

        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return ledger.export_label(key, value)
