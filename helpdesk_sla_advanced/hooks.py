# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def pre_init_hook(env):
    """Start the SLA clocks of existing tickets when they were created, not at install.

    The column is created here so that the ORM does not fill it with the install time
    (and does not write every row of a large table twice).
    """
    if not column_exists(env.cr, "helpdesk_ticket", "sla_start"):
        create_column(env.cr, "helpdesk_ticket", "sla_start", "timestamp")
        env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET sla_start = "
                "date_trunc('second', COALESCE(create_date, now() at time zone 'UTC'))"
            )
        )


def post_init_hook(env):
    """Queue the open tickets for a first evaluation: the cron gives them their clocks in
    committed batches instead of holding the installation for it."""
    env["helpdesk.sla.policy"]._sla_config_changed()
