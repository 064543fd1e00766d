"""The office ledger (台账): its columns, the header synonyms of ledgers kept by hand, labels
mapped to codes, the checks every row passes before anything is imported, and how a row
becomes a request with its history. Pure: rows of cells in, records and problems out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from hunnan_gk.errors import GkError
from hunnan_gk.vocab import HANDLING_STAGES, ApplicantType, Channel, EventAction, Outcome, Stage, Vocab
from hunnan_gk.clock import MAX_EXTENSION_WORKDAYS
from hunnan_gk.textcheck import text_problem



@dataclass(frozen=True)
class Column:
    key: str  # the ledger's field, also the JSON key
    header: str  # the Chinese header written on export
    synonyms: tuple[str, ...] = ()  # other headers found in offices' own ledgers
    required: bool = False
    export_only: bool = False  # derived (the due date): written, never read back


#: Stages whose completion date the ledger carries in its own column (review … approve);
#: 答复申请 is the 答复日期 and 归档备查 the 归档日期.
DATED_STAGES: tuple[Stage, ...] = tuple(HANDLING_STAGES[1:6])


def stage_date_key(stage: Stage) -> str:
    return f"{stage.value}_on"


COLUMNS: tuple[Column, ...] = (
    Column("number", "编号", ("申请编号", "受理编号", "登记编号")),
    Column("received_on", "收到日期", ("申请日期", "登记日期", "收到申请日期", "received"), True),
    Column("applicant", "申请人", ("申请人姓名（名称）", "申请人姓名", "申请人名称"), True),
    Column("applicant_type", "申请人类型", ("类别", "申请人类别"), True),
    Column("channel", "申请方式", ("提交方式", "申请渠道"), True),
    Column("content", "申请内容", ("申请公开的信息", "申请公开的政府信息", "所需信息内容描述"), True),
    Column("department", "承办单位", ("承办科室", "承办部门")),
    Column("clerk", "经办人", ("承办人",)),
    Column("id_number", "身份证号码", ("证件号码", "身份证号")),
    Column("phone", "联系电话", ("电话", "手机")),
    Column("email", "电子邮箱", ("邮箱",)),
    Column("address", "通信地址", ("地址", "联系地址")),
    Column("delivery", "获取信息方式", ("获取方式", "送达方式")),
    Column("stage", "当前环节", ("环节", "办理环节")),
    *(Column(stage_date_key(s), f"{s.label}日期", (f"{s.label}完成日期",)) for s in DATED_STAGES),
    Column("supplement_asked_on", "补正告知日期", ("告知补正日期",)),
    Column("supplement_until", "补正期限", ("补正截止日期",)),
    Column("supplement_received_on", "补正收到日期", ("收到补正日期",)),
    Column("extended_days", "延期天数", ("延期工作日数", "延长工作日数")),
    Column("due", "答复期限", ("答复截止日期",), export_only=True),
    Column("outcome", "答复类型", ("处理结果", "答复结果", "办理结果"), ),
    Column("outcome_on", "答复日期", ("办结日期", "outcome_on", "replied")),
    Column("closed_on", "归档日期", ("归档时间", "closed")),
    Column("note", "备注", ()),
    Column("void_reason", "作废理由", ("作废原因",)),  # a registration made by mistake, kept marked
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
DATE_KEYS = {"received_on", "supplement_asked_on", "supplement_until", "supplement_received_on",
             "outcome_on", "closed_on", *(stage_date_key(s) for s in DATED_STAGES)}
# Deadlines may lie ahead; every other date records something that already happened.
DEADLINE_KEYS = {"supplement_until"}
TEXT_KEYS = ("number", "applicant", "content", "department", "clerk", "id_number", "phone",
             "email", "address", "delivery", "note", "void_reason")
# Cells that may run over several lines (a line break typed with Alt+Enter in Excel).
MULTILINE_KEYS = {"content", "note"}


def normalise(text: Any) -> str:
    """A header or label reduced for comparison: no spaces, marks or brackets; half-width."""
    value = str(text or "").strip().lower()
    value = value.translate(str.maketrans("（）：", "():"))
    return re.sub(r"[\s*＊()\[\]【】:·\-—_/、,，.。“”\"']", "", value)


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.key, column.header, *column.synonyms):
            lookup[normalise(name)] = column.key
    return lookup


HEADER_LOOKUP = _header_lookup()


def match_headers(cells: Sequence[Any]) -> dict[int, str]:
    """Column index → ledger key for the header cells recognised."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = HEADER_LOOKUP.get(normalise(cell))
        if key and key not in found.values():
            found[index] = key
    return found


