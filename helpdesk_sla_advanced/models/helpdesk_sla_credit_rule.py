# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from sla_engine import AttainmentRule, AvailabilityRule, Band, CreditError, Linear, TicketRule, check_bands

from .sla_tools import COUNT, SEQUENCE, SHARE_POSITIVE

RULE_KINDS = [
    ("ticket", "Per breached ticket"),
    ("attainment", "Attainment"),
    ("availability", "Availability"),
]
CREDIT_METRICS = [
    ("first_response", "First response"),
    ("next_response", "Next response"),
    ("resolution", "Resolution"),
]


def to_decimal(value):
    """A float typed in a form as the Decimal it reads as (0.1 is 0.1, not 0.1000000000000000055)."""
    return Decimal(repr(float(value or 0.0)))


class HelpdeskSlaCreditRule(models.Model):
    """How a breach turns into a credit: per breached ticket graded by lateness, by the share
    of tickets met in the period (attainment), or by the availability of the service
    measured from outages. A rule belongs to reusable credit terms or to one agreement."""

    _name = "helpdesk.sla.credit.rule"
    _description = "Helpdesk SLA Credit Rule"
    _inherit = ["helpdesk.sla.bounds.mixin"]
    _order = "sequence, id"
    _sla_bounds = {
        "sequence": SEQUENCE,
        "min_tickets": COUNT,
        "commitment": SHARE_POSITIVE,
        "linear_step": SHARE_POSITIVE,
        "linear_percent": SHARE_POSITIVE,
    }

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    terms_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit.terms", index="btree_not_null", ondelete="cascade"
    )
    agreement_id = fields.Many2one(
        comodel_name="helpdesk.sla.agreement", index="btree_not_null", ondelete="cascade"
    )
    company_id = fields.Many2one(
        comodel_name="res.company", compute="_compute_company_id", store=True, index=True
    )
    kind = fields.Selection(selection=RULE_KINDS, required=True, default="ticket")
    metric = fields.Selection(
        selection=CREDIT_METRICS,
        help="Per breached ticket: the clock whose breach is credited (empty: every clock). "
        "Attainment: the clock whose share of targets met is measured.",
    )
    priority = fields.Selection(
        selection="_selection_priority",
        help="Per breached ticket: only tickets of this priority (empty: every priority).",
    )
    amount_type = fields.Selection(
        selection=[("percent", "% of the fee"), ("fixed", "Fixed amount")],
        string="Credit As",
        default="percent",
        required=True,
        help="Per breached ticket: each band credits a share of the period's fee or a fixed amount.",
    )
    min_tickets = fields.Integer(
        string="Minimum Tickets",
        default=1,
        help="Attainment: no credit when the period has fewer clocks of the metric than this.",
    )
    commitment = fields.Float(
        string="Availability Commitment (%)",
        digits=(5, 3),
        default=99.7,
        help="Availability: the share of the period the service is promised to be up.",
    )
    availability_mode = fields.Selection(
        selection=[("bands", "Bands"), ("linear", "Linear")],
        string="Credit Scale",
        default="bands",
        required=True,
    )
    linear_step = fields.Float(
        string="Per Step Of (points)",
        digits=(5, 3),
        default=0.1,
        help="Linear: the credit grows by one step's percentage per full step below the commitment.",
    )
    linear_percent = fields.Float(
        string="Credit Per Step (%)",
        digits=(5, 2),
        default=1.0,
        help="Linear: the share of the fee credited per full step below the commitment.",
    )
    band_ids = fields.One2many(
        comodel_name="helpdesk.sla.credit.band",
        inverse_name="rule_id",
        string="Bands",
        copy=True,
        context={"sla_lines_of_parent": True},
    )
    explanation = fields.Char(compute="_compute_explanation", string="Summary")

    _owner_check = models.Constraint(
        "CHECK ((terms_id IS NULL) <> (agreement_id IS NULL))",
        "A credit rule belongs to credit terms or to one agreement, not both and not neither.",
    )

    @api.model
    def _selection_priority(self):
        return self.env["helpdesk.ticket"]._fields["priority"]._description_selection(self.env)

    @api.depends("terms_id.company_id", "agreement_id.company_id")
    def _compute_company_id(self):
        for rule in self:
            rule.company_id = (rule.agreement_id or rule.terms_id).company_id

    @api.depends("kind", "band_ids", "metric", "priority", "commitment", "availability_mode")
    def _compute_explanation(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for rule in self:
            parts = [kinds.get(rule.kind, "")]
            if rule.kind == "availability":
                parts.append(self.env._("commitment %(value)s %%", value=f"{rule.commitment:g}"))
            parts += [band.display_name for band in rule.band_ids]
            rule.explanation = " · ".join(p for p in parts if p)

    # ------------------------------------------------------------ engine
    def _sla_engine_bands(self):
        """The rule's bands as engine bands: hours of lateness or percentages."""
        self.ensure_one()
        bands = []
        for band in self.band_ids.sorted(lambda b: (b.lower, b.id)):
            if self.kind == "ticket":
                start = timedelta(hours=band.lower)
                end = None if band.unbounded else timedelta(hours=band.upper)
            else:
                start = to_decimal(band.lower)
                end = None if band.unbounded else to_decimal(band.upper)
            bands.append(Band(start=start, end=end, value=to_decimal(band.value)))
        return bands

    def _sla_engine_rule(self):
        """The rule as the engine's plain value (validated: CreditError on bad bands)."""
        self.ensure_one()
        label = self.name
        if self.kind == "ticket":
            return TicketRule(
                key=self.id,
                label=label,
                bands=check_bands(
                    self._sla_engine_bands(),
                    field=self._fields["band_ids"].string,
                    percent=self.amount_type == "percent",
                    worse="higher",
                ),
                metric=self.metric or None,
                priority=self.priority or None,
                fixed=self.amount_type == "fixed",
            )
        if self.kind == "attainment":
            return AttainmentRule(
                key=self.id,
                label=label,
                bands=check_bands(
                    self._sla_engine_bands(), field=self._fields["band_ids"].string, worse="lower"
                ),
                metric=self.metric or "resolution",
                min_tickets=max(self.min_tickets, 1),
            )
        if self.availability_mode == "linear":
            return AvailabilityRule(
                key=self.id,
                label=label,
                commitment=to_decimal(self.commitment),
                linear=Linear(
                    step=to_decimal(self.linear_step), percent_per_step=to_decimal(self.linear_percent)
                ),
            )
        return AvailabilityRule(
            key=self.id,
            label=label,
            commitment=to_decimal(self.commitment),
            bands=check_bands(self._sla_engine_bands(), field=self._fields["band_ids"].string, worse="lower"),
        )

    # ------------------------------------------------------------ validation
    @api.constrains("kind", "band_ids", "amount_type", "availability_mode", "commitment", "metric")
    def _check_bands(self):
        for rule in self:
            if rule.kind == "attainment" and not rule.metric:
                raise ValidationError(
                    self.env._(
                        "Credit rule '%(rule)s': choose the metric whose attainment is measured "
                        "(first response or resolution).",
                        rule=rule.display_name,
                    )
                )
            needs_bands = rule.kind != "availability" or rule.availability_mode == "bands"
            if needs_bands and not rule.band_ids:
                raise ValidationError(
                    self.env._(
                        "Credit rule '%(rule)s' has no band: add at least one (from, to, credit).",
                        rule=rule.display_name,
                    )
                )
            try:
                rule._sla_engine_rule()
            except CreditError as exc:
                raise ValidationError(
                    self.env._("Credit rule '%(rule)s': %(error)s", rule=rule.display_name, error=str(exc))
                ) from None
