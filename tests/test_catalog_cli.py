"""hunnan-gk catalog: validate, schema, show, export, diff."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from hunnan_gk.catalogue import check_file, json_schema

from tests.catalogue_samples import HEAD, ITEM
from tests.helpers import SHIPPED_CATALOGUE as SHIPPED

SMALL = HEAD + ITEM
CONTENT = "    公开内容: 事项名称、办理条件、申请材料\n"


@pytest.fixture
def shipped(tmp_path):
    target = tmp_path / "hunnan-2024.yaml"
    shutil.copy(SHIPPED, target)
    return target


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def assert_clean_failure(result, code: int = 1):
    assert result.exit_code == code
    assert "Traceback" not in result.stdout + result.stderr


# --- validate ---


def test_validate_shipped_catalogue_has_no_errors_and_marks_what_is_unchecked(cli, shipped):
    result = cli("catalog", "validate", shipped)
    assert result.exit_code == 0
    # the one citation that could not be checked against its source says so (issue 17 item 4)
    assert [line.split(" ", 3)[2] for line in result.stdout.splitlines()] == ["W004"]
    assert "0 个错误，1 个警告" in result.stderr
    assert cli("catalog", "validate", shipped, "--strict").exit_code == 1


def test_validate_lists_every_problem_as_linter_lines(cli, tmp_path):
    bad = write(tmp_path / "bad.yaml", SMALL.replace("公开时限: 信息形成或变更之日起20个工作日内", "公开时限: 及时")
                + "  - 编号: HN-001\n    content: x\n")
    result = cli("catalog", "validate", bad)
    assert_clean_failure(result)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{bad}:11:11: 警告 W001 " + lines[0].split(" W001 ", 1)[1]
    codes = [line.split()[2] for line in lines]
    assert codes == ["W001", "E007", "E011", "E010"]
    assert "缺少“公开事项”、“公开依据”、“公开时限”、“公开主体”、“公开渠道”、“责任单位”" in lines[1]
    assert all(line.startswith(f"{bad}:") and (" 错误 " in line or " 警告 " in line) for line in lines)


def test_warnings_pass_unless_strict(cli, tmp_path):
    path = write(tmp_path / "w.yaml", SMALL.replace("《中华人民共和国政府信息公开条例》第二十条", "有关规定"))
    assert cli("catalog", "validate", path).exit_code == 0
    strict = cli("catalog", "validate", path, "--strict")
    assert strict.exit_code == 1 and " W002 " in strict.stdout


def test_validate_several_files_and_a_missing_one(cli, tmp_path, shipped):
    result = cli("catalog", "validate", shipped, tmp_path / "nope.yaml")
    assert_clean_failure(result)
    *shipped_warnings, missing = result.stdout.strip().splitlines()  # the shipped file: only W004
    assert missing == f"{tmp_path / 'nope.yaml'}:1:1: 错误 E001 文件不存在"
    assert all(" W004 " in line for line in shipped_warnings)


def test_validate_json_output(cli, tmp_path, shipped):
    bad = write(tmp_path / "bad.yaml", SMALL.replace("公开渠道: [政府网站, 政务新媒体]", "公开渠道: [网站]"))
    result = cli("catalog", "validate", shipped, bad, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["files", "items", "problems"]
    assert data["files"] == [str(shipped), str(bad)]
    assert data["items"] == check_file(SHIPPED).item_count + 1
    [problem] = [p for p in data["problems"] if p["path"] == str(bad)]
    assert {p["code"] for p in data["problems"] if p["path"] == str(shipped)} == {"W004"}
    assert problem == {
        "path": str(bad),
        "line": 13,
        "column": 12,
        "severity": "error",
        "code": "E013",
        "message": problem["message"],
    }
    assert "网站" in problem["message"]


def test_gbk_file_gets_the_encoding_message_not_a_traceback(cli, tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(SMALL.encode("gbk"))
    result = cli("catalog", "validate", path)
    assert_clean_failure(result)
    assert " 错误 E002 " in result.stdout and "GBK/GB18030" in result.stdout and "iconv" in result.stdout


def test_bom_is_accepted(cli, tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(SMALL.encode("utf-8-sig"))
    assert cli("catalog", "validate", path, "--strict").exit_code == 0


def test_validate_unknown_format_is_a_usage_error(cli, shipped):
    result = cli("catalog", "validate", shipped, "--format", "xml")
    assert_clean_failure(result, 2)


# --- schema ---


def test_schema_is_draft_2020_12_json(cli):
    result = cli("catalog", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema == json_schema()
    item = schema["$defs"]["item"]
    for element in ("公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "责任单位", "编号"):
        assert element in item["required"]
    # 公开事项 is required unless 一级事项 stands in for it (the standard catalogue's columns)
    assert item["anyOf"] == [{"required": ["公开事项"]}, {"required": ["一级事项"]}]
    assert item["additionalProperties"] is False


def test_the_shipped_schema_file_is_up_to_date():
    shipped_schema = json.loads((SHIPPED.parent / "catalog.schema.json").read_text(encoding="utf-8"))
    assert shipped_schema == json_schema(), "run: hunnan-gk catalog schema > catalogs/catalog.schema.json"


def _as_json_data(value):
    """What an editor's YAML 1.2 support sees: dates stay text."""
    if isinstance(value, dict):
        return {key: _as_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json_data(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


def test_schema_accepts_the_shipped_catalogue_and_rejects_mistakes():
    jsonschema = pytest.importorskip("jsonschema")
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(json_schema())
    validator = validator_class(json_schema())
    data = _as_json_data(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(data)) == []
    broken = _as_json_data(yaml.safe_load(SMALL))
    broken["事项"][0]["channels"] = broken["事项"][0].pop("公开渠道")
    broken["事项"][0]["公开时限"] = 20
    messages = [error.message for error in validator.iter_errors(broken)]
    assert len(messages) == 3  # unknown key, missing 公开渠道, number for text


# --- show ---


def test_show_prints_every_item_and_folds(cli, shipped):
    result = cli("catalog", "show", shipped)
    assert result.exit_code == 0
    catalogue = check_file(SHIPPED).catalogue
    for item in catalogue.items:
        assert item["编号"] in result.stdout
    assert "浑南区人民政府主动公开事项目录" in result.stdout
    assert "…" not in result.stdout


def test_show_refuses_an_invalid_catalogue(cli, tmp_path):
    bad = write(tmp_path / "bad.yaml", SMALL.replace("    公开依据: 《中华人民共和国政府信息公开条例》第二十条\n", ""))
    result = cli("catalog", "show", bad)
    assert_clean_failure(result)
    assert f"{bad}:7:5: 错误 E007" in result.stderr
    assert "错误：目录" in result.stderr and result.stdout == ""


def test_show_missing_file(cli, tmp_path):
    result = cli("catalog", "show", tmp_path / "nope.yaml")
    assert_clean_failure(result)
    assert "E001" in result.stderr


# --- export ---


def test_export_csv_reads_back(cli, shipped, tmp_path):
    out = tmp_path / "目录.csv"
    result = cli("catalog", "export", shipped, "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = check_file(SHIPPED).catalogue.items
    assert [row["编号"] for row in rows] == [item["编号"] for item in items]
    assert rows[0]["公开渠道"] == "、".join(items[0]["公开渠道"])
    assert rows[0]["更新日期"] == items[0]["更新日期"].isoformat()


def test_export_xlsx_reads_back(cli, shipped, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "目录.xlsx"
    assert cli("catalog", "export", shipped, "-o", out).exit_code == 0  # format from the suffix
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    items = check_file(SHIPPED).catalogue.items
    assert rows[0][:3] == ("编号", "类别", "公开事项")
    assert [row[0] for row in rows[1:]] == [item["编号"] for item in items]
    assert rows[1][2] == items[0]["公开事项"]


@pytest.mark.parametrize("fmt, suffix", [("html", ".html"), ("markdown", ".md")])
def test_export_pages_contain_every_item(cli, shipped, tmp_path, fmt, suffix):
    out = tmp_path / f"目录{suffix}"
    result = cli("catalog", "export", shipped, "--format", fmt, "-o", out)
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    for item in check_file(SHIPPED).catalogue.items:
        assert item["编号"] in page
        assert item["公开事项"] in page
    assert "浑南区人民政府主动公开事项目录" in page
    assert not list(tmp_path.glob(".*.tmp"))


def test_html_is_self_contained_and_escaped(cli, tmp_path):
    source = write(tmp_path / "x.yaml", SMALL.replace(CONTENT, '    公开内容: "<script>alert(1)</script> & 办理条件"\n'))
    out = tmp_path / "x.html"
    assert cli("catalog", "export", source, "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<link" not in page and "src=" not in page


def test_markdown_escapes_pipes(cli, tmp_path):
    source = write(tmp_path / "x.yaml", SMALL.replace(CONTENT, '    公开内容: "甲|乙"\n'))
    out = tmp_path / "x.md"
    assert cli("catalog", "export", source, "-o", out).exit_code == 0
    assert "甲\\|乙" in out.read_text(encoding="utf-8")


def test_export_refuses_an_invalid_catalogue_and_writes_nothing(cli, tmp_path):
    bad = write(tmp_path / "bad.yaml", SMALL + "  - 公开事项：政策解读\n")
    out = tmp_path / "out.csv"
    result = cli("catalog", "export", bad, "-o", out)
    assert_clean_failure(result)
    assert "E006" in result.stderr
    assert not out.exists()


def test_export_unknown_suffix_without_format_is_a_usage_error(cli, shipped, tmp_path):
    result = cli("catalog", "export", shipped, "-o", tmp_path / "out.pdf")
    assert_clean_failure(result, 2)
    assert "--format" in result.stderr


def test_export_into_a_missing_directory_is_refused(cli, shipped, tmp_path):
    result = cli("catalog", "export", shipped, "--format", "csv", "-o", tmp_path / "nope" / "out.csv")
    assert_clean_failure(result)
    assert "无法写入" in result.stderr


# --- diff ---


def test_diff_added_removed_changed(cli, tmp_path):
    old = write(tmp_path / "old.yaml", SMALL + SMALL.split("事项:\n")[1].replace("HN-001", "HN-002").replace("服务事项基本目录", "办事指南"))
    new_text = (
        SMALL.replace("公开渠道: [政府网站, 政务新媒体]", "公开渠道: [政府网站]").replace("2024-07-26", "2024-09-01")
        + SMALL.split("事项:\n")[1].replace("HN-001", "HN-003").replace("服务事项基本目录", "中介服务事项清单")
    )
    new = write(tmp_path / "new.yaml", new_text)
    result = cli("catalog", "diff", old, new)
    assert result.exit_code == 0
    assert "+ HN-003 中介服务事项清单" in result.stdout
    assert "- HN-002 办事指南" in result.stdout
    assert "~ HN-001 服务事项基本目录" in result.stdout
    assert "公开渠道：政府网站、政务新媒体 → 政府网站" in result.stdout
    assert "更新日期：2024-07-26 → 2024-09-01" in result.stdout

    data = json.loads(cli("catalog", "diff", old, new, "--json").stdout)
    assert [item["编号"] for item in data["added"]] == ["HN-003"]
    assert [item["编号"] for item in data["removed"]] == ["HN-002"]
    assert data["changed"] == [
        {
            "编号": "HN-001",
            "公开事项": "服务事项基本目录",
            "changes": [{"field": "公开渠道", "old": ["政府网站", "政务新媒体"], "new": ["政府网站"]}],
        }
    ]
    assert data["catalogue"] == [{"field": "更新日期", "old": "2024-07-26", "new": "2024-09-01"}]


def test_diff_of_identical_catalogues(cli, shipped):
    result = cli("catalog", "diff", shipped, shipped)
    assert result.exit_code == 0 and "相同" in result.stdout


def test_diff_refuses_an_invalid_catalogue(cli, shipped, tmp_path):
    result = cli("catalog", "diff", shipped, tmp_path / "nope.yaml")
    assert_clean_failure(result)
    assert "E001" in result.stderr


def test_show_on_a_narrow_terminal_prints_one_card_per_item(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("catalog", "show", SHIPPED)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 * 2  # CJK cells are two columns wide
    assert sum(line.startswith("公开事项") for line in lines) >= 25
    assert "…" not in result.stdout
