"""Letters as Word/WPS documents: a docxtpl template filled with the facts of
`hunnan_gk.letters`, and the filled document read back as text for `letter preview`.

The shipped templates are hunnan_gk/data/letters/*.docx (made by tools/letter_templates.py);
a template of the same name in the folder `letters.templates` wins. A template that is not a
.docx, does not parse, or names a placeholder the letter does not have is refused (exit 2)
naming the file and the placeholder: a letter is never sent with a blank where a fact should be.
Edited templates are rendered in Jinja's sandbox, and every value is escaped for XML.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Mapping

from hunnan_gk.errors import InputError

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "letters"
SUFFIX = ".docx"


def shipped_templates() -> list[Path]:
    return sorted(SHIPPED.glob(f"*{SUFFIX}"))


def template_path(name: str, override: Path | None) -> Path:
    """The template called `name`: the office's edited one in `override`, else the shipped one."""
    if override is not None:
        edited = Path(override) / f"{name}{SUFFIX}"
        if edited.is_file():
            return edited
    return SHIPPED / f"{name}{SUFFIX}"


def _value(value: Any) -> Any:
    """A context value as the document takes it: control characters (which XML cannot hold)
    shown as placeholders, line breaks kept as line breaks."""
    from docxtpl import Listing

    from hunnan_gk.safetext import visible

    if not isinstance(value, str):
        return value
    text = visible(value)
    return Listing(text) if "\n" in text else text


def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _load(path: Path):
    """The template at `path`; InputError (exit 2) naming it when it is not a usable .docx."""
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from lxml.etree import XMLSyntaxError

    template = DocxTemplate(path)
    try:
        template.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError, OSError):
        raise InputError(f"文书模板 {path} 不是有效的 .docx 文件",
                         hint="用 Word 或 WPS 另存为 .docx；或删除该文件以使用内置模板") from None
    return template


def _placeholders(template, environment) -> set[str]:
    """The names a template's tags use (body, headers, footers), read from the document
    already loaded (docxtpl's get_undeclared_template_variables would open the file again)."""
    from docx.oxml import parse_xml
    from jinja2 import meta

    xml = template.patch_xml(template.xml_to_string(template.docx._element.body))
    for relation in template.docx._part.rels.values():
        if relation.reltype in (template.HEADER_URI, template.FOOTER_URI) and relation.target_part.blob:
            xml += template.patch_xml(template.xml_to_string(parse_xml(relation.target_part.blob)))
    return meta.find_undeclared_variables(environment.parse(xml))


def render_docx(name: str, context: Mapping[str, Any], override: Path | None) -> bytes:
    """The letter: template `name` filled with `context`, as the bytes of a .docx file."""
    from jinja2 import TemplateError

    path = template_path(name, override)
    template = _load(path)
    environment = _environment()
    try:
        unknown = _placeholders(template, environment) - set(context)
    except TemplateError as exc:
        raise InputError(f"文书模板 {path} 的占位符写法有误：{exc}",
                         hint="占位符写作 {{ 名称 }}；在 Word 中编辑时，注意引号不要被自动改成中文引号") from None
    if unknown:
        raise InputError(
            f"文书模板 {path} 使用了未知的占位符：{'、'.join(sorted(unknown))}",
            hint="这份文书可用的占位符：" + "、".join(sorted(context)),
        )
    try:
        template.render({key: _value(value) for key, value in context.items()}, environment, autoescape=True)
    except TemplateError as exc:
        raise InputError(f"文书模板 {path} 无法填写：{exc}") from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def paragraphs(docx: bytes) -> list[tuple[str, str]]:
    """The body of a filled letter: each paragraph's text and its alignment
    (left, center, right)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    alignments = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right"}
    document = Document(io.BytesIO(docx))
    return [(p.text, alignments.get(p.alignment, "left")) for p in document.paragraphs]


def letter_text(docx: bytes, *, markdown: bool = False) -> str:
    """The letter for the terminal: titles centred (Markdown: headings), the organ and date
    to the right, as the document lays them out."""
    from hunnan_gk.safetext import visible

    lines: list[str] = []
    titles = 0
    for text, alignment in paragraphs(docx):
        text = visible(text)
        if not markdown:
            room = max(LINE_WIDTH - _width(text), 0)
            lines.append(" " * (room // 2) + text if alignment == "center"
                         else " " * room + text if alignment == "right" else text)
            continue
        if not text:
            continue
        if alignment == "center" and titles < 2:
            lines.append(("# " if titles == 0 else "## ") + _markdown_escape(text))
            titles += 1
        elif alignment != "left":
            lines.append(f'<p align="{alignment}">{_html(text)}</p>')
        else:
            lines.append(_markdown_escape(text))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


LINE_WIDTH = 64  # terminal columns: 32 Chinese characters


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _html(text: str) -> str:
    import html

    return html.escape(text)


def _markdown_escape(text: str) -> str:
    """Applicant text stays text in Markdown: HTML escaped, a leading # or > not a heading."""
    escaped = _html(text)
    if escaped[:1] in "#>-*+|":
        escaped = "\\" + escaped
    return escaped
