"""`catalog import` (issue 17): published tables (xlsx with merged cells and ■/□ checklists,
CSV in GB18030 or UTF-8) become YAML that validates; what cannot be mapped is listed; hostile
files are refused within their limits."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from hunnan_gk.catalogue import check_file
from hunnan_gk.catalogue_import import import_rows
from hunnan_gk import sheets

from helpers import ok

TOP = ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开\n时限", "公开主体", "公开渠道和载体", None, None,
       "公开对象", None, "公开方式", None, "公开层级", None, "责任科室", "联系电话"]
SUB = [None, "一级事项", "二级事项", None, None, None, None, "政府网站", "两微一端", "公开查阅点",
       "全社会", "特定群体", "主动", "依申请", "县级", "乡级", None, None]
BASIS = "《中华人民共和国政府信息公开条例》第二十条"
ROWS = [
    [1, "审批服务", "项目建议书审批", "审批结果", BASIS, "信息形成（或变更）之日起20个工作日内", "浑南区发展和改革局",
     "■", "□", "■", "■", "□", "■", "□", "■", None, "投资科", "024-1"],
    [2, None, "可行性研究报告审批", "审批结果", BASIS, "信息形成（或变更）之日起20个工作日内", "浑南区发展和改革局",
     "√", None, "✓", None, "√", "√", None, "√", "√", "投资科", "024-2"],
    [3, "招标投标", "招标公告", "招标文件和公告", BASIS, "信息形成之日起7个工作日内", "浑南区发展和改革局",
     "■", "■", "有", "■", "□", "■", "■", None, "■", "招标科", "024-3"],
]


def standard_workbook(path: Path) -> Path:
    """A sheet laid out like the published standard tables: a merged title, a two-row header
    (公开事项 over 一级/二级, the checklists over their boxes), 一级事项 merged over two rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(["重大建设项目领域基层政务公开标准目录"])
    sheet.append(TOP)
    sheet.append(SUB)
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("A1:R1")
    for span in ("B2:C2", "H2:J2", "K2:L2", "M2:N2", "O2:P2"):
        sheet.merge_cells(span)
    for column in "ADEFGQR":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("B4:B5")
    book.save(path)
    return path


def test_an_xlsx_with_merged_cells_and_a_checklist_imports_to_yaml_that_validates(cli, tmp_path):
    table = standard_workbook(tmp_path / "重大建设项目.xlsx")
    out = tmp_path / "zdxm.yaml"
    result = ok(cli("catalog", "import", table, "-o", out, "--unit", "浑南区发展和改革局"))
    assert "导入 3 个事项" in result.stdout and "编号取自表中的“序号”列" in result.stdout
    # what could not be mapped, by row and column
    assert "第 2 行 R 列：列“联系电话”没有对应的目录要素，整列未导入" in result.stdout
    assert "第 6 行 J 列：“公开渠道”的“公开查阅点”格写的是“有”" in result.stdout
    assert "第 6 行：“公开方式”勾选了主动和依申请" in result.stdout
    assert "第 1 行：表头之前的内容" in result.stdout
    assert "检查结果：0 个错误" in result.stdout
    checked = check_file(out)
    assert checked.errors == []
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["目录"] == {"名称": "重大建设项目", "编制单位": "浑南区发展和改革局"}
    assert data["渠道"] == ["政府网站", "两微一端", "公开查阅点"]
    first, second, third = data["事项"]
    assert first == {
        "编号": "1", "一级事项": "审批服务", "二级事项": "项目建议书审批", "公开内容": "审批结果", "公开依据": BASIS,
        "公开时限": "信息形成（或变更）之日起20个工作日内", "公开主体": "浑南区发展和改革局",
        "公开渠道": ["政府网站", "公开查阅点"], "公开对象": "全社会", "公开方式": "主动", "公开层级": ["县级"],
        "责任单位": "投资科",
    }
    assert second["一级事项"] == "审批服务"  # the merged cell spans both rows
    assert second["公开对象"] == "特定群体" and second["公开层级"] == ["县级", "乡级"]
    assert third["公开渠道"] == ["政府网站", "两微一端"] and "公开方式" not in third
    assert checked.catalogue.items[1]["公开事项"] == "审批服务/可行性研究报告审批"


