"""Letters (文书): the notices and replies the handling sends, as Word/WPS documents from
templates the office can edit, numbered (文号), hashed into the audit trail, and delivered
(送达) with the remedy deadlines that follow (issue 15; letters.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hunnan_gk.commands.common import (ClerkOption, ConfigOption, DbOption, Env, JsonOption,
                                       NumberArgument, OnOption, clerk_name, format_option,
                                       on_option, output_format, require_request)
from hunnan_gk.vocab import DeliveryMethod, LetterKind, LetterVariant

app = typer.Typer(help="文书：回执、告知书、征求意见书、答复书（Word/WPS 文档）。", no_args_is_help=True)
templates_app = typer.Typer(help="文书模板：导出供修改（配置 letters.templates 指向修改后的目录）。",
                            no_args_is_help=True)
top = typer.Typer()

KindArgument = Annotated[str, typer.Argument(
    help="文书种类（中文名称见 hunnan-gk letter kinds）： " + " ".join(k.value for k in LetterKind), show_default=False)]
ConsultationOption = Annotated[int | None, typer.Option("--consultation", help="第几项征求意见（有多项时指明，序号见 show）")]
VariantOption = Annotated[str | None, typer.Option(
    "--variant", metavar="答复书", help="disclosed、unavailable_not_held 的两种答复书： " + LetterVariant.choices_help())]
ReasonsOption = Annotated[str | None, typer.Option("--reasons", metavar="理由", help="理由（代替预答复中的理由）")]
BasisOption = Annotated[str | None, typer.Option("--basis", metavar="依据", help="依据（代替预答复中的依据；确认类必填）")]
WhereOption = Annotated[str | None, typer.Option("--where", metavar="途径", help="已主动公开信息的获取途径（网址、栏目、查阅场所）")]
UntilOption = Annotated[str | None, typer.Option("--until", metavar="日期", help="说明理由告知书：申请人说明理由的期限")]


def _options(env: Env, consultation, variant, reasons, basis, where, until):
    from hunnan_gk.letters import LetterOptions

    return LetterOptions(consultation=consultation, variant=variant, reasons=reasons, basis=basis,
                         where=where, until=env.optional_date(until, "--until"),
                         payment=env.settings.letter_payment)


def _build(env: Env, db, kind: LetterKind, row, *, on, letter_number: str, options):
    from hunnan_gk.letters import build_letter
    from hunnan_gk.storage.requests import consultations_of, events_of

    return build_letter(
        kind, row, organ=env.settings.organs.get(row.get("organ")), on=on, today=env.today,
        letter_number=letter_number, calendar=env.calendar,
        consultations=consultations_of(db, row["number"]), events=events_of(db, row["number"]),
        options=options,
    )


@app.command("kinds")
def kinds(as_json: JsonOption = False) -> None:
    """列出文书种类。

    示例：hunnan-gk letter kinds
    """
    from hunnan_gk import render

    listed = [{"kind": kind.value, "name": kind.label} for kind in LetterKind]
    if as_json:
        render.print_json(listed)
        return
    for item in listed:
        typer.echo(f"{item['kind']:<22}{item['name']}")


@app.command("preview")
def preview(
    kind: KindArgument,
    number: NumberArgument,
    output_format_: format_option(("text", "markdown"), "text") = None,
    on: OnOption = None,
    consultation: ConsultationOption = None,
    variant: VariantOption = None,
    reasons: ReasonsOption = None,
    basis: BasisOption = None,
    where: WhereOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """在终端预览文书（不取文号、不作记录）。

    示例：hunnan-gk letter preview reply 2024-0001 --variant provided
    """
    from hunnan_gk.letters import number_pattern
    from hunnan_gk.numbering import format_letter_number
    from hunnan_gk.render.letters import letter_text, render_docx

    env = Env(config, db)
    letter_kind = LetterKind.parse(kind, option="文书种类")
    chosen = output_format(output_format_, None, ("text", "markdown"))
    day = env.date(on, "--on")
    options = _options(env, consultation, variant, reasons, basis, where, until)
    database = env.open_db()
    row = require_request(database, number)
    pattern = number_pattern(env.settings.letter_numbers, letter_kind)
    letter = _build(env, database, letter_kind, row, on=day,
                    letter_number=format_letter_number(pattern, day.year, "□"), options=options)
    content = render_docx(letter.template, letter.context, env.settings.letter_templates)
    typer.echo(letter_text(content, markdown=chosen == "markdown"), nl=False)


@app.command("issue")
def issue(
    kind: KindArgument,
    number: NumberArgument,
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .docx 文件（不覆盖已有文件）", dir_okay=False)],
    on: on_option("文书日期（默认今天）") = None,
    replace: Annotated[str | None, typer.Option("--replace", metavar="文号", help="取代此前制发的同类文书（写其文号）")] = None,
    consultation: ConsultationOption = None,
    variant: VariantOption = None,
    reasons: ReasonsOption = None,
    basis: BasisOption = None,
    where: WhereOption = None,
    until: UntilOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """制发文书：取下一个文号，写出 .docx，并把文号、日期和文件的 SHA-256 记入办理记录。

    示例：hunnan-gk letter issue receipt 2024-0001 -o 回执-2024-0001.docx
    示例：hunnan-gk letter issue reply 2024-0001 --variant provided -o 答复书-2024-0001.docx
    """
    from hunnan_gk import render
    from hunnan_gk.errors import InputError

    env = Env(config, db)
    letter_kind = LetterKind.parse(kind, option="文书种类")
    if output.suffix.lower() != ".docx":
        raise InputError(f"-o {output}：文书写成 .docx 文件（Word、WPS 均可打开），文件名应以 .docx 结尾")
    day = env.date(on, "--on")
    options = _options(env, consultation, variant, reasons, basis, where, until)
    issued = _issue(env, letter_kind, number, output, day=day, replace=replace, options=options, clerk=clerk)
    if as_json:
        render.print_json(issued)
    else:
        typer.echo(f"已制发 {LetterKind(issued['kind']).label} {issued['letter_number']}（{issued['number']}）："
                   f"{issued['path']}\nSHA-256 {issued['sha256']}")


def _issue(env: Env, kind: LetterKind, number: str, output: Path, *, day, replace, options, clerk) -> dict:
    """One letter as one transaction. Under the write lock: take the 文号, fill the template,
    record the letter and its event, write the file (never over another); then commit. A
    failure before the file is written records nothing and gives the number back; a commit
    that fails after it takes the file back, so no file claims a 文号 the record lacks."""
    import hashlib

    from hunnan_gk.errors import Refused
    from hunnan_gk.exports import discard_new_file, write_new_file
    from hunnan_gk.letters import SINGLE_KINDS, issued_change, number_pattern
    from hunnan_gk.numbering import format_letter_number
    from hunnan_gk.render.letters import render_docx
    from hunnan_gk.storage.db import write
    from hunnan_gk.storage.letters import (letter_number_taken, letters_of, next_letter_seq, store_letter,
                                           supersede)
    from hunnan_gk.storage.requests import apply_change

    path = output.resolve()
    pattern = number_pattern(env.settings.letter_numbers, kind)
    database = env.open_db()
    written = False
    try:
        with write(database):
            row = require_request(database, number)
            standing = [l for l in letters_of(database, row["number"])
                        if l["kind"] == kind.value and not l["superseded_by"]]
            replaced = None
            if replace:
                replaced = next((l for l in standing if l["letter_number"] == replace.strip()), None)
                if replaced is None:
                    raise Refused(f"申请 {row['number']} 没有尚未被取代的{kind.label} {replace}",
                                  hint="用 hunnan-gk letter list 查看已制发的文书")
            elif kind in SINGLE_KINDS and standing:
                raise Refused(f"申请 {row['number']} 已制发{kind.label} {standing[-1]['letter_number']}",
                              hint=f"重新制发时用 --replace {standing[-1]['letter_number']} 取代它")
            seq = next_letter_seq(database, kind.value, day.year)
            letter_number = format_letter_number(pattern, day.year, seq)
            if letter_number_taken(database, letter_number):
                raise Refused(f"文号 {letter_number} 已被使用：letters.numbers 中两类文书的文号格式相同",
                              hint="每类文书用不同的机关代字，如 浑政依复、浑政依告")
            letter = _build(env, database, kind, row, on=day, letter_number=letter_number, options=options)
            content = render_docx(letter.template, letter.context, env.settings.letter_templates)
            digest = hashlib.sha256(content).hexdigest()
            at = env.now().isoformat()
            store_letter(database, {
                "request_number": row["number"], "kind": kind.value, "year": day.year, "seq": seq,
                "letter_number": letter_number, "issued_on": day.isoformat(), "outcome": letter.outcome,
                "variant": letter.variant, "sha256": digest, "path": str(path), "created_at": at,
            })
            if replaced is not None:
                supersede(database, replaced["id"], letter_number)
            change = issued_change(row, letter, letter_number=letter_number, on=day, sha256=digest,
                                   path=str(path), replaces=replaced["letter_number"] if replaced else None)
            apply_change(database, row, change, clerk=clerk_name(clerk), at=at)
            write_new_file(path, content)
            written = True
    except BaseException:
        if written:
            discard_new_file(path)
        raise
    return {"number": row["number"], "kind": kind.value, "letter_number": letter_number,
            "issued": day.isoformat(), "sha256": digest, "path": str(path)}


@app.command("list")
def list_letters(number: NumberArgument, as_json: JsonOption = False, db: DbOption = None,
                 config: ConfigOption = None) -> None:
    """列出一件申请已制发的文书及其送达情况。

    示例：hunnan-gk letter list 2024-0001
    """
    from hunnan_gk import render
    from hunnan_gk.letters import letter_view
    from hunnan_gk.render.requests import letter_table
    from hunnan_gk.storage.letters import letters_of

    env = Env(config, db)
    database = env.open_db()
    row = require_request(database, number)
    letters = [letter_view(letter) for letter in letters_of(database, row["number"])]
    if as_json:
        render.print_json(letters)
    else:
        letter_table(letters)


@templates_app.command("export")
def templates_export(
    folder: Annotated[Path, typer.Argument(help="导出到的目录（不存在时新建）", file_okay=False)],
) -> None:
    """导出内置文书模板（.docx），供机关按本单位格式修改。

    修改后在配置中写 letters: {templates: 目录}，同名模板即代替内置模板；占位符写法见导出的说明。

    示例：hunnan-gk letter templates export 文书模板
    """
    from hunnan_gk.errors import Refused
    from hunnan_gk.exports import write_new_file
    from hunnan_gk.render.letters import shipped_templates

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from hunnan_gk.errors import os_reason

        raise Refused(f"无法创建目录 {folder}：{os_reason(exc)}") from None
    templates = shipped_templates()
    taken = [t.name for t in templates if (folder / t.name).exists()]
    if taken:
        raise Refused(f"{folder} 中已有模板 {'、'.join(taken)}：不覆盖已修改的模板", hint="换一个目录，或先移走这些文件")
    for template in templates:
        write_new_file(folder / template.name, template.read_bytes())
    typer.echo(f"已导出 {len(templates)} 个模板到 {folder}")


app.add_typer(templates_app, name="templates")


@top.command()
def deliver(
    number: NumberArgument,
    letter: Annotated[str, typer.Option("--letter", help="送达的文书的文号")],
    method: Annotated[str, typer.Option("--method", help="送达方式： " + DeliveryMethod.choices_help())],
    on: on_option("送达日期（申请人收到之日）", required=True),
    tracking: Annotated[str | None, typer.Option("--tracking", help="邮件号（邮寄送达必填）")] = None,
    signed_by: Annotated[str | None, typer.Option("--signed-by", help="签收人")] = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记文书送达（方式、日期、签收人）。

    答复书送达后显示申请行政复议、提起行政诉讼的最后一日。

    期限自申请人收到答复之日起算：复议 60 日、诉讼 6 个月，末日为节假日的顺延。

    示例：hunnan-gk deliver 2024-0001 --letter 浑政公开复〔2024〕1号 --method post --tracking 1180000000000 --on 2024-04-20
    """
    from hunnan_gk import render
    from hunnan_gk.errors import Refused
    from hunnan_gk.letters import delivery_change, letter_view, remedy_until
    from hunnan_gk.storage.db import write
    from hunnan_gk.storage.letters import find_letter, record_delivery
    from hunnan_gk.storage.requests import apply_change

    env = Env(config, db)
    day = env.date(on, "--on")
    DeliveryMethod.parse(method, option="--method")
    database = env.open_db()
    with write(database):
        row = require_request(database, number)
        stored = find_letter(database, row["number"], letter)
        if stored is None:
            raise Refused(f"申请 {row['number']} 没有文号为 {letter} 的文书", hint="用 hunnan-gk letter list 查看")
        change, delivered = delivery_change(row, stored, method=method, on=day, today=env.today,
                                            tracking=tracking, signed_by=signed_by)
        record_delivery(database, stored["id"], method=delivered["method"], on=delivered["on"],
                        tracking=delivered["tracking"], signed_by=delivered["signed_by"])
        apply_change(database, row, change, clerk=clerk_name(clerk), at=env.now().isoformat())
    view = letter_view({**stored, "delivery_method": delivered["method"], "delivered_on": delivered["on"],
                        "tracking": delivered["tracking"], "signed_by": delivered["signed_by"]})
    view["number"] = row["number"]
    view["remedy_until"] = remedy_until(day, env.calendar) if stored["kind"] == LetterKind.REPLY.value else None
    if as_json:
        render.print_json(view)
        return
    typer.echo(f"已登记送达 {stored['letter_number']}：{day} {DeliveryMethod(delivered['method']).label}")
    if view["remedy_until"]:
        typer.echo(f"申请行政复议至 {view['remedy_until']['review']}；提起行政诉讼至 {view['remedy_until']['litigation']}")
