"""Writes the shipped letter templates, hunnan_gk/data/letters/*.docx (issue 15).

    python -m tools.letter_templates

The .docx files are what ships and what an office copies out (`letter templates export`) and
edits in Word or WPS; this script is how they were made, kept so that a change of wording or
layout for every template is one edit. Layout of GB/T 9704-2012 (letters.md §4): A4, top
margin 37 mm, left 28 mm, text block 156 × 225 mm (22 lines of 28 characters); title 2号
(22 pt) 小标宋 centred; body 3号 (16 pt) 仿宋; page numbers 4号 "— 1 —".

Placeholders are docxtpl's Jinja tags. The facts (文号, dates, the article, the reasons, the
复议机关 and court) come from hunnan_gk/letters.py; the templates hold only the wording.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parents[1] / "hunnan_gk" / "data" / "letters"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE = Pt(28.9)  # 225 mm / 22 lines

INTRO = ("本机关于{{ received }}收到你（单位）提出的政府信息公开申请（登记编号{{ request_number }}），"
         "申请获取“{{ content }}”。")
REMEDY = ("如对本答复不服，可以自收到本答复之日起六十日内向{{ review_body }}申请行政复议，"
          "或者自收到本答复之日起六个月内向{{ court }}提起行政诉讼。")
REPLY_INTRO = INTRO + "经审查，现答复如下："
IF_REASONS = ("{%p if reasons %}", "{{ reasons }}", "{%p endif %}")
TO_APPLICANT = "{{ applicant }}{% if applicant_extra %}（{{ applicant_extra }}）{% endif %}："

# name → (title, salutation, body paragraphs, closing, with remedy clause)
TEMPLATES: dict[str, tuple[str, str, tuple[str, ...], str, bool]] = {
    "receipt": ("政府信息公开申请登记回执", TO_APPLICANT, (
        "本机关于{{ received }}收到你（单位）通过{{ channel }}方式提出的政府信息公开申请，申请获取"
        "“{{ content }}”，已予登记，登记编号为{{ request_number }}。",
        "根据{{ article }}的规定，本机关将自收到申请之日起20个工作日内，即于{{ due }}前作出答复；"
        "需要延长答复期限的，将另行告知。申请需要补正的，答复期限自收到补正的申请之日起计算；"
        "征求第三方或者其他机关意见所需时间不计算在答复期限内。",
        "联系方式：{{ contact }}{% if address %}；地址：{{ address }}{% endif %}",
    ), "特此告知。", False),
    "supplement": ("补正申请告知书", TO_APPLICANT, (
        INTRO,
        "经审查，你（单位）的申请需要补正。根据{{ article }}的规定，现一次性告知需要补正的事项如下：",
        "{{ items }}",
        "请你（单位）于{{ until }}前向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。"
        "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
    ), "特此告知。", False),
    "extension": ("延期答复告知书", TO_APPLICANT, (
        INTRO,
        "因{{ extension_reason }}，本机关不能在规定期限内作出答复。根据{{ article }}的规定，"
        "经本机关政府信息公开工作机构负责人{{ approver }}同意，答复期限延长{{ days }}个工作日，"
        "本机关将于{{ new_due }}前作出答复。",
    ), "特此告知。", False),
    "consult_third_party": ("征求第三方意见书", "{{ party }}：", (
        "本机关于{{ received }}收到{{ applicant }}提出的政府信息公开申请（登记编号{{ request_number }}），"
        "申请获取“{{ content }}”。{% if reasons %}{{ reasons }}{% else %}该信息可能涉及你方的商业秘密、"
        "个人隐私等合法权益，公开后可能损害你方的合法权益。{% endif %}",
        "根据{{ article }}的规定，现书面征求你方意见。请你方自收到本意见书之日起{{ consult_workdays }}个"
        "工作日内（自本意见书发出之日起计算为{{ consult_due }}前）提出是否同意公开的书面意见，并说明理由。"
        "逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。",
    ), "特此函告。", False),
    "consult_organ": ("征求意见函", "{{ party }}：", (
        "本机关于{{ received }}收到{{ applicant }}提出的政府信息公开申请（登记编号{{ request_number }}），"
        "申请获取“{{ content }}”。该信息涉及贵机关职责{% if reasons %}：{{ reasons }}{% endif %}。",
        "根据{{ article }}的规定，现征求贵机关意见。请于收到本函之日起{{ consult_workdays }}个工作日内"
        "（自本函发出之日起计算为{{ consult_due }}前）书面回复。逾期未提出意见的视为同意公开。",
    ), "特此函告。", False),
    "consult_notice": ("征求意见告知书", TO_APPLICANT, (
        INTRO,
        "因该申请所涉政府信息需要征求{{ party_kind }}意见，本机关已于{{ consult_start }}书面征求意见。"
        "根据{{ article }}的规定，征求意见所需时间不计算在答复期限内。",
    ), "特此告知。", False),
    "reasons": ("说明理由告知书", TO_APPLICANT, (
        INTRO,
        "{{ reasons }}",
        "本机关认为，你（单位）申请公开政府信息的数量、频次明显超过合理范围。根据{{ article }}的规定，"
        "请你（单位）于{{ until }}前向本机关说明理由。本机关认为理由不合理的，将告知不予处理；认为理由"
        "合理，但无法在规定期限内答复的，将确定延迟答复的合理期限并告知你（单位）。",
    ), "特此告知。", False),
    "fee": ("收费通知书", TO_APPLICANT, (
        INTRO,
        "你（单位）申请公开政府信息的数量、频次明显超过合理范围。根据{{ article }}和{{ fee_measures }}的"
        "规定，本机关{{ fee_basis }}信息处理费{% if pages %}（提供政府信息{{ pages }}页）{% endif %}，"
        "金额为{{ amount }}元。",
        "请你（单位）自收到本通知之日起20个工作日内通过{{ pay_how }}缴纳。逾期未缴纳的，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。本通知发出之日至缴纳费用之日的期间不计算在答复期限内。",
    ), "特此通知。", True),
    "reply_disclosed_public": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "你（单位）申请获取的政府信息已经主动公开。根据{{ article }}的规定，现告知获取该政府信息的方式和途径："
        "{{ where }}",
        *IF_REASONS,
    ), "特此告知。", True),
    "reply_disclosed_provided": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "你（单位）申请获取的政府信息属于可以公开的政府信息。根据{{ article }}的规定，本机关予以公开，"
        "现将该政府信息提供给你（单位）{% if where %}（{{ where }}）{% endif %}。",
        *IF_REASONS,
    ), "特此告知。", True),
    "reply_partial": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "你（单位）申请获取的政府信息中，部分内容可以公开，部分内容不予公开。根据{{ article }}的规定，"
        "本机关对可以公开的部分予以提供{% if where %}（{{ where }}）{% endif %}；不予公开部分的内容和理由如下：",
        "{{ reasons }}",
        "{%p if basis %}", "依据：{{ basis }}", "{%p endif %}",
    ), "特此告知。", True),
    "reply_withheld": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "你（单位）申请获取的政府信息{% if outcome == 'withheld_state_secret' %}属于依法确定为国家秘密的政府信息"
        "{% elif outcome == 'withheld_prohibited' %}属于法律、行政法规禁止公开的政府信息"
        "{% elif outcome == 'withheld_security' %}公开后可能危及国家安全、公共安全、经济安全、社会稳定"
        "{% elif outcome == 'withheld_third_party' %}涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"
        "{% elif outcome == 'withheld_internal' %}属于人事管理、后勤管理、内部工作流程等方面的内部事务信息"
        "{% elif outcome == 'withheld_process' %}属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、"
        "磋商信函、请示报告等过程性信息"
        "{% elif outcome == 'withheld_enforcement' %}属于行政执法案卷信息"
        "{% elif outcome == 'withheld_query' %}属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定"
        "{% endif %}。理由如下：",
        "{{ reasons }}",
        "根据{{ article }}的规定，{% if outcome == 'withheld_query' %}请你（单位）依照有关法律、行政法规的规定办理"
        "{% else %}本机关决定不予公开{% endif %}。",
    ), "特此告知。", True),
    "reply_unavailable_not_exist": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "本机关对你（单位）申请获取的政府信息进行了检索查找，情况如下：",
        "{{ reasons }}",
        "经检索查找，你（单位）申请获取的政府信息不存在。根据{{ article }}的规定，本机关无法提供。",
    ), "特此告知。", True),
    "reply_unavailable_other_organ": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "你（单位）申请获取的政府信息不属于本机关负责公开，理由如下：",
        "{{ reasons }}",
        "根据{{ article }}的规定，本机关无法提供。{% if other_organ %}该政府信息由{{ other_organ }}负责公开"
        "{% if other_contact %}（联系方式：{{ other_contact }}）{% endif %}，你（单位）可以向其提出申请。{% endif %}",
    ), "特此告知。", True),
    "reply_unavailable": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "{% if outcome == 'unavailable_needs_creation' %}你（单位）申请获取的信息需要本机关对现有政府信息进行"
        "加工、分析方能形成，理由如下：{% else %}本机关已于{{ supplement_asked }}告知你（单位）补正申请，"
        "补正后申请内容仍不明确，理由如下：{% endif %}",
        "{{ reasons }}",
        "根据{{ article }}的规定，{% if outcome == 'unavailable_needs_creation' %}本机关不予提供"
        "{% else %}本机关无法提供{% endif %}。",
    ), "特此告知。", True),
    "reply_unprocessed": ("政府信息公开申请答复书", TO_APPLICANT, (
        REPLY_INTRO,
        "{% if outcome == 'unprocessed_petition' %}你（单位）以政府信息公开申请的形式进行信访、投诉、举报等活动"
        "{% elif outcome == 'unprocessed_repeat' %}本机关已就你（单位）提出的政府信息公开申请作出答复，"
        "你（单位）重复申请公开相同政府信息"
        "{% elif outcome == 'unprocessed_publication' %}你（单位）申请获取的是政府公报、报刊、书籍等公开出版物"
        "{% elif outcome == 'unprocessed_excessive' %}你（单位）申请公开政府信息的数量、频次明显超过合理范围，"
        "且说明的理由不合理"
        "{% else %}你（单位）的申请是要求本机关确认或者重新出具已获取的信息{% endif %}。理由如下：",
        "{{ reasons }}",
        "根据{{ article }}的规定，{% if outcome == 'unprocessed_petition' %}本机关不作为政府信息公开申请处理，"
        "你（单位）可以通过信访、投诉、举报等相应渠道提出"
        "{% elif outcome == 'unprocessed_repeat' %}本机关不予重复处理"
        "{% elif outcome == 'unprocessed_publication' %}本机关不作为政府信息公开申请处理，你（单位）可以通过"
        "出版发行渠道或者公共图书馆、档案馆等获取"
        "{% else %}本机关不予处理{% endif %}。",
    ), "特此告知。", True),
    "reply_other": ("政府信息公开申请答复书", TO_APPLICANT, (
        INTRO,
        "{% if outcome == 'other_no_supplement' %}本机关已于{{ supplement_asked }}告知你（单位）补正申请，"
        "补正期限至{{ supplement_until }}。你（单位）无正当理由逾期未补正。根据{{ article }}的规定，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。"
        "{% elif outcome == 'other_unpaid_fee' %}你（单位）未在收到收费通知之日起20个工作日内缴纳信息处理费。"
        "根据{{ article }}的规定，视为放弃申请，本机关不再处理该政府信息公开申请。"
        "{% else %}{{ reasons }}{% endif %}",
        "{%p if reasons and outcome != 'other' %}", "{{ reasons }}", "{%p endif %}",
    ), "特此告知。", True),
}


def _east_asian(run, font: str, size) -> None:
    """`font` at `size` for a run or a style, Chinese characters included (w:eastAsia)."""
    run.font.name = font
    run.font.size = size
    fonts = run.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), font)


def _style(document, name: str, font: str, size) -> None:
    style = document.styles[name]
    _east_asian(style, font, size)
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = LINE


def _paragraph(document, text: str, *, title: bool = False, align=None, indent: bool = False,
               right_indent=None):
    paragraph = document.add_paragraph()
    if title:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(36)
    elif align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 16 pt
    if right_indent is not None:
        paragraph.paragraph_format.right_indent = right_indent
    if text:
        run = paragraph.add_run(text)
        _east_asian(run, TITLE_FONT if title else BODY_FONT, TITLE_SIZE if title else BODY_SIZE)
    return paragraph


def _page_number(section) -> None:
    """— 1 — centred in the footer, 4号 宋体 (GB/T 9704 §7.5)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("— ")
    _east_asian(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    run = paragraph.add_run()
    _east_asian(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    run = paragraph.add_run(" —")
    _east_asian(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def build(name: str) -> Document:
    title, salutation, body, closing, remedy = TEMPLATES[name]
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    _style(document, "Normal", BODY_FONT, BODY_SIZE)
    _paragraph(document, "{{ organ }}", title=True)
    _paragraph(document, title, title=True)
    _paragraph(document, "{{ letter_number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    _paragraph(document, salutation)
    for text in body:
        _paragraph(document, text, indent=not text.startswith("{%p"))
    if remedy:
        _paragraph(document, REMEDY.replace("本答复", "本通知") if name == "fee" else REMEDY, indent=True)
    _paragraph(document, closing, indent=True)
    # the organ and the date stay together on one page, under the seal
    for _ in range(2):
        _paragraph(document, "").paragraph_format.keep_with_next = True
    signature = _paragraph(document, "{{ organ }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(32))
    signature.paragraph_format.keep_with_next = True
    _paragraph(document, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(32))
    _page_number(section)
    document.core_properties.title = title
    document.core_properties.author = "hunnan-gk"
    return document


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATES:
        build(name).save(OUT / f"{name}.docx")
        print(OUT / f"{name}.docx")


if __name__ == "__main__":
    main()
