# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.1.0 stores what a clock's attribution found as data, and writes the sentence in
the reader's language: the clocks attributed before get their data again."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    count = env["helpdesk.ticket.sla.status"]._sla_attribute_missing()
    _logger.info("helpdesk_sla_advanced: %s SLA clocks attributed again", count)
