# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, tagged


class CountdownTicketMixin:
    """A ticket whose first-response clock counts 24/7: internal target 1 h, contractual 2 h."""

    @classmethod
    def _countdown_ticket(cls):
        env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        env["helpdesk.sla.policy"].search([]).write({"active": False})
        cls.policy = env["helpdesk.sla.policy"].create(
            {
                "name": "Tour 24/7",
                "calendar_mode": "always",
                "target_ids": [
                    Command.create({"metric": "first_response", "contractual_hours": 2, "internal_hours": 1}),
                    Command.create({"metric": "resolution", "contractual_hours": 40}),
                ],
            }
        )
        return env["helpdesk.ticket"].create(
            {
                "name": "Countdown tour",
                "description": "<p>Help</p>",
                "partner_id": env["res.partner"].create({"name": "Countdown customer"}).id,
            }
        )


@tagged("post_install", "-at_install")
class TestSlaCountdownData(CountdownTicketMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._countdown_ticket()

    def test_countdown_payload(self):
        """What the widget reads: the running first-response clock, its deadlines, 24/7."""
        data = self.ticket.sla_countdown
        self.assertEqual(data["state"], "running")
        self.assertTrue(data["wall_time"])  # 24/7: the browser can count it
        deadline = fields.Datetime.to_datetime(data["deadline"])
        internal = fields.Datetime.to_datetime(data["internal_deadline"])
        self.assertEqual(deadline - internal, timedelta(hours=1))
        self.assertAlmostEqual(data["time_left_hours"], 2, delta=0.1)
        self.assertTrue(data["explanation"])
        self.assertEqual(deadline, self.ticket.sla_deadline_next)

    def test_clock_change_notifies_open_views(self):
        """A change of a ticket's clocks queues one bus notification (ticket ids) for the
        helpdesk users' group, once per transaction, however many clocks changed."""
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_user")
        channel = json.dumps([self.env.cr.dbname, group._name, group.id], separators=(",", ":"))
        Bus = self.env["bus.bus"].sudo()
        before = Bus.search([("channel", "=", channel)])
        self.ticket.sla_status_ids.write({"error": "test"})
        self.ticket.sla_status_ids.write({"error": False})
        self.env.cr.precommit.run()  # what a commit runs
        sent = Bus.search([("channel", "=", channel)]) - before
        self.assertEqual(len(sent), 1)
        message = json.loads(sent.message)
        self.assertEqual(message["type"], "helpdesk_sla_advanced/clocks_changed")
        self.assertEqual(message["payload"], {"ticket_ids": [self.ticket.id]})
        # a change nobody sees on screen sends nothing
        self.ticket.sla_status_ids.write({"tz": "UTC"})
        self.env.cr.precommit.run()
        self.assertFalse(Bus.search([("channel", "=", channel)]) - before - sent)


@tagged("post_install", "-at_install")
class TestSlaCountdownTour(CountdownTicketMixin, HttpCase):
    """The live countdown in headless Chromium (skipped by Odoo's HttpCase, with its reason,
    where no Chromium is found; the repository's conftest.py counts such skips loudly)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._countdown_ticket()

    def test_live_refresh_tour(self):
        # HttpCase runs the bus's pre- and post-commit hooks as soon as a notification is
        # sent (its _sendone wrapper), so that the websocket delivers it during the tour
        self.start_tour(
            f"/odoo/helpdesk.ticket/{self.ticket.id}",
            "helpdesk_sla_advanced_live_refresh",
            login="admin",
        )

    def test_countdown_tour(self):
        self.assertEqual(self.ticket.sla_countdown["state"], "running")
        self.start_tour(
            f"/odoo/helpdesk.ticket/{self.ticket.id}",
            "helpdesk_sla_advanced_countdown",
            login="admin",
        )
