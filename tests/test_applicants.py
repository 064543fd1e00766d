"""The same applicant across requests: duplicates refused or allowed on record, the applicant's
other requests in `show`, `list --id-number/--phone` (issue 11 item 5)."""

from __future__ import annotations

import json

import pytest

from hunnan_gk import applicants
from tests.helpers import PHONE, VALID_ID, count_rows, ok, ok_json, register, register_args, work_calendar


def test_a_repeated_registration_is_refused_naming_the_first_and_allowed_on_record(cli, isolated):
    first = register(cli, "2024-04-01", id_number=VALID_ID)["number"]
    # the same ID number, the content with other spaces and punctuation, 10 working days on
    again = register_args("2024-04-15", content="2023年 浑南区老旧小区改造资金使用情况。", id_number=VALID_ID)
    result = cli("register", *again)
    assert result.exit_code == 1, result.output
    assert first in result.stderr and "--allow-duplicate" in result.stderr
    assert count_rows(isolated / "gk.db", "requests") == 1  # and no number used up
    second = ok_json(cli("register", *again, "--allow-duplicate", "--json"))["number"]
    assert second == "2024-0002"
    events = ok_json(cli("show", second, "--json"))["events"]
    assert events[0]["action"] == "register"
    import sqlite3

    with sqlite3.connect(isolated / "gk.db") as conn:
        data = json.loads(conn.execute("SELECT data FROM events WHERE request_number = ? AND action = 'register'",
                                       [second]).fetchone()[0])
    assert data["duplicate_allowed"] == [first]


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        ({"applicant": "张三", "phone": "138 1234 5678"}, True),  # same name and phone, spaced
        ({"applicant": "张三", "phone": "+86 １３８１２３４５６７８"}, True),  # full-width, +86
        ({"applicant": "李四", "phone": PHONE}, False),  # same phone, another person
        ({"applicant": "张三", "phone": "13900000000"}, False),
        ({"applicant": "张三", "phone": PHONE, "content": "另一项信息"}, False),
        ({"applicant": "张三", "phone": PHONE, "received": "2024-05-06"}, False),  # 24 working days on
    ],
)
def test_what_counts_as_the_same_request(cli, options, refused):
    register(cli, "2024-04-01", phone=PHONE)
    received = options.pop("received", "2024-04-02")
    result = cli("register", *register_args(received, **options))
    assert (result.exit_code == 1) is refused, result.output


def test_a_voided_request_is_no_duplicate(cli):
    first = register(cli, "2024-04-01", id_number=VALID_ID)["number"]
    ok(cli("void", first, "--reason", "测试登记"))
    ok(cli("register", *register_args("2024-04-02", id_number=VALID_ID)))


def test_show_lists_the_applicants_other_requests(cli):
    first = register(cli, "2024-04-01", id_number=VALID_ID, content="第一项")["number"]
    ok(cli("advance", first, "--on", "2024-04-02"))
    second = register(cli, "2024-05-06", id_number=VALID_ID, content="第二项")["number"]
    register(cli, "2024-05-07", "李四", content="别人的")
    shown = ok_json(cli("show", second, "--json"))
    assert shown["same_applicant"] == [{"number": first, "received": "2024-04-01", "outcome": None}]
    text = ok(cli("show", second)).stdout
    assert "同一申请人的其他申请" in text and first in text
    assert ok_json(cli("show", "2024-0003", "--json"))["same_applicant"] == []


def test_list_finds_an_id_or_phone_number_however_typed_and_masks_it(cli):
    register(cli, "2024-04-01", id_number=VALID_ID, phone="138-1234-5678")
    register(cli, "2024-04-02", "李四", content="别的")
    for option, typed in (("--id-number", "１１０１０５ 19491231 002x"), ("--phone", "+86 138 1234 5678")):
        found = ok_json(cli("list", option, typed, "--json"))
        assert [item["number"] for item in found] == ["2024-0001"]
        assert found[0]["id_number"] != VALID_ID and "****" in (found[0]["id_number"] + found[0]["phone"])
        text = ok(cli("list", option, typed)).stdout
        assert "2024-0001" in text and VALID_ID not in text and "2024-0002" not in text
    assert ok_json(cli("list", "--phone", "1381234567", "--json")) == []  # exactly, not a part


def test_keys_and_the_window():
    assert applicants.id_key(" １１０１０５１９４９１２３１００２ｘ ") == VALID_ID
    assert applicants.phone_key("0086-138 1234 5678") == PHONE
    assert applicants.content_key("A， b。c") == applicants.content_key("abc")
    calendar = work_calendar()
    row = {"number": "2024-0001", "applicant": "张三", "id_number": VALID_ID, "phone": None,
           "content": "x", "received_on": "2024-04-01"}
    new = {**row, "number": None, "received_on": "2024-04-29"}  # 20 working days on
    assert applicants.duplicates_of(new, [row], calendar) == ["2024-0001"]
    assert applicants.duplicates_of({**new, "received_on": "2024-04-30"}, [row], calendar) == []
