#!/usr/bin/env python3
"""Deadlines per second: sla_engine.WorkingCalendar against Odoo's resource.calendar.plan_hours.

The calendar: Mon-Fri 09:00-12:00 / 13:00-17:00 in Europe/Paris with the 11
French public holidays of 2025 and 2026; starts spread over 2025 (whole
minutes, inside and outside working hours); targets of 8 h and 40 h.

    python3 bench/bench_calendar.py                      # engine only
    python3 bench/bench_calendar.py --odoo-db sla_bench  # and plan_hours on a real Odoo 19

With ``--odoo-db`` the same deadlines are computed by Odoo 19's
``resource.calendar.plan_hours(hours, start, compute_leaves=True)`` inside a
transaction that is rolled back, and the script prints both rates, their ratio
and how many results differ (compared to the microsecond).  The database needs
the ``resource`` module (``odoo-bin -d sla_bench -i resource --stop-after-init``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sla_engine import WorkingCalendar  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
WEEKLY = [(d, "09:00", "12:00") for d in range(5)] + [(d, "13:00", "17:00") for d in range(5)]
HOLIDAYS = [
    # 2025
    (2025, 1, 1), (2025, 4, 21), (2025, 5, 1), (2025, 5, 8), (2025, 5, 29), (2025, 6, 9),
    (2025, 7, 14), (2025, 8, 15), (2025, 11, 1), (2025, 11, 11), (2025, 12, 25),
    # 2026 (deadlines of late-2025 starts run into it)
    (2026, 1, 1), (2026, 4, 6), (2026, 5, 1), (2026, 5, 8), (2026, 5, 14), (2026, 5, 25),
    (2026, 7, 14), (2026, 8, 15), (2026, 11, 1), (2026, 11, 11), (2026, 12, 25),
]  # fmt: skip
TARGETS = (8, 40)


def closures() -> list[tuple[datetime, datetime]]:
    result = []
    for y, m, d in HOLIDAYS:
        start = datetime(y, m, d, tzinfo=PARIS)
        result.append((start, datetime(y, m, d, 23, 59, 59, tzinfo=PARIS)))
    return result


def make_inputs(n: int, seed: int = 7) -> tuple[list[datetime], list[timedelta]]:
    rng = random.Random(seed)
    year_start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    starts = [year_start + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(n)]
    durations = [timedelta(hours=TARGETS[i % 2]) for i in range(n)]
    return starts, durations


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench_engine(n: int, repeat: int) -> dict:
    starts, durations = make_inputs(n)
    holidays = closures()

    def scalar():
        cal = WorkingCalendar(WEEKLY, "Europe/Paris", closures=holidays)  # cold: includes building
        return [cal.add(s, d) for s, d in zip(starts, durations)]

    def batch():
        cal = WorkingCalendar(WEEKLY, "Europe/Paris", closures=holidays)
        return cal.add_many(starts, durations)

    t_scalar, r_scalar = timed(scalar, repeat)
    t_batch, r_batch = timed(batch, repeat)
    assert r_scalar == r_batch, "add_many disagrees with add"
    return {
        "n": n,
        "scalar_s": t_scalar,
        "batch_s": t_batch,
        "results": r_batch,
        "starts": starts,
        "durations": durations,
    }


def bench_odoo(db: str, config: str | None, starts, durations, n: int) -> dict:
    import odoo  # noqa: F401  (only where Odoo 19 is installed)
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config as odoo_config

    args = ["-d", db]
    if config:
        args = ["-c", config, *args]
    odoo_config.parse_config(args)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        calendar = env["resource.calendar"].create(
            {
                "name": "Bench Mon-Fri 9-12/13-17 Paris",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (0, 0, {"name": f"{d}-{h}", "dayofweek": str(d), "hour_from": h, "hour_to": t})
                    for d in range(5)
                    for h, t in ((9, 12), (13, 17))
                ],
            }
        )
        for start, stop in closures():
            env["resource.calendar.leaves"].create(
                {
                    "name": "Holiday",
                    "calendar_id": calendar.id,
                    "resource_id": False,
                    "date_from": start.astimezone(timezone.utc).replace(tzinfo=None),
                    "date_to": stop.astimezone(timezone.utc).replace(tzinfo=None),
                    "time_type": "leave",
                }
            )
        env.flush_all()
        sample_starts, sample_durations = starts[:n], durations[:n]
        t0 = time.perf_counter()
        results = [
            calendar.plan_hours(d.total_seconds() / 3600, s, compute_leaves=True)
            for s, d in zip(sample_starts, sample_durations)
        ]
        elapsed = time.perf_counter() - t0
        cr.rollback()
    return {"n": n, "seconds": elapsed, "results": results}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20_000, help="deadlines for the engine (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each engine timing; median quoted")
    parser.add_argument(
        "--odoo-db", help="an Odoo 19 database with the resource module: compare to plan_hours"
    )
    parser.add_argument("--odoo-config", help="Odoo configuration file (db host, user, addons path)")
    parser.add_argument(
        "--odoo-n", type=int, default=2_000, help="deadlines through plan_hours (default 2000)"
    )
    args = parser.parse_args()

    engine = bench_engine(args.n, args.repeat)
    scalar_rate = engine["n"] / engine["scalar_s"]
    batch_rate = engine["n"] / engine["batch_s"]
    print(
        f"calendar: Mon-Fri 09-12/13-17 Europe/Paris, {len(HOLIDAYS)} holidays (2025-2026); "
        f"targets {TARGETS} h; {engine['n']} starts over 2025; median of {args.repeat} cold runs"
    )
    rows = [
        ("sla_engine add (scalar)", scalar_rate, 1e6 / scalar_rate),
        ("sla_engine add_many (batch)", batch_rate, 1e6 / batch_rate),
    ]
    odoo_rate = None
    mismatches = None
    if args.odoo_db:
        odoo = bench_odoo(args.odoo_db, args.odoo_config, engine["starts"], engine["durations"], args.odoo_n)
        odoo_rate = odoo["n"] / odoo["seconds"]
        rows.append(("odoo plan_hours(compute_leaves=True)", odoo_rate, 1e6 / odoo_rate))
        expected = [r.astimezone(timezone.utc) if r else None for r in odoo["results"]]
        mismatches = sum(1 for got, exp in zip(engine["results"], expected) if exp is None or got != exp)
    print()
    print(f"| {'method':38} | {'deadlines/s':>12} | {'us/deadline':>11} | {'vs plan_hours':>13} |")
    print(f"|{'-' * 40}|{'-' * 14}|{'-' * 13}|{'-' * 15}|")
    for name, rate, per in rows:
        ratio = f"{rate / odoo_rate:,.0f}x" if odoo_rate else "n/a"
        print(f"| {name:38} | {rate:12,.0f} | {per:11.2f} | {ratio:>13} |")
    if mismatches is not None:
        print(f"\nresults that differ from plan_hours: {mismatches} of {args.odoo_n}")
        return 1 if mismatches else 0
    print("\n(no --odoo-db: plan_hours not measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
