"""How fast is the working-day calendar? Run: python benchmarks/workdays_bench.py
(after pip install -e ., or with PYTHONPATH=. from a checkout)

Issue 2 asks that 100,000 deadline computations take well under a second, and that a command
builds the index only for the years it needs.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from hunnan_gk.workdays import WorkCalendar


def main() -> None:
    started = time.perf_counter()
    calendar = WorkCalendar()
    calendar.add(date(2024, 4, 1), 20)
    print(f"first add (imports, one year's index): {(time.perf_counter() - started) * 1000:.1f} ms")

    rng = random.Random(2)
    starts = [date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365)) for _ in range(100_000)]
    for label, call in [
        ("add(start, 20)", lambda day: calendar.add(day, 20)),
        ("between(start, 2025-06-01)", lambda day: calendar.between(day, date(2025, 6, 1))),
        ("is_workday(start)", calendar.is_workday),
    ]:
        started = time.perf_counter()
        for day in starts:
            call(day)
        print(f"100,000 × {label}: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
