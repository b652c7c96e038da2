#!/usr/bin/env python3
"""Cost of computing one month of service credits for every agreement.

    python3 bench/bench_credits.py [--db sla_bench_credits] [--agreements 1000]
                                   [--tickets 100000 10000] [--outages 500]

Needs Odoo 19 (``import odoo``) and a database where helpdesk_sla_advanced is installed
(the script installs it into ``--db`` when that database does not exist; it never drops
one). For each size it builds, inside one transaction rolled back at the end, ``agreements``
customers each with a service agreement (half per breached ticket with lateness bands and
an attainment rule, half also with a 99.7 % availability commitment), ``tickets`` tickets
of March 2026 spread over the customers with three SLA clocks each (first response, next
response, resolution; about one in seven breached, a few exempted or paused), bulk-copied
from ORM-made templates, and ``outages`` outages of the month (half for every customer, half
for a few), then times ``helpdesk.sla.credit._sla_compute`` over all the agreements for
March and counts its SQL queries. Goal: under 20 s for 1,000 agreements, 100,000 tickets
and 500 outages, with a query count that does not grow with the tickets.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime

import odoo_db
from bench_cron import copy_rows

MARCH = date(2026, 3, 1)


def _perf_counter() -> float:
    return os.times().elapsed


def build(env, agreement_count: int, ticket_count: int, outage_count: int):
    from odoo.fields import Command
    from odoo.tests import freeze_time

    eur = env.ref("base.EUR")
    eur.active = True
    team = env["helpdesk.ticket.team"].create({"name": "Credits bench"})
    partners = env["res.partner"].create(
        [{"name": f"Credits bench customer {i}", "is_company": True} for i in range(agreement_count)]
    )
    policy = env["helpdesk.sla.policy"].create(
        {
            "name": "Credits bench",
            "sequence": -1000,
            "partner_ids": [Command.set(partners.ids)],
            "calendar_mode": "always",
            "target_ids": [
                Command.create({"metric": "first_response", "contractual_hours": 1, "time_kind": "calendar"}),
                Command.create({"metric": "next_response", "contractual_hours": 2, "time_kind": "calendar"}),
                Command.create({"metric": "resolution", "contractual_hours": 8, "time_kind": "calendar"}),
            ],
        }
    )
    lateness = {
        "name": "Late resolution",
        "kind": "ticket",
        "metric": "resolution",
        "band_ids": [
            Command.create({"lower": 0, "upper": 4, "value": 1}),
            Command.create({"lower": 4, "upper": 8, "value": 3}),
            Command.create({"lower": 8, "unbounded": True, "value": 5}),
        ],
    }
    attainment = {
        "name": "First answers on time",
        "kind": "attainment",
        "metric": "first_response",
        "min_tickets": 10,
        "band_ids": [
            Command.create({"lower": 0, "upper": 90, "value": 10}),
            Command.create({"lower": 90, "upper": 95, "value": 5}),
        ],
    }
    availability = {
        "name": "Availability 99.7 %",
        "kind": "availability",
        "commitment": 99.7,
        "band_ids": [
            Command.create({"lower": 0, "upper": 95, "value": 100}),
            Command.create({"lower": 95, "upper": 99, "value": 25}),
            Command.create({"lower": 99, "upper": 99.7, "value": 10}),
        ],
    }
    terms = env["helpdesk.sla.credit.terms"].create(
        {"name": "Credits bench terms", "rule_ids": [Command.create(lateness), Command.create(attainment)]}
    )
    agreements = env["helpdesk.sla.agreement"].create(
        [
            {
                "name": f"Credits bench {i}",
                "partner_id": partner.id,
                "policy_id": policy.id,
                "currency_id": eur.id,
                "fee": 1000.0 + i,
                "date_start": date(2026, 1, 1),
                "tz": "Europe/Paris",
                "cap_percent": 50.0,
                "minimum_amount": 5.0,
                "terms_id": terms.id,
                "rule_ids": [Command.create(availability)] if i % 2 else [],
            }
            for i, partner in enumerate(partners)
        ]
    )
    # templates: one ticket met, one breached (resolution 10 h late)
    vals = {
        "name": "Credits bench",
        "description": "<p>x</p>",
        "team_id": team.id,
        "partner_id": partners[0].id,
    }
    done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    templates = []
    for late in (False, True):
        start = datetime(2026, 3, 2, 8, 0)
        with freeze_time(start):
            ticket = env["helpdesk.ticket"].create(vals)
        with freeze_time(datetime(2026, 3, 2, 8, 30)):
            ticket.message_post(body="On it", message_type="comment", subtype_xmlid="mail.mt_comment")
        with freeze_time(datetime(2026, 3, 2, 18 if late else 12, 0)):
            ticket.write({"stage_id": done.id})
        templates.append(ticket)
    env.flush_all()
    per_template = {False: ticket_count - ticket_count // 7, True: ticket_count // 7}
    for template, late in zip(templates, (False, True), strict=True):
        count = per_template[late]
        env.cr.execute("SELECT max(id) FROM helpdesk_ticket")
        first_new = env.cr.fetchone()[0]
        # n-th copy: customer n % agreements, day n % 28 of March
        partner_expr = f"(ARRAY{partners.ids})[1 + mod(n, {agreement_count})]"
        copy_rows(
            env,
            "helpdesk_ticket",
            template.id,
            count,
            {"number": "'CB' || n", "partner_id": partner_expr, "commercial_partner_id": partner_expr},
        )
        day = "mod(n, 28) * interval '1 day'"
        statuses = env["helpdesk.ticket.sla.status"].search([("ticket_id", "=", template.id)])
        shift = {
            "ticket_id": f"{first_new} + n",
            "partner_id": partner_expr,
            "deadline": f"src.deadline + {day}",
            "start": f"src.start + {day}",
            "reached_at": f"src.reached_at + {day}",
        }
        for status in statuses:
            copy_rows(env, "helpdesk_ticket_sla_status", status.id, count, shift)
        # a next-response cycle per ticket (met), from the first-response clock
        first = statuses.filtered(lambda s: s.metric == "first_response")
        copy_rows(
            env,
            "helpdesk_ticket_sla_status",
            first.id,
            count,
            dict(shift, metric="'next_response'", cycle="2", state="'met'", time_left_hours="0.5"),
        )
    # a few exempted and paused clocks
    env.cr.execute(
        "UPDATE helpdesk_ticket_sla_status SET state = 'exempted', exempt_reason = 'Customer-caused delay' "
        "WHERE partner_id = ANY(%s) AND metric = 'resolution' AND id %% 97 = 0",
        [partners.ids],
    )
    env.cr.execute(
        "UPDATE helpdesk_ticket_sla_status SET paused_hours = 3 WHERE partner_id = ANY(%s) AND id %% 53 = 0",
        [partners.ids],
    )
    outages = env["helpdesk.sla.outage"].create(
        [
            {
                "name": f"Credits bench outage {i}",
                "date_start": datetime(2026, 3, 1 + i % 28, i % 20, 0),
                "date_end": datetime(2026, 3, 1 + i % 28, i % 20 + 1 + i % 3, 0),
                "scope": "all" if i % 2 else "customers",
                "partner_ids": [Command.set(partners[i % agreement_count : i % agreement_count + 3].ids)],
            }
            for i in range(outage_count)
        ]
    )
    env.cr.execute("ANALYZE helpdesk_ticket_sla_status")
    env.cr.execute("ANALYZE helpdesk_ticket")
    env.invalidate_all()
    return agreements, outages


def measure(env, agreement_count: int, ticket_count: int, outage_count: int) -> dict:
    agreements, _outages = build(env, agreement_count, ticket_count, outage_count)
    Credit = env["helpdesk.sla.credit"]
    clocks = env["helpdesk.ticket.sla.status"].search_count([("partner_id", "in", agreements.partner_id.ids)])
    queries = env.cr.sql_log_count
    started = _perf_counter()
    credits = Credit._sla_compute(agreements, MARCH)
    env.flush_all()
    elapsed = _perf_counter() - started
    queries = env.cr.sql_log_count - queries
    return {
        "agreements": len(agreements),
        "tickets": ticket_count,
        "clocks": clocks,
        "outages": outage_count,
        "statements": len(credits),
        "lines": sum(len(c.line_ids) + len(c.exclusion_ids) for c in credits),
        "credited": sum(credits.mapped("total")),
        "seconds": elapsed,
        "queries": queries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sla_bench_credits")
    parser.add_argument("--agreements", type=int, default=1000)
    parser.add_argument("--tickets", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--outages", type=int, default=500)
    args = parser.parse_args()
    if not odoo_db.odoo_importable():
        return 2
    from odoo import api

    registry = odoo_db.open_registry(args.db)
    rows = []
    for tickets in args.tickets:
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
            rows.append(measure(env, args.agreements, tickets, args.outages))
            cr.rollback()
    print(
        f"one month of service credits for every agreement, {datetime.now():%Y-%m-%d} "
        f"({os.cpu_count()} cores)"
    )
    print()
    print("| agreements | tickets | clocks | outages | statements | lines | time (s) | goal | queries |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['agreements']:,} | {row['tickets']:,} | {row['clocks']:,} | {row['outages']:,} "
            f"| {row['statements']:,} | {row['lines']:,} | {row['seconds']:.2f} | < 20 s "
            f"| {row['queries']:,} |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print()
        print(
            f"{first['tickets']:,} vs {last['tickets']:,} tickets -> "
            f"time x{first['seconds'] / last['seconds']:.2f}, "
            f"queries x{first['queries'] / last['queries']:.2f} "
            "(queries follow the agreements, not the tickets)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
