# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-ticket SLA clocks on a Paris business calendar (Mon-Fri 09-12/13-17) whose
Monday 2025-03-10 is a public holiday. Times in comments are Paris time; stored
values are naive UTC (Paris is UTC+1 in March 2025)."""

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import FRIDAY_5PM_PARIS, SlaCase, utc


@tagged("post_install", "-at_install")
class TestFirstResponse(SlaCase):
    def test_deadline_skips_weekend_and_monday_holiday(self):
        ticket = self._ticket()
        clock = self._clock(ticket, "first_response")
        # 4 business hours from Friday 17:00: Tuesday 09-12 and 13-14
        self.assertEqual(clock.deadline, utc(2025, 3, 11, 13, 0))
        self.assertEqual(clock.internal_deadline, utc(2025, 3, 11, 10, 0))
        self.assertEqual(clock.state, "running")

    def test_time_left_is_business_time_to_the_deadline_and_negative_once_overdue(self):
        ticket = self._ticket()
        clock = self._clock(ticket, "resolution")  # 16 h: due Thursday 11:00
        with freeze_time("2025-03-11 09:00:00"):  # Tuesday 10:00: 2 + 4 + 7 + 2 h left
            clock.invalidate_recordset(["time_left"])
            ticket.invalidate_recordset(["sla_time_left"])
            self.assertAlmostEqual(clock.time_left, 15.0)
            self.assertAlmostEqual(ticket.sla_time_left, 3.0)  # first response, due 14:00
        with freeze_time("2025-03-14 08:30:00"):  # Friday 09:30: late by Thu 11-12, 13-17, Fri 09-09:30
            clock.invalidate_recordset(["time_left"])
            self.assertAlmostEqual(clock.time_left, -5.5)

    def test_public_reply_by_an_agent_stops_it(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "met")
        self.assertEqual(clock.reached_at, utc(2025, 3, 11, 9, 30))
        self.assertAlmostEqual(clock.working_hours, 1.5)

    def test_internal_note_does_not_stop_it(self):
        ticket = self._ticket()
        self._note(ticket, "2025-03-11 09:30:00")
        self.assertEqual(self._clock(ticket, "first_response").state, "running")

    def test_customer_message_does_not_stop_it(self):
        ticket = self._ticket()
        self._customer_says(ticket, "2025-03-11 09:30:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "running")
        self.assertFalse(clock.reached_at)

    def test_automatic_acknowledgement_does_not_stop_it(self):
        ticket = self._ticket()
        ticket.with_user(self.agent).message_post(
            body="We received your request.", message_type="auto_comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(self._clock(ticket, "first_response").state, "running")

    def test_late_reply_is_met_late_as_breached(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 15:00:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "breached")
        self.assertEqual(clock.breached_at, utc(2025, 3, 11, 13, 0))
        self.assertEqual(clock.reached_at, utc(2025, 3, 11, 15, 0))
        self.assertEqual(ticket.sla_state, "running")  # resolution still runs; the reply is done


@tagged("post_install", "-at_install")
class TestNextResponse(SlaCase):
    def test_customer_message_after_first_reply_starts_a_cycle(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        self._customer_says(ticket, "2025-03-11 11:00:00")  # 12:00, lunch
        cycle = self._clock(ticket, "next_response")
        self.assertEqual(cycle.cycle, 1)
        self.assertEqual(cycle.start, utc(2025, 3, 11, 11, 0))
        # 8 h from Tuesday 12:00: Tuesday 13-17, Wednesday 09-12 and 13-14
        self.assertEqual(cycle.deadline, utc(2025, 3, 12, 13, 0))

    def test_customer_message_before_first_reply_starts_no_cycle(self):
        ticket = self._ticket()
        self._customer_says(ticket, "2025-03-11 08:30:00")
        self.assertFalse(self._clock(ticket, "next_response"))

    def test_agent_reply_stops_the_open_cycle_and_cycles_are_kept(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        self._customer_says(ticket, "2025-03-11 11:00:00")
        self._reply(ticket, "2025-03-11 14:00:00")
        self._customer_says(ticket, "2025-03-12 09:00:00")
        first, second = self._clock(ticket, "next_response", 1), self._clock(ticket, "next_response", 2)
        self.assertEqual(first.state, "met")
        self.assertEqual(first.reached_at, utc(2025, 3, 11, 14, 0))
        self.assertEqual(second.state, "running")
        self.assertEqual(second.start, utc(2025, 3, 12, 9, 0))

    def test_second_customer_message_does_not_open_a_second_cycle(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        self._customer_says(ticket, "2025-03-11 11:00:00")
        self._customer_says(ticket, "2025-03-11 12:00:00")
        self.assertEqual(len(ticket.sla_status_ids.filtered(lambda s: s.metric == "next_response")), 1)

    def test_pause_stage_pauses_next_response_only_when_the_policy_says_so(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        self._customer_says(ticket, "2025-03-11 11:00:00")
        self._move(ticket, self.stage_awaiting, "2025-03-11 13:00:00")
        self.assertEqual(self._clock(ticket, "next_response").state, "running")
        with freeze_time("2025-03-11 13:30:00"):
            self.premium.pause_next_response = True
            ticket.with_user(self.manager).action_sla_recompute()
        self.assertEqual(self._clock(ticket, "next_response").state, "paused")


@tagged("post_install", "-at_install")
class TestResolution(SlaCase):
    def test_deadline_counts_business_hours_only(self):
        ticket = self._ticket()
        clock = self._clock(ticket, "resolution")
        # 16 h from Friday 17:00: Tuesday 7 h, Wednesday 7 h, Thursday 09-11
        self.assertEqual(clock.deadline, utc(2025, 3, 13, 10, 0))
        self.assertEqual(clock.internal_deadline, utc(2025, 3, 12, 14, 0))

    def test_closing_the_ticket_stops_it_as_met(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        self._move(ticket, self.stage_done, "2025-03-11 15:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "met")
        self.assertEqual(clock.reached_at, utc(2025, 3, 11, 15, 0))
        self.assertAlmostEqual(clock.working_hours, 6.0)
        self.assertEqual(ticket.sla_state, "met")

    def test_reopening_resumes_with_the_time_already_counted(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_done, "2025-03-11 15:00:00")
        self._move(ticket, self.stage_progress, "2025-03-12 08:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "running")
        self.assertFalse(clock.reached_at)
        # 6 h counted; 10 h left from Wednesday 09:00: Wednesday 7 h, Thursday 09-12
        self.assertEqual(clock.deadline, utc(2025, 3, 13, 11, 0))
        kinds = clock.event_ids.mapped("kind")
        self.assertEqual(kinds[-2:], ["stop", "reopen"])

    def test_closing_also_stops_a_pending_first_response(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_done, "2025-03-11 09:30:00")
        self.assertEqual(self._clock(ticket, "first_response").state, "met")

    def test_pause_stage_pauses_it_with_the_stage_as_reason(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 10:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "paused")
        self.assertEqual(clock.pause_reason, self.stage_awaiting.name)
        self.assertFalse(clock.deadline)
        self.assertTrue(ticket.sla_paused)

    def test_resume_moves_the_deadline_by_the_paused_time(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 10:00:00")  # 2 h counted
        self._move(ticket, self.stage_progress, "2025-03-13 08:00:00")  # Thursday 09:00
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "running")
        # 14 h left: Thursday 7 h, Friday 7 h
        self.assertEqual(clock.deadline, utc(2025, 3, 14, 16, 0))
        self.assertAlmostEqual(clock.paused_hours, 46.0)
        self.assertAlmostEqual(clock.working_hours, 2.0)

    def test_closing_from_a_pause_stage_never_counts_the_pause(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 10:00:00")
        self._move(ticket, self.stage_done, "2025-03-20 10:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "met")
        self.assertAlmostEqual(clock.working_hours, 2.0)


@tagged("post_install", "-at_install")
class TestReevaluation(SlaCase):
    def test_priority_change_applies_new_targets_from_the_start(self):
        ticket = self._ticket()
        with self.subTest("before"):
            self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 13, 10, 0))
        self._write(ticket, {"priority": "3"}, "2025-03-11 14:00:00")
        clock = self._clock(ticket, "resolution")
        # 8 h from Friday 17:00: Tuesday 7 h, Wednesday 09-10
        self.assertEqual(clock.deadline, utc(2025, 3, 12, 9, 0))
        self.assertEqual(clock.contractual_hours, 8.0)
        # the start carries the first targets, a target event the new ones
        with_targets = clock.event_ids.filtered("contractual_hours")
        self.assertEqual(with_targets.mapped("kind"), ["start", "target"])
        self.assertEqual(with_targets.mapped("contractual_hours"), [16.0, 8.0])
        self.assertEqual(with_targets[-1].at, utc(2025, 3, 11, 14, 0))

    def test_retroactive_target_keeps_past_pauses(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 10:00:00")  # 2 h counted
        self._move(ticket, self.stage_progress, "2025-03-13 08:00:00")
        self._write(ticket, {"priority": "3"}, "2025-03-13 09:00:00")
        # 8 h: 2 h on Tuesday, 6 h from Thursday 09:00 -> Thursday 16:00
        self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 13, 15, 0))

    def test_target_already_met_stays_met(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 11:00:00")  # 3 h of 4: met
        self.premium.target_ids.filtered(lambda t: t.metric == "first_response").write(
            {"contractual_hours": 1, "internal_hours": 0}
        )
        self._write(ticket, {"priority": "2"}, "2025-03-11 12:00:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "met")
        self.assertEqual(clock.contractual_hours, 4.0)

    def _met_ticket_with_a_new_target(self):
        """First response met in 3 h of 4; then its target is edited to 1 h and the
        re-evaluation cron applies the edit."""
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 11:00:00")
        with freeze_time("2025-03-11 12:00:00"):
            self.premium.target_ids.filtered(lambda t: t.metric == "first_response").write(
                {"contractual_hours": 1, "internal_hours": 0}
            )
            self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        return ticket

    def test_reevaluation_records_the_target_on_a_met_clock_and_keeps_it_met(self):
        ticket = self._met_ticket_with_a_new_target()
        clock = self._clock(ticket, "first_response")
        self.assertEqual((clock.state, clock.contractual_hours), ("met", 4.0))
        event = clock.event_ids.sorted(lambda e: (e.at, e.id))[-1]
        self.assertEqual(
            (event.kind, event.at, event.policy_id, event.contractual_hours),
            ("target", utc(2025, 3, 11, 12, 0), self.premium, 1.0),
        )

    def test_explanation_says_a_met_clock_was_re_evaluated_and_against_what(self):
        ticket = self._met_ticket_with_a_new_target()
        explanation = self._clock(ticket, "first_response").explanation
        self.assertIn(
            "re-evaluated 1 time(s) after it was reached, last against 1h00: the outcome stands", explanation
        )
        self.assertIn("state: met", explanation)

    def test_a_met_clock_records_the_same_target_once(self):
        ticket = self._met_ticket_with_a_new_target()
        for at in ("2025-03-11 13:00:00", "2025-03-11 14:00:00"):
            with freeze_time(at):
                ticket.with_user(self.manager).action_sla_recompute()
        clock = self._clock(ticket, "first_response")
        self.assertEqual(len(clock.event_ids.filtered(lambda e: e.kind == "target")), 1)

    def test_customer_change_switches_policy_and_says_why(self):
        ticket = self._ticket()
        self.assertEqual(ticket.sla_policy_id, self.premium)
        self.assertIn("tier Premium", ticket.sla_policy_reason)
        self._write(ticket, {"partner_id": self.bob.id}, "2025-03-11 09:00:00")
        self.assertEqual(ticket.sla_policy_id, self.standard)
        self.assertIn("service-wide default", ticket.sla_policy_reason)
        self.assertEqual(self._clock(ticket, "resolution").contractual_hours, 40.0)

    def test_metric_missing_from_the_new_policy_is_archived_not_deleted(self):
        ticket = self._ticket()
        self._reply(ticket, "2025-03-11 09:30:00")
        self._customer_says(ticket, "2025-03-11 11:00:00")
        self._write(ticket, {"partner_id": self.bob.id}, "2025-03-11 12:00:00")  # Standard: no next response
        cycle = self._clock(ticket, "next_response")
        self.assertFalse(cycle.active)
        self.assertTrue(cycle.event_ids)

    def test_team_and_assignee_changes_are_logged_with_their_times(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Engineering"})
        ticket = self._ticket()
        self._write(ticket, {"user_id": self.agent.id}, "2025-03-11 09:00:00")
        self._write(ticket, {"team_id": other_team.id}, "2025-03-12 09:00:00")
        periods = ticket.sla_period_ids.sorted("date_start")
        self.assertEqual(periods.mapped("team_id"), self.team | other_team)
        self.assertEqual(
            [(p.date_start, p.date_end) for p in periods],
            [
                (utc(2025, 3, 7, 16, 0), utc(2025, 3, 11, 9, 0)),
                (utc(2025, 3, 11, 9, 0), utc(2025, 3, 12, 9, 0)),
                (utc(2025, 3, 12, 9, 0), False),
            ],
        )
        self.assertEqual(periods[1].user_id, self.agent)

    def test_policy_edit_is_queued_and_the_cron_applies_it(self):
        ticket = self._ticket()
        with freeze_time("2025-03-11 09:00:00"):
            self.premium.target_ids.filtered(lambda t: t.metric == "resolution" and not t.priority).write(
                {"contractual_hours": 8, "internal_hours": 6}
            )
            self.assertTrue(self.env["helpdesk.sla.policy"]._sla_reevaluation_pending())
            self.assertEqual(self._clock(ticket, "resolution").contractual_hours, 16.0)
            self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        self.assertFalse(ticket.sla_dirty)
        self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 12, 9, 0))

    def test_new_public_holiday_moves_open_deadlines(self):
        ticket = self._ticket()
        with freeze_time("2025-03-11 09:00:00"):
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Strike",
                    "calendar_id": self.calendar.id,
                    "date_from": utc(2025, 3, 12, 8, 0),
                    "date_to": utc(2025, 3, 12, 16, 0),
                    "time_type": "leave",
                }
            )
            self.assertTrue(self.env["helpdesk.sla.policy"]._sla_reevaluation_pending())
            self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        # Wednesday closed: 7 h Tuesday, 7 h Thursday, 2 h Friday -> Friday 11:00
        self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 14, 10, 0))

    def test_new_policy_matches_existing_open_tickets(self):
        ticket = self._ticket(partner_id=self.bob.id)
        self.assertEqual(ticket.sla_policy_id, self.standard)
        with freeze_time("2025-03-11 09:00:00"):
            ny = self.env["helpdesk.sla.policy"].create(
                {
                    "name": "NY",
                    "sequence": 5,
                    "partner_ids": [Command.set(self.nycorp.ids)],
                    "calendar_mode": "always",
                    "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 24})],
                }
            )
            self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        self.assertEqual(ticket.sla_policy_id, ny)
        self.assertIn("customer NY Corp", ticket.sla_policy_reason)
        self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 8, 16, 0))
        self.assertFalse(self._clock(ticket, "first_response").active)

    def _write(self, ticket, vals, at):
        with freeze_time(at):
            ticket.with_user(self.manager).write(vals)


@tagged("post_install", "-at_install")
class TestTimeZones(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.us_policy = cls.env["helpdesk.sla.policy"].create(
            {
                "name": "US customers",
                "sequence": 5,
                "partner_ids": [Command.set(cls.nycorp.ids)],
                "resource_calendar_id": cls.calendar.id,
                "tz_source": "customer",
                "target_ids": [
                    Command.create({"metric": "first_response", "contractual_hours": 4}),
                    Command.create({"metric": "resolution", "contractual_hours": 16}),
                ],
            }
        )

    def test_hours_are_read_in_the_customers_time_zone(self):
        ticket = self._ticket(partner_id=self.bob.id)  # Friday 11:00 in New York
        first = self._clock(ticket, "first_response")
        self.assertEqual(first.tz, "America/New_York")
        # 11-12 and 13-16 New York time (EST, UTC-5)
        self.assertEqual(first.deadline, utc(2025, 3, 7, 21, 0))

    def test_customer_zone_crosses_dst_and_the_calendars_holiday(self):
        ticket = self._ticket(partner_id=self.bob.id)
        # Friday 5 h; Monday closed by the Paris holiday (an instant range); Tuesday 7 h;
        # Wednesday 09-12 and 13-14 New York time, now EDT (UTC-4)
        self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 12, 18, 0))

    def test_explanation_names_policy_calendar_and_zone(self):
        ticket = self._ticket(partner_id=self.bob.id)
        text = self._clock(ticket, "resolution").explanation
        self.assertIn("US customers", text)
        self.assertIn("America/New_York", text)
        self.assertIn("deadline", text)


@tagged("post_install", "-at_install")
class TestBreachAndExemption(SlaCase):
    def test_cron_stores_the_breach_at_the_deadline_not_when_it_noticed(self):
        ticket = self._ticket()
        self._tick("2025-03-11 15:30:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "breached")
        self.assertEqual(clock.breached_at, utc(2025, 3, 11, 13, 0))
        self.assertEqual(ticket.sla_state, "breached")
        self.assertTrue(ticket.sla_breached)

    def test_cron_marks_at_risk_when_the_internal_target_passes(self):
        ticket = self._ticket()
        self._tick("2025-03-11 10:30:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "running")
        self.assertEqual(clock.internal_breached_at, utc(2025, 3, 11, 10, 0))
        self.assertEqual(ticket.sla_state, "at_risk")

    def test_cron_is_woken_by_the_next_deadline(self):
        cron = self.env.ref("helpdesk_sla_advanced.ir_cron_sla_tick")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        ticket = self._ticket()
        clock = self._clock(ticket, "first_response")
        # the internal deadline is passed one second after Tuesday 11:00 Paris
        self.assertEqual(clock.next_action_at, utc(2025, 3, 11, 10, 0, 1))
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertEqual(triggers.mapped("call_at"), [utc(2025, 3, 11, 10, 0, 1)])

    def test_no_second_trigger_when_an_earlier_one_is_planned(self):
        cron = self.env.ref("helpdesk_sla_advanced.ir_cron_sla_tick")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self._ticket()
        self._ticket()
        self.assertEqual(len(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])), 1)

    def test_a_trigger_already_due_does_not_stand_for_a_later_deadline(self):
        # a due trigger may be firing while this transaction runs, before its clocks commit:
        # the cron would not see them, so a trigger still to come is planned for them
        cron = self.env.ref("helpdesk_sla_advanced.ir_cron_sla_tick")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        # due on Friday, before the ticket is created
        due = Trigger.create({"cron_id": cron.id, "call_at": utc(2025, 3, 7, 15, 0)})
        ticket = self._ticket()
        clock = self._clock(ticket, "first_response")
        triggers = Trigger.search([("cron_id", "=", cron.id)]) - due
        self.assertEqual(triggers.mapped("call_at"), [clock.next_action_at])

    def test_paused_clock_does_not_breach(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 08:30:00")
        self._tick("2025-03-20 10:00:00")
        self.assertEqual(self._clock(ticket, "resolution").state, "paused")

    def test_manager_exempts_a_ticket_with_a_logged_reason(self):
        ticket = self._ticket()
        with freeze_time("2025-03-11 09:00:00"):
            ticket.with_user(self.manager)._sla_exempt("Force majeure: regional power outage")
        self.assertTrue(ticket.sla_exempt)
        self.assertEqual(ticket.sla_state, "exempted")
        for clock in ticket.sla_status_ids:
            self.assertEqual(clock.state, "exempted")
            self.assertEqual(clock.event_ids[-1].kind, "exempt")
        self.assertIn("Force majeure", ticket.message_ids[0].body)

    def test_exemption_needs_a_reason(self):
        ticket = self._ticket()
        with self.assertRaisesRegex(ValidationError, "Exemption Reason is required"):
            ticket.with_user(self.manager)._sla_exempt("  ")

    def test_agents_cannot_exempt(self):
        ticket = self._ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent)._sla_exempt("because")

    def test_lifting_the_exemption_restores_the_clocks(self):
        ticket = self._ticket()
        with freeze_time("2025-03-11 09:00:00"):
            ticket.with_user(self.manager)._sla_exempt("mistake?")
            ticket.with_user(self.manager)._sla_exempt("it was a mistake", exempt=False)
        self.assertFalse(ticket.sla_exempt)
        self.assertEqual(self._clock(ticket, "resolution").state, "running")


@tagged("post_install", "-at_install")
class TestUnusableCalendar(SlaCase):
    def test_ticket_keeps_working_and_shows_why(self):
        # a zone the engine does not know, written behind the ORM's back
        self.env.cr.execute(
            "UPDATE resource_calendar SET tz = 'Mars/Olympus_Mons' WHERE id = %s", [self.calendar.id]
        )
        self.calendar.invalidate_recordset(["tz"])
        ticket = self._ticket(at=FRIDAY_5PM_PARIS)
        clock = self._clock(ticket, "resolution")
        self.assertIn("Mars/Olympus_Mons", clock.error)
        self.assertIn("Mars/Olympus_Mons", ticket.sla_error)
        ticket.with_user(self.agent).write({"stage_id": self.stage_progress.id})
        self.assertEqual(ticket.stage_id, self.stage_progress)
