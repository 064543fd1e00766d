"""The project's vocabularies, each defined once: an ASCII code and its Chinese label.

Everything else (CLI choices, JSON, tables, the annual report's rows and columns) is
derived from these enums. Codes are what the database stores; labels are what clerks read.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from hunnan_gk.errors import InputError


class Vocab(str, Enum):
    """A code (the enum value) with a Chinese label."""

    label: str

    def __new__(cls, code: str, label: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str, *, option: str = "") -> "Vocab":
        """The member whose code or label is `text`; otherwise an InputError listing the choices.
        (Outcome overrides it: its names are longer and come in groups.)"""
        wanted = (text or "").strip()
        for member in cls:
            if wanted in (member.value, member.label, *member.aliases):
                return member
        for member in cls:  # codes are case-insensitive
            if wanted.lower() == member.value:
                return member
        where = f"{option} " if option else ""
        raise InputError(f"{where}无法识别“{wanted}”，可选：{cls.choices_text()}")

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names a clerk may type for this member."""
        return ()

    @property
    def display(self) -> str:
        """The label as it reads on its own (in lists of choices, tables)."""
        return self.label

    @classmethod
    def choices_text(cls) -> str:
        return "、".join(f"{m.value}（{m.display}）" for m in cls)

    @classmethod
    def choices_help(cls) -> str:
        """The choices for --help: separated by spaces so that a narrow terminal wraps them."""
        return " ".join(f"{m.value}={m.display}" for m in cls)


class ApplicantType(Vocab):
    """申请人类型 = the annual report's columns (条例第27条; domain.md §5)."""

    NATURAL = ("natural", "自然人")
    COMMERCIAL = ("commercial", "商业企业")
    RESEARCH = ("research", "科研机构")
    PUBLIC_INTEREST = ("public_interest", "社会公益组织")
    LEGAL_SERVICE = ("legal_service", "法律服务机构")
    OTHER_ORG = ("other_org", "其他")


class Channel(Vocab):
    """申请方式; the receipt date depends on it (条例第31条)."""

    IN_PERSON = ("in_person", "当面")
    POST = ("post", "邮寄")
    LETTER = ("letter", "平常信函")
    ONLINE = ("online", "网络")
    EMAIL = ("email", "电子邮件")
    FAX = ("fax", "传真")

    @property
    def aliases(self) -> tuple[str, ...]:
        """What offices' ledgers write: 信函 and 挂号信 are posted (邮寄), 平信 is 平常信函."""
        return _CHANNEL_ALIASES.get(self.value, ())

    @property
    def report_label(self) -> str:
        """The words annual reports' text uses: 网上申请, 当面申请; otherwise the label."""
        return _CHANNEL_REPORT_LABELS.get(self.value, self.label)


_CHANNEL_ALIASES = {"post": ("信函", "挂号信"), "letter": ("平信",)}
# 大东区 2023: “其中依申请公开平台36件、邮寄15件、当面申请27件”.
_CHANNEL_REPORT_LABELS = {"online": "网上申请", "in_person": "当面申请"}


class Stage(Vocab):
    """The eight handling stages of work plan item 10, then closed (domain.md §1)."""

    REGISTER = ("register", "接收登记")
    REVIEW = ("review", "申请表审查")
    SEARCH = ("search", "查找信息")
    SECRECY = ("secrecy", "保密审查")
    DRAFT = ("draft", "拟定答复意见")
    APPROVE = ("approve", "答复意见审核")
    REPLY = ("reply", "答复申请")
    ARCHIVE = ("archive", "归档备查")
    CLOSED = ("closed", "已办结")

    @property
    def position(self) -> int:
        """1 for register … 8 for archive, 9 for closed."""
        return Stage._member_names_.index(self.name) + 1

    def next(self) -> "Stage":
        names = Stage._member_names_  # in definition order; no walk over the enum per call
        return Stage[names[min(names.index(self.name) + 1, len(names) - 1)]]


#: The eight stages proper, without `closed`.
HANDLING_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.CLOSED)


# The row groups of section 三 that hold numbered items; （一） and （二） are rows of their own.
WITHHELD = "（三）不予公开"
UNAVAILABLE = "（四）无法提供"
UNPROCESSED = "（五）不予处理"
OTHER_HANDLING = "（六）其他处理"


