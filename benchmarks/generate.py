"""A realistic hunnan-gk database of N requests, for the benchmarks.

    python -m benchmarks.generate --requests 1000000 --db benchmarks/data/gk-1000000-s1.db

Each request is driven through the real workflow (`workflow.registration`, `advance`,
`supplement_ask`/`received`/`lapsed`, `consult_start`/`end`, `extend`, `withdraw`, `return_to`)
with dates on the real working-day calendar, and each step becomes its event through
`audit.register_event` / `audit.change_effect` — the same code the commands use. Going
through `apply_change` per step would cost several statements per event (a minute per 10,000
requests), so the whole history of each request is written at once with
`storage.bulk.store_histories`, which hash-chains the events exactly as `append_event` does, in
transactions of BATCH requests. Worker processes build and serialize the histories
(`audit.prepare_history`); the main process links the chain and writes. `audit verify` passes on the result.

The mix (receipts 2019 to AS_OF, mostly natural persons filing online or by post, outcomes
mostly 予以公开/部分公开/本机关不掌握, some 补正 restarts and lapses, consultation pauses,
extensions, withdrawals, about 2% still open, mostly recent) is fixed by the seed.

With `--open N`, exactly N requests are still open on AS_OF (no outcome: what `report overdue`
lists), whatever the history's size, as in an office that keeps up with its mail: the open
ones received in the last weeks (a few long stalled), standing at every stage, some paused
for 补正 or a consultation, some extended; every other request has its outcome by AS_OF.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from hunnan_gk import numbering, workflow
from hunnan_gk.audit import change_effect, prepare_history, register_event
from hunnan_gk.errors import Refused
from hunnan_gk.storage.bulk import last_seqs, next_consultation_id, store_histories
from hunnan_gk.storage.db import init_db, write
from hunnan_gk.workdays import WorkCalendar

AS_OF = date(2026, 6, 30)  # "today" of every generated database; run reports with HUNNAN_GK_TODAY
FIRST_DAY = date(2019, 1, 1)
BATCH = 20_000
PREFIX = numbering.DEFAULT_PREFIX

APPLICANT_TYPES = {"natural": 88, "commercial": 5, "legal_service": 4, "research": 1,
                   "public_interest": 1, "other_org": 1}
CHANNELS = {"online": 45, "post": 25, "in_person": 15, "email": 8, "letter": 4, "fax": 3}
OUTCOMES = {
    "disclosed": 36, "partial": 15, "unavailable_not_held": 22, "unavailable_needs_creation": 4,
    "unavailable_unclear": 2, "withheld_state_secret": 0.3, "withheld_prohibited": 0.5,
    "withheld_security": 0.5, "withheld_third_party": 2, "withheld_internal": 1.5,
    "withheld_process": 2.5, "withheld_enforcement": 1, "withheld_query": 1,
    "unprocessed_petition": 3, "unprocessed_repeat": 2, "unprocessed_publication": 0.5,
    "unprocessed_excessive": 0.3, "unprocessed_confirmation": 0.7, "other_unpaid_fee": 0.2,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强海燕亮"
COMPANIES = ["沈阳浑南建设有限公司", "辽宁某某律师事务所", "东北大学某研究所", "沈阳某公益基金会",
             "沈阳某房地产开发有限公司", "浑南区某物业管理有限公司"]
DEPARTMENTS = ["区住建局", "区自然资源分局", "区财政局", "区教育局", "区卫健局", "区市场监管局",
               "区人社局", "区民政局", "区生态环境分局", "区交通局", "区城管局", "区发改局"]
TOPICS = ["老旧小区改造资金使用情况", "征收补偿安置方案", "建设项目规划许可", "环境影响评价批复",
          "学区划分依据", "低保审批名单", "行政处罚决定书", "财政预算执行情况",
          "道路工程招标文件", "医疗机构执业许可", "集体土地征收批复", "拆迁补偿协议"]
CLERKS = ["李文", "王静", "赵鹏", "刘洋", "陈晨", "孙丽"]


class Picker:
    """Weighted choices from a fixed table, fast (cumulative weights computed once)."""

    def __init__(self, rng: random.Random, table: dict[str, float]):
        self.rng, self.keys = rng, list(table)
        total, self.cum = 0.0, []
        for weight in table.values():
            total += weight
            self.cum.append(total)

    def __call__(self) -> str:
        return self.rng.choices(self.keys, cum_weights=self.cum)[0]


class Life:
    """One request's history as it is built: the row, its consultations and its events."""

    def __init__(self, row, at: str, clerk: str):
        self.row, self.consultations = row, []
        self.events = [register_event(row, clerk=clerk, at=at)]

    def apply(self, change, clerk: str, at: str, next_id) -> None:
        fields, event = change_effect(self.row, change, clerk=clerk, at=at)
        self.row.update(fields)
        self.events.append(event)
        if change.consultation:
            self.consultations.append(
                {"id": next_id(), "request_number": self.row["number"], **change.consultation, "end_on": None}
            )
        if change.ended_consultation is not None:
            for consultation in self.consultations:
                if consultation["id"] == change.ended_consultation:
                    consultation["end_on"] = change.on.isoformat()


