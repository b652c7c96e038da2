# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    sla_maintenance = fields.Boolean(
        string="Maintenance Window",
        help="A scheduled maintenance of the service: SLA clocks do not count during it (a closure "
        "like a public holiday) and its downtime is excluded from availability credits.",
    )

    def _sla_holidays_changed(self):
        """Public holidays moved: queue the re-evaluation of the clocks counting on them."""
        public = self.filtered(lambda leave: not leave.resource_id)
        if not public:
            return
        Policy = self.env["helpdesk.sla.policy"].sudo().with_context(active_test=False)
        if any(not leave.calendar_id for leave in public):
            policies = Policy.search([("calendar_mode", "=", "calendar")])
            olas = (
                self.env["helpdesk.sla.ola"]
                .sudo()
                .search_count([("calendar_mode", "=", "calendar")], limit=1)
            )
        else:
            policies = Policy.search([("resource_calendar_id", "in", public.calendar_id.ids)])
            olas = public.calendar_id._sla_olas()
        Policy._sla_config_changed(None if olas else policies)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._sla_holidays_changed()
        return records

    def write(self, vals):
        self._sla_holidays_changed()
        result = super().write(vals)
        self._sla_holidays_changed()
        return result

    def unlink(self):
        self._sla_holidays_changed()
        return super().unlink()
