# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from .sla_tools import SEQUENCE, OlaConfig, zone_name

# OLA fields whose change may change which OLA, targets or clock a team's visit gets
REEVALUATE_FIELDS = {
    "active",
    "sequence",
    "company_id",
    "team_id",
    "tier_ids",
    "partner_ids",
    "category_ids",
    "tag_ids",
    "channel_ids",
    "priority_ids",
    "calendar_mode",
    "resource_calendar_id",
    "tz_source",
    "pause_mode",
    "pause_stage_ids",
    "target_ids",
    "escalation_ids",
    "escalation_fire_missed",
}


class HelpdeskSlaOla(models.Model):
    """An operational level agreement of one team (and its sub-teams): how fast the team
    picks up a ticket it receives and how long it may own it, on its own working hours.

    Each time the team receives a ticket (creation, handoff, reopening) it gets new OLA
    clocks for that visit; leaving the team stops them. Several OLAs of a team are tried
    by sequence, on the same criteria as SLA policies; the first that matches applies.
    """

    _name = "helpdesk.sla.ola"
    _description = "Helpdesk OLA Policy"
    _inherit = ["mail.thread", "helpdesk.sla.bounds.mixin", "helpdesk.sla.match.mixin"]
    _order = "team_id, sequence, id"
    _check_company_auto = True
    _sla_bounds = {"sequence": SEQUENCE}

    name = fields.Char(required=True, translate=True, tracking=True)
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Team",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The team whose visits this OLA measures; its sub-teams are covered too.",
    )
    sequence = fields.Integer(
        default=10,
        tracking=True,
        help="Precedence among the OLAs of the team: the first that matches a ticket applies.",
    )
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to apply the OLA to the tickets of every company.",
    )
    # ---- matching (an empty criterion matches every ticket)
    # the mixin's criteria, in tables of their own
    tier_ids = fields.Many2many(relation="helpdesk_sla_ola_tier_rel")
    partner_ids = fields.Many2many(relation="helpdesk_sla_ola_partner_rel")
    category_ids = fields.Many2many(relation="helpdesk_sla_ola_category_rel")
    tag_ids = fields.Many2many(relation="helpdesk_sla_ola_tag_rel")
    channel_ids = fields.Many2many(relation="helpdesk_sla_ola_channel_rel")
    priority_ids = fields.Many2many(relation="helpdesk_sla_ola_priority_rel")
    # ---- clock
    calendar_mode = fields.Selection(
        selection=[("calendar", "Working calendar"), ("always", "24/7")],
        string="Business Hours",
        default="calendar",
        required=True,
        tracking=True,
    )
    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working Calendar",
        ondelete="restrict",
        default=lambda self: self.env.company.resource_calendar_id,
        tracking=True,
        help="The team's own working hours (a second-line team abroad has other hours than the "
        "customer's SLA calendar); its public holidays are closures.",
    )
    tz_source = fields.Selection(
        selection=[("calendar", "The calendar's time zone"), ("team", "The team's time zone")],
        string="Read Hours In",
        default="team",
        required=True,
        tracking=True,
        help="The team's SLA time zone, or the calendar's when the team has none.",
    )
    pause_mode = fields.Selection(
        selection=[("sla", "The SLA policy's pause stages"), ("own", "Pause stages of its own")],
        string="Paused In",
        default="sla",
        required=True,
        help="By default the OLA clocks pause in the stages that pause the ticket's SLA.",
    )
    pause_stage_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.stage",
        relation="helpdesk_sla_ola_stage_rel",
        string="Pause Stages",
    )
    target_ids = fields.One2many(
        comodel_name="helpdesk.sla.target",
        inverse_name="ola_id",
        string="Targets",
        copy=True,
        context={"sla_lines_of_parent": True},
    )
    escalation_ids = fields.One2many(
        comodel_name="helpdesk.sla.escalation",
        inverse_name="ola_id",
        string="Escalation Ladder",
        copy=True,
        help="Reminders and escalations on the pickup and ownership clocks of the team's visits.",
    )
    escalation_fire_missed = fields.Boolean(string="Fire Missed Levels")
    visit_count = fields.Integer(compute="_compute_visit_count", string="Visits")

    def _compute_visit_count(self):
        counts = dict(
            self.env["helpdesk.ticket.sla.visit"]._read_group(
                [("ola_id", "in", self.ids)], ["ola_id"], ["__count"]
            )
        )
        for ola in self:
            ola.visit_count = counts.get(ola, 0)

    # ------------------------------------------------------------ validation
    @api.constrains("team_id", "sequence", "active")
    def _check_sequence(self):
        for ola in self.filtered("active"):
            twin = self.search(
                [
                    ("team_id", "=", ola.team_id.id),
                    ("sequence", "=", ola.sequence),
                    ("id", "!=", ola.id),
                ],
                limit=1,
            )
            if twin:
                raise ValidationError(
                    self.env._(
                        "OLA '%(ola)s' of team '%(team)s' has sequence %(sequence)s, like '%(twin)s': "
                        "give each OLA of a team its own sequence (its precedence).",
                        ola=ola.display_name,
                        team=ola.team_id.display_name,
                        sequence=ola.sequence,
                        twin=twin.display_name,
                    )
                )

    @api.constrains("calendar_mode", "resource_calendar_id", "active")
    def _check_calendar(self):
        for ola in self.filtered(lambda o: o.active and o.calendar_mode == "calendar"):
            if not ola.resource_calendar_id:
                raise ValidationError(
                    self.env._(
                        "OLA '%(ola)s': choose the team's working calendar, or count 24/7.",
                        ola=ola.display_name,
                    )
                )
            ola.resource_calendar_id._sla_check_usable()

    @api.constrains("target_ids", "active")
    def _check_targets(self):
        for ola in self.filtered("active"):
            if not ola.target_ids:
                raise ValidationError(
                    self.env._(
                        "OLA '%(ola)s' has no target: add at least one (pickup or ownership, priority, "
                        "contractual duration).",
                        ola=ola.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["helpdesk.ticket.sla.status"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("ola_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "OLAs that already measured visits keep their history: archive them instead of "
                    "deleting them (%(names)s).",
                    names=", ".join(self.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------ configuration
    def _sla_rule_teams(self):
        return self.team_id

    @api.model
    def _sla_ola_config(self):
        """Every active OLA as :class:`OlaConfig`, by team and precedence, as of this
        transaction's configuration version."""
        return self._sla_ola_config_at(self.env["helpdesk.sla.policy"]._sla_config_version())

    @api.model
    @tools.ormcache("version", "self.env.lang")
    def _sla_ola_config_at(self, version):
        olas = self.sudo().with_context(active_test=True).search([])
        return tuple(OlaConfig(ola, ola._sla_rule()) for ola in olas)

    @api.model
    def _sla_ola_config_by_id(self):
        return {config.id: config for config in self._sla_ola_config()}

    @api.model
    def _sla_match_visits(self, tickets):
        """{ticket id: (OlaConfig or None, reason)}: the OLA of the team each ticket is with
        now, the first by sequence whose criteria match (the team's and its parents' OLAs,
        those of the ticket's company)."""
        configs = self._sla_ola_config()
        if not configs:
            return {ticket.id: (None, False) for ticket in tickets}
        return {
            ticket_id: (config, reason if config else False)
            for ticket_id, (config, reason) in self._sla_match_against(configs, tickets).items()
        }

    @api.model
    def _sla_calendar_key(self, config, team):
        """``(resource.calendar id or 0 for 24/7, zone)`` the clocks of a visit of ``team``
        count on under the OLA ``config``."""
        tz = team.sla_tz if config.tz_source == "team" else False
        return config.calendar_id, zone_name(
            tz or config.calendar_tz or team.company_id.resource_calendar_id.tz
        )

    # ------------------------------------------------------------ changes
    @api.model_create_multi
    def create(self, vals_list):
        olas = super().create(vals_list)
        self.env["helpdesk.sla.policy"]._sla_config_changed()
        return olas

    def write(self, vals):
        result = super().write(vals)
        Policy = self.env["helpdesk.sla.policy"]
        Policy._sla_config_changed(None if REEVALUATE_FIELDS & set(vals) else Policy.browse())
        return result

    def unlink(self):
        result = super().unlink()
        Policy = self.env["helpdesk.sla.policy"]
        Policy._sla_config_changed(Policy.browse())
        return result

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_sla_advanced.helpdesk_ticket_sla_visit_action"
        )
        action["domain"] = [("ola_id", "=", self.id)]
        return action
