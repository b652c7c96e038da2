# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup
from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .sla_tools import SEQUENCE, PolicyConfig, zone_name

# the configuration version (ir.config_parameter rows, written by SQL only)
CONFIG_VERSION_KEY = "helpdesk_sla_advanced.config_version"
REEVALUATE_ALL_KEY = "helpdesk_sla_advanced.reevaluate_all_version"
FLAGGED_KEY = "helpdesk_sla_advanced.flagged_version"
_VERSION_CACHE_KEY = "helpdesk_sla_config_version"

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
    _inherit = ["mail.thread", "helpdesk.sla.bounds.mixin", "helpdesk.sla.match.mixin"]
    _sla_bounds = {"sequence": SEQUENCE}
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
    # tier_ids, partner_ids, category_ids, tag_ids, channel_ids, priority_ids: the mixin's
    team_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.team",
        string="Teams",
        check_company=True,
        help="Sub-teams are covered too.",
    )
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
        ondelete="restrict",
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
        # lines deleted through this field: the policy's own constraint checks what is left
        context={"sla_lines_of_parent": True},
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Tickets")
    escalation_ids = fields.One2many(
        comodel_name="helpdesk.sla.escalation",
        inverse_name="policy_id",
        string="Escalation Ladder",
        copy=True,
        help="Reminders before the deadline and escalations after it, per metric.",
    )
    sla_reevaluate_version = fields.Integer(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Configuration version of the last change that concerns this policy's open tickets "
        "(written by the module; the re-evaluation cron compares it).",
    )
    # ---- OLA budget: the teams its tickets normally pass through, and whether their OLAs fit
    ola_path_team_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.team",
        relation="helpdesk_sla_policy_ola_path_rel",
        string="Team Path",
        help="The teams this policy's tickets normally pass through (e.g. Service Desk, then "
        "Sysadmins): their OLAs' ownership targets are compared with the resolution target.",
    )
    ola_budget_html = fields.Html(
        compute="_compute_ola_budget",
        string="OLA Budget",
        sanitize=False,
        help="Per priority, the OLAs of the team path against the resolution target.",
    )
    ola_budget_warning = fields.Char(compute="_compute_ola_budget", string="OLA Budget Warning")
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

    @api.depends(
        "ola_path_team_ids",
        "target_ids.metric",
        "target_ids.priority",
        "target_ids.contractual_hours",
        "target_ids.time_kind",
        "calendar_mode",
        "resource_calendar_id",
    )
    def _compute_ola_budget(self):
        """Per ticket priority, the ownership targets of the OLAs of the team path (the
        first OLA of each team, or of its parent teams, that admits the priority) added up
        against the resolution target. Targets counted on other hours than the policy's
        (another calendar, or calendar hours against business hours) are not the same
        hours: the table says so instead of adding them silently as if they were."""
        Ola = self.env["helpdesk.sla.ola"].with_context(active_test=True)
        priorities = self.env["helpdesk.ticket"]._fields["priority"]._description_selection(self.env)

        def target_for(targets, metric, priority):
            """The target of ``metric`` for ``priority``, else for every priority (as
            :meth:`PolicyConfig.target_for`, on the form's unsaved lines too)."""
            return targets.filtered(
                lambda t: t.metric == metric and t.priority == priority
            ) or targets.filtered(lambda t: t.metric == metric and not t.priority)

        for policy in self:
            teams = policy.ola_path_team_ids
            if not teams:
                policy.ola_budget_html = False
                policy.ola_budget_warning = False
                continue
            own_hours = (policy.calendar_mode, policy.resource_calendar_id)
            candidates = Ola.search([("team_id", "parent_of", teams.ids)], order="sequence, id")
            header = [self.env._("Priority"), self.env._("Resolution (SLA)")]
            header += [team.display_name for team in teams]
            header += [self.env._("OLAs in all"), ""]
            rows, misfits, other_hours = [], [], {}
            for value, label in priorities:
                sla = target_for(policy.target_ids, "resolution", value)
                cells, total, missing = [], 0.0, False
                for team in teams:
                    lineage = [int(x) for x in (team.parent_path or f"{team.id}/").split("/") if x]
                    ola = candidates.filtered(
                        lambda o, ids=lineage, v=value: (
                            o.team_id.id in ids
                            and (not o.priority_ids or v in o.priority_ids.mapped("value"))
                        )
                    )[:1]
                    target = target_for(ola.target_ids, "ownership", value)
                    if not target:
                        cells.append(self.env._("no OLA"))
                        missing = True
                        continue
                    total += target.contractual_hours
                    cells.append(f"{target.contractual_hours:g} h ({ola.display_name})")
                    ola_hours = (ola.calendar_mode, ola.resource_calendar_id)
                    if ola_hours != own_hours or target.time_kind != (sla[:1].time_kind or "business"):
                        if ola.calendar_mode == "always" or target.time_kind == "calendar":
                            other_hours[ola] = self.env._("calendar hours (24/7)")
                        else:
                            other_hours[ola] = self.env._(
                                "calendar '%(calendar)s' (%(tz)s)",
                                calendar=ola.resource_calendar_id.display_name,
                                tz=ola.resource_calendar_id.tz,
                            )
                if not sla:
                    verdict = self.env._("no resolution target")
                elif total > sla[:1].contractual_hours:
                    verdict = Markup("<span class='text-danger fw-bold'>%s</span>") % self.env._(
                        "does not fit"
                    )
                    misfits.append(label)
                else:
                    verdict = Markup("<span class='text-success'>%s</span>") % (
                        self.env._("fits") if not missing else self.env._("fits (teams without OLA)")
                    )
                sla_cell = f"{sla[:1].contractual_hours:g} h" if sla else "-"
                rows.append([label, sla_cell, *cells, f"{total:g} h", verdict])
            head = Markup().join(Markup("<th>%s</th>") % cell for cell in header)
            body = Markup().join(
                Markup("<tr>%s</tr>") % Markup().join(Markup("<td>%s</td>") % cell for cell in row)
                for row in rows
            )
            table = Markup("<table class='table table-sm o_sla_ola_budget'><thead><tr>%s</tr></thead>") % head
            table += Markup("<tbody>%s</tbody></table>") % body
            notes = [
                self.env._(
                    "%(ola)s counts on %(hours)s, other hours than this policy's %(own)s: its target is "
                    "shown as counted, not converted into the policy's hours.",
                    ola=ola.display_name,
                    hours=hours,
                    own=self.env._("24/7")
                    if policy.calendar_mode == "always"
                    else self.env._(
                        "calendar '%(calendar)s'", calendar=policy.resource_calendar_id.display_name
                    ),
                )
                for ola, hours in other_hours.items()
            ]
            if notes:
                table += Markup("<p class='text-muted'>%s</p>") % Markup("<br/>").join(notes)
            policy.ola_budget_html = table
            policy.ola_budget_warning = (
                self.env._(
                    "The OLAs of the team path do not fit the resolution target for priority %(priorities)s.",
                    priorities=", ".join(misfits),
                )
                if misfits
                else False
            )

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
    def _sla_rule_teams(self):
        return self.team_ids

    @api.model
    def _sla_config(self):
        """Every active policy as :class:`PolicyConfig`, by precedence, as of the
        configuration version this transaction counts with (see _sla_config_version)."""
        return self._sla_config_at(self._sla_config_version())

    @api.model
    @tools.ormcache("version", "self.env.lang")
    def _sla_config_at(self, version):
        """Cached per registry and configuration version: a worker whose cache holds an
        older version simply misses, so no cache signalling is needed for correctness."""
        policies = self.sudo().with_context(active_test=True).search([])
        return tuple(PolicyConfig(policy, policy._sla_rule()) for policy in policies)

    @api.model
    def _sla_config_by_id(self):
        return {config.id: config for config in self._sla_config()}

    # ------------------------------------------------------------ configuration version
    @api.model
    def _sla_config_version(self):
        """The version of the SLA configuration this transaction counts with: a token
        ``"<counter>:<transaction>"`` read once per transaction.

        In a read-write transaction the row is locked FOR SHARE. A configuration change
        (which updates the row) then cannot commit before this transaction ends: the
        re-evaluation it queues runs afterwards and sees what this transaction wrote. And
        if a change committed after this transaction's snapshot, the lock fails with a
        serialization error: Odoo retries the request with the new configuration instead
        of computing clocks from the old one (the crons start their batch again).
        """
        cache = self.env.cr.cache
        token = cache.get(_VERSION_CACHE_KEY)
        if token is None:
            lock = SQL() if getattr(self.env.cr, "readonly", False) else SQL("FOR SHARE")
            rows = self.env.execute_query(
                SQL("SELECT value FROM ir_config_parameter WHERE key = %s %s", CONFIG_VERSION_KEY, lock)
            )
            token = rows[0][0] if rows else "0"
            self._sla_remember_version(token)
        return token

    @api.model
    def _sla_remember_version(self, token):
        """Keep ``token`` as this transaction's version until it ends."""
        cache = self.env.cr.cache
        if _VERSION_CACHE_KEY not in cache:
            forget = lambda: cache.pop(_VERSION_CACHE_KEY, None)  # noqa: E731
            self.env.cr.postcommit.add(forget)
            self.env.cr.postrollback.add(forget)
        cache[_VERSION_CACHE_KEY] = token

    @api.model
    def _sla_forget_version(self):
        """Forget this transaction's version (its lock was rolled back with a savepoint)."""
        self.env.cr.cache.pop(_VERSION_CACHE_KEY, None)

    @api.model
    def _sla_config_changed(self, policies=None):
        """The SLA configuration changed: give it a new version and queue the re-evaluation
        of the open tickets it may concern: every open ticket (``policies`` None: matching
        may change), the tickets of ``policies`` (their calendar, holidays or ladder
        changed), or none (an empty recordset: only the cached values change).

        Nothing is flagged here: the re-evaluation cron flags the tickets concerned in its
        own transaction, after this one commits, so that it also sees the tickets created
        meanwhile, and it never clears a flag this change set on a ticket it was working on.
        """
        counter = self._sla_bump_param(CONFIG_VERSION_KEY, with_transaction=True)
        if policies is None:
            self._sla_bump_param(REEVALUATE_ALL_KEY, value=counter)
        elif policies:
            self.flush_model(["sla_reevaluate_version"])
            self.env.execute_query(
                SQL(
                    "UPDATE helpdesk_sla_policy SET sla_reevaluate_version = %s WHERE id IN %s",
                    counter,
                    tuple(policies.ids),
                )
            )
            self.invalidate_model(["sla_reevaluate_version"])
        self.env.registry.clear_cache()  # frees the outdated entries (in every worker)
        if policies is None or policies:
            cron = self.env.ref("helpdesk_sla_advanced.ir_cron_sla_reevaluate", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()

    @api.model
    def _sla_bump_param(self, key, value=None, with_transaction=False):
        """Set the counter stored under ``key`` to ``value`` (default: one more) and return
        it; with ``with_transaction`` the stored token also names this transaction, so that
        no two versions ever share a token, even one rolled back."""
        suffix = SQL("|| ':' || txid_current()::text") if with_transaction else SQL()
        new = SQL("%s", value) if value is not None else SQL("split_part(value, ':', 1)::int + 1")
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, write_date)
                VALUES (%(key)s, '0', %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (key) DO NOTHING;
                UPDATE ir_config_parameter
                   SET value = (%(new)s)::text %(suffix)s, write_date = now() at time zone 'UTC'
                 WHERE key = %(key)s
             RETURNING value
                """,
                key=key,
                uid=self.env.uid,
                new=new,
                suffix=suffix,
            )
        )
        token = rows[0][0]
        if with_transaction:
            self._sla_remember_version(token)
        return int(token.split(":")[0])

    @api.model
    def _sla_counter(self, key):
        rows = self.env.execute_query(SQL("SELECT value FROM ir_config_parameter WHERE key = %s", key))
        return int(rows[0][0].split(":")[0]) if rows else 0

    @api.model
    def _sla_flag_pending(self):
        """Flag the open tickets concerned by the configuration changes made since the
        last call (run by the re-evaluation cron, one run at a time); return how many."""
        flagged = self._sla_counter(FLAGGED_KEY)
        current = int(self._sla_config_version().split(":")[0])
        if current <= flagged:
            return 0
        if self._sla_counter(REEVALUATE_ALL_KEY) > flagged:
            where = SQL("TRUE")
        else:
            where = SQL(
                "t.sla_policy_id IN (SELECT id FROM helpdesk_sla_policy WHERE sla_reevaluate_version > %s)",
                flagged,
            )
        Ticket = self.env["helpdesk.ticket"]
        Ticket.flush_model(["sla_policy_id", "stage_id", "sla_dirty", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE helpdesk_ticket t SET sla_dirty = TRUE
                  FROM helpdesk_ticket_stage s
                 WHERE s.id = t.stage_id AND NOT COALESCE(s.closed, FALSE)
                   AND NOT COALESCE(t.sla_dirty, FALSE) AND t.active AND %s
             RETURNING t.id
                """,
                where,
            )
        )
        Ticket.invalidate_model(["sla_dirty"])
        self._sla_bump_param(FLAGGED_KEY, value=current)
        return len(rows)

    @api.model
    def _sla_reevaluation_pending(self):
        """Whether configuration changes wait for the cron to flag their tickets."""
        return self._sla_counter(CONFIG_VERSION_KEY) > self._sla_counter(FLAGGED_KEY)

    @api.model
    def _sla_match_tickets(self, tickets):
        """{ticket id: (PolicyConfig or None, reason)} for ``tickets``: the first active policy
        by sequence whose criteria all match, among those of the ticket's company."""
        return self._sla_match_against(self._sla_config(), tickets)

    @api.model
    def _sla_criteria_used(self):
        """The criteria some active policy matches on (cached with the configuration)."""
        return {criterion for config in self._sla_config() for criterion in config.rule.criteria_used}

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
    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self._sla_config_changed()
        return policies

    def write(self, vals):
        result = super().write(vals)
        self._sla_config_changed(None if REEVALUATE_FIELDS & set(vals) else self.browse())
        return result

    def unlink(self):
        result = super().unlink()
        self._sla_config_changed(self.browse())
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
        self._sla_config_changed()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("Open tickets are being re-evaluated in the background."),
            },
        }
