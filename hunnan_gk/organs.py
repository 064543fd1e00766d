"""Organs (答复机关): the bodies that answer in their own name (issue 14). Each letter carries
its organ's name, and a reply's remedy clause its 复议机关 and court (letters.md §3). Pure.

Config: `organ:` the default organ, a name or a mapping (name, review_body, court, address,
contact); `organs:` a list of such mappings when one database serves several organs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from hunnan_gk.errors import ConfigError

#: What an organ's entry may hold, and what each key is, for messages.
ORGAN_KEYS = {
    "name": "机关名称",
    "review_body": "复议机关",
    "court": "人民法院",
    "address": "地址",
    "contact": "联系方式",
}


@dataclass(frozen=True)
class Organ:
    name: str
    review_body: str | None = None
    court: str | None = None
    address: str | None = None
    contact: str | None = None
    where: str = "organ"  # the config key it came from: organ, organs[2]

    def require(self, key: str) -> str:
        """The setting `key` (review_body, court, contact …); ConfigError (exit 2) naming the
        missing key rather than a letter with a blank or a guess in its place."""
        value = getattr(self, key)
        if not value:
            raise ConfigError(
                f"配置中机关“{self.name}”缺少 {self.where}.{key}（{ORGAN_KEYS[key]}）",
                hint=f"在配置的 organ 或 organs 中为该机关写明 {key}（{ORGAN_KEYS[key]}）"
                     + ("，如 浑南区人民政府 的复议机关是 沈阳市人民政府（行政复议法第二十四条）"
                        if key == "review_body" else ""),
            )
        return value


@dataclass(frozen=True)
class Organs:
    """The configured organs: the default one's name and every organ by name."""

    default: str | None = None
    by_name: dict[str, Organ] = field(default_factory=dict)

    def get(self, name: str | None) -> Organ:
        """The organ named `name` (the request's), else the default; ConfigError when none
        is configured."""
        wanted = name or self.default
        if not wanted:
            raise ConfigError("配置中没有 organ（答复机关名称）：文书须以机关名义制发",
                              hint="在配置中写 organ: 浑南区人民政府办公室，或带 review_body、court 的映射")
        organ = self.by_name.get(wanted)
        return organ if organ is not None else Organ(name=wanted)

    @property
    def names(self) -> list[str]:
        """Every configured organ's name, the default first."""
        return list(dict.fromkeys([self.default, *self.by_name] if self.default else self.by_name))

    @property
    def several(self) -> bool:
        """Whether one database serves more than one organ (the annual report then sums them)."""
        return len(self.names) > 1

    def resolve(self, text: str | None, option: str = "--organ") -> str | None:
        """The stored organ for what was typed: a configured name, or the default organ when
        nothing was typed (None when no organ is configured). Checked like --department: with
        organs configured any other text is refused (InputError, exit 2) naming the closest."""
        from hunnan_gk.departments import closest_names
        from hunnan_gk.errors import InputError

        if text is None:
            return self.default
        wanted = text.strip()
        if not wanted:
            raise InputError(f"{option} 答复机关不能为空")
        if not self.names:
            return wanted
        if wanted in self.names:
            return wanted
        raise InputError(
            f"{option} “{wanted}”不是配置中的答复机关" + closest_names(wanted, {n: n for n in self.names}),
            hint="答复机关在配置的 organ 和 organs 中设置",
        )

    def unknown(self, stored: Iterable[str]) -> list[str]:
        """The stored organ names that are not configured (none when no organ is configured)."""
        if not self.names:
            return []
        return sorted(set(stored) - set(self.names))
