"""The use cases several commands share, between the commands (which parse and render) and
the pure core with its storage: the overdue report from a database (`report overdue`,
`notify`, `demo`), the morning e-mail run (`notify`), the demo database (`demo`), and the
catalogue's timeliness report (`report catalogue`, and the catalogue section of `notify`).

Everything comes in as explicit parameters (paths, settings, the calendar, today); nothing
here parses options or prints: what a run has to say goes to the `say` callback.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

if TYPE_CHECKING:
    import sqlite_utils

    from hunnan_gk.catalogue import Catalogue
    from hunnan_gk.catalogue_publish import Publication
    from hunnan_gk.config import Settings
    from hunnan_gk.organs import Organs
    from hunnan_gk.vocab import Light
    from hunnan_gk.workdays import WorkCalendar

NOTIFY_LOCK_SECONDS = 15 * 60  # a run that crashed frees the lock after this long


def overdue_report(
    database: "sqlite_utils.Database",
    calendar: "WorkCalendar",
    *,
    today: date,
    as_of: date,
    yellow_days: int,
    lights: Iterable["Light"] | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """The overdue report on `as_of` of the requests in `database`. For a past day, each
    request stands in the stage it had then; `lights` and `department` (the requests
    registered or assigned to it, as `list --department` finds them) narrow what is shown."""
    from hunnan_gk import reports
    from hunnan_gk.storage.reports import unreplied_requests

    from hunnan_gk.storage.assignments import supervised_numbers

    rows = unreplied_requests(
        database, department=department, before=as_of.isoformat() if as_of < today else None
    )
    report = reports.overdue_report(rows, calendar, as_of, yellow_days, lights=lights)
    supervised = supervised_numbers(database, as_of.isoformat())
    for item in report["requests"]:  # 督办 open on that day (issue 13)
        item["supervised"] = item["number"] in supervised
    return report


def annual_report(database: "sqlite_utils.Database", year: int, *, organs: "Organs",
                  calendar: "WorkCalendar", organ: str | None = None):
    """The annual table of `organ` (a configured name, checked by the caller), or without
    it: with several organs configured, the summary over all of them, labelled as such;
    otherwise the one organ's (every request). With the figures of the report's text
    (narrative: receipts by channel, replies on time and late) and its fees (六)."""
    from dataclasses import replace

    from hunnan_gk import annual, performance
    from hunnan_gk.storage.reports import (annual_appeal_counts, annual_channel_counts,
                                           annual_counts, annual_fee_counts, year_requests)

    chosen = {"organ": organ, "default_organ": organs.default}
    counts = annual_counts(database, year, **chosen)
    table = annual.build_table(
        year,
        new=counts["new"],
        carried_over=counts["carried_over"],
        results=counts["results"],
        carried_forward=counts["carried_forward"],
        appeals=annual_appeal_counts(database, year, **chosen),
        organ=organ if organ is not None else (None if organs.several else organs.default),
        summary_of=tuple(organs.names) if organ is None and organs.several else (),
    )
    timeliness = performance.Timeliness(calendar)
    replies = [timeliness(row, row["consultations"])
               for row in year_requests(database, year, replied_only=True, **chosen)]
    late = sum(reply.late for reply in replies)
    narrative = annual.build_narrative(
        table, by_channel=annual_channel_counts(database, year, **chosen),
        on_time=len(replies) - late, late=late,
    )
    return replace(table, narrative=narrative, fees=annual_fee_counts(database, year, **chosen))


def performance_report(database: "sqlite_utils.Database", calendar: "WorkCalendar", *, year: int,
                       today: date, yellow_days: int, departments: Sequence[str] = (),
                       department: str | None = None) -> dict[str, Any]:
    """`report performance`: each department's figures for `year` and the whole office's,
    the open requests by light on 31 December (today, in the current year)."""
    from hunnan_gk import performance, reports
    from hunnan_gk.storage import reports as queries

    as_of = min(date(year, 12, 31), today)
    open_rows = queries.unreplied_requests(
        database, before=as_of.isoformat() if as_of < today else None, stages=False)
    open_lights = [
        (row.get("department"),
         reports.request_light(row, row["consultations"], calendar, as_of, yellow_days)["light"])
        for row in open_rows if row["received_on"] <= as_of.isoformat()
    ]
    return performance.performance_report(
        year=year, as_of=as_of, calendar=calendar,
        requests=queries.year_requests(database, year),
        open_lights=open_lights,
        extended=queries.year_extensions(database, year),
        assignments=queries.year_assignments(database, year),
        supervisions=queries.year_supervisions(database, year),
        corrected_appeals=queries.corrected_appeals(database, year),
        departments=departments, only=department,
    )


def morning_mail(
    db_path: Path,
    *,
    settings: "Settings",
    calendar: "WorkCalendar",
    today: date,
    as_of: date,
    now: Callable[[], datetime],
    threshold: "Light",
    extra_to: Sequence[str] = (),
    by_department: bool = False,
    by_handler: bool = False,
    workdays_only: bool = False,
    dry_run: bool = False,
    force: bool = False,
    password: str | None = None,
    say: Callable[[str], None],
) -> None:
    """The morning e-mail (`notify`): the requests at `threshold` or worse on `as_of`, sent to
    the office (or each department) at most once a day unless something is new or turned red.

    Under a named lock, so two runs never both send; each e-mail the server accepted is
    recorded with the light of every request it listed. Refused (after sending what could be
    sent) when some e-mail failed: those are not recorded, so the next run sends them."""
    from hunnan_gk import notify
    from hunnan_gk.errors import ConfigError, Refused
    from hunnan_gk.storage.db import open_db

    if workdays_only and not calendar.is_workday(today):
        say(f"今天（{today}）不是工作日，未发送。")
        return
    database = open_db(db_path)
    report = overdue_report(database, calendar, today=today, as_of=as_of,
                            yellow_days=settings.yellow_days)
    items = notify.qualifying(report["requests"], threshold)
    sections = catalogue_sections(database, settings.catalogues, calendar=calendar, as_of=as_of,
                                  areas=settings.catalogue_areas)
    batches = _mail_batches(database, report, items, sections, settings=settings,
                            calendar=calendar, as_of=as_of, threshold=threshold,
                            extra_to=extra_to, by_department=by_department, by_handler=by_handler)
    if not batches:
        catalogues = "，也没有到期未公开的目录事项" if settings.catalogues else ""
        say(f"{report['as_of']} 没有达到{threshold.label}的申请{catalogues}，未发送。")
        return
    sender = settings.smtp.sender if dry_run else notify.check_smtp(settings.smtp, password)
    if not dry_run and any(not batch.recipients for batch in batches):
        raise ConfigError("没有收件人：请在配置文件 smtp.to 中填写，或用 --to 指定")

    holder = _lock_holder()
    failures: list[str] = []
    locked: list[str] = []
    if not dry_run:  # one lock per recipient group: two runs never both send one mail
        import time

        from hunnan_gk.storage.notify import take_lock

        free = []
        for batch in batches:
            held = take_lock(database, batch.lock_name, holder, now().isoformat(), time.time(),
                             NOTIFY_LOCK_SECONDS)
            if held:
                failures.append(f"另一次 notify 正在发送给{batch.label}（{held['holder']}，"
                                f"开始于 {held['taken_at']}），这封未发送")
            else:
                locked.append(batch.lock_name)
                free.append(batch)
        batches = free
    try:
        if batches:
            failures += _send(database, report, batches, threshold, settings, sender, password,
                              today=today, now=now, dry_run=dry_run, force=force, say=say)
    finally:
        from hunnan_gk.storage.notify import release_lock

        for name in locked:
            release_lock(database, name, holder)
    if failures:
        raise Refused("；".join(failures), hint="未发出的邮件没有记为已发送，修正后重新运行即可")


def _send(database, report, batches, threshold, settings, sender, password, *, today: date,
          now: Callable[[], datetime], dry_run: bool, force: bool,
          say: Callable[[str], None]) -> list[str]:
    """Compose the batches that have something new today and send (or show) them; the
    Chinese messages of what failed."""
    from hunnan_gk import notify
    from hunnan_gk.storage.notify import notified_on, record_notification, scopes_sent_on

    sent_today = notified_on(database, today.isoformat())
    scopes_today = scopes_sent_on(database, today.isoformat())
    mails = []
    for batch in batches:
        earlier = sent_today.get(batch.scope, [])
        batch.fresh = notify.fresh_since(batch.items, earlier)
        # A mail with only the catalogue section goes out once a day, like the rest.
        extra = bool(batch.catalogue or batch.sections)
        nothing_new = not batch.fresh and (batch.scope in scopes_today or not extra)
        if nothing_new and not force:
            say(f"今天已发送过给{batch.label}（{', '.join(batch.recipients)}）的邮件，"
                "没有新增或变为红灯的申请，未再发送（--force 可重发）。")
            continue
        mails.append(notify.compose(batch, report, threshold, repeat=bool(earlier)))
    if dry_run:
        for mail in mails:
            say(notify.dry_run_text(mail, sender))
        return []

    def remember(mail) -> None:
        record_notification(
            database,
            {
                "sent_on": today.isoformat(),
                "sent_at": now().isoformat(),
                "as_of": report["as_of"],
                "scope": mail.scope,
                "recipients": mail.recipients,
                "subject": mail.subject,
                "forced": force,
            },
            mail.lights,
        )
        say(f"已发送：{mail.subject} → {', '.join(mail.recipients)}")

    return notify.send_mails(mails, settings.smtp, sender, password, remember) if mails else []


def publish_catalogue_item(
    db_path: Path,
    catalogue: "Catalogue",
    publication: "Publication",
    *,
    clerk: str,
    at: str,
    today: date,
    calendar: "WorkCalendar",
) -> dict[str, Any]:
    """`catalog publish`: record one publication of an item and say whether it was on time.
    Checked before the database is touched; the same publication twice is Refused."""
    from hunnan_gk.catalogue_publish import new_publication, publication_result
    from hunnan_gk.errors import Refused
    from hunnan_gk.storage.catalogue import record_publication
    from hunnan_gk.storage.db import open_db

    item, row = new_publication(catalogue, publication, today)
    if record_publication(open_db(db_path), {**row, "clerk": clerk, "recorded_at": at}) is None:
        raise Refused(
            f"事项 {row['item_id']} 在 {row['published_on']} 公开（{row['formed_on']} 形成）的记录已经有了，未重复记录",
            hint=f"hunnan-gk report catalogue {catalogue.path}",
        )
    return publication_result(item, row, calendar)


def catalogue_report(
    database: "sqlite_utils.Database", catalogue: "Catalogue", *, calendar: "WorkCalendar", as_of: date
) -> dict[str, Any]:
    """`report catalogue`: each item's last publication in `database` by `as_of`, on time or not."""
    from hunnan_gk.catalogue_publish import catalogue_report as build
    from hunnan_gk.storage.catalogue import catalogue_publications

    publications = catalogue_publications(database, catalogue.title, str(catalogue.header.get("编制单位", "")))
    return build(catalogue, publications, as_of, calendar)


