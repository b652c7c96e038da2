# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


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

    def _sla_action_print_report(self):
        """Print the SLA report of the latest period of each selected customer (its latest
        statement sent for approval, approved or issued)."""
        Credit = self.env["helpdesk.sla.credit"]
        credits = Credit
        for partner in self.commercial_partner_id:
            credits |= Credit.search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "in", ("to_approve", "approved", "issued")),
                ],
                order="period_start desc, id desc",
                limit=1,
            )
        if not credits:
            raise UserError(
                self.env._(
                    "No service-credit statement to report on for %(names)s.",
                    names=", ".join(self.mapped("display_name")),
                )
            )
        return self.env.ref("helpdesk_sla_advanced.helpdesk_sla_credit_action_report").report_action(credits)
