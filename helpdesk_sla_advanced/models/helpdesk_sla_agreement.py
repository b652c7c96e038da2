# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError

from sla_engine import CreditError, period_bounds

from .sla_tools import AMOUNT, COUNT, DAYS, SHARE

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3}


class HelpdeskSlaAgreement(models.Model):
    """A customer's service agreement: the SLA bought, the fee paid per period for the covered
    service, and the credit terms that turn its breaches and outages into service credits.

    Each period (a calendar month or quarter in the agreement's time zone) gets one credit
    statement, computed from the customer's SLA clocks whose deadline falls in the period and
    from the outages of the service, then approved and issued by SLA finance."""

    _name = "helpdesk.sla.agreement"
    _description = "Helpdesk SLA Service Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin", "helpdesk.sla.bounds.mixin"]
    _order = "partner_id, date_start desc, id"
    _check_company_auto = True
    _sla_bounds = {
        "fee": AMOUNT,
        "cap_percent": SHARE,
        "minimum_amount": AMOUNT,
        "claim_days": DAYS,
        "chronic_threshold": COUNT,
    }

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The customer's commercial entity: the tickets of all its contacts are covered.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        tracking=True,
        domain=[("share", "=", False)],
        default=lambda self: self.env.user,
        help="Told when the agreement reaches chronic failure.",
    )
    policy_id = fields.Many2one(
        comodel_name="helpdesk.sla.policy",
        string="SLA Policy",
        tracking=True,
        check_company=True,
        help="The SLA bought: only the clocks of this policy count. Empty: see the tier.",
    )
    tier_id = fields.Many2one(
        comodel_name="helpdesk.sla.tier",
        string="Service Tier",
        tracking=True,
        help="The tier bought: the clocks of the policies of this tier count. With neither a "
        "policy nor a tier, every SLA clock of the customer counts.",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    fee = fields.Monetary(
        string="Fee Per Period",
        tracking=True,
        help="What the customer pays per period for the covered service.",
    )
    date_start = fields.Date(string="Start", required=True, tracking=True, default=fields.Date.context_today)
    date_end = fields.Date(
        string="End", tracking=True, help="Empty: the agreement runs until it is archived."
    )
    period = fields.Selection(
        selection=[("monthly", "Monthly"), ("quarterly", "Quarterly")],
        default="monthly",
        required=True,
        tracking=True,
        help="Credits are computed per calendar month or quarter, in the agreement's time zone.",
    )
    tz = fields.Selection(
        selection=_tz_get,
        string="Time Zone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        tracking=True,
        help="Where the periods begin and end: a month in Paris starts at midnight in Paris.",
    )
    terms_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit.terms",
        string="Credit Terms",
        tracking=True,
        check_company=True,
        help="Reusable rules shared with other agreements; the agreement's own rules are added.",
    )
    terms_rule_ids = fields.One2many(related="terms_id.rule_ids", string="Rules of the Terms")
    rule_ids = fields.One2many(
        comodel_name="helpdesk.sla.credit.rule",
        inverse_name="agreement_id",
        string="Own Credit Rules",
        copy=True,
    )
    cap_percent = fields.Float(
        string="Cap (% of the fee)",
        digits=(5, 2),
        default=100.0,
        tracking=True,
        help="The most a period's credits may reach, as a share of the fee; 0: no cap.",
    )
    minimum_amount = fields.Monetary(
        string="Minimum Credit",
        tracking=True,
        help="A period whose credit is below this amount credits nothing.",
    )
    credit_mode = fields.Selection(
        selection=[("automatic", "Automatic"), ("claim", "On claim")],
        string="Credits",
        default="automatic",
        required=True,
        tracking=True,
        help="Automatic: every computed credit goes to approval. On claim: the customer must claim it "
        "within the claim window after the period ends.",
    )
    claim_days = fields.Integer(
        string="Claim Window (days)",
        default=30,
        tracking=True,
        help="Days after the period's end to claim a credit.",
    )
    chronic_threshold = fields.Integer(
        string="Chronic Failure After",
        default=3,
        tracking=True,
        help="Consecutive periods with a credit that give the customer a termination right; 0: never.",
    )
    chronic_failure = fields.Boolean(readonly=True, tracking=True, copy=False)
    chronic_since = fields.Date(readonly=True, copy=False)
    statement_ids = fields.One2many(
        comodel_name="helpdesk.sla.credit", inverse_name="agreement_id", string="Credit Statements"
    )
    statement_count = fields.Integer(compute="_compute_statement_count")
    credited_total = fields.Monetary(compute="_compute_statement_count", string="Credited")

    def _compute_statement_count(self):
        groups = self.env["helpdesk.sla.credit"]._read_group(
            [("agreement_id", "in", self.ids)], ["agreement_id", "state"], ["__count", "total:sum"]
        )
        counts, credited = {}, {}
        for agreement, state, count, total in groups:
            counts[agreement] = counts.get(agreement, 0) + count
            if state == "issued":
                credited[agreement] = credited.get(agreement, 0.0) + total
        for agreement in self:
            agreement.statement_count = counts.get(agreement, 0)
            agreement.credited_total = credited.get(agreement, 0.0)

    # ------------------------------------------------------------ validation
    @api.constrains("currency_id", "date_start", "date_end", "fee", "cap_percent", "minimum_amount")
    def _check_terms(self):
        for agreement in self:
            name = agreement.display_name
            if not agreement.currency_id:
                raise ValidationError(
                    self.env._(
                        "Agreement '%(name)s': 'Currency' is required: credits are amounts in the "
                        "fee's currency.",
                        name=name,
                    )
                )
            if agreement.date_end and agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._(
                        "Agreement '%(name)s': 'End' (%(end)s) is before 'Start' (%(start)s).",
                        name=name,
                        end=agreement.date_end,
                        start=agreement.date_start,
                    )
                )
            cap = agreement.fee * agreement.cap_percent / 100
            if (
                agreement.cap_percent
                and agreement.currency_id.compare_amounts(cap, agreement.minimum_amount) < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Agreement '%(name)s': the cap (%(cap)s %% of the fee, %(amount)s) is below the "
                        "'Minimum Credit' (%(minimum)s): no credit could ever be given.",
                        name=name,
                        cap=f"{agreement.cap_percent:g}",
                        amount=agreement.currency_id.format(cap),
                        minimum=agreement.currency_id.format(agreement.minimum_amount),
                    )
                )

    @api.constrains("policy_id", "tier_id", "company_id", "partner_id")
    def _check_coverage(self):
        for agreement in self:
            partner = agreement.partner_id
            if partner and partner.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "Agreement '%(name)s': 'Customer' must be a commercial entity, not the contact "
                        "'%(partner)s' (use '%(company)s').",
                        name=agreement.display_name,
                        partner=partner.display_name,
                        company=partner.commercial_partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------ periods
    def _sla_period_of(self, day):
        """The first day of the period (month or quarter) that contains ``day``."""
        self.ensure_one()
        months = PERIOD_MONTHS[self.period]
        return date(day.year, (day.month - 1) // months * months + 1, 1)

    def _sla_period_end(self, period_start):
        """The first day after the period that starts on ``period_start``."""
        self.ensure_one()
        return period_start + relativedelta(months=PERIOD_MONTHS[self.period])

    def _sla_period_bounds(self, period_start):
        """``(start, end)`` of the period as aware UTC datetimes, midnight in the agreement's zone."""
        self.ensure_one()
        try:
            return period_bounds(
                period_start.year, period_start.month, self.tz or "UTC", PERIOD_MONTHS[self.period]
            )
        except CreditError as exc:
            raise ValidationError(
                self.env._("Agreement '%(name)s': %(error)s", name=self.display_name, error=str(exc))
            ) from None

    def _sla_covers(self, period_start):
        """Whether the period starting on ``period_start`` overlaps the agreement's dates."""
        self.ensure_one()
        end = self._sla_period_end(period_start)
        return self.date_start < end and (not self.date_end or self.date_end >= period_start)

    def _sla_last_closed_period(self, today):
        """The first day of the last period that ended by ``today`` (in the agreement's zone)."""
        self.ensure_one()
        current = self._sla_period_of(today)
        return current - relativedelta(months=PERIOD_MONTHS[self.period])

    def _sla_policies(self):
        """The policies whose clocks this agreement covers (empty recordset: all of them)."""
        self.ensure_one()
        if self.policy_id:
            return self.policy_id
        if self.tier_id:
            return (
                self.env["helpdesk.sla.policy"]
                .sudo()
                .with_context(active_test=False)
                .search([("tier_ids", "in", self.tier_id.ids)])
            )
        return self.env["helpdesk.sla.policy"]

    def _sla_check_chronic_failure(self):
        """Flag the agreements whose last ``chronic_threshold`` periods in a row each gave a
        credit (approved or issued), and tell their salesperson."""
        for agreement in self.filtered("chronic_threshold"):
            credited = agreement.statement_ids.filtered(lambda c: c.state in ("approved", "issued")).sorted(
                "period_start", reverse=True
            )
            run, expected, since = 0, None, None
            for credit in credited:
                if expected is not None and credit.period_start != expected:
                    break
                if agreement.currency_id.is_zero(credit.rules_total):
                    break
                run, since = run + 1, credit.period_start
                expected = credit.period_start - relativedelta(months=PERIOD_MONTHS[agreement.period])
            if run < agreement.chronic_threshold or agreement.chronic_failure:
                continue
            agreement.sudo().write({"chronic_failure": True, "chronic_since": since})
            note = self.env._(
                "Chronic failure: %(count)s periods in a row with a service credit (since %(since)s). "
                "The customer may terminate the agreement.",
                count=run,
                since=since,
            )
            agreement.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")
            if agreement.user_id:
                agreement.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Chronic SLA failure: %(name)s", name=agreement.display_name),
                    note=note,
                    user_id=agreement.user_id.id,
                )

    def action_clear_chronic_failure(self):
        self.env["helpdesk.sla.credit"]._sla_check_group(
            "helpdesk_sla_advanced.group_sla_finance", self.env._("clear a chronic failure")
        )
        self.sudo().write({"chronic_failure": False, "chronic_since": False})
        return True

    # ------------------------------------------------------------ actions
    def action_view_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_sla_advanced.helpdesk_sla_credit_action"
        )
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {"default_agreement_id": self.id}
        return action

    def action_compute_credits(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compute Service Credits"),
            "res_model": "helpdesk.sla.credit.compute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_agreement_ids": self.ids},
        }

    @api.model
    def _cron_sla_credits(self):
        """Compute the last closed period of every running agreement that has no statement for
        it yet (the first days of each period), and close the claim windows that passed."""
        Credit = self.env["helpdesk.sla.credit"]
        Credit._sla_expire_claims()
        by_period = {}
        for agreement in self.search([]):
            today = fields.Date.context_today(agreement.with_context(tz=agreement.tz))
            period_start = agreement._sla_last_closed_period(today)
            if agreement._sla_covers(period_start):
                by_period.setdefault(period_start, self.browse())
                by_period[period_start] |= agreement
        for period_start, agreements in by_period.items():
            done = Credit.search(
                [("agreement_id", "in", agreements.ids), ("period_start", "=", period_start)]
            ).agreement_id
            todo = agreements - done
            if todo:
                Credit._sla_compute(todo, period_start)

    # ------------------------------------------------------------ demo
    @api.model
    def _sla_demo_credits(self):
        """Demo: past tickets of the two demo agreements (July to October 2026), their
        statements computed and moved to every state. Demo data only."""
        Ticket = self.env["helpdesk.ticket"]
        agent = self.env.ref("base.user_demo")
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        team = self.env.ref("helpdesk_mgmt.helpdesk_team_1")
        jackson = self.env.ref("helpdesk_sla_advanced.helpdesk_sla_agreement_jackson_demo")
        azure = self.env.ref("helpdesk_sla_advanced.helpdesk_sla_agreement_azure_demo")
        mail_down = self.env.ref("helpdesk_sla_advanced.helpdesk_sla_outage_2026_10_mail_demo")

        def at(text):
            return fields.Datetime.to_datetime(text)

        def story(name, partner, start, answered, resolved, outage=False):
            ticket = Ticket.with_context(sla_now=at(start)).create(
                {
                    "name": f"[SLA demo] {name}",
                    "description": f"<p>{name}</p>",
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "user_id": agent.id,
                    "priority": "1",
                    "sla_start": at(start),
                    "sla_outage_id": outage and outage.id,
                }
            )
            ticket.with_user(agent).sudo().with_context(sla_now=at(answered)).message_post(
                body="We are on it.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            ticket.with_context(sla_now=at(resolved)).write({"stage_id": done.id})
            return ticket

        vip = jackson.partner_id
        # VIP 24/7: first answer within 1 h, resolution within 8 h
        story(
            "Invoice export fails", vip, "2026-08-05 08:00:00", "2026-08-05 08:20:00", "2026-08-05 18:00:00"
        )
        story("New user accounts", vip, "2026-08-12 09:00:00", "2026-08-12 09:30:00", "2026-08-12 12:00:00")
        story("Slow reports", vip, "2026-08-19 10:00:00", "2026-08-19 10:15:00", "2026-08-19 15:00:00")
        story("Printer queue stuck", vip, "2026-09-02 08:00:00", "2026-09-02 08:30:00", "2026-09-02 18:00:00")
        story("CRM sync broken", vip, "2026-09-09 07:00:00", "2026-09-09 07:40:00", "2026-09-09 21:00:00")
        story("Payroll run blocked", vip, "2026-09-16 06:00:00", "2026-09-16 08:30:00", "2026-09-17 02:00:00")
        story("Password policy", vip, "2026-09-23 09:00:00", "2026-09-23 09:10:00", "2026-09-23 11:00:00")
        story(
            "Mail bounces",
            vip,
            "2026-10-14 07:30:00",
            "2026-10-14 07:45:00",
            "2026-10-14 20:30:00",
            mail_down,
        )
        story(
            "Cannot send mail",
            vip,
            "2026-10-14 08:00:00",
            "2026-10-14 08:10:00",
            "2026-10-14 21:00:00",
            mail_down,
        )
        story("New laptop", vip, "2026-10-21 09:00:00", "2026-10-21 09:05:00", "2026-10-21 13:00:00")
        # Azure Interior reports the October mail outage too
        story(
            "Webmail unreachable",
            azure.partner_id,
            "2026-10-14 07:10:00",
            "2026-10-14 07:30:00",
            "2026-10-14 12:00:00",
            mail_down,
        )

        Credit = self.env["helpdesk.sla.credit"].sudo()
        for month in (7, 8, 9, 10):
            Credit._sla_compute(
                azure if month == 7 else jackson | azure, fields.Date.to_date(f"2026-{month:02d}-01")
            )

        def statement(agreement, month):
            return Credit.search(
                [
                    ("agreement_id", "=", agreement.id),
                    ("period_start", "=", fields.Date.to_date(f"2026-{month:02d}-01")),
                ]
            )

        for agreement, month in ((azure, 7), (azure, 8), (azure, 9), (jackson, 9), (jackson, 10)):
            statement(agreement, month).action_submit()
        for agreement, month in ((azure, 7), (azure, 8), (azure, 9), (jackson, 9)):
            statement(agreement, month).action_approve()
        for agreement, month in ((azure, 7), (jackson, 9)):
            statement(agreement, month).action_issue()
        rejected = statement(jackson, 8)
        rejected.write({"reject_reason": "Delays caused by the customer's own change freeze (clause 7.4)."})
        rejected.action_reject()
