# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketSlaExempt(models.TransientModel):
    _name = "helpdesk.ticket.sla.exempt"
    _description = "Exempt Tickets from their SLA"

    ticket_ids = fields.Many2many(comodel_name="helpdesk.ticket", string="Tickets", required=True)
    exempt = fields.Boolean(
        default=True, help="Exempt the tickets; clear it to lift their exemption instead."
    )
    reason = fields.Char(required=True, help="Kept in the history of every clock of the tickets.")

    def action_confirm(self):
        self.ensure_one()
        self.ticket_ids._sla_exempt(self.reason, exempt=self.exempt)
        return {"type": "ir.actions.act_window_close"}
