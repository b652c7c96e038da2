# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small conversions between Odoo values and sla_engine values (no model here)."""

import logging
import math
from datetime import datetime, timedelta, timezone

from odoo.fields import Command

from sla_engine import MAX_DURATION, MAX_PERCENT, ClockEvent, EventKind, SlaEngineError, Target

_logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- bounds
# Every number a user types into an SLA setting is finite and inside a documented range,
# checked when it is saved (helpdesk.sla.bounds.mixin). Hours: more than zero, at most ten
# years of 8,766 hours, the longest working time the engine counts (sla_engine.MAX_DURATION).
MAX_HOURS = MAX_DURATION / timedelta(hours=1)  # 87,660 h
# MAX_PERCENT (1,000 %): an escalation at ten times its target is the latest one may ask for
MAX_SEQUENCE = 1_000_000
# the earliest and latest SLA start a ticket may have (the latest: a year from now)
MIN_SLA_START = datetime(1970, 1, 1)
MAX_SLA_START_AHEAD = timedelta(days=366)


class Bound:
    """The range a numeric setting must lie in: ``low`` to ``high``, ``low`` itself
    allowed or not; values must be finite real numbers."""

    __slots__ = ("low", "high", "low_open", "unit")

    def __init__(self, low, high, low_open=False, unit=""):
        self.low = low
        self.high = high
        self.low_open = low_open
        self.unit = unit

    def accepts(self, value):
        """Whether ``value`` (already a number) lies in the range."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
        if value < self.low or (self.low_open and value == self.low):
            return False
        return value <= self.high

    def describe(self, env):
        """The range in words, in the user's language: 'more than 0 h and at most 87,660 h'."""
        unit = f" {self.unit}" if self.unit else ""
        low, high = f"{self.low:,g}{unit}", f"{self.high:,g}{unit}"
        if self.low_open:
            return env._("more than %(low)s and at most %(high)s", low=low, high=high)
        return env._("at least %(low)s and at most %(high)s", low=low, high=high)


HOURS = Bound(0.0, MAX_HOURS, low_open=True, unit="h")
HOURS_OR_NONE = Bound(0.0, MAX_HOURS, unit="h")  # 0 means "none"
PERCENT = Bound(0.0, MAX_PERCENT, low_open=True, unit="%")
SEQUENCE = Bound(-MAX_SEQUENCE, MAX_SEQUENCE)
# service credits
MAX_AMOUNT = 1e11  # a fee, a minimum or a fixed credit, in the agreement's currency
AMOUNT = Bound(0.0, MAX_AMOUNT)
SHARE = Bound(0.0, 100.0, unit="%")  # a share of the fee, an attainment, an availability
SHARE_POSITIVE = Bound(0.0, 100.0, low_open=True, unit="%")
COUNT = Bound(0, MAX_SEQUENCE)
DAYS = Bound(0, 3660, unit="d")
BAND_END = Bound(0.0, MAX_HOURS)  # a band's end: hours of lateness or a percentage

METRICS = [
    ("first_response", "First response"),
    ("next_response", "Next response"),
    ("resolution", "Resolution"),
    ("pickup", "Pickup (OLA)"),
    ("ownership", "Ownership (OLA)"),
]
# the customer's SLA metrics, and the operational ones each team's visit is measured on:
# pickup (until a member of the team is assigned or replies publicly) and ownership
# (until the team hands the ticket on or it is resolved)
SLA_METRICS = ("first_response", "next_response", "resolution")
OLA_METRICS = ("pickup", "ownership")
# the SLA clocks whose time is attributed to the teams, once met or breached
ATTRIBUTED_METRICS = ("first_response", "resolution")
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
    """float hours -> timedelta, rounded to the second.

    Raises :class:`SlaEngineError` for a value no clock can count (not finite, or beyond
    ten years of hours): stored values from before the bounds were checked, or written
    behind the ORM's back, make their clock "cannot be computed", never a crash.
    """
    value = value_hours or 0.0
    if not math.isfinite(value) or abs(value) > MAX_HOURS:
        raise SlaEngineError(
            f"{value!r} h is not a duration an SLA clock can count (at most {MAX_HOURS:,g} h)"
        )
    return timedelta(seconds=round(value * 3600))


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


