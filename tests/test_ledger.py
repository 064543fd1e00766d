"""The ledger (台账): export in every format and back, imports of hand-kept ledgers (GB18030
CSV, XLSX with Chinese headers), all-or-nothing checks, and re-imports that add nothing."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from hunnan_gk import ledger
from tests.helpers import ok
from tests.year_of_requests import YEAR, annual_json

HAND_HEADERS = ["序号", "申请日期", "申请人姓名（名称）", "类别", "提交方式", "申请公开的信息",
                "承办科室", "办结日期", "答复结果", "备注"]
HAND_ROWS = [
    ["1", "2023/3/1", "王五", "自然人", "当面", "2022年道路维修经费", "交通局", "2023/3/20", "予以公开", ""],
    ["2", "2023年4月2日", "某某律师事务所", "法律服务机构", "邮寄", "某项目环评批复", "环保局",
     "2023-04-25", "不予公开·属于国家秘密", ""],
    ["3", "2023.12.28", "赵六", "自然人", "网络", "小区规划许可", "住建局", "", "", "结转下年"],
]


def counts(path):
    with sqlite3.connect(path) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("requests", "events", "ledger_keys"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_reads_back_into_an_empty_database_with_the_same_table(cli, year, isolated, fmt):
    out = isolated / f"ledger.{fmt}"
    result = cli("ledger", "export", "-o", out)
    assert result.exit_code == 0, result.output
    assert "已导出 14 件" in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600  # it holds ID and phone numbers
    assert not list(isolated.glob(".ledger*.tmp"))
    fresh = isolated / "fresh.db"
    ok(cli("db", "init", "--db", fresh))
    result = cli("ledger", "import", out, "--db", fresh)
    assert result.exit_code == 0, result.output
    assert "已导入 14 件" in result.stdout
    for report_year in (2024, YEAR, 2026):
        assert annual_json(cli, "--db", fresh, year=report_year)["rows"] == \
            annual_json(cli, year=report_year)["rows"]
    assert counts(fresh)[0] == 14


def test_export_of_one_year_gives_that_years_table(cli, year, isolated):
    out = isolated / "2025.csv"
    assert cli("ledger", "export", "--year", YEAR, "-o", out).exit_code == 0
    fresh = isolated / "fresh.db"
    ok(cli("db", "init", "--db", fresh))
    assert cli("ledger", "import", out, "--db", fresh).exit_code == 0
    mine, theirs = annual_json(cli), annual_json(cli, "--db", fresh)
    assert theirs["rows"] == mine["rows"]


def test_csv_export_has_chinese_headers_labels_and_stage_dates(cli, year, isolated):
    out = isolated / "ledger.csv"
    cli("ledger", "export", "-o", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    first = next(r for r in rows if r["编号"] == year["E"])
    assert first["申请人类型"] == "自然人" and first["申请方式"] == "网络"
    assert first["答复类型"] == "部分公开" and first["答复日期"] == "2025-03-20"
    assert first["申请表审查日期"] == "2025-03-20" and first["答复期限"] == "2025-03-31"
    lapsed = next(r for r in rows if r["编号"] == year["M"])
    assert lapsed["补正告知日期"] == "2025-09-03" and lapsed["补正期限"] == "2025-09-10"
    assert lapsed["答复类型"].startswith("其他处理·申请人无正当理由逾期不补正")


def test_reimport_of_the_same_file_adds_nothing(cli, isolated):
    path = isolated / "hand.csv"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, *HAND_ROWS]), encoding="utf-8")
    assert cli("ledger", "import", path).exit_code == 0
    before = counts(isolated / "gk.db")
    result = cli("ledger", "import", path)
    assert result.exit_code == 0
    assert "已导入 0 件" in result.stdout and "3 行此前已导入" in result.stdout
    assert counts(isolated / "gk.db") == before


def test_export_imported_into_the_same_database_adds_nothing(cli, year, isolated):
    out = isolated / "ledger.xlsx"
    cli("ledger", "export", "-o", out)
    before = counts(isolated / "gk.db")
    result = cli("ledger", "import", out)
    assert result.exit_code == 0 and "已导入 0 件" in result.stdout
    assert counts(isolated / "gk.db") == before


def test_gb18030_csv_with_synonym_headers(cli, isolated):
    path = isolated / "台账.csv"
    text = "\r\n".join(",".join(r) for r in [HAND_HEADERS, *HAND_ROWS]) + "\r\n"
    path.write_bytes(text.encode("gb18030"))
    result = cli("ledger", "import", path)
    assert result.exit_code == 0, result.output
    assert "已导入 3 件" in result.stdout
    listed = json.loads(cli("list", "--json").stdout)
    by_name = {r["applicant"]: r for r in listed}
    assert by_name["王五"]["received"] == "2023-03-01"
    assert by_name["王五"]["outcome"] == "disclosed" and by_name["王五"]["stage"] == "archive"
    assert by_name["某某律师事务所"]["applicant_type"] == "legal_service"
    assert by_name["某某律师事务所"]["outcome"] == "withheld_state_secret"
    assert by_name["赵六"]["outcome"] is None and by_name["赵六"]["stage"] == "review"
    assert by_name["王五"]["department"] == "交通局"
    data = annual_json(cli, year=2023)
    rows = {r["key"]: r["values"] for r in data["rows"]}
    assert rows["new"]["total"] == 3 and rows["carried_forward"]["natural"] == 1


def test_xlsx_with_a_title_row_and_chinese_headers(cli, isolated):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2023年浑南区政府信息公开申请办理台账"])
    sheet.merge_cells("A1:J1")
    sheet.append(HAND_HEADERS)
    from datetime import datetime

    for row in HAND_ROWS:
        cells = list(row)
        cells[0] = int(cells[0])
        if cells[1] == "2023/3/1":
            cells[1] = datetime(2023, 3, 1)  # a real date cell
        sheet.append(cells)
    path = isolated / "台账.xlsx"
    book.save(path)
    result = cli("ledger", "import", path)
    assert result.exit_code == 0, result.output
    assert "已导入 3 件" in result.stdout
    listed = {r["applicant"]: r for r in json.loads(cli("list", "--json").stdout)}
    assert listed["王五"]["received"] == "2023-03-01"


def test_imported_history_is_events_marked_imported(cli, isolated):
    path = isolated / "hand.csv"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, *HAND_ROWS[:1]]), encoding="utf-8")
    cli("ledger", "import", path)
    with sqlite3.connect(isolated / "gk.db") as conn:
        events = conn.execute(
            "SELECT action, stage_before, stage_after, happened_on, imported FROM events ORDER BY id"
        ).fetchall()
    assert events == [
        ("import", "register", "review", "2023-03-01", 1),
        ("advance", "reply", "archive", "2023-03-20", 1),
    ]
    assert cli("audit", "verify").exit_code == 0
    shown = json.loads(cli("show", "2023-0001", "--json").stdout)
    assert [e["action"] for e in shown["events"]] == ["import", "advance"]


def test_one_bad_row_and_nothing_is_imported(cli, isolated):
    rows = [list(r) for r in HAND_ROWS]
    rows[1][3] = "外国人"  # not an applicant type
    rows[2][1] = "2023-13-45"  # no such date
    path = isolated / "bad.csv"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, *rows]), encoding="utf-8")
    cli("ledger", "import", isolated / "none.csv")  # opens nothing
    before = counts(isolated / "gk.db") if (isolated / "gk.db").exists() else (0, 0, 0)
    result = cli("ledger", "import", path)
    assert result.exit_code == 1
    assert "第 3 行“类别”列" in result.stderr and "外国人" in result.stderr
    assert "第 4 行“申请日期”列" in result.stderr
    assert "未导入任何记录" in result.stderr and "Traceback" not in result.stderr
    after = counts(isolated / "gk.db") if (isolated / "gk.db").exists() else (0, 0, 0)
    assert after == before == (0, 0, 0)
    errors = list(csv.reader(io.StringIO((isolated / "bad.csv.errors.csv").read_text(encoding="utf-8-sig"))))
    assert errors[0] == ["行", "列", "问题"]
    assert [(e[0], e[1]) for e in errors[1:]] == [("3", "类别"), ("4", "申请日期")]


def test_dry_run_checks_only(cli, isolated):
    path = isolated / "hand.csv"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, *HAND_ROWS]), encoding="utf-8")
    before = counts(isolated / "gk.db")
    result = cli("ledger", "import", path, "--dry-run")
    assert result.exit_code == 0 and "可导入 3 件" in result.stdout
    assert counts(isolated / "gk.db") == before  # a dry run writes nothing
    result = cli("ledger", "import", path, "--dry-run", "--db", isolated / "typo.db")
    assert result.exit_code == 3 and "db init" in result.stderr
    assert not (isolated / "typo.db").exists()  # nor a new file


def test_a_dry_run_lists_every_problem_and_writes_or_deletes_no_file(cli, isolated, monkeypatch):
    monkeypatch.setattr("hunnan_gk.commands.ledger.SHOWN_PROBLEMS", 1)  # a dry run shows them all
    rows = [list(r) for r in HAND_ROWS]
    rows[1][3] = "外国人"
    rows[2][1] = "2023-13-45"
    path = isolated / "bad.csv"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, *rows]), encoding="utf-8")
    result = cli("ledger", "import", path, "--dry-run")
    assert result.exit_code == 1
    assert "第 3 行“类别”列" in result.stderr and "第 4 行“申请日期”列" in result.stderr
    assert "未写问题清单" in result.stderr and "bad.csv.errors.csv" in result.stderr
    assert not (isolated / "bad.csv.errors.csv").exists()
    # an earlier list stays as it was, whether the dry run finds problems or none
    old = isolated / "bad.csv.errors.csv"
    old.write_text("earlier", encoding="utf-8")
    assert cli("ledger", "import", path, "--dry-run").exit_code == 1
    assert old.read_text(encoding="utf-8") == "earlier"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, *HAND_ROWS]), encoding="utf-8")
    assert cli("ledger", "import", path, "--dry-run").exit_code == 0
    assert old.read_text(encoding="utf-8") == "earlier"
    assert cli("ledger", "import", path).exit_code == 0
    assert not old.exists()  # the import itself clears a list that no longer applies


def test_import_help_names_the_problem_list_as_it_is_written(cli):
    shown = " ".join(cli("ledger", "import", "--help").stdout.split())
    assert "FILE" not in shown and "文件名后加 .errors.csv" in shown
    assert "2023年台账.xlsx.errors.csv" in shown.replace("│", "").replace(" ", "")


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({7: "2023/2/1"}, "办结日期", "早于收到日期"),
        ({8: ""}, "答复结果", "须同时填写答复类型"),
        ({8: "批准"}, "答复结果", "无法识别答复类型"),
        ({2: ""}, "申请人姓名（名称）", "不能为空"),
        ({1: "2099-01-01"}, "申请日期", "晚于今天"),
    ],
)
def test_row_checks_name_row_and_column(cli, isolated, change, where, message):
    row = list(HAND_ROWS[0])
    for index, value in change.items():
        row[index] = value
    path = isolated / "one.csv"
    path.write_text("\n".join(",".join(r) for r in [HAND_HEADERS, row]), encoding="utf-8")
    result = cli("ledger", "import", path)
    assert result.exit_code == 1
    assert f"第 2 行“{where}”列" in result.stderr and message in result.stderr


def test_the_same_request_twice_in_one_file_is_a_problem(cli, isolated):
    path = isolated / "twice.csv"
    headers = [h for h in HAND_HEADERS if h != "序号"]
    row = HAND_ROWS[0][1:]
    path.write_text("\n".join(",".join(r) for r in [headers, row, row]), encoding="utf-8")
    result = cli("ledger", "import", path)
    assert result.exit_code == 1 and "第 3 行：与第 2 行是同一件申请" in result.stderr


def test_missing_required_column_and_unreadable_files(cli, isolated):
    path = isolated / "few.csv"
    path.write_text("申请日期,申请人,申请内容\n2023-01-01,王五,某信息\n", encoding="utf-8")
    result = cli("ledger", "import", path)
    assert result.exit_code == 1
    assert "缺少必填列“申请人类型”" in result.stderr and "缺少必填列“申请方式”" in result.stderr
    result = cli("ledger", "import", isolated / "nothing.csv")
    assert result.exit_code == 2 and "不存在" in result.stderr
    (isolated / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = cli("ledger", "import", isolated / "old.xls")
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    (isolated / "junk.csv").write_bytes(bytes(range(128, 256)) * 3)
    result = cli("ledger", "import", isolated / "junk.csv")
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr


def test_decode_detects_the_encodings():
    from hunnan_gk.sheets import decode

    text = "收到日期,申请人\n"
    assert decode(text.encode("utf-8")) == (text, "UTF-8")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "UTF-8（带 BOM）")
    assert decode(text.encode("gb18030")) == (text, "GB18030")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("disclosed", "disclosed"),
        ("（一）予以公开", "disclosed"),
        ("予以公开", "disclosed"),
        ("部分公开", "partial"),
        ("不予公开·属于国家秘密", "withheld_state_secret"),
        ("属于国家秘密", "withheld_state_secret"),
        ("1.本机关不掌握相关政府信息", "unavailable_not_held"),
        ("不予处理-重复申请", "unprocessed_repeat"),
        ("其他处理·其他", "other"),
    ],
)
def test_outcome_labels_map_to_codes(text, code):
    assert ledger.parse_outcome(text).value == code


def test_header_synonyms_from_the_issue():
    for synonym, key in [
        ("收到日期", "received_on"), ("申请日期", "received_on"), ("登记日期", "received_on"),
        ("申请人", "applicant"), ("申请人姓名（名称）", "applicant"), ("申请人姓名(名称)", "applicant"),
        ("申请人类型", "applicant_type"), ("类别", "applicant_type"),
        ("申请方式", "channel"), ("提交方式", "channel"),
        ("申请内容", "content"), ("申请公开的信息", "content"),
        ("答复日期", "outcome_on"), ("办结日期", "outcome_on"),
        ("答复类型", "outcome"), ("处理结果", "outcome"), ("答复结果", "outcome"),
        ("承办单位", "department"), ("承办科室", "department"),
    ]:
        assert ledger.match_headers([synonym]) == {0: key}, synonym


def test_a_supplement_deadline_may_lie_ahead(cli, isolated, monkeypatch):
    """补正期限 is the applicant's deadline: a request still awaiting correction has it in the future."""
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-05")
    path = isolated / "waiting.csv"
    path.write_text(
        "收到日期,申请人,申请人类型,申请方式,申请内容,补正告知日期,补正期限\n"
        "2024-04-01,张三,自然人,网络,某小区规划许可,2024-04-03,2024-04-17\n",
        encoding="utf-8",
    )
    result = cli("ledger", "import", path)
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("list", "--json").stdout)[0]
    assert shown["paused"] is True and shown["watch"] == "2024-04-17"


