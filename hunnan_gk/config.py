"""The config file: where it is, what it may hold, and clear errors for anything else.

Lookup order: --config, env HUNNAN_GK_CONFIG, ./hunnan-gk.yaml, ~/.config/hunnan-gk/config.yaml.
A missing file at the two default places means defaults; a named file must exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hunnan_gk import numbering
from hunnan_gk.errors import ConfigError, os_reason

CONFIG_ENV = "HUNNAN_GK_CONFIG"
DEFAULT_TIMEZONE = "Asia/Shanghai"

# Every key the file may hold and its type; a dict is a section, `str_map` a free mapping
# of names to lists of addresses (departments).
_SCHEMA: dict[str, Any] = {
    "db": str,
    "timezone": str,
    "holidays": str,
    "lights": {"yellow_days": int},
    "smtp": {
        "host": str,
        "port": int,
        "from": str,
        "starttls": bool,
        "ssl": bool,
        "user": str,
        "to": list,
        "timeout": int,
    },
    "departments": "str_map",
    "numbering": {"prefix": str},
    "catalogues": list,  # catalogue files whose overdue items the morning mail lists
    "catalogue_areas": list,  # the 领域 a catalogue's items may name, when it declares none
}
_TYPE_NAMES = {str: "文本", int: "整数", bool: "true/false", list: "列表"}


@dataclass
class SmtpSettings:
    host: str | None = None
    port: int | None = None
    sender: str | None = None
    starttls: bool = False
    ssl: bool = False
    user: str | None = None
    to: list[str] = field(default_factory=list)
    timeout: int = 30


@dataclass
class Settings:
    path: Path | None = None
    db: Path | None = None
    timezone: str = DEFAULT_TIMEZONE
    holidays: Path | None = None
    yellow_days: int = 5
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    departments: dict[str, list[str]] = field(default_factory=dict)
    number_prefix: str = numbering.DEFAULT_PREFIX
    catalogues: list[Path] = field(default_factory=list)
    catalogue_areas: list[str] | None = None


def config_candidates(explicit: Path | None) -> list[tuple[Path, bool]]:
    """Where to look, in order, each with whether it must exist."""
    if explicit is not None:
        return [(explicit, True)]
    env = os.environ.get(CONFIG_ENV)
    if env:
        return [(Path(env), True)]
    return [
        (Path("hunnan-gk.yaml"), False),
        (Path.home() / ".config" / "hunnan-gk" / "config.yaml", False),
    ]


def load_settings(explicit: Path | None = None) -> Settings:
    for path, required in config_candidates(explicit):
        if path.is_file():
            return parse_settings(_read(path), path)
        if required:
            raise ConfigError(f"找不到配置文件 {path}")
    return Settings()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{os_reason(exc)}") from None


def parse_settings(text: str, path: Path | None = None) -> Settings:
    """Settings from the YAML text of a config file; ConfigError naming the key or line."""
    from hunnan_gk.yamltext import load_yaml

    where = str(path) if path else "配置"
    raw = load_yaml(text, where)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}：顶层应为“键: 值”的映射")
    _check(raw, _SCHEMA, where, "")
    raw = _without_empty(raw)

    base = path.resolve().parent if path else Path(".").resolve()
    settings = Settings(path=path)
    if "db" in raw:
        settings.db = base / raw["db"]
    if "timezone" in raw:
        settings.timezone = _timezone(raw["timezone"], where)
    if "holidays" in raw:
        settings.holidays = base / raw["holidays"]
    lights = raw.get("lights") or {}
    if "yellow_days" in lights:
        if lights["yellow_days"] < 0:
            raise ConfigError(f"{where}：lights.yellow_days 不能为负数")
        settings.yellow_days = lights["yellow_days"]
    smtp = raw.get("smtp") or {}
    settings.smtp = SmtpSettings(
        host=smtp.get("host"),
        port=smtp.get("port"),
        sender=smtp.get("from"),
        starttls=bool(smtp.get("starttls", False)),
        ssl=bool(smtp.get("ssl", False)),
        user=smtp.get("user"),
        to=[str(a) for a in smtp.get("to") or []],
        timeout=smtp.get("timeout", 30),
    )
    settings.departments = {
        str(name): [str(a) for a in (addrs if isinstance(addrs, list) else [addrs])]
        for name, addrs in (raw.get("departments") or {}).items()
    }
    settings.catalogues = [base / _text_entry(entry, "catalogues", where) for entry in raw.get("catalogues") or []]
    if "catalogue_areas" in raw:
        settings.catalogue_areas = [_text_entry(entry, "catalogue_areas", where) for entry in raw["catalogue_areas"]]
    number_settings = raw.get("numbering") or {}
    if "prefix" in number_settings:
        # a bad pattern is a config error up front, not at the next registration
        settings.number_prefix = numbering.check_prefix(number_settings["prefix"])
    return settings


def _text_entry(entry: Any, key: str, where: str) -> str:
    """One entry of a list of names or paths: text, not a number, a list or nothing."""
    if not isinstance(entry, str) or not entry.strip():
        raise ConfigError(f"{where}：{key} 的每一项应为文本，而不是“{entry}”")
    return entry.strip()


def _without_empty(raw: dict) -> dict:
    """The mapping without keys left empty (`db:` with nothing after it means: not set)."""
    return {
        key: _without_empty(value) if isinstance(value, dict) else value
        for key, value in raw.items()
        if value is not None and value != ""
    }


def _check(raw: dict, schema: dict, where: str, parent: str) -> None:
    for key, value in raw.items():
        name = f"{parent}{key}"
        if key not in schema:
            known = "、".join(f"{parent}{k}" for k in schema)
            raise ConfigError(f"{where}：未知的配置项 {name}（可用：{known}）")
        expected = schema[key]
        if value is None:
            continue
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}：{name} 应为一个小节（键: 值 的映射）")
            _check(value, expected, where, f"{name}.")
        elif expected == "str_map":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}：{name} 应为“名称: [地址, …]”的映射")
            for sub, addrs in value.items():
                if not isinstance(addrs, (list, str)):
                    raise ConfigError(f"{where}：{name}.{sub} 应为地址列表")
        elif expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"{where}：{name} 应为{_TYPE_NAMES[int]}，而不是“{value}”")
        elif not isinstance(value, expected):
            raise ConfigError(f"{where}：{name} 应为{_TYPE_NAMES[expected]}，而不是“{value}”")


def _timezone(name: str, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}：timezone “{name}” 不是有效的时区名（例如 Asia/Shanghai）") from None
    return name
