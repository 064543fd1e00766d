"""The standard catalogue's columns (issue 17): 一级/二级事项, 公开对象, 公开方式, 公开层级, 领域,
栏目 and 核对, in the validator, the schema, show, export and diff."""

from __future__ import annotations

import csv
import json

import pytest
import yaml

from hunnan_gk.catalogue import check_text, json_schema

from catalogue_samples import HEAD, ITEM

# line 7 onwards; every key at column 5
STANDARD = HEAD.replace("  更新日期: 2024-07-26\n", "  更新日期: 2024-07-26\n  领域: [重大建设项目, 义务教育]\n") + """\
  - 编号: "ZD-01"
    领域: 重大建设项目
    一级事项: 审批服务
    二级事项: 项目审批信息
    公开内容: 项目建议书、可行性研究报告、初步设计的审批结果
    公开依据: 《中华人民共和国政府信息公开条例》第二十条
    公开时限: 信息形成（或变更）之日起20个工作日内
    公开主体: 浑南区发展和改革局
    公开渠道: [政府网站]
    公开对象: 全社会
    公开方式: 主动
    公开层级: [县级, 乡级]
    责任单位: 浑南区发展和改革局
    栏目: https://www.hunnan.gov.cn/zdxm/
    核对: true
"""
MODE_LINE = STANDARD.splitlines().index("    公开方式: 主动") + 1


def found(text: str, **kwargs) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in check_text(text, "t.yaml", **kwargs).problems]


def test_a_standard_catalogue_validates_and_derives_its_title():
    checked = check_text(STANDARD)
    assert checked.problems == []
    item = checked.catalogue.items[0]
    assert item["公开事项"] == "审批服务/项目审批信息"
    assert item["公开层级"] == ["县级", "乡级"]
    assert item["核对"] is True
    assert checked.catalogue.header["领域"] == ["重大建设项目", "义务教育"]


def test_only_a_first_level_item_is_its_own_title():
    text = STANDARD.replace("    二级事项: 项目审批信息\n", "")
    checked = check_text(text)
    assert checked.problems == []
    assert checked.catalogue.items[0]["公开事项"] == "审批服务"


def test_an_explicit_title_wins_over_the_levels():
    text = STANDARD.replace("    一级事项: 审批服务\n", "    一级事项: 审批服务\n    公开事项: 项目审批\n")
    assert check_text(text).catalogue.items[0]["公开事项"] == "项目审批"


def test_without_title_or_first_level_the_title_is_missing():
    text = STANDARD.replace("    一级事项: 审批服务\n", "")
    problems = check_text(text).problems
    codes = [p.code for p in problems]
    assert codes.count("E007") == 2  # no 公开事项, and a 二级事项 without its 一级事项
    assert any("缺少“一级事项”" in p.message for p in problems)


@pytest.mark.parametrize(
    "value, hint",
    [("主动公开", "是否应为“主动”"), ("依申请公开", "是否应为“依申请”"), ("随便", "")],
)
def test_a_wrong_mode_is_e015_at_its_line(value, hint):
    problems = check_text(STANDARD.replace("公开方式: 主动", f"公开方式: {value}"), "t.yaml").problems
    assert [(p.code, p.line, p.column) for p in problems] == [("E015", MODE_LINE, 11)]
    assert "主动、依申请" in problems[0].message
    assert hint in problems[0].message


def test_a_wrong_audience_and_a_wrong_level_entry_are_e015_where_they_stand():
    text = STANDARD.replace("公开对象: 全社会", "公开对象: 特定群众").replace("[县级, 乡级]", "[县级, 市级]")
    lines = text.splitlines()
    audience = lines.index("    公开对象: 特定群众") + 1
    level = lines.index("    公开层级: [县级, 市级]") + 1
    assert found(text) == [("E015", audience, 11), ("E015", level, 16)]
    assert check_text(text).problems[0].message.endswith("是否应为“特定群体”？")


