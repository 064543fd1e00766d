"""The one YAML load: Chinese errors naming the file and the line."""

from __future__ import annotations

import pytest

from hunnan_gk.errors import ConfigError
from hunnan_gk.yamltext import YamlSyntaxError, compose, compose_yaml, load_yaml


def test_load_yaml_gives_data():
    assert load_yaml("a: 1\nb: [x, y]\n", "f.yaml") == {"a": 1, "b": ["x", "y"]}
    assert load_yaml("", "f.yaml") is None


@pytest.mark.parametrize("load", [load_yaml, compose_yaml])
def test_a_syntax_error_names_the_file_and_line(load):
    with pytest.raises(ConfigError) as caught:
        load("a: 1\nb：2\nc: d: e\n", "f.yaml")
    assert caught.value.message.startswith("f.yaml 第 3 行：YAML 语法错误：")
    assert "全角冒号" in caught.value.message


def test_a_control_character_names_its_line():
    with pytest.raises(ConfigError, match=r"^f\.yaml 第 2 行：YAML 无法读取"):
        load_yaml("a: 1\nb: \x07\n", "f.yaml")


@pytest.mark.parametrize("fast", [False, True])
def test_compose_reports_line_and_column(fast):
    with pytest.raises(YamlSyntaxError) as caught:
        compose("a:\n\tb: 1\n", fast=fast)
    assert (caught.value.line, caught.value.column) == (2, 1)
    assert "Tab" in caught.value.message


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    with pytest.raises(ConfigError, match="嵌套过深"):
        load_yaml("[" * 100_000, "f.yaml")
