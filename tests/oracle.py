"""Brute-force oracle for :class:`sla_engine.WorkingCalendar`.

It shares no code with the implementation.  It works on a finite window of UTC
minutes and only ever converts UTC -> local wall time (``astimezone`` followed by
``replace(tzinfo=None)``); it never converts local -> UTC, so it cannot inherit
the implementation's handling of DST gaps and folds.

How a weekly shift ``(wd, S, E)`` on local date D becomes an instant interval
(the spec, restated for minute cells):

* ``wall[i]`` is the local wall reading (in minutes since 0001-01-01 00:00) of
  UTC minute ``i`` of the padded window.  During the minute that starts at
  instant ``i`` the wall clock reads ``wall[i] + f`` with ``0 <= f < 1``.
* start instant = first minute ``i`` with ``wall[i] >= D+S`` (running maximum
  from the left, then bisect).
* end instant = 1 + last minute ``i`` with ``wall[i] < end`` where end is
  ``D+E`` if ``E > S`` else ``D+1day+E`` (running minimum from the right,
  then bisect).

Working minutes are painted into a ``bytearray`` (one byte per UTC minute):
shifts, then openings, then closures are erased.  All queries are exact for any
instant (microsecond precision) as long as shifts, closures and openings are
minute aligned, because the working set is then a union of whole minutes:
``W(t) = P[i]*M + cell[i]*r`` for ``t = i*M + r`` where ``P`` is the prefix sum
of working minutes and ``M`` is a minute in microseconds.

The window is padded by ``PAD_DAYS`` on both sides; only instants inside the
inner (valid) window are answered.  Queries whose answer would leave the inner
window return ``None`` so that property tests can skip them.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate
from zoneinfo import ZoneInfo

__all__ = [
    "OracleCalendar",
    "OutOfWindow",
    "parse_minutes",
    "wall_readings",
    "find_transitions",
    "to_utc",
    "MINUTE_US",
]

UTC = timezone.utc
PAD_DAYS = 2
MINUTE_US = 60_000_000
_US = timedelta(microseconds=1)
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class OutOfWindow(Exception):
    """A query instant lies outside the oracle's valid window."""


def to_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"oracle needs an aware datetime, got {dt!r}")
    return dt.astimezone(UTC)


def parse_minutes(value, *, is_end: bool) -> int:
    """Minutes after local midnight of a shift boundary ("HH:MM", "HH:MM:SS", time).

    "24:00" is only accepted as an end.  Seconds must be zero (the oracle is
    minute exact)."""
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise ValueError(f"oracle is minute exact, got {value!r}")
        return value.hour * 60 + value.minute
    if not isinstance(value, str):
        raise ValueError(f"bad time {value!r}")
    m = _TIME_RE.match(value)
    if not m:
        raise ValueError(f"bad time {value!r}")
    hh, mm, ss = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if ss:
        raise ValueError(f"oracle is minute exact, got {value!r}")
    if is_end and (hh, mm) == (24, 0):
        return 1440
    if hh > 23 or mm > 59:
        raise ValueError(f"bad time {value!r}")
    return hh * 60 + mm


def _wall_minutes(local_naive: datetime) -> int:
    return local_naive.toordinal() * 1440 + local_naive.hour * 60 + local_naive.minute


@functools.cache
def wall_readings(tz_name: str, base_utc: datetime, n_minutes: int):
    """Local wall readings of ``n_minutes`` UTC minutes from ``base_utc``.

    Returns ``(wall, prefix_max, suffix_min)`` as tuples of ints (minutes since
    0001-01-01 00:00 local)."""
    zone = ZoneInfo(tz_name)
    wall = []
    one = timedelta(minutes=1)
    t = base_utc
    for _ in range(n_minutes):
        loc = t.astimezone(zone).replace(tzinfo=None)
        wall.append(_wall_minutes(loc))
        t += one
    prefix_max = tuple(accumulate(wall, max))
    suffix_min = tuple(reversed(list(accumulate(reversed(wall), min))))
    return tuple(wall), prefix_max, suffix_min


@functools.cache
def find_transitions(tz_name: str, year: int) -> tuple[datetime, ...]:
    """UTC instants (minute exact) at which the UTC offset of the zone changes in ``year``."""
    zone = ZoneInfo(tz_name)
    out = []
    t = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=1)
    prev = t.astimezone(zone).utcoffset()
    while t < end:
        nxt = t + step
        off = nxt.astimezone(zone).utcoffset()
        if off != prev:
            # binary search the first minute in (t, nxt] with the new offset
            lo, hi = 0, 60  # minutes after t; offset(t+lo) == prev, offset(t+hi) != prev
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if (t + timedelta(minutes=mid)).astimezone(zone).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(t + timedelta(minutes=hi))
            prev = off
        t = nxt
    return tuple(out)


