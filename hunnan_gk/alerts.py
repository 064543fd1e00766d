"""Lights that reach the people who must act (work plan item 10: 红黄绿三色灯提示办理人; issue
13): the handlers' mails (`notify --by-handler`), the department leaders' (red requests for
longer than `lights.escalate_after` working days, and open 督办 with their reasons), and the
clerk-action sections of the office's morning mail — what needs doing although no deadline
shows it. Pure: the overdue report's items and the stored records in, plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.assignments import assignment_light
from hunnan_gk.clock import SUPPLEMENT_NOTICE_WORKDAYS
from hunnan_gk.dates import stored_date
from hunnan_gk.reports import at_or_worse
from hunnan_gk.vocab import Light, PauseKind

if TYPE_CHECKING:
    from hunnan_gk.departments import Directory
    from hunnan_gk.workdays import WorkCalendar

REVIEW_LIMIT_WARNING = 2  # 补正告知 limit (条例第30条, 7 working days) within this many
ARCHIVE_WAITING = 5  # working days in 归档备查 before the mail reminds the clerk

HANDLER_SCOPE = "办理人:"
LEADER_SCOPE = "负责人:"


@dataclass
class Section:
    """A titled list of lines in a mail (plain text; HTML is built from the same lines)."""

    title: str
    lines: list[str] = field(default_factory=list)


def open_assignment_items(assignments: Iterable[Mapping[str, Any]], calendar: "WorkCalendar",
                          as_of: date, yellow_days: int) -> list[dict[str, Any]]:
    """The open assignments (rows joined with their request's number and applicant) with
    their own light on `as_of`; those assigned after `as_of` did not exist yet."""
    items = []
    for record in assignments:
        if stored_date(record["assigned_on"]) > as_of:
            continue
        light = assignment_light(record, calendar, as_of, yellow_days)
        if light is None:
            continue
        items.append({**record, "light": light.value,
                      "late_workdays": calendar.between(stored_date(record["due_on"]), as_of).workdays
                      if light is Light.RED else 0})
    return items


def assignment_line(item: Mapping[str, Any]) -> str:
    """`【红灯】2024-0001 张三 区住建局（李文） 承办期限 2024-04-17，已超期 1 个工作日，未签收`."""
    light = Light(item["light"])
    if light is Light.RED:
        where = f"已超期 {item['late_workdays']} 个工作日" if item["late_workdays"] else "已过承办期限"
    else:
        where = "未到期"
    handler = f"（{item['handler']}）" if item.get("handler") else ""
    accepted = f"{item['accepted_on']} 签收" if item.get("accepted_on") else "未签收"
    return (f"【{light.label}】{item['request_number']}  {item['applicant']}  {item['department']}{handler}  "
            f"承办期限 {item['due_on']}，{where}，{accepted}")


def clerk_actions(report_items: Iterable[Mapping[str, Any]], archived: Iterable[Mapping[str, Any]],
                  assignments: Iterable[Mapping[str, Any]], calendar: "WorkCalendar",
                  as_of: date) -> list[Section]:
    """What the office must do although no reply deadline shows it, each a section (empty
    ones left out): a 补正 period that has passed (to be recorded as 逾期未补正, 条例第30条);
    a 补正 notice limit (7 working days after receipt, 条例第30条) within 2 working days;
    requests waiting in 归档备查 for more than 5 working days; assignments past their due
    date. `assignments` are `open_assignment_items`."""
    items = list(report_items)
    lapsed = Section("补正期限已过，请登记逾期未补正（hunnan-gk supplement lapsed）", [
        f"{i['number']}  {i['applicant']}  补正期限 {i['watch']}"
        for i in items
        if i.get("pause") == PauseKind.SUPPLEMENT and i.get("watch") and i["watch"] < as_of.isoformat()
    ])
    notice = Section(f"补正告知期限（收到后 {SUPPLEMENT_NOTICE_WORKDAYS} 个工作日）将到", [])
    for i in items:
        limit = stored_date(i.get("review_limit"))
        if limit is not None and limit >= as_of:
            left = calendar.between(as_of, limit).workdays
            if left <= REVIEW_LIMIT_WARNING:
                notice.lines.append(f"{i['number']}  {i['applicant']}  最迟 {limit} 告知补正（还剩 {left} 个工作日）")
    waiting = Section(f"归档备查超过 {ARCHIVE_WAITING} 个工作日未归档", [])
    for row in archived:
        since = stored_date(row.get("outcome_on"))
        if since is None or since > as_of:
            continue
        days = calendar.between(since, as_of).workdays
        if days > ARCHIVE_WAITING:
            waiting.lines.append(f"{row['number']}  {row['applicant']}  {since} 起待归档（{days} 个工作日）")
    red = Section("承办单位超过承办期限", [
        assignment_line(a) for a in assignments if a["light"] == Light.RED.value
    ])
    return [section for section in (lapsed, notice, waiting, red) if section.lines]


def handler_groups(items: Iterable[Mapping[str, Any]], assignments: Iterable[Mapping[str, Any]],
                   directory: "Directory", threshold: Light) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """`notify --by-handler`: for each configured handler with an address, the requests they
    handle at `threshold` or worse and their open assignments at it; the requests whose
    handler has no address (or none) are left for the office's mail."""
    groups: dict[str, dict[str, Any]] = {}
    rest = []

    def group(name: str) -> dict[str, Any] | None:
        handler = directory.handler(name)
        if handler is None or not handler.email:
            return None
        return groups.setdefault(name, {"handler": handler, "items": [], "assignments": []})

    for item in items:
        found = group(item.get("handler")) if item.get("handler") else None
        (found["items"] if found else rest).append(dict(item))
    for assignment in assignments:
        if assignment.get("handler") and at_or_worse(Light(assignment["light"]), threshold):
            found = group(assignment["handler"])
            if found:
                found["assignments"].append(dict(assignment))
    return groups, rest


def leader_groups(report_items: Iterable[Mapping[str, Any]], assignments: Iterable[Mapping[str, Any]],
                  supervisions: Iterable[Mapping[str, Any]], directory: "Directory",
                  escalate_after: int) -> dict[str, dict[str, Any]]:
    """Each department leader with an address: the department's requests (registered to it,
    or with an open assignment to it) red for more than `escalate_after` working days (0:
    every red one), and the department's open 督办 with their reasons."""
    assigned: dict[str, set[str]] = {}
    for assignment in assignments:
        assigned.setdefault(assignment["department"], set()).add(assignment["request_number"])
    items = list(report_items)
    groups = {}
    for department in directory.departments:
        if not department.leader_email:
            continue
        mine = assigned.get(department.name, set())
        red = [dict(i) for i in items if i["light"] == Light.RED.value
               and (i.get("department") == department.name or i["number"] in mine)
               and (escalate_after == 0 or _red_for(i) > escalate_after)]
        supervised = [dict(s) for s in supervisions if not s.get("closed_on")
                      and (s.get("department") == department.name or s["request_number"] in mine)]
        if red or supervised:
            groups[department.name] = {"department": department, "items": red,
                                       "supervisions": supervised}
    return groups


def _red_for(item: Mapping[str, Any]) -> int:
    """Working days a red request is past its due date (0 on the weekend after a Friday one)."""
    left = item.get("remaining_workdays")
    return -left if left is not None and left < 0 else 0


def supervision_line(record: Mapping[str, Any]) -> str:
    respond = f"，要求 {record['respond_by']} 前反馈" if record.get("respond_by") else ""
    return (f"{record['request_number']}  {record.get('applicant') or ''}  {record['opened_on']} "
            f"{record['by_name']}督办：{record['reason']}{respond}")
