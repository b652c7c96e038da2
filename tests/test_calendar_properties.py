"""Property-based tests: :class:`sla_engine.WorkingCalendar` against the brute-force oracle.

Each example draws a zone and an 8-day window (centred on a DST transition of
2024-2026 found by scanning, or an ordinary week), a random weekly schedule
(1-6 shifts, overnight ones, many touching 00:00-04:00 so gaps and folds are
hit), random minute-aligned closures and openings (overlapping allowed), and
query instants given in assorted zones.  The oracle (tests/oracle.py) paints
working minutes using only UTC -> local conversions.

Examples whose oracle answer leaves the window are skipped (counted with
``hypothesis.event``).  Select the profile with ``HYPOTHESIS_PROFILE`` (see
conftest.py); the default ``ci`` profile is derandomized.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from unittest import mock
from zoneinfo import ZoneInfo

from hypothesis import event, given, note
from hypothesis import strategies as st
from oracle import MINUTE_US, OracleCalendar, find_transitions

from sla_engine import MAX_DURATION, CalendarRangeError, WorkingCalendar
from sla_engine import calendar as calendar_module

UTC = timezone.utc
MIN = timedelta(minutes=1)
US = timedelta(microseconds=1)  # only ever add/subtract on UTC datetimes: same-zone arithmetic is wall time
WINDOW_DAYS = 8
WINDOW_MIN = WINDOW_DAYS * 1440

DST_ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe")
PLAIN_ZONES = ("Asia/Kolkata", "UTC")


@dataclass(frozen=True)
class Window:
    """An 8-day window of UTC minutes, with what to aim at inside it."""

    tz: str
    start: datetime  # UTC, minute aligned
    transition: int | None = None  # minutes from start to the DST transition, if any
    hot_weekdays: tuple[int, ...] = ()  # local weekdays of the transition day and the day before
    hot_minutes: tuple[int, ...] = ()  # wall minutes-of-day at the edges of the gap / fold, +-1


def _window_around(zone_name: str, tr: datetime) -> Window:
    zone = ZoneInfo(zone_name)
    start = tr.replace(minute=0) - timedelta(days=WINDOW_DAYS // 2)
    before = (tr - MIN).astimezone(zone)  # last wall minute before the transition
    after = tr.astimezone(zone)  # first wall minute after it
    edges = {before.hour * 60 + before.minute + 1, after.hour * 60 + after.minute}
    hot = sorted({(m + dm) % 1440 for m in edges for dm in (-1, 0, 1)})
    day = after.date()
    return Window(
        zone_name,
        start,
        transition=(tr - start) // MIN,
        hot_weekdays=(day.weekday(), (day.weekday() - 1) % 7),
        hot_minutes=tuple(hot),
    )


def _windows() -> list[Window]:
    out = []
    for zone in DST_ZONES:
        for year in (2024, 2025, 2026):
            transitions = find_transitions(zone, year)
            assert len(transitions) == 2, (zone, year, transitions)
            out.extend(_window_around(zone, tr) for tr in transitions)
    ordinary = (
        datetime(2024, 2, 26, tzinfo=UTC),  # contains 29 February
        datetime(2025, 7, 14, 5, 17, tzinfo=UTC),  # odd start minute
        datetime(2026, 12, 28, tzinfo=UTC),  # crosses New Year
    )
    for zone in DST_ZONES + PLAIN_ZONES:
        out.extend(Window(zone, ws) for ws in ordinary)
    return out


WINDOWS = _windows()
QUERY_ZONES = (
    None,  # placeholder: the calendar's own zone
    UTC,
    ZoneInfo("UTC"),
    ZoneInfo("Asia/Tokyo"),
    timezone(timedelta(hours=-3, minutes=-30)),
)


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

minute_of_day = st.one_of(
    st.integers(0, 95).map(lambda k: k * 15),  # 15-minute grid
    st.integers(0, 1439),  # any minute
    st.integers(0, 16).map(lambda k: k * 15),  # 00:00-04:00: DST gaps and folds
    st.sampled_from([0, 60, 90, 120, 150, 180, 210]),
)
end_of_day = st.one_of(minute_of_day, st.just(1440))


@st.composite
def rendered(draw, minutes: int):
    """A shift boundary as "HH:MM", "HH:MM:SS" or datetime.time."""
    if minutes == 1440:
        return "24:00"
    h, m = divmod(minutes, 60)
    kind = draw(st.sampled_from(("hhmm", "hhmmss", "time")))
    if kind == "hhmm":
        return f"{h:02d}:{m:02d}"
    if kind == "hhmmss":
        return f"{h:02d}:{m:02d}:00"
    return time(h, m)


@st.composite
def shifts(draw, window: Window, focus: bool = False):
    """A weekly shift; in a DST window, often (always when ``focus``) one on the DST night
    with its start and end on the edges of the gap or fold."""
    wd, s, e = draw(st.integers(0, 6)), draw(minute_of_day), draw(end_of_day)
    if window.transition is not None and (focus or draw(st.booleans())):
        hot = st.sampled_from(window.hot_minutes)
        wd = draw(st.sampled_from(window.hot_weekdays))
        s = draw(st.one_of(hot, st.integers(0, 300), st.integers(1200, 1439)))
        e = draw(st.one_of(hot, st.integers(0, 300), st.just(1440)))
    return (wd, draw(rendered(s)), draw(rendered(e)))


@st.composite
def intervals(draw, window_start: datetime, zone: ZoneInfo, max_size: int = 3):
    """Minute-aligned (start, end) pairs in and around the window, in assorted zones."""
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        off = draw(st.integers(-1440, WINDOW_MIN + 1440))
        length = draw(st.one_of(st.integers(1, 180), st.integers(1, 3 * 1440)))
        tz = draw(st.sampled_from(QUERY_ZONES)) or zone
        a = window_start + off * MIN
        out.append((a.astimezone(tz), (a + length * MIN).astimezone(tz)))
    return out


@dataclass
class Scenario:
    window: Window
    weekly: list
    closures: list
    openings: list

    def build(self):
        cal = WorkingCalendar(self.weekly, self.window.tz, closures=self.closures, openings=self.openings)
        return cal, self.oracle()

    def oracle(self) -> OracleCalendar:
        return OracleCalendar(
            self.weekly,
            self.window.tz,
            self.closures,
            self.openings,
            window_start_utc=self.window.start,
            window_days=WINDOW_DAYS,
        )


@st.composite
def scenarios(draw):
    window = draw(st.sampled_from(WINDOWS))
    zone = ZoneInfo(window.tz)
    weekly = draw(st.lists(shifts(window), min_size=1, max_size=6))
    closures = draw(intervals(window.start, zone))
    openings = draw(intervals(window.start, zone))
    return Scenario(window, weekly, closures, openings)


def draw_instant(data, scn: Scenario, orc: OracleCalendar, label: str = "instant") -> datetime:
    """An instant in the valid window: anywhere, near the DST transition, a working minute,
    a stretch start or end, sometimes with seconds, expressed in an assorted zone."""
    transition = scn.window.transition
    kinds = ["any", "any"]
    if transition is not None:
        kinds.append("near")
    working = orc.working_minute_offsets()
    ends = orc.interval_ends()
    if working:
        kinds += ["working", "start"]
    if ends:
        kinds.append("end")
    kind = data.draw(st.sampled_from(kinds), label=f"{label} kind")
    if kind == "any":
        k = data.draw(st.integers(0, WINDOW_MIN), label=f"{label} minute")
    elif kind == "near":
        k = transition + data.draw(st.integers(-600, 600), label=f"{label} minutes from transition")
    elif kind == "working":
        k = data.draw(st.sampled_from(working), label=f"{label} minute")
    elif kind == "start":
        starts = orc.interval_starts() or working
        k = data.draw(st.sampled_from(starts), label=f"{label} minute")
    else:
        k = data.draw(st.sampled_from(ends), label=f"{label} minute")
    t = orc.valid_minute(k)
    if k < WINDOW_MIN:
        secs = data.draw(st.sampled_from([0, 0, 0, 1, 30, 59]), label=f"{label} seconds")
        t += timedelta(seconds=secs)
    tz = data.draw(st.sampled_from(QUERY_ZONES), label=f"{label} zone") or orc.zone
    return t.astimezone(tz)


def draw_duration(data, orc: OracleCalendar, a: datetime, label: str = "duration") -> timedelta:
    """A signed duration that mostly keeps the oracle's answer inside the window; some
    durations reach exactly the end (forward) or start (backward) of a working stretch."""
    sign = data.draw(st.sampled_from([1, 1, -1, -1, 0]), label=f"{label} sign")
    if sign == 0:
        return timedelta(0)
    a_off = (utc(a) - orc.inner_start) / MIN  # minutes from the window start (may be fractional)
    if sign > 0:
        edges = [e for e in orc.interval_ends() if e > a_off]
    else:
        edges = [s for s in orc.interval_starts() if s < a_off]
    if edges and data.draw(st.booleans(), label=f"{label} exact"):
        edge = orc.valid_minute(data.draw(st.sampled_from(edges), label=f"{label} edge"))
        d = orc.between(a, edge)
        if d != timedelta(0):
            return d
    if sign > 0:
        avail = orc.working_minutes_in(a, orc.inner_end)
    else:
        avail = orc.working_minutes_in(orc.inner_start, a)
    minutes = data.draw(
        st.one_of(st.integers(1, max(1, avail + 30)), st.integers(1, 60)), label=f"{label} minutes"
    )
    secs = data.draw(st.sampled_from([0, 0, 0, 15, 59]), label=f"{label} seconds")
    d = minutes * MIN + timedelta(seconds=secs)
    return d if sign > 0 else -d


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def assert_same_instant(got: datetime, expected: datetime, cal: WorkingCalendar) -> None:
    assert isinstance(got, datetime) and got.tzinfo is not None
    assert utc(got) == utc(expected), f"got {got!r} = {utc(got)} UTC, expected {utc(expected)} UTC"
    assert getattr(got.tzinfo, "key", None) == cal.tz_name, f"result zone {got.tzinfo!r}"


def describe(scn: Scenario, orc: OracleCalendar) -> None:
    note(
        f"WorkingCalendar({scn.weekly!r}, {scn.window.tz!r}, closures={scn.closures!r}, "
        f"openings={scn.openings!r})"
    )
    note(f"window {scn.window.start} .. {scn.window.start + timedelta(days=WINDOW_DAYS)}")
    if scn.window.transition is not None:
        event(f"DST window; shift occurrences stretched or shrunk by DST: {orc.dst_affected_shifts() > 0}")


# ---------------------------------------------------------------------------
# The oracle checks itself
# ---------------------------------------------------------------------------


@given(scn=scenarios(), data=st.data())
def test_oracle_add_matches_a_literal_minute_walk(scn, data):
    """Self-test of the oracle's prefix-sum add against a plain minute-by-minute walk."""
    orc = scn.oracle()
    k = data.draw(st.integers(0, WINDOW_MIN))
    a = orc.valid_minute(k)
    minutes = data.draw(st.integers(-3000, 3000))
    assert orc.add(a, minutes * MIN) == orc.add_by_walking(a, minutes)


