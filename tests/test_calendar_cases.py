"""Hand-checked cases for :class:`sla_engine.WorkingCalendar`.

Every expected value here was worked out by hand (the comment next to it shows
the count), the way an administrator checks a calendar before trusting it.
Instants are always compared in UTC: two datetimes that share a ``tzinfo``
compare and subtract by wall time in Python, which would hide fold mistakes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sla_engine import WorkingCalendar
from sla_engine.errors import (
    CalendarRangeError,
    EmptyScheduleError,
    MalformedIntervalError,
    NaiveDatetimeError,
    UnknownTimezoneError,
)

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
TOKYO = ZoneInfo("Asia/Tokyo")

H = timedelta(hours=1)
MIN = timedelta(minutes=1)

# Mon-Fri 09:00-12:00 and 13:00-17:00: 7 working hours a day.
OFFICE = [(wd, "09:00", "12:00") for wd in range(5)] + [(wd, "13:00", "17:00") for wd in range(5)]
# Mon-Fri 09:00-17:00: 8 working hours a day.
NINE_FIVE = [(wd, "09:00", "17:00") for wd in range(5)]
# Night shifts starting Monday..Friday evening at 22:00, ending 06:00 next morning.
NIGHTS = [(wd, "22:00", "06:00") for wd in range(5)]


def paris(*args, fold=0):
    return datetime(*args, tzinfo=PARIS, fold=fold)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def at_utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_instant(result: datetime, expected: datetime, cal: WorkingCalendar) -> None:
    """Same instant, and expressed in the calendar's zone."""
    assert isinstance(result, datetime)
    assert result.tzinfo is not None
    assert utc(result) == utc(expected), f"{result!r} ({utc(result)}) != {expected!r} ({utc(expected)})"
    assert getattr(result.tzinfo, "key", None) == cal.tz_name


def forms(value) -> list[str]:
    """Ways a message may name a value."""
    out = [str(value), repr(value)]
    if isinstance(value, datetime):
        out.append(value.isoformat())
        out.append(value.isoformat(sep=" "))
    return out


def assert_names(exc_info, *values) -> None:
    """The error message names at least one of ``values`` in some usual spelling."""
    msg = str(exc_info.value)
    assert any(f in msg for v in values for f in forms(v)), f"message {msg!r} does not name {values!r}"


# ---------------------------------------------------------------------------
# Adding business time
# ---------------------------------------------------------------------------


def test_friday_evening_plus_seven_hours_skips_monday_holiday_and_ends_tuesday_evening():
    # Office has 7 h a day; Monday 2025-03-10 is a holiday.  Tue 09-12 (3 h) + 13-17 (4 h) = 7 h.
    cal = WorkingCalendar(OFFICE, "Europe/Paris", closures=[(paris(2025, 3, 10), paris(2025, 3, 11))])
    assert_instant(cal.add(paris(2025, 3, 7, 17), 7 * H), paris(2025, 3, 11, 17), cal)


def test_friday_evening_plus_eight_hours_with_monday_holiday_on_seven_hour_days_ends_wednesday_ten():
    # Tuesday gives 7 h (09-12, 13-17); the 8th hour is Wednesday 09:00-10:00.
    cal = WorkingCalendar(OFFICE, "Europe/Paris", closures=[(paris(2025, 3, 10), paris(2025, 3, 11))])
    assert_instant(cal.add(paris(2025, 3, 7, 17), 8 * H), paris(2025, 3, 12, 10), cal)


def test_friday_evening_plus_eight_hours_with_monday_holiday_on_eight_hour_days_ends_tuesday_evening():
    # 09:00-17:00 days: Tuesday alone gives the 8 h.
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris", closures=[(paris(2025, 3, 10), paris(2025, 3, 11))])
    assert_instant(cal.add(paris(2025, 3, 7, 17), 8 * H), paris(2025, 3, 11, 17), cal)


def test_friday_four_pm_plus_two_hours_skips_the_weekend_to_monday_ten():
    cal = WorkingCalendar(OFFICE, "Europe/Paris")
    # Fri 16-17 (1 h) + Mon 09-10 (1 h).
    assert_instant(cal.add(paris(2025, 3, 14, 16), 2 * H), paris(2025, 3, 17, 10), cal)


def test_full_day_from_friday_nine_ends_friday_five_not_monday_nine():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert_instant(cal.add(paris(2025, 3, 7, 9), 8 * H), paris(2025, 3, 7, 17), cal)


def test_lunch_break_is_skipped():
    cal = WorkingCalendar(OFFICE, "Europe/Paris")
    # Mon 11:30-12:00 (30 min) + 13:00-13:30 (30 min).
    assert_instant(cal.add(paris(2025, 3, 17, 11, 30), H), paris(2025, 3, 17, 13, 30), cal)
    # Exactly reaching the lunch break ends at 12:00, not 13:00.
    assert_instant(cal.add(paris(2025, 3, 17, 11), H), paris(2025, 3, 17, 12), cal)


