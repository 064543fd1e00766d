"""Is hunnan-gk instant at the terminal and does it scale? One table, each figure beside a
baseline measured in the same run (issue 7). Results also go to benchmarks/results.json.

    python -m benchmarks.run            # full sizes (the 1,000,000-request database is generated
                                        # once, several minutes, then cached in benchmarks/data/)
    python -m benchmarks.run --quick    # smaller sizes, about a minute

Commands run as separate processes (`python -m hunnan_gk …`, this checkout first on the path)
with today pinned to the generator's AS_OF; wall times are the median of several runs. A
command that is not there yet (its --help fails) is shown as "not yet available".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.generate import AS_OF, DATA, cached_db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results.json"
PY = sys.executable
IMPORT_BASELINE = [PY, "-c", "import typer, rich.console, sqlite3"]
NOT_AVAILABLE = "not yet available"


@dataclass
class Row:
    what: str
    measured: float | None
    unit: str
    target: str
    baseline_what: str
    baseline: float | None
    ratio: float | None
    met: bool | None
    note: str = ""


class Bench:
    def __init__(self, quick: bool, work: Path):
        self.quick = quick
        self.repeats = 3 if quick else 5
        self.work = work
        config = work / "config.yaml"
        config.write_text("{}\n", encoding="utf-8")
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "HUNNAN_GK_CONFIG": str(config),
            "HUNNAN_GK_TODAY": AS_OF.isoformat(),
            "HOME": str(work),
            "NO_COLOR": "1",
        }
        self.env.pop("HUNNAN_GK_DB", None)
        # Measure as installed: with .pyc files (the warm-up run writes them).
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(args, cwd=self.work, env=self.env, capture_output=True, text=True)
        if check and done.returncode not in (0, 4):
            raise RuntimeError(f"{' '.join(map(str, args))} → exit {done.returncode}\n{done.stderr[-2000:]}")
        return done

    def wall(self, args: list[str], repeats: int | None = None, prepare=None) -> float:
        """Median wall time of `args` over several runs (after one warm-up)."""
        times = []
        for attempt in range(1 + (repeats or self.repeats)):
            if prepare:
                prepare()
            started = time.perf_counter()
            self.run(args)
            if attempt:  # the first run warms the page cache and .pyc files
                times.append(time.perf_counter() - started)
        return statistics.median(times)

    def peak_rss_mb(self, args: list[str]) -> float:
        """Max RSS of the child process, in MB (RUSAGE_CHILDREN in a fresh wrapper process)."""
        probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True,"
                 " stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        return int(self.run([PY, "-c", probe, *args]).stdout.split()[-1]) / 1024

    def available(self, *command: str) -> bool:
        return self.run([PY, "-m", "hunnan_gk", *command, "--help"], check=False).returncode == 0

    def gk(self, *args) -> list[str]:
        return [PY, "-m", "hunnan_gk", *map(str, args)]


def _row(what, measured, unit, target, baseline_what, baseline, *, limit=None, max_ratio=None,
         note="") -> Row:
    ratio = measured / baseline if measured is not None and baseline else None
    met = None
    if measured is not None:
        met = (limit is None or measured <= limit) and (max_ratio is None or (ratio or 0) <= max_ratio)
    return Row(what, measured, unit, target, baseline_what, baseline, ratio, met, note)


def _missing(what, target, baseline_what, command) -> Row:
    return Row(what, None, "s", target, baseline_what, None, None, None,
               f"{NOT_AVAILABLE}: hunnan-gk {command}")


def startup(b: Bench, db_small: Path) -> list[Row]:
    base = b.wall(IMPORT_BASELINE)
    rows = [_row("hunnan-gk --help", b.wall(b.gk("--help")), "s", "≤ 1.5 × import baseline",
                 "python -c 'import typer, rich.console, sqlite3'", base, max_ratio=1.5)]
    what = f"report overdue --format json, {1000:,} requests"
    if b.available("report", "overdue"):
        measured = b.wall(b.gk("report", "overdue", "--format", "json", "--db", db_small))
        rows.append(_row(what, measured, "s", "≤ 1.5 × import baseline",
                         "python -c 'import typer, rich.console, sqlite3'", base, max_ratio=1.5))
    else:
        rows.append(_missing(what, "≤ 1.5 × import baseline", "import baseline", "report overdue"))
    return rows


def overdue_scaling(b: Bench, db_big: Path, db_mid: Path, big: int, mid: int) -> list[Row]:
    what = f"report overdue --format json, {big:,} requests"
    target = f"≤ 1 s and ≤ 1.5 × on {mid:,}"
    if not b.available("report", "overdue"):
        return [_missing(what, target, f"same on {mid:,}", "report overdue"),
                _missing(f"peak memory of report overdue, {big:,} requests", "≤ 200 MB",
                         "import baseline", "report overdue")]
    args = ["report", "overdue", "--format", "json", "--db"]
    measured = b.wall(b.gk(*args, db_big))
    baseline = b.wall(b.gk(*args, db_mid))
    rss = b.peak_rss_mb(b.gk(*args, db_big))
    return [
        _row(what, measured, "s", target, f"same on {mid:,} requests", baseline, limit=1.0, max_ratio=1.5),
        _row(f"peak memory of report overdue, {big:,} requests", rss, "MB", "≤ 200 MB",
             "python -c 'import typer, rich.console, sqlite3'", b.peak_rss_mb(IMPORT_BASELINE), limit=200),
    ]


HISTORY = (1_000, 100_000)  # the small history and the one 100 × larger
HISTORY_OPEN = 200  # requests open in both (generate.py --open)


def history(b: Bench, small: int = HISTORY[0], large: int = HISTORY[1],
            open_requests: int = HISTORY_OPEN) -> list[Row]:
    """`report overdue` follows the open requests, not the history (issue 16 item 8): on
    `large` requests against `small`, both with `open_requests` open, timed in turns (small,
    large, small, …) so that a change of load falls on both; the load average in the note."""
    what = f"report overdue --format json, {large:,} requests, {open_requests} open"
    baseline_what = f"same on {small:,} requests, {open_requests} open"
    if not b.available("report", "overdue"):
        return [_missing(what, "≤ 1.2 × on the small history", baseline_what, "report overdue")]
    commands = [b.gk("report", "overdue", "--format", "json", "--db",
                     cached_db(n, open_requests=open_requests, quiet=True)) for n in (small, large)]
    for command in commands:  # warm-up: page cache, .pyc files
        b.run(command)
    times: list[list[float]] = [[], []]
    for _ in range(max(b.repeats, 9)):
        for command, taken in zip(commands, times):
            started = time.perf_counter()
            b.run(command)
            taken.append(time.perf_counter() - started)
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return [_row(what, statistics.median(times[1]), "s", "≤ 1.2 × on the small history", baseline_what,
                 statistics.median(times[0]), max_ratio=1.2, note=f"load average {load}")]


def annual(b: Bench, db_big: Path, big: int) -> list[Row]:
    what = f"report annual, {big:,} requests"
    baseline_what = "the same counts as one bare sqlite3 GROUP BY"
    if not b.available("report", "annual"):
        return [_missing(what, "≤ 2 s", baseline_what, "report annual")]
    measured = b.wall(b.gk("report", "annual", "--year", AS_OF.year - 1, "--format", "json", "--db", db_big))
    query = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"SELECT outcome,"
             " applicant_type, count(*) FROM requests WHERE outcome_on BETWEEN ? AND ? GROUP BY 1, 2\","
             f" ('{AS_OF.year - 1}-01-01', '{AS_OF.year - 1}-12-31')).fetchall()")
    baseline = b.wall([PY, "-c", query, str(db_big)])
    return [_row(what, measured, "s", "≤ 2 s", baseline_what, baseline, limit=2.0)]


def performance(b: Bench, db_big: Path, big: int) -> list[Row]:
    """`report performance` (issue 14): every request of the year through the legal clock, the
    open ones on 31 December by light; beside `report annual`, which only counts."""
    what = f"report performance, {big:,} requests"
    baseline_what = f"report annual on the same {big:,}"
    if not b.available("report", "performance"):
        return [_missing(what, "≤ 5 s", baseline_what, "report performance")]
    year = AS_OF.year - 1
    measured = b.wall(b.gk("report", "performance", "--year", year, "--format", "json", "--db", db_big))
    baseline = b.wall(b.gk("report", "annual", "--year", year, "--format", "json", "--db", db_big))
    return [_row(what, measured, "s", "≤ 5 s", baseline_what, baseline, limit=5.0)]


#: A ledger as an office keeps it by hand: the request, who handles it, the reply (two events a
#: row once imported: the import and the reply), cut from the generator's export.
FLAT_LEDGER_COLUMNS = ("编号", "收到日期", "申请人", "申请人类型", "申请方式", "申请内容", "承办单位",
                       "经办人", "联系电话", "答复类型", "答复日期")


def ledger(b: Bench, rows: int) -> list[Row]:
    """`hunnan-gk ledger import` of `rows` rows against `sqlite-utils insert --csv` of the same
    file, interleaved (each round imports it both ways, each into a fresh database, the
    hunnan-gk one made by `db init` beforehand and untimed), median of the rounds after a
    warm-up: for a flat ledger (FLAT_LEDGER_COLUMNS; the target, ≤ 1.5 ×) and for the
    generator's ledger as `ledger export` writes it (every stage dated, about 8 events a row;
    the ratio printed). The note gives both processes' CPU time and the load average."""
    import csv
    import resource

    baseline_what = "sqlite-utils insert --csv of the same file"
    if not (b.available("ledger", "import") and b.available("ledger", "export")):
        return [_missing(f"ledger import, {rows:,} rows", "≤ 1.5 × sqlite-utils insert", baseline_what,
                         "ledger import/export")]
    full = b.work / f"ledger-{rows}.csv"
    if not full.exists():  # the ledger as `ledger export` writes it, from a generated database
        b.run(b.gk("ledger", "export", "--format", "csv", "-o", full, "--db", cached_db(rows, quiet=True)))
    flat = b.work / f"ledger-{rows}-flat.csv"
    with full.open(encoding="utf-8-sig", newline="") as source, flat.open("w", encoding="utf-8-sig", newline="") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        header = next(reader)
        keep = [header.index(name) for name in FLAT_LEDGER_COLUMNS]
        writer.writerow(FLAT_LEDGER_COLUMNS)
        writer.writerows([row[i] for i in keep] for row in reader)
    ours_db, theirs_db = b.work / "imported.db", b.work / "inserted.db"

    def fresh(target: Path, init: bool) -> None:
        for path in b.work.glob(target.name + "*"):
            path.unlink()
        if init:
            b.run(b.gk("db", "init", "--db", target))

    def timed(args: list[str]) -> tuple[float, float]:
        """(wall, CPU) of one run of `args`, the CPU time being the child's user + system."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        b.run(args)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    results = []
    for name, path, max_ratio in (("flat ledger", flat, 1.5), ("the generator's, every stage dated", full, None)):
        ours, theirs, loads = [], [], []
        for attempt in range(1 + b.repeats):
            fresh(ours_db, init=True)
            one = timed(b.gk("ledger", "import", path, "--db", ours_db))
            fresh(theirs_db, init=False)
            other = timed(["sqlite-utils", "insert", theirs_db, "ledger", path, "--csv"])
            if attempt:  # the first round warms the page cache and .pyc files
                ours.append(one)
                theirs.append(other)
                loads.append(os.getloadavg()[0])
        wall, cpu = (statistics.median(t[0] for t in ours), statistics.median(t[1] for t in ours))
        base_wall, base_cpu = (statistics.median(t[0] for t in theirs), statistics.median(t[1] for t in theirs))
        row = _row(f"ledger import, {rows:,} rows ({name})", wall, "s",
                   "≤ 1.5 × sqlite-utils insert" if max_ratio else "ratio printed",
                   baseline_what, base_wall, max_ratio=max_ratio)
        row.note = (f"CPU {cpu:.2f} s against {base_cpu:.2f} s, {cpu / base_cpu:.2f}×;"
                    f" load average {min(loads):.1f}–{max(loads):.1f}")
        if max_ratio is None:
            row.met = None  # no target of its own: the ratio is printed
        results.append(row)
    return results


CATALOGUE_HEAD = """目录:
  名称: 基准目录
  编制单位: 浑南区人民政府办公室
  更新日期: 2024-07-26
