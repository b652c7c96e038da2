"""Errors raised by the SLA engine.

Every error is a :class:`ValueError` subclass, so that callers that only know
``ValueError`` still catch them, and every message names the offending value.  No public
function of the engine raises anything else on bad or extreme values: an
``OverflowError``, ``TypeError`` or ``ValueError`` from the standard library is turned
into one of these.
"""

from __future__ import annotations

__all__ = [
    "SlaEngineError",
    "NaiveDatetimeError",
    "UnknownTimezoneError",
    "EmptyScheduleError",
    "MalformedIntervalError",
    "CalendarRangeError",
    "ClockError",
    "CreditError",
]


class SlaEngineError(ValueError):
    """Base class of every error the engine raises on bad input."""


class NaiveDatetimeError(SlaEngineError):
    """A datetime without ``tzinfo`` was given where an instant is needed."""


class UnknownTimezoneError(SlaEngineError):
    """The time zone name is not a known IANA zone."""


class EmptyScheduleError(SlaEngineError):
    """The weekly schedule has no working time at all."""


class MalformedIntervalError(SlaEngineError):
    """A shift, closure or opening is malformed (bad weekday, time, order or type)."""


class CalendarRangeError(SlaEngineError):
    """A result falls outside the range of :class:`datetime.datetime` (years 1-9999),
    there is no working time left in that direction, or a call asks for more than the
    engine's bounds: more working time than ``MAX_DURATION`` or more calendar than
    ``MAX_SPAN_YEARS`` (see :mod:`sla_engine.calendar`)."""


class ClockError(SlaEngineError):
    """An SLA clock was given inconsistent events or targets."""


class CreditError(SlaEngineError):
    """A service-credit computation was given a bad value: a float or non-finite amount,
    overlapping, gapped or non-monotone bands, a cap below the minimum, a bad period."""