class Generator:
    def __init__(self, seed: int, calendar: WorkCalendar, seqs: dict[int, int], consultation_id: int):
        self.rng = random.Random(seed)
        self.cal = calendar
        self.seqs = seqs
        self._consultation_id = consultation_id
        self.applicant_type = Picker(self.rng, APPLICANT_TYPES)
        self.channel = Picker(self.rng, CHANNELS)
        self.outcome = Picker(self.rng, OUTCOMES)
        self.span = (AS_OF - FIRST_DAY).days
        self.hurry = False

    def next_consultation_id(self) -> int:
        self._consultation_id += 1
        return self._consultation_id - 1

    def later(self, day: date, low: int, high: int) -> date:
        """A working day `low`..`high` working days after `day` (in a hurry: 0 or 1, never
        after AS_OF)."""
        if self.hurry:
            return min(self.cal.add(day, self.rng.randint(0, 1)).date, AS_OF)
        return self.cal.add(day, self.rng.randint(low, high)).date

    def stamp(self, day: date) -> str:
        minute = int(self.rng.random() * 600)  # office hours, 08:00-17:59
        return f"{day.isoformat()}T{8 + minute // 60:02d}:{minute % 60:02d}:00+08:00"

    def received_day(self) -> date:
        rng = self.rng
        while True:  # receipts grow over the years (twice as many now as in 2019), mostly on working days
            growth = (1 + 3 * rng.random()) ** 0.5 - 1  # density ∝ 1 + t over t in [0, 1]
            day = AS_OF - timedelta(days=int(self.span * (1 - growth)))
            if day >= FIRST_DAY and (self.cal.is_workday(day) or rng.random() < 0.15):
                return day

    def open_received_day(self) -> date:
        """When a request still open on AS_OF was received (`--open`): mostly within the
        20 working days of 条例第33条, some before (extended, paused or late), a few long ago."""
        rng = self.rng
        while True:
            roll = rng.random()
            back = rng.randint(0, 28) if roll < 0.75 else rng.randint(29, 63) if roll < 0.95 else rng.randint(64, 240)
            day = AS_OF - timedelta(days=back)
            if self.cal.is_workday(day) or rng.random() < 0.15:
                return day

    def applicant(self, kind: str) -> str:
        rng = self.rng
        if kind == "natural":
            return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        return rng.choice(COMPANIES)

    def request(self, received: date, keep_open: bool | None = None) -> Life:
        """One request received on `received`, its story told up to AS_OF: open or not as
        it happens (`keep_open` None), still open (True) or with its outcome (False)."""
        rng = self.rng
        kind = self.applicant_type()
        fields = workflow.registration(
            applicant=self.applicant(kind), applicant_type=kind, channel=self.channel(),
            received=received, content=f"{received.year - 1}年{rng.choice(TOPICS)}", today=AS_OF,
            phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
            department=rng.choice(DEPARTMENTS),
        )
        year = received.year
        seq = self.seqs[year] = self.seqs.get(year, 0) + 1
        clerk = rng.choice(CLERKS)
        at = self.stamp(received)
        row = {"number": numbering.format_number(PREFIX, year, seq), "year": year, "seq": seq,
               "clerk": clerk, **fields, "imported": 0, "created_at": at, "updated_at": at}
        if keep_open is None:
            life = Life(row, at, clerk)
            # Some requests stall: still open long after the usual few weeks (mostly recent ones).
            recent = (AS_OF - received).days < 120
            stall_at = rng.randint(1, 9) if rng.random() < (0.15 if recent else 0.001) else None
            self.handle(life, received, clerk, stall_at)
        elif keep_open:
            # Stopped somewhere before the outcome: most of them stall, the rest are where
            # today finds them; pauses and extensions are what keeps a request open, so twice as many.
            life = Life(row, at, clerk)
            stall_at = rng.randint(1, 9) if rng.random() < 0.7 else None
            self.handle(life, received, clerk, stall_at, keep_open=True, detours=2.0)
        else:
            # Retold until it has its outcome by AS_OF; the last time in a hurry (no detours,
            # each step the same or the next working day).
            for attempt in range(3):
                self.hurry = attempt == 2
                life = Life(dict(row), at, clerk)
                self.handle(life, received, clerk, None, detours=0.0 if self.hurry else 1.0)
                if life.row.get("outcome_on"):
                    break
            self.hurry = False
        return life

    def handle(self, life: Life, day: date, clerk: str, stall_at: int | None, *,
               keep_open: bool = False, detours: float = 1.0) -> None:
        """Tell the story; `keep_open`: stop before any step that gives an outcome;
        `detours`: how much likelier (or not at all, 0) than usual 补正, consultations,
        extensions, returns and withdrawals are."""
        rng, row = self.rng, life.row
        steps = 0

        def step(build, on: date) -> bool:
            """Apply one transition on `on`; False when the story stops here (today reached,
            stall, an outcome that `keep_open` forbids)."""
            nonlocal steps
            if on > AS_OF or steps == stall_at:
                return False
            change = build(on)
            if keep_open and change.fields.get("outcome_on"):
                return False
            steps += 1
            life.apply(change, clerk, self.stamp(on), self.next_consultation_id)
            return True

        roll = rng.random()
        if roll < 0.07 * detours:  # 补正 (条例第30条), asked within the 7 working days
            asked = self.later(day, 1, 6)
            until = asked + timedelta(days=15)
            if not step(lambda on: workflow.supplement_ask(row, on=on, until=until, today=AS_OF,
                                                           calendar=self.cal), asked):
                return
            if rng.random() < 0.3:
                if not step(lambda on: workflow.supplement_lapsed(row, on=on, today=AS_OF),
                            until + timedelta(days=1)):
                    return
                step(lambda on: workflow.advance(row, on=on, today=AS_OF), self.later(until, 1, 5))
                return
            day = asked + timedelta(days=rng.randint(2, 14))
            if not step(lambda on: workflow.supplement_received(row, on=on, today=AS_OF), day):
                return
        withdraw_at = rng.randint(1, 5) if rng.random() < 0.02 * detours else None
        outcome = self.outcome()
        for position in range(1, 8):  # review → … → archive → closed
            if position == withdraw_at:
                day = self.later(day, 1, 4)
                if step(lambda on: workflow.withdraw(row, reason="申请人撤回", on=on, today=AS_OF), day):
                    step(lambda on: workflow.advance(row, on=on, today=AS_OF), self.later(day, 1, 5))
                return
            if position == 2 and rng.random() < 0.05 * detours:  # 征求意见 during the search
                day = self.later(day, 1, 3)
                kind = "third_party" if rng.random() < 0.7 else "organ"
                party = rng.choice(COMPANIES if kind == "third_party" else DEPARTMENTS)
                if not step(lambda on: workflow.consult_start(row, life.consultations, party=party,
                                                              kind=kind, on=on, today=AS_OF,
                                                              calendar=self.cal), day):
                    return
                day = self.later(day, 5, 15)
                if not step(lambda on: workflow.consult_end(row, life.consultations, on=on,
                                                            today=AS_OF), day):
                    return
            if position == 4 and rng.random() < 0.04 * detours:  # 延期 (条例第33条)
                day = self.later(day, 1, 3)
                try:
                    ok = step(lambda on: workflow.extend(
                        row, life.consultations, days=rng.choice((5, 10, 15, 20)), approver="王主任",
                        reason="涉及多个单位，需协调", on=on, today=AS_OF, calendar=self.cal), day)
                except Refused:  # past the deadline already: no extension possible
                    ok = True
                if not ok:
                    return
            if position == 5 and rng.random() < 0.03 * detours:  # 审核不通过, back to the draft
                day = self.later(day, 1, 3)
                if not step(lambda on: workflow.return_to(row, to="draft", reason="审核不通过", on=on,
                                                          today=AS_OF), day):
                    return
                day = self.later(day, 1, 3)
                if not step(lambda on: workflow.advance(row, on=on, today=AS_OF), day):
                    return
            day = self.later(day, 1, 4 if position < 7 else 10)
            stage_outcome = outcome if row["stage"] == "reply" else None
            if not step(lambda on: workflow.advance(row, on=on, today=AS_OF, outcome=stage_outcome), day):
                return


