# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from .common import SlaCase


@tagged("post_install", "-at_install")
class TestPolicyMatching(SlaCase):
    def _policy(self, name, sequence, **criteria):
        return self.env["helpdesk.sla.policy"].create(
            {
                "name": name,
                "sequence": sequence,
                "calendar_mode": "always",
                "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 24})],
                **criteria,
            }
        )

    def test_contact_follows_the_tier_of_its_company(self):
        self.assertEqual(self.alice.sla_tier_id, self.tier_premium)
        self.acme.sla_tier_id = self.tier_vip
        self.assertEqual(self.alice.sla_tier_id, self.tier_vip)

    def test_tier_policy_applies_to_the_customers_contacts(self):
        ticket = self._ticket()
        self.assertEqual(ticket.sla_policy_id, self.premium)
        self.assertEqual(ticket.sla_policy_reason, "Premium: matched on tier Premium")

    def test_ticket_of_no_tier_gets_the_service_wide_default(self):
        ticket = self._ticket(partner_id=self.bob.id)
        self.assertEqual(ticket.sla_policy_id, self.standard)
        self.assertTrue(self.standard.is_default)
        self.assertIn("Standard: service-wide default", ticket.sla_policy_reason)
        self.assertIn("Premium (no tier)", ticket.sla_policy_reason)

    def test_lower_sequence_wins(self):
        acme_only = self._policy("Acme contract", 1, partner_ids=[Command.set(self.acme.ids)])
        ticket = self._ticket()
        self.assertEqual(ticket.sla_policy_id, acme_only)
        self.assertIn("customer Acme", ticket.sla_policy_reason)

    def test_category_policy_covers_sub_categories(self):
        Category = self.env["helpdesk.ticket.category"]
        hardware = Category.create({"name": "Hardware"})
        printers = Category.create({"name": "Printers", "parent_id": hardware.id})
        policy = self._policy("Hardware", 1, category_ids=[Command.set(hardware.ids)])
        ticket = self._ticket(category_id=printers.id)
        self.assertEqual(ticket.sla_policy_id, policy)
        self.assertIn("category Hardware", ticket.sla_policy_reason)

    def test_tag_channel_and_priority_criteria_must_all_match(self):
        tag = self.env["helpdesk.ticket.tag"].create({"name": "outage"})
        phone = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        urgent = self.env.ref("helpdesk_sla_advanced.helpdesk_sla_priority_very_high")
        policy = self._policy(
            "Phone outages",
            1,
            tag_ids=[Command.set(tag.ids)],
            channel_ids=[Command.set(phone.ids)],
            priority_ids=[Command.set(urgent.ids)],
        )
        matching = self._ticket(tag_ids=[Command.set(tag.ids)], channel_id=phone.id, priority="3")
        wrong_priority = self._ticket(tag_ids=[Command.set(tag.ids)], channel_id=phone.id, priority="2")
        self.assertEqual(matching.sla_policy_id, policy)
        self.assertEqual(wrong_priority.sla_policy_id, self.premium)
        self.assertIn("Phone outages (no priority)", wrong_priority.sla_policy_reason)

    def test_policy_of_another_company_never_matches(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self._policy("Other company's", 1, company_id=other.id)
        self.assertEqual(self._ticket().sla_policy_id, self.premium)

    def test_archived_policy_no_longer_matches(self):
        self.premium.active = False
        self.assertEqual(self._ticket().sla_policy_id, self.standard)

    def test_manager_can_force_a_policy_and_it_sticks(self):
        ticket = self._ticket()
        ticket.with_user(self.manager).sla_policy_id = self.standard
        self.assertTrue(ticket.sla_policy_locked)
        self.assertIn("set by hand", ticket.sla_policy_reason)
        ticket.with_user(self.manager).priority = "3"
        self.assertEqual(ticket.sla_policy_id, self.standard)
        self.assertEqual(self._clock(ticket, "resolution").contractual_hours, 40.0)

    def test_agents_cannot_force_a_policy(self):
        ticket = self._ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).sla_policy_id = self.standard

    def test_ticket_without_matching_policy_has_no_clock(self):
        self.standard.active = False
        ticket = self._ticket(partner_id=self.bob.id)
        self.assertFalse(ticket.sla_policy_id)
        self.assertFalse(ticket.sla_status_ids)
        self.assertFalse(ticket.sla_state)
        self.assertEqual(ticket.sla_policy_reason, "no policy matches this ticket")
