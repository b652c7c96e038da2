#!/usr/bin/env python3
"""Cost of creating helpdesk tickets with and without helpdesk_sla_advanced, on one database.

    python3 bench/bench_ticket_create.py [--db sla_bench_create] [-n 1000] [--oca]

Needs Odoo 19 (``import odoo``) and PostgreSQL. The script:

1. (re)creates the database with ``helpdesk_mgmt`` and ``resource`` only, and times creating ``n``
   tickets, one ``create`` call each, then all in one call (rolled back);
2. installs ``helpdesk_sla_advanced`` into the same database, configures a tiered
   policy on a Mon-Fri 09-12/13-17 Europe/Paris calendar with 11 public holidays,
   and times the same creations; then again with an OLA on the tickets' team (pickup and
   ownership targets on its calendar: each ticket opens a team visit with two OLA clocks);
3. with ``--oca``: installs OCA ``helpdesk_mgmt_sla`` into a second database with two
   SLAs on the team (its documented setup) and times the same creations.

It prints the per-ticket times and the ratios to the baseline (goal: <= 1.25x; OCA's
module measured about 1.8x on this kind of machine).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import odoo_db

ROOT = Path(__file__).resolve().parent.parent
HOLIDAYS_2026 = [
    (1, 1),
    (4, 6),
    (5, 1),
    (5, 8),
    (5, 14),
    (5, 25),
    (7, 14),
    (8, 15),
    (11, 1),
    (11, 11),
    (12, 25),
]


MEASURE = r"""
import json, sys, time, statistics
from datetime import datetime
import odoo
from odoo import api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
mode, n, repeat = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
holidays = json.loads(sys.argv[6])
registry = Registry(sys.argv[2])
result = {"single": [], "batch": []}
for _run in range(repeat):
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": False})
        calendar = env["resource.calendar"].create({
            "name": "Bench Paris", "tz": "Europe/Paris",
            "attendance_ids": [Command.clear()] + [
                Command.create({"name": f"{d}-{h}", "dayofweek": str(d), "hour_from": h, "hour_to": t,
                                "day_period": "morning" if h < 12 else "afternoon"})
                for d in range(5) for h, t in ((9, 12), (13, 17))],
        })
        for m, d in holidays:
            env["resource.calendar.leaves"].create({
                "name": "Holiday", "calendar_id": calendar.id, "time_type": "leave",
                "date_from": datetime(2026, m, d, 0, 0), "date_to": datetime(2026, m, d, 23, 0)})
        team = env["helpdesk.ticket.team"].create({"name": "Bench team"})
        partner = env["res.partner"].create(
            {"name": "Bench customer", "is_company": True, "tz": "Europe/Paris"})
        if mode in ("advanced", "ola"):
            tier = env["helpdesk.sla.tier"].create({"name": "Bench tier"})
            partner.sla_tier_id = tier
            env["helpdesk.sla.policy"].create({
                "name": "Bench premium", "sequence": 1, "tier_ids": [Command.set(tier.ids)],
                "resource_calendar_id": calendar.id,
                "pause_stage_ids": [Command.set(env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting").ids)],
                "target_ids": [
                    Command.create({"metric": "first_response", "contractual_hours": 4, "internal_hours": 2}),
                    Command.create({"metric": "next_response", "contractual_hours": 8}),
                    Command.create({"metric": "resolution", "contractual_hours": 16, "internal_hours": 12}),
                ],
            })
            if mode == "ola":  # the team's OLA on its own calendar: each ticket opens a visit
                env["helpdesk.sla.ola"].create({
                    "name": "Bench triage", "team_id": team.id, "resource_calendar_id": calendar.id,
                    "target_ids": [
                        Command.create({"metric": "pickup", "contractual_hours": 1}),
                        Command.create({"metric": "ownership", "contractual_hours": 4, "internal_hours": 3}),
                    ],
                })
        elif mode == "oca":
            team.write({"use_sla": True, "resource_calendar_id": calendar.id})
            for hours in (8, 40):
                env["helpdesk.sla"].create({
                    "name": f"SLA {hours}h", "team_ids": [Command.set(team.ids)], "hours": hours,
                    "stage_id": env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        env.flush_all()
        vals = lambda i: {"name": f"Bench {i}", "description": "<p>bench</p>", "team_id": team.id,
                          "partner_id": partner.id, "priority": str(i % 4)}
        Ticket = env["helpdesk.ticket"]
        Ticket.create(vals(-1)); env.flush_all()  # warm-up
        t0 = time.perf_counter()
        for i in range(n):
            Ticket.create(vals(i))
        env.flush_all()
        result["single"].append((time.perf_counter() - t0) / n)
        t0 = time.perf_counter()
        Ticket.create([vals(i) for i in range(n)])
        env.flush_all()
        result["batch"].append((time.perf_counter() - t0) / n)
        cr.rollback()
print(json.dumps({k: statistics.median(v) for k, v in result.items()}))
"""


def measure(config: Path, db: str, mode: str, n: int, repeat: int) -> dict:
    import json

    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            str(config),
            db,
            mode,
            str(n),
            str(repeat),
            json.dumps(HOLIDAYS_2026),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"measuring {mode} on {db} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sla_bench_create")
    parser.add_argument("-n", type=int, default=1000, help="tickets per timing (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="timings of each; median quoted")
    parser.add_argument("--oca", action="store_true", help="also measure OCA helpdesk_mgmt_sla")
    args = parser.parse_args()
    if not odoo_db.odoo_importable():
        return 2
    config = odoo_db.write_config(args.db)
    odoo_db.drop(args.db)
    odoo_db.install(config, args.db, "helpdesk_mgmt,resource")
    base = measure(config, args.db, "baseline", args.n, args.repeat)
    odoo_db.install(config, args.db, "helpdesk_sla_advanced")
    advanced = measure(config, args.db, "advanced", args.n, args.repeat)
    with_ola = measure(config, args.db, "ola", args.n, args.repeat)
    rows = [
        ("helpdesk_mgmt alone", base),
        ("+ helpdesk_sla_advanced", advanced),
        ("+ helpdesk_sla_advanced with an OLA", with_ola),
    ]
    if args.oca:
        oca_db = f"{args.db}_oca"
        odoo_db.drop(oca_db)
        odoo_db.install(config, oca_db, "helpdesk_mgmt_sla")
        rows.append(
            ("+ OCA helpdesk_mgmt_sla (other db)", measure(config, oca_db, "oca", args.n, args.repeat))
        )
    print(f"{args.n} tickets, median of {args.repeat} runs, {datetime.now():%Y-%m-%d}")
    print()
    single, batch = "ms/ticket, one create each", "ms/ticket, one batch"
    print(f"| {'database':36} | {single:>26} | {'ratio':>6} | {batch:>20} | {'ratio':>6} |")
    print(f"|{'-' * 38}|{'-' * 28}|{'-' * 8}|{'-' * 22}|{'-' * 8}|")
    for name, figures in rows:
        print(
            f"| {name:36} | {figures['single'] * 1e3:26.2f} | {figures['single'] / base['single']:5.2f}x "
            f"| {figures['batch'] * 1e3:20.2f} | {figures['batch'] / base['batch']:5.2f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
