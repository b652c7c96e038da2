from . import helpdesk_ticket_sla_exempt
