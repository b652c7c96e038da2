from . import test_adversarial
from . import test_batch
from . import test_demo
from . import test_escalation
from . import test_policy_matching
from . import test_security
from . import test_sla_clocks
from . import test_validation
