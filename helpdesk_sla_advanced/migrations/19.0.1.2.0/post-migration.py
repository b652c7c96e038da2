# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.2.0 holds an exempted clock from the moment of its exemption (before, it kept
counting and could store a missed deadline under the state "exempted", and a lifted
exemption counted against the SLA): the clocks ever exempted are evaluated again from
their events."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import split_every

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Status = env["helpdesk.ticket.sla.status"].with_context(active_test=False)
    clocks = Status.search([("event_ids.kind", "in", ("exempt", "unexempt"))])
    for batch in split_every(500, clocks.ids, Status.browse):
        batch._sla_evaluate()
    Status._sla_schedule_tick()
    _logger.info("helpdesk_sla_advanced: %s exempted SLA clocks evaluated again", len(clocks))
