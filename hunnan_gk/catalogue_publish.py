"""Whether a catalogue item's information was published within its 公开时限 (issue 17).

The office records each publication (`hunnan-gk catalog publish`): information formed or
changed on one day, published on another. An item's 公开时限 is read when it says one thing a
machine can count, and only then:

- "信息形成（或变更）之日起N个工作日内" (any "…之日起N个工作日内", or "N个工作日内") → N working days
  on the official calendar, the day of formation not counted (条例第26条: 20 working days
  unless a law says otherwise);
- "每年M月D日前" → a date each year (条例第49条: the annual report by 31 January);
- "…之日起N日内" or "N日内" → N calendar days;
- anything else — two periods joined by "；", "每季度", "实时", "及时" — is 人工核对: the tool does
  not guess which period applies.

Pure: the calendar and the day are parameters; publications come in as plain rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.dates import check_not_after_today, stored_date

if TYPE_CHECKING:
    from hunnan_gk.catalogue import Catalogue
    from hunnan_gk.workdays import WorkCalendar

WORKDAYS = "workdays"
DAYS = "days"
YEARLY = "yearly"
MANUAL = "manual"
MANUAL_LABEL = "人工核对"

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"[0-9]+|[一二两三四五六七八九十]{1,3}"
# What may stand before the period: the event it counts from ("信息形成之日起"), one clause
# without a number of its own (a second period makes the text 人工核对).
_EVENT = r"[^；;。，,0-9]*?"
_WORKDAYS = re.compile(rf"{_EVENT}(?P<n>{_NUMBER})个工作日(?:内|以内)(?:予以)?(?:公开|发布)?")
_DAYS = re.compile(rf"{_EVENT}(?P<n>{_NUMBER})(?:个自然日|日|天)(?:内|以内)(?:予以)?(?:公开|发布)?")
_YEARLY = re.compile(rf"每年(?P<m>{_NUMBER})月(?P<d>{_NUMBER})日(?:前|之前|以前)(?:公开|发布)?")
_LEAP_YEAR = 2024  # a date rule must exist in some year: 2月29日 is a real (leap-year) date


def _number(text: str) -> int | None:
    """Arabic (also full-width) or small Chinese numerals (一 … 九十九)."""
    text = text.translate(_DIGITS)
    if text.isdigit():
        return int(text)
    tens, _, units = text.partition("十")
    if "十" not in text:
        return _CHINESE_DIGITS.get(text) if len(text) == 1 else None
    high = _CHINESE_DIGITS.get(tens, 0 if tens == "" else -1)
    low = _CHINESE_DIGITS.get(units, 0 if units == "" else -1)
    if high < 0 or low < 0:
        return None
    return (high or 1) * 10 + low


@dataclass(frozen=True)
class DeadlineRule:
    """What an item's 公开时限 lets the tool count; MANUAL when it cannot."""

    kind: str
    count: int = 0
    month: int = 0
    day: int = 0

    @property
    def label(self) -> str:
        """The rule as the report shows it (JSON `deadline_rule`)."""
        if self.kind == WORKDAYS:
            return f"{self.count}个工作日"
        if self.kind == DAYS:
            return f"{self.count}日"
        if self.kind == YEARLY:
            return f"每年{self.month}月{self.day}日前"
        return MANUAL_LABEL

    def yearly_date(self, year: int) -> date:
        """This rule's date in `year` (2月29日 falls on 2月28日 in a common year)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return date(year, self.month, self.day - 1)


MANUAL_RULE = DeadlineRule(MANUAL)


def parse_deadline(text: str | None) -> DeadlineRule:
    """The rule a 公开时限 states, when it states exactly one that can be counted."""
    if not text:
        return MANUAL_RULE
    cleaned = re.sub(r"\s+", "", text.translate(_DIGITS)).replace("（", "(").replace("）", ")")
    cleaned = re.sub(r"\((?:或|和)?[^()]{0,8}\)", "", cleaned)  # 信息形成（或变更）之日起 → 信息形成之日起
    cleaned = cleaned.rstrip("。")
    for pattern, kind in ((_WORKDAYS, WORKDAYS), (_DAYS, DAYS)):
        match = pattern.fullmatch(cleaned)
        if match:
            count = _number(match["n"])
            return DeadlineRule(kind, count) if count else MANUAL_RULE
    match = _YEARLY.fullmatch(cleaned)
    if match:
        month, day = _number(match["m"]), _number(match["d"])
        try:
            date(_LEAP_YEAR, month or 0, day or 0)
        except ValueError:
            return MANUAL_RULE
        return DeadlineRule(YEARLY, month=month, day=day)
    return MANUAL_RULE


@dataclass(frozen=True)
class Timeliness:
    """One publication measured against its rule. `days_late` counts calendar days after the
    due date (0 when on time); all three are None under 人工核对."""

    due: date | None
    on_time: bool | None
    days_late: int | None
    provisional: bool = False  # the due date reaches a year without official calendar data


def judge(rule: DeadlineRule, formed: date, published: date, calendar: "WorkCalendar") -> Timeliness:
    """Was information formed on `formed` and published on `published` on time?"""
    provisional = False
    if rule.kind == WORKDAYS:
        counted = calendar.add(formed, rule.count)  # 条例第26条: the day of formation not counted
        due, provisional = counted.date, counted.provisional
    elif rule.kind == DAYS:
        due = formed + timedelta(days=rule.count)
    elif rule.kind == YEARLY:
        due = rule.yearly_date(published.year)
    else:
        return Timeliness(None, None, None)
    late = max(0, (published - due).days)
    return Timeliness(due, late == 0, late, provisional)


def item_status(
    item: Mapping[str, Any],
    publications: Iterable[Mapping[str, Any]],
    as_of: date,
    calendar: "WorkCalendar",
) -> dict[str, Any]:
    """One row of `report catalogue`: the item's last publication by `as_of`, whether it was on
    time, and whether a yearly date has passed this year without a publication."""
    rule = parse_deadline(item.get("公开时限"))
    known = sorted(
        (p for p in publications if stored_date(p["published_on"]) <= as_of),
        key=lambda p: (str(p["published_on"]), str(p["formed_on"]), p.get("id") or 0),
    )
    last = known[-1] if known else None
    on_time = days_late = None
    if last is not None:
        measured = judge(rule, stored_date(last["formed_on"]), stored_date(last["published_on"]), calendar)
        on_time, days_late = measured.on_time, measured.days_late
    overdue = False
    if rule.kind == YEARLY:
        due = rule.yearly_date(as_of.year)
        published_this_year = any(stored_date(p["published_on"]).year == as_of.year for p in known)
        if as_of > due and not published_this_year:
            overdue, days_late = True, (as_of - due).days
    return {
        "id": item.get("编号"),
        "name": item.get("公开事项"),
        "deadline_rule": rule.label,
        "last_formed": str(last["formed_on"]) if last else None,
        "last_published": str(last["published_on"]) if last else None,
        "on_time": on_time,
        "overdue": overdue,
        "days_late": days_late,
    }


def catalogue_report(
    catalogue: "Catalogue",
    publications: Iterable[Mapping[str, Any]],
    as_of: date,
    calendar: "WorkCalendar",
) -> dict[str, Any]:
    """`report catalogue`: every item in the catalogue's order (JSON keys fixed by issue 17)."""
    by_item: dict[str, list[Mapping[str, Any]]] = {}
    for publication in publications:
        by_item.setdefault(str(publication["item_id"]), []).append(publication)
    return {
        "catalogue": catalogue.title,
        "as_of": as_of.isoformat(),
        "items": [
            item_status(item, by_item.get(str(item.get("编号")), []), as_of, calendar)
            for item in catalogue.items
        ],
    }


