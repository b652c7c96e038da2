# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's SLA report of a period, rendered to PDF by wkhtmltopdf and read back with
pdftotext: its figures, and its French. Where either tool is missing these tests are skipped,
and say so."""

import shutil
import subprocess
import unittest

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import utc
from .test_credits import CreditCase

PDF_TOOLS = bool(shutil.which("wkhtmltopdf") and shutil.which("pdftotext"))
SKIPPED = "!!! wkhtmltopdf or pdftotext is missing: the SLA report's PDF tests are SKIPPED !!!"
REPORT = "helpdesk_sla_advanced.helpdesk_sla_credit_action_report"


@tagged("post_install", "-at_install")
@unittest.skipUnless(PDF_TOOLS, SKIPPED)
class TestCreditReport(CreditCase):
    def _pdf_text(self, credit):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, credit.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        return " ".join(text.split())  # one space between words, whatever the layout

    def _march(self):
        self._resolved(utc(2025, 3, 12, 15, 0))  # met
        self._resolved(utc(2025, 3, 13, 13, 0))  # Thursday 14:00 Paris: 2 business hours late
        self._resolved(utc(2025, 3, 14, 9, 0))  # Friday 10:00 Paris: 6 business hours late
        return self._compute(self._agreement([self._lateness_rule()]))

    def test_the_report_gives_the_figures_of_the_period(self):
        credit = self._march()
        text = self._pdf_text(credit)
        self.assertIn(credit.name, text)
        # resolution, medium priority: 3 tickets, 1 met; median and 90th percentile of the
        # business hours taken
        self.assertIn("Resolution Medium 3 33.3 % 18.00 22.00", text)
        # each late resolution with its deadline, when it was reached and how late, in Paris time
        self.assertIn("Resolution 03/13/2025 11:00 AM 03/13/2025 02:00 PM 2.00", text)
        self.assertIn("Resolution 03/13/2025 11:00 AM 03/14/2025 10:00 AM 6.00", text)
        # the credit (1 % + 3 % of 2,000) and its explanation
        self.assertIn("Late resolution 2 breaches 4.00 80.00 €", text)
        self.assertIn("band 4:00:00-8:00:00 gives 3 %", text)
        self.assertIn("Total credit: 80.00 €", text)

    def test_the_report_gives_availability_against_the_commitment_and_the_exclusions(self):
        # 7.43 h down of the 743 h of March in Paris: 99 % available, the band below 99.7 %
        self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 15, 25, 48))
        self._outage(
            utc(2025, 3, 20, 8, 0),
            utc(2025, 3, 20, 20, 0),
            force_majeure=True,
            exclusion_reason="Regional power cut (clause 9.2)",
        )
        credit = self._compute(self._agreement([self._availability_rule()]))
        text = self._pdf_text(credit)
        self.assertIn("Availability: 99.000 % for a commitment of 99.700 %.", text)
        self.assertIn("Downtime: 19.43 h, of which excluded: 12.00 h.", text)
        self.assertIn("Availability 99.7 %", text)
        self.assertIn("10.00 200.00 €", text)  # 10 % of the 2,000 fee
        self.assertIn("Exclusions", text)
        self.assertIn("Regional power cut (clause 9.2)", text)
        self.assertIn("No service-level target was due in the period.", text)

    def test_the_report_is_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["helpdesk_mgmt", "helpdesk_sla_advanced"], ["fr_FR"])
        self.acme.lang = "fr_FR"
        text = self._pdf_text(self._march())
        self.assertIn("Conformité par indicateur et priorité", text)
        self.assertRegex(text, r"Résolution \S+ 3 33,3 % 18,00 22,00")
        self.assertIn("Résolution 13/03/2025 11:00 14/03/2025 10:00 6,00", text)
        self.assertIn("Crédit total : 80,00 €", text)


class IssuedCase(CreditCase):
    def _issued(self):
        self._resolved(utc(2025, 3, 14, 9, 0))
        credit = self._compute(self._agreement([self._lateness_rule()]))
        credit.with_user(self.finance).action_submit()
        credit.with_user(self.finance).action_approve()
        credit.with_user(self.finance).action_issue()
        return credit


@tagged("post_install", "-at_install")
class TestCreditReportDelivery(IssuedCase):
    """Printed from the statement and from the customer, sent by e-mail from a template (the
    PDF itself is tested above; here Odoo's test mode renders it as HTML)."""

    def test_printed_from_the_customer_for_their_latest_period(self):
        credit = self._issued()
        action = self.acme.with_user(self.finance)._sla_action_print_report()
        self.assertEqual(action["report_name"], "helpdesk_sla_advanced.report_helpdesk_sla_credit")
        self.assertEqual(action["context"]["active_ids"], credit.ids)
        with self.assertRaisesRegex(UserError, "No service-credit statement"):
            self.nycorp.with_user(self.finance)._sla_action_print_report()

    def test_sent_by_e_mail_with_the_pdf_attached(self):
        credit = self._issued()
        action = credit.with_user(self.finance).action_sla_send_report()
        composer = Form(self.env[action["res_model"]].with_user(self.finance).with_context(action["context"]))
        self.assertIn(credit.name, composer.subject)
        composer.save()._action_send_mail()
        message = credit.message_ids[0]
        self.assertEqual(message.partner_ids, self.acme)
        # "...pdf" in production; Odoo's test mode renders reports as HTML
        self.assertRegex(message.attachment_ids.name, rf"^SLA report - {credit.name}\.(pdf|html)$")


@tagged("post_install", "-at_install")
class TestCreditReportPortal(HttpCase, IssuedCase):
    def test_the_customer_downloads_the_report_of_an_issued_statement_from_the_portal(self):
        credit = self._issued()
        new_test_user(
            self.env, login="acme-portal-report", password="acme-portal-report", groups="base.group_portal"
        ).partner_id.parent_id = self.acme
        self.authenticate("acme-portal-report", "acme-portal-report")
        page = self.url_open("/my/sla-credits")
        self.assertIn(f"/my/sla-credits/{credit.id}/report", page.text)
        report = self.url_open(f"/my/sla-credits/{credit.id}/report")
        self.assertEqual(report.status_code, 200)
        self.assertIn("attachment", report.headers["Content-Disposition"])
        self.assertIn("SLA_report_Acme_2025_03.pdf", report.headers["Content-Disposition"])
        # someone else's statement: back to the portal home
        theirs = self._compute(
            self._agreement([self._lateness_rule()], name="NY Corp", partner_id=self.nycorp.id)
        )
        other = self.url_open(f"/my/sla-credits/{theirs.id}/report", allow_redirects=False)
        self.assertEqual(other.status_code, 303)
