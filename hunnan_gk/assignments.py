"""Work across departments (work plan item 10: 备案、跟踪、提醒、预答复、督办): 转办/分办 a
request to the departments that hold the information, 签收, 退回, 完成; the proposed reply
(预答复) drafted at 拟定答复意见; and 督办 orders. Pure: the request as stored and its
assignments or supervisions in, a workflow Change out (issue 13).

An assignment or a supervision is one record of the request, numbered `seq` within it; every
event that touches one carries the whole record as it stands afterwards (data["assignment"] or
data["supervision"]), so that replaying the events rebuilds them (`replay_records`). A step
that changes a record also carries it as it stood before (data["record_before"]), and an undo
puts that back, or removes (data["removed"]) the record a step opened (`undo_record`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.clock import compute_clock
from hunnan_gk.dates import stored_date
from hunnan_gk.privacy import mask_fields, mask_in_text
from hunnan_gk.reports import deadline_light
from hunnan_gk.vocab import EventAction, Light, Outcome, Stage
from hunnan_gk.workflow import Change, _check_on, _check_open, _refuse, check_not_voided

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

ASSIGNMENT = "assignment"
SUPERVISION = "supervision"
_RECORD_LABELS = {ASSIGNMENT: "转办记录", SUPERVISION: "督办单"}


def _is_open(assignment: Mapping[str, Any]) -> bool:
    return not assignment.get("submitted_on") and not assignment.get("handed_back_on")


def _open_assignment(row: Mapping[str, Any], assignments: Iterable[Mapping[str, Any]],
                     department: str) -> dict[str, Any]:
    check_not_voided(row)
    for assignment in assignments:
        if assignment["department"] == department and _is_open(assignment):
            return dict(assignment)
    raise _refuse(f"申请 {row['number']} 没有转办给{department}且尚未完成的事项",
                  hint="用 hunnan-gk show 查看转办记录")


#: The steps that open a record (an undo removes it) and those that change one (an undo puts
#: back data["record_before"]), with the record each touches.
OPENS_RECORD = {EventAction.ASSIGN: ASSIGNMENT, EventAction.SUPERVISE: SUPERVISION}
CHANGES_RECORD = {EventAction.ACCEPT: ASSIGNMENT, EventAction.HANDBACK: ASSIGNMENT,
                  EventAction.SUBMIT: ASSIGNMENT, EventAction.SUPERVISE_CLOSE: SUPERVISION}
RECORD_BEFORE = "record_before"
REMOVED = "removed"


def _record_change(action: EventAction, on: date, key: str, record: dict[str, Any],
                   note: str | None, warnings: list[str] | None = None, *,
                   before: Mapping[str, Any] | None = None) -> Change:
    extra: dict[str, Any] = {key: record}
    if before is not None:  # what an undo puts back
        extra[RECORD_BEFORE] = dict(before)
    return Change(action=action, on=on, fields={}, note=note, warnings=warnings or None,
                  extra=extra)


# --- 转办 / 签收 / 退回 / 完成 ----------------------------------------------------------


def assign(row: Mapping[str, Any], assignments: list[Mapping[str, Any]],
           consultations: list[Mapping[str, Any]], *, department: str, handler: str | None,
           on: date, today: date, calendar: "WorkCalendar", department_workdays: int,
           due: date | None = None, workdays: int | None = None,
           note: str | None = None) -> Change:
    """转办 (or 分办, one part to each of several departments) with an internal due date: by
    default the department's own working days after the assignment day, never later than the
    legal reply deadline (条例第33条) — a later date asked for is refused, naming it."""
    check_not_voided(row)
    _check_open(row)
    _check_on(row, on, today)
    if any(a["department"] == department and _is_open(a) for a in assignments):
        raise _refuse(f"申请 {row['number']} 已转办给{department}，尚未签收办结或退回")
    if due is not None and workdays is not None:
        from hunnan_gk.errors import InputError

        raise InputError("--due 与 --workdays 只能选一个")
    if workdays is not None and workdays < 1:
        from hunnan_gk.errors import InputError

        raise InputError("--workdays 应为正整数")
    legal = compute_clock(row, consultations, calendar, on).due
    warnings = []
    if due is None:
        asked = workdays is not None
        due = calendar.add(on, workdays if asked else department_workdays).date
        if legal is not None and due > legal and not asked:
            warnings.append(f"{department}的办理期限按法定答复期限 {legal} 确定（不晚于法定期限）")
            due = legal
    elif due < on:
        raise _refuse(f"承办期限 {due} 早于转办日期 {on}")
    if legal is not None and due > legal:
        raise _refuse(f"承办期限 {due} 晚于法定答复期限 {legal}（条例第33条），请定在 {legal} 或之前")
    if legal is not None and legal < on:
        warnings.append(f"法定答复期限 {legal} 已过，承办事项一经转办即为红灯")
    record = {
        "seq": max((int(a["seq"]) for a in assignments), default=0) + 1,
        "department": department,
        "handler": handler,
        "assigned_on": on.isoformat(),
        "due_on": due.isoformat(),
        "accepted_on": None,
        "handed_back_on": None,
        "reason": None,
        "submitted_on": None,
    }
    return _record_change(EventAction.ASSIGN, on, ASSIGNMENT, record,
                          note or f"转办{department}" + (f"（{handler}）" if handler else ""),
                          warnings)


def _check_after_assigned(record: Mapping[str, Any], on: date) -> None:
    if on < stored_date(record["assigned_on"]):
        raise _refuse(f"日期 {on} 早于转办日期 {record['assigned_on']}")


def accept(row: Mapping[str, Any], assignments: list[Mapping[str, Any]], *, department: str,
           on: date, today: date) -> Change:
    """签收: the department has taken the assignment on."""
    record = _open_assignment(row, assignments, department)
    if record.get("accepted_on"):
        raise _refuse(f"{department}已于 {record['accepted_on']} 签收")
    _check_on(row, on, today)
    _check_after_assigned(record, on)
    before = dict(record)
    record["accepted_on"] = on.isoformat()
    return _record_change(EventAction.ACCEPT, on, ASSIGNMENT, record, f"{department}签收",
                          before=before)


def handback(row: Mapping[str, Any], assignments: list[Mapping[str, Any]], *, department: str,
             reason: str, on: date, today: date) -> Change:
    """退回: not this department's information; the office reassigns it."""
    record = _open_assignment(row, assignments, department)
    if not (reason or "").strip():
        raise _refuse("退回须用 --reason 写明理由")
    _check_on(row, on, today)
    _check_after_assigned(record, on)
    before = dict(record)
    record.update(handed_back_on=on.isoformat(), reason=reason.strip())
    return _record_change(EventAction.HANDBACK, on, ASSIGNMENT, record,
                          f"{department}退回：{reason.strip()}", before=before)


