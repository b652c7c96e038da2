#!/usr/bin/env python3
"""Cost of one pass of the SLA tick cron: it must follow the due rows, not the open ones.

    python3 bench/bench_cron.py --db sla_bench_cron [--open 100000 10000] [--due 1000]
                                [--ladder both|notify|none] [--repeat 3]

Needs Odoo 19 (``import odoo``) and a database where helpdesk_sla_advanced is installed
(the script installs it into ``--db`` when the database does not exist; it never drops a
database). For each size it builds, inside one transaction that is rolled back at the end,
``open`` running SLA clocks (one resolution clock per ticket, bulk-copied from two ORM-made
templates) of which ``due`` are due, then times a full cron pass over the due rows (batches
of 200, as the cron runs) and counts its SQL queries. Two kinds of due rows (``--ladder``):
``none``, the deadline has passed and the breach is stored; ``notify``, the first level of
an escalation ladder is due (notify the team leader: one digest per pass for the leader,
one note on each ticket). The notify pass is printed next to its goals. On a busy machine,
``--repeat`` measures each pass several times (each in its own rolled-back transaction) and
prints the fastest, all the times next to it, and the queries of the first run (the caches
are cold then; later runs may need a few fewer).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta

import odoo_db

# issue 14: firing a notify level over 1,000 due rows, whatever the number of open clocks
GOAL_SECONDS_PER_1000 = 2.0
GOAL_QUERIES_PER_ROW = 3.0


def _perf_counter() -> float:
    """Elapsed real time: freezegun patches time.perf_counter, not os.times."""
    return os.times().elapsed


def copy_rows(env, table: str, template_id: int, count: int, overrides: dict[str, str]) -> None:
    """INSERT ``count`` copies of row ``template_id`` of ``table``, some columns replaced by
    SQL expressions over ``n`` (1..count) and ``src`` (the template row)."""
    from odoo.tools import SQL

    env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [row[0] for row in env.cr.fetchall()]
    values = [SQL(overrides[c]) if c in overrides else SQL.identifier("src", c) for c in columns]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s AS src, generate_series(1, %s) AS n WHERE src.id = %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(values),
            SQL.identifier(table),
            count,
            template_id,
        )
    )


def measure(env, open_count: int, due_count: int, with_ladder: bool) -> dict:
    from odoo.fields import Command
    from odoo.tests import freeze_time

    now = datetime(2026, 3, 2, 12, 0)  # a Monday
    leader = env.ref("base.user_admin")
    team = env["helpdesk.ticket.team"].create({"name": "Cron bench", "user_id": leader.id})
    partner = env["res.partner"].create({"name": "Cron bench customer", "is_company": True})
    env["helpdesk.sla.policy"].create(
        {
            "name": "Cron bench",
            "sequence": -1000,
            "partner_ids": [Command.set(partner.ids)],
            "calendar_mode": "always",
            "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 8})],
            "escalation_ids": [
                Command.create(
                    {
                        "name": "Half way",
                        "metric": "resolution",
                        "trigger": "percent_contractual",
                        "percent": 50,
                        "action_ids": [Command.create({"action_type": "notify_team_leader"})],
                    }
                )
            ]
            if with_ladder
            else [],
        }
    )
    vals = {"name": "Cron bench", "description": "<p>x</p>", "team_id": team.id, "partner_id": partner.id}
    # due: half way (4 h) is past with the ladder; the deadline (8 h) is past without
    with freeze_time(now - timedelta(hours=5 if with_ladder else 9)):
        due_template = env["helpdesk.ticket"].create(vals)
    with freeze_time(now):  # nothing due for hours
        open_template = env["helpdesk.ticket"].create(vals)
    env.flush_all()
    for template, count in ((due_template, due_count - 1), (open_template, open_count - due_count - 1)):
        env.cr.execute("SELECT max(id) FROM helpdesk_ticket")
        first_new = env.cr.fetchone()[0]
        copy_rows(env, "helpdesk_ticket", template.id, count, {"number": "'BENCH' || n"})
        status = template.sla_status_ids
        copy_rows(
            env,
            "helpdesk_ticket_sla_status",
            status.id,
            count,
            {"ticket_id": f"{first_new} + n"},
        )
        env.cr.execute(
            """
            INSERT INTO helpdesk_ticket_sla_event
                (status_id, ticket_id, company_id, kind, at, reason, policy_id,
                 contractual_hours, internal_hours, time_kind, user_id)
            SELECT s.id, s.ticket_id, e.company_id, e.kind, e.at, e.reason, e.policy_id,
                   e.contractual_hours, e.internal_hours, e.time_kind, e.user_id
              FROM helpdesk_ticket_sla_status s
              JOIN helpdesk_ticket_sla_event e ON e.status_id = %s
             WHERE s.ticket_id > %s
            """,
            [status.id, first_new],
        )
    env.cr.execute("ANALYZE helpdesk_ticket_sla_status")
    env.invalidate_all()
    Status = env["helpdesk.ticket.sla.status"]
    with freeze_time(now):
        open_total = Status.search_count([("state", "=", "running")])
        due_total = Status.search_count(Status._sla_due_domain(now))
        queries = env.cr.sql_log_count
        started = _perf_counter()
        passes = 0
        while Status.search_count(Status._sla_due_domain(now), limit=1):
            Status._cron_sla_tick()
            passes += 1
        env.flush_all()
        elapsed = _perf_counter() - started
        queries = env.cr.sql_log_count - queries
        fired = env["helpdesk.ticket.sla.firing"].search_count([("state", "=", "done")])
    return {
        "open": open_total,
        "due": due_total,
        "fired": fired,
        "seconds": elapsed,
        "queries": queries,
        "batches": passes,
        "kind": "level fired: notify the team leader" if with_ladder else "breach stored, no ladder",
        "ladder": with_ladder,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sla_bench_cron")
    parser.add_argument("--open", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument(
        "--ladder",
        choices=("both", "notify", "none"),
        default="both",
        help="due rows that fire a notify level, that only store a breach, or both",
    )
    parser.add_argument("--repeat", type=int, default=1, help="measure each pass this many times")
    args = parser.parse_args()
    if not odoo_db.odoo_importable():
        return 2
    from odoo import api

    registry = odoo_db.open_registry(args.db)
    rows = []
    ladders = {"both": (False, True), "notify": (True,), "none": (False,)}[args.ladder]
    for with_ladder in ladders:
        for open_count in args.open:
            runs = []
            for _run in range(max(args.repeat, 1)):
                with registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
                    runs.append(measure(env, open_count, args.due, with_ladder))
                    cr.rollback()
            # the fastest time; the queries of the first run (cold caches), the most
            row = dict(min(runs, key=lambda run: run["seconds"]), queries=runs[0]["queries"])
            row["times"] = [run["seconds"] for run in runs]
            rows.append(row)
    print(f"one cron pass over the due clocks (batches of 200), {datetime.now():%Y-%m-%d}")
    print()
    best = f", best of {args.repeat}" if args.repeat > 1 else ""
    header = ["due rows are", "open clocks", "due", f"pass (s{best})", "ms per due row", "queries"]
    print("| " + " | ".join([*header, "queries per due row"]) + " |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['kind']} | {row['open']:,} | {row['due']:,} | {row['seconds']:.2f} "
            f"| {row['seconds'] * 1000 / row['due']:.2f} | {row['queries']:,} "
            f"| {row['queries'] / row['due']:.2f} |"
        )
    print()
    for row in rows:
        if row["ladder"]:
            goal_seconds = GOAL_SECONDS_PER_1000 * row["due"] / 1000
            per_row = row["queries"] / row["due"]
            runs = f" (runs: {', '.join(f'{t:.2f}' for t in row['times'])})" if len(row["times"]) > 1 else ""
            print(
                f"goals, {row['kind']} ({row['open']:,} open, {row['due']:,} due): "
                f"time {row['seconds']:.2f} s{runs} (goal < {goal_seconds:g} s on an idle machine: "
                f"{'met' if row['seconds'] < goal_seconds else 'MISSED'}), "
                f"{per_row:.2f} queries per due row (goal <= {GOAL_QUERIES_PER_ROW:g}: "
                f"{'met' if per_row <= GOAL_QUERIES_PER_ROW else 'MISSED'})"
            )
    if len(args.open) > 1:
        for first, last in zip(rows[:: len(args.open)], rows[len(args.open) - 1 :: len(args.open)]):
            print(
                f"{first['kind']}: {first['open']:,} vs {last['open']:,} open clocks -> "
                f"time x{first['seconds'] / last['seconds']:.2f}, "
                f"queries x{first['queries'] / last['queries']:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
