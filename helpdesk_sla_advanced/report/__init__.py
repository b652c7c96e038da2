from . import helpdesk_sla_ola_report
