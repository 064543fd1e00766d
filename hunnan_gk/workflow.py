"""The eight stages and their transitions. Pure: dates and rows in, data out.

Each transition checks the rules of the 条例 (domain.md §2) against the request as stored and
returns a Change; the clock these rules read is `clock.compute_clock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

from hunnan_gk.clock import MAX_EXTENSION_WORKDAYS, SUPPLEMENT_NOTICE_WORKDAYS, compute_clock
from hunnan_gk.dates import check_not_after_today, stored_date
from hunnan_gk.vocab import (AppealKind, AppealResult, ConsultKind, CorrectableField, EventAction,
                             Outcome, Stage)

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

REGULATION_IN_FORCE = date(2008, 5, 1)  # 国务院令第492号 took effect; no request predates it


# --- transitions -------------------------------------------------------------------
#
# Each transition takes the request as stored (a row dict), checks the rules, and returns a
# Change: the fields to update and the event to append. Storage applies both in one
# transaction. Nothing here writes; a refusal is a Refused error with the reason in Chinese.


@dataclass
class Change:
    action: EventAction
    on: date
    fields: dict[str, Any]
    note: str | None = None
    warnings: list[str] | None = None
    consultation: dict[str, Any] | None = None  # a consultation to insert
    ended_consultation: int | None = None  # id of the consultation this change ends
    extra: dict[str, Any] | None = None  # recorded in the event's data beside before/after
    removed_consultation: int | None = None  # id of the consultation an undo takes back
    reopened_consultation: int | None = None  # id of the consultation an undo opens again


def _refuse(message: str, hint: str | None = None):
    from hunnan_gk.errors import Refused

    return Refused(message, hint=hint)


def _stage(row: Mapping[str, Any]):
    return Stage(row["stage"])


def _supplement_pending(row: Mapping[str, Any]) -> bool:
    return bool(row.get("supplement_asked_on")) and not row.get("supplement_received_on")


def _check_on(row: Mapping[str, Any], on: date, today: date) -> None:
    """A business date may not lie in the future, nor before what is already recorded; a
    voided request takes no step at all."""
    check_not_voided(row)
    check_not_after_today(on, today=today, why="，不能预先登记")
    last = stored_date(row.get("last_event_on"))
    if last and on < last:
        raise _refuse(f"日期 {on} 早于该申请最近一次办理记录（{last}）")


def check_not_voided(row: Mapping[str, Any]) -> None:
    """A voided registration takes no further step (issue 11: void, never reuse)."""
    if row.get("voided"):
        raise _refuse(f"申请 {row['number']} 已作废（{row.get('void_reason')}），不能再办理",
                      hint="作废的申请保留编号和记录，但不再办理、不计入任何统计")


def _check_open(row: Mapping[str, Any]) -> None:
    if row.get("outcome"):
        label = Outcome(row["outcome"]).short_label
        raise _refuse(f"申请 {row['number']} 已于 {row['outcome_on']} 作出处理（{label}），不能再办理此项")


# --- the checks of each registered fact (registration and `correct` share them) ------


def checked_applicant(text: str, option: str = "--applicant") -> str:
    if not (text or "").strip():
        raise _refuse(f"{option} 申请人姓名（名称）不能为空")
    return text.strip()


def checked_content(text: str, option: str = "--content") -> str:
    if not (text or "").strip():
        raise _refuse(f"{option} 申请内容不能为空")
    return text.strip()


def checked_received(received: date, today: date) -> date:
    """The receipt date is the day the office received the application (条例第31条)."""
    check_not_after_today(received, today=today, label="收到日期",
                          why="：收到日期是机关实际收到申请之日（条例第31条）")
    if received < REGULATION_IN_FORCE:
        raise _refuse(f"收到日期 {received} 早于《政府信息公开条例》施行之日（{REGULATION_IN_FORCE}），请核对")
    return received


def checked_id_number(text: str | None, option: str = "--id-number") -> str | None:
    """A resident ID number (GB 11643, checked by stdnum.cn.ric); None when not given."""
    from hunnan_gk.idcard import id_number_problem

    return _checked_code(text, option, "身份证号码", id_number_problem)


def checked_credit_code(text: str | None, option: str = "--credit-code") -> str | None:
    """A 统一社会信用代码 (GB 32100, checked by stdnum.cn.uscc); None when not given."""
    from hunnan_gk.idcard import credit_code_problem

    return _checked_code(text, option, "统一社会信用代码", credit_code_problem)


def _checked_code(text: str | None, option: str, what: str, problem_of) -> str | None:
    if not text or not text.strip():
        return None
    from hunnan_gk.applicants import id_key

    value = id_key(text)  # stored half-width, without spaces: found again however typed
    problem = problem_of(value)
    if problem:
        raise _refuse(f"{option} {what}有误：{problem}")
    return value


def optional_text(text: str | None) -> str | None:
    """An optional free-text fact (phone, address, department…): trimmed, None when empty."""
    return (text.strip() or None) if text else None


def registration(*, applicant: str, applicant_type: str, channel: str, received: date,
                 content: str, today: date, id_number: str | None = None,
                 **optional: str | None) -> dict[str, Any]:
    """接收登记 (stage 1) checked and done: the new request's fields, standing in `review`.

    The receipt date is the day the office received the application (条例第31条); the clock
    counts from the day after it (条例第33条)."""
    applicant = checked_applicant(applicant)
    content = checked_content(content)
    received = checked_received(received, today)
    id_number = checked_id_number(id_number)
    if "credit_code" in optional:
        optional["credit_code"] = checked_credit_code(optional["credit_code"])
    if "agent_id" in optional:
        optional["agent_id"] = checked_id_number(optional["agent_id"], "--agent-id")
    return {
        "applicant": applicant,
        "applicant_type": applicant_type,
        "channel": channel,
        "received_on": received.isoformat(),
        "content": content,
        "id_number": id_number,
        **{name: optional_text(value) for name, value in optional.items()},
        "stage": Stage.REVIEW.value,
        "clock_start_on": received.isoformat(),
        "extended_days": 0,
        "last_event_on": received.isoformat(),
        "voided": 0,
        "supplement_late": 0,
    }


def advance(row: Mapping[str, Any], *, on: date, today: date, outcome: str | None = None,
            expect: str | None = None, override_proposal: bool = False) -> Change:
    """Complete the current stage and move to the next (work plan item 10). Completing
    答复意见审核 approves the proposed reply (预答复) if one was drafted; 答复申请 then
    replies with its outcome, and another outcome only with `override_proposal`, recorded."""
    stage = _stage(row)
    if expect is not None and Stage(expect) is not stage:
        raise _refuse(
            f"申请 {row['number']} 当前处于“{stage.label}”，不是 --expect 指定的“{Stage(expect).label}”",
            hint="可能已有其他人办理了这一环节：用 hunnan-gk show 查看",
        )
    if stage is Stage.CLOSED:
        raise _refuse(f"申请 {row['number']} 已办结（{row.get('closed_on')}）")
    _check_on(row, on, today)
    if outcome is not None and stage is not Stage.REPLY:
        raise _refuse(f"--outcome 只在完成“{Stage.REPLY.label}”环节时填写；当前环节是“{stage.label}”")
    if stage is Stage.REPLY and row.get("fee_noticed_on") and not row.get("fee_paid_on"):
        raise _refuse(
            f"申请 {row['number']} 已于 {row['fee_noticed_on']} 发出收费通知，尚未缴费",
            hint="缴费后运行 hunnan-gk fee paid；逾期未缴费用 hunnan-gk fee lapsed（国办函〔2020〕109号）",
        )
    if stage is not Stage.ARCHIVE and _supplement_pending(row):
        raise _refuse(
            f"申请 {row['number']} 正在等待申请人补正（期限 {row.get('supplement_until')}）",
            hint="收到补正后先运行 hunnan-gk supplement received",
        )
    fields: dict[str, Any] = {"stage": stage.next().value}
    extra = None
    if stage is Stage.APPROVE and row.get("proposal_outcome"):
        fields["proposal_approved_on"] = on.isoformat()
    if stage is Stage.REPLY:
        outcome, extra = _reply_outcome(row, outcome, override_proposal)
        if outcome is None:
            raise _refuse(
                "完成“答复申请”须用 --outcome 写明答复类型（对应年度报告的一行）",
                hint="可选（hunnan-gk outcomes）：\n" + Outcome.grouped_text(),
            )
        _check_open(row)
        fields.update(outcome=Outcome(outcome).value, outcome_on=on.isoformat(),
                      replied_on=on.isoformat())
    if stage is Stage.ARCHIVE:
        fields["closed_on"] = on.isoformat()
    return Change(action=EventAction.ADVANCE, on=on, fields=fields, extra=extra)


def _reply_outcome(row: Mapping[str, Any], outcome: str | None,
                   override: bool) -> tuple[str | None, dict[str, Any] | None]:
    """The outcome of the reply: the approved proposal's unless another was given, which
    only `--override-proposal` allows (and the event records)."""
    proposed = row.get("proposal_outcome") if row.get("proposal_approved_on") else None
    if proposed is None or outcome is None or outcome == proposed:
        return outcome or proposed, None
    if not override:
        raise _refuse(
            f"--outcome {Outcome(outcome).short_label} 与审核通过的预答复（{Outcome(proposed).short_label}）不同",
            hint="确需改变答复类型时加 --override-proposal（将记入办理记录），或退回拟定答复意见重新拟定",
        )
    return outcome, {"override_proposal": {"proposed": proposed, "outcome": outcome}}


def return_to(row: Mapping[str, Any], *, to: str, reason: str, on: date, today: date) -> Change:
    """Send the request back to an earlier stage, e.g. 审核不通过 → 拟定答复意见."""
    stage, target = _stage(row), Stage(to)
    _check_open(row)
    if not reason.strip():
        raise _refuse("退回须用 --reason 写明理由")
    if target is Stage.REGISTER:
        raise _refuse("不能退回到“接收登记”：登记一经完成即有编号和收到日期")
    if target.position >= stage.position:
        raise _refuse(f"只能退回到当前环节“{stage.label}”之前的环节，“{target.label}”不在其前")
    _check_on(row, on, today)
    fields: dict[str, Any] = {"stage": target.value}
    if row.get("proposal_approved_on") and target.position <= Stage.APPROVE.position:
        fields["proposal_approved_on"] = None  # the proposal must pass 答复意见审核 again
    return Change(action=EventAction.RETURN, on=on, fields=fields, note=reason)


def supplement_ask(row: Mapping[str, Any], *, on: date, until: date, today: date,
                   calendar: "WorkCalendar",
                   consultations: list[Mapping[str, Any]] | None = None,
                   items: str | None = None) -> Change:
    """补正告知 sent: the clock stops (条例第30条) — unless the reply deadline has already
    passed: then it is recorded with a warning and the request stays overdue. A notice after
    the 7 working days but before the deadline still stops it, kept as `supplement_late`."""
    consultations = consultations or []
    _check_open(row)
    if row.get("supplement_asked_on"):
        raise _refuse(
            f"申请 {row['number']} 已于 {row['supplement_asked_on']} 告知补正；补正应一次性告知（条例第30条）"
        )
    _check_on(row, on, today)
    if until <= on:
        raise _refuse(f"补正期限 {until} 应晚于告知日期 {on}")
    warnings = []
    limit = calendar.add(stored_date(row["received_on"]), SUPPLEMENT_NOTICE_WORKDAYS)
    late = on > limit.date
    due = compute_clock(row, consultations, calendar, on).due
    if due is not None and on > due:
        warnings.append(
            f"答复期限 {due} 已过：照实登记补正告知，但它不停止计时，申请仍为超期（条例第30条、第33条）"
        )
    elif late:
        warnings.append(
            f"补正告知日期 {on} 已超过收到申请后 7 个工作日（{limit.date}），条例第30条要求在 7 个工作日内告知；已照实登记"
        )
    fields = {"supplement_asked_on": on.isoformat(), "supplement_until": until.isoformat(),
              "supplement_late": int(late)}
    if optional_text(items):  # what to correct, listed once and completely (条例第30条)
        fields["supplement_items"] = optional_text(items)
    return Change(action=EventAction.SUPPLEMENT_ASK, on=on, fields=fields, warnings=warnings)


def _check_awaiting_supplement(row: Mapping[str, Any]) -> None:
    _check_open(row)
    if not _supplement_pending(row):
        raise _refuse(f"申请 {row['number']} 没有待补正的告知")


def supplement_received(row: Mapping[str, Any], *, on: date, today: date) -> Change:
    """The corrected application arrived: the 20 working days restart from `on` (条例第30条)."""
    _check_awaiting_supplement(row)
    _check_on(row, on, today)
    warnings = []
    if on > stored_date(row["supplement_until"]):
        warnings.append(f"补正在期限 {row['supplement_until']} 之后收到；已照实登记，请在备注中写明正当理由")
    return Change(
        action=EventAction.SUPPLEMENT_RECEIVED,
        on=on,
        fields={"supplement_received_on": on.isoformat(), "clock_start_on": on.isoformat()},
        warnings=warnings,
    )


def _ended_without_reply(outcome: Outcome, on: date) -> dict[str, Any]:
    """The fields of a request the office stops handling without a reply (（六）其他处理): its
    outcome dated `on`, standing in 归档备查."""
    return {"outcome": outcome.value, "outcome_on": on.isoformat(), "stage": Stage.ARCHIVE.value}


def supplement_lapsed(row: Mapping[str, Any], *, on: date, today: date) -> Change:
    """No correction in time: treated as abandoned (条例第30条), outcome other_no_supplement."""
    _check_awaiting_supplement(row)
    until = stored_date(row["supplement_until"])
    if on <= until:
        raise _refuse(f"补正期限 {until} 尚未届满，{on} 不能登记为逾期未补正")
    _check_on(row, on, today)
    return Change(
        action=EventAction.SUPPLEMENT_LAPSED,
        on=on,
        fields=_ended_without_reply(Outcome.OTHER_NO_SUPPLEMENT, on),
    )


def consult_start(row: Mapping[str, Any], consultations: list[Mapping[str, Any]], *, party: str,
                  kind: str, on: date, today: date, calendar: "WorkCalendar") -> Change:
    """征求意见 begins: the clock pauses (条例第32条、第34条) — if it is still running."""
    _check_open(row)
    if _supplement_pending(row):
        raise _refuse(f"申请 {row['number']} 正在等待补正，计时已停止")
    if not party.strip():
        raise _refuse("--party 征求意见对象不能为空")
    if any(c["party"] == party and not c.get("end_on") for c in consultations):
        raise _refuse(f"已在向“{party}”征求意见，尚未结束")
    _check_on(row, on, today)
    warnings = []
    due = compute_clock(row, consultations, calendar, on).due
    if due is not None and on > due:
        warnings.append(f"答复期限 {due} 已过：照实登记征求意见，但它不再暂停计时，申请仍为超期")
    return Change(
        action=EventAction.CONSULT_START,
        on=on,
        fields={},
        warnings=warnings,
        note=f"向{ConsultKind(kind).label}“{party}”征求意见",
        consultation={"party": party, "kind": ConsultKind(kind).value, "start_on": on.isoformat()},
    )


def consult_end(row: Mapping[str, Any], consultations: list[Mapping[str, Any]], *, on: date,
                today: date, party: str | None = None) -> Change:
    """征求意见 ends: the clock resumes the next working day."""
    _check_open(row)
    open_ones = [c for c in consultations if not c.get("end_on")]
    if party:
        open_ones = [c for c in open_ones if c["party"] == party]
    if not open_ones:
        raise _refuse(f"申请 {row['number']} 没有进行中的征求意见" + (f"（对象“{party}”）" if party else ""))
    if len(open_ones) > 1:
        names = "、".join(c["party"] for c in open_ones)
        raise _refuse(f"有多项征求意见在进行（{names}），请用 --party 指明结束哪一项")
    consultation = open_ones[0]
    if on < stored_date(consultation["start_on"]):
        raise _refuse(f"结束日期 {on} 早于征求意见开始日期 {consultation['start_on']}")
    _check_on(row, on, today)
    return Change(
        action=EventAction.CONSULT_END,
        on=on,
        fields={},
        note=f"“{consultation['party']}”征求意见结束",
        ended_consultation=consultation["id"],
        extra={"ended_consultation": consultation["id"]},
    )


def extend(row: Mapping[str, Any], consultations: list[Mapping[str, Any]], *, days: int,
           approver: str, reason: str, on: date, today: date, calendar: "WorkCalendar") -> Change:
    """延期答复: approved by the head of the disclosure body, at most 20 working days in total
    (条例第33条第2款); only before the deadline has passed."""
    _check_open(row)
    if days < 1:
        raise _refuse("--days 延长的工作日数应为正整数")
    already = int(row.get("extended_days") or 0)
    if already + days > MAX_EXTENSION_WORKDAYS:
        raise _refuse(
            f"延长期限合计不得超过 {MAX_EXTENSION_WORKDAYS} 个工作日（条例第33条）：已延长 {already} 个，"
            f"最多还能延长 {MAX_EXTENSION_WORKDAYS - already} 个"
        )
    if not approver.strip():
        raise _refuse("--approver 须写明批准延期的政府信息公开工作机构负责人（条例第33条）")
    if not reason.strip():
        raise _refuse("--reason 延期须写明理由")
    _check_on(row, on, today)
    clock = compute_clock(row, consultations, calendar, on)
    if clock.due is None:
        raise _refuse("正在等待申请人补正，计时已停止，无需延期")
    if on > clock.due:
        raise _refuse(f"答复期限 {clock.due} 已过，不能再延期（条例第33条：延期须在期限内决定并告知申请人）")
    return Change(
        action=EventAction.EXTEND,
        on=on,
        fields={"extended_days": already + days},
        note=reason,
        extra={"approver": approver, "days": days},
    )


def withdraw(row: Mapping[str, Any], *, reason: str, on: date, today: date) -> Change:
    """The applicant withdrew: outcome `other` (（六）其他处理 3.其他), to archive."""
    _check_open(row)
    if not reason.strip():
        raise _refuse("撤回须用 --reason 写明情况")
    _check_on(row, on, today)
    return Change(
        action=EventAction.WITHDRAW,
        on=on,
        fields=_ended_without_reply(Outcome.OTHER, on),
        note=reason,
    )


# --- fee notices (条例第42条; 国办函〔2020〕109号《政府信息公开信息处理费管理办法》) -------


def fee_notice(row: Mapping[str, Any], consultations: list[Mapping[str, Any]], *, basis: str,
               amount: int, quoted: int, pages: int | None, on: date, today: date,
               calendar: "WorkCalendar") -> Change:
    """收费通知 sent: the clock pauses until the fee is paid (109号《办法》第七条). `quoted` is
    what the chosen basis allows (fees.quote); a notice above it, or where it allows nothing,
    is refused: no fee unless volume or frequency clearly exceeds a reasonable range (条例第42条)."""
    from hunnan_gk.vocab import FeeBasis

    basis = FeeBasis(basis)
    _check_open(row)
    if row.get("fee_noticed_on"):
        raise _refuse(f"申请 {row['number']} 已于 {row['fee_noticed_on']} 发出收费通知（{row.get('fee_amount')} 元）")
    if _supplement_pending(row):
        raise _refuse(f"申请 {row['number']} 正在等待补正，计时已停止")
    if amount < 1:
        raise _refuse("--amount 收费金额应为正整数（元）")
    if quoted <= 0:
        raise _refuse(
            f"{basis.label}测算应收 0 元：不收取信息处理费（条例第42条：申请数量、频次未明显超过合理范围的不收费）",
            hint="用 hunnan-gk fee quote 查看两种方式的测算",
        )
    if amount > quoted:
        raise _refuse(f"--amount {amount} 元超过{basis.label}的测算金额 {quoted} 元（国办函〔2020〕109号）")
    _check_on(row, on, today)
    due = compute_clock(row, consultations, calendar, on).due
    if due is not None and on > due:
        # 109号《办法》第七条: the notice goes out within the period for handling the request
        raise _refuse(f"答复期限 {due} 已过，不能再发出收费通知（收费通知应在答复期限内发出）")
    return Change(
        action=EventAction.FEE_NOTICE,
        on=on,
        fields={"fee_noticed_on": on.isoformat(), "fee_basis": basis.value, "fee_amount": amount,
                "fee_pages": pages},
        note=f"{basis.label} {amount} 元",
    )


def _check_fee_unpaid(row: Mapping[str, Any]) -> None:
    _check_open(row)
    if not row.get("fee_noticed_on"):
        raise _refuse(f"申请 {row['number']} 没有发出收费通知")
    if row.get("fee_paid_on"):
        raise _refuse(f"申请 {row['number']} 的信息处理费已于 {row['fee_paid_on']} 缴纳")


def fee_payment_deadline(row: Mapping[str, Any], calendar: "WorkCalendar") -> date:
    """The last day to pay: 20 working days after the notice (109号《办法》第七条)."""
    from hunnan_gk.clock import FEE_PAYMENT_WORKDAYS

    return calendar.add(stored_date(row["fee_noticed_on"]), FEE_PAYMENT_WORKDAYS).date


def fee_paid(row: Mapping[str, Any], *, on: date, today: date, calendar: "WorkCalendar") -> Change:
    """The fee was paid: the clock runs again from the next working day (109号《办法》第七条)."""
    _check_fee_unpaid(row)
    _check_on(row, on, today)
    if on < stored_date(row["fee_noticed_on"]):
        raise _refuse(f"缴费日期 {on} 早于收费通知日期 {row['fee_noticed_on']}")
    warnings = []
    deadline = fee_payment_deadline(row, calendar)
    if on > deadline:
        warnings.append(f"缴费日期 {on} 已过缴费期限 {deadline}（收到收费通知次日起 20 个工作日）；已照实登记")
    return Change(action=EventAction.FEE_PAID, on=on, fields={"fee_paid_on": on.isoformat()},
                  warnings=warnings)


def fee_lapsed(row: Mapping[str, Any], *, on: date, today: date, calendar: "WorkCalendar") -> Change:
    """Not paid within 20 working days of the notice: treated as abandoned, the office no longer
    handles the request (109号《办法》第七条), outcome other_unpaid_fee, to archive."""
    _check_fee_unpaid(row)
    deadline = fee_payment_deadline(row, calendar)
    if on <= deadline:
        raise _refuse(f"缴费期限 {deadline} 尚未届满（收费通知后 20 个工作日），{on} 不能登记为逾期未缴费")
    _check_on(row, on, today)
    return Change(
        action=EventAction.FEE_LAPSED,
        on=on,
        fields=_ended_without_reply(Outcome.OTHER_UNPAID_FEE, on),
    )


# --- corrections and voids (issue 11; undo is in hunnan_gk.undo) ------------------------
#
# None of these is a step of the handling: they put the record right. Their events carry
# `last_event_on` explicitly (a correction made today must not stop a clerk from recording
# yesterday's step), so replay takes it from them rather than from their date.

#: The column each `correct --field` sets.
CORRECTED_COLUMNS = {
    CorrectableField.RECEIVED: "received_on",
    CorrectableField.REPLIED: "replied_on",
}
REPLY_FIELDS = (CorrectableField.OUTCOME, CorrectableField.REPLIED)

#: Events that record no step of the handling on their date.
_RECORD_KEEPING = frozenset({EventAction.REGISTER, EventAction.IMPORT, EventAction.CORRECT,
                             EventAction.VOID, EventAction.UNDO, EventAction.LETTER,
                             EventAction.DELIVER})


def undone_ids(events: list[Mapping[str, Any]]) -> set[int]:
    """The ids of the events an `undo` took back."""
    return {e["data"]["undoes"] for e in events if e["action"] == EventAction.UNDO.value}


def effective_steps(events: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The steps of the handling that stand: neither record keeping nor undone."""
    undone = undone_ids(events)
    return [e for e in events if e["action"] not in _RECORD_KEEPING and e["id"] not in undone]


