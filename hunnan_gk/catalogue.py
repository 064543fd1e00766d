"""The proactive-disclosure catalogue (主动公开事项目录): loading, validation, schema, diff.

Work plan item 3 asks every unit to keep its catalogue as a list (清单化管理) whose items
carry seven elements — 公开事项, 公开内容, 公开依据, 公开时限, 公开主体, 公开渠道, 责任 — and to
update it as things change (动态更新); 条例第19条、第20条 say what must be published, 条例第26条
gives 20 working days from when information is made or changed. Clerks edit these YAML files
by hand; this module is their safety net. It is pure: it returns problems, never prints.

The YAML is composed (not constructed) so that every node keeps its position: each problem
points at the offending key or value (1-based line and column), duplicate keys are caught at
every level (PyYAML would silently keep the last one), and a 10,000-item file checks in about
a second with libyaml's composer.

Problem codes (stable; docs/catalogue.md lists them too):

| code | severity | rule |
|------|----------|------|
| E001 | 错误 | 文件不存在或无法读取 |
| E002 | 错误 | 文件不是 UTF-8 编码（如 GBK/GB18030）；UTF-8 BOM 可以 |
| E003 | 错误 | YAML 语法错误 |
| E004 | 错误 | 同一层级键重复（任意层级） |
| E005 | 错误 | 顶层结构错误：不是映射、缺少“事项”列表、“目录”不是映射、“渠道”不是列表 |
| E006 | 错误 | 某个事项不是映射（键: 值） |
| E007 | 错误 | 缺少必填要素 |
| E008 | 错误 | 要素为空 |
| E009 | 错误 | 类型错误（应为文字却是数字、列表或映射等） |
| E010 | 错误 | 未知的键（附“是否应为…”建议） |
| E011 | 错误 | 编号重复 |
| E012 | 错误 | 同一公开主体下公开事项重复 |
| E013 | 错误 | 公开渠道不在声明的“渠道”列表中 |
| E014 | 错误 | 日期无效（格式不对或日期不存在） |
| E015 | 错误 | 取值不在允许的范围内（公开对象、公开方式、公开层级） |
| E016 | 错误 | 领域不在声明的领域列表中（目录.领域 或配置 catalogue_areas） |
| W001 | 警告 | 公开时限没有具体期限 |
| W002 | 警告 | 公开依据没有引用《》中的文件 |
| W003 | 警告 | 事项更新日期早于目录更新日期一年以上 |
| W004 | 警告 | 依据未核对（事项写了 核对: false） |
"""

from __future__ import annotations

import difflib
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hunnan_gk.errors import os_reason
from hunnan_gk.yamltext import YamlSyntaxError, compose

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告"}

# code → (severity, the rule in a few words); the docstring table and docs/catalogue.md mirror it.
CODES: dict[str, tuple[str, str]] = {
    "E001": (ERROR, "文件不存在或无法读取"),
    "E002": (ERROR, "文件不是 UTF-8 编码"),
    "E003": (ERROR, "YAML 语法错误"),
    "E004": (ERROR, "键重复"),
    "E005": (ERROR, "顶层结构错误"),
    "E006": (ERROR, "事项不是映射"),
    "E007": (ERROR, "缺少必填要素"),
    "E008": (ERROR, "要素为空"),
    "E009": (ERROR, "类型错误"),
    "E010": (ERROR, "未知的键"),
    "E011": (ERROR, "编号重复"),
    "E012": (ERROR, "同一公开主体下公开事项重复"),
    "E013": (ERROR, "公开渠道不在声明的渠道列表中"),
    "E014": (ERROR, "日期无效"),
    "E015": (ERROR, "取值不在允许的范围内"),
    "E016": (ERROR, "领域不在声明的领域列表中"),
    "W001": (WARNING, "公开时限没有具体期限"),
    "W002": (WARNING, "公开依据没有引用《》中的文件"),
    "W003": (WARNING, "事项更新日期早于目录更新日期一年以上"),
    "W004": (WARNING, "依据未核对"),
}

CONVERT_HINT = (
    "请转换为 UTF-8 后再检查：iconv -f GB18030 -t UTF-8 原文件 > 新文件；"
    "或用记事本/WPS 打开，“另存为”时把编码选为 UTF-8"
)


# --- the format: one definition feeds the validator, the schema and the exports ---


