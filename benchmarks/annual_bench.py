"""How long `report annual` counts take on a million requests (target: ≤ 2 s).

Run: python benchmarks/annual_bench.py [N]   (builds a throwaway database in a temp dir)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hunnan_gk import annual, storage  # noqa: E402
from hunnan_gk.vocab import ApplicantType, Outcome  # noqa: E402


def build(db, n: int) -> None:
    rng = random.Random(6)
    types = [t.value for t in ApplicantType]
    outcomes = [o.value for o in Outcome]
    start = date(2015, 1, 1)
    at = "2024-01-01T00:00:00+08:00"

    def rows():
        for seq in range(1, n + 1):
            received = start + timedelta(days=rng.randrange(3650))
            replied = received + timedelta(days=rng.randrange(1, 60)) if rng.random() < 0.97 else None
            yield (f"{received.year}-{seq:07d}", received.year, seq, "申请人", rng.choice(types),
                   "online", received.isoformat(), "内容", "closed" if replied else "review",
                   received.isoformat(), rng.choice(outcomes) if replied else None,
                   replied.isoformat() if replied else None, received.isoformat(), at, at)

    with storage.write(db):
        db.conn.executemany(
            "INSERT INTO requests (number, year, seq, applicant, applicant_type, channel,"
            " received_on, content, stage, clock_start_on, outcome, outcome_on, last_event_on,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows(),
        )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        db = storage.open_db(Path(tmp) / "bench.db")
        began = time.perf_counter()
        build(db, n)
        print(f"built {n:,} requests in {time.perf_counter() - began:.1f} s")
        db.execute("ANALYZE")
        for year in (2016, 2020, 2024):
            began = time.perf_counter()
            counts = storage.annual_counts(db, year)
            table = annual.build_table(year, **counts, appeals=storage.annual_appeal_counts(db, year))
            elapsed = time.perf_counter() - began
            print(f"{year}: {elapsed:.3f} s, balanced={table.balanced}, "
                  f"new={table.row('new').values['total']:,}")


if __name__ == "__main__":
    main()
