"""The eight stages, their transitions, and the legal clock. Pure: dates and rows in, data out.

Rules (条例, domain.md §2):
- 第33条: reply within 20 working days of receipt; the day of receipt is not counted.
  One extension, at most 20 working days in total.
- 第30条: 补正 must be asked within 7 working days of receipt; the clock stops while the
  applicant corrects and the 20 days restart from the corrected application's receipt.
- 第32条/第34条: consultation of a third party or another organ (15 working days for them)
  is not counted: the working days after its start, up to and including its end, pause the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

REPLY_WORKDAYS = 20  # 条例第33条第2款
MAX_EXTENSION_WORKDAYS = 20  # 条例第33条第2款
SUPPLEMENT_NOTICE_WORKDAYS = 7  # 条例第30条
CONSULTATION_WORKDAYS = 15  # 条例第32条、第34条
CEILING_WORKDAYS = REPLY_WORKDAYS + MAX_EXTENSION_WORKDAYS


@dataclass(frozen=True)
class Clock:
    """Where a request's legal clock stands on a given day."""

    start: date  # the 20 working days count from the day after this
    due: date | None  # the reply deadline; None while stopped for 补正
    provisional: bool  # some count crossed a year without official holiday data
    paused: str | None  # "supplement" | "consultation" | None
    watch: date | None  # while paused: the 补正 deadline, or the end of the party's window
    ceiling: date | None  # legal ceiling: start + 40 working days + paused days
    review_limit: date  # last day to send 补正告知: receipt + 7 working days
    paused_workdays: int  # working days not counted for consultation
    extended_days: int
    stopped: bool  # an outcome is recorded: the clock no longer runs


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _merge(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def compute_clock(
    request: Mapping[str, Any],
    consultations: list[Mapping[str, Any]],
    calendar: "WorkCalendar",
    as_of: date,
) -> Clock:
    """The clock of one request on `as_of`, recomputed from its recorded facts and today's
    calendar data (so a holiday added to the override file moves every open deadline).

    `request` holds the storage row's fields (received_on, clock_start_on,
    supplement_asked_on, supplement_until, supplement_received_on, extended_days,
    outcome_on); `consultations` the rows with start_on and end_on (None while open).
    """
    received = _day(request["received_on"])
    start = _day(request.get("clock_start_on")) or received
    extended = int(request.get("extended_days") or 0)
    stopped_on = _day(request.get("outcome_on"))
    review = calendar.add(received, SUPPLEMENT_NOTICE_WORKDAYS)
    provisional = review.provisional

    asked = _day(request.get("supplement_asked_on"))
    corrected = _day(request.get("supplement_received_on"))
    if asked and not corrected and stopped_on is None and asked <= as_of:
        return Clock(
            start=start,
            due=None,
            provisional=provisional,
            paused="supplement",
            watch=_day(request.get("supplement_until")),
            ceiling=None,
            review_limit=review.date,
            paused_workdays=0,
            extended_days=extended,
            stopped=False,
        )

    # Consultation pauses that began after the clock started and by `as_of`;
    # an open one counts up to `as_of` (or to the outcome, once there is one).
    horizon = min(as_of, stopped_on) if stopped_on else as_of
    intervals: list[tuple[date, date]] = []
    open_since: date | None = None
    for row in consultations:
        began = _day(row["start_on"])
        ended = _day(row.get("end_on"))
        if began is None or began < start or began > horizon:
            continue
        if ended is None or ended > horizon:
            if ended is None:
                open_since = max(open_since, began) if open_since else began
            ended = horizon
        intervals.append((began, ended))
    paused_days = 0
    for began, ended in _merge(intervals):
        counted = calendar.between(began, ended)
        paused_days += counted.workdays
        provisional = provisional or counted.provisional

    due = calendar.add(start, REPLY_WORKDAYS + extended + paused_days)
    ceiling = calendar.add(start, CEILING_WORKDAYS + paused_days)
    watch = None
    paused = None
    if open_since is not None and stopped_on is None:
        paused = "consultation"
        window = calendar.add(open_since, CONSULTATION_WORKDAYS)
        watch = window.date
        provisional = provisional or window.provisional
    return Clock(
        start=start,
        due=due.date,
        provisional=provisional or due.provisional or ceiling.provisional,
        paused=paused,
        watch=watch,
        ceiling=ceiling.date,
        review_limit=review.date,
        paused_workdays=paused_days,
        extended_days=extended,
        stopped=stopped_on is not None,
    )
