# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a careless administrator, a curious agent, a portal customer and two busy workers
do to an SLA, and what must hold: every number within its bounds, no crash from a value
the engine cannot count, no lost edit, manager-only fields, no history deleted.

This module stays in the suite and grows with the product: every numeric field of an SLA
model must appear in a table of bounds (``helpdesk.sla.bounds.mixin``), and every model
with such a table must have a factory in ``VALID_VALUES`` below, so that the bounds tests
run on it. A model added later (OLAs, credits) is held to the same bar by these tests.
"""

import math
import re
import threading
import time
from datetime import datetime
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo import SUPERUSER_ID, api
from odoo.addons.helpdesk_sla_advanced.models.helpdesk_sla_credit import (
    COMPUTED_FIELDS as CREDIT_COMPUTED_FIELDS,
)
from odoo.addons.helpdesk_sla_advanced.models.helpdesk_sla_policy import CONFIG_VERSION_KEY, FLAGGED_KEY
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SlaCase

BOUNDS_MIXIN = "helpdesk.sla.bounds.mixin"
# numbers nobody should be able to store in a setting
BAD_NUMBERS = (math.inf, -math.inf, math.nan, 1e12, -1, "1e12")
# numeric fields of SLA models that users may write but that need no bounds, with why
UNBOUNDED = {
    ("helpdesk.sla.policy", "sla_reevaluate_version"): "system counter (group Settings), written by SQL",
    **{
        (
            "helpdesk.sla.credit",
            fname,
        ): "computed by the module; write() refuses it to anyone but the superuser"
        for fname in CREDIT_COMPUTED_FIELDS
    },
}


def valid_values(case, model):
    """Values of a valid new record of ``model`` (a model with a table of bounds)."""
    policy = case.premium
    level = policy.escalation_ids[:1] or case.env["helpdesk.sla.escalation"].create(
        {
            "name": "Bounds level",
            "policy_id": policy.id,
            "metric": "resolution",
            "trigger": "percent_internal",
            "percent": 50,
            "action_ids": [Command.create({"action_type": "notify_assignee"})],
        }
    )
    terms = case.env["helpdesk.sla.credit.terms"].create({"name": "Bounds terms"})
    fixed_rule = case.env["helpdesk.sla.credit.rule"].create(
        {
            "name": "Bounds fixed credits",
            "terms_id": terms.id,
            "kind": "ticket",
            "amount_type": "fixed",
            "band_ids": [Command.create({"lower": 0, "upper": 4, "value": 10})],
        }
    )
    return {
        "helpdesk.sla.credit.rule": {
            "name": "Bounds attainment",
            "terms_id": terms.id,
            "kind": "attainment",
            "metric": "resolution",
            "band_ids": [Command.create({"lower": 0, "upper": 90, "value": 5})],
        },
        "helpdesk.sla.credit.band": {"rule_id": fixed_rule.id, "lower": 4, "unbounded": True, "value": 20},
        "helpdesk.sla.agreement": {
            "name": "Bounds agreement",
            "partner_id": case.acme.id,
            "currency_id": case.env.ref("base.EUR").id,
            "fee": 100,
            "cap_percent": 0,
        },
        "helpdesk.sla.tier": {"name": "Bounds tier"},
        "helpdesk.sla.policy": {
            "name": "Bounds policy",
            "calendar_mode": "always",
            "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 8})],
        },
        "helpdesk.sla.target": {
            "policy_id": policy.id,
            "metric": "resolution",
            "priority": "2",
            "contractual_hours": 8,
        },
        "helpdesk.sla.escalation": {
            "name": "Bounds level 2",
            "policy_id": policy.id,
            "metric": "resolution",
            "trigger": "after_deadline",
            "offset_hours": 1,
            "action_ids": [Command.create({"action_type": "notify_assignee"})],
        },
        "helpdesk.sla.escalation.action": {"escalation_id": level.id, "action_type": "notify_team_leader"},
        "helpdesk.sla.ola": {
            "name": "Bounds OLA",
            "team_id": case.team.id,
            "sequence": 77,
            "calendar_mode": "always",
            "target_ids": [Command.create({"metric": "ownership", "contractual_hours": 4})],
        },
    }[model]


@tagged("post_install", "-at_install")
class TestBoundsTable(SlaCase):
    """Every numeric setting is finite and within documented bounds, checked at save time."""

    def _bounded_models(self):
        names = self.env.registry.descendants([BOUNDS_MIXIN], "_inherit") - {BOUNDS_MIXIN}
        return [self.env[name] for name in sorted(names) if not self.env[name]._abstract]

    def test_every_numeric_field_of_an_sla_model_has_bounds(self):
        Access = self.env["ir.model.access"].sudo()
        system = self.env.ref("base.group_system")
        missing = []
        for model in self.env.registry.values():
            if model._abstract or model._transient:
                continue
            ours = [
                field
                for field in model._fields.values()
                if field._module == "helpdesk_sla_advanced"
                and field.type in ("integer", "float", "monetary")
                and field.store
                and not field.compute
                and not field.related
            ]
            if not ours:
                continue
            writable = Access.search_count(
                [
                    ("model_id.model", "=", model._name),
                    "|",
                    ("perm_write", "=", True),
                    ("perm_create", "=", True),
                    ("group_id", "!=", system.id),
                ]
            )
            if not writable:
                continue  # written by the module only (clocks, events, firings)
            bounds = getattr(model, "_sla_bounds", {})
            missing += [
                f"{model._name}.{field.name}"
                for field in ours
                if field.name not in bounds and (model._name, field.name) not in UNBOUNDED
            ]
        self.assertFalse(missing, "numeric settings without bounds (add them to the model's _sla_bounds)")

    def test_every_bounded_model_has_a_factory_here(self):
        for model in self._bounded_models():
            with self.subTest(model=model._name):
                self.assertTrue(valid_values(self, model._name))

    def test_bad_numbers_are_refused_on_create_naming_field_and_value(self):
        for model in self._bounded_models():
            for fname, bound in model._sla_bounds.items():
                label = model._fields[fname]._description_string(self.env)
                for bad in (*BAD_NUMBERS, bound.high * 10 + 1):
                    if bound.accepts(bad) if not isinstance(bad, str) else False:
                        continue
                    with self.subTest(model=model._name, field=fname, value=bad):
                        values = dict(valid_values(self, model._name), **{fname: bad})
                        with self.assertRaisesRegex(
                            ValidationError, f"'{re.escape(label)}' must be a finite number"
                        ):
                            model.with_user(self.manager).create(values)

    def test_bad_numbers_are_refused_on_write_and_the_record_keeps_its_value(self):
        for model in self._bounded_models():
            record = model.create(valid_values(self, model._name))
            for fname, bound in model._sla_bounds.items():
                before = record[fname]
                for bad in (math.inf, math.nan, bound.high * 10 + 1, bound.low - 1):
                    with self.subTest(model=model._name, field=fname, value=bad):
                        with self.assertRaisesRegex(ValidationError, str(bad).replace("+", r"\+")):
                            record.with_user(self.manager).write({fname: bad})
                        self.assertEqual(record[fname], before)

    def test_values_at_the_bounds_are_accepted(self):
        for model in self._bounded_models():
            record = model.create(valid_values(self, model._name))
            if model._name == "helpdesk.sla.credit.band":
                # alone in its rule, a band may start anywhere (with another, it would leave a gap)
                (record.rule_id.band_ids - record).with_context(sla_lines_of_parent=True).unlink()
            for fname, bound in model._sla_bounds.items():
                with self.subTest(model=model._name, field=fname):
                    if model._name == "helpdesk.sla.target" and fname == "internal_hours":
                        record.contractual_hours = bound.high
                    record.write({fname: bound.high})
                    self.assertEqual(record[fname], bound.high)

    def test_import_of_a_text_number_is_checked_too(self):
        target = self.premium.target_ids[0]
        with self.assertRaisesRegex(ValidationError, r"got '1e12'"):
            target.with_user(self.manager).write({"contractual_hours": "1e12"})

    def test_escalation_level_due_beyond_ten_years_is_refused(self):
        # 16 h resolution x 1000 % is fine; 10,000 h x 1000 % is not
        target = self.premium.target_ids.filtered(lambda t: t.metric == "resolution" and not t.priority)
        target.write({"contractual_hours": 10_000, "internal_hours": 0})
        with self.assertRaisesRegex(ValidationError, r"1000% of target .* is 100,000 h, beyond the 87,660 h"):
            self.env["helpdesk.sla.escalation"].create(
                {
                    "name": "Very late",
                    "policy_id": self.premium.id,
                    "metric": "resolution",
                    "trigger": "percent_contractual",
                    "percent": 1000,
                    "action_ids": [Command.create({"action_type": "notify_assignee"})],
                }
            )

    def test_target_raised_under_a_level_beyond_ten_years_is_refused(self):
        self.env["helpdesk.sla.escalation"].create(
            {
                "name": "Three times late",
                "policy_id": self.premium.id,
                "metric": "resolution",
                "trigger": "percent_contractual",
                "percent": 300,
                "action_ids": [Command.create({"action_type": "notify_assignee"})],
            }
        )
        target = self.premium.target_ids.filtered(lambda t: t.metric == "resolution" and t.priority == "3")
        with self.assertRaisesRegex(ValidationError, "'Three times late'.* beyond the 87,660 h"):
            target.write({"contractual_hours": 40_000})

    def test_sla_start_outside_its_range_is_refused(self):
        with self.assertRaisesRegex(
            ValidationError, "SLA Start must lie between 1970-01-01 .* got 0001-01-01"
        ):
            self._ticket(sla_start=datetime(1, 1, 1))


@tagged("post_install", "-at_install")
class TestEngineErrorsNeverCrash(SlaCase):
    """Values the engine cannot count (saved before the bounds, or written behind the
    ORM's back) make a clock "cannot be computed", never a failing form, button, create
    or cron."""

    def _store_behind_the_orm(self, table, column, value, record):
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE id = %s",
                SQL.identifier(table),
                SQL.identifier(column),
                value,
                record.id,
            )
        )
        record.invalidate_recordset([column])
        self.env["helpdesk.sla.policy"]._sla_config_changed(self.env["helpdesk.sla.policy"].browse())

    def _resolution_target(self):
        return self.premium.target_ids.filtered(lambda t: t.metric == "resolution" and not t.priority)

    def _assert_ticket_usable(self, ticket):
        clock = self._clock(ticket, "resolution")
        self.assertTrue(clock.error)
        self.assertIn(clock.error, ticket.sla_error)
        # the form, the clock, the button and the cron all work
        ticket.invalidate_recordset()
        self.assertIsInstance(ticket.sla_time_left, float)
        self.assertIn("cannot be computed", clock.explanation)
        self.assertIsInstance(clock.time_left, float)
        ticket.with_user(self.manager).action_sla_recompute()
        self.env["helpdesk.sla.policy"]._sla_config_changed()
        self.env["helpdesk.ticket"]._sla_reevaluate_all()
        ticket.with_user(self.agent).write({"stage_id": self.stage_progress.id})
        self._tick("2025-03-20 10:00:00")
        return clock

    def test_target_of_a_trillion_hours_stored_earlier_gives_a_clock_error(self):
        self._store_behind_the_orm(
            "helpdesk_sla_target", "contractual_hours", 1e12, self._resolution_target()
        )
        ticket = self._ticket()
        clock = self._assert_ticket_usable(ticket)
        self.assertIn("1000000000000.0 h is not a duration", clock.error)
        # the other clocks of the ticket still count
        self.assertFalse(self._clock(ticket, "first_response").error)

    def test_infinite_and_nan_targets_stored_earlier_give_clock_errors(self):
        for value, shown in ((math.inf, "inf h"), (math.nan, "nan h")):
            with self.subTest(value=value):
                self._store_behind_the_orm(
                    "helpdesk_sla_target", "contractual_hours", value, self._resolution_target()
                )
                clock = self._assert_ticket_usable(self._ticket())
                self.assertIn(shown, clock.error)

    def test_infinite_escalation_percentage_leaves_only_that_level_out(self):
        level = self.env["helpdesk.sla.escalation"].create(
            {
                "name": "Half way",
                "policy_id": self.premium.id,
                "metric": "resolution",
                "trigger": "percent_internal",
                "percent": 50,
                "action_ids": [Command.create({"action_type": "notify_assignee"})],
            }
        )
        with mute_logger("odoo.addons.helpdesk_sla_advanced.models.sla_tools"):
            self._store_behind_the_orm("helpdesk_sla_escalation", "percent", math.inf, level)
            ticket = self._ticket()
        clock = self._clock(ticket, "resolution")
        self.assertFalse(clock.error)
        self.assertEqual(clock.deadline, datetime(2025, 3, 13, 10, 0))

    def test_clock_starting_in_year_one_is_shown_as_an_error(self):
        ticket = self._ticket()
        clock = self._clock(ticket, "resolution")
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_sla_event SET at = '0001-01-01 00:00:00' "
            "WHERE status_id = %s AND kind = 'start'",
            [clock.id],
        )
        clock.event_ids.invalidate_recordset(["at"])
        clock._sla_evaluate()
        self.assertIn("range", clock.error)
        self._assert_ticket_usable(ticket)

    def test_a_ticket_that_breaks_the_reevaluation_does_not_stop_the_others(self):
        tickets = self._ticket() | self._ticket() | self._ticket()
        poison = tickets[1]
        self.env["helpdesk.sla.policy"]._sla_config_changed()
        original = type(tickets)._sla_reevaluate

        def reevaluate(records, now):
            if poison in records:
                raise RuntimeError("corrupted ticket")
            return original(records, now)

        self._resolution_target().contractual_hours = 14
        with (
            patch.object(type(tickets), "_sla_reevaluate", reevaluate),
            mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket"),
        ):
            remaining = self.env["helpdesk.ticket"]._cron_sla_reevaluate()
        self.assertEqual(remaining, 0)
        self.assertEqual(self._clock(tickets[0], "resolution").contractual_hours, 14)
        self.assertEqual(self._clock(tickets[2], "resolution").contractual_hours, 14)
        self.assertEqual(self._clock(poison, "resolution").contractual_hours, 16)
        self.assertFalse(tickets.filtered("sla_dirty"))

    def test_priority_outside_the_selection_is_refused_once_with_its_reason(self):
        self.team.user_id = self.manager
        self.env["helpdesk.sla.escalation"].create(
            {
                "name": "Raise it",
                "policy_id": self.premium.id,
                "metric": "resolution",
                "trigger": "after_deadline",
                "action_ids": [Command.create({"action_type": "raise_priority"})],
            }
        )
        ticket = self._ticket()
        self.env.cr.execute("UPDATE helpdesk_ticket SET priority = '9' WHERE id = %s", [ticket.id])
        ticket.invalidate_recordset(["priority"])
        with mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket_sla_firing"):
            self._tick("2025-03-13 10:30:00")
        firing = ticket.sla_firing_ids
        self.assertEqual(firing.state, "failed")
        self.assertIn("priority '9' is not one of the ticket priorities (0, 1, 2, 3)", firing.error)
        self.assertTrue(firing._sla_settled())  # not tried again
        self.assertIn("will not be tried again", ticket.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestManagerOnlyFields(SlaCase):
    """Fields that change what a customer is owed are set by SLA managers only, through
    their own logic, and the SLA results by the module only."""

    def test_agent_cannot_exempt_by_writing_the_field(self):
        ticket = self._ticket()
        for vals in ({"sla_exempt": True}, {"sla_exempt": True, "sla_exempt_reason": "me"}):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "Only SLA managers can set"):
                ticket.with_user(self.agent).write(vals)
        self.assertFalse(ticket.sla_exempt)

    def test_agent_cannot_lock_the_policy_or_move_the_sla_start(self):
        ticket = self._ticket()
        for vals in ({"sla_policy_locked": True}, {"sla_start": "2025-03-01 08:00:00"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                ticket.with_user(self.agent).write(vals)

    def test_agent_cannot_create_a_ticket_with_a_policy_of_their_choice(self):
        with self.assertRaisesRegex(AccessError, "Only SLA managers can set SLA Policy"):
            self._ticket_as(self.agent, sla_policy_id=self.standard.id)

    def test_agent_cannot_create_an_exempted_ticket_or_backdate_it(self):
        for vals in ({"sla_exempt": True, "sla_exempt_reason": "x"}, {"sla_start": "2025-01-01 00:00:00"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self._ticket_as(self.agent, **vals)

    def test_nobody_writes_the_sla_results_by_hand(self):
        ticket = self._ticket()
        for user in (self.agent, self.manager):
            for vals in ({"sla_state": "met"}, {"sla_deadline_next": False}, {"sla_dirty": True}):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(AccessError, "computed by the SLA engine"):
                        ticket.with_user(user).write(vals)

    def test_a_context_key_does_not_open_the_door(self):
        ticket = self._ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).with_context(sla_internal_write=True).write({"sla_exempt": True})

    def test_a_reply_marked_automatic_by_its_author_still_counts(self):
        ticket = self._ticket()
        with freeze_time("2025-03-11 08:30:00"):
            ticket.with_user(self.agent).with_context(sla_automatic=True).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(self._clock(ticket, "first_response").state, "met")

    def test_form_resending_unchanged_values_is_no_change(self):
        ticket = self._ticket()
        ticket.with_user(self.agent).write(
            {
                "sla_policy_locked": False,
                "sla_exempt": False,
                "priority": "2",
                "sla_policy_id": self.premium.id,
            }
        )
        self.assertFalse(ticket.sla_policy_locked)
        self.assertEqual(ticket.priority, "2")

    def test_manager_exempts_by_writing_the_field_with_a_reason(self):
        ticket = self._ticket()
        with freeze_time("2025-03-11 09:00:00"):
            ticket.with_user(self.manager).write({"sla_exempt": True, "sla_exempt_reason": "Force majeure"})
        self.assertEqual(ticket.sla_state, "exempted")
        for clock in ticket.sla_status_ids:
            self.assertEqual(clock.event_ids[-1].kind, "exempt")
            self.assertEqual(clock.event_ids[-1].reason, "Force majeure")

    def test_manager_exemption_without_reason_is_a_validation_error(self):
        ticket = self._ticket()
        with self.assertRaisesRegex(ValidationError, "Exemption Reason is required"):
            ticket.with_user(self.manager).write({"sla_exempt": True})
        self.assertFalse(ticket.sla_exempt)

    def test_manager_creates_a_ticket_on_a_chosen_policy_and_it_is_kept(self):
        ticket = self._ticket_as(self.manager, sla_policy_id=self.standard.id)
        self.assertEqual(ticket.sla_policy_id, self.standard)
        self.assertTrue(ticket.sla_policy_locked)
        self.assertIn("set by hand", ticket.sla_policy_reason)

    def test_manager_releases_a_locked_policy_and_matching_applies_again(self):
        ticket = self._ticket()
        ticket.with_user(self.manager).sla_policy_id = self.standard
        ticket.with_user(self.manager).sla_policy_locked = False
        self.assertEqual(ticket.sla_policy_id, self.premium)
        self.assertIn("tier Premium", ticket.sla_policy_reason)

    def test_sla_start_cannot_be_moved_after_creation(self):
        ticket = self._ticket()
        with self.assertRaisesRegex(UserError, "can only be given when the ticket is created"):
            ticket.with_user(self.manager).write({"sla_start": "2025-03-01 08:00:00"})

    def test_recompute_refused_to_an_agent_says_what_was_refused(self):
        ticket = self._ticket()
        with self.assertRaisesRegex(AccessError, "Only SLA managers can recompute the SLA of a ticket"):
            ticket.with_user(self.agent).action_sla_recompute()

    def _ticket_as(self, user, **vals):
        values = {
            "name": "Made by hand",
            "description": "<p>x</p>",
            "partner_id": self.alice.id,
            "team_id": self.team.id,
            **vals,
        }
        with freeze_time("2025-03-07 16:00:00"):
            return self.env["helpdesk.ticket"].with_user(user).create(values)


@tagged("post_install", "-at_install")
class TestRightsOverRpc(HttpCase, SlaCase):
    """The same rules through the ordinary XML-RPC path, as an agent and a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="sla-portal-rpc", password="sla-portal-rpc", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.acme
        cls.agent.password = "sla-agent-rpc"
        cls.manager.password = "sla-manager-rpc"

    def _call(self, user, password, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, "helpdesk.ticket", method, args, kwargs or {}
        )

    def test_agent_rpc_cannot_exempt_force_a_policy_or_set_results(self):
        ticket = self._ticket()
        for vals, refusal in (
            ({"sla_exempt": True, "sla_exempt_reason": "rpc"}, "Only SLA managers can set"),
            ({"sla_policy_id": self.standard.id}, "Only SLA managers can set SLA Policy"),
            ({"sla_policy_locked": True}, "Only SLA managers can set Policy Set by Hand"),
            ({"sla_start": "2025-01-01 00:00:00"}, "Only SLA managers can set SLA Start"),
            ({"sla_state": "met"}, "computed by the SLA engine"),
        ):
            with self.subTest(vals=vals), self.assertRaises(Fault) as caught:
                self._call(self.agent, "sla-agent-rpc", "write", [[ticket.id], vals])
            self.assertIn(refusal, caught.exception.faultString)
        ticket.invalidate_recordset()
        self.assertFalse(ticket.sla_exempt)
        self.assertEqual(ticket.sla_policy_id, self.premium)

    def test_agent_rpc_cannot_create_on_a_policy_of_their_choice(self):
        values = {
            "name": "rpc",
            "description": "x",
            "partner_id": self.alice.id,
            "team_id": self.team.id,
            "sla_policy_id": self.standard.id,
        }
        with self.assertRaises(Fault) as caught:
            self._call(self.agent, "sla-agent-rpc", "create", [values])
        self.assertIn("Only SLA managers can set SLA Policy", caught.exception.faultString)

    def test_manager_rpc_exempts_with_a_reason(self):
        ticket = self._ticket()
        self._call(
            self.manager,
            "sla-manager-rpc",
            "write",
            [[ticket.id], {"sla_exempt": True, "sla_exempt_reason": "rpc"}],
        )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.sla_state, "exempted")

    def test_portal_rpc_reads_no_internal_sla_field(self):
        ticket = self._ticket(partner_id=self.portal.partner_id.id)
        names = self._call(self.portal, "sla-portal-rpc", "read", [[ticket.id], ["name"]])
        self.assertEqual(names[0]["name"], ticket.name)
        for fname in (
            "sla_policy_id",
            "sla_policy_reason",
            "sla_state",
            "sla_exempt_reason",
            "sla_status_ids",
        ):
            with self.subTest(field=fname), self.assertRaises(Fault) as caught:
                self._call(self.portal, "sla-portal-rpc", "read", [[ticket.id], [fname]])
            self.assertIn(
                f'not have enough rights to access the field "{fname}"', caught.exception.faultString
            )


