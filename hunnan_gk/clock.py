"""The legal clock of a request: when the reply is due, what pauses it, and why. Pure: the
stored facts, a calendar and `as_of` in; dates out.

Rules (条例, domain.md §2):
- 第33条: reply within 20 working days of receipt; the day of receipt is not counted.
  One extension, at most 20 working days in total.
- 第30条: 补正 must be asked within 7 working days of receipt; the clock stops while the
  applicant corrects and the 20 days restart from the corrected application's receipt.
- 第32条/第34条: consultation of a third party or another organ (15 working days for them)
  is not counted: the working days after its start, up to and including its end, pause the clock.
- 国办函〔2020〕109号《政府信息公开信息处理费管理办法》第七条: the applicant pays within 20
  working days of the fee notice (else the request is treated as abandoned), and the time from
  the notice to the payment is not counted in the reply period: counted like a consultation,
  the working days after the notice up to and including the payment day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Mapping

from hunnan_gk.dates import stored_date
from hunnan_gk.vocab import PauseKind

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

REPLY_WORKDAYS = 20  # 条例第33条第2款
MAX_EXTENSION_WORKDAYS = 20  # 条例第33条第2款
SUPPLEMENT_NOTICE_WORKDAYS = 7  # 条例第30条
CONSULTATION_WORKDAYS = 15  # 条例第32条、第34条
FEE_PAYMENT_WORKDAYS = 20  # 国办函〔2020〕109号《办法》第七条: 收到收费通知次日起20个工作日内缴纳
CEILING_WORKDAYS = REPLY_WORKDAYS + MAX_EXTENSION_WORKDAYS


@dataclass(frozen=True)
class Clock:
    """Where a request's legal clock stands on a given day."""

    start: date  # the 20 working days count from the day after this
    due: date | None  # the reply deadline; None while stopped for 补正
    provisional: bool  # the due date's count crossed a year without official holiday data
    paused: PauseKind | None  # why the clock is not running now, if it is not
    watch: date | None  # while paused: the 补正 deadline, or the end of the party's window
    ceiling: date | None  # legal ceiling: start + 40 working days + paused days
    review_limit: date  # last day to send 补正告知: receipt + 7 working days
    paused_workdays: int  # working days not counted for consultation
    extended_days: int
    stopped: bool  # an outcome is recorded: the clock no longer runs
    late_workdays: int | None = None  # replied: working days past the due date; else None


def _on_or_before(value: Any, as_of: date) -> date | None:
    day = stored_date(value)
    return day if day is not None and day <= as_of else None


