# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .sla_tools import OLA_METRICS, STATUS_STATES, new_clock_vals

VISIT_STARTS = [
    ("created", "Ticket created"),
    ("handoff", "Handed over"),
    ("reopened", "Ticket reopened"),
]
VISIT_ENDS = [
    ("handoff", "Handed over"),
    ("resolved", "Resolved"),
    ("archived", "Ticket archived"),
]


class HelpdeskTicketSlaVisit(models.Model):
    """A visit of a ticket to a team: from the moment the team receives it (creation,
    handoff, reopening) until it hands it on or the ticket is resolved.

    The team timeline of a ticket is its visits; each visit carries the OLA that applied
    and its pickup and ownership clocks, and the visits say which team owned the ticket
    when, which is how a breached SLA is attributed to the teams that spent its time.
    """

    _name = "helpdesk.ticket.sla.visit"
    _description = "Helpdesk Ticket Team Visit"
    _order = "ticket_id, sequence, id"

    # looked up through the (ticket_id, sequence) unique index
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", required=True, readonly=True, index=True)
    sequence = fields.Integer(
        string="Visit", readonly=True, help="The visits of a ticket are numbered 1, 2, ..."
    )
    date_start = fields.Datetime(string="Received", required=True, readonly=True)
    date_end = fields.Datetime(string="Left", readonly=True, help="Empty: the team has the ticket now.")
    start_reason = fields.Selection(selection=VISIT_STARTS, string="Received By", readonly=True)
    end_reason = fields.Selection(selection=VISIT_ENDS, string="Left By", readonly=True)
    ola_id = fields.Many2one(
        comodel_name="helpdesk.sla.ola",
        string="OLA",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
    )
    ola_reason = fields.Char(string="Why this OLA", readonly=True)
    status_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla.status", inverse_name="visit_id", string="OLA Clocks", readonly=True
    )
    pickup_status_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.status", compute="_compute_clocks", string="Pickup Clock"
    )
    ownership_status_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.status", compute="_compute_clocks", string="Ownership Clock"
    )
    # what the timeline shows of the visit's clocks
    working_hours = fields.Float(
        compute="_compute_clocks",
        string="Owned For (h)",
        help="Working time of the visit, on the team's hours.",
    )
    target_hours = fields.Float(compute="_compute_clocks", string="Ownership Target (h)")
    pickup_state = fields.Selection(selection=STATUS_STATES, compute="_compute_clocks", string="Pickup")
    ownership_state = fields.Selection(selection=STATUS_STATES, compute="_compute_clocks", string="Ownership")
    time_left = fields.Float(compute="_compute_clocks", string="Time Left (h)")
    wall_hours = fields.Float(compute="_compute_wall_hours", string="Wall-Clock (h)")

    _current_idx = models.Index("(ticket_id) WHERE date_end IS NULL")
    _ticket_sequence_uniq = models.UniqueIndex(
        "(ticket_id, sequence)", "A ticket's visits are numbered once each."
    )

    @api.depends("team_id", "sequence")
    def _compute_display_name(self):
        for visit in self:
            visit.display_name = f"#{visit.sequence} {visit.team_id.display_name or ''}".strip()

    @api.depends(
        "status_ids.metric",
        "status_ids.active",
        "status_ids.state",
        "status_ids.working_hours",
        "status_ids.contractual_hours",
    )
    def _compute_clocks(self):
        # through the tickets' OLA clocks: one read, which the form's own list of OLA clocks
        # then finds in the cache
        clocks_of = self.ticket_id.ola_status_ids.grouped("visit_id")
        Status = self.env["helpdesk.ticket.sla.status"]
        for visit in self:
            clocks = clocks_of.get(visit, Status).filtered("active") if visit.id else visit.status_ids
            pickup = clocks.filtered(lambda s: s.metric == "pickup")[:1]
            ownership = clocks.filtered(lambda s: s.metric == "ownership")[:1]
            visit.pickup_status_id = pickup
            visit.ownership_status_id = ownership
            visit.pickup_state = pickup.state
            visit.ownership_state = ownership.state
            visit.working_hours = ownership.working_hours
            visit.target_hours = ownership.contractual_hours
            visit.time_left = ownership.time_left if ownership and not ownership.reached_at else 0.0

    @api.depends("date_start", "date_end")
    def _compute_wall_hours(self):
        now = fields.Datetime.now()
        for visit in self:
            end = visit.date_end or now
            visit.wall_hours = (end - visit.date_start).total_seconds() / 3600 if visit.date_start else 0.0

    # ------------------------------------------------------------ OLA clocks of a visit
    @api.model
    def _sla_open_for(self, tickets, now, reason, insert=True):
        """These tickets are received by their current team (created, handed over,
        reopened): open a visit each, numbered after the ticket's earlier ones, under the
        team's first matching OLA, with its pickup and ownership clocks.

        Returns the values of the OLA clocks (``insert`` False: for the caller to insert
        with other clocks in one statement) or the clocks inserted and evaluated.
        """
        Status = self.env["helpdesk.ticket.sla.status"]
        tickets = tickets.filtered(lambda t: t.active and t.team_id and not t.stage_id.closed)
        if not tickets:
            return [] if not insert else Status
        numbers = self._sla_last_numbers(tickets) if reason != "created" else {}
        matches = self.env["helpdesk.sla.ola"]._sla_match_visits(tickets)
        starts = {ticket.id: (ticket.sla_start or now) if reason == "created" else now for ticket in tickets}
        visits = self._sla_insert(
            [
                {
                    "ticket_id": ticket.id,
                    "company_id": ticket.company_id.id,
                    "team_id": ticket.team_id.id,
                    "sequence": numbers.get(ticket.id, 0) + 1,
                    "date_start": starts[ticket.id],
                    "start_reason": reason,
                    "ola_id": matches[ticket.id][0].id if matches[ticket.id][0] else None,
                    "ola_reason": matches[ticket.id][1] or None,
                }
                for ticket in tickets
            ]
        )
        vals_list = []
        for ticket, visit in zip(tickets, visits, strict=True):
            config = matches[ticket.id][0]
            for metric in OLA_METRICS if config else ():
                target = config.target_for(metric, ticket.priority)
                if target:
                    vals_list.append(visit._sla_clock_vals(config, target, metric, starts[ticket.id]))
        if not insert:
            return vals_list
        return Status._sla_create_evaluated(vals_list, now)

    @api.model
    def _sla_insert(self, vals_list):
        """INSERT visits in one statement (values complete, as in the columns); return them.
        On the hot path of ticket creation, where the ORM's generic create cost more than the
        visit is worth."""
        columns = (
            "ticket_id",
            "company_id",
            "team_id",
            "sequence",
            "date_start",
            "start_reason",
            "ola_id",
            "ola_reason",
        )
        uid, stamp = self.env.uid, self.env.cr.now()
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                "INSERT INTO helpdesk_ticket_sla_visit (%s, create_uid, create_date, write_uid, write_date) "
                "VALUES %s RETURNING id",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL(", ").join(
                    SQL("%s", (*(vals[c] for c in columns), uid, stamp, uid, stamp)) for vals in vals_list
                ),
            )
        )
        visits = self.browse([row[0] for row in rows])
        # the tickets' visit lists are stale (which also drops the visits' ticket_id from the
        # cache: so before the new rows are put in it)
        self.env["helpdesk.ticket"].browse({vals["ticket_id"] for vals in vals_list}).invalidate_recordset(
            ["sla_visit_ids"]
        )
        for column in columns:
            self._fields[column]._insert_cache(visits, [vals[column] for vals in vals_list])
        for column, value in (
            ("date_end", None),
            ("end_reason", None),
            ("create_uid", uid),
            ("write_uid", uid),
            ("create_date", stamp),
            ("write_date", stamp),
        ):
            self._fields[column]._insert_cache(visits, [value] * len(visits))
        return visits

    @api.model
    def _sla_last_numbers(self, tickets):
        """{ticket id: number of its last visit}."""
        groups = self.sudo()._read_group([("ticket_id", "in", tickets.ids)], ["ticket_id"], ["sequence:max"])
        return {ticket.id: number for ticket, number in groups}

    def _sla_clock_vals(self, config, target, metric, start, replay=False):
        """Values of a new OLA clock of this visit (``replay``: created after the fact, its
        pauses and its pickup are found in the ticket's history since ``start``)."""
        self.ensure_one()
        ticket = self.ticket_id
        cal_id, tz = self.env["helpdesk.sla.ola"]._sla_calendar_key(config, self.team_id)
        events = [
            {
                "kind": "start",
                "at": start,
                "reason": self.ola_reason or config.name,
                "contractual_hours": target.contractual_hours,
                "internal_hours": target.internal_hours,
                "time_kind": target.time_kind,
            }
        ]
        pause_stages = config.pause_stage_ids_for(ticket._sla_config())
        if replay:
            events += ticket._sla_replay_pauses(pause_stages, start)
        elif ticket.stage_id.id in pause_stages:
            events.append({"kind": "pause", "at": start, "reason": ticket.stage_id.name})
        if metric == "pickup":
            picked = self._sla_pickup_in_history(start) if replay else None
            if picked:
                events.append({"kind": "stop", "at": picked[0], "reason": picked[1]})
            elif ticket.user_id and ticket.user_id in self.team_id.user_ids:
                # received by a team one of whose members has the ticket: picked up at once
                events.append({"kind": "stop", "at": start, "reason": ticket.user_id.name})
        return new_clock_vals(
            ticket,
            target,
            metric,
            self.sequence,
            (cal_id, tz),
            start,
            events,
            policy_id=False,
            ola_id=config.id,
            visit_id=self.id,
            ola_team_id=self.team_id.id,
        )

    def _sla_pickup_in_history(self, start):
        """``(when, who)`` a member of this visit's team first had the ticket assigned or
        replied publicly since ``start``, or None."""
        self.ensure_one()
        ticket, members = self.ticket_id, self.team_id.user_ids
        found = []
        for _team, user, _stage, date_start, date_end in ticket._sla_periods():
            if user in members and (not date_end or date_end > start):
                found.append((max(date_start, start), user.name))
                break
        reply = ticket._sla_first_agent_reply(start, members.partner_id)
        if reply:
            found.append((reply.date, reply.author_id.name))
        return min(found) if found else None

    @api.model
    def _sla_current(self, tickets):
        """The open visits of ``tickets`` (one each at most)."""
        if not tickets:
            return self.browse()
        return self.sudo().search_fetch(
            [("ticket_id", "in", tickets.ids), ("date_end", "=", False)],
            ["ticket_id", "team_id", "sequence", "date_start", "ola_id", "ola_reason"],
        )

    @api.model
    def _sla_close_for(self, tickets, now, reason, why):
        """The current teams of ``tickets`` leave them (handed over, resolved): end their
        visits and stop the visits' open OLA clocks, met or breached as of now.
        Returns the clocks stopped."""
        visits = self._sla_current(tickets)
        if not visits:
            return self.env["helpdesk.ticket.sla.status"]
        visits.write({"date_end": now, "end_reason": reason})
        clocks = visits._sla_open_clocks()
        stop = [{"kind": "stop", "at": now, "reason": why}]
        return tickets._sla_add_events_batch([(clock, stop) for clock in clocks])

    def _sla_open_clocks(self, metrics=OLA_METRICS):
        """The active OLA clocks of these visits not reached yet."""
        if not self:
            return self.env["helpdesk.ticket.sla.status"]
        return (
            self.env["helpdesk.ticket.sla.status"]
            .sudo()
            .search_fetch(
                [
                    ("visit_id", "in", self.ids),
                    ("active", "=", True),
                    ("reached_at", "=", False),
                    ("metric", "in", list(metrics)),
                ],
                ["ticket_id", "company_id", "visit_id", "ola_id", "ola_team_id", "metric", "state", "paused"],
                order="id",
            )
        )

    @api.model
    def _sla_picked_up(self, tickets, users, now):
        """``users`` ({ticket id: res.users}) were assigned to or replied on ``tickets``: the
        pickup clock of each ticket's current visit stops when that user is a member of
        the visiting team. Returns the clocks stopped."""
        todo = []
        for clock in self._sla_current(tickets)._sla_open_clocks(("pickup",)):
            user = users.get(clock.ticket_id.id)
            if user and user in clock.ola_team_id.user_ids:
                todo.append((clock, [{"kind": "stop", "at": now, "reason": user.name}]))
        return tickets._sla_add_events_batch(todo)

    @api.model
    def _sla_reconcile_for(self, tickets, now):
        """Match the OLA of the current visits of ``tickets`` again (their priority,
        category... changed, or the OLAs did) and bring their clocks in line: new targets
        apply from the start of the visit; clocks already reached keep their verdict;
        an OLA that no longer applies has its open clocks archived (history kept).
        Returns the clocks to evaluate."""
        Status = self.env["helpdesk.ticket.sla.status"].sudo().with_context(active_test=False)
        visits = self._sla_current(tickets)
        if not visits:
            return Status.browse()
        matches = self.env["helpdesk.sla.ola"]._sla_match_visits(visits.ticket_id)
        clocks = Status.search_fetch(
            [("visit_id", "in", visits.ids)],
            [
                "visit_id",
                "ola_id",
                "target_id",
                "metric",
                "reached_at",
                "active",
                "paused",
                "contractual_hours",
                "internal_hours",
                "time_kind",
                "calendar_id",
                "tz",
            ],
            order="id",
        ).grouped("visit_id")
        touched, to_create, todo = Status.browse(), [], []
        for visit in visits:
            ticket = visit.ticket_id
            config, reason = matches[ticket.id]
            if (visit.ola_id.id or False) != (config.id if config else False) or visit.ola_reason != reason:
                visit.write({"ola_id": config.id if config else False, "ola_reason": reason})
            mine = {clock.metric: clock for clock in clocks.get(visit, Status)}
            for metric in OLA_METRICS:
                clock = mine.get(metric)
                target = config.target_for(metric, ticket.priority) if config else None
                if clock and clock.reached_at:
                    continue  # reached: its verdict stays
                if clock and not target:
                    if clock.active:
                        clock.write({"active": False, "next_action_at": False})
                        touched |= clock
                    continue
                if not target:
                    continue
                if not clock:
                    to_create.append(
                        visit._sla_clock_vals(config, target, metric, visit.date_start, replay=True)
                    )
                    continue
                vals, events = clock._sla_retarget(
                    "ola_id",
                    config,
                    target,
                    self.env["helpdesk.sla.ola"]._sla_calendar_key(config, visit.team_id),
                    reason,
                    now,
                )
                if events:
                    todo.append((clock, events))
                if vals:
                    clock.write(vals)
                    touched |= clock
        touched |= tickets._sla_add_events_batch(todo)
        return touched | Status._sla_create_evaluated(to_create, now)
