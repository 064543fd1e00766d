"""exports: the one atomic write, the CSV writer (BOM to a file or stdout), the xlsx helpers."""

from __future__ import annotations

import os

import pytest

from hunnan_gk import exports
from hunnan_gk.errors import Refused


@pytest.fixture
def folder(tmp_path):
    """An empty folder (tmp_path itself holds the test's config file)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def write_text(content: str):
    return lambda path: path.write_text(content, encoding="utf-8")


def test_atomic_write_replaces_the_target_and_leaves_no_temporary(folder):
    target = folder / "out.txt"
    target.write_text("old", encoding="utf-8")
    exports.atomic_write(target, write_text("new"))
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in folder.iterdir()) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(folder):
    target = folder / "out.txt"
    target.write_text("old", encoding="utf-8")

    def half_then_fail(path):
        path.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(Refused, match="无法写入"):
        exports.atomic_write(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in folder.iterdir()) == ["out.txt"]


def test_replace_atomically_leaves_the_oserror_to_its_caller(folder):
    def fail(path):
        raise PermissionError(13, "Permission denied")

    with pytest.raises(PermissionError):
        exports.replace_atomically(folder / "cache.json", fail)
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_refused_in_chinese(tmp_path):
    with pytest.raises(Refused, match="无法写入"):
        exports.atomic_write(tmp_path / "no" / "out.txt", write_text("x"))


def test_private_files_are_0600_and_others_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        exports.atomic_write(tmp_path / "ledger.csv", write_text("x"), private=True)
        exports.atomic_write(tmp_path / "report.csv", write_text("x"))
    finally:
        os.umask(old)
    assert (tmp_path / "ledger.csv").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "report.csv").stat().st_mode & 0o777 == 0o640


def test_a_symlink_at_the_target_is_refused_and_its_target_untouched(tmp_path):
    # issue 12: a link planted in a shared folder must not make the tool write anywhere
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    target = tmp_path / "out.txt"
    target.symlink_to(elsewhere)
    with pytest.raises(Refused, match="符号链接"):
        exports.atomic_write(target, write_text("new"))
    assert target.is_symlink()
    assert elsewhere.read_text(encoding="utf-8") == "keep"


def test_csv_has_the_bom_and_crlf_in_a_file_and_on_stdout(tmp_path, capfdbinary):
    text = exports.csv_text(["编号", "申请人"], [("2024-0001", "张三"), ("2024-0002", None)])
    assert text == "编号,申请人\r\n2024-0001,张三\r\n2024-0002,\r\n"
    exports.write_csv_text(text, tmp_path / "a.csv")
    exports.write_csv_file(tmp_path / "b.csv", ["编号", "申请人"], [("2024-0001", "张三"), ("2024-0002", None)])
    exports.write_csv_text(text, None)
    expected = b"\xef\xbb\xbf" + text.encode("utf-8")
    assert (tmp_path / "a.csv").read_bytes() == expected
    assert (tmp_path / "b.csv").read_bytes() == expected
    assert capfdbinary.readouterr().out == expected


def test_header_row_is_bold_and_frozen_in_both_kinds_of_workbook(tmp_path):
    from openpyxl import load_workbook

    for write_only in (False, True):
        book = exports.new_workbook(write_only=write_only)
        sheet = book.active if not write_only else book.create_sheet("s")
        exports.column_widths(sheet, [12, 30])
        exports.header_row(sheet, ["编号", "内容"])
        sheet.append(["2024-0001", "某某"])
        book.save(tmp_path / "t.xlsx")
        read = load_workbook(tmp_path / "t.xlsx").worksheets[0]
        assert [c.value for c in read[1]] == ["编号", "内容"]
        assert all(c.font.bold for c in read[1]) and not read["A2"].font.bold
        assert read.freeze_panes == "A2"
        assert read.column_dimensions["B"].width == 30
