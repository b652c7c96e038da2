from . import test_credit_note
