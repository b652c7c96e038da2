# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issuing a statement creates and posts the customer's credit note: amounts, taxes through
the fiscal position, currency and company; who may issue; cancelling and reversing bring the
statement back to approved."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import SlaAccountCase


@tagged("post_install", "-at_install")
class TestCreditNote(SlaAccountCase):
    def test_issuing_creates_a_posted_credit_note_of_the_statement(self):
        statement = self._statement()
        statement.action_issue()
        move = statement.move_id
        self.assertEqual(statement.state, "issued")
        self.assertEqual(move.sla_credit_id, statement)
        self.assertRecordValues(
            move,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "partner_id": self.partner_a.id,
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                    "invoice_origin": statement.name,
                    "amount_untaxed": 250.0,
                }
            ],
        )
        self.assertIn("03/01/2025", move.ref)
        self.assertIn("03/31/2025", move.ref)
        # one line per credit line, the adjustment with its sign, no exclusion
        lines = move.invoice_line_ids.sorted("price_unit")
        self.assertEqual(lines.mapped("price_unit"), [-50.0, 120.0, 180.0])
        self.assertEqual(lines.product_id, self.service_credit)
        self.assertEqual(lines.tax_ids, self.tax_sale_a)
        self.assertEqual(lines.account_id, self.company_data["default_account_revenue"])
        self.assertIn("Late resolution (3 tickets late)", lines.mapped("name"))
        tax = self.tax_sale_a.amount / 100
        self.assertAlmostEqual(move.amount_tax, 250.0 * tax)
        self.assertAlmostEqual(move.amount_total, 250.0 * (1 + tax))
        self.assertAlmostEqual(move.amount_total_signed, -250.0 * (1 + tax))
        self.assertIn(move.name, statement.message_ids[0].body)
        self.assertIn(statement.name, move.message_ids[0].body)

    def test_account_and_taxes_go_through_the_customers_fiscal_position(self):
        # partner_b's fiscal position maps tax A to tax B and product_a's income account to product_b's
        statement = self._statement(partner=self.partner_b)
        statement.action_issue()
        lines = statement.move_id.invoice_line_ids
        self.assertEqual(statement.move_id.fiscal_position_id, self.fiscal_pos_a)
        self.assertEqual(lines.tax_ids, self.tax_sale_b)
        self.assertEqual(lines.account_id, self.product_b.property_account_income_id)

    def test_a_statement_in_a_foreign_currency_gives_a_credit_note_in_that_currency(self):
        other = self.other_currency  # 2 EUR to 1 unit of the company's currency since 2017
        statement = self._statement(currency=other)
        statement.action_issue()
        move = statement.move_id
        self.assertEqual(move.currency_id, other)
        self.assertEqual(move.company_id, self.company)
        self.assertAlmostEqual(move.amount_untaxed, 250.0)
        self.assertAlmostEqual(move.amount_untaxed_signed, -125.0)

    def test_the_cap_is_a_line_so_the_credit_note_matches_the_statement(self):
        statement = self._statement(capped=True, cap_amount=200.0, rules_total=200.0, total=150.0)
        statement.action_issue()
        move = statement.move_id
        self.assertAlmostEqual(move.amount_untaxed, 150.0)
        cap = move.invoice_line_ids.filtered(lambda line: line.price_unit == -100.0)
        self.assertIn("Cap of the agreement", cap.name)

    def test_a_zero_statement_is_issued_without_a_credit_note(self):
        statement = self._statement(lines=[("exclusion", "Outage 3 — force majeure", "", 0.0, 0.0)])
        statement.action_issue()
        self.assertEqual(statement.state, "issued")
        self.assertFalse(statement.move_id)
        self.assertIn("no credit note", statement.message_ids[0].body)

    def test_only_sla_finance_issues(self):
        statement = self._statement()
        for user in (self.agent, self.simple_accountman):  # an agent; an accountant, not SLA finance
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                statement.with_user(user).action_issue()
        self.assertEqual(statement.state, "approved")
        self.assertFalse(self.env["account.move"].search([("sla_credit_id", "=", statement.id)]))
        with self.assertRaises(AccessError):
            statement.write({"move_id": self.init_invoice("out_refund").id})

    def test_an_issued_statement_is_not_issued_twice(self):
        statement = self._statement()
        statement.action_issue()
        with self.assertRaises(UserError):
            statement.action_issue()
        self.assertEqual(self.env["account.move"].search_count([("sla_credit_id", "=", statement.id)]), 1)

    def test_the_database_refuses_a_second_credit_note_of_a_statement(self):
        statement = self._statement()
        statement.action_issue()
        second = self.init_invoice("out_refund", products=self.product_a)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            second.sudo().write({"sla_credit_id": statement.id})
            second.flush_recordset()

    def test_cancelling_the_credit_note_brings_the_statement_back_to_approved(self):
        statement = self._statement()
        statement.action_issue()
        move = statement.move_id
        move.button_cancel()
        self.assertEqual(move.state, "cancel")
        self.assertRecordValues(statement, [{"state": "approved", "move_id": False, "issued_on": False}])
        self.assertEqual((move.sla_credit_id, move.sla_released_credit_id), (statement.browse(), statement))
        self.assertIn("cancelled", statement.message_ids[0].body)
        self.assertIn("Cancelled", move.message_ids[0].body)
        # and it can be issued again, as a new credit note
        statement.action_issue()
        self.assertEqual(statement.state, "issued")
        self.assertTrue(statement.move_id)
        self.assertNotEqual(statement.move_id, move)

    def test_reversing_the_credit_note_brings_the_statement_back_to_approved(self):
        statement = self._statement()
        statement.action_issue()
        move = statement.move_id
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "date": fields.Date.today()})
        )
        reversal = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        self.assertEqual(statement.state, "issued")  # a draft reversal changes nothing yet
        self.assertFalse(reversal.sla_credit_id)
        reversal.action_post()
        self.assertEqual(reversal.reversed_entry_id, move)
        self.assertRecordValues(statement, [{"state": "approved", "move_id": False}])
        self.assertEqual(move.sla_released_credit_id, statement)
        self.assertIn("reversed", statement.message_ids[0].body)
        self.assertIn("Reversed", move.message_ids[0].body)
