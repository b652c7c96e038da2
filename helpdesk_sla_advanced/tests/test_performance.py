# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Query counts pinned as Odoo's own test_performance modules pin theirs: one tick cron batch
that fires a notify level (firing 20 due levels costs what firing one does), one
re-evaluation cron batch after a target edit (20 flagged tickets cost what one does), one
customer message and one agent reply (after 40 exchanges as after two). Wall-clock goals
live in the benches. To see the statements when a count changes, run the test with
``--log-sql``."""

from datetime import datetime, timedelta

from odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket_sla_status import _planned_triggers
from odoo.fields import Command
from odoo.tests import freeze_time, tagged, warmup

from .common import SlaCase


@tagged("post_install", "-at_install")
class TestEscalationQueries(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = cls.manager
        cls.desk = cls.env["helpdesk.ticket.team"].create({"name": "Queries", "user_id": cls.leader.id})
        cls.customer = cls.env["res.partner"].create({"name": "Queries customer", "is_company": True})
        cls.env["helpdesk.sla.policy"].create(
            {
                "name": "Queries",
                "sequence": -1000,
                "partner_ids": [Command.set(cls.customer.ids)],
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
                ],
            }
        )
        cls._forget_pending_reevaluation()

    def _due_tickets(self, count):
        vals = {"description": "<p>x</p>", "team_id": self.desk.id, "partner_id": self.customer.id}
        with freeze_time("2025-03-03 08:00:00"):
            return self.env["helpdesk.ticket"].create([dict(vals, name=f"Queries {n}") for n in range(count)])

    def _fire(self, count):
        tickets = self._due_tickets(count)
        Status = self.env["helpdesk.ticket.sla.status"]
        self.env.flush_all()
        self.env.invalidate_all()  # a cron run starts with nothing in cache
        # whatever the number of due rows in the batch:
        #  2  the configuration version, read in a savepoint
        #  4  the due clocks: searched, read, their tickets locked, the clocks locked
        #  1  the batch's savepoint
        #  3  the clocks' events, their firings so far, their tickets
        #  3  the firings reserved, in one INSERT in a savepoint
        #  3  the levels, their actions
        #  4  the notify action, as one set in a savepoint: the teams, their leaders
        # 17  the digest, one per person told, in a savepoint: the person, the author and the
        #     company read; the message and its recipient; mail's recipients, references
        #     and rendering queries; the e-mail queued with its recipient and notification
        #  2  the actions done by the firings, the notes logged on the tickets (one INSERT)
        #  2  the firings' and the clocks' new values (one UPDATE each)
        #  1  the batch's savepoint released
        #  3  the next due instant, the tick cron, its trigger
        #  2  the bus notification that refreshes open views: one for all the tickets of
        #     the batch (the helpdesk users' group, the bus.bus INSERT)
        with freeze_time("2025-03-03 12:30:00"), self.assertQueryCount(47):
            Status._cron_sla_tick()
        fired = tickets.sla_firing_ids
        self.assertEqual((len(fired), set(fired.mapped("state"))), (count, {"done"}))

    @warmup
    def test_one_due_row(self):
        self._fire(1)

    @warmup
    def test_twenty_due_rows(self):
        self._fire(20)


@tagged("post_install", "-at_install")
class TestReevaluationQueries(SlaCase):
    """A re-evaluation cron batch after a target edit: 20 tickets cost what one does."""

    def _reevaluate(self, count):
        # each run as in its own transaction: forget the configuration version the warm-up
        # run left in the cursor's cache (its edit was rolled back with its savepoint); the
        # configuration itself stays cached per version, as in a worker after its first batch
        self.env["helpdesk.sla.policy"]._sla_forget_version()
        tickets = self.env["helpdesk.ticket"]
        for _n in range(count):
            tickets |= self._ticket()
        for ticket in tickets:  # first responses met: they keep their verdict
            self._reply(ticket, "2025-03-07 16:30:00")
        with freeze_time("2025-03-11 09:00:00"):
            self.premium.target_ids.filtered(lambda t: t.metric == "resolution" and not t.priority).write(
                {"contractual_hours": 8, "internal_hours": 6}
            )
            # the configuration is read once per version by each worker, by its first batch
            # after a change (about 30 queries): read here, as for every batch but the first
            self.env["helpdesk.sla.policy"]._sla_config()
            self.env["helpdesk.sla.ola"]._sla_ola_config()
            tickets.sla_status_ids._sla_engine_calendars()
            self.env.flush_all()
            self.env.invalidate_all()  # a cron run starts with nothing in cache
            # whatever the number of flagged tickets in the batch:
            #  1  the cron's user
            #  6  the tickets flagged since the last run, in a savepoint: two counters read,
            #     one UPDATE, the counter stored (the configuration version is known)
            #  2  the flagged tickets searched and locked
            #  1  the batch's savepoint
            #  6  the tickets, their customers and companies, teams, tags, the customers' tiers
            #  2  the clocks a re-evaluation may change (open ones, first cycles), the stages
            #  2  the events' defaults, the target events of the moved clocks in one INSERT
            #  3  the current team visits, their OLA clocks, the open clocks to evaluate
            #  2  the clocks' events, the rest of the clocks' values
            #  1  the moved clocks' new values, in one UPDATE (the others are not written)
            #  2  the tickets' summaries: one aggregate query, one UPDATE
            #  1  the batch's savepoint released
            #  2  the flags cleared in one UPDATE, the tickets still flagged counted
            #  3  the bus notification that refreshes the open views, one for all the moved
            #     clocks' tickets (the helpdesk users' group, the bus.bus INSERT and its notify)
            with self.assertQueryCount(33):
                remaining = self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        self.assertEqual(remaining, 0)
        resolution = tickets.sla_status_ids.filtered(lambda s: s.metric == "resolution")
        self.assertEqual(set(resolution.mapped("contractual_hours")), {8.0})
        first = tickets.sla_status_ids.filtered(lambda s: s.metric == "first_response")
        self.assertEqual(set(first.mapped("state")), {"met"})
        # a reached clock records nothing when its target did not change
        self.assertFalse(first.event_ids.filtered(lambda e: e.kind == "target"))

    @warmup
    def test_one_flagged_ticket(self):
        self._reevaluate(1)

    @warmup
    def test_twenty_flagged_tickets(self):
        self._reevaluate(20)

    @warmup
    def test_unchanged_tickets_are_cleared_without_an_event_or_a_write(self):
        tickets = self._ticket() | self._ticket()
        events = tickets.sla_status_ids.event_ids
        clocks = tickets.sla_status_ids
        written = {clock.id: clock.write_date for clock in clocks}
        with freeze_time("2025-03-11 09:00:00"):
            # a holiday after the deadlines: the configuration changed, no deadline moves
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Far away closure",
                    "calendar_id": self.calendar.id,
                    "date_from": "2025-06-02 06:00:00",
                    "date_to": "2025-06-02 18:00:00",
                    "time_type": "leave",
                }
            )
            self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        self.assertFalse(tickets.filtered("sla_dirty"))
        self.assertEqual(tickets.sla_status_ids.event_ids, events)
        self.env.invalidate_all()
        self.assertEqual({clock.id: clock.write_date for clock in clocks}, written)


@tagged("post_install", "-at_install")
class TestConversationQueries(SlaCase):
    """One customer message and one agent reply cost the same on a ticket with a long
    conversation as on a new one: the SLA reactions read the open clocks only, never the
    ticket's history of cycles, events or periods."""

    BASE = datetime(2025, 3, 11, 8, 0)

    def _exchange(self, ticket, at):
        self._customer_says(ticket, at)
        self._reply(ticket, at + timedelta(hours=1))

    def _measure(self, ticket):
        at = self.BASE + timedelta(hours=100)
        # the tick cron's wake-up is planned by the first clock that needs one earlier than
        # the planned ones: whatever the ticket's history, none is planned here
        Status = self.env["helpdesk.ticket.sla.status"]
        self.env["ir.cron.trigger"].search([("cron_id", "=", Status._sla_tick_cron().id)]).unlink()
        self.env.cr.cache.pop("sla_tick_planned", None)
        _planned_triggers.pop(self.env.cr.dbname, None)
        self.env.flush_all()
        self.env.invalidate_all()  # each message comes in its own request
        # whatever the number of exchanges before (mail's own work: 41 queries):
        # the customer's e-mail (13):
        #  3  what the message is (its subtype, OdooBot's partner, twice)
        #  3  the open response clocks (none), the ticket's stage, its last cycle number
        #  7  the next-response cycle opened in a savepoint: its clock and start event in one
        #     statement, the tick cron's wake-up looked up, read and planned, the ticket's
        #     summary (one aggregate query)
        # the agent's reply (10):
        #  2  what the message is (its subtype, OdooBot's partner)
        #  2  the open response clocks (the cycle), the author's user (a pickup?)
        #  1  the stop event, in one INSERT
        #  4  the clock evaluated: its events, the rest of its values, its new values in one
        #     UPDATE, the shares that follow its state (none for a cycle)
        #  1  the ticket's summary (one aggregate query)
        # and 2 for the bus notification that refreshes the open views, once for both messages
        with self.assertQueryCount(66):
            self._customer_says(ticket, at)
            self.env.flush_all()
            self.env.invalidate_all()
            self._reply(ticket, at + timedelta(hours=1))
            self.env.flush_all()
        cycles = ticket.sla_status_ids.filtered(lambda s: s.metric == "next_response")
        self.assertEqual(cycles.sorted("cycle")[-1].state, "met")
        return len(cycles)

    @warmup
    def test_an_exchange_after_forty(self):
        ticket = self._ticket(at=self.BASE)
        for n in range(40):
            self._exchange(ticket, self.BASE + timedelta(hours=2 * n + 1))
        self.assertEqual(self._measure(ticket), 40)

    @warmup
    def test_an_exchange_after_two(self):
        # the same ticket, whose conversation began late: the same clocks open, in the same states
        ticket = self._ticket(at=self.BASE)
        for n in (45, 47):
            self._exchange(ticket, self.BASE + timedelta(hours=2 * n + 1))
        self.assertEqual(self._measure(ticket), 2)
