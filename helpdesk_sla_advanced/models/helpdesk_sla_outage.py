# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskSlaOutage(models.Model):
    """An outage of the service, from its start to its end: the downtime availability credits
    are measured from. Many tickets may report one outage; it counts once. An outage caused by
    force majeure is kept, listed on the statements with its reason, and not counted."""

    _name = "helpdesk.sla.outage"
    _description = "Helpdesk SLA Service Outage"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Datetime(string="Down From", required=True, tracking=True, index=True)
    date_end = fields.Datetime(
        string="Back Up At", tracking=True, index=True, help="Empty while the service is still down."
    )
    scope = fields.Selection(
        selection=[("all", "Every customer"), ("customers", "Some customers")],
        string="Affected",
        default="all",
        required=True,
        tracking=True,
        help="Some customers: the customers listed and those of the tickets that report it.",
    )
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="helpdesk_sla_outage_partner_rel",
        string="Customers",
        domain="[('parent_id', '=', False)]",
    )
    force_majeure = fields.Boolean(
        tracking=True, help="Caused by force majeure: listed on the statements with its reason, not counted."
    )
    exclusion_reason = fields.Char(
        tracking=True, help="Why the outage is not counted (force majeure clause…)."
    )
    ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket", inverse_name="sla_outage_id", string="Reporting Tickets"
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Tickets")
    duration_hours = fields.Float(compute="_compute_duration_hours", string="Duration (h)")

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("sla_outage_id", "in", self.ids)], ["sla_outage_id"], ["__count"]
            )
        )
        for outage in self:
            outage.ticket_count = counts.get(outage, 0)

    @api.depends("date_start", "date_end")
    def _compute_duration_hours(self):
        now = fields.Datetime.now()
        for outage in self:
            end = outage.date_end or now
            outage.duration_hours = (
                (end - outage.date_start).total_seconds() / 3600 if outage.date_start else 0.0
            )

    @api.constrains("date_start", "date_end", "force_majeure", "exclusion_reason")
    def _check_dates(self):
        for outage in self:
            if outage.date_end and outage.date_start and outage.date_end <= outage.date_start:
                raise ValidationError(
                    self.env._(
                        "Outage '%(name)s': 'Back Up At' (%(end)s) must be after 'Down From' (%(start)s).",
                        name=outage.display_name,
                        end=outage.date_end,
                        start=outage.date_start,
                    )
                )
            if outage.force_majeure and not (outage.exclusion_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Outage '%(name)s': give the 'Exclusion Reason' of a force-majeure outage "
                        "(it is listed on the customers' statements).",
                        name=outage.display_name,
                    )
                )

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("helpdesk_mgmt.helpdesk_ticket_action")
        action["domain"] = [("sla_outage_id", "=", self.id)]
        action["context"] = {"default_sla_outage_id": self.id}
        return action
