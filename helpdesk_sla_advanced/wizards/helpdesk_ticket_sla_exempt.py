# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketSlaExempt(models.TransientModel):
    _name = "helpdesk.ticket.sla.exempt"
    _description = "Exempt Tickets from their SLA"

    ticket_ids = fields.Many2many(comodel_name="helpdesk.ticket", string="Tickets", required=True)
    exempt = fields.Boolean(
        default=True, help="Exempt the tickets; clear it to lift their exemption instead."
    )
    # required in the form; checked here so that a blank reason is a ValidationError naming
    # the field, whatever the entry point, not a database error
    reason = fields.Char(string="Exemption Reason", help="Kept in the history of every clock of the tickets.")

    @api.constrains("reason")
    def _check_reason(self):
        for wizard in self:
            self.env["helpdesk.ticket"]._sla_exempt_reason(wizard.reason)

    def action_confirm(self):
        self.ensure_one()
        self.ticket_ids._sla_exempt(self.reason, exempt=self.exempt)
        return {"type": "ir.actions.act_window_close"}
