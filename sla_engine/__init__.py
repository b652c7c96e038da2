"""sla_engine: exact, fast SLA arithmetic on working calendars.

Pure Python, standard library only; it never imports Odoo.  The Odoo addon
``helpdesk_sla_advanced`` translates records into these plain values.

Bounds: the engine counts at most :data:`MAX_DURATION` (87,660 h, ten years of 8,766 h)
of working time per target, offset or ``add``; one calendar materialises at most
:data:`MAX_SPAN_YEARS` (250) years of calendar; an escalation percentage is at most
:data:`MAX_PERCENT` (1000); a credit amount is below 10**15, with at most 15 decimal
places (:mod:`sla_engine.credits`).  Beyond them, and on any bad or extreme value, every public
function raises an :class:`SlaEngineError` subclass (a :class:`ValueError`) at once.
"""

from .calendar import (
    MAX_DURATION,
    MAX_SPAN_YEARS,
    Shift,
    WorkingCalendar,
    from_utc_naive,
    get_zone,
    to_utc_naive,
)
from .clock import ClockEvent, ClockState, ClockStatus, EventKind, Pause, Shares, SlaClock, Target
from .credits import (
    Adjustment,
    AttainmentRule,
    Availability,
    AvailabilityRule,
    Band,
    ClockOutcome,
    CreditLine,
    Exclusion,
    Linear,
    Outage,
    Statement,
    TicketRule,
    availability,
    check_bands,
    compute_statement,
    lateness_band,
    percent_band,
    period_bounds,
)
from .escalation import MAX_PERCENT, Level, Plan, Trigger, level_times, plan
from .errors import (
    CalendarRangeError,
    ClockError,
    CreditError,
    EmptyScheduleError,
    MalformedIntervalError,
    NaiveDatetimeError,
    SlaEngineError,
    UnknownTimezoneError,
)

__version__ = "1.0.0"

__all__ = [
    "MAX_DURATION",
    "MAX_PERCENT",
    "MAX_SPAN_YEARS",
    "Adjustment",
    "AttainmentRule",
    "Availability",
    "AvailabilityRule",
    "Band",
    "CalendarRangeError",
    "ClockError",
    "ClockEvent",
    "ClockOutcome",
    "ClockState",
    "ClockStatus",
    "CreditError",
    "CreditLine",
    "Exclusion",
    "Linear",
    "Outage",
    "Statement",
    "TicketRule",
    "EventKind",
    "Level",
    "Pause",
    "Plan",
    "Shares",
    "SlaClock",
    "Target",
    "Trigger",
    "EmptyScheduleError",
    "MalformedIntervalError",
    "NaiveDatetimeError",
    "Shift",
    "SlaEngineError",
    "UnknownTimezoneError",
    "WorkingCalendar",
    "availability",
    "check_bands",
    "compute_statement",
    "from_utc_naive",
    "get_zone",
    "lateness_band",
    "level_times",
    "percent_band",
    "period_bounds",
    "plan",
    "to_utc_naive",
]
