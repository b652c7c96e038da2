"""The engine's bounds: what it refuses, that it refuses at once, and with its own error.

* :data:`MAX_DURATION` (87,660 h) caps every working time asked (``add``, targets,
  offsets, escalation shares); :data:`MAX_PERCENT` (1000) caps escalation percentages;
* :data:`MAX_SPAN_YEARS` (250) caps the calendar one :class:`WorkingCalendar`
  materialises;
* no public function raises anything but an :class:`SlaEngineError` subclass, even at
  years 1 and 9999 in zones far from UTC, or with ``timedelta.max``, ``inf`` or ``nan``.

"Quickly" is checked without timing: a refused call must leave the calendar's coverage
unchanged (refused up front) or within the span (refused after a bounded walk), never
more than about ``MAX_SPAN_YEARS`` weeks times the shifts of a week.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sla_engine
from sla_engine import (
    MAX_DURATION,
    MAX_PERCENT,
    MAX_SPAN_YEARS,
    CalendarRangeError,
    ClockError,
    ClockEvent,
    Level,
    SlaClock,
    SlaEngineError,
    Target,
    Trigger,
    WorkingCalendar,
    from_utc_naive,
    level_times,
    plan,
    to_utc_naive,
)

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
US = timedelta(microseconds=1)
WEEK = timedelta(weeks=1)
SPAN = timedelta(days=MAX_SPAN_YEARS * 365.2425)
OFFICE = [(d, "09:00", "12:00") for d in range(5)] + [(d, "13:00", "17:00") for d in range(5)]
SIX_MINUTES_A_DAY = [(d, "09:00", "09:06") for d in range(7)]
MONDAY_9 = datetime(2025, 3, 3, 9, tzinfo=PARIS)
MONDAY_UTC = datetime(2025, 3, 3, tzinfo=UTC)
# the zones of the property tests, plus the farthest from UTC on both sides
ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
)


def office(**kwargs) -> WorkingCalendar:
    return WorkingCalendar(OFFICE, "Europe/Paris", **kwargs)


def weekly(start: str, end: str, tz: str = "UTC", **kwargs) -> WorkingCalendar:
    """One shift a week, on Mondays: about 13,000 intervals over the whole span."""
    return WorkingCalendar([(0, start, end)], tz, **kwargs)


def coverage(cal: WorkingCalendar) -> tuple[int, timedelta]:
    """How much the calendar has materialised: (intervals, calendar time covered)."""
    cov = cal._cov
    if cov is None:
        return 0, timedelta(0)
    return len(cov.starts), timedelta(microseconds=cov.hi - cov.lo)


def max_intervals(cal: WorkingCalendar) -> int:
    """The most intervals a coverage of the span may hold: one per shift occurrence, one more
    per closure (it may split one) and per opening."""
    return (SPAN // WEEK + 2) * len(cal.shifts) + len(cal._closures) + len(cal._openings)


def assert_within_span(cal: WorkingCalendar) -> None:
    intervals, covered = coverage(cal)
    assert covered <= SPAN, f"coverage spans {covered}, more than {SPAN}"
    assert intervals <= max_intervals(cal), f"{intervals} intervals materialised"


def utc_us(value: datetime) -> int:
    """Microseconds from 1970 UTC of any aware datetime (no overflow at years 1 and 9999)."""
    return (value.replace(tzinfo=None) - datetime(1970, 1, 1)) // US - value.utcoffset() // US


def assert_engine_error(exc: BaseException) -> None:
    """An engine error raised on purpose, not one converted by the last-resort guard."""
    assert isinstance(exc, SlaEngineError), repr(exc)
    assert "cannot be computed:" not in str(exc), f"caught only by the guard: {exc}"


def outcome(call):
    """The result of ``call()``, or the SlaEngineError it raised (anything else fails)."""
    try:
        return call()
    except SlaEngineError as exc:
        assert_engine_error(exc)
        return exc


def names(exc_info, *values: str) -> None:
    message = str(exc_info.value)
    for value in values:
        assert value in message, f"{value!r} not in {message!r}"


# ---------------------------------------------------------------------------
# The constants
# ---------------------------------------------------------------------------


def test_bounds_are_public_documented_constants():
    assert MAX_DURATION == timedelta(hours=87_660)
    assert MAX_SPAN_YEARS == 250
    assert MAX_PERCENT == 1000.0
    assert {"MAX_DURATION", "MAX_SPAN_YEARS", "MAX_PERCENT"} <= set(sla_engine.__all__)
    for module in (sla_engine, sla_engine.calendar, sla_engine.clock, sla_engine.escalation):
        assert "Bounds" in module.__doc__
    assert "Bounds" in WorkingCalendar.__doc__


# ---------------------------------------------------------------------------
# add: MAX_DURATION
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sign", [1, -1], ids=["forward", "backward"])
def test_add_beyond_max_duration_is_refused_without_materialising(sign):
    cal = office()
    with pytest.raises(CalendarRangeError) as exc_info:
        cal.add(MONDAY_9, sign * timedelta(hours=1e7))
    names(exc_info, "10,000,000 h", "MAX_DURATION", "87,660 h")
    assert coverage(cal) == (0, timedelta(0))


@pytest.mark.parametrize("sign", [1, -1], ids=["forward", "backward"])
def test_add_one_microsecond_beyond_max_duration_is_refused(sign):
    cal = office()
    with pytest.raises(CalendarRangeError, match="MAX_DURATION"):
        cal.add(MONDAY_9, sign * (MAX_DURATION + US))
    assert coverage(cal) == (0, timedelta(0))


@pytest.mark.parametrize("duration", [timedelta.max, timedelta.min], ids=["max", "min"])
@pytest.mark.parametrize("always", [False, True], ids=["office", "always"])
def test_add_of_the_largest_timedeltas_is_refused(duration, always):
    cal = WorkingCalendar.always("Europe/Paris") if always else office()
    with pytest.raises(CalendarRangeError, match="MAX_DURATION"):
        cal.add(MONDAY_9, duration)
    with pytest.raises(CalendarRangeError, match="MAX_DURATION"):
        cal.add_many([MONDAY_9], [duration])
    assert coverage(cal) == (0, timedelta(0))


def test_add_on_the_always_calendar_respects_max_duration():
    cal = WorkingCalendar.always("Asia/Kolkata")
    assert cal.add(MONDAY_9, MAX_DURATION) == MONDAY_9 + MAX_DURATION
    assert cal.add(MONDAY_9, -MAX_DURATION) == MONDAY_9 - MAX_DURATION
    with pytest.raises(CalendarRangeError, match="MAX_DURATION"):
        cal.add(MONDAY_9, MAX_DURATION + US)


def test_add_many_beyond_max_duration_is_refused_without_materialising():
    cal = office()
    with pytest.raises(CalendarRangeError) as exc_info:
        cal.add_many([MONDAY_9, MONDAY_9], [8 * H, -(MAX_DURATION + H)])
    names(exc_info, "87,661 h", "MAX_DURATION")
    assert coverage(cal) == (0, timedelta(0))


def test_exactly_max_duration_works_both_ways_on_the_office_calendar():
    # 87,660 h = 2,504 weeks of 35 h and 20 h: Monday 7 h, Tuesday 7 h, Wednesday 09-12, 13-16.
    cal = office()
    later = cal.add(MONDAY_9, MAX_DURATION)
    day = date(2025, 3, 3) + timedelta(weeks=2504, days=2)
    assert later == datetime.combine(day, time(16), tzinfo=PARIS)
    assert cal.between(MONDAY_9, later) == MAX_DURATION
    assert cal.add(later, -MAX_DURATION) == MONDAY_9
    earlier = cal.add(MONDAY_9, -MAX_DURATION)
    assert cal.between(earlier, MONDAY_9) == MAX_DURATION
    assert cal.add(earlier, MAX_DURATION) == datetime(2025, 2, 28, 17, tzinfo=PARIS)  # the end before it
    assert_within_span(cal)


# ---------------------------------------------------------------------------
# add: what cannot end within MAX_SPAN_YEARS of its start
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sign", [1, -1], ids=["forward", "backward"])
def test_add_that_cannot_fit_in_the_span_is_refused_before_walking(sign):
    # 42 minutes a week: 87,660 h would take 125,000 years (today: a 14 s walk).
    cal = WorkingCalendar(SIX_MINUTES_A_DAY, "Europe/Paris")
    with pytest.raises(CalendarRangeError) as exc_info:
        cal.add(MONDAY_9, sign * MAX_DURATION)
    names(exc_info, "3652 days, 12:00:00", f"MAX_SPAN_YEARS = {MAX_SPAN_YEARS}")
    assert coverage(cal) == (0, timedelta(0))


def test_add_ending_280_years_later_is_refused_before_walking():
    # 6 h a week: 87,660 h take 14,610 weeks, 280 years
    cal = weekly("09:00", "15:00")
    with pytest.raises(CalendarRangeError, match="MAX_SPAN_YEARS"):
        cal.add(MONDAY_UTC, MAX_DURATION)
    assert coverage(cal) == (0, timedelta(0))


def test_add_ending_240_years_later_is_found():
    # 7 h a week: 87,660 h = 12,522 weeks and 6 h, 240 years: within the span, so the
    # bound (weekly hours, DST slack) must let it through.
    cal = weekly("09:00", "16:00")
    start = MONDAY_UTC + 9 * H
    result = cal.add(start, MAX_DURATION)
    assert result == start + timedelta(weeks=12522) + 6 * H
    assert cal.between(start, result) == MAX_DURATION
    assert_within_span(cal)


@pytest.mark.parametrize("sign", [1, -1], ids=["forward", "backward"])
def test_add_through_closures_longer_than_the_span_stops_at_the_span(sign):
    # The bound (weekly hours) lets 100 h through; the walk meets 275 years of closure.
    if sign > 0:
        closure = (datetime(2025, 3, 4, tzinfo=PARIS), datetime(2300, 1, 1, tzinfo=PARIS))
    else:
        closure = (datetime(1750, 1, 1, tzinfo=PARIS), datetime(2025, 3, 3, tzinfo=PARIS))
    cal = office(closures=[closure])
    start = datetime(2025, 3, 3, 10, tzinfo=PARIS)
    with pytest.raises(CalendarRangeError, match="MAX_SPAN_YEARS"):
        cal.add(start, sign * 100 * H)
    assert_within_span(cal)


def test_add_across_a_200_year_closure_is_found():
    cal = office(closures=[(datetime(2025, 3, 4, tzinfo=PARIS), datetime(2225, 3, 4, tzinfo=PARIS))])
    day = date(2225, 3, 4)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    # 7 h on Monday 2025-03-03, then 2 h on the first weekday from 2225-03-04
    assert cal.add(MONDAY_9, 9 * H) == datetime.combine(day, time(11), tzinfo=PARIS)
    assert_within_span(cal)


# ---------------------------------------------------------------------------
# Queries that need more than MAX_SPAN_YEARS of calendar
# ---------------------------------------------------------------------------


def test_between_further_apart_than_the_span_is_refused_without_materialising():
    # Today: 6.5 s and 2,025 years of intervals.
    cal = office()
    with pytest.raises(CalendarRangeError) as exc_info:
        cal.between(datetime(1, 1, 5, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    names(exc_info, "0001-01-05", "2026-01-01", f"MAX_SPAN_YEARS = {MAX_SPAN_YEARS}")
    assert coverage(cal) == (0, timedelta(0))


def test_between_just_within_the_span_is_answered():
    cal = weekly("09:00", "17:00")
    weeks = SPAN // WEEK  # 13,044 weeks, the last one complete
    assert cal.between(MONDAY_UTC, MONDAY_UTC + timedelta(weeks=weeks)) == weeks * 8 * H
    assert_within_span(cal)
    with pytest.raises(CalendarRangeError, match="MAX_SPAN_YEARS"):
        cal.between(MONDAY_UTC, MONDAY_UTC + SPAN)


def test_working_intervals_further_apart_than_the_span_are_refused():
    cal = office()
    with pytest.raises(CalendarRangeError, match="MAX_SPAN_YEARS"):
        cal.working_intervals(MONDAY_9, MONDAY_9 + SPAN + H)
    assert coverage(cal) == (0, timedelta(0))


def test_between_many_with_one_pair_further_apart_than_the_span_is_refused():
    cal = office()
    late = datetime(2400, 1, 1, tzinfo=PARIS)
    with pytest.raises(CalendarRangeError, match="MAX_SPAN_YEARS"):
        cal.between_many([MONDAY_9, MONDAY_9], [MONDAY_9 + H, late])
    assert_within_span(cal)


def test_batches_with_instants_further_apart_than_the_span_match_scalar_calls():
    cal = office()
    # Mondays 300 years apart: each is answered from a coverage of its own
    starts = [datetime(y, 3, d, 9, tzinfo=PARIS) for y, d in ((1700, 1), (2000, 6), (2300, 5))]
    durations = [8 * H, -8 * H, 40 * H]
    ends = [s + timedelta(days=10) for s in starts]
    assert cal.add_many(starts, durations) == [cal.add(s, d) for s, d in zip(starts, durations)]
    assert cal.between_many(starts, ends) == [cal.between(s, e) for s, e in zip(starts, ends)]
    assert cal.between_many(starts, ends) == [56 * H] * 3  # all on Mondays
    assert_within_span(cal)


def test_next_working_through_closures_longer_than_the_span_is_refused():
    cal = office(closures=[(datetime(2025, 3, 4, tzinfo=PARIS), datetime(2300, 1, 1, tzinfo=PARIS))])
    at = datetime(2025, 3, 5, 10, tzinfo=PARIS)
    assert not cal.is_working(at)
    with pytest.raises(CalendarRangeError) as exc_info:
        cal.next_working(at)
    names(exc_info, "2025-03-05", f"MAX_SPAN_YEARS = {MAX_SPAN_YEARS}")
    assert_within_span(cal)


def test_next_working_after_a_200_year_closure_is_found():
    cal = office(closures=[(datetime(2025, 3, 4, tzinfo=PARIS), datetime(2225, 3, 4, tzinfo=PARIS))])
    day = date(2225, 3, 4)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    assert cal.next_working(datetime(2025, 3, 5, tzinfo=PARIS)) == datetime.combine(
        day, time(9), tzinfo=PARIS
    )
    assert_within_span(cal)


def test_between_on_the_always_calendar_is_not_span_limited():
    cal = WorkingCalendar.always()
    first, last = datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)
    assert cal.between(first, last) == last - first
    assert cal.between_many([last], [first]) == [first - last]
    assert coverage(cal) == (0, timedelta(0))


def test_a_far_query_never_makes_a_later_one_fail():
    cal = weekly("09:00", "17:00", "Europe/Paris")
    far = MONDAY_UTC + timedelta(weeks=12_000)  # 230 years later
    expected = 12_000 * 8 * H
    assert cal.between(MONDAY_UTC, far) == expected
    assert not cal.is_working(datetime(1790, 1, 1, tzinfo=UTC))  # 235 years before
    assert_within_span(cal)
    assert cal.between(MONDAY_UTC, far) == expected  # as on a fresh calendar
    assert_within_span(cal)
    assert cal.is_working(datetime(2525, 3, 3, 10, tzinfo=PARIS)) is (date(2525, 3, 3).weekday() == 0)
    assert_within_span(cal)


def test_queries_at_both_ends_of_the_range_keep_coverage_small():
    cal = office()
    for at in (datetime(2, 1, 4, 10, tzinfo=PARIS), datetime(9998, 6, 4, 10, tzinfo=PARIS), MONDAY_9):
        assert cal.is_working(at) is (at.date().weekday() < 5)
        assert coverage(cal)[0] < 200


# ---------------------------------------------------------------------------
# Years 1 and 9999
# ---------------------------------------------------------------------------


def test_building_at_year_1_west_of_utc_does_not_overflow():
    new_york = ZoneInfo("America/New_York")
    cal = WorkingCalendar(OFFICE, "America/New_York")
    at = datetime(1, 1, 8, 10, tzinfo=new_york)
    assert cal.is_working(at) is (at.date().weekday() < 5)
    assert cal.between(at, at + WEEK) == 35 * H


def test_periods_before_year_1_in_utc_are_clipped_to_the_range_of_datetime():
    tokyo = ZoneInfo("Asia/Tokyo")
    closure = (datetime(1, 1, 1, tzinfo=tokyo), datetime(1, 1, 2, tzinfo=tokyo))
    cal = WorkingCalendar(OFFICE, "Asia/Tokyo", closures=[closure], openings=[closure])
    assert cal.closures == ((datetime(1, 1, 1, tzinfo=UTC), closure[1].astimezone(UTC)),)
    assert cal.openings == cal.closures


def test_converting_beyond_the_range_of_datetime_is_a_range_error():
    with pytest.raises(CalendarRangeError, match="0001-01-01"):
        to_utc_naive(datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")))
    with pytest.raises(CalendarRangeError, match="9999-12-31"):
        from_utc_naive(datetime(9999, 12, 31, 23, tzinfo=ZoneInfo("America/New_York")))


def _calendar_calls(cal: WorkingCalendar, a: datetime, b: datetime) -> dict:
    durations = [timedelta.max, timedelta.min, MAX_DURATION + US, 8 * H, -8 * H, timedelta(0)]
    calls = {
        "is_working": lambda: cal.is_working(a),
        "next_working": lambda: cal.next_working(a),
        "between": lambda: cal.between(a, b),
        "between_many": lambda: cal.between_many([a, b], [b, a]),
        "add_many": lambda: cal.add_many([a] * len(durations), durations),
    }
    if abs(b - a) < timedelta(days=30) or cal.is_always:
        calls["working_intervals"] = lambda: cal.working_intervals(a, b)
    for d in durations:
        calls[f"add {d}"] = lambda d=d: cal.add(a, d)
    if cal.is_always:
        calls["add MAX_DURATION"] = lambda: cal.add(a, MAX_DURATION)
        calls["add -MAX_DURATION"] = lambda: cal.add(a, -MAX_DURATION)
    return calls


@pytest.mark.parametrize("zone", ZONES)
def test_calendar_calls_at_years_1_and_9999_give_a_result_or_an_engine_error(zone):
    tz = ZoneInfo(zone)
    instants = [
        datetime(1, 1, 1, tzinfo=tz),
        datetime(1, 1, 4, 10, tzinfo=tz),
        datetime(9999, 12, 28, 10, tzinfo=tz),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=tz),
    ]
    calendars = [
        WorkingCalendar(OFFICE, zone),
        WorkingCalendar([(6, "22:00", "06:00")], zone, closures=[(instants[0], instants[1])]),
        WorkingCalendar.always(zone),
    ]
    for cal in calendars:
        for a in instants:
            for b in instants:
                for call in _calendar_calls(cal, a, b).values():
                    outcome(call)
                    assert_within_span(cal)


# ---------------------------------------------------------------------------
# Targets, levels and escalation shares
# ---------------------------------------------------------------------------


def test_contractual_target_beyond_max_duration_is_a_clock_error():
    with pytest.raises(ClockError) as exc_info:
        Target(MAX_DURATION + H)
    names(exc_info, "87,661 h", "MAX_DURATION", "87,660 h")


def test_internal_target_beyond_max_duration_is_a_clock_error():
    with pytest.raises(ClockError) as exc_info:
        Target(MAX_DURATION, MAX_DURATION + H)
    names(exc_info, "internal", "87,661 h", "87,660 h")


def test_target_of_timedelta_max_is_a_clock_error():
    with pytest.raises(ClockError, match="MAX_DURATION"):
        Target(timedelta.max)


def test_target_of_exactly_max_duration_is_accepted():
    assert Target(MAX_DURATION, MAX_DURATION).contractual == MAX_DURATION


@pytest.mark.parametrize(
    "percent",
    [True, False, math.nan, math.inf, -math.inf, "50", None, Decimal("50"), 1j, 10**400],
    ids=["true", "false", "nan", "inf", "-inf", "string", "none", "decimal", "complex", "10**400"],
)
def test_percent_that_is_not_a_finite_real_number_is_refused(percent):
    with pytest.raises(SlaEngineError) as exc_info:
        Level(7, 1, Trigger.PERCENT_CONTRACTUAL, percent=percent)
    assert_engine_error(exc_info.value)
    names(exc_info, "level 7", repr(percent)[:20])


@pytest.mark.parametrize("percent", [MAX_PERCENT + 1e-9, 1e12, 1e308])
def test_percent_above_max_percent_is_refused(percent):
    with pytest.raises(SlaEngineError) as exc_info:
        Level(7, 1, Trigger.PERCENT_INTERNAL, percent=percent)
    names(exc_info, "level 7", repr(percent), "MAX_PERCENT")


def test_percent_of_exactly_max_percent_is_accepted():
    assert Level(7, 1, Trigger.PERCENT_CONTRACTUAL, percent=1000).percent == MAX_PERCENT


def test_percent_must_be_finite_on_offset_levels_too():
    with pytest.raises(SlaEngineError, match="level 7"):
        Level(7, 1, Trigger.BEFORE_DEADLINE, percent=math.nan, offset=H)


@pytest.mark.parametrize("offset", [3600, "1:00", None], ids=["int", "string", "none"])
def test_offset_that_is_not_a_timedelta_is_refused(offset):
    with pytest.raises(SlaEngineError) as exc_info:
        Level(7, 1, Trigger.AFTER_DEADLINE, offset=offset)
    assert_engine_error(exc_info.value)
    names(exc_info, "level 7", repr(offset))


@pytest.mark.parametrize("offset", [MAX_DURATION + US, timedelta.max], ids=["one-more-microsecond", "max"])
def test_offset_beyond_max_duration_is_refused(offset):
    with pytest.raises(SlaEngineError) as exc_info:
        Level(7, 1, Trigger.AFTER_DEADLINE, offset=offset)
    names(exc_info, "level 7", "MAX_DURATION")


@pytest.mark.parametrize("sequence", [1.5, "1", True, None])
def test_level_sequence_must_be_an_integer(sequence):
    with pytest.raises(SlaEngineError, match="sequence"):
        Level(7, sequence, Trigger.AFTER_DEADLINE)


def test_level_id_must_be_hashable():
    with pytest.raises(SlaEngineError, match="hashable"):
        Level([7], 1, Trigger.AFTER_DEADLINE)


def _clock_24_7(target: Target) -> SlaClock:
    return SlaClock(office(), target, [ClockEvent("start", MONDAY_9)])


@pytest.mark.parametrize(
    "trigger, target",
    [
        (Trigger.PERCENT_CONTRACTUAL, Target(MAX_DURATION, business=False)),
        (Trigger.PERCENT_INTERNAL, Target(MAX_DURATION, MAX_DURATION / 2, business=False)),
    ],
    ids=["contractual", "internal"],
)
def test_a_share_beyond_max_duration_is_a_range_error_naming_the_level(trigger, target):
    clock = _clock_24_7(target)
    levels = [Level(9, 1, trigger, percent=1000)]
    for call in (lambda: level_times(levels, clock, MONDAY_9), lambda: plan(levels, clock, MONDAY_9)):
        with pytest.raises(CalendarRangeError) as exc_info:
            call()
        names(exc_info, "level 9", "1000 %", "MAX_DURATION")


def test_a_share_of_exactly_max_duration_is_computed():
    clock = _clock_24_7(Target(MAX_DURATION / 10, business=False))
    times = level_times([Level(9, 1, Trigger.PERCENT_CONTRACTUAL, percent=1000)], clock, MONDAY_9)
    assert times == {9: MONDAY_9 + MAX_DURATION}


def test_an_offset_of_max_duration_after_the_deadline_is_computed():
    clock = _clock_24_7(Target(H, business=False))
    level = Level(9, 1, Trigger.AFTER_DEADLINE, offset=MAX_DURATION, business=False)
    assert level_times([level], clock, MONDAY_9) == {9: MONDAY_9 + H + MAX_DURATION}


def test_reach_times_beyond_max_duration_is_a_range_error():
    clock = _clock_24_7(Target(H, business=False))
    with pytest.raises(CalendarRangeError, match="MAX_DURATION"):
        clock.reach_times([H, MAX_DURATION + US], MONDAY_9)


# ---------------------------------------------------------------------------
# Clocks at extreme instants
# ---------------------------------------------------------------------------

LADDER = [
    Level(1, 10, Trigger.PERCENT_INTERNAL, percent=75),
    Level(2, 20, Trigger.BEFORE_DEADLINE, offset=H),
    Level(3, 30, Trigger.AFTER_DEADLINE, offset=24 * H, business=False),
]


@pytest.mark.parametrize("zone", ZONES)
def test_clocks_with_events_at_years_1_and_9999_give_a_status_or_an_engine_error(zone):
    tz = ZoneInfo(zone)
    first, last = datetime(1, 1, 1, tzinfo=tz), datetime(9999, 12, 31, 23, 59, tzinfo=tz)
    for target in (Target(8 * H, 4 * H), Target(8 * H, business=False)):
        for start in (first, last, MONDAY_9):
            events = [ClockEvent("start", start), ClockEvent("pause", start + US, "waiting")]
            events.append(ClockEvent("resume", last))
            clock = outcome(lambda events=events, target=target: SlaClock(office(), target, events))
            assert isinstance(clock, SlaClock)
            for at in (first, last, MONDAY_9):
                status = outcome(lambda clock=clock, at=at: clock.status(at))
                if not isinstance(status, SlaEngineError):
                    for tz_name in (None, *ZONES):
                        lines = outcome(lambda status=status, tz_name=tz_name: status.explain(tz_name))
                        assert isinstance(lines, list)
                outcome(lambda clock=clock, at=at: plan(LADDER, clock, at))
                outcome(lambda clock=clock, at=at: clock.reach_times([H, 100 * H], at))


def test_explain_shows_an_instant_the_asked_zone_cannot_represent():
    # 9999-12-31 22:00 UTC is in year 10000 at Kiritimati (UTC+14): shown in its own zone.
    start = datetime(9999, 12, 31, 22, tzinfo=UTC)
    clock = SlaClock(WorkingCalendar.always(), Target(H, business=False), [ClockEvent("start", start)])
    lines = clock.status(start).explain("Pacific/Kiritimati")
    assert "started Fri 9999-12-31 22:00 UTC" in lines
    assert "deadline Fri 9999-12-31 23:00 UTC" in lines


# ---------------------------------------------------------------------------
# Bad types and the last-resort guard
# ---------------------------------------------------------------------------

_CAL = office()
_CLOCK = SlaClock(_CAL, Target(8 * H), [ClockEvent("start", MONDAY_9)])


@pytest.mark.parametrize(
    "call",
    [
        lambda: WorkingCalendar(5, "UTC"),
        lambda: WorkingCalendar(OFFICE, "UTC", closures=5),
        lambda: WorkingCalendar(OFFICE, "UTC", openings=[(MONDAY_9, 5)]),
        lambda: _CAL.add_many(5, 5),
        lambda: _CAL.between_many([MONDAY_9], None),
        lambda: _CAL.add(MONDAY_9, 5),
        lambda: SlaClock(_CAL, Target(H), 5),
        lambda: ClockEvent("pause", MONDAY_9, reason=["waiting"]),
        lambda: ClockEvent("start", MONDAY_9, target=8),
        lambda: _CLOCK.reach_times([5], MONDAY_9),
        lambda: level_times(5, _CLOCK, MONDAY_9),
        lambda: level_times([5], _CLOCK, MONDAY_9),
        lambda: plan(LADDER, "clock", MONDAY_9),
        lambda: plan(LADDER, _CLOCK, MONDAY_9, fired=5),
        lambda: plan(LADDER, _CLOCK, MONDAY_9, status="status"),
    ],
    ids=[
        "weekly-int",
        "closures-int",
        "opening-end-int",
        "add_many-ints",
        "between_many-none",
        "add-int",
        "events-int",
        "reason-list",
        "target-int",
        "reach-int",
        "levels-int",
        "level-int",
        "clock-str",
        "fired-int",
        "status-str",
    ],
)
def test_wrongly_typed_arguments_are_engine_errors(call):
    assert isinstance(outcome(call), SlaEngineError)


def test_a_foreign_exception_inside_a_calendar_call_becomes_an_engine_error(monkeypatch):
    cal = office()

    def overflow(*args):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(cal, "_add_us", overflow)
    with pytest.raises(CalendarRangeError, match="cannot be computed: OverflowError") as exc_info:
        cal.add(MONDAY_9, H)
    assert isinstance(exc_info.value.__cause__, OverflowError)


def test_a_foreign_exception_inside_a_clock_call_becomes_an_engine_error(monkeypatch):
    clock = SlaClock(office(), Target(H), [ClockEvent("start", MONDAY_9)])

    def broken(*args):
        raise TypeError("unsupported operand")

    monkeypatch.setattr(clock, "_replay", broken)
    with pytest.raises(SlaEngineError, match="SlaClock.status.*cannot be computed: TypeError"):
        clock.status(MONDAY_9)


# ---------------------------------------------------------------------------
# Properties: extreme values give a result or an engine error, within the span
# ---------------------------------------------------------------------------

# Shared, as the addon shares them: what one example materialises, the next may reuse,
# drop or start afresh from. Sparse shifts keep a whole span cheap to build.
CALENDARS = [
    office(),
    WorkingCalendar([(6, "22:00", "06:00")], "Australia/Lord_Howe", closures=[(MONDAY_9, MONDAY_9 + SPAN)]),
    WorkingCalendar(
        [(2, "00:00", "03:30")],
        "Pacific/Kiritimati",
        openings=[
            (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 3, 1, tzinfo=UTC)),
            (datetime(9999, 11, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),
        ],
    ),
    WorkingCalendar.always("Asia/Kolkata"),
]
_LAST = datetime(9999, 12, 31, 23, 59, 59, 999999)


@st.composite
def instants(draw) -> datetime:
    """An aware instant: within ten days of either end of datetime's range, within two
    years of 2025, or anywhere, in a zone of ZONES (either fold)."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    kind = draw(st.sampled_from(("first", "last", "now", "anywhere")))
    if kind == "first":
        naive = datetime(1, 1, 1) + timedelta(seconds=draw(st.integers(0, 10 * 86_400)))
    elif kind == "last":
        naive = _LAST - timedelta(seconds=draw(st.integers(0, 10 * 86_400)))
    elif kind == "now":
        naive = datetime(2025, 1, 1) + timedelta(minutes=draw(st.integers(-1_051_920, 1_051_920)))
    else:
        naive = draw(st.datetimes())
    return naive.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))


