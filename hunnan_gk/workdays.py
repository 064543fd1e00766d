"""China's working days: official holiday data, a local override file, provisional years. Pure.

A working day is a weekday that is not a holiday, or a weekend day the State Council's notice
makes a working day (调休上班). Where the data comes from, per year (domain.md §3):

- **override**: the clerk's override file (`holidays` in the config), typed from the year's
  国务院办公厅 notice; it replaces every other source for that year;
- **package**: chinesecalendar's official tables (2004-2026 in 1.11);
- **provisional**: any other year: weekends plus the statutory holidays that
  《全国年节及纪念日放假办法》 fixes (lunar dates from the `holidays` package). Every result whose
  counted span touches such a year is marked provisional, never a silent Monday-to-Friday guess.
  Outside the lunar range of `holidays` (before 1950, after 2100) only the solar-date holidays
  (元旦, 劳动节, 国庆节) can be placed; such years are provisional all the same.

The index of a year (a sorted list of its working days) is built only when a call needs that
year, so `add` and `between` are a bisect or two, not a walk day by day. chinese_calendar
and holidays are imported only when needed. Nothing here reads or writes a file: the override
file and the statutory-holiday cache are `holiday_files`, which hands their data in.
"""

from __future__ import annotations

import calendar as _gregorian
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple

from hunnan_gk.errors import InputError
from hunnan_gk.vocab import CalendarSource


WORKDAY = "工作日"
WEEKEND = "周末"
ADJUSTED_WORKDAY = "调休上班"
UNNAMED_HOLIDAY = "节假日"

PROVISIONAL_HINT = (
    "计算跨入了尚无官方节假日安排的年份，结果按周末和法定节假日暂定；"
    "国务院办公厅发布该年节假日安排通知后，请将其录入节假日覆盖文件（配置项 holidays）。"
)

# chinesecalendar names festivals in English; the clerk reads Chinese.
_FESTIVAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
# The statutory days as `holidays` names them in zh_CN (《全国年节及纪念日放假办法》第2条);
# 除夕 belongs to the 春节 holiday. Anything else it returns (休息日（由…调休）) is dropped:
# those come from a notice, not from the law.
_STATUTORY_NAMES = {
    "元旦": "元旦",
    "农历除夕": "春节",
    "春节": "春节",
    "清明节": "清明节",
    "劳动节": "劳动节",
    "端午节": "端午节",
    "中秋节": "中秋节",
    "国庆节": "国庆节",
}
# The statutory days on fixed solar dates, for years outside the lunar range of `holidays`.
_SOLAR_STATUTORY = ((1, 1, "元旦"), (5, 1, "劳动节"), (5, 2, "劳动节"), (10, 1, "国庆节"),
                    (10, 2, "国庆节"), (10, 3, "国庆节"))
_OUT_OF_RANGE = "日期超出可计算的范围（公元 1 年至 9999 年）"


class Dated(NamedTuple):
    date: date
    provisional: bool


class Counted(NamedTuple):
    workdays: int
    provisional: bool


class DayInfo(NamedTuple):
    date: date
    workday: bool
    reason: str  # 工作日 / 周末 / 调休上班 / the holiday's Chinese name
    provisional: bool


@dataclass(frozen=True)
class YearOverride:
    """One year's State Council notice as typed into the override file."""

    holidays: tuple[tuple[date, date], ...] = ()  # inclusive spans; one day is (d, d)
    workdays: tuple[date, ...] = ()  # weekend days worked (调休上班)


# year → statutory holidays (date → Chinese name)
Statutory = Callable[[int], dict[date, str]]


def missing_festivals(override: YearOverride, statutory: dict[date, str]) -> dict[str, list[date]]:
    """The statutory festivals (《全国年节及纪念日放假办法》第2条) whose days an override year
    does not give off, each with the days left out. Every State Council notice gives all of
    them, so anything here is a typing mistake in the override file."""
    off = override.holidays
    missing: dict[str, list[date]] = {}
    for day, name in sorted(statutory.items()):
        if not any(first <= day <= last for first, last in off):
            missing.setdefault(name, []).append(day)
    return missing

@dataclass
class _Year:
    source: CalendarSource
    workdays: list[date]  # sorted
    off: dict[date, str | None]  # holidays → Chinese name (None: named from the override spans)
    adjusted: frozenset[date]
    names: dict[date, str] = field(default_factory=dict)  # resolved override names


@lru_cache(maxsize=1)
def _package_tables() -> tuple[range, dict[int, dict[date, str]], dict[int, frozenset[date]]]:
    """chinesecalendar's official tables grouped by year, and the years they cover."""
    import chinese_calendar

    off: dict[int, dict[date, str]] = {}
    for day, festival in chinese_calendar.holidays.items():
        off.setdefault(day.year, {})[day] = _FESTIVAL_NAMES.get(str(festival), UNNAMED_HOLIDAY)
    worked: dict[int, set[date]] = {}
    for day in chinese_calendar.workdays:
        worked.setdefault(day.year, set()).add(day)
    years = range(min(off), max(off) + 1)
    return years, off, {year: frozenset(days) for year, days in worked.items()}


