# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sla_tools import HOURS, HOURS_OR_NONE, METRICS, OLA_METRICS, SEQUENCE, SLA_METRICS, TIME_KINDS


class HelpdeskSlaTarget(models.Model):
    _name = "helpdesk.sla.target"
    _inherit = ["helpdesk.sla.bounds.mixin"]
    _description = "Helpdesk SLA Target"
    _order = "policy_id, sequence, metric, priority, id"
    _sla_bounds = {"contractual_hours": HOURS, "internal_hours": HOURS_OR_NONE, "sequence": SEQUENCE}

    # a target belongs to an SLA policy (customer metrics) or to an OLA (team metrics)
    policy_id = fields.Many2one(
        comodel_name="helpdesk.sla.policy", index="btree_not_null", ondelete="cascade"
    )
    ola_id = fields.Many2one(
        comodel_name="helpdesk.sla.ola", string="OLA", index="btree_not_null", ondelete="cascade"
    )
    company_id = fields.Many2one(
        comodel_name="res.company", compute="_compute_company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    metric = fields.Selection(selection=METRICS, required=True, default="resolution")
    priority = fields.Selection(
        selection="_selection_priority",
        help="Leave empty for a target that applies to every priority without its own target.",
    )
    contractual_hours = fields.Float(
        string="Contractual Target",
        required=True,
        help="What the contract promises (hours).",
    )
    internal_hours = fields.Float(
        string="Internal Target",
        help="The stricter target the team aims for (hours); empty: none. Passing it puts the "
        "ticket at risk.",
    )
    time_kind = fields.Selection(
        selection=TIME_KINDS,
        string="Count",
        default="business",
        required=True,
        help="Business hours count on the policy's working calendar; calendar hours count 24/7.",
    )

    _metric_priority_uniq = models.UniqueIndex(
        "(policy_id, metric, COALESCE(priority, ''))",
        "A policy has one target per metric and priority.",
    )
    _ola_metric_priority_uniq = models.UniqueIndex(
        "(ola_id, metric, COALESCE(priority, '')) WHERE ola_id IS NOT NULL",
        "An OLA has one target per metric and priority.",
    )

    @api.depends("policy_id.company_id", "ola_id.company_id")
    def _compute_company_id(self):
        for target in self:
            target.company_id = target.policy_id.company_id or target.ola_id.company_id

    def _owner(self):
        """The SLA policy or the OLA of this target."""
        self.ensure_one()
        return self.policy_id or self.ola_id

    @api.constrains("policy_id", "ola_id", "metric")
    def _check_owner(self):
        for target in self:
            if bool(target.policy_id) == bool(target.ola_id):
                raise ValidationError(
                    self.env._(
                        "Target '%(target)s' belongs to an SLA policy or to an OLA, one of them.",
                        target=target.display_name,
                    )
                )
            allowed = SLA_METRICS if target.policy_id else OLA_METRICS
            if target.metric not in allowed:
                labels = dict(self._fields["metric"]._description_selection(self.env))
                raise ValidationError(
                    self.env._(
                        "%(target)s: '%(metric)s' is not a metric of %(kind)s (use %(allowed)s).",
                        target=target._label(),
                        metric=labels.get(target.metric, target.metric),
                        kind=self.env._("an SLA policy") if target.policy_id else self.env._("an OLA"),
                        allowed=", ".join(labels[m] for m in allowed),
                    )
                )

    @api.model
    def _selection_priority(self):
        return self.env["helpdesk.ticket"]._fields["priority"]._description_selection(self.env)

    @api.depends("metric", "priority", "policy_id")
    def _compute_display_name(self):
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        priorities = dict(self._selection_priority())
        for target in self:
            priority = priorities.get(target.priority) or self.env._("any priority")
            target.display_name = f"{metrics.get(target.metric, '')} / {priority}"

    def _label(self):
        if self.ola_id:
            return self.env._(
                "Target '%(target)s' of OLA '%(ola)s'", target=self.display_name, ola=self.ola_id.display_name
            )
        return self.env._(
            "Target '%(target)s' of policy '%(policy)s'",
            target=self.display_name,
            policy=self.policy_id.display_name,
        )

    @api.constrains("contractual_hours", "internal_hours", "metric")
    def _check_escalation_reach(self):
        (self.policy_id.escalation_ids | self.ola_id.escalation_ids)._check_reach()

    @api.constrains("contractual_hours", "internal_hours")
    def _check_hours(self):
        for target in self:
            if target.contractual_hours <= 0:
                raise ValidationError(
                    self.env._(
                        "%(target)s: the contractual target must be greater than zero (got %(value)s h).",
                        target=target._label(),
                        value=target.contractual_hours,
                    )
                )
            if target.internal_hours < 0:
                raise ValidationError(
                    self.env._(
                        "%(target)s: the internal target cannot be negative (got %(value)s h).",
                        target=target._label(),
                        value=target.internal_hours,
                    )
                )
            if target.internal_hours > target.contractual_hours:
                raise ValidationError(
                    self.env._(
                        "%(target)s: the internal target (%(internal)s h) is looser than the "
                        "contractual one (%(contractual)s h); it must be shorter or equal.",
                        target=target._label(),
                        internal=target.internal_hours,
                        contractual=target.contractual_hours,
                    )
                )

    def _sla_changed(self, policies, olas):
        """The targets of ``policies`` or ``olas`` changed: re-evaluate their tickets (an
        OLA's are those with a visit of its team: every open ticket, to be safe)."""
        self.env["helpdesk.sla.policy"]._sla_config_changed(None if olas else policies)

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        self._sla_changed(targets.policy_id, targets.ola_id)
        return targets

    def write(self, vals):
        result = super().write(vals)
        self._sla_changed(self.policy_id, self.ola_id)
        return result

    def unlink(self):
        policies, olas = self.policy_id, self.ola_id
        result = super().unlink()
        policies, olas = policies.exists(), olas.exists()
        if not self.env.context.get("sla_lines_of_parent"):
            policies._check_targets()  # "at least one target", whatever is deleted
            olas._check_targets()
        self._sla_changed(policies, olas)
        return result