durations = st.one_of(
    st.sampled_from(
        [timedelta.max, timedelta.min, MAX_DURATION, -MAX_DURATION, MAX_DURATION + US, -MAX_DURATION - US]
    ),
    st.timedeltas(),
    st.timedeltas(min_value=-1000 * H, max_value=1000 * H),
)


@given(
    cal=st.sampled_from(CALENDARS),
    op=st.sampled_from(
        ("add", "add_many", "between", "between_many", "is_working", "next_working", "working_intervals")
    ),
    a=instants(),
    b=instants(),
    d=durations,
)
def test_any_calendar_query_gives_a_result_or_an_engine_error_within_the_span(cal, op, a, b, d):
    before = cal._cov
    apart = timedelta(microseconds=abs(utc_us(b) - utc_us(a)))
    if op == "working_intervals" and not cal.is_always and apart > timedelta(days=366):
        b = a  # keep the list of periods short
    call = {
        "add": lambda: cal.add(a, d),
        "add_many": lambda: cal.add_many([a, b], [d, -d if d != timedelta.max else timedelta.min]),
        "between": lambda: cal.between(a, b),
        "between_many": lambda: cal.between_many([a, b], [b, a]),
        "is_working": lambda: cal.is_working(a),
        "next_working": lambda: cal.next_working(a),
        "working_intervals": lambda: cal.working_intervals(a, b),
    }[op]
    result = outcome(call)
    assert_within_span(cal)
    if op in ("add", "add_many") and abs(d) > MAX_DURATION:
        assert isinstance(result, CalendarRangeError)
        assert cal._cov is before  # refused up front
    if op == "between" and not cal.is_always and apart >= SPAN:
        assert isinstance(result, CalendarRangeError)
        assert cal._cov is before


