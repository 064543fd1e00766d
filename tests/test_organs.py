"""Organs (答复机关, issue 14): the config, register --organ (checked like departments, stored,
correctable), and report annual per organ and as a summary over all of them."""

from __future__ import annotations

import json

import pytest

from hunnan_gk.config import parse_settings
from hunnan_gk.errors import ConfigError
from tests.helpers import ok, ok_json, register

ORGANS = """
organ: 浑南区人民政府
organs:
  - name: 浑南区人民政府
    review_body: 沈阳市人民政府
    court: 沈阳市中级人民法院
  - name: 浑南区住房和城乡建设局
    review_body: 浑南区人民政府
    court: 沈阳铁路运输法院
    address: 沈阳市浑南区某路1号
    contact: 024-12345678
"""
GOV, BUREAU = "浑南区人民政府", "浑南区住房和城乡建设局"


def test_config_reads_the_default_organ_and_the_list():
    organs = parse_settings(ORGANS).organs
    assert organs.default == GOV and organs.names == [GOV, BUREAU] and organs.several
    assert organs.get(BUREAU).court == "沈阳铁路运输法院" and organs.get(None).review_body == "沈阳市人民政府"
    single = parse_settings("organ: {name: 某局, review_body: 某市人民政府, court: 某法院}").organs
    assert single.default == "某局" and single.get(None).court == "某法院" and not single.several
    assert parse_settings("organ: 浑南区人民政府办公室").organs.names == ["浑南区人民政府办公室"]


@pytest.mark.parametrize(("text", "message"), [
    ("organ: [a, b]", "organ 应为机关名称"),
    ("organs: [{name: 甲, colour: red}]", "organs[1].colour"),
    ("organs: [{name: 甲}, {name: 甲}]", "出现了两次"),
    ("organs: [{review_body: 乙}]", "organs[1].name"),
])
def test_config_mistakes_name_the_key(text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_settings(text)


def test_a_missing_setting_is_named_in_the_message_and_the_hint():
    organ = parse_settings(ORGANS).organs.get(None)
    with pytest.raises(ConfigError) as missing:
        organ.require("contact")
    assert "contact（联系方式）" in missing.value.message
    assert "contact" in missing.value.hint and "review_body" not in missing.value.hint
    with pytest.raises(ConfigError) as refused:
        parse_settings("organ: 某局").organs.get(None).require("review_body")
    assert "review_body（复议机关）" in refused.value.hint and "行政复议法" in refused.value.hint


def test_register_stores_the_organ_checked_like_departments(cli, config_file):
    config_file.write_text(ORGANS, encoding="utf-8")
    assert register(cli, "2025-03-03")["organ"] == GOV  # the default organ
    assert register(cli, "2025-03-04", organ=BUREAU)["organ"] == BUREAU
    refused = cli("register", "--applicant", "甲", "--type", "natural", "--channel", "online",
                  "--received", "2025-03-05", "--content", "某事", "--organ", "住房和城乡建设局")
    assert refused.exit_code == 2 and "不是配置中的答复机关" in refused.stderr and BUREAU in refused.stderr
    corrected = ok_json(cli("correct", "2025-0001", "--field", "organ", "--to", BUREAU,
                            "--reason", "应由住建局答复", "--json"))
    assert corrected["organ"] == BUREAU
    assert cli("correct", "2025-0001", "--field", "organ", "--to", "某局", "--reason", "x").exit_code == 2
    assert "答复机关" in ok(cli("show", "2025-0001")).stdout
    ok(cli("audit", "verify"))


def _table(cli, *args):
    return ok_json(cli("report", "annual", "--year", "2025", "--format", "json", *args))


def test_annual_per_organ_sums_to_the_summary(cli, config_file):
    # a request registered before organs were configured belongs to the default organ
    register(cli, "2025-02-03", "旧申请")
    config_file.write_text(ORGANS, encoding="utf-8")
    for day, organ, kind in (("03", GOV, "natural"), ("04", BUREAU, "commercial"), ("05", BUREAU, "natural")):
        register(cli, f"2025-03-{day}", organ=organ, type=kind)
    ok(cli("withdraw", "2025-0003", "--reason", "撤回", "--on", "2025-03-06"))
    ok(cli("appeal", "add", "2025-0003", "--kind", "reconsideration", "--on", "2025-04-01"))
    summary, gov, bureau = _table(cli), _table(cli, "--organ", GOV), _table(cli, "--organ", BUREAU)
    assert summary["organ"] is None and summary["summary_of"] == [GOV, BUREAU]
    assert gov["organ"] == GOV and bureau["organ"] == BUREAU and gov["summary_of"] is None
    for index, row in enumerate(summary["rows"]):
        for column, value in row["values"].items():
            assert gov["rows"][index]["values"][column] + bureau["rows"][index]["values"][column] == value
    assert gov["rows"][0]["values"]["total"] == 2 and bureau["rows"][0]["values"]["total"] == 2
    assert bureau["appeals"]["reconsideration"]["pending"] == 1
    assert gov["appeals"]["reconsideration"]["pending"] == 0
    text = ok(cli("report", "annual", "--year", "2025")).stdout
    assert "各机关汇总" in text
    markdown = ok(cli("report", "annual", "--year", "2025", "--organ", BUREAU, "--format", "markdown")).stdout
    assert markdown.startswith(f"# {BUREAU} 2025年度")
    assert cli("report", "annual", "--year", "2025", "--organ", "某局").exit_code == 2


def test_one_organ_labels_its_report(cli, config_file):
    config_file.write_text("organ: 浑南区人民政府办公室\n", encoding="utf-8")
    register(cli, "2025-03-03")
    data = _table(cli)
    assert data["organ"] == "浑南区人民政府办公室" and data["summary_of"] is None
    assert json.loads(ok(cli("show", "2025-0001", "--json")).stdout)["organ"] == "浑南区人民政府办公室"


def test_db_check_names_stored_organs_no_longer_configured(cli, config_file):
    config_file.write_text(ORGANS, encoding="utf-8")
    register(cli, "2025-03-04", organ=BUREAU)
    config_file.write_text("organ: 浑南区人民政府\n", encoding="utf-8")
    checked = ok_json(cli("db", "check", "--json"))
    assert checked["unknown_organs"] == [{"name": BUREAU, "requests": 1}]
    assert "不在配置的 organ、organs 中" in ok(cli("db", "check")).stdout