渠道: [政府网站, 政务新媒体]
事项:
"""
CATALOGUE_ITEM = """  - 编号: "HN-{n:05d}"
    类别: 营商环境
    公开事项: 服务事项第{n}项
    公开内容: 事项名称、设定依据、办理条件、申请材料、办理流程、办理时限、收费标准和咨询电话
    公开依据: 《中华人民共和国政府信息公开条例》第二十条
    公开时限: 信息形成或变更之日起20个工作日内
    公开主体: 浑南区营商环境建设局
    公开渠道: [政府网站, 政务新媒体]
    责任单位: 浑南区营商环境建设局
    更新日期: 2024-07-01
"""


def catalogue(b: Bench, items: int) -> list[Row]:
    what = f"catalog validate, {items:,} items"
    baseline_what = "python -c yaml.load(CSafeLoader) of the same file"
    if not b.available("catalog", "validate"):
        return [_missing(what, "≤ 1 s and ≤ 2 × yaml C loader", baseline_what, "catalog validate")]
    path = b.work / f"catalogue-{items}.yaml"
    path.write_text(CATALOGUE_HEAD + "".join(CATALOGUE_ITEM.format(n=n) for n in range(items)), encoding="utf-8")
    measured = b.wall(b.gk("catalog", "validate", path))
    load = ("import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=yaml.CSafeLoader)")
    baseline = b.wall([PY, "-c", load, str(path)])
    return [_row(what, measured, "s", "≤ 1 s and ≤ 2 × yaml C loader", baseline_what, baseline,
                 limit=1.0, max_ratio=2.0)]


def due_dates(b: Bench, count: int) -> list[Row]:
    """100,000 due dates (20 working days after receipt) in-process, against a day-by-day
    loop on chinese_calendar.is_workday (timed on 1% of the dates and scaled)."""
    import chinese_calendar

    from hunnan_gk.workdays import WorkCalendar

    rng = random.Random(7)
    starts = [date(2019, 1, 1) + timedelta(days=rng.randrange(7 * 365)) for _ in range(count)]
    times = []
    for _ in range(b.repeats):
        calendar = WorkCalendar()  # each run builds its year indexes afresh
        started = time.perf_counter()
        for day in starts:
            calendar.add(day, 20)
        times.append(time.perf_counter() - started)
    measured = statistics.median(times)

    def day_by_day(start: date, n: int) -> date:
        day = start
        while n:
            day += timedelta(days=1)
            if chinese_calendar.is_workday(day):
                n -= 1
        return day

    sample = starts[: count // 100]
    started = time.perf_counter()
    for day in sample:
        day_by_day(day, 20)
    baseline = (time.perf_counter() - started) * count / len(sample)
    row = _row(f"{count:,} due-date computations", measured, "s", "≤ 0.2 s (speed-up printed)",
               "day-by-day loop on chinese_calendar.is_workday", baseline, limit=0.2)
    row.note = f"speed-up {baseline / measured:,.0f}×"
    return [row]


LETTER_CONFIG = """organ:
  name: 浑南区人民政府办公室
  review_body: 浑南区人民政府
  court: 沈阳市浑南区人民法院
  contact: 政务公开办 024-23456789
