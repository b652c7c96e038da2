# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A test company with Odoo's generic chart of accounts (``AccountTestInvoicingCommon``),
an SLA finance user and an agent of that company, and approved statements built by hand
(the engine's figures are tested in ``helpdesk_sla_advanced``; here only what Invoicing
makes of them)."""

from datetime import date

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.fields import Command
from odoo.tests import new_test_user

SERVICE_CREDIT_PRODUCT = "helpdesk_sla_advanced_account.product_product_sla_service_credit"
MARCH = date(2025, 3, 1)


class SlaAccountCase(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        company_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.finance = new_test_user(
            cls.env,
            login="sla-acct-finance",
            groups="helpdesk_sla_advanced.group_sla_finance,account.group_account_invoice",
            **company_vals,
        )
        cls.agent = new_test_user(
            cls.env,
            login="sla-acct-agent",
            groups="helpdesk_mgmt.group_helpdesk_user,account.group_account_invoice",
            **company_vals,
        )
        cls.service_credit = cls.env.ref(SERVICE_CREDIT_PRODUCT)
        # the product ships without this company's accounts and taxes: give it the company's
        # sale tax and revenue account, as an accountant would
        cls.service_credit.with_company(cls.company).write(
            {
                "taxes_id": [Command.set(cls.tax_sale_a.ids)],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )

        cls.other_currency = cls.setup_other_currency("EUR")  # 2 EUR to 1 company unit since 2017
        # the tests act as SLA finance (an accountant too), unless they say otherwise
        cls.env = cls.env(user=cls.finance)

    @classmethod
    def _statement(cls, partner=None, currency=None, lines=None, state="approved", **vals):
        """An approved statement of March 2025 in the test company: a ticket rule (180), an
        availability rule (120), an adjustment of an earlier period (-50) and an exclusion."""
        currency = currency or cls.company.currency_id
        agreement = (
            cls.env["helpdesk.sla.agreement"]
            .sudo()
            .create(
                {
                    "name": "Support agreement",
                    "company_id": cls.company.id,
                    "partner_id": (partner or cls.partner_a).id,
                    "currency_id": currency.id,
                    "fee": 2000.0,
                    "date_start": date(2025, 1, 1),
                    "tz": "Europe/Paris",
                    "chronic_threshold": 0,
                }
            )
        )
        if lines is None:
            lines = [
                ("ticket", "Late resolution", "3 tickets late", 9.0, 180.0),
                ("availability", "Availability 99.7 %", "99.2 %", 6.0, 120.0),
                ("adjustment", "Adjustment of February", "", 0.0, -50.0),
                ("exclusion", "Outage 12 — scheduled maintenance", "", 0.0, 0.0),
            ]
        rules = sum(amount for kind, *_rest, amount in lines if kind not in ("adjustment", "exclusion"))
        adjustments = sum(amount for kind, *_rest, amount in lines if kind == "adjustment")
        values = {
            "agreement_id": agreement.id,
            "period_start": MARCH,
            "period_end": date(2025, 3, 31),
            "state": state,
            "fee": 2000.0,
            "subtotal": rules,
            "rules_total": rules,
            "total": rules + adjustments,
            "line_ids": [
                Command.create(
                    {
                        "sequence": sequence,
                        "kind": kind,
                        "name": name,
                        "measure": measure,
                        "percent": percent,
                        "amount": amount,
                    }
                )
                for sequence, (kind, name, measure, percent, amount) in enumerate(lines, start=1)
            ],
        }
        values.update(vals)
        return cls.env["helpdesk.sla.credit"].sudo().create(values).sudo(False)
