"""Service credits: hand-computed statements, every refusal, and properties against oracles.

The hand-computed cases follow the issue's examples on a 2,000.00 EUR monthly fee:
lateness bands (late up to 4 h: 1 %, up to 8 h: 3 %, more: 5 %), attainment bands
(below 95 %: 5 %, below 90 %: 10 %), availability against a 99.7 % commitment, graded by
bands (below 99.9: 10 %, below 99: 25 %, below 95: 100 %) or linearly (1 % per full 0.1
point below), in a 30-day month and in the Europe/Paris months of 743 and 745 hours.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from sla_engine import (
    Adjustment,
    AttainmentRule,
    AvailabilityRule,
    Band,
    ClockOutcome,
    CreditError,
    Exclusion,
    Linear,
    Outage,
    SlaEngineError,
    TicketRule,
    availability,
    check_bands,
    compute_statement,
    lateness_band,
    percent_band,
    period_bounds,
)

D = Decimal
UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)
ZERO = timedelta(0)
FEE = D("2000.00")

LATENESS = (Band(ZERO, 4 * H, D(1)), Band(4 * H, 8 * H, D(3)), Band(8 * H, None, D(5)))
LATE = TicketRule("late", "Late tickets", LATENESS)
ATTAINMENT = AttainmentRule(
    "attainment",
    "Resolution attainment",
    (Band(D(0), D(90), D(10)), Band(D(90), D(95), D(5))),
    min_tickets=10,
)
AVAILABILITY_BANDS = (Band(D(0), D(95), D(100)), Band(D(95), D(99), D(25)), Band(D(99), D("99.9"), D(10)))
BANDED = AvailabilityRule("uptime", "Availability", D("99.7"), bands=AVAILABILITY_BANDS)
LINEAR = AvailabilityRule("uptime", "Availability", D("99.7"), linear=Linear(D("0.1"), D(1)))
APRIL = period_bounds(2026, 4, "Europe/Paris")  # 30 days, no daylight-saving change: 720 h
MARCH = period_bounds(2026, 3, "Europe/Paris")  # clocks go forward: 743 h
OCTOBER = period_bounds(2026, 10, "Europe/Paris")  # clocks go back: 745 h


def late(ref, lateness, metric="resolution", priority="2", **kwargs) -> ClockOutcome:
    return ClockOutcome(ref, metric, priority, True, lateness, **kwargs)


def met(ref, metric="resolution", priority="2", **kwargs) -> ClockOutcome:
    return ClockOutcome(ref, metric, priority, False, **kwargs)


def outage(period, after: timedelta, length: timedelta, ref="O1", label="") -> Outage:
    return Outage(period[0] + after, period[0] + after + length, ref, label)


# -- lateness ------------------------------------------------------------------------------


def test_each_breach_gives_the_percentage_of_its_lateness_band():
    outcomes = [
        late(1, 2 * H),  # 1 %
        late(2, 4 * H),  # exactly 4 h is "late up to 4 h": 1 %
        late(3, 4 * H + S),  # 3 %
        late(4, 8 * H),  # 3 %
        late(5, 12 * H),  # 5 %
        met(6),
        late(7, ZERO),  # breached with no business time past the deadline: in no band
    ]
    statement = compute_statement(fee=FEE, rules=[LATE], outcomes=outcomes)
    (line,) = statement.lines
    assert (line.rule, line.kind, line.label) == ("late", "ticket", "Late tickets")
    assert line.percent == D(13)
    assert line.amount == D("260.00")
    assert line.refs == (1, 2, 3, 4, 5)
    assert line.measure == "5 breaches"
    assert statement.subtotal == statement.total == D("260.00")
    assert (
        "ticket 3 (resolution, priority 2): late 4:00:01: band 4:00:00-8:00:00 gives 3 %" in line.explanation
    )
    assert "ticket 7 (resolution, priority 2): late 0:00:00: in no band: nothing" in line.explanation
    assert line.explanation[-1] == "Late tickets: 5 breaches: 13 % of the fee = 260.00"


def test_a_ticket_rule_matches_its_metric_and_priority_only():
    rule = TicketRule("urgent", "Urgent first responses", LATENESS, metric="first_response", priority="3")
    outcomes = [
        late(1, H, metric="first_response", priority="3"),  # 1 %
        late(2, 5 * H, metric="first_response", priority="2"),
        late(3, 5 * H, metric="resolution", priority="3"),
    ]
    (line,) = compute_statement(fee=FEE, rules=[rule], outcomes=outcomes).lines
    assert (line.refs, line.amount) == ((1,), D("20.00"))


def test_fixed_amount_bands_give_amounts_not_percentages():
    rule = TicketRule(
        "fixed", "Late tickets", (Band(ZERO, 4 * H, D(50)), Band(4 * H, None, D(120))), fixed=True
    )
    (line,) = compute_statement(fee=FEE, rules=[rule], outcomes=[late(1, H), late(2, 5 * H)]).lines
    assert line.percent is None
    assert line.amount == D("170.00")


def test_one_credit_per_incident_the_latest_breach_of_it():
    outcomes = [
        late(1, 2 * H, incident="INC-7"),
        late(2, 9 * H, incident="INC-7"),  # the latest: 5 %
        late(3, 6 * H, incident="INC-7"),
        late(4, H),  # no incident: 1 %
        late(5, H, incident="INC-8"),  # an incident of one ticket: 1 %
    ]
    (line,) = compute_statement(fee=FEE, rules=[LATE], outcomes=outcomes).lines
    assert line.percent == D(7)
    assert line.amount == D("140.00")
    assert line.refs == (2, 4, 5)
    assert "ticket 1 (resolution, priority 2): late 2:00:00: incident INC-7 counts once, with ticket 2" in (
        line.explanation
    )


def test_an_incident_counts_its_breach_that_gives_the_most():
    # beyond a bounded last band a breach gives nothing: the incident keeps the one that gives
    bounded = TicketRule("bounded", "Late", (Band(ZERO, 4 * H, D(1)), Band(4 * H, 8 * H, D(3))))
    outcomes = [late(1, 6 * H, incident="I"), late(2, 10 * H, incident="I")]
    (line,) = compute_statement(fee=FEE, rules=[bounded], outcomes=outcomes).lines
    assert (line.refs, line.percent) == ((1,), D(3))


def test_an_excluded_breach_gives_nothing_and_is_listed_with_its_reason():
    outcomes = [late(1, 5 * H), late(2, 12 * H, excluded="customer asked to wait")]
    statement = compute_statement(fee=FEE, rules=[LATE], outcomes=outcomes)
    assert statement.total == D("60.00")
    assert statement.exclusions == ((2, "customer asked to wait"),)
    assert (
        "ticket 2 (resolution, priority 2): late 12:00:00: excluded (customer asked to wait): not counted"
        in (statement.lines[0].explanation)
    )


def test_a_line_is_rounded_once_not_per_ticket():
    # 3 % of 333.33 is 9.9999: 10.00, where three rounded 1 % (3.33) would give 9.99
    (line,) = compute_statement(fee=D("333.33"), rules=[LATE], outcomes=[late(i, H) for i in range(3)]).lines
    assert line.amount == D("10.00")


def test_rounding_is_half_up_to_the_quantum():
    (line,) = compute_statement(fee=D("0.50"), rules=[LATE], outcomes=[late(1, H)]).lines
    assert line.amount == D("0.01")  # 0.005
    statement = compute_statement(
        fee=D(12345), rules=[LATE], outcomes=[late(i, H) for i in range(3)], quantum=D(1)
    )
    assert statement.total == D("370")  # 3 % of 12,345 = 370.35
    assert statement.total.as_tuple().exponent == 0
    statement = compute_statement(fee=D(12345), rules=[LATE], outcomes=[late(1, H)], quantum=D("0.001"))
    assert str(statement.total) == "123.450"
    statement = compute_statement(fee=D(12345), rules=[LATE], outcomes=[late(1, H)], quantum=D(10))
    assert statement.total == D(120)  # 123.45 to the ten
    assert statement.total.as_tuple().exponent == 1


# -- attainment ----------------------------------------------------------------------------


def resolutions(total: int, breached: int, **kwargs) -> list[ClockOutcome]:
    return [late(i, H, **kwargs) if i < breached else met(i, **kwargs) for i in range(total)]


@pytest.mark.parametrize(
    ("breached", "percent", "amount"),
    [
        (0, None, None),
        (1, None, None),
        (2, D(5), D("100.00")),
        (3, D(10), D("200.00")),
        (20, D(10), D("200.00")),
    ],
)
def test_attainment_bands(breached, percent, amount):
    statement = compute_statement(fee=FEE, rules=[ATTAINMENT], outcomes=resolutions(20, breached))
    if percent is None:  # 100 % and 95 % of tickets met: not below 95
        assert statement.lines == ()
        assert statement.total == D("0.00")
        assert "Resolution attainment:" in statement.explanation[1]
    else:
        (line,) = statement.lines
        assert (line.kind, line.percent, line.amount) == ("attainment", percent, amount)
        assert line.refs == tuple(range(breached))


def test_attainment_of_8_tickets():
    rule = AttainmentRule("a", "Attainment", ATTAINMENT.bands, min_tickets=5)
    (line,) = compute_statement(fee=FEE, rules=[rule], outcomes=resolutions(8, 1)).lines
    assert line.measure == "87.5 % of 8 tickets met"
    assert line.amount == D("200.00")


def test_no_attainment_credit_below_the_minimum_number_of_tickets():
    statement = compute_statement(fee=FEE, rules=[ATTAINMENT], outcomes=resolutions(9, 9))
    assert statement.lines == ()
    assert statement.explanation[1] == (
        "Resolution attainment: 9 resolution clocks, fewer than the minimum 10: no attainment credit"
    )


def test_attainment_counts_its_metric_only_and_excluded_clocks_as_met():
    outcomes = [
        *resolutions(20, 1),
        late(99, H, excluded="exempted"),
        *resolutions(5, 5, metric="first_response"),
    ]
    # 20 of 21 resolution clocks met (95.2 %): nothing; without the exclusion 19 of 21 (90.5 %): 5 %
    assert compute_statement(fee=FEE, rules=[ATTAINMENT], outcomes=outcomes).total == D("0.00")
    outcomes[20] = late(99, H)
    assert compute_statement(fee=FEE, rules=[ATTAINMENT], outcomes=outcomes).total == D("100.00")


# -- periods and availability ---------------------------------------------------------------


def test_period_bounds_are_local_midnights_in_utc():
    assert APRIL == (datetime(2026, 3, 31, 22, tzinfo=UTC), datetime(2026, 4, 30, 22, tzinfo=UTC))
    assert MARCH == (datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC))
    assert OCTOBER == (datetime(2026, 9, 30, 22, tzinfo=UTC), datetime(2026, 10, 31, 23, tzinfo=UTC))
    assert [end - start for start, end in (APRIL, MARCH, OCTOBER)] == [720 * H, 743 * H, 745 * H]
    assert period_bounds(2026, 1, "UTC", months=12) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert period_bounds(2026, 11, "Asia/Tokyo", months=3)[1] == datetime(2027, 1, 31, 15, tzinfo=UTC)
    for bound in MARCH:
        assert bound.tzinfo is UTC


def test_a_local_midnight_in_a_daylight_saving_gap_is_when_the_gap_ends():
    # Havana's clocks went from 00:00 (-05) to 01:00 (-04) on 2012-04-01: April began at 05:00 UTC
    start, _ = period_bounds(2012, 4, "America/Havana")
    assert start == datetime(2012, 4, 1, 5, tzinfo=UTC)
    assert start.astimezone(ZoneInfo("America/Havana")).hour == 1
    assert period_bounds(2012, 3, "America/Havana")[1] == start


def test_the_same_outage_weighs_differently_in_a_30_day_month_and_in_march_or_october():
    # 44 min: 99.898 % of 720 h (below 99.9: 10 %), 99.901 % of 743 h and 745 h (nothing)
    results = {}
    for name, period in (("april", APRIL), ("march", MARCH), ("october", OCTOBER)):
        statement = compute_statement(
            fee=FEE, rules=[BANDED], period=period, outages=[outage(period, 100 * H, 44 * M)]
        )
        results[name] = statement.total
        minutes = (period[1] - period[0]) // M
        with localcontext(Context(prec=28)):
            assert statement.availability.percent == D((minutes - 44) * 100) / D(minutes)
    assert results == {"april": D("200.00"), "march": D("0.00"), "october": D("0.00")}


def test_availability_percent_is_exact_and_not_rounded():
    result = availability(*MARCH, [outage(MARCH, 10 * H, H)])
    with localcontext(Context(prec=28)):
        assert result.percent == D(742 * 100) / D(743)
    assert str(result.percent) == "99.86541049798115746971736205"
    assert (result.period, result.downtime, result.excluded, result.counted) == (743 * H, H, ZERO, H)


@pytest.mark.parametrize(
    ("down", "percent", "amount"),
    [
        (43 * M + 12 * S, None, None),  # 99.9 %: not below 99.9
        (H, D(10), D("200.00")),  # 99.86 %
        (7 * H + 12 * M, D(10), D("200.00")),  # exactly 99 %
        (7 * H + 12 * M + S, D(25), D("500.00")),  # just below 99 %
        (36 * H, D(25), D("500.00")),  # exactly 95 %
        (36 * H + S, D(100), D("2000.00")),
    ],
)
def test_availability_bands_in_a_30_day_month(down, percent, amount):
    statement = compute_statement(
        fee=FEE, rules=[BANDED], period=APRIL, outages=[outage(APRIL, 48 * H, down)]
    )
    if percent is None:
        assert statement.lines == ()
        assert statement.explanation[1].startswith("Availability: 99.9 % available (commitment 99.7 %")
    else:
        (line,) = statement.lines
        assert (line.kind, line.percent, line.amount, line.refs) == ("availability", percent, amount, ("O1",))


@pytest.mark.parametrize(
    ("down", "percent"),
    [
        (2 * H + 9 * M + 36 * S, None),  # exactly 99.7 %: the commitment is met
        (2 * H + 9 * M + 37 * S, None),  # 99.69996 %: no full step below
        (2 * H + 52 * M + 48 * S, D(1)),  # 99.6 %: one full step
        (3 * H + 36 * M, D(2)),  # 99.5 %: two
        (5 * H + 45 * M + 35 * S, D(4)),  # 99.200002 %: four full steps
        (5 * H + 45 * M + 36 * S, D(5)),  # 99.2 %: five
        (720 * H, D(100)),  # nothing available: 997 steps, capped at 100 %
    ],
)
def test_linear_availability_credit(down, percent):
    statement = compute_statement(fee=FEE, rules=[LINEAR], period=APRIL, outages=[outage(APRIL, ZERO, down)])
    if percent is None:
        assert statement.lines == ()
    else:
        (line,) = statement.lines
        assert line.percent == percent
        assert line.amount == FEE * percent / 100


def test_linear_explanation_names_the_steps():
    statement = compute_statement(
        fee=FEE, rules=[LINEAR], period=APRIL, outages=[outage(APRIL, H, 5 * H + 45 * M + 36 * S)]
    )
    assert statement.lines[0].explanation[-1] == (
        "Availability: 99.2 % available (commitment 99.7 %, 5:45:36 of downtime counted): "
        "5 full steps of 0.1 below the commitment, 1 % each: 5 % of the fee = 100.00"
    )


def test_overlapping_outages_and_an_outage_given_twice_count_once():
    first = outage(APRIL, 10 * H, 3 * H, "O1", "database")
    second = outage(APRIL, 12 * H, 2 * H, "O2")  # 1 h inside O1
    result = availability(*APRIL, [first, second, first])
    assert (result.downtime, result.counted) == (4 * H, 4 * H)
    assert result.outages == (first, second)
    statement = compute_statement(fee=FEE, rules=[LINEAR], period=APRIL, outages=[first, second, first])
    assert statement.availability == result
    assert statement.lines[0].explanation[:2] == (
        "outage O1 (database): 2026-04-01 08:00:00 UTC to 2026-04-01 11:00:00 UTC, 3:00:00 counted",
        "outage O2: 2026-04-01 10:00:00 UTC to 2026-04-01 12:00:00 UTC, "
        "1:00:00 already counted by an overlapping outage, 1:00:00 counted",
    )


def test_outages_are_clipped_to_the_period():
    before = Outage(APRIL[0] - 5 * H, APRIL[0] + 2 * H, "spanning")
    after = Outage(APRIL[1] + H, APRIL[1] + 2 * H, "next month")
    result = availability(*APRIL, [before, after])
    assert result.counted == 2 * H
    assert result.outages == (Outage(APRIL[0], APRIL[0] + 2 * H, "spanning"),)


def test_maintenance_windows_are_taken_out_of_the_downtime():
    down = outage(APRIL, 10 * H, 4 * H)
    maintenance = Exclusion(APRIL[0] + 12 * H, APRIL[0] + 13 * H, "planned maintenance", "CHG-1")
    force_majeure = Exclusion(APRIL[0] + 13 * H + 30 * M, APRIL[0] + 20 * H, "force majeure")
    result = availability(*APRIL, [down], [maintenance, force_majeure])
    assert (result.downtime, result.excluded, result.counted) == (4 * H, H + 30 * M, 2 * H + 30 * M)
    statement = compute_statement(
        fee=FEE, rules=[LINEAR], period=APRIL, outages=[down], exclusions=[maintenance, force_majeure]
    )
    assert statement.exclusions == (
        ("CHG-1", "planned maintenance"),
        ((APRIL[0] + 13 * H + 30 * M, APRIL[0] + 20 * H), "force majeure"),
    )
    assert statement.total == D("0.00")  # 2:30 of 720 h: 99.65 %, no full step below 99.7
    assert "Availability: 99.65 % available" in statement.explanation[1]


def test_availability_accepts_datetimes_in_any_zone():
    # 00:00-04:00 Paris time on the night the clocks go forward is 3 hours
    start = datetime(2026, 3, 29, 0, tzinfo=PARIS)
    result = availability(*MARCH, [Outage(start, datetime(2026, 3, 29, 4, tzinfo=PARIS), "night")])
    assert result.counted == 3 * H


def test_a_period_without_outages_is_exactly_100_percent_available():
    result = availability(*MARCH, [], [Exclusion(MARCH[0], MARCH[1], "maintenance")])
    assert result.percent == D(100)
    assert (result.downtime, result.counted) == (ZERO, ZERO)


# -- cap, minimum, adjustments --------------------------------------------------------------


def test_the_cap_limits_the_subtotal():
    outcomes = [late(1, 12 * H), late(2, 12 * H), late(3, 5 * H)]  # 13 %: 260.00
    statement = compute_statement(fee=FEE, rules=[LATE], outcomes=outcomes, cap_percent=D(10))
    assert (statement.subtotal, statement.cap, statement.capped, statement.total) == (
        D("260.00"),
        D("200.00"),
        True,
        D("200.00"),
    )
    assert "cap 200.00 reached: the subtotal 260.00 is capped to it" in statement.explanation


def test_a_total_below_the_minimum_is_not_paid():
    statement = compute_statement(fee=FEE, rules=[LATE], outcomes=[late(1, H)], minimum=D(50))
    assert (statement.subtotal, statement.below_minimum, statement.total) == (D("20.00"), True, D("0.00"))
    statement = compute_statement(fee=FEE, rules=[LATE], outcomes=[late(1, H)], minimum=D(20))
    assert (statement.below_minimum, statement.total) == (False, D("20.00"))
    statement = compute_statement(fee=FEE, rules=[LATE], minimum=D(50))
    assert (statement.below_minimum, statement.total) == (False, D("0.00"))


def test_the_minimum_applies_after_the_cap():
    outcomes = [late(1, 12 * H)]  # 5 %: 100.00, capped at 1 %: 20.00, below the minimum 20.01
    statement = compute_statement(
        fee=FEE, rules=[LATE], outcomes=outcomes, cap_percent=D(1), minimum=D("20.00")
    )
    assert (statement.capped, statement.below_minimum, statement.total) == (True, False, D("20.00"))


def test_adjustments_are_added_outside_the_cap_and_the_minimum():
    outcomes = [late(1, 12 * H), late(2, 12 * H), late(3, 5 * H)]
    statement = compute_statement(
        fee=FEE,
        rules=[LATE],
        outcomes=outcomes,
        cap_percent=D(10),
        adjustments=[Adjustment("February: ticket 12 reopened", D("25.50"), ref="2026-02")],
    )
    assert statement.total == D("225.50")
    adjustment = statement.lines[-1]
    assert (adjustment.rule, adjustment.kind, adjustment.refs, adjustment.percent) == (
        None,
        "adjustment",
        ("2026-02",),
        None,
    )
    statement = compute_statement(
        fee=FEE, rules=[LATE], outcomes=[late(1, H)], minimum=D(50), adjustments=[Adjustment("fix", D(30))]
    )
    assert (statement.below_minimum, statement.total) == (True, D("30.00"))


def test_adjustments_are_rounded_and_the_total_never_goes_below_zero():
    statement = compute_statement(
        fee=FEE, rules=[LATE], outcomes=[late(1, H)], adjustments=[Adjustment("over-credited", D("-30.005"))]
    )
    assert statement.lines[-1].amount == D("-30.01")
    assert statement.total == D("0.00")
    statement = compute_statement(fee=FEE, rules=[], adjustments=[Adjustment("owed", D("10.005"))])
    assert statement.total == D("10.01")


def test_rules_giving_nothing_have_no_line_but_are_explained():
    statement = compute_statement(
        fee=FEE, rules=[LATE, ATTAINMENT, LINEAR], outcomes=resolutions(20, 1), period=APRIL
    )
    assert [line.rule for line in statement.lines] == ["late"]
    assert statement.explanation == (
        "fee 2000.00",
        "Late tickets: 1 breach: 1 % of the fee = 20.00",
        "Resolution attainment: 95 % of 20 tickets met: in no band: nothing",
        "Availability: 100 % available (commitment 99.7 %, 0:00:00 of downtime counted): "
        "commitment met: nothing",
        "subtotal 20.00",
        "total 20.00",
    )


def test_a_statement_is_explained_line_by_line():
    statement = compute_statement(
        fee=FEE,
        rules=[LATE, LINEAR],
        outcomes=[late(1, 5 * H), late(2, H, excluded="exempted")],
        period=APRIL,
        outages=[outage(APRIL, H, 3 * H)],
        cap_percent=D(50),
        minimum=D(10),
        adjustments=[Adjustment("March correction", D(-5))],
    )
    assert statement.explanation == (
        "fee 2000.00",
        "cap 50 % of the fee = 1000.00",
        "Late tickets: 1 breach: 3 % of the fee = 60.00",
        "Availability: 99.58 % available (commitment 99.7 %, 3:00:00 of downtime counted): "
        "1 full step of 0.1 below the commitment, 1 % each: 1 % of the fee = 20.00",
        "subtotal 80.00",
        "cap 1000.00: not reached",
        "minimum credit 10.00: reached",
        "adjustment March correction: -5.00, outside the cap and the minimum",
        "excluded: 2 (exempted)",
        "total 75.00",
    )


# -- bands ---------------------------------------------------------------------------------


def test_check_bands_sorts_the_bands():
    assert check_bands(list(reversed(LATENESS))) == LATENESS


def test_lateness_and_percent_bands_include_their_ends_as_documented():
    assert lateness_band(LATENESS, ZERO) is None
    assert lateness_band(LATENESS, S) == LATENESS[0]
    assert lateness_band(LATENESS, 4 * H) == LATENESS[0]
    assert lateness_band(LATENESS, 4 * H + S) == LATENESS[1]
    assert lateness_band(LATENESS, 1000 * H) == LATENESS[2]
    bands = ATTAINMENT.bands
    assert percent_band(bands, D(0)) == bands[0]
    assert percent_band(bands, D("89.999")) == bands[0]
    assert percent_band(bands, D(90)) == bands[1]
    assert percent_band(bands, D(95)) is None
    assert percent_band(AVAILABILITY_BANDS, 100) is None


@pytest.mark.parametrize(
    ("bands", "kwargs", "message"),
    [
        ([], {}, "bands: no band; give at least one"),
        ((Band(ZERO, 4 * H, D(1)), Band(6 * H, 12 * H, D(3)), Band(4 * H, 8 * H, D(2))), {}, None),
        ((Band(ZERO, 4 * H, D(1)), Band(4 * H, 8 * H, D(3)), Band(6 * H, 12 * H, D(5))), {}, None),
        ((Band(ZERO, 4 * H, D(1)), Band(5 * H, 8 * H, D(3))), {}, "bands: gap between 4:00:00 and 5:00:00"),
        ((Band(4 * H, 4 * H, D(1)),), {}, "bands: 4:00:00-4:00:00 starts at or after its end"),
        ((Band(4 * H, H, D(1)),), {}, "bands: 4:00:00-1:00:00 starts at or after its end"),
        (
            (Band(ZERO, None, D(1)), Band(4 * H, 8 * H, D(3))),
            {},
            "bands: 0:00:00 and above is unbounded but is not the last band (4:00:00-8:00:00 follows)",
        ),
        ((Band(ZERO, 4 * H, D(1)), Band(D(4), D(8), D(3))), {}, "bands: durations and percentages are mixed"),
        ((Band(ZERO, 4 * H, D(-1)),), {}, "bands: 0:00:00-4:00:00 gives a negative value -1"),
        ((Band(ZERO, 4 * H, D(101)),), {}, "bands: 0:00:00-4:00:00 gives 101 %, above 100 % of the fee"),
        ((Band(-H, 4 * H, D(1)),), {}, "a lateness is never negative"),
        ((Band(D(90), D(101), D(1)),), {"worse": "lower"}, "bands: 90-101 lies outside 0-100"),
        ((Band(D(-1), D(90), D(1)),), {"worse": "lower"}, "bands: -1-90 lies outside 0-100"),
        (
            (Band(ZERO, 4 * H, D(3)), Band(4 * H, None, D(1))),
            {},
            "bands: not monotone: 4:00:00 and above gives 1 %, less than 0:00:00-4:00:00 (3 %)",
        ),
        (
            (Band(D(0), D(90), D(5)), Band(D(90), D(95), D(10))),
            {"worse": "lower", "field": "Attainment bands"},
            "Attainment bands: not monotone: 90-95 gives 10 %, more than 0-90 (5 %)",
        ),
        ((Band(ZERO, 4 * H, D(1)),), {"worse": "later"}, "worse must be 'higher' or 'lower'"),
        (("4h",), {}, "bands must hold Band instances"),
    ],
)
def test_check_bands_refuses_bad_bands(bands, kwargs, message):
    with pytest.raises(CreditError) as caught:
        check_bands(bands, **kwargs)
    if message is None:
        assert "bands: 4:00:00-8:00:00 overlaps 6:00:00-12:00:00" == str(caught.value)
    else:
        assert message in str(caught.value)


def test_fixed_amount_bands_may_exceed_100():
    assert check_bands([Band(ZERO, None, D(500))], percent=False)[0].value == D(500)


def test_a_band_refuses_floats_and_non_finite_numbers():
    for start, end, value in (
        (0.0, D(90), D(1)),
        (D(0), 90.0, D(1)),
        (D(0), D(90), 1.5),
        (D(0), D(90), D("NaN")),
        (D(0), D("Infinity"), D(1)),
        (D(0), D(90), D("sNaN")),
        (ZERO, "4h", D(1)),
        (ZERO, H, True),
    ):
        with pytest.raises(CreditError):
            Band(start, end, value)
    with pytest.raises(CreditError, match=r"never a float .*Decimal\('1\.5'\)"):
        Band(D(0), D(90), 1.5)


def test_rules_check_their_bands_and_their_kind():
    with pytest.raises(
        CreditError, match="ticket rule 'late' bands: 0:00:00-6:00:00 overlaps 4:00:00-8:00:00"
    ):
        TicketRule("late", "Late", (Band(ZERO, 6 * H, D(1)), Band(4 * H, 8 * H, D(3))))
    with pytest.raises(CreditError, match="give timedelta bands"):
        TicketRule("late", "Late", ATTAINMENT.bands)
    with pytest.raises(CreditError, match="give Decimal bands"):
        AttainmentRule("a", "Attainment", LATENESS)
    with pytest.raises(CreditError, match="not monotone"):
        AttainmentRule("a", "Attainment", (Band(D(0), D(90), D(5)), Band(D(90), D(95), D(10))))
    with pytest.raises(CreditError, match="min_tickets must be an integer of at least 1"):
        AttainmentRule("a", "Attainment", ATTAINMENT.bands, min_tickets=0)
    with pytest.raises(CreditError, match="exactly one of bands and linear"):
        AvailabilityRule("u", "Uptime", D("99.7"))
    with pytest.raises(CreditError, match="exactly one of bands and linear"):
        AvailabilityRule("u", "Uptime", D("99.7"), bands=AVAILABILITY_BANDS, linear=Linear(D("0.1"), D(1)))
    with pytest.raises(CreditError, match="commitment must be a percentage"):
        AvailabilityRule("u", "Uptime", D(0), linear=Linear(D("0.1"), D(1)))
    with pytest.raises(CreditError, match="never a float"):
        AvailabilityRule("u", "Uptime", 99.7, linear=Linear(D("0.1"), D(1)))
    with pytest.raises(CreditError, match="a linear step must be a percentage"):
        Linear(D(0), D(1))
    with pytest.raises(CreditError, match="never a float"):
        Linear(D("0.1"), 1.0)
    with pytest.raises(CreditError, match="must be hashable"):
        TicketRule(["late"], "Late", LATENESS)


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fee": D(-1)}, "fee cannot be negative, got -1"),
        ({"fee": 2000.0}, "fee must be a Decimal or an int, never a float"),
        ({"fee": D("NaN")}, "fee must be a finite number, got NaN"),
        ({"fee": D("-Infinity")}, "fee must be a finite number, got -Infinity"),
        ({"fee": "2000"}, "fee must be a Decimal or an int"),
        ({"fee": D("1E+15")}, "is too large"),
        ({"fee": D("0.0000000000000001")}, "more than 15 decimal places"),
        ({"cap_percent": D(0)}, "cap_percent must be a percentage above 0 and at most 100, got 0"),
        ({"cap_percent": D("100.01")}, "cap_percent must be a percentage above 0 and at most 100"),
        ({"cap_percent": 10.0}, "never a float"),
        ({"minimum": D(-1)}, "minimum cannot be negative, got -1"),
        ({"minimum": D("sNaN")}, "minimum must be a finite number"),
        (
            {"fee": D(500), "cap_percent": D(10), "minimum": D(80)},
            "cap 50.00 is below the minimum credit 80.00",
        ),
        ({"quantum": D("0.02")}, "quantum must be a power of ten"),
        ({"quantum": D(0)}, "quantum must be a positive power of ten"),
        ({"quantum": D("-0.01")}, "quantum must be a positive power of ten"),
        ({"quantum": 0.01}, "quantum must be a Decimal power of ten"),
        ({"quantum": D("1E-16")}, "outside 1E-15 to 1E+15"),
        ({"rules": [BANDED]}, "availability rule 'uptime' needs a period"),
        ({"outages": [outage(APRIL, H, H)]}, "outages and exclusions are measured over a period"),
        ({"rules": [LATE, LATE]}, "two rules share the key 'late'"),
        ({"rules": [LATENESS[0]]}, "rules must hold TicketRule or AttainmentRule or AvailabilityRule"),
        ({"outcomes": [("T1", "resolution")]}, "outcomes must hold ClockOutcome instances"),
        ({"period": APRIL[0]}, "period must be a (start, end) tuple"),
        ({"period": (APRIL[1], APRIL[0])}, "the period ends at 2026-03-31 22:00:00 UTC, not after its start"),
        ({"period": (APRIL[0].replace(tzinfo=None), APRIL[1])}, "the period start is a naive datetime"),
        ({"adjustments": [D(10)]}, "adjustments must hold Adjustment instances"),
    ],
)
def test_compute_statement_refuses(kwargs, message):
    arguments = {"fee": FEE, "rules": [LATE], **kwargs}
    with pytest.raises(CreditError) as caught:
        compute_statement(**arguments)
    assert message in str(caught.value)


def test_the_cap_below_the_minimum_message():
    with pytest.raises(CreditError, match=r"^cap 50\.00 is below the minimum credit 80\.00$"):
        compute_statement(fee=D(500), rules=[], cap_percent=D(10), minimum=D(80))


def test_outcomes_outages_and_adjustments_refuse_bad_values():
    with pytest.raises(CreditError, match=r"outage 'O7' ends at 2026-04-01 09:00:00 UTC, before it starts"):
        Outage(APRIL[0] + 12 * H, APRIL[0] + 11 * H, "O7")
    with pytest.raises(CreditError, match="naive datetime"):
        Outage(datetime(2026, 4, 1), datetime(2026, 4, 2), "O8")
    with pytest.raises(CreditError, match=r"exclusion 'CHG-2' \(maintenance\) ends at"):
        Exclusion(APRIL[0] + 2 * H, APRIL[0] + H, "maintenance", "CHG-2")
    with pytest.raises(CreditError, match="the reason must not be empty"):
        Exclusion(APRIL[0], APRIL[0] + H, "")
    with pytest.raises(CreditError, match="met, yet late by 1:00:00"):
        ClockOutcome(1, "resolution", "2", False, H)
    with pytest.raises(CreditError, match="the lateness cannot be negative"):
        ClockOutcome(1, "resolution", "2", True, -H)
    with pytest.raises(CreditError, match="breached must be True or False"):
        ClockOutcome(1, "resolution", "2", 1, H)
    with pytest.raises(CreditError, match="the priority must be a string"):
        ClockOutcome(1, "resolution", 2, True, H)
    with pytest.raises(CreditError, match="must be hashable"):
        ClockOutcome({"id": 1}, "resolution", "2", True, H)
    with pytest.raises(CreditError, match="never a float"):
        Adjustment("fix", 10.5)
    with pytest.raises(CreditError, match="must be a finite number"):
        Adjustment("fix", D("Infinity"))
    with pytest.raises(CreditError, match="lateness must be a timedelta"):
        lateness_band(LATENESS, 4)
    with pytest.raises(CreditError, match="lateness_band needs duration bands"):
        lateness_band(ATTAINMENT.bands, H)
    with pytest.raises(CreditError, match="never a float"):
        percent_band(ATTAINMENT.bands, 95.0)
    with pytest.raises(CreditError, match="percent_band needs percentage bands"):
        percent_band(LATENESS, D(95))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2026, 0, "UTC"), "month must be from 1 to 12, got 0"),
        ((2026, 13, "UTC"), "month must be from 1 to 12, got 13"),
        ((2026, 3, "UTC", 0), "months must be at least 1, got 0"),
        ((2026, 3, "Europe/Pariss"), "unknown time zone 'Europe/Pariss'"),
        ((2026, 3, None), "time zone must be an IANA name"),
        ((2026, True, "UTC"), "month must be an integer"),
        ((2026, "3", "UTC"), "month must be an integer"),
        ((9999, 12, "UTC"), "outside years 1-9999"),
        ((1, 1, "Asia/Tokyo"), "cannot be represented in UTC"),
    ],
)
def test_period_bounds_refuses(args, message):
    with pytest.raises(CreditError) as caught:
        period_bounds(*args)
    assert message in str(caught.value)


def test_availability_refuses_bad_input():
    with pytest.raises(CreditError, match="outages must hold Outage instances"):
        availability(*APRIL, [(APRIL[0], APRIL[1])])
    with pytest.raises(CreditError, match="not after its start"):
        availability(APRIL[0], APRIL[0], [])
    with pytest.raises(CreditError, match="the period end must be a datetime"):
        availability(APRIL[0], "2026-05-01", [])


def test_credit_error_is_an_engine_error():
    assert issubclass(CreditError, SlaEngineError)
    assert issubclass(CreditError, ValueError)


# -- properties ----------------------------------------------------------------------------
#
# Oracles: availability is counted minute by minute on a bytearray; a band list is accepted
# when every half-step of the measure between its lowest and highest limits lies in exactly
# one band, with values never better for a worse measure; amounts are recomputed with
# Decimal's own quantize(ROUND_HALF_UP) in a context wide enough to be exact.

BASE = datetime(2026, 3, 28, 12, tzinfo=UTC)  # two days around the Paris spring-forward
ZONES = (UTC, PARIS, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"))
EXACT = Context(prec=200)


def _quantize(value: Decimal, quantum: Decimal) -> Decimal:
    with localcontext(EXACT):
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _count_minutes(minutes: int, outs, excl) -> tuple[int, int]:
    """(downtime, counted) in minutes of a period of ``minutes`` minutes."""
    down = bytearray(minutes)
    for start, length, _ref in outs:
        for minute in range(max(start, 0), min(start + length, minutes)):
            down[minute] = 1
    downtime = sum(down)
    for start, length in excl:
        for minute in range(max(start, 0), min(start + length, minutes)):
            down[minute] = 0
    return downtime, sum(down)


@given(
    minutes=st.integers(1, 2 * 1440),
    offset=st.integers(0, 3 * 1440),
    outs=st.lists(st.tuples(st.integers(-90, 3000), st.integers(0, 400), st.sampled_from("ABC")), max_size=8),
    excl=st.lists(st.tuples(st.integers(-90, 3000), st.integers(0, 400)), max_size=4),
    zone=st.sampled_from(ZONES),
)
def test_availability_matches_a_minute_by_minute_count(minutes, offset, outs, excl, zone):
    start = BASE + offset * M
    at = lambda minute: (start + minute * M).astimezone(zone)  # noqa: E731
    result = availability(
        at(0),
        at(minutes),
        [Outage(at(s), at(s + n), ref) for s, n, ref in outs],
        [Exclusion(at(s), at(s + n), "maintenance") for s, n in excl],
    )
    downtime, counted = _count_minutes(minutes, outs, excl)
    assert (result.period, result.downtime, result.counted) == (minutes * M, downtime * M, counted * M)
    assert result.excluded == (downtime - counted) * M
    with localcontext(Context(prec=28)):
        assert result.percent == D((minutes - counted) * 100) / D(minutes)
    assert (result.percent == 100) == (counted == 0)
    assert all(start <= o.start < o.end <= start + minutes * M for o in result.outages)


@given(
    minutes=st.integers(1, 100_000),
    excl=st.lists(st.tuples(st.integers(-90, 100_000), st.integers(0, 5000)), max_size=4),
)
def test_a_period_without_outages_is_exactly_100_percent(minutes, excl):
    exclusions = [Exclusion(BASE + s * M, BASE + (s + n) * M, "maintenance") for s, n in excl]
    result = availability(BASE, BASE + minutes * M, [], exclusions)
    assert result.percent == D(100)
    assert str(result.percent) == "100"


GRID = st.integers(-1, 12)
BAND_VALUES = st.sampled_from([-1, 0, 1, 3, 5, 100, 101])


@st.composite
def band_chains(draw):
    """Contiguous bands (shuffled), values sorted either way or not at all: often valid."""
    starts = sorted(draw(st.sets(st.integers(0, 9), min_size=1, max_size=5)))
    last = draw(st.none() | st.integers(starts[-1] + 1, 11))
    values = draw(st.lists(st.sampled_from([0, 1, 3, 5, 100]), min_size=len(starts), max_size=len(starts)))
    order = draw(st.sampled_from(["up", "down", "any"]))
    values = sorted(values, reverse=order == "down") if order != "any" else values
    chain = list(zip(starts, [*starts[1:], last], values))
    return draw(st.permutations(chain))


@given(
    raw=st.lists(st.tuples(GRID, GRID | st.none(), BAND_VALUES), max_size=4) | band_chains(),
    durations=st.booleans(),
    percent=st.booleans(),
    worse=st.sampled_from(["higher", "lower"]),
)
def test_check_bands_accepts_exactly_contiguous_non_overlapping_monotone_lists(
    raw, durations, percent, worse
):
    def limit(g: int):
        return g * H if durations else D(g * 10)

    bands = [Band(limit(s), None if e is None else limit(e), D(v)) for s, e, v in raw]

    def acceptable() -> bool:
        if not raw:
            return False
        for s, e, v in raw:
            if s < 0 or (e is not None and s >= e) or v < 0 or (percent and v > 100):
                return False
            if not durations and (s > 10 or (e is not None and e > 10)):  # 0-100 %
                return False
        limits = [s for s, _, _ in raw] + [e for _, e, _ in raw if e is not None]
        unbounded = any(e is None for _, e, _ in raw)
        previous = None
        for k in range(min(limits), max(limits) + 1):
            x = k + 0.5
            covering = [v for s, e, v in raw if s < x and (e is None or x < e)]
            if (k < max(limits) or unbounded) and len(covering) != 1:
                return False
            if covering:
                value = covering[0]
                if previous is not None and (value < previous if worse == "higher" else value > previous):
                    return False
                previous = value
        return True

    expected = acceptable()
    event(f"accepted: {expected}")
    try:
        result = check_bands(bands, percent=percent, worse=worse)
    except CreditError:
        assert not expected, raw
    else:
        assert expected, raw
        assert list(result) == sorted(bands, key=lambda band: band.start)


METRICS = ("first_response", "resolution")
PRIORITIES = ("1", "2")
LATENESS_VALUES = (ZERO, 30 * M, H, 4 * H, 4 * H + S, 7 * H, 8 * H, 9 * H, 30 * H)
PERIOD = (BASE, BASE + 2 * 24 * H)


def _lateness_bands(rng: random.Random, fixed: bool) -> tuple[Band, ...]:
    """Complete lateness bands: from 0, unbounded at the top, values never decreasing."""
    starts = [0, *sorted(rng.sample([1, 2, 4, 8, 16], rng.randint(0, 3)))]
    pool = [D(0), D("12.34"), D(50), D(120), D(999)] if fixed else [D(0), D(1), D("2.5"), D(3), D(5), D(40)]
    values = sorted(rng.choice(pool) for _ in starts)
    ends = [*starts[1:], None]
    return tuple(Band(s * H, None if e is None else e * H, v) for s, e, v in zip(starts, ends, values))


def _percent_bands(rng: random.Random) -> tuple[Band, ...]:
    """Complete percentage bands: from 0, unbounded at the top, values never increasing."""
    cuts = [D(50), D(90), D(95), D(99), D("99.5"), D("99.9")]
    starts = [D(0), *sorted(rng.sample(cuts, rng.randint(0, 3)))]
    values = sorted((rng.choice([D(1), D(5), D(10), D(25), D(100)]) for _ in starts), reverse=True)
    ends = [*starts[1:], None]
    return tuple(Band(s, e, v) for s, e, v in zip(starts, ends, values))


def _rule_pool(size: int = 120) -> list[TicketRule | AttainmentRule | AvailabilityRule]:
    """Assorted valid rules (built once: drawing them is then one choice per rule)."""
    rng = random.Random(2026)
    pool: list[TicketRule | AttainmentRule | AvailabilityRule] = []
    for _ in range(size):
        kind = rng.choice(["ticket", "attainment", "bands", "linear"])
        if kind == "ticket":
            fixed = rng.random() < 0.3
            metric, priority = rng.choice((None, *METRICS)), rng.choice((None, *PRIORITIES))
            pool.append(TicketRule(0, "", _lateness_bands(rng, fixed), metric, priority, fixed))
        elif kind == "attainment":
            pool.append(AttainmentRule(0, "", _percent_bands(rng), rng.choice(METRICS), rng.randint(1, 5)))
        elif kind == "bands":
            pool.append(AvailabilityRule(0, "", D("99.7"), bands=_percent_bands(rng)))
        else:
            linear = Linear(rng.choice([D("0.1"), D("0.5"), D(1)]), rng.choice([D(1), D("2.5"), D(10)]))
            pool.append(AvailabilityRule(0, "", rng.choice([D("99.7"), D(99), D(100)]), linear=linear))
    return pool


RULE_POOL = _rule_pool()
RULES = st.lists(st.sampled_from(RULE_POOL), max_size=4).map(
    lambda chosen: [
        dataclasses.replace(rule, key=key, label=f"rule {key}") for key, rule in enumerate(chosen)
    ]
)


# (metric, priority, breached, lateness, incident, excluded), exclusions one in four
SHAPES = [
    (metric, priority, lateness is not None, lateness or ZERO, incident, excluded)
    for metric in METRICS
    for priority in PRIORITIES
    for lateness in (None, *LATENESS_VALUES)
    for incident in (None, None, "A", "B")
    for excluded in ("", "", "", "exempted")
]
SHAPE = st.sampled_from(SHAPES)


WINDOWS = st.tuples(st.integers(-60, 2 * 1440 + 60), st.integers(0, 600))


@st.composite
def statements(draw):
    """Keyword arguments of compute_statement: a valid statement, sometimes with a cap,
    a minimum and adjustments."""
    quantum = draw(st.sampled_from([D("0.01"), D("0.01"), D(1), D("0.001"), D("1E+1")]))
    fee = draw(
        st.sampled_from([D("2000.00"), D("333.33"), D("49.99"), D("0.50"), D(0)])
        | st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
    )
    cap_percent = draw(st.none() | st.sampled_from([D("0.5"), D(5), D(10), D("33.33"), D(100)]))
    minimum = draw(st.sampled_from([D(0), D("0.005"), D(10), D(20), D(50), D(100), D(500)]))
    if cap_percent is not None:  # a cap below the minimum is refused: lower the minimum to the cap
        minimum = min(minimum, _quantize(fee * cap_percent / 100, quantum))
    return {
        "fee": fee,
        "rules": draw(RULES),
        "outcomes": [
            ClockOutcome(ref, *shape) for ref, shape in enumerate(draw(st.lists(SHAPE, max_size=12)))
        ],
        "period": PERIOD,
        "outages": [
            Outage(BASE + s * M, BASE + (s + n) * M, f"O{i}")
            for i, (s, n) in enumerate(draw(st.lists(WINDOWS, max_size=4)))
        ],
        "exclusions": [
            Exclusion(BASE + s * M, BASE + (s + n) * M, "maintenance")
            for s, n in draw(st.lists(WINDOWS, max_size=2))
        ],
        "cap_percent": cap_percent,
        "minimum": minimum,
        "quantum": quantum,
        "adjustments": [
            Adjustment(f"adjustment {i}", amount)
            for i, amount in enumerate(
                draw(st.lists(st.decimals(min_value=-500, max_value=500, places=3), max_size=2))
            )
        ],
    }


@given(kwargs=statements())
def test_the_total_follows_the_documented_formula(kwargs):
    statement = compute_statement(**kwargs)
    quantum, fee = kwargs["quantum"], kwargs["fee"]
    exponent = quantum.as_tuple().exponent
    for line in statement.lines:
        assert line.amount.as_tuple().exponent == exponent
        assert line.amount == _quantize(line.amount, quantum)
    rule_lines = [line for line in statement.lines if line.kind != "adjustment"]
    adjustment_lines = [line for line in statement.lines if line.kind == "adjustment"]
    keys = [rule.key for rule in kwargs["rules"]]
    assert [line.rule for line in rule_lines] == [
        key for key in keys if key in {line.rule for line in rule_lines}
    ]
    for line in rule_lines:
        assert line.amount > 0
        if line.percent is not None:
            assert line.amount == _quantize(fee * line.percent / 100, quantum)
    for line, adjustment in zip(adjustment_lines, kwargs["adjustments"]):
        assert line.amount == _quantize(adjustment.amount, quantum)
    assert len(adjustment_lines) == len(kwargs["adjustments"])
    assert statement.subtotal == sum((line.amount for line in rule_lines), D(0))
    cap = None if kwargs["cap_percent"] is None else _quantize(fee * kwargs["cap_percent"] / 100, quantum)
    assert statement.cap == cap
    capped = min(statement.subtotal, cap) if cap is not None else statement.subtotal
    minimum = _quantize(kwargs["minimum"], quantum)
    paid = D(0) if 0 < capped < minimum else capped
    expected = max(D(0), paid + sum((line.amount for line in adjustment_lines), D(0)))
    assert statement.total == expected
    assert statement.total.as_tuple().exponent == exponent
    assert statement.capped == (cap is not None and statement.subtotal > cap)
    assert statement.below_minimum == (0 < capped < minimum)
    assert statement.explanation[-1] == f"total {statement.total:f}"


@given(kwargs=statements())
def test_the_cap_is_never_exceeded(kwargs):
    statement = compute_statement(**{**kwargs, "adjustments": ()})
    if statement.cap is not None:
        assert statement.total <= statement.cap
    assert statement.total <= statement.subtotal


@given(kwargs=statements(), data=st.data())
def test_adding_a_breach_never_lowers_the_total(kwargs, data):
    before = compute_statement(**kwargs).total
    clocks = list(kwargs["outcomes"])
    met_ones = [i for i, clock in enumerate(clocks) if not clock.breached]
    late = data.draw(st.sampled_from(LATENESS_VALUES))
    if met_ones and data.draw(st.booleans()):
        i = data.draw(st.sampled_from(met_ones))
        old = clocks[i]
        clocks[i] = ClockOutcome(old.ref, old.metric, old.priority, True, late, old.incident, old.excluded)
    else:
        metric, priority, _, _, incident, _ = data.draw(SHAPE)
        # a new clock that is not excluded (a new excluded clock counts as met in attainment)
        clocks.append(ClockOutcome(len(clocks), metric, priority, True, late, incident))
    assert compute_statement(**{**kwargs, "outcomes": clocks}).total >= before


@given(kwargs=statements(), data=st.data())
def test_adding_an_exclusion_never_raises_the_total(kwargs, data):
    before = compute_statement(**kwargs).total
    clocks = list(kwargs["outcomes"])
    if clocks and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(clocks) - 1))
        old = clocks[i]
        clocks[i] = ClockOutcome(
            old.ref, old.metric, old.priority, old.breached, old.lateness, old.incident, "force majeure"
        )
        after = compute_statement(**{**kwargs, "outcomes": clocks})
        assert (old.ref, "force majeure") in after.exclusions
    else:
        s, n = data.draw(WINDOWS)
        window = Exclusion(BASE + s * M, BASE + (s + n) * M, "force majeure")
        after = compute_statement(**{**kwargs, "exclusions": [*kwargs["exclusions"], window]})
    assert after.total <= before


@given(kwargs=statements(), window=WINDOWS)
def test_adding_an_outage_never_lowers_the_total(kwargs, window):
    before = compute_statement(**kwargs).total
    s, n = window
    outage = Outage(BASE + s * M, BASE + (s + n) * M, "new")
    assert compute_statement(**{**kwargs, "outages": [*kwargs["outages"], outage]}).total >= before


@given(
    outs=st.lists(st.tuples(st.integers(-90, 3000), st.integers(0, 400), st.sampled_from("ABC")), max_size=8),
    excl=st.lists(st.tuples(st.integers(-90, 3000), st.integers(0, 400)), max_size=4),
)
def test_the_outage_explanations_add_up_to_the_downtime_counted(outs, excl):
    always = AvailabilityRule("u", "Availability", D("99.7"), bands=(Band(D(0), None, D(100)),))
    statement = compute_statement(
        fee=FEE,
        rules=[always],
        period=(BASE, BASE + 2 * 24 * H),
        outages=[Outage(BASE + s * M, BASE + (s + n) * M, ref) for s, n, ref in outs],
        exclusions=[Exclusion(BASE + s * M, BASE + (s + n) * M, "maintenance") for s, n in excl],
    )
    (line,) = statement.lines
    counted = ZERO
    for note in line.explanation:
        if note.startswith("outage "):
            hours, minutes, seconds = note.rsplit(", ", 1)[1].removesuffix(" counted").split(":")
            counted += timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds))
    assert counted == statement.availability.counted
    counting = {ref for s, n, ref in outs if _count_minutes(2 * 1440, [(s, n, ref)], excl)[1]}
    assert set(line.refs) <= counting
    assert bool(line.refs) == bool(statement.availability.counted)