@tagged("post_install", "-at_install")
class TestIntegrity(SlaCase):
    """Actions act on tickets only, are re-checked when they fire, and history outlives
    the configuration it came from."""

    def _level(self, actions, **vals):
        return self.env["helpdesk.sla.escalation"].create(
            {
                "name": "Integrity level",
                "policy_id": self.premium.id,
                "metric": "resolution",
                "trigger": "after_deadline",
                "action_ids": [Command.create(action) for action in actions],
                **vals,
            }
        )

    def _fire(self, ticket):
        with mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket_sla_firing"):
            self._tick("2025-03-13 10:30:00")  # the resolution deadline has passed
        return ticket.sla_firing_ids

    def test_email_template_of_another_model_is_refused(self):
        template = self.env["mail.template"].create(
            {"name": "Contact hello", "model_id": self.env.ref("base.model_res_partner").id, "body_html": "x"}
        )
        with self.assertRaisesRegex(ValidationError, "'Contact hello' is for 'res.partner' records"):
            self._level([{"action_type": "email_customer", "mail_template_id": template.id}])

    def test_server_action_of_another_model_is_refused(self):
        action = self.env["ir.actions.server"].create(
            {"name": "Partner code", "model_id": self.env.ref("base.model_res_partner").id, "state": "code"}
        )
        with self.assertRaisesRegex(ValidationError, "'Partner code' runs on 'res.partner' records"):
            self._level([{"action_type": "server_action", "server_action_id": action.id}])

    def test_template_changed_to_another_model_later_is_refused_when_it_fires(self):
        template = self.env.ref("helpdesk_sla_advanced.mail_template_sla_late")
        self._level([{"action_type": "email_customer", "mail_template_id": template.id}])
        ticket = self._ticket()
        messages = len(ticket.message_ids)
        self.env.cr.execute(
            "UPDATE mail_template SET model = 'res.partner' WHERE id = %s", [template.id]
        )  # behind the ORM
        template.invalidate_recordset(["model"])
        firing = self._fire(ticket)
        self.assertEqual(firing.state, "failed")
        self.assertIn("is for 'res.partner' records, not for helpdesk tickets", firing.error)
        self.assertTrue(firing._sla_settled())
        self.assertEqual(len(ticket.message_ids), messages + 1)  # the failure note, no e-mail

    def test_reassignment_to_a_user_archived_since_is_refused_when_it_fires(self):
        colleague = new_test_user(self.env, login="sla-colleague", groups="helpdesk_mgmt.group_helpdesk_user")
        self._level([{"action_type": "reassign_user", "user_id": colleague.id}])
        ticket = self._ticket(user_id=self.agent.id)
        colleague.active = False
        firing = self._fire(ticket)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(firing.state, "failed")
        self.assertIn("is archived or not an internal user", firing.error)

    def test_reassignment_to_a_team_of_another_company_is_refused_when_it_fires(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        elsewhere = self.env["helpdesk.ticket.team"].create({"name": "Elsewhere", "company_id": other.id})
        self.premium.company_id = False  # a policy shared by the companies
        self._level([{"action_type": "reassign_team", "team_id": elsewhere.id}])
        ticket = self._ticket()
        firing = self._fire(ticket)
        self.assertEqual(ticket.team_id, self.team)
        self.assertIn("team 'Elsewhere' belongs to company 'Other Co'", firing.error)

    def test_calendar_in_use_cannot_be_deleted_but_can_be_archived(self):
        ticket = self._ticket()
        deadline = self._clock(ticket, "resolution").deadline
        with self.assertRaisesRegex(
            UserError, "'Paris office.*' is used by SLA policies .*archive it instead"
        ):
            self.calendar.unlink()
        self.calendar.active = False
        self.env["helpdesk.ticket"]._sla_reevaluate_all()
        ticket.with_user(self.manager).action_sla_recompute()
        self.assertEqual(self._clock(ticket, "resolution").deadline, deadline)

    def test_level_that_fired_cannot_be_deleted_but_can_be_archived(self):
        self.team.user_id = self.manager
        level = self._level([{"action_type": "notify_team_leader"}])
        ticket = self._ticket()
        self._fire(ticket)
        with self.assertRaisesRegex(UserError, "archive them instead"):
            level.unlink()
        level.active = False
        self.assertEqual(ticket.sla_firing_ids.escalation_id, level)

    def test_deleting_the_last_target_of_a_policy_directly_is_refused(self):
        policy = self.standard
        policy.target_ids.filtered(lambda t: t.metric == "first_response").unlink()
        with self.assertRaisesRegex(ValidationError, "Policy 'Standard' has no target"):
            policy.target_ids.unlink()

    def test_deleting_the_last_action_of_a_level_directly_is_refused(self):
        level = self._level([{"action_type": "notify_assignee"}])
        with self.assertRaisesRegex(ValidationError, "'Integrity level' of policy 'Premium' has no action"):
            level.action_ids.unlink()

    def test_replacing_the_only_action_in_the_form_is_allowed(self):
        level = self._level([{"action_type": "notify_assignee"}])
        old = level.action_ids
        level.write(
            {"action_ids": [Command.delete(old.id), Command.create({"action_type": "notify_team_leader"})]}
        )
        self.assertEqual(level.action_ids.action_type, "notify_team_leader")


class CommittedCase(TransactionCase):
    """Tests with several real cursors, each its own transaction, as several workers
    would have: their data is committed, and removed afterwards."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _setup_committed(self, hours=10):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            team = env["helpdesk.ticket.team"].create({"name": "Adversarial workers"})
            partner = env["res.partner"].create({"name": "Adversarial customer", "is_company": True})
            policy = env["helpdesk.sla.policy"].create(
                {
                    "name": "Adversarial workers",
                    "sequence": -1000,
                    "partner_ids": [Command.set(partner.ids)],
                    "calendar_mode": "always",
                    "target_ids": [
                        Command.create({"metric": "first_response", "contractual_hours": 2}),
                        Command.create({"metric": "next_response", "contractual_hours": 4}),
                        Command.create({"metric": "resolution", "contractual_hours": hours}),
                    ],
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {"name": "Adversarial", "description": "x", "team_id": team.id, "partner_id": partner.id}
            )
            env["helpdesk.ticket"]._sla_reevaluate_all()
            ids = {"tickets": ticket.ids, "policy": policy.id, "team": team.id, "partner": partner.id}
            cr.commit()
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["helpdesk.ticket"].browse(ids["tickets"]).exists().unlink()
            env["helpdesk.sla.policy"].browse(ids["policy"]).unlink()
            env["helpdesk.ticket.team"].browse(ids["team"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            Policy = env["helpdesk.sla.policy"]
            Policy._sla_bump_param(FLAGGED_KEY, value=Policy._sla_counter(CONFIG_VERSION_KEY))
            cr.commit()

    def _write_target(self, ids, hours, cr=None):
        def write(cr):
            env = self._env(cr)
            policy = env["helpdesk.sla.policy"].browse(ids["policy"])
            policy.target_ids.filtered(lambda t: t.metric == "resolution").contractual_hours = hours
            cr.commit()

        if cr is not None:
            return write(cr)
        with self.registry.cursor() as cr:
            write(cr)

    def _hours(self, ids, ticket_id=None):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["helpdesk.ticket"]._sla_reevaluate_all()
            cr.commit()
            ticket = env["helpdesk.ticket"].browse(ticket_id or ids["tickets"][0])
            return ticket.sla_status_ids.filtered(lambda s: s.metric == "resolution").contractual_hours

    def _in_thread(self, work):
        """Run ``work(cursor)`` in a thread with its own cursor; return the thread."""
        errors = []

        def run():
            try:
                with self.registry.cursor() as cr:
                    work(cr)
            except Exception as exc:  # noqa: BLE001  reported by the test
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.errors = errors
        thread.start()
        return thread

    def _wait_until_blocked(self, cr, thread):
        """Wait until another backend waits for a lock this cursor holds."""
        for _attempt in range(200):
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(pid))",
                [cr._cnx.get_backend_pid()],
            )
            if cr.fetchone()[0] or not thread.is_alive():
                return
            time.sleep(0.05)


@tagged("post_install", "-at_install")
class TestNoLostEdit(CommittedCase):
    """A configuration change that lands while clocks are being computed is applied."""

    def test_edit_committed_after_the_cron_run_began_is_applied(self):
        ids = self._setup_committed(hours=10)
        self._write_target(ids, 20)  # flags the ticket for re-evaluation
        with self.registry.cursor() as cr_cron:
            cr_cron.execute("SELECT count(*) FROM helpdesk_ticket")  # the run's snapshot begins
            self._write_target(ids, 30)  # an administrator saves meanwhile
            with mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket"):
                self._env(cr_cron)["helpdesk.ticket"]._cron_sla_reevaluate()
            cr_cron.commit()
        self.assertEqual(self._hours(ids), 30)

    def test_edit_made_while_the_cron_batch_holds_its_lock_is_applied(self):
        ids = self._setup_committed(hours=10)
        self._write_target(ids, 20)
        with self.registry.cursor() as cr_cron:
            self._env(cr_cron)["helpdesk.ticket"]._cron_sla_reevaluate()  # batch done, not committed
            editor = self._in_thread(lambda cr: self._write_target(ids, 40, cr))
            self._wait_until_blocked(cr_cron, editor)
            cr_cron.commit()
        editor.join(30)
        self.assertFalse(editor.errors)
        self.assertEqual(self._hours(ids), 40)

    def test_ticket_created_while_an_edit_commits_gets_the_new_target(self):
        ids = self._setup_committed(hours=10)
        with self.registry.cursor() as cr_create:
            env = self._env(cr_create)
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "Meanwhile",
                    "description": "x",
                    "team_id": ids["team"],
                    "partner_id": ids["partner"],
                }
            )
            ids["tickets"].append(ticket.id)
            editor = self._in_thread(lambda cr: self._write_target(ids, 50, cr))
            self._wait_until_blocked(cr_create, editor)
            # the re-evaluation cron runs now: the new ticket is not committed yet
            with self.registry.cursor() as cr_cron:
                self._env(cr_cron)["helpdesk.ticket"]._cron_sla_reevaluate()
                cr_cron.commit()
            cr_create.commit()
        editor.join(30)
        self.assertFalse(editor.errors)
        self.assertEqual(self._hours(ids, ticket.id), 50)

    def test_a_worker_never_counts_with_a_configuration_cached_for_another_version(self):
        ids = self._setup_committed(hours=10)
        # another worker changes the target and the version; no signal reaches this process
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE helpdesk_sla_target SET contractual_hours = 60 "
                "WHERE policy_id = %s AND metric = 'resolution'",
                [ids["policy"]],
            )
            cr.execute(
                "UPDATE ir_config_parameter SET value = (split_part(value, ':', 1)::int + 1)::text || ':w2' "
                "WHERE key = %s",
                [CONFIG_VERSION_KEY],
            )
            cr.commit()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            ticket = env["helpdesk.ticket"].create(
                {"name": "After", "description": "x", "team_id": ids["team"], "partner_id": ids["partner"]}
            )
            ids["tickets"].append(ticket.id)
            hours = ticket.sla_status_ids.filtered(lambda s: s.metric == "resolution").contractual_hours
            cr.commit()
        self.assertEqual(hours, 60)


@tagged("post_install", "-at_install")
class TestConcurrentMessages(CommittedCase):
    def test_two_customer_messages_at_once_open_one_cycle_and_neither_fails(self):
        ids = self._setup_committed()
        ticket_id = ids["tickets"][0]

        def customer_says(env):
            env["helpdesk.ticket"].browse(ticket_id).message_post(
                body="Any news?",
                author_id=ids["partner"],
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )

        def agent_says(env):
            env["helpdesk.ticket"].browse(ticket_id).with_user(env.ref("base.user_admin")).message_post(
                body="Working on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )

        with self.registry.cursor() as cr:
            # a first exchange: first response given, cycle 1 opened and answered (and the
            # first-message bookkeeping of mail and portal done)
            env = self._env(cr)
            agent_says(env)
            customer_says(env)
            agent_says(env)
            # nobody is notified from now on: mail's own bookkeeping of each notified customer
            # (auth_signup writes their partner row) is not what this test is about
            ticket = env["helpdesk.ticket"].browse(ticket_id)
            ticket.message_unsubscribe(partner_ids=ticket.message_partner_ids.ids)
            cr.commit()
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_b.execute("SELECT count(*) FROM helpdesk_ticket_sla_status")  # B's snapshot begins
            customer_says(self._env(cr_a))  # opens cycle 2
            cr_a.commit()
            with mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket", "odoo.sql_db"):
                customer_says(self._env(cr_b))  # does not see A's cycle 2; must not fail
            cr_b.commit()
        with self.registry.cursor() as cr:
            ticket = self._env(cr)["helpdesk.ticket"].browse(ticket_id)
            cycles = ticket.sla_status_ids.filtered(lambda s: s.metric == "next_response")
            self.assertEqual(cycles.mapped("cycle"), [1, 2])
            self.assertEqual(len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 3)
