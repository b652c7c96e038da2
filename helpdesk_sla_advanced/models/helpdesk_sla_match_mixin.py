# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from sla_engine.policy import PolicyRule, match_many

from .sla_tools import LazyNames


class HelpdeskSlaMatchMixin(models.AbstractModel):
    """The criteria an SLA policy or an OLA matches tickets on, and its engine rule.

    An empty criterion matches every ticket. The model says which teams it covers
    (``_sla_rule_teams``); the engine's ``match_policy`` does the rest.
    """

    _name = "helpdesk.sla.match.mixin"
    _description = "Helpdesk SLA Matching Criteria"

    tier_ids = fields.Many2many(comodel_name="helpdesk.sla.tier", string="Customer Tiers")
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        domain=[("is_company", "=", True)],
        help="Commercial entities; their contacts are covered too.",
    )
    category_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.category",
        string="Categories",
        check_company=True,
        help="Sub-categories are covered too.",
    )
    tag_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.tag",
        string="Tags",
        help="The ticket needs at least one of these tags.",
    )
    channel_ids = fields.Many2many(comodel_name="helpdesk.ticket.channel", string="Channels")
    priority_ids = fields.Many2many(comodel_name="helpdesk.sla.priority", string="Priorities")

    def _sla_rule_teams(self):
        """The teams this record covers (empty: every team)."""
        raise NotImplementedError

    def _sla_rule(self):
        """This record's criteria as an engine :class:`PolicyRule`."""
        self.ensure_one()
        return PolicyRule(
            id=self.id,
            sequence=self.sequence,
            name=self.name or "",
            customers=self.partner_ids.ids,
            tiers=self.tier_ids.ids,
            teams=self._sla_rule_teams().ids,
            categories=self.category_ids.ids,
            tags=self.tag_ids.ids,
            channels=self.channel_ids.ids,
            priorities=self.priority_ids.mapped("value"),
        )

    @api.model
    def _sla_match_against(self, configs, tickets):
        """{ticket id: (config or None, reason)}: for each ticket, the first of ``configs``
        (in precedence order) whose criteria all match, among those of the ticket's company,
        and why (or why none did)."""
        by_company = {}
        for ticket in tickets:
            by_company.setdefault(ticket.company_id.id, []).append(ticket)
        names = self._sla_reason_names() if tickets else {}
        config_names = {config.id: config.name for config in configs}
        by_id = {config.id: config for config in configs}
        result = {}
        for company_id, items in by_company.items():
            rules = [c.rule for c in configs if not c.company_id or c.company_id == company_id]
            matches = match_many(rules, [ticket._sla_facts() for ticket in items])
            for ticket, match in zip(items, matches, strict=True):
                result[ticket.id] = (by_id.get(match.policy_id), match.reason(names, config_names))
        return result

    @api.model
    def _sla_reason_names(self):
        """Display names for the values a reason may quote, computed only for the values
        a reason does quote (a priority change does not name every tag of the ticket)."""
        Model = self.env
        return {
            "customers": LazyNames(Model["res.partner"]),
            "tiers": LazyNames(Model["helpdesk.sla.tier"]),
            "teams": LazyNames(Model["helpdesk.ticket.team"]),
            "categories": LazyNames(Model["helpdesk.ticket.category"]),
            "tags": LazyNames(Model["helpdesk.ticket.tag"]),
            "channels": LazyNames(Model["helpdesk.ticket.channel"]),
            "priorities": dict(self.env["helpdesk.sla.priority"]._selection_value()),
        }
