"""Service credits: what a customer is owed for a period, from its SLA clocks and outages.

Finance turns the SLA clocks of one customer agreement and one period into money with
:func:`compute_statement`.  Three kinds of rule give credits, each as a percentage of the
period's fee (or, for tickets, a fixed amount):

* :class:`TicketRule`: each breached clock, graded by its lateness ("late up to 4 h: 1 %
  of the fee, up to 8 h: 3 %, more: 5 %").  Clocks of one incident count once;
* :class:`AttainmentRule`: the share of clocks of one metric met in the period ("below
  95 % of tickets resolved in time: 5 %, below 90 %: 10 %");
* :class:`AvailabilityRule`: the share of the period without outages, against a
  commitment such as 99.7 %, graded by bands or linearly ("1 % per full 0.1 point below").

Grades are :class:`Band` lists, checked by :func:`check_bands`: contiguous, without
overlap, and monotone (a worse measure never gives less).  A lateness band holds the
latenesses ``start < lateness <= end`` (:func:`lateness_band`); a percentage band holds
the measures ``start <= measure < end`` (:func:`percent_band`).  A measure outside every
band gives nothing: for the credit to grow with every breach, lateness bands should end
unbounded and percentage bands start at 0.

Exclusions never raise a credit: an excluded clock (an exempted ticket) is not counted by
ticket rules and counts as met by attainment rules; an :class:`Exclusion` window
(maintenance, force majeure) is taken out of the downtime.

How a statement is summed, in this order:

1. each rule's credit is rounded to the currency's ``quantum`` once, half up, on its
   own line; a rule giving nothing has no line (the explanation says why);
2. ``subtotal`` is the sum of those lines; the cap, ``fee * cap_percent / 100`` rounded
   to the quantum, limits it; then a total above 0 but below ``minimum`` becomes 0;
3. :class:`Adjustment` lines (changes to an earlier, approved period) are added after
   the cap and the minimum, outside both; the total is never below 0.

Arithmetic is exact: money and percentages are :class:`~decimal.Decimal` (or ``int``),
never ``float``; measures are exact fractions, compared exactly with band limits, and
rounded only for display (``percent`` fields: 28 significant digits) and once per line.
The caller's decimal context is never used.

Bounds: an amount (fee, fixed band value, minimum, adjustment) is below 10**15 in
absolute value; every number has at most 15 decimal places once trailing zeros are
dropped; the quantum is a power of ten from 1E-15 to 1E+15.  Only :class:`CreditError`
is raised on bad values.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from itertools import pairwise
from typing import ParamSpec, TypeVar

from .calendar import get_zone
from .errors import CreditError, UnknownTimezoneError

__all__ = [
    "Adjustment",
    "AttainmentRule",
    "Availability",
    "AvailabilityRule",
    "Band",
    "ClockOutcome",
    "CreditLine",
    "Exclusion",
    "Linear",
    "Outage",
    "Statement",
    "TicketRule",
    "availability",
    "check_bands",
    "compute_statement",
    "lateness_band",
    "percent_band",
    "period_bounds",
]

_UTC = timezone.utc
_ZERO = timedelta(0)
_US = timedelta(microseconds=1)
_HUNDRED = Decimal(100)
_MAX_AMOUNT = 10**15  # an amount is below this in absolute value
_MAX_PLACES = 15  # decimal places of any number, trailing zeros dropped
# Sums and products of bounded numbers, exact or refused (Inexact is trapped).
_EXACT = Context(
    prec=120,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
# Measures shown as Decimal (Availability.percent): correctly rounded to 28 digits.
_SHOWN = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(call: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn any stray ``ArithmeticError``, ``TypeError`` or ``ValueError`` of ``call``
    into a :class:`CreditError` (the checks are meant to catch bad values first)."""

    @functools.wraps(call)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return call(*args, **kwargs)
        except CreditError:
            raise
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise CreditError(f"{call.__qualname__} cannot be computed: {type(exc).__name__}: {exc}") from exc

    return guarded


# -- numbers ------------------------------------------------------------------------------


def _decimal(value: object, what: str) -> Decimal:
    """``value`` as a finite, bounded Decimal; ints are accepted, floats never."""
    if isinstance(value, float):
        raise CreditError(
            f"{what} must be a Decimal or an int, never a float (money is exact): "
            f"got {value!r}; write Decimal({str(value)!r})"
        )
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise CreditError(f"{what} must be a Decimal or an int, got {value!r} ({type(value).__name__})")
    if isinstance(value, int):
        if abs(value) >= _MAX_AMOUNT:
            raise CreditError(f"{what} {value} is too large: the engine counts below 10**15")
        return Decimal(value)
    if not value.is_finite():
        raise CreditError(f"{what} must be a finite number, got {value}")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    if not value:  # a zero keeps its places, unless absurd (0E-99999)
        return value if -_MAX_PLACES <= exponent <= 0 else Decimal(0)
    if value.adjusted() >= 15:
        raise CreditError(f"{what} {value} is too large: the engine counts below 10**15")
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    places = -exponent - min(trailing, -exponent) if exponent < 0 else 0
    if places > _MAX_PLACES:
        raise CreditError(f"{what} {value} has more than {_MAX_PLACES} decimal places")
    return value


def _percent(value: object, what: str, *, zero: bool) -> Decimal:
    """A percentage: in [0, 100] (``zero=True``) or (0, 100]."""
    result = _decimal(value, what)
    if result < 0 or (not zero and result == 0) or result > _HUNDRED:
        bounds = "from 0 to 100" if zero else "above 0 and at most 100"
        raise CreditError(f"{what} must be a percentage {bounds}, got {result}")
    return result