def new_clock_vals(ticket, target, metric, cycle, calendar_key, start, events, **links):
    """Values of a new clock of ``ticket`` (``links``: its policy or its OLA and visit) and
    of its events, each completed with the ticket, its company and empty targets."""
    for event in events:
        event.update(ticket_id=ticket.id, company_id=ticket.company_id.id)
        event.setdefault("reason", False)
        for key in ("contractual_hours", "internal_hours", "time_kind"):
            event.setdefault(key, False)
    cal_id, tz = calendar_key
    return {
        "ticket_id": ticket.id,
        **links,
        "target_id": target.id,
        "metric": metric,
        "cycle": cycle,
        "calendar_id": cal_id or False,
        "tz": tz,
        "start": start,
        "contractual_hours": target.contractual_hours,
        "internal_hours": target.internal_hours,
        "time_kind": target.time_kind,
        "event_ids": [Command.create(event) for event in events],
    }


class LazyNames:
    """{record id: display name} of one model, each name read when first asked for."""

    __slots__ = ("model", "names")

    def __init__(self, model):
        self.model = model.sudo()
        self.names = {}

    def get(self, key, default=None):
        if key not in self.names:
            # the ids come from the tickets' own values: the records exist (and are
            # usually in the cache already)
            self.names[key] = self.model.browse(key).display_name or default
        return self.names[key]


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
            try:
                engine_level = level._engine_level()
            except SlaEngineError as exc:
                # a value saved before the bounds were checked: that level cannot fire, the
                # rest of the ladder and every clock of the policy still work
                _logger.warning(
                    "SLA policy %s: escalation level %s is left out: %s", policy.id, level.id, exc
                )
                continue
            self.ladders.setdefault(level.metric, []).append(engine_level)
        self.ladders = {metric: tuple(levels) for metric, levels in self.ladders.items()}
        self.fire_missed = policy.escalation_fire_missed

    def target_for(self, metric, priority):
        """The target of ``metric`` for ``priority``, else the one for every priority."""
        return self.targets.get((metric, priority)) or self.targets.get((metric, False))

    def pauses(self, metric):
        return metric == "resolution" or (metric == "next_response" and self.pause_next_response)


class OlaConfig:
    """What an OLA policy needs at run time, as plain data cached per registry and
    configuration version, like :class:`PolicyConfig`."""

    __slots__ = (
        "id",
        "name",
        "team_id",
        "company_id",
        "rule",
        "calendar_id",
        "calendar_tz",
        "tz_source",
        "pause_mode",
        "own_pause_stage_ids",
        "targets",
        "ladders",
        "fire_missed",
    )

    def __init__(self, ola, rule):
        self.id = ola.id
        self.name = ola.display_name
        self.team_id = ola.team_id.id
        self.company_id = ola.company_id.id or False
        self.rule = rule
        always = ola.calendar_mode == "always"
        self.calendar_id = 0 if always else ola.resource_calendar_id.id
        self.calendar_tz = False if always else ola.resource_calendar_id.tz
        self.tz_source = ola.tz_source
        self.pause_mode = ola.pause_mode
        self.own_pause_stage_ids = frozenset(ola.pause_stage_ids.ids)
        self.targets = {}
        for target in ola.target_ids:
            self.targets.setdefault((target.metric, target.priority or False), TargetConfig(target))
        self.ladders = {}
        for level in ola.escalation_ids.filtered("active").sorted(lambda lv: (lv.sequence, lv.id)):
            try:
                engine_level = level._engine_level()
            except SlaEngineError as exc:
                _logger.warning("SLA OLA %s: escalation level %s is left out: %s", ola.id, level.id, exc)
                continue
            self.ladders.setdefault(level.metric, []).append(engine_level)
        self.ladders = {metric: tuple(levels) for metric, levels in self.ladders.items()}
        self.fire_missed = ola.escalation_fire_missed

    target_for = PolicyConfig.target_for

    def pause_stage_ids_for(self, sla_config):
        """The stages that pause this OLA's clocks on a ticket under ``sla_config``: its
        own, or (by default) those of the ticket's SLA policy."""
        if self.pause_mode == "own":
            return self.own_pause_stage_ids
        return sla_config.pause_stage_ids if sla_config else frozenset()
