"""Letters (issue 15): every kind issued for a scenario that has it, a reply for every outcome
(both variants where there are two), each .docx opened with python-docx and read for the
article, reasons, remedy clause, 文号, dates and layout; the refusals; edited templates; the
audit event's hash; delivery and the remedy deadlines."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm, Pt

from hunnan_gk import letters, numbering
from hunnan_gk.vocab import LetterKind, Outcome
from tests.helpers import VALID_ID, ok, ok_json, register, work_calendar

ORGAN = "浑南区人民政府办公室"
REVIEW_BODY = "浑南区人民政府"
COURT = "沈阳市浑南区人民法院"
CONFIG = f"""\
organ:
  name: {ORGAN}
  review_body: {REVIEW_BODY}
  court: {COURT}
  contact: 政务公开办 024-23456789
"""
REASONS = "经审查，该信息系区住建局向区政府的请示，尚未形成最终决定。"


@pytest.fixture
def office(config_file, monkeypatch):
    config_file.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-06-28")
    return config_file


def body(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def issue(cli, kind: str, number: str, path: Path, *extra: str) -> dict:
    return ok_json(cli("letter", "issue", kind, number, "-o", path, "--json", *extra))


def at_reply(cli, received: str = "2024-04-01", **options) -> str:
    """A request carried to the stage 答复申请; its number."""
    number = register(cli, received, **options)["number"]
    for day in ("2024-04-02", "2024-04-03", "2024-04-08", "2024-04-09", "2024-04-10"):
        ok(cli("advance", number, "--on", day))
    return number


def replied(cli, outcome: str) -> str:
    number = at_reply(cli)
    ok(cli("advance", number, "--outcome", outcome, "--on", "2024-04-12"))
    return number


# --- pure ------------------------------------------------------------------------------


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (11, "十一"), (16, "十六"), (20, "二十"),
                                     (36, "三十六"), (100, "一百"), (101, "一百零一"), (110, "一百一十"),
                                     (115, "一百一十五")])
def test_chinese_numerals(n, text):
    assert letters.chinese_numeral(n) == text


def test_articles_are_cited_in_full_with_chinese_numerals_and_full_width_brackets():
    assert letters.cite([letters.Ref(36, item=4)]) == "《中华人民共和国政府信息公开条例》第三十六条第（四）项"
    assert letters.cite([letters.Ref(36, item=2), letters.Ref(40)]) == \
        "《中华人民共和国政府信息公开条例》第三十六条第（二）项、第四十条"
    assert letters.Ref(16, paragraph=1).text() == "第十六条第一款"


@pytest.mark.parametrize("day, text", [(date(2024, 4, 1), "2024年4月1日"), (date(2024, 10, 12), "2024年10月12日"),
                                       ("2025-01-09", "2025年1月9日")])
def test_dates_without_leading_zeros(day, text):
    assert letters.chinese_date(day) == text


@pytest.mark.parametrize("delivered, review, litigation", [
    ("2024-04-01", "2024-05-31", "2024-10-08"),  # 2024-10-01 … 07 国庆节
    ("2024-03-05", "2024-05-06", "2024-09-05"),  # 60 days: 2024-05-04, a 劳动节 holiday
    ("2024-08-31", "2024-10-30", "2025-02-28"),  # no 31 February: the month's last day
])
def test_remedy_deadlines_move_to_the_next_working_day(delivered, review, litigation):
    got = letters.remedy_until(date.fromisoformat(delivered), work_calendar())
    assert got == {"review": review, "litigation": litigation}


def test_every_outcome_has_a_reply_letter_and_every_template_ships():
    for outcome in Outcome:
        for variant in letters.VARIANTS.get(outcome, (None,)):
            assert letters.reply_spec(outcome, variant).template in letters.TEMPLATE_NAMES
    from hunnan_gk.render.letters import SHIPPED

    assert sorted(p.stem for p in SHIPPED.glob("*.docx")) == sorted(letters.TEMPLATE_NAMES)


@pytest.mark.parametrize("pattern, problem", [
    ("浑政复{seq}号", "{year}"), ("浑政复〔{year}〕{seq:04d}号", "{seq}"), ("浑政复〔{year}〕第{seq}号", "第"),
    ("浑政复〔{year}〕{seq}{other}号", "无法使用"),
])
def test_letter_number_patterns_are_checked(pattern, problem):
    from hunnan_gk.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        numbering.check_number_pattern(pattern, "letters.numbers.reply")
    assert problem in refused.value.message and "letters.numbers.reply" in refused.value.message


# --- the kinds ---------------------------------------------------------------------------


def test_kinds_lists_every_kind_with_its_name(cli):
    listed = ok_json(cli("letter", "kinds", "--json"))
    assert [k["kind"] for k in listed] == [k.value for k in LetterKind]
    assert {"kind": "reply", "name": "政府信息公开申请答复书"} in listed


@pytest.mark.parametrize("command", ["issue", "preview"])
def test_an_unknown_kind_is_named_in_chinese(cli, office, tmp_path, command):
    number = register(cli, "2024-04-01")["number"]
    extra = ["-o", tmp_path / "x.docx"] if command == "issue" else []
    refused = cli("letter", command, "回执单", number, *extra)
    assert refused.exit_code == 2 and refused.stderr.startswith("错误：文书种类 无法识别“回执单”")
    assert "KIND" not in refused.stderr and not (tmp_path / "x.docx").exists()


def test_receipt_numbers_dates_layout(cli, office, tmp_path):
    first = register(cli, "2024-04-01")["number"]
    second = register(cli, "2024-04-02")["number"]
    one = issue(cli, "receipt", first, tmp_path / "1.docx", "--on", "2024-04-01")
    two = issue(cli, "receipt", second, tmp_path / "2.docx", "--on", "2024-04-02")
    assert (one["letter_number"], two["letter_number"]) == ("浑政公开登〔2024〕1号", "浑政公开登〔2024〕2号")
    assert one["number"] == first and one["kind"] == "receipt" and one["issued"] == "2024-04-01"
    document = Document(str(tmp_path / "1.docx"))
    text = body(tmp_path / "1.docx")
    assert "〔2024〕1号" in text and "第1号" not in text and "0001号" not in text
    assert "2024年4月1日" in text and "2024年4月29日" in text  # received, and 20 working days later
    assert "《中华人民共和国政府信息公开条例》第三十一条、第三十三条第一款" in text
    assert f"登记编号为{first}" in text and "2023年浑南区老旧小区改造资金使用情况" in text
    assert "政务公开办 024-23456789" in text
    section = document.sections[0]
    assert abs(section.top_margin - Mm(37)) < Mm(0.1) and abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    paragraphs = [p for p in document.paragraphs if p.text]
    organ_line, title = paragraphs[0], paragraphs[1]
    assert organ_line.text == ORGAN and title.text == "政府信息公开申请登记回执"
    for line in (organ_line, title):
        assert line.alignment == 1  # centred
        assert line.runs[0].font.size == Pt(22) and "小标宋" in line.runs[0].font.name
    normal = document.styles["Normal"].font
    assert normal.size == Pt(16) and "仿宋" in normal.name
    assert [p.text for p in paragraphs[-2:]] == [ORGAN, "2024年4月1日"]
    assert all(p.alignment == 2 for p in paragraphs[-2:])  # bottom right


def test_supplement_needs_its_items(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("supplement", "ask", number, "--on", "2024-04-03", "--until", "2024-04-17"))
    refused = cli("letter", "issue", "supplement", number, "-o", tmp_path / "s.docx")
    assert refused.exit_code == 1 and "补正的事项" in refused.stderr and "--field supplement_items" in refused.stderr
    assert not (tmp_path / "s.docx").exists()
    ok(cli("correct", number, "--field", "supplement_items", "--to", "请写明文件名称", "--reason", "登记时漏录"))
    assert "请写明文件名称" in ok(cli("letter", "preview", "supplement", number)).stdout

    other = register(cli, "2024-04-01")["number"]
    ok(cli("supplement", "ask", other, "--on", "2024-04-03", "--until", "2024-04-17",
           "--items", "1.请写明所需文件的名称或文号；2.请提供身份证明复印件"))
    made = issue(cli, "supplement", other, tmp_path / "s.docx", "--on", "2024-04-03")
    assert made["letter_number"] == "浑政公开补〔2024〕1号"  # the refused one took no number
    unasked = register(cli, "2024-04-02")["number"]
    nothing = cli("correct", unasked, "--field", "supplement_items", "--to", "x", "--reason", "x")
    assert nothing.exit_code == 1
    text = body(tmp_path / "s.docx")
    assert "1.请写明所需文件的名称或文号；2.请提供身份证明复印件" in text
    assert "2024年4月17日前" in text and "《中华人民共和国政府信息公开条例》第三十条" in text
    assert "答复期限自本机关收到补正的申请之日起计算" in text and "视为放弃申请" in text


def test_extension(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("extend", number, "--days", "15", "--approver", "王主任", "--reason", "涉及多个单位需协调",
           "--on", "2024-04-25"))
    issue(cli, "extension", number, tmp_path / "e.docx", "--on", "2024-04-25")
    text = body(tmp_path / "e.docx")
    assert "王主任" in text and "延长15个工作日" in text and "因涉及多个单位需协调" in text
    assert "2024年5月22日前" in text  # 2024-04-29 + 15 working days (5月1-5日放假, 5月11日上班)
    assert "第三十三条第二款" in text


def test_consultation_letters(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("consult", "start", number, "--party", "沈阳某某建设有限公司", "--kind", "third_party", "--on", "2024-04-08"))
    ok(cli("consult", "start", number, "--party", "区自然资源分局", "--kind", "organ", "--on", "2024-04-09"))
    issue(cli, "consult_third_party", number, tmp_path / "t.docx", "--on", "2024-04-08")
    text = body(tmp_path / "t.docx")
    assert text.count("沈阳某某建设有限公司：") == 1 and "15个工作日" in text
    assert "2024年4月28日" in text  # 15 working days after 2024-04-08 (a Sunday worked in 2024)
    assert "第三十二条" in text and "由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开" in text
    issue(cli, "consult_organ", number, tmp_path / "o.docx", "--on", "2024-04-09")
    text = body(tmp_path / "o.docx")
    assert "区自然资源分局：" in text and "第三十四条" in text and "逾期未提出意见的视为同意公开" in text
    several = cli("letter", "issue", "consult_notice", number, "-o", tmp_path / "n.docx")
    assert several.exit_code == 2 and "--consultation" in several.stderr
    issue(cli, "consult_notice", number, tmp_path / "n.docx", "--consultation", "2", "--on", "2024-04-09")
    text = body(tmp_path / "n.docx")
    assert "征求意见所需时间不计算在答复期限内" in text and "第三十四条" in text and "张三：" in text


def test_reasons_and_fee(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    refused = cli("letter", "issue", "reasons", number, "-o", tmp_path / "r.docx")
    assert refused.exit_code == 1 and "--reasons" in refused.stderr
    issue(cli, "reasons", number, tmp_path / "r.docx", "--reasons", "你本月已提出申请42件。",
          "--until", "2024-04-20", "--on", "2024-04-05")
    text = body(tmp_path / "r.docx")
    assert "你本月已提出申请42件。" in text and "2024年4月20日前" in text and "第三十五条" in text
    fee = cli("letter", "issue", "fee", number, "-o", tmp_path / "f.docx")
    assert fee.exit_code == 1 and "fee notice" in fee.stderr and not (tmp_path / "f.docx").exists()


def test_fee_notice_letter(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    ok(cli("fee", "notice", number, "--basis", "per_page", "--pages", "150", "--amount", "1700", "--on", "2024-04-08"))
    missing = cli("letter", "issue", "fee", number, "-o", tmp_path / "f.docx")
    assert missing.exit_code == 2 and "letters.payment" in missing.stderr
    office.write_text(CONFIG + "letters:\n  payment: 辽宁省非税收入缴款平台（缴款码随本通知送达）\n", encoding="utf-8")
    made = issue(cli, "fee", number, tmp_path / "f.docx", "--on", "2024-04-08")
    assert made["letter_number"] == "浑政公开费〔2024〕1号"
    text = body(tmp_path / "f.docx")
    assert "按量计收信息处理费（提供政府信息150页），金额为1700元" in text
    assert "《中华人民共和国政府信息公开条例》第四十二条" in text and "国办函〔2020〕109号" in text
    assert "辽宁省非税收入缴款平台" in text and "20个工作日内" in text and "视为放弃申请" in text
    assert f"向{REVIEW_BODY}申请行政复议" in text


# --- replies -------------------------------------------------------------------------------

ARTICLES = {
    ("disclosed", "public"): "第三十六条第（一）项",
    ("disclosed", "provided"): "第三十六条第（二）项、第四十条",
    ("partial", None): "第三十七条",
    ("withheld_state_secret", None): "第十四条",
    ("withheld_prohibited", None): "第十四条",
    ("withheld_security", None): "第十四条",
    ("withheld_third_party", None): "第十五条",
    ("withheld_internal", None): "第十六条第一款",
    ("withheld_process", None): "第十六条第二款",
    ("withheld_enforcement", None): "第十六条第二款",
    ("withheld_query", None): "第三十六条第（七）项",
    ("unavailable_not_held", "not_exist"): "第三十六条第（四）项",
    ("unavailable_not_held", "other_organ"): "第三十六条第（五）项",
    ("unavailable_needs_creation", None): "第三十八条",
    ("unavailable_unclear", None): "第三十条",
    ("unprocessed_petition", None): "第三十九条第一款",
    ("unprocessed_repeat", None): "第三十六条第（六）项",
    ("unprocessed_publication", None): "第三十九条第二款",
    ("unprocessed_excessive", None): "第三十五条",
    ("unprocessed_confirmation", None): None,
    ("other_no_supplement", None): "第三十条",
    ("other_unpaid_fee", None): None,
    ("other", None): None,
}


def test_the_table_covers_every_outcome_and_variant():
    expected = {(o.value, v.value if v else None) for o in Outcome for v in letters.VARIANTS.get(o, (None,))}
    assert set(ARTICLES) == expected


@pytest.mark.parametrize("outcome, variant", list(ARTICLES), ids=[f"{o}-{v}" for o, v in ARTICLES])
def test_a_reply_for_every_outcome(cli, office, tmp_path, outcome, variant):
    number = replied(cli, outcome)
    extra = ["--reasons", REASONS, "--on", "2024-04-12"]
    if variant:
        extra += ["--variant", variant]
    if variant == "public":
        extra += ["--where", "浑南区人民政府网站“政府信息公开”栏目"]
    if outcome == "unprocessed_confirmation":
        extra += ["--basis", "国办公开办函〔2021〕30号"]
    made = issue(cli, "reply", number, tmp_path / "reply.docx", *extra)
    assert made["letter_number"] == "浑政公开复〔2024〕1号"
    text = body(tmp_path / "reply.docx")
    article = ARTICLES[(outcome, variant)]
    if article:
        assert f"《中华人民共和国政府信息公开条例》{article}的规定" in text
    if outcome == "unprocessed_confirmation":
        assert "根据国办公开办函〔2021〕30号的规定" in text
    if outcome == "other_unpaid_fee":
        assert "国办函〔2020〕109号" in text
    if outcome not in ("other_no_supplement", "other_unpaid_fee"):
        assert REASONS in text
    assert (f"可以自收到本答复之日起六十日内向{REVIEW_BODY}申请行政复议，或者自收到本答复之日起六个月内向"
            f"{COURT}提起行政诉讼") in text
    assert "2024年4月1日" in text and "2024年4月12日" in text and "{{" not in text and "{%" not in text
    assert "2023年浑南区老旧小区改造资金使用情况" in text


@pytest.mark.parametrize("outcome", [o.value for o in Outcome if (o.group or o is Outcome.PARTIAL)
                                     and o not in (Outcome.OTHER_NO_SUPPLEMENT, Outcome.OTHER_UNPAID_FEE)])
def test_a_refusal_without_reasons_is_refused(cli, office, tmp_path, outcome):
    number = replied(cli, outcome)
    variant = ["--variant", "not_exist"] if outcome == "unavailable_not_held" else []
    result = cli("letter", "issue", "reply", number, "-o", tmp_path / "r.docx", *variant)
    assert result.exit_code == 1 and "理由" in result.stderr
    assert not (tmp_path / "r.docx").exists()
    assert ok_json(cli("letter", "list", number, "--json")) == []


def test_confirmation_needs_a_basis(cli, office, tmp_path):
    number = replied(cli, "unprocessed_confirmation")
    result = cli("letter", "preview", "reply", number, "--reasons", REASONS)
    assert result.exit_code == 1 and "--basis" in result.stderr


def test_two_letter_outcomes_need_a_variant(cli, office, tmp_path):
    number = replied(cli, "disclosed")
    result = cli("letter", "issue", "reply", number, "-o", tmp_path / "r.docx")
    assert result.exit_code == 2 and "--variant" in result.stderr and "provided" in result.stderr
    wrong = cli("letter", "issue", "reply", number, "-o", tmp_path / "r.docx", "--variant", "not_exist")
    assert wrong.exit_code == 2


def test_a_reply_without_review_body_is_refused_naming_the_key(cli, config_file, monkeypatch, tmp_path):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-06-28")
    config_file.write_text(f"organ:\n  name: {ORGAN}\n  court: {COURT}\n", encoding="utf-8")
    number = replied(cli, "withheld_process")
    result = cli("letter", "issue", "reply", number, "-o", tmp_path / "r.docx", "--reasons", REASONS)
    assert result.exit_code == 2 and "organ.review_body" in result.stderr
    assert not (tmp_path / "r.docx").exists()
    config_file.write_text(f"organ: {ORGAN}\n", encoding="utf-8")
    assert cli("letter", "preview", "reply", number, "--reasons", REASONS).exit_code == 2


def test_the_organ_of_a_list_names_its_entry(cli, config_file, monkeypatch, tmp_path):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-06-28")
    config_file.write_text(f"organ: {ORGAN}\norgans:\n  - name: {ORGAN}\n    review_body: {REVIEW_BODY}\n",
                           encoding="utf-8")
    number = replied(cli, "withheld_process")
    result = cli("letter", "preview", "reply", number, "--reasons", REASONS)
    assert result.exit_code == 2 and "organs[1].court" in result.stderr


def test_preview_takes_no_number_and_records_nothing(cli, office, tmp_path):
    number = replied(cli, "withheld_internal")
    shown = ok(cli("letter", "preview", "reply", number, "--reasons", REASONS))
    assert "浑政公开复〔2024〕□号" in shown.stdout and "第十六条第一款" in shown.stdout
    markdown = ok(cli("letter", "preview", "reply", number, "--reasons", "<b>粗体</b>", "--format", "markdown"))
    assert markdown.stdout.startswith(f"# {ORGAN}") and "&lt;b&gt;" in markdown.stdout
    assert ok_json(cli("letter", "list", number, "--json")) == []
    made = issue(cli, "reply", number, tmp_path / "r.docx", "--reasons", REASONS)
    assert made["letter_number"] == "浑政公开复〔2024〕1号"


def test_the_proposal_gives_outcome_reasons_and_other_organ(cli, office, tmp_path):
    """Before `advance --outcome`, the approved proposal (issue 13) is the reply's outcome,
    its reasons the letter's, and the organ it names makes the 非本机关 variant."""
    number = register(cli, "2024-04-01")["number"]
    for day in ("2024-04-02", "2024-04-03", "2024-04-08"):
        ok(cli("advance", number, "--on", day))
    proposed = cli("propose", number, "--outcome", "unavailable_not_held", "--reasons", REASONS,
                   "--other-organ", "沈阳市浑南区住房和城乡建设局", "--other-contact", "024-11111111")
    ok(proposed)
    ok(cli("advance", number))  # 拟定 → 审核
    ok(cli("advance", number))  # 审核通过
    issue(cli, "reply", number, tmp_path / "r.docx")
    text = body(tmp_path / "r.docx")
    assert "第三十六条第（五）项" in text and REASONS in text
    assert "沈阳市浑南区住房和城乡建设局" in text and "024-11111111" in text


