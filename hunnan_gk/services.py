"""The use cases several commands share, between the commands (which parse and render) and
the pure core with its storage: the overdue report from a database (`report overdue`,
`notify`, `demo`), the morning e-mail run (`notify`), and the demo database (`demo`).

Everything comes in as explicit parameters (paths, settings, the calendar, today); nothing
here parses options or prints: what a run has to say goes to the `say` callback.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

if TYPE_CHECKING:
    import sqlite_utils

    from hunnan_gk.config import Settings
    from hunnan_gk.vocab import Light
    from hunnan_gk.workdays import WorkCalendar

NOTIFY_LOCK = "notify"
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
    request stands in the stage it had then; `lights` and `department` narrow what is shown."""
    from hunnan_gk import reports
    from hunnan_gk.storage.reports import unreplied_requests

    rows = unreplied_requests(
        database, department=department, before=as_of.isoformat() if as_of < today else None
    )
    return reports.overdue_report(
        rows, calendar, as_of, yellow_days, lights=lights, department=department
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
    database = open_db(db_path, create=False)
    report = overdue_report(database, calendar, today=today, as_of=as_of,
                            yellow_days=settings.yellow_days)
    items = notify.qualifying(report["requests"], threshold)
    if not items:
        say(f"{report['as_of']} 没有达到{threshold.label}的申请，未发送。")
        return
    batches = notify.plan_batches(items, settings, list(extra_to), by_department)
    sender = settings.smtp.sender if dry_run else notify.check_smtp(settings.smtp, password)
    if not dry_run and any(not batch.recipients for batch in batches):
        raise ConfigError("没有收件人：请在配置文件 smtp.to 中填写，或用 --to 指定")

    holder = _lock_holder()
    if not dry_run:
        import time

        from hunnan_gk.storage.notify import take_lock

        held = take_lock(database, NOTIFY_LOCK, holder, now().isoformat(), time.time(),
                         NOTIFY_LOCK_SECONDS)
        if held:
            raise Refused(
                f"另一次 notify 正在发送（{held['holder']}，开始于 {held['taken_at']}），本次未发送",
                hint="它结束后再运行；若它已异常退出，锁在 15 分钟后自动失效",
            )
    try:
        failures = _send(database, report, batches, threshold, settings, sender, password,
                         today=today, now=now, dry_run=dry_run, force=force, say=say)
    finally:
        if not dry_run:
            from hunnan_gk.storage.notify import release_lock

            release_lock(database, NOTIFY_LOCK, holder)
    if failures:
        raise Refused("；".join(failures), hint="未发出的邮件没有记为已发送，修正后重新运行即可")


def _send(database, report, batches, threshold, settings, sender, password, *, today: date,
          now: Callable[[], datetime], dry_run: bool, force: bool,
          say: Callable[[str], None]) -> list[str]:
    """Compose the batches that have something new today and send (or show) them; the
    Chinese messages of what failed."""
    from hunnan_gk import notify
    from hunnan_gk.storage.notify import notified_on, record_notification

    sent_today = notified_on(database, today.isoformat())
    mails = []
    for batch in batches:
        earlier = sent_today.get(batch.scope, [])
        batch.fresh = notify.fresh_since(batch.items, earlier)
        if not batch.fresh and not force:
            where = f"（{batch.scope}）" if batch.scope else ""
            say(f"今天已发送过{where}，没有新增或变为红灯的申请，未再发送（--force 可重发）。")
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
    database = open_db(path, create=False)
    try:
        report = overdue_report(database, calendar, today=today, as_of=today,
                                yellow_days=yellow_days)
    finally:
        database.conn.close()
    return count, report