def test_start_on_saturday_begins_counting_monday_nine():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert_instant(cal.add(paris(2025, 3, 8, 10), H), paris(2025, 3, 10, 10), cal)
    assert_instant(cal.next_working(paris(2025, 3, 8, 10)), paris(2025, 3, 10, 9), cal)


def test_start_before_opening_time_begins_at_opening():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert_instant(cal.add(paris(2025, 3, 11, 7, 15), 30 * MIN), paris(2025, 3, 11, 9, 30), cal)


def test_sub_minute_start_carries_its_seconds_over_the_weekend():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    # 30 s left on Friday, 30 s on Monday.
    assert_instant(cal.add(paris(2025, 3, 7, 16, 59, 30), MIN), paris(2025, 3, 10, 9, 0, 30), cal)
    assert cal.between(paris(2025, 3, 7, 16, 59, 30), paris(2025, 3, 10, 9, 0, 15)) == timedelta(seconds=45)


# ---------------------------------------------------------------------------
# Negative durations
# ---------------------------------------------------------------------------


def test_monday_five_pm_minus_eight_hours_is_monday_nine():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert_instant(cal.add(paris(2025, 3, 10, 17), -8 * H), paris(2025, 3, 10, 9), cal)


def test_negative_duration_crosses_the_weekend_backwards():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    # Mon 09-10 (1 h) + Fri 16-17 (1 h): the latest instant is Fri 16:00.
    assert_instant(cal.add(paris(2025, 3, 10, 10), -2 * H), paris(2025, 3, 7, 16), cal)
    # From Monday 09:00 one hour back is Friday 16:00.
    assert_instant(cal.add(paris(2025, 3, 10, 9), -H), paris(2025, 3, 7, 16), cal)


def test_negative_duration_from_saturday_counts_back_from_friday_five():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert_instant(cal.add(paris(2025, 3, 8, 12), -H), paris(2025, 3, 7, 16), cal)


def test_negative_duration_ending_at_a_lunch_break_gives_the_latest_instant():
    cal = WorkingCalendar(OFFICE, "Europe/Paris")
    # From 14:00 back 1 h: 13:00-14:00; latest instant with that much work is 13:00, not 12:00.
    assert_instant(cal.add(paris(2025, 3, 17, 14), -H), paris(2025, 3, 17, 13), cal)
    # Back 90 min: 13-14 (1 h) + 11:30-12:00.
    assert_instant(cal.add(paris(2025, 3, 17, 14), -90 * MIN), paris(2025, 3, 17, 11, 30), cal)


# ---------------------------------------------------------------------------
# Zero duration, next_working, is_working
# ---------------------------------------------------------------------------


def test_add_zero_is_next_working():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    for start, expected in [
        (paris(2025, 3, 12, 10), paris(2025, 3, 12, 10)),  # working: itself
        (paris(2025, 3, 12, 18), paris(2025, 3, 13, 9)),  # evening: next morning
        (paris(2025, 3, 14, 17), paris(2025, 3, 17, 9)),  # Friday 17:00 is not working (end exclusive)
        (paris(2025, 3, 15, 12), paris(2025, 3, 17, 9)),  # Saturday
    ]:
        assert_instant(cal.add(start, timedelta(0)), expected, cal)
        assert_instant(cal.next_working(start), expected, cal)


def test_is_working_includes_start_and_excludes_end():
    cal = WorkingCalendar(OFFICE, "Europe/Paris")
    assert cal.is_working(paris(2025, 3, 17, 9))
    assert not cal.is_working(paris(2025, 3, 17, 8, 59, 59, 999999))
    assert cal.is_working(paris(2025, 3, 17, 11, 59, 59))
    assert not cal.is_working(paris(2025, 3, 17, 12))
    assert not cal.is_working(paris(2025, 3, 17, 12, 59))
    assert cal.is_working(paris(2025, 3, 17, 13))
    assert cal.is_working(paris(2025, 3, 17, 16, 59, 59, 999999))
    assert not cal.is_working(paris(2025, 3, 17, 17))
    assert not cal.is_working(paris(2025, 3, 15, 10))  # Saturday


def test_next_working_of_a_working_instant_is_itself_in_calendar_zone():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    at = at_utc(2025, 3, 12, 10, 17, 23)  # 11:17:23 in Paris
    assert_instant(cal.next_working(at), at, cal)


# ---------------------------------------------------------------------------
# between
# ---------------------------------------------------------------------------


def test_between_same_instant_is_zero():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    for a in (paris(2025, 3, 12, 10), paris(2025, 3, 15, 10)):
        assert cal.between(a, a) == timedelta(0)
        assert cal.between(a, utc(a)) == timedelta(0)


def test_between_over_a_weekend():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert cal.between(paris(2025, 3, 14, 16), paris(2025, 3, 17, 10)) == 2 * H


def test_between_reversed_is_negative():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    a, b = paris(2025, 3, 10, 9), paris(2025, 3, 11, 17)
    assert cal.between(a, b) == 16 * H
    assert cal.between(b, a) == -16 * H


