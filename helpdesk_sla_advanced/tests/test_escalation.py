# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Escalation ladders fired by the tick cron, on the Paris business calendar of
``SlaCase`` (Mon-Fri 09-12/13-17, Monday 2025-03-10 a holiday). The resolution target
of the Premium policy is 16 h (internal 12 h); a ticket created on Friday 2025-03-07 at
17:00 Paris is due on Thursday 2025-03-13 at 11:00 Paris (10:00 UTC)."""

from unittest.mock import patch

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

    def test_assignee_is_told_once_per_pass_and_each_ticket_says_who_was_told(self):
        tickets = self._ticket_for_agent() | self._ticket_for_agent()
        Message = self.env["mail.message"].sudo()
        last = Message.search([], order="id desc", limit=1).id
        self._tick("2025-03-11 15:00:00")
        # one digest for the pass, listing both tickets with links to them
        digest = Message.search(
            [
                ("id", ">", last),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.agent.partner_id.ids),
            ]
        )
        self.assertEqual(len(digest), 1)
        self.assertEqual(digest.notification_ids.res_partner_id, self.agent.partner_id)
        for ticket in tickets:
            self.assertIn(f"/odoo/helpdesk.ticket/{ticket.id}", digest.body)
            # and one note on each ticket: the level fired, and who was told
            note = ticket.message_ids.filtered(lambda m: "Reminder" in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertIn(f"Told in their SLA digest: {self.agent.name}.", note.body)
            self.assertFalse(note.notification_ids)  # logged, nobody notified twice

    def test_customer_email_from_template_does_not_count_as_a_reply(self):
        ticket = self._ticket_for_agent()
        self._tick("2025-03-13 13:00:00")  # only the latest due level fires
        sent = ticket.message_ids.filtered(lambda m: m.subject and "taking longer than promised" in m.subject)
        self.assertTrue(sent)
        # one e-mail to the customer, queued for the mail queue rather than sent by the cron
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", sent.ids)])
        self.assertEqual(mail.recipient_ids, self.alice)
        self.assertEqual(mail.state, "outgoing")
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
class TestEscalationSets(SlaCase):
    """A cron pass takes each action of a level once for all the tickets due for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.user_id = cls.manager  # the team leader

    def _level(self, actions):
        level = self.env["helpdesk.sla.escalation"].create(
            {
                "name": "Late",
                "policy_id": self.premium.id,
                "metric": "resolution",
                "trigger": "after_deadline",  # Thursday 2025-03-13 10:00 UTC
                "action_ids": [Command.create(dict(action, sequence=n)) for n, action in enumerate(actions)],
            }
        )
        self._forget_pending_reevaluation()
        return level

    def _fire(self):
        Message = self.env["mail.message"].sudo()
        last = Message.search([], order="id desc", limit=1).id
        with mute_logger("odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket_sla_firing"):
            self._tick("2025-03-13 10:30:00")
        return Message.search([("id", ">", last), ("message_type", "=", "user_notification")])

    def test_each_action_of_a_level_runs_once_for_its_tickets(self):
        self._level(
            [
                {"action_type": "activity", "activity_summary": "Call the customer"},
                {"action_type": "raise_priority"},
                {"action_type": "add_followers", "partner_ids": [Command.set(self.bob.ids)]},
                {"action_type": "notify_team_leader", "note": "Please look at it."},
            ]
        )
        tickets = self._ticket(user_id=self.agent.id) | self._ticket(user_id=self.agent.id)
        tickets |= self._ticket(user_id=self.agent.id)
        notifications = self._fire()
        self.assertEqual(set(tickets.sla_firing_ids.mapped("state")), {"done"})
        self.assertEqual(tickets.mapped("priority"), ["2", "2", "2"])
        for ticket in tickets:
            self.assertIn(self.bob, ticket.message_partner_ids)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
        )
        self.assertEqual((len(activities), activities.user_id), (3, self.agent))
        # one notification each for the pass: the leader's digest and the agent's (for the
        # activities given to them), not one "assigned to you" per activity
        self.assertEqual(
            sorted(notifications.partner_ids.ids), sorted((self.manager | self.agent).partner_id.ids)
        )
        self.assertEqual(len(notifications), 2)
        for digest in notifications:
            for ticket in tickets:
                self.assertIn(f"/odoo/helpdesk.ticket/{ticket.id}", digest.body)
        leader_digest = notifications.filtered(lambda m: self.manager.partner_id in m.partner_ids)
        self.assertIn("Please look at it.", leader_digest.body)
        for ticket in tickets:
            note = ticket.message_ids.filtered(lambda m: "<b>Late</b>" in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertIn(self.manager.name, note.body)
            self.assertIn(self.agent.name, note.body)

    def test_a_ticket_that_breaks_a_set_fails_alone_and_is_retried(self):
        self._level([{"action_type": "raise_priority"}, {"action_type": "notify_team_leader"}])
        tickets = self._ticket() | self._ticket() | self._ticket()
        poison = tickets[1]
        write = type(tickets).write

        def broken_write(records, vals):
            if poison in records and "priority" in vals:
                raise RuntimeError("corrupted ticket")
            return write(records, vals)

        with patch.object(type(tickets), "write", broken_write):
            self._fire()
        for ticket in tickets - poison:
            self.assertEqual(ticket.priority, "2")
            self.assertEqual(ticket.sla_firing_ids.state, "done")
        firing = poison.sla_firing_ids
        self.assertEqual((firing.state, firing.attempts), ("failed", 1))
        self.assertIn("corrupted ticket", firing.error)
        self.assertEqual(poison.priority, "1")
        # the other action of its level was done, and is not repeated by the retry
        self.assertEqual(firing.done_action_ids.action_type, "notify_team_leader")
        self.assertIn("could not complete", poison.message_ids[0].body)
        self.assertIn("it will be tried again soon", poison.message_ids[0].body)
        # mended: the retry raises its priority and tells nobody a second time
        Message = self.env["mail.message"].sudo()
        last = Message.search([], order="id desc", limit=1).id
        self._tick("2025-03-13 10:40:00")
        self.assertEqual((firing.state, firing.attempts, poison.priority), ("done", 2, "2"))
        self.assertFalse(Message.search([("id", ">", last), ("message_type", "=", "user_notification")]))

    def test_nobody_to_notify_on_one_ticket_fails_that_ticket_only(self):
        self._level([{"action_type": "notify_assignee"}])
        lonely = self.env["helpdesk.ticket.team"].create({"name": "No leader"})
        told = self._ticket(user_id=self.agent.id)
        nobody = self._ticket(team_id=lonely.id)
        notifications = self._fire()
        self.assertEqual(told.sla_firing_ids.state, "done")
        self.assertEqual(notifications.partner_ids, self.agent.partner_id)
        self.assertEqual(nobody.sla_firing_ids.state, "failed")
        self.assertIn("Nobody to notify", nobody.sla_firing_ids.error)


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

    def _setup_committed(self, count=1):
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
            tickets = env["helpdesk.ticket"].create(
                [
                    {"name": "Workers test", "description": "x", "team_id": team.id, "partner_id": partner.id}
                    for _n in range(count)
                ]
            )
            ids = {
                "ticket": tickets[0].id,
                "tickets": tickets.ids,
                "policy": policy.id,
                "team": team.id,
                "partner": partner.id,
            }
            cr.commit()
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # the digests told about these tickets (not on a ticket: not deleted with them)
            for ticket_id in ids["tickets"]:
                env["mail.message"].search(
                    [
                        ("message_type", "=", "user_notification"),
                        ("model", "=", False),
                        ("body", "like", f'/odoo/helpdesk.ticket/{ticket_id}"'),
                    ]
                ).unlink()
            env["helpdesk.ticket"].browse(ids["tickets"]).unlink()
            env["helpdesk.sla.policy"].browse(ids["policy"]).unlink()
            env["helpdesk.ticket.team"].browse(ids["team"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            cron = env.ref("helpdesk_sla_advanced.ir_cron_sla_tick")
            env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "<", "2026-01-01")]
            ).unlink()
            cr.commit()

    def _firings(self, ids, ticket_id=None):
        with self.registry.cursor() as cr:
            return self._env(cr)["helpdesk.ticket.sla.firing"].search_count(
                [("ticket_id", "=", ticket_id or ids["ticket"])]
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

    def test_a_level_reserved_meanwhile_is_left_to_its_worker_and_the_rest_of_the_set_fires(self):
        ids = self._setup_committed(count=3)
        taken, *others = ids["tickets"]
        with freeze_time("2025-03-03 09:05:00"):
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                env_a, env_b = self._env(cr_a), self._env(cr_b)
                env_a["helpdesk.ticket.sla.status"].search_count([])  # worker A's snapshot begins
                # worker B fires the level of the first ticket and commits; A does not see it
                clock = env_b["helpdesk.ticket"].browse(taken).sla_status_ids
                env_b["helpdesk.ticket.sla.firing"].create(
                    {
                        "status_id": clock.id,
                        "ticket_id": taken,
                        "escalation_id": env_b["helpdesk.sla.policy"].browse(ids["policy"]).escalation_ids.id,
                        "state": "done",
                    }
                )
                cr_b.commit()
                # A's INSERT of the three firings hits B's: A reserves them clock by clock
                with mute_logger(
                    "odoo.sql_db", "odoo.addons.helpdesk_sla_advanced.models.helpdesk_ticket_sla_status"
                ):
                    env_a["helpdesk.ticket.sla.status"]._cron_sla_tick()
                Firing = env_a["helpdesk.ticket.sla.firing"]
                fired = Firing.search([("ticket_id", "in", others)])
                self.assertEqual((len(fired), set(fired.mapped("state"))), (2, {"done"}))
                cr_a.commit()
        self.assertEqual([self._firings(ids, ticket_id) for ticket_id in ids["tickets"]], [1, 1, 1])
        with self.registry.cursor() as cr:
            env = self._env(cr)
            leader = env.ref("base.user_admin").partner_id
            digest = env["mail.message"].search(
                [("message_type", "=", "user_notification"), ("partner_ids", "in", leader.ids)],
                order="id desc",
                limit=1,
            )
            # one digest for the two tickets A fired, none of the one B had
            for ticket_id in others:
                self.assertIn(f'/odoo/helpdesk.ticket/{ticket_id}"', digest.body)
            self.assertNotIn(f'/odoo/helpdesk.ticket/{taken}"', digest.body)


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
