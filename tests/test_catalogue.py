"""The catalogue validator: every rule gives its code at the right line and column."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hunnan_gk import catalogue
from hunnan_gk.catalogue import CODES, check_bytes, check_file, check_text

from tests.catalogue_samples import HEAD, ITEM
from tests.helpers import SHIPPED_CATALOGUE as SHIPPED


def found(text: str) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in check_text(text, "t.yaml").problems]


def with_item(**changes: str | None) -> str:
    """The valid item with some lines replaced (value text) or removed (None)."""
    lines = []
    for line in ITEM.splitlines():
        key = line.strip().removeprefix("- ").split(":")[0]
        if key in changes:
            if changes[key] is None:
                continue
            prefix = line[: line.index(":") + 1]
            line = f"{prefix} {changes[key]}" if changes[key] != "" else prefix
        lines.append(line)
    return HEAD + "\n".join(lines) + "\n"


def test_a_valid_catalogue_has_no_problems():
    checked = check_text(HEAD + ITEM)
    assert checked.problems == []
    assert checked.item_count == 1
    item = checked.catalogue.items[0]
    assert item["公开渠道"] == ["政府网站", "政务新媒体"]
    assert checked.catalogue.header["更新日期"] == date(2024, 7, 26)


def test_the_shipped_catalogue_validates_clean():
    checked = check_file(SHIPPED)
    # no error; the citations not yet checked against their source carry 核对: false (W004)
    assert [(p.code, p.message[:10]) for p in checked.problems] == [("W004", "事项“HN-005”")]
    assert checked.item_count >= 25
    subjects = {item["公开主体"] for item in checked.catalogue.items}
    assert len(subjects) >= 4


def test_every_code_is_documented_in_the_module_and_the_docs():
    docs = (SHIPPED.parent.parent / "docs" / "catalogue.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| {code} |" in catalogue.__doc__
        assert f"| {code} |" in docs


# --- files and encodings ---


def test_missing_file_is_e001(tmp_path):
    checked = check_file(tmp_path / "nope.yaml")
    assert [(p.code, p.line, p.column) for p in checked.problems] == [("E001", 1, 1)]
    assert "不存在" in checked.problems[0].message
    assert checked.catalogue is None


def test_a_directory_is_e001(tmp_path):
    assert check_file(tmp_path).problems[0].code == "E001"


def test_gbk_file_gets_the_encoding_message(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes((HEAD + ITEM).encode("gbk"))
    [problem] = check_file(path).problems
    # “目录” in GBK (C4 BF C2 BC) happens to be valid UTF-8; 名称 on line 2 is not
    assert (problem.code, problem.line, problem.column) == ("E002", 2, 3)
    assert "GBK/GB18030" in problem.message
    assert "iconv -f GB18030 -t UTF-8" in problem.message
    assert "另存为" in problem.message


def test_encoding_error_points_at_the_first_bad_byte():
    data = "目录:\n  名称: 测试\n".encode() + "  编制单位: 区政府".encode("gbk")
    [problem] = check_bytes(data).problems
    assert (problem.code, problem.line, problem.column) == ("E002", 3, 3)


def test_utf16_is_named():
    [problem] = check_bytes((HEAD + ITEM).encode("utf-16")).problems
    assert problem.code == "E002" and "UTF-16" in problem.message


def test_bom_is_accepted_and_positions_ignore_it():
    data = ("\ufeff" + with_item(公开时限="及时")).encode("utf-8")
    assert [(p.code, p.line, p.column) for p in check_bytes(data).problems] == [("W001", 11, 11)]


# --- YAML syntax and duplicates ---


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("目录:\n  名称: [a, b\n事项: []\n", 3, 3, "方括号"),
        ("目录:\n\t名称: x\n", 2, 1, "Tab"),
        ("目录:\n  名称：测试\n  编制单位: 办公室\n", 3, 7, "全角冒号"),
        ("事项: *nowhere\n", 1, 5, "锚点"),
        ("事项: []\n---\n事项: []\n", 2, 1, "文档"),
    ],
)
def test_syntax_errors_are_e003(text, line, column, words):
    [problem] = check_text(text).problems
    assert (problem.code, problem.line, problem.column) == ("E003", line, column)
    assert words in problem.message


def test_duplicate_keys_at_every_level():
    text = HEAD.replace("  更新日期: 2024-07-26\n", "  更新日期: 2024-07-26\n  名称: 又一个\n") + ITEM.replace(
        "    责任单位", "    公开内容: 第二遍\n    责任单位"
    )
    text += "事项: []\n"
    assert found(text) == [("E004", 5, 3), ("E004", 15, 5), ("E004", 17, 1)]


def test_duplicate_keys_inside_nested_values():
    text = with_item(公开内容="{甲: 1, 甲: 2}")
    assert ("E004", 9, 18) in found(text)


def test_alias_loops_do_not_hang():
    assert found("a: &x [*x]\n")[0][0] == "E010"


# --- shape ---


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", [("E005", 1, 1)]),
        ("- 一\n- 二\n", [("E005", 1, 1)]),
        (HEAD.replace("事项:\n", ""), [("E007", 1, 1)]),
        (HEAD + "  不是列表\n", [("E005", 7, 3)]),
        ("目录: 文字\n渠道: [网站]\n事项: []\n", [("E005", 1, 5)]),
        (HEAD.replace("渠道: [政府网站, 政务新媒体]", "渠道: 政府网站") + ITEM, [("E005", 5, 5)]),
    ],
)
def test_top_level_shape_is_e005_or_e007(text, expected):
    assert found(text) == expected


def test_an_item_that_is_not_a_mapping_is_e006():
    text = HEAD + ITEM + "  - 公开事项：政策解读\n"
    [problem] = check_text(text).problems
    assert (problem.code, problem.line, problem.column) == ("E006", 15, 5)
    assert "全角冒号" in problem.message


# --- elements ---


def test_missing_element_is_e007_at_the_item():
    [problem] = check_text(with_item(公开依据=None)).problems
    assert (problem.code, problem.line, problem.column) == ("E007", 7, 5)
    assert "公开依据" in problem.message and "HN-001" in problem.message


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"公开内容": ""}, ("E008", 9, 5)),  # nothing after the colon: point at the key
        ({"公开内容": '"  "'}, ("E008", 9, 11)),
        ({"公开渠道": "[]"}, ("E008", 13, 11)),
    ],
)
def test_empty_element_is_e008(changes, expected):
    assert found(with_item(**changes)) == [expected]


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"公开时限": "20"}, ("E009", 11, 11)),
        ({"公开内容": "[甲, [乙, 丙]]"}, ("E009", 9, 11)),
        ({"编号": "7"}, ("E009", 7, 9)),
        ({"公开主体": "{名称: 营商局}"}, ("E009", 12, 11)),
        ({"公开渠道": "[政府网站, [政务新媒体]]"}, ("E009", 13, 18)),
        ({"公开渠道": "true"}, ("E009", 13, 11)),
    ],
)
def test_wrong_type_is_e009(changes, expected):
    assert found(with_item(**changes)) == [expected]


def test_a_number_where_text_belongs_suggests_quotes():
    [problem] = check_text(with_item(公开时限="20")).problems
    assert '"20"' in problem.message


@pytest.mark.parametrize(
    "key, suggestion",
    [
        ("channels", "公开渠道"),
        ("content", "公开内容"),
        ("Basis", "公开依据"),
        ("deadline", "公开时限"),
        ("publisher", "公开主体"),
        ("department", "责任单位"),
        ("公开渠到", "公开渠道"),
        ("责任", "责任单位"),
    ],
)
def test_unknown_key_is_e010_with_a_suggestion(key, suggestion):
    text = with_item(备注=None) + f"    {key}: 备注\n"
    [problem] = [p for p in check_text(text).problems if p.code == "E010"]
    assert (problem.line, problem.column) == (15, 5)
    assert f"是否应为“{suggestion}”" in problem.message


def test_an_english_key_for_a_missing_element_is_reported_once():
    text = with_item(公开内容=None).replace("    公开依据", "    content: 事项名称\n    公开依据")
    assert found(text) == [("E010", 9, 5)]


def test_unknown_key_without_a_near_name_lists_the_keys():
    [problem] = check_text(with_item() + "    联系电话: 24812345\n").problems
    assert problem.code == "E010" and "公开渠道" in problem.message


def test_unknown_top_level_and_header_keys():
    text = HEAD.replace("  名称:", "  title:") + ITEM + "items: []\n"
    assert found(text) == [("E010", 2, 3), ("E010", 15, 1)]


# --- across items ---


def test_duplicate_number_is_e011():
    text = HEAD + ITEM + ITEM.replace("服务事项基本目录", "办事指南")
    [problem] = check_text(text).problems
    assert (problem.code, problem.line, problem.column) == ("E011", 15, 9)
    assert "第 7 行" in problem.message


def test_same_title_for_one_subject_is_e012():
    text = HEAD + ITEM + ITEM.replace("HN-001", "HN-002")
    [problem] = check_text(text).problems
    assert (problem.code, problem.line, problem.column) == ("E012", 16, 11)


def test_same_title_for_another_subject_is_fine():
    other = ITEM.replace("HN-001", "HN-002").replace("公开主体: 浑南区营商环境建设局", "公开主体: 浑南区司法局")
    assert found(HEAD + ITEM + other) == []


def test_undeclared_channel_is_e013_with_a_suggestion():
    [problem] = check_text(with_item(公开渠道="[政府网站, 政务新媒休]")).problems
    assert (problem.code, problem.line, problem.column) == ("E013", 13, 18)
    assert "是否应为“政务新媒体”" in problem.message


def test_channels_written_as_one_string_are_e013_with_a_hint():
    [problem] = check_text(with_item(公开渠道="政府网站、政务新媒体")).problems
    assert problem.code == "E013" and "写成列表" in problem.message


def test_a_single_declared_channel_may_be_plain_text():
    checked = check_text(with_item(公开渠道="政府网站"))
    assert checked.problems == [] and checked.catalogue.items[0]["公开渠道"] == ["政府网站"]


def test_without_a_declaration_any_channel_is_allowed():
    text = with_item(公开渠道="[政务服务网]").replace("渠道: [政府网站, 政务新媒体]\n", "")
    assert found(text) == []


@pytest.mark.parametrize(
    "value, expected",
    [("2024-02-30", ("E014", 15, 11)), ("上个月", ("E014", 15, 11)), ('"2023-13-01"', ("E014", 15, 11))],
)
def test_impossible_date_is_e014(value, expected):
    assert found(with_item() + f"    更新日期: {value}\n") == [expected]


def test_impossible_catalogue_date_is_e014():
    assert found(HEAD.replace("2024-07-26", "2024-02-30") + ITEM) == [("E014", 4, 9)]


# --- warnings ---


@pytest.mark.parametrize(
    "period",
    [
        "信息形成或变更之日起20个工作日内",
        "7日内",
        "二十个工作日内",
        "每年1月31日前",
        "每季度",
        "每月更新",
        "实时",
        "长期公开",
        "常态化",
        "会议结束后5个工作日内",
    ],
)
def test_concrete_periods_pass(period):
    assert found(with_item(公开时限=period)) == []


@pytest.mark.parametrize("period", ["及时", "按规定", "适时公开"])
def test_vague_period_is_w001(period):
    assert found(with_item(公开时限=period)) == [("W001", 11, 11)]


def test_basis_without_a_document_is_w002():
    assert found(with_item(公开依据="有关规定")) == [("W002", 10, 11)]


def test_item_date_over_a_year_old_is_w003():
    assert found(with_item() + "    更新日期: 2023-07-25\n") == [("W003", 15, 11)]
    assert found(with_item() + "    更新日期: 2023-07-26\n") == []


def test_leap_day_catalogue_date():
    text = HEAD.replace("2024-07-26", "2024-02-29") + ITEM + "    更新日期: 2023-02-27\n"
    assert found(text) == [("W003", 15, 11)]


# --- several problems at once ---


def test_every_problem_is_reported_in_one_run_in_order():
    text = with_item(公开时限="及时", 公开依据="有关规定", 公开内容="") + ITEM.replace("    公开渠道: [政府网站, 政务新媒体]\n", "")
    codes = found(text)
    assert codes == [("E008", 9, 5), ("W002", 10, 11), ("W001", 11, 11), ("E007", 15, 5), ("E011", 15, 9), ("E012", 16, 11)]


def test_problem_text_line_format():
    [problem] = check_text(with_item(公开依据="有关规定"), "catalogs/x.yaml").problems
    assert problem.as_text().startswith("catalogs/x.yaml:10:11: 警告 W002 ")
    assert set(problem.as_dict()) == {"path", "line", "column", "severity", "code", "message"}


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_validator_never_raises_on_any_text(text):
    checked = check_text(text)
    assert all(p.code in CODES and p.line >= 1 and p.column >= 1 for p in checked.problems)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_the_validator_never_raises_on_any_bytes(data):
    checked = check_bytes(data)
    assert all(p.code in CODES for p in checked.problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ITEM.splitlines(keepends=True) + ["  - ", "    ", ": ", "[", "]", "{", "&a ", "*a ", "\n", "！"]), max_size=40))
def test_the_validator_never_raises_on_yamlish_text(pieces):
    check_text(HEAD + "".join(pieces))
