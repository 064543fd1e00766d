"""The holiday files: the override file the office types from each year's State Council
notice (config key `holidays`), and the disk cache of statutory holidays. The shell around
the pure `workdays` arithmetic: this module reads and writes files; `workdays` never does.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from hunnan_gk.errors import ConfigError, InputError, os_reason
from hunnan_gk.workdays import (Statutory, WorkCalendar, YearOverride, missing_festivals,
                                statutory_holidays)

# Bump when statutory_holidays() would give other days for the same year (a new law).
# 2: the file holds its version, year and the days' hash; 3: the hash is a CRC-32 (zlib is
# loaded anyway, hashlib's OpenSSL costs ≈3 ms: the file is private, the check is for edits)
STATUTORY_CACHE_VERSION = 3


_OVERRIDE_KEYS = ("holidays", "workdays")
_OVERRIDE_SHAPE = "年份: {holidays: [日期或 起..止], workdays: [日期]}"


def _where(source: str, node) -> str:
    return f"{source} 第 {node.start_mark.line + 1} 行"


def _scalars(node, source: str, key: str) -> list:
    """The items of a list (a single value counts as a one-item list)."""
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for item in items:
        if not isinstance(item, yaml.ScalarNode):
            raise ConfigError(f"{_where(source, item)}：{key} 的每一项应为日期或“起..止”")
    return [item for item in items if item.value != ""]


def _override_date(text: str, year: int, where: str) -> date:
    from hunnan_gk.dates import parse_date

    text = text.strip()
    if not text[:1].isdigit():  # 今天 has no place in a notice
        raise ConfigError(f"{where}：无法识别日期“{text}”，应写作 {year}-10-01")
    try:
        day = parse_date(text, today=date.min, option=where)
    except InputError as exc:
        raise ConfigError(exc.message) from None
    if day.year != year:
        raise ConfigError(f"{where}：{day.isoformat()} 不属于 {year} 年")
    return day


def _override_item(key: str, text: str, year: int, where: str,
                   spans: list[tuple[date, date]], worked: dict[date, str]) -> None:
    """One entry of a year's list, checked: a day worked (`workdays`, into `worked`) or a day
    or a span 起..止 off (`holidays`, into `spans`)."""
    if key == "workdays":
        worked[_override_date(text, year, where)] = where
        return
    first_text, dots, last_text = text.partition("..")
    first = _override_date(first_text, year, where)
    last = _override_date(last_text, year, where) if dots else first
    if last < first:
        raise ConfigError(f"{where}：范围 {text} 的结束早于开始")
    spans.append((first, last))


def _year_done(spans: list[tuple[date, date]], worked: dict[date, str]) -> YearOverride:
    for day, where in worked.items():
        if any(first <= day <= last for first, last in spans):
            raise ConfigError(f"{where}：{day.isoformat()} 同时列为放假和上班")
    return YearOverride(tuple(spans), tuple(sorted(worked)))


def _year_override(year: int, node, source: str, entries: list) -> YearOverride:
    """The year's mapping in the file; each entry read is also added to `entries` as
    [key, text, line], what `overrides_from_entries` builds the same year from."""
    import yaml

    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise ConfigError(f"{_where(source, node)}：{year} 年应写作 {_OVERRIDE_SHAPE}")
    spans: list[tuple[date, date]] = []
    worked: dict[date, str] = {}
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in _OVERRIDE_KEYS:
            raise ConfigError(
                f"{_where(source, key_node)}：未知的键 {key}（可用：{'、'.join(_OVERRIDE_KEYS)}）"
            )
        if key in seen:  # the second list would silently join or replace the first
            raise ConfigError(f"{_where(source, key_node)}：{year} 年的 {key} 重复出现，只能写一次")
        seen.add(key)
        for item in _scalars(value_node, source, key):
            _override_item(key, item.value, year, _where(source, item), spans, worked)
            entries.append([key, item.value, item.start_mark.line + 1])
    return _year_done(spans, worked)


def parse_overrides(text: str, source: str = "节假日覆盖文件") -> dict[int, YearOverride]:
    """The override file's YAML text as {year: YearOverride}; ConfigError naming the line."""
    return _read_overrides(text, source)[0]


def _read_overrides(text: str, source: str) -> tuple[dict[int, YearOverride], list]:
    """parse_overrides, and the file's entries as plain data: [[year, [[key, text, line], …]], …]."""
    import yaml

    from hunnan_gk.yamltext import compose_yaml

    root = compose_yaml(text, source, strict=False)  # repeated keys are refused below, by name
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{_where(source, root)}：应为“{_OVERRIDE_SHAPE}”的映射")
    overrides: dict[int, YearOverride] = {}
    entries: list = []
    for key_node, value_node in root.value:
        text_year = str(key_node.value).strip()
        if not (isinstance(key_node, yaml.ScalarNode) and text_year.isdigit()
                and len(text_year) == 4 and int(text_year) >= 1):
            raise ConfigError(f"{_where(source, key_node)}：“{text_year}”不是年份（例如 2027）")
        year = int(text_year)
        if year in overrides:
            raise ConfigError(f"{_where(source, key_node)}：{year} 年重复出现")
        entries.append([year, []])
        overrides[year] = _year_override(year, value_node, source, entries[-1][1])
    return overrides, entries


