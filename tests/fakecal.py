"""A small calendar with the WorkCalendar interface, built from the official 2024-2026 data in
domain.md §3, so the report tests do not depend on chinesecalendar. Years from 2027 count as
weekends only and are provisional, as the real calendar marks them."""

from __future__ import annotations

from datetime import date, timedelta

from hunnan_gk.workdays import Counted, Dated


def _days(year: int, spec: str) -> set[date]:
    result: set[date] = set()
    for part in spec.split(";"):
        first, _, last = part.strip().partition("..")
        start = date(year, *map(int, first.split("-")))
        end = date(year, *map(int, last.split("-"))) if last else start
        while start <= end:
            result.add(start)
            start += timedelta(days=1)
    return result


OFF = (
    _days(2024, "01-01; 02-10..02-17; 04-04..04-06; 05-01..05-05; 06-10; 09-15..09-17; 10-01..10-07")
    | _days(2025, "01-01; 01-28..02-04; 04-04..04-06; 05-01..05-05; 05-31..06-02; 10-01..10-08")
    | _days(2026, "01-01..01-03; 02-15..02-23; 04-04..04-06; 05-01..05-05; 06-19..06-21; 09-25..09-27; 10-01..10-07")
)
WORK = (
    _days(2024, "02-04; 02-18; 04-07; 04-28; 05-11; 09-14; 09-29; 10-12")
    | _days(2025, "01-26; 02-08; 04-27; 09-28; 10-11")
    | _days(2026, "01-04; 02-14; 02-28; 05-09; 09-20; 10-10")
)
OFFICIAL_UNTIL = 2026


class FakeCalendar:
    def is_workday(self, day: date) -> bool:
        if day in WORK:
            return True
        return day.weekday() < 5 and day not in OFF

    def add(self, start: date, n: int) -> Dated:
        day, left = start, n
        step = timedelta(days=1 if n >= 0 else -1)
        while left:
            day += step
            if self.is_workday(day):
                left -= 1 if n > 0 else -1
        return Dated(day, max(start.year, day.year) > OFFICIAL_UNTIL)

    def between(self, start: date, end: date) -> Counted:
        low, high, sign = (start, end, 1) if start <= end else (end, start, -1)
        count, day = 0, low
        while day < high:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return Counted(sign * count, high.year > OFFICIAL_UNTIL)
