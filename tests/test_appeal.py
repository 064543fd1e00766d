"""行政复议、行政诉讼 (annual report section 四): add, decide, and their refusals."""

from __future__ import annotations

import sqlite3

from tests.year_of_requests import annual_json, register


def appeals_of(cli, year):
    return annual_json(cli, year=year)["appeals"]


def test_add_then_decide_moves_pending_to_the_result(cli, isolated):
    number = register(cli, "natural", "2025-03-03")
    result = cli("appeal", "add", number, "--kind", "reconsideration", "--on", "2025-04-01")
    assert result.exit_code == 0 and "行政复议" in result.stdout
    assert appeals_of(cli, 2025)["reconsideration"] == {
        "upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1,
    }
    result = cli("appeal", "decide", number, "--kind", "reconsideration", "--result", "corrected", "--on", "2025-06-01")
    assert result.exit_code == 0 and "结果纠正" in result.stdout
    assert appeals_of(cli, 2025)["reconsideration"]["corrected"] == 1
    assert appeals_of(cli, 2025)["reconsideration"]["pending"] == 0
    with sqlite3.connect(isolated / "gk.db") as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM events ORDER BY id")]
    assert actions[-2:] == ["appeal_add", "appeal_decide"]
    assert cli("audit", "verify").exit_code == 0


def test_litigation_pending_across_the_year_end(cli):
    number = register(cli, "commercial", "2024-11-01")
    cli("appeal", "add", number, "--kind", "litigation_direct", "--on", "2024-12-01")
    assert appeals_of(cli, 2024)["litigation_direct"]["pending"] == 1
    cli("appeal", "decide", number, "--kind", "litigation_direct", "--result", "upheld", "--on", "2025-02-01")
    assert appeals_of(cli, 2024)["litigation_direct"]["pending"] == 1  # undecided on 31 Dec 2024
    assert appeals_of(cli, 2025)["litigation_direct"] == {
        "upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1,
    }


def test_refusals_change_nothing(cli, isolated):
    number = register(cli, "natural", "2025-03-03")
    cases = [
        (("appeal", "add", "2025-0999", "--kind", "reconsideration", "--on", "2025-04-01"), 1, "找不到申请"),
        (("appeal", "add", number, "--kind", "petition", "--on", "2025-04-01"), 2, "--kind"),
        (("appeal", "add", number, "--kind", "reconsideration", "--on", "2025-03-01"), 1, "早于申请的收到日期"),
        (("appeal", "add", number, "--kind", "reconsideration", "--on", "2099-01-01"), 1, "晚于今天"),
        (("appeal", "add", number, "--kind", "reconsideration", "--on", "昨天晚上"), 2, "无法识别日期"),
        (("appeal", "decide", number, "--kind", "reconsideration", "--result", "upheld", "--on", "2025-05-01"), 1, "没有尚未审结"),
    ]
    for args, code, message in cases:
        result = cli(*args)
        assert result.exit_code == code, args
        assert message in result.stderr and "Traceback" not in result.stderr, args
    assert cli("appeal", "add", number, "--kind", "reconsideration", "--on", "2025-04-01").exit_code == 0
    with sqlite3.connect(isolated / "gk.db") as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    again = cli("appeal", "add", number, "--kind", "reconsideration", "--on", "2025-04-02")
    assert again.exit_code == 1 and "尚未审结" in again.stderr
    early = cli("appeal", "decide", number, "--kind", "reconsideration", "--result", "upheld", "--on", "2025-03-31")
    assert early.exit_code == 1
    bad_result = cli("appeal", "decide", number, "--kind", "reconsideration", "--result", "won", "--on", "2025-05-01")
    assert bad_result.exit_code == 2 and "--result" in bad_result.stderr
    with sqlite3.connect(isolated / "gk.db") as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM appeals").fetchone()[0] == 1
