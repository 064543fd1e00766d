"""Letters (文书) as plain data: which article each rests on, the 文号, the dates written the
Chinese way, the remedy deadlines, and the facts each template is filled with (letters.md).

Pure: rows, dates and the calendar in, strings and dicts out. The wording lives in the
templates (render/letters.py fills them); the facts a court checks — the article, the
reasons, the 文号, the dates, the 复议机关 and court — are made here, never typed into a
template by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Mapping

from hunnan_gk.clock import CONSULTATION_WORKDAYS  # 条例第32条、第34条
from hunnan_gk.dates import check_not_after_today
from hunnan_gk.errors import ConfigError, InputError, Refused
from hunnan_gk.vocab import Channel, ConsultKind, EventAction, LetterKind, LetterVariant, Outcome

if TYPE_CHECKING:
    from hunnan_gk.organs import Organ
    from hunnan_gk.workdays import WorkCalendar

REGULATION = "《中华人民共和国政府信息公开条例》"
FEE_MEASURES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

# --- Chinese numerals and dates ------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 16 → 十六, 36 → 三十六, 101 → 一百零一, 110 → 一百一十 (as articles are numbered)."""
    if not 0 < n < 1000:
        raise ValueError(f"{n} is not an article number")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    text = ""
    if hundreds:
        text = _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return text + "零" + _DIGITS[units]
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


def chinese_date(day: date | str | None) -> str:
    """2024年4月1日: the year in full, no leading zeros (GB/T 9704-2012 §7.3.5.4)."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


# --- articles ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An article of the 条例, with its paragraph (款) or item (项) where the rule is one."""

    article: int
    paragraph: int | None = None
    item: int | None = None

    def text(self) -> str:
        """第三十六条第（四）项, 第十六条第一款, 第三十八条."""
        text = f"第{chinese_numeral(self.article)}条"
        if self.paragraph:
            text += f"第{chinese_numeral(self.paragraph)}款"
        if self.item:
            text += f"第（{chinese_numeral(self.item)}）项"
        return text


def cite(refs: tuple[Ref, ...] | list[Ref]) -> str:
    """《中华人民共和国政府信息公开条例》第三十六条第（二）项、第四十条; '' for none."""
    if not refs:
        return ""
    return REGULATION + "、".join(ref.text() for ref in refs)


@dataclass(frozen=True)
class ReplySpec:
    """What a reply letter of one outcome (and variant) rests on (letters.md §2)."""

    template: str
    refs: tuple[Ref, ...]
    reasons_required: bool
    other_basis: str = ""  # a basis outside the 条例 (the fee measures)


