# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketSlaPeriod(models.Model):
    """A period of a ticket with one team, one assignee and one stage.

    Every change of team, assignee or stage ends the current period and opens the
    next, so that the history says who owned the ticket when (the OLA measure of
    each team's share) and which stage it sat in (the replay of pauses).
    """

    _name = "helpdesk.ticket.sla.period"
    _description = "Helpdesk Ticket Ownership Period"
    _order = "ticket_id, date_start, id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", index=True, readonly=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True, index="btree_not_null")
    user_id = fields.Many2one(comodel_name="res.users", string="Assigned user", readonly=True)
    stage_id = fields.Many2one(comodel_name="helpdesk.ticket.stage", readonly=True)
    date_start = fields.Datetime(required=True, readonly=True)
    date_end = fields.Datetime(readonly=True, help="Empty: still current.")
    changed_by_id = fields.Many2one(
        comodel_name="res.users", readonly=True, default=lambda self: self.env.user, string="Changed by"
    )
    duration_hours = fields.Float(
        compute="_compute_duration_hours", string="Duration (h)", help="Wall-clock hours, up to now."
    )

    _current_idx = models.Index("(ticket_id) WHERE date_end IS NULL")

    @api.depends("date_start", "date_end")
    def _compute_duration_hours(self):
        now = fields.Datetime.now()
        for period in self:
            end = period.date_end or now
            period.duration_hours = (
                (end - period.date_start).total_seconds() / 3600 if period.date_start else 0.0
            )