def last_step_on(received: str, steps: list[Mapping[str, Any]]) -> str:
    """`last_event_on` as the standing steps give it: the latest of their dates and receipt."""
    return max([received, *(e["happened_on"] for e in steps)])


def correct(row: Mapping[str, Any], events: list[Mapping[str, Any]], *, field: str, value: str,
            reason: str, on: date, today: date) -> Change:
    """更正 a registered fact (or, once replied, the outcome or the reply date), checked exactly
    as at registration; the old and new values and the reason go on record."""
    from hunnan_gk.dates import parse_date
    from hunnan_gk.vocab import ApplicantType, Channel

    check_not_voided(row)
    field = CorrectableField.parse(field, option="--field")
    if not (reason or "").strip():
        raise _refuse("更正须用 --reason 写明理由")
    check_not_after_today(on, today=today, label="--on")
    if field in REPLY_FIELDS and not row.get("replied_on"):
        raise _refuse(f"申请 {row['number']} 尚未答复，不能更正{field.label}（答复类型、答复日期只在答复后更正）")
    column = CORRECTED_COLUMNS.get(field, field.value)
    fields: dict[str, Any] = {}
    if field is CorrectableField.RECEIVED:
        received = checked_received(parse_date(value, today=today, option="--to"), today).isoformat()
        steps = effective_steps(events)
        first_step = min((e["happened_on"] for e in steps), default=None)
        if first_step and received > first_step:
            raise _refuse(f"收到日期 {received} 晚于已登记的办理记录（{first_step}），请核对")
        fields["received_on"] = received
        if not row.get("supplement_received_on"):  # 条例第30条: a correction restarted it
            fields["clock_start_on"] = received
        fields["last_event_on"] = last_step_on(received, steps)
    elif field is CorrectableField.REPLIED:
        replied = parse_date(value, today=today, option="--to")
        check_not_after_today(replied, today=today, label="答复日期")
        if replied < stored_date(row["received_on"]):
            raise _refuse(f"答复日期 {replied} 早于收到日期 {row['received_on']}")
        closed = stored_date(row.get("closed_on"))
        if closed and replied > closed:
            raise _refuse(f"答复日期 {replied} 晚于办结日期 {closed}")
        fields["replied_on"] = replied.isoformat()
        if row.get("outcome_on") == row.get("replied_on"):
            fields["outcome_on"] = replied.isoformat()  # the annual report counts it then
    elif field is CorrectableField.OUTCOME:
        fields["outcome"] = Outcome.parse(value, option="--to").value
    elif field is CorrectableField.APPLICANT_TYPE:
        fields["applicant_type"] = ApplicantType.parse(value, option="--to").value
    elif field is CorrectableField.CHANNEL:
        fields["channel"] = Channel.parse(value, option="--to").value
    elif field is CorrectableField.APPLICANT:
        fields["applicant"] = checked_applicant(value, "--to")
    elif field is CorrectableField.CONTENT:
        fields["content"] = checked_content(value, "--to")
    elif field is CorrectableField.ID_NUMBER:
        fields["id_number"] = checked_id_number(value, "--to")
    elif field is CorrectableField.AGENT_ID:
        fields["agent_id"] = checked_id_number(value, "--to")
    elif field is CorrectableField.CREDIT_CODE:
        fields["credit_code"] = checked_credit_code(value, "--to")
    elif field is CorrectableField.SUPPLEMENT_ITEMS:
        if not row.get("supplement_asked_on"):
            raise _refuse(f"申请 {row['number']} 没有登记补正告知，无须补正的事项可更正")
        fields["supplement_items"] = optional_text(value)
    else:
        fields[column] = optional_text(value)
    old, new = row.get(column), fields[column]
    if old == new:
        raise _refuse(f"{field.label}已是“{new}”，无需更正")
    fields.setdefault("last_event_on", row.get("last_event_on"))
    return Change(action=EventAction.CORRECT, on=on, fields=fields, note=reason.strip(),
                  extra={"field": field.value, "old": old, "new": new, "reason": reason.strip()})


