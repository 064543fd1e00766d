"""The benchmark generator's `--open N` (issue 16 item 8): exactly N requests still open on its
today, counted with the query `report overdue` reads, whatever the history's size; without
it, the mix as before (about 2 % open). Sizes are small: this checks counts, never times."""

from __future__ import annotations

import collections

import pytest

from benchmarks import generate as gen
from hunnan_gk.reports import request_light
from hunnan_gk.storage.audit import first_broken_event
from hunnan_gk.storage.db import integrity_problems, open_db
from hunnan_gk.storage.reports import unreplied_requests
from hunnan_gk.workdays import WorkCalendar


def _generated(tmp_path, requests: int, open_requests: int | None, seed: int = 5):
    path = tmp_path / "generated.db"
    gen.generate(path, requests, seed, open_requests=open_requests, quiet=True)
    db = open_db(path)
    assert integrity_problems(db) == []  # what `db check` checks
    assert first_broken_event(db) is None  # and `audit verify`
    return db


@pytest.mark.parametrize("requests, open_requests", [(400, 60), (150, 0), (30, 30)])
def test_open_holds_the_open_requests_to_n(tmp_path, requests, open_requests):
    db = _generated(tmp_path, requests, open_requests)
    assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == requests
    assert len(unreplied_requests(db)) == open_requests
    closed = db.execute("SELECT max(outcome_on) FROM requests").fetchone()[0]
    assert closed is None or closed <= gen.AS_OF.isoformat()


def test_open_requests_are_a_realistic_mix(tmp_path):
    """Received in the last weeks or months, at several stages, some paused, lights of every kind."""
    db = _generated(tmp_path, 400, 120)
    rows = unreplied_requests(db)
    assert min(row["received_on"] for row in rows) >= (gen.AS_OF.replace(year=gen.AS_OF.year - 1)).isoformat()
    assert len({row["stage"] for row in rows}) >= 4
    calendar = WorkCalendar()
    lights = collections.Counter(
        request_light(row, row["consultations"], calendar, gen.AS_OF)["light"] for row in rows)
    assert set(lights) == {"green", "yellow", "red", "paused"}, lights


def test_without_open_the_mix_is_as_before(tmp_path):
    """No --open: the open ones are whatever the stories leave (about 2 %, nearly all recent)."""
    db = _generated(tmp_path, 2000, None)
    rows = unreplied_requests(db)
    assert 0 < len(rows) < 100
    recent = (gen.AS_OF.replace(month=1, day=1)).isoformat()
    assert sum(row["received_on"] >= recent for row in rows) > len(rows) / 2


def test_cache_names_carry_the_option(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(gen, "DATA", tmp_path)
    monkeypatch.setattr(gen, "generate", lambda path, *args, **kwargs: made.append((args, kwargs)) or path.touch())
    assert gen.cached_db(10, 2, quiet=True).name == f"gk-10-seed2-v{gen.VERSION}.db"
    assert gen.cached_db(10, 2, open_requests=3, quiet=True).name == f"gk-10-seed2-open3-v{gen.VERSION}.db"
    assert [kwargs["open_requests"] for _, kwargs in made] == [None, 3]
    gen.cached_db(10, 2, open_requests=3, quiet=True)  # cached: not made again
    assert len(made) == 2


def test_open_more_than_requests_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        gen.main(["--requests", "5", "--open", "6", "--db", str(tmp_path / "made.db")])
    assert exit_.value.code == 2
    assert "--open" in capsys.readouterr().err
    assert not (tmp_path / "made.db").exists()
