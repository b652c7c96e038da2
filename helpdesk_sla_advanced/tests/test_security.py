# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SlaCase


@tagged("post_install", "-at_install")
class TestAccess(SlaCase):
    def test_helpdesk_user_reads_policies_but_cannot_change_them(self):
        policy = self.premium.with_user(self.agent)
        self.assertEqual(policy.name, "Premium")
        with self.assertRaises(AccessError):
            policy.name = "Gold"

    def test_sla_manager_configures_policies(self):
        self.premium.with_user(self.manager).sequence = 7
        self.assertEqual(self.premium.sequence, 7)

    def test_agent_sees_the_clocks_of_a_ticket(self):
        ticket = self._ticket()
        clocks = ticket.with_user(self.agent).sla_status_ids
        self.assertEqual(set(clocks.mapped("metric")), {"first_response", "resolution"})

    def test_nobody_edits_a_clock_by_hand(self):
        ticket = self._ticket()
        for user in (self.agent, self.manager):
            with self.assertRaises(AccessError):
                ticket.sla_status_ids[0].with_user(user).write({"state": "met"})
            with self.assertRaises(AccessError):
                ticket.sla_status_ids[0].with_user(user).unlink()

    def test_clocks_of_another_company_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        other_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Other support", "company_id": other.id}
        )
        self.env["helpdesk.sla.policy"].create(
            {
                "name": "Other company's policy",
                "company_id": other.id,
                "calendar_mode": "always",
                "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 24})],
            }
        )
        theirs = self._ticket(team_id=other_team.id, company_id=other.id, partner_id=self.bob.id)
        self.assertTrue(theirs.sla_status_ids)
        visible = self.env["helpdesk.ticket.sla.status"].with_user(self.agent).search([])
        self.assertFalse(visible & theirs.sla_status_ids)
        policies = self.env["helpdesk.sla.policy"].with_user(self.agent).search([])
        self.assertNotIn("Other company's policy", policies.mapped("name"))

    def test_agent_limited_to_own_tickets_sees_only_their_clocks(self):
        own_user = new_test_user(self.env, login="sla-own", groups="helpdesk_mgmt.group_helpdesk_user_own")
        mine = self._ticket(user_id=own_user.id)
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Back office"})
        not_mine = self._ticket(team_id=other_team.id, user_id=self.agent.id)
        visible = self.env["helpdesk.ticket.sla.status"].with_user(own_user).search([])
        self.assertTrue(mine.sla_status_ids <= visible)
        self.assertFalse(not_mine.sla_status_ids & visible)


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, SlaCase):
    def test_customer_sees_due_times_of_own_ticket_only(self):
        portal_user = new_test_user(
            self.env, login="alice-portal", password="alice-portal-pw", groups="base.group_portal"
        )
        portal_user.partner_id.parent_id = self.acme
        ticket = self._ticket(partner_id=portal_user.partner_id.id)
        others = self._ticket(partner_id=self.bob.id)
        self.authenticate("alice-portal", "alice-portal-pw")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_helpdesk_sla_portal", page.text)
        self.assertIn("2025-03-11", page.text.replace("03/11/2025", "2025-03-11"))
        self.assertNotIn("Premium", page.text)  # no policy names, no internal targets
        denied = self.url_open(f"/my/ticket/{others.id}")
        self.assertNotIn("o_helpdesk_sla_portal", denied.text)

    def test_portal_customer_cannot_read_clocks_directly(self):
        portal_user = new_test_user(self.env, login="alice-portal2", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket.sla.status"].with_user(portal_user).search([])
