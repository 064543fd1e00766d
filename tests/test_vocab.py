import pytest

from hunnan_gk.errors import InputError
from hunnan_gk.vocab import ApplicantType, Outcome, Stage


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("disclosed", Outcome.DISCLOSED),
        ("予以公开", Outcome.DISCLOSED),
        ("（一）予以公开", Outcome.DISCLOSED),
        ("部分公开", Outcome.PARTIAL),
        ("不予公开·属于国家秘密", Outcome.WITHHELD_STATE_SECRET),
        ("属于国家秘密", Outcome.WITHHELD_STATE_SECRET),
        ("重复申请", Outcome.UNPROCESSED_REPEAT),
        ("其他", Outcome.OTHER),
        ("PARTIAL", Outcome.PARTIAL),
    ],
)
def test_outcomes_by_code_or_any_chinese_name(typed, expected):
    assert Outcome.parse(typed) is expected


def test_every_outcome_name_is_unambiguous():
    names = [name for o in Outcome for name in {o.value, o.label, *o.aliases}]
    assert len(names) == len(set(names))


def test_choices_name_the_group():
    assert "withheld_state_secret（不予公开·属于国家秘密）" in Outcome.choices_text()


def test_unknown_value_lists_the_choices():
    with pytest.raises(InputError, match="natural（自然人）"):
        ApplicantType.parse("person", option="--type")


def test_stages_in_order():
    assert [s.position for s in Stage] == list(range(1, 10))
    assert Stage.APPROVE.next() is Stage.REPLY and Stage.CLOSED.next() is Stage.CLOSED


def test_outcome_groups_are_explicit_and_in_report_order():
    from hunnan_gk.vocab import OTHER_HANDLING, UNAVAILABLE, UNPROCESSED, WITHHELD

    assert [o for o in Outcome if o.group is None] == [Outcome.DISCLOSED, Outcome.PARTIAL]
    groups = list(dict.fromkeys(o.group for o in Outcome if o.group))
    assert groups == [WITHHELD, UNAVAILABLE, UNPROCESSED, OTHER_HANDLING]
    # `other` (3.其他) belongs to （六） though its code has no group prefix
    assert Outcome.OTHER.group == OTHER_HANDLING and Outcome.OTHER.short_label == "其他处理·其他"


def test_every_stored_event_action_has_a_label(cli, isolated):
    import sqlite3

    from hunnan_gk.vocab import EventAction

    assert cli("demo").exit_code == 0
    with sqlite3.connect(isolated / "hunnan-gk-demo.db") as db:
        stored = {action for (action,) in db.execute("SELECT DISTINCT action FROM events")}
    assert stored <= {a.value for a in EventAction}
    assert {"register", "advance", "consult_start"} <= stored