@dataclass(frozen=True)
class Field:
    """One key of the format. `kind`: text, channels (list of text), date, version, choice (one
    of `choices`), choices (a list of `choices`, one alone allowed), flag (true/false), areas (a
    list of names), or a top-level part (header, channel_list, items). `published`: whether
    show/export print it (核对 is the office's own note)."""

    key: str
    kind: str
    required: bool
    description: str
    english: tuple[str, ...] = ()  # English names clerks type by habit → did-you-mean
    choices: tuple[str, ...] = ()
    published: bool = True


# The values the 基层政务公开标准目录 columns allow (国办发〔2019〕54号 asks each item to name its
# 公开对象 and 公开方式; the standard tables add 公开层级). One definition: the validator, the
# schema and the import all read these.
AUDIENCES = ("全社会", "特定群体")
MODES = ("主动", "依申请")
LEVELS = ("县级", "乡级")

# The seven elements of work plan item 3 (责任 → 责任单位), with 编号, the standard catalogue's
# columns and optional extras. The order is the order of published columns.
ITEM_FIELDS: tuple[Field, ...] = (
    Field("编号", "text", True, "事项编号，在目录内唯一，如 HN-001", ("id", "no", "number", "code")),
    Field("类别", "text", False, "所属栏目或类别，如 营商环境", ("category", "type", "section")),
    Field("领域", "text", False, "所属领域，如 重大建设项目；声明了 目录.领域 时只能从中选", ("area", "domain", "sector")),
    Field("一级事项", "text", False, "标准目录的一级事项；可代替“公开事项”", ("level1", "first_level", "main_item")),
    Field("二级事项", "text", False, "标准目录的二级事项；有它时须有一级事项", ("level2", "second_level", "sub_item")),
    Field("公开事项", "text", True, "公开事项名称；写了一级事项时可省略（取 一级事项/二级事项）", ("title", "name", "item", "subject_matter")),
    Field("公开内容", "text", True, "公开的具体内容", ("content", "contents", "description")),
    Field(
        "公开依据",
        "text",
        True,
        "法律、法规、规章或文件依据，写明《文件名》及条款",
        ("basis", "legal_basis", "law", "authority"),
    ),
    Field(
        "公开时限",
        "text",
        True,
        "具体期限，如 信息形成或变更之日起20个工作日内、每年1月31日前、实时",
        ("deadline", "time_limit", "timeline", "period", "due"),
    ),
    Field("公开主体", "text", True, "负责公开的行政机关", ("subject", "publisher", "organ", "body")),
    Field(
        "公开渠道",
        "channels",
        True,
        "公开渠道列表，取自目录的“渠道”声明，如 [政府网站, 政务新媒体]",
        ("channels", "channel", "media", "where"),
    ),
    Field("公开对象", "choice", False, "全社会 或 特定群体", ("audience", "target", "public"), AUDIENCES),
    Field("公开方式", "choice", False, "主动 或 依申请", ("mode", "method", "manner"), MODES),
    Field("公开层级", "choices", False, "县级、乡级，或 [县级, 乡级]", ("level", "levels", "tier"), LEVELS),
    Field(
        "责任单位",
        "text",
        True,
        "承担公开工作的责任单位",
        ("department", "responsible", "unit", "owner", "dept"),
    ),
    Field("栏目", "text", False, "发布信息的网站栏目名称或网址", ("column", "url", "link", "web_column")),
    Field("更新日期", "date", False, "本事项最近更新日期，YYYY-MM-DD", ("updated", "date", "modified")),
    Field("备注", "text", False, "备注", ("note", "notes", "remark", "remarks", "comment")),
    Field(
        "核对",
        "flag",
        False,
        "公开依据是否已对照原文核对；false 时 validate 给出警告 W004（依据未核对）",
        ("verified", "checked"),
        published=False,
    ),
)

HEADER_FIELDS: tuple[Field, ...] = (
    Field("名称", "text", True, "目录名称", ("name", "title")),
    Field("编制单位", "text", True, "编制目录的单位", ("publisher", "author", "organization", "owner")),
    Field("版本", "version", False, "版本号，如 \"2024.1\"", ("version",)),
    Field("更新日期", "date", False, "目录更新日期，YYYY-MM-DD", ("updated", "date", "modified")),
    Field("领域", "areas", False, "本目录允许的领域；写了它，事项的领域就只能从中选", ("areas", "domains")),
)

TOP_FIELDS: tuple[Field, ...] = (
    Field("目录", "header", True, "目录的名称、编制单位、版本和更新日期", ("catalog", "catalogue", "meta")),
    Field(
        "渠道",
        "channel_list",
        False,
        "本目录允许的公开渠道；写了它，事项的公开渠道就只能从中选",
        ("channels", "channel"),
    ),
    Field("事项", "items", True, "公开事项列表", ("items", "entries", "list")),
)