def test_config_letter_numbers_and_replace(cli, office, tmp_path):
    office.write_text(CONFIG + "letters:\n  numbers:\n    reply: 浑政依复〔{year}〕{seq}号\n", encoding="utf-8")
    number = replied(cli, "withheld_process")
    first = issue(cli, "reply", number, tmp_path / "1.docx", "--reasons", REASONS)
    assert first["letter_number"] == "浑政依复〔2024〕1号"
    again = cli("letter", "issue", "reply", number, "-o", tmp_path / "2.docx", "--reasons", REASONS)
    assert again.exit_code == 1 and "--replace" in again.stderr
    second = issue(cli, "reply", number, tmp_path / "2.docx", "--reasons", REASONS, "--replace", "浑政依复〔2024〕1号")
    assert second["letter_number"] == "浑政依复〔2024〕2号"
    listed = ok_json(cli("show", number, "--json"))["letters"]
    assert [(l["letter_number"], l["superseded_by"]) for l in listed] == [
        ("浑政依复〔2024〕1号", "浑政依复〔2024〕2号"), ("浑政依复〔2024〕2号", None)]
    office.write_text(CONFIG + "letters:\n  numbers:\n    reply: 浑政依复〔{year}〕{seq:03d}号\n", encoding="utf-8")
    bad = cli("letter", "list", number)
    assert bad.exit_code == 2 and "letters.numbers.reply" in bad.stderr