def _histories(task: tuple[int, int, list[tuple[date, bool | None]], dict[int, int]]) -> list[tuple]:
    """One batch of requests (run in a worker process): their histories, ready to store."""
    seed, index, receipts, seqs = task
    generator = Generator(seed * 1_000_003 + index, WorkCalendar(), dict(seqs), 1)
    lives = [generator.request(received, keep_open) for received, keep_open in receipts]
    return [prepare_history(life.row, life.consultations, life.events) for life in lives]


def generate(path: Path, requests: int, seed: int = 1, *, open_requests: int | None = None,
             quiet: bool = False) -> dict[str, float]:
    """Write `requests` requests into the database at `path` (created if need be); with
    `open_requests`, exactly that many of them still open on AS_OF.

    Worker processes build the histories (the workflow and the calendar are pure Python);
    this process chains and writes them, one transaction per batch, in receipt order."""
    if open_requests is not None and not 0 <= open_requests <= requests:
        raise ValueError(f"open requests ({open_requests}) must be between 0 and requests ({requests})")
    started = time.perf_counter()
    db, _ = init_db(path)
    db.execute("PRAGMA synchronous = OFF")  # a throw-away file: durability buys nothing here
    db.execute("PRAGMA cache_size = -200000")
    seqs = last_seqs(db)
    consultation_id = next_consultation_id(db)
    # Registered in receipt order, as a clerk would: numbers follow the receipt date.
    dates = Generator(seed, WorkCalendar(), {}, 1)
    if open_requests is None:
        receipts = [(day, None) for day in sorted(dates.received_day() for _ in range(requests))]
    else:
        receipts = sorted([(dates.received_day(), False) for _ in range(requests - open_requests)]
                          + [(dates.open_received_day(), True) for _ in range(open_requests)])
    tasks = []
    for index, first in enumerate(range(0, requests, BATCH)):
        batch = receipts[first:first + BATCH]
        tasks.append((seed, index, batch, dict(seqs)))
        for received, _ in batch:
            seqs[received.year] = seqs.get(received.year, 0) + 1
    del receipts
    events = done = 0
    with multiprocessing.get_context("fork").Pool(max(1, os.cpu_count() or 1)) as pool:
        for histories in pool.imap(_histories, tasks):
            for _, consultations, _ in histories:  # ids unique across the batches
                for consultation in consultations:
                    consultation["id"], consultation_id = consultation_id, consultation_id + 1
            with write(db):
                events += store_histories(db, histories)
            done += len(histories)
            if not quiet:
                rate = done / (time.perf_counter() - started)
                print(f"\r{done:,} / {requests:,} requests, {events:,} events ({rate:,.0f}/s)",
                      end="", file=sys.stderr, flush=True)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.conn.close()
    if not quiet:
        print(file=sys.stderr)
    return {"requests": requests, "events": events, "seconds": time.perf_counter() - started}