def submit(row: Mapping[str, Any], assignments: list[Mapping[str, Any]], *, department: str,
           on: date, today: date, note: str | None = None) -> Change:
    """完成: the department hands its findings back; the assignment ends."""
    record = _open_assignment(row, assignments, department)
    if not record.get("accepted_on"):
        raise _refuse(f"{department}尚未签收，先用 hunnan-gk accept 登记签收")
    _check_on(row, on, today)
    _check_after_assigned(record, on)
    before = dict(record)
    record["submitted_on"] = on.isoformat()
    return _record_change(EventAction.SUBMIT, on, ASSIGNMENT, record,
                          note or f"{department}办理完成", before=before)


def assignment_light(record: Mapping[str, Any], calendar: "WorkCalendar", as_of: date,
                     yellow_days: int) -> Light | None:
    """The assignment's own light by its due date: red past it, yellow within `yellow_days`
    working days, green; None once submitted or handed back."""
    if not _is_open(record):
        return None
    return deadline_light(stored_date(record["due_on"]), calendar, as_of, yellow_days)[0]


def assignment_view(record: Mapping[str, Any], calendar: "WorkCalendar", as_of: date,
                    yellow_days: int) -> dict[str, Any]:
    light = assignment_light(record, calendar, as_of, yellow_days)
    return {
        "department": record["department"],
        "handler": record.get("handler"),
        "assigned": record["assigned_on"],
        "due": record["due_on"],
        "accepted": record.get("accepted_on"),
        "handed_back": record.get("handed_back_on"),
        "reason": record.get("reason"),
        "submitted": record.get("submitted_on"),
        "light": light.value if light else None,
    }


# --- 预答复 -------------------------------------------------------------------------------