class Outcome(Vocab):
    """Outcome of a request = one row of the annual report, section 三 (条例第36-39条;
    国办公开办函〔2021〕30号; domain.md §4). `group` is the row group （三）…（六） the row is an
    item of, None for （一） and （二）."""

    group: str | None

    def __new__(cls, code: str, label: str, group: str | None = None):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.group = group
        return member

    DISCLOSED = ("disclosed", "（一）予以公开")
    PARTIAL = ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    WITHHELD_STATE_SECRET = ("withheld_state_secret", "1.属于国家秘密", WITHHELD)
    WITHHELD_PROHIBITED = ("withheld_prohibited", "2.其他法律行政法规禁止公开", WITHHELD)
    WITHHELD_SECURITY = ("withheld_security", "3.危及“三安全一稳定”", WITHHELD)
    WITHHELD_THIRD_PARTY = ("withheld_third_party", "4.保护第三方合法权益", WITHHELD)
    WITHHELD_INTERNAL = ("withheld_internal", "5.属于三类内部事务信息", WITHHELD)
    WITHHELD_PROCESS = ("withheld_process", "6.属于四类过程性信息", WITHHELD)
    WITHHELD_ENFORCEMENT = ("withheld_enforcement", "7.属于行政执法案卷", WITHHELD)
    WITHHELD_QUERY = ("withheld_query", "8.属于行政查询事项", WITHHELD)
    UNAVAILABLE_NOT_HELD = ("unavailable_not_held", "1.本机关不掌握相关政府信息", UNAVAILABLE)
    UNAVAILABLE_NEEDS_CREATION = ("unavailable_needs_creation", "2.没有现成信息需要另行制作", UNAVAILABLE)
    UNAVAILABLE_UNCLEAR = ("unavailable_unclear", "3.补正后申请内容仍不明确", UNAVAILABLE)
    UNPROCESSED_PETITION = ("unprocessed_petition", "1.信访举报投诉类申请", UNPROCESSED)
    UNPROCESSED_REPEAT = ("unprocessed_repeat", "2.重复申请", UNPROCESSED)
    UNPROCESSED_PUBLICATION = ("unprocessed_publication", "3.要求提供公开出版物", UNPROCESSED)
    UNPROCESSED_EXCESSIVE = ("unprocessed_excessive", "4.无正当理由大量反复申请", UNPROCESSED)
    UNPROCESSED_CONFIRMATION = (
        "unprocessed_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        UNPROCESSED,
    )
    OTHER_NO_SUPPLEMENT = (
        "other_no_supplement",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        OTHER_HANDLING,
    )
    OTHER_UNPAID_FEE = (
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        OTHER_HANDLING,
    )
    OTHER = ("other", "3.其他", OTHER_HANDLING)

    @property
    def aliases(self) -> tuple[str, ...]:
        """予以公开, 部分公开, 不予公开·属于国家秘密 and 属于国家秘密 all name a row."""
        return (self.short_label, self.short_label.split("·")[-1])

    @property
    def item(self) -> str:
        """The row's own words without its number: 属于国家秘密, 予以公开, 部分公开."""
        if self.group is None:
            return self.label[3:].split("（")[0]
        return self.label.split(".", 1)[1]

    @property
    def brief(self) -> str:
        """The item as one line of a list reads it: the two long 其他处理 rows up to their 、
        (申请人无正当理由逾期不补正)."""
        return self.item.split("、")[0]

    @property
    def group_title(self) -> str:
        """The row group as the annual report heads it: （三）不予公开; （一）予以公开 for the rows
        that are groups of their own."""
        return self.group or self.label[:3] + self.item

    def names(self) -> set[str]:
        """Every name a clerk may type for this row: code, the report's label, the item with or
        without its group (不予公开属于国家秘密, 不予公开·属于国家秘密, 属于国家秘密)."""
        names = {self.value, self.label, self.short_label, self.item, self.brief}
        if self.group is not None:
            names |= {self.group + self.item, self.group[3:] + self.item}
        return names

    @classmethod
    def matching(cls, text: str) -> list["Outcome"]:
        """The outcomes `text` names: the one whose name it is (spaces, brackets, marks and
        numbering aside), else those whose names contain it (国家秘密); [] when none."""
        return list(_outcomes_matching(_name_key(text)))

    @classmethod
    def parse(cls, text: str, *, option: str = "") -> "Outcome":
        """The outcome `text` names (see `matching`); InputError listing the candidates when it
        names several, the grouped list (as `hunnan-gk outcomes`) when it names none."""
        found = cls.matching(text)
        if len(found) == 1:
            return found[0]
        where = f"{option} " if option else ""
        wanted = (text or "").strip()
        if found:
            lines = "\n".join(
                f"  {o.value:<{_CODE_WIDTH}}  {o.group[3:] + '·' if o.group else ''}{o.brief}" for o in found
            )
            raise InputError(f"{where}“{wanted}”可指以下 {len(found)} 种答复类型，请写明是哪一种：\n{lines}")
        raise InputError(
            f"{where}无法识别答复类型“{wanted}”，可写代码或名称：\n{cls.grouped_text()}",
            hint="hunnan-gk outcomes 列出全部答复类型",
        )

    @classmethod
    def grouped(cls) -> list[tuple[str, list["Outcome"]]]:
        """The outcomes by row group, in the annual report's order: （一）予以公开, （二）部分公开,
        （三）不予公开 1–8, （四）无法提供 1–3, （五）不予处理 1–5, （六）其他处理 1–3."""
        groups: dict[str, list[Outcome]] = {}
        for outcome in cls:
            groups.setdefault(outcome.group_title, []).append(outcome)
        return list(groups.items())

    @classmethod
    def grouped_text(cls) -> str:
        """The grouped list, one outcome a line (code, number, name): fits 80 columns."""
        lines = []
        for title, outcomes in cls.grouped():
            lines.append(title)
            for outcome in outcomes:
                number = outcome.label.split(".", 1)[0] + ". " if outcome.group else ""
                lines.append(f"  {outcome.value:<{_CODE_WIDTH}}  {number}{outcome.brief}")
        return "\n".join(lines)

    @property
    def display(self) -> str:
        return self.short_label

    @property
    def short_label(self) -> str:
        """A label that reads on its own, e.g. 不予公开·属于国家秘密."""
        if self.group is None:  # （一）予以公开, （二）部分公开（…）
            return self.label[3:].split("（")[0]
        item = self.label.split(".", 1)[1]
        return f"{self.group[3:]}·{item}"


