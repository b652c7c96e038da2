# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskSlaCreditTerms(models.Model):
    """Reusable credit terms: the rules several service agreements share (for instance
    "Standard lateness credits"), so that a change of terms is made once."""

    _name = "helpdesk.sla.credit.terms"
    _description = "Helpdesk SLA Credit Terms"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share these terms between companies.",
    )
    description = fields.Html(translate=True)
    rule_ids = fields.One2many(
        comodel_name="helpdesk.sla.credit.rule",
        inverse_name="terms_id",
        string="Credit Rules",
        copy=True,
    )
    agreement_ids = fields.One2many(
        comodel_name="helpdesk.sla.agreement", inverse_name="terms_id", string="Agreements"
    )
    agreement_count = fields.Integer(compute="_compute_agreement_count", string="Agreements Using Them")

    def _compute_agreement_count(self):
        counts = dict(
            self.env["helpdesk.sla.agreement"]
            .with_context(active_test=False)
            ._read_group([("terms_id", "in", self.ids)], ["terms_id"], ["__count"])
        )
        for terms in self:
            terms.agreement_count = counts.get(terms, 0)