def test_between_a_week_of_office_hours_is_35_hours():
    cal = WorkingCalendar(OFFICE, "Europe/Paris")
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 17)) == 35 * H


# ---------------------------------------------------------------------------
# Night shifts
# ---------------------------------------------------------------------------


def test_night_shift_counts_across_midnight():
    cal = WorkingCalendar(NIGHTS, "Europe/Paris")
    # Mon 23:00 + 3 h = Tue 02:00 (same shift, past midnight).
    assert_instant(cal.add(paris(2025, 3, 3, 23), 3 * H), paris(2025, 3, 4, 2), cal)
    # Whole Monday night: Mon 21:00 .. Tue 07:00 holds 22:00-06:00 = 8 h.
    assert cal.between(paris(2025, 3, 3, 21), paris(2025, 3, 4, 7)) == 8 * H


def test_night_shift_belongs_to_the_weekday_it_starts_on():
    cal = WorkingCalendar(NIGHTS, "Europe/Paris")
    assert cal.is_working(paris(2025, 3, 4, 3))  # Tuesday 03:00: Monday's night
    assert not cal.is_working(paris(2025, 3, 3, 3))  # Monday 03:00: no Sunday night shift
    assert cal.is_working(paris(2025, 3, 8, 5, 59))  # Saturday 05:59: Friday's night
    assert not cal.is_working(paris(2025, 3, 8, 6))
    assert not cal.is_working(paris(2025, 3, 8, 23))  # Saturday night: no shift


def test_night_shift_friday_night_to_monday_night():
    cal = WorkingCalendar(NIGHTS, "Europe/Paris")
    # Sat 05:00-06:00 (1 h) then Monday 22:00-23:00.
    assert_instant(cal.add(paris(2025, 3, 8, 5), 2 * H), paris(2025, 3, 10, 23), cal)
    # A week holds five 8 h nights.
    assert cal.between(paris(2025, 3, 3), paris(2025, 3, 10)) == 40 * H


# ---------------------------------------------------------------------------
# DST: shift lengths follow the wall clock (documented behaviour)
# ---------------------------------------------------------------------------


