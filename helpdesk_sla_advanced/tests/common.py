# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared fixtures: a Paris business calendar with a public holiday, tiers, customers in
two time zones, a pause stage and two policies. No test method lives here, so that
pytest-odoo and Odoo's loader collect the same tests."""

from datetime import datetime

from odoo.addons.helpdesk_sla_advanced.models.helpdesk_sla_policy import CONFIG_VERSION_KEY, FLAGGED_KEY
from odoo.fields import Command
from odoo.tests import TransactionCase, freeze_time, new_test_user

# Friday 2025-03-07 17:00 in Paris (CET, UTC+1); Monday 2025-03-10 is a holiday.
FRIDAY_5PM_PARIS = "2025-03-07 16:00:00"


def utc(*args):
    """A naive UTC datetime, as Odoo stores them."""
    return datetime(*args)


class SlaCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        env = cls.env
        # only the policies of the tests apply
        env["helpdesk.sla.policy"].search([]).write({"active": False})
        cls.stage_new = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_awaiting = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.calendar = cls._weekday_calendar(
            "Paris office Mon-Fri 09-12/13-17", "Europe/Paris", ((9, 12), (13, 17))
        )
        # Monday 2025-03-10, a public holiday in Paris (00:00-24:00 local)
        cls.holiday = env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": utc(2025, 3, 9, 23, 0),
                "date_to": utc(2025, 3, 10, 23, 0),
                "time_type": "leave",
            }
        )
        cls.tier_premium = env["helpdesk.sla.tier"].create({"name": "Premium", "sequence": 3})
        cls.tier_vip = env["helpdesk.sla.tier"].create({"name": "VIP", "sequence": 4})
        cls.acme = env["res.partner"].create(
            {"name": "Acme", "is_company": True, "tz": "Europe/Paris", "sla_tier_id": cls.tier_premium.id}
        )
        cls.alice = env["res.partner"].create(
            {"name": "Alice", "parent_id": cls.acme.id, "email": "alice@acme.example", "tz": "Europe/Paris"}
        )
        cls.nycorp = env["res.partner"].create(
            {"name": "NY Corp", "is_company": True, "tz": "America/New_York"}
        )
        cls.bob = env["res.partner"].create(
            {"name": "Bob", "parent_id": cls.nycorp.id, "email": "bob@ny.example", "tz": "America/New_York"}
        )
        cls.agent = new_test_user(
            env, login="sla-agent", groups="helpdesk_mgmt.group_helpdesk_user", tz="Europe/Paris"
        )
        cls.manager = new_test_user(
            env, login="sla-manager", groups="helpdesk_sla_advanced.group_sla_manager", tz="Europe/Paris"
        )
        cls.team = env["helpdesk.ticket.team"].create(
            {"name": "Support", "user_ids": [Command.set([cls.agent.id, cls.manager.id])]}
        )
        cls.premium = env["helpdesk.sla.policy"].create(
            {
                "name": "Premium",
                "sequence": 10,
                "tier_ids": [Command.set(cls.tier_premium.ids)],
                "resource_calendar_id": cls.calendar.id,
                "pause_stage_ids": [Command.set(cls.stage_awaiting.ids)],
                "target_ids": [
                    Command.create({"metric": "first_response", "contractual_hours": 4, "internal_hours": 2}),
                    Command.create({"metric": "next_response", "contractual_hours": 8, "internal_hours": 4}),
                    Command.create({"metric": "resolution", "contractual_hours": 16, "internal_hours": 12}),
                    Command.create(
                        {"metric": "resolution", "priority": "3", "contractual_hours": 8, "internal_hours": 6}
                    ),
                ],
            }
        )
        cls.standard = env["helpdesk.sla.policy"].create(
            {
                "name": "Standard",
                "sequence": 100,
                "resource_calendar_id": cls.calendar.id,
                "target_ids": [
                    Command.create({"metric": "first_response", "contractual_hours": 8}),
                    Command.create({"metric": "resolution", "contractual_hours": 40}),
                ],
            }
        )
        # the policy changes above queued a re-evaluation of open tickets: start clean
        cls._forget_pending_reevaluation()

    @classmethod
    def _forget_pending_reevaluation(cls):
        """As if the re-evaluation cron had run: the demo tickets keep their clocks."""
        Policy = cls.env["helpdesk.sla.policy"]
        Policy._sla_bump_param(FLAGGED_KEY, value=Policy._sla_counter(CONFIG_VERSION_KEY))
        cls.env["helpdesk.ticket"].search([("sla_dirty", "=", True)]).with_context(
            sla_internal_write=True
        ).write({"sla_dirty": False})

    # ------------------------------------------------------------ helpers
    @classmethod
    def _weekday_calendar(cls, name, tz, shifts):
        """A Monday-Friday calendar working ``shifts`` (``(start hour, end hour)``) in ``tz``."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day}-{start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in range(5)
                    for start, end in shifts
                ],
            }
        )

    @classmethod
    def _ticket(cls, at=FRIDAY_5PM_PARIS, **vals):
        values = {
            "name": "Printer on fire",
            "description": "<p>Help</p>",
            "partner_id": cls.alice.id,
            "team_id": cls.team.id,
            "stage_id": cls.stage_new.id,
            "priority": "1",
        }
        values.update(vals)
        with freeze_time(at):
            return cls.env["helpdesk.ticket"].create(values)

    @classmethod
    def _clock(cls, ticket, metric, cycle=1):
        """The clock of ``metric`` (archived ones included)."""
        return (
            cls.env["helpdesk.ticket.sla.status"]
            .with_context(active_test=False)
            .search([("ticket_id", "=", ticket.id), ("metric", "=", metric), ("cycle", "=", cycle)])
        )

    def _reply(self, ticket, at, user=None, body="We are on it."):
        """A public reply by an agent, posted at ``at`` (UTC)."""
        with freeze_time(at):
            ticket.with_user(user or self.agent).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def _note(self, ticket, at, user=None):
        with freeze_time(at):
            ticket.with_user(user or self.agent).message_post(
                body="internal note", message_type="comment", subtype_xmlid="mail.mt_note"
            )

    def _customer_says(self, ticket, at, partner=None, body="Any news?"):
        """An e-mail from the customer, received at ``at`` (UTC)."""
        with freeze_time(at):
            ticket.sudo().message_post(
                body=body,
                author_id=(partner or self.alice).id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )

    def _move(self, ticket, stage, at):
        with freeze_time(at):
            ticket.with_user(self.agent).write({"stage_id": stage.id})

    def _tick(self, at):
        """Run the deadline cron's job at ``at``, as a worker would."""
        with freeze_time(at):
            self.env["helpdesk.ticket.sla.status"]._cron_sla_tick()