# ---------------------------------------------------------------------------
# Implementation == oracle
# ---------------------------------------------------------------------------


@given(scn=scenarios(), data=st.data())
def test_between_matches_oracle(scn, data):
    cal, orc = scn.build()
    describe(scn, orc)
    a = draw_instant(data, scn, orc, "a")
    b = draw_instant(data, scn, orc, "b")
    assert cal.between(a, b) == orc.between(a, b)


@given(scn=scenarios(), data=st.data())
def test_add_matches_oracle(scn, data):
    cal, orc = scn.build()
    describe(scn, orc)
    a = draw_instant(data, scn, orc, "start")
    d = draw_duration(data, orc, a)
    expected = orc.add(a, d)
    if expected is None:
        event("add: oracle answer outside the window (skipped)")
        return
    event(
        f"add: duration {'>' if d > timedelta(0) else '<' if d < timedelta(0) else '='} 0, "
        f"start {'working' if orc.is_working(a) else 'not working'}"
    )
    assert_same_instant(cal.add(a, d), expected, cal)


@given(scn=scenarios(), data=st.data())
def test_is_working_and_next_working_match_oracle(scn, data):
    cal, orc = scn.build()
    describe(scn, orc)
    at = draw_instant(data, scn, orc, "at")
    assert cal.is_working(at) is orc.is_working(at)
    expected = orc.next_working(at)
    if expected is None:
        event("next_working: outside the window (skipped)")
        return
    assert_same_instant(cal.next_working(at), expected, cal)


