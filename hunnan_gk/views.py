"""Stored records as plain data for JSON and display: a request with its clock, an event.
Pure; the keys are the JSON contract (issue 3), so renderers and exports read these, never
the storage rows directly. Personal numbers are masked here unless asked to reveal them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.assignments import assignment_view, is_supervised, proposal_view, supervision_view
from hunnan_gk.clock import Clock, compute_clock
from hunnan_gk.privacy import mask_fields, mask_id_number, mask_phone
from hunnan_gk.reports import DEFAULT_YELLOW_DAYS, light_of
from hunnan_gk.vocab import Stage

if TYPE_CHECKING:
    from hunnan_gk.departments import Directory
    from hunnan_gk.workdays import WorkCalendar


def request_view(row: Mapping[str, Any], consultations: list[Mapping[str, Any]],
                 calendar: "WorkCalendar", as_of: date, *, reveal: bool = False,
                 assignments: Iterable[Mapping[str, Any]] = (),
                 supervisions: Iterable[Mapping[str, Any]] = (),
                 yellow_days: int = DEFAULT_YELLOW_DAYS,
                 letters: list[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The request as JSON with its clock on `as_of`, its assignments with their own lights
    and its 督办 orders (issue 13), its letters and, once a reply letter is delivered, the
    last days for 行政复议 and 行政诉讼 (issue 15)."""
    from hunnan_gk.letters import letter_view, request_remedy

    clock = compute_clock(row, consultations, calendar, as_of)
    view = describe(row, clock, reveal=reveal)
    # The light while the clock runs (or stands still); none once replied, closed or voided.
    light, remaining = (None, None)
    if not view["outcome"] and not view["voided"] and (clock.due is not None or clock.paused):
        light, remaining = light_of(clock, calendar, as_of, yellow_days)
    view["light"] = light.value if light else None
    view["light_label"] = light.label if light else None
    view["remaining_workdays"] = remaining
    supervisions = list(supervisions)
    view["assignments"] = [assignment_view(a, calendar, as_of, yellow_days) for a in assignments]
    view["supervision"] = [supervision_view(s) for s in supervisions]
    view["supervised"] = is_supervised(supervisions)
    letters = letters or []
    view["letters"] = [letter_view(letter) for letter in letters]
    view["remedy_until"] = request_remedy(letters, calendar)
    if not reveal:
        for letter in view["letters"]:
            if letter["delivered"]:
                mask_fields(letter["delivered"], ("tracking", "signed_by"))
    return view


def describe(row: Mapping[str, Any], clock: Clock, *, reveal: bool = False) -> dict[str, Any]:
    """The request as JSON (contract of issue 3). ID and phone numbers are masked unless
    `reveal` (only `show` reveals them)."""
    view = {
        "number": row["number"],
        "applicant": row["applicant"],
        "applicant_type": row["applicant_type"],
        "channel": row["channel"],
        "received": row["received_on"],
        "content": row["content"],
        "department": row.get("department"),
        "handler": row.get("handler"),
        "organ": row.get("organ"),
        "stage": row["stage"],
        "stage_label": Stage(row["stage"]).label,
        "due": clock.due.isoformat() if clock.due else None,
        "due_provisional": clock.provisional,
        "paused": clock.paused is not None,
        "pause": clock.paused,
        "watch": clock.watch.isoformat() if clock.watch else None,
        "extended_days": clock.extended_days,
        "outcome": row.get("outcome"),
        "replied": row.get("replied_on"),
        "closed": row.get("closed_on"),
        "id_number": row.get("id_number") if reveal else mask_id_number(row.get("id_number")),
        "credit_code": row.get("credit_code") if reveal else mask_id_number(row.get("credit_code")),
        "legal_rep": row.get("legal_rep"),
        "contact_person": row.get("contact_person"),
        "agent": row.get("agent"),
        "agent_id": row.get("agent_id") if reveal else mask_id_number(row.get("agent_id")),
        "phone": row.get("phone") if reveal else mask_phone(row.get("phone")),
        "email": row.get("email"),
        "address": row.get("address"),
        "clerk": row.get("clerk"),
        "delivery": row.get("delivery"),
        "note": row.get("note"),
        "voided": bool(row.get("voided")),
        "void_reason": row.get("void_reason"),
        "supplement_late": bool(row.get("supplement_late")),
        "late": bool(clock.late_workdays),
        "late_workdays": clock.late_workdays,
        "proposal": proposal_view(row),
        "fee": fee_view(row),
    }
    return view if reveal else mask_fields(view, MASKED_FIELDS)


def fee_view(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The fee notice (国办函〔2020〕109号) as JSON; None when none was sent."""
    if not row.get("fee_noticed_on"):
        return None
    return {"noticed": row["fee_noticed_on"], "basis": row.get("fee_basis"),
            "amount": row.get("fee_amount"), "pages": row.get("fee_pages"),
            "paid": row.get("fee_paid_on")}


#: Every text field of a request outside `show`: a number typed into any of them is masked.
MASKED_FIELDS = ("applicant", "content", "department", "handler", "organ", "email", "address", "clerk", "delivery", "note",
                 "void_reason", "legal_rep", "contact_person", "agent")


def history_view(events: list[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A request's history as `show --json` gives it: every event (an undone one marked
    `undone`, an undo naming the event it `undoes`), and the corrections on their own."""
    from hunnan_gk.vocab import EventAction
    from hunnan_gk.workflow import undone_ids

    undone = undone_ids(events)
    listed = []
    for event in events:
        view = event_view(event)
        view["id"] = event["id"]
        view["undone"] = event["id"] in undone
        if event["action"] == EventAction.UNDO.value:
            view["undoes"] = event["data"].get("undoes")
        listed.append(view)
    corrections = [
        {"field": e["data"].get("field"), "old": e["data"].get("old"), "new": e["data"].get("new"),
         "reason": e["data"].get("reason"), "on": e["happened_on"], "clerk": e["clerk"], "at": e["at"]}
        for e in events if e["action"] == EventAction.CORRECT.value
    ]
    return {"events": listed, "corrections": corrections}


def event_view(event: Mapping[str, Any]) -> dict[str, Any]:
    """One event of a request's history as `show --json` lists it."""
    return {
        "action": event["action"],
        "stage": event["stage_after"],
        "stage_before": event["stage_before"],
        "on": event["happened_on"],
        "at": event["at"],
        "clerk": event["clerk"],
        # the OS account that ran the command (none on events older than issue 12)
        "os_user": (event.get("data") or {}).get("os_user") if isinstance(event.get("data"), dict) else None,
        "note": event["note"],
        "imported": bool(event["imported"]),
    }


def directory_view(directory: "Directory") -> dict[str, Any]:
    """The configured departments with their handlers, and the handlers placed in no configured
    department (`hunnan-gk departments --json`)."""
    listed = [
        {
            "name": d.name,
            "aliases": list(d.aliases),
            "email": list(d.emails),
            "leader": d.leader,
            "leader_email": d.leader_email,
            "workdays": d.workdays,
            "handlers": [{"name": h.name, "email": h.email} for h in directory.handlers_of(d.name)],
        }
        for d in directory.departments
    ]
    unplaced = [{"name": h.name, "department": h.department, "email": h.email}
                for h in directory.handlers if directory.department(h.department) is None]
    return {"departments": listed, "handlers_without_department": unplaced}
