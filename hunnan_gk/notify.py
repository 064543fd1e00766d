"""The morning e-mail: which requests are at yellow or red, composed as plain text plus the HTML
table, addressed per department if asked, and sent over SMTP (issue 4).

Composition is pure (the report's items in, messages out); `send_mails` is the only part that
touches the network. Applicant ID numbers and phone numbers never reach a message: the report
does not carry them, and whatever a clerk typed into free text is masked as a last defence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hunnan_gk.errors import ConfigError, os_reason
from hunnan_gk.privacy import mask_in_text
from hunnan_gk.safetext import visible
from hunnan_gk.reports import LIGHT_ORDER, at_or_worse, light_counts
from hunnan_gk.vocab import Light

if TYPE_CHECKING:
    from email.message import EmailMessage

    from hunnan_gk.config import Settings, SmtpSettings

PASSWORD_ENV = "HUNNAN_GK_SMTP_PASSWORD"
SUBJECT_PREFIX = "依申请公开办理预警"
DEFAULT_SCOPE = ""  # the general digest to smtp.to; otherwise a department's name (or a handler's, a leader's)
NOTIFY_LOCK = "notify"  # the general mail's lock; each other recipient group's is notify:<scope>

def _masked_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: mask_in_text(v) if isinstance(v, str) else v for key, v in item.items()}


@dataclass
class Batch:
    """The requests one e-mail lists, and who receives it."""

    scope: str
    recipients: list[str]
    items: list[dict[str, Any]]
    fresh: list[str] = field(default_factory=list)  # numbers new or worse since today's last mail
    # The catalogue items overdue (issue 17), one section per catalogue file named in the config
    # `catalogues`: {"catalogue", "path", "items", "error"}; only the office's general mail has them.
    catalogue: list[dict[str, Any]] = field(default_factory=list)
    # issue 13: who the mail is for, as the subject and the "already sent" line name them
    # (the department by default), a line saying what it lists, and further sections
    # (assignments, 督办, what needs a clerk's action).
    title: str | None = None
    intro: str | None = None
    sections: list[Any] = field(default_factory=list)  # alerts.Section

    @property
    def label(self) -> str:
        return self.title or self.scope or "公开办"

    @property
    def lock_name(self) -> str:
        """The lock a run holds while it sends this mail: one per recipient group."""
        return NOTIFY_LOCK if self.scope == DEFAULT_SCOPE else f"{NOTIFY_LOCK}:{self.scope}"


def qualifying(items: Iterable[Mapping[str, Any]], min_light: Light) -> list[dict[str, Any]]:
    """The report's items at `min_light` or worse, in the report's order."""
    return [dict(item) for item in items if at_or_worse(Light(item["light"]), min_light)]


def plan_batches(
    items: list[dict[str, Any]], settings: "Settings", extra_to: Iterable[str], by_department: bool,
    *, belongs: Mapping[str, set[str]] | None = None,
) -> list[Batch]:
    """One batch for smtp.to (+ --to); with `by_department`, one per department that has
    addresses in config `departments`, listing its requests — `belongs` gives the numbers of
    each department's, registered or assigned to it (`storage.requests.numbers_belonging`) —
    and the requests of no such department to smtp.to."""
    general_to = general_recipients(settings, extra_to)
    if not by_department:
        return [Batch(DEFAULT_SCOPE, general_to, items)] if items else []
    batches: dict[str, Batch] = {}
    rest: list[dict[str, Any]] = []
    for item in items:
        names = [name for name, numbers in (belongs or {}).items() if item["number"] in numbers]
        mailed = False
        for name in names:
            addresses = settings.departments.get(name)
            if addresses:
                batches.setdefault(name, Batch(name, _unique(addresses), [])).items.append(item)
                mailed = True
        if not mailed:
            rest.append(item)
    result = list(batches.values())
    if rest:
        result.append(Batch(DEFAULT_SCOPE, general_to, rest))
    return result


def general_recipients(settings: "Settings", extra_to: Iterable[str]) -> list[str]:
    """The office's general mail: smtp.to, then --to."""
    return _unique([*settings.smtp.to, *extra_to])