class OracleCalendar:
    """Minute-by-minute model of a working calendar over a finite window."""

    def __init__(
        self,
        weekly,
        tz: str,
        closures=(),
        openings=(),
        *,
        window_start_utc: datetime,
        window_days: int = 8,
    ):
        self.tz_name = tz
        self.zone = ZoneInfo(tz)
        ws = to_utc(window_start_utc)
        if ws.second or ws.microsecond:
            raise ValueError("window start must be minute aligned")
        self.inner_start = ws
        self.inner_end = ws + timedelta(days=window_days)
        self.base = ws - timedelta(days=PAD_DAYS)
        self.n = (window_days + 2 * PAD_DAYS) * 1440
        self.lo_idx = PAD_DAYS * 1440  # first valid minute index
        self.hi_idx = self.lo_idx + window_days * 1440  # valid instants: [lo_idx, hi_idx] (in minutes)

        wall, pmax, smin = wall_readings(tz, self.base, self.n)
        self.wall = wall
        cells = bytearray(self.n)
        self.shift_intervals = []  # (start_idx, end_idx) of every painted shift occurrence
        self.nominal_lengths = []  # local (wall) length in minutes of each of those occurrences

        shifts = []
        for wd, s, e in weekly:
            if wd not in range(7):
                raise ValueError(f"bad weekday {wd!r}")
            s_min = parse_minutes(s, is_end=False)
            e_min = parse_minutes(e, is_end=True)
            shifts.append((wd, s_min, e_min))

        first_day = wall[0] // 1440 - 2
        last_day = max(wall) // 1440 + 1
        for day in range(first_day, last_day + 1):
            wd_day = date.fromordinal(day).weekday()
            for wd, s_min, e_min in shifts:
                if wd != wd_day:
                    continue
                local_start = day * 1440 + s_min
                if e_min > s_min:
                    local_end = day * 1440 + e_min
                else:
                    local_end = (day + 1) * 1440 + e_min
                start_idx = bisect_left(pmax, local_start)
                end_idx = bisect_left(smin, local_end)
                if end_idx > start_idx:
                    cells[start_idx:end_idx] = b"\x01" * (end_idx - start_idx)
                if 0 < start_idx and end_idx < self.n:  # not clipped by the padded array
                    self.shift_intervals.append((start_idx, end_idx))
                    self.nominal_lengths.append(local_end - local_start)

        self.shift_cells = bytes(cells)  # weekly shifts only, before openings and closures
        for a, b in openings:
            i, j = self._aligned_idx(a), self._aligned_idx(b)
            i, j = max(i, 0), min(j, self.n)
            if j > i:
                cells[i:j] = b"\x01" * (j - i)
        for a, b in closures:
            i, j = self._aligned_idx(a), self._aligned_idx(b)
            i, j = max(i, 0), min(j, self.n)
            if j > i:
                cells[i:j] = b"\x00" * (j - i)

        self.cells = cells
        self.prefix = list(accumulate(cells, initial=0))  # prefix[k] = working minutes in [0, k)

    # -- instant <-> microseconds since base ------------------------------
    def _us(self, dt: datetime) -> int:
        return (to_utc(dt) - self.base) // _US

    def _dt(self, us: int) -> datetime:
        return self.base + timedelta(microseconds=us)

    def _aligned_idx(self, dt: datetime) -> int:
        us = self._us(dt)
        if us % MINUTE_US:
            raise ValueError(f"oracle needs minute-aligned closures/openings, got {dt!r}")
        return us // MINUTE_US

    def _valid_us(self, us: int) -> bool:
        return self.lo_idx * MINUTE_US <= us <= self.hi_idx * MINUTE_US

    def _check(self, dt: datetime) -> int:
        us = self._us(dt)
        if not self._valid_us(us):
            raise OutOfWindow(f"{dt!r} outside [{self.inner_start}, {self.inner_end}]")
        return us

    def _w(self, us: int) -> int:
        """Working microseconds in [base, base+us)."""
        i, r = divmod(us, MINUTE_US)
        if i >= self.n:
            return self.prefix[self.n] * MINUTE_US
        return self.prefix[i] * MINUTE_US + self.cells[i] * r

    # -- queries --------------------------------------------------------------
    def contains(self, dt: datetime) -> bool:
        """True when ``dt`` lies in the valid window."""
        return self._valid_us(self._us(dt))

    def is_working(self, at: datetime) -> bool:
        us = self._check(at)
        i = us // MINUTE_US
        return i < self.n and bool(self.cells[i])

    def next_working(self, at: datetime):
        """Next working instant at or after ``at`` (UTC), or None if beyond the window."""
        us = self._check(at)
        i = us // MINUTE_US
        if i < self.n and self.cells[i]:
            return self._dt(us)
        j = self.cells.find(b"\x01", i + 1)
        if j < 0 or j > self.hi_idx:
            return None
        return self._dt(j * MINUTE_US)

    def between(self, a: datetime, b: datetime) -> timedelta:
        ua, ub = self._check(a), self._check(b)
        return timedelta(microseconds=self._w(ub) - self._w(ua))

    def add(self, a: datetime, d: timedelta):
        """Spec rule 3 on the minute array; None when the answer leaves the window."""
        ua = self._check(a)
        dus = d // _US
        if dus == 0:
            return self.next_working(a)
        target = self._w(ua) + dus
        if dus > 0:
            need = -(-target // MINUTE_US)  # ceil
            k = bisect_left(self.prefix, need)
            if k > self.n:
                return None
            j = k - 1
            us = j * MINUTE_US + (target - self.prefix[j] * MINUTE_US)
        else:
            if target < 0:
                return None
            q = target // MINUTE_US
            k = bisect_right(self.prefix, q) - 1
            if k >= self.n:
                return None
            us = k * MINUTE_US + (target - q * MINUTE_US)
        if not self._valid_us(us):
            return None
        return self._dt(us)

    def add_by_walking(self, a: datetime, minutes: int):
        """Literal minute walk (for minute-aligned ``a`` and whole minutes); used to
        cross-check :meth:`add` itself.  None when it leaves the window."""
        us = self._check(a)
        if us % MINUTE_US:
            raise ValueError("add_by_walking needs a minute-aligned start")
        i = us // MINUTE_US
        if minutes == 0:
            return self.next_working(a)
        left = abs(minutes)
        if minutes > 0:
            while True:
                if i >= self.n:
                    return None
                if self.cells[i]:
                    left -= 1
                    if left == 0:
                        res = i + 1
                        break
                i += 1
        else:
            while True:
                i -= 1
                if i < 0:
                    return None
                if self.cells[i]:
                    left -= 1
                    if left == 0:
                        res = i
                        break
        if not (self.lo_idx <= res <= self.hi_idx):
            return None
        return self._dt(res * MINUTE_US)

    # -- helpers for strategies ----------------------------------------------
    def weekly_shift_minutes(self) -> int:
        """Minutes of weekly-shift time (no openings, no closures) in the first valid week."""
        return self.shift_cells[self.lo_idx : self.lo_idx + 7 * 1440].count(1)

    def dst_affected_shifts(self) -> int:
        """Number of shift occurrences whose real length differs from their wall length."""
        return sum(
            1
            for (i, j), nominal in zip(self.shift_intervals, self.nominal_lengths)
            if max(j - i, 0) != nominal
        )

    def working_minutes_in(self, a: datetime, b: datetime) -> int:
        return self.between(a, b) // timedelta(minutes=1)

    def valid_minute(self, k: int) -> datetime:
        """Instant of valid minute ``k`` (0 = inner window start)."""
        return self._dt((self.lo_idx + k) * MINUTE_US)

    def working_minute_offsets(self):
        """Offsets (from the inner window start) of working minutes in the valid window."""
        lo = self.lo_idx
        cells = self.cells
        return [i - lo for i in range(lo, self.hi_idx) if cells[i]]

    def interval_starts(self):
        """Offsets of instants that start a working stretch, inside the valid window."""
        lo = self.lo_idx
        cells = self.cells
        return [i - lo for i in range(lo, self.hi_idx) if cells[i] and (i == 0 or not cells[i - 1])]

    def interval_ends(self):
        """Offsets of instants that end a working stretch, inside the valid window."""
        lo = self.lo_idx
        cells = self.cells
        return [
            i - lo for i in range(lo + 1, self.hi_idx + 1) if cells[i - 1] and (i >= self.n or not cells[i])
        ]
