"""Issue 12: untrusted text stays text (spreadsheets, terminal, Markdown), personal numbers stay
masked outside `show` and the ledger export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Callable

import pytest

from hunnan_gk.privacy import mask_in_text
from hunnan_gk.safetext import from_csv_cell, to_csv_cell, visible
from tests.catalogue_samples import HEAD, ITEM
from tests.helpers import PHONE, VALID_ID, ok, ok_json, register

HYPERLINK = '=HYPERLINK("http://example.invalid/?"&I2,"x")'
FULL_WIDTH_PHONE = "１３８１２３４５６７８"
HOSTILE = "\x1b]8;;http://example.invalid/\x07点我\x1b]8;;\x07\x1b[2J\x08\x9b31m"


def new_database(cli, path: Path) -> None:
    """An empty database at `path` for an import (`db init` where it exists)."""
    cli("db", "init", "--db", path)


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return "".join(book.read(name).decode("utf-8") for name in book.namelist()
                       if name.startswith("xl/worksheets/"))


# --- 1. formulas never leave the tool ------------------------------------------------------


@pytest.mark.parametrize("value", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=1", "''=1", "'x", "x'", "", "普通文字", "'",
])
def test_the_csv_guard_gives_every_value_back(value):
    guarded = to_csv_cell(value)
    assert from_csv_cell(guarded) == value
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_formula_applicant_exports_as_text_and_imports_back_unchanged(cli, tmp_path, fmt):
    register(cli, applicant=HYPERLINK, note="-2+3", content="@SUM(1)")
    out = tmp_path / f"ledger.{fmt}"
    ok(cli("ledger", "export", "-o", out))
    if fmt == "xlsx":
        xml = sheet_xml(out)
        assert "<f>" not in xml and "HYPERLINK" in xml
        from openpyxl import load_workbook

        rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
        header = rows[0]
        assert rows[1][header.index("申请人")] == HYPERLINK
        # the dates the tool writes are dates (Excel sorts and filters them), not text
        assert rows[1][header.index("收到日期")] == datetime(2024, 4, 1)
    else:
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        header = rows[0]
        assert rows[1][header.index("申请人")] == "'" + HYPERLINK
        assert rows[1][header.index("备注")] == "'-2+3"
    other = tmp_path / "other.db"
    new_database(cli, other)
    ok(cli("ledger", "import", out, "--db", other))
    back = ok_json(cli("show", "2024-0001", "--json", "--db", other))
    assert (back["applicant"], back["content"], back["note"]) == (HYPERLINK, "@SUM(1)", "-2+3")


def test_overdue_csv_guards_formulas(cli):
    register(cli, applicant=HYPERLINK)
    out = ok(cli("report", "overdue", "--as-of", "2024-04-02", "--format", "csv")).stdout
    assert f"'{HYPERLINK}".replace('"', '""') in out


def test_catalogue_xlsx_writes_no_formula(cli, tmp_path):
    source = tmp_path / "c.yaml"
    source.write_text(HEAD + ITEM.replace("事项名称、办理条件、申请材料", "'=1+1'"), encoding="utf-8")
    out = tmp_path / "c.xlsx"
    ok(cli("catalog", "export", source, "-o", out))
    xml = sheet_xml(out)
    assert "<f>" not in xml and "=1+1" in xml


# --- 2. the terminal shows text, not escape sequences -------------------------------------


def plant(path: Path, **fields: str) -> None:
    """Store text as an older version (or a hand edit) may have left it, past input checks."""
    with sqlite3.connect(path) as conn:
        for name, value in fields.items():
            conn.execute(f"UPDATE requests SET {name} = ?", [value])


def test_control_characters_are_shown_as_placeholders(cli, isolated):
    register(cli)
    plant(isolated / "gk.db", applicant=HOSTILE, content=HOSTILE, department=HOSTILE)
    for args in (["list"], ["show", "2024-0001"], ["report", "overdue", "--as-of", "2024-04-02"],
                 ["report", "overdue", "--as-of", "2024-04-02", "--format", "text"]):
        out = ok(cli(*args)).stdout
        assert "\x1b" not in out and "\x07" not in out and "\x08" not in out and "\x9b" not in out, args
        assert "␛" in out, args
    listed = ok(cli("list", "--json")).stdout
    assert "\x9b" not in listed and json.loads(listed)[0]["applicant"] == HOSTILE


def test_a_message_quoting_a_control_character_shows_it(cli):
    register(cli)
    result = cli("show", "2024-\x1b[31m1")
    assert result.exit_code != 0 and "\x1b" not in result.stderr and "␛" in result.stderr


def test_the_plain_mail_part_shows_placeholders():
    from hunnan_gk import notify
    from hunnan_gk.vocab import Light

    item = {"number": "2024-0001", "applicant": HOSTILE, "department": HOSTILE, "light": "red",
            "light_label": "红灯", "stage_label": "查找信息", "due": "2024-04-29",
            "due_provisional": False, "remaining_workdays": -1, "seriously_overdue": False,
            "paused": None, "watch": None, "review_limit": None, "content": HOSTILE,
            "applicant_type_label": "自然人", "received": "2024-04-01"}
    report = {"as_of": "2024-05-01", "yellow_days": 5, "requests": [item]}
    mail = notify.compose(notify.Batch(HOSTILE, ["a@example.org"], [item]), report, Light.YELLOW)
    for part in (mail.text, mail.subject):
        assert "\x1b" not in part and "\x07" not in part and "\x9b" not in part
        assert "␛" in part or "�" in part


def test_visible_keeps_text_and_newlines():
    assert visible("第一行\n第二行\t完") == "第一行\n第二行\t完"
    assert visible("a\x1bb\x00c\x7fd\u202ee") == "a␛b␀c␡d�e"


def test_the_control_check_finds_exactly_the_characters_made_visible():
    from hunnan_gk import safetext

    found = {code for code in range(0x3000) if safetext.visible(chr(code)) != chr(code)}
    assert found == {code for code in range(0x3000) if safetext.visible(f"a{chr(code)}\n") != f"a{chr(code)}\n"}
    assert found == set(safetext._VISIBLE)


def test_catalogue_markdown_escapes_html(cli, tmp_path):
    source = tmp_path / "c.yaml"
    hostile = '"<img src=x onerror=alert(1)>"'
    source.write_text(HEAD + ITEM.replace("事项名称、办理条件、申请材料", hostile), encoding="utf-8")
    out = tmp_path / "c.md"
    ok(cli("catalog", "export", source, "-o", out))
    page = out.read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# --- 3. personal data masked everywhere outside `show` and the ledger export ---------------


@pytest.mark.parametrize("written, masked", [
    (FULL_WIDTH_PHONE, "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("１３８－１２３４－５６７８", "138****5678"),
    ("１１０１０５１９４９１２３１００２Ｘ", "1101**********002X"),
    ("110105 19491231 002X", "1101**********002X"),
    ("110105491231002", "1101*******1002"),
    ("13812345678@example.org", "138****5678@example.org"),
])
def test_every_digit_form_is_masked(written, masked):
    assert mask_in_text(f"电话{written}。") == f"电话{masked}。"


@pytest.mark.parametrize("text", [
    "2024-04-01 2024-04-29 2024-05-01", "编号 2024-0001、2024-0002、2024-0003", "哈希 a13812345678b",
    "金额 1234567 元",
])
def test_dates_codes_and_hashes_are_not_masked(text):
    assert mask_in_text(text) == text


def test_a_full_width_phone_is_masked_in_list_overdue_and_mail(cli):
    from hunnan_gk import notify
    from hunnan_gk.vocab import Light

    register(cli, applicant=f"王{PHONE}", content=f"请回电{FULL_WIDTH_PHONE}", department=f"区局{VALID_ID}",
             address=f"某路1号 {FULL_WIDTH_PHONE}", email=f"{PHONE}@example.org",
             note=f"身份证{VALID_ID}")
    outputs = [
        ok(cli("list", "--json")).stdout,
        ok(cli("list")).stdout,
        *(ok(cli("report", "overdue", "--as-of", "2024-04-02", "--format", fmt)).stdout
          for fmt in ("csv", "html", "json", "text")),
        ok(cli("fee", "quote", "2024-0001", "--json")).stdout,
        ok(cli("fee", "quote", "2024-0001")).stdout,
    ]
    report = ok_json(cli("report", "overdue", "--as-of", "2024-04-02", "--format", "json"))
    items = notify.qualifying(report["requests"], Light.GREEN)
    mail = notify.compose(notify.Batch(items[0]["department"], ["a@example.org"], items), report,
                          Light.YELLOW)
    outputs += [mail.text, mail.html, mail.subject]
    for out in outputs:
        assert FULL_WIDTH_PHONE not in out and PHONE not in out and VALID_ID not in out, out
    assert "138****5678" in outputs[0] and "138****5678" in mail.text and "138****5678" in mail.html
    shown = ok_json(cli("show", "2024-0001", "--json"))
    assert shown["content"] == f"请回电{FULL_WIDTH_PHONE}" and shown["note"] == f"身份证{VALID_ID}"


def test_error_messages_and_the_errors_file_are_masked(cli, tmp_path):
    ledger = tmp_path / "old.csv"
    ledger.write_text(
        "收到日期,申请人,申请人类型,申请方式,申请内容\n"
        f"2024-04-01,张三,自然人,{PHONE},某事项\n",  # a phone typed into the wrong column
        encoding="utf-8",
    )
    result = cli("ledger", "import", ledger)
    assert result.exit_code == 1
    assert PHONE not in result.stderr and "138****5678" in result.stderr
    errors = (tmp_path / "old.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert PHONE not in errors and "138****5678" in errors


def test_show_and_ledger_export_say_they_hold_personal_data(cli):
    for args in (["show", "--help"], ["ledger", "export", "--help"]):
        assert "个人信息" in ok(cli(*args)).stdout


def test_search_takes_percent_and_underscore_literally(cli):
    register(cli, content="降低 50% 的费用")
    register(cli, content="某某情况")
    assert [r["number"] for r in ok_json(cli("list", "--search", "%", "--json"))] == ["2024-0001"]
    assert ok_json(cli("list", "--search", "_", "--json")) == []


# --- 4. files are written safely in shared folders ------------------------------------------


def dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("command", [
    ["db", "backup"], ["ledger", "export", "-o"], ["report", "annual", "--year", "2024", "-o"],
])
def test_a_planted_symlink_at_a_target_is_refused_and_its_target_untouched(cli, tmp_path, command):
    register(cli)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    link = tmp_path / ("out.xlsx" if command[0] != "db" else "backup.db")
    link.symlink_to(victim)
    result = cli(*command, link)
    assert result.exit_code == 1 and "符号链接" in result.stderr and "Traceback" not in result.output
    assert victim.read_text(encoding="utf-8") == "keep" and link.is_symlink()


@pytest.mark.parametrize("name", ["backup.db-wal", "other.db-shm", "x.db-journal"])
def test_a_database_side_file_name_is_refused(cli, tmp_path, name):
    register(cli)
    result = cli("db", "backup", tmp_path / name)
    assert result.exit_code == 1 and "-wal" in result.stderr
    assert not (tmp_path / name).exists()
    assert cli("ledger", "export", "-o", tmp_path / (name + ".csv")).exit_code == 0  # only the name counts


def test_what_a_killed_export_left_behind_is_removed_by_the_next(cli, tmp_path):
    register(cli)
    leftover = tmp_path / f".ledger.xlsx.hgk{dead_pid()}.x1y2z3.tmp"
    leftover.write_bytes(b"half a workbook")
    alive = tmp_path / f".ledger.xlsx.hgk{__import__('os').getpid()}.a1b2c3.tmp"
    alive.write_bytes(b"someone still writing")
    ok(cli("ledger", "export", "-o", tmp_path / "ledger.xlsx"))
    assert not leftover.exists() and alive.exists()


def test_files_with_personal_data_are_private_or_shared_with_the_group(cli, tmp_path):
    import os

    register(cli)
    private, shared = tmp_path / "private", tmp_path / "shared"
    private.mkdir()
    shared.mkdir()
    os.chmod(shared, 0o2770)
    for folder, mode in ((private, 0o600), (shared, 0o660)):
        ok(cli("ledger", "export", "-o", folder / "ledger.csv"))
        ok(cli("db", "backup", folder / "backup.db"))
        db = folder / "new" / "gk.db"
        ok(cli("db", "init", "--db", db))
        register(cli, db=db)
        for path in (folder / "ledger.csv", folder / "backup.db", db):
            assert path.stat().st_mode & 0o777 == mode, path
        folder_mode = (folder / "new").stat().st_mode & 0o7777
        assert folder_mode == (0o700 if mode == 0o600 else 0o2770)


def test_the_wal_and_shm_of_a_shared_database_are_group_writable(tmp_path):
    import os

    from hunnan_gk.storage.db import init_db

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    old = os.umask(0o077)  # a clerk's strict umask must not shut the group out
    try:
        db = init_db(shared / "gk.db")[0]
        db.execute("CREATE TABLE t (x)")
        for name in ("gk.db", "gk.db-wal", "gk.db-shm"):
            assert (shared / name).stat().st_mode & 0o777 == 0o660, name
        db.conn.close()
    finally:
        os.umask(old)


def test_a_shared_database_makes_its_side_files_group_writable_from_the_start(tmp_path):
    """SQLite creates -wal/-shm with the database's mode cut by the umask, then widens them
    (seen with strace: openat(…-shm, O_CREAT, 0660) then fchmod(0660)); with umask 022 another
    clerk opening them in between got "readonly database" (it happened in the two-account
    test under load). Opening a shared database clears the umask's group bits; a private one
    leaves the umask alone."""
    import os

    from hunnan_gk.storage.db import init_db, open_db

    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    private.mkdir(mode=0o700)
    old = os.umask(0o027)
    try:
        init_db(private / "gk.db")[0].conn.close()
        assert os.umask(0o027) == 0o027  # private: untouched
        init_db(shared / "gk.db")[0].conn.close()
        open_db(shared / "gk.db").conn.close()
        assert os.umask(0o027) == 0o007  # the group may write what SQLite makes; others still not
    finally:
        os.umask(old)


def test_the_holiday_cache_is_private_and_a_changed_one_is_never_used(tmp_path, monkeypatch):
    import os
    from datetime import date

    from hunnan_gk import holiday_files

    real = {date(2031, 1, 1): "元旦"}
    monkeypatch.setattr(holiday_files, "statutory_holidays", lambda year: dict(real))
    cache = tmp_path / "cache" / "hunnan-gk"
    assert holiday_files.cached_statutory(cache)(2031) == real
    (path,) = cache.iterdir()
    assert path.stat().st_mode & 0o777 == 0o600 and cache.stat().st_mode & 0o777 == 0o700
    data = json.loads(path.read_text(encoding="utf-8"))
    data["days"]["2031-01-02"] = "元旦"  # a day off added by hand: would move deadlines
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(holiday_files, "statutory_holidays", lambda year: {date(2031, 1, 1): "元旦"})
    assert holiday_files.cached_statutory(cache)(2031) == real
    # a cache others may write is not trusted either, nor one of another version
    path.write_text(holiday_files.statutory_cache_text(2031, {date(2031, 1, 3): "x"}), encoding="utf-8")
    os.chmod(path, 0o666)
    assert holiday_files.cached_statutory(cache)(2031) == real
    path.write_text(holiday_files.statutory_cache_text(2031, {date(2031, 1, 3): "x"}), encoding="utf-8")
    os.chmod(path, 0o600)
    assert holiday_files.cached_statutory(cache)(2031) == {date(2031, 1, 3): "x"}  # a sound one is used


def test_every_event_records_the_os_account_shown_beside_the_clerk(cli):
    import pwd
    import os

    account = pwd.getpwuid(os.geteuid()).pw_name
    register(cli, clerk="刘洋")
    ok(cli("advance", "2024-0001", "--on", "2024-04-02", "--clerk", "王静"))
    events = ok_json(cli("show", "2024-0001", "--json"))["events"]
    assert [(e["clerk"], e["os_user"]) for e in events] == [("刘洋", account), ("王静", account)]
    shown = ok(cli("show", "2024-0001")).stdout
    assert f"（账户 {account}）" in shown


# --- 7. no traceback, no English ---------------------------------------------------------


def test_dev_null_is_not_a_database(cli):
    for args in (["list"], ["register", "--applicant", "张三", "--type", "natural", "--channel", "online",
                            "--received", "2024-04-01", "--content", "x"]):
        result = cli(*args, "--db", "/dev/null")
        assert result.exit_code == 3 and "不是普通文件" in result.stderr


@pytest.mark.parametrize("message, expected", [
    ("database or disk is full", "磁盘已满"), ("disk I/O error", "磁盘错误"),
])
def test_a_full_disk_is_a_chinese_database_error(cli, monkeypatch, message, expected):
    register(cli)
    from hunnan_gk.storage import audit as storage_audit

    def full(*args, **kwargs):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(storage_audit, "append_event", full)
    result = cli("advance", "2024-0001", "--on", "2024-04-02")
    assert result.exit_code == 3 and expected in result.stderr and "Traceback" not in result.output
    assert ok_json(cli("show", "2024-0001", "--json"))["stage"] == "review"  # nothing changed


# --- 6. bounded work on hostile files; 7. their messages -------------------------------------

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def nested(depth: int) -> str:
    return "a:\n" + "".join("  " * (level + 1) + f"k{level}:\n" for level in range(depth)) + "  " * (depth + 1) + "v\n"


@pytest.mark.parametrize("text, expected", [
    (LAUGHS, "十亿笑声"),
    ("db: a.db\ndb: b.db\n", "键“db”重复出现"),
    ("smtp:\n  host: a\n  host: b\n", "键“host”重复出现"),
    (nested(60), "嵌套超过 50 层"),
    ("smtp: {timeout: -5}\n", "smtp.timeout 应为 1 至 3600"),
    ("smtp: {port: 99999999}\n", "smtp.port 应为 1 至 65535"),
    ('smtp: {to: ["ban@example.org\\r\\nBcc: all@example.org"]}\n', "smtp.to[1] 含有换行或控制字符"),
    ('smtp: {from: "a@example.org\\nX: y"}\n', "smtp.from 含有换行或控制字符"),
    ('departments:\n  "区住建局\\r\\nBcc: x@example.org": [a@example.org]\n', "含有换行或控制字符"),
    ("departments:\n  区住建局: [\"a@example.org\\nBcc: x@example.org\"]\n", "含有换行或控制字符"),
])
def test_a_hostile_or_wrong_config_is_refused_at_once(cli, config_file, text, expected):
    config_file.write_text(text, encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 2 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.output and "\r" not in result.stderr


def test_a_repeated_key_in_the_holiday_override_file_is_refused(cli, config_file, tmp_path):
    overrides = tmp_path / "h.yaml"
    overrides.write_text("2027:\n  holidays: [2027-01-01]\n  holidays: [2027-10-01]\n", encoding="utf-8")
    config_file.write_text(f"holidays: {overrides}\n", encoding="utf-8")
    result = cli("calendar", "check", "2027-01-04")
    assert result.exit_code == 2 and "第 3 行" in result.stderr and "holidays 重复出现" in result.stderr


@pytest.mark.parametrize("text", [LAUGHS, nested(80)])
def test_a_hostile_catalogue_is_a_problem_not_a_hang(cli, tmp_path, text):
    source = tmp_path / "c.yaml"
    source.write_text(text, encoding="utf-8")
    result = cli("catalog", "validate", source)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "十亿笑声" in result.stdout or "嵌套超过" in result.stdout


LEDGER_HEADER = "收到日期,申请人,申请人类型,申请方式,申请内容\n"


def workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(LEDGER_HEADER.strip().split(","))
    book.active.append(["2024-04-01", "张三", "自然人", "网络", "某事项"])
    book.save(path)
    return path


def rewritten(source: Path, target: Path, sheet: Callable[[bytes], bytes | Callable]) -> Path:
    """`source` with its first sheet's XML replaced by what `sheet(xml)` gives: bytes, or a
    function writing the part to a stream (for parts too big to hold)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for name in old.namelist():
            data = old.read(name)
            if name != "xl/worksheets/sheet1.xml":
                new.writestr(name, data)
                continue
            made = sheet(data)
            if callable(made):
                with new.open(name, "w") as stream:
                    made(stream)
            else:
                new.writestr(name, made)
    return target


