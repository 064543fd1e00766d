"""The demo database behind `hunnan-gk demo`: about thirty realistic requests, dated relative to
today, across the stages, the four lights, a 补正 pause, consultation pauses, extensions and
closed ones. Built through the same workflow and storage functions as the real commands, so
the demo shows exactly what a clerk would see.

Every demo request carries DEMO_NOTE at the start of its note: a database holding any request
without it is real and is never touched.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hunnan_gk.errors import Refused
from hunnan_gk.vocab import Outcome, Stage

if TYPE_CHECKING:
    from hunnan_gk.workdays import WorkCalendar

DEMO_NOTE = "【演示数据】"
CLERKS = ("刘洋", "王静", "陈晨")

# Each scenario: applicant, type, channel, department, content ({y} this year, {y1} last year…),
# note, and its steps.
# A step's first element is k: the working days before today on which it happened.
#   (k, "received")                              registered on that day (stands in review)
#   (k, "to", stage)                             advanced until it stands in `stage`
#   (k, "reply", outcome)                        advanced through reply with that outcome
#   (k, "archive")                               archived: closed
#   (k, "ask", until_k)                          补正告知, deadline until_k working days before
#                                                today (negative: after today)
#   (k, "corrected")                             the corrected application arrived
#   (k, "consult", party, kind) / (k, "consulted")   consultation started / ended
#   (k, "extend", days)                          extension approved
#   (k, "withdraw")                              the applicant withdrew
SCENARIOS: list[tuple[str, str, str, str, str, str, list[tuple]]] = [
    ("王秀兰", "natural", "online", "区住建局",
     "{y}年浑南区老旧小区改造项目清单及各小区改造资金使用情况", "已超期",
     [(23, "received"), (19, "to", "search"), (12, "to", "secrecy"), (8, "to", "draft")]),
    ("辽宁北方恒达物流有限公司", "commercial", "post", "区自然资源分局",
     "浑南大道与全运路交汇处东北侧地块国有建设用地使用权出让合同及附图", "已超期，待审核",
     [(26, "received"), (22, "to", "search"), (15, "to", "draft"), (4, "to", "approve")]),
    ("李建国", "natural", "letter", "区农业农村局",
     "李相街道某村集体土地征收补偿安置方案及补偿款发放明细", "超过法定上限，需督办",
     [(45, "received"), (40, "to", "search"), (30, "to", "secrecy")]),
    ("张伟", "natural", "in_person", "区营商局",
     "浑南区{y}年营商环境投诉受理及办结情况统计", "刚超期一天",
     [(21, "received"), (17, "to", "search")]),
    ("沈阳城市发展研究院", "research", "email", "区财政局",
     "浑南区{y1}年度区级预算执行情况及“三公”经费明细", "延期后仍超期",
     [(31, "received"), (25, "to", "search"), (15, "extend", 5), (10, "to", "draft")]),
    ("刘桂芝", "natural", "online", "区教育局",
     "浑南区{y}年义务教育阶段学区划分依据及调整过程材料", "今天到期",
     [(20, "received"), (16, "to", "search"), (9, "to", "secrecy"), (5, "to", "draft"),
      (2, "to", "approve")]),
    ("陈志强", "natural", "online", "区住建局",
     "浑南区某新建住宅项目预售资金监管账户及监管协议", "",
     [(18, "received"), (15, "to", "search"), (8, "to", "draft")]),
    ("浑南区绿色家园环保志愿者协会", "public_interest", "email", "区生态环境分局",
     "浑河南岸防洪堤改造工程环境影响评价文件及批复", "征求意见已结束",
     [(21, "received"), (18, "to", "search"), (15, "consult", "沈阳浑河源置业有限公司", "third_party"),
      (11, "consulted"), (6, "to", "secrecy")]),
    ("杨丽娟", "natural", "in_person", "区卫健局",
     "浑南区各社区卫生服务中心基本药物采购目录及采购价格", "",
     [(15, "received"), (12, "to", "search"), (3, "to", "secrecy")]),
    ("赵海波", "natural", "fax", "区城市管理局",
     "浑南区某小区周边垃圾转运站选址论证材料及听证记录", "",
     [(17, "received"), (14, "to", "search")]),
    ("孙玉梅", "natural", "online", "区教育局",
     "浑南区某在建九年一贯制学校建设工程规划许可证及附图", "今天收到",
     [(0, "received")]),
    ("沈阳智联芯科技有限公司", "commercial", "online", "区营商局",
     "浑南区{y}年高新技术企业研发费用补助资金拨付名单", "",
     [(1, "received")]),
    ("周明", "natural", "post", "区市场监管局",
     "浑南区{y}年第二季度食品安全抽检结果及不合格产品处置情况", "",
     [(3, "received")]),
    ("辽宁正衡律师事务所", "legal_service", "email", "区城市管理局",
     "浑南区城市管理综合执法局对某商铺作出的行政处罚决定书", "",
     [(5, "received"), (2, "to", "search")]),
    ("吴晓东", "natural", "online", "区农业农村局",
     "浑南区{y1}年度耕地地力保护补贴发放名单及标准", "",
     [(8, "received"), (6, "to", "search"), (2, "to", "secrecy")]),
    ("郑淑华", "natural", "letter", "区卫健局",
     "浑南区{y}年适龄妇女“两癌”免费筛查项目实施方案及经费", "",
     [(10, "received"), (8, "to", "search"), (4, "to", "draft")]),
    ("浑南区五三街道长青社区居民委员会", "other_org", "in_person", "区住建局",
     "长青社区周边道路改造工程施工许可及工期安排", "",
     [(12, "received"), (10, "to", "search"), (6, "to", "draft"), (1, "to", "approve")]),
    ("马天宇", "natural", "online", "区自然资源分局",
     "浑南区国土空间总体规划（2021—2035年）中某片区用地性质调整材料", "补正后重新计时",
     [(25, "received"), (23, "ask", 8), (10, "corrected"), (7, "to", "search")]),
    ("沈阳浑河源置业有限公司", "commercial", "post", "区自然资源分局",
     "浑南区某地块控制性详细规划调整的论证报告及公示材料", "已延期 10 个工作日",
     [(18, "received"), (15, "to", "search"), (12, "extend", 10), (6, "to", "secrecy")]),
    ("黄丽", "natural", "online", "区教育局",
     "浑南区{y}年公办幼儿园招生计划及收费标准", "",
     [(2, "received")]),
    ("何振东", "natural", "online", "区住建局",
     "浑南区某小区住宅专项维修资金使用情况", "等待补正",
     [(4, "received"), (2, "ask", -8)]),
    ("沈阳东陵山水物业服务有限公司", "commercial", "email", "区住建局",
     "浑南区物业服务企业{y1}年度信用评价结果及评分细则", "征求第三方意见中",
     [(9, "received"), (7, "to", "search"), (3, "consult", "沈阳东方丽景物业有限公司", "third_party")]),
    ("许文静", "natural", "in_person", "区自然资源分局",
     "浑南区某村宅基地确权登记材料", "征求其他机关意见中",
     [(14, "received"), (11, "to", "search"), (6, "consult", "沈阳市自然资源局", "organ")]),
    ("高建军", "natural", "letter", "区城市管理局",
     "浑南区户外广告设施设置规划及审批情况", "补正期限已过，待处理",
     [(20, "received"), (16, "ask", 6)]),
    ("林晓燕", "natural", "online", "区营商局",
     "浑南区{y1}年招商引资项目签约及落地情况", "已答复并归档",
     [(35, "received"), (32, "to", "search"), (25, "to", "draft"), (17, "to", "reply"),
      (15, "reply", "disclosed"), (13, "archive")]),
    ("东北城市治理研究中心", "research", "email", "区财政局",
     "浑南区{y1}年政府购买服务项目目录及合同金额", "部分公开，已归档",
     [(40, "received"), (36, "to", "search"), (28, "to", "approve"), (23, "to", "reply"),
      (22, "reply", "partial"), (20, "archive")]),
    ("冯国庆", "natural", "post", "区卫健局",
     "浑南区某医院{y5}年医疗纠纷调解记录", "本机关不掌握，待归档",
     [(28, "received"), (24, "to", "search"), (12, "to", "reply"), (9, "reply", "unavailable_not_held")]),
    ("董丽华", "natural", "online", "区教育局",
     "浑南区某中学教师招聘面试成绩", "申请人撤回",
     [(12, "received"), (9, "to", "search"), (5, "withdraw")]),
    ("韩志刚", "natural", "letter", "区市场监管局",
     "浑南区某超市{y2}年投诉举报处理结果", "逾期未补正，已归档",
     [(38, "received"), (36, "ask", 26), (25, "lapsed"), (24, "archive")]),
    ("沈阳宏远建筑工程有限公司", "commercial", "email", "区住建局",
     "浑南区某安置房项目招投标文件及中标结果", "征求第三方意见后不予公开",
     [(30, "received"), (27, "to", "search"), (25, "consult", "辽宁华建工程咨询有限公司", "third_party"),
      (15, "consulted"), (8, "to", "reply"), (3, "reply", "withheld_third_party")]),
]


def workdays_before(calendar: "WorkCalendar", today: date, k: int) -> date:
    """A working day d with exactly k working days in (d, today] (today itself when k = 0)."""
    day, counted = today, 0
    while counted < k:
        counted += calendar.is_workday(day)
        day -= timedelta(days=1)
    while k and not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def check_target(path: Path) -> None:
    """Refuse a file that is not a demo database; remove an earlier demo database."""
    from hunnan_gk.storage.db import count_demo_requests

    if not path.exists():
        return
    total, demo = count_demo_requests(path, DEMO_NOTE)
    if demo < total:  # an empty one (say, a demo build that failed) holds nothing to lose
        real = f"含有 {total - demo} 件真实申请"
        raise Refused(
            f"{path} 已存在且{real}，演示不会改动它",
            hint="用 --db 指定一个新文件，例如 hunnan-gk demo --db demo2.db",
        )
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def build_demo(path: Path, *, calendar: "WorkCalendar", today: date, at: str) -> int:
    """Build a fresh demo database at `path`, dated relative to `today` on `calendar`, its
    events stamped `at`; returns how many requests it holds."""
    from hunnan_gk.exports import atomic_write
    from hunnan_gk.storage.db import init_db, write

    check_target(path)

    def build(temporary: Path) -> None:
        # Built under a temporary name and renamed into place like every file the tool
        # writes: a demo killed half-way leaves no half-built database at `path`.
        temporary.unlink()  # init_db creates the file itself, exclusively
        db, _ = init_db(temporary)
        with write(db):
            for index, scenario in enumerate(SCENARIOS):
                _play(db, scenario, calendar, today, at, CLERKS[index % len(CLERKS)])
        db.conn.close()  # the last connection folds the WAL in and removes it

    atomic_write(path, build, private=True)
    return len(SCENARIOS)


def _play(db, scenario, calendar, today: date, at: str, clerk: str) -> None:
    from hunnan_gk import numbering, workflow
    from hunnan_gk.storage.requests import apply_change, register_request

    applicant, kind, channel, department, content, note, steps = scenario
    on = lambda k: workdays_before(calendar, today, k)  # noqa: E731
    fields = workflow.registration(
        applicant=applicant, applicant_type=kind, channel=channel, received=on(steps[0][0]),
        content=content.format(**{f"y{n}" if n else "y": today.year - n for n in range(6)}),
        today=today, department=department, clerk=clerk,
        note=f"{DEMO_NOTE}{note}" if note else DEMO_NOTE,
        phone=f"1390240{len(content):04d}" if kind == "natural" else None,
    )
    row = register_request(
        db, fields, number_for=lambda year, seq: numbering.format_number(numbering.DEFAULT_PREFIX, year, seq),
        clerk=clerk, at=at,
    )
    for k, action, *args in steps[1:]:
        day = on(k)
        for change in _changes(db, row, action, args, day, today, calendar, on):
            row = apply_change(db, row, change, clerk=clerk, at=at)


def _changes(db, row: dict[str, Any], action: str, args: list, day: date, today: date,
             calendar, on):
    """The workflow Changes one step makes (several for "to": one per stage completed)."""
    from hunnan_gk import workflow
    from hunnan_gk.storage.requests import consultations_of

    if action == "to":
        target = Stage(args[0])
        stage = Stage(row["stage"])
        while stage.position < target.position:
            yield workflow.advance({**row, "stage": stage.value}, on=day, today=today)
            stage = stage.next()
        return
    consultations = consultations_of(db, row["number"])
    if action == "reply":
        yield workflow.advance(row, on=day, today=today, outcome=Outcome(args[0]).value)
    elif action == "archive":
        yield workflow.advance(row, on=day, today=today)
    elif action == "ask":
        yield workflow.supplement_ask(row, on=day, until=on(args[0]) if args[0] >= 0
                                      else today + timedelta(days=-args[0]),
                                      today=today, calendar=calendar)
    elif action == "corrected":
        yield workflow.supplement_received(row, on=day, today=today)
    elif action == "lapsed":
        yield workflow.supplement_lapsed(row, on=day, today=today)
    elif action == "consult":
        yield workflow.consult_start(row, consultations, party=args[0], kind=args[1], on=day,
                                     today=today, calendar=calendar)
    elif action == "consulted":
        yield workflow.consult_end(row, consultations, on=day, today=today)
    elif action == "extend":
        yield workflow.extend(row, consultations, days=args[0], approver="区政务公开办主任",
                              reason="需要调取多年度档案，经批准延期", on=day, today=today,
                              calendar=calendar)
    elif action == "withdraw":
        yield workflow.withdraw(row, reason="申请人来电表示已通过其他途径获取", on=day, today=today)
    else:  # pragma: no cover - a typo in SCENARIOS
        raise ValueError(action)
