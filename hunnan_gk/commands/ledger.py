"""hunnan-gk ledger: the office ledger (台账) out to CSV/XLSX/JSON, and a ledger kept by hand in."""

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from hunnan_gk.commands.common import (
    ConfigOption,
    DbOption,
    Env,
    JsonOption,
    after_commit,
    check_year,
    clerk_name,
    clerk_option,
    format_option,
    output_format,
)
from hunnan_gk.errors import os_reason
from hunnan_gk.safetext import message_text

app = typer.Typer(help="台账：导出为 Excel/CSV，导入原有台账。", no_args_is_help=True)

EXPORT_FORMATS = ("csv", "xlsx", "json")
PROGRESS_FROM_ROWS = 200  # smaller files import in a blink: no bar
SHOWN_PROBLEMS = 30
# For tests/test_faults.py: after this many rows are written inside the import's transaction,
# create the file named by PAUSE_READY_ENV and wait there until the test removes it (at most
# PAUSE_SECONDS), so a test kills the import, or lets it go on, at a known point rather than
# after a guessed sleep.
PAUSE_AFTER_ROWS_ENV = "HUNNAN_GK_TEST_PAUSE_AFTER_ROWS"
PAUSE_READY_ENV = "HUNNAN_GK_TEST_PAUSE_READY"
PAUSE_SECONDS = 60


@app.command("export")
def export_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件", dir_okay=False)],
    year: Annotated[
        int | None,
        typer.Option("--year", help="只导出该年度报告统计的申请 （当年收到的和上年结转的）"),
    ] = None,
    format: format_option(EXPORT_FORMATS, "按 -o 的扩展名，否则 csv") = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """导出台账：每件申请一行，中文表头。

    含各环节日期、答复期限、延期和答复类型。导出的文件可用 ledger import 导回。

    台账含申请人个人信息（身份证号、电话完整不打码），文件只有本人（或共享组）可读，请妥善保管。

    示例：hunnan-gk ledger export --year 2024 -o 2024年依申请公开台账.xlsx
    """
    from hunnan_gk import clock, ledger_io
    from hunnan_gk.storage.reports import ledger_histories, ledger_requests
    from hunnan_gk.exports import atomic_write

    env = Env(config, db)
    check_year(year)
    chosen = output_format(format, output, EXPORT_FORMATS)
    database = env.open_db()
    requests = ledger_requests(database, year)
    histories = ledger_histories(database, [request["number"] for request in requests])
    rows = []
    for request in requests:
        due = clock.compute_clock(request, request["consultations"], env.calendar, env.today).due
        values = ledger_io.export_values(request, due.isoformat() if due else None)
        values["history"] = {**histories[request["number"]], "consultations": request["consultations"]}
        rows.append(values)
    # The ledger holds ID and phone numbers: only its owner may read the file.
    atomic_write(output, lambda target: ledger_io.write_export(target, rows, chosen), private=True)
    typer.echo(f"已导出 {len(rows)} 件申请到 {output}")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="台账文件：.xlsx、.csv（UTF-8 或 GB18030）或 .json", dir_okay=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不导入，也不写问题清单")] = False,
    clerk: clerk_option("台账未写经办人时记为此人（默认当前系统用户）") = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """导入原有台账（Excel 或 CSV），以便从历史数据开始使用。

    先逐行检查全部记录，有任何一处问题则一件也不导入，问题按行、列列出，并写入台账同目录下
    文件名后加 .errors.csv 的问题清单（如 2023年台账.xlsx.errors.csv）；--dry-run 只列出全部问题，
    不写也不删除任何文件。
    已导入过的行（同一编号，或收到日期、申请人、内容相同）不会重复导入。

    示例：hunnan-gk ledger import 2023年台账.xlsx --dry-run
    """
    from hunnan_gk import ledger, ledger_io, numbering
    from hunnan_gk.errors import Refused
    from hunnan_gk.storage.bulk import NumberTaken, import_ledger_records, ledger_rows_present, restore_histories
    from hunnan_gk.storage.db import write

    env = Env(config, db)
    sheet, problems = ledger_io.parse_sheet(ledger_io.read_cells(file))
    records: list = []
    if sheet is not None:
        with _progress("检查", len(sheet.rows)) as tick:
            records, row_problems = ledger.check_rows(
                sheet.rows, headers=sheet.headers, today=env.today, on_row=tick
            )
        problems += row_problems
        if sheet.unknown:
            typer.echo(message_text("提示：以下列无法识别，已忽略：" + "、".join(sheet.unknown)), err=True)
    history: dict = {}
    if sheet is not None:
        history, history_problems = ledger_io.read_history(file)
        problems += history_problems
    whole = {r.number: r for r in records if r.number and history.get(r.number, {}).get("events")}
    problems += ledger.history_problems(whole, history)
    errors_file = ledger_io.errors_path(file)
    if problems and dry_run:  # a dry run changes nothing on disk: every problem on stderr
        _show_problems(problems)
        raise Refused(f"台账有 {len(problems)} 处问题，未导入任何记录（--dry-run：未写问题清单）",
                      hint=f"不加 --dry-run 导入时，问题清单写入 {errors_file}")
    if problems:
        _report_problems(problems, errors_file)
        raise Refused(f"台账有 {len(problems)} 处问题，未导入任何记录；问题清单已写入 {errors_file}")
    if not dry_run:
        errors_file.unlink(missing_ok=True)  # a list from an earlier attempt no longer applies
    prefix = env.settings.number_prefix
    database = env.open_db()

    def new_records() -> list:
        present = ledger_rows_present(database, [(r.key, r.fields) for r in records])
        return [r for r, there in zip(records, present) if not there]

    renumbered: list[str] = []
    if dry_run:
        new = new_records()
    else:
        with write(database):  # one transaction: all rows or none
            new = new_records()
            at, who = env.now().isoformat(), clerk_name(clerk)
            pause, pause_at = _pause_for_tests()
            pause(0)
            flat = [r for r in new if r.number not in whole]
            try:
                # whole records first: into an empty database they keep their events' ids
                restore_histories(database, [
                    {**history[r.number], "number": r.number, "key": r.key, "row": r.row,
                     "events": sorted(history[r.number]["events"], key=lambda e: e["id"])}
                    for r in new if r.number in whole
                ], at=at, source=file.name)
            except NumberTaken as taken:
                raise Refused(f"台账中的编号 {taken} 已是数据库中另一件申请的编号，未导入任何记录",
                              hint="编号按台账原样保留；请核对后改正台账中的编号") from None
            restored = len(new) - len(flat)
            with _progress("导入", len(new)) as tick:
                tick(restored)

                def written(rows: int, step: int) -> None:
                    tick(step)
                    pause(restored + rows)

                stored = import_ledger_records(
                    database,
                    [{"key": r.key, "fields": r.fields, "row": r.row, "number": r.number, "checked": r}
                     for r in flat],
                    events_of=lambda record: ledger.history(record["checked"]),
                    number_for=lambda y, s: numbering.format_number(prefix, y, s),
                    clerk=who, at=at, source=file.name, on_written=written,
                    stops=() if pause_at is None else (pause_at - restored,),
                )
            renumbered = [f"{r.number} → {number}" for r, number in zip(flat, stored)
                          if r.number and number != r.number]
    skipped = len(records) - len(new)
    verb = "检查通过：可导入" if dry_run else "已导入"
    with after_commit(f"从 {file.name} 导入 {len(new)} 件申请"):
        if as_json:
            from hunnan_gk.render import print_json

            print_json({"file": str(file), "dry_run": dry_run, "rows": len(records),
                        "imported": len(new), "skipped": skipped, "renumbered": [] if dry_run else renumbered})
        else:
            typer.echo(f"{verb} {len(new)} 件申请；{skipped} 行此前已导入（或已登记），跳过")
        if not dry_run and renumbered:
            typer.echo(message_text(f"提示：{len(renumbered)} 件的编号已被其他申请使用，另行编号："
                                    + "、".join(renumbered[:20]) + ("……" if len(renumbered) > 20 else "")), err=True)