def _unique(addresses: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for address in addresses:
        if address and address.strip():
            seen.setdefault(address.strip(), None)
    return list(seen)


def fresh_since(items: list[dict[str, Any]], sent: Iterable[tuple[str, str]]) -> list[str]:
    """Numbers of the items not yet listed today at this light or a worse one: a request that
    turned red since the last mail counts as fresh."""
    worst: dict[str, int] = {}
    for number, light in sent:
        rank = LIGHT_ORDER[Light(light)]
        worst[number] = min(rank, worst.get(number, rank))
    return [
        item["number"]
        for item in items
        if item["number"] not in worst or LIGHT_ORDER[Light(item["light"])] < worst[item["number"]]
    ]


def subject_line(as_of: date | str, items: list[Mapping[str, Any]], min_light: Light, scope: str = "") -> str:
    """`依申请公开办理预警 2024-10-30：红灯 2 件，黄灯 3 件`, with the department after it."""
    counts = light_counts(items)
    shown = [light for light in (Light.RED, Light.YELLOW) if at_or_worse(light, min_light)]
    parts = "，".join(f"{light.label} {counts[light.value]} 件" for light in shown)
    suffix = f"（{scope}）" if scope else ""
    return f"{SUBJECT_PREFIX} {as_of}：{parts}{suffix}"


@dataclass
class Mail:
    scope: str
    recipients: list[str]
    subject: str
    text: str
    html: str
    lights: dict[str, str]  # number → light, what the memory records

    def message(self, sender: str, *, message_domain: str | None = None) -> "EmailMessage":
        from email.message import EmailMessage
        from email.utils import formatdate, make_msgid

        message = EmailMessage()
        message["Subject"] = self.subject
        message["From"] = sender
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=message_domain or _domain(sender))
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        return message


def _domain(address: str) -> str | None:
    if "@" not in address:
        return None
    return address.rpartition("@")[2].strip("> ") or None


def compose(
    batch: Batch, report: Mapping[str, Any], min_light: Light, *, repeat: bool = False
) -> Mail:
    """The e-mail for one batch: plain text listing each request, and the HTML table.
    `repeat`: an earlier mail went out today, so say which requests are new or worse."""
    from hunnan_gk.render.catalogue import catalogue_overdue_html
    from hunnan_gk.render.overdue import overdue_html

    items = [_masked_item(item) for item in batch.items]
    part = {
        "as_of": report["as_of"],
        "counts": light_counts(items),
        "requests": items,
        "yellow_days": report.get("yellow_days"),
    }
    extra = sum(len(section.lines) for section in batch.sections)
    subject = visible(mask_in_text(
        subject_line(report["as_of"], items, min_light, batch.title or batch.scope)
        + catalogue_subject(batch.catalogue) + (f"；另有待办 {extra} 项" if extra else "")
    ))
    intro = [subject, ""]
    if batch.intro:
        intro.append(batch.intro)
    elif batch.scope:
        intro.append(f"本邮件只列出{batch.scope}承办的申请。")
    if repeat and batch.fresh:
        intro.append("今天已发过预警；以下申请是此后新增或变为红灯的：" + "、".join(batch.fresh))
    intro.append(_summary(part, min_light))
    lines = [*intro, ""]
    for item in items:
        lines.extend(_plain_item(item, report["as_of"]))
    lines += catalogue_lines(batch.catalogue)
    for section in batch.sections:
        lines += ["", section.title, *(f"    {line}" for line in section.lines)]
    lines += ["", _legend(report.get("yellow_days"))]
    html = overdue_html(part, title=SUBJECT_PREFIX, intro="\n".join(intro[2:]),
                        extra_html=catalogue_overdue_html(batch.catalogue) + sections_html(batch.sections))
    return Mail(
        scope=batch.scope,
        recipients=batch.recipients,
        subject=subject,
        text=visible(mask_in_text("\n".join(lines) + "\n")),
        html=mask_in_text(html),
        lights={item["number"]: item["light"] for item in items},
    )


