"""The assessment figures (考核, issue 14): how each department handled the year's requests, for
the performance assessment the work plan asks for (item 19: 绩效考核), and the figures offices
write into the annual report's text (answered within the legal time or not).

Pure: rows, a calendar and the year in; plain data out. Definitions for year Y (voided
requests never reach here):
- received: received in Y; replied: an outcome dated in Y (a reply, a withdrawal, a lapsed
  补正 or fee notice), each either on_time or late;
- late: replied after the due date as the legal clock counts it (条例第33条; pauses of
  条例第30、32、34条 and 国办函〔2020〕109号 excluded, extensions included): a working day past
  the due date (the rule of `clock.compute_clock`'s late_workdays). The office that stops for
  an unanswered 补正 or an unpaid fee is not late: the clock was not running.
- workdays: from the clock's start (receipt, or the corrected application, 条例第30条) to the
  reply, less the paused days; for an unanswered 补正, up to the notice.
- on_time_rate: on_time / replied as a percentage with one decimal; None when nothing was replied.
- supplement_late: 补正 notices sent in Y after the 7 working days (条例第30条);
  extended: requests given an extension in Y (条例第33条);
- open: the requests without an outcome on `as_of` (31 December, or today in the current
  year) by light;
- assignments (by the assignment's own department): assigned in Y (count), submitted in Y by
  or after the assignment's due date (on_time / late), handed back in Y;
- supervised: 督办 orders opened in Y; appeals_corrected: 复议/诉讼 decided 结果纠正 in Y.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.clock import REPLY_WORKDAYS, compute_clock
from hunnan_gk.dates import stored_date
from hunnan_gk.vocab import Light, PauseKind

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

#: The figures of each department and of the total, in the contract's order.
FIGURES = ("received", "replied", "on_time", "late", "on_time_rate", "avg_workdays", "max_workdays",
           "supplement_late", "extended", "open", "assignments", "supervised", "appeals_corrected")
ASSIGNMENT_FIGURES = ("count", "on_time", "late", "handed_back")

#: Chinese headers of the export, one per column (open and assignments spread out).
HEADERS: dict[str, str] = {
    "department": "承办单位",
    "received": "收到申请",
    "replied": "办结",
    "on_time": "按期答复",
    "late": "逾期答复",
    "on_time_rate": "按期答复率（%）",
    "avg_workdays": "平均办理工作日",
    "max_workdays": "最长办理工作日",
    "supplement_late": "补正告知超7个工作日",
    "extended": "延期答复",
    **{f"open.{light.value}": f"年末未办结·{light.label}" for light in Light},
    "assignments.count": "转办",
    "assignments.on_time": "转办按期完成",
    "assignments.late": "转办逾期完成",
    "assignments.handed_back": "转办退回",
    "supervised": "督办",
    "appeals_corrected": "复议诉讼被纠正",
}
UNASSIGNED_LABEL = "（未指定承办单位）"
TOTAL_LABEL = "合计"


@dataclass(frozen=True)
class Reply:
    """How one outcome stood against the legal clock."""

    late: bool
    workdays: int  # working days counted from the clock's start to the reply


def reply_timeliness(row: Mapping[str, Any], consultations: list[Mapping[str, Any]],
                     calendar: "WorkCalendar") -> Reply:
    """On time or late, and the working days the clock counted, for a request with an outcome."""
    return Timeliness(calendar)(row, consultations)


class Timeliness:
    """`reply_timeliness` for many requests of one report: the plain case (nothing paused or
    restarted the clock) is counted from each date's working-day number, looked up once per
    date, so a year of a big office is a few hundred calendar lookups, not tens of thousands."""

    def __init__(self, calendar: "WorkCalendar"):
        self.calendar = calendar
        self._numbers: dict[date, int] = {}
        self._origin: date | None = None  # the first day asked about: counts stay short

    def _number(self, day: date) -> int:
        """The working days from the origin to `day`: between(a, b) = number(b) - number(a)."""
        found = self._numbers.get(day)
        if found is None:
            if self._origin is None:
                self._origin = day
            found = self._numbers[day] = self.calendar.between(self._origin, day).workdays
        return found

    def __call__(self, row: Mapping[str, Any], consultations: list[Mapping[str, Any]]) -> Reply:
        day = stored_date(row.get("replied_on") or row["outcome_on"])
        if not consultations and not row.get("fee_noticed_on") and not row.get("supplement_asked_on"):
            # Nothing paused or restarted the clock: due is the (20 + extension)-th working day
            # after receipt (条例第33条), so a reply is late exactly when more working days than
            # that lie between receipt and reply — compute_clock's answer, without the walk.
            counted = self._number(day) - self._number(stored_date(row["received_on"]))
            allowed = REPLY_WORKDAYS + int(row.get("extended_days") or 0)
            return Reply(late=counted > allowed, workdays=max(counted, 0))
        calendar = self.calendar
        # The clock as it stood on the day of the outcome, before it stopped: for an unanswered
        # 补正 or an unpaid fee it was not running then (条例第30条; 109号《办法》第七条).
        clock = compute_clock({**row, "outcome_on": None, "replied_on": None}, consultations,
                              calendar, day)
        if clock.paused is PauseKind.SUPPLEMENT:
            asked = stored_date(row["supplement_asked_on"])
            return Reply(late=False, workdays=calendar.between(clock.start, asked).workdays)
        late_workdays = max(calendar.between(clock.due, day).workdays, 0)  # as clock.late_workdays
        counted = calendar.between(clock.start, day).workdays - clock.paused_workdays
        return Reply(late=late_workdays > 0, workdays=max(counted, 0))


def _in_year(value: Any, year: int) -> bool:
    return bool(value) and str(value)[:4] == f"{year:04d}"


def _empty() -> dict[str, Any]:
    return {"received": 0, "replied": 0, "on_time": 0, "late": 0, "workdays": [],
            "supplement_late": 0, "extended": 0, "open": {light.value: 0 for light in Light},
            "assignments": dict.fromkeys(ASSIGNMENT_FIGURES, 0), "supervised": 0,
            "appeals_corrected": 0}


def _finished(tally: Mapping[str, Any]) -> dict[str, Any]:
    """The figures in the contract's order, the rate and the averages computed."""
    replied, days = tally["replied"], tally["workdays"]
    return {
        "received": tally["received"],
        "replied": replied,
        "on_time": tally["on_time"],
        "late": tally["late"],
        "on_time_rate": round(tally["on_time"] * 100 / replied, 1) if replied else None,
        "avg_workdays": round(sum(days) / len(days), 1) if days else None,
        "max_workdays": max(days) if days else None,
        "supplement_late": tally["supplement_late"],
        "extended": tally["extended"],
        "open": dict(tally["open"]),
        "assignments": dict(tally["assignments"]),
        "supervised": tally["supervised"],
        "appeals_corrected": tally["appeals_corrected"],
    }