_REASONS = True
# 条例第36-39条 and the annual report's rows (国办公开办函〔2021〕30号), per outcome.
REPLIES: dict[tuple[Outcome, LetterVariant | None], ReplySpec] = {
    (Outcome.DISCLOSED, LetterVariant.PUBLIC): ReplySpec("reply_disclosed_public", (Ref(36, item=1),), False),
    (Outcome.DISCLOSED, LetterVariant.PROVIDED): ReplySpec(
        "reply_disclosed_provided", (Ref(36, item=2), Ref(40)), False),
    (Outcome.PARTIAL, None): ReplySpec("reply_partial", (Ref(37),), _REASONS),
    (Outcome.WITHHELD_STATE_SECRET, None): ReplySpec("reply_withheld", (Ref(14),), _REASONS),
    (Outcome.WITHHELD_PROHIBITED, None): ReplySpec("reply_withheld", (Ref(14),), _REASONS),
    (Outcome.WITHHELD_SECURITY, None): ReplySpec("reply_withheld", (Ref(14),), _REASONS),
    (Outcome.WITHHELD_THIRD_PARTY, None): ReplySpec("reply_withheld", (Ref(15),), _REASONS),
    (Outcome.WITHHELD_INTERNAL, None): ReplySpec("reply_withheld", (Ref(16, paragraph=1),), _REASONS),
    (Outcome.WITHHELD_PROCESS, None): ReplySpec("reply_withheld", (Ref(16, paragraph=2),), _REASONS),
    (Outcome.WITHHELD_ENFORCEMENT, None): ReplySpec("reply_withheld", (Ref(16, paragraph=2),), _REASONS),
    (Outcome.WITHHELD_QUERY, None): ReplySpec("reply_withheld", (Ref(36, item=7),), _REASONS),
    (Outcome.UNAVAILABLE_NOT_HELD, LetterVariant.NOT_EXIST): ReplySpec(
        "reply_unavailable_not_exist", (Ref(36, item=4),), _REASONS),
    (Outcome.UNAVAILABLE_NOT_HELD, LetterVariant.OTHER_ORGAN): ReplySpec(
        "reply_unavailable_other_organ", (Ref(36, item=5),), _REASONS),
    (Outcome.UNAVAILABLE_NEEDS_CREATION, None): ReplySpec("reply_unavailable", (Ref(38),), _REASONS),
    (Outcome.UNAVAILABLE_UNCLEAR, None): ReplySpec("reply_unavailable", (Ref(30),), _REASONS),
    (Outcome.UNPROCESSED_PETITION, None): ReplySpec("reply_unprocessed", (Ref(39, paragraph=1),), _REASONS),
    (Outcome.UNPROCESSED_REPEAT, None): ReplySpec("reply_unprocessed", (Ref(36, item=6),), _REASONS),
    (Outcome.UNPROCESSED_PUBLICATION, None): ReplySpec("reply_unprocessed", (Ref(39, paragraph=2),), _REASONS),
    (Outcome.UNPROCESSED_EXCESSIVE, None): ReplySpec("reply_unprocessed", (Ref(35),), _REASONS),
    # no single article (the category comes from 国办公开办函〔2021〕30号): the basis is the
    # office's to give, never invented here
    (Outcome.UNPROCESSED_CONFIRMATION, None): ReplySpec("reply_unprocessed", (), _REASONS),
    (Outcome.OTHER_NO_SUPPLEMENT, None): ReplySpec("reply_other", (Ref(30),), False),
    (Outcome.OTHER_UNPAID_FEE, None): ReplySpec("reply_other", (), False, other_basis=FEE_MEASURES),
    (Outcome.OTHER, None): ReplySpec("reply_other", (), _REASONS),  # what happened (e.g. withdrawn)
}

#: The outcomes with two letters, and their variants (letters.md §2).
VARIANTS: dict[Outcome, tuple[LetterVariant, ...]] = {
    Outcome.DISCLOSED: (LetterVariant.PROVIDED, LetterVariant.PUBLIC),
    Outcome.UNAVAILABLE_NOT_HELD: (LetterVariant.NOT_EXIST, LetterVariant.OTHER_ORGAN),
}

#: The article of each kind other than the reply (letters.md §1).
KIND_REFS: dict[LetterKind, tuple[Ref, ...]] = {
    LetterKind.RECEIPT: (Ref(31), Ref(33, paragraph=1)),
    LetterKind.SUPPLEMENT: (Ref(30),),
    LetterKind.EXTENSION: (Ref(33, paragraph=2),),
    LetterKind.CONSULT_THIRD_PARTY: (Ref(32),),
    LetterKind.CONSULT_ORGAN: (Ref(34),),
    LetterKind.REASONS: (Ref(35),),
}

#: Every template shipped, by name: one per kind and one per reply outcome group or variant.
TEMPLATE_NAMES: tuple[str, ...] = tuple(
    [k.value for k in LetterKind if k is not LetterKind.REPLY]
    + sorted({spec.template for spec in REPLIES.values()})
)

#: Kinds a request has one standing letter of; another needs --replace.
SINGLE_KINDS = frozenset({LetterKind.RECEIPT, LetterKind.SUPPLEMENT, LetterKind.REPLY})


def reply_spec(outcome: Outcome, variant: LetterVariant | None) -> ReplySpec:
    return REPLIES[(outcome, variant if outcome in VARIANTS else None)]


