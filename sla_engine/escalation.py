"""Escalation ladders: when each level of reminders and escalations is due.

A ladder is a list of :class:`Level` for one metric of one policy. A level is due
at a share of the internal or contractual target (75 % of the internal target: a
reminder; 150 % of the contractual target: an escalation), or at an offset before
or after the contractual deadline, counted in business or calendar time.

:func:`plan` tells, for a clock at an instant, which levels to fire now, which to
skip, and when the next one is due:

* only a counting clock fires: a paused, reached, exempted or unstarted clock fires
  nothing and plans nothing (reaching a target cancels its pending levels);
* each level fires at most once (``fired`` lists those already fired or skipped);
* when several unfired levels are due at once (the cron was down, a ladder was added
  to old tickets, a re-evaluation made a clock overdue), only the latest fires (with any
  level due at that same instant) and the earlier ones are skipped, so that nobody
  receives a burst of stale reminders; ``fire_missed=True`` fires them all, in order.

Bounds: a percentage is a finite number above 0 and at most :data:`MAX_PERCENT` (1000 %,
ten times the target); an offset is a timedelta from 0 to
:data:`~sla_engine.calendar.MAX_DURATION`.  A level whose share of its target would be
more working time than :data:`~sla_engine.calendar.MAX_DURATION` raises
:class:`~sla_engine.errors.CalendarRangeError` when its time is asked.  Only
:class:`SlaEngineError` subclasses are ever raised.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from numbers import Real

from .calendar import MAX_DURATION, _fmt_duration, _guarded
from .clock import ClockState, ClockStatus, SlaClock, _always
from .errors import CalendarRangeError, SlaEngineError

__all__ = ["MAX_PERCENT", "Level", "Plan", "Trigger", "level_times", "plan"]

#: The largest escalation percentage: a level at ten times its target.
MAX_PERCENT = 1000.0

_ZERO = timedelta(0)


class Trigger(str, Enum):
    """What a level is measured against."""

    PERCENT_INTERNAL = "percent_internal"  # share of the internal target (contractual if none)
    PERCENT_CONTRACTUAL = "percent_contractual"  # share of the contractual target
    BEFORE_DEADLINE = "before_deadline"  # offset before the contractual deadline
    AFTER_DEADLINE = "after_deadline"  # offset after the contractual deadline


@dataclass(frozen=True)
class Level:
    """One rung of a ladder. ``business`` says how an offset is counted."""

    id: int
    sequence: int
    trigger: Trigger
    percent: float = 0.0
    offset: timedelta = _ZERO
    business: bool = True

    @_guarded
    def __post_init__(self) -> None:
        try:
            hash(self.id)
        except TypeError:
            raise SlaEngineError(f"an escalation level id must be hashable, got {self.id!r}") from None
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise SlaEngineError(
                f"escalation level {self.id}: the sequence must be an integer, got {self.sequence!r}"
            )
        if not isinstance(self.trigger, Trigger):
            try:
                object.__setattr__(self, "trigger", Trigger(self.trigger))
            except ValueError:
                raise SlaEngineError(
                    f"unknown escalation trigger {self.trigger!r}: use one of "
                    + ", ".join(t.value for t in Trigger)
                ) from None
        percent = self.percent
        if isinstance(percent, bool) or not isinstance(percent, Real):
            raise SlaEngineError(
                f"escalation level {self.id}: the percentage must be a real number, got {percent!r}"
            )
        try:
            value = float(percent)
        except (OverflowError, TypeError, ValueError):
            value = math.inf
        if not math.isfinite(value):
            raise SlaEngineError(
                f"escalation level {self.id}: the percentage must be a finite number, got {percent!r}"
            )
        if self.trigger in (Trigger.PERCENT_INTERNAL, Trigger.PERCENT_CONTRACTUAL):
            if value <= 0:
                raise SlaEngineError(
                    f"escalation level {self.id}: the percentage must be above 0, got {percent!r}"
                )
            if value > MAX_PERCENT:
                raise SlaEngineError(
                    f"escalation level {self.id}: the percentage must be at most MAX_PERCENT = "
                    f"{MAX_PERCENT:g} (ten times the target), got {percent!r}"
                )
        object.__setattr__(self, "percent", value)
        if not isinstance(self.offset, timedelta):
            raise SlaEngineError(
                f"escalation level {self.id}: the offset must be a timedelta, got {self.offset!r}"
            )
        if self.offset < _ZERO:
            raise SlaEngineError(
                f"escalation level {self.id}: the offset cannot be negative, got {self.offset}"
            )
        if self.offset > MAX_DURATION:
            raise SlaEngineError(
                f"escalation level {self.id}: the offset {_fmt_duration(self.offset)} is longer than "
                f"MAX_DURATION = {_fmt_duration(MAX_DURATION)}, the most working time the engine counts"
            )


@dataclass(frozen=True)
class Plan:
    """What to do with a clock's ladder at an instant."""

    due: tuple[int, ...]  # level ids to fire now, in ladder order
    skipped: tuple[int, ...]  # due level ids superseded by a later due level
    next_at: datetime | None  # when the next unfired level becomes due
    times: dict[int, datetime | None]  # when each level is (or was) due; None: not while paused


