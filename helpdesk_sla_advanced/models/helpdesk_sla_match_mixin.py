# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from sla_engine.policy import PolicyRule


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
