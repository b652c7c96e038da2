# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    def _sla_calendar_changed(self, calendars):
        calendars._sla_hours_changed()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._sla_calendar_changed(records.calendar_id)
        return records

    def write(self, vals):
        calendars = self.calendar_id
        result = super().write(vals)
        self._sla_calendar_changed(calendars | self.calendar_id)
        return result

    def unlink(self):
        calendars = self.calendar_id
        result = super().unlink()
        self._sla_calendar_changed(calendars.exists())
        return result