"""


def letters(b: Bench, db_small: Path) -> list[Row]:
    """`letter issue reply` on a request of the 1,000-request database (issue 15: < 0.5 s):
    the 文号 taken, the template filled, the .docx written and hashed, the event recorded."""
    import shutil
    import sqlite3

    what = "letter issue reply, 1,000 requests"
    baseline_what = "python -c 'import typer, rich.console, sqlite3'"
    if not b.available("letter", "issue"):
        return [_missing(what, "< 0.5 s", baseline_what, "letter issue")]
    config = b.work / "letters.yaml"
    config.write_text(LETTER_CONFIG, encoding="utf-8")
    with sqlite3.connect(db_small) as conn:
        number, replied = conn.execute(
            "SELECT number, replied_on FROM requests WHERE outcome = 'partial' AND replied_on IS NOT NULL"
            " ORDER BY year, seq LIMIT 1").fetchone()
    db = b.work / "letters.db"
    output = b.work / "reply.docx"

    def fresh() -> None:
        for path in b.work.glob("letters.db*"):
            path.unlink()
        shutil.copyfile(db_small, db)
        output.unlink(missing_ok=True)

    args = b.gk("letter", "issue", "reply", number, "-o", output, "--on", replied, "--config", config,
                "--db", db, "--reasons", "第3页所列为第三方的商业秘密，依照条例第十五条不予公开。")
    measured = b.wall(args, prepare=fresh)
    return [_row(what, measured, "s", "< 0.5 s", baseline_what, b.wall(IMPORT_BASELINE), limit=0.5)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="hunnan-gk benchmarks (issue 7)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    parser.add_argument("--startup", action="store_true",
                        help="only --help and the small overdue report against the import baseline")
    parser.add_argument("--history", action="store_true",
                        help=f"only report overdue on {HISTORY[1]:,} against {HISTORY[0]:,} requests,"
                             f" {HISTORY_OPEN} open in both")
    parser.add_argument("--ledger", action="store_true",
                        help="only the ledger import rows (10,000 rows with --quick, else 100,000)")
    args = parser.parse_args(argv)
    if args.ledger:
        DATA.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="gk-bench-") as tmp:
            rows = ledger(Bench(args.quick, Path(tmp)), 10_000 if args.quick else 100_000)
        print(render_table(rows))
        return
    if args.history:
        DATA.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="gk-bench-") as tmp:
            rows = history(Bench(False, Path(tmp)))
        print(render_table(rows))
        return
    if args.startup:
        DATA.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="gk-bench-") as tmp:
            rows = startup(Bench(False, Path(tmp)), cached_db(1_000, quiet=True))
        print(render_table(rows))
        return
    big, mid, small = (50_000, 10_000, 1_000) if args.quick else (1_000_000, 10_000, 1_000)
    ledger_rows = 10_000 if args.quick else 100_000
    DATA.mkdir(exist_ok=True)
    print(f"databases: {small:,}, {mid:,}, {big:,} requests (cached in {DATA})", file=sys.stderr)
    dbs = {n: cached_db(n) for n in (small, mid, big)}
    with tempfile.TemporaryDirectory(prefix="gk-bench-") as tmp:
        b = Bench(args.quick, Path(tmp))
        rows = startup(b, dbs[small])
        rows += overdue_scaling(b, dbs[big], dbs[mid], big, mid)
        rows += history(b)
        rows += annual(b, dbs[big], big)
        rows += performance(b, dbs[big], big)
        rows += ledger(b, ledger_rows)
        rows += catalogue(b, 10_000)
        rows += due_dates(b, 100_000)
        rows += letters(b, dbs[small])
    print(render_table(rows))
    RESULTS.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": args.quick,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "rows": [asdict(row) for row in rows],
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f} MB" if unit == "MB" else f"{value:.3f} s"


def render_table(rows: list[Row]) -> str:
    """A Markdown table: readable in the terminal, pasted as is into benchmarks/README.md."""
    lines = ["| what | measured | target | baseline | baseline measured | ratio | met |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "no")
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        measured = _figure(row.measured, row.unit) if row.measured is not None else row.note
        note = f" ({row.note})" if row.note and row.measured is not None else ""
        lines.append(f"| {row.what} | {measured}{note} | {row.target} | {row.baseline_what} | "
                     f"{_figure(row.baseline, row.unit)} | {ratio} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