def _quantum_exponent(quantum: object) -> int:
    """The exponent ``k`` of a quantum ``10**k`` (a positive power of ten)."""
    if isinstance(quantum, float):
        raise CreditError(f"quantum must be a Decimal power of ten such as Decimal('0.01'), got {quantum!r}")
    if isinstance(quantum, bool) or not isinstance(quantum, (Decimal, int)):
        raise CreditError(f"quantum must be a Decimal power of ten such as Decimal('0.01'), got {quantum!r}")
    value = Decimal(quantum)
    if not value.is_finite() or value <= 0:
        raise CreditError(f"quantum must be a positive power of ten such as Decimal('0.01'), got {quantum}")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    stripped = text.rstrip("0")
    if stripped != "1":
        raise CreditError(f"quantum must be a power of ten such as Decimal('0.01'), got {quantum}")
    result = exponent + len(text) - 1
    if not -_MAX_PLACES <= result <= 15:
        raise CreditError(f"quantum {quantum} is outside 1E-15 to 1E+15")
    return result


def _round(value: Fraction, exponent: int) -> Decimal:
    """``value`` rounded to a multiple of ``10**exponent``, half away from zero
    (:data:`decimal.ROUND_HALF_UP`), as a Decimal with exactly that exponent."""
    scaled = value / Fraction(10) ** exponent
    units = math.floor(abs(scaled))
    if abs(scaled) - units >= Fraction(1, 2):
        units += 1
    sign = 1 if scaled < 0 and units else 0
    return Decimal((sign, tuple(int(digit) for digit in str(units)), exponent))


def _dsum(values: Iterable[Decimal], start: Decimal = Decimal(0)) -> Decimal:
    """The exact sum of Decimals (the caller's context is not used)."""
    with localcontext(_EXACT):
        return sum(values, start)


def _shown(value: Fraction) -> Decimal:
    """An exact measure as a Decimal, correctly rounded to 28 significant digits."""
    with localcontext(_SHOWN):
        return Decimal(value.numerator) / Decimal(value.denominator)


def _fmt_number(value: Decimal) -> str:
    """A Decimal for a message, without exponent or trailing zeros: 5, 2.5, 100."""
    if value == 0:
        return "0"
    return f"{value.normalize(_EXACT):f}"


def _fmt_measure(value: Fraction) -> str:
    """A measure (a percentage) for a message, cut (not rounded) to two decimals so that a
    figure shown never crosses a band limit: 99.8999 % shows as 99.89, never 99.90."""
    cents = math.floor(value * 100)
    return _fmt_number(Decimal(cents).scaleb(-2, _EXACT))


def _fmt_money(value: Decimal) -> str:
    return f"{value:f}"


def _fmt_bound(value: Decimal | timedelta) -> str:
    return str(value) if isinstance(value, timedelta) else _fmt_number(value)


def _fmt_band(band: Band) -> str:
    if band.end is None:
        return f"{_fmt_bound(band.start)} and above"
    return f"{_fmt_bound(band.start)}-{_fmt_bound(band.end)}"