def void(row: Mapping[str, Any], *, reason: str, today: date) -> Change:
    """作废 a registration made by mistake (a duplicate, a test): the number stays taken and
    the record stays readable, but the request leaves every list, report and count."""
    check_not_voided(row)
    if not (reason or "").strip():
        raise _refuse("作废须用 --reason 写明理由（如 重复登记、测试数据）")
    return Change(action=EventAction.VOID, on=today, note=reason.strip(),
                  fields={"voided": 1, "void_reason": reason.strip(),
                          "last_event_on": row.get("last_event_on")},
                  extra={"reason": reason.strip()})


# --- replay ---------------------------------------------------------------------------


#: Columns every request has before any event sets them (added after the first events).
REPLAY_DEFAULTS = {"voided": 0, "void_reason": None, "supplement_late": 0,
                   # issue 13: the handler and the proposed reply (预答复)
                   "handler": None, "proposal_outcome": None, "proposal_reasons": None,
                   "proposal_basis": None, "proposal_other_organ": None,
                   "proposal_other_contact": None, "proposed_on": None,
                   "proposal_approved_on": None,
                   # issue 14: the organ and the fee notice
                   "organ": None, "fee_noticed_on": None, "fee_basis": None, "fee_amount": None,
                   "fee_pages": None, "fee_paid_on": None,
                   # issue 15: the applicant's organisation and agent, the 补正 items
                   "credit_code": None, "legal_rep": None, "contact_person": None, "agent": None,
                   "agent_id": None, "supplement_items": None}


