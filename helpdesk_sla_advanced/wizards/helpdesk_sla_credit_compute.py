# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskSlaCreditCompute(models.TransientModel):
    """Compute the service credits of agreements for any period (the cron computes the
    period that just closed): a draft is replaced, any other statement is kept."""

    _name = "helpdesk.sla.credit.compute"
    _description = "Compute Service Credits"

    agreement_ids = fields.Many2many(
        comodel_name="helpdesk.sla.agreement",
        string="Agreements",
        required=True,
        default=lambda self: self._default_agreement_ids(),
    )
    period_date = fields.Date(
        string="Period Of",
        required=True,
        default=lambda self: self._default_period_date(),
        help="Any day of the period: its month (or quarter, for quarterly agreements).",
    )

    @api.model
    def _default_agreement_ids(self):
        if self.env.context.get("active_model") == "helpdesk.sla.agreement":
            return self.env["helpdesk.sla.agreement"].browse(self.env.context.get("active_ids", []))
        return self.env["helpdesk.sla.agreement"].search([])

    @api.model
    def _default_period_date(self):
        return fields.Date.context_today(self) - relativedelta(months=1)

    def action_compute(self):
        self.ensure_one()
        Credit = self.env["helpdesk.sla.credit"]
        Credit._sla_check_compute_right()
        by_period = {}
        for agreement in self.agreement_ids:
            period_start = agreement._sla_period_of(self.period_date)
            if agreement._sla_covers(period_start):
                by_period.setdefault(period_start, self.env["helpdesk.sla.agreement"])
                by_period[period_start] |= agreement
        if not by_period:
            raise UserError(
                self.env._(
                    "None of these agreements runs in the period of %(date)s: check their start and "
                    "end dates.",
                    date=self.period_date,
                )
            )
        credits = Credit
        for period_start, agreements in by_period.items():
            Credit._sla_compute(agreements, period_start)
            credits |= Credit.search(
                [("agreement_id", "in", agreements.ids), ("period_start", "=", period_start)]
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_sla_advanced.helpdesk_sla_credit_action"
        )
        action["domain"] = [("id", "in", credits.ids)]
        return action
