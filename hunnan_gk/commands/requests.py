"""依申请公开 requests: register, the eight stages, extension and withdrawal, show and list,
and the audit trail. The clock's pauses (补正, 征求意见) are commands/pauses.py."""

from typing import Annotated

import typer

from hunnan_gk.commands.common import (
    ClerkOption,
    ConfigOption,
    DbOption,
    Env,
    JsonOption,
    NoteOption,
    NumberArgument,
    OnOption,
    Transition,
    clerk_name,
    print_request,
    request_view,
    require_request,
    stored_names,
)
from hunnan_gk.vocab import ApplicantType, Channel

app = typer.Typer()
audit_app = typer.Typer(help="审计：核验办理记录链。", no_args_is_help=True)


@app.command()
def register(
    applicant: Annotated[str, typer.Option("--applicant", help="申请人姓名或名称")],
    applicant_type: Annotated[str, typer.Option("--type", help="申请人类型（代码或名称）： " + ApplicantType.choices_help())],
    channel: Annotated[str, typer.Option("--channel", help="申请方式 （代码或名称）： " + Channel.choices_help())],
    received: Annotated[str, typer.Option("--received", help="收到申请之日（条例第31条），如 2024-04-01")],
    content: Annotated[str, typer.Option("--content", help="申请公开的政府信息")],
    id_number: Annotated[str | None, typer.Option("--id-number", help="居民身份证号码（校验 GB 11643 校验码、出生日期和地区码）")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    email: Annotated[str | None, typer.Option("--email", help="电子邮箱")] = None,
    address: Annotated[str | None, typer.Option("--address", help="通信地址")] = None,
    department: Annotated[str | None, typer.Option("--department", help="承办单位（名称或配置中的别名）")] = None,
    handler: Annotated[str | None, typer.Option("--handler", help="办理人")] = None,
    organ: Annotated[str | None, typer.Option("--organ", help="答复机关（默认配置的 organ）")] = None,
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="统一社会信用代码（校验 GB 32100 校验码）")] = None,
    legal_rep: Annotated[str | None, typer.Option("--legal-rep", help="法定代表人或主要负责人")] = None,
    contact_person: Annotated[str | None, typer.Option("--contact-person", help="联系人")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="委托代理人姓名")] = None,
    agent_id: Annotated[str | None, typer.Option("--agent-id", help="委托代理人的身份证号码")] = None,
    clerk: ClerkOption = None,
    delivery: Annotated[str | None, typer.Option("--delivery", help="获取信息的方式，如 邮寄、电子邮件")] = None,
    note: NoteOption = None,
    allow_duplicate: Annotated[bool, typer.Option("--allow-duplicate", help="确非重复申请时仍登记（记入办理记录）")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """登记一件依申请公开申请（完成第1环节“接收登记”），打印新编号。

    同一申请人（身份证号相同，或姓名与电话相同）20 个工作日内已有内容相同的申请时拒绝登记
    （退出码 1，说明已有的编号）；确非重复时加 --allow-duplicate。

    示例：hunnan-gk register --applicant 张三 --type natural --channel online --received 2024-04-01 --content "2023年浑南区老旧小区改造资金使用情况"
    """
    from hunnan_gk import applicants, numbering, workflow
    from hunnan_gk.errors import Refused
    from hunnan_gk.storage.db import write
    from hunnan_gk.storage.requests import register_request, same_applicant_candidates
    from hunnan_gk.vocab import ApplicantType, Channel

    env = Env(config, db)
    directory = env.settings.directory
    department = directory.resolve_department(department)
    handler = directory.resolve_handler(handler, department=department)
    organ = env.settings.organs.resolve(organ)
    fields = workflow.registration(
        applicant=applicant,
        applicant_type=ApplicantType.parse(applicant_type, option="--type").value,
        channel=Channel.parse(channel, option="--channel").value,
        received=env.date(received, "--received", past=True),
        content=content,
        today=env.today,
        id_number=id_number,
        phone=phone,
        email=email,
        address=address,
        department=department,
        handler=handler,
        organ=organ,
        delivery=delivery,
        note=note,
        credit_code=credit_code,
        legal_rep=legal_rep,
        contact_person=contact_person,
        agent=agent,
        agent_id=agent_id,
    )
    prefix = env.settings.number_prefix
    env.ready()
    database = env.open_db()
    with write(database):
        repeated = applicants.duplicates_of(fields, same_applicant_candidates(database, fields), env.calendar)
        if repeated and not allow_duplicate:
            raise Refused(
                f"同一申请人 {applicants.DUPLICATE_WORKDAYS} 个工作日内已有内容相同的申请："
                f"{'、'.join(repeated)}，未登记",
                hint="用 hunnan-gk show 查看；确是另一件申请时加 --allow-duplicate 登记",
            )
        row = register_request(
            database,
            fields,
            number_for=lambda year, seq: numbering.format_number(prefix, year, seq),
            clerk=clerk_name(clerk),
            at=env.now().isoformat(),
            extra={"duplicate_allowed": repeated} if repeated else None,
        )
    print_request(env, database, row, as_json=as_json,
                  done="已登记" + stored_names(row.get("department"), row.get("handler")))


@app.command()
def advance(
    number: NumberArgument,
    on: OnOption = None,
    clerk: ClerkOption = None,
    note: NoteOption = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="答复类型：代码或名称，如 disclosed、部分公开、国家秘密（答复时必填，有预答复可省）；全部见 hunnan-gk outcomes")] = None,
    expect: Annotated[str | None, typer.Option("--expect", help="只在申请处于此环节时办理（防重复）")] = None,
    override_proposal: Annotated[bool, typer.Option("--override-proposal", help="改用与预答复不同的答复类型（记录在案）")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """完成当前环节，进入下一环节。

    完成“答复申请”时用 --outcome 写明答复类型（即年度报告中的一行）；有审核通过的
    预答复（hunnan-gk propose）时可省略，按预答复答复。完成“答复意见审核”即审核通过预答复。
    全部答复类型见 hunnan-gk outcomes。

    示例：hunnan-gk advance 2024-0001 --expect review
    示例：hunnan-gk advance 2024-0001 --outcome disclosed --on 2024-04-20
    示例：hunnan-gk advance 2024-0002 --outcome 国家秘密
    """
    from hunnan_gk import workflow
    from hunnan_gk.vocab import Outcome, Stage

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    outcome_code = Outcome.parse(outcome, option="--outcome").value if outcome else None
    expect_code = Stage.parse(expect, option="--expect").value if expect else None
    step.apply(
        number,
        lambda row, _: workflow.advance(
            row, on=step.day, today=step.env.today, outcome=outcome_code, expect=expect_code,
            override_proposal=override_proposal,
        ),
        note=note,
        done="已完成上一环节",
    )


@app.command()
def outcomes(as_json: JsonOption = False) -> None:
    """列出答复类型（--outcome 的可选值）。

    按年度报告“三、本年度办理结果”分组，每行一种：代码、序号、名称。--outcome 可写代码，也可写名称，带不带分组都行（国家秘密、属于国家秘密、不予公开属于国家秘密）。

    示例：hunnan-gk outcomes
    """
    from hunnan_gk import render
    from hunnan_gk.vocab import Outcome

    if as_json:
        render.print_json([
            {
                "group": title,
                "outcomes": [
                    {"code": o.value, "label": o.label, "name": o.item, "short_label": o.short_label}
                    for o in members
                ],
            }
            for title, members in Outcome.grouped()
        ])
    else:
        typer.echo(Outcome.grouped_text())


@app.command("return")
def return_command(
    number: NumberArgument,
    to: Annotated[str, typer.Option("--to", metavar="环节", help="退回到的环节，如 draft（拟定答复意见）")],
    reason: Annotated[str, typer.Option("--reason", help="退回理由，如 审核不通过")],
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """退回到之前的环节（如审核不通过，退回拟定答复意见）。

    示例：hunnan-gk return 2024-0001 --to draft --reason "答复依据引用有误"
    """
    from hunnan_gk import workflow
    from hunnan_gk.vocab import Stage

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    target = Stage.parse(to, option="--to").value
    step.apply(
        number,
        lambda row, _: workflow.return_to(row, to=target, reason=reason, on=step.day, today=step.env.today),
        done="已退回",
    )


@app.command()
def extend(
    number: NumberArgument,
    days: Annotated[int, typer.Option("--days", help="延长的工作日数（合计不超过 20）")],
    approver: Annotated[str, typer.Option("--approver", help="批准延期的政府信息公开工作机构负责人")],
    reason: Annotated[str, typer.Option("--reason", help="延期理由")],
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """延期答复（合计不超过 20 个工作日，条例第33条）。

    须经政府信息公开工作机构负责人同意，并告知申请人。

    示例：hunnan-gk extend 2024-0001 --days 20 --approver 王主任 --reason "涉及多个单位，需协调"
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, consultations: workflow.extend(
            row, consultations, days=days, approver=approver, reason=reason, on=step.day,
            today=step.env.today, calendar=step.env.calendar,
        ),
        done=f"已延期 {days} 个工作日",
    )


@app.command()
def withdraw(
    number: NumberArgument,
    reason: Annotated[str, typer.Option("--reason", help="撤回情况")],
    on: OnOption = None,
    clerk: ClerkOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """申请人撤回申请：处理结果为“其他”，转入归档。

    示例：hunnan-gk withdraw 2024-0001 --reason "申请人电话告知已通过其他途径获取"
    """
    from hunnan_gk import workflow

    step = Transition(config, db, on, clerk=clerk, as_json=as_json)
    step.apply(
        number,
        lambda row, _: workflow.withdraw(row, reason=reason, on=step.day, today=step.env.today),
        done="已登记撤回，转入归档",
    )


@app.command()
def show(
    number: NumberArgument,
    explain: Annotated[bool, typer.Option("--explain", help="说明答复期限是怎样算出的")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """显示一件申请：环节、答复期限和办理记录。

    含申请人个人信息：身份证号、电话等只在此处完整显示（列表、报告、邮件中一律打码）。

    示例：hunnan-gk show 2024-0001 --explain
    """
    from hunnan_gk import applicants, clock, render, views
    from hunnan_gk.storage.requests import consultations_of, events_of, same_applicant_candidates
    from hunnan_gk.render.requests import request_detail

    env = Env(config, db)
    database = env.open_db()
    row = require_request(database, number)
    consultations = consultations_of(database, row["number"])
    view = request_view(env, database, row, reveal=True)
    view.update(views.history_view(events_of(database, row["number"])))
    view["consultations"] = consultations
    view["same_applicant"] = applicants.other_requests(row, same_applicant_candidates(database, row))
    if explain:
        view["explain"] = clock.explain_clock(row, consultations, env.calendar, env.today)
    if as_json:
        render.print_json(view)
    else:
        request_detail(view)


@app.command("list")
def list_command(
    stage: Annotated[str | None, typer.Option("--stage", help="只列出处于此环节的申请")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列出未办结的（含待归档的）")] = False,
    closed_only: Annotated[bool, typer.Option("--closed", help="只列出已办结的")] = False,
    department: Annotated[str | None, typer.Option("--department", help="承办单位：登记在该单位或转办给该单位的")] = None,
    handler: Annotated[str | None, typer.Option("--handler", help="办理人：登记的办理人或承办事项的办理人")] = None,
    received_from: Annotated[str | None, typer.Option("--received-from", help="收到日期不早于")] = None,
    received_to: Annotated[str | None, typer.Option("--received-to", help="收到日期不晚于")] = None,
    search: Annotated[str | None, typer.Option("--search", help="在申请人、内容、编号、备注中查找")] = None,
    include_voided: Annotated[bool, typer.Option("--all", help="也列出已作废的申请")] = False,
    id_number: Annotated[str | None, typer.Option("--id-number", help="身份证号码相同的（打码显示）")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话相同的（只比数字，打码显示）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """列出申请（身份证号、电话打码）。

    示例：hunnan-gk list --open --department 区住建局
    示例：hunnan-gk list --id-number 11010519491231002X
    """
    from hunnan_gk import render, views
    from hunnan_gk.errors import InputError
    from hunnan_gk.storage.assignments import attach_records
    from hunnan_gk.storage.letters import attach_letters
    from hunnan_gk.storage.requests import attach_consultations, list_requests
    from hunnan_gk.render.requests import request_list
    from hunnan_gk.vocab import Stage

    env = Env(config, db)
    department = env.settings.directory.resolve_department(department)
    handler = env.settings.directory.resolve_handler(handler)
    if open_only and closed_only:
        raise InputError("--open 与 --closed 不能同时使用")
    received_from_day = env.optional_date(received_from, "--received-from")
    received_to_day = env.optional_date(received_to, "--received-to")
    if received_from_day and received_to_day and received_from_day > received_to_day:
        raise InputError(f"--received-from {received_from_day} 晚于 --received-to {received_to_day}")
    database = env.open_db()
    rows = list_requests(
        database,
        stage=Stage.parse(stage, option="--stage").value if stage else None,
        open_only=open_only,
        closed_only=closed_only,
        department=department,
        handler=handler,
        received_from=received_from_day.isoformat() if received_from_day else None,
        received_to=received_to_day.isoformat() if received_to_day else None,
        search=search,
        include_voided=include_voided,
        id_number=id_number,
        phone=phone,
    )
    attach_consultations(database, rows)
    attach_records(database, rows)
    attach_letters(database, rows)
    found = [
        views.request_view(row, row["consultations"], env.calendar, env.today,
                           assignments=row["assignments"], supervisions=row["supervisions"],
                           yellow_days=env.settings.yellow_days, letters=row["letters"])
        for row in rows
    ]
    if as_json:
        render.print_json(found)
    else:
        request_list(found)


@audit_app.command("verify")
def audit_verify(as_json: JsonOption = False, db: DbOption = None, config: ConfigOption = None) -> None:
    """核验办理记录链，并按记录重放核对每件申请。

    任何一条被改动、删除或插入都会被发现；申请表与其办理记录重放的结果不一致时逐项列出
    （编号、字段、记录值与重放值）；退出码 1。

    通过时打印链头哈希：把它记在别处（如 cron 日志），连整个文件被重写也能发现。

    示例：hunnan-gk audit verify
    """
    from hunnan_gk.storage.audit import verify_audit

    count, head = verify_audit(Env(config, db).open_db())
    if as_json:
        from hunnan_gk.render import print_json

        print_json({"verified": True, "events": count, "head": head})
    else:
        typer.echo(f"审计链核验通过：{count} 条事件，链头 {head}")


from hunnan_gk.commands.pauses import consult_app, supplement_app  # noqa: E402

app.add_typer(supplement_app, name="supplement")
app.add_typer(consult_app, name="consult")
app.add_typer(audit_app, name="audit")
