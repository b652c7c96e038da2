# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sla_tier_id = fields.Many2one(
        comodel_name="helpdesk.sla.tier",
        string="SLA Tier",
        index="btree_not_null",
        tracking=True,
        help="Service tier of the customer. Set it on the company: its contacts follow it.",
    )

    @api.model
    def _commercial_fields(self):
        # contacts follow the tier of their commercial entity (synced by the ORM)
        return super()._commercial_fields() + ["sla_tier_id"]
