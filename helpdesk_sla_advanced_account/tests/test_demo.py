# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoCreditNotes(TransactionCase):
    """The demo database has issued statements with their credit notes (run where demo data
    is installed)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "helpdesk_sla_advanced.helpdesk_sla_agreement_azure_demo", raise_if_not_found=False
        ):
            self.skipTest("installed without demo data")

    def test_the_issued_demo_statements_have_their_posted_credit_notes(self):
        issued = self.env["helpdesk.sla.credit"].search([("state", "=", "issued")])
        self.assertTrue(issued)
        for credit in issued:
            move = credit.move_id
            self.assertEqual((move.move_type, move.state), ("out_refund", "posted"), credit.name)
            self.assertEqual(move.partner_id, credit.partner_id)
            self.assertEqual(move.sla_credit_id, credit)
            self.assertAlmostEqual(move.amount_untaxed, credit.total)