def reply_variant(outcome: Outcome, given: str | None, other_organ: str | None) -> LetterVariant | None:
    """The variant of a reply: --variant, else 非本机关 when the proposal names another organ,
    else required for the two outcomes that have two letters (InputError naming them)."""
    choices = VARIANTS.get(outcome)
    if choices is None:
        if given:
            raise InputError(f"--variant 只用于 {'、'.join(o.value for o in VARIANTS)}；"
                             f"答复类型 {outcome.value}（{outcome.short_label}）只有一种答复书")
        return None
    if given:
        variant = LetterVariant.parse(given, option="--variant")
        if variant not in choices:
            raise InputError(f"--variant 对 {outcome.value} 可选：" + "、".join(f"{v.value}（{v.label}）" for v in choices))
        return variant
    if outcome is Outcome.UNAVAILABLE_NOT_HELD and other_organ:
        return LetterVariant.OTHER_ORGAN
    raise InputError(
        f"答复类型 {outcome.value}（{outcome.short_label}）有两种答复书，请用 --variant 指明："
        + "、".join(f"{v.value}（{v.label}）" for v in choices)
    )


# --- 文号 ------------------------------------------------------------------------------

#: The 文号 of each kind unless `letters.numbers` says otherwise: 机关代字〔年份〕序号号.
DEFAULT_NUMBERS: dict[str, str] = {
    LetterKind.RECEIPT.value: "浑政公开登〔{year}〕{seq}号",
    LetterKind.SUPPLEMENT.value: "浑政公开补〔{year}〕{seq}号",
    LetterKind.EXTENSION.value: "浑政公开延〔{year}〕{seq}号",
    LetterKind.CONSULT_THIRD_PARTY.value: "浑政公开征〔{year}〕{seq}号",
    LetterKind.CONSULT_ORGAN.value: "浑政公开函〔{year}〕{seq}号",
    LetterKind.CONSULT_NOTICE.value: "浑政公开告〔{year}〕{seq}号",
    LetterKind.REASONS.value: "浑政公开说〔{year}〕{seq}号",
    LetterKind.FEE.value: "浑政公开费〔{year}〕{seq}号",
    LetterKind.REPLY.value: "浑政公开复〔{year}〕{seq}号",
}


def number_pattern(patterns: Mapping[str, str], kind: LetterKind) -> str:
    return patterns.get(kind.value) or DEFAULT_NUMBERS[kind.value]


# --- remedy deadlines ------------------------------------------------------------------

REVIEW_DAYS = 60  # 行政复议法（2023年修订）第二十条: 自知道之日起六十日内
LITIGATION_MONTHS = 6  # 行政诉讼法第四十六条: 自知道或者应当知道作出行政行为之日起六个月内


def remedy_until(delivered: date, calendar: "WorkCalendar") -> dict[str, str]:
    """The last day to apply for 行政复议 and to bring 行政诉讼 against a reply delivered on
    `delivered`. The day of delivery is not counted, and a period ending on a non-working day
    ends on the next working day: 民事诉讼法第八十五条, which 行政复议法（2023年修订）第八十八条
    and 行政诉讼法第一百零一条 apply to their periods."""
    from dateutil.relativedelta import relativedelta

    review = delivered + timedelta(days=REVIEW_DAYS)
    litigation = delivered + relativedelta(months=LITIGATION_MONTHS)
    return {"review": _next_workday(review, calendar).isoformat(),
            "litigation": _next_workday(litigation, calendar).isoformat()}


def _next_workday(day: date, calendar: "WorkCalendar") -> date:
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


# --- what the clerk adds ---------------------------------------------------------------


@dataclass
class LetterOptions:
    """What `letter preview/issue` takes beside the request: which consultation, the variant,
    reasons and basis (over the proposal's), where public information is, and the deadline
    the applicant is given (reasons kind)."""

    consultation: int | None = None
    variant: str | None = None
    reasons: str | None = None
    basis: str | None = None
    where: str | None = None
    until: date | None = None
    payment: str | None = None  # config letters.payment: how a fee is paid


