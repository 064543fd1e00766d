"""PyYAML syntax errors in Chinese, shared by the config, the holiday override file and the
catalogue validator."""

from __future__ import annotations

import re

import yaml

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


def yaml_syntax_message(exc: yaml.YAMLError, text: str) -> str:
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
