"""The SLA clock: state, deadlines and elapsed time from events, on business calendars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_engine import ClockError, ClockEvent, ClockState, Pause, SlaClock, Target, WorkingCalendar
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


# 24 h of calendar time (24/7)
DAY = Target(24 * H, business=False)


def test_exemption_stops_the_clock_from_the_moment_it_is_given():
    # exempted after 1 h; 29 h later it has still counted 1 h and owes nothing
    events = [ev("start", paris(2025, 3, 7, 9)), ev("exempt", paris(2025, 3, 7, 10), "force majeure")]
    status = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 8, 15))
    assert status.state is ClockState.EXEMPTED
    assert status.working_elapsed == status.calendar_elapsed == H
    assert status.paused_time == 29 * H
    assert status.pauses == (Pause(paris(2025, 3, 7, 10), None, "force majeure", exempted=True),)
    assert status.pause_reason == "force majeure" and not status.paused
    assert status.deadline is status.internal_deadline is status.breached_at is None
    assert status.time_left == 23 * H


def test_lifting_an_exemption_counts_on_from_the_lift_with_the_time_left():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("exempt", paris(2025, 3, 7, 10), "force majeure"),
        ev("unexempt", paris(2025, 3, 8, 15), "power back"),
    ]
    status = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 8, 16))
    assert status.state is ClockState.RUNNING
    assert status.working_elapsed == 2 * H
    assert status.deadline == paris(2025, 3, 9, 14)  # 23 h from the lift
    assert status.pauses == (Pause(paris(2025, 3, 7, 10), paris(2025, 3, 8, 15), "force majeure", True),)


def test_exemption_on_business_hours_keeps_the_working_time_before_it():
    # Friday 09:00-11:00 counted, exempted until Tuesday 10:00: 6 h left from then
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("exempt", paris(2025, 3, 7, 11), "force majeure"),
        ev("unexempt", paris(2025, 3, 11, 10)),
    ]
    clock = SlaClock(OFFICE, EIGHT, events)
    during = clock.status(paris(2025, 3, 11, 9, 30))
    assert during.working_elapsed == 2 * H
    assert during.deadline is None
    after = clock.status(paris(2025, 3, 11, 10))
    assert after.deadline == paris(2025, 3, 11, 17)  # 10-12 and 13-17
    assert after.internal_deadline == paris(2025, 3, 11, 15)


def test_overdue_clock_exempted_has_no_deadline_or_breach_until_lifted():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("exempt", paris(2025, 3, 12, 9), "force majeure")]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 14))
    assert status.state is ClockState.EXEMPTED
    assert status.deadline is status.breached_at is status.internal_breached_at is None
    lifted = SlaClock(OFFICE, EIGHT, [*events, ev("unexempt", paris(2025, 3, 14))]).status(paris(2025, 3, 14))
    assert lifted.state is ClockState.BREACHED
    assert lifted.breached_at == paris(2025, 3, 11, 10)  # 7 h on Friday, 1 h on Tuesday


def test_exemption_while_paused_holds_the_clock_once():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("pause", paris(2025, 3, 7, 10), "waiting for customer"),
        ev("exempt", paris(2025, 3, 7, 12), "force majeure"),
    ]
    status = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 7, 15))
    assert status.state is ClockState.EXEMPTED
    assert status.paused and status.pause_reason == "force majeure"
    assert status.pauses == (
        Pause(paris(2025, 3, 7, 10), paris(2025, 3, 7, 12), "waiting for customer"),
        Pause(paris(2025, 3, 7, 12), None, "force majeure", exempted=True),
    )
    assert status.paused_time == 5 * H  # not 5 h paused + 3 h exempted
    assert status.working_elapsed == H


def test_lift_while_the_stage_still_pauses_stays_paused():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("pause", paris(2025, 3, 7, 10), "waiting for customer"),
        ev("exempt", paris(2025, 3, 7, 12), "force majeure"),
        ev("unexempt", paris(2025, 3, 7, 14)),
    ]
    status = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 7, 15))
    assert status.state is ClockState.PAUSED
    assert status.pause_reason == "waiting for customer"
    assert [(p.start.hour, p.end and p.end.hour, p.reason) for p in status.pauses] == [
        (10, 12, "waiting for customer"),
        (12, 14, "force majeure"),
        (14, None, "waiting for customer"),
    ]
    assert status.working_elapsed == H
    assert status.paused_time == 5 * H
    assert status.deadline is None


def test_pause_stage_left_while_exempted_counts_from_the_lift():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("exempt", paris(2025, 3, 7, 10), "force majeure"),
        ev("pause", paris(2025, 3, 7, 11), "waiting for customer"),
        ev("resume", paris(2025, 3, 7, 12)),
        ev("unexempt", paris(2025, 3, 7, 13)),
    ]
    status = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 7, 14))
    assert status.state is ClockState.RUNNING
    assert status.working_elapsed == 2 * H  # 09-10 and 13-14
    assert status.pauses == (Pause(paris(2025, 3, 7, 10), paris(2025, 3, 7, 13), "force majeure", True),)


def test_exempting_a_met_clock_keeps_its_outcome_and_reports_exempted():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("stop", paris(2025, 3, 7, 15)),
        ev("exempt", paris(2025, 3, 11, 9), "force majeure"),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20))
    assert status.state is ClockState.EXEMPTED
    assert status.stopped_at == paris(2025, 3, 7, 15)
    assert status.working_elapsed == 5 * H
    assert status.breached_at is None
    assert status.pauses == ()  # a stopped clock is not held: no pause
    lifted = SlaClock(OFFICE, EIGHT, [*events, ev("unexempt", paris(2025, 3, 12))]).status(paris(2025, 3, 20))
    assert lifted.state is ClockState.MET


def test_exempting_a_breached_clock_keeps_its_breach_recorded():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("stop", paris(2025, 3, 12, 9)),
        ev("exempt", paris(2025, 3, 13, 9), "force majeure"),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20))
    assert status.state is ClockState.EXEMPTED
    assert status.breached_at == status.deadline == paris(2025, 3, 11, 10)
    assert status.stopped_at == paris(2025, 3, 12, 9)


def test_closing_an_exempted_clock_never_counts_the_exemption():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("exempt", paris(2025, 3, 7, 10), "force majeure"),
        ev("stop", paris(2025, 3, 14, 9)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20))
    assert status.state is ClockState.EXEMPTED
    assert status.working_elapsed == H
    assert status.pauses[-1].end == paris(2025, 3, 14, 9)
    lifted = SlaClock(OFFICE, EIGHT, [*events, ev("unexempt", paris(2025, 3, 15))]).status(paris(2025, 3, 20))
    assert lifted.state is ClockState.MET


def test_reopening_an_exempted_clock_keeps_it_held():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("stop", paris(2025, 3, 7, 10)),
        ev("exempt", paris(2025, 3, 7, 11), "force majeure"),
        ev("reopen", paris(2025, 3, 11, 9)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 11, 12))
    assert status.state is ClockState.EXEMPTED
    assert status.working_elapsed == H
    assert status.deadline is None
    assert status.pauses == (Pause(paris(2025, 3, 11, 9), None, "force majeure", exempted=True),)


def test_exemption_before_the_start_holds_it_from_the_start():
    events = [ev("exempt", paris(2025, 3, 7, 8), "force majeure"), ev("start", paris(2025, 3, 7, 9))]
    status = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 7, 12))
    assert status.working_elapsed == timedelta(0)
    assert status.segments == ()
    assert status.pauses == (Pause(paris(2025, 3, 7, 9), None, "force majeure", exempted=True),)


def test_lifting_an_exemption_restores_the_measured_state():
    events = [
        ev("start", paris(2025, 3, 7, 9)),
        ev("exempt", paris(2025, 3, 7, 10), "force majeure"),
        ev("unexempt", paris(2025, 3, 7, 11)),
    ]
    assert SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 20)).state is ClockState.BREACHED


def test_explain_lists_the_exemption_with_its_reason():
    events = [ev("start", paris(2025, 3, 7, 9)), ev("exempt", paris(2025, 3, 7, 10), "force majeure")]
    text = "\n".join(SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 8, 15)).explain("Europe/Paris"))
    assert "exempted Fri 2025-03-07 10:00 CET -> now: force majeure" in text
    assert "elapsed: 1h00 calendar, paused 29h00 (exempted 29h00)" in text
    assert "state: exempted" in text
    assert "deadline" not in text


def test_explain_leaves_out_periods_that_ended_where_they_began():
    at = paris(2025, 3, 7, 9)
    events = [
        ev("start", at),
        ev("exempt", at, "force majeure"),
        ev("unexempt", at),
        ev("pause", at, "waiting"),
    ]
    lines = SlaClock(OFFICE, DAY, events).status(paris(2025, 3, 7, 10)).explain("Europe/Paris")
    assert [line.split(" ")[0] for line in lines if line.startswith(("counting", "paused", "exempted"))] == [
        "paused"
    ]


def test_target_after_the_stop_is_explained_and_the_outcome_stands():
    events = [
        ev("start", paris(2025, 3, 3, 9)),
        ev("stop", paris(2025, 3, 3, 15)),
        ev("target", paris(2025, 3, 4, 9), "policy edited", target=Target(1 * H)),
    ]
    status = SlaClock(OFFICE, EIGHT, events).status(paris(2025, 3, 5))
    assert status.state is ClockState.MET
    assert status.target == EIGHT
    assert (
        "re-evaluated 1 time(s) after it was reached, last against 1h00: the outcome stands" in status.notes
    )


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
KINDS = ["start", "pause", "resume", "stop", "reopen", "exempt", "unexempt"]
REASONS = {"pause": "waiting", "exempt": "force majeure"}  # what holds the clock, by kind

event_lists = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=14 * 24 * 4)),
    min_size=1,
    max_size=12,
).map(lambda items: [ev(k, BASE + timedelta(minutes=15 * q), REASONS.get(k, "r")) for k, q in items])
observe = st.integers(min_value=0, max_value=16 * 24 * 4).map(lambda q: BASE + timedelta(minutes=15 * q))


@dataclass
class Walk:
    """What the minute-by-minute walk found up to an instant."""

    counted: list[datetime]  # the working minutes counted
    wall: int  # minutes counting, working or not (calendar elapsed)
    held: dict[str, int]  # minutes held, by reason: paused, or exempted (the exemption wins)
    exempted: int  # minutes held by an exemption
    state: str  # pending, running, paused, stopped or exempted


def oracle_walk(events: list[ClockEvent], at: datetime) -> Walk:
    """Walk minute by minute with a flag per event kind: a minute counts while started, not
    paused, not stopped and not exempted; a minute after the start and before a stop that
    does not count is held, for the exemption's reason when exempted, else the pause's."""
    ordered = sorted(dict.fromkeys(events), key=lambda e: e.at)  # an event given twice counts once
    flags = {"started": False, "paused": False, "stopped": False, "exempt": False}
    reasons = {"pause": "", "exempt": ""}

    def apply(event: ClockEvent) -> None:
        kind, started = event.kind.value, flags["started"]
        if kind == "exempt" and not flags["exempt"]:
            flags["exempt"], reasons["exempt"] = True, event.reason
        elif kind == "unexempt":
            flags["exempt"] = False
        elif kind == "start":
            flags["started"] = True
        elif started and kind == "pause" and not flags["stopped"] and not flags["paused"]:
            flags["paused"], reasons["pause"] = True, event.reason
        elif started and kind == "resume":
            flags["paused"] = False
        elif started and kind == "stop":
            flags["stopped"], flags["paused"] = True, False
        elif started and kind == "reopen":
            flags["stopped"] = False

    walk = Walk([], 0, {}, 0, "pending")
    i = 0
    t = BASE
    while t <= at:  # the events at `at` too, for the state
        while i < len(ordered) and ordered[i].at <= t:
            apply(ordered[i])
            i += 1
        if t == at:
            break
        if flags["started"] and not flags["stopped"]:
            if flags["exempt"] or flags["paused"]:
                reason = reasons["exempt"] if flags["exempt"] else reasons["pause"]
                walk.held[reason] = walk.held.get(reason, 0) + 1
                walk.exempted += flags["exempt"]
            else:
                walk.wall += 1
                if OFFICE.is_working(t):
                    walk.counted.append(t)
        t += timedelta(minutes=1)
    walk.state = (
        "exempted"
        if flags["exempt"]
        else "stopped"
        if flags["stopped"]
        else "paused"
        if flags["paused"]
        else "running"
        if flags["started"]
        else "pending"
    )
    return walk


def oracle_elapsed(events: list[ClockEvent], at: datetime) -> tuple[timedelta, str]:
    """The working time counted by the minute-by-minute walk, and the state."""
    walk = oracle_walk(events, at)
    return timedelta(minutes=len(walk.counted)), walk.state


@settings(max_examples=150, deadline=None)
@given(event_lists, observe)
def test_elapsed_matches_a_minute_by_minute_walk(events, at):
    status = SlaClock(OFFICE, Target(40 * H), events).status(at)
    counted, _ = oracle_elapsed(events, at)
    assert status.working_elapsed == counted
    assert status.time_left == 40 * H - counted


@settings(max_examples=300, deadline=None)
@given(event_lists, observe)
def test_wall_paused_and_exempted_time_match_the_walk_without_overlap(events, at):
    status = SlaClock(OFFICE, Target(40 * H), events).status(at)
    walk = oracle_walk(events, at)
    minutes = lambda n: timedelta(minutes=n)  # noqa: E731
    assert status.calendar_elapsed == minutes(walk.wall)
    assert status.paused_time == minutes(sum(walk.held.values()))
    by_reason = {}
    for pause in status.pauses:
        by_reason[pause.reason] = by_reason.get(pause.reason, timedelta(0)) + (pause.end or at) - pause.start
    assert {k: v for k, v in by_reason.items() if v} == {k: minutes(v) for k, v in walk.held.items()}
    exempted = sum(((p.end or at) - p.start for p in status.pauses if p.exempted), timedelta(0))
    assert exempted == minutes(walk.exempted)
    # counting periods and pauses follow each other: no instant is counted twice
    pieces = sorted(
        [(start, end or at) for start, end in status.segments]
        + [(p.start, p.end or at) for p in status.pauses]
    )
    assert all(end <= next_start for (_, end), (next_start, _) in zip(pieces, pieces[1:]))


@settings(max_examples=300, deadline=None)
@given(event_lists, observe)
def test_state_matches_the_walk(events, at):
    status = SlaClock(OFFICE, EIGHT, events).status(at)
    expected = {
        "pending": {ClockState.PENDING},
        "running": {ClockState.RUNNING, ClockState.BREACHED},
        "paused": {ClockState.PAUSED, ClockState.BREACHED},
        "stopped": {ClockState.MET, ClockState.BREACHED},
        "exempted": {ClockState.EXEMPTED},
    }[oracle_walk(events, at).state]
    assert status.state in expected


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
    if status.deadline is None or (status.stopped_at is not None and status.breached_at is None):
        return  # reached in time: the deadline is the one it would have had
    # the deadline projects the events known at `at`; later events may move it
    known = [e for e in events if e.at <= at]
    later = SlaClock(OFFICE, EIGHT, known).status(status.deadline)
    assert later.working_elapsed == EIGHT.contractual
    if status.breached_at is not None:
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
    elif status.state is ClockState.EXEMPTED:
        assert status.exempt_reason == REASONS["exempt"]
        if status.stopped_at is None:  # open: nothing owed, nothing missed while exempted
            assert status.deadline is status.internal_deadline is None
            assert status.breached_at is status.internal_breached_at is None
    else:
        assert status.working_elapsed <= EIGHT.contractual
        assert (status.state is ClockState.PAUSED) == status.paused


@settings(max_examples=300, deadline=None)
@given(event_lists, observe, st.integers(min_value=0, max_value=14 * 24 * 4))
def test_an_exemption_lifted_at_once_changes_nothing(events, at, quarter):
    # exempting and lifting at the same instant holds the clock for no time at all
    when = BASE + timedelta(minutes=15 * quarter)
    blip = [ev("exempt", when, "force majeure"), ev("unexempt", when)]
    clock = SlaClock(OFFICE, EIGHT, events)
    if clock.status(when).state is ClockState.EXEMPTED or any(e.at == when for e in events):
        return  # already exempted there, the lift would end that exemption
    plain = clock.status(at)
    status = SlaClock(OFFICE, EIGHT, events + blip).status(at)
    assert (status.working_elapsed, status.deadline, status.state, status.breached_at) == (
        plain.working_elapsed,
        plain.deadline,
        plain.state,
        plain.breached_at,
    )


def oracle_shares(events: list[ClockEvent], at: datetime, owners: list[tuple[datetime, int]]) -> dict:
    """Walk minute by minute: each counted minute goes to the owner of that minute."""
    shares: dict = {}
    for t in oracle_walk(events, at).counted:
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
