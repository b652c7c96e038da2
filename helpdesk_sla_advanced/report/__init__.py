from . import helpdesk_sla_ola_report
from . import report_helpdesk_sla_credit
