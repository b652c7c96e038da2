# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.http import request


class CustomerPortalSlaCredits(CustomerPortal):
    """The customer's issued service credits on the portal (record rules decide what they see:
    the issued statements of their own commercial entity)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "sla_credit_count" in counters:
            Credit = request.env["helpdesk.sla.credit"]
            values["sla_credit_count"] = Credit.search_count([]) if Credit.has_access("read") else 0
        return values

    @http.route(["/my/sla-credits"], type="http", auth="user", website=True)
    def portal_my_sla_credits(self, **kw):
        Credit = request.env["helpdesk.sla.credit"]
        if not Credit.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "sla_credits": Credit.search([], order="period_start desc, id desc"),
                "page_name": "sla_credits",
            }
        )
        return request.render("helpdesk_sla_advanced.portal_my_sla_credits", values)

    @http.route(["/my/sla-credits/<int:credit_id>/report"], type="http", auth="user", website=True)
    def portal_my_sla_credit_report(self, credit_id, **kw):
        """The SLA report of one of the customer's issued statements, as a PDF download."""
        try:
            credit = self._document_check_access("helpdesk.sla.credit", credit_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=credit,
            report_type="pdf",
            report_ref="helpdesk_sla_advanced.helpdesk_sla_credit_action_report",
            download=True,
        )
