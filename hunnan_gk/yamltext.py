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
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "无法解析"
    line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else 0
    described = f"{getattr(exc, 'context', None) or ''} {problem}".lower()
    hint = next((chinese for english, chinese in _SYNTAX_HINTS if english in described), "")
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] in _CHARACTER_HINTS:
        hint = _CHARACTER_HINTS[text[mark.index]]
    nearby = text.splitlines()[max(0, line - 2) : line]
    if any(re.match(r"\s*(?:-\s*)?[^\s:：#]+：", candidate) for candidate in nearby):
        hint = "键后面用了全角冒号“：”，YAML 要求半角冒号加空格“: ”"
    return f"YAML 语法错误：{hint}（{problem}）" if hint else f"YAML 语法错误：{problem}"


class YamlSyntaxError(Exception):
    """Text that is not YAML: the Chinese message and, where known, the line and column."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def located(self, where: str) -> ConfigError:
        """As a ConfigError naming `where` (the file) and the line."""
        line = f" 第 {self.line} 行" if self.line else ""
        return ConfigError(f"{where}{line}：{self.message}")


def compose(text: str, *, fast: bool = False) -> Node | None:
    """The node tree of `text` (None for an empty document); YamlSyntaxError if it is not YAML.
    `fast` composes with libyaml where PyYAML was built with it (the catalogue: 10,000 items)."""
    try:
        return yaml.compose(text, Loader=_FastLoader if fast else yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        raise _syntax_error(exc, text) from None


def compose_yaml(text: str, where: str) -> Node | None:
    """The node tree of `text`; ConfigError naming `where` and the line if it is not YAML."""
    try:
        return compose(text)
    except YamlSyntaxError as exc:
        raise exc.located(where) from None


def load_yaml(text: str, where: str) -> Any:
    """The data of `text` (safe types only); ConfigError naming `where` and the line if it is
    not YAML."""
    try:
        return yaml.safe_load(text)
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
    return YamlSyntaxError(f"YAML 无法读取：{_first_line(exc)}", line, column)


def _reader_position(exc: BaseException, text: str) -> tuple[int | None, int | None]:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return None, None
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
