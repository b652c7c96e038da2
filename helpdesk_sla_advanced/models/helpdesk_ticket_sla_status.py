# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from odoo import api, fields, models
from odoo.fields import Command, Domain
from odoo.tools import SQL, split_every

from sla_engine import ClockError, SlaClock, SlaEngineError
from sla_engine import plan as escalation_plan

from .helpdesk_ticket_sla_firing import MAX_ATTEMPTS
from .resource_calendar import CalendarUnavailable
from .sla_tools import (
    ATTRIBUTED_METRICS,
    METRICS,
    STATUS_STATES,
    TIME_KINDS,
    aware,
    engine_events,
    engine_target,
    hours,
    naive,
)

_logger = logging.getLogger(__name__)
RETRY_DELAY = timedelta(minutes=10)
ONE_SECOND = timedelta(seconds=1)  # before a failed escalation action is tried again


_BOOLEAN_COLUMNS = {"active", "paused"}


def _db_value(value, column):
    """An ORM value as a column value: False means NULL, except in boolean columns."""
    if column in _BOOLEAN_COLUMNS:
        return bool(value)
    return None if value is False else value


# the bus notification that tells open views a ticket's clocks changed on the server
SLA_BUS_TYPE = "helpdesk_sla_advanced/clocks_changed"
# what the open views show of a clock: a change of one of these refreshes them
LIVE_FIELDS = frozenset(
    {
        "state",
        "deadline",
        "internal_deadline",
        "internal_breached_at",
        "reached_at",
        "breached_at",
        "paused",
        "pause_reason",
        "exempt_reason",
        "time_left_hours",
        "error",
        "active",
    }
)
_CHANGED_TICKETS = "helpdesk_sla_advanced.changed_tickets"

# display order of the metrics (first response, next response, resolution)
METRIC_ORDER = {key: index for index, (key, _label) in enumerate(METRICS)}
# {database: earliest committed trigger of the tick cron planned by this process}
_planned_triggers = {}


def _fmt_hours(seconds):
    """A duration in seconds as '3 h' or '2 h 30 min' (rounded to the minute)."""
    minutes = round(seconds / 60)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    whole, rest = divmod(minutes, 60)
    if not rest:
        return f"{sign}{whole} h"
    return f"{sign}{whole} h {rest:02d} min" if whole else f"{sign}{rest} min"


# what a clock's engine events are built from
ENGINE_EVENT_FIELDS = [
    "status_id",
    "kind",
    "at",
    "reason",
    "contractual_hours",
    "internal_hours",
    "time_kind",
]

# what an evaluation changes by the mere passing of time
AGING_FIELDS = {"working_hours", "calendar_hours", "paused_hours", "time_left_hours"}
# values of the status a clock evaluation writes
EVALUATED_FIELDS = (
    "state",
    "deadline",
    "internal_deadline",
    "reached_at",
    "breached_at",
    "internal_breached_at",
    "working_hours",
    "calendar_hours",
    "paused_hours",
    "time_left_hours",
    "paused",
    "pause_reason",
    "exempt_reason",
    "contractual_hours",
    "internal_hours",
    "time_kind",
    "next_action_at",
    "error",
    "met_pct",
    "evaluated_at",
)


