# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Query counts of one tick cron batch that fires a notify level, pinned as Odoo's own
test_performance modules pin theirs: firing 20 due levels costs what firing one does.
To see the statements when a count changes, run the test with ``--log-sql``."""

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