def sections_html(sections: list[Any]) -> str:
    """The further sections as HTML: a heading and a list each, every line escaped."""
    from html import escape

    return "".join(
        f"<h3>{escape(section.title)}</h3><ul>"
        + "".join(f"<li>{escape(line)}</li>" for line in section.lines) + "</ul>"
        for section in sections
    )


def catalogue_subject(sections: list[Mapping[str, Any]]) -> str:
    """`；目录到期未公开 2 项` after the subject, when the catalogue section lists any."""
    overdue = sum(len(section["items"]) for section in sections)
    return f"；目录到期未公开 {overdue} 项" if overdue else ""


def catalogue_lines(sections: list[Mapping[str, Any]]) -> list[str]:
    """The plain-text catalogue section: each catalogue, then its overdue items."""
    from hunnan_gk.catalogue_publish import status_label

    if not sections:
        return []
    lines = ["", "主动公开事项目录：到期未公开"]
    for section in sections:
        lines.append(f"{section['catalogue']}（{section['path']}）")
        if section.get("error"):
            lines.append(f"    {section['error']}")
        for item in section["items"]:
            last = item["last_published"] or "从未公开"
            lines.append(f"    【{item['id']}】{item['name']}  时限 {item['deadline_rule']}  最近公开 {last}  {status_label(item)}")
    return lines


def _summary(part: Mapping[str, Any], min_light: Light) -> str:
    counts = part["counts"]
    shown = "、".join(
        f"{light.label} {counts[light.value]} 件" for light in (Light.RED, Light.YELLOW)
        if at_or_worse(light, min_light)
    )
    serious = sum(1 for item in part["requests"] if item["seriously_overdue"])
    extra = f"，其中超过法定上限 {serious} 件" if serious else ""
    return f"截至 {part['as_of']}，需要关注的未答复申请 {len(part['requests'])} 件：{shown}{extra}。"


def _plain_item(item: Mapping[str, Any], as_of: str) -> list[str]:
    from hunnan_gk.render.overdue import dated, overdue_note

    left = item["remaining_workdays"]
    if item["light"] == Light.RED.value:
        where = f"已超期 {-left} 个工作日" if left else "已过期限"
    elif left == 0:
        where = "今天到期"
    else:
        where = f"还剩 {left} 个工作日"
    head = (
        f"【{item['light_label']}】{item['number']}  {item['applicant']}  "
        f"{item['department'] or '未指定承办单位'}  {item['stage_label']}  "
        f"答复期限 {dated(item['due'], item['due_provisional'])}，{where}"
    )
    lines = [head]
    note = overdue_note(item, as_of)
    if note:
        lines.append(f"    {note}")
    if item.get("content"):
        lines.append(f"    申请内容：{item['content']}")
    return lines


def _legend(yellow_days: Any) -> str:
    return (
        f"红灯：已过答复期限；黄灯：剩余不超过 {yellow_days} 个工作日。"
        "期限按《政府信息公开条例》第三十三条以工作日计算。此邮件由 hunnan-gk notify 自动发送。"
    )


def dry_run_text(mail: Mail, sender: str | None) -> str:
    """What --dry-run prints: the headers, the plain-text part, and a word on the HTML part."""
    to = ", ".join(mail.recipients) or "（无：请配置 smtp.to 或用 --to 指定）"
    return (
        f"发件人：{sender or '（未配置 smtp.from）'}\n"
        f"收件人：{to}\n"
        f"主题：{mail.subject}\n\n"
        f"{mail.text}\n"
        f"（另附 HTML 版本：同一表格，{len(mail.html.encode('utf-8'))} 字节）\n"
    )


# --- sending ---------------------------------------------------------------------------