DST_WINDOWS = [w for w in WINDOWS if w.transition is not None]


@st.composite
def dst_night_scenarios(draw):
    window = draw(st.sampled_from(DST_WINDOWS))
    zone = ZoneInfo(window.tz)
    weekly = draw(st.lists(shifts(window, focus=True), min_size=1, max_size=4))
    closures = draw(intervals(window.start, zone, max_size=1))
    openings = draw(intervals(window.start, zone, max_size=1))
    return Scenario(window, weekly, closures, openings)


@given(scn=dst_night_scenarios())
def test_dst_nights_match_oracle_minute_by_minute(scn):
    """Shifts on the night of a DST transition, with boundaries on the edges of the gap or
    fold: is_working at every minute and between at every 5 minutes within 5 h of it."""
    cal, orc = scn.build()
    describe(scn, orc)
    tr = scn.window.transition
    origin = orc.valid_minute(0)
    for k in range(tr - 300, tr + 301):
        t = orc.valid_minute(k)
        assert cal.is_working(t) is orc.is_working(t), f"is_working({t})"
        if k % 5 == 0:
            assert cal.between(origin, t) == orc.between(origin, t), f"between({origin}, {t})"


@given(
    scn=scenarios(),
    warm=st.lists(
        st.one_of(
            # minutes from the window start: clear of the window (so the window is built
            # later, from the instant queried next), or anywhere within +-100 days
            st.tuples(
                st.sampled_from([-1, 1]), st.sampled_from([90, 200, 400, 1000]), st.integers(0, 30 * 1440)
            ).map(lambda t: t[0] * (t[1] * 1440 + t[2])),
            st.integers(-100 * 1440, 100 * 1440),
        ),
        min_size=1,
        max_size=2,
    ),
    data=st.data(),
)
def test_answers_do_not_depend_on_earlier_queries(scn, warm, data):
    """Queries far before or after the window first (so whatever the calendar builds lazily
    is built in pieces, with seams at the instants queried next), then between from an
    instant of the window (often a working one, so a seam cuts through a shift), and the
    working time of every day of the window, must still equal the oracle's."""
    cal, orc = scn.build()
    describe(scn, orc)
    for minutes in warm:
        cal.is_working(scn.window.start + minutes * MIN)
    a = draw_instant(data, scn, orc, "a")
    b = draw_instant(data, scn, orc, "b")
    assert cal.between(a, b) == orc.between(a, b)
    days = [orc.valid_minute(k * 1440) for k in range(WINDOW_DAYS + 1)]
    for x, y in zip(days, days[1:]):
        assert cal.between(x, y) == orc.between(x, y), f"between({x}, {y})"
    assert cal.between(days[0], days[-1]) == orc.between(days[0], days[-1])


