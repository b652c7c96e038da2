# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Exemptions hold the clocks from the moment they are given, like a pause with the
exemption's reason, and lifting one counts on from the lift. Service credits leave
exempted tickets out, so exempted time must never count.

24/7: NY Corp's tickets are on a 24-hour resolution policy counted around the clock.
Business hours: Acme's are on Premium (Paris, Mon-Fri 09-12/13-17, Monday 2025-03-10 a
holiday; 16 h resolution, internal 12 h; the Awaiting stage pauses it). Times in
comments are UTC unless they say Paris (UTC+1 in March 2025)."""

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import SlaCase, utc

FORCE_MAJEURE = "Force majeure: regional power outage"


class ExemptionCase(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.around_the_clock = cls.env["helpdesk.sla.policy"].create(
            {
                "name": "NY 24/7",
                "sequence": 5,
                "partner_ids": [Command.set(cls.nycorp.ids)],
                "calendar_mode": "always",
                "target_ids": [
                    Command.create(
                        {
                            "metric": "resolution",
                            "contractual_hours": 24,
                            "internal_hours": 12,
                            "time_kind": "calendar",
                        }
                    )
                ],
            }
        )
        cls._forget_pending_reevaluation()

    def _exempt(self, ticket, at, reason=FORCE_MAJEURE, exempt=True):
        with freeze_time(at):
            ticket.with_user(self.manager)._sla_exempt(reason, exempt=exempt)

    def _recompute(self, ticket, at):
        """Evaluate the ticket's clocks at ``at`` (the stored values are those of the last
        evaluation: an exempted clock has no instant of its own to be evaluated at)."""
        with freeze_time(at):
            ticket.with_user(self.manager).action_sla_recompute()

    def _ny_ticket(self):
        return self._ticket(partner_id=self.bob.id)  # Friday 2025-03-07 16:00


@tagged("post_install", "-at_install")
class TestExemptionAroundTheClock(ExemptionCase):
    def test_exempted_after_an_hour_it_has_still_counted_one_hour_29_hours_later(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        self._tick("2025-03-08 22:00:00")
        self._recompute(ticket, "2025-03-08 22:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "exempted")
        self.assertEqual(clock.working_hours, 1.0)
        self.assertEqual(clock.calendar_hours, 1.0)
        self.assertEqual(clock.paused_hours, 29.0)
        self.assertEqual(clock.pause_reason, FORCE_MAJEURE)
        self.assertEqual(clock.time_left, 23.0)

    def test_exempted_clock_stores_no_missed_deadline(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        self._tick("2025-03-08 22:00:00")
        self._recompute(ticket, "2025-03-08 22:00:00")
        clock = self._clock(ticket, "resolution")
        for fname in (
            "deadline",
            "internal_deadline",
            "breached_at",
            "internal_breached_at",
            "next_action_at",
        ):
            self.assertFalse(clock[fname], fname)
        self.assertFalse(clock.met_pct)  # left out of compliance
        with freeze_time("2025-03-08 22:00:00"):
            self.assertFalse(ticket.sla_breached)
            self.assertFalse(ticket.sla_deadline_next)
            self.assertFalse(
                self.env["helpdesk.ticket"].search([("id", "=", ticket.id), ("sla_breached", "=", True)])
            )

    def test_tick_cron_stores_no_breach_for_an_exempted_clock_it_wakes_for(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertFalse(clock.next_action_at)
        # a wake-up planned before the exemption (another worker, an older version) still comes
        clock.sudo().write({"next_action_at": utc(2025, 3, 8, 16, 0, 1)})
        self._tick("2025-03-08 22:00:00")
        self.assertEqual(clock.state, "exempted")
        self.assertFalse(clock.breached_at)
        self.assertFalse(clock.next_action_at)
        self.assertEqual(clock.working_hours, 1.0)

    def test_lifting_counts_on_from_the_lift_with_the_time_left(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        self._exempt(ticket, "2025-03-08 22:00:00", reason="Power back", exempt=False)
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "running")
        self.assertEqual(clock.working_hours, 1.0)
        self.assertEqual(clock.paused_hours, 29.0)
        self.assertEqual(clock.deadline, utc(2025, 3, 9, 21, 0))  # 23 h from the lift
        self.assertEqual(clock.internal_deadline, utc(2025, 3, 9, 9, 0))  # 11 h from the lift

    def test_after_a_lift_the_breach_is_stored_at_the_moved_deadline(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        self._exempt(ticket, "2025-03-08 22:00:00", reason="Power back", exempt=False)
        self._tick("2025-03-09 21:30:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "breached")
        self.assertEqual(clock.breached_at, utc(2025, 3, 9, 21, 0))

    def test_explanation_lists_the_exemption_as_a_pause_with_its_reason(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        with freeze_time("2025-03-08 22:00:00"):
            explanation = self._clock(ticket, "resolution").explanation
        self.assertRegex(explanation, f"exempted .* -> now: {FORCE_MAJEURE}")
        self.assertIn("elapsed: 1h00 calendar, paused 29h00 (exempted 29h00)", explanation)
        self.assertIn("state: exempted", explanation)
        self.assertNotIn("deadline", explanation)

    def test_wizard_exemption_stops_the_clocks_from_the_moment_it_is_given(self):
        ticket = self._ny_ticket()
        with freeze_time("2025-03-07 17:00:00"):
            wizard = (
                self.env["helpdesk.ticket.sla.exempt"]
                .with_user(self.manager)
                .create({"ticket_ids": [Command.set(ticket.ids)], "reason": FORCE_MAJEURE})
            )
            wizard.action_confirm()
        self._recompute(ticket, "2025-03-08 22:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual((clock.state, clock.working_hours, clock.paused_hours), ("exempted", 1.0, 29.0))
        self.assertFalse(clock.deadline)

    def test_wizard_lift_counts_on_from_the_lift(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        with freeze_time("2025-03-08 22:00:00"):
            action = ticket.with_user(self.manager).action_sla_exempt()
            self.assertFalse(action["context"]["default_exempt"])
            self.env["helpdesk.ticket.sla.exempt"].with_user(self.manager).with_context(
                action["context"]
            ).create({"reason": "Power back"}).action_confirm()
        self.assertEqual(self._clock(ticket, "resolution").deadline, utc(2025, 3, 9, 21, 0))

    def test_manager_write_exemption_stops_the_clocks_from_the_moment_it_is_given(self):
        ticket = self._ny_ticket()
        with freeze_time("2025-03-07 17:00:00"):
            ticket.with_user(self.manager).write({"sla_exempt": True, "sla_exempt_reason": FORCE_MAJEURE})
        self._recompute(ticket, "2025-03-08 22:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual((clock.state, clock.working_hours, clock.paused_hours), ("exempted", 1.0, 29.0))
        self.assertFalse(clock.breached_at)

    def test_a_clock_created_later_is_held_for_the_ticket_exemptions_as_they_were(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        self._exempt(ticket, "2025-03-08 22:00:00", reason="Power back", exempt=False)
        with freeze_time("2025-03-09 00:00:00"):
            self.around_the_clock.target_ids = [
                Command.create({"metric": "first_response", "contractual_hours": 4})
            ]
            self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        clock = self._clock(ticket, "first_response")
        exemptions = clock.event_ids.filtered(lambda e: e.kind in ("exempt", "unexempt"))
        self.assertEqual(
            [(e.kind, e.at, e.reason) for e in exemptions],
            [
                ("exempt", utc(2025, 3, 7, 17, 0), FORCE_MAJEURE),
                ("unexempt", utc(2025, 3, 8, 22, 0), "Power back"),
            ],
        )
        # 16-17 and 22-24: 3 h counted, 1 h left
        self.assertEqual(clock.working_hours, 3.0)
        self.assertEqual(clock.deadline, utc(2025, 3, 9, 1, 0))


@tagged("post_install", "-at_install")
class TestExemptionOnBusinessHours(ExemptionCase):
    def _paris_ticket(self):
        return self._ticket(at="2025-03-11 08:00:00")  # Tuesday 09:00 Paris

    def test_exempted_clock_keeps_the_working_time_counted_before(self):
        ticket = self._paris_ticket()
        self._exempt(ticket, "2025-03-11 10:00:00")  # 11:00 Paris: 2 h counted
        self._recompute(ticket, "2025-03-13 08:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual((clock.state, clock.working_hours), ("exempted", 2.0))
        self.assertEqual(clock.paused_hours, 46.0)
        self.assertFalse(clock.deadline)
        self.assertFalse(clock.breached_at)

    def test_lift_moves_the_deadline_by_the_working_time_left(self):
        ticket = self._paris_ticket()
        self._exempt(ticket, "2025-03-11 10:00:00")
        self._exempt(ticket, "2025-03-13 08:00:00", reason="Power back", exempt=False)  # Thu 09:00 Paris
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "running")
        # 14 h left: Thursday 7 h, Friday 7 h -> Friday 17:00 Paris
        self.assertEqual(clock.deadline, utc(2025, 3, 14, 16, 0))
        # 10 h left of the internal 12 h: Thursday 7 h, Friday 09-12 Paris
        self.assertEqual(clock.internal_deadline, utc(2025, 3, 14, 11, 0))

    def test_exemption_while_paused_holds_the_clock_once_with_the_exemption_reason(self):
        ticket = self._paris_ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 09:00:00")  # 1 h counted
        self._exempt(ticket, "2025-03-11 12:00:00")
        self._recompute(ticket, "2025-03-12 09:00:00")
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "exempted")
        self.assertEqual(clock.working_hours, 1.0)
        self.assertEqual(clock.paused_hours, 24.0)  # 3 h paused then 21 h exempted, not 24 h + 21 h
        self.assertEqual(clock.pause_reason, FORCE_MAJEURE)
        with freeze_time("2025-03-12 09:00:00"):
            explanation = clock.explanation
        self.assertRegex(explanation, "paused .* -> .*: Awaiting")
        self.assertRegex(explanation, f"exempted .* -> now: {FORCE_MAJEURE}")

    def test_lift_while_the_stage_still_pauses_keeps_the_clock_paused(self):
        ticket = self._paris_ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 09:00:00")
        self._exempt(ticket, "2025-03-11 12:00:00")
        self._exempt(ticket, "2025-03-12 09:00:00", reason="Power back", exempt=False)
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "paused")
        self.assertTrue(clock.paused)
        self.assertEqual(clock.pause_reason, "Awaiting")
        self.assertEqual((clock.working_hours, clock.paused_hours), (1.0, 24.0))
        self.assertFalse(clock.deadline)

    def test_leaving_the_pause_stage_after_the_lift_counts_without_double_counting(self):
        ticket = self._paris_ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 09:00:00")
        self._exempt(ticket, "2025-03-11 12:00:00")
        self._exempt(ticket, "2025-03-12 09:00:00", reason="Power back", exempt=False)
        self._move(ticket, self.stage_progress, "2025-03-13 08:00:00")  # Thursday 09:00 Paris
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.state, "running")
        self.assertEqual((clock.working_hours, clock.paused_hours), (1.0, 47.0))
        # 15 h left: Thursday 7 h, Friday 7 h, Monday 17th 09-10 Paris
        self.assertEqual(clock.deadline, utc(2025, 3, 17, 9, 0))

    def test_an_exempted_ticket_in_a_pause_stage_is_not_listed_as_paused(self):
        ticket = self._paris_ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 09:00:00")
        self._exempt(ticket, "2025-03-11 12:00:00")
        self.assertFalse(ticket.sla_paused)
        paused = self.env["helpdesk.ticket"].search([("id", "=", ticket.id), ("sla_paused", "=", True)])
        self.assertFalse(paused)

    def test_exempting_a_met_clock_keeps_its_outcome_and_reads_exempted(self):
        ticket = self._paris_ticket()
        self._reply(ticket, "2025-03-11 10:00:00")  # 2 h of 4: met
        self._exempt(ticket, "2025-03-11 12:00:00")
        clock = self._clock(ticket, "first_response")
        self.assertEqual(clock.state, "exempted")
        self.assertEqual(clock.reached_at, utc(2025, 3, 11, 10, 0))
        self.assertEqual(clock.working_hours, 2.0)
        self.assertFalse(clock.breached_at)
        self.assertFalse(clock.met_pct)
        self._exempt(ticket, "2025-03-11 13:00:00", reason="Power back", exempt=False)
        self.assertEqual((clock.state, clock.met_pct), ("met", 100.0))


@tagged("post_install", "-at_install")
class TestExemptionReason(ExemptionCase):
    def test_wizard_refuses_a_blank_reason_naming_the_field(self):
        ticket = self._ny_ticket()
        Wizard = self.env["helpdesk.ticket.sla.exempt"].with_user(self.manager)
        for reason in ("", "   ", False):
            with self.subTest(reason=reason), self.assertRaisesRegex(ValidationError, "Exemption Reason"):
                Wizard.create({"ticket_ids": [Command.set(ticket.ids)], "reason": reason}).action_confirm()
        self.assertFalse(ticket.sla_exempt)
        self.assertFalse(self._clock(ticket, "resolution").event_ids.filtered(lambda e: e.kind == "exempt"))

    def test_manager_write_refuses_a_whitespace_reason_naming_the_field(self):
        ticket = self._ny_ticket()
        with self.assertRaisesRegex(ValidationError, "Exemption Reason is required"):
            ticket.with_user(self.manager).write({"sla_exempt": True, "sla_exempt_reason": " \t "})
        self.assertFalse(ticket.sla_exempt)

    def test_lifting_needs_a_reason_too(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00")
        with self.assertRaisesRegex(ValidationError, "Exemption Reason is required"):
            self._exempt(ticket, "2025-03-07 18:00:00", reason="  ", exempt=False)
        self.assertTrue(ticket.sla_exempt)

    def test_the_reason_is_kept_without_its_surrounding_blanks(self):
        ticket = self._ny_ticket()
        self._exempt(ticket, "2025-03-07 17:00:00", reason=f"  {FORCE_MAJEURE} ")
        self.assertEqual(ticket.sla_exempt_reason, FORCE_MAJEURE)
        self.assertEqual(self._clock(ticket, "resolution").exempt_reason, FORCE_MAJEURE)