DATA = Path(__file__).parent / "data"
VERSION = 1  # raise when the generated mix changes, so cached databases are rebuilt


def cached_db(requests: int, seed: int = 1, *, open_requests: int | None = None,
              quiet: bool = False) -> Path:
    """The generated database of `requests` requests (`open_requests` of them open, if given),
    from benchmarks/data/ (git-ignored) when it was made before, else generated now (into a
    temporary name, renamed when complete)."""
    held = "" if open_requests is None else f"-open{open_requests}"
    path = DATA / f"gk-{requests}-seed{seed}{held}-v{VERSION}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for stale in DATA.glob(partial.name + "*"):
            stale.unlink()
        generate(partial, requests, seed, open_requests=open_requests, quiet=quiet)
        partial.rename(path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, required=True, help="how many requests")
    parser.add_argument("--db", type=Path, required=True, help="database file to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--open", type=int, metavar="N", dest="open_requests",
                        help="exactly N requests still open on the generator's today, whatever --requests")
    args = parser.parse_args(argv)
    if args.open_requests is not None and not 0 <= args.open_requests <= args.requests:
        parser.error("--open must be between 0 and --requests")
    stats = generate(args.db, args.requests, args.seed, open_requests=args.open_requests)
    print(f"{stats['requests']:,} requests, {stats['events']:,} events in {stats['seconds']:.1f} s → {args.db}")


if __name__ == "__main__":
    main()
