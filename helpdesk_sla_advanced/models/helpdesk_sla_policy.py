# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from sla_engine.policy import PolicyRule, match_many

from .sla_tools import PolicyConfig, zone_name

# policy fields whose change may change which policy, targets or clock a ticket gets
REEVALUATE_FIELDS = {
    "escalation_ids",
    "escalation_fire_missed",
    "active",
    "sequence",
    "company_id",
    "tier_ids",
    "partner_ids",
    "team_ids",
    "category_ids",
    "tag_ids",
    "channel_ids",
    "priority_ids",
    "calendar_mode",
    "resource_calendar_id",
    "tz_source",
    "pause_stage_ids",
    "pause_next_response",
    "target_ids",
}


class HelpdeskSlaPolicy(models.Model):
    _name = "helpdesk.sla.policy"
    _description = "Helpdesk SLA Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(
        default=10,
        tracking=True,
        help="Precedence: policies are tried from the lowest sequence up; the first that "
        "matches a ticket applies to it.",
    )
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to apply the policy to the tickets of every company.",
    )
    # ---- matching (an empty criterion matches every ticket)
    tier_ids = fields.Many2many(comodel_name="helpdesk.sla.tier", string="Customer Tiers")
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        domain=[("is_company", "=", True)],
        help="Commercial entities; their contacts are covered too.",
    )
    team_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.team",
        string="Teams",
        check_company=True,
        help="Sub-teams are covered too.",
    )
    category_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.category",
        string="Categories",
        check_company=True,
        help="Sub-categories are covered too.",
    )
    tag_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.tag",
        string="Tags",
        help="The ticket needs at least one of these tags.",
    )
    channel_ids = fields.Many2many(comodel_name="helpdesk.ticket.channel", string="Channels")
    priority_ids = fields.Many2many(comodel_name="helpdesk.sla.priority", string="Priorities")
    is_default = fields.Boolean(
        compute="_compute_is_default",
        string="Service-wide",
        help="No criterion: the policy matches every ticket that reaches it.",
    )
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
        default=lambda self: self.env.company.resource_calendar_id,
        tracking=True,
        help="Working hours; its public holidays (time off without a resource) are closures.",
    )
    tz_source = fields.Selection(
        selection=[
            ("calendar", "The calendar's time zone"),
            ("customer", "The customer's time zone"),
            ("team", "The team's time zone"),
        ],
        string="Read Hours In",
        default="calendar",
        required=True,
        tracking=True,
        help="Time zone the working hours are read in. The customer's or the team's time zone "
        "falls back to the calendar's when they have none.",
    )
    pause_stage_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.stage",
        string="Pause Stages",
        help="While a ticket is in one of these stages (e.g. waiting for the customer), "
        "its resolution clock is paused, with the stage as the reason.",
    )
    pause_next_response = fields.Boolean(
        string="Pause Next Response Too",
        help="The pause stages also pause the next-response clock.",
    )
    target_ids = fields.One2many(
        comodel_name="helpdesk.sla.target",
        inverse_name="policy_id",
        string="Targets",
        copy=True,
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Tickets")
    escalation_ids = fields.One2many(
        comodel_name="helpdesk.sla.escalation",
        inverse_name="policy_id",
        string="Escalation Ladder",
        copy=True,
        help="Reminders before the deadline and escalations after it, per metric.",
    )
    escalation_fire_missed = fields.Boolean(
        string="Fire Missed Levels",
        help="When several levels of a ladder are due at once (a ladder added to old tickets, a "
        "re-evaluation that made a ticket overdue), fire them all in order. By default only "
        "the latest fires, so that nobody gets a burst of stale reminders.",
    )

    @api.depends(
        "tier_ids", "partner_ids", "team_ids", "category_ids", "tag_ids", "channel_ids", "priority_ids"
    )
    def _compute_is_default(self):
        for policy in self:
            policy.is_default = policy._sla_rule().is_default

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.ticket_count = counts.get(policy, 0)

    # ------------------------------------------------------------ validation
    @api.constrains("calendar_mode", "resource_calendar_id", "active")
    def _check_calendar(self):
        for policy in self:
            if policy.calendar_mode != "calendar" or not policy.active:
                continue
            if not policy.resource_calendar_id:
                raise ValidationError(
                    self.env._(
                        "Policy '%(policy)s': choose a working calendar, or count 24/7.",
                        policy=policy.display_name,
                    )
                )
            policy.resource_calendar_id._sla_check_usable()

    @api.constrains("target_ids", "active")
    def _check_targets(self):
        for policy in self.filtered("active"):
            if not policy.target_ids:
                raise ValidationError(
                    self.env._(
                        "Policy '%(policy)s' has no target: add at least one "
                        "(metric, priority, contractual duration).",
                        policy=policy.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["helpdesk.ticket.sla.status"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("policy_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "Policies that already measured tickets keep their history: archive them instead of "
                    "deleting them (%(names)s).",
                    names=", ".join(self.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------ matching
    def _sla_rule(self):
        self.ensure_one()
        return PolicyRule(
            id=self.id,
            sequence=self.sequence,
            name=self.name or "",
            customers=self.partner_ids.ids,
            tiers=self.tier_ids.ids,
            teams=self.team_ids.ids,
            categories=self.category_ids.ids,
            tags=self.tag_ids.ids,
            channels=self.channel_ids.ids,
            priorities=self.priority_ids.mapped("value"),
        )

    @api.model
    @tools.ormcache("self.env.lang")
    def _sla_config(self):
        """Every active policy as :class:`PolicyConfig`, by precedence; cached per registry
        and cleared whenever a policy, a target or a calendar's zone changes."""
        policies = self.sudo().with_context(active_test=True).search([])
        return tuple(PolicyConfig(policy, policy._sla_rule()) for policy in policies)

    @api.model
    def _sla_config_by_id(self):
        return {config.id: config for config in self._sla_config()}

    @api.model
    def _sla_clear_config(self):
        self.env.registry.clear_cache()

    def _sla_escalations_changed(self):
        """A ladder changed: recompute when the open clocks of these policies act next."""
        self._sla_clear_config()
        self._sla_queue_reevaluation(calendar_only=True)

    @api.model
    def _sla_match_tickets(self, tickets):
        """{ticket id: (PolicyConfig or None, reason)} for ``tickets``: the first active policy
        by sequence whose criteria all match, among those of the ticket's company."""
        configs = self._sla_config()
        by_company = {}
        for ticket in tickets:
            by_company.setdefault(ticket.company_id.id, []).append(ticket)
        names = self._sla_reason_names(tickets) if tickets else {}
        policy_names = {config.id: config.name for config in configs}
        by_id = {config.id: config for config in configs}
        result = {}
        for company_id, items in by_company.items():
            rules = [c.rule for c in configs if not c.company_id or c.company_id == company_id]
            matches = match_many(rules, [ticket._sla_facts() for ticket in items])
            for ticket, match in zip(items, matches, strict=True):
                config = by_id.get(match.policy_id)
                result[ticket.id] = (config, match.reason(names, policy_names))
        return result

    @api.model
    def _sla_reason_names(self, tickets):
        """Display names for the values a reason may quote."""
        partners = tickets.partner_id.commercial_partner_id
        teams = tickets.team_id
        categories = tickets.category_id
        for record in list(teams) + list(categories):
            if record.parent_path:
                ids = [int(x) for x in record.parent_path.split("/") if x]
                if record._name == "helpdesk.ticket.team":
                    teams |= teams.browse(ids)
                else:
                    categories |= categories.browse(ids)
        priorities = dict(self.env["helpdesk.sla.priority"]._selection_value())
        return {
            "customers": {p.id: p.display_name for p in partners},
            "tiers": {t.id: t.display_name for t in partners.sla_tier_id},
            "teams": {t.id: t.display_name for t in teams},
            "categories": {c.id: c.display_name for c in categories},
            "tags": {t.id: t.display_name for t in tickets.tag_ids},
            "channels": {c.id: c.display_name for c in tickets.channel_id},
            "priorities": priorities,
        }

    @api.model
    def _sla_calendar_key(self, config, ticket):
        """``(resource.calendar id or 0 for 24/7, zone)`` the clocks of ``ticket`` count on
        under the policy ``config``: the calendar read in the calendar's, the customer's or
        the team's zone (each falling back to the calendar's, then the company's)."""
        if config.tz_source == "customer":
            partner = ticket.partner_id
            tz = partner.tz or partner.commercial_partner_id.tz
        elif config.tz_source == "team":
            tz = ticket.team_id.sla_tz
        else:
            tz = False
        return config.calendar_id, zone_name(
            tz or config.calendar_tz or ticket.company_id.resource_calendar_id.tz
        )

    # ------------------------------------------------------------ re-evaluation
    def _sla_queue_reevaluation(self, calendar_only=False):
        """Queue the re-evaluation of the open tickets these policies may concern.

        One UPDATE flags the tickets; the re-evaluation cron then works through them in
        committed batches, so that an edit concerning 100,000 open tickets returns at once.
        With ``calendar_only`` only the tickets of these policies are concerned (their
        calendar or holidays changed); otherwise every open ticket may change policy.
        """
        Ticket = self.env["helpdesk.ticket"]
        Ticket.flush_model(["sla_policy_id", "stage_id", "sla_dirty"])
        if calendar_only:
            if not self:
                return
            where = SQL("t.sla_policy_id IN %s", tuple(self.ids))
        else:
            where = SQL("TRUE")
        self.env.execute_query(
            SQL(
                """
                UPDATE helpdesk_ticket t SET sla_dirty = TRUE
                  FROM helpdesk_ticket_stage s
                 WHERE s.id = t.stage_id AND NOT COALESCE(s.closed, FALSE)
                   AND NOT COALESCE(t.sla_dirty, FALSE) AND t.active AND %s
                """,
                where,
            )
        )
        Ticket.invalidate_model(["sla_dirty"])
        cron = self.env.ref("helpdesk_sla_advanced.ir_cron_sla_reevaluate", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self._sla_clear_config()
        policies._sla_queue_reevaluation()
        return policies

    def write(self, vals):
        result = super().write(vals)
        self._sla_clear_config()
        if REEVALUATE_FIELDS & set(vals):
            self._sla_queue_reevaluation()
        return result

    def unlink(self):
        result = super().unlink()
        self._sla_clear_config()
        return result

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("helpdesk_mgmt.helpdesk_ticket_action")
        action["domain"] = [("sla_policy_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_reevaluate(self):
        """Re-evaluate the open tickets now (queued to the cron, in batches)."""
        if not self.env.user.has_group("helpdesk_sla_advanced.group_sla_manager"):
            raise AccessError(self.env._("Only SLA managers can re-evaluate tickets."))
        self._sla_queue_reevaluation()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("Open tickets are being re-evaluated in the background."),
            },
        }