def overrides_from_entries(entries: list, source: str) -> dict[int, YearOverride]:
    """The years of the override file from its entries (`_read_overrides`), each entry checked
    by the same code as when the file itself is read."""
    overrides: dict[int, YearOverride] = {}
    for year, items in entries:
        if type(year) is not int or not 1 <= year <= 9999 or year in overrides:
            raise ValueError(f"not a year of the override file: {year!r}")
        spans: list[tuple[date, date]] = []
        worked: dict[date, str] = {}
        for key, text, line in items:
            if key not in _OVERRIDE_KEYS or type(text) is not str or type(line) is not int:
                raise ValueError(f"not an entry of the override file: {key!r}")
            _override_item(key, text, year, f"{source} 第 {line} 行", spans, worked)
        overrides[year] = _year_done(spans, worked)
    return overrides


def _days_digest(year: int, days: dict[str, str]) -> str:
    import zlib

    canonical = json.dumps([STATUTORY_CACHE_VERSION, year, sorted(days.items())], ensure_ascii=False)
    return f"{zlib.crc32(canonical.encode('utf-8')):08x}"


def statutory_cache_data(year: int, found: dict[date, str]) -> dict:
    """The cache file of one year: its days, the cache version and the days' hash."""
    days = {d.isoformat(): name for d, name in found.items()}
    return {"version": STATUTORY_CACHE_VERSION, "year": year, "days": days, "crc32": _days_digest(year, days)}


def statutory_cache_text(year: int, found: dict[date, str]) -> str:
    return json.dumps(statutory_cache_data(year, found), ensure_ascii=False)


def read_statutory_cache(path: Path, year: int) -> dict[date, str] | None:
    """The cached days of `year`, or None (compute them again) unless the file is a regular
    file of this account that no one else can write (cachefiles.read_private_json), of this
    cache version and year, whose days match its hash: a changed cache must never move a
    deadline."""
    from hunnan_gk.cachefiles import read_private_json

    data = read_private_json(path, 64 * 1024)
    try:
        days = data["days"]
        if (data.get("version") != STATUTORY_CACHE_VERSION or data.get("year") != year
                or not isinstance(days, dict) or data.get("crc32") != _days_digest(year, days)):
            return None
        found = {date.fromisoformat(k): str(v) for k, v in days.items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return found if all(day.year == year for day in found) else None


def cached_statutory(cache_dir: Path) -> Statutory:
    """statutory_holidays, remembered in `cache_dir` as one small JSON file per year.

    Computing a year's lunar holidays imports the `holidays` package (about 0.2 s); from
    December every deadline reaches into next year, so every command would pay it. The law
    fixes these days, so a year once computed stays right; a cache that cannot be read or
    written, or fails its checks (`read_statutory_cache`), is simply not used. The cache
    folder is private (0700) and each file 0600."""

    @lru_cache(maxsize=64)
    def lookup(year: int) -> dict[date, str]:
        from hunnan_gk.cachefiles import write_private_json

        path = Path(cache_dir) / f"statutory-{STATUTORY_CACHE_VERSION}-{year}.json"
        cached = read_statutory_cache(path, year)
        if cached is not None:
            return cached
        found = statutory_holidays(year)
        write_private_json(path, statutory_cache_data(year, found))
        return found

    return lookup


def load_calendar(override_path: Path | None, *, cache_dir: Path | None = None) -> WorkCalendar:
    """The calendar with the override file (config key `holidays`) applied, if there is one;
    statutory holidays of years without official data are cached in `cache_dir` if given."""
    statutory = cached_statutory(cache_dir) if cache_dir is not None else statutory_holidays
    if override_path is None:
        return WorkCalendar(statutory=statutory)
    path = Path(override_path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"找不到节假日覆盖文件 {path}（配置项 holidays）") from None
    except UnicodeDecodeError:
        raise ConfigError(f"节假日覆盖文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"无法读取节假日覆盖文件 {path}：{os_reason(exc)}") from None
    overrides = overrides_file(text, str(path), cache_dir)
    check_festivals(overrides, statutory, str(path))
    return WorkCalendar(overrides, statutory=statutory)


def overrides_file(text: str, source: str, cache_dir: Path | None = None) -> dict[int, YearOverride]:
    """parse_overrides, its entries remembered in `cache_dir` while the file stays the same
    (cachefiles.remembered: PyYAML, ≈14 ms, is then not loaded)."""
    from hunnan_gk.cachefiles import remembered

    return remembered("holidays", text, cache_dir, lambda: _read_overrides(text, source)[1],
                      lambda entries: overrides_from_entries(entries, source))


def check_festivals(overrides: dict[int, YearOverride], statutory: Statutory, source: str) -> None:
    """Refuse (ConfigError, exit 2) an override year that leaves out a statutory festival,
    naming it: a partial year is a typing mistake, never silently official."""
    for year, override in sorted(overrides.items()):
        missing = missing_festivals(override, statutory(year))
        if missing:
            listed = "；".join(
                f"{name}（{'、'.join(day.isoformat() for day in days)} 未列为放假）"
                for name, days in missing.items()
            )
            raise ConfigError(
                f"节假日覆盖文件 {source}：{year} 年缺少法定节假日 {listed}",
                hint="国务院办公厅每年的放假安排都包含全部七个法定节日（元旦、春节、清明节、劳动节、端午节、"
                     "中秋节、国庆节）：请按通知补全该年的 holidays",
            )