def find_header_row(rows: Sequence[Sequence[Any]], scan: int = 10) -> int | None:
    """The index of the header row among the first `scan` rows: the first that names at least
    three ledger columns (a title row above it, as hand-kept ledgers have, is skipped)."""
    for index, cells in enumerate(rows[:scan]):
        if len(match_headers(cells)) >= 3:
            return index
    return None


@lru_cache(maxsize=1024)  # a ledger names the same few outcomes on every row
def parse_outcome(text: str) -> Outcome:
    found = Outcome.matching(text)
    if len(found) != 1:
        raise ValueError(f"无法识别答复类型“{text}”，可写代码或年度报告表中的名称，如 disclosed、予以公开、不予公开·属于国家秘密")
    return found[0]


def is_date_key(key: str) -> bool:
    """Whether the ledger column `key` holds a date (收到日期, each stage's date, 答复期限 …)."""
    return key.endswith("_on") or key in ("supplement_until", "due")


def export_label(key: str, value: Any) -> Any:
    """The cell written on a CSV/XLSX export: labels for codes, clerks read them."""
    if value is None:
        return ""
    if key == "applicant_type":
        return ApplicantType(value).label
    if key == "channel":
        return Channel(value).label
    if key == "stage":
        return Stage(value).label
    if key == "outcome":
        return Outcome(value).short_label
    return value


# --- reading and checking rows -----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int  # the row number as the spreadsheet shows it (the header row is 1 below a title)
    column: str  # the column's header as in the file, or "" for the whole row
    message: str


@dataclass
class Record:
    """One checked ledger row, ready to become a request."""

    row: int
    key: str  # the stable key: the ledger's own number, else a hash of date+applicant+content
    fields: dict[str, Any]
    stage_dates: dict[str, str] = field(default_factory=dict)  # stage code → completion date
    number: str | None = None  # the ledger's own number, kept verbatim


def _as_date(value: Any, today: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_in(str(value).strip(), today)


@lru_cache(maxsize=8192)  # a ledger's dates repeat: a few thousand days over many rows
def _date_in(text: str, today: date) -> date:
    from hunnan_gk.dates import parse_date

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text):
        text = text[:10]  # a spreadsheet's date with a midnight time
    return parse_date(text, today=today, option="日期")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheet numbers (phone, number) read as floats
    return str(value).replace("\r\n", "\n").strip()


def stable_key(number: str, received_on: str, applicant: str, content: str) -> str:
    """The ledger's own number when it has one; else a hash of what identifies the request."""
    if number:
        return f"编号:{number}"
    digest = hashlib.sha256(f"{received_on}\x1f{applicant}\x1f{content}".encode("utf-8"))
    return "sha256:" + digest.hexdigest()


#: The same keys in a fixed order, worked out once: every row walks them.
_DATE_ORDER = tuple(sorted(DATE_KEYS))
_REQUIRED = tuple(c.key for c in COLUMNS if c.required)
_STAGE_DATE_KEYS = tuple((s.value, stage_date_key(s)) for s in DATED_STAGES)
_PLAIN_DATE_KEYS = tuple(k for k in _DATE_ORDER if k not in {key for _, key in _STAGE_DATE_KEYS})
_ARCHIVE, _CLOSED, _REVIEW = Stage.ARCHIVE.value, Stage.CLOSED.value, Stage.REVIEW.value


