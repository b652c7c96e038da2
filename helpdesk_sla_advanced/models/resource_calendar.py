# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Translate ``resource.calendar`` records into ``sla_engine.WorkingCalendar``.

Engine calendars are cached per registry with ``ormcache``, keyed by the SLA
configuration version, which every change of a calendar, its hours or a public holiday
moves on (helpdesk.sla.policy._sla_config_changed): the hours and holidays of a calendar
are read once per change, not once per ticket, the engine's materialised working time is
reused across requests, and no worker ever counts on a calendar older than the
configuration its transaction sees.
"""

from datetime import timezone

from odoo import api, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools.date_utils import float_to_time

from sla_engine import SlaEngineError, WorkingCalendar

from .sla_tools import zone_name

ALWAYS = 0  # key used for the 24/7 calendar (no resource.calendar)


class CalendarUnavailable:
    """Stands for a calendar the engine cannot use; ``message`` says why."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message

    def __bool__(self):
        return False


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    # ------------------------------------------------------------ engine
    def _sla_unsupported_reason(self):
        """Why the engine cannot express this calendar, or an empty string."""
        self.ensure_one()
        if self.flexible_hours:
            return self.env._(
                "Calendar '%(name)s' has flexible hours: it has no fixed working time to count SLA time on.",
                name=self.display_name,
            )
        if self.two_weeks_calendar:
            return self.env._(
                "Calendar '%(name)s' alternates two different weeks (two-week mode), "
                "which SLA clocks do not support: use a one-week calendar.",
                name=self.display_name,
            )
        return ""

    def _sla_weekly(self):
        """The ``(weekday, start, end)`` shifts of the calendar, as Odoo counts them:
        sections and breaks excluded, an end of 24:00 meaning midnight."""
        self.ensure_one()
        weekly = []
        for attendance in self.attendance_ids:
            if attendance.display_type or attendance.day_period == "lunch":
                continue
            if attendance.hour_to <= attendance.hour_from:
                continue  # Odoo counts no time for it either
            start = float_to_time(attendance.hour_from)
            end = "24:00" if attendance.hour_to >= 24 else float_to_time(attendance.hour_to)
            weekly.append((int(attendance.dayofweek), start, end))
        return weekly

    def _sla_closures_by_calendar(self):
        """Public holidays (leaves without a resource) of each calendar, as aware UTC pairs."""
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("time_type", "=", "leave"),
                    ("calendar_id", "in", [False, *self.ids]),
                ]
            )
        )
        result = {calendar.id: [] for calendar in self}
        for leave in leaves:
            if not leave.date_from or not leave.date_to or leave.date_to <= leave.date_from:
                continue
            span = (leave.date_from.replace(tzinfo=timezone.utc), leave.date_to.replace(tzinfo=timezone.utc))
            for calendar in self:
                if leave.calendar_id == calendar or (
                    not leave.calendar_id
                    and (
                        not leave.company_id
                        or not calendar.company_id
                        or leave.company_id == calendar.company_id
                    )
                ):
                    result[calendar.id].append(span)
        return result

    @api.model
    def _sla_engine_calendars(self, keys):
        """Engine calendars for ``keys``, a set of ``(calendar id or ALWAYS, tz name)``.

        Returns ``{key: WorkingCalendar}``; a calendar the engine cannot use maps to a
        :class:`CalendarUnavailable` that says why (the caller shows it on the ticket
        instead of failing). Calendars are cached per registry (``ormcache``) and the
        cache is cleared whenever a calendar, its hours or a public holiday changes, so
        a warm lookup costs no query at all.
        """
        version = self.env["helpdesk.sla.policy"]._sla_config_version()
        return {key: self._sla_engine_calendar(*key, version) for key in keys}

    @api.model
    @tools.ormcache("cal_id", "tz", "version", "self.env.lang")
    def _sla_engine_calendar(self, cal_id, tz, version):
        if cal_id == ALWAYS:
            try:
                return WorkingCalendar.always(zone_name(tz))
            except SlaEngineError as exc:
                return CalendarUnavailable(str(exc))
        calendar = self.sudo().browse(cal_id).exists()
        if not calendar:
            return CalendarUnavailable(
                self.env._("The working calendar (id %(id)s) no longer exists.", id=cal_id)
            )
        return calendar._sla_build_engine_calendar(tz, calendar._sla_closures_by_calendar()[calendar.id])

    def _sla_build_engine_calendar(self, tz, closures):
        self.ensure_one()
        reason = self._sla_unsupported_reason()
        if reason:
            return CalendarUnavailable(reason)
        try:
            return WorkingCalendar(self._sla_weekly(), zone_name(tz), closures=closures)
        except SlaEngineError as exc:
            return CalendarUnavailable(
                self.env._("Calendar '%(name)s': %(error)s", name=self.display_name, error=str(exc))
            )

    def _sla_check_usable(self, tz=None):
        """Raise a ValidationError naming the calendar when SLA clocks cannot count on it."""
        for calendar in self:
            built = calendar._sla_build_engine_calendar(
                tz or calendar.tz or "UTC", calendar._sla_closures_by_calendar()[calendar.id]
            )
            if isinstance(built, CalendarUnavailable):
                raise ValidationError(built.message)

    # ------------------------------------------------------------ changes
    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_sla(self):
        """A calendar that SLA policies or clocks count on is archived, never deleted: its
        clocks would silently count 24/7 instead."""
        policies = self._sla_policies()
        olas = self._sla_olas()
        clocks = (
            self.env["helpdesk.ticket.sla.status"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("calendar_id", "in", self.ids)], limit=1)
        )
        if policies or olas or clocks:
            raise UserError(
                self.env._(
                    "Working calendar %(calendars)s is used by SLA policies or OLAs (%(policies)s) or by "
                    "the clocks of tickets: archive it instead of deleting it.",
                    calendars=", ".join(f"'{name}'" for name in self.mapped("display_name")),
                    policies=", ".join(policies.mapped("display_name") + olas.mapped("display_name")) or "-",
                )
            )

    def _sla_policies(self):
        return (
            self.env["helpdesk.sla.policy"]
            .sudo()
            .with_context(active_test=False)
            .search([("resource_calendar_id", "in", self.ids)])
        )

    def _sla_olas(self):
        return (
            self.env["helpdesk.sla.ola"]
            .sudo()
            .with_context(active_test=False)
            .search([("resource_calendar_id", "in", self.ids)])
        )

    def _sla_hours_changed(self):
        """The hours of these calendars changed: check the policies and OLAs counting on
        them can still count, and re-evaluate their open tickets."""
        policies, olas = self._sla_policies(), self._sla_olas()
        (
            policies.filtered("active").resource_calendar_id | olas.filtered("active").resource_calendar_id
        )._sla_check_usable()
        # an OLA's tickets are those visiting its team: every open ticket, to be safe
        self.env["helpdesk.sla.policy"]._sla_config_changed(None if olas else policies)

    def write(self, vals):
        result = super().write(vals)
        Policy = self.env["helpdesk.sla.policy"]
        if {"tz", "attendance_ids", "two_weeks_calendar", "flexible_hours", "company_id"} & set(vals):
            self._sla_hours_changed()
        elif "name" in vals:
            Policy._sla_config_changed(Policy.browse())  # names are quoted in explanations
        return result