def _fmt_instant(value: datetime) -> str:
    value = value.astimezone(_UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S" + (".%f" if value.microsecond else "") + " UTC")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _hashable(value: object, what: str) -> None:
    try:
        hash(value)
    except TypeError:
        raise CreditError(f"{what} must be hashable, got {value!r}") from None


def _text(value: object, what: str, *, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise CreditError(f"{what} must be a string, got {value!r} ({type(value).__name__})")
    if not empty and not value.strip():
        raise CreditError(f"{what} must not be empty")
    return value


def _aware_utc(value: object, what: str) -> datetime:
    """An aware datetime, as UTC (aware datetimes sharing one zone compare and subtract
    by wall time: converting them to UTC first keeps every duration exact)."""
    if not isinstance(value, datetime):
        raise CreditError(f"{what} must be a datetime, got {value!r} ({type(value).__name__})")
    try:
        offset = value.utcoffset()
    except (OverflowError, TypeError, ValueError) as exc:
        raise CreditError(f"{what} {value!r} has a time zone whose utcoffset() fails: {exc}") from None
    if offset is None:
        raise CreditError(
            f"{what} is a naive datetime ({value.isoformat()}); pass an aware datetime, "
            f"e.g. value.replace(tzinfo=ZoneInfo('UTC'))"
        )
    try:
        return value.astimezone(_UTC)
    except OverflowError:
        raise CreditError(f"{what} {value.isoformat()} cannot be represented in UTC") from None


def _items(values: object, kind: type | tuple[type, ...], what: str) -> list:
    """``values`` as a list, every item an instance of ``kind``."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = " or ".join(k.__name__ for k in kinds)
    if isinstance(values, (str, bytes)):
        raise CreditError(f"{what} must be an iterable of {names}, got {values!r}")
    try:
        items = list(values)  # a TypeError when not iterable
    except TypeError:
        raise CreditError(f"{what} must be an iterable of {names}, got {values!r}") from None
    for item in items:
        if not isinstance(item, kinds):
            raise CreditError(f"{what} must hold {names} instances, got {item!r}")
    return items


# -- bands --------------------------------------------------------------------------------


def _bound(value: object, what: str) -> Decimal | timedelta:
    if isinstance(value, timedelta):
        return value
    return _decimal(value, what)


@dataclass(frozen=True)
class Band:
    """One band of a graded rule: the measures from ``start`` to ``end`` give ``value``.

    ``start`` and ``end`` are durations (lateness) or percentages (attainment,
    availability); ``end=None`` is unbounded (the last band only).  ``value`` is a
    percentage of the fee or, for a fixed-amount ticket rule, an amount.  Ints are
    accepted as Decimals; floats never.  How bands fit together is checked by
    :func:`check_bands`.
    """

    start: Decimal | timedelta
    end: Decimal | timedelta | None
    value: Decimal

    @_guarded
    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _bound(self.start, "band start"))
        if self.end is not None:
            object.__setattr__(self, "end", _bound(self.end, "band end"))
        object.__setattr__(self, "value", _decimal(self.value, f"band {_fmt_band(self)}: the value"))

    def __str__(self) -> str:
        return _fmt_band(self)


def _kind(value: Decimal | timedelta) -> str:
    return "duration" if isinstance(value, timedelta) else "percentage"


def _fmt_value(value: Decimal, percent: bool) -> str:
    return f"{_fmt_number(value)} %" if percent else _fmt_number(value)


@_guarded
def check_bands(
    bands: Sequence[Band], *, field: str = "bands", percent: bool = True, worse: str = "higher"
) -> tuple[Band, ...]:
    """Check the bands of one rule and return them sorted by ``start``.

    ``field`` names the bands in messages.  ``percent``: the values are percentages of
    the fee, from 0 to 100 (otherwise amounts, at least 0).  ``worse``: ``"higher"``
    when a larger measure is worse (lateness), so values must not decrease as ``start``
    grows; ``"lower"`` when a lower measure is worse (attainment, availability), so values
    must not increase as ``start`` grows.

    :raises CreditError: naming ``field`` and the offending bands when the list is empty;
        a band starts at or after its end; two bands overlap; there is a gap between two
        bands (each start must equal the previous end); an unbounded band is not the last;
        durations and percentages are mixed; a duration is negative; a percentage measure
        lies outside 0-100; a value is negative, or above 100 when ``percent``; the values
        are not monotone.  (Floats and non-finite numbers are refused when a Band is built.)
    """
    field = _text(field, "field", empty=False)
    if worse not in ("higher", "lower"):
        raise CreditError(f"{field}: worse must be 'higher' or 'lower', got {worse!r}")
    if not isinstance(percent, bool):
        raise CreditError(f"{field}: percent must be True or False, got {percent!r}")
    items: list[Band] = _items(bands, Band, field)
    if not items:
        raise CreditError(f"{field}: no band; give at least one")
    kinds = {_kind(band.start) for band in items}
    kinds |= {_kind(band.end) for band in items if band.end is not None}
    if len(kinds) > 1:
        shown = ", ".join(_fmt_band(band) for band in items)
        raise CreditError(f"{field}: durations and percentages are mixed ({shown}); use one kind")
    for band in items:
        if band.end is not None and band.start >= band.end:
            raise CreditError(f"{field}: {band} starts at or after its end")
        if isinstance(band.start, timedelta):
            if band.start < _ZERO:
                raise CreditError(f"{field}: {band} starts below 0; a lateness is never negative")
        elif band.start < 0 or band.start > _HUNDRED or (band.end is not None and band.end > _HUNDRED):
            raise CreditError(f"{field}: {band} lies outside 0-100; a percentage measure lies within 0-100")
        if band.value < 0:
            raise CreditError(f"{field}: {band} gives a negative value {_fmt_number(band.value)}")
        if percent and band.value > _HUNDRED:
            raise CreditError(f"{field}: {band} gives {_fmt_number(band.value)} %, above 100 % of the fee")
    ordered = sorted(items, key=lambda band: band.start)
    for before, after in pairwise(ordered):
        if before.end is None:
            raise CreditError(f"{field}: {before} is unbounded but is not the last band ({after} follows)")
        if after.start < before.end:
            raise CreditError(f"{field}: {before} overlaps {after}")
        if after.start > before.end:
            raise CreditError(f"{field}: gap between {_fmt_bound(before.end)} and {_fmt_bound(after.start)}")
        if worse == "higher" and after.value < before.value:
            raise CreditError(
                f"{field}: not monotone: {after} gives {_fmt_value(after.value, percent)}, less than "
                f"{before} ({_fmt_value(before.value, percent)}), though a higher measure is worse"
            )
        if worse == "lower" and after.value > before.value:
            raise CreditError(
                f"{field}: not monotone: {after} gives {_fmt_value(after.value, percent)}, more than "
                f"{before} ({_fmt_value(before.value, percent)}), though a lower measure is worse"
            )
    return tuple(ordered)


def _bands_of(bands: Iterable[Band], kind: str, call: str) -> list[Band]:
    items: list[Band] = _items(bands, Band, f"{call} bands")
    for band in items:
        if _kind(band.start) != kind or (band.end is not None and _kind(band.end) != kind):
            raise CreditError(f"{call} needs {kind} bands, got {band}")
    return items


def _lateness_band(bands: Iterable[Band], lateness: timedelta) -> Band | None:
    for band in bands:
        if band.start < lateness and (band.end is None or lateness <= band.end):
            return band
    return None


def _percent_band(bands: Iterable[Band], measure: Fraction) -> Band | None:
    for band in bands:
        if Fraction(band.start) <= measure and (band.end is None or measure < Fraction(band.end)):
            return band
    return None


@_guarded
def lateness_band(bands: Iterable[Band], lateness: timedelta) -> Band | None:
    """The band with ``start < lateness <= end`` ("late up to 4 h"), or None if none."""
    if not isinstance(lateness, timedelta):
        raise CreditError(f"lateness must be a timedelta, got {lateness!r} ({type(lateness).__name__})")
    return _lateness_band(_bands_of(bands, "duration", "lateness_band"), lateness)


@_guarded
def percent_band(bands: Iterable[Band], measure: Decimal) -> Band | None:
    """The band with ``start <= measure < end`` ("below 95 %"), or None if none."""
    exact = Fraction(_decimal(measure, "measure"))
    return _percent_band(_bands_of(bands, "percentage", "percent_band"), exact)


# -- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockOutcome:
    """One SLA clock of the period, met or breached.

    ``lateness``: the business time past the deadline (0 if met).  Clocks sharing a
    non-None ``incident`` report one incident and count once in ticket rules.  A
    non-empty ``excluded`` takes the clock out with that reason (an exempted ticket):
    ticket rules skip it, attainment rules count it as met.
    """

    ref: Hashable
    metric: str
    priority: str
    breached: bool
    lateness: timedelta = _ZERO
    incident: Hashable | None = None
    excluded: str = ""

    @_guarded
    def __post_init__(self) -> None:
        _hashable(self.ref, "a clock outcome's ref")
        what = f"clock outcome {self.ref!r}"
        _text(self.metric, f"{what}: the metric")
        _text(self.priority, f"{what}: the priority")
        if not isinstance(self.breached, bool):
            raise CreditError(f"{what}: breached must be True or False, got {self.breached!r}")
        if not isinstance(self.lateness, timedelta):
            raise CreditError(f"{what}: the lateness must be a timedelta, got {self.lateness!r}")
        if self.lateness < _ZERO:
            raise CreditError(f"{what}: the lateness cannot be negative, got {self.lateness}")
        if not self.breached and self.lateness:
            raise CreditError(f"{what}: met, yet late by {self.lateness}; a met clock has no lateness")
        _hashable(self.incident, f"{what}: the incident")
        _text(self.excluded, f"{what}: the exclusion reason")


def _check_window(start: object, end: object, what: str) -> tuple[datetime, datetime]:
    start_utc = _aware_utc(start, f"{what}: the start")
    end_utc = _aware_utc(end, f"{what}: the end")
    if end_utc < start_utc:
        raise CreditError(
            f"{what} ends at {_fmt_instant(end_utc)}, before it starts at {_fmt_instant(start_utc)}"
        )
    return start_utc, end_utc


@dataclass(frozen=True)
class Outage:
    """A stretch of unavailability, from ``start`` to ``end`` (aware datetimes)."""

    start: datetime
    end: datetime
    ref: Hashable
    label: str = ""

    @_guarded
    def __post_init__(self) -> None:
        _hashable(self.ref, "an outage's ref")
        _check_window(self.start, self.end, f"outage {self.ref!r}")
        _text(self.label, f"outage {self.ref!r}: the label")

    def __str__(self) -> str:
        return f"outage {self.ref}" + (f" ({self.label})" if self.label else "")


@dataclass(frozen=True)
class Exclusion:
    """A window taken out of the downtime (maintenance, force majeure), with its reason."""

    start: datetime
    end: datetime
    reason: str
    ref: Hashable = None

    @_guarded
    def __post_init__(self) -> None:
        _hashable(self.ref, "an exclusion's ref")
        what = f"exclusion {self.ref!r}" if self.ref is not None else "exclusion"
        _text(self.reason, f"{what}: the reason", empty=False)
        _check_window(self.start, self.end, f"{what} ({self.reason})")


@dataclass(frozen=True)
class Linear:
    """A linear grade: ``percent_per_step`` % of the fee per full ``step`` points of
    availability below the commitment (1 % per full 0.1 point)."""

    step: Decimal
    percent_per_step: Decimal

    @_guarded
    def __post_init__(self) -> None:
        object.__setattr__(self, "step", _percent(self.step, "a linear step", zero=False))
        object.__setattr__(
            self, "percent_per_step", _percent(self.percent_per_step, "a linear percent per step", zero=False)
        )


def _rule_bands(bands: object, field: str, kind: str, *, percent: bool, worse: str) -> tuple[Band, ...]:
    """A rule's bands, all of ``kind``, checked and sorted."""
    items: list[Band] = _items(bands, Band, field)
    for band in items:
        if _kind(band.start) != kind or (band.end is not None and _kind(band.end) != kind):
            if kind == "duration":
                raise CreditError(f"{field}: a ticket rule grades lateness; give timedelta bands, got {band}")
            raise CreditError(f"{field}: this rule grades a percentage; give Decimal bands, got {band}")
    return check_bands(items, field=field, percent=percent, worse=worse)


def _rule_head(key: object, label: object, kind: str) -> str:
    _hashable(key, f"a {kind} rule's key")
    _text(label, f"{kind} rule {key!r}: the label")
    return f"{kind} rule {key!r}"


@dataclass(frozen=True)
class TicketRule:
    """A credit per breached clock, graded by lateness.

    Each breached, not excluded outcome whose metric and priority match (None: any)
    gives the value of its lateness band: a percentage of the fee, or a fixed amount
    when ``fixed``.  Outcomes sharing a non-None incident count once: the one giving the
    most, which is the latest whenever the bands cover it.  A breach in no band (a
    lateness of 0, beyond a bounded last band) gives nothing.
    """

    key: Hashable
    label: str
    bands: tuple[Band, ...]
    metric: str | None = None
    priority: str | None = None
    fixed: bool = False

    @_guarded
    def __post_init__(self) -> None:
        what = _rule_head(self.key, self.label, "ticket")
        for name in ("metric", "priority"):
            if getattr(self, name) is not None:
                _text(getattr(self, name), f"{what}: the {name}")
        if not isinstance(self.fixed, bool):
            raise CreditError(f"{what}: fixed must be True or False, got {self.fixed!r}")
        bands = _rule_bands(self.bands, f"{what} bands", "duration", percent=not self.fixed, worse="higher")
        object.__setattr__(self, "bands", bands)


@dataclass(frozen=True)
class AttainmentRule:
    """A credit graded by attainment: the share of the period's clocks of ``metric``
    that were met, in %, excluded clocks counting as met.  Nothing with fewer than
    ``min_tickets`` clocks of that metric (excluded ones included)."""

    key: Hashable
    label: str
    bands: tuple[Band, ...]
    metric: str = "resolution"
    min_tickets: int = 1

    @_guarded
    def __post_init__(self) -> None:
        what = _rule_head(self.key, self.label, "attainment")
        _text(self.metric, f"{what}: the metric")
        count = self.min_tickets
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise CreditError(f"{what}: min_tickets must be an integer of at least 1, got {count!r}")
        bands = _rule_bands(self.bands, f"{what} bands", "percentage", percent=True, worse="lower")
        object.__setattr__(self, "bands", bands)


@dataclass(frozen=True)
class AvailabilityRule:
    """A credit graded by availability against ``commitment`` (a percentage).

    Exactly one of ``bands`` (the band of the availability) and ``linear``
    (``floor((commitment - availability) / step) * percent_per_step``, at most 100, and 0
    when the commitment is met).  With bands, the commitment is only reported.
    """

    key: Hashable
    label: str
    commitment: Decimal
    bands: tuple[Band, ...] = ()
    linear: Linear | None = None

    @_guarded
    def __post_init__(self) -> None:
        what = _rule_head(self.key, self.label, "availability")
        commitment = _percent(self.commitment, f"{what}: the commitment", zero=False)
        object.__setattr__(self, "commitment", commitment)
        if self.linear is not None and not isinstance(self.linear, Linear):
            raise CreditError(f"{what}: linear must be a Linear or None, got {self.linear!r}")
        bands = tuple(_items(self.bands, Band, f"{what} bands"))
        if bool(bands) == (self.linear is not None):
            raise CreditError(f"{what}: give exactly one of bands and linear")
        if bands:
            bands = _rule_bands(bands, f"{what} bands", "percentage", percent=True, worse="lower")
        object.__setattr__(self, "bands", bands)


@dataclass(frozen=True)
class Adjustment:
    """A change to an earlier, approved period, added outside the cap and the minimum."""

    label: str
    amount: Decimal
    ref: Hashable = None

    @_guarded
    def __post_init__(self) -> None:
        _text(self.label, "an adjustment's label")
        _hashable(self.ref, f"adjustment {self.label!r}: the ref")
        object.__setattr__(self, "amount", _decimal(self.amount, f"adjustment {self.label!r}: the amount"))


# -- periods and availability -------------------------------------------------------------


@_guarded
def period_bounds(year: int, month: int, tz: str, months: int = 1) -> tuple[datetime, datetime]:
    """``[first day of month 00:00, first day of the month `months` later 00:00)``, local
    time in ``tz``, as aware UTC datetimes.  A month with a daylight-saving change has 743
    or 745 hours (Europe/Paris, March and October).  A local midnight that does not exist
    (a spring-forward gap) is the instant the gap ends; one that occurs twice is the first.

    :raises CreditError: for a bad month (1-12), months (at least 1) or time zone.
    """
    for name, value in (("year", year), ("month", month), ("months", months)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise CreditError(f"{name} must be an integer, got {value!r}")
    if not 1 <= month <= 12:
        raise CreditError(f"month must be from 1 to 12, got {month}")
    if months < 1:
        raise CreditError(f"months must be at least 1, got {months}")
    try:
        zone = get_zone(tz)
    except UnknownTimezoneError as exc:
        raise CreditError(str(exc)) from None
    end_year, end_month = divmod(year * 12 + month - 1 + months, 12)
    if year < 1 or end_year > 9999:
        raise CreditError(f"the period of {months} month(s) from {year}-{month:02d} is outside years 1-9999")
    try:
        start = datetime(year, month, 1, tzinfo=zone).astimezone(_UTC)
        end = datetime(end_year, end_month + 1, 1, tzinfo=zone).astimezone(_UTC)
    except OverflowError:
        raise CreditError(
            f"the period from {year}-{month:02d} in {tz} cannot be represented in UTC"
        ) from None
    return start, end


@dataclass(frozen=True)
class Availability:
    """The availability of one period.

    ``downtime``: the outages' union within the period; ``excluded``: the part of it
    inside exclusion windows; ``counted = downtime - excluded``.  ``percent`` is
    ``(period - counted) / period * 100``, correctly rounded to 28 significant digits
    (exact whenever it fits in them), not rounded further.  ``outages`` and
    ``exclusions``: those within the period, clipped to it, in UTC.
    """

    period_start: datetime
    period_end: datetime
    period: timedelta
    downtime: timedelta
    excluded: timedelta
    counted: timedelta
    percent: Decimal
    outages: tuple[Outage, ...]
    exclusions: tuple[Exclusion, ...]

    @property
    def exact_percent(self) -> Fraction:
        """``percent`` as an exact fraction (what the rules compare with their bands)."""
        period = self.period // _US
        return Fraction((period - self.counted // _US) * 100, period)


_Span = tuple[int, int]  # microseconds from the period start


def _union(spans: Iterable[_Span]) -> list[_Span]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _minus(spans: list[_Span], cut: list[_Span]) -> list[_Span]:
    """``spans - cut``; both sorted and disjoint (one merge-like walk)."""
    result = []
    index = 0
    for start, end in spans:
        while index < len(cut) and cut[index][1] <= start:
            index += 1  # cuts ending before this span cannot touch the later ones either
        scan = index
        while start < end and scan < len(cut) and cut[scan][0] < end:
            cut_start, cut_end = cut[scan]
            if cut_start > start:
                result.append((start, cut_start))
            start = max(start, cut_end)
            scan += 1
        if start < end:
            result.append((start, end))
    return result


def _length(spans: Iterable[_Span]) -> int:
    return sum(end - start for start, end in spans)


def _period(start: object, end: object) -> tuple[datetime, datetime]:
    start_utc = _aware_utc(start, "the period start")
    end_utc = _aware_utc(end, "the period end")
    if end_utc <= start_utc:
        raise CreditError(
            f"the period ends at {_fmt_instant(end_utc)}, not after its start {_fmt_instant(start_utc)}"
        )
    return start_utc, end_utc


def _clip(start: datetime, end: datetime, lo: datetime, hi: datetime) -> tuple[datetime, datetime] | None:
    start, end = max(start.astimezone(_UTC), lo), min(end.astimezone(_UTC), hi)
    return (start, end) if start < end else None


@_guarded
def availability(
    period_start: datetime,
    period_end: datetime,
    outages: Iterable[Outage],
    exclusions: Iterable[Exclusion] = (),
) -> Availability:
    """The availability of ``[period_start, period_end)``.

    Outages are clipped to the period; overlapping outages (and an outage given twice)
    count once; exclusion windows are taken out of that union.

    :raises CreditError: for naive datetimes, an empty period, or an outage or exclusion
        that ends before it starts (raised when it is built, naming it).
    """
    start, end = _period(period_start, period_end)
    clipped_outages: list[Outage] = []
    for outage in _items(outages, Outage, "outages"):
        window = _clip(outage.start, outage.end, start, end)
        if window:
            clipped_outages.append(Outage(window[0], window[1], outage.ref, outage.label))
    clipped_exclusions: list[Exclusion] = []
    for exclusion in _items(exclusions, Exclusion, "exclusions"):
        window = _clip(exclusion.start, exclusion.end, start, end)
        if window:
            clipped_exclusions.append(Exclusion(window[0], window[1], exclusion.reason, exclusion.ref))
    # an outage or exclusion given twice is listed once (the unions count it once anyway)
    clipped_outages = list(dict.fromkeys(clipped_outages))
    clipped_exclusions = list(dict.fromkeys(clipped_exclusions))
    down = _union(((o.start - start) // _US, (o.end - start) // _US) for o in clipped_outages)
    cut = _union(((e.start - start) // _US, (e.end - start) // _US) for e in clipped_exclusions)
    period_us = (end - start) // _US
    downtime_us = _length(down)
    counted_us = _length(_minus(down, cut))
    return Availability(
        period_start=start,
        period_end=end,
        period=end - start,
        downtime=timedelta(microseconds=downtime_us),
        excluded=timedelta(microseconds=downtime_us - counted_us),
        counted=timedelta(microseconds=counted_us),
        percent=_shown(Fraction((period_us - counted_us) * 100, period_us)),
        outages=tuple(clipped_outages),
        exclusions=tuple(clipped_exclusions),
    )


def _outage_lines(result: Availability) -> tuple[list[str], tuple[Hashable, ...]]:
    """One explanation line per outage of ``result``, in time order, and the refs of
    those that counted: what each adds to the union, less what exclusions take out."""
    start = result.period_start
    cut = _union(((e.start - start) // _US, (e.end - start) // _US) for e in result.exclusions)
    reach = 0  # the union of the outages before this one, from its start, is [start, reach)
    lines: list[str] = []
    refs: dict[Hashable, None] = {}  # in order, each once
    for outage in sorted(result.outages, key=lambda o: (o.start, o.end)):
        span = ((outage.start - start) // _US, (outage.end - start) // _US)
        new = [(max(span[0], reach), span[1])] if span[1] > reach else []
        reach = max(reach, span[1])
        first = bisect_right(cut, (new[0][0],)) - 1 if new else 0
        counted = _length(_minus(new, cut[max(first, 0) :]))
        parts = [f"{outage}: {_fmt_instant(outage.start)} to {_fmt_instant(outage.end)}"]
        already = span[1] - span[0] - _length(new)
        if already:
            parts.append(f"{timedelta(microseconds=already)} already counted by an overlapping outage")
        if _length(new) - counted:
            parts.append(f"{timedelta(microseconds=_length(new) - counted)} excluded")
        parts.append(f"{timedelta(microseconds=counted)} counted")
        lines.append(", ".join(parts))
        if counted:
            refs[outage.ref] = None
    for exclusion in result.exclusions:
        ref = f" {exclusion.ref}" if exclusion.ref is not None else ""
        lines.append(
            f"exclusion{ref} ({exclusion.reason}): {_fmt_instant(exclusion.start)} to "
            f"{_fmt_instant(exclusion.end)} taken out of the downtime"
        )
    return lines, tuple(refs)


# -- statements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditLine:
    """One line of a statement: a rule that gives something, or an adjustment.

    ``percent``: the percentage of the fee applied (for a ticket rule in percent mode,
    the sum over its breaches); None for fixed amounts and adjustments.  ``amount``:
    rounded to the quantum once, half up.
    """

    rule: Hashable | None
    kind: str
    label: str
    refs: tuple
    measure: str
    percent: Decimal | None
    amount: Decimal
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """The credits of one agreement for one period (see the module's documentation for
    how ``total`` follows from the lines, the cap, the minimum and the adjustments)."""

    lines: tuple[CreditLine, ...]
    subtotal: Decimal
    cap: Decimal | None
    capped: bool
    minimum: Decimal
    below_minimum: bool
    total: Decimal
    exclusions: tuple[tuple[Hashable, str], ...]
    availability: Availability | None
    explanation: tuple[str, ...]


_Rule = TicketRule | AttainmentRule | AvailabilityRule


def _describe(outcome: ClockOutcome) -> str:
    return f"ticket {outcome.ref} ({outcome.metric}, priority {outcome.priority})"


def _fmt_ref(ref: Hashable) -> str:
    if isinstance(ref, tuple) and len(ref) == 2 and all(isinstance(value, datetime) for value in ref):
        return f"{_fmt_instant(ref[0])} to {_fmt_instant(ref[1])}"
    return str(ref)


def _of_fee(fee: Decimal, percent: Decimal) -> Fraction:
    return Fraction(fee) * Fraction(percent) / 100


def _ticket_line(
    rule: TicketRule, outcomes: list[ClockOutcome], fee: Decimal, exponent: int
) -> tuple[CreditLine | None, str]:
    breaches: list[tuple[ClockOutcome, Band | None]] = [
        (outcome, _lateness_band(rule.bands, outcome.lateness))
        for outcome in outcomes
        if outcome.breached
        and (rule.metric is None or outcome.metric == rule.metric)
        and (rule.priority is None or outcome.priority == rule.priority)
    ]
    # per incident, the breach giving the most; among equals the latest, then the first given
    best: dict[Hashable, int] = {}
    ranks: dict[Hashable, tuple[Decimal, timedelta]] = {}
    for index, (outcome, band) in enumerate(breaches):
        if outcome.incident is None or outcome.excluded:
            continue
        rank = (band.value if band else Decimal(-1), outcome.lateness)
        if outcome.incident not in best or rank > ranks[outcome.incident]:
            best[outcome.incident], ranks[outcome.incident] = index, rank
    notes: list[str] = []
    values: list[Decimal] = []
    refs: dict[Hashable, None] = {}  # in order, each once
    for index, (outcome, band) in enumerate(breaches):
        head = f"{_describe(outcome)}: late {outcome.lateness}"
        if outcome.excluded:
            notes.append(f"{head}: excluded ({outcome.excluded}): not counted")
            continue
        if outcome.incident is not None and best[outcome.incident] != index:
            kept = breaches[best[outcome.incident]][0]
            notes.append(f"{head}: incident {outcome.incident} counts once, with ticket {kept.ref}")
            continue
        if band is None:
            notes.append(f"{head}: in no band: nothing")
            continue
        notes.append(f"{head}: band {band} gives {_fmt_value(band.value, not rule.fixed)}")
        if band.value:
            values.append(band.value)
            refs[outcome.ref] = None
    measure = _plural(len(values), "breach", "breaches")
    if rule.fixed:
        percent = None
        total = _dsum(values)
        amount = _round(Fraction(total), exponent)
        summary = f"{rule.label}: {measure}: {_fmt_number(total)} = {_fmt_money(amount)}"
    else:
        percent = _dsum(values)
        amount = _round(_of_fee(fee, percent), exponent)
        summary = f"{rule.label}: {measure}: {_fmt_number(percent)} % of the fee = {_fmt_money(amount)}"
    if not amount:
        return None, f"{summary}: no line"
    explanation = (*notes, summary)
    line = CreditLine(rule.key, "ticket", rule.label, tuple(refs), measure, percent, amount, explanation)
    return line, summary


def _attainment_line(
    rule: AttainmentRule, outcomes: list[ClockOutcome], fee: Decimal, exponent: int
) -> tuple[CreditLine | None, str]:
    relevant = [outcome for outcome in outcomes if outcome.metric == rule.metric]
    total = len(relevant)
    if total < rule.min_tickets:
        return None, (
            f"{rule.label}: {_plural(total, rule.metric + ' clock')}, fewer than the minimum "
            f"{rule.min_tickets}: no attainment credit"
        )
    notes: list[str] = []
    refs: dict[Hashable, None] = {}  # in order, each once
    met = 0
    for outcome in relevant:
        if outcome.excluded:
            notes.append(f"{_describe(outcome)}: excluded ({outcome.excluded}): counted as met")
            met += 1
        elif outcome.breached:
            notes.append(f"{_describe(outcome)}: breached")
            refs[outcome.ref] = None
        else:
            met += 1
    attainment = Fraction(met * 100, total)
    measure = f"{_fmt_measure(attainment)} % of {_plural(total, 'ticket')} met"
    band = _percent_band(rule.bands, attainment)
    if band is None:
        decision = f"{measure}: in no band: nothing"
        return None, f"{rule.label}: {decision}"
    amount = _round(_of_fee(fee, band.value), exponent)
    decision = (
        f"{measure}: band {band} gives {_fmt_value(band.value, True)} of the fee = {_fmt_money(amount)}"
    )
    if not amount:
        return None, f"{rule.label}: {decision}: no line"
    notes.append(decision)
    line = CreditLine(
        rule.key, "attainment", rule.label, tuple(refs), measure, band.value, amount, tuple(notes)
    )
    return line, f"{rule.label}: {decision}"


def _availability_line(
    rule: AvailabilityRule, result: Availability, fee: Decimal, exponent: int
) -> tuple[CreditLine | None, str]:
    exact = result.exact_percent
    measure = f"{_fmt_measure(exact)} % available"
    head = (
        f"{rule.label}: {measure} (commitment {_fmt_number(rule.commitment)} %, "
        f"{result.counted} of downtime counted)"
    )
    if rule.linear is not None:
        linear = rule.linear
        if exact >= Fraction(rule.commitment):
            percent, how = Decimal(0), "commitment met"
        else:
            steps = math.floor((Fraction(rule.commitment) - exact) / Fraction(linear.step))
            with localcontext(_EXACT):
                raw = steps * linear.percent_per_step
            percent = min(raw, _HUNDRED)
            how = (
                f"{_plural(steps, 'full step')} of {_fmt_number(linear.step)} below the commitment, "
                f"{_fmt_number(linear.percent_per_step)} % each"
                + (f" = {_fmt_number(raw)} %, capped at 100 %" if raw > _HUNDRED else "")
            )
    else:
        band = _percent_band(rule.bands, exact)
        percent = band.value if band else Decimal(0)
        how = f"band {band}" if band else "in no band"
    amount = _round(_of_fee(fee, percent), exponent)
    if not percent:
        return None, f"{head}: {how}: nothing"
    decision = f"{head}: {how}: {_fmt_number(percent)} % of the fee = {_fmt_money(amount)}"
    if not amount:
        return None, f"{decision}: no line"
    notes, refs = _outage_lines(result)
    line = CreditLine(
        rule.key, "availability", rule.label, tuple(refs), measure, percent, amount, (*notes, decision)
    )
    return line, decision


@_guarded
def compute_statement(
    *,
    fee: Decimal,
    rules: Sequence[TicketRule | AttainmentRule | AvailabilityRule],
    outcomes: Iterable[ClockOutcome] = (),
    period: tuple[datetime, datetime] | None = None,
    outages: Iterable[Outage] = (),
    exclusions: Iterable[Exclusion] = (),
    cap_percent: Decimal | None = None,
    minimum: Decimal = Decimal(0),
    quantum: Decimal = Decimal("0.01"),
    adjustments: Iterable[Adjustment] = (),
) -> Statement:
    """The credit statement of one agreement for one period.

    ``fee``: the period's fee; ``rules`` give one line each when they give something
    (in the order given; those giving nothing are only explained); ``period``: the
    ``(start, end)`` of the period, needed by availability rules (:func:`period_bounds`),
    over which ``outages`` and ``exclusions`` are measured; ``cap_percent``: the cap, a
    percentage of the fee; ``minimum``: a smaller total is not paid (rounded to the
    quantum); ``quantum``: the currency's smallest unit, such as ``Decimal("0.01")``;
    ``adjustments``: added after the cap and the minimum.

    ``total`` is ``max(0, m + sum(adjustment lines))`` where ``c = min(subtotal, cap)``
    and ``m = 0 if 0 < c < minimum else c``.

    :raises CreditError: for a negative fee; a cap_percent outside (0, 100]; a negative
        minimum; a cap amount below the minimum; a quantum that is not a positive power
        of ten; an availability rule, outages or exclusions without a period; two rules
        with one key; floats, non-finite or out-of-bounds numbers anywhere.
    """
    fee = _decimal(fee, "fee")
    if fee < 0:
        raise CreditError(f"fee cannot be negative, got {fee}")
    exponent = _quantum_exponent(quantum)
    quantum = Decimal((0, (1,), exponent))
    if cap_percent is not None:
        cap_percent = _percent(cap_percent, "cap_percent", zero=False)
    minimum = _decimal(minimum, "minimum")
    if minimum < 0:
        raise CreditError(f"minimum cannot be negative, got {minimum}")
    minimum = _round(Fraction(minimum), exponent)
    rule_list: list[_Rule] = _items(rules, (TicketRule, AttainmentRule, AvailabilityRule), "rules")
    seen: set[Hashable] = set()
    for rule in rule_list:
        if rule.key in seen:
            raise CreditError(f"two rules share the key {rule.key!r}; give each rule its own key")
        seen.add(rule.key)
    outcome_list: list[ClockOutcome] = _items(outcomes, ClockOutcome, "outcomes")
    adjustment_list: list[Adjustment] = _items(adjustments, Adjustment, "adjustments")
    outage_list: list[Outage] = _items(outages, Outage, "outages")
    exclusion_list: list[Exclusion] = _items(exclusions, Exclusion, "exclusions")
    measured: Availability | None = None
    if period is None:
        needing = [rule.key for rule in rule_list if isinstance(rule, AvailabilityRule)]
        if needing:
            raise CreditError(f"availability rule {needing[0]!r} needs a period: give period=(start, end)")
        if outage_list or exclusion_list:
            raise CreditError("outages and exclusions are measured over a period: give period=(start, end)")
    else:
        if not isinstance(period, (tuple, list)) or len(period) != 2:
            raise CreditError(f"period must be a (start, end) tuple of datetimes, got {period!r}")
        measured = availability(period[0], period[1], outage_list, exclusion_list)
    cap = None if cap_percent is None else _round(_of_fee(fee, cap_percent), exponent)
    if cap is not None and cap < minimum:
        raise CreditError(f"cap {_fmt_money(cap)} is below the minimum credit {_fmt_money(minimum)}")

    explanation = [f"fee {_fmt_money(_round(Fraction(fee), exponent))}"]
    if cap_percent is not None:
        explanation.append(f"cap {_fmt_number(cap_percent)} % of the fee = {_fmt_money(cap)}")
    lines: list[CreditLine] = []
    for rule in rule_list:
        if isinstance(rule, TicketRule):
            line, summary = _ticket_line(rule, outcome_list, fee, exponent)
        elif isinstance(rule, AttainmentRule):
            line, summary = _attainment_line(rule, outcome_list, fee, exponent)
        else:
            assert measured is not None
            line, summary = _availability_line(rule, measured, fee, exponent)
        explanation.append(summary)
        if line is not None:
            lines.append(line)
    zero = Decimal((0, (0,), exponent))
    subtotal = _dsum((line.amount for line in lines), zero)
    explanation.append(f"subtotal {_fmt_money(subtotal)}")
    total = subtotal
    capped = cap is not None and subtotal > cap
    if cap is not None:
        if capped:
            total = cap
            explanation.append(
                f"cap {_fmt_money(cap)} reached: the subtotal {_fmt_money(subtotal)} is capped to it"
            )
        else:
            explanation.append(f"cap {_fmt_money(cap)}: not reached")
    below_minimum = 0 < total < minimum
    if below_minimum:
        explanation.append(
            f"{_fmt_money(total)} is below the minimum credit {_fmt_money(minimum)}: nothing is due"
        )
        total = zero
    elif minimum and total:
        explanation.append(f"minimum credit {_fmt_money(minimum)}: reached")
    for adjustment in adjustment_list:
        amount = _round(Fraction(adjustment.amount), exponent)
        note = f"adjustment {adjustment.label}: {_fmt_money(amount)}, outside the cap and the minimum"
        refs = () if adjustment.ref is None else (adjustment.ref,)
        lines.append(
            CreditLine(None, "adjustment", adjustment.label, refs, "adjustment", None, amount, (note,))
        )
        explanation.append(note)
        total = _dsum((amount,), total)
    if total < 0:
        explanation.append(f"the adjustments bring the total to {_fmt_money(total)}: it never goes below 0")
        total = zero
    excluded: dict[tuple[Hashable, str], None] = {}
    for outcome in outcome_list:
        if outcome.excluded:
            excluded[(outcome.ref, outcome.excluded)] = None
    if measured is not None:
        for window in measured.exclusions:
            excluded[
                (window.ref if window.ref is not None else (window.start, window.end), window.reason)
            ] = None
    if excluded:
        explanation.append(
            "excluded: " + "; ".join(f"{_fmt_ref(ref)} ({reason})" for ref, reason in excluded)
        )
    explanation.append(f"total {_fmt_money(total)}")
    return Statement(
        lines=tuple(lines),
        subtotal=subtotal,
        cap=cap,
        capped=capped,
        minimum=minimum,
        below_minimum=below_minimum,
        total=total,
        exclusions=tuple(excluded),
        availability=measured,
        explanation=tuple(explanation),
    )
