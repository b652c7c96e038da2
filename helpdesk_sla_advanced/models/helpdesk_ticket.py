# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from sla_engine.policy import TicketFacts

from .sla_tools import (
    ATTRIBUTED_METRICS,
    MAX_SLA_START_AHEAD,
    METRICS,
    MIN_SLA_START,
    SLA_METRICS,
    SUMMARY_STATES,
    PolicyConfig,
    new_clock_vals,
)

_logger = logging.getLogger(__name__)

# fields only an SLA manager may set, each through its own logic (exemption with its reason,
# a policy chosen by hand and kept, the SLA start when the ticket is created or imported)
MANAGER_FIELDS = {"sla_policy_id", "sla_policy_locked", "sla_exempt", "sla_exempt_reason", "sla_start"}
# fields only the module writes: its results, its bookkeeping and its history
SYSTEM_FIELDS = {
    "sla_policy_reason",
    "sla_dirty",
    "sla_deadline_next",
    "sla_metric_next",
    "sla_state",
    "sla_error",
    "sla_status_ids",
    "sla_period_ids",
    "sla_firing_ids",
}
# ticket fields whose change may change the policy or the targets of a ticket
MATCH_FIELDS = {"priority", "team_id", "category_id", "tag_ids", "partner_id", "channel_id", "company_id"}
# the matching criteria each ticket field is a fact of
CRITERIA_OF_FIELD = {
    "partner_id": {"customers", "tiers"},
    "team_id": {"teams"},
    "category_id": {"categories"},
    "tag_ids": {"tags"},
    "channel_id": {"channels"},
    "priority": {"priorities"},
}
# fields that may move the ticket to another team, assignee or stage (directly or by compute)
OWNERSHIP_FIELDS = {"team_id", "user_id", "stage_id"}
SLA_WRITE_FIELDS = MATCH_FIELDS | OWNERSHIP_FIELDS | {"sla_policy_id", "sla_policy_locked", "active"}
OPEN_STATES = ("pending", "running", "paused", "breached")
SUMMARY_FIELDS = ["sla_deadline_next", "sla_metric_next", "sla_state", "sla_error"]
# what the reactions to messages and stage changes read of a clock
OPEN_CLOCK_FIELDS = [
    "ticket_id",
    "company_id",
    "policy_id",
    "ola_id",
    "ola_team_id",
    "visit_id",
    "target_id",
    "start",
    "metric",
    "cycle",
    "state",
    "reached_at",
    "paused",
    "active",
    "calendar_id",
    "tz",
    "contractual_hours",
    "internal_hours",
    "time_kind",
    "error",
    "deadline",
    "internal_deadline",
    "next_action_at",
]
AUTOMATIC_MESSAGE_TYPES = ("auto_comment", "notification", "user_notification", "out_of_office")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    sla_start = fields.Datetime(
        string="SLA Start",
        default=fields.Datetime.now,
        copy=False,
        readonly=True,
        help="When the SLA clocks of the ticket started.",
        groups="base.group_user",
    )
    sla_policy_id = fields.Many2one(
        comodel_name="helpdesk.sla.policy",
        string="SLA Policy",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Found by matching the policies in sequence order; set it by hand to force another "
        "policy (it then no longer follows the ticket's changes).",
        groups="base.group_user",
    )
    sla_policy_locked = fields.Boolean(
        string="Policy Set by Hand",
        copy=False,
        help="The policy was chosen by hand and is kept.",
        groups="base.group_user",
    )
    sla_policy_reason = fields.Char(
        string="Why this Policy",
        copy=False,
        readonly=True,
        help="Which criteria matched.",
        groups="base.group_user",
    )
    sla_status_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.status",
        inverse_name="ticket_id",
        string="SLA Clocks",
        domain=[("ola_id", "=", False)],
        readonly=True,
        groups="base.group_user",
    )
    ola_status_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.status",
        inverse_name="ticket_id",
        string="OLA Clocks",
        domain=[("ola_id", "!=", False)],
        readonly=True,
        groups="base.group_user",
    )
    sla_visit_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.visit",
        inverse_name="ticket_id",
        string="Team Timeline",
        readonly=True,
        groups="base.group_user",
    )
    sla_attribution = fields.Text(
        compute="_compute_sla_attribution",
        string="Where the Time Went",
        groups="base.group_user",
        help="For each met or breached SLA clock, how its time was spent, team by team.",
    )
    ola_breached = fields.Boolean(
        compute="_compute_ola_flags",
        search="_search_ola_breached",
        string="OLA Breached",
        groups="base.group_user",
        help="A team breached its OLA on this ticket.",
    )
    ola_at_risk = fields.Boolean(
        compute="_compute_ola_flags",
        search="_search_ola_at_risk",
        string="OLA at Risk",
        groups="base.group_user",
        help="The team that has the ticket passed the internal target of its OLA.",
    )
    sla_period_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.period",
        inverse_name="ticket_id",
        string="Ownership History",
        readonly=True,
        groups="base.group_user",
    )
    sla_firing_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.firing",
        inverse_name="ticket_id",
        string="SLA Escalations",
        readonly=True,
        groups="base.group_user",
    )
    sla_exempt = fields.Boolean(
        string="SLA Exempted", copy=False, readonly=True, tracking=True, groups="base.group_user"
    )
    sla_exempt_reason = fields.Char(
        string="Exemption Reason", copy=False, readonly=True, groups="base.group_user"
    )
    sla_outage_id = fields.Many2one(
        comodel_name="helpdesk.sla.outage",
        string="Service Outage",
        index="btree_not_null",
        tracking=True,
        copy=False,
        groups="base.group_user",
        help="The outage of the service this ticket reports: many tickets of one outage count once "
        "for service credits, and its downtime is measured from the outage's start and end.",
    )
    sla_deadline_next = fields.Datetime(
        string="Next SLA Deadline",
        compute="_compute_sla_summary",
        store=True,
        index="btree_not_null",
        help="The nearest contractual deadline among the running clocks.",
        groups="base.group_user",
    )
    sla_metric_next = fields.Selection(
        selection=METRICS,
        string="Next SLA Metric",
        compute="_compute_sla_summary",
        store=True,
        groups="base.group_user",
    )
    sla_state = fields.Selection(
        selection=SUMMARY_STATES,
        string="SLA State",
        compute="_compute_sla_summary",
        store=True,
        index="btree_not_null",
        help="The most urgent state among the ticket's SLA clocks.",
        groups="base.group_user",
    )
    sla_error = fields.Char(
        compute="_compute_sla_summary", store=True, string="SLA Problem", groups="base.group_user"
    )
    sla_dirty = fields.Boolean(
        copy=False, index="btree_not_null", help="Re-evaluation queued.", groups="base.group_user"
    )
    sla_at_risk = fields.Boolean(
        compute="_compute_sla_live",
        search="_search_sla_at_risk",
        string="SLA at Risk",
        groups="base.group_user",
    )
    sla_breached = fields.Boolean(
        compute="_compute_sla_live",
        search="_search_sla_breached",
        string="SLA Breached",
        groups="base.group_user",
    )
    sla_breaching_soon = fields.Boolean(
        compute="_compute_sla_live",
        search="_search_sla_breaching_soon",
        string="Breaching Within 1 Hour",
        groups="base.group_user",
    )
    sla_paused = fields.Boolean(
        compute="_compute_sla_live",
        search="_search_sla_paused",
        string="SLA Paused",
        groups="base.group_user",
    )
    sla_time_left = fields.Float(
        compute="_compute_sla_live",
        string="SLA Time Left",
        help="Business time left to the next deadline.",
        groups="base.group_user",
    )
    sla_countdown = fields.Json(
        compute="_compute_sla_countdown",
        string="SLA Countdown",
        help="The most urgent SLA clock, as the live countdown (sla_countdown widget) reads it.",
        groups="base.group_user",
    )

    # ------------------------------------------------------------ summaries
    @api.depends(
        "sla_exempt",
        "sla_status_ids.state",
        "sla_status_ids.deadline",
        "sla_status_ids.internal_breached_at",
        "sla_status_ids.reached_at",
        "sla_status_ids.error",
        "sla_status_ids.active",
    )
    def _compute_sla_summary(self):
        """The ticket's SLA summary from its clocks.

        Tickets whose clocks are in the cache (just created, or read) are summarised from
        it; the others with one aggregate query, so that the cost does not grow with the
        number of next-response cycles a long conversation accumulated."""
        cached = self._fields["sla_status_ids"]._get_cache(self.env)
        in_memory = self.filtered(lambda t: not t.id or t.id in cached)
        in_db = self - in_memory
        summaries = in_db._sla_summaries_from_db() if in_db else {}
        for ticket in in_memory:
            statuses = ticket.sla_status_ids.filtered("active")
            open_statuses = statuses.filtered(lambda s: s.state in OPEN_STATES and not s.reached_at)
            first = open_statuses.filtered("deadline").sorted("deadline")[:1]
            summaries[ticket.id] = {
                "deadline": first.deadline,
                "metric": first.metric,
                "error": "; ".join(statuses.filtered("error").mapped("error")) or False,
                "states": set(statuses.mapped("state")),
                "open_states": set(open_statuses.mapped("state")),
                "at_risk": bool(open_statuses.filtered("internal_breached_at")),
            }
        for ticket in self:
            summary = summaries.get(ticket.id)
            ticket.sla_deadline_next = summary and summary["deadline"] or False
            ticket.sla_metric_next = summary and summary["metric"] or False
            ticket.sla_error = summary and summary["error"] or False
            ticket.sla_state = self._sla_summary_state(summary, ticket.sla_exempt)

    @api.model
    def _sla_summary_state(self, summary, exempt):
        """The most urgent state of a ticket's clocks, from their summary."""
        if not summary or not summary["states"]:
            return False
        states, open_states = summary["states"], summary["open_states"]
        if exempt or states == {"exempted"}:
            return "exempted"
        if "breached" in open_states:
            return "breached"
        if summary["at_risk"]:
            return "at_risk"
        if "running" in open_states:
            return "running"
        if "paused" in open_states:
            return "paused"
        if "breached" in states:
            return "failed"
        return "met"

    def _sla_summaries_from_db(self):
        """{ticket id: summary} of these tickets' active clocks, aggregated by the database."""
        Status = self.env["helpdesk.ticket.sla.status"]
        Status.flush_model(
            [
                "ticket_id",
                "active",
                "state",
                "deadline",
                "internal_breached_at",
                "reached_at",
                "error",
                "metric",
            ]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT ticket_id,
                       (array_agg(deadline ORDER BY deadline, metric_sequence, cycle, id)
                            FILTER (WHERE open AND deadline IS NOT NULL))[1],
                       (array_agg(metric ORDER BY deadline, metric_sequence, cycle, id)
                            FILTER (WHERE open AND deadline IS NOT NULL))[1],
                       string_agg(error, '; ' ORDER BY metric_sequence, cycle, id)
                            FILTER (WHERE error IS NOT NULL),
                       array_agg(DISTINCT state),
                       array_agg(DISTINCT state) FILTER (WHERE open),
                       COALESCE(bool_or(internal_breached_at IS NOT NULL) FILTER (WHERE open), FALSE)
                  FROM (SELECT *, state IN %s AND reached_at IS NULL AS open
                          FROM helpdesk_ticket_sla_status
                         WHERE active AND ola_id IS NULL AND ticket_id IN %s) AS clock
              GROUP BY ticket_id
                """,
                OPEN_STATES,
                tuple(self.ids),
            )
        )
        return {
            ticket_id: {
                "deadline": deadline,
                "metric": metric,
                "error": error or False,
                "states": set(states or ()),
                "open_states": set(open_states or ()) - {None},
                "at_risk": at_risk,
            }
            for ticket_id, deadline, metric, error, states, open_states, at_risk in rows
        }

    @api.depends_context("lang", "uid")
    def _compute_sla_countdown(self):
        """The most urgent SLA clock of each ticket for its countdown: the open clock with
        the nearest deadline (the summary's), else the resolution clock, else the last one."""
        saved = self.filtered("id")
        clocks = (
            self.env["helpdesk.ticket.sla.status"]
            .sudo()
            .search_fetch(
                [("ticket_id", "in", saved.ids), ("active", "=", True), ("ola_id", "=", False)],
                ["ticket_id", "metric", "cycle", "state", "deadline", "reached_at"],
                order="id",
            )
            if saved
            else self.env["helpdesk.ticket.sla.status"]
        )
        by_ticket = clocks.grouped("ticket_id")
        chosen = {}
        for ticket, statuses in by_ticket.items():
            open_ = statuses.filtered(lambda s: s.state in OPEN_STATES and not s.reached_at)
            if open_:
                chosen[ticket.id] = open_.sorted(
                    lambda s: (not s.deadline, s.deadline or fields.Datetime.now(), s.id)
                )[0]
            else:
                resolution = statuses.filtered(lambda s: s.metric == "resolution")
                chosen[ticket.id] = (resolution or statuses)[-1]
        selected = self.env["helpdesk.ticket.sla.status"].sudo().union(*chosen.values())
        payloads = selected._sla_countdown_payloads()
        for ticket in self:
            status = chosen.get(ticket.id)
            payload = dict(payloads[status.id]) if status else False
            if payload and ticket.sla_exempt:
                payload["state"] = "exempted"
                payload["exempt_reason"] = ticket.sla_exempt_reason or payload["exempt_reason"]
            ticket.sla_countdown = payload

    def _compute_sla_live(self):
        now = fields.Datetime.now()
        saved = self.filtered("id")
        open_clocks = saved.sudo()._sla_open_clocks(SLA_METRICS).grouped("ticket_id") if saved else {}
        Status = self.env["helpdesk.ticket.sla.status"]
        for ticket in self:
            statuses = open_clocks.get(ticket, Status).filtered(lambda s: s.state in OPEN_STATES)
            running = statuses.filtered(lambda s: s.state in ("running", "breached") and s.deadline)
            ticket.sla_breached = bool(
                statuses.filtered(lambda s: s.state == "breached")
                or running.filtered(lambda s: s.deadline < now)
            )
            ticket.sla_at_risk = (
                bool(running.filtered(lambda s: s.internal_deadline and s.internal_deadline <= now))
                and not ticket.sla_breached
            )
            ticket.sla_breaching_soon = bool(
                running.filtered(lambda s: now < s.deadline <= now + timedelta(hours=1))
            )
            ticket.sla_paused = bool(statuses.filtered("paused"))
            nearest = running.sorted("deadline")[:1]
            ticket.sla_time_left = nearest.time_left if nearest else 0.0

    def _sla_status_search(self, operator, value, status_domain, ola=False):
        """Tickets with (or without) an active SLA clock (``ola``: OLA clock) in ``status_domain``."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain(
            "ola_status_ids" if ola else "sla_status_ids",
            "any",
            Domain("active", "=", True) & Domain("ola_id", "!=" if ola else "=", False) & status_domain,
        )
        return domain if (operator == "=") == value else ~domain

    def _search_sla_at_risk(self, operator, value):
        now = fields.Datetime.now()
        return self._sla_status_search(
            operator,
            value,
            Domain("state", "=", "running")
            & Domain("internal_deadline", "<=", now)
            & Domain("deadline", ">=", now),
        )

    def _search_sla_breached(self, operator, value):
        now = fields.Datetime.now()
        overdue = Domain("state", "=", "running") & Domain("deadline", "<", now)
        return self._sla_status_search(
            operator, value, (Domain("state", "=", "breached") | overdue) & Domain("reached_at", "=", False)
        )

    def _search_sla_breaching_soon(self, operator, value):
        now = fields.Datetime.now()
        return self._sla_status_search(
            operator,
            value,
            Domain("state", "=", "running")
            & Domain("deadline", ">", now)
            & Domain("deadline", "<=", now + timedelta(hours=1)),
        )

    def _search_sla_paused(self, operator, value):
        # as computed: an exempted clock is held by its exemption, whatever its stage
        return self._sla_status_search(
            operator,
            value,
            Domain("paused", "=", True)
            & Domain("reached_at", "=", False)
            & Domain("state", "!=", "exempted"),
        )

    # ------------------------------------------------------------ OLA flags
    def _ola_breached_domain(self):
        return Domain("state", "=", "breached")

    def _ola_at_risk_domain(self):
        now = fields.Datetime.now()
        return (
            Domain("state", "=", "running")
            & Domain("reached_at", "=", False)
            & Domain("internal_deadline", "<=", now)
            & Domain("deadline", ">=", now)
        )

    @api.depends("sla_status_ids.attribution_data")
    @api.depends_context("lang")
    def _compute_sla_attribution(self):
        for ticket in self:
            clocks = ticket.sla_status_ids.filtered(lambda s: s.metric in ATTRIBUTED_METRICS)
            lines = clocks.filtered("attribution").mapped("attribution")
            ticket.sla_attribution = "\n".join(lines) or False

    def _compute_ola_flags(self):
        saved = self.filtered("id")
        Status = self.env["helpdesk.ticket.sla.status"].sudo()
        scope = (
            Domain("ticket_id", "in", saved.ids) & Domain("ola_id", "!=", False) & Domain("active", "=", True)
        )
        breached = set(Status.search(scope & self._ola_breached_domain()).ticket_id.ids) if saved else set()
        at_risk = set(Status.search(scope & self._ola_at_risk_domain()).ticket_id.ids) if saved else set()
        for ticket in self:
            ticket.ola_breached = ticket.id in breached
            ticket.ola_at_risk = ticket.id in at_risk

    def _search_ola_breached(self, operator, value):
        return self._sla_status_search(operator, value, self._ola_breached_domain(), ola=True)

    def _search_ola_at_risk(self, operator, value):
        return self._sla_status_search(operator, value, self._ola_at_risk_domain(), ola=True)

    # ------------------------------------------------------------ matching
    def _sla_facts(self):
        """What policy matching knows of this ticket (teams and categories with their parents)."""
        self.ensure_one()

        def lineage(record):
            if not record:
                return ()
            if record.parent_path:
                return tuple(int(x) for x in record.parent_path.split("/") if x)
            return (record.id,)

        partner = self.partner_id.commercial_partner_id
        return TicketFacts(
            customers={partner.id} if partner else (),
            tiers={partner.sla_tier_id.id} if partner.sla_tier_id else (),
            teams=lineage(self.team_id),
            categories=lineage(self.category_id),
            tags=self.tag_ids.ids,
            channels={self.channel_id.id} if self.channel_id else (),
            priorities={self.priority} if self.priority else (),
        )

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        exemptions = []
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            given = {fname for fname in MANAGER_FIELDS | SYSTEM_FIELDS if vals.get(fname)}
            self._sla_check_protected(given)
            if "sla_start" in given:
                self._sla_check_start(vals["sla_start"])
            if vals.get("sla_policy_id") and not self.env.su:
                vals["sla_policy_locked"] = True
                vals["sla_policy_reason"] = self._sla_by_hand_reason()
            # an exemption is given through its own path, which logs it in every clock
            exemptions.append((vals.pop("sla_exempt", False), vals.pop("sla_exempt_reason", False)))
        tickets = super().create(vals_list)
        tickets.sudo()._sla_on_create(tickets._sla_now())
        for ticket, (exempt, reason) in zip(tickets, exemptions, strict=True):
            if exempt:
                ticket._sla_exempt(reason, exempt=True)
        return tickets

    def write(self, vals):
        if self.env.su and self.env.context.get("sla_internal_write"):
            return super().write(vals)  # the module's own bookkeeping
        changed = self._sla_changed_fields(vals, MANAGER_FIELDS | SYSTEM_FIELDS)
        if "sla_policy_id" in vals and self._sla_is_manager():
            changed.add("sla_policy_id")  # choosing the current policy by hand locks it
        self._sla_check_protected(changed)
        vals = {k: v for k, v in vals.items() if k not in MANAGER_FIELDS or k in changed}
        if "sla_start" in changed:
            raise UserError(
                self.env._(
                    "The SLA start of a ticket is the origin of its clocks' history: it can only be "
                    "given when the ticket is created or imported, not changed afterwards "
                    "(ticket %(ticket)s, new value %(value)s).",
                    ticket=", ".join(self.mapped("display_name")),
                    value=vals["sla_start"],
                )
            )
        exemption = None
        if {"sla_exempt", "sla_exempt_reason"} & changed:
            exemption = (vals.pop("sla_exempt", None), vals.pop("sla_exempt_reason", None))
        result = True
        if vals and SLA_WRITE_FIELDS & set(vals):
            # team, assignee and stage only move when one of them is written (they compute
            # each other): a priority change reads none of them
            before = (
                {ticket.id: (ticket.stage_id, ticket.team_id, ticket.user_id) for ticket in self}
                if OWNERSHIP_FIELDS & set(vals)
                else {}
            )
            result = super().write(vals)
            self.sudo()._sla_on_write(vals, before, self._sla_now())
        elif vals:
            result = super().write(vals)
        if exemption:
            self._sla_write_exemption(*exemption)
        return result

    # ------------------------------------------------------------ protected fields
    def _sla_changed_fields(self, vals, fnames):
        """The fields among ``fnames`` whose value in ``vals`` differs from the current one
        on at least one of these tickets (a form or an import re-sending a value is no change)."""
        changed = set()
        records = self.sudo()
        for fname in fnames & set(vals):
            field = self._fields[fname]
            new = field.convert_to_cache(vals[fname], records)
            if field.type in ("one2many", "many2many") or any(
                field.convert_to_cache(record[fname], record) != new for record in records
            ):
                changed.add(fname)
        return changed

    @api.model
    def _sla_check_protected(self, fnames):
        """Only SLA managers set the fields that change what a customer is owed, and only
        the module itself writes the SLA results, whatever the entry point (RPC included)."""
        if self.env.su or not fnames:
            return
        labels = lambda names: ", ".join(  # noqa: E731
            sorted(self._fields[fname]._description_string(self.env) for fname in names)
        )
        system = fnames & SYSTEM_FIELDS
        if system:
            raise AccessError(
                self.env._(
                    "%(fields)s: computed by the SLA engine; nobody sets them by hand.",
                    fields=labels(system),
                )
            )
        manager = fnames & MANAGER_FIELDS
        if manager and not self._sla_is_manager():
            raise AccessError(
                self.env._("Only SLA managers can set %(fields)s on a ticket.", fields=labels(manager))
            )

    @api.model
    def _sla_is_manager(self):
        return self.env.su or self.env.user.has_group("helpdesk_sla_advanced.group_sla_manager")

    @api.model
    def _sla_check_start(self, value):
        start = fields.Datetime.to_datetime(value)
        latest = fields.Datetime.now() + MAX_SLA_START_AHEAD
        if start < MIN_SLA_START or start > latest:
            raise ValidationError(
                self.env._(
                    "SLA Start must lie between %(earliest)s and a year from now (%(latest)s); "
                    "got %(value)s.",
                    earliest=MIN_SLA_START.date(),
                    latest=latest.date(),
                    value=value,
                )
            )

    def _sla_by_hand_reason(self):
        return self.env._(
            "set by hand by %(user)s on %(date)s", user=self.env.user.name, date=fields.Datetime.now()
        )

    def _sla_write_exemption(self, exempt, reason):
        """``sla_exempt``/``sla_exempt_reason`` written directly (RPC, import): the same
        path as the exemption wizard, with its mandatory reason and its logged events."""
        if exempt is None:  # only the reason: an exemption is changed by lifting and giving it
            raise ValidationError(
                self.env._(
                    "Exemption Reason is kept in the history of the clocks: to change it, lift the "
                    "exemption and give it again with the new reason (got %(value)s).",
                    value=reason,
                )
            )
        self._sla_exempt(reason, exempt=bool(exempt))

    # ------------------------------------------------------------ reactions
    def _sla_now(self):
        """Now; or, for the superuser only (demo data, imports of history), the instant
        given as ``sla_now`` in the context. Call it before any ``sudo()``."""
        if self.env.su and self.env.context.get("sla_now"):
            return fields.Datetime.to_datetime(self.env.context["sla_now"])
        return fields.Datetime.now()

    def _sla_config(self):
        """The :class:`PolicyConfig` of the ticket's policy (None without one)."""
        self.ensure_one()
        policy = self.sla_policy_id
        if not policy:
            return None
        config = self.env["helpdesk.sla.policy"]._sla_config_by_id().get(policy.id)
        if config is None:  # archived, yet kept on this ticket by hand
            policy = policy.sudo()
            config = PolicyConfig(policy, policy._sla_rule())
        return config

    def _sla_on_create(self, now):
        # The first ownership period is implied by the ticket (team, assignee and stage since
        # sla_start); it is written with the first change, which saves an INSERT per ticket.
        # The SLA clocks and the OLA clocks of each first team visit: one INSERT, evaluated.
        vals_list = self._sla_apply(now, new=True, insert=False)
        vals_list += self.env["helpdesk.ticket.sla.visit"]._sla_open_for(self, now, "created", insert=False)
        self.env["helpdesk.ticket.sla.status"]._sla_create_evaluated(vals_list, now, new_tickets=True)

    def _sla_on_write(self, vals, before, now):
        moved = self.filtered(lambda t: t.id in before and before[t.id] != (t.stage_id, t.team_id, t.user_id))
        if moved:
            moved._sla_log_periods(now, before)
        touched = self.env["helpdesk.ticket.sla.status"]
        if "sla_policy_id" in vals or "sla_policy_locked" in vals:
            # a policy chosen by hand is kept; releasing it lets matching choose again
            locked = (
                bool(vals["sla_policy_id"]) if "sla_policy_id" in vals else bool(vals["sla_policy_locked"])
            )
            self.with_context(sla_internal_write=True).write(
                {
                    "sla_policy_locked": locked,
                    "sla_policy_reason": self._sla_by_hand_reason() if locked else False,
                }
            )
        if "company_id" in vals:
            for ticket in self:
                company = ticket.company_id.id
                clocks = (ticket.sla_status_ids | ticket.ola_status_ids).with_context(active_test=False)
                for records in (
                    clocks,
                    clocks.event_ids,
                    clocks.firing_ids,
                    clocks.share_ids,
                    ticket.sla_period_ids,
                    ticket.sla_visit_ids,
                ):
                    records.filtered(lambda r, c=company: r.company_id.id != c).write({"company_id": company})
        if "active" in vals:
            # an archived ticket's clocks stand still: nothing fires; unarchived, they resume
            touched |= (self.sla_status_ids | self.ola_status_ids).filtered(lambda s: not s.reached_at)
        if MATCH_FIELDS & set(vals) or {"sla_policy_id", "sla_policy_locked"} & set(vals):
            touched |= self._sla_apply(now, rematch=self._sla_may_change_policy(vals))
        stage_moved = moved.filtered(lambda t: before[t.id][0] != t.stage_id)
        if stage_moved:
            touched |= stage_moved._sla_stages_changed({t.id: before[t.id][0] for t in stage_moved}, now)
        touched |= self._sla_visits_on_write(vals, before, moved, stage_moved, now)
        if touched:
            touched._sla_evaluate(now)
            self.env["helpdesk.ticket.sla.status"]._sla_schedule_after(touched)

    def _sla_visits_on_write(self, vals, before, moved, stage_moved, now):
        """Team visits after a write: a handoff ends the visit of the team that had the
        ticket and opens one for the team that receives it; resolving ends the visit,
        reopening opens one; a member of the team assigned picks the ticket up; a change
        of what OLAs match on applies the current visit's OLA again."""
        Visit = self.env["helpdesk.ticket.sla.visit"]
        Status = self.env["helpdesk.ticket.sla.status"]
        touched = Status
        handed = moved.filtered(lambda t: before[t.id][1] != t.team_id)
        closed = stage_moved.filtered(lambda t: t.stage_id.closed and not before[t.id][0].closed)
        reopened = stage_moved.filtered(lambda t: before[t.id][0].closed and not t.stage_id.closed)
        if handed:
            touched |= Visit._sla_close_for(handed, now, "handoff", self.env._("handed over"))
        if closed - handed:
            touched |= Visit._sla_close_for(closed - handed, now, "resolved", self.env._("resolved"))
        if handed:
            touched |= Visit._sla_open_for(handed, now, "handoff")
        if reopened - handed:
            touched |= Visit._sla_open_for(reopened - handed, now, "reopened")
        assigned = (moved - handed - reopened).filtered(lambda t: t.user_id and before[t.id][2] != t.user_id)
        if assigned:
            touched |= Visit._sla_picked_up(assigned, {t.id: t.user_id for t in assigned}, now)
        rematch = self - handed - reopened
        if (
            rematch
            and (MATCH_FIELDS - {"team_id"}) & set(vals)
            and self.env["helpdesk.sla.ola"]._sla_ola_config()
        ):
            touched |= Visit._sla_reconcile_for(rematch, now)
        return touched

    def _sla_may_change_policy(self, vals):
        """Whether writing ``vals`` may change which policy matches: not when no active
        policy matches on the criteria of the fields written (a priority change, where no
        policy is for some priorities only, keeps the policy and applies its targets)."""
        if {"company_id", "sla_policy_id", "sla_policy_locked"} & set(vals):
            return True
        used = self.env["helpdesk.sla.policy"]._sla_criteria_used()
        return any(CRITERIA_OF_FIELD.get(fname, set()) & used for fname in vals)

    def _sla_log_periods(self, now, before):
        """End the current ownership period of these tickets and open the next one."""
        Period = self.env["helpdesk.ticket.sla.period"]
        current = Period.search_fetch(
            [("ticket_id", "in", self.ids), ("date_end", "=", False)], ["ticket_id"]
        )
        current.write({"date_end": now})
        # a ticket whose first change this is has no period yet: its first one is implied
        started = set(current.ticket_id.ids)
        vals_list = []
        for ticket in self:
            if ticket.id not in started:  # the implied first period, written now
                stage, team, user = before[ticket.id]
                vals_list.append(ticket._sla_period_vals(team, user, stage, ticket.sla_start or now, now))
            vals_list.append(ticket._sla_period_vals(ticket.team_id, ticket.user_id, ticket.stage_id, now))
        Period.create(vals_list)

    def _sla_period_vals(self, team, user, stage, start, end=False):
        return {
            "ticket_id": self.id,
            "company_id": self.company_id.id,
            "team_id": team.id,
            "user_id": user.id,
            "stage_id": stage.id,
            "date_start": start,
            "date_end": end,
        }

    def _sla_periods(self):
        """``(team, user, stage, start, end)`` of every ownership period, the implied first
        one included; ``end`` is False for the current one."""
        self.ensure_one()
        periods = self.sla_period_ids.sorted(lambda p: (p.date_start, p.id))
        if not periods:
            return [(self.team_id, self.user_id, self.stage_id, self.sla_start, False)]
        return [(p.team_id, p.user_id, p.stage_id, p.date_start, p.date_end) for p in periods]

    def _sla_add_events(self, status, events):
        """Append ``events`` (dicts without status_id) to ``status``, in order."""
        self._sla_add_events_batch([(status, events)])

    def _sla_stages_changed(self, old_stages, now):
        """Clock events for moves from ``old_stages`` ({ticket id: stage}) to the tickets'
        current stages, in set operations: one read of the clocks concerned (the open ones,
        and the reached resolution clocks a reopening restarts), one INSERT of events."""
        Status = self.env["helpdesk.ticket.sla.status"].sudo()
        domain = (
            Domain("ticket_id", "in", self.ids)
            & Domain("active", "=", True)
            & (Domain("reached_at", "=", False) | Domain("metric", "=", "resolution"))
        )
        clocks = Status.search_fetch(domain, OPEN_CLOCK_FIELDS, order="id").grouped("ticket_id")
        ola_configs = self.env["helpdesk.sla.ola"]._sla_ola_config_by_id()
        todo = []
        for ticket in self:
            old_stage, new_stage = old_stages[ticket.id], ticket.stage_id
            config = ticket._sla_config()
            pause_stages = config.pause_stage_ids if config else frozenset()
            for status in clocks.get(ticket, Status):
                if status.ola_id:
                    # an OLA clock stops and restarts with its team's visit; it pauses in
                    # its OLA's pause stages (by default the SLA policy's)
                    ola = ola_configs.get(status.ola_id.id)
                    stages = ola.pause_stage_ids_for(config) if ola else frozenset()
                    if status.reached_at or new_stage.closed:
                        continue
                    was_paused, is_paused = (
                        old_stage.id in stages and not old_stage.closed,
                        new_stage.id in stages,
                    )
                    if is_paused != was_paused:
                        kind = "pause" if is_paused else "resume"
                        todo.append((status, [{"kind": kind, "at": now, "reason": new_stage.name}]))
                    continue
                events = []
                stopped = bool(status.reached_at)
                if new_stage.closed and not old_stage.closed:
                    if not stopped:
                        events.append({"kind": "stop", "at": now, "reason": new_stage.name})
                elif old_stage.closed and not new_stage.closed:
                    if status.metric == "resolution" and stopped:
                        events.append({"kind": "reopen", "at": now, "reason": new_stage.name})
                        stopped = False
                if not stopped and config and config.pauses(status.metric) and not new_stage.closed:
                    was_paused = old_stage.id in pause_stages and not old_stage.closed
                    is_paused = new_stage.id in pause_stages
                    if is_paused and not was_paused:
                        events.append({"kind": "pause", "at": now, "reason": new_stage.name})
                    elif was_paused and not is_paused:
                        events.append({"kind": "resume", "at": now, "reason": new_stage.name})
                if events:
                    todo.append((status, events))
        return self._sla_add_events_batch(todo)

    def _sla_add_events_batch(self, todo):
        """Append the events of ``todo`` ([(clock, [event values])]) in one INSERT; return
        the clocks concerned."""
        self.env["helpdesk.ticket.sla.event"].create(
            [
                dict(
                    event, status_id=status.id, ticket_id=status.ticket_id.id, company_id=status.company_id.id
                )
                for status, events in todo
                for event in events
            ]
        )
        return self.env["helpdesk.ticket.sla.status"].union(*(status for status, _events in todo))

    # ------------------------------------------------------------ policy application
    def _sla_apply(self, now, new=False, rematch=True, insert=True):
        """(Re)match the policy of these tickets and reconcile their clocks with its targets.

        New targets apply retroactively from the ticket's start (a target event); clocks
        already reached keep their verdict; a metric the policy no longer measures is
        archived, never deleted. ``new``: the tickets were just created (no clock, no
        history yet). Without ``rematch`` the tickets keep their policy (what changed
        cannot change which policy matches) and only its targets are applied again.
        Returns the clocks to evaluate (new tickets without ``insert``: the values of the
        clocks to insert).
        """
        Policy = self.env["helpdesk.sla.policy"]
        Status = self.env["helpdesk.ticket.sla.status"].with_context(active_test=False)
        tickets = self.filtered("active")
        to_match = tickets.filtered(lambda t: not t.sla_policy_locked) if rematch else tickets.browse()
        matches = Policy._sla_match_tickets(to_match)
        existing = defaultdict(dict)
        if not new:
            # the clocks a re-evaluation may change: open ones, and the first cycle of each
            # metric (reached ones keep their verdict), not the ticket's history of cycles
            domain = (
                Domain("ticket_id", "in", tickets.ids)
                & Domain("ola_id", "=", False)
                & (Domain("reached_at", "=", False) | Domain("cycle", "=", 1))
            )
            for status in Status.search_fetch(domain, OPEN_CLOCK_FIELDS, order="id"):
                existing[status.ticket_id.id][(status.metric, status.cycle)] = status
        touched = Status.browse()
        to_create = []
        # what the clocks need, gathered for the whole batch: new values (one write per set
        # of equal values), new events (one INSERT), and the reached clocks whose new target
        # may be one to record (their last recorded target, read in one query)
        changes, reached = [], []
        for ticket in tickets:
            if ticket.id not in matches:
                config, reason = ticket._sla_config(), ticket.sla_policy_reason
            else:
                config, reason = matches[ticket.id]
                policy_id = config.id if config else False
                if ticket.sla_policy_id.id != policy_id or ticket.sla_policy_reason != reason:
                    # a new ticket's policy is part of its creation, not a tracked change
                    ticket.with_context(sla_internal_write=True, mail_notrack=new).write(
                        {"sla_policy_id": policy_id, "sla_policy_reason": reason}
                    )
            mine = existing[ticket.id]
            for metric in ("first_response", "resolution"):
                target = config.target_for(metric, ticket.priority) if config else None
                status = mine.get((metric, 1))
                if status and status.reached_at:
                    if target:
                        reached.append((status, config, target, reason))
                elif status:
                    changes.append((status, *ticket._sla_reconcile(status, config, target, reason, now)))
                elif target:
                    to_create.append(
                        ticket._sla_new_status_vals(
                            config, target, metric, 1, ticket.sla_start, replay=not new
                        )
                    )
            for (metric, _cycle), status in mine.items():
                if metric != "next_response":
                    continue
                target = config.target_for(metric, ticket.priority) if config else None
                if status.reached_at:
                    if target:
                        reached.append((status, config, target, reason))
                else:
                    changes.append((status, *ticket._sla_reconcile(status, config, target, reason, now)))
        touched |= self._sla_apply_changes(changes, reached, now)
        if new and not insert:
            return to_create
        created = Status._sla_create_evaluated(to_create, now, new_tickets=new)
        if new:
            return created
        return touched | created

    def _sla_new_status_vals(self, config, target, metric, cycle, start, replay=True):
        """Values of a new clock of ``metric``, with its history replayed from ``start``."""
        self.ensure_one()
        cal_id, tz = self.env["helpdesk.sla.policy"]._sla_calendar_key(config, self)
        events = [  # the start carries the targets the clock starts with
            {
                "kind": "start",
                "at": start,
                "reason": self.sla_policy_reason or config.name,
                "policy_id": config.id,
                "contractual_hours": target.contractual_hours,
                "internal_hours": target.internal_hours,
                "time_kind": target.time_kind,
            },
        ]
        if replay:
            events += self._sla_replay(config, metric, start)
        elif self.stage_id.closed:
            events.append({"kind": "stop", "at": start, "reason": self.stage_id.name})
        elif config.pauses(metric) and self.stage_id.id in config.pause_stage_ids:
            events.append({"kind": "pause", "at": start, "reason": self.stage_id.name})
        events += self._sla_exemption_events(start, history=replay)
        return new_clock_vals(self, target, metric, cycle, (cal_id, tz), start, events, policy_id=config.id)

    def _sla_exemption_events(self, start, history=True):
        """Exempt and unexempt events of a new clock that starts at ``start``.

        With ``history`` (a clock created after the fact), the ticket's exemptions as its
        other SLA clocks recorded them, each from the moment it was given or lifted (one in
        force at ``start`` is given at ``start``), so that the new clock is held exactly
        when the others were; an exemption in force the history does not show (and, without
        history, the ticket's current one) holds it from ``start``."""
        self.ensure_one()
        events = []
        exempt, reason = False, ""
        if history and self.id:
            recorded = (
                self.env["helpdesk.ticket.sla.event"]
                .sudo()
                .with_context(active_test=False)
                .search_fetch(
                    Domain(
                        "status_id", "any", Domain("ticket_id", "=", self.id) & Domain("ola_id", "=", False)
                    )
                    & Domain("kind", "in", ("exempt", "unexempt")),
                    ["kind", "at", "reason"],
                    order="at, id",
                )
            )
            for event in recorded:  # each clock has the same events: keep the changes only
                if (event.kind == "exempt") == exempt:
                    continue
                exempt, reason = event.kind == "exempt", event.reason or ""
                if event.at > start:
                    events.append({"kind": event.kind, "at": event.at, "reason": reason})
                elif exempt:
                    events = [{"kind": "exempt", "at": start, "reason": reason}]
                else:
                    events = []
        if self.sla_exempt and not exempt:
            at = max([start, *(event["at"] for event in events)])
            events.append({"kind": "exempt", "at": at, "reason": self.sla_exempt_reason or ""})
        return events

    def _sla_replay(self, config, metric, start):
        """Pause and stop events of a clock created after the fact, from the ticket's history."""
        self.ensure_one()
        events = []
        if metric == "first_response":
            reply = self._sla_first_agent_reply(start)
            if reply:
                events.append({"kind": "stop", "at": reply.date, "reason": self.env._("first reply")})
            elif self.stage_id.closed:
                events.append({"kind": "stop", "at": self._sla_now(), "reason": self.stage_id.name})
            return events
        pauses = config.pause_stage_ids if config.pauses(metric) else frozenset()
        return self._sla_replay_pauses(pauses, start, closing=True)

    def _sla_replay_pauses(self, pauses, start, closing=False):
        """Pause and resume events (and, with ``closing``, stop and reopen events) of a clock
        that starts at ``start``, from the ticket's stage history."""
        self.ensure_one()
        events = []
        stopped = False
        for _team, _user, stage, date_start, date_end in self._sla_periods():
            if date_end and date_end <= start:
                continue
            at = max(date_start, start)
            if closing and stage.closed and not stopped:
                events.append({"kind": "stop", "at": at, "reason": stage.name})
                stopped = True
            elif closing and not stage.closed and stopped:
                events.append({"kind": "reopen", "at": at, "reason": stage.name})
                stopped = False
            if stage.id in pauses and not stage.closed:
                events.append({"kind": "pause", "at": at, "reason": stage.name})
                if date_end:
                    events.append({"kind": "resume", "at": date_end, "reason": stage.name})
        return events

    def _sla_first_agent_reply(self, after, authors=None):
        """The first public reply by an internal user since ``after`` (by one of
        ``authors``, partners, when given)."""
        self.ensure_one()
        domain = [
            ("model", "=", self._name),
            ("res_id", "=", self.id),
            ("date", ">=", after),
            ("message_type", "in", ("comment", "email", "email_outgoing")),
        ]
        if authors is not None:
            domain.append(("author_id", "in", authors.ids))
        messages = self.env["mail.message"].sudo().search(domain, order="date, id")
        return messages.filtered(lambda m: self._sla_message_kind(m) == "agent")[:1]

    def _sla_reconcile(self, status, config, target, reason, now):
        """``(values, events)`` that bring an open clock in line with the policy ``config``
        and ``target`` (nothing to write or log: empty ones)."""
        self.ensure_one()
        if not target:
            return ({"active": False, "next_action_at": False} if status.active else {}), []
        vals, events = status._sla_retarget(
            "policy_id",
            config,
            target,
            self.env["helpdesk.sla.policy"]._sla_calendar_key(config, self),
            reason,
            now,
        )
        # the policy's pause stages may have changed: follow the ticket's current stage
        if config.pauses(status.metric) and not self.stage_id.closed:
            should_pause = self.stage_id.id in config.pause_stage_ids
            if should_pause and not status.paused:
                events.append({"kind": "pause", "at": now, "reason": self.stage_id.name})
            elif status.paused and not should_pause:
                events.append({"kind": "resume", "at": now, "reason": self.stage_id.name})
        return vals, events

    def _sla_apply_changes(self, changes, reached, now):
        """Apply what reconciling found, as sets: ``changes`` are ``(open clock, values,
        events)``, written once per set of equal values, their events in one INSERT;
        ``reached`` are ``(reached clock, config, target, reason)``: a reached clock keeps
        its verdict, whatever the new targets, and records that it was re-evaluated, and
        against which target, when that target is a new one. Returns the clocks changed."""
        Status = self.env["helpdesk.ticket.sla.status"].sudo()
        by_vals = defaultdict(list)
        todo = []
        for status, vals, events in changes:
            vals = {fname: value for fname, value in vals.items() if status._sla_differs(fname, value)}
            if vals:
                by_vals[tuple(sorted(vals.items()))].append(status.id)
            if events:
                todo.append((status, events))
        for items, ids in by_vals.items():
            Status.browse(ids).write(dict(items))
        if reached:
            new_events = Status._sla_reached_target_events(reached, now)
            todo += [(status, [event]) for status, event in new_events]
        touched = self._sla_add_events_batch(todo) if todo else Status.browse()
        # a clock archived (no target any more) has no event, yet it changed
        return touched | Status.browse(id_ for ids in by_vals.values() for id_ in ids)

    # ------------------------------------------------------------ messages
    def _sla_message_kind(self, message, values=None):
        """'agent' for a public reply by an internal user, 'customer' for a message from
        outside, None for notes, system and automatic messages. ``values``: the values
        the message was posted with, when at hand (they save reading the message back)."""
        values = values or {}
        message_type = values.get("message_type") or message.message_type
        subtype = (
            self.env["mail.message.subtype"].browse(values["subtype_id"])
            if values.get("subtype_id")
            else message.subtype_id
        )
        if message_type in AUTOMATIC_MESSAGE_TYPES or not subtype:
            return None
        if subtype.internal:
            return None  # internal note
        author = (
            self.env["res.partner"].browse(values["author_id"])
            if values.get("author_id")
            else message.author_id
        )
        if author and author == self.env.ref("base.partner_root", raise_if_not_found=False):
            return None
        if message_type not in ("comment", "email", "email_outgoing"):
            return None
        # partner_share (stored): the partner has no internal user
        internal = author and not author.sudo().partner_share
        return "agent" if internal else "customer"

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        # the module's own messages (escalations, exemptions) are posted as superuser with
        # ``sla_automatic``; a user's context cannot make a reply or an e-mail not count
        if not (self.env.su and self.env.context.get("sla_automatic")):
            self.sudo()._sla_on_message(message, self._sla_now(), msg_values)
        return result

    def _sla_on_message(self, message, now, values=None):
        kind = self._sla_message_kind(message, values)
        if not kind:
            return
        Status = self.env["helpdesk.ticket.sla.status"]
        touched = created = Status
        # the time the message reached the ticket, not the date it claims (an e-mail's
        # Date header, a backdated post)
        at = now
        # only the open response clocks are read, never the ticket's history of cycles,
        # so that the 300th message of a conversation costs what the first did
        open_clocks = self._sla_open_clocks(("first_response", "next_response", "pickup"))
        pickups = open_clocks.filtered(lambda s: s.metric == "pickup")
        open_clocks -= pickups
        if kind == "agent":
            stop = [{"kind": "stop", "at": at, "reason": message.author_id.name}]
            # a reply answers the customer, and picks the ticket up for the author's team
            author = message.author_id.sudo().user_ids[:1]
            pickups = pickups.filtered(lambda s: author in s.ola_team_id.user_ids)
            touched = self._sla_add_events_batch([(status, stop) for status in open_clocks | pickups])
        for ticket in self if kind == "customer" else ():
            statuses = open_clocks.filtered(lambda s, t=ticket: s.ticket_id == t)
            # a customer message opens a next-response cycle once the first response is
            # given (no first-response clock open) and no cycle is open
            if statuses:
                continue
            config = ticket._sla_config()
            if not config or ticket.stage_id.closed:
                continue
            target = config.target_for("next_response", ticket.priority)
            if not target:
                continue
            vals = ticket._sla_new_status_vals(
                config, target, "next_response", ticket._sla_last_cycle() + 1, at, replay=False
            )
            created |= ticket._sla_open_cycle(vals, at)
        if touched:
            touched._sla_evaluate(at)
            Status._sla_schedule_after(touched)

    def _sla_open_clocks(self, metrics=None):
        """The active clocks of these tickets not reached yet, with what the SLA reactions
        read of them, in one query that does not grow with the tickets' history."""
        domain = (
            Domain("ticket_id", "in", self.ids)
            & Domain("active", "=", True)
            & Domain("reached_at", "=", False)
        )
        if metrics:
            domain &= Domain("metric", "in", metrics)
        Status = self.env["helpdesk.ticket.sla.status"].sudo()
        return Status.search_fetch(domain, OPEN_CLOCK_FIELDS, order="id")

    def _sla_last_cycle(self):
        """The number of the ticket's last next-response cycle (0 before the first)."""
        self.ensure_one()
        self.env["helpdesk.ticket.sla.status"].flush_model(["ticket_id", "metric", "cycle"])
        rows = self.env.execute_query(
            SQL(
                "SELECT max(cycle) FROM helpdesk_ticket_sla_status "
                "WHERE ticket_id = %s AND metric = 'next_response'",
                self.id,
            )
        )
        return rows[0][0] or 0

    def _sla_open_cycle(self, vals, at):
        """Open a next-response cycle; idempotent when two messages open it at once.

        Two customer messages arriving together both see no open cycle and both insert
        cycle N. The second insert waits for the first transaction and then hits the
        unique index: the cycle is open (opened by the first message), so the second
        message simply does not open another one, instead of failing.
        """
        self.ensure_one()
        Status = self.env["helpdesk.ticket.sla.status"]
        try:
            with self.env.cr.savepoint():
                return Status.with_context(sla_quiet_conflict=True)._sla_create_evaluated([vals], at)
        except psycopg2.errors.UniqueViolation:
            _logger.info(
                "SLA: next-response cycle %s of ticket %s was opened by a concurrent message",
                vals["cycle"],
                self.id,
            )
            return Status

    # ------------------------------------------------------------ exemption
    def _sla_check_manager(self, what):
        """Raise an AccessError saying that only SLA managers may do ``what``."""
        if not self._sla_is_manager():
            raise AccessError(self.env._("Only SLA managers can %(what)s.", what=what))

    @api.model
    def _sla_exempt_reason(self, reason):
        """``reason`` without its surrounding blanks; a ValidationError naming the field
        when nothing is left (an exemption, and its lifting, is kept with its reason)."""
        cleaned = str(reason).strip() if reason else ""
        if not cleaned:
            raise ValidationError(
                self.env._(
                    "Exemption Reason is required: an exemption is kept in the ticket's history "
                    "(got %(value)s).",
                    value=repr(reason if reason else ""),
                )
            )
        return cleaned

    def _sla_exempt(self, reason, exempt=True):
        """Exempt these tickets from their SLA (or lift the exemption), with a reason, logged.

        Each active SLA clock of the tickets gets an exempt (or unexempt) event now: the
        engine holds an exempted clock like a pause from that instant (no deadline, no
        breach while it is open) and a lifted one counts on from the lift."""
        self._sla_check_manager(
            self.env._("exempt tickets from their SLA") if exempt else self.env._("lift an SLA exemption")
        )
        reason = self._sla_exempt_reason(reason)
        now = self._sla_now()
        kind = "exempt" if exempt else "unexempt"
        tickets = self.sudo().filtered(lambda t: t.sla_exempt != exempt)
        # the module's own bookkeeping (a lifted clock may be attributed again): as superuser
        touched = self.env["helpdesk.ticket.sla.status"].sudo()
        for ticket in tickets:
            for status in ticket.sla_status_ids.filtered("active"):
                ticket._sla_add_events(status, [{"kind": kind, "at": now, "reason": reason}])
                touched |= status
            ticket.with_context(sla_internal_write=True).write(
                {"sla_exempt": exempt, "sla_exempt_reason": reason if exempt else False}
            )
            body = (
                self.env._("SLA exemption: %(reason)s", reason=reason)
                if exempt
                else self.env._("SLA exemption lifted: %(reason)s", reason=reason)
            )
            ticket.with_context(sla_automatic=True).message_post(
                body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
            )
        touched._sla_evaluate(now)
        self.env["helpdesk.ticket.sla.status"]._sla_schedule_after(touched)

    def action_sla_exempt(self):
        self._sla_check_manager(self.env._("exempt tickets from their SLA"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("SLA Exemption"),
            "res_model": "helpdesk.ticket.sla.exempt",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids, "default_exempt": not all(self.mapped("sla_exempt"))},
        }

    def action_sla_recompute(self):
        """Re-match the policy and recompute the clocks now (SLA managers)."""
        self._sla_check_manager(self.env._("recompute the SLA of a ticket"))
        tickets = self.sudo()
        now = self._sla_now()
        statuses = tickets._sla_apply(now) | tickets.sla_status_ids
        statuses._sla_evaluate(now)
        self.env["helpdesk.ticket.sla.status"]._sla_schedule_after(statuses)
        return True

    # ------------------------------------------------------------ cron
    @api.model
    def _cron_sla_reevaluate(self, batch_size=200):
        """Re-evaluate, in committed batches, the open tickets a configuration change concerns.

        Each run first flags the tickets of the changes made since the last run (in its
        own transaction, after those changes committed), then re-evaluates one batch. Its
        configuration version is locked FOR SHARE for the whole batch: a change made while
        the batch runs commits after it and is flagged by the next run, so no edit is lost;
        a change that committed since the run began makes it start again at once.
        Returns the number of tickets still flagged.
        """
        Policy = self.env["helpdesk.sla.policy"]
        try:
            with self.env.cr.savepoint(flush=False):
                Policy._sla_config_version()
                Policy._sla_flag_pending()
        except psycopg2.errors.SerializationFailure:
            Policy._sla_forget_version()
            _logger.info("SLA re-evaluation: the configuration changed since this run began; again at once")
            self.env.ref("helpdesk_sla_advanced.ir_cron_sla_reevaluate")._trigger()
            return self.sudo().search_count(Domain("sla_dirty", "=", True))
        domain = Domain("sla_dirty", "=", True)
        tickets = self.sudo().search(domain, limit=batch_size, order="id")
        tickets = tickets.try_lock_for_update(allow_referencing=True)
        now = self._sla_now()
        statuses = tickets._sla_run_isolated(lambda batch: batch._sla_reevaluate(now))
        tickets.with_context(sla_internal_write=True).write({"sla_dirty": False})
        self.env["helpdesk.ticket.sla.status"]._sla_schedule_after(statuses)
        remaining = self.sudo().search_count(domain)
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(len(tickets), remaining=remaining)
        return remaining

    def _sla_reevaluate(self, now):
        """Re-match and recompute these tickets' clocks (their OLA clocks too); return the
        clocks evaluated."""
        statuses = self._sla_apply(now)
        statuses |= self.env["helpdesk.ticket.sla.visit"]._sla_reconcile_for(self, now)
        statuses |= self._sla_open_clocks()
        statuses._sla_evaluate(now, moved_only=True)
        return statuses

    def _sla_run_isolated(self, work, on_failure=None):
        """``work(tickets)`` on these tickets at once; should it fail for a reason other than
        a concurrent update, again ticket by ticket, each in a savepoint, so that one ticket
        whose data breaks the work cannot stop the batch (or the cron) forever: it is
        logged, ``on_failure(ticket, message)`` is called, and the others go on.
        Returns the union of what ``work`` returned."""
        Status = self.env["helpdesk.ticket.sla.status"]
        try:
            with self.env.cr.savepoint():
                return work(self)
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
            raise
        except Exception:  # noqa: BLE001  isolate the ticket that fails
            _logger.warning(
                "SLA: a batch of %s tickets failed; retrying one by one", len(self), exc_info=True
            )
        result = Status
        for ticket in self:
            try:
                with self.env.cr.savepoint():
                    result |= work(ticket)
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                raise
            except Exception as exc:  # noqa: BLE001
                _logger.exception("SLA: ticket %s could not be evaluated; it is skipped", ticket.id)
                if on_failure:
                    on_failure(ticket, f"{type(exc).__name__}: {exc}")
        return result

    @api.model
    def _sla_reevaluate_all(self):
        """Run the re-evaluation until nothing is left (demo data, tests, shells)."""
        while self._cron_sla_reevaluate():
            pass

    # ------------------------------------------------------------ demo data
    @api.model
    def _sla_demo_olas(self):
        """The seed's OLA example, in a past week (Monday 2026-11-02, Paris UTC+1, Montreal
        UTC-5) so that each verdict holds whatever the day the demo is installed: an OLA
        met, an OLA breached while the SLA is met, an SLA breach attributed to a team."""
        desk = self.env.ref("helpdesk_sla_advanced.helpdesk_ticket_team_service_desk_demo")
        sysadmins = self.env.ref("helpdesk_sla_advanced.helpdesk_ticket_team_sysadmins_demo")
        sam = self.env.ref("helpdesk_sla_advanced.res_users_sysadmin_demo")
        agent = self.env.ref("base.user_demo")
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        premium = self.env.ref("base.res_partner_12")

        def utc(day, hour, minute=0):
            return fields.Datetime.to_datetime(f"2026-11-{day:02d} {hour:02d}:{minute:02d}:00")

        def story(name, start, steps):
            ticket = self.with_context(sla_now=start).create(
                {
                    "name": f"[SLA demo] {name}",
                    "description": f"<p>{name}</p>",
                    "partner_id": premium.id,
                    "team_id": desk.id,
                    "priority": "1",
                    "sla_start": start,
                }
            )
            for at, action in steps:
                if action == "reply":
                    ticket.with_user(ticket.user_id or agent).sudo().with_context(sla_now=at).message_post(
                        body="On it.", message_type="comment", subtype_xmlid="mail.mt_comment"
                    )
                elif action == "sam replies":
                    ticket.with_user(sam).sudo().with_context(sla_now=at).message_post(
                        body="Looking into it from Montreal.",
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
                else:
                    ticket.with_context(sla_now=at).write(action)
            return ticket

        # both teams within their OLAs, the SLA met (8 h of 24)
        story(
            "OLA met: printer driver rolled out",
            utc(2, 8),  # Monday 09:00 Paris
            [
                (utc(2, 8, 15), {"user_id": agent.id}),
                (utc(2, 8, 30), "reply"),
                (utc(2, 10), {"team_id": sysadmins.id, "user_id": sam.id}),  # 05:00 Montreal
                (utc(2, 14, 30), "sam replies"),  # 09:30 Montreal
                (utc(2, 19), {"stage_id": done.id}),  # 14:00 Montreal: 5 h of 8
            ],
        )
        # the Sysadmins take 11 h of their 8, the SLA is met (16 h of 24)
        story(
            "OLA breached, SLA met: mail server quota",
            utc(2, 9),
            [
                (utc(2, 9, 20), {"user_id": agent.id}),
                (utc(2, 9, 30), "reply"),
                (utc(2, 11), {"team_id": sysadmins.id, "user_id": False}),
                (utc(2, 15), "sam replies"),
                (utc(3, 17), {"stage_id": done.id}),  # Tuesday 12:00 Montreal
            ],
        )
        # the Sysadmins hold it four days: the SLA is breached, and theirs is the largest share
        story(
            "SLA breached, attributed to the Sysadmins: backup restore",
            utc(2, 7),
            [
                (utc(2, 8), {"team_id": sysadmins.id}),
                (utc(2, 16), "sam replies"),
                (utc(5, 22), {"stage_id": done.id}),  # Thursday 17:00 Montreal
            ],
        )

    @api.model
    def _sla_demo_scenarios(self):
        """Demo tickets whose clocks show every state, built by replaying their history
        (replies, pauses, closures, an exemption) at past instants. Demo data only."""
        now = fields.Datetime.now()
        agent = self.env.ref("base.user_demo", raise_if_not_found=False) or self.env.user
        team = self.env.ref("helpdesk_mgmt.helpdesk_team_1", raise_if_not_found=False)
        awaiting = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        vip = self.env.ref("base.res_partner_10")
        premium = self.env.ref("base.res_partner_12")
        new_york = self.env.ref("base.res_partner_18")

        def ticket(name, partner, start, priority="1"):
            return self.with_context(sla_now=start).create(
                {
                    "name": f"[SLA demo] {name}",
                    "description": f"<p>{name}</p>",
                    "partner_id": partner.id,
                    "team_id": team.id if team else False,
                    "priority": priority,
                    "user_id": agent.id if team and agent in team.user_ids else False,
                    "sla_start": start,
                }
            )

        def reply(record, at, body="Thanks, we are looking into it."):
            record.with_user(agent).sudo().with_context(sla_now=at).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

        def customer_says(record, at, body="Any news on this?"):
            record.with_context(sla_now=at).message_post(
                body=body,
                author_id=record.partner_id.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )

        def move(record, stage, at):
            record.with_context(sla_now=at).write({"stage_id": stage.id})

        hour = timedelta(hours=1)
        ticket("Running: new laptop request", premium, now)
        ticket("At risk: VPN drops every hour", vip, now - 0.75 * hour)
        ticket("Breached: ERP is down", vip, now - 3 * hour, priority="3")
        paused = ticket("Paused: waiting for the customer's logs", premium, now - 26 * hour)
        reply(paused, now - 25 * hour, "Could you send us the logs?")
        move(paused, awaiting, now - 25 * hour)
        met = ticket("Met: password reset", vip, now - 5 * hour)
        reply(met, now - 5 * hour + timedelta(minutes=20))
        move(met, done, now - 3 * hour)
        late = ticket("Failed: resolved late", vip, now - 48 * hour)
        reply(late, now - 47.5 * hour)
        move(late, done, now - 36 * hour)
        exempted = ticket("Exempted: regional power outage", premium, now - 30 * hour)
        exempted._sla_exempt("Force majeure: regional power outage (contract clause 9.2)")
        cycles = ticket("Next response: follow-ups from New York", new_york, now - 50 * hour)
        reply(cycles, now - 49 * hour)
        customer_says(cycles, now - 47 * hour)
        reply(cycles, now - 45 * hour, "Here is a workaround while we fix it.")
        customer_says(cycles, now - 2 * hour, "The workaround stopped working.")
        self._sla_demo_olas()
        # helpdesk_mgmt's own demo tickets predate this module: give them their clocks
        self._sla_reevaluate_all()
        # what the deadlines passed so far imply: breaches stored, due levels fired, once
        Status = self.env["helpdesk.ticket.sla.status"]
        while Status.search_count(Status._sla_due_domain(fields.Datetime.now()), limit=1):
            Status._cron_sla_tick()