def performance_report(
    *,
    year: int,
    as_of: date,
    calendar: "WorkCalendar",
    requests: Iterable[Mapping[str, Any]],
    open_lights: Iterable[tuple[str | None, str]],
    extended: Iterable[Mapping[str, Any]],
    assignments: Iterable[Mapping[str, Any]],
    supervisions: Iterable[Mapping[str, Any]],
    corrected_appeals: Iterable[Mapping[str, Any]],
    departments: Iterable[str] = (),
    only: str | None = None,
) -> dict[str, Any]:
    """`report performance` as JSON: {"year", "as_of", "departments": [{"department", …}],
    "total": {…}}.

    `requests`: the rows of the year (received, replied or 补正-noticed in it), each with its
    "consultations"; `open_lights`: (department, light) of each request open on `as_of`;
    `assignments`: the assignment records with their department; `extended` (the requests
    extended in the year), `supervisions` and `corrected_appeals`: records with the request's
    "department". `departments`: the configured names, listed first and even when idle;
    `only`: show that department alone (the total stays the whole office's)."""
    departments = tuple(departments)
    timeliness = Timeliness(calendar)
    tallies: dict[str | None, dict[str, Any]] = {name: _empty() for name in departments}
    total = _empty()

    def both(department: str | None):
        if department not in tallies:
            tallies[department] = _empty()
        return tallies[department], total

    for row in requests:
        department = row.get("department")
        for tally in both(department):
            if _in_year(row["received_on"], year):
                tally["received"] += 1
            if row.get("supplement_late") and _in_year(row.get("supplement_asked_on"), year):
                tally["supplement_late"] += 1
        if _in_year(row.get("outcome_on"), year):
            reply = timeliness(row, row.get("consultations") or [])
            for tally in both(department):
                tally["replied"] += 1
                tally["late" if reply.late else "on_time"] += 1
                tally["workdays"].append(reply.workdays)
    for department, light in open_lights:
        for tally in both(department):
            tally["open"][light] += 1
    for record in assignments:
        counted = []
        if _in_year(record["assigned_on"], year):
            counted.append("count")
        if _in_year(record.get("submitted_on"), year):
            counted.append("late" if record["submitted_on"] > record["due_on"] else "on_time")
        if _in_year(record.get("handed_back_on"), year):
            counted.append("handed_back")
        for tally in both(record["department"]):
            for key in counted:
                tally["assignments"][key] += 1
    for key, records in (("extended", extended), ("supervised", supervisions),
                         ("appeals_corrected", corrected_appeals)):
        for record in records:
            for tally in both(record.get("department")):
                tally[key] += 1

    named = [name for name in tallies if name is not None]
    order = list(dict.fromkeys([*departments, *sorted(set(named) - set(departments))]))
    if None in tallies:
        order.append(None)
    if only is not None:
        order = [only]
        tallies.setdefault(only, _empty())
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "departments": [{"department": name, **_finished(tallies[name])} for name in order],
        "total": _finished(total),
    }


def rows(report: Mapping[str, Any]) -> list[list[Any]]:
    """One line per department, then the total, in the order of HEADERS: what CSV and xlsx
    lay out (department names are strings from outside: the writer makes them safe)."""
    lines = []
    for name, figures in [*((d["department"], d) for d in report["departments"]),
                          (TOTAL_LABEL, report["total"])]:
        line: list[Any] = [UNASSIGNED_LABEL if name is None else name]
        for key in list(HEADERS)[1:]:
            group, _, sub = key.partition(".")
            value = figures[group][sub] if sub else figures[group]
            line.append("" if value is None else value)
        lines.append(line)
    return lines
