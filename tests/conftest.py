"""pytest configuration for the engine tests.

Hypothesis profiles (select with the ``HYPOTHESIS_PROFILE`` environment variable):

* ``ci`` (default): 300 examples per property, derandomized and without the example
  database, so that every CI run checks exactly the same examples.
* ``dev``: 2,000 random examples per property, with the example database, for
  hunting bugs locally (``HYPOTHESIS_PROFILE=dev pytest tests/test_calendar_properties.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_TESTS = Path(__file__).resolve().parent
for _p in (str(_TESTS.parent), str(_TESTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The engine never needs Odoo. Where pytest-odoo is installed, its session fixtures load an
# Odoo registry (and fail without --odoo-database): these no-ops stand in for them here, so
# that `pytest tests` works alone and the Odoo tests of a combined run keep the real ones.
@pytest.fixture(scope="session", autouse=True)
def load_registry():
    return None


@pytest.fixture(scope="session", autouse=True)
def load_http():
    return None


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    return None