ENTITIES = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY %s "%s">' % (b"b%d" % i, (b"&b%d;" % (i - 1) if i else b"&a;") * 10)
                       for i in range(9))
            + b"]>")


def zip_bomb(stream) -> None:
    chunk = b" " * (1 << 20)
    for _ in range(201):  # 201 MB of spaces, a megabyte or so when packed
        stream.write(chunk)


def many_rows(xml: bytes) -> bytes:
    head, _, rest = xml.partition(b"<sheetData>")
    tail = rest.partition(b"</sheetData>")[2]
    rows = b"".join(b'<row r="%d"/>' % i for i in range(1, 1_000_100))
    return head + b"<sheetData>" + rows + b"</sheetData>" + tail


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    good = workbook(folder / "good.xlsx")
    files = {
        "entities": rewritten(good, folder / "entities.xlsx",
                              lambda xml: ENTITIES + xml.split(b"?>", 1)[-1]),
        "zip bomb": rewritten(good, folder / "bomb.xlsx", lambda xml: zip_bomb),
        "rows": rewritten(good, folder / "rows.xlsx", many_rows),
        "deep json": folder / "deep.json",
        "big cell": folder / "cell.csv",
    }
    files["deep json"].write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    files["big cell"].write_text(LEDGER_HEADER + "2024-04-01,张三,自然人,网络," + "长" * 140_000 + "\n",
                                 encoding="utf-8")
    files["good"] = good
    return files


