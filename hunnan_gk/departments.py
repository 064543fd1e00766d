"""承办单位 and 办理人: the configured list of departments (each with its aliases, addresses,
leader and its own time for its part) and handlers, and the resolution of what a clerk typed
to the name that is stored (issue 13). Pure: the list comes in from the config.

With no departments configured any text is accepted as it was typed (the tool worked that way
before the list existed); with a list, only a name or an alias is, and anything else is refused
naming the closest names, so that `住建局` and `区住建局` never become two departments.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

from hunnan_gk.errors import InputError

DEFAULT_DEPARTMENT_WORKDAYS = 10  # the department's own time for its part, unless configured


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    leader: str | None = None
    leader_email: str | None = None
    workdays: int = DEFAULT_DEPARTMENT_WORKDAYS


@dataclass(frozen=True)
class Handler:
    name: str
    department: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Directory:
    """The configured departments and handlers; empty when none are configured."""

    departments: tuple[Department, ...] = ()
    handlers: tuple[Handler, ...] = field(default_factory=tuple)

    @property
    def controlled(self) -> bool:
        """Whether --department must name a configured department."""
        return bool(self.departments)

    def department(self, name: str | None) -> Department | None:
        """The configured department stored as `name`, if any."""
        for department in self.departments:
            if department.name == name:
                return department
        return None

    def handler(self, name: str | None) -> Handler | None:
        for handler in self.handlers:
            if handler.name == name:
                return handler
        return None

    def workdays_of(self, name: str | None) -> int:
        department = self.department(name)
        return department.workdays if department else DEFAULT_DEPARTMENT_WORKDAYS

    def resolve_department(self, text: str | None, option: str = "--department") -> str | None:
        """The stored name for what was typed: the name itself or one of its aliases. Any
        other text is refused (InputError, exit 2) naming the closest names, unless no
        departments are configured; then it is kept as typed."""
        if text is None:
            return None
        wanted = text.strip()
        if not wanted:
            raise InputError(f"{option} 承办单位不能为空")
        if not self.controlled:
            return wanted
        for department in self.departments:
            if wanted == department.name or wanted in department.aliases:
                return department.name
        names = {alias: d.name for d in self.departments for alias in (d.name, *d.aliases)}
        raise InputError(
            f"{option} “{wanted}”不是配置中的承办单位" + closest_names(wanted, names),
            hint="配置的承办单位及其别名见 hunnan-gk departments",
        )

    def resolve_handler(self, text: str | None, *, department: str | None = None,
                        option: str = "--handler") -> str | None:
        """The stored name of a handler. With handlers configured, only one of them is
        accepted (exit 2 naming the closest); given a department, the handler must belong to
        it when the config says where they work."""
        if text is None:
            return None
        wanted = text.strip()
        if not wanted:
            raise InputError(f"{option} 办理人不能为空")
        if not self.handlers:
            return wanted
        handler = self.handler(wanted)
        if handler is None:
            names = {h.name: h.name for h in self.handlers}
            raise InputError(
                f"{option} “{wanted}”不是配置中的办理人" + closest_names(wanted, names),
                hint="配置的办理人见 hunnan-gk departments",
            )
        if department and handler.department and handler.department != department:
            raise InputError(f"{option} 办理人“{wanted}”属于{handler.department}，不属于{department}")
        return handler.name

    def handlers_of(self, department: str) -> list[Handler]:
        return [h for h in self.handlers if h.department == department]

    def unknown(self, stored: Iterable[str]) -> list[str]:
        """The stored department names that are not in the list (none when uncontrolled)."""
        if not self.controlled:
            return []
        known = {d.name for d in self.departments}
        return sorted({name for name in stored if name and name not in known})


def closest_names(wanted: str, names: dict[str, str]) -> str:
    """"，最接近的是：区住建局、区教育局" — the configured names nearest to what was typed
    (by any of their spellings), or the whole list when none is near."""
    near = difflib.get_close_matches(wanted, list(names), n=6, cutoff=0.3)
    # a name contained in what was typed, or containing it, is close too (住建 → 区住建局)
    near += [alias for alias in names if (wanted in alias or alias in wanted) and alias not in near]
    chosen = list(dict.fromkeys(names[alias] for alias in near))[:3]
    if chosen:
        return "，最接近的是：" + "、".join(chosen)
    return "，可选：" + "、".join(dict.fromkeys(names.values()))