percents = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=2 * MAX_PERCENT),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([True, False, None, "75", Decimal("75"), MAX_PERCENT, 1e308]),
)
offsets = st.one_of(
    st.timedeltas(),
    st.timedeltas(min_value=timedelta(0), max_value=MAX_DURATION + H),
    st.sampled_from([None, 3600, "1h", MAX_DURATION, MAX_DURATION + US]),
)


@given(
    trigger=st.sampled_from(Trigger),
    percent=percents,
    offset=offsets,
    contractual=st.one_of(
        st.timedeltas(min_value=US, max_value=MAX_DURATION), st.sampled_from([MAX_DURATION])
    ),
    business=st.booleans(),
    at=instants(),
)
def test_any_level_is_valid_or_refused_and_its_time_is_a_result_or_an_engine_error(
    trigger, percent, offset, contractual, business, at
):
    level = outcome(lambda: Level(5, 1, trigger, percent=percent, offset=offset, business=business))
    if isinstance(level, SlaEngineError):
        assert "level 5" in str(level) or "level id" in str(level)
        return
    assert isinstance(level.percent, float) and math.isfinite(level.percent)
    if trigger in (Trigger.PERCENT_INTERNAL, Trigger.PERCENT_CONTRACTUAL):
        assert 0 < level.percent <= MAX_PERCENT
    assert timedelta(0) <= level.offset <= MAX_DURATION
    # counted on the 24/7 calendar, so that ten years of targets stay cheap
    internal = contractual // 2 or None
    clock = _clock_24_7(Target(contractual, internal, business=False))
    times = outcome(lambda: level_times([level], clock, at))
    outcome(lambda: plan([level], clock, at))
    if trigger in (Trigger.PERCENT_INTERNAL, Trigger.PERCENT_CONTRACTUAL):
        base = internal if trigger is Trigger.PERCENT_INTERNAL and internal else contractual
        if base * (level.percent / 100) > MAX_DURATION + US:
            assert isinstance(times, CalendarRangeError)


event_kinds = st.sampled_from(["start", "pause", "resume", "stop", "reopen", "exempt", "unexempt", "target"])
targets = st.builds(
    Target,
    st.one_of(st.timedeltas(min_value=US, max_value=100 * H), st.sampled_from([MAX_DURATION])),
    st.none(),
    st.booleans(),
).filter(lambda t: t.business is False or t.contractual <= 100 * H)


@given(
    target=targets,
    events=st.lists(st.tuples(event_kinds, instants(), targets), min_size=1, max_size=5),
    at=instants(),
    tz=st.sampled_from((None, *ZONES)),
)
def test_any_clock_at_extreme_instants_gives_a_status_or_an_engine_error(target, events, at, tz):
    cal = CALENDARS[0]
    clock = SlaClock(
        cal,
        target,
        [ClockEvent(kind, when, "why", new if kind == "target" else None) for kind, when, new in events],
    )
    status = outcome(lambda: clock.status(at))
    if not isinstance(status, SlaEngineError):
        assert isinstance(outcome(lambda: status.explain(tz)), list)
    outcome(lambda: plan(LADDER, clock, at))
    outcome(lambda: clock.reach_times([H, 100 * H], at))
    assert_within_span(cal)