def replay(events: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A request's stored fields rebuilt from its events alone (each event's `data`, decoded):
    the `register` event holds every field as registered, each later event the fields it
    changed; `last_event_on` and the timestamps follow from the events' dates. What the
    audit trail says the request is — it must equal the stored row."""
    state: dict[str, Any] = dict(REPLAY_DEFAULTS)
    for event in events:
        after = event["data"].get("after") or {}
        state.update(after)
        if "last_event_on" not in after:
            on = event["happened_on"]
            state["last_event_on"] = max(on, state.get("last_event_on") or on)
        state.setdefault("created_at", event["at"])
        state["updated_at"] = event["at"]
    return state


# --- appeals (annual report section 四) ---------------------------------------------


def _check_appeal_day(row: Mapping[str, Any], on: date, today: date) -> None:
    check_not_voided(row)
    check_not_after_today(on, today=today, label="--on")
    if on < stored_date(row["received_on"]):
        raise _refuse(f"--on {on} 早于申请的收到日期 {row['received_on']}")


def appeal_filed(row: Mapping[str, Any], pending: Mapping[str, Any] | None, *, kind: str,
                 on: date, today: date) -> Change:
    """The applicant brought 行政复议 or 行政诉讼 against the handling of this request."""
    label = AppealKind(kind).label
    if pending is not None:
        raise _refuse(f"申请 {row['number']} 已有一件尚未审结的{label}，先用 appeal decide 记录其结果")
    _check_appeal_day(row, on, today)
    return Change(action=EventAction.APPEAL_ADD, on=on, fields={}, note=label, extra={"appeal": {"kind": kind}})


def appeal_decided(row: Mapping[str, Any], pending: Mapping[str, Any] | None, *, kind: str,
                   result: str, on: date, today: date) -> Change:
    """The 复议机关 or court decided: 结果维持, 结果纠正 or 其他结果."""
    label = AppealKind(kind).label
    if pending is None:
        raise _refuse(f"申请 {row['number']} 没有尚未审结的{label}，先用 appeal add 登记")
    _check_appeal_day(row, on, today)
    if on < stored_date(pending["filed_on"]):
        raise _refuse(f"--on {on} 早于该{label}的提起日期 {pending['filed_on']}")
    return Change(
        action=EventAction.APPEAL_DECIDE,
        on=on,
        fields={},
        note=f"{label}：{AppealResult(result).label}",
        extra={"appeal": {"kind": kind, "result": result, "id": pending["id"]}},
    )
