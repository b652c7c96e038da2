# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from sla_engine import Level, Trigger

from .sla_tools import (
    HOURS_OR_NONE,
    MAX_HOURS,
    MAX_PERCENT,
    METRICS,
    OLA_METRICS,
    SEQUENCE,
    SLA_METRICS,
    TIME_KINDS,
    Bound,
    duration,
)

TRIGGERS = [
    ("percent_internal", "% of the internal target"),
    ("percent_contractual", "% of the contractual target"),
    ("before_deadline", "Before the contractual deadline"),
    ("after_deadline", "After the contractual deadline"),
]


class HelpdeskSlaEscalation(models.Model):
    """A level of a policy's escalation ladder for one metric: a reminder before the
    deadline or an escalation after it, with the actions it takes."""

    _name = "helpdesk.sla.escalation"
    _inherit = ["helpdesk.sla.bounds.mixin"]
    _description = "Helpdesk SLA Escalation Level"
    _order = "policy_id, metric, sequence, id"
    # the percentage only counts for the percentage triggers, where it must also be above 0
    _sla_bounds = {
        "percent": Bound(0.0, MAX_PERCENT, unit="%"),
        "offset_hours": HOURS_OR_NONE,
        "sequence": SEQUENCE,
    }

    name = fields.Char(required=True, translate=True)
    # a level belongs to an SLA policy's ladder or to an OLA's
    policy_id = fields.Many2one(
        comodel_name="helpdesk.sla.policy", index="btree_not_null", ondelete="cascade"
    )
    ola_id = fields.Many2one(
        comodel_name="helpdesk.sla.ola", string="OLA", index="btree_not_null", ondelete="cascade"
    )
    company_id = fields.Many2one(comodel_name="res.company", compute="_compute_company_id", store=True)
    metric = fields.Selection(selection=METRICS, required=True, default="resolution")
    sequence = fields.Integer(default=10, help="Order of the level in its ladder.")
    active = fields.Boolean(default=True)
    trigger = fields.Selection(selection=TRIGGERS, required=True, default="percent_internal")
    percent = fields.Float(
        string="Percentage", default=75.0, help="Share of the target, e.g. 75 or 150 (after the deadline)."
    )
    offset_hours = fields.Float(string="Offset", help="Hours before or after the contractual deadline.")
    offset_kind = fields.Selection(
        selection=TIME_KINDS,
        string="Offset Counted In",
        default="business",
        required=True,
        help="Business hours count on the policy's calendar; calendar hours count 24/7.",
    )
    action_ids = fields.One2many(
        comodel_name="helpdesk.sla.escalation.action",
        inverse_name="escalation_id",
        string="Actions",
        copy=True,
        # lines deleted through this field: the level's own constraint checks what is left
        context={"sla_lines_of_parent": True},
    )
    summary = fields.Char(compute="_compute_summary", string="When")

    @api.depends("trigger", "percent", "offset_hours", "offset_kind")
    def _compute_summary(self):
        kinds = dict(self._fields["offset_kind"]._description_selection(self.env))
        for level in self:
            if level.trigger == "percent_internal":
                level.summary = self.env._(
                    "%(percent)s%% of the internal target", percent=f"{level.percent:g}"
                )
            elif level.trigger == "percent_contractual":
                level.summary = self.env._(
                    "%(percent)s%% of the contractual target", percent=f"{level.percent:g}"
                )
            elif not level.offset_hours:
                level.summary = self.env._("at the contractual deadline")
            elif level.trigger == "before_deadline":
                level.summary = self.env._(
                    "%(hours)s h (%(kind)s) before the deadline",
                    hours=f"{level.offset_hours:g}",
                    kind=kinds.get(level.offset_kind, "").lower(),
                )
            else:
                level.summary = self.env._(
                    "%(hours)s h (%(kind)s) after the deadline",
                    hours=f"{level.offset_hours:g}",
                    kind=kinds.get(level.offset_kind, "").lower(),
                )

    @api.depends("policy_id.company_id", "ola_id.company_id")
    def _compute_company_id(self):
        for level in self:
            level.company_id = level.policy_id.company_id or level.ola_id.company_id

    def _owner(self):
        """The SLA policy or the OLA whose ladder this level is in."""
        self.ensure_one()
        return self.policy_id or self.ola_id

    def _label(self):
        if self.ola_id:
            return self.env._(
                "Escalation level '%(level)s' of OLA '%(ola)s'", level=self.name, ola=self.ola_id.display_name
            )
        return self.env._(
            "Escalation level '%(level)s' of policy '%(policy)s'",
            level=self.name,
            policy=self.policy_id.display_name,
        )

    @api.constrains("policy_id", "ola_id", "metric")
    def _check_owner(self):
        for level in self:
            if bool(level.policy_id) == bool(level.ola_id):
                raise ValidationError(
                    self.env._(
                        "Escalation level '%(level)s' belongs to an SLA policy or to an OLA, one of them.",
                        level=level.name,
                    )
                )
            allowed = SLA_METRICS if level.policy_id else OLA_METRICS
            if level.metric not in allowed:
                labels = dict(self._fields["metric"]._description_selection(self.env))
                raise ValidationError(
                    self.env._(
                        "%(level)s: '%(metric)s' is not a metric of %(kind)s (use %(allowed)s).",
                        level=level._label(),
                        metric=labels.get(level.metric, level.metric),
                        kind=self.env._("an SLA policy") if level.policy_id else self.env._("an OLA"),
                        allowed=", ".join(labels[m] for m in allowed),
                    )
                )

    # ------------------------------------------------------------ validation
    @api.constrains("action_ids", "active")
    def _check_actions(self):
        for level in self.filtered("active"):
            if not level.action_ids:
                raise ValidationError(
                    self.env._("%(level)s has no action: add at least one.", level=level._label())
                )

    @api.constrains("trigger", "percent", "offset_hours")
    def _check_values(self):
        for level in self:
            if level.trigger in ("percent_internal", "percent_contractual") and level.percent <= 0:
                raise ValidationError(
                    self.env._(
                        "%(level)s: the percentage must be greater than zero (got %(value)s).",
                        level=level._label(),
                        value=level.percent,
                    )
                )
            if level.offset_hours < 0:
                raise ValidationError(
                    self.env._(
                        "%(level)s: the offset cannot be negative (got %(value)s h); choose "
                        "'before' or 'after' the deadline instead.",
                        level=level._label(),
                        value=level.offset_hours,
                    )
                )

    @api.constrains("trigger", "percent", "metric", "policy_id", "ola_id")
    def _check_reach(self):
        """A percentage level is due at most ten years of working time after the start."""
        for level in self.filtered(lambda lv: lv.trigger in ("percent_internal", "percent_contractual")):
            for target in level._owner().target_ids.filtered(lambda t, m=level.metric: t.metric == m):
                base = target.contractual_hours
                if level.trigger == "percent_internal" and target.internal_hours:
                    base = target.internal_hours
                reach = base * level.percent / 100.0
                if reach > MAX_HOURS:
                    raise ValidationError(
                        self.env._(
                            "%(level)s: %(percent)s%% of target '%(target)s' (%(base)s h) is %(reach)s h, "
                            "beyond the %(max)s h (ten years) a level may be due at.",
                            level=level._label(),
                            percent=f"{level.percent:g}",
                            target=target.display_name,
                            base=f"{base:,g}",
                            reach=f"{reach:,g}",
                            max=f"{MAX_HOURS:,g}",
                        )
                    )

    def _sla_position(self, target):
        """Counted hours from the start at which this level is due for ``target``, when it
        can be compared without a calendar (None when the units differ)."""
        self.ensure_one()
        internal = target.internal_hours or target.contractual_hours
        if self.trigger == "percent_internal":
            return internal * self.percent / 100.0
        if self.trigger == "percent_contractual":
            return target.contractual_hours * self.percent / 100.0
        if self.offset_hours and self.offset_kind != target.time_kind:
            return None
        sign = -1 if self.trigger == "before_deadline" else 1
        return target.contractual_hours + sign * self.offset_hours

    @api.constrains("sequence", "trigger", "percent", "offset_hours", "offset_kind", "metric", "active")
    def _check_order(self):
        for policy, metric in {(level._owner(), level.metric) for level in self}:
            ladder = policy.escalation_ids.filtered(lambda lv, m=metric: lv.metric == m and lv.active)
            ladder = ladder.sorted(lambda lv: (lv.sequence, lv.id))
            for target in policy.target_ids.filtered(lambda t, m=metric: t.metric == m):
                previous = None
                for level in ladder:
                    position = level._sla_position(target)
                    if position is None:
                        continue
                    if previous and position < previous[1]:
                        raise ValidationError(
                            self.env._(
                                "Escalation levels of policy '%(policy)s' are out of order for target "
                                "'%(target)s': '%(level)s' (at %(at)s h) comes after '%(before)s' "
                                "(at %(before_at)s h) but is due earlier. Reorder them.",
                                policy=policy.display_name,
                                target=target.display_name,
                                level=level.name,
                                at=f"{position:g}",
                                before=previous[0].name,
                                before_at=f"{previous[1]:g}",
                            )
                        )
                    previous = (level, position)

    def _sla_status_sentence(self, ticket, status):
        """Where the clock ``status`` of ``ticket`` stands as this level fires."""
        deadline = fields.Datetime.to_string(status.deadline) if status.deadline else "-"
        return self.env._(
            "%(metric)s of ticket %(ticket)s, due %(deadline)s UTC, is %(state)s.",
            metric=status.display_name,
            ticket=ticket.display_name,
            deadline=deadline,
            state=dict(status._fields["state"]._description_selection(self.env)).get(status.state),
        )

    # ------------------------------------------------------------ engine
    def _engine_level(self):
        self.ensure_one()
        return Level(
            id=self.id,
            sequence=self.sequence,
            trigger=Trigger(self.trigger),
            percent=self.percent,
            offset=duration(self.offset_hours),
            business=self.offset_kind == "business",
        )

    def _sla_changed(self, policies, olas):
        """A ladder changed: recompute when the open clocks concerned act next."""
        self.env["helpdesk.sla.policy"]._sla_config_changed(None if olas else policies)

    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        self._sla_changed(levels.policy_id, levels.ola_id)
        return levels

    def write(self, vals):
        result = super().write(vals)
        self._sla_changed(self.policy_id, self.ola_id)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fired(self):
        fired = (
            self.env["helpdesk.ticket.sla.firing"]
            .sudo()
            .search_count([("escalation_id", "in", self.ids)], limit=1)
        )
        if fired:
            raise UserError(
                self.env._(
                    "Escalation levels that already fired keep their history: archive them instead of "
                    "deleting them (%(names)s).",
                    names=", ".join(self.mapped("name")),
                )
            )

    def unlink(self):
        policies, olas = self.policy_id, self.ola_id
        result = super().unlink()
        self._sla_changed(policies.exists(), olas.exists())
        return result
