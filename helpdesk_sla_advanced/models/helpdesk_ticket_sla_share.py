# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

SHARE_KINDS = [
    ("team", "Team"),
    ("unowned", "No team"),
    ("paused", "Paused"),
]


class HelpdeskTicketSlaShare(models.Model):
    """How the time of an SLA clock was spent: one line per team that owned the ticket
    while the clock counted (working time on the clock's calendar), and one per pause
    reason (wall-clock time). The team lines add up exactly to the clock's working time."""

    _name = "helpdesk.ticket.sla.share"
    _description = "Helpdesk SLA Time Spent by a Team"
    _order = "status_id, kind, hours desc, id"

    status_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.status",
        string="SLA Clock",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    metric = fields.Selection(related="status_id.metric", store=True)
    state = fields.Selection(related="status_id.state", store=True, string="Clock State")
    kind = fields.Selection(selection=SHARE_KINDS, required=True, readonly=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True, index="btree_not_null")
    reason = fields.Char(readonly=True, help="Paused: why.")
    hours = fields.Float(readonly=True, aggregator="sum", help="Working hours (paused: wall-clock hours).")
    share = fields.Float(
        string="Share (%)", readonly=True, aggregator="avg", help="Of the clock's working time (teams only)."
    )
