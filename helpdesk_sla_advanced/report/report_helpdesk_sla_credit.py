# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's SLA report of one period (a service-credit statement): compliance per
metric and priority, each breach with its deadline and lateness in business time,
availability against the commitment, the credits with their explanation and the exclusions
with their reasons. Labels and dates are in the customer's language."""

from collections import defaultdict
from statistics import median

from odoo import api, models
from odoo.tools import format_datetime, formatLang

from ..models.sla_tools import SLA_METRICS, naive


def percentile(values, share):
    """Nearest-rank percentile of ``values`` (``share`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil(n * share), at least 1
    return ordered[int(rank) - 1]


class ReportHelpdeskSlaCredit(models.AbstractModel):
    _name = "report.helpdesk_sla_advanced.report_helpdesk_sla_credit"
    _description = "Helpdesk SLA Report per Customer and Period"

    @api.model
    def _get_report_values(self, docids, data=None):
        credits = self.env["helpdesk.sla.credit"].browse(docids)
        credits.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "helpdesk.sla.credit",
            "docs": credits,
            "figures": {credit.id: self._sla_figures(credit) for credit in credits},
        }

    @api.model
    def _sla_clocks(self, credit):
        """The SLA clocks the statement counted: the customer's, in the agreement's company and
        policies, decided (met, breached or exempted) with their deadline in the period."""
        agreement = credit.agreement_id.sudo()
        start, end = agreement._sla_period_bounds(credit.period_start)
        domain = [
            ("partner_id", "=", credit.partner_id.id),
            ("company_id", "=", credit.company_id.id),
            ("ola_id", "=", False),
            ("metric", "in", SLA_METRICS),
            ("state", "in", ("met", "breached", "exempted")),
        ]
        policies = agreement._sla_policies()
        if policies:
            domain.append(("policy_id", "in", policies.ids))
        clocks = self.env["helpdesk.ticket.sla.status"].sudo().search(domain, order="deadline, id")
        low, high = naive(start), naive(end)
        return clocks.filtered(lambda s: low <= (s.deadline or s.reached_at or s.start) < high)

    @api.model
    def _sla_figures(self, credit):
        env = self.with_context(lang=credit.partner_id.lang or self.env.lang).env

        def number(value, digits=2):
            return formatLang(env, value, digits=digits) if value is not None else "-"

        Status = env["helpdesk.ticket.sla.status"]
        metrics = dict(Status._fields["metric"]._description_selection(env))
        priorities = dict(env["helpdesk.ticket"]._fields["priority"]._description_selection(env))
        tz = credit.agreement_id.sudo().tz or "UTC"
        clocks = self._sla_clocks(credit)
        groups = defaultdict(list)
        for clock in clocks.filtered(lambda s: s.state != "exempted"):
            groups[(clock.metric, clock.ticket_id.priority or "")].append(clock)
        order = {metric: index for index, metric in enumerate(SLA_METRICS)}
        compliance = []
        for (metric, priority), items in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
            met = sum(1 for clock in items if clock.state == "met")
            times = [clock.working_hours for clock in items if clock.reached_at]
            compliance.append(
                {
                    "metric": metrics.get(metric, metric),
                    "priority": priorities.get(priority, priority),
                    "tickets": len({clock.ticket_id.id for clock in items}),
                    "clocks": len(items),
                    "met_pct": number(100.0 * met / len(items), 1),
                    "median": number(median(times) if times else None),
                    "p90": number(percentile(times, 0.9)),
                }
            )
        breaches = []
        for clock in clocks.filtered(lambda s: s.state == "breached"):
            ticket = clock.ticket_id
            breaches.append(
                {
                    "ticket": ticket.number if ticket.number and ticket.number != "/" else f"#{ticket.id}",
                    "subject": ticket.name,
                    "metric": metrics.get(clock.metric, clock.metric),
                    "deadline": format_datetime(env, clock.deadline, tz=tz, dt_format="short"),
                    "reached": format_datetime(env, clock.reached_at, tz=tz, dt_format="short")
                    if clock.reached_at
                    else False,
                    "late": number(max(-(clock.time_left_hours or 0.0), 0.0)),
                }
            )
        return {
            "compliance": compliance,
            "breaches": breaches,
            "exempted": len(clocks.filtered(lambda s: s.state == "exempted")),
            "availability": number(credit.availability, 3),
            "commitment": number(credit.commitment, 3),
            "downtime": number(credit.downtime_hours),
            "excluded": number(credit.excluded_hours),
            "percents": {line.id: number(line.percent) for line in credit.line_ids},
        }