@dataclass
class Letter:
    """A letter ready to be filled: its kind, the template it uses, the facts for it, and
    the outcome and variant (replies) to record."""

    kind: LetterKind
    template: str
    context: dict[str, Any]
    outcome: str | None = None
    variant: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def applicant_extra(row: Mapping[str, Any]) -> str:
    """What a letter says of the applicant beside the name: the organisation's code and
    representatives, the agent (委托代理人). ID numbers stay out of letters."""
    parts = []
    if row.get("credit_code"):
        parts.append(f"统一社会信用代码：{row['credit_code']}")
    if row.get("legal_rep"):
        parts.append(f"法定代表人：{row['legal_rep']}")
    if row.get("contact_person"):
        parts.append(f"联系人：{row['contact_person']}")
    if row.get("agent"):
        parts.append(f"委托代理人：{row['agent']}")
    return "；".join(parts)


def build_letter(kind: LetterKind, row: Mapping[str, Any], *, organ: "Organ", on: date, today: date,
                 letter_number: str, calendar: "WorkCalendar",
                 consultations: list[Mapping[str, Any]], events: list[Mapping[str, Any]],
                 options: LetterOptions) -> Letter:
    """The letter of `kind` for the request `row` dated `on`: the template and its facts.
    Refused (exit 1) when the record lacks what the letter must say (no 补正 items, no
    reasons for a refusal, no basis for 确认类); ConfigError (exit 2) naming a missing
    organ setting."""
    check_not_after_today(on, today=today, label="文书日期")
    if on.isoformat() < row["received_on"]:
        raise Refused(f"文书日期 {on} 早于收到申请之日 {row['received_on']}")
    if row.get("voided"):
        raise Refused(f"申请 {row['number']} 已作废，不制发文书")
    context: dict[str, Any] = {
        "organ": organ.name,
        "title": kind.label,
        "letter_number": letter_number,
        "applicant": row["applicant"],
        "applicant_extra": applicant_extra(row),
        "request_number": row["number"],
        "received": chinese_date(row["received_on"]),
        "content": row["content"],
        "date": chinese_date(on),
        "article": cite(KIND_REFS.get(kind, ())),
    }
    builder = _BUILDERS[kind]
    letter = builder(context, row, organ=organ, on=on, calendar=calendar,
                     consultations=consultations, events=events, options=options)
    letter.context = {key: _text(value) if not isinstance(value, bool) else value
                      for key, value in letter.context.items()}
    return letter


