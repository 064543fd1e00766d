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
STATUTORY_CACHE_VERSION = 2  # 2: the file holds its version, year and the days' hash


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


def _year_override(year: int, node, source: str) -> YearOverride:
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
            where = _where(source, item)
            if key == "workdays":
                worked[_override_date(item.value, year, where)] = where
                continue
            first_text, dots, last_text = item.value.partition("..")
            first = _override_date(first_text, year, where)
            last = _override_date(last_text, year, where) if dots else first
            if last < first:
                raise ConfigError(f"{where}：范围 {item.value} 的结束早于开始")
            spans.append((first, last))
    for day, where in worked.items():
        if any(first <= day <= last for first, last in spans):
            raise ConfigError(f"{where}：{day.isoformat()} 同时列为放假和上班")
    return YearOverride(tuple(spans), tuple(sorted(worked)))


def parse_overrides(text: str, source: str = "节假日覆盖文件") -> dict[int, YearOverride]:
    """The override file's YAML text as {year: YearOverride}; ConfigError naming the line."""
    import yaml

    from hunnan_gk.yamltext import compose_yaml

    root = compose_yaml(text, source, strict=False)  # repeated keys are refused below, by name
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{_where(source, root)}：应为“{_OVERRIDE_SHAPE}”的映射")
    overrides: dict[int, YearOverride] = {}
    for key_node, value_node in root.value:
        text_year = str(key_node.value).strip()
        if not (isinstance(key_node, yaml.ScalarNode) and text_year.isdigit()
                and len(text_year) == 4 and int(text_year) >= 1):
            raise ConfigError(f"{_where(source, key_node)}：“{text_year}”不是年份（例如 2027）")
        year = int(text_year)
        if year in overrides:
            raise ConfigError(f"{_where(source, key_node)}：{year} 年重复出现")
        overrides[year] = _year_override(year, value_node, source)
    return overrides


def _days_digest(year: int, days: dict[str, str]) -> str:
    import hashlib

    canonical = json.dumps([STATUTORY_CACHE_VERSION, year, sorted(days.items())], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def statutory_cache_text(year: int, found: dict[date, str]) -> str:
    """The cache file of one year: its days, the cache version and the days' hash."""
    days = {d.isoformat(): name for d, name in found.items()}
    return json.dumps({"version": STATUTORY_CACHE_VERSION, "year": year, "days": days,
                       "sha256": _days_digest(year, days)}, ensure_ascii=False)


def read_statutory_cache(path: Path, year: int) -> dict[date, str] | None:
    """The cached days of `year`, or None (compute them again) unless the file is a regular
    file of this account that no one else can write, of this cache version and year, whose
    days match its hash: a changed cache must never move a deadline."""
    import os
    import stat

    try:
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW)) as handle:
            status = os.fstat(handle.fileno())
            if (not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid()
                    or status.st_mode & 0o022 or status.st_size > 64 * 1024):
                return None
            data = json.loads(handle.read().decode("utf-8"))
        days = data["days"]
        if (data.get("version") != STATUTORY_CACHE_VERSION or data.get("year") != year
                or not isinstance(days, dict) or data.get("sha256") != _days_digest(year, days)):
            return None
        found = {date.fromisoformat(k): str(v) for k, v in days.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
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
        path = Path(cache_dir) / f"statutory-{STATUTORY_CACHE_VERSION}-{year}.json"
        cached = read_statutory_cache(path, year)
        if cached is not None:
            return cached
        found = statutory_holidays(year)
        try:
            from hunnan_gk.exports import make_folder, replace_atomically

            make_folder(path.parent)
            content = statutory_cache_text(year, found)
            replace_atomically(path, lambda temporary: temporary.write_text(content, "utf-8"), private=True)
        except OSError:
            pass
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
    overrides = parse_overrides(text, str(path))
    check_festivals(overrides, statutory, str(path))
    return WorkCalendar(overrides, statutory=statutory)


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