@pytest.mark.parametrize("kind, code, expected", [
    ("entities", 1, "XML 实体声明"),
    ("zip bomb", 1, "压缩炸弹"),
    ("rows", 1, "超过 1000010 行"),
    ("deep json", 2, "JSON 嵌套超过"),
    ("big cell", 1, "单元格超过 32767 个字符"),
])
def test_a_hostile_ledger_is_refused_with_a_chinese_message(cli, hostile_files, kind, code, expected):
    result = cli("ledger", "import", hostile_files[kind])
    assert result.exit_code == code and expected in result.stderr, result.output
    assert "Traceback" not in result.output


def test_a_good_ledger_workbook_still_imports(cli, hostile_files, isolated):
    new_database(cli, isolated / "gk.db")
    assert "已导入 1 件" in ok(cli("ledger", "import", hostile_files["good"])).stdout


def test_hostile_files_end_in_seconds_within_a_gigabyte(hostile_files, tmp_path):
    """Under `ulimit -v 1000000`, as the probe ran them: a clean message, no MemoryError."""
    import subprocess
    import sys

    from tests.helpers import subprocess_env

    config = tmp_path / "laughs.yaml"
    config.write_text(LAUGHS, encoding="utf-8")
    for args, expected in (
        (["ledger", "import", "--dry-run", str(hostile_files["zip bomb"])], "压缩炸弹"),
        (["list", "--config", str(config)], "十亿笑声"),
    ):
        command = " ".join([sys.executable, "-m", "hunnan_gk", *args])
        done = subprocess.run(["bash", "-c", f"ulimit -v 1000000; exec {command}"], capture_output=True,
                              text=True, env=subprocess_env(HUNNAN_GK_DB=str(tmp_path / "gk.db")),
                              timeout=60)
        assert done.returncode in (1, 2) and expected in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr


def test_the_supervision_report_masks_personal_numbers(cli, monkeypatch):
    monkeypatch.setenv("HUNNAN_GK_TODAY", "2024-04-26")
    register(cli, "2024-04-01", applicant=f"张三{FULL_WIDTH_PHONE}")
    ok(cli("supervise", "2024-0001", "--by", "王主任", "--reason", f"申请人来电 {PHONE}", "--on", "2024-04-24"))
    for fmt in ("json", "csv", "table"):
        out = ok(cli("report", "supervision", "--format", fmt)).stdout
        assert PHONE not in out and FULL_WIDTH_PHONE not in out, fmt
        assert fmt == "table" or "138****5678" in out  # (the table folds it across lines)
