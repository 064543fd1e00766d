"""A catalogue table as offices publish it, turned into catalogue YAML (issue 17).

The 基层政务公开标准目录 tables (国办发〔2019〕54号 and the 26 areas' guidelines) have columns
序号, 公开事项 (split into 一级事项 / 二级事项), 公开内容（要素）, 公开依据, 公开时限, 公开主体,
公开渠道和载体 (a checklist: one column per channel, ticked ■/√/✓, or one cell "■政府网站
□两微一端 …"), 公开对象 (全社会 / 特定群体), 公开方式 (主动 / 依申请), 公开层级 (县级 / 乡级), and
newer ones 责任科室/责任单位. Headers often take two rows (公开对象 over 全社会 | 特定群体), and
one 一级事项 cell is merged over the rows of its 二级事项.

The rule here is: map what is certain, and list the rest by row and column — never guess. A
header nobody defined, a tick mark that is neither ticked nor blank, both boxes of a one-value
column ticked: each is a note, and the YAML leaves the value out for the clerk to fill in.
`catalog validate` then checks the YAML like any hand-written catalogue.

Pure: rows of cell values (and merged ranges) in, items, notes and YAML text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Sequence

import yaml

from hunnan_gk.catalogue import AUDIENCES, ITEM_FIELDS, LEVELS, MODES

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)

# A tick in a checklist cell, and a box left empty.
TICKS = frozenset("■√✓✔☑●")
BOXES = frozenset("□☐○")
_MARKS = "".join(sorted(TICKS | BOXES))
# OCR'd and retyped tables write the empty box as the character 口; only where boxes are in use.
_OCR_BOX = "口"

# Headers as offices write them (whitespace and line breaks removed, full-width brackets made
# half-width) → the catalogue key. 序号 numbers the rows; 编号 is the item's number.
HEADERS: dict[str, str] = {
    "序号": "序号",
    "编号": "编号",
    "事项编号": "编号",
    "公开事项": "公开事项",
    "事项名称": "公开事项",
    "公开事项名称": "公开事项",
    "事项": "公开事项",
    "一级事项": "一级事项",
    "二级事项": "二级事项",
    "公开内容": "公开内容",
    "公开内容(要素)": "公开内容",
    "公开要素": "公开内容",
    "公开依据": "公开依据",
    "公开时限": "公开时限",
    "公开主体": "公开主体",
    "公开渠道和载体": "公开渠道",
    "公开渠道及载体": "公开渠道",
    "公开渠道": "公开渠道",
    "公开载体": "公开渠道",
    "公开对象": "公开对象",
    "公开方式": "公开方式",
    "公开层级": "公开层级",
    "责任单位": "责任单位",
    "责任科室": "责任单位",
    "责任部门": "责任单位",
    "领域": "领域",
    "栏目": "栏目",
    "网站栏目": "栏目",
    "公开栏目": "栏目",
    "栏目链接": "栏目",
    "类别": "类别",
    "备注": "备注",
}
# The columns a second header row splits, and what their sub-headers mean.
SUBHEADERS: dict[str, dict[str, str]] = {
    "公开事项": {"一级事项": "一级事项", "二级事项": "二级事项", "一级": "一级事项", "二级": "二级事项"},
    "公开对象": {"全社会": "全社会", "特定群体": "特定群体", "特定群众": "特定群体", "特定对象": "特定群体"},
    "公开方式": {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"},
    "公开层级": {"县级": "县级", "乡级": "乡级", "乡镇级": "乡级", "县": "县级", "乡": "乡级"},
}
# Values of the one-value columns written as text: the same words as their sub-headers.
VALUE_SYNONYMS = {key: words for key, words in SUBHEADERS.items() if key != "公开事项"}
assert set(VALUE_SYNONYMS["公开对象"].values()) == set(AUDIENCES)
assert set(VALUE_SYNONYMS["公开方式"].values()) == set(MODES)
assert set(VALUE_SYNONYMS["公开层级"].values()) == set(LEVELS)
ONE_VALUE = ("公开对象", "公开方式")  # the format holds one of these; 公开层级 and 公开渠道 are lists
HEADER_SCAN_ROWS = 20
MIN_HEADERS = 3


@dataclass(frozen=True)
class Note:
    """Something the import could not map: where (row and column as the spreadsheet shows
    them; column "" for a whole row) and why."""

    row: int
    column: str
    message: str

    def as_text(self) -> str:
        where = f"第 {self.row} 行" + (f" {self.column} 列" if self.column else "")
        return f"{where}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Imported:
    items: list[dict[str, Any]]
    notes: list[Note]
    channels: list[str] | None = None  # the checklist's channel columns, declared as 渠道
    numbering: str = ""  # how 编号 were given
    filled_down: list[str] = field(default_factory=list)  # 一级事项 carried down (CSV only)


@dataclass(frozen=True)
class _Column:
    index: int  # 0-based
    key: str  # a catalogue key, or 序号/编号
    choice: str | None = None  # for a checklist column: the value a tick means


def _letter(index: int) -> str:
    from_number, letters = index + 1, ""
    while from_number > 0:
        from_number, rest = divmod(from_number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def normalise(value: Any) -> str:
    """A header as the lookup tables write it."""
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")
    return text.strip(":：*")


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def fill_merges(rows: list[list[Any]], merges: Iterable[Merge]) -> list[list[Any]]:
    """Every cell of a merged range takes the value of its first cell, as the reader sees it
    on the page (一级事项 over its rows, 公开对象 over 全社会 | 特定群体)."""
    filled = [list(row) for row in rows]
    for first_row, first_col, last_row, last_col in merges:
        if first_row > len(filled):
            continue
        source = filled[first_row - 1]
        value = source[first_col - 1] if first_col <= len(source) else None
        for r in range(first_row, min(last_row, len(filled)) + 1):
            row = filled[r - 1]
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            for c in range(first_col, last_col + 1):
                if row[c - 1] in (None, ""):
                    row[c - 1] = value
    return filled


def _header_count(row: Sequence[Any]) -> int:
    return len({HEADERS[n] for n in map(normalise, row) if n in HEADERS})


def _is_header(row: Sequence[Any]) -> bool:
    return _header_count(row) >= MIN_HEADERS


def import_rows(rows: list[list[Any]], merges: Iterable[Merge] = (), *, spreadsheet: bool = True) -> Imported:
    """Items from a sheet's rows. `spreadsheet`: the rows come from an xlsx, whose merged
    ranges say which cells share a value; a CSV has no such marks, so a 一级事项 left blank
    under one that is not is carried down, and each run of rows that got one is noted."""
    rows = fill_merges(rows, merges)
    start = next((i for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if _is_header(row)), None)
    if start is None:
        return Imported([], [Note(1, "", f"前 {HEADER_SCAN_ROWS} 行中找不到表头（至少 {MIN_HEADERS} 个可识别的列名，如 公开事项、公开依据、公开时限）")])
    notes: list[Note] = [
        Note(i + 1, "", f"表头之前的内容，未导入：{_preview(row)}") for i, row in enumerate(rows[:start]) if _texts(row)
    ]
    items: list[tuple[int, dict[str, Any], dict[str, str]]] = []
    channels: list[str] = []
    i = start
    while i < len(rows):
        columns, used, header_notes = _layout(rows, i)
        notes.extend(header_notes)
        channels.extend(c.choice for c in columns if c.key == "公开渠道" and c.choice and c.choice not in channels)
        i += used
        while i < len(rows) and not _is_header(rows[i]):
            row = rows[i]
            texts = _texts(row)
            if texts and len(set(texts)) == 1:  # a title merged across the row, or one lone cell
                notes.append(Note(i + 1, "", f"不像一个事项（像标题或说明），未导入：{_preview(row)}"))
            elif texts:
                item, raw, row_notes = _item(row, i + 1, columns)
                notes.extend(row_notes)
                items.append((i + 1, item, raw))
            i += 1
    result = Imported([], notes, channels or None)
    result.items = _finish(items, result, spreadsheet)
    result.notes.sort(key=lambda n: (n.row, n.column))
    return result


def _texts(row: Sequence[Any]) -> list[str]:
    return [t for t in (cell_text(v) for v in row) if t]


def _preview(row: Sequence[Any]) -> str:
    seen: list[str] = []
    for text in _texts(row):
        if text not in seen:
            seen.append(text)
    shown = " | ".join(seen)
    return shown if len(shown) <= 60 else shown[:60] + "……"


def _layout(rows: list[list[Any]], at: int) -> tuple[list[_Column], int, list[Note]]:
    """The columns of the header starting at row `at` (0-based): one row, or two when the next
    splits 公开事项 / 公开对象 / 公开方式 / 公开层级 / 公开渠道 into sub-columns."""
    top = [normalise(v) for v in rows[at]]
    below = [normalise(v) for v in rows[at + 1]] if at + 1 < len(rows) else []
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    # A CSV cannot merge: a group header stands over its first sub-column, blanks after it.
    groups = list(top)
    for c in range(1, width):
        if not groups[c] and below[c] and HEADERS.get(groups[c - 1]) in SUBHEADERS.keys() | {"公开渠道"}:
            groups[c] = groups[c - 1]
    two_rows = any(
        below[c] and below[c] != groups[c] and (
            below[c] in SUBHEADERS.get(HEADERS.get(groups[c], ""), {})
            or (HEADERS.get(groups[c]) == "公开渠道" and groups.count(groups[c]) > 1)
        )
        for c in range(width)
    )
    row_number = at + 1
    columns: list[_Column] = []
    notes: list[Note] = []
    taken: dict[tuple[str, str | None], int] = {}
    for c in range(width):
        group, sub = groups[c], below[c] if two_rows else ""
        role = HEADERS.get(group)
        column: _Column | None = None
        if role in SUBHEADERS and sub in SUBHEADERS[role]:
            meaning = SUBHEADERS[role][sub]
            column = _Column(c, meaning) if role == "公开事项" else _Column(c, role, meaning)
        elif role == "公开渠道" and sub and sub != group and groups.count(group) > 1:
            column = _Column(c, "公开渠道", sub)
        elif role is not None and (not sub or sub == group or role not in SUBHEADERS):
            column = _Column(c, role)
        elif not group and sub in HEADERS:
            column = _Column(c, HEADERS[sub])
        shown = "/".join(dict.fromkeys(t for t in (group, sub) if t))
        if column is None:
            if group or sub:
                where = row_number + 1 if sub and sub != group else row_number
                notes.append(Note(where, _letter(c), f"列“{shown}”没有对应的目录要素，整列未导入"))
            continue
        if (column.key, column.choice) in taken:
            first = _letter(taken[column.key, column.choice])
            notes.append(Note(row_number, _letter(c), f"列“{shown}”与 {first} 列对应同一要素“{column.key}”，只导入了 {first} 列"))
            continue
        taken[column.key, column.choice] = c
        columns.append(column)
    return columns, 2 if two_rows else 1, notes


def _item(row: Sequence[Any], number: int, columns: list[_Column]) -> tuple[dict[str, Any], dict[str, str], list[Note]]:
    """One row as item values (and the raw 序号/编号), with notes for what could not be read."""
    item: dict[str, Any] = {}
    raw: dict[str, str] = {}
    notes: list[Note] = []
    ticked: dict[str, list[str]] = {}
    for column in columns:
        value = row[column.index] if column.index < len(row) else None
        text = cell_text(value)
        where = _letter(column.index)
        if column.choice is not None:  # one box of a checklist
            mark = re.sub(r"\s+", "", text)
            if mark and all(ch in TICKS for ch in mark):
                ticked.setdefault(column.key, []).append(column.choice)
            elif mark and not all(ch in BOXES for ch in mark):
                notes.append(Note(number, where, f"“{column.key}”的“{column.choice}”格写的是“{_short(text)}”，"
                                                 "不是勾选标记（■ √ ✓ 或空白/□），未导入"))
            else:
                ticked.setdefault(column.key, [])
            continue
        if not text:
            continue
        if column.key in ("序号", "编号"):
            raw[column.key] = text
        elif column.key == "公开渠道":
            item["公开渠道"] = _channels_from_text(text)
        elif column.key in VALUE_SYNONYMS:
            item[column.key] = _choice_from_text(column.key, text)
        else:
            item[column.key] = text
    for key, chosen in ticked.items():
        if key in ONE_VALUE and len(chosen) > 1:
            notes.append(Note(number, "", f"“{key}”勾选了{'和'.join(chosen)}，目录格式只能写一项，未导入"))
        elif key in ONE_VALUE and chosen:
            item[key] = chosen[0]
        elif chosen:
            item[key] = chosen
    return item, raw, notes


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "……"


def _channels_from_text(text: str) -> list[str]:
    """A channel cell: "■政府网站 □两微一端 …" (the ticked ones), or names separated by 、，；."""
    if set(text) & (TICKS | BOXES):
        # 口 for □ where a box would stand: at the start or after a space or separator
        text = re.sub(rf"(^|[\s、，,；;]){_OCR_BOX}", "\\1□", text)
        pairs = re.findall(rf"([{re.escape(_MARKS)}])\s*([^{re.escape(_MARKS)}]+)", text)
        return [name.strip(" 、，,；;\n") for mark, name in pairs if mark in TICKS and name.strip(" 、，,；;\n")]
    return [part.strip() for part in re.split(r"[、，,；;\n/]+", text) if part.strip()]


def _choice_from_text(key: str, text: str) -> Any:
    words = VALUE_SYNONYMS[key]
    parts = [part.strip() for part in re.split(r"[、，,；;/\n]+", text) if part.strip()]
    mapped = [words.get(normalise(part), part) for part in parts]
    if key == "公开层级":
        return mapped
    return mapped[0] if len(mapped) == 1 else text  # two values in one cell: the validator says so


def _finish(rows: list[tuple[int, dict[str, Any], dict[str, str]]], result: Imported, spreadsheet: bool) -> list[dict[str, Any]]:
    """Numbers, 一级事项 carried down (CSV), and the keys in the format's order."""
    if not spreadsheet:
        _carry_first_level(rows, result)
    given = [raw.get("编号") or raw.get("序号") for _, _, raw in rows]
    source = "编号" if all(raw.get("编号") for _, _, raw in rows) else "序号"
    if rows and all(given) and len(set(given)) == len(given):
        numbers = [str(n) for n in given]
        result.numbering = f"编号取自表中的“{source}”列"
    else:
        width = max(3, len(str(len(rows))))
        numbers = [f"{i:0{width}d}" for i in range(1, len(rows) + 1)]
        if rows:
            result.numbering = "表中没有唯一的编号或序号，编号按行的顺序生成（001 起）"
    order = [f.key for f in ITEM_FIELDS]
    items = []
    for number, (_, values, _) in zip(numbers, rows):
        values = {"编号": number, **values}
        items.append({key: values[key] for key in order if key in values})
    return items