class HelpdeskTicketSlaStatus(models.Model):
    """One SLA clock of a ticket: one metric, one cycle.

    Its stored values are the engine's answer for its events at the last
    evaluation; nobody edits them by hand.
    """

    _name = "helpdesk.ticket.sla.status"
    _description = "Helpdesk Ticket SLA Status"
    _order = "ticket_id, metric_sequence, cycle, id"

    # indexed by the unique (ticket_id, metric, cycle) index below
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", readonly=True, help="The ticket's company (kept in step)."
    )
    partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id",
        store=True,
        precompute=True,
        string="Customer",
        index="btree_not_null",
    )
    team_id = fields.Many2one(
        related="ticket_id.team_id", store=True, precompute=True, index="btree_not_null"
    )
    user_id = fields.Many2one(related="ticket_id.user_id", string="Assigned user")
    priority = fields.Selection(related="ticket_id.priority")
    active = fields.Boolean(
        default=True,
        readonly=True,
        help="Archived when the ticket's policy no longer has a target for this metric; its history is kept.",
    )
    policy_id = fields.Many2one(
        comodel_name="helpdesk.sla.policy", readonly=True, ondelete="restrict", index="btree_not_null"
    )
    # an OLA clock: one of the team visit's clocks (pickup, ownership), under an OLA
    ola_id = fields.Many2one(
        comodel_name="helpdesk.sla.ola",
        string="OLA",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
    )
    visit_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.visit", string="Team Visit", readonly=True, ondelete="cascade"
    )
    ola_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Visiting Team",
        readonly=True,
        index="btree_not_null",
        help="OLA clocks: the team whose visit the clock measures.",
    )
    target_id = fields.Many2one(comodel_name="helpdesk.sla.target", readonly=True, ondelete="set null")
    metric = fields.Selection(selection=METRICS, required=True, readonly=True)
    metric_sequence = fields.Integer(readonly=True, help="Display order of the metric.")
    cycle = fields.Integer(default=1, readonly=True, help="Next response: one cycle per customer message.")
    calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working Calendar",
        readonly=True,
        ondelete="restrict",  # a clock's calendar is archived, never deleted under it
        help="Empty: the clock counts 24/7.",
    )
    tz = fields.Char(string="Time Zone", readonly=True, help="Zone the working hours are read in.")
    start = fields.Datetime(readonly=True)
    contractual_hours = fields.Float(string="Contractual Target (h)", readonly=True)
    internal_hours = fields.Float(string="Internal Target (h)", readonly=True)
    time_kind = fields.Selection(selection=TIME_KINDS, string="Count", readonly=True)
    state = fields.Selection(selection=STATUS_STATES, default="pending", readonly=True)
    deadline = fields.Datetime(string="Due", readonly=True, help="Contractual deadline.")
    internal_deadline = fields.Datetime(string="Internal Due", readonly=True)
    reached_at = fields.Datetime(readonly=True)
    breached_at = fields.Datetime(readonly=True, help="The deadline that was missed.")
    internal_breached_at = fields.Datetime(readonly=True, string="At Risk Since")
    working_hours = fields.Float(
        string="Elapsed (h)",
        readonly=True,
        aggregator="avg",
        help="Time counted so far (business or calendar).",
    )
    calendar_hours = fields.Float(string="Elapsed Wall-Clock (h)", readonly=True, aggregator="avg")
    paused_hours = fields.Float(string="Paused (h)", readonly=True, aggregator="avg")
    time_left_hours = fields.Float(
        string="Left at Last Evaluation (h)", readonly=True, help="Negative when overdue."
    )
    paused = fields.Boolean(readonly=True)
    pause_reason = fields.Char(readonly=True)
    exempt_reason = fields.Char(readonly=True)
    error = fields.Char(readonly=True, help="Why the clock cannot be computed, if it cannot.")
    met_pct = fields.Float(
        string="Compliance %",
        readonly=True,
        aggregator="avg",
        help="100 for a met target, 0 for a breached one, empty while undecided: its average "
        "over a group is the group's compliance.",
    )
    # breach attribution (SLA clocks, once met or breached)
    share_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.share",
        inverse_name="status_id",
        string="Time Spent By",
        readonly=True,
    )
    blame_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Team with the Largest Share",
        readonly=True,
        index="btree_not_null",
        help="Of the working time of this clock, the team that used the most.",
    )
    ola_breached_ids = fields.Many2many(
        comodel_name="helpdesk.sla.ola",
        relation="helpdesk_ticket_sla_status_ola_breached_rel",
        column1="status_id",
        column2="ola_id",
        string="OLAs Breached Before",
        readonly=True,
        help="The OLAs of the teams that breached their own target while this clock counted.",
    )
    # what the attribution found, as data: the sentence is written in the reader's language
    attribution_data = fields.Json(readonly=True, copy=False)
    attribution = fields.Char(
        compute="_compute_attribution", help="How the clock's time was spent, team by team."
    )
    evaluated_at = fields.Datetime(readonly=True)
    next_action_at = fields.Datetime(
        readonly=True,
        index="btree_not_null",
        help="Next instant the clock changes by itself (internal or contractual deadline).",
    )
    event_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.event", inverse_name="status_id", readonly=True
    )
    firing_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.firing",
        inverse_name="status_id",
        string="Escalations",
        readonly=True,
    )
    # live values, computed at read time
    time_left = fields.Float(
        compute="_compute_live", string="Time Left", help="Time left now, in the clock's own time."
    )
    at_risk = fields.Boolean(compute="_compute_live", help="The internal target has passed.")
    explanation = fields.Text(compute="_compute_explanation")
    sla_countdown = fields.Json(
        compute="_compute_sla_countdown",
        string="Countdown",
        help="What the browser's live countdown reads of the clock (the sla_countdown widget).",
    )

    _metric_cycle_uniq = models.UniqueIndex(
        "(ticket_id, metric, cycle)", "A ticket has one clock per metric and cycle."
    )
    _running_deadline_idx = models.Index("(deadline) WHERE state = 'running'")
    _open_state_idx = models.Index("(state) WHERE state IN ('running', 'paused', 'breached')")

    @api.model_create_multi
    def create(self, vals_list):
        tickets = self.env["helpdesk.ticket"].browse({vals["ticket_id"] for vals in vals_list})
        company = {ticket.id: ticket.company_id.id for ticket in tickets}
        for vals in vals_list:
            vals.setdefault("metric_sequence", METRIC_ORDER.get(vals.get("metric"), 99))
            vals.setdefault("company_id", company[vals["ticket_id"]])
        statuses = super().create(vals_list)
        statuses._sla_notify_changed()
        return statuses

    def write(self, vals):
        result = super().write(vals)
        if LIVE_FIELDS.intersection(vals):
            self._sla_notify_changed()
        return result

    def _sla_notify_changed(self):
        """Tell the open views (form, list, kanban) of these clocks' tickets that they
        changed: one bus notification per transaction, sent when it commits, to the
        helpdesk users' group channel (every agent's tab listens to its groups). It
        carries ticket ids only; each view reloads what its user may read."""
        ticket_ids = set(self.ticket_id.ids)
        if not ticket_ids:
            return
        cr = self.env.cr
        pending = cr.precommit.data.get(_CHANGED_TICKETS)
        if pending is None:
            pending = cr.precommit.data[_CHANGED_TICKETS] = set()
            env = self.env

            @cr.precommit.add
            def send():
                ids = cr.precommit.data.pop(_CHANGED_TICKETS, set())
                group = env.ref("helpdesk_mgmt.group_helpdesk_user", raise_if_not_found=False)
                if ids and group:
                    group.sudo()._bus_send(SLA_BUS_TYPE, {"ticket_ids": sorted(ids)})

        pending.update(ticket_ids)

    @api.depends("metric", "cycle", "ticket_id")
    def _compute_display_name(self):
        labels = dict(self._fields["metric"]._description_selection(self.env))
        for status in self:
            label = labels.get(status.metric, "")
            if status.metric == "next_response":
                label = f"{label} #{status.cycle}"
            elif status.ola_id:
                label = f"{label} #{status.cycle} {status.ola_team_id.display_name or ''}".strip()
            status.display_name = label

    @api.model
    def _sla_configs(self):
        """``config_of(status or values)``: the SLA policy or OLA configuration a clock
        follows (None when it no longer exists), read once for a batch."""
        policies = self.env["helpdesk.sla.policy"]._sla_config_by_id()
        olas = None

        def config_of(clock):
            nonlocal olas
            if isinstance(clock, dict):
                ola_id, policy_id = clock.get("ola_id"), clock.get("policy_id")
            else:
                ola_id, policy_id = clock.ola_id.id, clock.policy_id.id
            if ola_id:
                if olas is None:
                    olas = self.env["helpdesk.sla.ola"]._sla_ola_config_by_id()
                return olas.get(ola_id)
            return policies.get(policy_id)

        return config_of

    # ------------------------------------------------------------ engine
    def _sla_engine_calendars(self):
        keys = {(status.calendar_id.id or 0, status.tz or "UTC") for status in self}
        return self.env["resource.calendar"].sudo()._sla_engine_calendars(keys)

    def _sla_clocks(self, calendars=None):
        """{status id: SlaClock, or an error message}: one events query, one calendar fetch each."""
        calendars = calendars if calendars is not None else self._sla_engine_calendars()
        # one query for the events of all the clocks, in their order, read as plain values:
        # a batch of the re-evaluation cron reads thousands of them
        self.env["helpdesk.ticket.sla.event"].flush_model(ENGINE_EVENT_FIELDS)
        rows = (
            self.env.execute_query(
                SQL(
                    "SELECT status_id, kind, at, reason, contractual_hours, internal_hours, time_kind"
                    "  FROM helpdesk_ticket_sla_event WHERE status_id IN %s ORDER BY at, id",
                    tuple(self.ids),
                )
            )
            if self.ids
            else []
        )
        events_by_status = {status.id: [] for status in self}
        for status_id, kind, at, reason, contractual, internal, time_kind in rows:
            events_by_status[status_id].append(
                {
                    "kind": kind,
                    "at": at,
                    "reason": reason or "",
                    "contractual_hours": contractual or 0.0,
                    "internal_hours": internal or 0.0,
                    "time_kind": time_kind or False,
                }
            )
        result = {}
        for status in self:
            calendar = calendars[(status.calendar_id.id or 0, status.tz or "UTC")]
            if isinstance(calendar, CalendarUnavailable):
                result[status.id] = calendar.message
                continue
            try:
                events = [e for values in events_by_status[status.id] for e in engine_events(values)]
                target = next((e.target for e in events if e.target is not None), None)
                if target is None:
                    target = engine_target(status.contractual_hours, status.internal_hours, status.time_kind)
                result[status.id] = SlaClock(calendar, target, events)
            except (SlaEngineError, ClockError) as exc:
                result[status.id] = str(exc)
        return result

    def _sla_evaluate(self, now=None, escalate=False, moved_only=False):
        """Recompute the stored values of these clocks from their events, at ``now``.

        With ``escalate`` (the tick cron, on rows it has locked), also fire the escalation
        levels that are due. With ``moved_only`` (the re-evaluation cron), a clock is
        written only when more than its elapsed times changed (its deadlines, state...):
        the time counted since its last evaluation alone is no change worth a write.
        A clock that cannot be computed keeps its last values and records why in ``error``.
        """
        if not self:
            return
        now = now or fields.Datetime.now()
        at = aware(now)
        clocks = self._sla_clocks()
        config_of = self._sla_configs()

        def ladder_of(status):
            config = config_of(status)
            return config.ladders.get(status.metric, ()) if config else ()

        # the firings of the clocks that have a ladder, in one query
        laddered = self.filtered(ladder_of)
        laddered.sudo().firing_ids.fetch(["escalation_id", "state", "attempts", "fired_at"])
        evaluated = []  # (clock, engine clock, engine status, escalation plan, its firings)
        for status in self:
            clock = clocks[status.id]
            config = config_of(status)
            ladder = ladder_of(status)
            firings = (
                {firing.escalation_id.id: firing for firing in status.sudo().firing_ids} if ladder else {}
            )
            plan = None
            try:
                if isinstance(clock, str):
                    raise SlaEngineError(clock)
                result = clock.status(at)
                if ladder and status.ticket_id.active:
                    settled = {lid for lid, firing in firings.items() if firing._sla_settled()}
                    plan = escalation_plan(ladder, clock, at, settled, config.fire_missed, status=result)
            except SlaEngineError as exc:
                # this clock cannot be computed: keep its last values, say why, plan nothing
                if status.error != str(exc):
                    status.sudo().write({"error": str(exc), "evaluated_at": now, "next_action_at": False})
                continue
            evaluated.append((status, clock, result, plan, firings))
        if escalate:
            # the due levels of all these clocks fire together, as sets
            self._sla_fire(
                [(status, plan, firings) for status, _c, _r, plan, firings in evaluated if plan],
                now,
            )
        attribute = []
        writes = []
        # what changed, compared in the cache's format, as a write would (the values of a
        # batch are read in one query; a record's value is much slower to get, field by field)
        compared = [fname for fname in EVALUATED_FIELDS if fname != "evaluated_at"]
        self.fetch(compared)
        caches = [
            (fname, self._fields[fname], self._fields[fname]._get_cache(self.env)) for fname in compared
        ]
        for status, clock, result, plan, firings in evaluated:
            vals = status._sla_values(result, now, status._sla_ladder_times(plan, firings, now, escalate))
            if not status.ticket_id.active:
                vals["next_action_at"] = False  # archived ticket: nothing fires
            changed = {
                fname: vals[fname]
                for fname, field, cache in caches
                if cache.get(status.id) != field.convert_to_cache(vals[fname], status)
            }
            if "state" in changed:
                # empty (undecided) and 0 (breached) look alike in the cache: write it anyway
                changed["met_pct"] = vals["met_pct"]
            if moved_only and not set(changed) - AGING_FIELDS:
                changed = {}
            if changed:  # an unchanged clock is not written: no row lock, no conflict
                changed["evaluated_at"] = now
                writes.append((status, changed))
            # attributed: the first response and the resolution (not each next-response cycle
            # of a long conversation, which would cost every reply a few queries)
            if status.metric in ATTRIBUTED_METRICS and result.state.value in ("met", "breached"):
                if {"state", "reached_at", "breached_at"} & set(changed) or not status.attribution_data:
                    attribute.append((status, clock, result))
        self._sla_write_evaluated(writes)
        self._sla_attribute(attribute)

    @api.model
    def _sla_write_evaluated(self, writes):
        """Store what an evaluation changed, ``writes`` being ``[(clock, {field: value})]``
        with values of EVALUATED_FIELDS only: one UPDATE per set of fields written, as the
        ORM's flush would do, without the cost of a ``write`` per clock (the values come
        from the engine, nothing to check or convert); the cache is updated and what
        depends on the fields (the tickets' summaries) is marked for recomputation."""
        if not writes:
            return
        Status = self.sudo()
        fnames = sorted({fname for _status, vals in writes for fname in vals})
        # pending values of these columns would overwrite the new ones when flushed later
        Status.flush_model(fnames)
        statuses = Status.browse([status.id for status, _vals in writes])
        statuses._write_multi(
            [{fname: _db_value(value, fname) for fname, value in vals.items()} for _status, vals in writes]
        )
        for status, vals in writes:
            for fname, value in vals.items():
                field = self._fields[fname]
                field._update_cache(status, field.convert_to_cache(value, status))
        statuses.invalidate_recordset(["write_date", "write_uid"])
        statuses.modified(fnames)
        if LIVE_FIELDS.intersection(fnames):  # as write() would: the open views reload
            statuses._sla_notify_changed()

    @api.model
    def _sla_attribute_missing(self):
        """Attribute the met or breached SLA clocks that have no attribution data (closed
        before 19.0.1.1.0, which stored the sentence instead of its data)."""
        missing = self.sudo().search(
            [
                ("metric", "in", ATTRIBUTED_METRICS),
                ("ola_id", "=", False),
                ("state", "in", ("met", "breached")),
                ("attribution_data", "=", False),
            ]
        )
        for batch in split_every(500, missing.ids, missing.browse):
            batch._sla_evaluate()
        return len(missing)

    @api.depends("attribution_data", "metric")
    @api.depends_context("lang")
    def _compute_attribution(self):
        """The attribution in one sentence, in the reader's language, e.g. "Resolution 24 h
        breached by 2 h: Sysadmins 23 h (OLA 8 h breached), Service Desk 3 h; paused 5 h
        (Awaiting)"."""
        labels = dict(self._fields["metric"]._description_selection(self.env))
        Team = self.env["helpdesk.ticket.team"].sudo()
        for status in self:
            data = status.attribution_data
            if not data:
                status.attribution = False
                continue
            team_parts = []
            for team_id, worked, olas in data["teams"]:
                name = Team.browse(team_id).display_name if team_id else self.env._("no team")
                part = f"{name} {_fmt_hours(worked)}"
                if olas:
                    part += " ({})".format(
                        ", ".join(
                            self.env._("OLA %(target)s breached", target=target)
                            if metric == "ownership"
                            else self.env._("pickup %(target)s breached", target=target)
                            for metric, seconds in olas
                            for target in [_fmt_hours(seconds)]
                        )
                    )
                team_parts.append(part)
            if data["late"] is not None:
                verdict = self.env._("breached by %(late)s", late=_fmt_hours(data["late"]))
            else:
                verdict = self.env._("met")
            metric = labels.get(status.metric, status.metric)
            text = f"{metric} {_fmt_hours(data['target'])} {verdict}: " + ", ".join(team_parts)
            if data["pauses"]:
                pauses = ", ".join(f"{_fmt_hours(seconds)} ({reason})" for reason, seconds in data["pauses"])
                text += "; " + self.env._("paused %(pauses)s", pauses=pauses)
            status.attribution = text

    @api.model
    def _sla_attribute(self, items):
        """Store how the time of met or breached SLA clocks was spent (``items``: their
        ``(status, engine clock, engine status)``): the working time of each team that owned
        the ticket while the clock counted, from the team visits (the shares add up exactly
        to the clock's working time), the time paused per reason, the team that used the
        largest share, the OLAs breached meanwhile, and what the sentence that says it all is
        written from (``attribution_data``: the sentence is written when read)."""
        if not items:
            return
        Status = self.env["helpdesk.ticket.sla.status"].sudo()
        Share = self.env["helpdesk.ticket.sla.share"].sudo()
        statuses = Status.union(*(status for status, _clock, _result in items))
        tickets = statuses.ticket_id
        visits = (
            self.env["helpdesk.ticket.sla.visit"]
            .sudo()
            .search_fetch(
                [("ticket_id", "in", tickets.ids)],
                ["ticket_id", "team_id", "date_start", "date_end", "sequence"],
                order="ticket_id, sequence, id",
            )
            .grouped("ticket_id")
        )
        ola_breaches = Status.search_fetch(
            [
                ("ticket_id", "in", tickets.ids),
                ("ola_id", "!=", False),
                ("active", "=", True),
                ("breached_at", "!=", False),
            ],
            ["ticket_id", "ola_id", "ola_team_id", "breached_at", "contractual_hours", "metric"],
        ).grouped("ticket_id")
        Share.search([("status_id", "in", statuses.ids)]).unlink()
        # their OLAs breached so far, in one query: replacing them below reads no clock again
        statuses.fetch(["ola_breached_ids"])
        lines = []
        for status, clock, result in items:
            ticket = status.ticket_id
            owners, previous_end = [], None
            for visit in visits.get(ticket, ()):
                if previous_end and previous_end < visit.date_start:
                    owners.append((aware(previous_end), None))  # nobody had the ticket
                owners.append((aware(visit.date_start), visit.team_id.id))
                previous_end = visit.date_end
            if previous_end:
                owners.append((aware(previous_end), None))
            try:
                shares = clock.shares(result.at, owners)
            except SlaEngineError:
                continue
            end = result.stopped_at or result.at
            breached = defaultdict(list)  # {team id: [OLA clocks breached while this clock counted]}
            for ola in ola_breaches.get(ticket, ()):
                if result.started_at and result.started_at <= aware(ola.breached_at) <= end:
                    breached[ola.ola_team_id.id].append(ola)
            total = shares.total.total_seconds() or 1.0
            team_parts = []
            for team_id, worked in sorted(shares.working.items(), key=lambda item: -item[1]):
                lines.append(
                    {
                        "status_id": status.id,
                        "ticket_id": ticket.id,
                        "company_id": status.company_id.id,
                        "kind": "team" if team_id else "unowned",
                        "team_id": team_id or False,
                        "hours": hours(worked),
                        "share": 100.0 * worked.total_seconds() / total,
                    }
                )
                olas = sorted(breached.get(team_id, ()), key=lambda o: o.metric == "pickup")
                team_parts.append(
                    [
                        team_id or 0,
                        worked.total_seconds(),
                        [[ola.metric, ola.contractual_hours * 3600.0] for ola in olas],
                    ]
                )
            pause_parts = []
            for reason, paused in shares.paused.items():
                lines.append(
                    {
                        "status_id": status.id,
                        "ticket_id": ticket.id,
                        "company_id": status.company_id.id,
                        "kind": "paused",
                        "reason": reason,
                        "hours": hours(paused),
                    }
                )
                pause_parts.append([reason, paused.total_seconds()])
            target = result.target.contractual
            late = result.working_elapsed - target if result.state.value == "breached" else None
            teams = {team_id: worked for team_id, worked in shares.working.items() if team_id}
            blame = max(teams, key=lambda team_id: teams[team_id]) if teams else False
            status.write(
                {
                    "blame_team_id": blame,
                    "ola_breached_ids": [
                        Command.set([ola.ola_id.id for olas in breached.values() for ola in olas])
                    ],
                    "attribution_data": {
                        "target": target.total_seconds(),
                        "late": late.total_seconds() if late is not None else None,
                        "teams": team_parts,
                        "pauses": pause_parts,
                    },
                }
            )
        Share.create(lines)

    def _sla_ladder_times(self, plan, firings, now, escalated):
        """Instants (naive UTC) the ladder of this clock needs the cron again."""
        if plan is None:
            return []
        times = [naive(plan.next_at)] if plan.next_at else []
        for level_id in plan.due:
            firing = firings.get(level_id)
            if firing and firing.state == "failed" and firing.attempts < MAX_ATTEMPTS and firing.fired_at:
                retry_at = firing.fired_at + RETRY_DELAY
                times.append(max(retry_at, now) if escalated else retry_at)
            elif not escalated:
                times.append(now)  # due: the tick cron fires it
        return times

    @api.model
    def _sla_fire(self, items, now):
        """Fire the due levels (and record the skipped ones) of ``items``, the
        ``(clock, plan, {level id: firing})`` of the clocks this pass has locked.

        Each level is reserved by inserting its firing row first, all in one INSERT: the
        unique index on (clock, level) lets only one worker have it. Should another worker
        hold one of them, the clocks are reserved one by one and the clocks it holds are
        left to it. The reserved levels then fire together, as sets. A failing action is
        recorded and retried later without repeating the actions that succeeded.
        """
        items = [item for item in items if item[1].due or item[1].skipped]
        if not items:
            return
        Firing = self.env["helpdesk.ticket.sla.firing"].sudo()

        def missing(status, plan, firings):
            """(level id, values) of the firings this clock's plan needs and has not"""
            base = {
                "status_id": status.id,
                "ticket_id": status.ticket_id.id,
                "company_id": status.company_id.id,
            }
            # skipped levels are settled at once; due ones start as a failed attempt 0 until run
            settle = [(level_id, {"state": "skipped", "fired_at": now}) for level_id in plan.skipped]
            settle += [(level_id, {"state": "failed", "attempts": 0}) for level_id in plan.due]
            return [
                (level_id, dict(base, escalation_id=level_id, due_at=naive(plan.times.get(level_id)), **vals))
                for level_id, vals in settle
                if level_id not in firings
            ]

        def reserve(batch):
            """Insert the missing firings of ``batch`` at once; False if another worker has one"""
            todo = [
                (firings, level_id, vals)
                for status, plan, firings in batch
                for level_id, vals in missing(status, plan, firings)
            ]
            if not todo:
                return True
            try:
                with self.env.cr.savepoint():
                    created = Firing.create([vals for _firings, _level_id, vals in todo])
                    Firing.flush_model()
            except psycopg2.errors.UniqueViolation:
                return False
            for (firings, level_id, _vals), firing in zip(todo, created):
                firings[level_id] = firing
            return True

        kept = items
        if not reserve(items):
            kept = []
            for status, plan, firings in items:
                if reserve([(status, plan, firings)]):
                    kept.append((status, plan, firings))
                    continue
                _logger.info("SLA clock %s: its due levels are being fired by another worker", status.id)
                for level_id in (*plan.skipped, *plan.due):
                    firings.pop(level_id, None)
        statuses = {firings[level_id].id: status for status, plan, firings in kept for level_id in plan.due}
        Firing.browse(statuses)._sla_run(statuses, now)

    @api.model
    def _sla_create_evaluated(self, vals_list, now, new_tickets=False):
        """Create clocks whose values are already computed from their events (in memory),
        so that a new clock costs one INSERT and no read-back or UPDATE."""
        if not vals_list:
            return self.browse()
        at = aware(now)
        keys = {(vals["calendar_id"] or 0, vals["tz"] or "UTC") for vals in vals_list}
        calendars = self.env["resource.calendar"].sudo()._sla_engine_calendars(keys)
        config_of = self._sla_configs()
        for vals in vals_list:
            calendar = calendars[(vals["calendar_id"] or 0, vals["tz"] or "UTC")]
            if isinstance(calendar, CalendarUnavailable):
                vals.update({"error": calendar.message, "evaluated_at": now})
                continue
            config = config_of(vals)
            ladder = config.ladders.get(vals["metric"], ()) if config else ()
            try:
                events = [e for command in vals["event_ids"] for e in engine_events(command[2])]
                target = next((e.target for e in events if e.target is not None), None) or engine_target(
                    vals["contractual_hours"], vals["internal_hours"], vals["time_kind"]
                )
                clock = SlaClock(calendar, target, events)
                result = clock.status(at)
                plan = (
                    escalation_plan(ladder, clock, at, (), config.fire_missed, status=result)
                    if ladder
                    else None
                )
            except (SlaEngineError, ClockError) as exc:
                vals.update({"error": str(exc), "evaluated_at": now})
                continue
            vals.update(self._sla_values(result, now, self._sla_ladder_times(plan, {}, now, False)))
        statuses = self._sla_insert(vals_list, new_tickets=new_tickets)
        times = [vals["next_action_at"] for vals in vals_list if vals.get("next_action_at")]
        if times:
            self._sla_schedule_at(min(times))
        return statuses

    # columns of a new clock, in the order of the INSERT below
    _SLA_INSERT_COLUMNS = (
        "ticket_id",
        "company_id",
        "partner_id",
        "team_id",
        "active",
        "policy_id",
        "target_id",
        "metric",
        "metric_sequence",
        "cycle",
        "calendar_id",
        "tz",
        "start",
        "ola_id",
        "visit_id",
        "ola_team_id",
        *EVALUATED_FIELDS,
    )
    _SLA_EVENT_COLUMNS = (
        "ticket_id",
        "company_id",
        "kind",
        "at",
        "reason",
        "policy_id",
        "contractual_hours",
        "internal_hours",
        "time_kind",
    )

    @api.model
    def _sla_insert(self, vals_list, new_tickets=False):
        """INSERT new clocks and their events: one statement for any number of clocks.

        This is the hot path of ticket creation, where the ORM's generic ``create`` cost
        more than the rest of the SLA work together. The values are complete (computed
        by the engine); the tickets' clock lists are invalidated and their summaries
        marked for recomputation, as ``create`` would do. ``new_tickets``: the tickets
        have no other clock (they are being created).
        """
        tickets = self.env["helpdesk.ticket"].browse({vals["ticket_id"] for vals in vals_list})
        info = {t.id: (t.company_id.id, t.commercial_partner_id.id, t.team_id.id) for t in tickets}
        uid, stamp = self.env.uid, self.env.cr.now()
        rows = []
        for vals in vals_list:
            company_id, partner_id, team_id = info[vals["ticket_id"]]
            vals.update(
                company_id=company_id,
                partner_id=partner_id,
                team_id=team_id,
                active=True,
                metric_sequence=METRIC_ORDER.get(vals["metric"], 99),
                cycle=vals.get("cycle", 1),
            )
            rows.append(
                SQL(
                    "%s",
                    (*(_db_value(vals.get(c), c) for c in self._SLA_INSERT_COLUMNS), uid, stamp, uid, stamp),
                )
            )
        event_rows = []
        for vals in vals_list:
            for command in vals["event_ids"]:
                event = command[2]
                event_rows.append(
                    SQL(
                        "%s",
                        (
                            vals["ticket_id"],
                            vals["metric"],
                            vals["cycle"],
                            len(event_rows),
                            *(_db_value(event.get(c), c) for c in self._SLA_EVENT_COLUMNS[1:]),
                        ),
                    )
                )
        audit = ("create_uid", "create_date", "write_uid", "write_date")
        self.flush_model()
        self.env["helpdesk.ticket.sla.event"].flush_model()
        # one round trip: the clocks, then their events joined on (ticket, metric, cycle)
        query = SQL(
            """
                WITH new_status AS (
                    INSERT INTO helpdesk_ticket_sla_status (%(status_columns)s) VALUES %(status_rows)s
                    RETURNING id, ticket_id, metric, cycle
                ), new_event AS (
                    INSERT INTO helpdesk_ticket_sla_event
                        (status_id, ticket_id, company_id, kind, at, reason, policy_id,
                         contractual_hours, internal_hours, time_kind, user_id)
                    SELECT s.id, s.ticket_id, v.company_id::int4, v.kind::varchar, v.at::timestamp,
                           v.reason::varchar, v.policy_id::int4, v.contractual_hours::float8,
                           v.internal_hours::float8, v.time_kind::varchar, %(uid)s
                      FROM (VALUES %(event_rows)s) AS v(ticket_id, metric, cycle, seq, company_id, kind, at,
                                                        reason, policy_id, contractual_hours,
                                                        internal_hours, time_kind)
                      JOIN new_status s
                        ON s.ticket_id = v.ticket_id AND s.metric = v.metric AND s.cycle = v.cycle
                     ORDER BY v.seq
                )
                SELECT id, ticket_id, metric, cycle FROM new_status
                """,
            status_columns=SQL(", ").join(SQL.identifier(c) for c in (*self._SLA_INSERT_COLUMNS, *audit)),
            status_rows=SQL(", ").join(rows),
            event_rows=SQL(", ").join(event_rows),
            uid=uid,
            stamp=stamp,
        )
        # a cycle opened by a concurrent message is an expected conflict, not a bad query
        self.env.cr.execute(query, log_exceptions=not self.env.context.get("sla_quiet_conflict"))
        rows = self.env.cr.fetchall()
        by_key = {(ticket_id, metric, cycle): status_id for status_id, ticket_id, metric, cycle in rows}
        ids = [by_key[(vals["ticket_id"], vals["metric"], vals["cycle"])] for vals in vals_list]
        statuses = self.browse(ids)
        if new_tickets:
            # what was inserted goes to the cache as a fetch would have put it, so that the
            # tickets' summaries are computed without reading the clocks back
            for column in self._SLA_INSERT_COLUMNS:
                values = [_db_value(vals.get(column), column) for vals in vals_list]
                self._fields[column]._insert_cache(statuses, values)
            clocks_of = {"sla_status_ids": defaultdict(list), "ola_status_ids": defaultdict(list)}
            for status_id, vals in zip(ids, vals_list, strict=True):
                fname = "ola_status_ids" if vals.get("ola_id") else "sla_status_ids"
                clocks_of[fname][vals["ticket_id"]].append(status_id)
            for fname, clocks in clocks_of.items():
                field = tickets._fields[fname]
                for ticket in tickets:
                    field._update_cache(ticket, tuple(clocks[ticket.id]))
        else:
            tickets.invalidate_recordset(["sla_status_ids", "ola_status_ids"])
        tickets.modified(["sla_status_ids", "ola_status_ids"])
        return statuses

    def _sla_retarget(self, link, config, target, calendar_key, reason, now):
        """``(values, events)`` that bring this open clock to ``target`` of ``config`` (an
        SLA policy, ``link`` "policy_id", or an OLA, "ola_id") on ``calendar_key``: the
        clock reactivated, and when the target, its durations or its calendar changed, the
        new ones written and a target event, applied from the start by re-evaluation."""
        self.ensure_one()
        cal_id, tz = calendar_key
        vals = {} if self.active else {"active": True}
        if (
            self[link].id == config.id
            and self.target_id.id == target.id
            and self.contractual_hours == target.contractual_hours
            and self.internal_hours == target.internal_hours
            and self.time_kind == target.time_kind
            and (self.calendar_id.id or 0) == cal_id
            and self.tz == tz
        ):
            return vals, []
        vals.update({link: config.id, "target_id": target.id, "calendar_id": cal_id or False, "tz": tz})
        event = {
            "kind": "target",
            "at": now,
            "reason": reason or config.name,
            "policy_id": config.id if link == "policy_id" else False,
            "contractual_hours": target.contractual_hours,
            "internal_hours": target.internal_hours,
            "time_kind": target.time_kind,
        }
        return vals, [event]

    def _sla_differs(self, fname, value):
        """Whether writing ``value`` (as written: an id for a many2one) to ``fname`` changes
        this clock (a write of the same value would still update the row)."""
        self.ensure_one()
        current = self[fname]
        if self._fields[fname].type == "many2one":
            current = current.id
        return (current or False) != (value or False)

    @api.model
    def _sla_reached_target_events(self, items, now):
        """``[(clock, target event)]`` that record a re-evaluation of reached SLA clocks,
        ``items`` being ``(clock, config, target, reason)``: one for each clock measured
        against another target whose last re-evaluation did not record this one already
        (their last start or target events are read in one query). The event comes after
        the stop: the engine keeps the outcome and explains it."""

        def key(policy_id, contractual, internal, time_kind):
            return (policy_id or False, contractual, internal or 0.0, time_kind)

        todo = []
        for status, config, target, reason in items:
            new = key(config.id, target.contractual_hours, target.internal_hours, target.time_kind)
            current = key(
                status.policy_id.id, status.contractual_hours, status.internal_hours, status.time_kind
            )
            if current != new:
                todo.append((status, config, target, reason, new))
        if not todo:
            return []
        Event = self.env["helpdesk.ticket.sla.event"]
        Event.flush_model(
            ["status_id", "kind", "at", "policy_id", "contractual_hours", "internal_hours", "time_kind"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (status_id)
                       status_id, policy_id, contractual_hours, internal_hours, time_kind
                  FROM helpdesk_ticket_sla_event
                 WHERE status_id IN %s AND kind IN ('start', 'target')
              ORDER BY status_id, at DESC, id DESC
                """,
                tuple({status.id for status, *_rest in todo}),
            )
        )
        last = {status_id: key(*values) for status_id, *values in rows}
        result = []
        for status, config, target, reason, new in todo:
            if last.get(status.id) == new:
                continue
            event = {
                "kind": "target",
                "at": now,
                "reason": reason or config.name,
                "policy_id": config.id,
                "contractual_hours": target.contractual_hours,
                "internal_hours": target.internal_hours,
                "time_kind": target.time_kind,
            }
            result.append((status, event))
        return result

    def _sla_values(self, result, now, ladder_times=()):
        """Stored values for an engine ``ClockStatus``; ``ladder_times`` are the instants the
        escalation ladder needs the cron (naive UTC)."""
        target = result.target
        running = result.state.value == "running"
        # a deadline is passed (breached, at risk) from the second after it: come back then
        upcoming = [
            naive(due) + ONE_SECOND
            for due in (result.internal_deadline, result.deadline)
            if running and due is not None and due >= result.at
        ]
        upcoming += [t for t in ladder_times if t]
        return {
            "state": result.state.value,
            "deadline": naive(result.deadline),
            "internal_deadline": naive(result.internal_deadline),
            "reached_at": naive(result.stopped_at),
            "breached_at": naive(result.breached_at),
            "internal_breached_at": naive(result.internal_breached_at),
            "working_hours": hours(result.working_elapsed),
            "calendar_hours": hours(result.calendar_elapsed),
            "paused_hours": hours(result.paused_time),
            "time_left_hours": hours(result.time_left),
            "paused": result.paused,
            "pause_reason": result.pause_reason or False,
            "exempt_reason": result.exempt_reason or False,
            "contractual_hours": hours(target.contractual),
            "internal_hours": hours(target.internal) if target.internal else 0.0,
            "time_kind": "business" if target.business else "calendar",
            "next_action_at": min(upcoming) if upcoming else False,
            "error": False,
            "met_pct": {"met": 100.0, "breached": 0.0}.get(result.state.value, False),
            "evaluated_at": now,
        }

    @staticmethod
    def _sla_status_or_error(clock, at):
        """``(the engine's ClockStatus of clock at at, None)``, or ``(None, why it cannot be
        computed)`` for an error message instead of a clock or an engine error."""
        if isinstance(clock, str):
            return None, clock
        try:
            return clock.status(at), ""
        except SlaEngineError as exc:
            return None, str(exc)

    # ------------------------------------------------------------ live values
    @api.depends("state", "deadline", "working_hours", "time_left_hours")
    def _compute_live(self):
        """Time left now, from the stored deadline: a counting clock has left the working
        time between now and its deadline (negative once overdue), which one engine
        calendar per (calendar, zone) answers with no query and no replay of events; a
        paused or stopped clock has what it had at its last evaluation."""
        now = fields.Datetime.now()
        at = aware(now)
        counting = self.filtered(
            lambda s: (
                s.state in ("running", "breached")
                and s.deadline
                and not s.reached_at
                and not s.paused
                and not s.error
            )
        )
        calendars = counting.filtered(lambda s: s.time_kind != "calendar")._sla_engine_calendars()
        for status in self:
            if status not in counting:
                status.time_left = status.time_left_hours
                status.at_risk = bool(status.internal_breached_at) and status.state in ("running", "paused")
                continue
            left = status.deadline - now
            if status.time_kind != "calendar":
                calendar = calendars[(status.calendar_id.id or 0, status.tz or "UTC")]
                try:
                    if isinstance(calendar, CalendarUnavailable):
                        raise SlaEngineError(calendar.message)
                    left = calendar.between(at, aware(status.deadline))
                except SlaEngineError:
                    left = timedelta(hours=status.time_left_hours)
            status.time_left = hours(left)
            status.at_risk = (
                bool(status.internal_deadline) and status.internal_deadline < now <= status.deadline
            )

    @api.depends_context("lang", "uid")
    def _compute_sla_countdown(self):
        payloads = self._sla_countdown_payloads()
        for status in self:
            status.sla_countdown = payloads.get(status.id, False)

    def _sla_countdown_payloads(self):
        """{clock id: what the sla_countdown widget needs}: the stored state and deadlines
        (instants the browser compares with its own clock), the time left as computed now
        (business time for a business-hours clock: the browser cannot count it) and the
        explanation for the tooltip. Datetimes are naive UTC strings."""
        if not self:
            return {}
        now = fields.Datetime.now()
        to_string = fields.Datetime.to_string
        labels = dict(self._fields["metric"]._description_selection(self.env))
        explanations = {status.id: status.explanation for status in self}
        return {
            status.id: {
                "ticket_id": status.ticket_id.id,
                "name": status.display_name,
                "metric": labels.get(status.metric, ""),
                "state": status.state,
                "deadline": to_string(status.deadline) if status.deadline else False,
                "internal_deadline": (
                    to_string(status.internal_deadline) if status.internal_deadline else False
                ),
                "reached_at": to_string(status.reached_at) if status.reached_at else False,
                "breached_at": to_string(status.breached_at) if status.breached_at else False,
                "time_kind": status.time_kind or "business",
                # 24/7 clocks and calendar-hours targets count wall time: the browser can tick them
                "wall_time": status.time_kind == "calendar" or not status.calendar_id,
                "time_left_hours": status.time_left,
                "as_of": to_string(now),
                "working_hours": status.working_hours,
                "paused": status.paused,
                "pause_reason": status.pause_reason or False,
                "exempt_reason": status.exempt_reason or False,
                "error": status.error or False,
                "explanation": explanations[status.id] or False,
            }
            for status in self
        }

    @api.depends("event_ids", "state", "attribution_data")
    @api.depends_context("lang")
    def _compute_explanation(self):
        at = aware(fields.Datetime.now())
        clocks = self._sla_clocks() if self.ids else {}
        for status in self:
            clock = clocks.get(status.id)
            if clock is None:
                status.explanation = False
                continue
            result, error = status._sla_status_or_error(clock, at)
            if result is None:
                status.explanation = self.env._("This clock cannot be computed: %(error)s", error=error)
            else:
                tz = self.env.user.tz or status.tz or "UTC"
                try:
                    lines = result.explain(tz)
                except SlaEngineError as exc:
                    lines = [self.env._("This clock cannot be explained: %(error)s", error=str(exc))]
                if status.policy_id:
                    lines.insert(0, self.env._("policy: %(policy)s", policy=status.policy_id.display_name))
                elif status.ola_id:
                    lines.insert(
                        0,
                        self.env._(
                            "OLA: %(ola)s, visit %(visit)s of team %(team)s",
                            ola=status.ola_id.display_name,
                            visit=status.cycle,
                            team=status.ola_team_id.display_name,
                        ),
                    )
                else:
                    lines.insert(0, "")
                if status.calendar_id:
                    lines.insert(
                        1,
                        self.env._(
                            "calendar: %(calendar)s, read in %(tz)s",
                            calendar=status.calendar_id.display_name,
                            tz=status.tz,
                        ),
                    )
                else:
                    lines.insert(1, self.env._("calendar: 24/7"))
                if status.attribution:
                    lines.append(status.attribution)
                status.explanation = "\n".join(line for line in lines if line)

    # ------------------------------------------------------------ cron
    @api.model
    def _sla_due_domain(self, now):
        return Domain("next_action_at", "<=", now) & Domain("active", "=", True)

    @api.model
    def _cron_sla_tick(self, batch_size=200):
        """Handle the clocks whose next instant has come: store breaches and at-risk
        states, fire due escalation levels, plan the next instant.

        Only due rows are read, in batches, locked with SKIP LOCKED so that several
        workers can run at once; the unique index on (clock, level) is the last guard of
        exactly-once. The cron then wakes itself for the next due instant.
        """
        now = fields.Datetime.now()
        Policy = self.env["helpdesk.sla.policy"]
        try:
            with self.env.cr.savepoint(flush=False):
                Policy._sla_config_version()
        except psycopg2.errors.SerializationFailure:
            Policy._sla_forget_version()
            _logger.info("SLA tick: the configuration changed since this run began; again at once")
            self._sla_tick_cron()._trigger()
            return
        domain = self._sla_due_domain(now)
        statuses = self.search(domain, order="next_action_at, id", limit=batch_size)
        # rows are locked ticket first, then its clocks, as every other SLA path takes them;
        # rows another transaction holds are left for the next run
        tickets = statuses.ticket_id.try_lock_for_update(allow_referencing=True)
        statuses = statuses.filtered(lambda s: s.ticket_id in tickets).try_lock_for_update()
        statuses.ticket_id._sla_run_isolated(
            lambda batch: statuses.filtered(lambda s: s.ticket_id in batch)._sla_evaluate_returning(now),
            on_failure=lambda ticket, message: (
                statuses.filtered(lambda s: s.ticket_id == ticket)
                .sudo()
                .write({"error": message, "next_action_at": False, "evaluated_at": now})
            ),
        )
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(len(statuses), remaining=self.search_count(domain))
        self._sla_schedule_tick()

    def _sla_evaluate_returning(self, now):
        self._sla_evaluate(now, escalate=True)
        return self

    @api.model
    def _sla_schedule_after(self, statuses):
        """Make sure the tick cron wakes up by the earliest next instant of ``statuses``.

        A committed trigger this process planned and that has not fired yet is remembered,
        so that creating tickets one by one does not query the triggers each time.
        """
        times = [s.next_action_at for s in statuses if s.next_action_at]
        if times:
            self._sla_schedule_at(min(times))

    @api.model
    def _sla_schedule_at(self, at):
        """Make sure the tick cron wakes up by ``at``."""
        dbname = self.env.cr.dbname
        now = fields.Datetime.now()
        known = _planned_triggers.get(dbname)
        if known and now < known <= at:
            return  # committed earlier by this process, not fired yet
        planned_here = self.env.cr.cache.get("sla_tick_planned")
        if planned_here and now < planned_here <= at:
            return  # planned earlier in this transaction
        cron = self._sla_tick_cron()
        self.env["ir.cron.trigger"].flush_model()
        planned = self.env.execute_query(
            SQL(
                # a trigger already due may be firing now, before this transaction commits:
                # only one still to come counts
                "SELECT min(call_at) FROM ir_cron_trigger"
                " WHERE cron_id = %s AND call_at > %s AND call_at <= %s",
                cron.id,
                now,
                at,
            )
        )[0][0]
        cache = self.env.cr.cache

        def remember(when):
            current = _planned_triggers.get(dbname)
            if not current or current <= fields.Datetime.now() or when < current:
                _planned_triggers[dbname] = when

        if planned:
            cache["sla_tick_planned"] = planned
            # once this transaction commits, the process may rely on it
            self.env.cr.postcommit.add(lambda: remember(planned))
            return
        cron._trigger(at)
        cache["sla_tick_planned"] = at
        # a rolled back transaction takes its trigger with it
        self.env.cr.postrollback.add(lambda: cache.pop("sla_tick_planned", None))
        self.env.cr.postcommit.add(lambda: cache.pop("sla_tick_planned", None))
        self.env.cr.postcommit.add(lambda: remember(at))

    @api.model
    def _sla_tick_cron(self):
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id("helpdesk_sla_advanced.ir_cron_sla_tick")
        return self.env["ir.cron"].sudo().browse(cron_id)

    @api.model
    def _sla_schedule_tick(self, at=None):
        """Wake the tick cron at the next instant a clock changes by itself."""
        if at is None:
            first = self.search([("next_action_at", "!=", False)], order="next_action_at", limit=1)
            at = first.next_action_at
        if at:
            self._sla_tick_cron()._trigger(at)
