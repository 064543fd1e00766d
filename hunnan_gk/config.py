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
from hunnan_gk.departments import Department, Directory, Handler
from hunnan_gk.errors import ConfigError, os_reason
from hunnan_gk.organs import ORGAN_KEYS, Organ, Organs

CONFIG_ENV = "HUNNAN_GK_CONFIG"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_ESCALATE_AFTER = 3  # lights.escalate_after: red this many working days → the leader (alerts)

# Every key the file may hold and its type; a dict is a section, `str_map` a free mapping
# of names to lists of addresses (the old form of departments), "departments" either that or
# the list of departments (checked by `_directory`).
_SCHEMA: dict[str, Any] = {
    "db": str,
    "timezone": str,
    "holidays": str,
    "lights": {"yellow_days": int, "escalate_after": int},
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
    "departments": "departments",  # a list of departments, or the old 名称: [地址] mapping
    "handlers": list,
    "numbering": {"prefix": str},
    "catalogues": list,  # catalogue files whose overdue items the morning mail lists
    "catalogue_areas": list,  # the 领域 a catalogue's items may name, when it declares none
    "organ": "organ",  # the default organ: a name, or a mapping with ORGAN_KEYS
    "organs": list,  # several organs on one database, each a mapping with ORGAN_KEYS
    "letters": {"templates": str, "numbers": dict, "payment": str},
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
    departments: dict[str, list[str]] = field(default_factory=dict)  # name → addresses
    directory: Directory = field(default_factory=Directory)  # departments and handlers
    escalate_after: int = DEFAULT_ESCALATE_AFTER  # lights.escalate_after: red longer → the leader
    number_prefix: str = numbering.DEFAULT_PREFIX
    catalogues: list[Path] = field(default_factory=list)
    catalogue_areas: list[str] | None = None
    organs: Organs = field(default_factory=Organs)
    letter_templates: Path | None = None  # letters.templates: edited templates win
    letter_numbers: dict[str, str] = field(default_factory=dict)  # letters.numbers: kind → 文号
    letter_payment: str | None = None  # letters.payment: how a fee is paid (收费通知书)


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


def load_settings(explicit: Path | None = None, *, cache_dir: Path | None = None) -> Settings:
    """The settings of the first config file found (config_candidates), or the defaults.
    `cache_dir`: the user's cache folder, where what the file holds is remembered so that
    PyYAML (≈14 ms) is not loaded while the file stays the same (cachefiles.remembered)."""
    for path, required in config_candidates(explicit):
        if path.is_file():
            return parse_settings(_read(path), path, cache_dir=cache_dir)
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


def parse_settings(text: str, path: Path | None = None, *, cache_dir: Path | None = None) -> Settings:
    """Settings from the YAML text of a config file; ConfigError naming the key or line."""
    from hunnan_gk.cachefiles import remembered

    where = str(path) if path else "配置"

    def read() -> Any:
        from hunnan_gk.yamltext import load_yaml

        return load_yaml(text, where)

    return remembered("config", text, cache_dir, read, lambda raw: _settings(raw, path, where))


def _settings(raw: Any, path: Path | None, where: str) -> Settings:
    """Settings from what the config file holds, every key checked."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}：顶层应为“键: 值”的映射")
    _check(raw, _SCHEMA, where, "")
    _refuse_control_characters(raw, where, "")
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
    if "escalate_after" in lights:
        if lights["escalate_after"] < 0:
            raise ConfigError(f"{where}：lights.escalate_after 不能为负数")
        settings.escalate_after = lights["escalate_after"]
    smtp = raw.get("smtp") or {}
    _check_smtp_numbers(smtp, where)
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
    settings.directory = _directory(raw.get("departments"), raw.get("handlers"), where)
    settings.departments = {d.name: list(d.emails) for d in settings.directory.departments if d.emails}
    settings.catalogues = [base / _text_entry(entry, "catalogues", where) for entry in raw.get("catalogues") or []]
    if "catalogue_areas" in raw:
        settings.catalogue_areas = [_text_entry(entry, "catalogue_areas", where) for entry in raw["catalogue_areas"]]
    number_settings = raw.get("numbering") or {}
    if "prefix" in number_settings:
        # a bad pattern is a config error up front, not at the next registration
        settings.number_prefix = numbering.check_prefix(number_settings["prefix"], where)
    settings.organs = _organs(raw.get("organ"), raw.get("organs") or [], where)
    letters = raw.get("letters") or {}
    if "templates" in letters:
        settings.letter_templates = base / letters["templates"]
    settings.letter_numbers = _letter_numbers(letters.get("numbers") or {}, where)
    settings.letter_payment = (letters.get("payment") or "").strip() or None
    return settings


def _organ(entry: Any, key: str, where: str) -> Organ:
    """One organ's mapping, every key checked; ConfigError naming the key."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}：{key} 应为含 name、review_body、court 的映射，而不是“{entry}”")
    for sub, value in entry.items():
        if sub not in ORGAN_KEYS:
            raise ConfigError(f"{where}：未知的配置项 {key}.{sub}（可用：{'、'.join(ORGAN_KEYS)}）")
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{where}：{key}.{sub} 应为文本，而不是“{value}”")
    name = (entry.get("name") or "").strip()
    if not name:
        raise ConfigError(f"{where}：{key}.name 必须填写机关名称")
    return Organ(where=key, name=name, **{sub: (entry.get(sub) or "").strip() or None
                                          for sub in ORGAN_KEYS if sub != "name"})


def _organs(default: Any, listed: list, where: str) -> Organs:
    """`organ:` (a name or a mapping) and `organs:`; a name twice is an error."""
    by_name: dict[str, Organ] = {}
    for index, entry in enumerate(listed, 1):
        organ = _organ(entry, f"organs[{index}]", where)
        if organ.name in by_name:
            raise ConfigError(f"{where}：organs 中机关“{organ.name}”出现了两次")
        by_name[organ.name] = organ
    name = None
    if isinstance(default, dict):
        organ = _organ(default, "organ", where)
        if organ.name in by_name:
            raise ConfigError(f"{where}：机关“{organ.name}”在 organ 和 organs 中都有设置，请只写一处")
        by_name[organ.name] = organ
        name = organ.name
    elif isinstance(default, str):
        name = default.strip() or None
    elif len(by_name) == 1:
        name = next(iter(by_name))
    return Organs(default=name, by_name=by_name)


def _letter_numbers(patterns: dict, where: str) -> dict[str, str]:
    """letters.numbers: the 文号 pattern of each letter kind, checked like numbering.prefix."""
    from hunnan_gk.vocab import LetterKind

    checked = {}
    for kind, pattern in patterns.items():
        if kind not in {k.value for k in LetterKind}:
            raise ConfigError(f"{where}：未知的配置项 letters.numbers.{kind}（可用：{'、'.join(k.value for k in LetterKind)}）")
        if not isinstance(pattern, str):
            raise ConfigError(f"{where}：letters.numbers.{kind} 应为文本，如 浑政依复〔{{year}}〕{{seq}}号")
        checked[kind] = numbering.check_number_pattern(pattern, f"letters.numbers.{kind}")
    return checked


_DEPARTMENT_KEYS = {"name": str, "aliases": list, "email": (str, list), "leader": str,
                    "leader_email": str, "workdays": int}
_HANDLER_KEYS = {"name": str, "department": str, "email": str}


def _directory(departments: Any, handlers: Any, where: str) -> Directory:
    """The departments and handlers of the config, each entry checked; ConfigError naming
    the key (departments[2].workdays) when one is wrong."""
    if isinstance(departments, dict):  # the old form: 名称: [地址, …]
        listed = tuple(
            Department(name=str(name), emails=tuple(str(a) for a in _as_list(addrs)))
            for name, addrs in departments.items()
        )
    else:
        listed = tuple(_department(entry, f"departments[{i}]", where)
                       for i, entry in enumerate(departments or [], 1))
    spellings: dict[str, str] = {}
    for department in listed:
        for spelling in (department.name, *department.aliases):
            if spelling in spellings:
                raise ConfigError(
                    f"{where}：departments 中“{spelling}”出现了两次"
                    f"（{spellings[spelling]}、{department.name}）：每个名称或别名只能指一个承办单位"
                )
            spellings[spelling] = department.name
    people = tuple(_handler(entry, f"handlers[{i}]", where, spellings)
                   for i, entry in enumerate(handlers or [], 1))
    names = [h.name for h in people]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"{where}：handlers 中办理人“{twice[0]}”出现了两次")
    return Directory(departments=listed, handlers=people)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _entry(entry: Any, keys: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}：{key} 应为“name: …”的映射，而不是“{entry}”")
    for sub, value in entry.items():
        if sub not in keys:
            raise ConfigError(f"{where}：未知的配置项 {key}.{sub}（可用：{'、'.join(keys)}）")
        expected = keys[sub]
        if value is None:
            continue
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"{where}：{key}.{sub} 应为整数，而不是“{value}”")
        if not isinstance(value, expected):
            raise ConfigError(f"{where}：{key}.{sub} 应为{_TYPE_NAMES.get(expected, '文本或列表')}，而不是“{value}”")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}：{key}.name 必须填写名称")
    return entry


