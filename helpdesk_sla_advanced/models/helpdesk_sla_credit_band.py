# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .sla_tools import AMOUNT, BAND_END


class HelpdeskSlaCreditBand(models.Model):
    """One band of a graded credit rule: from ``lower`` to ``upper`` (or more), a credit.

    Per breached ticket the measure is the lateness in hours (of the clock's own time: business
    hours on its calendar, or 24/7), a band covering "more than lower, up to upper"; for
    attainment and availability it is a percentage, a band covering "from lower, below upper".
    The bands of a rule must follow each other with no gap and no overlap, and a worse result
    never credits less (checked on the rule)."""

    _name = "helpdesk.sla.credit.band"
    _description = "Helpdesk SLA Credit Band"
    _inherit = ["helpdesk.sla.bounds.mixin"]
    _order = "rule_id, lower, id"
    _sla_bounds = {"lower": BAND_END, "upper": BAND_END, "value": AMOUNT}

    rule_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit.rule", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    kind = fields.Selection(related="rule_id.kind")
    lower = fields.Float(string="From", digits=(12, 3), help="Hours late, or a percentage.")
    upper = fields.Float(string="To", digits=(12, 3), help="Hours late, or a percentage.")
    unbounded = fields.Boolean(string="And More", help="The band has no upper end (the last band only).")
    value = fields.Float(
        string="Credit",
        digits=(12, 2),
        required=True,
        help="A share of the period's fee (%), or a fixed amount for per-ticket rules credited as amounts.",
    )

    @api.depends("lower", "upper", "unbounded", "value", "rule_id.kind", "rule_id.amount_type")
    def _compute_display_name(self):
        for band in self:
            ticket = band.rule_id.kind == "ticket"
            unit = self.env._("h late") if ticket else "%"
            if band.unbounded:
                span = self.env._("more than %(low)s %(unit)s", low=f"{band.lower:g}", unit=unit)
            elif ticket:
                span = self.env._("up to %(high)s %(unit)s", high=f"{band.upper:g}", unit=unit)
            else:
                span = self.env._("below %(high)s %(unit)s", high=f"{band.upper:g}", unit=unit)
            fixed = ticket and band.rule_id.amount_type == "fixed"
            credit = f"{band.value:,.2f}" if fixed else f"{band.value:g} %"
            band.display_name = f"{span} → {credit}"

    @api.constrains("lower", "upper", "unbounded", "value")
    def _check_rule_bands(self):
        """A band edited on its own is checked with the others of its rule."""
        if not self.env.context.get("sla_lines_of_parent"):
            self.rule_id._check_bands()

    def unlink(self):
        rules = self.rule_id
        result = super().unlink()
        # removing a middle band leaves a gap, removing the last leaves a rule without band;
        # through the rule's form, the rule's own constraint checks the bands it ends with
        if not self.env.context.get("sla_lines_of_parent"):
            rules.exists()._check_bands()
        return result
