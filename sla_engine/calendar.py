"""Working calendars: weekly hours in a time zone, minus closures, plus openings.

A :class:`WorkingCalendar` answers two questions exactly and fast:

* ``add(start, duration)``: when has ``duration`` of working time elapsed from ``start``?
* ``between(start, end)``: how much working time lies in ``[start, end)``?

How it works
------------
Working time is materialised lazily as a sorted list of disjoint UTC intervals
(integer microseconds since the Unix epoch) together with the cumulative working
time at the start of each interval.  ``W(t)``, the working time before ``t``, is
then one ``bisect``; ``between`` is ``W(end) - W(start)`` and ``add`` inverts
``W`` with a second ``bisect``.  Coverage grows geometrically in either direction
when a query reaches past it, so there is no horizon: ten years of working time
work, with no SQL and no per-query walk over the calendar.

Semantics at daylight-saving changes
------------------------------------
A weekly shift ``(weekday, start, end)`` is read in the local wall time of the
calendar's zone on every date with that weekday.  Its local start and end are
turned into instants as follows:

* the shift **starts** at the earliest instant at which the wall clock reads at
  least its local start: a start that does not exist (inside a spring-forward
  gap) starts when the gap ends; a start that occurs twice (in a fall-back fold)
  starts at its first occurrence;
* the shift **ends** at the first instant from which the wall clock reads at least
  its local end for good: an end inside a gap ends when the gap ends; an end that
  occurs twice ends at its second occurrence, or at its first when it is the very
  start of the repeated hour (the clock never reads less afterwards).

So, in Europe/Paris, a shift 01:00-03:00 lasts one hour on the night clocks go
forward and three hours on the night they go back; a 22:00-06:00 night shift
lasts seven and nine hours.  Business hours that avoid the changeover hour (the
usual case) are not affected at all.

Closures remove time, openings add time, and closures win over openings:
working time is ``(weekly shifts | openings) - closures``.  Overlapping intervals
are merged, never counted twice.

Bounds
------
The engine refuses, at once and with its own :class:`CalendarRangeError`, work it
could not finish quickly:

* :data:`MAX_DURATION` (87,660 h: ten years of 8,766 h) is the most working time
  one ``add`` may ask for, in either direction;
* :data:`MAX_SPAN_YEARS` (250 years of 365.2425 days) is the most calendar time one
  calendar materialises: a query needing a longer stretch of calendar (``between``
  two instants further apart, an ``add`` that cannot end within that span of its
  start, a ``next_working`` through closures longer than that) is refused.  An
  ``add`` that cannot fit is refused before any walk, from an upper bound of the
  working time available (weekly hours, daylight-saving slack and openings); one
  that passes the bound but meets long closures stops at the span.  What lies
  further than the span from the instants asked is dropped, so answers never
  depend on earlier queries.  The 24/7 calendar (:meth:`WorkingCalendar.always`)
  materialises nothing: only :data:`MAX_DURATION` and the range of datetime apply.

Results must also lie within the range of :class:`datetime.datetime` (years
1-9999).  Every error the engine raises is an :class:`SlaEngineError` (a
:class:`ValueError`): extreme values never leak an ``OverflowError``.
"""

from __future__ import annotations

import functools
import reprlib
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import (
    CalendarRangeError,
    EmptyScheduleError,
    MalformedIntervalError,
    NaiveDatetimeError,
    SlaEngineError,
    UnknownTimezoneError,
)

__all__ = [
    "MAX_DURATION",
    "MAX_SPAN_YEARS",
    "Shift",
    "WorkingCalendar",
    "to_utc_naive",
    "from_utc_naive",
    "get_zone",
]

#: The most working time any target, offset or :meth:`WorkingCalendar.add` may ask
#: for, in either direction: ten years of 8,766 hours.
MAX_DURATION = timedelta(hours=87_660)
#: The most calendar time one :class:`WorkingCalendar` materialises, in years of
#: 365.2425 days: its coverage never spans more, and a query that needs more is refused.
MAX_SPAN_YEARS = 250

_US = 1_000_000
_DAY_US = 86_400 * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Keep two days of margin at both ends of datetime's range so that local
# conversions near the bounds never overflow.
_MIN_US = (date(1, 1, 3).toordinal() - _EPOCH_ORDINAL) * _DAY_US
_MAX_US = (date(9999, 12, 29).toordinal() - _EPOCH_ORDINAL) * _DAY_US
_FIRST_CHUNK_US = 56 * _DAY_US
_MAX_STEP_US = 8 * 366 * _DAY_US  # bound on one extension, so one far query stays cheap
_UTC = timezone.utc
_P = ParamSpec("_P")
_R = TypeVar("_R")
# The instants datetime can represent in UTC (closures and openings are clipped to them).
_DT_MIN_US = (date.min.toordinal() - _EPOCH_ORDINAL) * _DAY_US
_DT_MAX_US = (date.max.toordinal() + 1 - _EPOCH_ORDINAL) * _DAY_US - 1
_MAX_DURATION_US = (MAX_DURATION.days * 86_400 + MAX_DURATION.seconds) * _US + MAX_DURATION.microseconds
_MAX_SPAN_US = MAX_SPAN_YEARS * 3_652_425 * _DAY_US // 10_000  # 365.2425 days a year
_WEEK_US = 7 * _DAY_US
_YEAR_US = 365 * _DAY_US
# Starts at least the span away from both ends of the range: the span alone bounds an add.
_SAFE_LO_US = _MIN_US + _MAX_SPAN_US
_SAFE_HI_US = _MAX_US - _MAX_SPAN_US