def check_row(
    cells: Mapping[str, Any], *, row: int, headers: Mapping[str, str], today: date
) -> tuple[Record | None, list[Problem]]:
    """Check one ledger row (`cells`: ledger key → raw cell). `headers` maps a key to the
    header as written in the file, so problems name the clerk's own column."""
    from hunnan_gk.idcard import id_number_problem

    problems: list[Problem] = []
    unreadable: set[str] = set()  # cells refused outright: no further problem is named in them

    def problem(key: str, message: str) -> None:
        if key not in unreadable:
            problems.append(Problem(row, headers.get(key, COLUMN_BY_KEY[key].header), message))

    for key, raw in cells.items():
        reason = text_problem(raw, multiline=key in MULTILINE_KEYS) if isinstance(raw, str) else None
        if reason:
            problem(key, reason)
            unreadable.add(key)
    # each cell read once (text as it is the common case: _text's other cases only for the rest)
    texts = {key: raw.replace("\r\n", "\n").strip() if type(raw) is str else _text(raw)
             for key, raw in cells.items()}
    values: dict[str, Any] = {key: texts.get(key) or None for key in TEXT_KEYS}
    for key in _REQUIRED:
        if not texts.get(key):
            problem(key, "不能为空")
    for key in _DATE_ORDER:
        text = texts.get(key)
        if not text:
            values[key] = None
            continue
        try:
            day = _as_date(cells[key], today)
        except GkError:
            problem(key, f"无法识别日期“{text}”")
            values[key] = None
            continue
        if day > today and key not in DEADLINE_KEYS:
            problem(key, f"日期 {day} 晚于今天（{today}）")
        values[key] = day.isoformat()
    for key, vocab in (("applicant_type", ApplicantType), ("channel", Channel)):
        raw = texts.get(key)
        values[key] = None
        if raw:
            try:
                values[key] = _parsed(vocab, raw)
            except GkError:
                problem(key, f"无法识别“{raw}”，可选：{_choices(vocab)}")
    raw_outcome = texts.get("outcome")
    values["outcome"] = None
    if raw_outcome:
        try:
            values["outcome"] = parse_outcome(raw_outcome).value
        except ValueError as exc:
            problem("outcome", str(exc))
    raw_stage = texts.get("stage")
    values["stage"] = None
    if raw_stage:
        try:
            values["stage"] = _parsed(Stage, raw_stage)
        except GkError:
            problem("stage", f"无法识别环节“{raw_stage}”，可选：{_choices(Stage)}")
    raw_days = texts.get("extended_days")
    values["extended_days"] = 0
    if raw_days:
        if not re.fullmatch(r"\d+", raw_days) or int(raw_days) > MAX_EXTENSION_WORKDAYS:
            problem("extended_days", f"应为 0 到 {MAX_EXTENSION_WORKDAYS} 的整数（条例第33条），而不是“{raw_days}”")
        else:
            values["extended_days"] = int(raw_days)
    if values["id_number"]:
        values["id_number"] = values["id_number"].upper()
        reason = id_number_problem(values["id_number"])
        if reason:
            problem("id_number", f"身份证号码有误：{reason}")
    _check_sequence(values, problem)
    if problems:
        return None, problems
    return _record(values, row), []


@lru_cache(maxsize=1024)  # a ledger writes the same few labels on every row
def _parsed(vocab: type[Vocab], text: str) -> str:
    return vocab.parse(text).value


def _choices(vocab: type[Vocab]) -> str:
    return "、".join(member.label for member in vocab)