_CODE_WIDTH = max(len(o.value) for o in Outcome)


@lru_cache(maxsize=None)
def _outcome_keys() -> tuple[tuple[Outcome, frozenset[str]], ...]:
    """Each outcome with its names reduced by `_name_key`, worked out once."""
    return tuple((o, frozenset(_name_key(name) for name in o.names())) for o in Outcome)


@lru_cache(maxsize=1024)  # a ledger names the same few outcomes on every row
def _outcomes_matching(wanted: str) -> tuple[Outcome, ...]:
    if not wanted:
        return ()
    exact = tuple(o for o, keys in _outcome_keys() if wanted in keys)
    if exact or len(wanted) < 2:
        return exact
    return tuple(o for o, keys in _outcome_keys() if any(wanted in key for key in keys))


def _name_key(text: str) -> str:
    """A name reduced for comparison: no spaces, brackets, marks or item numbers; lower case."""
    value = str(text or "").strip().lower().translate(str.maketrans("（）：", "():"))
    value = re.sub(r"\d+\.", "", value)
    return re.sub(r"[\s*＊()\[\]【】:·•・\-—_/、,，.。“”\"']", "", value)


class ConsultKind(Vocab):
    """征求意见的对象: a third party (条例第32条) or another organ (条例第34条)."""

    THIRD_PARTY = ("third_party", "第三方")
    ORGAN = ("organ", "其他机关")


class Light(Vocab):
    """Red/yellow/green of work plan item 10, plus paused (domain.md §9)."""

    RED = ("red", "红灯")
    YELLOW = ("yellow", "黄灯")
    GREEN = ("green", "绿灯")
    PAUSED = ("paused", "暂停")


class AppealKind(Vocab):
    """Annual report section 四: 行政复议 and the two kinds of 行政诉讼."""

    RECONSIDERATION = ("reconsideration", "行政复议")
    LITIGATION_DIRECT = ("litigation_direct", "行政诉讼·未经复议直接起诉")
    LITIGATION_AFTER = ("litigation_after", "行政诉讼·复议后起诉")


class AppealResult(Vocab):
    """How an appeal ended (annual report section 四)."""

    UPHELD = ("upheld", "结果维持")
    CORRECTED = ("corrected", "结果纠正")
    OTHER = ("other", "其他结果")