def propose(row: Mapping[str, Any], *, outcome: str, reasons: str, on: date, today: date,
            basis: str | None = None, other_organ: str | None = None,
            other_contact: str | None = None) -> Change:
    """预答复 at 拟定答复意见: the proposed outcome, its reasons and legal basis; for
    information another organ is responsible for, that organ and how to reach it
    (条例第36条第五项). 答复意见审核 approves it with `advance` or sends it back."""
    check_not_voided(row)
    _check_open(row)
    stage = Stage(row["stage"])
    if stage is not Stage.DRAFT:
        raise _refuse(f"预答复在“{Stage.DRAFT.label}”环节拟定；申请 {row['number']} 当前环节是“{stage.label}”")
    if not (reasons or "").strip():
        raise _refuse("--reasons 须写明答复理由")
    organ, contact = (other_organ or "").strip() or None, (other_contact or "").strip() or None
    if bool(organ) != bool(contact):
        raise _refuse("--other-organ 与 --other-contact 须同时填写：告知申请人负责公开的机关名称和联系方式（条例第36条第五项）")
    if organ and Outcome(outcome) is not Outcome.UNAVAILABLE_NOT_HELD:
        raise _refuse(
            f"--other-organ 只用于“{Outcome.UNAVAILABLE_NOT_HELD.short_label}”"
            "（不属于本机关负责公开，条例第36条第五项）"
        )
    _check_on(row, on, today)
    fields = {
        "proposal_outcome": Outcome(outcome).value,
        "proposal_reasons": reasons.strip(),
        "proposal_basis": (basis or "").strip() or None,
        "proposal_other_organ": organ,
        "proposal_other_contact": contact,
        "proposed_on": on.isoformat(),
        "proposal_approved_on": None,
    }
    return Change(action=EventAction.PROPOSE, on=on, fields=fields,
                  note=f"预答复：{Outcome(outcome).short_label}")