def _merge(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Pause:
    """One consultation as the clock sees it: the working days after `start`, up to and
    including `end`, are not counted."""

    party: str
    kind: str
    start: date
    end: date  # the day counting resumes after; never past the party's 15-day window
    window_end: date  # start + 15 working days (条例第32条、第34条)
    waiting: bool  # still open and within its window: the clock is paused now


def consultation_pauses(
    consultations: list[Mapping[str, Any]], start: date, horizon: date, calendar: "WorkCalendar"
) -> list[Pause]:
    """The pauses of the consultations begun after the clock's start and by `horizon`.

    The party has 15 working days to answer (条例第32条 third parties, 第34条 other organs);
    silence then lets the office decide, so a pause never runs past that window, even when
    nobody recorded its end. An open one counts up to `horizon`."""
    pauses = []
    for row in consultations:
        began, ended = stored_date(row["start_on"]), stored_date(row.get("end_on"))
        if began is None or began < start or began > horizon:
            continue
        window_end = calendar.add(began, CONSULTATION_WORKDAYS).date
        still_open = ended is None or ended > horizon
        pauses.append(
            Pause(
                party=row.get("party") or "",
                kind=row.get("kind") or "",
                start=began,
                end=min(horizon if still_open else ended, window_end),
                window_end=window_end,
                waiting=still_open and horizon <= window_end,
            )
        )
    return pauses


def fee_pause(request: Mapping[str, Any], start: date, horizon: date) -> tuple[date, date] | None:
    """The fee notice's pause as (notice, end): the working days after the notice up to and
    including the payment (or `horizon` while unpaid) are not counted (109号《办法》第七条).
    None without a notice sent after the clock's start and by `horizon`."""
    noticed = stored_date(request.get("fee_noticed_on"))
    if noticed is None or noticed < start or noticed > horizon:
        return None
    paid = stored_date(request.get("fee_paid_on"))
    return noticed, horizon if paid is None or paid > horizon else paid


def fee_unpaid(request: Mapping[str, Any], as_of: date) -> bool:
    """A fee notice was sent by `as_of` and not paid by then."""
    noticed = stored_date(request.get("fee_noticed_on"))
    paid = stored_date(request.get("fee_paid_on"))
    return noticed is not None and noticed <= as_of and (paid is None or paid > as_of)


def _running(start: date, consultations: list[Mapping[str, Any]], extended: int,
             horizon: date, calendar: "WorkCalendar", fee: tuple[date, date] | None = None):
    """The deadline of a clock running from `start`: (due, provisional, paused working days,
    the pauses counted, every consultation's pause by `horizon`). `fee`: the fee notice's
    pause, if any (see fee_pause)."""
    pauses = consultation_pauses(consultations, start, horizon, calendar)
    # A consultation (or a fee notice) pauses a running clock only: one begun after the
    # deadline had already passed neither hides nor shortens the delay (条例第33条).
    paused_days = 0
    provisional = False
    due = calendar.add(start, REPLY_WORKDAYS + extended)
    counted_pauses = []
    intervals = [(p.start, p.end) for p in pauses] + ([fee] if fee else [])
    for began, ended in _merge(intervals):
        if began > due.date:
            break
        counted_pauses.append((began, ended))
        counted = calendar.between(began, ended)
        paused_days += counted.workdays
        provisional = provisional or counted.provisional
        due = calendar.add(start, REPLY_WORKDAYS + extended + paused_days)
    return due, provisional or due.provisional, paused_days, counted_pauses, pauses


def compute_clock(
    request: Mapping[str, Any],
    consultations: list[Mapping[str, Any]],
    calendar: "WorkCalendar",
    as_of: date,
) -> Clock:
    """The clock of one request on `as_of`, recomputed from its recorded facts and today's
    calendar data (so a holiday added to the override file moves every open deadline).

    `request` holds the storage row's fields (received_on,
    supplement_asked_on, supplement_until, supplement_received_on, extended_days,
    outcome_on, replied_on); `consultations` the rows with start_on and end_on (None while open).
    """
    received = stored_date(request["received_on"])
    extended = int(request.get("extended_days") or 0)
    # Facts dated after `as_of` had not happened yet on that day (a report for a past day).
    stopped_on = _on_or_before(request.get("outcome_on"), as_of)
    asked = _on_or_before(request.get("supplement_asked_on"), as_of)
    corrected = _on_or_before(request.get("supplement_received_on"), as_of)
    if asked and supplement_after_deadline(request, consultations, calendar):
        asked = corrected = None  # recorded, but it neither stops nor restarts the clock
    start = corrected or received  # 条例第30条: the 20 days restart from the correction
    review = calendar.add(received, SUPPLEMENT_NOTICE_WORKDAYS)

    if asked and not corrected and stopped_on is None:
        return Clock(
            start=start,
            due=None,
            provisional=False,
            paused=PauseKind.SUPPLEMENT,
            watch=stored_date(request.get("supplement_until")),
            ceiling=None,
            review_limit=review.date,
            paused_workdays=0,
            extended_days=extended,
            stopped=False,
        )

    horizon = min(as_of, stopped_on) if stopped_on else as_of
    fee = fee_pause(request, start, horizon)
    due, provisional, paused_days, counted_pauses, pauses = _running(
        start, consultations, extended, horizon, calendar, fee
    )
    waiting = [
        p.window_end
        for p in pauses
        if p.waiting and stopped_on is None and any(b <= p.start <= e for b, e in counted_pauses)
    ]
    paused = PauseKind.CONSULTATION if waiting else None
    watch = max(waiting) if waiting else None
    if (fee and stopped_on is None and fee_unpaid(request, as_of)
            and any(b <= fee[0] <= e for b, e in counted_pauses)):
        # 109号《办法》第七条: the office waits for the payment, at most 20 working days
        paused = PauseKind.FEE
        watch = calendar.add(fee[0], FEE_PAYMENT_WORKDAYS).date
    late_workdays = None
    replied = _on_or_before(request.get("replied_on"), as_of)
    if replied is not None:
        # 条例第33条: a reply after the deadline is late by the working days past it.
        late_workdays = max(calendar.between(due.date, replied).workdays, 0)

    ceiling = calendar.add(start, CEILING_WORKDAYS + paused_days)
    return Clock(
        start=start,
        due=due.date,
        provisional=provisional,
        paused=paused,
        watch=watch,
        ceiling=ceiling.date,
        review_limit=review.date,
        paused_workdays=paused_days,
        extended_days=extended,
        stopped=stopped_on is not None,
        late_workdays=late_workdays,
    )


def supplement_after_deadline(request: Mapping[str, Any], consultations: list[Mapping[str, Any]],
                              calendar: "WorkCalendar") -> bool:
    """Whether the 补正 notice was sent after the reply deadline had passed: then it is on
    record but does not stop the clock (条例第30条 allows it within 7 working days; a notice
    after the deadline cannot excuse a delay that had already happened, as a consultation
    begun then does not)."""
    asked = stored_date(request.get("supplement_asked_on"))
    if asked is None:
        return False
    received = stored_date(request["received_on"])
    due = _running(received, consultations, int(request.get("extended_days") or 0), asked,
                   calendar, fee_pause(request, received, asked))[0]
    return asked > due.date


def _explained_pauses(pauses: list[Pause], consultations: list[Mapping[str, Any]], clock: Clock,
                      horizon: date, calendar: "WorkCalendar", fee: tuple[date, date] | None) -> list[dict[str, Any]]:
    """Each consultation with the working days it actually kept out of the count: days
    already not counted for an earlier, overlapping consultation are not counted twice
    (`overlap_workdays`), and one begun after the deadline had passed keeps none out
    (`counted` false, 条例第33条). The `counted_workdays` add up to the clock's paused days."""
    counted_spans = _running(clock.start, consultations, clock.extended_days, horizon, calendar, fee)[3]
    seen: set[date] = set()
    explained = []
    for pause in sorted(pauses, key=lambda p: (p.start, p.end)):
        days = {pause.start + timedelta(days=n) for n in range(1, (pause.end - pause.start).days + 1)}
        days = {day for day in days if calendar.is_workday(day)}
        counted = any(began <= pause.start <= ended for began, ended in counted_spans)
        new = days - seen if counted else set()
        explained.append({
            "party": pause.party,
            "kind": pause.kind,
            "start": pause.start.isoformat(),
            "end": pause.end.isoformat(),
            "window_end": pause.window_end.isoformat(),
            "waiting": pause.waiting,
            "workdays": len(days),
            "counted": counted,
            "counted_workdays": len(new),
            "overlap_workdays": len(days & seen) if counted else 0,
        })
        if counted:
            seen |= days
    return explained


def explain_clock(
    request: Mapping[str, Any],
    consultations: list[Mapping[str, Any]],
    calendar: "WorkCalendar",
    as_of: date,
) -> dict[str, Any]:
    """How the due date was reached: the start, each restart and pause, the extension, and
    the holidays and adjusted working days crossed on the way."""
    clock = compute_clock(request, consultations, calendar, as_of)
    stopped_on = stored_date(request.get("outcome_on"))
    horizon = min(as_of, stopped_on) if stopped_on else as_of
    fee = fee_pause(request, clock.start, horizon)
    pauses = _explained_pauses(consultation_pauses(consultations, clock.start, horizon, calendar),
                               consultations, clock, horizon, calendar, fee)
    fee_view = None if fee is None else {
        "start": fee[0].isoformat(),
        "end": fee[1].isoformat(),
        "paid": request.get("fee_paid_on"),
        "workdays": calendar.between(fee[0], fee[1]).workdays,
    }
    total = REPLY_WORKDAYS + clock.extended_days + clock.paused_workdays
    crossed = []
    if clock.due is not None:
        crossed = [
            {"date": day.date.isoformat(), "workday": day.workday, "reason": day.reason,
             "provisional": day.provisional}
            for day in calendar.explain(clock.start, total)
            if day.reason not in ("工作日", "周末")
        ]
    return {
        "received": request["received_on"],
        "start": clock.start.isoformat(),
        "restarted": clock.start.isoformat() != request["received_on"],
        "supplement_asked": request.get("supplement_asked_on"),
        "supplement_until": request.get("supplement_until"),
        "base_workdays": REPLY_WORKDAYS,
        "pauses": pauses,
        "fee_pause": fee_view,
        "paused_workdays": clock.paused_workdays,
        "extended_days": clock.extended_days,
        "total_workdays": total,
        "due": clock.due.isoformat() if clock.due else None,
        "provisional": clock.provisional,
        "ceiling": clock.ceiling.isoformat() if clock.ceiling else None,
        "crossed": crossed,
    }
