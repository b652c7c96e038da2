# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .sla_tools import SEQUENCE, Bound


class HelpdeskSlaTier(models.Model):
    _name = "helpdesk.sla.tier"
    _inherit = ["helpdesk.sla.bounds.mixin"]
    _description = "Helpdesk SLA Customer Tier"
    _sla_bounds = {"sequence": SEQUENCE, "color": Bound(0, 11)}
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Leave empty to share the tier between companies.",
    )
    partner_ids = fields.One2many(
        comodel_name="res.partner",
        inverse_name="sla_tier_id",
        string="Customers",
        domain=[("is_company", "=", True)],
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers count")

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("sla_tier_id", "in", self.ids), ("is_company", "=", True)],
                ["sla_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers of tier %(tier)s", tier=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("sla_tier_id", "=", self.id), ("is_company", "=", True)],
            "context": {"default_sla_tier_id": self.id, "default_is_company": True},
        }
