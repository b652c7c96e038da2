"""Policy matching: first match by sequence wins, with an explainable reason."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sla_engine.policy import CRITERIA, Match, PolicyRule, TicketFacts, match_many, match_policy

VIP, PREMIUM = 4, 3
SUPPORT, ENGINEERING, HARDWARE, PRINTERS = 10, 11, 20, 21

DEFAULT = PolicyRule(id=1, sequence=100, name="Standard")
VIP_POLICY = PolicyRule(id=2, sequence=10, name="VIP", tiers={VIP})
HARDWARE_POLICY = PolicyRule(id=3, sequence=20, name="Hardware", categories={HARDWARE})
URGENT_SUPPORT = PolicyRule(id=4, sequence=15, name="Urgent support", teams={SUPPORT}, priorities={"3"})
POLICIES = [DEFAULT, VIP_POLICY, HARDWARE_POLICY, URGENT_SUPPORT]


def test_service_wide_default_matches_a_ticket_with_nothing_special():
    match = match_policy(POLICIES, TicketFacts(priorities={"1"}))
    assert match.policy_id == DEFAULT.id
    assert DEFAULT.is_default


def test_a_policy_lists_the_criteria_it_matches_on():
    assert DEFAULT.criteria_used == frozenset()
    assert URGENT_SUPPORT.criteria_used == {"teams", "priorities"}


def test_lower_sequence_wins_when_several_match():
    facts = TicketFacts(tiers={VIP}, teams={SUPPORT}, priorities={"3"})
    assert match_policy(POLICIES, facts).policy_id == VIP_POLICY.id


def test_every_criterion_of_a_policy_must_match():
    # team matches but priority does not
    facts = TicketFacts(teams={SUPPORT}, priorities={"1"})
    assert match_policy(POLICIES, facts).policy_id == DEFAULT.id


def test_category_policy_covers_child_categories():
    facts = TicketFacts(categories={PRINTERS, HARDWARE})  # the ticket's category, then its parents
    assert match_policy(POLICIES, facts).policy_id == HARDWARE_POLICY.id


def test_any_tag_of_the_ticket_is_enough():
    policy = PolicyRule(id=9, sequence=1, tags={7, 8})
    assert match_policy([policy], TicketFacts(tags={1, 8})).policy_id == 9
    assert match_policy([policy], TicketFacts(tags={1, 2})).policy_id is None


def test_same_sequence_is_broken_by_id():
    a = PolicyRule(id=5, sequence=1)
    b = PolicyRule(id=3, sequence=1)
    assert match_policy([a, b], TicketFacts()).policy_id == 3


def test_no_policy_gives_an_explicit_reason():
    match = match_policy([VIP_POLICY], TicketFacts(tiers={PREMIUM}))
    assert match.policy_id is None
    assert match.reason() == "no policy matches this ticket"


def test_reason_names_matched_criteria_and_skipped_policies():
    facts = TicketFacts(categories={PRINTERS, HARDWARE}, teams={ENGINEERING}, priorities={"3"})
    match = match_policy(POLICIES, facts)
    names = {"categories": {HARDWARE: "Hardware", PRINTERS: "Hardware / Printers"}}
    policy_names = {p.id: p.name for p in POLICIES}
    assert match.reason(names, policy_names) == (
        "Hardware: matched on category Hardware; before it: VIP (no tier), Urgent support (no team)"
    )


def test_default_reason_says_service_wide():
    match = match_policy([DEFAULT], TicketFacts())
    assert match.reason(policy_names={1: "Standard"}) == "Standard: service-wide default (no criterion)"


value_sets = st.frozensets(st.integers(0, 4), max_size=3)
rules = st.builds(
    PolicyRule,
    id=st.integers(1, 50),
    sequence=st.integers(0, 5),
    tiers=value_sets,
    teams=value_sets,
    categories=value_sets,
    tags=value_sets,
    channels=value_sets,
    priorities=value_sets,
)
facts_strategy = st.builds(
    TicketFacts,
    tiers=value_sets,
    teams=value_sets,
    categories=value_sets,
    tags=value_sets,
    channels=value_sets,
    priorities=value_sets,
)


def brute_force(policies: list[PolicyRule], facts: TicketFacts) -> int | None:
    candidates = [
        p for p in policies if all(not getattr(p, c) or getattr(p, c) & getattr(facts, c) for c in CRITERIA)
    ]
    return min(candidates, key=lambda p: (p.sequence, p.id)).id if candidates else None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(rules, max_size=6, unique_by=lambda p: p.id), st.lists(facts_strategy, min_size=1, max_size=5)
)
def test_matching_equals_brute_force_and_batch_equals_scalar(policies, facts):
    batch = match_many(policies, facts)
    for item, found in zip(facts, batch):
        assert found == match_policy(policies, item)
        assert found.policy_id == brute_force(policies, item)
        assert isinstance(found, Match)