ITEM_KEYS = tuple(f.key for f in ITEM_FIELDS)
_REPLACED_BY = {"公开事项": "一级事项"}  # a required key and the key that may stand in for it

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_NULL = "tag:yaml.org,2002:null"
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_BOOL = "tag:yaml.org,2002:bool"
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_PATTERN = r"^\d{4}-\d{1,2}-\d{1,2}$"
_CITES_DOCUMENT = re.compile(r"《[^《》]+》")

# 公开时限 forms that name a concrete period (W001).
_NUM = r"[0-9０-９一二三四五六七八九十百两]+"
_CONCRETE_PERIOD = re.compile(
    "|".join(
        (
            _NUM + r"个?(?:工作日|自然日|日|天|小时|周|个月|月|年)",  # 20个工作日内, 7日内, 3个月内
            _NUM + r"月" + _NUM + r"[日号]",  # 每年1月31日前, 5月15日
            r"每(?:年|半年|季度|季|月|旬|周|日|天)",  # 每月, 每季度
            r"实时|即时|当日|当天|长期|常态化|常年",
        )
    )
)


@dataclass(frozen=True)
class Problem:
    """One finding, pointing at a key or value (1-based line and column)."""

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str

    def as_text(self) -> str:
        """`PATH:LINE:COL: 错误|警告 CODE 消息`, the linter convention editors understand."""
        label = SEVERITY_LABELS[self.severity]
        return f"{self.path}:{self.line}:{self.column}: {label} {self.code} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Catalogue:
    """A loaded catalogue. Items map element names to text, a list of channels, or a date."""

    path: str
    header: dict[str, Any] = field(default_factory=dict)
    channels: list[str] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.header.get("名称") or Path(self.path).stem)

    def columns(self) -> list[str]:
        """The item keys to publish: every required element, and optional ones in use."""
        return [
            f.key
            for f in ITEM_FIELDS
            if f.published
            and (f.required or any(item.get(f.key) not in (None, "") for item in self.items))
        ]


@dataclass
class Checked:
    """The outcome of checking one file: the catalogue (None when unusable) and its problems."""

    path: str
    catalogue: Catalogue | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def item_count(self) -> int:
        return len(self.catalogue.items) if self.catalogue else 0

    @property
    def wants_area_list(self) -> bool:
        """Items name a 领域 but the file declares no 目录.领域: check them against the list the
        office configures (`catalogue_areas`), when there is one."""
        return bool(
            self.catalogue
            and "领域" not in self.catalogue.header
            and any("领域" in item for item in self.catalogue.items)
        )


# --- reading ---


def check_file(path: Path | str, *, areas: Iterable[str] | None = None) -> Checked:
    """Read and validate one catalogue file. `areas`: the office's list of 领域, used when the
    file declares none of its own."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return _unusable(shown, "E001", "文件不存在")
    except IsADirectoryError:
        return _unusable(shown, "E001", "这是一个目录，不是文件")
    except OSError as exc:
        return _unusable(shown, "E001", f"无法读取文件：{os_reason(exc)}")
    return check_bytes(data, shown, areas=areas)


def check_bytes(data: bytes, path: str = "<目录>", *, areas: Iterable[str] | None = None) -> Checked:
    """Decode (UTF-8, BOM allowed) and validate."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _unusable(path, "E002", "文件是 UTF-16 编码，需要 UTF-8。" + CONVERT_HINT.replace("GB18030", "UTF-16"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        try:
            data.decode("gb18030")
            message = "文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 记事本、WPS 常见的“ANSI”编码）。"
        except UnicodeDecodeError:
            message = "文件不是 UTF-8 编码（第一个无法识别的字节在此）。"
        return _unusable(path, "E002", message + CONVERT_HINT, line, column)
    return check_text(text, path, areas=areas)


def check_text(text: str, path: str = "<目录>", *, areas: Iterable[str] | None = None) -> Checked:
    """Validate catalogue text. Never raises on any input."""
    with _collector_paused():
        return _check_text(text.removeprefix("\ufeff"), path, list(areas) if areas is not None else None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The composed tree is hundreds of thousands of live objects; the cyclic garbage
    collector would rescan them over and over while they are built (measured: 3 s instead
    of 0.7 s for 10,000 items). Nothing here makes cycles worth collecting mid-way."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_text(text: str, path: str, areas: list[str] | None) -> Checked:
    try:
        root = compose(text, fast=True)
    except YamlSyntaxError as exc:
        return _unusable(path, "E003", exc.message, exc.line or 1, exc.column or 1)
    return _Validator(path, areas).run(root)


def _unusable(path: str, code: str, message: str, line: int = 1, column: int = 1) -> Checked:
    return Checked(path, None, [_problem(path, line, column, code, message)])


def _problem(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, CODES[code][0], code, message)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].removeprefix(b"\xef\xbb\xbf")
    column = len(prefix.decode("utf-8", errors="replace")) + 1
    return line, column


