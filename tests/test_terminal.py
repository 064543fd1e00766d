"""The terminal (issue 16 items 2, 3 and 7): tables that fit the width they are given, the light
wherever a request shows, and what a clerk reads after a consultation begins or ends."""

from __future__ import annotations

import json
import re

import pytest

from hunnan_gk.textwidth import cell_width
from tests.helpers import ok, ok_json, register

DEMO_TODAY = "2026-12-02"
LIGHTS = ("红灯", "黄灯", "绿灯", "暂停")
NUMBER = re.compile(r"\b20\d\d-\d{4}\b")


@pytest.fixture
def demo(cli, isolated, monkeypatch):
    """The demo database, as its requests stand on DEMO_TODAY; `run(*args, width=)` runs a command on it."""
    monkeypatch.setenv("HUNNAN_GK_TODAY", DEMO_TODAY)
    ok(cli("demo"))
    monkeypatch.setenv("HUNNAN_GK_DB", str(isolated / "hunnan-gk-demo.db"))

    def run(*args, width):
        monkeypatch.setenv("COLUMNS", str(width))
        return ok(cli(*args)).stdout.splitlines()

    return run


def _rows(lines):
    """The table's lines after the header rule; the summary line(s) at the end left out."""
    start = next(i for i, line in enumerate(lines) if line.startswith("──")) + 1
    return [line for line in lines[start:] if not line.startswith(("共 ", DEMO_TODAY))]


def _requests(lines):
    return [line for line in _rows(lines) if line.startswith(LIGHTS + ("—",))]


@pytest.mark.parametrize("command", [("report", "overdue"), ("list",)])
@pytest.mark.parametrize("width", [60, 64, 72, 80, 100, 120, 160])
def test_no_line_is_wider_than_the_terminal_and_every_request_keeps_its_number(demo, command, width):
    lines = demo(*command, width=width)
    assert max(cell_width(line) for line in lines) <= width
    requests = _requests(lines)
    assert requests and all(NUMBER.search(line) for line in requests)


def test_overdue_at_80_columns_one_line_per_request_with_a_typical_name(demo):
    lines = demo("report", "overdue", width=80)
    rows = _rows(lines)
    assert "剩余" in lines[0] and "工作日" in lines[1]  # 剩余工作日, over two header lines
    report = json.loads("\n".join(demo("report", "overdue", "--format", "json", width=80)))
    starts = [i for i, line in enumerate(rows) if line.startswith(LIGHTS)] + [len(rows)]
    height = {NUMBER.search(rows[i])[0]: after - i for i, after in zip(starts, starts[1:])}
    typical = [item["number"] for item in report["requests"]
               if cell_width(item["applicant"]) <= 8 and cell_width(item["department"] or "") <= 14
               and not item["paused"] and not item["review_limit"]]
    assert len(typical) >= 10
    assert [number for number in typical if height[number] != 1] == []
    assert cell_width(lines[-1]) <= 80 and lines[-1].startswith(DEMO_TODAY)  # the summary fits


@pytest.mark.parametrize("command", [("report", "overdue"), ("list",)])
def test_at_120_columns_nothing_wraps_for_the_demo(demo, command):
    lines = demo(*command, width=120)
    assert all(line.startswith(LIGHTS + ("—",)) for line in _rows(lines))


def test_list_has_the_light_and_the_working_days_left(demo):
    lines = demo("list", width=80)
    assert lines[0].startswith("灯") and "工作日" in lines[1]
    assert any(line.startswith("红灯") and "-25" in line for line in lines)
    listed = json.loads("\n".join(demo("list", "--json", width=80)))
    assert {item["light"] for item in listed} >= {"red", "yellow", "green", "paused", None}
    closed = [item for item in listed if item["outcome"]]
    assert closed and all(item["light"] is None and item["remaining_workdays"] is None for item in closed)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_a_long_name_folds_but_is_never_cut(width):
    from hunnan_gk.render import Column, fit_table

    long_name = "沈阳市浑南区某某科技园区开发建设有限责任公司第一分公司"
    columns = (Column("编号"), Column("申请人", fold=True, typical=8), Column("说明", fold=True))
    lines = fit_table(columns, [("2024-0001", long_name, "超法定上限")], width)
    first, *rest = lines[2:]
    assert first.split()[2] == "超法定上限" and all(cell_width(line) <= width for line in lines)
    assert first.split()[1] + "".join(line.strip() for line in rest) == long_name  # folded, never cut


# ---------------------------------------------------------------------------------------------
# The light wherever a request shows


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-10")


