"""SLA clocks rebuilt from their events.

An SLA clock measures one metric of one ticket (first response, one cycle of
next response, resolution).  It is never stored as a running accumulator: its
state at any instant is a pure function of its events, its calendar and its
targets, so it can be recomputed at will, replayed after a policy change, and
explained line by line.

Events (:class:`ClockEvent`) are applied in time order; events at the same
instant apply in the order given.  An identical event given twice counts once,
and an event that changes nothing (a second start, a pause while paused, a
resume while running, a stop while stopped) is ignored, so applying the same
events twice gives the same answer.

* ``START`` starts the clock.  Events before the first start are ignored,
  except target changes.
* ``PAUSE`` (with a reason) stops counting; ``RESUME`` counts again.
* ``STOP`` records that the metric was reached (a reply, a resolution).  A
  stop while paused ends the pause at the stop: paused time is never counted.
* ``REOPEN`` undoes a stop: the clock counts again from the reopening, keeping
  the working time already elapsed (a reopened ticket's resolution clock).
* ``TARGET`` sets new targets.  They apply retroactively from the start, over
  the same running periods and pauses.  The targets in force for a stopped
  clock are those of the moment it stopped, so a target already met stays met;
  a target event after the stop is kept as a note of the explanation (the clock
  was re-evaluated against it, its outcome stands).
* ``EXEMPT`` (with a reason) takes the clock out of the SLA from that instant;
  ``UNEXEMPT`` brings it back from that instant.  A second exemption while
  exempted is ignored (the first reason stays).

Pauses and exemptions hold the clock independently, and a held clock never
counts: it counts only while started, not stopped, not paused and not exempted.
The time it is held is one list of pauses that never overlap, each with its
reason: an exemption is a pause with the exemption's reason (``Pause.exempted``),
so exempted time is paused time, never working or calendar elapsed time.  A clock
exempted while paused ends that pause and is held for the exemption; a pause
stage entered or left while exempted changes nothing until the exemption is
lifted, and then the clock is paused again (with the pause's reason) if a pause
still holds it, or counts on from the lift, keeping the time counted before.

An exempted clock reports the state ``exempted``.  While it is open (not
stopped) it has no deadline and no breach, whatever it counted before the
exemption: what it is owed comes back when the exemption is lifted.  A clock
stopped before or during its exemption keeps its outcome as measured at the stop
(``stopped_at``, ``deadline``, ``breached_at``, exempted time never counted) and
reports ``exempted`` until the exemption is lifted; credits and compliance
leave exempted clocks out.

Breach is strict: a metric reached exactly at its deadline is met.

Bounds: a :class:`Target` counts at most :data:`~sla_engine.calendar.MAX_DURATION`
(87,660 h, ten years of 8,766 h); a longer one raises :class:`ClockError`.  Events at
any instant datetime represents are accepted; what cannot be computed from them (a
deadline after year 9999, working time over more than
:data:`~sla_engine.calendar.MAX_SPAN_YEARS` of calendar) raises an
:class:`SlaEngineError` subclass, never a foreign exception.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache

from .calendar import (
    MAX_DURATION,
    WorkingCalendar,
    _check_aware,
    _check_duration,
    _fmt_duration,
    _guarded,
)
from .errors import ClockError

__all__ = ["ClockEvent", "ClockState", "ClockStatus", "EventKind", "Pause", "Shares", "SlaClock", "Target"]

_ZERO = timedelta(0)


class EventKind(str, Enum):
    """What happened to a clock."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    REOPEN = "reopen"
    TARGET = "target"
    EXEMPT = "exempt"
    UNEXEMPT = "unexempt"


class ClockState(str, Enum):
    """Where a clock stands at an instant."""

    PENDING = "pending"  # not started yet
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    EXEMPTED = "exempted"


@dataclass(frozen=True)
class Target:
    """What a clock must reach: a contractual duration and a stricter internal one.

    ``business`` says whether the durations count working time on the policy's
    calendar (True) or plain calendar time (False, 24/7).
    """

    contractual: timedelta
    internal: timedelta | None = None
    business: bool = True

    @_guarded
    def __post_init__(self) -> None:
        if not isinstance(self.contractual, timedelta) or self.contractual <= _ZERO:
            raise ClockError(f"contractual target must be a positive timedelta, got {self.contractual!r}")
        if self.contractual > MAX_DURATION:
            raise ClockError(
                f"contractual target {_fmt_duration(self.contractual)} is longer than MAX_DURATION = "
                f"{_fmt_duration(MAX_DURATION)}, the most working time the engine counts"
            )
        if self.internal is not None:
            if not isinstance(self.internal, timedelta) or self.internal <= _ZERO:
                raise ClockError(f"internal target must be a positive timedelta, got {self.internal!r}")
            if self.internal > MAX_DURATION:
                raise ClockError(
                    f"internal target {_fmt_duration(self.internal)} is longer than MAX_DURATION = "
                    f"{_fmt_duration(MAX_DURATION)}, the most working time the engine counts"
                )
            if self.internal > self.contractual:
                raise ClockError(
                    f"internal target {self.internal} is looser than the contractual target "
                    f"{self.contractual}: it must be shorter or equal"
                )


