# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small conversions between Odoo values and sla_engine values (no model here)."""

from datetime import timedelta, timezone

from sla_engine import ClockEvent, EventKind, Target

METRICS = [
    ("first_response", "First response"),
    ("next_response", "Next response"),
    ("resolution", "Resolution"),
]
TIME_KINDS = [("business", "Business hours"), ("calendar", "Calendar hours (24/7)")]
STATUS_STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("breached", "Breached"),
    ("exempted", "Exempted"),
]
# the ticket's summary: the most urgent state among its clocks
SUMMARY_STATES = [
    ("breached", "Breached"),
    ("at_risk", "At risk"),
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("failed", "Failed"),
    ("exempted", "Exempted"),
]
EVENT_KINDS = [
    ("start", "Started"),
    ("pause", "Paused"),
    ("resume", "Resumed"),
    ("stop", "Reached"),
    ("reopen", "Reopened"),
    ("target", "Re-evaluated"),
    ("exempt", "Exempted"),
    ("unexempt", "Exemption lifted"),
]


def zone_name(tz):
    """The IANA name to read a calendar in: ``tz`` or UTC when empty."""
    return tz or "UTC"


def aware(value):
    """A naive UTC datetime as Odoo stores it -> aware UTC (None stays None)."""
    return value.replace(tzinfo=timezone.utc) if value else None


def naive(value):
    """An aware datetime -> naive UTC for Odoo (None stays None)."""
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value else False


def hours(value):
    """timedelta -> float hours (None stays 0.0)."""
    return value.total_seconds() / 3600.0 if value is not None else 0.0


def duration(value_hours):
    """float hours -> timedelta, rounded to the second."""
    return timedelta(seconds=round((value_hours or 0.0) * 3600))


def engine_target(contractual_hours, internal_hours, time_kind):
    """The sla_engine Target for stored target values."""
    return Target(
        duration(contractual_hours),
        duration(internal_hours) if internal_hours else None,
        business=time_kind != "calendar",
    )


def engine_events(values):
    """The sla_engine ClockEvents for the values of a ``helpdesk.ticket.sla.event``.

    A start event carries the targets the clock starts with: it stands for a START
    and a TARGET event, so that a new clock stores one event, not two.
    """
    kind = values["kind"]
    at = aware(values["at"])
    reason = values.get("reason") or ""
    events = []
    if kind != "target":
        events.append(ClockEvent(EventKind(kind), at, reason))
    if kind == "target" or (kind == "start" and values.get("contractual_hours")):
        target = engine_target(values["contractual_hours"], values["internal_hours"], values["time_kind"])
        events.append(ClockEvent(EventKind.TARGET, at, reason, target))
    return events


class TargetConfig:
    """A target as plain data (cached; no record access)."""

    __slots__ = ("id", "metric", "priority", "contractual_hours", "internal_hours", "time_kind")

    def __init__(self, target):
        self.id = target.id
        self.metric = target.metric
        self.priority = target.priority or False
        self.contractual_hours = target.contractual_hours
        self.internal_hours = target.internal_hours
        self.time_kind = target.time_kind


class PolicyConfig:
    """What matching and clocks need of a policy, as plain data cached per registry, so that
    creating a ticket reads no policy, target or calendar record."""

    __slots__ = (
        "id",
        "name",
        "company_id",
        "rule",
        "calendar_id",
        "calendar_tz",
        "tz_source",
        "pause_stage_ids",
        "pause_next_response",
        "targets",
        "ladders",
        "fire_missed",
    )

    def __init__(self, policy, rule):
        self.id = policy.id
        self.name = policy.display_name
        self.company_id = policy.company_id.id or False
        self.rule = rule
        always = policy.calendar_mode == "always"
        self.calendar_id = 0 if always else policy.resource_calendar_id.id
        self.calendar_tz = False if always else policy.resource_calendar_id.tz
        self.tz_source = policy.tz_source
        self.pause_stage_ids = frozenset(policy.pause_stage_ids.ids)
        self.pause_next_response = policy.pause_next_response
        self.targets = {}
        for target in policy.target_ids:
            self.targets.setdefault((target.metric, target.priority or False), TargetConfig(target))
        # escalation ladders: {metric: (sla_engine Level, ...)}
        self.ladders = {}
        for level in policy.escalation_ids.filtered("active").sorted(lambda lv: (lv.sequence, lv.id)):
            self.ladders.setdefault(level.metric, []).append(level._engine_level())
        self.ladders = {metric: tuple(levels) for metric, levels in self.ladders.items()}
        self.fire_missed = policy.escalation_fire_missed

    def target_for(self, metric, priority):
        """The target of ``metric`` for ``priority``, else the one for every priority."""
        return self.targets.get((metric, priority)) or self.targets.get((metric, False))

    def pauses(self, metric):
        return metric == "resolution" or (metric == "next_response" and self.pause_next_response)
