from . import account_move
from . import helpdesk_sla_credit
