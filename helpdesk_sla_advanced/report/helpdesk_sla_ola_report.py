# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class HelpdeskSlaOlaReport(models.Model):
    """OLA ownership per team, priority and month: visits, compliance, median and 90th
    percentile of the working time a team owned tickets, breaches. Computed by the
    database over the completed visits (a pivot cannot take percentiles)."""

    _name = "helpdesk.sla.ola.report"
    _description = "Helpdesk OLA Ownership Percentiles"
    _auto = False
    _order = "month desc, team_id, priority"

    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", string="Team", readonly=True)
    priority = fields.Selection(selection="_selection_priority", readonly=True)
    month = fields.Date(readonly=True, help="Month the visits started.")
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    visit_count = fields.Integer(string="Visits", readonly=True)
    compliance = fields.Float(string="Compliance %", readonly=True, aggregator="avg")
    median_hours = fields.Float(string="Median Ownership (h)", readonly=True, aggregator="avg")
    p90_hours = fields.Float(string="90th Percentile (h)", readonly=True, aggregator="max")
    breach_count = fields.Integer(string="Breaches", readonly=True)

    def _selection_priority(self):
        return self.env["helpdesk.ticket"]._fields["priority"]._description_selection(self.env)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY s.ola_team_id, t.priority, date_trunc('month', s.start)) AS id,
                   s.ola_team_id AS team_id,
                   t.priority AS priority,
                   date_trunc('month', s.start)::date AS month,
                   s.company_id AS company_id,
                   count(*) AS visit_count,
                   avg(s.met_pct) AS compliance,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY s.working_hours) AS median_hours,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY s.working_hours) AS p90_hours,
                   count(*) FILTER (WHERE s.state = 'breached') AS breach_count
              FROM helpdesk_ticket_sla_status s
              JOIN helpdesk_ticket t ON t.id = s.ticket_id
             WHERE s.metric = 'ownership' AND s.ola_id IS NOT NULL AND s.active AND s.reached_at IS NOT NULL
          GROUP BY s.ola_team_id, t.priority, date_trunc('month', s.start), s.company_id
            """
        )
