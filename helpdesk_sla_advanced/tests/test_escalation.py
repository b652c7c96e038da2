# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Escalation ladders fired by the tick cron, on the Paris business calendar of
``SlaCase`` (Mon-Fri 09-12/13-17, Monday 2025-03-10 a holiday). The resolution target
of the Premium policy is 16 h (internal 12 h); a ticket created on Friday 2025-03-07 at
17:00 Paris is due on Thursday 2025-03-13 at 11:00 Paris (10:00 UTC)."""

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import SlaCase, utc


@tagged("post_install", "-at_install")
class TestEscalationLadder(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.user_id = cls.manager  # the team leader
        cls.template = cls.env.ref("helpdesk_sla_advanced.mail_template_sla_late")
        Level = cls.env["helpdesk.sla.escalation"]
        cls.reminder = Level.create(
            {
                "name": "Reminder",
                "policy_id": cls.premium.id,
                "metric": "resolution",
                "sequence": 10,
                "trigger": "percent_internal",
                "percent": 50,  # 6 business hours
                "action_ids": [Command.create({"action_type": "notify_assignee"})],
            }
        )
        cls.warning = Level.create(
            {
                "name": "One hour left",
                "policy_id": cls.premium.id,
                "metric": "resolution",
                "sequence": 20,
                "trigger": "before_deadline",
                "offset_hours": 1,
                "action_ids": [Command.create({"action_type": "notify_team_leader"})],
            }
        )
        cls.escalation = Level.create(
            {
                "name": "Late: tell the customer, raise priority",
                "policy_id": cls.premium.id,
                "metric": "resolution",
                "sequence": 30,
                "trigger": "after_deadline",
                "offset_hours": 2,
                "action_ids": [
                    Command.create({"action_type": "raise_priority", "sequence": 1}),
                    Command.create(
                        {"action_type": "email_customer", "mail_template_id": cls.template.id, "sequence": 2}
                    ),
                ],
            }
        )
        cls._forget_pending_reevaluation()

    def _ticket_for_agent(self):
        return self._ticket(user_id=self.agent.id)

    def _fired(self, ticket):
        return ticket.sla_firing_ids.sorted(lambda f: (f.fired_at, f.id))

    def test_levels_fire_once_each_in_order_at_business_instants(self):
        ticket = self._ticket_for_agent()
        clock = self._clock(ticket, "resolution")
        # 6 h: Tuesday 09-12 and 13-16 Paris
        self.assertEqual(clock.next_action_at, utc(2025, 3, 11, 15, 0))
        self._tick("2025-03-11 14:59:00")
        self.assertFalse(ticket.sla_firing_ids)
        self._tick("2025-03-11 15:00:00")
        self.assertEqual(self._fired(ticket).escalation_id, self.reminder)
        self._tick("2025-03-11 15:30:00")  # a second run changes nothing
        self.assertEqual(len(ticket.sla_firing_ids), 1)
        # the internal target (12 h), Wednesday 15:00 Paris, is passed a second later:
        # stored as at risk, nothing fires
        self.assertEqual(clock.next_action_at, utc(2025, 3, 12, 14, 0, 1))
        self._tick("2025-03-12 14:00:01")
        self.assertEqual(clock.internal_breached_at, utc(2025, 3, 12, 14, 0))
        self.assertEqual(len(ticket.sla_firing_ids), 1)
        # one business hour before Thursday 11:00 Paris
        self.assertEqual(clock.next_action_at, utc(2025, 3, 13, 9, 0))
        self._tick("2025-03-13 09:00:00")
        # just after the deadline: the breach is stored at the deadline, nothing else fires
        self.assertEqual(clock.next_action_at, utc(2025, 3, 13, 10, 0, 1))
        self._tick("2025-03-13 10:00:01")
        self.assertEqual(clock.state, "breached")
        self.assertEqual(clock.breached_at, utc(2025, 3, 13, 10, 0))
        # two business hours after the deadline: Thursday 14:00 Paris
        self.assertEqual(clock.next_action_at, utc(2025, 3, 13, 13, 0))
        self._tick("2025-03-13 13:00:00")
        fired = self._fired(ticket)
        self.assertEqual(fired.escalation_id, self.reminder | self.warning | self.escalation)
        self.assertEqual(set(fired.mapped("state")), {"done"})
        self.assertEqual(
            fired.mapped("due_at"),
            [utc(2025, 3, 11, 15, 0), utc(2025, 3, 13, 9, 0), utc(2025, 3, 13, 13, 0)],
        )
        self.assertEqual(ticket.priority, "2")
        self.assertFalse(clock.next_action_at)

    def test_notification_reaches_assignee_by_chatter(self):
        ticket = self._ticket_for_agent()
        self._tick("2025-03-11 15:00:00")
        message = ticket.message_ids.filtered(lambda m: "Reminder" in (m.body or ""))
        self.assertEqual(message.partner_ids, self.agent.partner_id)

    def test_customer_email_from_template_does_not_count_as_a_reply(self):
        ticket = self._ticket_for_agent()
        self._tick("2025-03-13 13:00:00")  # only the latest due level fires
        sent = ticket.message_ids.filtered(lambda m: m.subject and "taking longer than promised" in m.subject)
        self.assertTrue(sent)
        self.assertIn(self.alice, sent.partner_ids)
        self.assertEqual(self._clock(ticket, "first_response").state, "breached")

    def test_only_the_latest_due_level_fires_after_a_gap(self):
        ticket = self._ticket_for_agent()
        self._tick("2025-03-13 13:30:00")  # reminder and warning are long overdue
        fired = ticket.sla_firing_ids
        self.assertEqual(fired.filtered(lambda f: f.state == "done").escalation_id, self.escalation)
        self.assertEqual(
            fired.filtered(lambda f: f.state == "skipped").escalation_id, self.reminder | self.warning
        )
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Reminder" in (m.body or "")))

    def test_ladder_can_fire_missed_levels(self):
        self.premium.escalation_fire_missed = True
        ticket = self._ticket_for_agent()
        self._tick("2025-03-13 13:30:00")
        self.assertEqual(set(ticket.sla_firing_ids.mapped("state")), {"done"})
        self.assertEqual(len(ticket.sla_firing_ids), 3)

    def test_nothing_fires_while_paused(self):
        ticket = self._ticket_for_agent()
        self._move(ticket, self.stage_awaiting, "2025-03-11 09:00:00")
        self.assertFalse(self._clock(ticket, "resolution").next_action_at)
        self._tick("2025-03-20 10:00:00")
        self.assertFalse(ticket.sla_firing_ids.filtered(lambda f: f.status_id.metric == "resolution"))

    def test_resume_plans_the_next_level_from_the_paused_time(self):
        ticket = self._ticket_for_agent()
        self._move(ticket, self.stage_awaiting, "2025-03-11 08:00:00")  # Tuesday 09:00: nothing counted
        self._move(ticket, self.stage_progress, "2025-03-12 08:00:00")  # Wednesday 09:00 Paris
        # 6 business hours from Wednesday 09:00: Wednesday 16:00 Paris
        self.assertEqual(self._clock(ticket, "resolution").next_action_at, utc(2025, 3, 12, 15, 0))

    def test_reaching_the_target_cancels_pending_levels(self):
        ticket = self._ticket_for_agent()
        self._reply(ticket, "2025-03-11 09:00:00")
        self._move(ticket, self.stage_done, "2025-03-11 10:00:00")
        self.assertFalse(self._clock(ticket, "resolution").next_action_at)
        self._tick("2025-03-20 10:00:00")
        self.assertFalse(ticket.sla_firing_ids)

    def test_priority_change_replans_the_ladder(self):
        ticket = self._ticket_for_agent()
        with freeze_time("2025-03-11 09:00:00"):
            ticket.with_user(self.manager).priority = "3"  # resolution 8 h (internal 6 h)
        # 50 % of 6 h: Tuesday 09-12 Paris
        self.assertEqual(self._clock(ticket, "resolution").next_action_at, utc(2025, 3, 11, 11, 0))

    def test_failing_action_is_logged_retried_and_never_repeats_what_succeeded(self):
        ticket = self._ticket_for_agent()
        other = self._ticket_for_agent()
        self.template.active = False  # unusable for the customer e-mail
        with mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket_sla_firing"):
            with freeze_time("2025-03-13 13:00:00"):
                self.template.unlink()
            self._tick("2025-03-13 13:00:00")
        for record in (ticket, other):  # the batch went on
            firing = record.sla_firing_ids.filtered(lambda f: f.escalation_id == self.escalation)
            self.assertEqual(firing.state, "failed")
            self.assertEqual(firing.attempts, 1)
            self.assertEqual(record.priority, "2")  # the first action was done
            self.assertIn("could not complete", record.message_ids[0].body)
        # fixed: the next run retries the e-mail only
        self.escalation.action_ids.filtered(lambda a: a.action_type == "email_customer").write(
            {"action_type": "notify_team_leader", "mail_template_id": False}
        )
        clock = self._clock(ticket, "resolution")
        self.assertEqual(clock.next_action_at, utc(2025, 3, 13, 13, 10))
        with freeze_time("2025-03-13 13:05:00"):
            ticket.with_user(self.manager).priority = "1"
        self._tick("2025-03-13 13:10:00")
        firing = ticket.sla_firing_ids.filtered(lambda f: f.escalation_id == self.escalation)
        self.assertEqual(firing.state, "done")
        self.assertEqual(firing.attempts, 2)
        self.assertEqual(ticket.priority, "1")  # the priority was not raised a second time

    def test_a_level_fires_at_most_once_per_clock(self):
        ticket = self._ticket_for_agent()
        self._tick("2025-03-11 15:00:00")
        firing = ticket.sla_firing_ids
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            firing.copy()
            self.env.flush_all()

    def test_cron_wakes_itself_for_the_next_level(self):
        ticket = self._ticket_for_agent()
        cron = self.env.ref("helpdesk_sla_advanced.ir_cron_sla_tick")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self._tick("2025-03-11 15:00:00")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertEqual(min(triggers.mapped("call_at")), self._clock(ticket, "resolution").next_action_at)


@tagged("post_install", "-at_install")
class TestEscalationValidation(SlaCase):
    def _level(self, **vals):
        values = {
            "name": "Checked level",
            "policy_id": self.premium.id,
            "metric": "resolution",
            "trigger": "percent_internal",
            "percent": 50,
            "action_ids": [Command.create({"action_type": "notify_assignee"})],
        }
        values.update(vals)
        return self.env["helpdesk.sla.escalation"].create(values)

    def test_level_without_action_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "'Checked level' of policy 'Premium' has no action"):
            self._level(action_ids=[])

    def test_percentage_of_zero_is_refused(self):
        with self.assertRaisesRegex(ValidationError, r"percentage must be greater than zero \(got 0.0\)"):
            self._level(percent=0)

    def test_levels_out_of_order_are_refused(self):
        self._level(name="Late", sequence=10, trigger="after_deadline", offset_hours=1)
        with self.assertRaisesRegex(ValidationError, "'Early' .* comes after 'Late'"):
            self._level(name="Early", sequence=20, percent=50)

    def test_reassignment_to_an_archived_user_is_refused(self):
        self.agent.active = False
        with self.assertRaisesRegex(ValidationError, "user 'sla-agent.*' is archived"):
            self._level(
                action_ids=[Command.create({"action_type": "reassign_user", "user_id": self.agent.id})]
            )

    def test_reassignment_to_a_team_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        team = self.env["helpdesk.ticket.team"].create({"name": "Elsewhere", "company_id": other.id})
        self.premium.company_id = self.env.company
        with self.assertRaisesRegex(ValidationError, "team 'Elsewhere' belongs to company 'Other Co'"):
            self._level(action_ids=[Command.create({"action_type": "reassign_team", "team_id": team.id})])

    def test_action_without_its_parameter_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "set the field 'E-mail Template'"):
            self._level(action_ids=[Command.create({"action_type": "email_customer"})])


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(TransactionCase):
    """Two cron workers at the same time, each with its own cursor and transaction."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _setup_committed(self):
        with freeze_time("2025-03-03 08:00:00"), self.registry.cursor() as cr:  # Monday 09:00 Paris
            env = self._env(cr)
            leader = env.ref("base.user_admin")
            team = env["helpdesk.ticket.team"].create({"name": "Workers test", "user_id": leader.id})
            partner = env["res.partner"].create({"name": "Workers test customer", "is_company": True})
            policy = env["helpdesk.sla.policy"].create(
                {
                    "name": "Workers test",
                    "sequence": -1000,
                    "partner_ids": [Command.set(partner.ids)],
                    "calendar_mode": "always",
                    "target_ids": [Command.create({"metric": "resolution", "contractual_hours": 2})],
                    "escalation_ids": [
                        Command.create(
                            {
                                "name": "Half way",
                                "metric": "resolution",
                                "trigger": "percent_contractual",
                                "percent": 50,
                                "action_ids": [Command.create({"action_type": "notify_team_leader"})],
                            }
                        )
                    ],
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {"name": "Workers test", "description": "x", "team_id": team.id, "partner_id": partner.id}
            )
            ids = {"ticket": ticket.id, "policy": policy.id, "team": team.id, "partner": partner.id}
            cr.commit()
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["helpdesk.ticket"].browse(ids["ticket"]).unlink()
            env["helpdesk.sla.policy"].browse(ids["policy"]).unlink()
            env["helpdesk.ticket.team"].browse(ids["team"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            cron = env.ref("helpdesk_sla_advanced.ir_cron_sla_tick")
            env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "<", "2026-01-01")]
            ).unlink()
            cr.commit()

    def _firings(self, ids):
        with self.registry.cursor() as cr:
            return self._env(cr)["helpdesk.ticket.sla.firing"].search_count(
                [("ticket_id", "=", ids["ticket"])]
            )

    def test_two_workers_at_once_fire_each_level_exactly_once(self):
        ids = self._setup_committed()
        with freeze_time("2025-03-03 09:05:00"):
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                status_a = self._env(cr_a)["helpdesk.ticket.sla.status"]
                status_b = self._env(cr_b)["helpdesk.ticket.sla.status"]
                status_a._cron_sla_tick()  # worker A takes and locks the due clock
                status_b._cron_sla_tick()  # worker B, meanwhile, skips the locked row
                fired_b = status_b.env["helpdesk.ticket.sla.firing"].search_count(
                    [("ticket_id", "=", ids["ticket"])]
                )
                self.assertEqual(fired_b, 0)
                cr_b.commit()
                cr_a.commit()
            with self.registry.cursor() as cr_c:  # a later run: nothing left to do
                self._env(cr_c)["helpdesk.ticket.sla.status"]._cron_sla_tick()
                cr_c.commit()
        self.assertEqual(self._firings(ids), 1)


@tagged("post_install", "-at_install")
class TestArchivedTickets(SlaCase):
    def test_archived_ticket_fires_nothing_and_resumes_when_restored(self):
        ticket = self._ticket(user_id=self.agent.id)
        clock = self._clock(ticket, "resolution")
        with freeze_time("2025-03-11 08:00:00"):
            ticket.with_user(self.manager).active = False
        self.assertFalse(clock.next_action_at)
        self._tick("2025-03-20 10:00:00")
        self.assertEqual(clock.state, "running")  # not even re-evaluated
        with freeze_time("2025-03-20 10:00:00"):
            ticket.with_user(self.manager).active = True
        self.assertEqual(clock.state, "breached")
        self.assertEqual(clock.breached_at, utc(2025, 3, 13, 10, 0))