def _department(entry: Any, key: str, where: str) -> Department:
    entry = _entry(entry, _DEPARTMENT_KEYS, key, where)
    workdays = entry.get("workdays")
    if workdays is not None and workdays < 1:
        raise ConfigError(f"{where}：{key}.workdays 应为正整数（承办单位办理本单位部分的工作日数）")
    return Department(
        name=entry["name"].strip(),
        aliases=tuple(_text_entry(a, f"{key}.aliases", where) for a in entry.get("aliases") or []),
        emails=tuple(_text_entry(a, f"{key}.email", where) for a in _as_list(entry.get("email") or [])),
        leader=(entry.get("leader") or "").strip() or None,
        leader_email=(entry.get("leader_email") or "").strip() or None,
        **({"workdays": workdays} if workdays is not None else {}),
    )


def _handler(entry: Any, key: str, where: str, spellings: dict[str, str]) -> Handler:
    entry = _entry(entry, _HANDLER_KEYS, key, where)
    department = (entry.get("department") or "").strip() or None
    if department is not None and spellings:
        if department not in spellings:
            raise ConfigError(f"{where}：{key}.department “{department}”不是 departments 中的承办单位")
        department = spellings[department]
    return Handler(name=entry["name"].strip(), department=department,
                   email=(entry.get("email") or "").strip() or None)