@dataclass(frozen=True)
class ClockEvent:
    """One event of a clock; ``reason`` for pauses and exemptions, ``target`` for TARGET."""

    kind: EventKind
    at: datetime
    reason: str = ""
    target: Target | None = None

    @_guarded
    def __post_init__(self) -> None:
        if not isinstance(self.kind, EventKind):
            try:
                object.__setattr__(self, "kind", EventKind(self.kind))
            except ValueError:
                raise ClockError(
                    f"unknown clock event kind {self.kind!r}: use one of "
                    + ", ".join(k.value for k in EventKind)
                ) from None
        _check_aware(self.at, f"{self.kind.value} event time")
        if self.kind is EventKind.TARGET and not isinstance(self.target, Target):
            raise ClockError(f"a target event needs a Target, got {self.target!r}")
        if self.target is not None and not isinstance(self.target, Target):
            raise ClockError(
                f"a {self.kind.value} event's target must be None or a Target, got {self.target!r}"
            )
        if not isinstance(self.reason, str):
            raise ClockError(f"the reason of a {self.kind.value} event must be a string, got {self.reason!r}")


@dataclass(frozen=True)
class Pause:
    """A period during which the clock did not count: paused, or exempted (``exempted``,
    with the exemption's reason)."""

    start: datetime
    end: datetime | None  # None: still paused
    reason: str
    exempted: bool = False


@dataclass(frozen=True)
class ClockStatus:
    """A clock as it stands at ``at``."""

    at: datetime
    state: ClockState
    target: Target
    started_at: datetime | None
    stopped_at: datetime | None  # when the metric was last reached
    paused: bool  # a pause (a waiting stage) holds the clock, exempted or not
    pause_reason: str  # why it does not count now: the open pause's reason (an exemption's too)
    deadline: datetime | None  # contractual; None while paused and not yet overdue, or exempted and open
    internal_deadline: datetime | None
    breached_at: datetime | None  # the contractual deadline, when breached
    internal_breached_at: datetime | None
    working_elapsed: timedelta  # counted time (business or calendar, as the target says)
    calendar_elapsed: timedelta  # wall-clock time while counting
    paused_time: timedelta  # wall-clock time paused (exempted time included)
    time_left: timedelta  # contractual target minus working_elapsed (negative when overdue)
    internal_time_left: timedelta | None
    segments: tuple[tuple[datetime, datetime | None], ...]  # counting periods, None: still counting
    pauses: tuple[Pause, ...]
    exempt_reason: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        """The internal target has passed but the contractual one has not."""
        return (
            self.internal_breached_at is not None
            and self.breached_at is None
            and self.state
            in (
                ClockState.RUNNING,
                ClockState.PAUSED,
            )
        )

    @property
    def elapsed_ratio(self) -> float:
        """Share of the contractual target used so far (1.0 at the deadline)."""
        return self.working_elapsed / self.target.contractual

    @_guarded
    def explain(self, tz: str | None = None) -> list[str]:
        """Human-readable timeline of how the deadline was reached, one line per fact."""
        zone = None
        if tz is not None:
            from .calendar import get_zone

            zone = get_zone(tz)

        def fmt(value: datetime | None) -> str:
            if value is None:
                return "-"
            if zone is not None:
                try:
                    value = value.astimezone(zone)
                except (OverflowError, ValueError):
                    pass  # not representable in that zone (years 1-9999): shown in its own
            return value.strftime("%a %Y-%m-%d %H:%M %Z")

        kind = "business" if self.target.business else "calendar"
        lines = [f"target: {_fmt_td(self.target.contractual)} {kind} time"]
        if self.target.internal is not None:
            lines[0] += f" (internal {_fmt_td(self.target.internal)})"
        if self.started_at is None:
            return [*lines, "not started"]
        lines.append(f"started {fmt(self.started_at)}")
        # a period that ended where it began (a pause or an exemption at the start) says nothing
        for start, end in self.segments:
            if end != start:
                lines.append(f"counting {fmt(start)} -> {fmt(end) if end else 'now'}")
        exempted = _ZERO
        for pause in self.pauses:
            if pause.end == pause.start:
                continue
            held = "exempted" if pause.exempted else "paused"
            lines.append(
                f"{held} {fmt(pause.start)} -> {fmt(pause.end) if pause.end else 'now'}: {pause.reason}"
            )
            if pause.exempted:
                exempted += (pause.end or self.at) - pause.start
        elapsed = f"elapsed: {_fmt_td(self.working_elapsed)} {kind}, paused {_fmt_td(self.paused_time)}"
        if exempted:
            elapsed += f" (exempted {_fmt_td(exempted)})"
        lines.append(elapsed)
        if self.deadline is not None:
            lines.append(f"deadline {fmt(self.deadline)}")
        if self.internal_deadline is not None:
            lines.append(f"internal deadline {fmt(self.internal_deadline)}")
        if self.stopped_at is not None:
            lines.append(f"reached {fmt(self.stopped_at)}")
        lines.extend(self.notes)
        lines.append(f"state: {self.state.value}")
        return lines


