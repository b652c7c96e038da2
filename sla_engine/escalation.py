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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from .clock import ClockState, ClockStatus, SlaClock, _always
from .errors import SlaEngineError

__all__ = ["Level", "Plan", "Trigger", "level_times", "plan"]

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

    def __post_init__(self) -> None:
        if not isinstance(self.trigger, Trigger):
            try:
                object.__setattr__(self, "trigger", Trigger(self.trigger))
            except ValueError:
                raise SlaEngineError(
                    f"unknown escalation trigger {self.trigger!r}: use one of "
                    + ", ".join(t.value for t in Trigger)
                ) from None
        if self.trigger in (Trigger.PERCENT_INTERNAL, Trigger.PERCENT_CONTRACTUAL) and self.percent <= 0:
            raise SlaEngineError(
                f"escalation level {self.id}: the percentage must be above 0, got {self.percent}"
            )
        if self.offset < _ZERO:
            raise SlaEngineError(
                f"escalation level {self.id}: the offset cannot be negative, got {self.offset}"
            )


@dataclass(frozen=True)
class Plan:
    """What to do with a clock's ladder at an instant."""

    due: tuple[int, ...]  # level ids to fire now, in ladder order
    skipped: tuple[int, ...]  # due level ids superseded by a later due level
    next_at: datetime | None  # when the next unfired level becomes due
    times: dict[int, datetime | None]  # when each level is (or was) due; None: not while paused


def level_times(
    levels: Iterable[Level], clock: SlaClock, at: datetime, status: ClockStatus | None = None
) -> dict[int, datetime | None]:
    """When each level is due, for the events of ``clock`` known at ``at``.

    ``status``: ``clock.status(at)``, when the caller has it already.
    """
    levels = list(levels)
    status = status or clock.status(at)
    target = status.target
    shares = []
    for level in levels:
        if level.trigger is Trigger.PERCENT_INTERNAL:
            shares.append((target.internal or target.contractual) * (level.percent / 100.0))
        elif level.trigger is Trigger.PERCENT_CONTRACTUAL:
            shares.append(target.contractual * (level.percent / 100.0))
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
    levels = sorted(levels, key=lambda level: (level.sequence, level.id))
    status = status or clock.status(at)
    counting = status.state in (ClockState.RUNNING, ClockState.BREACHED) and not status.paused
    if not levels or not counting or status.stopped_at is not None:
        return Plan((), (), None, {})
    times = level_times(levels, clock, at, status)
    done = set(fired)
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