def report_counts(report: Mapping[str, Any]) -> dict[str, int]:
    """How many items are on time, late, overdue, never published and to be checked by hand."""
    items = report["items"]
    return {
        "on_time": sum(1 for i in items if i["on_time"] is True and not i["overdue"]),
        "late": sum(1 for i in items if i["on_time"] is False and not i["overdue"]),
        "overdue": sum(1 for i in items if i["overdue"]),
        "never": sum(1 for i in items if i["last_published"] is None),
        "manual": sum(1 for i in items if i["deadline_rule"] == MANUAL_LABEL),
    }


def overdue_items(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items the morning mail lists: a yearly date passed without a publication."""
    return [dict(item) for item in report["items"] if item["overdue"]]


def status_label(item: Mapping[str, Any]) -> str:
    """One row's state in words, for the table, the CSV and the morning mail."""
    if item["overdue"]:
        return f"今年应公开未公开（已过 {item['days_late']} 天）"
    if item["last_published"] is None:
        return "从未公开"
    if item["on_time"] is None:
        return "已公开，时限人工核对"
    if item["on_time"]:
        return "按时公开"
    return f"逾期公开（晚 {item['days_late']} 天）"


REPORT_HEADERS = ("编号", "公开事项", "时限规则", "最近形成日期", "最近公开日期", "是否按时", "状态")


def report_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """The report's items as text cells under REPORT_HEADERS."""
    yes_no = {True: "是", False: "否", None: ""}
    return [
        [
            str(item["id"] or ""),
            str(item["name"] or ""),
            item["deadline_rule"],
            item["last_formed"] or "",
            item["last_published"] or "",
            yes_no[item["on_time"]],
            status_label(item),
        ]
        for item in report["items"]
    ]


def summary_line(report: Mapping[str, Any]) -> str:
    counts = report_counts(report)
    return (
        f"截至 {report['as_of']}，共 {len(report['items'])} 项：按时公开 {counts['on_time']}，逾期公开 {counts['late']}，"
        f"今年应公开未公开 {counts['overdue']}，从未公开 {counts['never']}；时限需人工核对 {counts['manual']}。"
    )


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def publication_link(url: str | None) -> str | None:
    """An --url as recorded: an http(s) address, without control characters; ValueError else."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if _UNSAFE.search(url) or not re.match(r"https?://[^\s/]+", url, re.IGNORECASE) or len(url) > 2000:
        raise ValueError("应是以 http:// 或 https:// 开头的网址（不含空格和控制字符，不超过 2000 个字符）")
    return url


def publication_title(title: str | None) -> str | None:
    """A --title as recorded: one line of text; ValueError for control characters."""
    if title is None or not title.strip():
        return None
    if _UNSAFE.search(title) or len(title) > 500:
        raise ValueError("应是一行文字（不含换行和控制字符，不超过 500 个字符）")
    return title.strip()


def judgement_line(result: Mapping[str, Any]) -> str:
    """What `catalog publish` says about the publication it recorded (its JSON result)."""
    if result["on_time"] is None:
        return f"公开时限需人工核对（{MANUAL_LABEL}）：目录中的写法无法自动计算。"
    due = f"{result['due']}{'（暂定）' if result['due_provisional'] else ''}"
    if result["on_time"]:
        return f"按时：时限 {result['deadline_rule']}，应于 {due} 前公开。"
    return f"逾期：时限 {result['deadline_rule']}，应于 {due} 前公开，晚了 {result['days_late']} 天。"


def find_item(catalogue: "Catalogue", item_id: str) -> dict[str, Any]:
    """The item numbered `item_id`; Refused (naming the numbers it resembles) otherwise."""
    import difflib

    from hunnan_gk.errors import Refused

    wanted = item_id.strip()
    for item in catalogue.items:
        if str(item.get("编号")) == wanted:
            return item
    numbers = [str(item.get("编号")) for item in catalogue.items]
    close = difflib.get_close_matches(wanted, numbers, n=3, cutoff=0.5)
    raise Refused(
        f"目录“{catalogue.title}”中没有编号为 {item_id} 的事项",
        hint=f"是否应为 {'、'.join(close)}？" if close else f"hunnan-gk catalog show {catalogue.path} 查看编号",
    )


@dataclass(frozen=True)
class Publication:
    """What the clerk says about one publication (`catalog publish`), before it is checked."""

    item_id: str
    formed_on: date
    published_on: date
    url: str | None = None
    title: str | None = None


def new_publication(
    catalogue: "Catalogue", publication: Publication, today: date
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The item and the publication row `catalog publish` records (without who and when), or
    Refused (exit 1) for days out of order, as every other act recorded in advance or before
    its cause; InputError (exit 2) for a link or title that cannot be right."""
    from hunnan_gk.errors import InputError, Refused

    item = find_item(catalogue, publication.item_id)
    formed_on, published_on = publication.formed_on, publication.published_on
    url, title = publication.url, publication.title
    check_not_after_today(published_on, today=today, label="--on", why="：只能记录已经公开的信息")
    if formed_on > published_on:
        raise Refused(f"--formed {formed_on} 晚于公开日期 {published_on}：信息应先形成后公开")
    try:
        link = publication_link(url)
    except ValueError as exc:
        raise InputError(f"--url {exc}") from None
    try:
        headline = publication_title(title)
    except ValueError as exc:
        raise InputError(f"--title {exc}") from None
    row = {
        "catalogue": catalogue.title,
        "unit": str(catalogue.header.get("编制单位", "")),
        "item_id": item["编号"],
        "item_name": item.get("公开事项"),
        "formed_on": formed_on.isoformat(),
        "published_on": published_on.isoformat(),
        "url": link,
        "title": headline,
    }
    return item, row


def publication_result(item: Mapping[str, Any], row: Mapping[str, Any], calendar: "WorkCalendar") -> dict[str, Any]:
    """`catalog publish --json`: what was recorded and how it measures against the 公开时限."""
    rule = parse_deadline(item.get("公开时限"))
    measured = judge(rule, stored_date(row["formed_on"]), stored_date(row["published_on"]), calendar)
    return {
        "catalogue": row["catalogue"],
        "id": row["item_id"],
        "name": row["item_name"],
        "formed": row["formed_on"],
        "published": row["published_on"],
        "url": row["url"],
        "title": row["title"],
        "deadline_rule": rule.label,
        "due": measured.due.isoformat() if measured.due else None,
        "due_provisional": measured.provisional,
        "on_time": measured.on_time,
        "days_late": measured.days_late,
    }
