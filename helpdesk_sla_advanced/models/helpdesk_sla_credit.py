# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service-credit statements: one per agreement and period, computed by the engine
(``sla_engine.credits``) from the customer's SLA clocks, the outages of the service and
the maintenance windows, then approved and issued by SLA finance.

Data is read in sets: one query for the clocks of every agreement of a run, one for the
outages, one for their tickets' customers, one for the maintenance windows, whatever the
number of tickets; only clocks still open and late at the end of the period are replayed
by the engine (to count their lateness up to that end).
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from sla_engine import (
    Adjustment,
    ClockOutcome,
    CreditError,
    Exclusion,
    Outage,
    compute_statement,
)

from .sla_tools import SLA_METRICS, aware, hours, naive

CREDIT_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("issued", "Issued"),
    ("rejected", "Rejected"),
]
# what only the module writes (as superuser, after checking who asks)
COMPUTED_FIELDS = {
    "agreement_id",
    "period_start",
    "period_end",
    "state",
    "line_ids",
    "exclusion_ids",
    "subtotal",
    "cap_amount",
    "capped",
    "below_minimum",
    "rules_total",
    "total",
    "fee",
    "availability",
    "commitment",
    "downtime_hours",
    "excluded_hours",
    "clock_count",
    "breach_count",
    "explanation",
    "computed_at",
    "approved_by_id",
    "approved_on",
    "issued_on",
}
ADJUSTMENT_HORIZON = relativedelta(months=12)


class Ref(str):
    """A ticket, outage or statement behind a credit: shown (and compared, in C) by its
    name, which is unique for tickets (their number); it remembers its record."""

    def __new__(cls, model, record_id, label):
        ref = super().__new__(cls, label)
        ref.model, ref.id = model, record_id
        return ref


