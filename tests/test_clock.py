"""The SLA clock: state, deadlines and elapsed time from events, on business calendars."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_engine import ClockError, ClockEvent, ClockState, SlaClock, Target, WorkingCalendar
from sla_engine.errors import NaiveDatetimeError

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# Mon-Fri 09:00-12:00 / 13:00-17:00, Monday 2025-03-10 a public holiday
OFFICE = WorkingCalendar(
    [(d, "09:00", "12:00") for d in range(5)] + [(d, "13:00", "17:00") for d in range(5)],
    "Europe/Paris",
    closures=[(paris(2025, 3, 10), paris(2025, 3, 11))],
)
EIGHT = Target(8 * H, 6 * H)


def ev(kind: str, at: datetime, reason: str = "", target: Target | None = None) -> ClockEvent:
    return ClockEvent(kind, at, reason, target)


def test_running_clock_deadline_skips_weekend_and_holiday():
    clock = SlaClock(OFFICE, EIGHT, [ev("start", paris(2025, 3, 7, 16))])
    status = clock.status(paris(2025, 3, 7, 16, 30))
    assert status.state is ClockState.RUNNING
    # 1 h on Friday, Monday closed, 7 h on Tuesday
    assert status.deadline == paris(2025, 3, 11, 17)
    assert status.internal_deadline == paris(2025, 3, 11, 15)
    assert status.working_elapsed == timedelta(minutes=30)
    assert status.time_left == timedelta(hours=7, minutes=30)


def test_pause_over_weekend_moves_deadline_by_working_time_only():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("pause", paris(2025, 3, 7, 11), "waiting for customer"),
        ev("resume", paris(2025, 3, 11, 9)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 11, 9))
    assert status.state is ClockState.RUNNING
    assert status.working_elapsed == 2 * H
    assert status.paused_time == timedelta(days=3, hours=22)
    assert status.deadline == paris(2025, 3, 11, 16)  # 6 h left from Tuesday 09:00


def test_paused_clock_has_no_deadline_and_keeps_reason():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("pause", paris(2025, 3, 7, 11), "waiting for customer")]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 12, 9))
    assert status.state is ClockState.PAUSED
    assert status.paused and status.pause_reason == "waiting for customer"
    assert status.deadline is None
    assert status.time_left == 6 * H


def test_stop_before_deadline_is_met_and_keeps_margin():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("stop", paris(2025, 3, 7, 15))]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20, 9))
    assert status.state is ClockState.MET
    assert status.stopped_at == paris(2025, 3, 7, 15)
    assert status.time_left == 3 * H
    assert status.breached_at is None


def test_stop_exactly_at_deadline_is_met():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("stop", paris(2025, 3, 7, 17))]
    status = SlaClock(OFFICE, Target(7 * H), events).status(paris(2025, 3, 7, 18))
    assert status.state is ClockState.MET


def test_breach_time_is_the_deadline_not_the_time_of_observation():
    clock = SlaClock(OFFICE, EIGHT, [ev("start", paris(2025, 3, 7, 16))])
    status = clock.status(paris(2025, 3, 14, 12))
    assert status.state is ClockState.BREACHED
    assert status.breached_at == paris(2025, 3, 11, 17)
    assert status.time_left < timedelta(0)


def test_internal_target_passed_is_at_risk_not_breached():
    clock = SlaClock(OFFICE, EIGHT, [ev("start", paris(2025, 3, 7, 16))])
    status = clock.status(paris(2025, 3, 11, 15, 30))
    assert status.state is ClockState.RUNNING
    assert status.at_risk
    assert status.internal_breached_at == paris(2025, 3, 11, 15)


def test_stop_while_paused_never_counts_the_pause():
    events = [
        ev("start", paris(2025, 3, 3, 9)),
        ev("pause", paris(2025, 3, 3, 10), "waiting for customer"),
        ev("stop", paris(2025, 4, 14, 9)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 4, 20))
    assert status.state is ClockState.MET
    assert status.working_elapsed == H
    assert status.pauses[0].end == paris(2025, 4, 14, 9)


def test_reopen_resumes_counting_from_the_reopening():
    events = [
        ev("start", paris(2025, 3, 3, 9)),
        ev("stop", paris(2025, 3, 3, 12)),
        ev("reopen", paris(2025, 3, 5, 9)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 5, 10))
    assert status.state is ClockState.RUNNING
    assert status.working_elapsed == 4 * H
    assert status.deadline == paris(2025, 3, 5, 15)  # 3 h on Monday, 3 h + 2 h on Wednesday


def test_target_change_applies_retroactively_from_start_with_past_pauses():
    events = [
        ev("start", paris(2025, 3, 3, 9)),
        ev("pause", paris(2025, 3, 3, 10), "waiting"),
        ev("resume", paris(2025, 3, 4, 9)),
        ev("target", paris(2025, 3, 4, 10), target=Target(2 * H)),
    ]
    clock = SlaClock(OFFICE, EIGHT, events)
    before = clock.status(paris(2025, 3, 4, 9, 30))
    assert before.deadline == paris(2025, 3, 4, 17)  # 1 h on Monday + a 7-hour Tuesday
    after = clock.status(paris(2025, 3, 4, 10, 30))
    # 2 h: one hour on Monday before the pause, one after the resume
    assert after.deadline == paris(2025, 3, 4, 10)
    assert after.state is ClockState.BREACHED
    assert after.breached_at == paris(2025, 3, 4, 10)


def test_target_change_after_reaching_keeps_met():
    events = [
        ev("start", paris(2025, 3, 3, 9)),
        ev("stop", paris(2025, 3, 3, 15)),
        ev("target", paris(2025, 3, 4, 9), target=Target(1 * H)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 5))
    assert status.state is ClockState.MET
    assert status.target == EIGHT


def test_calendar_time_target_counts_nights_and_weekends():
    clock = SlaClock(OFFICE, Target(24 * H, business=False), [ev("start", paris(2025, 3, 7, 16))])
    assert clock.status(paris(2025, 3, 7, 17)).deadline == paris(2025, 3, 8, 16)


def test_exempted_clock_reports_exempted_with_reason():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("exempt", paris(2025, 3, 7, 10), "force majeure")]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20))
    assert status.state is ClockState.EXEMPTED
    assert status.exempt_reason == "force majeure"


def test_lifting_an_exemption_restores_the_measured_state():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("exempt", paris(2025, 3, 7, 10), "force majeure"),
        ev("unexempt", paris(2025, 3, 7, 11)),
    ]
    assert SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20)).state is ClockState.BREACHED


def test_clock_before_start_is_pending():
    status = SlaClock(OFFICE, EIGHT, [ev("start", paris(2025, 3, 7, 9))]).status(paris(2025, 3, 6))
    assert status.state is ClockState.PENDING
    assert status.deadline is None


def test_explain_lists_pauses_deadline_and_state():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("pause", paris(2025, 3, 7, 11), "waiting for customer")]
    lines = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 7, 12)).explain("Europe/Paris")
    text = "\n".join(lines)
    assert "waiting for customer" in text
    assert "state: paused" in text
    assert "target: 8h00 business time (internal 6h00)" in text


def test_shares_split_working_time_among_owners_and_pauses_by_reason():
    # 24 h SLA from Friday 16:00: Service Desk until Tuesday 11:00, paused Tuesday 14:00-16:00
    # waiting for the customer, then Sysadmins from Wednesday 10:00
    events = [
        ev("start", paris(2025, 3, 7, 16)),
        ev("pause", paris(2025, 3, 11, 14), "Waiting for customer"),
        ev("resume", paris(2025, 3, 11, 16), "Waiting for customer"),
    ]
    clock = SlaClock(OFFICE, Target(24 * H), events)
    owners = [
        (paris(2025, 3, 7, 16), "desk"),
        (paris(2025, 3, 11, 11), "desk"),
        (paris(2025, 3, 12, 10), "sys"),
    ]
    at = paris(2025, 3, 12, 15)
    shares = clock.shares(at, owners)
    # desk: Fri 16-17 (1 h), Tue 9-12 and 13-14 (4 h), Tue 16-17 (1 h), Wed 9-10 (1 h)
    assert shares.working == {"desk": 7 * H, "sys": 4 * H}  # sys: Wed 10-12, 13-15
    assert shares.total == clock.status(at).working_elapsed == 11 * H
    assert shares.paused == {"Waiting for customer": 2 * H}
    assert shares.largest() == "desk"


def test_shares_before_the_first_owner_belong_to_nobody():
    clock = SlaClock(OFFICE, Target(8 * H), [ev("start", paris(2025, 3, 11, 9))])
    shares = clock.shares(paris(2025, 3, 11, 12), [(paris(2025, 3, 11, 10), "team")])
    assert shares.working == {None: 1 * H, "team": 2 * H}


def test_shares_refuse_owners_out_of_order():
    clock = SlaClock(OFFICE, Target(8 * H), [ev("start", paris(2025, 3, 11, 9))])
    with pytest.raises(ClockError, match="time order"):
        clock.shares(paris(2025, 3, 11, 12), [(paris(2025, 3, 11, 11), "a"), (paris(2025, 3, 11, 10), "b")])


@pytest.mark.parametrize(
    ("contractual", "internal", "message"),
    [
        (timedelta(0), None, "contractual target must be a positive"),
        (-H, None, "contractual target must be a positive"),
        (H, 2 * H, "looser than the contractual"),
        (H, timedelta(0), "internal target must be a positive"),
    ],
)
def test_invalid_targets_are_refused_with_their_value(contractual, internal, message):
    with pytest.raises(ClockError, match=message):
        Target(contractual, internal)


def test_unknown_event_kind_is_refused():
    with pytest.raises(ClockError, match="'paws'"):
        ClockEvent("paws", paris(2025, 3, 7))


def test_naive_event_time_is_refused():
    with pytest.raises(NaiveDatetimeError):
        ClockEvent("start", datetime(2025, 3, 7))


# ---------------------------------------------------------------- properties
BASE = paris(2025, 3, 3, 8)  # Monday, a week before the holiday
KINDS = ["start", "pause", "resume", "stop", "reopen"]

event_lists = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=14 * 24 * 4)),
    min_size=1,
    max_size=12,
).map(lambda items: [ev(k, BASE + timedelta(minutes=15 * q), "r") for k, q in items])
observe = st.integers(min_value=0, max_value=16 * 24 * 4).map(lambda q: BASE + timedelta(minutes=15 * q))


def oracle_walk(events: list[ClockEvent], at: datetime) -> tuple[list[datetime], str]:
    """Walk minute by minute: the working minutes counted while started, not paused, not
    stopped, and the state at ``at``."""
    ordered = sorted(events, key=lambda e: e.at)
    started = paused = stopped = False
    counted = []
    i = 0
    t = BASE
    while t < at:
        while i < len(ordered) and ordered[i].at <= t:
            kind = ordered[i].kind.value
            if kind == "start":
                started = True
            elif started and kind == "pause" and not stopped:
                paused = True
            elif started and kind == "resume":
                paused = False
            elif started and kind == "stop":
                stopped, paused = True, False
            elif started and kind == "reopen":
                stopped = False
            i += 1
        if started and not paused and not stopped and OFFICE.is_working(t):
            counted.append(t)
        t += timedelta(minutes=1)
    return counted, "stopped" if stopped else "paused" if paused else "running" if started else "pending"


def oracle_elapsed(events: list[ClockEvent], at: datetime) -> tuple[timedelta, str]:
    """The working time counted by the minute-by-minute walk, and the state."""
    counted, state = oracle_walk(events, at)
    return timedelta(minutes=len(counted)), state


@settings(max_examples=150, deadline=None)
@given(event_lists, observe)
def test_elapsed_matches_a_minute_by_minute_walk(events, at):
    status = SlaClock(OFFICE, Target(40 * H), events).status(at)
    counted, _ = oracle_elapsed(events, at)
    assert status.working_elapsed == counted
    assert status.time_left == 40 * H - counted


@settings(max_examples=300, deadline=None)
@given(event_lists, observe)
def test_applying_the_same_events_twice_gives_the_same_status(events, at):
    once = SlaClock(OFFICE, EIGHT, events).status(at)
    twice = SlaClock(OFFICE, EIGHT, events + events).status(at)
    assert once == twice


@settings(max_examples=300, deadline=None)
@given(event_lists, observe)
def test_deadline_is_where_counted_time_reaches_the_target(events, at):
    status = SlaClock(OFFICE, EIGHT, events).status(at)
    if status.deadline is None or status.state is ClockState.MET:
        return
    # the deadline projects the events known at `at`; later events may move it
    known = [e for e in events if e.at <= at]
    later = SlaClock(OFFICE, EIGHT, known).status(status.deadline)
    assert later.working_elapsed == EIGHT.contractual
    if status.state is ClockState.BREACHED:
        assert status.breached_at == status.deadline < at or status.stopped_at > status.deadline


@settings(max_examples=300, deadline=None)
@given(event_lists, observe)
def test_state_agrees_with_elapsed_and_target(events, at):
    status = SlaClock(OFFICE, EIGHT, events).status(at)
    if status.state is ClockState.PENDING:
        assert status.started_at is None
    elif status.state is ClockState.BREACHED:
        assert status.working_elapsed >= EIGHT.contractual
    elif status.state is ClockState.MET:
        assert status.working_elapsed <= EIGHT.contractual
    else:
        assert status.working_elapsed <= EIGHT.contractual
        assert (status.state is ClockState.PAUSED) == status.paused


def oracle_shares(events: list[ClockEvent], at: datetime, owners: list[tuple[datetime, int]]) -> dict:
    """Walk minute by minute: each counted minute goes to the owner of that minute."""
    shares: dict = {}
    for t in oracle_walk(events, at)[0]:
        owner = None
        for since, who in owners:
            if since <= t:
                owner = who
        shares[owner] = shares.get(owner, timedelta(0)) + timedelta(minutes=1)
    return shares


@settings(max_examples=150, deadline=None)
@given(event_lists, observe, st.lists(st.integers(min_value=0, max_value=14 * 24 * 4), max_size=5))
def test_shares_match_a_minute_by_minute_walk_and_add_up_exactly(events, at, quarters):
    owners = [(BASE + timedelta(minutes=15 * q), index % 3) for index, q in enumerate(sorted(quarters))]
    clock = SlaClock(OFFICE, EIGHT, events)
    shares = clock.shares(at, owners)
    expected = oracle_shares(events, at, owners)
    assert {k: v for k, v in shares.working.items() if v} == expected
    assert sum(shares.working.values(), timedelta(0)) == shares.total == clock.status(at).working_elapsed