def proposal_view(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The request JSON's "proposal"; None when no reply was proposed."""
    if not row.get("proposal_outcome"):
        return None
    return {
        "outcome": row["proposal_outcome"],
        "reasons": row.get("proposal_reasons"),
        "basis": row.get("proposal_basis"),
        "other_organ": row.get("proposal_other_organ"),
        "other_contact": row.get("proposal_other_contact"),
        "proposed": row.get("proposed_on"),
        "approved": row.get("proposal_approved_on"),
    }


# --- 督办 ---------------------------------------------------------------------------------


def _open_supervision(supervisions: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    for record in supervisions:
        if not record.get("closed_on"):
            return dict(record)
    return None


def supervise(row: Mapping[str, Any], supervisions: list[Mapping[str, Any]], *, by: str,
              reason: str, on: date, today: date, respond_by: date | None = None) -> Change:
    """督办单: a supervision order on a request, by whom, why, and by when to respond."""
    check_not_voided(row)
    _check_open(row)
    current = _open_supervision(supervisions)
    if current:
        raise _refuse(f"申请 {row['number']} 已有 {current['opened_on']} 开出的督办单（{current['by_name']}），尚未办结",
                      hint="先用 hunnan-gk supervise close 办结它")
    if not (by or "").strip():
        raise _refuse("--by 须写明督办人")
    if not (reason or "").strip():
        raise _refuse("--reason 须写明督办事由")
    _check_on(row, on, today)
    if respond_by is not None and respond_by < on:
        raise _refuse(f"--respond-by {respond_by} 早于督办日期 {on}")
    record = {
        "seq": max((int(s["seq"]) for s in supervisions), default=0) + 1,
        "by_name": by.strip(),
        "reason": reason.strip(),
        "opened_on": on.isoformat(),
        "respond_by": respond_by.isoformat() if respond_by else None,
        "closed_on": None,
        "note": None,
    }
    return _record_change(EventAction.SUPERVISE, on, SUPERVISION, record,
                          f"{by.strip()}督办：{reason.strip()}")


def supervise_close(row: Mapping[str, Any], supervisions: list[Mapping[str, Any]], *,
                    note: str, on: date, today: date) -> Change:
    """The open 督办单 answered and closed."""
    record = _open_supervision(supervisions)
    if record is None:
        raise _refuse(f"申请 {row['number']} 没有未办结的督办单")
    if not (note or "").strip():
        raise _refuse("--note 须写明督办的办理情况")
    _check_on(row, on, today)
    if on < stored_date(record["opened_on"]):
        raise _refuse(f"日期 {on} 早于督办日期 {record['opened_on']}")
    before = dict(record)
    record.update(closed_on=on.isoformat(), note=note.strip())
    return _record_change(EventAction.SUPERVISE_CLOSE, on, SUPERVISION, record,
                          f"督办办结：{note.strip()}", before=before)


def supervision_view(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "by": record["by_name"],
        "reason": record["reason"],
        "opened": record["opened_on"],
        "respond_by": record.get("respond_by"),
        "closed": record.get("closed_on"),
        "note": record.get("note"),
    }


def is_supervised(supervisions: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a 督办单 is open on the request."""
    return _open_supervision(supervisions) is not None


# --- replay -------------------------------------------------------------------------------


def replay_records(events: Iterable[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """A request's assignments (key "assignment") or supervisions ("supervision") rebuilt
    from its events alone, in `seq` order: each event carries the whole record after it, and
    an undo of the step that opened one names it as removed."""
    records: dict[int, dict[str, Any]] = {}
    for event in events:
        data = event.get("data") or {}
        record = data.get(key)
        if record:
            records[int(record["seq"])] = dict(record)
        removed = (data.get(REMOVED) or {}).get(key)
        if removed is not None:
            records.pop(int(removed), None)
    return [records[seq] for seq in sorted(records)]


def undo_record(event: Mapping[str, Any]) -> dict[str, Any]:
    """What an undo of an assignment's or a 督办's step records (and storage applies): the
    record the step opened removed ({"removed": {key: seq}}), or the record it changed as it
    stood before ({key: record}; see `record_undo_refusal` for a step that did not keep it)."""
    action = EventAction(event["action"])
    data = event["data"]
    if action in OPENS_RECORD:
        key = OPENS_RECORD[action]
        return {REMOVED: {key: int(data[key]["seq"])}}
    return {CHANGES_RECORD[action]: dict(data[RECORD_BEFORE])}


def record_undo_refusal(event: Mapping[str, Any]) -> str | None:
    """Why an undo cannot take back this step of a record: it changed one but was recorded
    before events kept the record as it stood (these steps then carried only the record after)."""
    action = EventAction(event["action"])
    if action in CHANGES_RECORD and not (event.get("data") or {}).get(RECORD_BEFORE):
        return (f"这一步是旧版本登记的，记录中没有{action.label}前的"
                f"{_RECORD_LABELS[CHANGES_RECORD[action]]}，不能撤销")
    return None


def departments_of(department: str | None, assignments: Iterable[Mapping[str, Any]]) -> list[str]:
    """The departments to act on a request: the one it was registered to, then each it was
    assigned to and that did not hand it back (退回: not its request), as `report overdue
    --department` and `notify --by-department` count them (storage.requests.registered_or_assigned)."""
    names = [department] if department else []
    for assignment in assignments:
        if assignment.get("handed_back_on") is None and assignment["department"] not in names:
            names.append(assignment["department"])
    return names


def supervision_report(records: Iterable[Mapping[str, Any]], calendar: "WorkCalendar",
                       as_of: date, *, open_only: bool = False) -> dict[str, Any]:
    """`report supervision`: each 督办单 (joined with its request's number, applicant,
    department and assignments) with the working days it has been open — to its closing, or
    to `as_of`. `departments`: the registered department, then those it was assigned to."""
    items = []
    for record in records:
        if open_only and record.get("closed_on"):
            continue
        opened = stored_date(record["opened_on"])
        until = stored_date(record.get("closed_on")) or as_of
        items.append(mask_fields({  # a report: personal numbers masked, whatever the field
            "number": record["request_number"],
            "applicant": record["applicant"],
            "department": record.get("department"),
            "departments": [mask_in_text(name) for name in
                            departments_of(record.get("department"), record.get("assignments") or ())],
            "stage": record["stage"],
            "stage_label": Stage(record["stage"]).label,
            **supervision_view(record),
            "days_open": calendar.between(opened, until).workdays if until > opened else 0,
            "overdue_response": bool(record.get("respond_by") and not record.get("closed_on")
                                     and as_of.isoformat() > record["respond_by"]),
        }, ("applicant", "department", "by", "reason", "note")))
    return {"as_of": as_of.isoformat(), "open_only": open_only, "supervisions": items,
            "open": sum(1 for item in items if not item["closed"])}