def check_smtp(smtp: "SmtpSettings", password: str | None) -> str:
    """The sender address; ConfigError when the config cannot send at all."""
    if not smtp.host:
        raise ConfigError("未配置邮件服务器：请在配置文件中填写 smtp.host（见 docs/overdue-and-notify.md）")
    sender = smtp.sender or (smtp.user if smtp.user and "@" in smtp.user else None)
    if not sender:
        raise ConfigError("未配置发件人：请在配置文件中填写 smtp.from")
    if smtp.user and not password:
        raise ConfigError(
            f"配置了 smtp.user，但没有设置环境变量 {PASSWORD_ENV}（密码只从环境变量读取）"
        )
    if smtp.ssl and smtp.starttls:
        raise ConfigError("smtp.ssl 与 smtp.starttls 只能选一个")
    return sender


def smtp_port(smtp: "SmtpSettings") -> int:
    if smtp.port:
        return smtp.port
    return 465 if smtp.ssl else 587 if smtp.starttls else 25


def send_mails(
    mails: list[Mail], smtp: "SmtpSettings", sender: str, password: str | None, on_sent
) -> list[str]:
    """Send each mail over one connection; call `on_sent(mail)` after each one the server
    accepted. Returns the Chinese messages of what failed (empty when all went out)."""
    import smtplib
    import ssl

    host, port = smtp.host, smtp_port(smtp)
    try:
        if smtp.ssl:
            server = smtplib.SMTP_SSL(host, port, timeout=smtp.timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=smtp.timeout)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message
        return [describe_smtp_error(exc, smtp)]
    failures: list[str] = []
    try:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, password or "")
        for mail in mails:
            try:
                server.send_message(mail.message(sender))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                failures.append(f"{mail.subject}：{describe_smtp_error(exc, smtp)}")
                continue
            on_sent(mail)
    except Exception as exc:  # noqa: BLE001
        failures.append(describe_smtp_error(exc, smtp))
    finally:
        try:
            server.quit()
        except Exception:  # noqa: BLE001 - the connection may already be gone
            server.close()
    return failures


def describe_smtp_error(exc: BaseException, smtp: "SmtpSettings") -> str:
    """A Chinese message for an SMTP or network failure."""
    import smtplib
    import socket
    import ssl

    where = f"{smtp.host}:{smtp_port(smtp)}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"邮件服务器 {where} 拒绝登录（用户 {smtp.user}）：请检查 smtp.user 和环境变量 {PASSWORD_ENV}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"邮件服务器 {where} 不支持所需功能（STARTTLS 或登录）：{_reply(exc)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "邮件服务器拒绝了收件人：" + "、".join(str(r) for r in exc.recipients)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"邮件服务器拒绝了发件人 {exc.sender}：{_reply(exc)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"邮件服务器 {where} 中途断开了连接"
    if isinstance(exc, smtplib.SMTPException):
        return f"邮件服务器 {where} 报错：{_reply(exc)}"
    if isinstance(exc, ConnectionRefusedError):
        return f"无法连接邮件服务器 {where}：连接被拒绝（请检查 smtp.host、smtp.port）"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"连接邮件服务器 {where} 超时（{smtp.timeout} 秒）"
    if isinstance(exc, socket.gaierror):
        return f"找不到邮件服务器 {smtp.host}：请检查 smtp.host"
    if isinstance(exc, ssl.SSLError):
        return f"与邮件服务器 {where} 建立加密连接失败：请检查 smtp.ssl / smtp.starttls 与端口是否匹配"
    if isinstance(exc, OSError):
        return f"无法连接邮件服务器 {where}：{os_reason(exc)}"
    return "邮件发送失败（原因不明）"


def _reply(exc: BaseException) -> str:
    error = getattr(exc, "smtp_error", b"")
    if isinstance(error, bytes):
        error = error.decode("utf-8", "replace")
    code = getattr(exc, "smtp_code", "")
    return f"{code} {error}".strip() or str(exc)