class EventAction(Vocab):
    """What an event of a request's history records: the action a command (or the ledger
    import) took. The code is what the events table stores."""

    REGISTER = ("register", "接收登记")
    ADVANCE = ("advance", "完成环节")
    RETURN = ("return", "退回")
    SUPPLEMENT_ASK = ("supplement_ask", "告知补正")
    SUPPLEMENT_RECEIVED = ("supplement_received", "收到补正")
    SUPPLEMENT_LAPSED = ("supplement_lapsed", "逾期未补正")
    CONSULT_START = ("consult_start", "开始征求意见")
    CONSULT_END = ("consult_end", "结束征求意见")
    EXTEND = ("extend", "延期")
    WITHDRAW = ("withdraw", "撤回")
    IMPORT = ("import", "导入")
    APPEAL_ADD = ("appeal_add", "提起复议/诉讼")
    APPEAL_DECIDE = ("appeal_decide", "复议/诉讼结果")
    CORRECT = ("correct", "更正")
    VOID = ("void", "作废")
    UNDO = ("undo", "撤销上一步")
    ASSIGN = ("assign", "转办")
    ACCEPT = ("accept", "签收")
    HANDBACK = ("handback", "承办单位退回")
    SUBMIT = ("submit", "承办完成")
    PROPOSE = ("propose", "预答复")
    SUPERVISE = ("supervise", "督办")
    SUPERVISE_CLOSE = ("supervise_close", "督办办结")
    FEE_NOTICE = ("fee_notice", "发出收费通知")
    FEE_PAID = ("fee_paid", "缴纳信息处理费")
    FEE_LAPSED = ("fee_lapsed", "逾期未缴费")
    LETTER = ("letter", "制发文书")
    DELIVER = ("deliver", "送达文书")


class CorrectableField(Vocab):
    """What `correct --field` may put right (issue 11): the registered facts, and once a
    request is replied to, its outcome and reply date."""

    RECEIVED = ("received", "收到日期")
    APPLICANT = ("applicant", "申请人")
    APPLICANT_TYPE = ("applicant_type", "申请人类型")
    CHANNEL = ("channel", "申请方式")
    CONTENT = ("content", "申请内容")
    DEPARTMENT = ("department", "承办单位")
    ORGAN = ("organ", "答复机关")
    ID_NUMBER = ("id_number", "身份证号")
    PHONE = ("phone", "电话")
    EMAIL = ("email", "电子邮箱")
    ADDRESS = ("address", "通信地址")
    CREDIT_CODE = ("credit_code", "统一社会信用代码")
    LEGAL_REP = ("legal_rep", "法定代表人")
    CONTACT_PERSON = ("contact_person", "联系人")
    AGENT = ("agent", "委托代理人")
    AGENT_ID = ("agent_id", "代理人身份证号")
    SUPPLEMENT_ITEMS = ("supplement_items", "须补正的事项")
    OUTCOME = ("outcome", "答复类型")
    REPLIED = ("replied", "答复日期")


class PauseKind(Vocab):
    """Why a request's clock is not running: 补正 stops it (条例第30条), a consultation pauses
    it (条例第32条、第34条), an unpaid fee notice pauses it (国办函〔2020〕109号《办法》第七条)."""

    SUPPLEMENT = ("supplement", "待补正")
    CONSULTATION = ("consultation", "征求意见")
    FEE = ("fee", "待缴费")


class FeeBasis(Vocab):
    """How a 信息处理费 is reckoned: one basis per application, never both (109号《办法》第三条)."""

    PER_APPLICATION = ("per_application", "按件计收")
    PER_PAGE = ("per_page", "按量计收")


class CalendarSource(Vocab):
    """Where a year's working-day data comes from (domain.md §3)."""

    OVERRIDE = ("override", "覆盖文件（配置项 holidays）")
    PACKAGE = ("package", "官方数据（chinesecalendar）")
    PROVISIONAL = ("provisional", "暂定：周末加法定节假日，尚无调休安排")


class LetterKind(Vocab):
    """The letters (文书) the handling sends (letters.md §1): what `letter issue` makes."""

    RECEIPT = ("receipt", "政府信息公开申请登记回执")
    SUPPLEMENT = ("supplement", "补正申请告知书")
    EXTENSION = ("extension", "延期答复告知书")
    CONSULT_THIRD_PARTY = ("consult_third_party", "征求第三方意见书")
    CONSULT_ORGAN = ("consult_organ", "征求意见函")
    CONSULT_NOTICE = ("consult_notice", "征求意见告知书")
    REASONS = ("reasons", "说明理由告知书")
    FEE = ("fee", "收费通知书")
    REPLY = ("reply", "政府信息公开申请答复书")


class LetterVariant(Vocab):
    """The two outcomes that each have two letters (letters.md §2): 予以公开 as information
    already public or provided, 本机关不掌握 as not existing or another organ's."""

    PROVIDED = ("provided", "予以提供")
    PUBLIC = ("public", "已主动公开")
    NOT_EXIST = ("not_exist", "信息不存在")
    OTHER_ORGAN = ("other_organ", "非本机关负责公开")


class DeliveryMethod(Vocab):
    """How a letter reached the applicant (送达, letters.md §5): what a court asks for."""

    IN_PERSON = ("in_person", "当面送达")
    POST = ("post", "邮寄")
    EMAIL = ("email", "电子邮件")
    ONLINE = ("online", "网上平台")
    FAX = ("fax", "传真")