# ---------------------------------------------------------------------------
# Algebraic properties (implementation only; the oracle only helps pick instants)
# ---------------------------------------------------------------------------


@given(scn=scenarios(), data=st.data())
def test_between_of_add_gives_back_the_duration(scn, data):
    """For every d: between(a, add(a, d)) == d; add(a, d) is on the right side of a;
    for d > 0 the instant just before the result is working (it is the earliest such
    instant), for d < 0 the result itself is working (it is the latest)."""
    cal, orc = scn.build()
    describe(scn, orc)
    a = draw_instant(data, scn, orc, "start")
    # Keep the answer within ~500 years of the start (far from years 1 and 9999): the
    # weekly shifts alone give at least this much per week (DST moves it by an hour at most).
    weekly_minutes = max(1, orc.weekly_shift_minutes() - 60)
    cap = min(5_000_000, weekly_minutes * 52 * 500)
    minutes = data.draw(st.one_of(st.integers(-3000, 3000), st.integers(-cap, cap)), label="minutes")
    secs = data.draw(st.sampled_from([0, 0, 7]), label="seconds")
    d = minutes * MIN + (timedelta(seconds=secs) if minutes > 0 else -timedelta(seconds=secs))
    r = cal.add(a, d)
    if d == timedelta(0):
        assert_same_instant(r, cal.next_working(a), cal)
        return
    assert cal.between(a, r) == d
    if d > timedelta(0):
        assert utc(r) > utc(a)
        assert cal.is_working(utc(r) - US)
    else:
        assert utc(r) < utc(a)
        assert cal.is_working(r)