# --- validation ---


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar_text(node: Node) -> str | None:
    """The text of a plain or quoted string scalar, else None."""
    if isinstance(node, ScalarNode) and node.tag in (_STR, _TIMESTAMP):
        return node.value
    return None


def _is_empty(node: Node) -> bool:
    if isinstance(node, ScalarNode):
        return node.tag == _NULL or (node.tag == _STR and not node.value.strip())
    return isinstance(node, (SequenceNode, MappingNode)) and not node.value


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "映射（键: 值）"
    if isinstance(node, SequenceNode):
        return "列表"
    if node.tag in _NUMBERS:
        return f"数字 {node.value}"
    if node.tag == _BOOL:
        return f"真假值 {node.value}"
    if node.tag in (_STR, _TIMESTAMP):
        return f"文字“{node.value}”"
    return f"“{node.value}”（{node.tag.rsplit(':', 1)[-1]}）"


def suggest(key: str, fields: Iterable[Field]) -> str | None:
    """The known key a clerk probably meant: an English name, or a near spelling."""
    fields = tuple(fields)
    wanted = key.strip().lower().replace("-", "_").replace(" ", "_")
    for candidate in fields:
        if wanted in candidate.english:
            return candidate.key
    close = difflib.get_close_matches(key.strip(), [f.key for f in fields], n=1, cutoff=0.5)
    return close[0] if close else None


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class _Validator:
    """Walks the composed node tree once, collecting problems and the catalogue's data."""

    def __init__(self, path: str, areas: list[str] | None = None):
        self.path = path
        self.areas = areas
        self.problems: list[Problem] = []

    def report(self, node: Node | tuple[int, int], code: str, message: str) -> None:
        line, column = node if isinstance(node, tuple) else _position(node)
        self.problems.append(_problem(self.path, line, column, code, message))

    def run(self, root: Node | None) -> Checked:
        if root is None:
            self.report((1, 1), "E005", "文件是空的：需要“目录”和“事项”两部分")
            return Checked(self.path, None, self.problems)
        self.check_duplicate_keys(root)
        if not isinstance(root, MappingNode):
            self.report(root, "E005", f"顶层应是映射（目录:、渠道:、事项:），实际是{_describe(root)}")
            return Checked(self.path, None, self.problems)
        parts = self.mapping(root, TOP_FIELDS, "顶层")
        catalogue = Catalogue(self.path)
        if "目录" in parts:
            catalogue.header = self.header(parts["目录"][1])
        if "渠道" in parts:
            catalogue.channels = self.channel_list(parts["渠道"][1])
        items_node = parts.get("事项", (None, None))[1]
        if items_node is not None:
            if isinstance(items_node, SequenceNode):
                catalogue.items = self.items(items_node, catalogue)
            elif not _is_empty(items_node):
                self.report(items_node, "E005", f"“事项”应是列表（每项以“- ”开头），实际是{_describe(items_node)}")
        self.problems.sort(key=lambda p: (p.line, p.column))
        return Checked(self.path, catalogue, self.problems)

    def check_duplicate_keys(self, root: Node) -> None:
        """PyYAML keeps the last of two equal keys without a word: report every repeat."""
        seen_nodes: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen_nodes:  # aliases can share (or loop back to) a node
                continue
            seen_nodes.add(id(node))
            if isinstance(node, SequenceNode):
                stack.extend(child for child in node.value if child.__class__ is not ScalarNode)
                continue
            if not isinstance(node, MappingNode):
                continue
            first_at: dict[str, Node] = {}
            for key, value in node.value:
                if key.__class__ is ScalarNode:
                    earlier = first_at.setdefault(key.value, key)
                    if earlier is not key:
                        self.report(
                            key,
                            "E004",
                            f"键“{key.value}”重复（第 {earlier.start_mark.line + 1} 行已有）；"
                            "YAML 只会保留后一个，前一个的内容会悄悄丢失",
                        )
                else:
                    stack.append(key)
                if value.__class__ is not ScalarNode:
                    stack.append(value)

    def mapping(
        self, node: MappingNode, fields: tuple[Field, ...], where: str
    ) -> dict[str, tuple[Node, Node]]:
        """Known keys → (key node, value node) (the last, as YAML does); report unknown and
        missing keys."""
        known = [f.key for f in fields]
        found: dict[str, tuple[Node, Node]] = {}
        suggested: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name in known:
                found[name] = (key, value)
                continue
            shown = name if name is not None else _describe(key)
            guess = suggest(name, fields) if name else None
            if guess:
                suggested.add(guess)
                self.report(key, "E010", f"{where}有未知的键“{shown}”，是否应为“{guess}”？")
            else:
                self.report(key, "E010", f"{where}有未知的键“{shown}”，可用的键：{'、'.join(known)}")
        missing = [
            f"“{f.key}”"
            for f in fields
            if f.required
            and f.key not in found
            and f.key not in suggested
            and not (f.key in _REPLACED_BY and _REPLACED_BY[f.key] in found)
        ]
        if missing:
            self.report(node, "E007", f"{where}缺少{'、'.join(missing)}")
        return found

    def header(self, node: Node) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            self.report(node, "E005", f"“目录”应是映射（名称:、编制单位: …），实际是{_describe(node)}")
            return {}
        return self.values(self.mapping(node, HEADER_FIELDS, "目录"), HEADER_FIELDS, "目录")

    def values(self, found: dict[str, tuple[Node, Node]], fields: tuple[Field, ...], where: str) -> dict[str, Any]:
        """Check each value's type and return the usable ones."""
        result: dict[str, Any] = {}
        for f in fields:
            if f.key not in found:
                continue
            value = found[f.key][1]
            if _is_empty(value):
                if f.required:
                    self.report(value if not _is_null(value) else found[f.key][0], "E008", f"{where}的“{f.key}”是空的")
                continue
            checked = self.value(f, value, where)
            if checked is not None:
                result[f.key] = checked
        return result

    def value(self, f: Field, node: Node, where: str) -> Any:
        if f.kind == "text":
            text = _scalar_text(node)
            if text is None:
                self.report(node, "E009", f"{where}的“{f.key}”应是文字，实际是{_describe(node)}{_quote_hint(node)}")
            return text.strip() if text is not None else None
        if f.kind == "version":
            if isinstance(node, ScalarNode) and (node.tag in _NUMBERS or node.tag == _STR):
                return node.value
            self.report(node, "E009", f"{where}的“{f.key}”应是文字或数字，实际是{_describe(node)}")
            return None
        if f.kind == "date":
            return self.date_value(f, node, where)
        if f.kind == "channels":
            return self.channel_names(node, f"{where}的“{f.key}”")
        if f.kind == "choice":
            text = _scalar_text(node)
            if text is None:
                self.report(node, "E009", f"{where}的“{f.key}”应是{'或'.join(f.choices)}，实际是{_describe(node)}")
                return None
            return self.choice(f, node, text.strip(), where)
        if f.kind == "choices":
            names = self.channel_names(node, f"{where}的“{f.key}”", "层级", f"[{', '.join(f.choices)}]")
            if names is None:
                return None
            entries = node.value if isinstance(node, SequenceNode) else [node]
            texts = iter(names)
            chosen = [
                self.choice(f, entry, next(texts), where)
                for entry in entries
                if _scalar_text(entry) is not None and entry.value.strip()
            ]
            return [name for name in chosen if name is not None]
        if f.kind == "flag":
            if isinstance(node, ScalarNode) and node.tag == _BOOL:
                return node.value.lower() in ("true", "yes", "on")
            self.report(node, "E009", f"{where}的“{f.key}”应是 true 或 false，实际是{_describe(node)}")
            return None
        if f.kind == "areas":
            if isinstance(node, SequenceNode):
                return self.channel_names(node, f"{where}的“{f.key}”", "领域", "[重大建设项目, 义务教育]")
            self.report(node, "E009", f"{where}的“{f.key}”应是领域列表，如 [重大建设项目, 义务教育]，实际是{_describe(node)}")
            return None
        raise AssertionError(f.kind)  # pragma: no cover - every kind is handled above

    def date_value(self, f: Field, node: Node, where: str) -> date | None:
        text = _scalar_text(node)
        if text is None:
            self.report(node, "E009", f"{where}的“{f.key}”应是日期 YYYY-MM-DD，实际是{_describe(node)}")
            return None
        match = _DATE.fullmatch(text.strip())
        if not match:
            self.report(node, "E014", f"{where}的“{f.key}”“{text}”不是日期，请写作 YYYY-MM-DD，如 2024-07-26")
            return None
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            self.report(node, "E014", f"{where}的“{f.key}”“{text}”不是一个存在的日期")
            return None

    def choice(self, f: Field, node: Node, text: str, where: str) -> str | None:
        """`text` if it is one of the field's values, else E015 with the value it resembles."""
        if text in f.choices:
            return text
        close = [c for c in f.choices if c in text] or difflib.get_close_matches(text, f.choices, n=1, cutoff=0.5)
        hint = f"；是否应为“{close[0]}”？" if close else ""
        self.report(node, "E015", f"{where}的“{f.key}”“{text}”不是可用的值（{'、'.join(f.choices)}）{hint}")
        return None

    def channel_names(
        self, node: Node, what: str, noun: str = "渠道", example: str = "[政府网站, 政务新媒体]"
    ) -> list[str] | None:
        """A list of names (a single name is accepted as a list of one)."""
        if isinstance(node, ScalarNode) and _scalar_text(node) is not None:
            return [node.value.strip()]
        if not isinstance(node, SequenceNode):
            self.report(node, "E009", f"{what}应是{noun}列表，如 {example}，实际是{_describe(node)}")
            return None
        names: list[str] = []
        for entry in node.value:
            text = _scalar_text(entry)
            if text is None or not text.strip():
                problem = f"空的{noun}" if _is_empty(entry) else f"应是{noun}名称，实际是{_describe(entry)}"
                self.report(entry, "E008" if _is_empty(entry) else "E009", f"{what}中有{problem}")
                continue
            names.append(text.strip())
        return names

    def channel_list(self, node: Node) -> list[str] | None:
        if isinstance(node, SequenceNode):
            return self.channel_names(node, "“渠道”声明")
        if not _is_empty(node):
            self.report(node, "E005", f"“渠道”应是列表，如 [政府网站, 政务新媒体]，实际是{_describe(node)}")
        return None

    def items(self, node: SequenceNode, catalogue: Catalogue) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        numbers: dict[str, int] = {}
        titles: dict[tuple[str, str], int] = {}
        catalogue_date = catalogue.header.get("更新日期")
        allowed = catalogue.channels
        self.allowed_areas = catalogue.header.get("领域", self.areas)
        for index, entry in enumerate(node.value, start=1):
            if not isinstance(entry, MappingNode):
                self.report(entry, "E006", f"第 {index} 个事项应是映射（编号:、公开事项: …），实际是{_describe(entry)}{_colon_hint(entry)}")
                continue
            where = _item_name(entry, index)
            found = self.mapping(entry, ITEM_FIELDS, where)
            item = self.values(found, ITEM_FIELDS, where)
            self.standard_item(item, found, entry, where)
            items.append(item)
            self.item_rules(item, found, where, numbers, titles, allowed, catalogue_date)
        return items

    def standard_item(self, item: dict[str, Any], found, entry: MappingNode, where: str) -> None:
        """The standard catalogue's 一级事项/二级事项 stand in for 公开事项 (as 一级事项/二级事项)."""
        first, second = item.get("一级事项"), item.get("二级事项")
        if second is not None and first is None and "一级事项" not in found:
            self.report(found["二级事项"][0], "E007", f"{where}有“二级事项”，缺少“一级事项”")
        if "公开事项" not in found and first is not None:
            item["公开事项"] = f"{first}/{second}" if second else first

    def item_rules(self, item, found, where, numbers, titles, allowed, catalogue_date) -> None:
        line_of = lambda key: found[key][1].start_mark.line + 1  # noqa: E731
        number = item.get("编号")
        if number is not None:
            if number in numbers:
                self.report(found["编号"][1], "E011", f"编号“{number}”重复（第 {numbers[number]} 行已用）")
            else:
                numbers[number] = line_of("编号")
        title, subject = item.get("公开事项"), item.get("公开主体")
        if title is not None and subject is not None:
            if (subject, title) in titles:
                self.report(
                    found["公开事项"][1],
                    "E012",
                    f"{subject}的公开事项“{title}”重复（第 {titles[subject, title]} 行已有）",
                )
            else:
                titles[subject, title] = line_of("公开事项" if "公开事项" in found else "一级事项")
        channels = item.get("公开渠道")
        if channels is not None and allowed is not None:
            self.undeclared_channels(found["公开渠道"][1], channels, allowed, where)
        period = item.get("公开时限")
        if period is not None and not _CONCRETE_PERIOD.search(period):
            self.report(
                found["公开时限"][1],
                "W001",
                f"{where}的公开时限“{period}”没有具体期限；可写 信息形成或变更之日起20个工作日内（条例第26条）、"
                "N日内、每年M月D日前、每月/每季度/每年、实时、长期/常态化",
            )
        basis = item.get("公开依据")
        if basis is not None and not _CITES_DOCUMENT.search(basis):
            self.report(found["公开依据"][1], "W002", f"{where}的公开依据没有引用文件，请写明《文件名》及条款")
        if item.get("核对") is False:
            node = found["公开依据"][1] if "公开依据" in found else found["核对"][1]
            self.report(node, "W004", f"{where}的公开依据未核对（核对: false）：发布前请对照原文核实文件和条款")
        area = item.get("领域")
        if area is not None and self.allowed_areas is not None and area not in self.allowed_areas:
            close = difflib.get_close_matches(area, self.allowed_areas, n=1, cutoff=0.5)
            hint = f"；是否应为“{close[0]}”？" if close else ""
            self.report(found["领域"][1], "E016", f"{where}的领域“{area}”不在声明的领域中（{'、'.join(self.allowed_areas)}）{hint}")
        updated = item.get("更新日期")
        if updated is not None and catalogue_date is not None and updated < _one_year_before(catalogue_date):
            self.report(
                found["更新日期"][1],
                "W003",
                f"{where}的更新日期 {updated.isoformat()} 比目录更新日期 {catalogue_date.isoformat()} 早一年以上，请核实是否需要动态更新",
            )

    def undeclared_channels(self, node: Node, channels: list[str], allowed: list[str], where: str) -> None:
        entries = node.value if isinstance(node, SequenceNode) else [node]
        names = iter(channels)
        for entry in entries:
            if _scalar_text(entry) is None or not entry.value.strip():
                continue  # already reported as a wrong type or an empty entry
            name = next(names)
            if name in allowed:
                continue
            hint = ""
            if re.search(r"[、，,；;]", name):
                hint = "；多个渠道请写成列表 [政府网站, 政务新媒体]"
            else:
                close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.5)
                hint = f"；是否应为“{close[0]}”？" if close else ""
            self.report(
                entry,
                "E013",
                f"{where}的公开渠道“{name}”不在声明的渠道中（{'、'.join(allowed)}）{hint}",
            )


