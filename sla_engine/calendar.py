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
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import (
    CalendarRangeError,
    EmptyScheduleError,
    MalformedIntervalError,
    NaiveDatetimeError,
    SlaEngineError,
    UnknownTimezoneError,
)

__all__ = ["Shift", "WorkingCalendar", "to_utc_naive", "from_utc_naive", "get_zone"]

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
    if value.tzinfo is None or value.utcoffset() is None:
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
    for value in values:
        if not isinstance(value, datetime) or value.tzinfo is None:
            _check_aware(value, what)
        delta = value - epoch
        append((delta.days * 86_400 + delta.seconds) * _US + delta.microseconds)
    return result


def _same_length(call: str, first: str, a: Iterable, second: str, b: Iterable) -> tuple[list, list]:
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise SlaEngineError(f"{call} needs as many {second} as {first}: {len(a)} {first}, {len(b)} {second}")
    return a, b


def _us_to_utc(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _td_to_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * _US + value.microseconds


def _us_to_td(us: int) -> timedelta:
    return timedelta(microseconds=us)


def to_utc_naive(value: datetime) -> datetime:
    """Convert an aware datetime to the naive UTC datetime Odoo stores."""
    _check_aware(value, "value")
    return value.astimezone(_UTC).replace(tzinfo=None)


def from_utc_naive(value: datetime) -> datetime:
    """Read a naive datetime as UTC (as Odoo stores it) and return it aware."""
    if not isinstance(value, datetime):
        raise SlaEngineError(f"value must be a datetime, got {value!r}")
    if value.tzinfo is not None:
        return value.astimezone(_UTC)
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
    shifts = []
    for item in weekly:
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
    result = []
    for item in periods:
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
    """

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
        self._week_bound: tuple[int, int, int] | None = None

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
        first_day = self._local_date(lo) - timedelta(days=2)
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
        """Make coverage include [lo, hi] and return the new snapshot."""
        with self._lock:
            cov = self._cov
            if cov is not None and cov.lo <= lo and hi < cov.hi:
                return cov
            if lo < _MIN_US or hi >= _MAX_US:
                raise CalendarRangeError(
                    f"working time needed beyond the range of datetime (years 1-9999) in calendar {self!r}"
                )
            if cov is None:
                new_lo = max(_MIN_US, lo - 7 * _DAY_US)
                new_hi = min(_MAX_US, max(hi + 1, lo + _FIRST_CHUNK_US))
                intervals = self._build(new_lo, new_hi)
                starts = [s for s, _ in intervals]
                ends = [e for _, e in intervals]
                cum = [0]
                total = 0
                for s, e in intervals:
                    total += e - s
                    cum.append(total)
                cov = _Coverage(new_lo, new_hi, starts, ends, cum)
            else:
                # Copy, never mutate: readers may hold the previous snapshot.
                starts, ends, cum = list(cov.starts), list(cov.ends), list(cov.cum)
                cur_lo, cur_hi = cov.lo, cov.hi
                step = min(cur_hi - cur_lo, _MAX_STEP_US)
                if hi >= cur_hi:
                    new_hi = min(_MAX_US, max(hi + 1, cur_hi + step))
                    for s, e in self._build(cur_hi, new_hi):
                        starts.append(s)
                        ends.append(e)
                        cum.append(cum[-1] + e - s)
                    cur_hi = new_hi
                if lo < cur_lo:
                    new_lo = max(_MIN_US, min(lo, cur_lo - step))
                    before = self._build(new_lo, cur_lo)
                    running = cum[0] - sum(e - s for s, e in before)
                    prefix = []
                    for s, e in before:
                        prefix.append(running)
                        running += e - s
                    starts = [s for s, _ in before] + starts
                    ends = [e for _, e in before] + ends
                    cum = prefix + cum
                    cur_lo = new_lo
                cov = _Coverage(cur_lo, cur_hi, starts, ends, cum)
            self._cov = cov
            return cov

    def _coverage(self, lo: int, hi: int) -> _Coverage:
        cov = self._cov
        if cov is None or lo < cov.lo or hi >= cov.hi:
            cov = self._extend(lo, hi)
        return cov

    # --------------------------------------------------------------- core
    def _worked(self, t: int) -> tuple[_Coverage, int]:
        cov = self._coverage(t, t)
        return cov, cov.worked(t)

    def _working_time_bound(self, start: int, forward: bool) -> int:
        """An upper bound of the working time between ``start`` and the end (or the
        beginning) of datetime's range: weeks times the weekly hours, plus what daylight
        saving changes may add to the shifts they cross, plus every opening."""
        if self._week_bound is None:
            per_week = _td_to_us(self.weekly_hours())
            dst_slack = 4 * len(self.shifts) * 2 * 3600 * _US  # per year: transitions x shifts x 2 h
            openings = sum(e - s for s, e in self._openings)
            self._week_bound = (per_week, dst_slack, openings)
        per_week, dst_slack, openings = self._week_bound
        span = (_MAX_US - start) if forward else (start - _MIN_US)
        years = span // (365 * _DAY_US) + 1
        return (span // (7 * _DAY_US) + 1) * per_week + years * dst_slack + openings

    def _add_us(self, start: int, duration: int) -> int:
        if self._always:
            return start + duration  # _out() refuses a result outside datetime's range
        if abs(duration) > self._working_time_bound(start, duration > 0):
            raise CalendarRangeError(
                f"{_us_to_td(abs(duration))} of working time {'after' if duration > 0 else 'before'} "
                f"{_us_to_utc(start).isoformat()} would end outside the range of datetime (years 1-9999) "
                f"in calendar {self!r}"
            )
        cov, w = self._worked(start)
        if duration > 0:
            target = w + duration
            while cov.cum[-1] < target:
                cov = self._extend(cov.lo, cov.hi + 1)
            j = bisect_left(cov.cum, target, 1) - 1
            return cov.starts[j] + (target - cov.cum[j])
        if duration < 0:
            target = w + duration
            while cov.cum[0] > target or not cov.starts:
                cov = self._extend(cov.lo - 1, cov.hi - 1)
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
            cov = self._extend(cov.lo, cov.hi + 1)

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
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of working time has elapsed from ``start``.

        From a start outside working time the count begins at the next working
        instant (the previous one for a negative duration).  A positive duration
        ending exactly at the end of a working period returns that end (Friday
        17:00, not Monday 09:00); a negative one returns the start of a period.
        A zero duration returns :meth:`next_working`.  The result is aware, in
        the calendar's zone.
        """
        _check_aware(start, "start")
        if not isinstance(duration, timedelta):
            raise SlaEngineError(
                f"duration must be a timedelta, got {duration!r} ({type(duration).__name__})"
            )
        return self._out(self._add_us(_to_us(start), _td_to_us(duration)))

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in ``[start, end)``; negative when ``end < start``."""
        _check_aware(start, "start")
        _check_aware(end, "end")
        return _us_to_td(self._between_us(_to_us(start), _to_us(end)))

    def is_working(self, at: datetime) -> bool:
        """Whether ``at`` falls in working time (periods include their start, not their end)."""
        _check_aware(at, "at")
        t = _to_us(at)
        if self._always:
            return True
        cov = self._coverage(t, t)
        i = bisect_right(cov.starts, t) - 1
        return i >= 0 and t < cov.ends[i]

    def next_working(self, at: datetime) -> datetime:
        """``at`` itself if it is working time, else the start of the next working period."""
        _check_aware(at, "at")
        t = _to_us(at)
        return self._out(t if self._always else self._next_working_us(t))

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
        tz = self.tz
        if self._always:
            results = [a + d for a, d in zip(us_starts, us_durations)]
            if min(results) < _MIN_US or max(results) >= _MAX_US:
                return [self._out(r) for r in results]  # near the range's ends: checked one by one
        else:
            cov = self._coverage(min(us_starts), max(us_starts))
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
                    cov = self._cov
        timedelta_ = timedelta
        return [(epoch + timedelta_(microseconds=r)).astimezone(tz) for r in results]

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
        cov = self._coverage(min(min(a_us), min(b_us)), max(max(a_us), max(b_us)))
        worked = cov.worked
        return [timedelta_(microseconds=worked(b) - worked(a)) for a, b in zip(a_us, b_us)]

    def working_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The working periods within ``[start, end)``, clipped, in the calendar's zone."""
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