@given(scn=scenarios(), data=st.data())
def test_add_of_between_gives_back_the_end(scn, data):
    """With d = between(a, b):
    * d > 0: add(a, d) is the end of the last working stretch at or before b, i.e. b itself
      when the instant just before b is working, else the last instant r < b with working
      time just before r and none in [r, b);
    * d < 0: add(a, d) == next_working(b) (b itself when b is working);
    * d == 0: add(a, d) == next_working(a)."""
    cal, orc = scn.build()
    describe(scn, orc)
    a = draw_instant(data, scn, orc, "a")
    b = draw_instant(data, scn, orc, "b")
    d = cal.between(a, b)
    r = cal.add(a, d)
    if d > timedelta(0):
        if cal.is_working(utc(b) - US):
            event("add(between) > 0, b preceded by work")
            assert_same_instant(r, b, cal)
        else:
            event("add(between) > 0, b in a gap")
            assert utc(r) < utc(b)
            assert cal.between(r, b) == timedelta(0)
            assert cal.is_working(utc(r) - US)
            assert not cal.is_working(r)
    elif d < timedelta(0):
        event("add(between) < 0")
        assert_same_instant(r, cal.next_working(b), cal)
        if cal.is_working(b):
            assert_same_instant(r, b, cal)
    else:
        assert_same_instant(r, cal.next_working(a), cal)


@given(scn=scenarios(), data=st.data())
def test_between_is_additive(scn, data):
    cal, orc = scn.build()
    describe(scn, orc)
    a, b, c = (draw_instant(data, scn, orc, x) for x in "abc")
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)


@given(scn=scenarios(), data=st.data())
def test_between_is_antisymmetric(scn, data):
    cal, orc = scn.build()
    describe(scn, orc)
    a, b = draw_instant(data, scn, orc, "a"), draw_instant(data, scn, orc, "b")
    assert cal.between(b, a) == -cal.between(a, b)
    assert cal.between(a, a) == timedelta(0)


