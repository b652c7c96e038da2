# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.web.tests.test_js import unit_test_error_checker
from odoo.tests import HttpCase, tagged


def hoot_job_id(name):
    """The id hoot gives a suite or test (as web's HOOTCommon._generate_hash: that class is
    not imported, or pytest-odoo would collect its tests here)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestSlaCountdownHoot(HttpCase):
    """The widget's hoot unit tests (static/tests/*.test.js) in headless Chromium.

    Not a subclass of web's suites: pytest-odoo would collect their inherited tests."""

    def test_sla_countdown_unit(self):
        self.assertEqual(hoot_job_id("@web/core"), "e39ce9ba")  # as web's own test checks
        hoot_id = hoot_job_id("@helpdesk_sla_advanced")
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_id}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=unit_test_error_checker,
        )
