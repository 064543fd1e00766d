"""Reading and writing ledger files: CSV (UTF-8, UTF-8 with BOM or GB18030), XLSX and JSON.

openpyxl is imported only when an .xlsx file is read or written.
"""

from __future__ import annotations

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
    return [[from_csv_cell(cell) if cell.startswith("'") else cell for cell in row] for row in rows]


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
    for item in items:  # a request's history lists are read by read_history
        header.extend(key for key, value in item.items() if key not in header and not isinstance(value, list))
    return [header] + [[item.get(key) for key in header] for item in items]


def _json_items(text: str, path: Path) -> list[dict[str, Any]]:
    try:
        items = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return []  # refused with its reason by _json_cells
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


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
    """The problem list beside the ledger (`errors_path`), written like every export:
    atomically, never through a symlink, private. OSError is the caller's to report."""
    from hunnan_gk.exports import replace_atomically, write_csv_file
    from hunnan_gk.privacy import mask_in_text

    # The problems quote the cells: ID and phone numbers stay masked in the list.
    rows = [(p.row, mask_in_text(p.column), mask_in_text(p.message)) for p in problems]
    replace_atomically(path, lambda target: write_csv_file(target, ["行", "列", "问题"], rows),
                       private=True)


def errors_path(path: Path) -> Path:
    """Where the problem list of the ledger `path` goes: beside it, `.errors.csv` after its whole
    name (2023年台账.xlsx → 2023年台账.xlsx.errors.csv)."""
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


# --- the whole record: a request's history beside its row (xlsx sheets, JSON arrays) -------

#: Each history list: its JSON key, its sheet, and its columns (key, header). The lists marked
#: derived are read off the events, for the clerk; import restores from the others.
HISTORY_LISTS: tuple[tuple[str, str, tuple[tuple[str, str], ...], bool], ...] = (
    ("events", "办理记录", (("id", "序号"), ("happened_on", "日期"), ("action", "办理"),
                          ("stage_before", "原环节"), ("stage_after", "新环节"), ("clerk", "经办人"),
                          ("note", "备注"), ("imported", "导入"), ("data", "数据")), False),
    ("consultations", "征求意见", (("id", "序号"), ("party", "对象"), ("kind", "类别"),
                                ("start_on", "开始日期"), ("end_on", "结束日期")), False),
    ("extensions", "延期", (("on", "日期"), ("days", "延长工作日"), ("approver", "批准人"),
                          ("reason", "理由")), True),
    ("returns", "退回", (("on", "日期"), ("to", "退回到"), ("reason", "理由")), True),
    ("appeals", "复议诉讼", (("id", "序号"), ("kind", "类别"), ("filed_on", "提起日期"),
                          ("result", "结果"), ("decided_on", "结果日期")), False),
    ("corrections", "更正", (("on", "日期"), ("field", "事项"), ("old", "原值"), ("new", "新值"),
                           ("reason", "理由"), ("clerk", "经办人")), True),
    ("assignments", "承办", (("seq", "序号"), ("department", "承办单位"), ("handler", "办理人"),
                           ("assigned_on", "转办日期"), ("due_on", "承办期限"), ("accepted_on", "签收日期"),
                           ("handed_back_on", "退回日期"), ("reason", "理由"), ("submitted_on", "完成日期")), False),
    ("supervisions", "督办", (("seq", "序号"), ("by_name", "督办人"), ("reason", "事由"),
                            ("opened_on", "督办日期"), ("respond_by", "回复期限"), ("closed_on", "办结日期"),
                            ("note", "备注")), False),
    ("letters", "文书", (("id", "序号"), ("kind", "文书类别"), ("year", "年度"), ("seq", "文号序号"),
                        ("letter_number", "文号"), ("issued_on", "出具日期"), ("outcome", "答复类型"),
                        ("variant", "样式"), ("sha256", "SHA-256"), ("path", "文件"),
                        ("superseded_by", "被替换为"), ("delivery_method", "送达方式"),
                        ("delivered_on", "送达日期"), ("tracking", "邮件号"), ("signed_by", "签收人")), False),
)
NUMBER_HEADER = "编号"
_INTEGER_FIELDS = {"letters": ("year", "seq"), "assignments": ("seq",), "supervisions": ("seq",)}


def history_lists(history: Mapping[str, list]) -> dict[str, list[dict[str, Any]]]:
    """A request's history as the lists a lossless ledger carries: the stored ones as they
    are, and extensions, returns and corrections read off its events."""
    from hunnan_gk.vocab import EventAction

    events = history.get("events", [])

    def of(action: EventAction) -> list[Mapping[str, Any]]:
        return [e for e in events if e["action"] == action.value]

    lists = {
        "events": [{key: event.get(key) for key, _ in HISTORY_LISTS[0][2]} for event in events],
        "consultations": [{k: c.get(k) for k in ("id", "party", "kind", "start_on", "end_on")}
                          for c in history.get("consultations", [])],
        "extensions": [{"on": e["happened_on"], "days": e["data"].get("days"),
                        "approver": e["data"].get("approver"), "reason": e["note"]}
                       for e in of(EventAction.EXTEND)],
        "returns": [{"on": e["happened_on"], "to": e["stage_after"], "reason": e["note"]}
                    for e in of(EventAction.RETURN)],
        "appeals": list(history.get("appeals", [])),
        "corrections": [{"on": e["happened_on"], "field": e["data"].get("field"), "old": e["data"].get("old"),
                         "new": e["data"].get("new"), "reason": e["data"].get("reason"), "clerk": e["clerk"]}
                        for e in of(EventAction.CORRECT)],
        "assignments": list(history.get("assignments", [])),
        "supervisions": list(history.get("supervisions", [])),
        "letters": list(history.get("letters", [])),
    }
    for event in lists["events"]:
        event["imported"] = bool(event["imported"])
    return lists


