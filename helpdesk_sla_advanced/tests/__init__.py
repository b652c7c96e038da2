from . import test_sla_clocks