def csv_table(encoding: str) -> bytes:
    lines = [
        "序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,责任单位",
        ",一级事项,二级事项,,,,,,,,",
        f"1,救助,低保审批,审批结果,{BASIS},每年1月31日前,浑南区民政局,■政府网站 口两微一端 ■公开查阅点,全社会,主动公开,社会救助科",
        f"2,,特困供养,审批结果,{BASIS},7日内,浑南区民政局,政府网站、公开查阅点,特定群众,依申请,社会救助科",
        f"3,,临时救助,审批结果,{BASIS},及时,浑南区民政局,政府网站,社会,主动,社会救助科",
    ]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize("encoding, label", [("gb18030", "GB18030"), ("utf-8-sig", "UTF-8（带 BOM）"), ("utf-8", "UTF-8")])
def test_csv_in_the_encodings_offices_write(cli, tmp_path, encoding, label):
    table = tmp_path / "救助.csv"
    table.write_bytes(csv_table(encoding))
    out = tmp_path / "jz.yaml"
    result = ok(cli("catalog", "import", table, "-o", out, "--name", "社会救助目录", "--unit", "浑南区民政局"))
    assert label in result.stdout
    assert "第 4–5 行的一级事项为空，沿用上一行的“救助”" in result.stdout
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    items = data["事项"]
    assert items[0]["公开渠道"] == ["政府网站", "公开查阅点"]  # ticked boxes in one cell (口 read as □)
    assert items[0]["公开方式"] == "主动" and items[1]["公开对象"] == "特定群体"  # the tables' own words
    assert items[1]["公开渠道"] == ["政府网站", "公开查阅点"]
    # a value that is not one of the format's words is kept for the validator to point at
    assert items[2]["公开对象"] == "社会"
    assert "E015" in result.stdout and "W001" in result.stdout
    assert [p.code for p in check_file(out).errors] == ["E015"]


def test_without_usable_numbers_they_are_generated():
    rows = [["公开事项", "公开依据", "公开时限", "公开主体"], ["甲", BASIS, "7日内", "某局"], ["乙", BASIS, "7日内", "某局"]]
    imported = import_rows(rows, spreadsheet=False)
    assert [item["编号"] for item in imported.items] == ["001", "002"]
    assert "按行的顺序生成" in imported.numbering
    assert imported.notes == []


def test_a_second_table_in_the_same_sheet_brings_its_own_header():
    rows = [
        ["公开事项", "公开依据", "公开时限"], ["甲", BASIS, "7日内"],
        ["卫生健康领域基层政务公开标准目录"],
        ["公开时限", "公开事项", "公开依据"], ["7日内", "乙", BASIS],
    ]
    imported = import_rows(rows, spreadsheet=False)
    assert [(i["公开事项"], i["公开时限"]) for i in imported.items] == [("甲", "7日内"), ("乙", "7日内")]
    assert [n.row for n in imported.notes] == [3]


def test_a_duplicate_column_is_listed_not_merged():
    rows = [["公开事项", "公开依据", "公开时限", "责任单位", "责任科室"], ["甲", BASIS, "7日内", "某局", "某科"]]
    imported = import_rows(rows, spreadsheet=False)
    assert imported.items[0]["责任单位"] == "某局"
    assert [n.as_text() for n in imported.notes] == ["第 1 行 E 列：列“责任科室”与 D 列对应同一要素“责任单位”，只导入了 D 列"]


def test_no_header_is_refused_and_nothing_is_written(cli, tmp_path):
    table = tmp_path / "x.csv"
    table.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    out = tmp_path / "x.yaml"
    result = cli("catalog", "import", table, "-o", out)
    assert result.exit_code == 1 and "找不到表头" in result.stderr and not out.exists()


def test_an_existing_output_is_kept_unless_forced(cli, tmp_path):
    table = standard_workbook(tmp_path / "t.xlsx")
    out = tmp_path / "keep.yaml"
    out.write_text("手写的目录\n", encoding="utf-8")
    refused = cli("catalog", "import", table, "-o", out)
    assert refused.exit_code == 1 and "已存在" in refused.stderr
    assert out.read_text(encoding="utf-8") == "手写的目录\n"
    ok(cli("catalog", "import", table, "-o", out, "--force"))
    assert "事项:" in out.read_text(encoding="utf-8")


def test_hostile_cell_text_stays_data(cli, tmp_path):
    table = tmp_path / "h.csv"
    table.write_text(f"公开事项,公开依据,公开时限,公开主体\n\"=HYPERLINK(\"\"x\"\")\x1b[31m\",{BASIS},7日内,\"a: b\n- c\"\n",
                     encoding="utf-8")
    out = tmp_path / "h.yaml"
    ok(cli("catalog", "import", table, "-o", out))
    item = yaml.safe_load(out.read_text(encoding="utf-8"))["事项"][0]
    assert item["公开事项"] == '=HYPERLINK("x")\x1b[31m' and item["公开主体"] == "a: b\n- c"


