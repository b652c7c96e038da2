# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .sla_tools import EVENT_KINDS, TIME_KINDS, engine_events


class HelpdeskTicketSlaEvent(models.Model):
    """One event of an SLA clock. The clock's state is recomputed from these alone."""

    _name = "helpdesk.ticket.sla.event"
    _description = "Helpdesk Ticket SLA Event"
    _order = "at, id"
    _log_access = False  # immutable: ``at`` and ``user_id`` say when and by whom

    @api.model_create_multi
    def create(self, vals_list):
        missing = [vals for vals in vals_list if vals.get("status_id") and not vals.get("ticket_id")]
        if missing:
            statuses = self.env["helpdesk.ticket.sla.status"].browse({vals["status_id"] for vals in missing})
            by_id = {status.id: status for status in statuses}
            for vals in missing:
                status = by_id[vals["status_id"]]
                vals["ticket_id"] = status.ticket_id.id
                vals["company_id"] = status.company_id.id
        return super().create(vals_list)

    _rec_name = "kind"

    status_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.status",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    # copied from the clock at creation (an event never moves): no recompute on insert
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", readonly=True, ondelete="cascade")
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    kind = fields.Selection(selection=EVENT_KINDS, required=True, readonly=True)
    at = fields.Datetime(required=True, readonly=True, help="When it happened (the clock's time).")
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", default=lambda self: self.env.user, readonly=True, string="By"
    )
    # start and target events: the targets that apply from then on, retroactively from the start
    policy_id = fields.Many2one(comodel_name="helpdesk.sla.policy", readonly=True, ondelete="set null")
    contractual_hours = fields.Float(readonly=True)
    internal_hours = fields.Float(readonly=True)
    time_kind = fields.Selection(selection=TIME_KINDS, readonly=True)

    def _engine_events(self):
        """The sla_engine events this record stands for."""
        self.ensure_one()
        return engine_events(
            {
                "kind": self.kind,
                "at": self.at,
                "reason": self.reason,
                "contractual_hours": self.contractual_hours,
                "internal_hours": self.internal_hours,
                "time_kind": self.time_kind,
            }
        )