def test_paris_sunday_one_to_three_lasts_one_hour_when_clocks_go_forward():
    cal = WorkingCalendar([(6, "01:00", "03:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 29, 12), paris(2025, 3, 30, 12)) == H
    # 01:00 CET = 00:00 UTC; 03:00 CEST = 01:00 UTC.
    assert_instant(cal.next_working(paris(2025, 3, 29, 12)), at_utc(2025, 3, 30, 0), cal)
    assert cal.is_working(at_utc(2025, 3, 30, 0, 59))
    assert not cal.is_working(at_utc(2025, 3, 30, 1))


def test_paris_sunday_one_to_three_lasts_three_hours_when_clocks_go_back():
    cal = WorkingCalendar([(6, "01:00", "03:00")], "Europe/Paris")
    assert cal.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == 3 * H
    # 01:00 CEST = 23:00 UTC (Saturday); 03:00 CET = 02:00 UTC.
    assert_instant(cal.next_working(paris(2025, 10, 25, 12)), at_utc(2025, 10, 25, 23), cal)
    assert cal.is_working(at_utc(2025, 10, 26, 1, 59))
    assert not cal.is_working(at_utc(2025, 10, 26, 2))


def test_paris_sunday_one_to_three_lasts_two_hours_on_an_ordinary_sunday():
    cal = WorkingCalendar([(6, "01:00", "03:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 22, 12), paris(2025, 3, 23, 12)) == 2 * H


def test_paris_night_shift_lasts_seven_hours_when_clocks_go_forward():
    cal = WorkingCalendar([(5, "22:00", "06:00")], "Europe/Paris")  # Saturday night
    assert cal.between(paris(2025, 3, 29, 12), paris(2025, 3, 30, 12)) == 7 * H
    assert_instant(cal.add(paris(2025, 3, 29, 12), 7 * H), paris(2025, 3, 30, 6), cal)


def test_paris_night_shift_lasts_nine_hours_when_clocks_go_back():
    cal = WorkingCalendar([(5, "22:00", "06:00")], "Europe/Paris")
    assert cal.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == 9 * H
    assert_instant(cal.add(paris(2025, 10, 25, 12), 9 * H), paris(2025, 10, 26, 6), cal)
    # Two hours into the shift (22:00 CEST = 20:00 UTC) is the first 00:00.
    assert_instant(cal.add(paris(2025, 10, 25, 12), 5 * H), at_utc(2025, 10, 26, 1), cal)


def test_shift_starting_in_the_spring_gap_starts_at_the_transition():
    cal = WorkingCalendar([(6, "02:30", "04:00")], "Europe/Paris")
    # 02:30 does not exist on 2025-03-30: the shift starts at 03:00 CEST = 01:00 UTC.
    assert_instant(cal.next_working(paris(2025, 3, 29, 12)), at_utc(2025, 3, 30, 1), cal)
    assert cal.between(paris(2025, 3, 29, 12), paris(2025, 3, 30, 12)) == H


def test_shift_ending_in_the_spring_gap_ends_at_the_transition():
    cal = WorkingCalendar([(6, "01:00", "02:30")], "Europe/Paris")
    # 01:00 CET = 00:00 UTC .. transition 01:00 UTC.
    assert cal.between(paris(2025, 3, 29, 12), paris(2025, 3, 30, 12)) == H
    assert not cal.is_working(at_utc(2025, 3, 30, 1))


def test_shift_starting_at_an_ambiguous_time_starts_at_its_first_occurrence():
    cal = WorkingCalendar([(6, "02:30", "04:00")], "Europe/Paris")
    # First 02:30 (CEST) = 00:30 UTC; 04:00 CET = 03:00 UTC: 2 h 30.
    assert_instant(cal.next_working(paris(2025, 10, 25, 12)), at_utc(2025, 10, 26, 0, 30), cal)
    assert cal.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == 150 * MIN


def test_shift_ending_at_an_ambiguous_time_ends_at_its_second_occurrence():
    cal = WorkingCalendar([(6, "01:00", "02:30")], "Europe/Paris")
    # 01:00 CEST = 23:00 UTC (Sat) .. second 02:30 (CET) = 01:30 UTC: 2 h 30.
    assert cal.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == 150 * MIN
    assert cal.is_working(at_utc(2025, 10, 26, 1, 29))
    assert not cal.is_working(at_utc(2025, 10, 26, 1, 30))
    # The end, expressed in Paris, is the second 02:30 (fold=1).
    end = cal.add(paris(2025, 10, 25, 12), 150 * MIN)
    assert_instant(end, at_utc(2025, 10, 26, 1, 30), cal)
    assert end.utcoffset() == H


def test_shift_ending_where_the_repeated_hour_begins_ends_at_its_first_occurrence():
    # On 2025-10-26 the Paris wall clock reads 02:00 at 00:00 UTC (CEST) and again at
    # 01:00 UTC (CET), and never reads less than 02:00 after 00:00 UTC.  The end is the
    # first instant from which the wall clock reads >= 02:00 for good: 00:00 UTC.
    cal = WorkingCalendar([(6, "01:00", "02:00")], "Europe/Paris")
    assert cal.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == H  # 23:00 -> 00:00 UTC
    assert not cal.is_working(at_utc(2025, 10, 26, 0, 30))
    night = WorkingCalendar([(5, "22:00", "02:00")], "Europe/Paris")
    assert night.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == 4 * H  # 20:00 -> 00:00 UTC
    # New York repeats 01:00-01:59 on 2025-11-02: a Sunday 00:00-01:00 shift is 04:00 -> 05:00 UTC.
    ny = WorkingCalendar([(6, "00:00", "01:00")], "America/New_York")
    assert ny.between(at_utc(2025, 11, 1, 12), at_utc(2025, 11, 2, 12)) == H


def test_new_york_sunday_one_to_four_lasts_two_then_four_hours():
    cal = WorkingCalendar([(6, "01:00", "04:00")], "America/New_York")
    ny = lambda *a: datetime(*a, tzinfo=NEW_YORK)  # noqa: E731
    assert cal.between(ny(2025, 3, 8, 12), ny(2025, 3, 9, 12)) == 2 * H  # 06:00 -> 08:00 UTC
    assert cal.between(ny(2025, 11, 1, 12), ny(2025, 11, 2, 12)) == 4 * H  # 05:00 -> 09:00 UTC
    assert cal.between(ny(2025, 3, 15, 12), ny(2025, 3, 16, 12)) == 3 * H


def test_lord_howe_half_hour_dst_shortens_and_lengthens_by_thirty_minutes():
    cal = WorkingCalendar([(6, "01:00", "04:00")], "Australia/Lord_Howe")
    lh = lambda *a: datetime(*a, tzinfo=LORD_HOWE)  # noqa: E731
    # 2025-10-05: 02:00 -> 02:30. 01:00 +10:30 = 14:30 UTC; 04:00 +11 = 17:00 UTC.
    assert cal.between(lh(2025, 10, 4, 12), lh(2025, 10, 5, 12)) == 150 * MIN
    # 2025-04-06: 02:00 -> 01:30. 01:00 +11 = 14:00 UTC; 04:00 +10:30 = 17:30 UTC.
    assert cal.between(lh(2025, 4, 5, 12), lh(2025, 4, 6, 12)) == 210 * MIN
    assert_instant(cal.next_working(lh(2025, 4, 5, 12)), at_utc(2025, 4, 5, 14), cal)


# ---------------------------------------------------------------------------
# 24/7
# ---------------------------------------------------------------------------


def test_always_adds_real_hours_across_spring_forward():
    cal = WorkingCalendar.always("Europe/Paris")
    start = paris(2025, 3, 29, 12)
    result = cal.add(start, 24 * H)
    assert_instant(result, utc(start) + 24 * H, cal)
    # 24 real hours later the wall clock reads 13:00 (the night lost an hour).
    assert result.astimezone(PARIS).replace(tzinfo=None) == datetime(2025, 3, 30, 13)


def test_always_between_is_real_time_across_fall_back():
    cal = WorkingCalendar.always("Europe/Paris")
    assert cal.between(paris(2025, 10, 25, 12), paris(2025, 10, 26, 12)) == 25 * H
    assert cal.between(paris(2025, 3, 29, 12), paris(2025, 3, 30, 12)) == 23 * H


def test_always_add_lands_on_second_occurrence_with_correct_fold():
    cal = WorkingCalendar.always("Europe/Paris")
    result = cal.add(at_utc(2025, 10, 26, 0), 90 * MIN)  # 01:30 UTC = second 02:30 Paris
    assert_instant(result, at_utc(2025, 10, 26, 1, 30), cal)
    assert result.utcoffset() == H


def test_always_equals_plain_timedelta_arithmetic():
    cal = WorkingCalendar.always("America/New_York")
    start = at_utc(2025, 3, 1, 7, 13, 5)
    for d in (timedelta(0), MIN, 37 * H, timedelta(days=400, seconds=7), -timedelta(days=250, minutes=3)):
        assert_instant(cal.add(start, d), start + d, cal)
        assert cal.between(start, start + d) == d
    assert cal.is_working(start)
    assert_instant(cal.next_working(start), start, cal)


def test_always_defaults_to_utc():
    cal = WorkingCalendar.always()
    assert cal.tz_name == "UTC"
    assert cal.tz.key == "UTC"
    assert_instant(cal.add(at_utc(2025, 1, 1), H), at_utc(2025, 1, 1, 1), cal)


# ---------------------------------------------------------------------------
# Openings and closures
# ---------------------------------------------------------------------------


def test_opening_on_a_saturday_counts():
    cal = WorkingCalendar(
        NINE_FIVE, "Europe/Paris", openings=[(paris(2025, 3, 8, 10), paris(2025, 3, 8, 14))]
    )
    assert cal.is_working(paris(2025, 3, 8, 11))
    assert cal.between(paris(2025, 3, 7, 17), paris(2025, 3, 10, 9)) == 4 * H
    # Fri 16-17 (1 h) + Sat 10-12 (2 h).
    assert_instant(cal.add(paris(2025, 3, 7, 16), 3 * H), paris(2025, 3, 8, 12), cal)


def test_opening_extending_a_shift_is_not_counted_twice():
    cal = WorkingCalendar(
        NINE_FIVE, "Europe/Paris", openings=[(paris(2025, 3, 10, 16), paris(2025, 3, 10, 18))]
    )
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 9 * H


def test_closure_inside_an_opening_wins():
    cal = WorkingCalendar(
        NINE_FIVE,
        "Europe/Paris",
        openings=[(paris(2025, 3, 8, 10), paris(2025, 3, 8, 14))],
        closures=[(paris(2025, 3, 8, 11), paris(2025, 3, 8, 12))],
    )
    assert not cal.is_working(paris(2025, 3, 8, 11, 30))
    assert cal.between(paris(2025, 3, 8), paris(2025, 3, 9)) == 3 * H


def test_closure_equal_to_an_opening_wins():
    span = (paris(2025, 3, 8, 10), paris(2025, 3, 8, 14))
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris", openings=[span], closures=[span])
    assert cal.between(paris(2025, 3, 8), paris(2025, 3, 9)) == timedelta(0)


def test_overlapping_closures_are_not_subtracted_twice():
    cal = WorkingCalendar(
        NINE_FIVE,
        "Europe/Paris",
        closures=[
            (paris(2025, 3, 10, 10), paris(2025, 3, 10, 13)),
            (paris(2025, 3, 10, 12), paris(2025, 3, 10, 15)),
            (paris(2025, 3, 10, 11), paris(2025, 3, 10, 12)),  # inside the first
        ],
    )
    # Monday 09-17 minus 10-15: 3 h.
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 3 * H
    assert_instant(cal.add(paris(2025, 3, 10, 9), 2 * H), paris(2025, 3, 10, 16), cal)


def test_closure_given_in_utc_applies_to_the_same_instants():
    cal = WorkingCalendar(
        NINE_FIVE, "Europe/Paris", closures=[(at_utc(2025, 3, 10, 8), at_utc(2025, 3, 10, 10))]
    )  # 09:00-11:00 Paris
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 6 * H
    assert_instant(cal.next_working(paris(2025, 3, 10, 9)), paris(2025, 3, 10, 11), cal)


def test_overlapping_shifts_are_not_counted_twice():
    cal = WorkingCalendar([(0, "09:00", "17:00"), (0, "12:00", "20:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 11 * H
    cal = WorkingCalendar([(0, "09:00", "17:00"), (0, "09:00", "17:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 8 * H


def test_overnight_shift_overlapping_next_day_shift_is_not_counted_twice():
    cal = WorkingCalendar([(6, "22:00", "10:00"), (0, "09:00", "17:00")], "Europe/Paris")
    # Sun 22:00 .. Mon 17:00 = 19 h.
    assert cal.between(paris(2025, 3, 9), paris(2025, 3, 11)) == 19 * H
    assert_instant(cal.add(paris(2025, 3, 9, 12), 19 * H), paris(2025, 3, 10, 17), cal)


# ---------------------------------------------------------------------------
# Time zones of inputs and outputs
# ---------------------------------------------------------------------------


def test_start_given_in_utc_or_paris_gives_the_same_instant():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    in_paris = paris(2025, 3, 14, 16)
    in_utc = at_utc(2025, 3, 14, 15)
    in_tokyo = in_paris.astimezone(TOKYO)
    expected = paris(2025, 3, 17, 10)
    for start in (in_paris, in_utc, in_tokyo):
        assert_instant(cal.add(start, 2 * H), expected, cal)
        assert cal.between(start, expected) == 2 * H
        assert cal.is_working(start)
    assert cal.between(in_utc, in_paris) == timedelta(0)


def test_result_is_in_the_calendar_zone():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    assert isinstance(cal.tz, ZoneInfo) and cal.tz.key == "Europe/Paris"
    assert cal.tz_name == "Europe/Paris"
    for result in (
        cal.add(at_utc(2025, 3, 14, 15), 2 * H),
        cal.add(at_utc(2025, 3, 14, 15), -2 * H),
        cal.add(at_utc(2025, 3, 14, 15), timedelta(0)),
        cal.next_working(at_utc(2025, 3, 15, 15)),
        cal.next_working(at_utc(2025, 3, 14, 15)),
        *cal.add_many([at_utc(2025, 3, 14, 15)], [H]),
    ):
        assert getattr(result.tzinfo, "key", None) == "Europe/Paris"


def test_between_with_utc_inputs_on_a_paris_calendar_compares_instants():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    # 08:00 UTC = 09:00 Paris; 16:00 UTC = 17:00 Paris (winter).
    assert cal.between(at_utc(2025, 3, 10, 8), at_utc(2025, 3, 10, 16)) == 8 * H
    assert cal.between(at_utc(2025, 3, 10, 7), at_utc(2025, 3, 10, 9)) == H


# ---------------------------------------------------------------------------
# Time formats of the weekly schedule
# ---------------------------------------------------------------------------


def test_time_objects_and_seconds_strings_mean_the_same_as_hh_mm():
    a = WorkingCalendar([(0, time(9), time(17))], "Europe/Paris")
    b = WorkingCalendar([(0, "09:00:00", "17:00:00")], "Europe/Paris")
    c = WorkingCalendar(iter([(0, "09:00", "17:00")]), "Europe/Paris")  # any iterable
    for cal in (a, b, c):
        assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 8 * H
        assert_instant(cal.next_working(paris(2025, 3, 10)), paris(2025, 3, 10, 9), cal)


def test_seconds_in_shift_times_are_honoured():
    cal = WorkingCalendar([(0, "09:00:30", "17:00:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 11)) == 8 * H - timedelta(seconds=30)


def test_end_at_24_00_runs_to_midnight():
    cal = WorkingCalendar([(0, "22:00", "24:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 12)) == 2 * H
    assert not cal.is_working(paris(2025, 3, 11, 0))
    cal = WorkingCalendar([(0, "00:00", "24:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 9), paris(2025, 3, 12)) == 24 * H


def test_end_at_midnight_as_time_object_runs_to_midnight():
    cal = WorkingCalendar([(0, time(22), time(0))], "Europe/Paris")
    assert cal.between(paris(2025, 3, 10), paris(2025, 3, 12)) == 2 * H


def test_start_equal_to_end_is_a_24_hour_shift():
    cal = WorkingCalendar([(0, "09:00", "09:00")], "Europe/Paris")
    assert cal.between(paris(2025, 3, 9), paris(2025, 3, 13)) == 24 * H
    assert cal.is_working(paris(2025, 3, 11, 8, 59))
    assert not cal.is_working(paris(2025, 3, 11, 9))


# ---------------------------------------------------------------------------
# No horizon
# ---------------------------------------------------------------------------


def test_ten_years_of_working_time_is_exact():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    start = paris(2025, 3, 3, 9)  # a Monday
    ten_years = timedelta(days=3650)  # 87,600 h = 2,190 weeks of 40 h
    result = cal.add(start, ten_years)
    back = cal.between(start, result)
    again = cal.add(result, -ten_years)
    # The last working hour is the Friday 17:00 of week 2,190.
    expected_day = date(2025, 3, 3) + timedelta(weeks=2190) - timedelta(days=3)
    assert expected_day.weekday() == 4
    assert_instant(result, datetime.combine(expected_day, time(17), tzinfo=PARIS), cal)
    assert back == ten_years
    assert_instant(again, start, cal)


def test_between_over_ten_calendar_years_counts_every_weekday():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    d0, d1 = date(2025, 1, 1), date(2035, 1, 1)
    weekdays = sum(1 for k in range((d1 - d0).days) if (d0 + timedelta(k)).weekday() < 5)
    got = cal.between(paris(2025, 1, 1), paris(2035, 1, 1))
    assert got == weekdays * 8 * H


# ---------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------


def test_add_many_and_between_many_match_scalar_calls():
    cal = WorkingCalendar(OFFICE, "Europe/Paris", closures=[(paris(2025, 3, 10), paris(2025, 3, 11))])
    starts = [paris(2025, 3, 7, 17), at_utc(2025, 3, 14, 15), paris(2025, 3, 8, 12), paris(2025, 3, 12, 10)]
    durations = [8 * H, -2 * H, timedelta(0), 90 * MIN]
    got = cal.add_many(starts, durations)
    assert len(got) == len(starts)
    for g, s, d in zip(got, starts, durations):
        assert_instant(g, cal.add(s, d), cal)
    ends = [paris(2025, 3, 12, 10), paris(2025, 3, 1), paris(2025, 3, 8, 12), paris(2025, 3, 12, 10)]
    assert cal.between_many(starts, ends) == [cal.between(s, e) for s, e in zip(starts, ends)]
    assert cal.add_many([], []) == []
    assert cal.between_many([], []) == []


# ---------------------------------------------------------------------------
# Errors: type, ValueError compatibility, and the message names the value
# ---------------------------------------------------------------------------


def test_all_errors_are_value_errors():
    for exc in (
        NaiveDatetimeError,
        UnknownTimezoneError,
        EmptyScheduleError,
        MalformedIntervalError,
        CalendarRangeError,
    ):
        assert issubclass(exc, ValueError)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/Pariss", "", "../etc/passwd"])
def test_unknown_timezone_names_the_zone(zone):
    with pytest.raises(UnknownTimezoneError) as exc_info:
        WorkingCalendar(NINE_FIVE, zone)
    if zone:
        assert_names(exc_info, zone)


def test_always_with_unknown_timezone_names_the_zone():
    with pytest.raises(UnknownTimezoneError) as exc_info:
        WorkingCalendar.always("Atlantis/Capital")
    assert_names(exc_info, "Atlantis/Capital")


@pytest.mark.parametrize("weekly", [[], (), iter([])], ids=["list", "tuple", "iterator"])
def test_empty_schedule(weekly):
    with pytest.raises(EmptyScheduleError):
        WorkingCalendar(weekly, "Europe/Paris")


@pytest.mark.parametrize(
    "shift, named",
    [
        ((7, "09:00", "17:00"), "7"),
        ((-1, "09:00", "17:00"), "-1"),
        ((0, "25:00", "26:00"), "25:00"),
        ((0, "9h", "17:00"), "9h"),
        ((0, "09:00", "12:60"), "12:60"),
        ((0, "09:00", "24:30"), "24:30"),
        ((0, "", "17:00"), None),
        ((0, "09:00"), "09:00"),
        ((0, "09:00", "17:00", "18:00"), "18:00"),
    ],
    ids=[
        "weekday-7",
        "weekday-minus-1",
        "hour-25",
        "9h",
        "minute-60",
        "24:30",
        "empty-string",
        "arity-2",
        "arity-4",
    ],
)
def test_malformed_shift_names_the_value(shift, named):
    with pytest.raises(MalformedIntervalError) as exc_info:
        WorkingCalendar(NINE_FIVE + [shift], "Europe/Paris")
    if named is not None:
        assert_names(exc_info, named)


@pytest.mark.parametrize("kind", ["closures", "openings"])
def test_interval_with_end_before_start_names_it(kind):
    start, end = paris(2025, 3, 10, 12), paris(2025, 3, 10, 9)
    with pytest.raises(MalformedIntervalError) as exc_info:
        WorkingCalendar(NINE_FIVE, "Europe/Paris", **{kind: [(start, end)]})
    assert_names(exc_info, start, end)


@pytest.mark.parametrize("kind", ["closures", "openings"])
def test_empty_interval_is_malformed(kind):
    at = paris(2025, 3, 10, 12)
    with pytest.raises(MalformedIntervalError) as exc_info:
        WorkingCalendar(NINE_FIVE, "Europe/Paris", **{kind: [(at, at)]})
    assert_names(exc_info, at)


@pytest.mark.parametrize("kind", ["closures", "openings"])
def test_interval_of_strings_is_malformed(kind):
    with pytest.raises(MalformedIntervalError) as exc_info:
        WorkingCalendar(NINE_FIVE, "Europe/Paris", **{kind: [("2025-03-10", "2025-03-11")]})
    assert_names(exc_info, "2025-03-10")


@pytest.mark.parametrize("kind", ["closures", "openings"])
def test_interval_of_wrong_arity_is_malformed(kind):
    with pytest.raises(MalformedIntervalError):
        WorkingCalendar(NINE_FIVE, "Europe/Paris", **{kind: [(paris(2025, 3, 10),)]})


NAIVE = datetime(2025, 3, 10, 9, 30)
AWARE = paris(2025, 3, 10, 9, 30)


@pytest.mark.parametrize(
    "call",
    [
        lambda cal: cal.add(NAIVE, H),
        lambda cal: cal.add(NAIVE, timedelta(0)),
        lambda cal: cal.between(NAIVE, AWARE),
        lambda cal: cal.between(AWARE, NAIVE),
        lambda cal: cal.is_working(NAIVE),
        lambda cal: cal.next_working(NAIVE),
        lambda cal: cal.add_many([AWARE, NAIVE], [H, H]),
        lambda cal: cal.between_many([AWARE], [NAIVE]),
    ],
    ids=[
        "add",
        "add-zero",
        "between-a",
        "between-b",
        "is_working",
        "next_working",
        "add_many",
        "between_many",
    ],
)
def test_naive_datetime_is_rejected_and_named(call):
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    with pytest.raises(NaiveDatetimeError) as exc_info:
        call(cal)
    assert_names(exc_info, NAIVE)


@pytest.mark.parametrize("kind", ["closures", "openings"])
def test_naive_datetime_in_an_interval_is_rejected_and_named(kind):
    with pytest.raises(NaiveDatetimeError) as exc_info:
        WorkingCalendar(NINE_FIVE, "Europe/Paris", **{kind: [(NAIVE, AWARE + H)]})
    assert_names(exc_info, NAIVE)


def test_result_after_year_9999_is_a_range_error():
    cal = WorkingCalendar.always()
    with pytest.raises(CalendarRangeError):
        cal.add(at_utc(9999, 12, 31, 12), timedelta(days=2))
    with pytest.raises(CalendarRangeError):
        WorkingCalendar(NINE_FIVE, "UTC").add(at_utc(9999, 12, 1), timedelta(days=100))


def test_result_before_year_1_is_a_range_error():
    cal = WorkingCalendar.always()
    with pytest.raises(CalendarRangeError):
        cal.add(at_utc(1, 1, 1, 12), -timedelta(days=2))
    with pytest.raises(CalendarRangeError):
        WorkingCalendar(NINE_FIVE, "UTC").add(at_utc(1, 2, 1), -timedelta(days=100))


def test_ten_years_on_a_sparse_calendar_is_a_range_error():
    # One minute a week: ten years of working time would end ~100,000 years from now.
    # (It is refused from a bound, without walking the calendar: see bench/ for speed.)
    cal = WorkingCalendar([(0, "03:00", "03:01")], "Europe/Paris")
    for d in (timedelta(days=3650), -timedelta(days=3650)):
        with pytest.raises(CalendarRangeError, match="outside the range of datetime"):
            cal.add(paris(2025, 3, 3, 9), d)


def test_ten_years_fit_in_a_long_opening_of_a_sparse_calendar():
    # One minute a week, plus an eleven-year opening: the ten years are found inside the
    # opening (the weekly minutes in it are not counted twice), far from year 9999.
    opening = (at_utc(2025, 1, 1), at_utc(2036, 1, 1))
    cal = WorkingCalendar([(0, "03:00", "03:01")], "Europe/Paris", openings=[opening])
    start = at_utc(2025, 3, 3, 8)
    assert_instant(cal.add(start, timedelta(days=3650)), start + timedelta(days=3650), cal)
    end = at_utc(2035, 12, 1)
    assert_instant(cal.add(end, -timedelta(days=3650)), end - timedelta(days=3650), cal)


def test_result_just_inside_the_range_is_fine():
    cal = WorkingCalendar.always()
    assert_instant(cal.add(at_utc(9999, 12, 30), timedelta(days=1)), at_utc(9999, 12, 31), cal)
    assert_instant(cal.add(at_utc(1, 1, 2), -timedelta(days=1)), at_utc(1, 1, 1), cal)


def test_working_intervals_lists_the_periods_clipped_in_the_calendar_zone():
    cal = WorkingCalendar(NINE_FIVE, "Europe/Paris")
    periods = cal.working_intervals(paris(2025, 3, 7, 16), paris(2025, 3, 10, 10))
    assert periods == [
        (paris(2025, 3, 7, 16), paris(2025, 3, 7, 17)),
        (paris(2025, 3, 10, 9), paris(2025, 3, 10, 10)),
    ]
    assert all(start.tzinfo == PARIS for start, _end in periods)
    assert cal.working_intervals(paris(2025, 3, 8), paris(2025, 3, 9)) == []


def test_always_is_the_only_calendar_without_gaps():
    assert WorkingCalendar.always("Asia/Kolkata").is_always
    assert not WorkingCalendar(NINE_FIVE, "Europe/Paris").is_always
    closed = WorkingCalendar(
        [(d, "00:00", "00:00") for d in range(7)], "UTC", closures=[(at_utc(2025, 1, 1), at_utc(2025, 1, 2))]
    )
    assert not closed.is_always
