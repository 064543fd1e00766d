"""Every YAML load of the project, with its errors in Chinese: the config, the holiday
override file and the catalogue validator read YAML only through here.

`load_yaml` gives plain data, `compose_yaml` the node tree (for messages naming a line); both
raise ConfigError naming the file and line. The catalogue validator, which reports problems
rather than raising, calls `compose` and reads the YamlSyntaxError's line and message.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import Node

from hunnan_gk.errors import ConfigError

try:  # libyaml's composer: about ten times faster than the pure-Python one
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _FastLoader  # type: ignore[assignment]

_SYNTAX_HINTS = (
    ("mapping values are not allowed", "此处不能出现“键: 值”：检查缩进，或给含“: ”的文字加引号"),
    ("could not find expected ':'", "找不到应有的冒号“: ”"),
    ("did not find expected key", "缩进不一致或缺少键"),
    ("did not find expected '-' indicator", "列表项缩进不一致，或列表后面跟了别的内容"),
    ("did not find expected ',' or ']'", "方括号列表没有闭合“]”"),
    ("did not find expected ',' or '}'", "花括号映射没有闭合“}”"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
    ("found another document", "文件里只能有一个 YAML 文档（去掉多余的“---”）"),
    ("expected <block end>", "缩进不一致：同一层的键要左对齐"),
    ("expected <document start>", "顶层内容缩进不一致或多了内容"),
    ("found duplicate anchor", "同一个锚点（&名称）定义了两次"),
    ("found unknown escape character", "双引号里的“\\”转义无法识别：改用单引号，或写成“\\\\”"),
    ("expected escape sequence", "双引号里的“\\x”“\\u”转义不完整"),
    ("found unexpected document separator", "文字中间出现了“---”或“...”"),
    ("mapping keys are not allowed", "此处不能出现键：检查缩进"),
    ("sequence entries are not allowed", "此处不能出现列表项“- ”：检查缩进"),
    ("while scanning a block scalar", "“|”或“>”后面的多行文字写法有误"),
    ("while scanning a quoted scalar", "引号中的文字没有结束"),
    ("while scanning a double-quoted scalar", "双引号中的文字没有结束"),
    ("while scanning a tag", "“!”开头的标签写法有误：文字以“!”开头时要加引号"),
    ("while scanning an anchor", "“&”开头的锚点写法有误：文字以“&”开头时要加引号"),
    ("while scanning an alias", "“*”开头的引用写法有误：文字以“*”开头时要加引号"),
    ("while scanning a directive", "“%”开头的指令写法有误"),
    ("while parsing a flow", "方括号或花括号没有闭合"),
    ("while parsing a block", "缩进不一致"),
    ("while scanning a simple key", "一行文字后面缺少冒号“: ”"),
    ("that cannot start any token", "此处的字符不能作为内容的开头：请给这段文字加引号"),
)
# A character that cannot start a token, at the error's position.
_CHARACTER_HINTS = {
    "\t": "YAML 不能用 Tab 缩进，请改用空格",
    "%": "文字以“%”开头时要加引号",
    "@": "文字以“@”开头时要加引号",
    "`": "文字以“`”开头时要加引号",
}


def _syntax_message(exc: yaml.YAMLError, text: str) -> str:
    """A PyYAML error in Chinese, with a hint at the usual cause where one is known."""
    problem = getattr(exc, "problem", None) or ""
    line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else 0
    described = f"{problem} {getattr(exc, 'context', None) or ''}".lower()
    hint = next((chinese for english, chinese in _SYNTAX_HINTS if english in described), "")
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] in _CHARACTER_HINTS:
        hint = _CHARACTER_HINTS[text[mark.index]]
    nearby = text.splitlines()[max(0, line - 2) : line]
    if any(re.match(r"\s*(?:-\s*)?[^\s:：#]+：", candidate) for candidate in nearby):
        hint = "键后面用了全角冒号“：”，YAML 要求半角冒号加空格“: ”"
    # PyYAML's own words ("mapping values are not allowed here") mean nothing to a clerk: the
    # Chinese hint, else where it went wrong (the line is named by the caller).
    return f"YAML 语法错误：{hint or '此处无法解析，请检查缩进、冒号和引号'}"


class YamlSyntaxError(Exception):
    """Text that is not YAML: the Chinese message and, where known, the line and column."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def located(self, where: str) -> ConfigError:
        """As a ConfigError naming `where` (the file) and the line."""
        line = f" 第 {self.line} 行" if self.line else ""
        return ConfigError(f"{where}{line}：{self.message}")


#: Nesting deeper than this is no config, override file or catalogue, but an attack or a slip.
MAX_DEPTH = 50
#: Nodes the document stands for once every alias (*name) is expanded: a 10,000-item
#: catalogue has about 300,000; "billion laughs" (aliases of aliases) has 10⁹.
MAX_EXPANDED_NODES = 2_000_000