# --- files that are not tables, or are built to hurt ---


def test_not_a_table(cli, tmp_path):
    for name, content, code, words in (
        ("old.xls", b"\xd0\xcf\x11\xe0", 2, "旧版 Excel"),
        ("fake.xlsx", b"not a zip", 2, "不是有效的 .xlsx"),
        ("notes.docx", b"PK", 2, "判断表格格式"),
        ("missing.csv", None, 2, "不存在"),
    ):
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        result = cli("catalog", "import", path, "-o", tmp_path / "o.yaml")
        assert result.exit_code == code, name
        assert words in result.stderr and "Traceback" not in result.stderr


def test_a_zip_bomb_is_refused_by_its_unpacked_size(cli, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(sheets.MAX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    result = cli("catalog", "import", bomb, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 1 and "压缩炸弹" in result.stderr


def with_sheet_xml(source: Path, target: Path, change) -> Path:
    """A copy of the workbook `source` whose first sheet's XML went through `change`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for member in old.infolist():
            data = old.read(member)
            new.writestr(member, change(data) if member.filename == "xl/worksheets/sheet1.xml" else data)
    return target


def test_an_xml_entity_declaration_is_refused(cli, tmp_path):
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    # declared, never used: the declaration alone is refused
    evil = with_sheet_xml(standard_workbook(tmp_path / "good.xlsx"), tmp_path / "evil.xlsx",
                          lambda data: b'<?xml version="1.0"?>' + doctype + data)
    result = cli("catalog", "import", evil, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 1 and "实体声明" in result.stderr


@pytest.mark.parametrize(
    "text, words",
    [
        ("公开事项\n" + "甲\n" * sheets.MAX_ROWS, f"超过 {sheets.MAX_ROWS} 行"),
        ("公开事项," + "x," * sheets.MAX_COLUMNS + "\n", f"超过上限 {sheets.MAX_COLUMNS} 列"),
        ("公开事项,公开依据\n" + "甲," + "长" * (sheets.MAX_CELL_CHARS + 1) + "\n", f"超过 {sheets.MAX_CELL_CHARS} 个字符"),
        ("公开事项,公开依据\n甲," + "长" * 200_000 + "\n", f"超过 {sheets.MAX_CELL_CHARS} 个字符"),
    ],
)
def test_csv_past_its_limits_is_refused(cli, tmp_path, text, words):
    table = tmp_path / "big.csv"
    table.write_text(text, encoding="utf-8")
    result = cli("catalog", "import", table, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 1 and words in result.stderr
    assert not (tmp_path / "o.yaml").exists()


def test_a_sheet_claiming_a_huge_size_is_read_by_what_it_holds(tmp_path):
    lied = with_sheet_xml(standard_workbook(tmp_path / "wide.xlsx"), tmp_path / "lied.xlsx",
                          lambda data: data.replace(b'<dimension ref="A1:R6"/>', b'<dimension ref="A1:XFD1048576"/>'))
    sheet = sheets.read_sheet(lied)
    assert len(sheet.rows) == 6 and max(len(row) for row in sheet.rows) == 18
    assert (4, 2, 5, 2) in sheet.merges


# --- whatever the cells hold, the import answers with items and notes, never an exception ---

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hunnan_gk.catalogue import check_text  # noqa: E402
from hunnan_gk.catalogue_import import HEADERS, TICKS, catalogue_yaml  # noqa: E402

CELLS = st.one_of(
    st.none(), st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(sorted(HEADERS) + ["全社会", "主动", "县级", "政府网站", "", " "] + sorted(TICKS) + ["□"]),
    st.text(max_size=12),
)
MERGES = st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(1, 6)).map(
    lambda m: (min(m[0], m[2]), min(m[1], m[3]), max(m[0], m[2]), max(m[1], m[3]))
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=7), max_size=7), st.lists(MERGES, max_size=3), st.booleans())
def test_any_grid_imports_to_yaml_the_validator_reads(rows, merges, spreadsheet):
    imported = import_rows(rows, merges, spreadsheet=spreadsheet)
    text = catalogue_yaml(imported, name="目录", unit="某局", source="t.xlsx")
    checked = check_text(text)
    assert not any(p.code in ("E003", "E004", "E005", "E006") for p in checked.problems)
    assert checked.item_count == len(imported.items)
