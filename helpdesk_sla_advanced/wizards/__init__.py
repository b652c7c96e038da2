from . import helpdesk_ticket_sla_exempt
from . import helpdesk_sla_credit_compute
