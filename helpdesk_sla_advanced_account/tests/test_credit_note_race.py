# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two users issue the same statement at the same moment, on two database cursors: exactly
one credit note. The data is committed (a second cursor sees nothing else) in the database's
main company, whose chart of accounts the install loaded (the test company of the other
tests lives in their transaction only); it is removed afterwards."""

from datetime import date

import psycopg2
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCreditNoteRace(TransactionCase):
    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            sale_journals = [("company_id", "=", company.id), ("type", "=", "sale")]
            if not env["account.journal"].search_count(sale_journals):
                self.skipTest("the main company has no chart of accounts")
            partner = env["res.partner"].create({"name": "Race customer"})
            agreement = env["helpdesk.sla.agreement"].create(
                {
                    "name": "Race agreement",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "currency_id": company.currency_id.id,
                    "fee": 1000.0,
                    "date_start": date(2025, 1, 1),
                    "tz": "UTC",
                    "chronic_threshold": 0,
                }
            )
            statement = env["helpdesk.sla.credit"].create(
                {
                    "agreement_id": agreement.id,
                    "period_start": date(2025, 3, 1),
                    "period_end": date(2025, 3, 31),
                    "state": "approved",
                    "subtotal": 100.0,
                    "rules_total": 100.0,
                    "total": 100.0,
                    "line_ids": [
                        Command.create({"kind": "ticket", "name": "Late resolution", "amount": 100.0})
                    ],
                }
            )
            ids = {"partner": partner.id, "agreement": agreement.id, "statement": statement.id}
            cr.commit()
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            statement_id = ids["statement"]
            moves = env["account.move"].search(
                ["|", ("sla_credit_id", "=", statement_id), ("sla_released_credit_id", "=", statement_id)]
            )
            moves.filtered(lambda move: move.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            statement = env["helpdesk.sla.credit"].browse(ids["statement"])
            statement.write({"state": "draft"})
            statement.unlink()
            env["helpdesk.sla.agreement"].browse(ids["agreement"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            cr.commit()

    def _credit_notes(self, ids):
        with self.registry.cursor() as cr:
            return self._env(cr)["account.move"].search_count([("sla_credit_id", "=", ids["statement"])])

    def test_two_users_issuing_at_once_make_one_credit_note(self):
        ids = self._setup_committed()
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            statement_a = self._env(cr_a)["helpdesk.sla.credit"].browse(ids["statement"])
            statement_b = self._env(cr_b)["helpdesk.sla.credit"].browse(ids["statement"])
            self.assertEqual(statement_b.state, "approved")  # B's snapshot begins: approved
            statement_a.action_issue()  # A locks the statement and creates the credit note
            with self.assertRaisesRegex(UserError, "being issued by someone else"):
                statement_b.action_issue()  # B, meanwhile, finds it locked
            cr_b.rollback()
            cr_a.commit()
        self.assertEqual(self._credit_notes(ids), 1)

    def test_a_user_whose_snapshot_predates_the_issue_cannot_issue_again(self):
        ids = self._setup_committed()
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            statement_b = self._env(cr_b)["helpdesk.sla.credit"].browse(ids["statement"])
            self.assertEqual(statement_b.state, "approved")  # B's snapshot begins: approved
            self._env(cr_a)["helpdesk.sla.credit"].browse(ids["statement"]).action_issue()
            cr_a.commit()
            # B still sees "approved", but locking the row A changed fails: the server retries
            # the request, and the retry sees "issued"
            with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
                statement_b.action_issue()
            cr_b.rollback()
            with self.assertRaisesRegex(UserError, "it is Issued"):
                statement_b.action_issue()
        self.assertEqual(self._credit_notes(ids), 1)

    def test_a_second_credit_note_from_another_transaction_is_refused_by_the_database(self):
        ids = self._setup_committed()
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_b = self._env(cr_b)
            self.assertEqual(env_b["helpdesk.sla.credit"].browse(ids["statement"]).state, "approved")
            self._env(cr_a)["helpdesk.sla.credit"].browse(ids["statement"]).action_issue()
            cr_a.commit()
            # B goes around the lock and links its own credit note: the unique index refuses it
            with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
                env_b["account.move"].create(
                    {
                        "move_type": "out_refund",
                        "partner_id": ids["partner"],
                        "sla_credit_id": ids["statement"],
                    }
                ).flush_recordset()
            cr_b.rollback()
        self.assertEqual(self._credit_notes(ids), 1)
