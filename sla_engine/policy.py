"""Which SLA policy applies to a ticket, and why.

Policies are tried in order of ``(sequence, id)``; the first whose every
criterion matches wins.  A criterion left empty matches anything, so a policy
with no criterion at all is a service-wide default.  Each non-empty criterion
is a set of accepted values; the ticket matches it when one of its values for
that criterion is in the set:

* ``tiers``: the customer's tier;
* ``customers``: the customer (its commercial entity);
* ``teams``, ``categories``: the ticket's team or category, *or one of their
  parents* (a policy on "Hardware" covers "Hardware / Printers");
* ``tags``: any of the ticket's tags;
* ``channels``, ``priorities``: the ticket's channel or priority.

The result says which policy won, which criteria it matched on, and why each
policy before it did not match, so that "why does this ticket get this
policy?" always has an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["CRITERIA", "PolicyRule", "TicketFacts", "Match", "match_policy", "match_many"]

#: criteria in the order they are explained
CRITERIA = ("customers", "tiers", "teams", "categories", "tags", "channels", "priorities")
_SINGULAR = {
    "customers": "customer",
    "tiers": "tier",
    "teams": "team",
    "categories": "category",
    "tags": "tag",
    "channels": "channel",
    "priorities": "priority",
}


def _frozen(values: Iterable[object] | None) -> frozenset:
    return frozenset(v for v in (values or ()) if v is not None and v is not False)


@dataclass(frozen=True)
class PolicyRule:
    """A policy as the matcher sees it: an id, a precedence and its criteria."""

    id: int
    sequence: int = 10
    name: str = ""
    customers: frozenset = field(default_factory=frozenset)
    tiers: frozenset = field(default_factory=frozenset)
    teams: frozenset = field(default_factory=frozenset)
    categories: frozenset = field(default_factory=frozenset)
    tags: frozenset = field(default_factory=frozenset)
    channels: frozenset = field(default_factory=frozenset)
    priorities: frozenset = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in CRITERIA:
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @property
    def is_default(self) -> bool:
        """A policy with no criterion: it matches every ticket."""
        return not any(getattr(self, name) for name in CRITERIA)

    @property
    def criteria_used(self) -> frozenset[str]:
        """The criteria this policy matches on (a ticket fact it does not use cannot
        change whether it matches)."""
        return frozenset(name for name in CRITERIA if getattr(self, name))


@dataclass(frozen=True)
class TicketFacts:
    """What the matcher knows of a ticket; every field is a set of values.

    For teams and categories, give the ticket's own value followed by its parents.
    """

    customers: frozenset = field(default_factory=frozenset)
    tiers: frozenset = field(default_factory=frozenset)
    teams: frozenset = field(default_factory=frozenset)
    categories: frozenset = field(default_factory=frozenset)
    tags: frozenset = field(default_factory=frozenset)
    channels: frozenset = field(default_factory=frozenset)
    priorities: frozenset = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in CRITERIA:
            object.__setattr__(self, name, _frozen(getattr(self, name)))


@dataclass(frozen=True)
class Match:
    """The outcome of matching one ticket.

    ``matched_on`` lists ``(criterion, values)`` pairs: the ticket's values that
    the winning policy accepted.  ``rejected`` lists, for every policy tried
    before it, ``(policy id, criterion)``: the first criterion that failed.
    """

    policy_id: int | None
    matched_on: tuple[tuple[str, frozenset], ...] = ()
    rejected: tuple[tuple[int, str], ...] = ()

    def reason(self, names: Mapping[str, Mapping[object, str]] | None = None, policy_names=None) -> str:
        """A one-line explanation; ``names[criterion][value]`` gives display names."""
        names = names or {}
        policy_names = policy_names or {}
        if self.policy_id is None:
            return "no policy matches this ticket"
        label = policy_names.get(self.policy_id, f"policy {self.policy_id}")
        if not self.matched_on:
            text = f"{label}: service-wide default (no criterion)"
        else:
            parts = []
            for criterion, values in self.matched_on:
                shown = ", ".join(sorted(str(names.get(criterion, {}).get(v, v)) for v in values))
                parts.append(f"{_SINGULAR[criterion]} {shown}")
            text = f"{label}: matched on " + "; ".join(parts)
        if self.rejected:
            skipped = ", ".join(
                f"{policy_names.get(pid, f'policy {pid}')} (no {_SINGULAR[crit]})"
                for pid, crit in self.rejected
            )
            text += f"; before it: {skipped}"
        return text


def _order(policies: Iterable[PolicyRule]) -> list[PolicyRule]:
    return sorted(policies, key=lambda p: (p.sequence, p.id))


def _match_sorted(ordered: list[PolicyRule], facts: TicketFacts) -> Match:
    rejected = []
    for policy in ordered:
        matched_on = []
        failed = None
        for criterion in CRITERIA:
            accepted = getattr(policy, criterion)
            if not accepted:
                continue
            hits = accepted & getattr(facts, criterion)
            if not hits:
                failed = criterion
                break
            matched_on.append((criterion, frozenset(hits)))
        if failed is None:
            return Match(policy.id, tuple(matched_on), tuple(rejected))
        rejected.append((policy.id, failed))
    return Match(None, (), tuple(rejected))


def match_policy(policies: Iterable[PolicyRule], facts: TicketFacts) -> Match:
    """The first policy, by ``(sequence, id)``, whose every criterion matches ``facts``."""
    return _match_sorted(_order(policies), facts)


def match_many(policies: Iterable[PolicyRule], facts: Iterable[TicketFacts]) -> list[Match]:
    """:func:`match_policy` for many tickets, sorting the policies once."""
    ordered = _order(policies)
    cache: dict[TicketFacts, Match] = {}
    result = []
    for item in facts:
        found = cache.get(item)
        if found is None:
            found = cache[item] = _match_sorted(ordered, item)
        result.append(found)
    return result
