from . import test_credit_note
from . import test_credit_note_race
from . import test_demo