def _receipt(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    from hunnan_gk.clock import compute_clock

    clock = compute_clock(row, consultations, calendar, on)
    context.update(
        channel=Channel(row["channel"]).label,
        due=chinese_date(clock.due),
        contact=organ.require("contact"),
        address=organ.address or "",
    )
    return Letter(LetterKind.RECEIPT, LetterKind.RECEIPT.value, context)


def _supplement(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    if not row.get("supplement_asked_on"):
        raise Refused(f"申请 {row['number']} 没有登记补正告知：先用 hunnan-gk supplement ask 登记（含 --items）")
    items = _text(row.get("supplement_items"))
    if not items:
        raise Refused(
            f"申请 {row['number']} 的补正告知没有登记须补正的事项：补正应一次性告知须补正的全部事项（条例第三十条）",
            hint="用 hunnan-gk correct … --field supplement_items 补录，或在 supplement ask 时用 --items 写明",
        )
    context.update(asked=chinese_date(row["supplement_asked_on"]), items=items,
                   until=chinese_date(row["supplement_until"]))
    return Letter(LetterKind.SUPPLEMENT, LetterKind.SUPPLEMENT.value, context)


def _latest(events: list[Mapping[str, Any]], action: EventAction) -> Mapping[str, Any] | None:
    from hunnan_gk.workflow import undone_ids

    undone = undone_ids(events)
    found = [e for e in events if e["action"] == action.value and e["id"] not in undone]
    return found[-1] if found else None


def _extension(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    from hunnan_gk.clock import compute_clock

    extension = _latest(events, EventAction.EXTEND)
    if extension is None:
        raise Refused(f"申请 {row['number']} 没有登记延期：先用 hunnan-gk extend 登记（天数、批准人、理由）")
    data = extension["data"]
    clock = compute_clock(row, consultations, calendar, on)
    context.update(days=data.get("days"), approver=data.get("approver"), extension_reason=extension.get("note"),
                   extended=chinese_date(extension["happened_on"]), new_due=chinese_date(clock.due))
    return Letter(LetterKind.EXTENSION, LetterKind.EXTENSION.value, context)


def _consultation(row, consultations, options: LetterOptions, kind: ConsultKind | None) -> Mapping[str, Any]:
    """The consultation a letter is about: --consultation N (its place in `show`'s list), else
    the only one (of that kind)."""
    if not consultations:
        raise Refused(f"申请 {row['number']} 没有登记征求意见：先用 hunnan-gk consult start 登记")
    if options.consultation is not None:
        if not 1 <= options.consultation <= len(consultations):
            raise InputError(f"--consultation {options.consultation} 不存在：申请 {row['number']} 共有 "
                             f"{len(consultations)} 项征求意见")
        chosen = consultations[options.consultation - 1]
        if kind is not None and chosen["kind"] != kind.value:
            raise InputError(f"第 {options.consultation} 项征求意见的对象是{ConsultKind(chosen['kind']).label}"
                             f"“{chosen['party']}”，不是{kind.label}")
        return chosen
    fitting = [c for c in consultations if kind is None or c["kind"] == kind.value]
    if not fitting:
        raise Refused(f"申请 {row['number']} 没有向{kind.label}征求意见的记录")
    if len(fitting) > 1:
        listed = "、".join(f"{consultations.index(c) + 1}（{c['party']}）" for c in fitting)
        raise InputError(f"申请 {row['number']} 有多项征求意见，请用 --consultation 指明：{listed}")
    return fitting[0]


def _consult(kind: LetterKind, consult_kind: ConsultKind):
    def build(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
        consultation = _consultation(row, consultations, options, consult_kind)
        start = date.fromisoformat(consultation["start_on"])
        context.update(
            party=consultation["party"],
            consult_start=chinese_date(start),
            # 条例第32条、第34条: 15 working days from receipt of the request for views
            consult_due=chinese_date(calendar.add(start, CONSULTATION_WORKDAYS).date),
            consult_workdays=CONSULTATION_WORKDAYS,
            reasons=options.reasons or "",
        )
        return Letter(kind, kind.value, context)

    return build


def _consult_notice(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    consultation = _consultation(row, consultations, options, None)
    consult_kind = ConsultKind(consultation["kind"])
    refs = (Ref(32),) if consult_kind is ConsultKind.THIRD_PARTY else (Ref(34),)
    context.update(
        article=cite(refs),
        party=consultation["party"],
        party_kind=consult_kind.label,
        consult_start=chinese_date(consultation["start_on"]),
    )
    return Letter(LetterKind.CONSULT_NOTICE, LetterKind.CONSULT_NOTICE.value, context)


def _reasons(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    if not _text(options.reasons):
        raise Refused("说明理由告知书须用 --reasons 写明申请的数量、频次明显超过合理范围的情况（条例第三十五条）")
    if options.until is None:
        raise Refused("说明理由告知书须用 --until 写明申请人说明理由的期限")
    if options.until <= on:
        raise Refused(f"--until {options.until} 应晚于文书日期 {on}")
    context.update(reasons=options.reasons, until=chinese_date(options.until))
    return Letter(LetterKind.REASONS, LetterKind.REASONS.value, context)


def _fee(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    """收费通知书 (条例第42条; 国办函〔2020〕109号): the recorded notice's basis and amount, how
    to pay (config letters.payment), 20 working days or the application is treated as
    abandoned, and the remedy clause."""
    from hunnan_gk.vocab import FeeBasis

    if not row.get("fee_noticed_on"):
        raise Refused(f"申请 {row['number']} 没有登记收费通知：先用 hunnan-gk fee notice 登记金额和计收方式",
                      hint="收费通知书写明收费依据、标准、金额和缴费方式（国办函〔2020〕109号）")
    if not options.payment:
        raise ConfigError("配置中缺少 letters.payment（缴费方式，如 缴款渠道、账户或缴款码的取得方式）：收费通知书须写明如何缴费")
    context.update(
        article=cite((Ref(42),)),
        fee_measures=FEE_MEASURES,
        fee_basis=FeeBasis(row["fee_basis"]).label,
        amount=row.get("fee_amount"),
        pages=row.get("fee_pages") or "",
        noticed=chinese_date(row["fee_noticed_on"]),
        pay_how=options.payment,
        review_body=organ.require("review_body"),
        court=organ.require("court"),
    )
    return Letter(LetterKind.FEE, LetterKind.FEE.value, context)


def reply_outcome(row: Mapping[str, Any]) -> Outcome:
    """The outcome a reply letter states: the recorded one, else the approved proposal's."""
    if row.get("outcome"):
        return Outcome(row["outcome"])
    if row.get("proposal_outcome") and row.get("proposal_approved_on"):
        return Outcome(row["proposal_outcome"])
    raise Refused(
        f"申请 {row['number']} 还没有答复类型，不能制发答复书",
        hint="预答复（propose）经审核后，或用 advance --outcome 登记答复类型后再制发",
    )


def _reply(context, row, *, organ, on, calendar, consultations, events, options) -> Letter:
    outcome = reply_outcome(row)
    other_organ = _text(row.get("proposal_other_organ"))
    variant = reply_variant(outcome, options.variant, other_organ)
    spec = reply_spec(outcome, variant)
    reasons = _text(options.reasons) or _text(row.get("proposal_reasons"))
    basis = _text(options.basis) or _text(row.get("proposal_basis"))
    label = outcome.short_label
    if spec.reasons_required and not reasons:
        raise Refused(
            f"答复类型“{label}”的答复书须说明理由：用 --reasons 写明（或在预答复中写明）",
            hint="不予公开、部分公开、无法提供、不予处理的答复未说明理由，是答复被撤销的常见原因",
        )
    refs = list(spec.refs)
    if outcome is Outcome.WITHHELD_THIRD_PARTY and any(c["kind"] == ConsultKind.THIRD_PARTY.value
                                                      for c in consultations):
        refs.append(Ref(32))  # 条例第32条: the third party was consulted and did not agree
    article = cite(refs) or spec.other_basis
    if outcome is Outcome.UNPROCESSED_CONFIRMATION:
        if not basis:
            raise Refused(
                "“要求行政机关确认或重新出具已获取信息”没有单一的条例条款：须用 --basis 写明本机关的依据",
                hint="该情形来自国办公开办函〔2021〕30号；答复书不替机关编造依据",
            )
        article = basis
    if variant is LetterVariant.PUBLIC and not (_text(options.where) or reasons):
        raise Refused("已主动公开的信息须用 --where 写明获取的途径（网址、栏目、公报、查阅场所）（条例第三十六条第（一）项）")
    context.update(
        article=article,
        outcome=outcome.value,
        outcome_label=label,
        variant=variant.value if variant else "",
        reasons=reasons,
        basis=basis if outcome is not Outcome.UNPROCESSED_CONFIRMATION else "",
        where=options.where or "",
        other_organ=other_organ,
        other_contact=_text(row.get("proposal_other_contact")),
        supplement_asked=chinese_date(row.get("supplement_asked_on")),
        supplement_until=chinese_date(row.get("supplement_until")),
        review_body=organ.require("review_body"),
        court=organ.require("court"),
    )
    return Letter(LetterKind.REPLY, spec.template, context, outcome=outcome.value,
                  variant=variant.value if variant else None)


_BUILDERS = {
    LetterKind.RECEIPT: _receipt,
    LetterKind.SUPPLEMENT: _supplement,
    LetterKind.EXTENSION: _extension,
    LetterKind.CONSULT_THIRD_PARTY: _consult(LetterKind.CONSULT_THIRD_PARTY, ConsultKind.THIRD_PARTY),
    LetterKind.CONSULT_ORGAN: _consult(LetterKind.CONSULT_ORGAN, ConsultKind.ORGAN),
    LetterKind.CONSULT_NOTICE: _consult_notice,
    LetterKind.REASONS: _reasons,
    LetterKind.FEE: _fee,
    LetterKind.REPLY: _reply,
}


# --- the letters of a request, as JSON -----------------------------------------------


def letter_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """One stored letter as request JSON lists it (issue 15)."""
    delivered = None
    if row.get("delivered_on"):
        delivered = {"method": row["delivery_method"], "on": row["delivered_on"],
                     "tracking": row.get("tracking"), "signed_by": row.get("signed_by")}
    return {
        "kind": row["kind"],
        "letter_number": row["letter_number"],
        "issued": row["issued_on"],
        "sha256": row["sha256"],
        "superseded_by": row.get("superseded_by"),
        "delivered": delivered,
    }


def request_remedy(letters: list[Mapping[str, Any]], calendar: "WorkCalendar") -> dict[str, str] | None:
    """remedy_until of a request: from the delivery of its standing reply letter, if delivered."""
    replies = [r for r in letters if r["kind"] == LetterKind.REPLY.value and not r.get("superseded_by")
               and r.get("delivered_on")]
    if not replies:
        return None
    return remedy_until(date.fromisoformat(replies[-1]["delivered_on"]), calendar)


# --- the events ------------------------------------------------------------------------


def issued_change(row: Mapping[str, Any], letter: Letter, *, letter_number: str, on: date, sha256: str,
                  path: str, replaces: str | None):
    """The `letter` event: kind, 文号, date and the SHA-256 of the file written. Not a step of
    the handling: it leaves the request's last step date as it was."""
    from hunnan_gk.workflow import Change

    return Change(
        action=EventAction.LETTER, on=on, fields={"last_event_on": row["last_event_on"]},
        note=f"{letter.kind.label} {letter_number}",
        extra={"letter": {"kind": letter.kind.value, "letter_number": letter_number, "issued": on.isoformat(),
                          "sha256": sha256, "path": path, "outcome": letter.outcome,
                          "variant": letter.variant, "replaces": replaces}},
    )


def delivery_change(row: Mapping[str, Any], letter: Mapping[str, Any], *, method: str, on: date,
                    today: date, tracking: str | None, signed_by: str | None):
    """送达 of an issued letter (letters.md §5): how, when, who signed. The remedy periods run
    from this day, not from the day the letter was written."""
    from hunnan_gk.vocab import DeliveryMethod
    from hunnan_gk.workflow import Change

    method_code = DeliveryMethod.parse(method, option="--method")
    if letter.get("delivered_on"):
        raise Refused(f"文书 {letter['letter_number']} 已于 {letter['delivered_on']} 送达")
    if letter.get("superseded_by"):
        raise Refused(f"文书 {letter['letter_number']} 已被 {letter['superseded_by']} 取代，不再送达")
    check_not_after_today(on, today=today, label="送达日期")
    if on.isoformat() < letter["issued_on"]:
        raise Refused(f"送达日期 {on} 早于文书日期 {letter['issued_on']}")
    tracking, signed_by = _text(tracking) or None, _text(signed_by) or None
    if method_code is DeliveryMethod.POST and not tracking:
        raise Refused("邮寄送达须用 --tracking 写明邮件号：送达凭证是复议、诉讼中机关要举证的事实")
    delivered = {"method": method_code.value, "on": on.isoformat(), "tracking": tracking, "signed_by": signed_by}
    return Change(
        action=EventAction.DELIVER, on=on, fields={"last_event_on": row["last_event_on"]},
        note=f"{letter['letter_number']} {method_code.label}",
        extra={"delivery": {"letter_number": letter["letter_number"], **delivered}},
    ), delivered