def _pause_for_tests():
    """The test hook named by PAUSE_AFTER_ROWS_ENV: (a pause to call with the rows written so
    far, the row count at which it waits, or None when the hook is unset)."""
    after = os.environ.get(PAUSE_AFTER_ROWS_ENV)
    if not after:
        return (lambda written: None), None
    ready = Path(os.environ[PAUSE_READY_ENV])

    def pause(written: int) -> None:
        if written == int(after):
            partial = ready.with_name(ready.name + ".partial")
            partial.write_text(str(written), encoding="utf-8")
            partial.replace(ready)  # whole when it appears
            until = time.monotonic() + PAUSE_SECONDS
            while ready.exists() and time.monotonic() < until:
                time.sleep(0.01)

    return pause, int(after)


def _show_problems(problems) -> None:
    """Each problem on stderr, where it is (row and column) first."""
    for problem in problems:
        where = f"第 {problem.row} 行" + (f"“{problem.column}”列" if problem.column else "")
        typer.echo(message_text(f"{where}：{problem.message}"), err=True)


def _report_problems(problems, errors_file: Path) -> None:
    from hunnan_gk import ledger_io

    _show_problems(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        typer.echo(f"……另有 {len(problems) - SHOWN_PROBLEMS} 处，见 {errors_file}", err=True)
    try:
        ledger_io.write_problems(errors_file, problems)
    except OSError as exc:
        typer.echo(f"无法写入问题清单 {errors_file}：{os_reason(exc)}", err=True)


class _progress:
    """A Rich progress bar on stderr for large files, only when stderr is a terminal;
    yields a `tick(rows=1)` to call as rows are done."""

    def __init__(self, what: str, total: int):
        self.what, self.total, self.bar = what, total, None

    def __enter__(self):
        if self.total < PROGRESS_FROM_ROWS or not sys.stderr.isatty():
            return lambda rows=1: None
        from rich.progress import Progress

        from hunnan_gk.render import console

        self.bar = Progress(console=console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task(self.what, total=self.total)
        return lambda rows=1: self.bar.advance(task, rows)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
