# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

LINE_KINDS = [
    ("ticket", "Per breached ticket"),
    ("attainment", "Attainment"),
    ("availability", "Availability"),
    ("adjustment", "Adjustment"),
    ("exclusion", "Exclusion"),
]


class HelpdeskSlaCreditLine(models.Model):
    """One line of a credit statement: a rule that gives a credit (with its tickets or outages,
    its figures, the share of the fee and the amount), an adjustment of an earlier period, or
    an item left out of the computation with its reason (amount zero)."""

    _name = "helpdesk.sla.credit.line"
    _description = "Helpdesk SLA Credit Statement Line"
    _order = "credit_id, sequence, id"

    credit_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit", string="Statement", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="credit_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="credit_id.currency_id")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(selection=LINE_KINDS, required=True, readonly=True)
    rule_id = fields.Many2one(comodel_name="helpdesk.sla.credit.rule", readonly=True, ondelete="set null")
    name = fields.Char(string="Description", required=True, readonly=True)
    measure = fields.Char(string="Figures", readonly=True)
    percent = fields.Float(string="% Of Fee", digits=(12, 2), readonly=True)
    amount = fields.Monetary(readonly=True)
    explanation = fields.Text(readonly=True)
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="helpdesk_sla_credit_line_ticket_rel",
        string="Tickets",
        readonly=True,
    )
    outage_ids = fields.Many2many(
        comodel_name="helpdesk.sla.outage",
        relation="helpdesk_sla_credit_line_outage_rel",
        string="Outages",
        readonly=True,
    )
    adjusted_credit_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit",
        string="Adjusts",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The earlier, approved statement whose period this adjustment corrects.",
    )