def _check_sequence(values: dict[str, Any], problem) -> None:
    """The dates must follow the request's life: receipt first, the outcome before archiving."""
    received = values["received_on"]
    if received:
        for key in _DATE_ORDER:
            if key != "received_on" and values[key] and values[key] < received:
                problem(key, f"{values[key]} 早于收到日期 {received}")
    if values["outcome"] and not values["outcome_on"]:
        problem("outcome_on", "填写了答复类型，须同时填写答复（办结）日期")
    if values["outcome_on"] and not values["outcome"]:
        problem("outcome", "填写了答复（办结）日期，须同时填写答复类型")
    if values["closed_on"] and not values["outcome_on"]:
        problem("closed_on", "已归档的申请须有答复类型和答复日期")
    if values["closed_on"] and values["outcome_on"] and values["closed_on"] < values["outcome_on"]:
        problem("closed_on", f"归档日期 {values['closed_on']} 早于答复日期 {values['outcome_on']}")
    if (values["supplement_until"] or values["supplement_received_on"]) and not values["supplement_asked_on"]:
        problem("supplement_asked_on", "填写了补正期限或补正收到日期，须同时填写补正告知日期")
    if values["supplement_asked_on"] and not values["supplement_until"]:
        problem("supplement_until", "填写了补正告知日期，须同时填写补正期限（条例第30条：告知时应给出合理的补正期限）")
    if values["supplement_received_on"] and values["supplement_asked_on"] and (
        values["supplement_received_on"] < values["supplement_asked_on"]
    ):
        problem("supplement_received_on", "补正收到日期早于补正告知日期")
    stage = values["stage"]
    if stage and values["outcome"] and stage not in (_ARCHIVE, _CLOSED):
        problem("stage", f"已有答复类型的申请应处于“{Stage.ARCHIVE.label}”或“{Stage.CLOSED.label}”")
    if stage == _CLOSED and not values["closed_on"]:
        problem("closed_on", "已办结的申请须有归档日期")


def _record(values: dict[str, Any], row: int) -> Record:
    """The checked values as a request's fields (stage derived when the ledger has none)."""
    stage_dates = {code: values.pop(key) for code, key in _STAGE_DATE_KEYS if values.get(key)}
    outcome = values["outcome"]
    if values["closed_on"]:
        stage = _CLOSED
    elif outcome:
        stage = _ARCHIVE
    elif values["stage"]:
        stage = values["stage"]
    else:  # the stage after the last one the ledger shows as completed
        done = [s for s in DATED_STAGES if s.value in stage_dates]
        stage = done[-1].next().value if done else _REVIEW
    replied = values["outcome_on"] if outcome and outcome != Outcome.OTHER_NO_SUPPLEMENT.value else None
    dates = [values[k] for k in _PLAIN_DATE_KEYS if values[k]] + list(stage_dates.values())
    fields = {
        "applicant": values["applicant"],
        "applicant_type": values["applicant_type"],
        "channel": values["channel"],
        "received_on": values["received_on"],
        "content": values["content"],
        "id_number": values["id_number"],
        "phone": values["phone"],
        "email": values["email"],
        "address": values["address"],
        "department": values["department"],
        "clerk": values["clerk"],
        "delivery": values["delivery"],
        "note": values["note"],
        "voided": int(bool(values["void_reason"])),
        "void_reason": values["void_reason"],
        "stage": stage,
        "clock_start_on": values["supplement_received_on"] or values["received_on"],
        "supplement_asked_on": values["supplement_asked_on"],
        "supplement_until": values["supplement_until"],
        "supplement_received_on": values["supplement_received_on"],
        "extended_days": values["extended_days"],
        "outcome": outcome,
        "outcome_on": values["outcome_on"],
        "replied_on": replied,
        "closed_on": values["closed_on"],
        "last_event_on": max(dates),
    }
    key = stable_key(values["number"] or "", values["received_on"], values["applicant"], values["content"])
    return Record(row=row, key=key, fields=fields, stage_dates=stage_dates, number=values["number"])


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]], *, headers: Mapping[str, str], today: date,
    on_row=None,
) -> tuple[list[Record], list[Problem]]:
    """Check every row; a key seen twice in the file is a problem on the second row."""
    records: list[Record] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        if on_row is not None:
            on_row()
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells.values()):
            continue  # blank lines at the end of a sheet
        record, found = check_row(cells, row=row, headers=headers, today=today)
        problems.extend(found)
        if record is None:
            continue
        if record.key in seen:
            problems.append(Problem(row, "", f"与第 {seen[record.key]} 行是同一件申请（编号或收到日期、申请人、内容相同）"))
            continue
        seen[record.key] = row
        records.append(record)
    return records, problems