def _item_name(entry: MappingNode, index: int) -> str:
    """How messages name an item: by its 编号 when it has a usable one."""
    for key, value in entry.value:
        if isinstance(key, ScalarNode) and key.value == "编号":
            number = _scalar_text(value)
            if number and number.strip():
                return f"事项“{number.strip()}”"
    return f"第 {index} 个事项"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _quote_hint(node: Node) -> str:
    if isinstance(node, ScalarNode) and node.tag in _NUMBERS | {_BOOL}:
        return f"；如确是文字，请加引号：\"{node.value}\""
    return ""


def _colon_hint(node: Node) -> str:
    if isinstance(node, ScalarNode) and "：" in node.value:
        return "；键后面要用半角冒号加空格“: ”，不能用全角冒号“：”"
    return ""


# --- publishing: rows as published, the JSON Schema for editors, and 动态更新 diffs ---

# The channels work plan item 15/16 names (domain.md §8): offered to editors as completions.
PLAN_CHANNELS = ("政府网站", "政务新媒体", "政务公开专区", "新闻发布会", "新闻媒体")


def cell_text(value: Any) -> str:
    """A value as one published cell: channels joined with 、, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def published_rows(catalogue: Catalogue) -> tuple[list[str], list[list[str]]]:
    """Column headers and one row of text per item, in the format's field order."""
    columns = catalogue.columns()
    return columns, [[cell_text(item.get(key)) for key in columns] for item in catalogue.items]