def test_a_single_level_may_be_plain_text_and_a_number_is_e009():
    assert check_text(STANDARD.replace("[县级, 乡级]", "乡级")).catalogue.items[0]["公开层级"] == ["乡级"]
    assert [code for code, _, _ in found(STANDARD.replace("公开对象: 全社会", "公开对象: 3"))] == ["E009"]


def test_an_area_outside_the_declared_list_is_e016_with_a_suggestion():
    text = STANDARD.replace("    领域: 重大建设项目\n", "    领域: 重大建设\n")
    problems = check_text(text).problems
    assert [p.code for p in problems] == ["E016"]
    assert "是否应为“重大建设项目”" in problems[0].message


def test_without_a_declared_list_the_office_list_applies():
    text = STANDARD.replace("  领域: [重大建设项目, 义务教育]\n", "")
    assert check_text(text).problems == []  # no list anywhere: free text
    assert check_text(text).wants_area_list
    assert [p.code for p in check_text(text, areas=["义务教育"]).problems] == ["E016"]
    assert check_text(text, areas=["重大建设项目"]).problems == []
    assert not check_text(STANDARD, areas=["义务教育"]).problems  # the file's own list wins


def test_unchecked_basis_is_w004_at_the_citation():
    text = STANDARD.replace("核对: true", "核对: false")
    basis = text.splitlines().index("    公开依据: 《中华人民共和国政府信息公开条例》第二十条") + 1
    assert found(text) == [("W004", basis, 11)]
    assert [code for code, _, _ in found(STANDARD.replace("核对: true", "核对: 否"))] == ["E009"]


def test_an_old_catalogue_checks_exactly_as_before():
    # nothing new is required; the old keys give the same result
    assert check_text(HEAD + ITEM).problems == []
    assert found(HEAD + ITEM.replace("公开事项", "title")) == [("E010", 8, 5)]


def test_the_schema_knows_the_new_keys():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    data = yaml.safe_load(STANDARD)
    data["目录"]["更新日期"] = "2024-07-26"
    assert list(validator.iter_errors(data)) == []
    data["事项"][0]["公开方式"] = "主动公开"
    data["事项"][0]["公开层级"] = ["县级", "省级"]
    del data["事项"][0]["一级事项"]
    assert len(list(validator.iter_errors(data))) == 3


def test_show_export_and_diff_cover_the_new_keys(cli, tmp_path):
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(STANDARD, encoding="utf-8")
    new.write_text(STANDARD.replace("公开方式: 主动", "公开方式: 依申请"), encoding="utf-8")
    shown = cli("catalog", "show", old)
    assert shown.exit_code == 0
    for text in ("审批服务/项目审批信息", "全社会", "县级、乡级", "重大建设项目"):
        assert text in shown.stdout
    out = tmp_path / "目录.csv"
    assert cli("catalog", "export", old, "-o", out).exit_code == 0
    header, row = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert header[:6] == ["编号", "领域", "一级事项", "二级事项", "公开事项", "公开内容"]
    assert {"公开对象", "公开方式", "公开层级", "栏目"} <= set(header)
    assert "核对" not in header  # the office's own note, not published
    assert row[header.index("公开层级")] == "县级、乡级"
    diff = cli("catalog", "diff", old, new, "--json")
    assert json.loads(diff.stdout)["changed"][0]["changes"] == [{"field": "公开方式", "old": "主动", "new": "依申请"}]


def test_validate_reads_the_configured_areas(cli, tmp_path, config_file):
    path = tmp_path / "c.yaml"
    path.write_text(STANDARD.replace("  领域: [重大建设项目, 义务教育]\n", ""), encoding="utf-8")
    assert cli("catalog", "validate", path).exit_code == 0
    config_file.write_text("catalogue_areas: [义务教育, 社会救助]\n", encoding="utf-8")
    result = cli("catalog", "validate", path)
    assert result.exit_code == 1
    assert "E016" in result.stdout and "义务教育、社会救助" in result.stdout