def test_an_existing_file_is_never_overwritten(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    target = tmp_path / "r.docx"
    target.write_bytes(b"earlier")
    result = cli("letter", "issue", "receipt", number, "-o", target)
    assert result.exit_code == 1 and "已存在" in result.stderr and target.read_bytes() == b"earlier"
    missing = cli("letter", "issue", "receipt", number, "-o", tmp_path / "no" / "r.docx")
    assert missing.exit_code == 1
    made = issue(cli, "receipt", number, tmp_path / "new.docx")
    assert made["letter_number"] == "浑政公开登〔2024〕1号"  # the failed ones gave their number back


def test_a_commit_that_fails_after_the_file_is_written_takes_it_back(cli, office, tmp_path, monkeypatch):
    from contextlib import contextmanager

    import hunnan_gk.storage.db as storage_db

    number = register(cli, "2024-04-01")["number"]
    original = storage_db.write

    @contextmanager
    def commit_fails(db):
        with original(db):
            yield db
            assert (tmp_path / "r.docx").exists()  # written inside the transaction
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(storage_db, "write", commit_fails)
    result = cli("letter", "issue", "receipt", number, "-o", tmp_path / "r.docx")
    assert result.exit_code == 3 and not (tmp_path / "r.docx").exists()
    monkeypatch.setattr(storage_db, "write", original)
    assert ok_json(cli("letter", "list", number, "--json")) == []
    assert issue(cli, "receipt", number, tmp_path / "r.docx")["letter_number"] == "浑政公开登〔2024〕1号"


def test_the_letter_event_holds_the_hash_of_the_file(cli, office, tmp_path):
    number = register(cli, "2024-04-01")["number"]
    made = issue(cli, "receipt", number, tmp_path / "r.docx", "--on", "2024-04-01")
    digest = hashlib.sha256((tmp_path / "r.docx").read_bytes()).hexdigest()
    assert made["sha256"] == digest and made["path"] == str((tmp_path / "r.docx").resolve())
    with sqlite3.connect("gk.db") as conn:
        data = [json.loads(row[0]) for row in conn.execute("SELECT data FROM events WHERE action = 'letter'")]
    assert data[0]["letter"] == {"kind": "receipt", "letter_number": "浑政公开登〔2024〕1号", "issued": "2024-04-01",
                                 "sha256": digest, "path": made["path"], "outcome": None, "variant": None,
                                 "replaces": None}
    ok(cli("audit", "verify"))
    ok(cli("db", "check"))


def test_deliver_gives_the_remedy_deadlines(cli, office, tmp_path):
    number = replied(cli, "withheld_process")
    made = issue(cli, "reply", number, tmp_path / "r.docx", "--reasons", REASONS, "--on", "2024-04-01")
    assert ok_json(cli("show", number, "--json"))["remedy_until"] is None
    no_tracking = cli("deliver", number, "--letter", made["letter_number"], "--method", "post", "--on", "2024-04-01")
    assert no_tracking.exit_code == 1 and "--tracking" in no_tracking.stderr
    delivered = ok_json(cli("deliver", number, "--letter", made["letter_number"], "--method", "邮寄",
                            "--tracking", "1180123456789", "--signed-by", "张三", "--on", "2024-04-01", "--json"))
    assert delivered["remedy_until"] == {"review": "2024-05-31", "litigation": "2024-10-08"}
    view = ok_json(cli("show", number, "--json"))
    assert view["remedy_until"] == {"review": "2024-05-31", "litigation": "2024-10-08"}
    assert view["letters"][0]["delivered"] == {"method": "post", "on": "2024-04-01", "tracking": "1180123456789",
                                               "signed_by": "张三"}
    assert "2024-10-08" in ok(cli("show", number)).stdout
    twice = cli("deliver", number, "--letter", made["letter_number"], "--method", "in_person", "--on", "2024-04-02")
    assert twice.exit_code == 1
    unknown = cli("deliver", number, "--letter", "浑政公开复〔2024〕9号", "--method", "in_person", "--on", "2024-04-02")
    assert unknown.exit_code == 1
    assert ok_json(cli("list", "--json"))[0]["letters"][0]["letter_number"] == made["letter_number"]
    ok(cli("undo", number, "--reason", "答复类型有误"))  # undo passes over letters to the reply step


# --- templates ------------------------------------------------------------------------------


def test_an_edited_template_wins_and_bad_ones_are_refused(cli, office, tmp_path):
    folder = tmp_path / "模板"
    ok(cli("letter", "templates", "export", folder))
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(letters.TEMPLATE_NAMES)
    assert cli("letter", "templates", "export", folder).exit_code == 1  # never over edited ones
    office.write_text(CONFIG + f"letters:\n  templates: {folder}\n", encoding="utf-8")
    number = register(cli, "2024-04-01")["number"]

    edited = Document(str(folder / "receipt.docx"))
    edited.add_paragraph("本机关办公时间：工作日8:30-17:00（{{ organ }}）")
    edited.save(str(folder / "receipt.docx"))
    shown = ok(cli("letter", "preview", "receipt", number))
    assert f"本机关办公时间：工作日8:30-17:00（{ORGAN}）" in shown.stdout

    edited.add_paragraph("{{ seal_text }}")
    edited.save(str(folder / "receipt.docx"))
    unknown = cli("letter", "issue", "receipt", number, "-o", tmp_path / "r.docx")
    assert unknown.exit_code == 2 and "seal_text" in unknown.stderr and "receipt.docx" in unknown.stderr

    (folder / "receipt.docx").write_bytes(b"not a zip")
    broken = cli("letter", "issue", "receipt", number, "-o", tmp_path / "r.docx")
    assert broken.exit_code == 2 and "receipt.docx" in broken.stderr and "不是有效的 .docx" in broken.stderr
    assert ok_json(cli("letter", "list", number, "--json")) == []

    (folder / "receipt.docx").unlink()  # back to the shipped one
    assert issue(cli, "receipt", number, tmp_path / "r.docx")["letter_number"] == "浑政公开登〔2024〕1号"


@pytest.mark.parametrize("name", letters.TEMPLATE_NAMES)
def test_every_shipped_template_renders(name):
    from docxtpl import DocxTemplate

    from hunnan_gk.render.letters import paragraphs, render_docx, template_path

    declared = DocxTemplate(template_path(name, None)).get_undeclared_template_variables()
    context = {key: f"〈{key}〉" for key in declared}
    outcomes = [o.value for o in Outcome if letters.reply_spec(o, letters.VARIANTS.get(o, (None,))[0]).template == name]
    for outcome in outcomes or [None]:
        if outcome:
            context["outcome"] = outcome
        text = "\n".join(t for t, _ in paragraphs(render_docx(name, context, None)))
        assert "{{" not in text and "{%" not in text and "〈organ〉" in text and "〈date〉" in text
        assert "〈letter_number〉" in text
        assert "〈received〉" in text and ("〈content〉" in text)


def test_hostile_text_stays_text_in_the_document(cli, office, tmp_path):
    from hunnan_gk.render.letters import paragraphs, render_docx

    number = register(cli, "2024-04-01", applicant="<w:p>张三&amp;", content='=HYPERLINK("x")内容')["number"]
    issue(cli, "receipt", number, tmp_path / "r.docx")
    text = body(tmp_path / "r.docx")
    assert "<w:p>张三&amp;：" in text and '=HYPERLINK("x")内容' in text
    # text from older records or the ledger may hold what XML cannot: shown, never a broken file
    context = {key: "x" for key in ("organ", "letter_number", "applicant", "applicant_extra", "received",
                                    "channel", "content", "request_number", "article", "due", "contact",
                                    "address", "date")}
    context["content"] = "\x1b[31m红\x00字\n第二行"
    lines = [t for t, _ in paragraphs(render_docx("receipt", context, None))]
    assert any("␛[31m红␀字\n第二行" in line for line in lines)


# --- applicants the letters address ------------------------------------------------------------


def test_organisations_and_agents(cli, office, tmp_path):
    made = register(cli, "2024-04-01", applicant="沈阳某某科技有限公司", type="commercial",
                    credit_code="91110000600037341L", legal_rep="李四", contact_person="王五",
                    agent="赵律师", agent_id=VALID_ID)
    number = made["number"]
    assert made["credit_code"] == "9111**********341L" and made["agent_id"] == "1101**********002X"
    shown = ok_json(cli("show", number, "--json"))
    assert shown["credit_code"] == "91110000600037341L" and shown["agent_id"] == VALID_ID
    assert shown["legal_rep"] == "李四" and shown["agent"] == "赵律师"
    issue(cli, "receipt", number, tmp_path / "r.docx")
    text = body(tmp_path / "r.docx")
    assert "沈阳某某科技有限公司（统一社会信用代码：91110000600037341L；法定代表人：李四；联系人：王五；委托代理人：赵律师）：" in text
    assert VALID_ID not in text
    bad = cli("register", "--applicant", "某公司", "--type", "commercial", "--channel", "online",
              "--received", "2024-04-01", "--content", "x", "--credit-code", "91110000600037341M")
    assert bad.exit_code == 1 and "统一社会信用代码" in bad.stderr
    ok(cli("correct", number, "--field", "agent", "--to", "钱律师", "--reason", "更换代理人"))
    assert ok_json(cli("show", number, "--json"))["agent"] == "钱律师"
    wrong_id = cli("correct", number, "--field", "agent_id", "--to", "110105194912310021", "--reason", "x")
    assert wrong_id.exit_code == 1 and "校验码" in wrong_id.stderr


def test_clerks_issuing_at_once_get_consecutive_numbers(cli, office, tmp_path):
    import subprocess
    import sys

    from tests.helpers import subprocess_env

    numbers = [register(cli, "2024-04-01")["number"] for _ in range(3)]
    runs = [subprocess.Popen([sys.executable, "-m", "hunnan_gk", "letter", "issue", "receipt", number,
                              "-o", str(tmp_path / f"{number}.docx"), "--json"],
                             env=subprocess_env(HUNNAN_GK_TODAY="2024-06-28"), stdout=subprocess.PIPE, text=True)
            for number in numbers]
    issued = [json.loads(run.communicate(timeout=60)[0]) for run in runs]
    assert sorted(i["letter_number"] for i in issued) == [f"浑政公开登〔2024〕{n}号" for n in (1, 2, 3)]
    for made in issued:
        assert hashlib.sha256(Path(made["path"]).read_bytes()).hexdigest() == made["sha256"]
