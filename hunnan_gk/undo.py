"""撤销: taking back a request's latest step (issue 11 item 4) with a compensating event that
names it; the undone event stays in the chain, marked. Pure: the request as stored and its
events (and consultations) in, a workflow Change out.

Each kind of step is reversed from what its event records: the request's fields from the
event's `before`; a consultation begun or ended by its id; an assignment or a 督办单 the step
opened is removed, one it changed is put back as the event kept it (`assignments.undo_record`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from hunnan_gk.assignments import CHANGES_RECORD, OPENS_RECORD, record_undo_refusal, undo_record
from hunnan_gk.vocab import EventAction
from hunnan_gk.workflow import (Change, _refuse, check_not_voided, effective_steps, last_step_on,
                                undone_ids)

#: The steps `undo` takes back; registration, corrections, voids and appeals are not undone.
UNDOABLE = frozenset({
    EventAction.ADVANCE, EventAction.RETURN, EventAction.WITHDRAW, EventAction.SUPPLEMENT_ASK,
    EventAction.SUPPLEMENT_RECEIVED, EventAction.SUPPLEMENT_LAPSED, EventAction.CONSULT_START,
    EventAction.CONSULT_END, EventAction.EXTEND,
    EventAction.FEE_NOTICE, EventAction.FEE_PAID, EventAction.FEE_LAPSED,
    # issue 13: 预答复 (its approval is the `advance` of 答复意见审核), 转办/签收/退回/完成, 督办
    EventAction.PROPOSE, *OPENS_RECORD, *CHANGES_RECORD,
})
#: Records of what was sent and delivered: `undo` passes over them to the step before.
_PAPERWORK = frozenset({EventAction.UNDO.value, EventAction.LETTER.value, EventAction.DELIVER.value})


def _refusal_to_undo(event: Mapping[str, Any]) -> str | None:
    action = EventAction(event["action"])
    if action in (EventAction.REGISTER, EventAction.IMPORT):
        return "登记不能撤销：登记的事项有误用 correct 更正，误登记用 void 作废"
    if action is EventAction.CORRECT:
        return "更正不能撤销：再用 correct 更正为原值即可，两次更正都留在记录中"
    if action not in UNDOABLE:
        return f"“{action.label}”不能撤销"
    if event.get("imported") or "before" not in (event.get("data") or {}):
        return "这一步是从台账导入的，没有办理前的记录，不能撤销"
    return record_undo_refusal(event)


def undo(row: Mapping[str, Any], events: list[Mapping[str, Any]],
         consultations: list[Mapping[str, Any]], *, reason: str, today: date) -> Change:
    """撤销 the request's latest step that stands: a compensating event restores the fields it
    changed (and its consultation, assignment or 督办单), and names it; the undone event stays
    in the chain."""
    check_not_voided(row)
    if not (reason or "").strip():
        raise _refuse("撤销须用 --reason 写明理由")
    undone = undone_ids(events)
    standing = [e for e in events if e["action"] not in _PAPERWORK and e["id"] not in undone]
    last = standing[-1]
    refusal = _refusal_to_undo(last)
    if refusal:
        raise _refuse(f"申请 {row['number']} 的最近一步是“{EventAction(last['action']).label}”"
                      f"（{last['happened_on']}）：{refusal}")
    fields = dict(last["data"]["before"])
    steps = [e for e in effective_steps(events) if e["id"] != last["id"]]
    fields["last_event_on"] = last_step_on(row["received_on"], steps)
    extra = {"undoes": last["id"], "undone_action": last["action"], "reason": reason.strip()}
    action = EventAction(last["action"])
    if action in OPENS_RECORD or action in CHANGES_RECORD:
        extra.update(undo_record(last))
    change = Change(action=EventAction.UNDO, on=today, fields=fields, note=reason.strip(),
                    extra=extra)
    if action is EventAction.CONSULT_START:
        change.removed_consultation = _consultation_of(last, consultations, started=True)
    elif action is EventAction.CONSULT_END:
        change.reopened_consultation = _consultation_of(last, consultations, started=False)
    return change


def _consultation_of(event: Mapping[str, Any], consultations: list[Mapping[str, Any]], *,
                     started: bool) -> int:
    """The id of the consultation a consult start/end event began or ended."""
    data = event["data"]
    known = (data.get("consultation") or {}).get("id") if started else data.get("ended_consultation")
    if known is not None:
        return known
    if started:  # events written before the id was recorded: its party and day
        wanted = data.get("consultation") or {}
        found = [c for c in consultations if c["party"] == wanted.get("party")
                 and c["start_on"] == wanted.get("start_on") and not c.get("end_on")]
    else:
        found = [c for c in consultations if c.get("end_on") == event["happened_on"]]
    if len(found) != 1:
        raise _refuse("找不到这一步对应的征求意见记录，不能撤销")
    return found[0]["id"]