def catalogue_sections(
    database: "sqlite_utils.Database",
    paths: Sequence[Path],
    *,
    calendar: "WorkCalendar",
    as_of: date,
    areas: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The morning mail's catalogue section: for each catalogue file (config `catalogues`) with
    items overdue on `as_of`, those items; a file that cannot be checked is named with the
    reason instead, so the mail about requests still goes out."""
    from hunnan_gk.catalogue import check_file
    from hunnan_gk.catalogue_publish import overdue_items

    sections = []
    for path in paths:
        checked = check_file(path, areas=areas)
        if checked.errors or checked.catalogue is None:
            sections.append({
                "catalogue": path.name, "path": str(path), "items": [],
                "error": f"目录有 {len(checked.errors)} 个错误，未检查公开时效：hunnan-gk catalog validate {path}",
            })
            continue
        report = catalogue_report(database, checked.catalogue, calendar=calendar, as_of=as_of)
        overdue = overdue_items(report)
        if overdue:
            sections.append({"catalogue": report["catalogue"], "path": str(path), "items": overdue, "error": None})
    return sections


def _mail_batches(database, report, items, catalogue, *, settings: "Settings",
                  calendar: "WorkCalendar", as_of: date, threshold: "Light",
                  extra_to: Sequence[str], by_department: bool, by_handler: bool) -> list:
    """Who gets which mail (issue 13): the office (smtp.to, --to), or each department, or each
    handler; the office's mail also carries the catalogue and what needs a clerk's action;
    and, whatever the grouping, each department leader gets the department's requests red for
    longer than lights.escalate_after working days and its open 督办."""
    from hunnan_gk import alerts, notify
    from hunnan_gk.storage.assignments import open_assignments, supervisions, waiting_in_archive

    assignments = alerts.open_assignment_items(open_assignments(database), calendar, as_of,
                                               settings.yellow_days)
    general_to = notify.general_recipients(settings, extra_to)
    if by_handler:
        groups, rest = alerts.handler_groups(items, assignments, settings.directory, threshold)
        batches = [
            notify.Batch(
                alerts.HANDLER_SCOPE + name, [group["handler"].email], group["items"],
                title=f"办理人 {name}", intro=f"本邮件列出办理人{name}的申请和承办事项。",
                sections=[alerts.Section("承办事项（按承办期限的灯色）",
                                         [alerts.assignment_line(a) for a in group["assignments"]])]
                if group["assignments"] else [],
            )
            for name, group in groups.items()
        ]
        if rest:
            batches.append(notify.Batch(notify.DEFAULT_SCOPE, general_to, rest))
    else:
        belongs = None
        if by_department:  # a department's requests: registered or assigned to it, as `list` finds them
            from hunnan_gk.storage.requests import numbers_belonging

            numbers = [item["number"] for item in items]
            belongs = {name: numbers_belonging(database, "department", name, numbers)
                       for name in settings.departments}
        batches = notify.plan_batches(items, settings, list(extra_to), by_department, belongs=belongs)
    actions = alerts.clerk_actions(report["requests"], waiting_in_archive(database), assignments,
                                   calendar, as_of)
    if catalogue or actions:  # the office's own mail
        general = next((b for b in batches if b.scope == notify.DEFAULT_SCOPE), None)
        if general is None:
            general = notify.Batch(notify.DEFAULT_SCOPE, general_to, [])
            batches.append(general)
        general.catalogue, general.sections = catalogue, actions
    after = settings.escalate_after
    leaders = alerts.leader_groups(report["requests"], assignments,
                                   supervisions(database, open_only=True), settings.directory, after)
    for name, group in leaders.items():
        department = group["department"]
        who = f"{name}负责人" + (department.leader or "")
        red = "红灯的申请" if after == 0 else f"红灯超过 {after} 个工作日的申请"
        batches.append(notify.Batch(
            alerts.LEADER_SCOPE + name, [department.leader_email], group["items"], title=who,
            intro=f"本邮件列出{name}{red}和未办结的督办，请督促办理。",
            sections=[alerts.Section("未办结的督办", [alerts.supervision_line(s) for s in group["supervisions"]])]
            if group["supervisions"] else [],
        ))
    return batches


def _lock_holder() -> str:
    """Who holds the notify lock: this host and process."""
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def demo_database(
    path: Path,
    *,
    calendar: "WorkCalendar",
    today: date,
    at: str,
    yellow_days: int,
) -> tuple[int, dict[str, Any]]:
    """A fresh demo database at `path` (refusing a file that holds real requests), dated
    relative to `today`: how many requests it holds, and its overdue report for today."""
    from hunnan_gk import demo
    from hunnan_gk.storage.db import open_db

    count = demo.build_demo(path, calendar=calendar, today=today, at=at)
    database = open_db(path)
    try:
        report = overdue_report(database, calendar, today=today, as_of=today,
                                yellow_days=yellow_days)
    finally:
        database.conn.close()
    return count, report