@given(scn=scenarios(), data=st.data())
def test_batches_equal_scalar_calls(scn, data):
    cal, orc = scn.build()
    describe(scn, orc)
    n = data.draw(st.integers(0, 8), label="n")
    starts = [draw_instant(data, scn, orc, f"start{i}") for i in range(n)]
    durations = [draw_duration(data, orc, s, f"duration{i}") for i, s in enumerate(starts)]
    ends = [draw_instant(data, scn, orc, f"end{i}") for i in range(n)]
    got = cal.add_many(starts, durations)
    assert isinstance(got, list) and len(got) == n
    for g, s, d in zip(got, starts, durations):
        assert_same_instant(g, cal.add(s, d), cal)
    spans = cal.between_many(starts, ends)
    assert isinstance(spans, list)
    assert spans == [cal.between(s, e) for s, e in zip(starts, ends)]


@given(
    window=st.sampled_from(WINDOWS),
    k=st.integers(0, WINDOW_MIN),
    seconds=st.integers(0, 59),
    minutes=st.integers(-50_000, 50_000),
    zone=st.sampled_from(QUERY_ZONES),
)
def test_always_is_plain_real_time_arithmetic(window, k, seconds, minutes, zone):
    tz, ws = window.tz, window.start
    cal = WorkingCalendar.always(tz)
    a = (ws + k * MIN + timedelta(seconds=seconds)).astimezone(zone or ZoneInfo(tz))
    d = minutes * MIN
    assert_same_instant(cal.add(a, d), utc(a) + d, cal)
    assert cal.between(a, utc(a) + d) == d
    assert cal.is_working(a)
    assert_same_instant(cal.next_working(a), a, cal)


# ---------------------------------------------------------------------------
# Bounds: MAX_SPAN_YEARS, shrunk to fit the oracle's window
# ---------------------------------------------------------------------------


def _covered(cal: WorkingCalendar) -> timedelta:
    cov = cal._cov
    return timedelta(0) if cov is None else timedelta(microseconds=cov.hi - cov.lo)


@given(
    scn=scenarios(),
    span_minutes=st.one_of(st.integers(30, 3 * 1440), st.integers(3 * 1440, 12 * 1440)),
    warm=st.lists(st.integers(-40 * 1440, 40 * 1440), max_size=3),
    data=st.data(),
)
def test_a_shorter_span_changes_no_answer_within_it(scn, span_minutes, warm, data):
    """With the span (MAX_SPAN_YEARS) shrunk to minutes or days, so that coverage is grown,
    trimmed and started afresh inside the oracle's window: after queries elsewhere, an
    answer that needs less calendar than the span equals the oracle's, one that needs more
    is a CalendarRangeError (with a minute of slack around the limit for add), and the
    coverage never spans more than the span."""
    span = span_minutes * MIN
    with mock.patch.object(calendar_module, "_MAX_SPAN_US", span_minutes * MINUTE_US):
        cal, orc = scn.build()
        describe(scn, orc)
        for minutes in warm:
            cal.is_working(scn.window.start + minutes * MIN)
            assert _covered(cal) <= span
        a = draw_instant(data, scn, orc, "a")
        b = draw_instant(data, scn, orc, "b")
        if abs(utc(b) - utc(a)) < span:
            assert cal.between(a, b) == orc.between(a, b)
        else:
            event("shorter span: between refused")
            try:
                cal.between(a, b)
                raise AssertionError(f"between over {abs(utc(b) - utc(a))} answered with a span of {span}")
            except CalendarRangeError:
                pass
        assert _covered(cal) <= span
        assert cal.is_working(a) is orc.is_working(a)
        d = draw_duration(data, orc, a)
        assert abs(d) <= MAX_DURATION
        expected = orc.add(a, d)
        try:
            got = cal.add(a, d)
        except CalendarRangeError:
            got = None
        assert _covered(cal) <= span
        if expected is None:
            event("shorter span: add outside the window (skipped)")
            return
        reach = abs(utc(expected) - utc(a))
        if reach <= span - MIN:
            assert got is not None, f"add reaching {reach} refused with a span of {span}"
        elif reach > span + MIN:
            event("shorter span: add refused")
            assert got is None, f"add reaching {reach} answered with a span of {span}"
        if got is not None:
            assert_same_instant(got, expected, cal)
