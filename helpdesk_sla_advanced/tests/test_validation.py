# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bad configuration is refused at save time with a message naming the field and value."""

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import SlaCase


@tagged("post_install", "-at_install")
class TestValidation(SlaCase):
    def _policy_vals(self, **vals):
        values = {
            "name": "Checked",
            "resource_calendar_id": self.calendar.id,
            "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 8})],
        }
        values.update(vals)
        return values

    def test_target_of_zero_hours_is_refused(self):
        with self.assertRaisesRegex(
            ValidationError,
            r"'Contractual Target' must be a finite number, more than 0 h and at most 87,660 h; got 0 h",
        ):
            self.env["helpdesk.sla.policy"].create(
                self._policy_vals(
                    target_ids=[Command.create({"metric": "resolution", "contractual_hours": 0})]
                )
            )

    def test_negative_target_is_refused(self):
        target = self.premium.target_ids[0]
        with self.assertRaisesRegex(ValidationError, r"got -2.0 h"):
            target.contractual_hours = -2

    def test_internal_target_looser_than_contractual_is_refused(self):
        target = self.premium.target_ids.filtered(lambda t: t.metric == "first_response")
        with self.assertRaisesRegex(
            ValidationError, r"internal target \(5.0 h\) is looser than the contractual one \(4.0 h\)"
        ):
            target.internal_hours = 5

    def test_policy_without_targets_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Policy 'Empty' has no target"):
            self.env["helpdesk.sla.policy"].create(self._policy_vals(name="Empty", target_ids=[]))

    def test_calendar_with_no_working_time_is_refused(self):
        empty = self.env["resource.calendar"].create(
            {"name": "Nobody works", "tz": "Europe/Paris", "attendance_ids": [Command.clear()]}
        )
        with self.assertRaisesRegex(ValidationError, "Calendar 'Nobody works'.*no working time"):
            self.env["helpdesk.sla.policy"].create(self._policy_vals(resource_calendar_id=empty.id))

    def test_removing_all_hours_of_a_calendar_in_use_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Paris office.*no working time"):
            self.calendar.attendance_ids.unlink()

    def test_two_week_calendar_is_refused_and_named(self):
        two_weeks = self.env["resource.calendar"].create({"name": "Alternating", "tz": "Europe/Paris"})
        two_weeks.switch_calendar_type()
        self.assertTrue(two_weeks.two_weeks_calendar)
        with self.assertRaisesRegex(ValidationError, "Calendar 'Alternating' alternates two different weeks"):
            self.env["helpdesk.sla.policy"].create(self._policy_vals(resource_calendar_id=two_weeks.id))

    def test_flexible_hours_calendar_is_refused_and_named(self):
        flexible = self.env["resource.calendar"].create(
            {"name": "Flexible", "tz": "Europe/Paris", "flexible_hours": True}
        )
        with self.assertRaisesRegex(ValidationError, "Calendar 'Flexible' has flexible hours"):
            self.env["helpdesk.sla.policy"].create(self._policy_vals(resource_calendar_id=flexible.id))

    def test_working_calendar_mode_needs_a_calendar(self):
        with self.assertRaisesRegex(ValidationError, "Policy 'No calendar': choose a working calendar"):
            self.env["helpdesk.sla.policy"].create(
                self._policy_vals(name="No calendar", resource_calendar_id=False)
            )

    def test_one_target_per_metric_and_priority(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.premium.target_ids = [Command.create({"metric": "first_response", "contractual_hours": 3})]
            self.env.flush_all()

    def test_used_policy_cannot_be_deleted_but_can_be_archived(self):
        self._ticket()
        with self.assertRaisesRegex(UserError, "archive them instead"):
            self.premium.unlink()
        self.premium.active = False
        self.assertFalse(self.premium.active)
