# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from sla_engine import ClockEvent, EventKind

from .sla_tools import EVENT_KINDS, TIME_KINDS, aware, duration


class HelpdeskTicketSlaEvent(models.Model):
    """One event of an SLA clock. The clock's state is recomputed from these alone."""

    _name = "helpdesk.ticket.sla.event"
    _description = "Helpdesk Ticket SLA Event"
    _order = "at, id"
    _rec_name = "kind"

    status_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.status",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    ticket_id = fields.Many2one(related="status_id.ticket_id", store=True, index=True)
    company_id = fields.Many2one(related="status_id.company_id", store=True)
    kind = fields.Selection(selection=EVENT_KINDS, required=True, readonly=True)
    at = fields.Datetime(required=True, readonly=True, help="When it happened (the clock's time).")
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", default=lambda self: self.env.user, readonly=True, string="By"
    )
    # target events: the targets that apply from then on, retroactively from the start
    policy_id = fields.Many2one(comodel_name="helpdesk.sla.policy", readonly=True, ondelete="set null")
    contractual_hours = fields.Float(readonly=True)
    internal_hours = fields.Float(readonly=True)
    time_kind = fields.Selection(selection=TIME_KINDS, readonly=True)

    def _engine_event(self):
        """The sla_engine event this record stands for."""
        self.ensure_one()
        target = None
        if self.kind == "target":
            from sla_engine import Target

            target = Target(
                duration(self.contractual_hours),
                duration(self.internal_hours) if self.internal_hours else None,
                business=self.time_kind != "calendar",
            )
        return ClockEvent(EventKind(self.kind), aware(self.at), self.reason or "", target)
