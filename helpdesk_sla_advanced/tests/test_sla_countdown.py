# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the live countdown (sla_countdown widget) reads of a ticket's clocks."""

from odoo import fields
from odoo.tests import freeze_time, tagged

from .common import SlaCase

MONDAY_10AM_PARIS = "2025-03-10 09:00:00"


@tagged("post_install", "-at_install")
class TestSlaCountdownPayload(SlaCase):
    def test_business_hours_clock_cannot_tick_in_the_browser(self):
        """A business-hours clock: the browser gets the deadlines and the business time
        left now, and is told it cannot count that time itself."""
        ticket = self._ticket()  # Friday 17:00 Paris, Standard: first response 8 business hours
        clock = self._clock(ticket, "first_response")
        with freeze_time(MONDAY_10AM_PARIS):
            ticket.invalidate_recordset(["sla_countdown"])
            clock.invalidate_recordset(["time_left"])
            data = ticket.sla_countdown
            business_left = clock.time_left
        self.assertEqual(data["ticket_id"], ticket.id)
        self.assertEqual(data["state"], "running")
        self.assertFalse(data["wall_time"])
        self.assertEqual(data["as_of"], "2025-03-10 09:00:00")
        self.assertEqual(data["deadline"], clock.deadline.strftime("%Y-%m-%d %H:%M:%S"))
        # business time left, not the wall-clock time to the deadline (a weekend and nights)
        self.assertAlmostEqual(data["time_left_hours"], business_left, places=2)
        wall_left = (clock.deadline - fields.Datetime.to_datetime("2025-03-10 09:00:00")).total_seconds()
        self.assertLess(data["time_left_hours"], wall_left / 3600)
        self.assertIn(data["metric"], ("First response", "First Response"))

    def test_paused_clock_says_why(self):
        ticket = self._ticket()
        self._move(ticket, self.stage_awaiting, MONDAY_10AM_PARIS)
        data = self._clock(ticket, "resolution").sla_countdown
        self.assertEqual(data["state"], "paused")
        self.assertTrue(data["paused"])
        self.assertTrue(data["pause_reason"])

    def test_exempted_ticket(self):
        ticket = self._ticket()
        with freeze_time("2025-03-07 17:00:00"):
            ticket.with_user(self.manager)._sla_exempt("Force majeure: regional power outage")
        ticket.invalidate_recordset(["sla_countdown"])
        data = ticket.sla_countdown
        self.assertEqual(data["state"], "exempted")
        self.assertEqual(data["exempt_reason"], "Force majeure: regional power outage")

    def test_met_clock_says_how_long_it_took(self):
        """No open clock left for the summary: the countdown shows the resolution clock."""
        ticket = self._ticket()
        self._reply(ticket, MONDAY_10AM_PARIS)
        self._move(ticket, self.stage_done, "2025-03-10 10:00:00")
        ticket.invalidate_recordset(["sla_countdown"])
        data = ticket.sla_countdown
        resolution = self._clock(ticket, "resolution")
        self.assertEqual(data["name"], resolution.display_name)
        self.assertEqual(data["state"], "met")
        self.assertTrue(data["reached_at"])
        self.assertAlmostEqual(data["working_hours"], resolution.working_hours)

    def test_clock_list_reads_the_same(self):
        ticket = self._ticket()
        for clock in ticket.sla_status_ids:
            self.assertEqual(clock.sla_countdown["name"], clock.display_name)
            self.assertEqual(clock.sla_countdown["ticket_id"], ticket.id)