def get_zone(name: str) -> ZoneInfo:
    """Return the :class:`~zoneinfo.ZoneInfo` for an IANA ``name``.

    Raises :class:`UnknownTimezoneError` naming the value when it is not a known zone.
    """
    if isinstance(name, ZoneInfo):
        return name
    if not isinstance(name, str) or not name:
        raise UnknownTimezoneError(f"time zone must be an IANA name such as 'Europe/Paris', got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise UnknownTimezoneError(f"unknown time zone {name!r}: not an IANA zone name") from exc


def _check_aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise SlaEngineError(f"{what} must be a datetime, got {value!r} ({type(value).__name__})")
    try:
        offset = value.utcoffset()
    except (OverflowError, TypeError, ValueError) as exc:
        raise SlaEngineError(f"{what} {value!r} has a time zone whose utcoffset() fails: {exc}") from None
    if value.tzinfo is None or offset is None:
        raise NaiveDatetimeError(
            f"{what} is a naive datetime ({value.isoformat()}); pass an aware datetime, "
            f"e.g. value.replace(tzinfo=ZoneInfo('UTC'))"
        )
    return value


def _to_us(value: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact, integer)."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def _instants_us(values: list[datetime], what: str) -> list[int]:
    """:func:`_to_us` over a list, checking each value (the batch calls' hot loop)."""
    epoch = _EPOCH
    result = []
    append = result.append
    try:
        for value in values:
            if not isinstance(value, datetime) or value.tzinfo is None:
                _check_aware(value, what)
            delta = value - epoch
            append((delta.days * 86_400 + delta.seconds) * _US + delta.microseconds)
    except (OverflowError, TypeError, ValueError):
        for value in values:  # a tzinfo without an offset: name the value
            _check_aware(value, what)
        raise
    return result


def _same_length(call: str, first: str, a: Iterable, second: str, b: Iterable) -> tuple[list, list]:
    try:
        a, b = list(a), list(b)
    except TypeError:
        raise SlaEngineError(
            f"{call} needs iterables of {first} and {second}, got {reprlib.repr(a)} and {reprlib.repr(b)}"
        ) from None
    if len(a) != len(b):
        raise SlaEngineError(f"{call} needs as many {second} as {first}: {len(a)} {first}, {len(b)} {second}")
    return a, b


def _us_to_utc(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _iso(us: int) -> str:
    """An instant for a message: ISO 8601 in UTC, or seconds from the epoch when
    datetime cannot represent it."""
    if _DT_MIN_US <= us <= _DT_MAX_US:
        return _us_to_utc(us).isoformat()
    return f"{us // _US} s from 1970-01-01 UTC (outside the range of datetime)"


def _fmt_duration(value: timedelta) -> str:
    """A duration for a message: the timedelta and its hours."""
    return f"{value} ({value / timedelta(hours=1):,.0f} h)"


def _check_duration(value: timedelta, what: str) -> None:
    """Refuse a working time beyond :data:`MAX_DURATION` in either direction."""
    if not -MAX_DURATION <= value <= MAX_DURATION:
        raise CalendarRangeError(
            f"{what} {_fmt_duration(value)} is more working time than MAX_DURATION = "
            f"{_fmt_duration(MAX_DURATION)}, ten years of 8,766 h: the most the engine counts"
        )


def _foreign(exc: BaseException, call: str, *values: object) -> SlaEngineError:
    """The engine's error for an exception a library call raised on an extreme value.

    A last resort: the checks before it are meant to catch such values with a clearer
    message, so this only guarantees that no public call leaks a foreign exception."""
    shown = ", ".join(reprlib.repr(value) for value in values)
    kind = CalendarRangeError if isinstance(exc, OverflowError) else SlaEngineError
    return kind(f"{call}({shown}) cannot be computed: {type(exc).__name__}: {exc}")


def _guarded(call: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate a public function or method so that it raises only :class:`SlaEngineError`
    subclasses (see :func:`_foreign`); for calls that are not on a hot path."""
    name = call.__qualname__
    skip = 1 if "." in name else 0  # a method: leave ``self`` out of the message

    @functools.wraps(call)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return call(*args, **kwargs)
        except SlaEngineError:
            raise
        except (OverflowError, TypeError, ValueError) as exc:
            raise _foreign(exc, name, *args[skip:], *kwargs.values()) from exc

    return guarded


def _td_to_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * _US + value.microseconds


def _us_to_td(us: int) -> timedelta:
    return timedelta(microseconds=us)


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(_UTC)
    except (OverflowError, TypeError, ValueError):
        raise CalendarRangeError(
            f"{value.isoformat()} is outside the range of datetime (years 1-9999) once converted to UTC"
        ) from None


def to_utc_naive(value: datetime) -> datetime:
    """Convert an aware datetime to the naive UTC datetime Odoo stores."""
    _check_aware(value, "value")
    return _in_utc(value).replace(tzinfo=None)


def from_utc_naive(value: datetime) -> datetime:
    """Read a naive datetime as UTC (as Odoo stores it) and return it aware."""
    if not isinstance(value, datetime):
        raise SlaEngineError(f"value must be a datetime, got {value!r}")
    if value.tzinfo is not None:
        return _in_utc(value)
    return value.replace(tzinfo=_UTC)


def _parse_time(value: object, what: str, *, allow_24: bool) -> int:
    """Microseconds after local midnight for a ``time`` or an "HH:MM[:SS]" string."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise MalformedIntervalError(f"{what} {value!r} must be a local time without tzinfo")
        return ((value.hour * 60 + value.minute) * 60 + value.second) * _US + value.microsecond
    if isinstance(value, str):
        parts = value.strip().split(":")
        if 2 <= len(parts) <= 3 and all(p.isdigit() and len(p) == 2 for p in parts):
            hour, minute = int(parts[0]), int(parts[1])
            second = int(parts[2]) if len(parts) == 3 else 0
            if minute < 60 and second < 60:
                if hour < 24:
                    return ((hour * 60 + minute) * 60 + second) * _US
                if allow_24 and hour == 24 and minute == 0 and second == 0:
                    return _DAY_US
        raise MalformedIntervalError(
            f"{what} {value!r} is not a time of day: write 'HH:MM' (00:00-23:59, or 24:00 as an end)"
        )
    raise MalformedIntervalError(f"{what} must be a datetime.time or an 'HH:MM' string, got {value!r}")


@dataclass(frozen=True, order=True)
class Shift:
    """A weekly working period in local wall time.

    ``start`` and ``end`` are offsets in microseconds from the local midnight
    that begins the date of ``weekday``; ``end`` may exceed one day for a shift
    that runs past midnight.
    """

    weekday: int
    start: int
    end: int

    def __str__(self) -> str:
        def fmt(us: int) -> str:
            minutes = us // (60 * _US)
            return f"{minutes // 60:02d}:{minutes % 60:02d}"

        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[self.weekday]
        suffix = " (+1 day)" if self.end > _DAY_US else ""
        return (
            f"{day} {fmt(self.start)}-{fmt(self.end if self.end <= _DAY_US else self.end - _DAY_US)}{suffix}"
        )


def _parse_weekly(weekly: Iterable[Sequence[object]]) -> tuple[Shift, ...]:
    if isinstance(weekly, (str, bytes)):
        raise MalformedIntervalError(f"weekly must be an iterable of (weekday, start, end), got {weekly!r}")
    try:
        items = list(weekly)
    except TypeError:
        raise MalformedIntervalError(
            f"weekly must be an iterable of (weekday, start, end), got {weekly!r}"
        ) from None
    shifts = []
    for item in items:
        try:
            weekday, start, end = item
        except (TypeError, ValueError):
            raise MalformedIntervalError(
                f"weekly shift {item!r} must be a (weekday, start, end) triple"
            ) from None
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise MalformedIntervalError(
                f"weekday {weekday!r} in shift {item!r} must be an integer from 0 (Monday) to 6 (Sunday)"
            )
        start_us = _parse_time(start, f"start of shift {item!r}", allow_24=False)
        end_us = _parse_time(end, f"end of shift {item!r}", allow_24=True)
        if end_us <= start_us:
            end_us += _DAY_US  # runs past midnight (start == end: a 24-hour shift)
        shifts.append(Shift(weekday, start_us, end_us))
    if not shifts:
        raise EmptyScheduleError(
            "the weekly schedule has no working time at all: give at least one (weekday, start, end) shift"
        )
    return tuple(sorted(set(shifts)))


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge overlapping or touching ``(start, end)`` pairs."""
    intervals.sort()
    merged: list[tuple[int, int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _parse_periods(periods: Iterable[Sequence[object]], what: str) -> tuple[tuple[int, int], ...]:
    if isinstance(periods, (str, bytes)):
        raise MalformedIntervalError(f"{what} must be an iterable of (start, end) datetimes, got {periods!r}")
    try:
        items = list(periods)
    except TypeError:
        raise MalformedIntervalError(
            f"{what} must be an iterable of (start, end) datetimes, got {periods!r}"
        ) from None
    result = []
    for item in items:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise MalformedIntervalError(f"{what[:-1]} {item!r} must be a (start, end) pair") from None
        for value, label in ((start, "start"), (end, "end")):
            if not isinstance(value, datetime):
                raise MalformedIntervalError(
                    f"{label} of {what[:-1]} {item!r} must be an aware datetime, got {value!r}"
                )
            _check_aware(value, f"{label} of {what[:-1]} ({start!r}, {end!r})")
        start_us, end_us = _to_us(start), _to_us(end)
        if end_us <= start_us:
            raise MalformedIntervalError(
                f"{what[:-1]} ({start.isoformat()}, {end.isoformat()}) ends before it starts"
                if end_us < start_us
                else f"{what[:-1]} ({start.isoformat()}, {end.isoformat()}) is empty: end equals start"
            )
        # Clip to the instants datetime represents in UTC (a start at year 1 in a zone east
        # of UTC lies before them): nothing is ever materialised there.
        start_us, end_us = max(start_us, _DT_MIN_US), min(end_us, _DT_MAX_US)
        if start_us < end_us:
            result.append((start_us, end_us))
    return tuple(_merge(result))


def _subtract(
    intervals: list[tuple[int, int]], holes: Sequence[tuple[int, int]], lo: int, hi: int
) -> list[tuple[int, int]]:
    """``intervals - holes``, both sorted and merged, keeping only holes overlapping [lo, hi)."""
    if not holes or not intervals:
        return intervals
    first = max(bisect_right(holes, (lo, lo)) - 1, 0)
    result = []
    h = first
    n_holes = len(holes)
    for start, end in intervals:
        while h < n_holes and holes[h][1] <= start:
            h += 1
        k = h
        while start < end and k < n_holes and holes[k][0] < end:
            hole_start, hole_end = holes[k]
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            k += 1
        if start < end:
            result.append((start, end))
    return result


class _Coverage:
    """Immutable snapshot of materialised working time over ``[lo, hi)``.

    ``starts[i]``/``ends[i]`` are the disjoint intervals, ``cum[i]`` the working
    time before ``starts[i]`` (``cum`` has one more item: the total at ``hi``).
    Swapped as a whole under a lock, so readers never see a half-built state.
    """

    __slots__ = ("lo", "hi", "starts", "ends", "cum")

    def __init__(self, lo: int, hi: int, starts: list[int], ends: list[int], cum: list[int]):
        self.lo = lo
        self.hi = hi
        self.starts = starts
        self.ends = ends
        self.cum = cum

    def worked(self, t: int) -> int:
        """W(t): working time before t (t must lie in [lo, hi])."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return self.cum[0]
        start = self.starts[i]
        return self.cum[i] + min(t - start, self.ends[i] - start)


class WorkingCalendar:
    """Weekly working hours in an IANA time zone, minus closures, plus openings.

    :param weekly: ``(weekday, start, end)`` shifts; weekday 0 is Monday; ``start``
        and ``end`` are :class:`datetime.time` values or ``"HH:MM"`` strings in the
        local time of ``tz`` (``"24:00"`` is accepted as an end).  ``end <= start``
        means the shift runs past midnight into the next day; ``start == end`` is a
        24-hour shift.
    :param tz: IANA time zone name the weekly hours are read in.
    :param closures: ``(start, end)`` aware datetimes during which no time counts
        (public holidays, closures).  They win over shifts and openings.
    :param openings: ``(start, end)`` aware datetimes of extra working time.
    :raises NaiveDatetimeError, UnknownTimezoneError, EmptyScheduleError,
        MalformedIntervalError: on bad input, naming the value.

    Bounds: ``add`` counts at most :data:`MAX_DURATION` (87,660 h) of working time in
    either direction, and a calendar materialises at most :data:`MAX_SPAN_YEARS` (250)
    years of calendar at a time.  A query beyond them (a longer duration, ``between``
    two instants further apart, an ``add`` whose result would lie further from its
    start, a ``next_working`` that finds no working time within the span) raises
    :class:`CalendarRangeError` at once, before materialising anything it would not
    keep; so does a result outside years 1-9999.  Every call raises only
    :class:`SlaEngineError` subclasses.  The 24/7 calendar materialises nothing:
    ``between`` on it is not span-limited.
    """

    @_guarded
    def __init__(
        self,
        weekly: Iterable[Sequence[object]],
        tz: str,
        closures: Iterable[Sequence[datetime]] = (),
        openings: Iterable[Sequence[datetime]] = (),
    ) -> None:
        self.tz: ZoneInfo = get_zone(tz)
        self.tz_name: str = self.tz.key
        self.shifts: tuple[Shift, ...] = _parse_weekly(weekly)
        self._closures = _parse_periods(closures, "closures")
        self._openings = _parse_periods(openings, "openings")
        by_day: list[list[Shift]] = [[] for _ in range(7)]
        for shift in self.shifts:
            by_day[shift.weekday].append(shift)
        self._by_day = by_day
        # Every day fully covered from local midnight, nothing closed: 24/7.
        self._always = not self._closures and all(
            any(s.start == 0 and s.end >= _DAY_US for s in day) for day in by_day
        )
        self._lock = threading.Lock()
        self._cov: _Coverage | None = None
        # For the up-front refusal of an add that cannot fit (see _bound_over).
        dst_slack = 4 * len(self.shifts) * 2 * 3600 * _US  # per year: transitions x shifts x 2 h
        openings = sum(e - s for s, e in self._openings)
        self._week_bound = (_td_to_us(self.weekly_hours()), dst_slack, openings)
        self._span_bound = self._bound_over(_MAX_SPAN_US)
        # Any add within this and from a start far from both ends of the range fits.
        self._fits = _MAX_DURATION_US if self._always else min(_MAX_DURATION_US, self._span_bound)

    @classmethod
    def always(cls, tz: str = "UTC") -> WorkingCalendar:
        """The 24/7 calendar: every instant is working time."""
        return cls([(day, "00:00", "00:00") for day in range(7)], tz)

    # ------------------------------------------------------------------ info
    @property
    def is_always(self) -> bool:
        """True when every instant is working time (24/7 without closures)."""
        return self._always

    @property
    def closures(self) -> tuple[tuple[datetime, datetime], ...]:
        """The merged closures, as aware UTC datetimes."""
        return tuple((_us_to_utc(s), _us_to_utc(e)) for s, e in self._closures)

    @property
    def openings(self) -> tuple[tuple[datetime, datetime], ...]:
        """The merged openings, as aware UTC datetimes."""
        return tuple((_us_to_utc(s), _us_to_utc(e)) for s, e in self._openings)

    def weekly_hours(self) -> timedelta:
        """Nominal working time of one week (before DST, closures and openings)."""
        week = []
        for shift in self.shifts:
            start, end = shift.start + shift.weekday * _DAY_US, shift.end + shift.weekday * _DAY_US
            week.append((start, end))
            if end > 7 * _DAY_US:  # Sunday night runs into next Monday: fold it onto this one
                week.append((0, end - 7 * _DAY_US))
        merged = _merge(week)
        return _us_to_td(sum(min(e, 7 * _DAY_US) - s for s, e in merged if s < 7 * _DAY_US))

    def __repr__(self) -> str:
        shifts = ", ".join(str(s) for s in self.shifts)
        return (
            f"WorkingCalendar({self.tz_name!r}, [{shifts}], "
            f"{len(self._closures)} closures, {len(self._openings)} openings)"
        )

    # ----------------------------------------------------------- local time
    def _offset_us(self, utc_us: int) -> int:
        """UTC offset (microseconds) in force at an instant."""
        off = _us_to_utc(utc_us).astimezone(self.tz).utcoffset()
        return _td_to_us(off)

    def _local_to_us(self, day: date, offset: int, *, end: bool) -> int:
        """Instant of local wall time ``day`` + ``offset`` (see the module docstring)."""
        local_us = (day.toordinal() - _EPOCH_ORDINAL) * _DAY_US + offset
        naive = datetime(day.year, day.month, day.day) + timedelta(microseconds=offset)
        off0 = _td_to_us(naive.replace(tzinfo=self.tz).utcoffset())
        off1 = _td_to_us(naive.replace(tzinfo=self.tz, fold=1).utcoffset())
        if off0 == off1:
            return local_us - off0
        first, second = local_us - off0, local_us - off1
        if off0 > off1:
            # Fall-back fold: the wall time happens twice. A start takes the first
            # occurrence. An end takes the second, unless the wall time is where the
            # repeated range begins: then the clock never reads less than it again
            # after the first occurrence, which is the end.
            if not end:
                return first
            before = (_us_to_utc(second - 1).astimezone(self.tz)).replace(tzinfo=None)
            return second if before < naive else first
        # Spring-forward gap: the wall time never happens; it starts (or ends)
        # when the gap ends, the transition instant, found by bisection between
        # the two readings (transitions fall on whole seconds).
        lo_s, hi_s = -((-second) // _US), first // _US  # second < transition <= first
        target = off1
        while lo_s < hi_s:
            mid = (lo_s + hi_s) // 2
            if self._offset_us(mid * _US) == target:
                hi_s = mid
            else:
                lo_s = mid + 1
        return lo_s * _US

    def _local_date(self, utc_us: int) -> date:
        return _us_to_utc(utc_us).astimezone(self.tz).date()

    # ---------------------------------------------------------- materialise
    def _build(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Working intervals within [lo, hi), sorted, disjoint, clipped."""
        first_day = self._local_date(lo)
        # two days earlier (shifts may run past midnight), but not before year 1
        first_day = first_day - timedelta(days=2) if first_day.toordinal() > 2 else date.min
        last_day = self._local_date(hi - 1)
        raw: list[tuple[int, int]] = []
        by_day = self._by_day
        # A closure covering the whole window makes the window empty at once.
        closures = self._closures
        if closures:
            i = bisect_right(closures, (lo, _MAX_US * 2)) - 1
            if i >= 0 and closures[i][0] <= lo and closures[i][1] >= hi:
                return []
        day = first_day
        one_day = timedelta(days=1)
        while day <= last_day:
            shifts = by_day[day.weekday()]
            for shift in shifts:
                start = self._local_to_us(day, shift.start, end=False)
                stop = self._local_to_us(day, shift.end, end=True)
                if stop > lo and start < hi and stop > start:
                    raw.append((max(start, lo), min(stop, hi)))
            day += one_day
        openings = self._openings
        if openings:
            k = max(bisect_right(openings, (lo, lo)) - 1, 0)
            while k < len(openings) and openings[k][0] < hi:
                start, stop = openings[k]
                if stop > lo:
                    raw.append((max(start, lo), min(stop, hi)))
                k += 1
        merged = _merge(raw)
        return _subtract(merged, closures, lo, hi)

    def _extend(self, lo: int, hi: int) -> _Coverage:
        """Make coverage include [lo, hi] and return the new snapshot.

        Coverage grows geometrically towards the instants asked, within the range of
        datetime and never over more than :data:`MAX_SPAN_YEARS`: what lies further from
        [lo, hi] is dropped, and a query far from what is materialised starts afresh.
        """
        with self._lock:
            cov = self._cov
            if cov is not None and cov.lo <= lo and hi < cov.hi:
                return cov
            if lo < _MIN_US or hi >= _MAX_US:
                raise CalendarRangeError(
                    f"working time needed at {_iso(lo if lo < _MIN_US else hi)}, beyond the range of "
                    f"datetime (years 1-9999) in calendar {self!r}"
                )
            if hi - lo >= _MAX_SPAN_US:
                raise CalendarRangeError(
                    f"working time asked from {_iso(lo)} to {_iso(hi)}: more than MAX_SPAN_YEARS = "
                    f"{MAX_SPAN_YEARS} years of calendar, the most one calendar materialises, "
                    f"in calendar {self!r}"
                )
            if (
                cov is not None
                and (hi < cov.lo or lo >= cov.hi)
                and max(hi + 1, cov.hi) - min(lo, cov.lo) > _MAX_SPAN_US
            ):
                cov = None  # far from what is materialised: start afresh rather than fill the gap
            if cov is None:
                new_lo, new_hi = lo - 7 * _DAY_US, max(hi + 1, lo + _FIRST_CHUNK_US)
                backward = False
            else:
                step = min(cov.hi - cov.lo, _MAX_STEP_US)
                new_hi = max(hi + 1, cov.hi + step) if hi >= cov.hi else cov.hi
                new_lo = min(lo, cov.lo - step) if lo < cov.lo else cov.lo
                backward = lo < cov.lo and hi < cov.hi
            # Within datetime's range and the span, still containing [lo, hi]: the side that
            # grows keeps its step (as far as [lo, hi] allows), the other side is trimmed.
            new_lo, new_hi = max(new_lo, _MIN_US), min(new_hi, _MAX_US)
            if backward:
                new_lo = max(new_lo, hi + 1 - _MAX_SPAN_US)
                new_hi = min(new_hi, new_lo + _MAX_SPAN_US)
            else:
                new_hi = min(new_hi, lo + _MAX_SPAN_US)
                new_lo = max(new_lo, new_hi - _MAX_SPAN_US)
            if cov is None or cov.hi <= new_lo or new_hi <= cov.lo:
                cov = self._fresh(new_lo, new_hi)
            else:
                cov = self._grow(cov, new_lo, new_hi)
            self._cov = cov
            return cov

    def _fresh(self, lo: int, hi: int) -> _Coverage:
        """A snapshot of [lo, hi) built from nothing."""
        intervals = self._build(lo, hi)
        starts = [s for s, _ in intervals]
        ends = [e for _, e in intervals]
        cum = [0]
        total = 0
        for s, e in intervals:
            total += e - s
            cum.append(total)
        return _Coverage(lo, hi, starts, ends, cum)

    def _grow(self, cov: _Coverage, lo: int, hi: int) -> _Coverage:
        """A snapshot of [lo, hi), which overlaps ``cov``: the part of ``cov`` within it,
        plus what is built on either side (cumulative sums keep their origin)."""
        # Copy, never mutate: readers may hold the previous snapshot.
        starts, ends, cum = cov.starts, cov.ends, cov.cum
        if lo > cov.lo or hi < cov.hi:  # drop what lies beyond [lo, hi), clipping at the cuts
            i = max(bisect_right(starts, lo) - 1, 0)
            j = bisect_left(starts, hi)
            starts, ends, cum = starts[i:j], ends[i:j], cum[i : j + 1]
            if starts and starts[0] < lo:
                cum[0] += min(lo, ends[0]) - starts[0]
                if ends[0] <= lo:
                    del starts[0], ends[0], cum[0]
                else:
                    starts[0] = lo
            if starts and ends[-1] > hi:
                cum[-1] -= ends[-1] - hi
                ends[-1] = hi
        else:
            starts, ends, cum = list(starts), list(ends), list(cum)
        cur_lo, cur_hi = max(lo, cov.lo), min(hi, cov.hi)
        if hi > cur_hi:
            for s, e in self._build(cur_hi, hi):
                starts.append(s)
                ends.append(e)
                cum.append(cum[-1] + e - s)
        if lo < cur_lo:
            before = self._build(lo, cur_lo)
            running = cum[0] - sum(e - s for s, e in before)
            prefix = []
            for s, e in before:
                prefix.append(running)
                running += e - s
            starts = [s for s, _ in before] + starts
            ends = [e for _, e in before] + ends
            cum = prefix + cum
        return _Coverage(lo, hi, starts, ends, cum)

    def _coverage(self, lo: int, hi: int) -> _Coverage:
        cov = self._cov
        if cov is None or lo < cov.lo or hi >= cov.hi:
            cov = self._extend(lo, hi)
        return cov

    # --------------------------------------------------------------- core
    def _bound_over(self, span: int) -> int:
        """An upper bound of the working time in ``span`` microseconds of calendar: weeks
        times the weekly hours, plus what daylight saving changes may add to the shifts
        they cross, plus every opening."""
        per_week, dst_slack, openings = self._week_bound
        span = max(span, 0)
        return (span // _WEEK_US + 1) * per_week + (span // _YEAR_US + 1) * dst_slack + openings

    def _working_time_bound(self, start: int, forward: bool) -> int:
        """An upper bound of the working time an ``add`` from ``start`` may reach: up to
        :data:`MAX_SPAN_YEARS` after (or before) it, or to the end (or the beginning) of
        datetime's range when that is nearer."""
        if _SAFE_LO_US <= start <= _SAFE_HI_US:
            return self._span_bound
        span = (_MAX_US - start) if forward else (start - _MIN_US)
        return self._bound_over(min(span, _MAX_SPAN_US))

    def _check_fits(self, start: int, duration: int) -> None:
        """Refuse, before any walk, an ``add`` beyond :data:`MAX_DURATION` or beyond the
        working time that may lie within reach of ``start`` (:meth:`_working_time_bound`)."""
        if not -_MAX_DURATION_US <= duration <= _MAX_DURATION_US:
            _check_duration(_us_to_td(duration), "duration")
        if self._always:
            return  # _out() refuses a result outside datetime's range
        bound = self._working_time_bound(start, duration > 0)
        if abs(duration) > bound:
            way = "after" if duration > 0 else "before"
            raise CalendarRangeError(
                f"{_us_to_td(abs(duration))} of working time {way} {_iso(start)} would end outside "
                f"the range of datetime (years 1-9999) or more than MAX_SPAN_YEARS = {MAX_SPAN_YEARS} "
                f"years {way} it: there is at most {_fmt_duration(_us_to_td(bound))} of working time "
                f"there in calendar {self!r}"
            )

    def _add_us(self, start: int, duration: int) -> int:
        fits = self._fits  # one test for the usual start and duration
        if not (-fits <= duration <= fits and _SAFE_LO_US <= start <= _SAFE_HI_US):
            self._check_fits(start, duration)
        if self._always:
            return start + duration  # _out() refuses a result outside datetime's range
        # Walk: every extension includes ``start``, so W(start) is read again from each
        # snapshot (a snapshot may drop what lies beyond the span, and start afresh).
        cov = self._coverage(start, start)
        if duration > 0:
            target = cov.worked(start) + duration
            while cov.cum[-1] < target:
                cov = self._extend(start, cov.hi)
                target = cov.worked(start) + duration
            j = bisect_left(cov.cum, target, 1) - 1
            return cov.starts[j] + (target - cov.cum[j])
        if duration < 0:
            target = cov.worked(start) + duration
            while cov.cum[0] > target or not cov.starts:
                cov = self._extend(cov.lo - 1, start)
                target = cov.worked(start) + duration
            j = bisect_right(cov.cum, target) - 1
            return cov.starts[j] + (target - cov.cum[j])
        return self._next_working_us(start)

    def _next_working_us(self, t: int) -> int:
        cov = self._coverage(t, t)
        while True:
            starts = cov.starts
            i = bisect_right(starts, t) - 1
            if i >= 0 and t < cov.ends[i]:
                return t
            if i + 1 < len(starts):
                return starts[i + 1]
            cov = self._extend(t, cov.hi)  # refused once no working time lies within the span

    def _between_us(self, start: int, end: int) -> int:
        if self._always:
            return end - start
        lo, hi = (start, end) if start <= end else (end, start)
        cov = self._coverage(lo, hi)
        return cov.worked(end) - cov.worked(start)

    def _out(self, us: int) -> datetime:
        try:
            return (_EPOCH + timedelta(microseconds=us)).astimezone(self.tz)
        except (OverflowError, ValueError):
            raise CalendarRangeError(
                f"the result ({us // _US} s from 1970-01-01 UTC) is outside the range of datetime "
                f"(years 1-9999) in zone {self.tz_name}"
            ) from None

    # ------------------------------------------------------------- public
    # Each public call ends in the same guard: an OverflowError, TypeError or ValueError
    # that a library call would still raise on an extreme value becomes the engine's own
    # error (try costs nothing until something is raised).
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of working time has elapsed from ``start``.

        From a start outside working time the count begins at the next working
        instant (the previous one for a negative duration).  A positive duration
        ending exactly at the end of a working period returns that end (Friday
        17:00, not Monday 09:00); a negative one returns the start of a period.
        A zero duration returns :meth:`next_working`.  The result is aware, in
        the calendar's zone.

        :raises CalendarRangeError: at once for a duration beyond :data:`MAX_DURATION`,
            or one that cannot end within :data:`MAX_SPAN_YEARS` of ``start``, and for
            a result outside years 1-9999.
        """
        try:
            _check_aware(start, "start")
            if not isinstance(duration, timedelta):
                raise SlaEngineError(
                    f"duration must be a timedelta, got {duration!r} ({type(duration).__name__})"
                )
            return self._out(self._add_us(_to_us(start), _td_to_us(duration)))
        except SlaEngineError:
            raise
        except (OverflowError, TypeError, ValueError) as exc:
            raise _foreign(exc, "add", start, duration) from exc

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in ``[start, end)``; negative when ``end < start``.

        :raises CalendarRangeError: when ``start`` and ``end`` lie more than
            :data:`MAX_SPAN_YEARS` apart (except on the 24/7 calendar).
        """
        try:
            _check_aware(start, "start")
            _check_aware(end, "end")
            return _us_to_td(self._between_us(_to_us(start), _to_us(end)))
        except SlaEngineError:
            raise
        except (OverflowError, TypeError, ValueError) as exc:
            raise _foreign(exc, "between", start, end) from exc

    def is_working(self, at: datetime) -> bool:
        """Whether ``at`` falls in working time (periods include their start, not their end)."""
        try:
            _check_aware(at, "at")
            t = _to_us(at)
            if self._always:
                return True
            cov = self._coverage(t, t)
            i = bisect_right(cov.starts, t) - 1
            return i >= 0 and t < cov.ends[i]
        except SlaEngineError:
            raise
        except (OverflowError, TypeError, ValueError) as exc:
            raise _foreign(exc, "is_working", at) from exc

    def next_working(self, at: datetime) -> datetime:
        """``at`` itself if it is working time, else the start of the next working period.

        :raises CalendarRangeError: when there is no working time within
            :data:`MAX_SPAN_YEARS` after ``at`` (closures cover all of it).
        """
        try:
            _check_aware(at, "at")
            t = _to_us(at)
            return self._out(t if self._always else self._next_working_us(t))
        except SlaEngineError:
            raise
        except (OverflowError, TypeError, ValueError) as exc:
            raise _foreign(exc, "next_working", at) from exc

    @_guarded
    def add_many(self, starts: Iterable[datetime], durations: Iterable[timedelta]) -> list[datetime]:
        """``[self.add(s, d) for s, d in zip(starts, durations)]``, much faster.

        Both sequences must have the same length.
        """
        starts, durations = _same_length("add_many", "starts", starts, "durations", durations)
        if not starts:
            return []
        epoch = _EPOCH
        us_starts = _instants_us(starts, "start")
        us_durations = []
        for value in durations:
            if not isinstance(value, timedelta):
                raise SlaEngineError(f"duration must be a timedelta, got {value!r} ({type(value).__name__})")
            us_durations.append((value.days * 86_400 + value.seconds) * _US + value.microseconds)
        if max(us_durations) > _MAX_DURATION_US or min(us_durations) < -_MAX_DURATION_US:
            for value in durations:
                _check_duration(value, "duration")
        tz = self.tz
        first, last = min(us_starts), max(us_starts)
        if self._always:
            results = [a + d for a, d in zip(us_starts, us_durations)]
            if min(results) < _MIN_US or max(results) >= _MAX_US:
                return [self._out(r) for r in results]  # near the range's ends: checked one by one
        elif last - first >= _MAX_SPAN_US:
            # starts too far apart for one coverage: one by one, each from its own
            return [self._out(self._add_us(a, d)) for a, d in zip(us_starts, us_durations)]
        else:
            cov = self._coverage(first, last)
            results = []
            append = results.append
            for a, d in zip(us_starts, us_durations):
                starts_l, ends_l, cum = cov.starts, cov.ends, cov.cum
                i = bisect_right(starts_l, a) - 1
                w = cum[0] if i < 0 else cum[i] + min(a - starts_l[i], ends_l[i] - starts_l[i])
                target = w + d
                if d > 0 and target <= cum[-1]:
                    j = bisect_left(cum, target, 1) - 1
                    append(starts_l[j] + (target - cum[j]))
                elif d < 0 and target >= cum[0] and starts_l:
                    j = bisect_right(cum, target) - 1
                    append(starts_l[j] + (target - cum[j]))
                else:
                    append(self._add_us(a, d))
                    # the walk may have dropped some starts (beyond the span): bring them back
                    cov = self._coverage(first, last)
        timedelta_ = timedelta
        return [(epoch + timedelta_(microseconds=r)).astimezone(tz) for r in results]

    @_guarded
    def between_many(self, starts: Iterable[datetime], ends: Iterable[datetime]) -> list[timedelta]:
        """``[self.between(s, e) for s, e in zip(starts, ends)]``, much faster.

        Both sequences must have the same length.
        """
        starts, ends = _same_length("between_many", "starts", starts, "ends", ends)
        if not starts:
            return []
        a_us, b_us = _instants_us(starts, "start"), _instants_us(ends, "end")
        timedelta_ = timedelta
        if self._always:
            return [timedelta_(microseconds=b - a) for a, b in zip(a_us, b_us)]
        first, last = min(min(a_us), min(b_us)), max(max(a_us), max(b_us))
        if last - first >= _MAX_SPAN_US:
            # instants too far apart for one coverage: pair by pair, each from its own
            return [timedelta_(microseconds=self._between_us(a, b)) for a, b in zip(a_us, b_us)]
        cov = self._coverage(first, last)
        worked = cov.worked
        return [timedelta_(microseconds=worked(b) - worked(a)) for a, b in zip(a_us, b_us)]

    @_guarded
    def working_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The working periods within ``[start, end)``, clipped, in the calendar's zone.

        :raises CalendarRangeError: when ``start`` and ``end`` lie more than
            :data:`MAX_SPAN_YEARS` apart on a calendar that is not 24/7.
        """
        _check_aware(start, "start")
        _check_aware(end, "end")
        lo, hi = _to_us(start), _to_us(end)
        if hi <= lo:
            return []
        if self._always:
            return [(self._out(lo), self._out(hi))]
        cov = self._coverage(lo, hi)
        i = max(bisect_right(cov.starts, lo) - 1, 0)
        result = []
        while i < len(cov.starts) and cov.starts[i] < hi:
            s, e = max(cov.starts[i], lo), min(cov.ends[i], hi)
            if s < e:
                result.append((self._out(s), self._out(e)))
            i += 1
        return result
