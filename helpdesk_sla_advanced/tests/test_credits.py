# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service credits: agreements, rules of the three kinds against hand-computed amounts,
availability in a month with a daylight-saving change, exclusions, cap and minimum, re-runs,
adjustments after approval, the finance workflow and who may do what.

The customer Acme is on the Premium policy: Paris business hours 09:00-12:00 / 13:00-17:00
(7 h a day), resolution within 16 business hours, first response within 4. In March 2025
Paris is at UTC+1 until Sunday the 30th, so the month lasts 743 hours there.
"""

from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import SlaCase, utc

MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)
# Tuesday 2025-03-11 09:00 in Paris: resolution due Thursday 2025-03-13 11:00 Paris (10:00 UTC)
TUESDAY_9AM = utc(2025, 3, 11, 8, 0)


@tagged("post_install", "-at_install")
class CreditCase(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.eur = env.ref("base.EUR")
        cls.eur.active = True
        cls.finance = new_test_user(
            env, login="sla-finance", groups="helpdesk_sla_advanced.group_sla_finance", tz="Europe/Paris"
        )
        cls.Credit = env["helpdesk.sla.credit"]

    def _agreement(self, rules, **vals):
        values = {
            "name": "Acme premium support",
            "partner_id": self.acme.id,
            "policy_id": self.premium.id,
            "currency_id": self.eur.id,
            "fee": 2000.0,
            "date_start": date(2025, 1, 1),
            "tz": "Europe/Paris",
            "cap_percent": 100.0,
            "chronic_threshold": 0,
            "rule_ids": [Command.create(rule) for rule in rules],
        }
        values.update(vals)
        return self.env["helpdesk.sla.agreement"].create(values)

    @staticmethod
    def _lateness_rule(**vals):
        rule = {
            "name": "Late resolution",
            "kind": "ticket",
            "metric": "resolution",
            "band_ids": [
                Command.create({"lower": 0, "upper": 4, "value": 1}),
                Command.create({"lower": 4, "upper": 8, "value": 3}),
                Command.create({"lower": 8, "unbounded": True, "value": 5}),
            ],
        }
        rule.update(vals)
        return rule

    @staticmethod
    def _availability_rule(**vals):
        rule = {
            "name": "Availability 99.7 %",
            "kind": "availability",
            "commitment": 99.7,
            "band_ids": [
                Command.create({"lower": 0, "upper": 95, "value": 100}),
                Command.create({"lower": 95, "upper": 99, "value": 25}),
                Command.create({"lower": 99, "upper": 99.7, "value": 10}),
            ],
        }
        rule.update(vals)
        return rule

    def _resolved(self, resolved_at, start=TUESDAY_9AM, **vals):
        ticket = self._ticket(at=start, **vals)
        self._move(ticket, self.stage_done, resolved_at)
        return ticket

    def _compute(self, agreement, period=MARCH):
        self.Credit._sla_compute(agreement, period)
        return self.Credit.search([("agreement_id", "=", agreement.id), ("period_start", "=", period)])

    def _outage(self, start, end, **vals):
        return self.env["helpdesk.sla.outage"].create(
            {"name": "Outage", "date_start": start, "date_end": end, **vals}
        )


@tagged("post_install", "-at_install")
class TestCreditRules(CreditCase):
    def test_each_breach_credits_the_band_of_its_lateness_in_business_hours(self):
        self._resolved(utc(2025, 3, 12, 15, 0))  # met
        self._resolved(utc(2025, 3, 13, 13, 0))  # Thursday 14:00 Paris: 2 business hours late
        self._resolved(utc(2025, 3, 14, 9, 0))  # Friday 10:00 Paris: 6 business hours late
        self._resolved(utc(2025, 3, 14, 14, 0))  # Friday 15:00 Paris: 10 business hours late
        credit = self._compute(self._agreement([self._lateness_rule()]))
        line = credit.line_ids
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.percent, 9.0)  # 1 % + 3 % + 5 %
        self.assertAlmostEqual(line.amount, 180.0)
        self.assertEqual(len(line.ticket_ids), 3)
        self.assertEqual(credit.breach_count, 7)  # and the four first answers, never given
        self.assertAlmostEqual(credit.total, 180.0)
        self.assertEqual(credit.state, "draft")

    def test_a_fixed_amount_rule_credits_amounts_not_shares(self):
        self._resolved(utc(2025, 3, 13, 13, 0))  # 2 h late
        rule = self._lateness_rule(
            amount_type="fixed",
            band_ids=[
                Command.create({"lower": 0, "upper": 4, "value": 25}),
                Command.create({"lower": 4, "unbounded": True, "value": 75}),
            ],
        )
        credit = self._compute(self._agreement([rule]))
        self.assertAlmostEqual(credit.total, 25.0)

    def test_tickets_reporting_one_outage_are_credited_once_at_the_largest_lateness(self):
        outage = self._outage(utc(2025, 3, 11, 7, 0), utc(2025, 3, 11, 9, 0))
        self._resolved(utc(2025, 3, 13, 13, 0), sla_outage_id=outage.id)  # 2 h late
        self._resolved(utc(2025, 3, 14, 9, 0), sla_outage_id=outage.id)  # 6 h late
        credit = self._compute(self._agreement([self._lateness_rule()]))
        self.assertAlmostEqual(credit.line_ids.percent, 3.0)
        self.assertAlmostEqual(credit.total, 60.0)

    def test_breaches_of_another_policy_or_month_are_not_credited(self):
        march = self._resolved(utc(2025, 3, 13, 13, 0))
        self._resolved(utc(2025, 4, 10, 14, 0), start=utc(2025, 4, 8, 7, 0))  # April
        credit = self._compute(self._agreement([self._lateness_rule()]))
        self.assertEqual(credit.line_ids.ticket_ids, march)
        self.assertAlmostEqual(credit.total, 20.0)
        other = self._agreement([self._lateness_rule()], name="Standard", policy_id=self.standard.id)
        self.assertFalse(self._compute(other).line_ids)

    def test_attainment_below_a_band_credits_that_band(self):
        rule = {
            "name": "First answers on time",
            "kind": "attainment",
            "metric": "first_response",
            "min_tickets": 4,
            "band_ids": [
                Command.create({"lower": 0, "upper": 80, "value": 5}),
                Command.create({"lower": 80, "upper": 95, "value": 2}),
            ],
        }
        for _i in range(3):
            ticket = self._ticket(at=TUESDAY_9AM)
            self._reply(ticket, utc(2025, 3, 11, 9, 0))
        late = self._ticket(at=TUESDAY_9AM)
        self._reply(late, utc(2025, 3, 11, 14, 0))  # 15:00 Paris: 5 business hours, 4 allowed
        agreement = self._agreement([rule])
        credit = self._compute(agreement)
        self.assertEqual(credit.clock_count, 4)
        self.assertAlmostEqual(credit.line_ids.percent, 5.0)  # 75 % met: below 80 %
        self.assertAlmostEqual(credit.total, 100.0)
        agreement.rule_ids.min_tickets = 5
        credit.action_recompute()
        self.assertFalse(credit.line_ids)
        self.assertAlmostEqual(credit.total, 0.0)


@tagged("post_install", "-at_install")
class TestAvailability(CreditCase):
    def test_march_in_paris_lasts_743_hours(self):
        # 7.43 h down of 743 h: exactly 99 % available, the band from 99 % below 99.7 %
        self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 15, 25, 48))
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.availability, 99.0, places=6)
        self.assertAlmostEqual(credit.line_ids.percent, 10.0)
        self.assertAlmostEqual(credit.total, 200.0)

    def test_one_second_more_of_downtime_falls_in_the_next_band(self):
        self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 15, 25, 49))
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.line_ids.percent, 25.0)
        self.assertAlmostEqual(credit.total, 500.0)

    def test_overlapping_outages_count_their_union_once(self):
        self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 12, 0))
        self._outage(utc(2025, 3, 5, 10, 0), utc(2025, 3, 5, 15, 25, 48))
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.downtime_hours, 7.43)
        self.assertAlmostEqual(credit.availability, 99.0, places=6)

    def test_outage_during_a_maintenance_window_is_excluded_and_listed(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Storage upgrade",
                "calendar_id": self.calendar.id,
                "date_from": utc(2025, 3, 15, 20, 0),
                "date_to": utc(2025, 3, 16, 2, 0),
                "time_type": "leave",
                "sla_maintenance": True,
            }
        )
        self._outage(utc(2025, 3, 15, 21, 0), utc(2025, 3, 15, 23, 0))
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.availability, 100.0)
        self.assertAlmostEqual(credit.excluded_hours, 2.0)
        self.assertFalse(credit.line_ids)
        self.assertIn("Storage upgrade", " ".join(credit.exclusion_ids.mapped("name")))

    def test_force_majeure_outage_is_excluded_with_its_reason(self):
        self._outage(
            utc(2025, 3, 5, 8, 0),
            utc(2025, 3, 5, 20, 0),
            force_majeure=True,
            exclusion_reason="Regional power cut (clause 9.2)",
        )
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.availability, 100.0)
        self.assertIn("Regional power cut (clause 9.2)", " ".join(credit.exclusion_ids.mapped("name")))

    def test_outage_of_other_customers_does_not_count(self):
        self._outage(
            utc(2025, 3, 5, 8, 0),
            utc(2025, 3, 5, 20, 0),
            scope="customers",
            partner_ids=[Command.set(self.nycorp.ids)],
        )
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.availability, 100.0)

    def test_an_outage_reported_by_the_customers_ticket_counts_for_them(self):
        outage = self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 15, 25, 48), scope="customers")
        self._ticket(at=utc(2025, 3, 5, 9, 0), sla_outage_id=outage.id)
        credit = self._compute(self._agreement([self._availability_rule()]))
        self.assertAlmostEqual(credit.availability, 99.0, places=6)

    def test_linear_scale_credits_per_full_step_below_the_commitment(self):
        # 99.0 % against 99.7 %: 7 full steps of 0.1 point, 1 % each
        self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 15, 25, 48))
        rule = self._availability_rule(
            availability_mode="linear", linear_step=0.1, linear_percent=1.0, band_ids=[]
        )
        credit = self._compute(self._agreement([rule]))
        self.assertAlmostEqual(credit.line_ids.percent, 7.0)
        self.assertAlmostEqual(credit.total, 140.0)


@tagged("post_install", "-at_install")
class TestStatements(CreditCase):
    def test_exempted_ticket_is_excluded_with_its_reason(self):
        ticket = self._resolved(utc(2025, 3, 14, 14, 0))  # 10 h late
        ticket.with_user(self.manager)._sla_exempt("Customer-caused delay: change freeze")
        credit = self._compute(self._agreement([self._lateness_rule()]))
        self.assertFalse(credit.line_ids)
        self.assertIn("Customer-caused delay: change freeze", " ".join(credit.exclusion_ids.mapped("name")))
        self.assertIn(ticket, credit.exclusion_ids.ticket_ids)

    def test_paused_time_is_listed_as_excluded(self):
        ticket = self._ticket(at=TUESDAY_9AM)
        self._move(ticket, self.stage_awaiting, utc(2025, 3, 11, 9, 0))
        self._move(ticket, self.stage_progress, utc(2025, 3, 12, 9, 0))
        self._move(ticket, self.stage_done, utc(2025, 3, 12, 10, 0))
        credit = self._compute(self._agreement([self._lateness_rule()]))
        paused = credit.exclusion_ids.filtered(lambda line: "Paused time" in line.name)
        self.assertEqual(paused.ticket_ids, ticket)

    def test_the_cap_limits_the_period_credit(self):
        self._resolved(utc(2025, 3, 14, 14, 0))  # 5 % of 2,000
        credit = self._compute(self._agreement([self._lateness_rule()], cap_percent=2.0))
        self.assertTrue(credit.capped)
        self.assertAlmostEqual(credit.subtotal, 100.0)
        self.assertAlmostEqual(credit.total, 40.0)

    def test_a_credit_below_the_minimum_credits_nothing(self):
        self._resolved(utc(2025, 3, 13, 13, 0))  # 1 % of 2,000 = 20
        credit = self._compute(self._agreement([self._lateness_rule()], minimum_amount=50.0))
        self.assertTrue(credit.below_minimum)
        self.assertAlmostEqual(credit.total, 0.0)

    def test_running_again_replaces_the_draft_with_the_same_figures(self):
        self._resolved(utc(2025, 3, 14, 9, 0))
        agreement = self._agreement([self._lateness_rule()])
        first = self._compute(agreement)
        lines = first.line_ids
        again = self._compute(agreement)
        self.assertEqual(again, first)
        self.assertFalse(lines.exists())
        self.assertEqual(len(again.line_ids), 1)
        self.assertAlmostEqual(again.total, 60.0)
        self.assertEqual(self.Credit.search_count([("agreement_id", "=", agreement.id)]), 1)

    def test_running_again_never_touches_an_approved_statement(self):
        self._resolved(utc(2025, 3, 14, 9, 0))
        agreement = self._agreement([self._lateness_rule()])
        credit = self._compute(agreement)
        credit.with_user(self.finance).action_submit()
        credit.with_user(self.finance).action_approve()
        self._resolved(utc(2025, 3, 14, 14, 0))
        self._compute(agreement)
        self.assertEqual(credit.state, "approved")
        self.assertAlmostEqual(credit.total, 60.0)

    def test_a_change_to_an_approved_period_is_an_adjustment_on_the_next_statement(self):
        agreement = self._agreement([self._availability_rule()])
        march = self._compute(agreement)
        march.with_user(self.finance).action_submit()
        march.with_user(self.finance).action_approve()
        self.assertAlmostEqual(march.total, 0.0)
        # an outage of March recorded late: 10 % of the fee is owed for March
        self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 15, 25, 48))
        april = self._compute(agreement, APRIL)
        adjustment = april.line_ids.filtered(lambda line: line.kind == "adjustment")
        self.assertEqual(adjustment.adjusted_credit_id, march)
        self.assertAlmostEqual(adjustment.amount, 200.0)
        self.assertAlmostEqual(april.total, 200.0)
        self.assertAlmostEqual(march.total, 0.0)  # never rewritten
        # computing April again replaces its draft: still one adjustment
        self._compute(agreement, APRIL)
        self.assertEqual(len(april.line_ids.filtered(lambda line: line.kind == "adjustment")), 1)
        april.with_user(self.finance).action_submit()
        april.with_user(self.finance).action_approve()
        may = self._compute(agreement, date(2025, 5, 1))
        self.assertFalse(may.line_ids.filtered(lambda line: line.kind == "adjustment"))

    def test_the_cron_computes_the_period_that_closed_once(self):
        self._resolved(utc(2025, 3, 14, 9, 0))
        agreement = self._agreement([self._lateness_rule()])
        Agreement = self.env["helpdesk.sla.agreement"]
        with freeze_time("2025-04-02 06:00:00"):
            Agreement._cron_sla_credits()
            Agreement._cron_sla_credits()
        credits = self.Credit.search([("agreement_id", "=", agreement.id)])
        self.assertEqual(credits.period_start, MARCH)
        self.assertEqual(credits.period_end, date(2025, 3, 31))
        self.assertAlmostEqual(credits.total, 60.0)

    def test_the_wizard_computes_any_period(self):
        self._resolved(utc(2025, 3, 14, 9, 0))
        agreement = self._agreement([self._lateness_rule()])
        wizard = (
            self.env["helpdesk.sla.credit.compute"]
            .with_user(self.finance)
            .create({"agreement_ids": [Command.set(agreement.ids)], "period_date": date(2025, 3, 20)})
        )
        action = wizard.action_compute()
        credit = self.Credit.search(action["domain"])
        self.assertEqual(credit.agreement_id, agreement)
        self.assertAlmostEqual(credit.total, 60.0)


@tagged("post_install", "-at_install")
class TestWorkflow(CreditCase):
    def setUp(self):
        super().setUp()
        self._resolved(utc(2025, 3, 14, 9, 0))
        self.agreement = self._agreement(
            [self._lateness_rule()], user_id=self.manager.id, chronic_threshold=2
        )
        self.credit = self._compute(self.agreement)

    def test_finance_approves_and_issues(self):
        self.credit.with_user(self.finance).action_submit()
        self.credit.with_user(self.finance).action_approve()
        self.assertEqual(self.credit.approved_by_id, self.finance)
        self.credit.with_user(self.finance).action_issue()
        self.assertEqual(self.credit.state, "issued")
        self.assertTrue(self.credit.issued_on)

    def test_an_agent_cannot_approve(self):
        self.credit.with_user(self.finance).action_submit()
        with self.assertRaisesRegex(AccessError, "SLA Finance"):
            self.credit.with_user(self.agent).action_approve()

    def test_an_sla_manager_reads_statements_but_cannot_compute_submit_or_approve(self):
        self.assertEqual(self.credit.with_user(self.manager).read(["total"])[0]["total"], 60.0)
        with self.assertRaises(AccessError):
            self.credit.with_user(self.manager).action_recompute()
        with self.assertRaises(AccessError):
            self.credit.with_user(self.manager).action_submit()
        self.credit.with_user(self.finance).action_submit()
        with self.assertRaises(AccessError):
            self.credit.with_user(self.manager).action_approve()
        self.assertEqual(self.credit.state, "to_approve")

    def test_an_agent_cannot_compute_credits(self):
        with self.assertRaises(AccessError):
            self.credit.with_user(self.agent).action_recompute()

    def test_nobody_writes_the_state_or_amounts_by_hand(self):
        with self.assertRaisesRegex(AccessError, "state"):
            self.credit.with_user(self.finance).write({"state": "issued"})
        with self.assertRaisesRegex(AccessError, "total"):
            self.credit.with_user(self.finance).write({"total": 1.0})

    def test_rejecting_needs_a_reason_and_keeps_the_statement(self):
        with self.assertRaisesRegex(ValidationError, "Reject Reason"):
            self.credit.with_user(self.finance).action_reject()
        self.credit.with_user(self.finance).write({"reject_reason": "Customer-caused delay"})
        self.credit.with_user(self.finance).action_reject()
        self.assertEqual(self.credit.state, "rejected")
        self._compute(self.agreement)
        self.assertEqual(self.credit.state, "rejected")
        with self.assertRaises(UserError):
            self.credit.unlink()

    def test_a_credit_on_claim_needs_a_claim_within_the_window(self):
        self.agreement.write({"credit_mode": "claim", "claim_days": 10})
        with self.assertRaisesRegex(ValidationError, "Claim Date"):
            self.credit.with_user(self.finance).action_submit()
        self.credit.with_user(self.finance).write({"claim_date": date(2025, 4, 20)})
        with self.assertRaisesRegex(ValidationError, "claim window"):
            self.credit.with_user(self.finance).action_submit()
        self.credit.with_user(self.finance).write({"claim_date": date(2025, 4, 5)})
        self.credit.with_user(self.finance).action_submit()
        self.assertEqual(self.credit.state, "to_approve")

    def test_an_unclaimed_credit_is_rejected_when_the_window_closes(self):
        self.agreement.write({"credit_mode": "claim", "claim_days": 10})
        self.Credit._sla_expire_claims(today=date(2025, 4, 10))
        self.assertEqual(self.credit.state, "draft")
        self.Credit._sla_expire_claims(today=date(2025, 4, 11))
        self.assertEqual(self.credit.state, "rejected")
        self.assertIn("10 days", self.credit.reject_reason)

    def test_consecutive_credited_periods_flag_chronic_failure_and_tell_the_salesperson(self):
        self.credit.with_user(self.finance).action_submit()
        self.credit.with_user(self.finance).action_approve()
        self.assertFalse(self.agreement.chronic_failure)
        self._resolved(utc(2025, 4, 11, 14, 0), start=utc(2025, 4, 8, 7, 0))
        april = self._compute(self.agreement, APRIL)
        self.assertTrue(april.total)
        april.with_user(self.finance).action_submit()
        april.with_user(self.finance).action_approve()
        self.assertTrue(self.agreement.chronic_failure)
        self.assertEqual(self.agreement.chronic_since, MARCH)
        self.assertEqual(self.agreement.activity_ids.user_id, self.manager)


@tagged("post_install", "-at_install")
class TestBadInput(CreditCase):
    def _rule_with(self, bands, **vals):
        return self._agreement([self._lateness_rule(band_ids=[Command.create(b) for b in bands], **vals)])

    def test_overlapping_bands_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self._rule_with([{"lower": 0, "upper": 6, "value": 1}, {"lower": 4, "upper": 8, "value": 3}])

    def test_bands_with_a_gap_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "gap"):
            self._rule_with([{"lower": 0, "upper": 4, "value": 1}, {"lower": 5, "upper": 8, "value": 3}])

    def test_a_credit_above_100_percent_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "150"):
            self._rule_with([{"lower": 0, "unbounded": True, "value": 150}])

    def test_a_later_band_crediting_less_is_refused(self):
        with self.assertRaises(ValidationError):
            self._rule_with([{"lower": 0, "upper": 4, "value": 5}, {"lower": 4, "upper": 8, "value": 1}])

    def test_a_rule_without_band_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "no band"):
            self._rule_with([])

    def test_a_band_edited_alone_is_checked_with_its_rule(self):
        agreement = self._agreement([self._lateness_rule()])
        band = agreement.rule_ids.band_ids.sorted("lower")[0]
        with self.assertRaisesRegex(ValidationError, "gap"):
            band.upper = 3

    def test_a_cap_below_the_minimum_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Minimum Credit"):
            self._agreement([self._lateness_rule()], cap_percent=1.0, minimum_amount=50.0)

    def test_an_agreement_ending_before_it_starts_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "2024-12-31"):
            self._agreement([self._lateness_rule()], date_end=date(2024, 12, 31))

    def test_an_outage_ending_before_it_starts_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Back Up At"):
            self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 7, 0))

    def test_a_negative_fee_is_refused_naming_it(self):
        with self.assertRaisesRegex(ValidationError, r"'Fee Per Period' must be a finite number.*-10"):
            self._agreement([self._lateness_rule()], fee=-10.0)

    def test_an_agreement_without_currency_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "'Currency' is required"):
            self._agreement([self._lateness_rule()], currency_id=False)

    def test_a_contact_is_not_a_customer_of_an_agreement(self):
        with self.assertRaisesRegex(ValidationError, "commercial entity"):
            self._agreement([self._lateness_rule()], partner_id=self.alice.id)

    def test_force_majeure_without_a_reason_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Exclusion Reason"):
            self._outage(utc(2025, 3, 5, 8, 0), utc(2025, 3, 5, 9, 0), force_majeure=True)


@tagged("post_install", "-at_install")
class TestPortal(CreditCase):
    def test_customers_see_their_issued_credits_only(self):
        finance = self.finance
        self._resolved(utc(2025, 3, 14, 9, 0))
        mine = self._agreement([self._lateness_rule()])
        theirs = self._agreement([self._lateness_rule()], name="NY Corp support", partner_id=self.nycorp.id)
        issued, draft = self._compute(mine), self._compute(mine, APRIL)
        other = self._compute(theirs)
        for credit in issued | other:
            credit.with_user(self.finance).action_submit()
            credit.with_user(finance).action_approve()
            credit.with_user(finance).action_issue()
        portal = new_test_user(
            self.env, login="acme-portal", groups="base.group_portal", partner_id=self.alice.id
        )
        seen = self.env["helpdesk.sla.credit"].with_user(portal).search([])
        self.assertEqual(seen, issued)
        self.assertNotIn(draft, seen)
        self.assertEqual(seen.line_ids.mapped("amount"), [60.0])


@tagged("post_install", "-at_install")
class TestPortalPage(HttpCase, CreditCase):
    def test_the_portal_page_lists_the_issued_credits_with_their_lines(self):
        self._resolved(utc(2025, 3, 14, 9, 0))
        credit = self._compute(self._agreement([self._lateness_rule()]))
        credit.with_user(self.finance).action_submit()
        credit.with_user(self.finance).action_approve()
        credit.with_user(self.finance).action_issue()
        new_test_user(
            self.env, login="acme-portal-page", password="acme-portal-page", groups="base.group_portal"
        ).partner_id.parent_id = self.acme
        self.authenticate("acme-portal-page", "acme-portal-page")
        page = self.url_open("/my/sla-credits")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Acme premium support", page.text)
        self.assertIn("Late resolution", page.text)
        self.assertIn("60.00", page.text)


@tagged("post_install", "-at_install")
class TestCompanies(CreditCase):
    def test_statements_of_another_company_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other SLA company"})
        self._resolved(utc(2025, 3, 14, 9, 0))
        credit = self._compute(self._agreement([self._lateness_rule()]))
        outsider = new_test_user(
            self.env,
            login="sla-finance-other",
            groups="helpdesk_sla_advanced.group_sla_finance",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.env["helpdesk.sla.credit"].with_user(outsider).search([("id", "=", credit.id)]))
        self.assertFalse(
            self.env["helpdesk.sla.agreement"]
            .with_user(outsider)
            .search([("id", "=", credit.agreement_id.id)])
        )
