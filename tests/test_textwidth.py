"""textwidth: columns of Chinese text, and wrapping that breaks between Chinese characters."""

import pytest

from hunnan_gk.textwidth import cell_width, pad, wrap


def test_cell_width_counts_chinese_twice():
    assert cell_width("abc") == 3
    assert cell_width("申请编号") == 8
    assert cell_width("2024-0001 张三") == 14
    assert pad("张三", 6) == "张三  "


@pytest.mark.parametrize("width", range(8, 60))
def test_no_line_is_wider_than_asked_and_nothing_is_lost(width):
    text = "信息处理费按国办函〔2020〕109号收取（条例第42条），请见 hunnan-gk fee quote 2024-0001 的结果。"
    lines = wrap(text, width)
    assert all(cell_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    if width >= 22:  # the citation (with the character before it, 按) fits on a line, unfolded
        assert any("国办函〔2020〕109号" in line for line in lines), "the citation was broken"
        assert not any(line.startswith(("，", "。", "）")) for line in lines)
        assert not any(line.endswith(("（", "〔")) for line in lines)
    if width >= 12:
        assert any("hunnan-gk" in line for line in lines), "a Latin word was broken"


def test_line_breaks_are_kept_and_a_unit_wider_than_the_line_is_folded():
    assert wrap("一行\n二行", 20) == ["一行", "二行"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("", 10) == [""]
