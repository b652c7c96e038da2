# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Advanced SLA - Invoicing",
    "summary": "Issue approved SLA service credits as customer credit notes",
    "version": "19.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/OCA/helpdesk",
    "author": "helpdesk_sla_advanced developers, Odoo Community Association (OCA)",
    "maintainers": ["helpdesk-sla-advanced"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["helpdesk_sla_advanced", "account"],
    "data": [
        "security/ir.model.access.csv",
        "data/product_product_data.xml",
        "views/helpdesk_sla_credit_views.xml",
        "views/account_move_views.xml",
    ],
    "demo": ["demo/helpdesk_sla_credit_demo.xml"],
    "auto_install": True,
    "installable": True,
}
