# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskSlaPriority(models.Model):
    """One record per value of the ticket's priority, so that policies can match
    several priorities with a many2many (selection fields hold one value)."""

    _name = "helpdesk.sla.priority"
    _description = "Helpdesk SLA Priority"
    _order = "value"
    _rec_name = "name"

    value = fields.Selection(selection="_selection_value", required=True)
    name = fields.Char(compute="_compute_name", store=True, translate=True)

    _value_uniq = models.Constraint("UNIQUE(value)", "Each ticket priority can be listed once.")

    @api.model
    def _selection_value(self):
        return self.env["helpdesk.ticket"]._fields["priority"]._description_selection(self.env)

    @api.depends("value")
    def _compute_name(self):
        labels = dict(self._selection_value())
        for record in self:
            record.name = labels.get(record.value, record.value)