@pytest.mark.parametrize(
    ("column", "value", "header", "message"),
    [
        (2, "王\x1b[2J五", "申请人姓名（名称）", "U+001B（ESC）"),
        (5, "道路\x07维修", "申请公开的信息", "U+0007"),
        (9, "备注\x85", "备注", "U+0085"),
        (6, "交通局\n二科", "承办科室", "U+000A（换行）"),  # one line only, unlike content and notes
    ],
)
def test_a_cell_with_a_control_character_is_refused_naming_row_and_column(cli, isolated, column, value, header, message):
    import csv as csv_module

    row = list(HAND_ROWS[0])
    row[column] = value
    path = isolated / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv_module.writer(handle).writerows([HAND_HEADERS, row])
    before = counts(isolated / "gk.db")
    result = cli("ledger", "import", path)
    assert result.exit_code == 1, result.output
    assert f"第 2 行“{header}”列" in result.stderr and message in result.stderr
    assert "\x1b" not in result.stderr
    assert counts(isolated / "gk.db") == before


def test_a_cell_longer_than_an_excel_cell_is_refused(cli, isolated):
    import csv as csv_module

    row = list(HAND_ROWS[0])
    row[5] = "x" * 32_768
    path = isolated / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv_module.writer(handle).writerows([HAND_HEADERS, row])
    result = cli("ledger", "import", path)
    assert result.exit_code == 1 and "第 2 行第 6 列超过 32767 个字符" in result.stderr


def test_content_and_notes_may_run_over_several_lines(cli, isolated):
    import csv as csv_module

    row = list(HAND_ROWS[0])
    row[5], row[9] = "第一项\r\n第二项", "备注\t一"
    path = isolated / "lines.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv_module.writer(handle).writerows([HAND_HEADERS, row])
    ok(cli("ledger", "import", path))
    assert json.loads(cli("show", "2023-1", "--json").stdout)["content"] == "第一项\n第二项"


def test_a_header_with_a_control_character_is_refused(cli, isolated):
    path = isolated / "header.csv"
    headers = list(HAND_HEADERS)
    headers[3] = "类\x1b]0;别"
    path.write_text("\n".join(",".join(r) for r in [headers, HAND_ROWS[0]]), encoding="utf-8")
    result = cli("ledger", "import", path)
    assert result.exit_code == 1 and "第 4 列的表头含有控制字符" in result.stderr
    assert "\x1b" not in result.stderr
