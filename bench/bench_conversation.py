#!/usr/bin/env python3
"""Cost of the SLA work of one customer/agent exchange, early and late in a long conversation.

    python3 bench/bench_conversation.py [--db sla_bench_conversation] [--exchanges 300]
                                        [--repeat 3]

Needs Odoo 19 (``import odoo``) and a database where helpdesk_sla_advanced is installed
(the script installs it into ``--db`` when that database does not exist; it never drops
one). It creates one ticket under a policy with first-response, next-response and
resolution targets, then posts ``exchanges`` exchanges, each a customer e-mail (which opens
a next-response cycle) and an agent reply an hour later (which answers it), with the time
moved forward through freezegun (the ``sla_now`` context would do it too, but each of its
values makes another Odoo environment, and their growing number would slow down the bench
itself). For each exchange it measures the SLA part (the reactions to the two messages,
``_sla_on_message``, and the recomputation of the ticket's SLA summary when the messages
are flushed) and counts its queries; it prints
the last exchanges of the long conversation next to the 1st and 2nd exchanges of new
tickets of the same customer, measured in turn (the median of ``repeat`` of each kind,
against the noise of a busy machine), next to the goal of issue 14: the SLA cost of a
message does not grow with the ticket's history (within 10 %).

Unlike the other benches, each message is committed, as it is in its own request in a real
helpdesk: in one long transaction, the hundreds of versions of the ticket's row that
PostgreSQL must keep until the end make every read of that row slower (12 times after 300
exchanges), which would measure that, not the module. What the bench created is deleted at
the end.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import odoo_db

GOAL_RATIO = 1.10


# the real clock, kept before freezegun (which moves the time of the exchanges) patches it;
# in a dict, since freezegun also replaces the module attributes that refer to it
_REAL = {"perf_counter": time.perf_counter}


def _perf_counter() -> float:
    return _REAL["perf_counter"]()


class Meter:
    """Time and queries spent inside the measured methods (outermost calls only)."""

    def __init__(self, cr):
        self.cr = cr
        self.depth = 0
        self.seconds = 0.0
        self.queries = 0

    @contextmanager
    def measure(self):
        self.depth += 1
        if self.depth > 1:
            try:
                yield
            finally:
                self.depth -= 1
            return
        started, queries = _perf_counter(), self.cr.sql_log_count
        try:
            yield
        finally:
            self.seconds += _perf_counter() - started
            self.queries += self.cr.sql_log_count - queries
            self.depth -= 1

    def take(self):
        result = (self.seconds, self.queries)
        self.seconds, self.queries = 0.0, 0
        return result


def _wrap(cls, name, meter):
    original = getattr(cls, name)

    def wrapper(self, *args, **kwargs):
        with meter.measure():
            return original(self, *args, **kwargs)

    setattr(cls, name, wrapper)
    return original


def run(env, exchanges: int, repeat: int, created: list):
    """The figures of the exchanges measured, the long ticket's cycles and events; what is
    created is added to ``created``, newest first."""
    from odoo.fields import Command
    from odoo.tests import freeze_time, new_test_user

    start = datetime(2026, 3, 2, 8, 0)  # a Monday
    agent = new_test_user(
        env, login="sla-bench-conversation-agent", groups="helpdesk_mgmt.group_helpdesk_user"
    )
    team = env["helpdesk.ticket.team"].create(
        {"name": "Conversation bench", "user_ids": [Command.set(agent.ids)]}
    )
    partner = env["res.partner"].create(
        {"name": "Conversation bench customer", "is_company": True, "email": "bench@customer.example"}
    )
    created[:0] = [partner, team, agent]
    policy = env["helpdesk.sla.policy"].create(
        {
            "name": "Conversation bench",
            "sequence": -1000,
            "partner_ids": [Command.set(partner.ids)],
            "calendar_mode": "always",
            "target_ids": [
                Command.create({"metric": "first_response", "contractual_hours": 4}),
                Command.create({"metric": "next_response", "contractual_hours": 8, "internal_hours": 4}),
                Command.create({"metric": "resolution", "contractual_hours": 24 * 400}),
            ],
        }
    )
    created.insert(0, policy)

    def new_ticket(name, origin):
        with freeze_time(origin):
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": name,
                    "description": "<p>x</p>",
                    "team_id": team.id,
                    "partner_id": partner.id,
                    "user_id": agent.id,
                }
            )
        created.insert(0, ticket)
        env.cr.commit()
        return ticket

    meter = Meter(env.cr)
    TicketClass = type(env["helpdesk.ticket"])
    originals = {
        name: _wrap(TicketClass, name, meter) for name in ("_sla_on_message", "_compute_sla_summary")
    }

    def exchange(ticket, n, origin=start):
        """The n-th exchange (from 0) of ``ticket``, created at ``origin``, each message
        committed as in its own request (nothing in cache); no garbage collection in the
        measured part."""
        at = origin + timedelta(hours=2 * n + 1)
        env.invalidate_all()
        gc.collect()
        gc.disable()
        meter.take()
        started, queries = _perf_counter(), env.cr.sql_log_count
        with freeze_time(at):
            ticket.message_post(
                body=f"<p>Customer message {n}</p>",
                author_id=partner.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
            env.flush_all()
        env.cr.commit()
        env.invalidate_all()
        with freeze_time(at + timedelta(hours=1)):
            ticket.with_user(agent).message_post(
                body=f"<p>Agent reply {n}</p>", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            env.flush_all()
        env.cr.commit()
        total, total_queries = _perf_counter() - started, env.cr.sql_log_count - queries
        gc.enable()
        sla, sla_queries = meter.take()
        return {"sla": sla, "sla_queries": sla_queries, "total": total, "queries": total_queries}

    # the long conversation, but its last ``repeat`` exchanges; then those, each next to the
    # 1st and 2nd exchanges of a new ticket (the 1st answers the first response, the 2nd
    # opens and answers the first next-response cycle), in turn, so that the load of the
    # machine weighs the same on both
    rows = {"1st": [], "2nd": [], "last": []}
    try:
        long_ticket = new_ticket("Conversation bench", start)
        for n in range(exchanges - repeat):
            exchange(long_ticket, n)
        for n in range(exchanges - repeat, exchanges):
            # a new ticket of the same moment: the same tick cron triggers, the same calendar
            origin = start + timedelta(hours=2 * n)
            fresh = new_ticket(f"Conversation bench {n}", origin)
            rows["1st"].append(exchange(fresh, 0, origin))
            rows["2nd"].append(exchange(fresh, 1, origin))
            rows["last"].append(exchange(long_ticket, n))
    finally:
        for name, original in originals.items():
            setattr(TicketClass, name, original)
    cycles = env["helpdesk.ticket.sla.status"].search_count(
        [("ticket_id", "=", long_ticket.id), ("metric", "=", "next_response")]
    )
    events = env["helpdesk.ticket.sla.event"].search_count([("ticket_id", "=", long_ticket.id)])
    return rows, cycles, events


def cleanup(env, records) -> None:
    """Delete what the bench created (its ticket first, with its clocks and messages)."""
    env.cr.rollback()
    for record in records:
        try:
            with env.cr.savepoint():
                record.sudo().with_context(active_test=False).unlink()
        except Exception as exc:  # noqa: BLE001  archive it, say so
            print(f"could not delete {record}: {exc}", file=sys.stderr)
            if "active" in record._fields:  # a policy left behind must not match other tickets
                record.sudo().write({"active": False})
    env.cr.commit()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sla_bench_conversation")
    parser.add_argument("--exchanges", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=9, help="exchanges measured of each kind (median)")
    args = parser.parse_args()
    if not odoo_db.odoo_importable():
        return 2
    from odoo import api

    registry = odoo_db.open_registry(args.db)
    repeat = max(1, min(args.repeat, args.exchanges - 2))
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        created = []
        try:
            rows, cycles, events = run(env, args.exchanges, repeat, created)
        finally:
            cleanup(env, created)

    def med(items, key):
        return statistics.median(item[key] for item in items)

    print(
        f"one ticket, {args.exchanges} exchanges (customer e-mail, agent reply): {cycles} next-response "
        f"cycles, {events} clock events; medians of {repeat} runs, {datetime.now():%Y-%m-%d}"
    )
    print()
    print("| exchange | SLA part (ms) | SLA queries | whole exchange (ms) | queries |")
    print("|---|---|---|---|---|")
    labels = {"1st": "1st (new ticket)", "2nd": "2nd (new ticket)", "last": f"{args.exchanges}th"}
    for key, label in labels.items():
        items = rows[key]
        print(
            f"| {label} | {med(items, 'sla') * 1000:.1f} | {med(items, 'sla_queries'):g} "
            f"| {med(items, 'total') * 1000:.1f} | {med(items, 'queries'):g} |"
        )
    print()
    last = rows["last"]
    ratio = med(last, "sla") / med(rows["2nd"], "sla")
    query_ratio = med(last, "sla_queries") / med(rows["2nd"], "sla_queries")
    verdict = "met" if ratio <= GOAL_RATIO and query_ratio <= GOAL_RATIO else "MISSED"
    print(
        f"goal, SLA part of the {args.exchanges}th exchange vs the 2nd (the same work: a cycle opened and "
        f"answered): time x{ratio:.2f}, queries x{query_ratio:.2f} (goal <= x{GOAL_RATIO:.2f} on an idle "
        f"machine: {verdict})"
    )
    print(
        f"vs the 1st (less work: its customer message opens no cycle while the first response is open, "
        f"the reply stops the first response): time x{med(last, 'sla') / med(rows['1st'], 'sla'):.2f}, "
        f"queries x{med(last, 'sla_queries') / med(rows['1st'], 'sla_queries'):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
