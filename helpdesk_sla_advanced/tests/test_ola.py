# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""OLAs per team: the seed's example. A 24 h customer SLA (resolution, Paris business hours
Mon-Fri 09-12/13-17, Monday 2025-03-10 a public holiday) held by a 4 h ownership OLA for the
Service Desk (Paris hours) and an 8 h ownership OLA for the Sysadmins, a team abroad that
works Mon-Fri 09-17 New York time. In March 2025 Paris is UTC+1; New York is UTC-5 until
Sunday 2025-03-09, then UTC-4. Times in comments are local; stored values are naive UTC."""

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SlaCase, utc

FRIDAY_4PM_PARIS = "2025-03-07 15:00:00"


class OlaCase(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.new_york = cls._weekday_calendar(
            "New York ops Mon-Fri 09-17", "America/New_York", ((9, 12), (12, 17))
        )
        cls.sysadmin = new_test_user(
            env, login="ola-sysadmin", groups="helpdesk_mgmt.group_helpdesk_user", tz="America/New_York"
        )
        cls.desk = env["helpdesk.ticket.team"].create(
            {
                "name": "Service Desk",
                "user_ids": [Command.set([cls.agent.id, cls.manager.id])],
                "user_id": cls.manager.id,
            }
        )
        cls.sysadmins = env["helpdesk.ticket.team"].create(
            {"name": "Sysadmins", "user_ids": [Command.set(cls.sysadmin.ids)], "user_id": cls.sysadmin.id}
        )
        cls.seed = env["helpdesk.sla.policy"].create(
            {
                "name": "Seed 24 h",
                "sequence": 1,
                "partner_ids": [Command.set(cls.acme.ids)],
                "resource_calendar_id": cls.calendar.id,
                "pause_stage_ids": [Command.set(cls.stage_awaiting.ids)],
                "ola_path_team_ids": [Command.set([cls.desk.id, cls.sysadmins.id])],
                "target_ids": [
                    Command.create({"metric": "first_response", "contractual_hours": 4}),
                    Command.create({"metric": "resolution", "contractual_hours": 24, "internal_hours": 20}),
                ],
            }
        )
        cls.desk_ola = env["helpdesk.sla.ola"].create(
            {
                "name": "Service Desk triage",
                "team_id": cls.desk.id,
                "resource_calendar_id": cls.calendar.id,
                "tz_source": "calendar",
                "target_ids": [
                    Command.create({"metric": "pickup", "contractual_hours": 1, "internal_hours": 0.5}),
                    Command.create({"metric": "ownership", "contractual_hours": 4, "internal_hours": 3}),
                    Command.create({"metric": "ownership", "priority": "3", "contractual_hours": 2}),
                ],
            }
        )
        cls.sys_ola = env["helpdesk.sla.ola"].create(
            {
                "name": "Sysadmins resolution",
                "team_id": cls.sysadmins.id,
                "resource_calendar_id": cls.new_york.id,
                "tz_source": "calendar",
                "target_ids": [
                    Command.create({"metric": "pickup", "contractual_hours": 2}),
                    Command.create({"metric": "ownership", "contractual_hours": 8, "internal_hours": 6}),
                ],
            }
        )
        cls._forget_pending_reevaluation()

    @classmethod
    def _seed_ticket(cls, at=FRIDAY_4PM_PARIS, **vals):
        return cls._ticket(at=at, team_id=cls.desk.id, **vals)

    def _ola(self, ticket, metric, visit=None):
        clocks = ticket.ola_status_ids.filtered(lambda s: s.metric == metric)
        return clocks.filtered(lambda s: s.cycle == visit) if visit else clocks.sorted("cycle")[-1:]

    def _write(self, ticket, at, user=None, **vals):
        with freeze_time(at):
            ticket.with_user(user or self.manager).write(vals)

    def _hand_to_sysadmins(self, ticket, at="2025-03-11 10:00:00"):  # Tuesday 11:00 Paris
        self._write(ticket, at, team_id=self.sysadmins.id, user_id=False)


@tagged("post_install", "-at_install")
class TestTeamVisits(OlaCase):
    def test_creation_opens_the_first_visit_with_its_ola_clocks(self):
        ticket = self._seed_ticket()
        visit = ticket.sla_visit_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual((visit.team_id, visit.sequence, visit.start_reason), (self.desk, 1, "created"))
        self.assertEqual(visit.ola_id, self.desk_ola)
        self.assertIn("team Service Desk", visit.ola_reason)
        # pickup 1 h: Friday 16-17; ownership 4 h: Friday 16-17, Tuesday 09-12 (Monday closed)
        self.assertEqual(self._ola(ticket, "pickup").deadline, utc(2025, 3, 7, 16, 0))
        self.assertEqual(self._ola(ticket, "ownership").deadline, utc(2025, 3, 11, 11, 0))
        self.assertEqual(self._ola(ticket, "ownership").ola_team_id, self.desk)

    def test_ola_clocks_stay_out_of_the_customer_sla(self):
        ticket = self._seed_ticket()
        self.assertEqual(set(ticket.sla_status_ids.mapped("metric")), {"first_response", "resolution"})
        self.assertEqual(ticket.sla_metric_next, "first_response")
        self.assertEqual(ticket.sla_deadline_next, utc(2025, 3, 11, 11, 0))  # not the pickup's Friday 17:00

    def test_assigning_a_member_of_the_team_picks_the_ticket_up(self):
        ticket = self._seed_ticket()
        self._write(ticket, "2025-03-07 15:30:00", user_id=self.agent.id)
        pickup = self._ola(ticket, "pickup")
        self.assertEqual(pickup.state, "met")
        self.assertEqual(pickup.reached_at, utc(2025, 3, 7, 15, 30))

    def test_a_public_reply_by_a_member_picks_it_up_and_a_stranger_does_not(self):
        ticket = self._seed_ticket()
        self._reply(ticket, "2025-03-07 15:10:00", user=self.sysadmin)
        self.assertEqual(self._ola(ticket, "pickup").state, "running")
        self._reply(ticket, "2025-03-07 15:20:00", user=self.agent)
        self.assertEqual(self._ola(ticket, "pickup").reached_at, utc(2025, 3, 7, 15, 20))

    def test_handoff_ends_the_visit_and_the_next_team_counts_on_its_own_hours(self):
        ticket = self._seed_ticket()
        self._hand_to_sysadmins(ticket)
        desk, sys = ticket.sla_visit_ids.sorted("sequence")
        self.assertEqual((desk.date_end, desk.end_reason), (utc(2025, 3, 11, 10, 0), "handoff"))
        # Service Desk owned it Friday 16-17 and Tuesday 09-11: 3 h of 4, met
        ownership = self._ola(ticket, "ownership", visit=1)
        self.assertEqual(ownership.state, "met")
        self.assertAlmostEqual(ownership.working_hours, 3.0)
        # Sysadmins received it Tuesday 06:00 New York: 8 h from 09:00, due 17:00 New York
        self.assertEqual((sys.team_id, sys.sequence, sys.start_reason), (self.sysadmins, 2, "handoff"))
        self.assertEqual(self._ola(ticket, "ownership", visit=2).deadline, utc(2025, 3, 11, 21, 0))
        self.assertEqual(self._ola(ticket, "ownership", visit=2).tz, "America/New_York")

    def test_leaving_after_the_target_breaches_the_ola(self):
        ticket = self._seed_ticket()
        self._hand_to_sysadmins(ticket, at="2025-03-11 13:00:00")  # Tuesday 14:00 Paris: 5 h
        ownership = self._ola(ticket, "ownership", visit=1)
        self.assertEqual(ownership.state, "breached")
        self.assertEqual(ownership.breached_at, utc(2025, 3, 11, 11, 0))

    def test_compliance_counts_a_met_visit_100_and_a_breached_one_0(self):
        on_time, late = self._seed_ticket(), self._seed_ticket()
        self._hand_to_sysadmins(on_time)
        self._hand_to_sysadmins(late, at="2025-03-11 13:00:00")
        [(compliance,)] = self.env["helpdesk.ticket.sla.status"]._read_group(
            [
                ("ticket_id", "in", (on_time | late).ids),
                ("metric", "=", "ownership"),
                ("ola_team_id", "=", self.desk.id),
            ],
            [],
            ["met_pct:avg"],
        )
        self.assertEqual(compliance, 50.0)

    def test_a_to_b_to_a_gives_a_two_visits_with_their_own_clocks(self):
        ticket = self._seed_ticket()
        self._hand_to_sysadmins(ticket)
        self._write(ticket, "2025-03-11 15:00:00", team_id=self.desk.id)
        visits = ticket.sla_visit_ids.sorted("sequence")
        self.assertEqual(
            [visit.team_id.name for visit in visits], ["Service Desk", "Sysadmins", "Service Desk"]
        )
        self.assertEqual(visits.mapped("sequence"), [1, 2, 3])
        desk_clocks = ticket.ola_status_ids.filtered(lambda s: s.ola_team_id == self.desk)
        self.assertEqual(sorted(desk_clocks.mapped("cycle")), [1, 1, 3, 3])
        # the second Service Desk visit counts from its own reception, Tuesday 16:00 Paris
        self.assertEqual(self._ola(ticket, "ownership", visit=3).start, utc(2025, 3, 11, 15, 0))
        self.assertEqual(self._ola(ticket, "ownership", visit=3).state, "running")

    def test_resolving_ends_the_visit_and_reopening_gives_the_team_a_new_one(self):
        ticket = self._seed_ticket()
        self._move(ticket, self.stage_done, "2025-03-11 09:00:00")
        self.assertEqual(ticket.sla_visit_ids.end_reason, "resolved")
        self.assertEqual(self._ola(ticket, "ownership", visit=1).state, "met")
        self._move(ticket, self.stage_progress, "2025-03-12 09:00:00")
        reopened = ticket.sla_visit_ids.sorted("sequence")[-1]
        self.assertEqual(
            (reopened.sequence, reopened.start_reason, reopened.team_id), (2, "reopened", self.desk)
        )
        self.assertEqual(self._ola(ticket, "ownership", visit=2).start, utc(2025, 3, 12, 9, 0))

    def test_a_waiting_stage_pauses_the_owning_teams_ola(self):
        ticket = self._seed_ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 09:00:00")  # Tuesday 10:00 Paris
        ownership = self._ola(ticket, "ownership")
        self.assertEqual((ownership.state, ownership.pause_reason), ("paused", self.stage_awaiting.name))
        self._move(ticket, self.stage_progress, "2025-03-11 13:00:00")  # Tuesday 14:00 Paris
        # 1 h on Friday, 1 h on Tuesday before the pause, 2 h left from 14:00: due 16:00 Paris
        self.assertEqual(self._ola(ticket, "ownership").deadline, utc(2025, 3, 11, 15, 0))

    def test_a_priority_raised_mid_visit_applies_the_new_target_from_the_visit_start(self):
        ticket = self._seed_ticket()
        self._write(ticket, "2025-03-11 08:30:00", priority="3")  # Tuesday 09:30 Paris
        ownership = self._ola(ticket, "ownership")
        # 2 h for very urgent tickets: Friday 16-17 and Tuesday 09-10
        self.assertEqual(ownership.contractual_hours, 2.0)
        self.assertEqual(ownership.deadline, utc(2025, 3, 11, 9, 0))
        self.assertEqual(ownership.event_ids[-1].kind, "target")

    def test_a_sub_team_is_covered_by_the_ola_of_its_parent_team(self):
        level_2 = self.env["helpdesk.ticket.team"].create({"name": "Level 2", "parent_id": self.desk.id})
        ticket = self._ticket(at=FRIDAY_4PM_PARIS, team_id=level_2.id)
        self.assertEqual(ticket.sla_visit_ids.ola_id, self.desk_ola)
        self.assertEqual(self._ola(ticket, "ownership").ola_team_id, level_2)

    def test_a_team_without_ola_still_has_its_visits_in_the_timeline(self):
        ticket = self._seed_ticket()
        self._write(ticket, "2025-03-11 10:00:00", team_id=self.team.id)
        visit = ticket.sla_visit_ids.sorted("sequence")[-1]
        self.assertEqual((visit.team_id, visit.ola_id), (self.team, self.env["helpdesk.sla.ola"]))
        self.assertFalse(ticket.ola_status_ids.filtered(lambda s: s.cycle == visit.sequence))

    def test_ola_breached_and_at_risk_filters_find_their_tickets(self):
        late = self._seed_ticket()
        self._hand_to_sysadmins(late, at="2025-03-11 13:00:00")
        on_time = self._seed_ticket()
        Ticket = self.env["helpdesk.ticket"]
        self.assertIn(late, Ticket.search([("ola_breached", "=", True)]))
        self.assertNotIn(on_time, Ticket.search([("ola_breached", "=", True)]))
        with freeze_time("2025-03-11 10:30:00"):  # on_time's desk ownership: internal 3 h passed
            self.assertIn(on_time, Ticket.search([("ola_at_risk", "=", True)]))

    def test_an_ola_level_fires_once_at_75_percent_of_ownership(self):
        level = self.env["helpdesk.sla.escalation"].create(
            {
                "name": "Three quarters of the desk's time",
                "ola_id": self.desk_ola.id,
                "metric": "ownership",
                "trigger": "percent_contractual",
                "percent": 75,
                "action_ids": [Command.create({"action_type": "notify_team_leader"})],
            }
        )
        ticket = self._seed_ticket()
        self._tick("2025-03-11 09:30:00")  # Tuesday 10:30 Paris: 2 h 30 of 4, not yet
        self.assertFalse(ticket.sla_firing_ids.filtered(lambda f: f.escalation_id == level))
        self._tick("2025-03-11 10:00:01")  # Tuesday 11:00 Paris: 3 h of 4
        self._tick("2025-03-11 10:30:00")
        firing = ticket.sla_firing_ids.filtered(lambda f: f.escalation_id == level)
        self.assertEqual((len(firing), firing.state), (1, "done"))
        self.assertEqual(firing.status_id, self._ola(ticket, "ownership"))

    def test_editing_an_ola_re_evaluates_the_open_visits(self):
        ticket = self._seed_ticket()
        self.desk_ola.target_ids.filtered(lambda t: t.metric == "ownership" and not t.priority).write(
            {"contractual_hours": 6, "internal_hours": 5}
        )
        with freeze_time("2025-03-11 08:00:00"):
            self.env["helpdesk.ticket"]._sla_reevaluate_all()
        # 6 h: Friday 16-17, Tuesday 09-12 and 13-15
        self.assertEqual(self._ola(ticket, "ownership").deadline, utc(2025, 3, 11, 14, 0))


@tagged("post_install", "-at_install")
class TestBreachAttribution(OlaCase):
    def _resolve_by_sysadmins(self, ticket, at):
        self._hand_to_sysadmins(ticket)
        self._reply(ticket, "2025-03-11 14:30:00", user=self.sysadmin)  # Tuesday 10:30 New York
        self._move(ticket, self.stage_done, at)

    def test_the_seed_example_end_to_end_an_ola_breached_while_the_sla_is_met(self):
        ticket = self._seed_ticket()
        self._write(ticket, "2025-03-07 15:30:00", user_id=self.agent.id)
        self._resolve_by_sysadmins(ticket, "2025-03-12 15:00:00")  # Wednesday 11:00 New York
        self.assertEqual(self._ola(ticket, "pickup", visit=1).state, "met")
        self.assertEqual(self._ola(ticket, "ownership", visit=1).state, "met")  # 3 h of 4
        self.assertEqual(self._ola(ticket, "pickup", visit=2).state, "met")  # 1 h 30 of 2
        sys_ownership = self._ola(ticket, "ownership", visit=2)  # Tuesday 8 h + Wednesday 2 h
        self.assertEqual(sys_ownership.state, "breached")
        self.assertAlmostEqual(sys_ownership.working_hours, 10.0)
        resolution = self._clock(ticket, "resolution")
        self.assertEqual(resolution.state, "met")  # 14 h of 24
        self.assertAlmostEqual(resolution.working_hours, 14.0)
        self.assertEqual(
            resolution.attribution,
            "Resolution 24 h met: Sysadmins 11 h (OLA 8 h breached), Service Desk 3 h",
        )
        self.assertEqual(resolution.ola_breached_ids, self.sys_ola)

    def test_a_breached_sla_is_attributed_to_the_team_that_spent_most_of_its_time(self):
        ticket = self._seed_ticket()
        self._move(ticket, self.stage_awaiting, "2025-03-11 08:00:00")  # Tuesday 09:00 Paris
        self._move(ticket, self.stage_progress, "2025-03-11 09:00:00")
        self._resolve_by_sysadmins(ticket, "2025-03-17 11:00:00")  # next Monday 12:00 Paris
        resolution = self._clock(ticket, "resolution")
        self.assertEqual(resolution.state, "breached")
        self.assertEqual(resolution.blame_team_id, self.sysadmins)
        # Service Desk: Friday 16-17, Tuesday 10-11; Sysadmins: Tuesday 11-12 and 13-17,
        # Wednesday, Thursday and Friday 7 h each, Monday 09-12: 29 h; 31 h of 24: 7 h late
        shares = resolution.share_ids
        desk = shares.filtered(lambda s: s.team_id == self.desk)
        sys = shares.filtered(lambda s: s.team_id == self.sysadmins)
        paused = shares.filtered(lambda s: s.kind == "paused")
        self.assertAlmostEqual(desk.hours, 2.0)
        self.assertAlmostEqual(sys.hours, 29.0)
        self.assertEqual((paused.reason, paused.hours), (self.stage_awaiting.name, 1.0))
        self.assertEqual(
            resolution.attribution,
            "Resolution 24 h breached by 7 h: Sysadmins 29 h (OLA 8 h breached), "
            f"Service Desk 2 h (pickup 1 h breached); paused 1 h ({self.stage_awaiting.name})",
        )
        self.assertIn(resolution.attribution, resolution.explanation)

    def test_the_attribution_is_written_in_the_readers_language(self):
        # stored as data, the sentence is written when read: a French manager reads French,
        # whoever closed the clock
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["helpdesk_sla_advanced"], ["fr_FR"])
        ticket = self._seed_ticket()
        self._write(ticket, "2025-03-07 15:30:00", user_id=self.agent.id)
        self._resolve_by_sysadmins(ticket, "2025-03-12 15:00:00")
        resolution = self._clock(ticket, "resolution")
        self.assertEqual(
            resolution.attribution,
            "Resolution 24 h met: Sysadmins 11 h (OLA 8 h breached), Service Desk 3 h",
        )
        self.assertEqual(
            resolution.with_context(lang="fr_FR").attribution,
            "Résolution 24 h respecté: Sysadmins 11 h (OLA 8 h violé), Service Desk 3 h",
        )
        self.assertIn("OLA 8 h violé", ticket.with_context(lang="fr_FR").sla_attribution)

    def test_clocks_attributed_before_the_data_was_stored_are_attributed_again(self):
        # what the 19.0.1.1.0 migration does for clocks closed under 19.0.1.0.0
        ticket = self._seed_ticket()
        self._write(ticket, "2025-03-07 15:30:00", user_id=self.agent.id)
        self._resolve_by_sysadmins(ticket, "2025-03-12 15:00:00")
        resolution = self._clock(ticket, "resolution")
        sentence = resolution.attribution
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_sla_status SET attribution_data = NULL WHERE ticket_id = %s", [ticket.id]
        )
        resolution.invalidate_recordset()
        self.assertFalse(resolution.attribution)
        self.assertEqual(self.env["helpdesk.ticket.sla.status"]._sla_attribute_missing(), 2)
        self.assertEqual(resolution.attribution, sentence)

    def test_shares_add_up_to_the_clock_working_time_to_the_second(self):
        ticket = self._seed_ticket(at="2025-03-07 15:00:07")
        self._write(ticket, "2025-03-11 09:17:13", team_id=self.sysadmins.id)
        self._write(ticket, "2025-03-12 13:41:59", team_id=self.desk.id)
        self._move(ticket, self.stage_done, "2025-03-13 10:03:31")
        resolution = self._clock(ticket, "resolution")
        total = sum(resolution.share_ids.filtered(lambda s: s.kind != "paused").mapped("hours"))
        self.assertAlmostEqual(total * 3600, resolution.working_hours * 3600, places=3)
        self.assertAlmostEqual(
            sum(resolution.share_ids.filtered(lambda s: s.kind == "team").mapped("share")), 100.0
        )


@tagged("post_install", "-at_install")
class TestOlaBudget(OlaCase):
    def test_the_policy_form_shows_the_olas_against_the_sla_target(self):
        budget = self.seed.ola_budget_html
        self.assertIn("Service Desk", budget)
        self.assertIn("Sysadmins", budget)
        self.assertIn("12 h", budget)  # 4 h + 8 h against 24 h: fits
        self.assertFalse(self.seed.ola_budget_warning)

    def test_olas_that_do_not_fit_the_sla_are_flagged(self):
        self.sys_ola.target_ids.filtered(lambda t: t.metric == "ownership").write(
            {"contractual_hours": 22, "internal_hours": 20}
        )
        self.assertIn("26 h", self.seed.ola_budget_html)
        self.assertIn("do not fit", self.seed.ola_budget_warning)

    def test_olas_counted_on_other_calendars_are_not_added_silently(self):
        self.assertIn("New York ops", self.seed.ola_budget_html)
        self.assertIn("other hours", self.seed.ola_budget_html)


@tagged("post_install", "-at_install")
class TestOlaValidation(OlaCase):
    def _ola_vals(self, **vals):
        values = {
            "name": "Checked OLA",
            "team_id": self.sysadmins.id,
            "sequence": 50,
            "calendar_mode": "always",
            "target_ids": [Command.create({"metric": "ownership", "contractual_hours": 8})],
        }
        values.update(vals)
        return values

    def test_two_olas_of_a_team_with_the_same_sequence_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "has sequence 10, like 'Sysadmins resolution'"):
            self.env["helpdesk.sla.ola"].create(self._ola_vals(sequence=10))

    def test_an_ola_target_of_zero_hours_is_refused(self):
        with self.assertRaisesRegex(
            ValidationError, "'Contractual Target' must be a finite number, more than 0 h"
        ):
            self.env["helpdesk.sla.ola"].create(
                self._ola_vals(target_ids=[Command.create({"metric": "ownership", "contractual_hours": 0})])
            )

    def test_an_internal_target_looser_than_the_contractual_one_is_refused(self):
        with self.assertRaisesRegex(
            ValidationError, r"internal target \(9.0 h\) is looser than the contractual one"
        ):
            self.env["helpdesk.sla.ola"].create(
                self._ola_vals(
                    target_ids=[
                        Command.create({"metric": "ownership", "contractual_hours": 8, "internal_hours": 9})
                    ]
                )
            )

    def test_an_ola_on_a_calendar_with_no_working_time_is_refused(self):
        empty = self.env["resource.calendar"].create(
            {"name": "Nobody on call", "tz": "UTC", "attendance_ids": [Command.clear()]}
        )
        with self.assertRaisesRegex(ValidationError, "Calendar 'Nobody on call'.*no working time"):
            self.env["helpdesk.sla.ola"].create(
                self._ola_vals(calendar_mode="calendar", resource_calendar_id=empty.id)
            )

    def test_a_customer_metric_on_an_ola_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "'Resolution' is not a metric of an OLA"):
            self.env["helpdesk.sla.ola"].create(
                self._ola_vals(target_ids=[Command.create({"metric": "resolution", "contractual_hours": 8})])
            )
