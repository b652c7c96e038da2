# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Advanced SLA",
    "summary": "Tiered SLA policies, first/next response and resolution clocks "
    "on working calendars, pauses, re-evaluation and exemptions",
    "version": "19.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/OCA/helpdesk",
    "author": "helpdesk_sla_advanced developers, Odoo Community Association (OCA)",
    "maintainers": ["helpdesk-sla-advanced"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["helpdesk_mgmt", "resource", "mail"],
    "external_dependencies": {"python": ["sla_engine"]},
    "data": [
        "security/helpdesk_sla_advanced_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/helpdesk_sla_priority_data.xml",
        "data/helpdesk_sla_policy_data.xml",
        "views/helpdesk_sla_tier_views.xml",
        "views/helpdesk_sla_policy_views.xml",
        "views/helpdesk_ticket_sla_status_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_templates.xml",
        "wizards/helpdesk_ticket_sla_exempt_views.xml",
        "views/helpdesk_sla_menus.xml",
    ],
    "demo": [
        "demo/helpdesk_sla_advanced_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "installable": True,
}
