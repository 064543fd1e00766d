"""Who applied: the same applicant across requests, and a registration that repeats one made
a moment ago. Pure: rows in, numbers out.

The same applicant is the same ID number, or the same name and the same phone number. The
office needs the applicant's other requests to judge 重复申请 (条例第36条第（六）项) and
条例第35条 (申请次数、频次明显超过合理范围); a request registered twice by mistake (the same
applicant, the same content, received within 20 working days) is refused unless the clerk
says it is meant (`register --allow-duplicate`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

#: How close two receipts of the same content by the same applicant are a duplicate.
DUPLICATE_WORKDAYS = 20


def id_key(value: str | None) -> str:
    """An ID number for comparing: half-width, no spaces or hyphens, upper case (…X)."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", value or "").upper())


def phone_key(value: str | None) -> str:
    """A phone number for comparing: its digits (full-width ones too), without the +86 / 0086
    country code before a mobile number."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))
    return re.sub(r"^(?:00)?86(?=1\d{10}$)", "", digits)


def content_key(text: str | None) -> str:
    """The content for comparing: half-width, without spaces and punctuation, case folded."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c)[0] in "PSZ"))


def same_applicant(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """The same ID number; or the same name and the same phone number."""
    if id_key(a.get("id_number")) and id_key(a.get("id_number")) == id_key(b.get("id_number")):
        return True
    phone = phone_key(a.get("phone"))
    return bool(phone) and a.get("applicant") == b.get("applicant") and phone == phone_key(b.get("phone"))


def other_requests(request: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The applicant's other requests (not voided), in receipt order: number, received, outcome."""
    found = [c for c in candidates if c["number"] != request["number"] and not c.get("voided")
             and same_applicant(request, c)]
    found.sort(key=lambda c: (c["received_on"], c.get("year") or 0, c.get("seq") or 0))
    return [{"number": c["number"], "received": c["received_on"], "outcome": c.get("outcome")}
            for c in found]


def duplicates_of(fields: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]],
                  calendar: "WorkCalendar") -> list[str]:
    """The numbers of registered requests (not voided) that `fields`, a registration about to
    be stored, repeats: the same applicant, the same content (spaces and punctuation aside),
    received within DUPLICATE_WORKDAYS working days of it either way."""
    received = date.fromisoformat(fields["received_on"])
    content = content_key(fields["content"])
    numbers = []
    for candidate in candidates:
        if candidate.get("voided") or content_key(candidate["content"]) != content:
            continue
        if not same_applicant(fields, candidate):
            continue
        apart = calendar.between(date.fromisoformat(candidate["received_on"]), received).workdays
        if abs(apart) <= DUPLICATE_WORKDAYS:
            numbers.append(candidate["number"])
    return numbers