@dataclass(frozen=True)
class Shares:
    """How a clock's time splits among the owners of the ticket (see :meth:`SlaClock.shares`).

    ``working`` maps each owner to the working time counted while it owned the ticket; the
    values add up exactly (to the microsecond) to ``total``, the clock's working time.
    ``paused`` maps each pause reason to the wall-clock time paused for it.
    """

    working: dict[Hashable, timedelta]
    total: timedelta
    paused: dict[str, timedelta]

    def largest(self) -> Hashable | None:
        """The owner that used the largest share (the first in time among equals)."""
        if not self.working:
            return None
        top = max(self.working.values())
        return next(owner for owner, value in self.working.items() if value == top)


def _fmt_td(value: timedelta) -> str:
    sign = "-" if value < _ZERO else ""
    minutes = int(abs(value).total_seconds() // 60)
    return f"{sign}{minutes // 60}h{minutes % 60:02d}"


@dataclass
class _Replay:
    """The events of a clock applied up to an instant (internal)."""

    at: datetime
    started_at: datetime | None
    stopped_at: datetime | None
    paused: bool
    pause_reason: str
    exempt: bool
    exempt_reason: str
    segments: list[tuple[datetime, datetime | None]]
    pauses: list[Pause]
    targets: list[tuple[datetime, Target]]
    target: Target
    effective: datetime
    calendar: WorkingCalendar
    worked: list[timedelta]
    working_elapsed: timedelta
    calendar_elapsed: timedelta
    paused_time: timedelta

    def reach(self, duration: timedelta) -> datetime | None:
        """When counted time reaches ``duration`` (see :meth:`SlaClock.reach_times`)."""
        consumed = _ZERO
        for (start, end), done in zip(self.segments, self.worked):
            if end is None or consumed + done >= duration:
                return self.calendar.add(start, duration - consumed)
            consumed += done
        if self.stopped_at is not None:
            # met: the deadline it would have had, counting on from the stop
            return self.calendar.add(self.stopped_at, duration - consumed)
        return None  # paused and not overdue: the deadline moves until it resumes


@lru_cache(maxsize=64)
def _always(tz_name: str) -> WorkingCalendar:
    return WorkingCalendar.always(tz_name)


class SlaClock:
    """An SLA clock: events on a calendar, measured against targets.

    :param calendar: the working calendar business targets count on.
    :param target: the initial targets (``TARGET`` events may change them).
    :param events: the clock's events, in any order.
    """

    @_guarded
    def __init__(self, calendar: WorkingCalendar, target: Target, events: Iterable[ClockEvent] = ()) -> None:
        if not isinstance(calendar, WorkingCalendar):
            raise ClockError(f"calendar must be a WorkingCalendar, got {calendar!r}")
        if not isinstance(target, Target):
            raise ClockError(f"target must be a Target, got {target!r}")
        self.calendar = calendar
        self.target = target
        try:
            events = list(events)
        except TypeError:
            raise ClockError(f"events must be an iterable of ClockEvent, got {events!r}") from None
        for event in events:
            if not isinstance(event, ClockEvent):
                raise ClockError(f"events must be ClockEvent instances, got {event!r}")
        # An event given twice counts once; the sort is stable, so events at the
        # same instant keep the order given.
        self.events: tuple[ClockEvent, ...] = tuple(sorted(dict.fromkeys(events), key=lambda e: e.at))

    def calendar_for(self, target: Target) -> WorkingCalendar:
        """The calendar a target counts on: the clock's, or 24/7 in its zone."""
        return self.calendar if target.business else _always(self.calendar.tz_name)

    def _replay(self, at: datetime) -> _Replay:
        """Apply the events up to ``at``: counting periods, pauses and the target in force.

        After each event the clock is in one mode: not counting (before the start, after a
        stop), counting, or held (by an exemption, else by a pause, with its reason). Where
        the mode changes, the piece of time in progress ends and the next one begins, so
        counting periods and pauses follow each other and never overlap.
        """
        _check_aware(at, "at")
        started_at: datetime | None = None
        stopped_at: datetime | None = None
        stopped = paused = exempt = False
        pause_reason = exempt_reason = ""
        mode: tuple[str, str] | None = None  # ("count", ""), ("pause"/"exempt", reason), None
        since: datetime | None = None  # when the piece of time of ``mode`` began
        segments: list[tuple[datetime, datetime | None]] = []
        pauses: list[Pause] = []
        targets: list[tuple[datetime, Target]] = []

        for event in self.events:
            if event.at > at:
                break
            kind, when = event.kind, event.at
            if kind is EventKind.TARGET:
                targets.append((when, event.target))
                continue
            if kind is EventKind.EXEMPT:
                if not exempt:
                    exempt, exempt_reason = True, event.reason
            elif kind is EventKind.UNEXEMPT:
                exempt, exempt_reason = False, ""
            elif kind is EventKind.START:
                if started_at is None:
                    started_at = when
            elif started_at is None:
                continue
            elif kind is EventKind.PAUSE:
                if not paused and not stopped:
                    paused, pause_reason = True, event.reason
            elif kind is EventKind.RESUME:
                paused, pause_reason = False, ""
            elif kind is EventKind.STOP:
                if not stopped:
                    # a stop ends a pause: paused time is never counted after it
                    stopped, stopped_at = True, when
                    paused, pause_reason = False, ""
            elif kind is EventKind.REOPEN:
                stopped = False
            if started_at is None or stopped:
                new_mode = None
            elif exempt:
                new_mode = ("exempt", exempt_reason)
            elif paused:
                new_mode = ("pause", pause_reason)
            else:
                new_mode = ("count", "")
            if new_mode == mode:
                continue
            if mode is not None:
                if mode[0] == "count":
                    segments.append((since, when))
                else:
                    pauses.append(Pause(since, when, mode[1], exempted=mode[0] == "exempt"))
            mode, since = new_mode, when

        hold_reason = ""
        if mode is not None:
            if mode[0] == "count":
                segments.append((since, None))
            else:
                pauses.append(Pause(since, None, mode[1], exempted=mode[0] == "exempt"))
                hold_reason = mode[1]

        effective = stopped_at if stopped else at
        target = self.target
        for when, new_target in targets:
            if when <= effective:
                target = new_target
        calendar = self.calendar_for(target)

        # working and wall time of each counting period
        ends = [end if end is not None else at for _, end in segments]
        starts = [start for start, _ in segments]
        worked = calendar.between_many(starts, ends) if segments else []
        working_elapsed = sum(worked, _ZERO)
        calendar_elapsed = sum((end - start for start, end in zip(starts, ends)), _ZERO)
        paused_time = sum(((p.end or at) - p.start for p in pauses), _ZERO)

        return _Replay(
            at=at,
            started_at=started_at,
            stopped_at=stopped_at if stopped else None,
            paused=paused,
            pause_reason=hold_reason,
            exempt=exempt,
            exempt_reason=exempt_reason,
            segments=segments,
            pauses=pauses,
            targets=targets,
            target=target,
            effective=effective,
            calendar=calendar,
            worked=worked,
            working_elapsed=working_elapsed,
            calendar_elapsed=calendar_elapsed,
            paused_time=paused_time,
        )

    @_guarded
    def reach_times(self, durations: Iterable[timedelta], at: datetime) -> list[datetime | None]:
        """When the counted time reaches each of ``durations``, given the events known at
        ``at``: in the past if already reached, projected if the clock runs, None if it is
        paused (or not started) before reaching it. A stopped clock projects from its stop.

        Each duration counts at most :data:`~sla_engine.calendar.MAX_DURATION`."""
        durations = list(durations)
        for duration in durations:
            if not isinstance(duration, timedelta):
                raise ClockError(f"durations must be timedeltas, got {duration!r}")
            _check_duration(duration, "duration")
        replay = self._replay(at)
        if replay.started_at is None:
            return [None for _ in durations]
        return [replay.reach(duration) for duration in durations]

    @_guarded
    def shares(self, at: datetime, owners: Sequence[tuple[datetime, Hashable]]) -> Shares:
        """How the working time counted up to ``at`` splits among the ticket's owners.

        ``owners`` are ``(since, owner)`` pairs in time order: who owned the ticket from
        that instant on (an owner before the first pair is ``None``). Each counting period
        of the clock is cut where the owner changes and each piece counted on the clock's
        calendar: the pieces add up exactly to the clock's working time. Paused time is
        summed per reason (wall-clock time).
        """
        replay = self._replay(at)
        changes = []
        for item in owners:
            try:
                since, owner = item
            except (TypeError, ValueError):
                raise ClockError(f"owners must be (since, owner) pairs, got {item!r}") from None
            _check_aware(since, "owner change")
            if changes and since < changes[-1][0]:
                raise ClockError(f"owner changes must be in time order: {since} comes after {changes[-1][0]}")
            changes.append((since, owner))
        starts, ends, keys = [], [], []
        for start, end in replay.segments:
            end = end if end is not None else replay.at
            owner = None
            cut = start
            for since, new_owner in changes:
                if since <= start:
                    owner = new_owner
                    continue
                if since >= end:
                    break
                starts.append(cut)
                ends.append(since)
                keys.append(owner)
                cut, owner = since, new_owner
            starts.append(cut)
            ends.append(end)
            keys.append(owner)
        working: dict[Hashable, timedelta] = {}
        for owner, worked in zip(keys, replay.calendar.between_many(starts, ends) if starts else []):
            working[owner] = working.get(owner, _ZERO) + worked
        paused: dict[str, timedelta] = {}
        for pause in replay.pauses:
            paused[pause.reason] = paused.get(pause.reason, _ZERO) + ((pause.end or replay.at) - pause.start)
        return Shares(working=working, total=replay.working_elapsed, paused=paused)

    @_guarded
    def status(self, at: datetime) -> ClockStatus:
        """The clock as it stands at instant ``at`` (events after ``at`` are ignored)."""
        replay = self._replay(at)
        started_at, stopped_at = replay.started_at, replay.stopped_at
        stopped, paused, exempt = stopped_at is not None, replay.paused, replay.exempt
        target, targets, effective = replay.target, replay.targets, replay.effective
        segments, pauses = replay.segments, replay.pauses
        working_elapsed, calendar_elapsed = replay.working_elapsed, replay.calendar_elapsed
        paused_time, pause_reason, exempt_reason = (
            replay.paused_time,
            replay.pause_reason,
            replay.exempt_reason,
        )
        deadline_for = replay.reach

        # an open exempted clock owes nothing: no deadline, no breach until it is lifted
        measured = started_at is not None and (stopped or not exempt)
        deadline = deadline_for(target.contractual) if measured else None
        internal_deadline = (
            deadline_for(target.internal) if measured and target.internal is not None else None
        )
        moment = stopped_at if stopped else at

        def overdue(due: datetime | None) -> bool:
            return due is not None and moment > due

        breached = overdue(deadline)
        notes = []
        previous, changes = self.target, 0
        for when, new_target in targets:
            if when <= effective and new_target != previous:
                changes, previous = changes + 1, new_target
        if changes:
            notes.append(
                f"targets re-evaluated {changes} time(s), applied from the start; "
                f"in force: {_fmt_td(target.contractual)}"
            )
        after_stop = [new_target for when, new_target in targets if when > effective]
        if after_stop:
            notes.append(
                f"re-evaluated {len(after_stop)} time(s) after it was reached, last against "
                f"{_fmt_td(after_stop[-1].contractual)}: the outcome stands"
            )
        if exempt:
            state = ClockState.EXEMPTED
        elif started_at is None:
            state = ClockState.PENDING
        elif stopped:
            state = ClockState.BREACHED if breached else ClockState.MET
        elif breached:
            state = ClockState.BREACHED
        elif paused:
            state = ClockState.PAUSED
        else:
            state = ClockState.RUNNING
        return ClockStatus(
            at=at,
            state=state,
            target=target,
            started_at=started_at,
            stopped_at=stopped_at if stopped else None,
            paused=paused,
            pause_reason=pause_reason,
            deadline=deadline,
            internal_deadline=internal_deadline,
            breached_at=deadline if breached else None,
            internal_breached_at=internal_deadline if overdue(internal_deadline) else None,
            working_elapsed=working_elapsed,
            calendar_elapsed=calendar_elapsed,
            paused_time=paused_time,
            time_left=target.contractual - working_elapsed,
            internal_time_left=(target.internal - working_elapsed) if target.internal is not None else None,
            segments=tuple(segments),
            pauses=tuple(pauses),
            exempt_reason=exempt_reason,
            notes=tuple(notes),
        )