def _levels(levels: Iterable[Level]) -> list[Level]:
    try:
        levels = list(levels)
    except TypeError:
        raise SlaEngineError(f"levels must be an iterable of Level, got {levels!r}") from None
    for level in levels:
        if not isinstance(level, Level):
            raise SlaEngineError(f"levels must be Level instances, got {level!r}")
    return levels


def _check_clock(clock: SlaClock, status: ClockStatus | None) -> None:
    if not isinstance(clock, SlaClock):
        raise SlaEngineError(f"clock must be an SlaClock, got {clock!r}")
    if status is not None and not isinstance(status, ClockStatus):
        raise SlaEngineError(f"status must be a ClockStatus or None, got {status!r}")


def _share(level: Level, base: timedelta, which: str) -> timedelta:
    """``level.percent`` of the target ``base``, refused beyond MAX_DURATION."""
    share = base * (level.percent / 100.0)
    if share > MAX_DURATION:
        raise CalendarRangeError(
            f"escalation level {level.id}: {level.percent:g} % of the {which} target {_fmt_duration(base)} "
            f"is {_fmt_duration(share)} of working time, more than MAX_DURATION = "
            f"{_fmt_duration(MAX_DURATION)}, the most the engine counts"
        )
    return share


@_guarded
def level_times(
    levels: Iterable[Level], clock: SlaClock, at: datetime, status: ClockStatus | None = None
) -> dict[int, datetime | None]:
    """When each level is due, for the events of ``clock`` known at ``at``.

    ``status``: ``clock.status(at)``, when the caller has it already.

    :raises CalendarRangeError: for a level whose share of its target is more than
        :data:`~sla_engine.calendar.MAX_DURATION`, or whose instant is outside years 1-9999.
    """
    levels = _levels(levels)
    _check_clock(clock, status)
    status = status or clock.status(at)
    target = status.target
    shares = []
    for level in levels:
        if level.trigger is Trigger.PERCENT_INTERNAL:
            if target.internal:
                shares.append(_share(level, target.internal, "internal"))
            else:
                shares.append(_share(level, target.contractual, "contractual"))
        elif level.trigger is Trigger.PERCENT_CONTRACTUAL:
            shares.append(_share(level, target.contractual, "contractual"))
    reached = iter(clock.reach_times(shares, at)) if shares else iter(())
    deadline = status.deadline
    result: dict[int, datetime | None] = {}
    for level in levels:
        if level.trigger in (Trigger.PERCENT_INTERNAL, Trigger.PERCENT_CONTRACTUAL):
            result[level.id] = next(reached)
        elif deadline is None:
            result[level.id] = None
        else:
            calendar = clock.calendar if level.business else _always(clock.calendar.tz_name)
            sign = -1 if level.trigger is Trigger.BEFORE_DEADLINE else 1
            result[level.id] = calendar.add(deadline, sign * level.offset) if level.offset else deadline
    return result


@_guarded
def plan(
    levels: Iterable[Level],
    clock: SlaClock,
    at: datetime,
    fired: Iterable[int] = (),
    fire_missed: bool = False,
    status: ClockStatus | None = None,
) -> Plan:
    """Which levels of ``levels`` to fire at ``at``, given those already ``fired``.

    ``status``: ``clock.status(at)``, when the caller has it already.
    """
    levels = sorted(_levels(levels), key=lambda level: (level.sequence, level.id))
    _check_clock(clock, status)
    try:
        done = set(fired)
    except TypeError:
        raise SlaEngineError(f"fired must be an iterable of level ids, got {fired!r}") from None
    status = status or clock.status(at)
    counting = status.state in (ClockState.RUNNING, ClockState.BREACHED) and not status.paused
    if not levels or not counting or status.stopped_at is not None:
        return Plan((), (), None, {})
    times = level_times(levels, clock, at, status)
    pending = [level for level in levels if level.id not in done]
    due = [level for level in pending if times[level.id] is not None and times[level.id] <= at]
    skipped: list[Level] = []
    if len(due) > 1 and not fire_missed:
        # the latest due instant wins; levels due at that same instant all fire
        latest = max(times[level.id] for level in due)
        skipped = [level for level in due if times[level.id] < latest]
        due = [level for level in due if times[level.id] == latest]
    settled = {level.id for level in due + skipped}
    upcoming = [
        times[level.id] for level in pending if level.id not in settled and times[level.id] is not None
    ]
    return Plan(
        due=tuple(level.id for level in due),
        skipped=tuple(level.id for level in skipped),
        next_at=min(upcoming) if upcoming else None,
        times=times,
    )