class HelpdeskSlaCredit(models.Model):
    """The service credits of one agreement for one period."""

    _name = "helpdesk.sla.credit"
    _description = "Helpdesk SLA Credit Statement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, agreement_id, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    agreement_id = fields.Many2one(
        comodel_name="helpdesk.sla.agreement", required=True, index=True, readonly=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="agreement_id.partner_id", store=True, index=True, string="Customer")
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id", store=True)
    credit_mode = fields.Selection(related="agreement_id.credit_mode", string="Credits Given")
    period_start = fields.Date(required=True, readonly=True, index=True)
    period_end = fields.Date(readonly=True, help="The period's last day.")
    state = fields.Selection(
        selection=CREDIT_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    line_ids = fields.One2many(
        comodel_name="helpdesk.sla.credit.line",
        inverse_name="credit_id",
        string="Credits",
        domain=[("kind", "!=", "exclusion")],
        readonly=True,
    )
    exclusion_ids = fields.One2many(
        comodel_name="helpdesk.sla.credit.line",
        inverse_name="credit_id",
        string="Exclusions",
        domain=[("kind", "=", "exclusion")],
        readonly=True,
    )
    fee = fields.Monetary(readonly=True, help="The agreement's fee for the period, when it was computed.")
    subtotal = fields.Monetary(readonly=True, help="The rules' credits before the cap and the minimum.")
    cap_amount = fields.Monetary(string="Cap", readonly=True)
    capped = fields.Boolean(readonly=True)
    below_minimum = fields.Boolean(readonly=True)
    rules_total = fields.Monetary(
        string="Period Credit", readonly=True, help="The period's own credit, after the cap and the minimum."
    )
    total = fields.Monetary(
        readonly=True, tracking=True, help="Period credit plus adjustments of earlier periods."
    )
    availability = fields.Float(string="Availability (%)", digits=(7, 3), readonly=True)
    commitment = fields.Float(string="Commitment (%)", digits=(7, 3), readonly=True)
    downtime_hours = fields.Float(string="Downtime (h)", readonly=True)
    excluded_hours = fields.Float(string="Excluded Downtime (h)", readonly=True)
    clock_count = fields.Integer(string="Clocks", readonly=True, help="SLA clocks due in the period.")
    breach_count = fields.Integer(string="Breaches", readonly=True)
    explanation = fields.Text(readonly=True)
    computed_at = fields.Datetime(readonly=True)
    claim_date = fields.Date(
        tracking=True, help="When the customer claimed the credit (agreements on claim)."
    )
    reject_reason = fields.Char(tracking=True)
    approved_by_id = fields.Many2one(comodel_name="res.users", string="Approved By", readonly=True)
    approved_on = fields.Datetime(readonly=True)
    issued_on = fields.Datetime(readonly=True)

    _agreement_period_uniq = models.UniqueIndex(
        "(agreement_id, period_start)", "An agreement has one credit statement per period."
    )

    @api.depends("agreement_id.partner_id", "agreement_id.period", "period_start")
    def _compute_name(self):
        for credit in self:
            start = credit.period_start
            if not start:
                credit.name = False
                continue
            if credit.agreement_id.period == "quarterly":
                label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            else:
                label = f"{start.year}-{start.month:02d}"
            credit.name = f"{credit.agreement_id.partner_id.display_name or ''} {label}".strip()

    # ------------------------------------------------------------ protection
    def write(self, vals):
        computed = COMPUTED_FIELDS & set(vals)
        if computed and not self.env.su:
            raise AccessError(
                self.env._(
                    "Credit statements are computed and move through their workflow by their buttons; "
                    "nobody writes %(fields)s by hand.",
                    fields=", ".join(sorted(computed)),
                )
            )
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Credit statements are created by computing an agreement's period, not by hand.")
            )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(credit.state != "draft" for credit in self):
            raise UserError(
                self.env._(
                    "Only draft credit statements can be deleted: a statement sent for approval, approved, "
                    "issued or rejected is kept."
                )
            )

    # ------------------------------------------------------------ rights
    @api.model
    def _sla_check_group(self, group, what):
        if self.env.su or self.env.user.has_group(group):
            return
        name = self.env.ref(group).sudo().display_name
        raise AccessError(self.env._("Only members of '%(group)s' can %(what)s.", group=name, what=what))

    # ------------------------------------------------------------ workflow
    def action_recompute(self):
        self._sla_check_compute_right()
        for credit in self:
            if credit.state != "draft":
                raise UserError(
                    self.env._(
                        "'%(name)s' is %(state)s: only a draft is recomputed; a later change to this "
                        "period becomes an adjustment on the next statement.",
                        name=credit.display_name,
                        state=dict(CREDIT_STATES)[credit.state],
                    )
                )
        for period_start, credits in self.grouped("period_start").items():
            self._sla_compute(credits.agreement_id, period_start)
        return True

    @api.model
    def _sla_check_compute_right(self):
        """Statements are SLA finance's: agents and SLA managers read them."""
        self._sla_check_group(
            "helpdesk_sla_advanced.group_sla_finance", self.env._("compute service credits")
        )

    def _sla_move(self, origin, what):
        for credit in self:
            if credit.state not in origin:
                raise UserError(
                    self.env._(
                        "Cannot %(what)s '%(name)s': it is %(state)s.",
                        what=what,
                        name=credit.display_name,
                        state=dict(CREDIT_STATES)[credit.state],
                    )
                )

    def action_submit(self):
        self._sla_check_compute_right()
        self._sla_move({"draft"}, self.env._("send for approval"))
        for credit in self:
            agreement = credit.agreement_id
            if agreement.credit_mode == "claim":
                deadline = credit.period_end + timedelta(days=agreement.claim_days)
                if not credit.claim_date:
                    raise ValidationError(
                        self.env._(
                            "'%(name)s': the agreement gives credits on claim; set the 'Claim Date' the "
                            "customer claimed it (by %(deadline)s).",
                            name=credit.display_name,
                            deadline=deadline,
                        )
                    )
                if credit.claim_date > deadline:
                    raise ValidationError(
                        self.env._(
                            "'%(name)s': 'Claim Date' %(date)s is after the claim window, which closed on "
                            "%(deadline)s.",
                            name=credit.display_name,
                            date=credit.claim_date,
                            deadline=deadline,
                        )
                    )
        self.sudo().write({"state": "to_approve"})
        return True

    def action_approve(self):
        self._sla_check_group(
            "helpdesk_sla_advanced.group_sla_finance", self.env._("approve service credits")
        )
        self._sla_move({"to_approve"}, self.env._("approve"))
        self.sudo().write(
            {"state": "approved", "approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now()}
        )
        self.agreement_id._sla_check_chronic_failure()
        return True

    def action_issue(self):
        self._sla_check_group("helpdesk_sla_advanced.group_sla_finance", self.env._("issue service credits"))
        self._sla_move({"approved"}, self.env._("issue"))
        self.sudo().write({"state": "issued", "issued_on": fields.Datetime.now()})
        return True

    def action_reject(self):
        self._sla_check_group("helpdesk_sla_advanced.group_sla_finance", self.env._("reject service credits"))
        self._sla_move({"draft", "to_approve"}, self.env._("reject"))
        for credit in self:
            if not (credit.reject_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "'%(name)s': write the 'Reject Reason' before rejecting: it is kept with the "
                        "statement.",
                        name=credit.display_name,
                    )
                )
        self.sudo().write({"state": "rejected"})
        return True

    def action_reset_to_draft(self):
        self._sla_check_group("helpdesk_sla_advanced.group_sla_finance", self.env._("reset service credits"))
        self._sla_move({"to_approve", "rejected"}, self.env._("reset to draft"))
        self.sudo().write({"state": "draft"})
        return True

    def _get_report_base_filename(self):
        """The SLA report's file name (the portal's download names the file with it)."""
        self.ensure_one()
        return self.env._("SLA report - %(name)s", name=self.name or "")

    def action_sla_send_report(self):
        """Open the e-mail composer with the SLA report template (its PDF attached)."""
        self.ensure_one()
        self._sla_check_compute_right()
        template = self.env.ref("helpdesk_sla_advanced.mail_template_sla_credit_report")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    @api.model
    def _sla_expire_claims(self, today=None):
        """Drafts of agreements on claim whose window closed without a claim are rejected."""
        today = today or fields.Date.context_today(self)
        drafts = self.sudo().search(
            [("state", "=", "draft"), ("credit_mode", "=", "claim"), ("claim_date", "=", False)]
        )
        for credit in drafts:
            days = credit.agreement_id.claim_days
            if credit.period_end + timedelta(days=days) < today:
                credit.write(
                    {
                        "state": "rejected",
                        "reject_reason": self.env._(
                            "No claim within %(days)s days of the period's end.", days=days
                        ),
                    }
                )

    # ------------------------------------------------------------ computation
    @api.model
    def _sla_compute(self, agreements, period_start):
        """Compute the statement of ``agreements`` for the period that starts on ``period_start``:
        create it, or replace a draft; an approved, issued or rejected statement is left as it is
        (a later change to its period becomes an adjustment on the next one). Returns the
        statements created or replaced."""
        Credit = self.sudo()
        agreements = agreements.sudo().filtered(lambda a: a._sla_covers(period_start))
        existing = {
            credit.agreement_id.id: credit
            for credit in Credit.search(
                [("agreement_id", "in", agreements.ids), ("period_start", "=", period_start)]
            )
        }
        todo = agreements.filtered(lambda a: a.id not in existing or existing[a.id].state == "draft")
        if not todo:
            return Credit
        # every rule and band of the run in one read each, not one per agreement
        (todo.terms_id.rule_ids | todo.rule_ids).band_ids.fetch(
            ["rule_id", "lower", "upper", "unbounded", "value"]
        )
        inputs = self._sla_inputs(todo, period_start)
        adjustments = self._sla_adjustments(todo, period_start, [c.id for c in existing.values()])
        now = fields.Datetime.now()
        result, create_vals, lines_of, rules_cache = Credit, [], {}, {}
        for agreement in todo:
            data = inputs[agreement.id]
            statement = self._sla_run_engine(agreement, data, adjustments.get(agreement.id, ()), rules_cache)
            vals, lines = self._sla_statement_vals(agreement, data, statement)
            vals.update(
                period_end=agreement._sla_period_end(period_start) - timedelta(days=1), computed_at=now
            )
            lines_of[agreement.id] = lines
            credit = existing.get(agreement.id)
            if credit:
                (credit.line_ids | credit.exclusion_ids).unlink()
                credit.write(vals)
                result |= credit
            else:
                vals.update(agreement_id=agreement.id, period_start=period_start)
                create_vals.append(vals)
        if create_vals:
            result |= Credit.create(create_vals)
        self._sla_create_lines(result, lines_of)
        return result

    def _sla_create_lines(self, credits, lines_of):
        """Create the lines of ``credits`` in one batch, and link their tickets and outages with
        one INSERT per relation (an availability line may name hundreds of outages, a month of
        breaches thousands of tickets: the ORM would quote them row by row)."""
        vals_list, links = [], []
        for credit in credits:
            for line in lines_of[credit.agreement_id.id]:
                links.append((line.pop("ticket_ids"), line.pop("outage_ids")))
                vals_list.append(dict(line, credit_id=credit.id))
        lines = self.env["helpdesk.sla.credit.line"].sudo().create(vals_list)
        Line = self.env["helpdesk.sla.credit.line"]
        for position, fname in enumerate(("ticket_ids", "outage_ids")):
            field = Line._fields[fname]
            pairs = [
                (line.id, target)
                for line, link in zip(lines, links, strict=True)
                for target in link[position]
            ]
            if not pairs:
                continue
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT unnest(%s::int[]), unnest(%s::int[])",
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
        lines.invalidate_recordset(["ticket_ids", "outage_ids"])
        credits.invalidate_recordset(["line_ids", "exclusion_ids"])

    def _sla_run_engine(self, agreement, data, adjustments, rules_cache=None):
        """The engine's statement of one agreement's period from its gathered inputs
        (``rules_cache``: the engine rules already built in this run, by rule id)."""
        cache = rules_cache if rules_cache is not None else {}
        rules = []
        for rule in agreement.terms_id.rule_ids | agreement.rule_ids:
            if rule.id not in cache:
                cache[rule.id] = rule._sla_engine_rule()
            rules.append(cache[rule.id])
        currency = agreement.currency_id
        try:
            return compute_statement(
                fee=Decimal(str(agreement.fee)),
                rules=rules,
                outcomes=data["outcomes"],
                period=data["bounds"],
                outages=data["outages"],
                exclusions=data["exclusions"],
                cap_percent=Decimal(str(agreement.cap_percent)) if agreement.cap_percent else None,
                minimum=Decimal(str(agreement.minimum_amount)),
                quantum=Decimal(1).scaleb(-currency.decimal_places),
                adjustments=adjustments,
            )
        except CreditError as exc:
            raise ValidationError(
                self.env._("Agreement '%(name)s': %(error)s", name=agreement.display_name, error=str(exc))
            ) from None

    @staticmethod
    def _sla_period_credit(statement):
        """The period's own credit (after cap and minimum, before adjustments)."""
        if statement.below_minimum:
            return Decimal(0)
        if statement.cap is not None:
            return min(statement.subtotal, statement.cap)
        return statement.subtotal

    # ---- gathering, in sets
    @api.model
    def _sla_inputs(self, agreements, period_start):
        """{agreement id: the engine's inputs for the period starting on ``period_start``}:
        bounds, clock outcomes, outages, exclusion windows and paused clocks."""
        bounds = {a.id: a._sla_period_bounds(period_start) for a in agreements}
        data = {
            a.id: {"bounds": bounds[a.id], "outcomes": [], "outages": [], "exclusions": [], "paused": []}
            for a in agreements
        }
        if not agreements:
            return data
        low = min(b[0] for b in bounds.values())
        high = max(b[1] for b in bounds.values())
        self._sla_gather_clocks(agreements, data, low, high)
        # downtime only matters to availability rules
        measured = agreements.filtered(
            lambda a: any(rule.kind == "availability" for rule in a.terms_id.rule_ids | a.rule_ids)
        )
        if measured:
            self._sla_gather_outages(measured, data, low, high)
            self._sla_gather_maintenance(measured, data, low, high)
        return data

    def _sla_gather_clocks(self, agreements, data, low, high):
        """The SLA clocks of the agreements' customers decided in the period: met, breached or
        exempted, the period being the one their deadline falls in. One query for all."""
        self.env["helpdesk.ticket.sla.status"].flush_model()
        self.env["helpdesk.ticket"].flush_model(["number", "priority", "sla_outage_id"])
        self.env["helpdesk.sla.outage"].flush_model(["name"])
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id, s.ticket_id, t.number, s.partner_id, s.company_id, s.policy_id, s.metric,
                       t.priority, s.state, COALESCE(s.deadline, s.reached_at, s.start),
                       s.reached_at, s.time_left_hours, s.paused_hours, s.exempt_reason, t.sla_outage_id,
                       o.name
                  FROM helpdesk_ticket_sla_status s
                  JOIN helpdesk_ticket t ON t.id = s.ticket_id
             LEFT JOIN helpdesk_sla_outage o ON o.id = t.sla_outage_id
                 WHERE s.ola_id IS NULL
                   AND s.active
                   AND s.metric IN %(metrics)s
                   AND s.state IN ('met', 'breached', 'exempted')
                   AND s.partner_id IN %(partners)s
                   AND COALESCE(s.deadline, s.reached_at, s.start) >= %(low)s
                   AND COALESCE(s.deadline, s.reached_at, s.start) < %(high)s
                 ORDER BY s.id
                """,
                metrics=tuple(SLA_METRICS),
                partners=tuple(agreements.partner_id.ids),
                low=low.replace(tzinfo=None),
                high=high.replace(tzinfo=None),
            )
        )
        rows = self.env.cr.fetchall()
        by_partner = defaultdict(list)
        for agreement in agreements:
            policies = agreement._sla_policies()
            slot = data[agreement.id]
            start, end = slot["bounds"]
            # naive UTC bounds, compared as stored: no conversion per row
            by_partner[agreement.partner_id.id].append(
                (
                    agreement.company_id.id,
                    naive(start),
                    naive(end),
                    set(policies.ids) if policies else None,
                    slot,
                )
            )
        tickets, incidents = {}, {}  # one Ref per ticket and per outage, shared by their clocks
        open_late = []  # (status id, agreement data, outcome fields): lateness up to the period's end
        now = aware(fields.Datetime.now())
        for (
            status_id,
            ticket_id,
            number,
            partner_id,
            company_id,
            policy_id,
            metric,
            priority,
            state,
            due,
            reached_at,
            time_left,
            paused_hours,
            exempt_reason,
            outage_id,
            outage_name,
        ) in rows:
            for agreement_company, start, end, policies, slot in by_partner[partner_id]:
                if company_id != agreement_company or not start <= due < end:
                    continue
                if policies is not None and policy_id not in policies:
                    continue
                ref = tickets.get(ticket_id)
                if ref is None:
                    label = number if number and number != "/" else f"#{ticket_id}"
                    ref = tickets[ticket_id] = Ref("helpdesk.ticket", ticket_id, label)
                incident = None
                if outage_id:
                    incident = incidents.get(outage_id)
                    if incident is None:
                        label = f"{outage_name} (#{outage_id})"
                        incident = incidents[outage_id] = Ref("helpdesk.sla.outage", outage_id, label)
                fields_ = {"ref": ref, "metric": metric, "priority": priority or "", "incident": incident}
                if state == "exempted":
                    slot["outcomes"].append(
                        ClockOutcome(breached=False, excluded=exempt_reason or "exempted", **fields_)
                    )
                elif state == "met":
                    slot["outcomes"].append(ClockOutcome(breached=False, **fields_))
                elif reached_at:
                    late = timedelta(hours=max(-(time_left or 0.0), 0.0))
                    slot["outcomes"].append(ClockOutcome(breached=True, lateness=late, **fields_))
                else:
                    open_late.append((status_id, slot, fields_, min(aware(end), now)))
                if paused_hours:
                    slot["paused"].append((ref, paused_hours))
        if open_late:
            statuses = self.env["helpdesk.ticket.sla.status"].sudo().browse([item[0] for item in open_late])
            clocks = statuses._sla_clocks()
            Status = self.env["helpdesk.ticket.sla.status"]
            for status_id, slot, fields_, at in open_late:
                result, _error = Status._sla_status_or_error(clocks[status_id], at)
                late = (
                    -result.time_left
                    if result is not None and result.time_left < timedelta(0)
                    else timedelta(0)
                )
                slot["outcomes"].append(ClockOutcome(breached=True, lateness=late, **fields_))

    def _sla_gather_outages(self, agreements, data, low, high):
        """Outages of the service overlapping the periods, and the customers they affect."""
        outages = (
            self.env["helpdesk.sla.outage"]
            .sudo()
            .search(
                [
                    ("company_id", "in", agreements.company_id.ids),
                    ("date_start", "<", high.replace(tzinfo=None)),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">", low.replace(tzinfo=None)),
                ]
            )
        )
        if not outages:
            return
        reporters = defaultdict(set)
        for outage, partner in (
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group([("sla_outage_id", "in", outages.ids)], ["sla_outage_id", "commercial_partner_id"])
        ):
            reporters[outage.id].add(partner.id)
        now = aware(fields.Datetime.now())
        plain = []
        for outage in outages:
            ref = Ref("helpdesk.sla.outage", outage.id, outage.name)
            start = aware(outage.date_start)
            majeure = outage.force_majeure and self.env._(
                "Force majeure: %(reason)s", reason=outage.exclusion_reason
            )
            # an outage that ended is the same engine value for every agreement
            shared = None
            if outage.date_end:
                end = aware(outage.date_end)
                shared = (
                    Outage(start=start, end=end, ref=ref),
                    majeure and Exclusion(start=start, end=end, reason=majeure, ref=ref),
                )
            customers = set(outage.partner_ids.ids) | reporters[outage.id]
            plain.append(
                (outage.company_id.id, outage.scope == "customers", customers, ref, start, majeure, shared)
            )
        for agreement in agreements:
            slot = data[agreement.id]
            company, partner = agreement.company_id.id, agreement.partner_id.id
            period_end = slot["bounds"][1]
            for outage_company, listed, customers, ref, start, majeure, shared in plain:
                if outage_company != company or (listed and partner not in customers):
                    continue
                if shared is None:  # still down: down until the period's end, or now
                    end = max(min(period_end, now), start)
                    if end <= start:
                        continue
                    shared = (
                        Outage(start=start, end=end, ref=ref),
                        majeure and Exclusion(start=start, end=end, reason=majeure, ref=ref),
                    )
                slot["outages"].append(shared[0])
                if shared[1]:
                    slot["exclusions"].append(shared[1])

    def _sla_gather_maintenance(self, agreements, data, low, high):
        """Maintenance windows (calendar closures marked as maintenance) of the agreements'
        calendars, or of every calendar: excluded from the downtime."""
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("sla_maintenance", "=", True),
                    ("resource_id", "=", False),
                    ("date_from", "<", high.replace(tzinfo=None)),
                    ("date_to", ">", low.replace(tzinfo=None)),
                ]
            )
        )
        if not leaves:
            return
        for agreement in agreements:
            policies = agreement._sla_policies()
            calendars = policies.resource_calendar_id if policies else None
            for leave in leaves:
                if leave.company_id and leave.company_id != agreement.company_id:
                    continue
                if leave.calendar_id and calendars is not None and leave.calendar_id not in calendars:
                    continue
                data[agreement.id]["exclusions"].append(
                    Exclusion(
                        start=aware(leave.date_from),
                        end=aware(leave.date_to),
                        reason=self.env._("Maintenance window"),
                        ref=Ref("resource.calendar.leaves", leave.id, leave.name or ""),
                    )
                )

    # ---- adjustments
    @api.model
    def _sla_adjustments(self, agreements, period_start, replaced_ids):
        """{agreement id: [Adjustment]}: for each approved or issued statement of the last twelve
        months before ``period_start``, the difference between its period's credit computed
        today and what it credited (with the adjustments already made for it)."""
        priors = self.sudo().search(
            [
                ("agreement_id", "in", agreements.ids),
                ("state", "in", ("approved", "issued")),
                ("period_start", "<", period_start),
                ("period_start", ">=", period_start - ADJUSTMENT_HORIZON),
            ]
        )
        if not priors:
            return {}
        made = defaultdict(float)
        for line in (
            self.env["helpdesk.sla.credit.line"]
            .sudo()
            .search(
                [
                    ("adjusted_credit_id", "in", priors.ids),
                    ("credit_id.state", "!=", "rejected"),
                    ("credit_id", "not in", replaced_ids),
                ]
            )
        ):
            made[line.adjusted_credit_id.id] += line.amount
        result = defaultdict(list)
        for prior_start, group in priors.grouped("period_start").items():
            inputs = self._sla_inputs(group.agreement_id, prior_start)
            for prior in group:
                agreement = prior.agreement_id
                again = self._sla_period_credit(self._sla_run_engine(agreement, inputs[agreement.id], ()))
                delta = again - Decimal(str(prior.rules_total)) - Decimal(str(made[prior.id]))
                if not agreement.currency_id.is_zero(float(delta)):
                    result[agreement.id].append(
                        Adjustment(
                            label=self.env._("Adjustment of %(name)s", name=prior.name),
                            amount=delta,
                            ref=Ref("helpdesk.sla.credit", prior.id, prior.name),
                        )
                    )
        return result

    # ---- storing
    def _sla_statement_vals(self, agreement, data, statement):
        """``(the statement's values, its lines' values)`` from the engine's statement; the
        lines' ``ticket_ids`` and ``outage_ids`` are plain lists of ids."""
        availability = statement.availability
        has_availability = any(
            rule.kind == "availability" for rule in agreement.terms_id.rule_ids | agreement.rule_ids
        )
        outcomes = data["outcomes"]
        lines = []
        for sequence, line in enumerate(statement.lines, start=1):
            tickets = [ref.id for ref in line.refs if getattr(ref, "model", "") == "helpdesk.ticket"]
            outages = [ref.id for ref in line.refs if getattr(ref, "model", "") == "helpdesk.sla.outage"]
            adjusted = [ref.id for ref in line.refs if getattr(ref, "model", "") == "helpdesk.sla.credit"]
            lines.append(
                {
                    "sequence": sequence,
                    "kind": line.kind,
                    "rule_id": line.rule if line.kind != "adjustment" else False,
                    "name": line.label,
                    "measure": line.measure,
                    "percent": float(line.percent) if line.percent is not None else 0.0,
                    "amount": float(line.amount),
                    "explanation": "\n".join(line.explanation),
                    "ticket_ids": sorted(set(tickets)),
                    "outage_ids": sorted(set(outages)),
                    "adjusted_credit_id": adjusted[0] if adjusted else False,
                }
            )
        sequence = len(lines)
        for ref, reason in statement.exclusions:
            sequence += 1
            model = getattr(ref, "model", "")
            lines.append(
                {
                    "sequence": sequence,
                    "kind": "exclusion",
                    "name": f"{ref} — {reason}" if str(ref) else reason,
                    "ticket_ids": [ref.id] if model == "helpdesk.ticket" else [],
                    "outage_ids": [ref.id] if model == "helpdesk.sla.outage" else [],
                }
            )
        if data["paused"]:
            total = sum(h for _ref, h in data["paused"])
            sequence += 1
            lines.append(
                {
                    "sequence": sequence,
                    "kind": "exclusion",
                    "name": self.env._(
                        "Paused time not counted (waiting for the customer): %(hours)s h on %(count)s clocks",
                        hours=f"{total:,.2f}",
                        count=len(data["paused"]),
                    ),
                    "explanation": "\n".join(f"{ref}: {h:,.2f} h" for ref, h in data["paused"]),
                    "ticket_ids": sorted({ref.id for ref, _h in data["paused"]}),
                    "outage_ids": [],
                }
            )
        vals = {
            "state": "draft",
            "fee": agreement.fee,
            "subtotal": float(statement.subtotal),
            "cap_amount": float(statement.cap) if statement.cap is not None else 0.0,
            "capped": statement.capped,
            "below_minimum": statement.below_minimum,
            "rules_total": float(self._sla_period_credit(statement)),
            "total": float(statement.total),
            "availability": float(availability.percent) if availability and has_availability else 0.0,
            "commitment": max(
                (
                    r.commitment
                    for r in agreement.terms_id.rule_ids | agreement.rule_ids
                    if r.kind == "availability"
                ),
                default=0.0,
            ),
            "downtime_hours": hours(availability.downtime) if availability else 0.0,
            "excluded_hours": hours(availability.excluded) if availability else 0.0,
            "clock_count": len(outcomes),
            "breach_count": sum(1 for o in outcomes if o.breached),
            "explanation": "\n".join(statement.explanation),
        }
        return vals, lines