def compose(text: str, *, fast: bool = False, strict: bool = False) -> Node | None:
    """The node tree of `text` (None for an empty document); YamlSyntaxError if it is not YAML,
    nests deeper than MAX_DEPTH, expands its aliases past MAX_EXPANDED_NODES or (with
    `strict`, for the config) repeats a key in a mapping or holds an alias of its own
    ancestor (a loop the catalogue validator reports itself). `fast` composes with libyaml where PyYAML was
    built with it (the catalogue: 10,000 items)."""
    try:
        root = yaml.compose(text, Loader=_FastLoader if fast else yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        raise _syntax_error(exc, text) from None
    if root is not None:
        if "&" in text or strict:
            check_bounds(root, strict=strict)
        else:  # no anchor, so no alias: only the depth can be out of bounds
            check_depth(root)
    return root


def check_depth(root: Node) -> None:
    """YamlSyntaxError, naming the line, for a tree (without aliases) nested deeper than
    MAX_DEPTH; only the collections are visited."""
    collections = (yaml.SequenceNode, yaml.MappingNode)
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(f"YAML 嵌套超过 {MAX_DEPTH} 层", _line(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair
                         if isinstance(part, collections))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value if isinstance(item, collections))


def check_bounds(root: Node, *, strict: bool = False) -> None:
    """YamlSyntaxError, naming the line, for a tree nested deeper than MAX_DEPTH, one whose
    aliases expand past MAX_EXPANDED_NODES, or (with `strict`) a key given twice in one
    mapping or an alias of its own ancestor (a loop; otherwise counted as one node). Linear in the nodes as written: an alias
    is one more reference to a node already measured."""
    measured: dict[int, tuple[int, int]] = {}  # id(node) → (nodes when expanded, depth)
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children = _children(node)
        if not children_done:
            if id(node) in measured:
                continue
            open_nodes.add(id(node))
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    if strict:
                        raise YamlSyntaxError("YAML 别名引用了包含它自己的内容（循环引用）", _line(child))
                    measured.setdefault(id(child), (1, 1))  # the loop's way back: one node
                elif id(child) not in measured:
                    stack.append((child, False))
            if strict and isinstance(node, yaml.MappingNode):
                _refuse_repeated_keys(node)
            continue
        open_nodes.discard(id(node))
        size = 1 + sum(measured[id(child)][0] for child in children)
        depth = 1 + max((measured[id(child)][1] for child in children), default=0)
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(f"YAML 嵌套超过 {MAX_DEPTH} 层", _line(node))
        if size > MAX_EXPANDED_NODES:
            raise YamlSyntaxError(
                f"YAML 的别名（*名称）展开后超过 {MAX_EXPANDED_NODES:,} 个节点，不像正常的文件（可能是“十亿笑声”攻击）",
                _line(node),
            )
        measured[id(node)] = (size, depth)


def _children(node: Node) -> list[Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _line(node: Node) -> int | None:
    return node.start_mark.line + 1 if node.start_mark else None


def _refuse_repeated_keys(node: yaml.MappingNode) -> None:
    seen: dict[tuple[str, str], int | None] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        if (key.tag, key.value) in seen:
            first = seen[(key.tag, key.value)]
            raise YamlSyntaxError(f"键“{key.value}”重复出现（第 {first} 行已有），只能写一次", _line(key))
        seen[(key.tag, key.value)] = _line(key)


def compose_yaml(text: str, where: str, *, strict: bool = True) -> Node | None:
    """The node tree of `text`; ConfigError naming `where` and the line if it is not YAML, is
    past the bounds of `compose` or repeats a key."""
    try:
        return compose(text, strict=strict)
    except YamlSyntaxError as exc:
        raise exc.located(where) from None


def load_yaml(text: str, where: str, *, strict: bool = True) -> Any:
    """The data of `text` (safe types only); ConfigError naming `where` and the line if it is
    not YAML, is past the bounds of `compose` or repeats a key."""
    root = compose_yaml(text, where, strict=strict)
    if root is None:
        return None
    try:
        return yaml.SafeLoader("").construct_document(root)
    except (yaml.YAMLError, RecursionError) as exc:
        raise _syntax_error(exc, text).located(where) from None


def _syntax_error(exc: BaseException, text: str) -> YamlSyntaxError:
    if isinstance(exc, RecursionError):
        return YamlSyntaxError("YAML 嵌套过深")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return YamlSyntaxError(_syntax_message(exc, text), line, column)
    # e.g. a control character the reader refuses
    line, column = _reader_position(exc, text)
    return YamlSyntaxError("YAML 无法读取：含有 YAML 不允许的字符（如控制字符）", line, column)


def _reader_position(exc: BaseException, text: str) -> tuple[int | None, int | None]:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return None, None
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1