def missing_required(found: Iterable[str]) -> list[Column]:
    """The required columns a file's header row does not name."""
    have = set(found)
    return [c for c in COLUMNS if c.required and c.key not in have]


#: What `history` writes, worked out once (it runs for every row of a large ledger).
_REGISTER, _REPLY = Stage.REGISTER.value, Stage.REPLY.value
_IMPORT, _ADVANCE, _EXTEND = EventAction.IMPORT.value, EventAction.ADVANCE.value, EventAction.EXTEND.value
_ASK, _RECEIVED = EventAction.SUPPLEMENT_ASK.value, EventAction.SUPPLEMENT_RECEIVED.value
_LAPSED, _NO_SUPPLEMENT = EventAction.SUPPLEMENT_LAPSED.value, Outcome.OTHER_NO_SUPPLEMENT.value
_STAGE_STEPS = tuple((position, s.value, s.next().value) for position, s in enumerate(DATED_STAGES, start=1))


def history(record: Record) -> list[dict[str, Any]]:
    """The events an imported request gets, each dated as in the ledger (imported = 1):
    the import itself on the receipt date, then the stages and the 补正 in date order.
    Every event names the stage before and after it, as events made by the commands do."""
    fields = record.fields
    stage_dates = record.stage_dates
    # (date, order on that date, action, (stage before, after) or None, data)
    planned: list[tuple[str, int, str, tuple[str | None, str] | None, dict[str, Any]]] = [
        (fields["received_on"], 0, _IMPORT, (_REGISTER, _REVIEW), {})]
    for position, stage, following in _STAGE_STEPS:
        if stage in stage_dates:
            planned.append((stage_dates[stage], position, _ADVANCE, (stage, following), {}))
    if fields["supplement_asked_on"]:
        planned.append((fields["supplement_asked_on"], 1, _ASK, None,
                        {"after": {"supplement_until": fields["supplement_until"]}}))
    if fields["supplement_received_on"]:
        planned.append((fields["supplement_received_on"], 1, _RECEIVED, None, {}))
    if fields["extended_days"]:
        planned.append((fields["outcome_on"] or fields["last_event_on"], 6, _EXTEND, None,
                        {"after": {"extended_days": fields["extended_days"]}}))
    if fields["outcome"]:
        lapsed = fields["outcome"] == _NO_SUPPLEMENT
        planned.append((fields["outcome_on"], 7, _LAPSED if lapsed else _ADVANCE,
                        (None if lapsed else _REPLY, _ARCHIVE), {"after": {"outcome": fields["outcome"]}}))
    if fields["closed_on"]:
        planned.append((fields["closed_on"], 8, _ADVANCE, (_ARCHIVE, _CLOSED), {}))
    planned.sort(key=lambda item: (item[0], item[1]))
    events = []
    current = _REGISTER
    for on, _, action, move, data in planned:
        before, after = move if move else (current, current)
        before = before or current
        current = after
        events.append({"action": action, "stage_before": before, "stage_after": after,
                       "happened_on": on, "data": data})
    return events


def history_problems(records: Mapping[str, Record], history: Mapping[str, Mapping[str, list]]) -> list[Problem]:
    """A lossless ledger's events must start with the registration of the row they belong to."""
    problems = []
    for number, record in records.items():
        events = sorted(history[number]["events"], key=lambda e: e["id"])
        first = events[0]
        registered = (first.get("data") or {}).get("after") or {}
        if first["action"] not in (EventAction.REGISTER.value, EventAction.IMPORT.value):
            problems.append(Problem(record.row, "办理记录", f"编号 {number} 的第一条办理记录应是登记"))
        elif registered.get("number") != number:
            problems.append(Problem(record.row, "办理记录", f"编号 {number} 的登记记录写的是另一个编号"))
        ids = [e["id"] for e in events]
        if len(set(ids)) != len(ids):
            problems.append(Problem(record.row, "办理记录", f"编号 {number} 的办理记录序号重复"))
    return problems
