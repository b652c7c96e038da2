# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo database shows every SLA state (run where demo data is installed)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("helpdesk_sla_advanced.helpdesk_sla_policy_vip_demo", raise_if_not_found=False):
            self.skipTest("installed without demo data")

    def test_demo_tickets_show_every_ticket_state(self):
        states = set(self.env["helpdesk.ticket"].search([("name", "like", "[SLA demo]")]).mapped("sla_state"))
        self.assertEqual(states, {"running", "at_risk", "breached", "paused", "met", "failed", "exempted"})

    def test_demo_clocks_show_every_clock_state(self):
        states = set(self.env["helpdesk.ticket.sla.status"].search([]).mapped("state"))
        self.assertTrue({"running", "paused", "met", "breached", "exempted"} <= states)

    def test_demo_keeps_next_response_cycles(self):
        ticket = self.env["helpdesk.ticket"].search([("name", "like", "follow-ups from New York")])
        cycles = ticket.sla_status_ids.filtered(lambda s: s.metric == "next_response").sorted("cycle")
        self.assertEqual(cycles.mapped("state"), ["met", "running"])
        self.assertEqual(cycles[0].tz, "America/New_York")

    def test_tickets_older_than_the_module_start_when_they_were_created(self):
        ticket = self.env.ref("helpdesk_mgmt.helpdesk_ticket_1")
        self.assertEqual(ticket.sla_start, ticket.create_date.replace(microsecond=0))

    def test_demo_shows_fired_and_skipped_escalations(self):
        firings = self.env["helpdesk.ticket.sla.firing"].search([("ticket_id.name", "like", "[SLA demo]")])
        self.assertEqual(set(firings.mapped("state")), {"done", "skipped"})

    def test_demo_shows_the_seed_ola_example(self):
        Ticket = self.env["helpdesk.ticket"]
        met = Ticket.search([("name", "like", "OLA met: printer driver")])
        self.assertEqual(set(met.ola_status_ids.mapped("state")), {"met"})
        quota = Ticket.search([("name", "like", "OLA breached, SLA met")])
        self.assertEqual(quota.sla_state, "met")
        self.assertIn("breached", quota.ola_status_ids.mapped("state"))
        restore = Ticket.search([("name", "like", "SLA breached, attributed")])
        resolution = restore.sla_status_ids.filtered(lambda s: s.metric == "resolution")
        self.assertEqual(resolution.state, "breached")
        self.assertEqual(resolution.blame_team_id.name, "Sysadmins")
        self.assertIn("Sysadmins 35 h (OLA 8 h breached)", resolution.attribution)
