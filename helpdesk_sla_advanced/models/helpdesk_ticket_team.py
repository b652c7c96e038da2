# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.addons.base.models.res_partner import _tz_get


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    sla_tz = fields.Selection(
        selection=_tz_get,
        string="SLA Time Zone",
        help="Time zone the working calendar is read in for policies that follow the team's "
        "time zone. Empty: the calendar's own time zone.",
    )