def header_line(catalogue: Catalogue) -> str:
    """编制单位 · 版本 · 更新日期 · N 项, for titles of tables and pages."""
    parts = [cell_text(catalogue.header.get(key)) for key in ("编制单位", "版本", "更新日期")]
    labelled = [parts[0], f"版本 {parts[1]}" if parts[1] else "", f"更新日期 {parts[2]}" if parts[2] else ""]
    return " · ".join([part for part in labelled if part] + [f"共 {len(catalogue.items)} 项"])


def _schema_for(f: Field) -> dict[str, Any]:
    text = {"type": "string", "minLength": 1, "pattern": r"\S"}
    if f.kind == "text":
        schema: dict[str, Any] = dict(text)
    elif f.kind == "version":
        schema = {"type": ["string", "number"]}
    elif f.kind == "date":
        schema = {"type": "string", "pattern": _DATE_PATTERN}
    elif f.kind in ("channels", "channel_list"):
        channel = {**text, "examples": list(PLAN_CHANNELS)}
        listed = {"type": "array", "items": channel, "minItems": 1, "uniqueItems": True}
        schema = {"anyOf": [channel, listed]} if f.kind == "channels" else listed
    elif f.kind == "choice":
        schema = {"enum": list(f.choices)}
    elif f.kind == "choices":
        one = {"enum": list(f.choices)}
        schema = {"anyOf": [one, {"type": "array", "items": one, "minItems": 1, "uniqueItems": True}]}
    elif f.kind == "flag":
        schema = {"type": "boolean"}
    elif f.kind == "areas":
        schema = {"type": "array", "items": dict(text), "minItems": 1, "uniqueItems": True}
    else:  # pragma: no cover - the top-level parts are built in json_schema()
        raise AssertionError(f.kind)
    return {"description": f.description, **schema}