def _carry_first_level(rows: list[tuple[int, dict[str, Any], dict[str, str]]], result: Imported) -> None:
    previous: str | None = None
    run: list[int] = []

    def close_run() -> None:
        if run:
            span = f"第 {run[0]} 行" if len(run) == 1 else f"第 {run[0]}–{run[-1]} 行"
            result.filled_down.append(f"{span}的一级事项为空，沿用上一行的“{previous}”（CSV 没有合并单元格的信息）")
            run.clear()

    for number, values, _ in rows:
        if values.get("一级事项"):
            close_run()
            previous = values["一级事项"]
        elif previous and values.get("二级事项"):
            values["一级事项"] = previous
            run.append(number)
        else:
            close_run()
            previous = None
    close_run()


def catalogue_yaml(imported: Imported, *, name: str, unit: str, source: str) -> str:
    """The YAML text of the imported catalogue, with a comment saying where it came from."""
    def dump(data: dict[str, Any], flow: bool | None) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=flow)

    # the header in block style; lists (渠道, 公开渠道, 公开层级) on one line, as people write them
    body = dump({"目录": {"名称": name, "编制单位": unit}}, False)
    if imported.channels:
        body += dump({"渠道": imported.channels}, None)
    body += dump({"事项": imported.items}, None)
    origin = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", source)
    head = (
        "# yaml-language-server: $schema=catalog.schema.json\n"
        f"# 由 hunnan-gk catalog import 从 {origin} 导入；请补全空白的要素，再用 hunnan-gk catalog validate 检查。\n"
    )
    return head + body