def test_each_confirmation_prints_the_light_and_the_working_days_left(cli, today):
    result = ok(cli("register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                    "--received", "2024-04-01", "--content", "某事项"))
    # due 2024-04-29: 04-11, 04-12, 04-15..19, 04-22..26, 04-28 (a working Sunday), 04-29 left
    assert result.stdout.splitlines()[1] == "绿灯（剩余 14 个工作日）"
    steps = [
        (["advance", "2024-0001", "--on", "2024-04-02"], "绿灯（剩余 14 个工作日）"),
        (["return", "2024-0001", "--to", "review", "--reason", "重审", "--on", "2024-04-03"], "绿灯（剩余 14 个工作日）"),
        (["extend", "2024-0001", "--days", "5", "--approver", "王主任", "--reason", "协调", "--on", "2024-04-08"],
         "绿灯（剩余 19 个工作日）"),
        (["consult", "start", "2024-0001", "--party", "某公司", "--kind", "third_party", "--on", "2024-04-09"],
         "暂停（征求意见中，剩余 20 个工作日）"),
        (["consult", "end", "2024-0001", "--on", "2024-04-10"], "绿灯（剩余 20 个工作日）"),  # 04-10 not counted
        (["supplement", "ask", "2024-0001", "--on", "2024-04-10", "--until", "2024-04-24"], "暂停（待补正，停止计时）"),
    ]
    for args, light in steps:
        lines = ok(cli(*args)).stdout.splitlines()
        assert lines[0].startswith("2024-0001 ") and lines[1] == light, (args, lines)


def test_show_prints_the_light_and_after_the_reply_whether_it_was_on_time(cli, monkeypatch, today):
    register(cli)
    assert re.search(r"^灯 +绿灯（剩余 14 个工作日）", cli("show", "2024-0001").stdout, re.M)
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-05-10")
    # past 2024-04-29: 04-30, then 05-06..05-10 after the 劳动节 holiday
    assert "红灯（已超期 6 个工作日）" in cli("show", "2024-0001").stdout
    for _ in range(5):
        ok(cli("advance", "2024-0001", "--on", "2024-05-06"))
    result = ok(cli("advance", "2024-0001", "--outcome", "disclosed", "--on", "2024-05-07"))
    assert result.stdout.splitlines()[1] == "超期答复 3 个工作日（期限 2024-04-29）"
    shown = cli("show", "2024-0001").stdout
    assert "超期答复 3 个工作日" in shown and "红灯" not in shown


def test_a_reply_on_time_says_so(cli, today):
    register(cli)
    for _ in range(5):
        ok(cli("advance", "2024-0001", "--on", "2024-04-08"))
    ok(cli("advance", "2024-0001", "--outcome", "disclosed", "--on", "2024-04-10"))
    assert "按期答复（期限 2024-04-29）" in cli("show", "2024-0001").stdout


def test_a_consultation_begun_after_the_deadline_does_not_say_the_clock_is_paused(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-05-10")
    register(cli)
    result = ok(cli("consult", "start", "2024-0001", "--party", "某公司", "--kind", "third_party",
                    "--on", "2024-05-08"))
    assert "计时暂停" not in result.stdout
    assert "答复期限已过，不暂停计时" in result.stdout and result.stdout.splitlines()[1].startswith("红灯")


def test_overlapping_consultations_are_not_counted_twice(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-30")
    register(cli)
    ok(cli("consult", "start", "2024-0001", "--party", "甲公司", "--kind", "third_party", "--on", "2024-04-08"))
    ok(cli("consult", "start", "2024-0001", "--party", "区财政局", "--kind", "organ", "--on", "2024-04-10"))
    result = ok(cli("consult", "end", "2024-0001", "--party", "甲公司", "--on", "2024-04-12"))
    assert result.stdout.startswith("2024-0001 征求意见已结束；仍有征求意见在进行，计时仍暂停。")
    result = ok(cli("consult", "end", "2024-0001", "--party", "区财政局", "--on", "2024-04-16"))
    assert result.stdout.startswith("2024-0001 征求意见已结束，恢复计时。")
    explain = ok_json(cli("show", "2024-0001", "--explain", "--json"))["explain"]
    first, second = explain["pauses"]
    assert (first["workdays"], first["counted_workdays"], first["overlap_workdays"]) == (4, 4, 0)  # 04-09..12
    assert (second["workdays"], second["counted_workdays"], second["overlap_workdays"]) == (4, 2, 2)  # 04-11..16
    assert first["counted_workdays"] + second["counted_workdays"] == explain["paused_workdays"] == 6
    shown = cli("show", "2024-0001", "--explain").stdout
    assert "不计 2 个工作日" in shown and "其中 2 个工作日与前一项征求意见重叠" in shown
    assert "征求意见合计不计 6 个工作日" in shown


# ---------------------------------------------------------------------------------------------
# --json on every command that reports a result (item 6)

#: Commands without --json, and why: they write files or mail, or print JSON already.
NO_JSON = {
    ("notify",): "sends mail; --dry-run prints the mails themselves",
    ("catalog", "schema"): "prints the JSON Schema itself",
    ("catalog", "show"): "the catalogue as a clerk reads it; catalog export writes it as data",
    ("catalog", "export"): "writes a file in the --format asked for",
    ("letter", "preview"): "prints the letter itself",
    ("letter", "templates", "export"): "writes the template files",
}


def test_every_command_that_reports_a_result_has_json():
    import typer.main

    from hunnan_gk.cli import app

    def leaves(command, path=()):
        for name, sub in getattr(command, "commands", {}).items():
            if getattr(sub, "commands", None):
                yield from leaves(sub, path + (name,))
            else:
                yield path + (name,), sub

    missing = []
    for path, command in leaves(typer.main.get_command(app)):
        options = {opt: param for param in command.params for opt in getattr(param, "opts", ())}
        has_json = "--json" in options or "json" in (options.get("--format") and options["--format"].help or "")
        if not has_json and path not in NO_JSON:
            missing.append(" ".join(path))
    assert missing == []


def test_appeal_db_demo_and_audit_report_json(cli, isolated, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-09-27")
    register(cli)
    added = ok_json(cli("appeal", "add", "2024-0001", "--kind", "reconsideration", "--on", "2024-09-20", "--json"))
    assert added == {"number": "2024-0001", "kind": "reconsideration", "kind_label": "行政复议", "result": None,
                     "result_label": None, "on": "2024-09-20", "note": "行政复议"}
    decided = ok_json(cli("appeal", "decide", "2024-0001", "--kind", "reconsideration", "--result", "upheld",
                          "--on", "2024-09-26", "--json"))
    assert decided["result"] == "upheld" and decided["result_label"] == "结果维持"
    assert ok_json(cli("db", "path", "--json")) == {"path": str(isolated / "gk.db"), "exists": True}
    assert ok_json(cli("db", "init", "--json"))["created"] is False
    checked = ok_json(cli("db", "check", "--json"))
    assert checked["integrity"] == "ok" and checked["events"] == 3 and len(checked["head"]) == 64
    assert ok_json(cli("audit", "verify", "--json")) == {"verified": True, "events": 3, "head": checked["head"]}
    backup = ok_json(cli("db", "backup", isolated / "copy.db", "--json"))
    assert backup["backup"] == str(isolated / "copy.db") and backup["bytes"] > 0
    demo = ok_json(cli("demo", "--json"))
    assert demo["requests"] == 30 and demo["overdue"]["counts"]["red"] >= 1


def test_report_supervision_fits_80_columns_and_names_the_assigned_department(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-11-20")
    monkeypatch.setenv("COLUMNS", "80")
    number = register(cli, "2024-11-01", "沈阳智联芯科技有限公司", type="commercial",
                      content="老旧小区改造资金使用情况及相关审批文件")["number"]
    ok(cli("assign", number, "--department", "区住房和城乡建设局", "--on", "2024-11-04"))
    ok(cli("assign", number, "--department", "区教育局", "--on", "2024-11-04"))
    ok(cli("handback", number, "--department", "区教育局", "--reason", "不属于本单位职责", "--on", "2024-11-05"))
    ok(cli("supervise", number, "--by", "李主任", "--reason", "办理进度缓慢，请加快办理并书面反馈",
           "--on", "2024-11-06", "--respond-by", "2024-11-12"))
    lines = ok(cli("report", "supervision")).stdout.splitlines()
    assert max(cell_width(line) for line in lines) <= 80
    assert lines[0].split() == ["编号", "承办单位", "督办人", "事由", "督办日期", "要求反馈", "工作日", "状态"]
    assert "".join(lines).count(number) == 1 and any("未办结" in line for line in lines)  # the last column too
    monkeypatch.setenv("COLUMNS", "120")  # nothing folds: the row reads whole
    (row,) = _rows(ok(cli("report", "supervision")).stdout.splitlines())
    assert row.split()[:2] == [number, "区住房和城乡建设局"]  # not —; 区教育局 handed it back (退回)
    assert row.endswith("未办结，逾期未反馈")
    (item,) = ok_json(cli("report", "supervision", "--format", "json"))["supervisions"]
    assert item["department"] is None and item["departments"] == ["区住房和城乡建设局"]
    header, values = ok(cli("report", "supervision", "--format", "csv")).stdout.lstrip("\ufeff").splitlines()
    assert dict(zip(header.split(","), values.split(",")))["承办单位（登记及转办）"] == "区住房和城乡建设局"