def _object_schema(fields: tuple[Field, ...], description: str) -> dict[str, Any]:
    keys = {f.key for f in fields}
    replaceable = [key for key, other in _REPLACED_BY.items() if key in keys and other in keys]
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "required": [f.key for f in fields if f.required and f.key not in replaceable],
        "properties": {f.key: _schema_for(f) for f in fields},
        "additionalProperties": False,
    }
    for key in replaceable:  # 公开事项, or 一级事项 in its place
        schema["anyOf"] = [{"required": [key]}, {"required": [_REPLACED_BY[key]]}]
    return schema


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the format, built from the same field definitions the
    validator checks. Rules a schema cannot say (duplicate 编号, declared channels, dates that
    do not exist, the warnings) are left to `hunnan-gk catalog validate`."""
    top = {f.key: f for f in TOP_FIELDS}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "主动公开事项目录",
        "description": "浑南区政务公开工作要点第3项：每个事项含公开事项、公开内容、公开依据、公开时限、"
        "公开主体、公开渠道、责任单位七要素。由 hunnan-gk catalog schema 生成。",
        "type": "object",
        "required": [f.key for f in TOP_FIELDS if f.required],
        "properties": {
            "目录": _object_schema(HEADER_FIELDS, top["目录"].description),
            "渠道": _schema_for(top["渠道"]),
            "事项": {
                "description": top["事项"].description,
                "type": "array",
                "items": {"$ref": "#/$defs/item"},
            },
        },
        "additionalProperties": False,
        "$defs": {"item": _object_schema(ITEM_FIELDS, "一个公开事项")},
    }


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": _plain(self.old), "new": _plain(self.new)}


@dataclass(frozen=True)
class ItemChange:
    number: str
    title: str
    changes: list[Change]

    def as_dict(self) -> dict[str, Any]:
        return {"编号": self.number, "公开事项": self.title, "changes": [c.as_dict() for c in self.changes]}


@dataclass
class CatalogueDiff:
    """What changed between two versions of a catalogue, item by item (by 编号)."""

    old_path: str
    new_path: str
    header: list[Change]
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ItemChange]

    @property
    def empty(self) -> bool:
        return not (self.header or self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_path,
            "new": self.new_path,
            "catalogue": [c.as_dict() for c in self.header],
            "added": [_plain_item(item) for item in self.added],
            "removed": [_plain_item(item) for item in self.removed],
            "changed": [c.as_dict() for c in self.changed],
        }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _plain_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(item[key]) for key in ITEM_KEYS if key in item}


def _changes(old: dict[str, Any], new: dict[str, Any], keys: Iterable[str]) -> list[Change]:
    return [Change(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)]


def diff_catalogues(old: Catalogue, new: Catalogue) -> CatalogueDiff:
    """Items added, removed and changed (field by field), matched by 编号 (动态更新)."""
    old_items = {item["编号"]: item for item in old.items if "编号" in item}
    new_items = {item["编号"]: item for item in new.items if "编号" in item}
    header_keys = [f.key for f in HEADER_FIELDS]
    header = _changes(old.header, new.header, header_keys)
    if old.channels != new.channels:
        header.append(Change("渠道", old.channels, new.channels))
    changed = []
    for number, item in new_items.items():
        if number in old_items:
            changes = _changes(old_items[number], item, ITEM_KEYS)
            if changes:
                changed.append(ItemChange(number, str(item.get("公开事项", "")), changes))
    return CatalogueDiff(
        old_path=old.path,
        new_path=new.path,
        header=header,
        added=[item for number, item in new_items.items() if number not in old_items],
        removed=[item for number, item in old_items.items() if number not in new_items],
        changed=changed,
    )
