"""Escalation ladders on a Paris business calendar (Mon-Fri 09-12/13-17)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_engine import ClockEvent, Level, SlaClock, SlaEngineError, Target, Trigger, WorkingCalendar, plan
from sla_engine.escalation import level_times

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
OFFICE = WorkingCalendar(
    [(d, "09:00", "12:00") for d in range(5)] + [(d, "13:00", "17:00") for d in range(5)], "Europe/Paris"
)
TARGET = Target(8 * H, 4 * H)  # resolution: 8 h contractual, 4 h internal
MONDAY_9 = datetime(2025, 3, 3, 9, tzinfo=PARIS)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


LADDER = [
    Level(1, 10, Trigger.PERCENT_INTERNAL, percent=75),  # reminder after 3 h
    Level(2, 20, Trigger.BEFORE_DEADLINE, offset=H),  # 1 business hour before the deadline
    Level(3, 30, Trigger.AFTER_DEADLINE, offset=2 * H),  # 2 business hours after
    Level(4, 40, Trigger.AFTER_DEADLINE, offset=24 * H, business=False),  # a calendar day after
]


def clock(*events: ClockEvent) -> SlaClock:
    return SlaClock(OFFICE, TARGET, [ClockEvent("start", MONDAY_9), *events])


def test_levels_are_due_at_business_instants():
    times = level_times(LADDER, clock(), MONDAY_9)
    assert times == {
        1: paris(2025, 3, 3, 12),  # 3 h: 09-12
        2: paris(2025, 3, 4, 9),  # deadline Tuesday 10:00 minus one business hour
        3: paris(2025, 3, 4, 12),  # Tuesday 10:00 + 2 business hours
        4: paris(2025, 3, 5, 10),  # Tuesday 10:00 + 24 h of calendar time
    }


def test_nothing_is_due_before_the_first_level():
    result = plan(LADDER, clock(), paris(2025, 3, 3, 11))
    assert result.due == ()
    assert result.next_at == paris(2025, 3, 3, 12)


def test_one_level_fires_at_its_instant_and_the_next_is_planned():
    result = plan(LADDER, clock(), paris(2025, 3, 3, 12))
    assert result.due == (1,)
    assert result.skipped == ()
    assert result.next_at == paris(2025, 3, 4, 9)


def test_fired_levels_do_not_fire_again():
    result = plan(LADDER, clock(), paris(2025, 3, 3, 12, 5), fired={1})
    assert result.due == ()
    assert result.next_at == paris(2025, 3, 4, 9)


def test_only_the_latest_of_several_due_levels_fires():
    result = plan(LADDER, clock(), paris(2025, 3, 4, 13))
    assert result.due == (3,)
    assert result.skipped == (1, 2)
    assert result.next_at == paris(2025, 3, 5, 10)


def test_a_ladder_may_ask_to_fire_missed_levels_in_order():
    result = plan(LADDER, clock(), paris(2025, 3, 4, 13), fire_missed=True)
    assert result.due == (1, 2, 3)
    assert result.skipped == ()


def test_levels_due_at_the_same_instant_all_fire():
    ladder = [Level(1, 10, Trigger.PERCENT_CONTRACTUAL, percent=100), Level(2, 20, Trigger.BEFORE_DEADLINE)]
    result = plan(ladder, clock(), paris(2025, 3, 4, 10, 30))
    assert result.due == (1, 2)


def test_paused_clock_fires_nothing_and_plans_nothing():
    paused = clock(ClockEvent("pause", paris(2025, 3, 3, 10), "waiting"))
    result = plan(LADDER, paused, paris(2025, 3, 10, 9))
    assert result == plan([], paused, paris(2025, 3, 10, 9))
    assert result.due == () and result.next_at is None


def test_pause_moves_the_next_level_by_the_paused_time():
    resumed = clock(
        ClockEvent("pause", paris(2025, 3, 3, 10), "waiting"),
        ClockEvent("resume", paris(2025, 3, 5, 9)),
    )
    # 1 h counted on Monday; 2 more hours from Wednesday 09:00
    assert plan(LADDER, resumed, paris(2025, 3, 5, 9)).next_at == paris(2025, 3, 5, 11)


def test_reached_clock_cancels_its_pending_levels():
    met = clock(ClockEvent("stop", paris(2025, 3, 3, 16)))
    result = plan(LADDER, met, paris(2025, 3, 6, 9))
    assert result.due == () and result.next_at is None


def test_breached_running_clock_still_escalates():
    result = plan(LADDER, clock(), paris(2025, 3, 4, 12), fired={1, 2})
    assert result.due == (3,)


def test_internal_share_falls_back_to_contractual_without_internal_target():
    no_internal = SlaClock(OFFICE, Target(8 * H), [ClockEvent("start", MONDAY_9)])
    times = level_times([Level(1, 1, Trigger.PERCENT_INTERNAL, percent=50)], no_internal, MONDAY_9)
    assert times[1] == paris(2025, 3, 3, 14)  # 4 h: 09-12, 13-14


@pytest.mark.parametrize("percent", [0, -5])
def test_percentage_must_be_positive(percent):
    with pytest.raises(SlaEngineError, match=f"got {percent}"):
        Level(7, 1, Trigger.PERCENT_CONTRACTUAL, percent=percent)


def test_unknown_trigger_is_refused():
    with pytest.raises(SlaEngineError, match="'later'"):
        Level(7, 1, "later")


# ---------------------------------------------------------------- properties
instants = st.integers(min_value=0, max_value=10 * 24 * 4).map(lambda q: MONDAY_9 + timedelta(minutes=15 * q))


@settings(max_examples=300, deadline=None)
@given(st.lists(instants, min_size=1, max_size=12, unique=True))
def test_each_level_fires_exactly_once_whenever_the_cron_runs(run_times):
    """However often and whenever the cron runs, each level is settled once (fired or
    skipped), never twice, and levels fire in ladder order."""
    settled: list[int] = []
    fired_order: list[int] = []
    for at in sorted(run_times):
        result = plan(LADDER, clock(), at, fired=set(settled))
        assert not set(result.due) & set(settled)
        settled += list(result.skipped) + list(result.due)
        fired_order += list(result.due)
    assert len(settled) == len(set(settled))
    assert fired_order == sorted(fired_order)
    last = max(run_times)
    assert set(settled) == {lid for lid, t in level_times(LADDER, clock(), last).items() if t <= last}


@settings(max_examples=300, deadline=None)
@given(st.lists(instants, min_size=1, max_size=12, unique=True))
def test_with_fire_missed_every_due_level_fires_once_in_order(run_times):
    fired: list[int] = []
    for at in sorted(run_times):
        result = plan(LADDER, clock(), at, fired=set(fired), fire_missed=True)
        assert result.skipped == ()
        fired += list(result.due)
    assert fired == sorted(fired) and len(fired) == len(set(fired))


@settings(max_examples=300, deadline=None)
@given(instants)
def test_a_status_given_by_the_caller_plans_the_same(at):
    paused = clock(
        ClockEvent("pause", paris(2025, 3, 3, 10), "waiting"), ClockEvent("resume", paris(2025, 3, 4, 9))
    )
    assert plan(LADDER, paused, at, status=paused.status(at)) == plan(LADDER, paused, at)
