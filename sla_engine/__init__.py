"""sla_engine: exact, fast SLA arithmetic on working calendars.

Pure Python, standard library only; it never imports Odoo.  The Odoo addon
``helpdesk_sla_advanced`` translates records into these plain values.
"""

from .calendar import Shift, WorkingCalendar, from_utc_naive, get_zone, to_utc_naive
from .clock import ClockEvent, ClockState, ClockStatus, EventKind, Pause, SlaClock, Target
from .escalation import Level, Plan, Trigger, level_times, plan
from .errors import (
    CalendarRangeError,
    ClockError,
    EmptyScheduleError,
    MalformedIntervalError,
    NaiveDatetimeError,
    SlaEngineError,
    UnknownTimezoneError,
)

__version__ = "1.0.0"

__all__ = [
    "CalendarRangeError",
    "ClockError",
    "ClockEvent",
    "ClockState",
    "ClockStatus",
    "EventKind",
    "Level",
    "Pause",
    "Plan",
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
    "from_utc_naive",
    "get_zone",
    "level_times",
    "plan",
    "to_utc_naive",
]