def _history_cell(key: str, value: Any) -> Any:
    if key == "data":
        from hunnan_gk.errors import Refused
        from hunnan_gk.textcheck import MAX_TEXT_CHARS

        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if len(text) > MAX_TEXT_CHARS:
            raise Refused("有一条办理记录超过 Excel 单元格的上限，xlsx 无法完整写出", hint="请用 --format json 导出")
        return text
    if key == "imported":
        return "是" if value else "否"
    return "" if value is None else value


def read_history(path: Path) -> tuple[dict[str, dict[str, list]], list[ledger.Problem]]:
    """The history lists of a lossless ledger (our xlsx or JSON export), by request number;
    empty for an office's own flat ledger. Problems name the sheet, row and column."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        items = _json_items(decode(path.read_bytes())[0], path)
        tables = {key: [(index + 2, key, {**entry, NUMBER_HEADER: item.get("number")})
                        for index, item in enumerate(items) for entry in item.get(key) or []
                        if isinstance(entry, dict)]
                  for key, _, _, derived in HISTORY_LISTS if not derived}
    elif suffix in (".xlsx", ".xlsm"):
        tables = _xlsx_history(path)
    else:
        return {}, []
    found: dict[str, dict[str, list]] = {}
    problems: list[ledger.Problem] = []
    for key, rows in tables.items():
        for row, where, entry in rows:
            entry = dict(entry)
            number = _plain(entry.pop(NUMBER_HEADER, None))
            reason = next((text_problem(v, multiline=True) for v in entry.values()
                           if isinstance(v, str) and text_problem(v, multiline=True)), None)
            if reason or not number:
                problems.append(ledger.Problem(row, where, reason or "缺少编号"))
                continue
            if key == "events":
                entry, reason = _event_entry(entry)
                if reason:
                    problems.append(ledger.Problem(row, where, reason))
                    continue
            found.setdefault(number, {}).setdefault(key, []).append(entry)
    return found, problems


def _plain(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _event_entry(entry: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """One event of a lossless ledger checked: its action known, its date a date, its data
    an object."""
    from datetime import date

    from hunnan_gk.vocab import EventAction

    data = entry.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError:
            return entry, "“数据”不是有效的 JSON"
    if not isinstance(data, dict):
        return entry, "“数据”应为一个 JSON 对象"
    try:
        EventAction(_plain(entry.get("action")))
    except ValueError:
        return entry, f"无法识别办理“{_plain(entry.get('action'))}”"
    on = entry.get("happened_on")
    on = on.isoformat()[:10] if hasattr(on, "isoformat") else _plain(on)
    try:
        date.fromisoformat(on)
    except ValueError:
        return entry, f"无法识别日期“{on}”"
    try:
        event_id = int(entry.get("id"))
    except (TypeError, ValueError):
        return entry, "序号应为整数"
    imported = entry.get("imported")
    return {**entry, "id": event_id, "happened_on": on, "data": data,
            "imported": imported in (True, 1, "是", "1", "true")}, None


def _xlsx_history(path: Path) -> dict[str, list[tuple[int, str, dict[str, Any]]]]:
    from hunnan_gk import sheets

    by_name = {name: (key, columns) for key, name, columns, derived in HISTORY_LISTS if not derived}
    tables: dict[str, list] = {}
    for name, rows in sheets.read_xlsx_sheets(path, sheets.LEDGER_LIMITS, list(by_name)).items():
        if not rows:
            continue
        key, columns = by_name[name]
        headers = {header: column for column, header in columns} | {NUMBER_HEADER: NUMBER_HEADER}
        index = {i: headers[str(cell).strip()] for i, cell in enumerate(rows[0]) if str(cell or "").strip() in headers}
        tables[key] = [
            (number, name, {field: (row[i] if i < len(row) else None) for i, field in index.items()})
            for number, row in enumerate(rows[1:], 2) if any(cell not in (None, "") for cell in row)
        ]
        for _, _, entry in tables[key]:
            for field, value in entry.items():
                if hasattr(value, "isoformat") and field != NUMBER_HEADER:
                    entry[field] = value.isoformat()[:10]
            if "id" in entry and key != "events" and entry["id"] not in (None, ""):
                entry["id"] = int(entry["id"])
            for field in _INTEGER_FIELDS.get(key, ()):
                entry[field] = int(entry[field])
            for field, value in list(entry.items()):
                if value == "":
                    entry[field] = None
    return tables


def write_export(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    """Write the ledger: CSV (utf-8-sig) and XLSX with Chinese headers and labels; JSON with
    ASCII keys and codes. Each reads back with `ledger import`."""
    headers = [column.header for column in ledger.COLUMNS]
    keys = [column.key for column in ledger.COLUMNS]
    if fmt == "json":
        from hunnan_gk.render import to_json

        items = [{**{k: v for k, v in row.items() if k != "history"}, **history_lists(row.get("history") or {})}
                 for row in rows]
        path.write_text(to_json(items) + "\n", encoding="utf-8")
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
    lists = [(row["number"], history_lists(row.get("history") or {})) for row in rows]
    for key, name, columns, _ in HISTORY_LISTS:
        extra = book.create_sheet(name)
        header_row(extra, [NUMBER_HEADER, *(header for _, header in columns)])
        for number, history in lists:
            for entry in history[key]:
                extra.append(cells(extra, [number, *(_history_cell(k, entry.get(k)) for k, _ in columns)]))
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