def package_years() -> range:
    """The years chinesecalendar holds official data for (2004-2026 in 1.11)."""
    return _package_tables()[0]


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays the law fixes for `year` (no 调休), date → Chinese name."""
    import holidays

    found: dict[date, str] = {}
    for day, names in holidays.China(years=year, observed=False, language="zh_CN").items():
        for name in str(names).split("; "):  # holidays joins coinciding names with "; "
            if name in _STATUTORY_NAMES:
                found[day] = _STATUTORY_NAMES[name]
                break
    if not found:  # before 1950 or after 2100: no lunar dates, only the solar ones
        found = {date(year, month, day): name for month, day, name in _SOLAR_STATUTORY}
    return found


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range(366 if _gregorian.isleap(year) else 365)]


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _build_year(year: int, override: YearOverride | None, statutory: Statutory) -> _Year:
    if override is not None:
        source = CalendarSource.OVERRIDE
        off: dict[date, str | None] = {
            day: None for first, last in override.holidays for day in _span(first, last)
        }
        adjusted = frozenset(override.workdays)
    elif year in package_years():
        _, package_off, package_worked = _package_tables()
        source = CalendarSource.PACKAGE
        off = dict(package_off.get(year, {}))
        adjusted = package_worked.get(year, frozenset())
    else:
        source = CalendarSource.PROVISIONAL
        off = dict(statutory(year))
        adjusted = frozenset()
    workdays = [
        day
        for day in _days_of(year)
        if day in adjusted or (day.weekday() < 5 and day not in off)
    ]
    return _Year(source, workdays, off, adjusted)


def _override_names(year: int, override: YearOverride, statutory_of: Statutory) -> dict[date, str]:
    """Names for the override's holidays: a day's own statutory name, else the one statutory
    name its span contains (2027-02-05..2027-02-11 is all 春节), else 节假日."""
    statutory = statutory_of(year)
    names: dict[date, str] = {}
    for first, last in override.holidays:
        days = _span(first, last)
        found = {statutory[day] for day in days if day in statutory}
        common = next(iter(found)) if len(found) == 1 else UNNAMED_HOLIDAY
        for day in days:
            names[day] = statutory.get(day, common)
    return names


class WorkCalendar:
    """Working-day arithmetic over official, override and provisional years."""

    def __init__(
        self,
        overrides: dict[int, YearOverride] | None = None,
        statutory: Statutory = statutory_holidays,
    ):
        self.statutory = statutory
        self.overrides: dict[int, YearOverride] = dict(overrides or {})
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        try:
            return self._years[year]
        except KeyError:
            if not date.min.year <= year <= date.max.year:
                raise InputError(_OUT_OF_RANGE) from None
            found = self._years[year] = _build_year(year, self.overrides.get(year), self.statutory)
            return found

    def source(self, year: int) -> CalendarSource:
        """Where `year`'s data comes from: the override file, the package, or provisional."""
        if year in self.overrides:
            return CalendarSource.OVERRIDE
        if year in package_years():
            return CalendarSource.PACKAGE
        return CalendarSource.PROVISIONAL

    def year_sources(self, years: Iterable[int]) -> dict[int, CalendarSource]:
        return {year: self.source(year) for year in years}

    def _touches_provisional(self, first: date, last: date) -> bool:
        """Whether the counted span (first, last] (either order) reaches a provisional year."""
        low, high = (first, last) if first <= last else (last, first)
        if low.year == high.year:  # the common case, kept cheap
            return low != high and self._year(high.year).source is CalendarSource.PROVISIONAL
        from_year = low.year + (low.month == 12 and low.day == 31)
        for year in range(from_year, high.year + 1):
            if self._year(year).source is CalendarSource.PROVISIONAL:
                return True
        return False

    def is_workday(self, day: date) -> bool:
        days = self._year(day.year).workdays
        i = bisect_left(days, day)
        return i < len(days) and days[i] == day

    def add(self, start: date, n: int) -> Dated:
        """The date `n` working days after `start` (before it when `n` < 0); `start` itself is
        not counted (条例第33条: the day of receipt does not count)."""
        if n == 0:
            return Dated(start, False)
        year = start.year
        days = self._year(year).workdays
        if n > 0:
            i = bisect_right(days, start) + n - 1
            while i >= len(days):
                i -= len(days)
                year += 1
                days = self._year(year).workdays
        else:
            i = bisect_left(days, start) + n
            while i < 0:
                year -= 1
                days = self._year(year).workdays
                i += len(days)
        result = days[i]
        return Dated(result, self._touches_provisional(start, result))

    def between(self, start: date, end: date) -> Counted:
        """Working days in (start, end]; negative when `end` is before `start`."""
        if end < start:
            counted = self.between(end, start)
            return Counted(-counted.workdays, counted.provisional)
        total = 0
        for year in range(start.year, end.year + 1):
            days = self._year(year).workdays
            low = bisect_right(days, start) if year == start.year else 0
            high = bisect_right(days, end) if year == end.year else len(days)
            total += high - low
        return Counted(total, self._touches_provisional(start, end))

    def day(self, day: date) -> DayInfo:
        """Whether `day` is a working day, and why."""
        info = self._year(day.year)
        provisional = info.source is CalendarSource.PROVISIONAL
        weekend = day.weekday() >= 5
        if day in info.adjusted:
            return DayInfo(day, True, ADJUSTED_WORKDAY if weekend else WORKDAY, provisional)
        if day in info.off:
            return DayInfo(day, False, info.off[day] or self._override_name(info, day), provisional)
        return DayInfo(day, not weekend, WEEKEND if weekend else WORKDAY, provisional)

    def _override_name(self, info: _Year, day: date) -> str:
        if not info.names:
            info.names = _override_names(day.year, self.overrides[day.year], self.statutory)
        return info.names.get(day, UNNAMED_HOLIDAY)

    def explain(self, start: date, n: int) -> list[DayInfo]:
        """Every day from the day after `start` to `add(start, n)` (backwards when `n` < 0),
        counted or skipped, with the reason."""
        end = self.add(start, n).date
        step = timedelta(days=1 if n >= 0 else -1)
        days: list[DayInfo] = []
        current = start
        while current != end:
            current += step
            days.append(self.day(current))
        return days