def _refuse_control_characters(value: Any, where: str, name: str) -> None:
    """Every text of the config is one line: a CR or LF in an address or a department's name
    would let it add headers to the morning mail (header injection), an escape sequence would
    reach the terminal. ConfigError naming the key."""
    from hunnan_gk.safetext import has_any_control, visible

    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_control_characters(key, where, name or "键")
            _refuse_control_characters(item, where, f"{name}{key}" if not name else f"{name}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value, 1):
            _refuse_control_characters(item, where, f"{name}[{index}]")
    elif isinstance(value, str) and has_any_control(value):
        raise ConfigError(f"{where}：{name} 含有换行或控制字符（“{visible(value, one_line=True)}”），每一项只能写在一行")


_PORTS = range(1, 65536)
_MAX_TIMEOUT = 3600


def _check_smtp_numbers(smtp: dict, where: str) -> None:
    port, timeout = smtp.get("port"), smtp.get("timeout")
    if port is not None and port not in _PORTS:
        raise ConfigError(f"{where}：smtp.port 应为 1 至 65535 之间的端口号，而不是 {port}")
    if timeout is not None and not 0 < timeout <= _MAX_TIMEOUT:
        raise ConfigError(f"{where}：smtp.timeout 应为 1 至 {_MAX_TIMEOUT} 之间的秒数，而不是 {timeout}")


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
        elif expected == "organ":
            if not isinstance(value, (str, dict)):
                raise ConfigError(f"{where}：{name} 应为机关名称，或含 name、review_body、court 的映射")
        elif expected == "departments":
            if isinstance(value, dict):
                for sub, addrs in value.items():
                    if not isinstance(addrs, (list, str)):
                        raise ConfigError(f"{where}：{name}.{sub} 应为地址列表")
            elif not isinstance(value, list):
                raise ConfigError(f"{where}：{name} 应为承办单位的列表（每项 - name: …）")
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
