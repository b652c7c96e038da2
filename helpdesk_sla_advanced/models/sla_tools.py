# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small conversions between Odoo values and sla_engine values (no model here)."""

from datetime import timedelta, timezone

METRICS = [
    ("first_response", "First response"),
    ("next_response", "Next response"),
    ("resolution", "Resolution"),
]
TIME_KINDS = [("business", "Business hours"), ("calendar", "Calendar hours (24/7)")]
STATUS_STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("breached", "Breached"),
    ("exempted", "Exempted"),
]
# the ticket's summary: the most urgent state among its clocks
SUMMARY_STATES = [
    ("breached", "Breached"),
    ("at_risk", "At risk"),
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("failed", "Failed"),
    ("exempted", "Exempted"),
]
EVENT_KINDS = [
    ("start", "Started"),
    ("pause", "Paused"),
    ("resume", "Resumed"),
    ("stop", "Reached"),
    ("reopen", "Reopened"),
    ("target", "Re-evaluated"),
    ("exempt", "Exempted"),
    ("unexempt", "Exemption lifted"),
]


def zone_name(tz):
    """The IANA name to read a calendar in: ``tz`` or UTC when empty."""
    return tz or "UTC"


def aware(value):
    """A naive UTC datetime as Odoo stores it -> aware UTC (None stays None)."""
    return value.replace(tzinfo=timezone.utc) if value else None


def naive(value):
    """An aware datetime -> naive UTC for Odoo (None stays None)."""
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value else False


def hours(value):
    """timedelta -> float hours (None stays 0.0)."""
    return value.total_seconds() / 3600.0 if value is not None else 0.0


def duration(value_hours):
    """float hours -> timedelta, rounded to the second."""
    return timedelta(seconds=round((value_hours or 0.0) * 3600))
