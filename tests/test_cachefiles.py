"""The parsed-file cache (cachefiles.remembered): the config file and the holiday override file
are read with PyYAML once per text; after that the cache serves exactly that text, goes
through the same checks, and can never change what a file means or which error it gives."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from hunnan_gk import cachefiles, config, holiday_files
from hunnan_gk.errors import ConfigError
from tests.helpers import HOLIDAYS_2027

CONFIG = """lights:
  yellow_days: 3
departments:
  - name: 区营商局
    aliases: [营商局]
"""
OVERRIDES = f"2027:\n  holidays: [{HOLIDAYS_2027}]\n  workdays: [2027-02-20]\n"


@pytest.fixture
def no_yaml(monkeypatch):
    """Make any YAML read fail: what still works came from the cache."""
    from hunnan_gk import yamltext

    def refuse(*args, **kwargs):
        raise AssertionError("PyYAML was used")

    def arm():
        monkeypatch.setattr(yamltext, "load_yaml", refuse)
        monkeypatch.setattr(yamltext, "compose_yaml", refuse)

    return arm


def cached_files(folder, kind):
    return sorted(folder.glob(f"parsed-{kind}-*.json"))


def test_a_config_is_read_with_yaml_once_then_from_the_private_cache(tmp_path, no_yaml):
    cache = tmp_path / "cache"
    first = config.parse_settings(CONFIG, cache_dir=cache)
    (path,) = cached_files(cache, "config")
    assert path.stat().st_mode & 0o777 == 0o600 and cache.stat().st_mode & 0o777 == 0o700
    no_yaml()
    again = config.parse_settings(CONFIG, cache_dir=cache)
    assert again == first and again.yellow_days == 3
    assert again.directory.resolve_department("营商局") == "区营商局"
    with pytest.raises(AssertionError, match="PyYAML"):  # another text is read afresh
        config.parse_settings(CONFIG.replace("3", "4"), cache_dir=cache)


def test_the_config_cache_is_used_by_the_commands(cli, config_file, isolated, no_yaml):
    config_file.write_text(CONFIG, encoding="utf-8")
    assert cli("report", "overdue", "--format", "json").exit_code == 0
    assert cached_files(isolated / ".cache" / "hunnan-gk", "config")
    no_yaml()
    assert cli("report", "overdue", "--format", "json", "--department", "营商局").exit_code == 0


def test_a_config_in_error_is_not_cached_and_gives_the_same_error_each_time(tmp_path):
    cache = tmp_path / "cache"
    for _ in range(2):
        with pytest.raises(ConfigError, match="lights.yellow_days 不能为负数"):
            config.parse_settings("lights:\n  yellow_days: -1\n", cache_dir=cache)
    assert not cached_files(cache, "config")


def test_what_json_cannot_hold_is_never_cached(tmp_path):
    cache = tmp_path / "cache"
    for text in ("db: 2024-01-01\n", "1: x\n"):  # a date, a number as key: the same error each time
        for _ in range(2):
            with pytest.raises(ConfigError):
                config.parse_settings(text, cache_dir=cache)
    assert not cached_files(cache, "config")
    assert cachefiles.remembered("config", "x", cache, lambda: {"when": date(2024, 1, 1)}) == {
        "when": date(2024, 1, 1)}
    assert not cached_files(cache, "config")
    for value in (date(2024, 1, 1), {1: "x"}, {"a": {2}}, float("nan"), b"x", ("a",)):
        assert not cachefiles.is_plain_json(value)
    assert cachefiles.is_plain_json({"a": [1, 2.5, True, None, "x", {"b": []}]})


def _tamper(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.chmod(path, 0o600)


def test_a_changed_or_foreign_config_cache_never_changes_the_settings(tmp_path):
    cache = tmp_path / "cache"
    config.parse_settings(CONFIG, cache_dir=cache)
    (path,) = cached_files(cache, "config")
    # data that makes a broken config: the file itself is read again, and it is fine
    _tamper(path, lambda data: data["data"]["lights"].update(yellow_days=-1))
    assert config.parse_settings(CONFIG, cache_dir=cache).yellow_days == 3
    # a cache others may write, one of another version, or one made from another text
    for change, mode in ((lambda data: data["data"]["lights"].update(yellow_days=9), 0o666),
                         (lambda data: data.update(version=0, data={"lights": {"yellow_days": 9}}), 0o600),
                         (lambda data: data.update(text=data["text"] + "#"), 0o600)):
        _tamper(path, change)
        os.chmod(path, mode)
        assert config.parse_settings(CONFIG, cache_dir=cache).yellow_days == 3
    (cache / "elsewhere.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    path.unlink()
    path.symlink_to(cache / "elsewhere.json")  # a link is never followed
    assert cachefiles.read_private_json(path) is None


def test_only_the_last_few_texts_of_a_kind_are_kept(tmp_path):
    cache = tmp_path / "cache"
    for days in range(cachefiles.KEPT_PER_KIND + 3):
        config.parse_settings(f"lights:\n  yellow_days: {days}\n", cache_dir=cache)
    assert len(cached_files(cache, "config")) == cachefiles.KEPT_PER_KIND


def test_the_override_file_is_read_with_yaml_once_then_from_the_cache(tmp_path, no_yaml):
    cache = tmp_path / "cache"
    first = holiday_files.overrides_file(OVERRIDES, "holidays.yaml", cache)
    assert first == holiday_files.parse_overrides(OVERRIDES)
    assert first[2027].workdays == (date(2027, 2, 20),)
    no_yaml()
    assert holiday_files.overrides_file(OVERRIDES, "holidays.yaml", cache) == first
    override = tmp_path / "holidays.yaml"
    override.write_text(OVERRIDES, encoding="utf-8")
    calendar = holiday_files.load_calendar(override, cache_dir=cache)
    assert calendar.day(date(2027, 2, 20)).workday and not calendar.day(date(2027, 2, 8)).workday


@pytest.mark.parametrize("change", [
    lambda data: data["data"][0][1].append(["holidays", "2027-02-20", 9]),  # also a day off now
    lambda data: data["data"][0][1].append(["holidays", "2028-01-01", 9]),  # not of its year
    lambda data: data["data"][0].__setitem__(0, "2027"),  # not a year
    lambda data: data["data"].append(data["data"][0]),  # a year twice
    lambda data: data["data"][0][1].__setitem__(0, ["days", "2027-01-01", 2]),  # not a key
], ids=["overlap", "other-year", "text-year", "twice", "key"])
def test_a_changed_override_cache_is_read_afresh(tmp_path, change):
    cache = tmp_path / "cache"
    expected = holiday_files.overrides_file(OVERRIDES, "holidays.yaml", cache)
    (path,) = cached_files(cache, "holidays")
    _tamper(path, change)
    assert holiday_files.overrides_file(OVERRIDES, "holidays.yaml", cache) == expected


def test_an_override_file_in_error_gives_its_error_and_line_each_time(tmp_path):
    cache = tmp_path / "cache"
    text = "2027:\n  holidays: [2027-01-01]\n  workdays: [2027-01-01]\n"
    for _ in range(2):
        with pytest.raises(ConfigError, match="holidays.yaml 第 3 行：2027-01-01 同时列为放假和上班"):
            holiday_files.overrides_file(text, "holidays.yaml", cache)
    assert not cached_files(cache, "holidays")


def test_without_a_home_folder_the_config_is_read_every_time(cli, config_file, monkeypatch):
    import platformdirs

    def nowhere(*args, **kwargs):
        raise RuntimeError("could not determine the home directory")

    config_file.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("HOME", "relative")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(platformdirs, "user_cache_path", nowhere)
    assert cli("outcomes").exit_code == 0
    assert cli("report", "overdue", "--format", "json", "--department", "营商局", "--db", "x.db").exit_code == 3
