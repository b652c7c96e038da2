#!/usr/bin/env python3
"""Cost of re-evaluating the open tickets of a policy after one of its targets is edited.

    python3 bench/bench_reevaluate.py [--db sla_bench_reevaluate] [--tickets 10000 1000]

Needs Odoo 19 (``import odoo``) and a database where helpdesk_sla_advanced is installed
(the script installs it into ``--db`` when that database does not exist; it never drops
one). For each size it builds, inside one transaction rolled back at the end, ``tickets``
open tickets of one policy on a business calendar (a first-response and a resolution clock
each, bulk-copied from an ORM-made template), edits the policy's resolution target through
the ORM, as a manager would, and then runs the re-evaluation cron (batches of 200) until
no ticket is flagged: it prints the total time, the time per ticket and the queries per
batch, next to the goals (issue 14: under 5 s for 10,000 tickets, at most 30 queries per
batch of 200). A second size shows that the cost grows linearly with the tickets.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime

import odoo_db
from bench_cron import copy_rows

GOAL_SECONDS_PER_10000 = 5.0
GOAL_QUERIES_PER_BATCH = 30
BATCH = 200


def _perf_counter() -> float:
    """Elapsed real time: freezegun patches time.perf_counter, not os.times."""
    return os.times().elapsed


def measure(env, ticket_count: int) -> dict:
    from odoo.fields import Command
    from odoo.tests import freeze_time

    created = datetime(2026, 3, 2, 9, 0)  # a Monday
    now = datetime(2026, 3, 2, 12, 0)  # 3 h of the 4 h first response: nothing breached
    team = env["helpdesk.ticket.team"].create({"name": "Re-evaluation bench"})
    partner = env["res.partner"].create({"name": "Re-evaluation bench customer", "is_company": True})
    policy = env["helpdesk.sla.policy"].create(
        {
            "name": "Re-evaluation bench",
            "sequence": -1000,
            "partner_ids": [Command.set(partner.ids)],
            "target_ids": [
                Command.create({"metric": "first_response", "contractual_hours": 4}),
                Command.create({"metric": "resolution", "contractual_hours": 16, "internal_hours": 12}),
            ],
        }
    )
    vals = {
        "name": "Re-evaluation bench",
        "description": "<p>x</p>",
        "team_id": team.id,
        "partner_id": partner.id,
    }
    with freeze_time(created):
        template = env["helpdesk.ticket"].create(vals)
    env.flush_all()
    env.cr.execute("SELECT max(id) FROM helpdesk_ticket")
    first_new = env.cr.fetchone()[0]
    copy_rows(env, "helpdesk_ticket", template.id, ticket_count - 1, {"number": "'BENCH' || n"})
    for status in template.sla_status_ids:
        copy_rows(
            env, "helpdesk_ticket_sla_status", status.id, ticket_count - 1, {"ticket_id": f"{first_new} + n"}
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
             WHERE s.ticket_id > %s AND s.metric = %s
            """,
            [status.id, first_new, status.metric],
        )
    env.cr.execute("ANALYZE helpdesk_ticket")
    env.cr.execute("ANALYZE helpdesk_ticket_sla_status")
    env.cr.execute("ANALYZE helpdesk_ticket_sla_event")
    env.invalidate_all()
    Ticket = env["helpdesk.ticket"]
    with freeze_time(now):
        # the edit: 16 h -> 12 h, which moves every open resolution deadline
        policy.target_ids.filtered(lambda t: t.metric == "resolution").write(
            {"contractual_hours": 12, "internal_hours": 8}
        )
        env.flush_all()
        env.invalidate_all()
        queries = env.cr.sql_log_count
        started = _perf_counter()
        runs, per_run, times = 0, [], []
        while True:
            before, run_started = env.cr.sql_log_count, _perf_counter()
            remaining = Ticket._cron_sla_reevaluate(batch_size=BATCH)
            env.flush_all()
            runs += 1
            per_run.append(env.cr.sql_log_count - before)
            times.append(_perf_counter() - run_started)
            if not remaining:
                break
        elapsed = _perf_counter() - started
        queries = env.cr.sql_log_count - queries
        tickets = Ticket.search([("partner_id", "=", partner.id)])
        moved = env["helpdesk.ticket.sla.status"].search_count(
            [("ticket_id", "in", tickets.ids), ("metric", "=", "resolution"), ("contractual_hours", "=", 12)]
        )
    # the first run also flags the tickets; the batches are the runs that re-evaluate 200
    full = per_run[1:-1] or per_run
    return {
        "tickets": len(tickets),
        "moved": moved,
        "seconds": elapsed,
        "queries": queries,
        "runs": runs,
        "batch_queries": max(full),
        "first_run": per_run[0],
        "times": times,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sla_bench_reevaluate")
    parser.add_argument("--tickets", type=int, nargs="+", default=[10_000, 1_000])
    args = parser.parse_args()
    if not odoo_db.odoo_importable():
        return 2
    from odoo import api

    registry = odoo_db.open_registry(args.db)
    rows = []
    for count in args.tickets:
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            rows.append(measure(env, count))
            cr.rollback()
    print(f"re-evaluation after a target edit (cron batches of {BATCH}), {datetime.now():%Y-%m-%d}")
    print()
    header = ["open tickets", "clocks moved", "cron runs", "total (s)", "ms per ticket", "queries"]
    print("| " + " | ".join([*header, "queries per batch"]) + " |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['tickets']:,} | {row['moved']:,} | {row['runs']} | {row['seconds']:.2f} "
            f"| {row['seconds'] * 1000 / row['tickets']:.3f} | {row['queries']:,} | {row['batch_queries']} "
            f"(first run, which flags: {row['first_run']}) |"
        )
    print()
    for row in rows:
        goal = GOAL_SECONDS_PER_10000 * row["tickets"] / 10_000
        batches = sorted(row["times"][1:] or row["times"])
        print(
            f"goals, {row['tickets']:,} tickets (median batch of {BATCH}: "
            f"{batches[len(batches) // 2] * 1000:.0f} ms): time {row['seconds']:.2f} s "
            f"(goal < {goal:g} s on an idle machine: {'met' if row['seconds'] < goal else 'MISSED'}), "
            f"{row['batch_queries']} queries per "
            f"batch of {BATCH} (goal <= {GOAL_QUERIES_PER_BATCH}: "
            f"{'met' if row['batch_queries'] <= GOAL_QUERIES_PER_BATCH else 'MISSED'})"
        )
    if len(rows) > 1:
        big, small = rows[0], rows[-1]
        print(
            f"{big['tickets']:,} vs {small['tickets']:,} tickets (x{big['tickets'] / small['tickets']:g}): "
            f"time x{big['seconds'] / small['seconds']:.2f}, queries x{big['queries'] / small['queries']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
