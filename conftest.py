"""Repository-wide pytest hooks.

Where Odoo cannot be imported, the addons' Odoo tests cannot run: say so loudly, with
their number per addon, at the end of the run (just above pytest's summary line), so that a green
engine-only run is never mistaken for a full one.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# the addons whose tests need Odoo, each counted on its own
ADDONS = ("helpdesk_sla_advanced", "helpdesk_sla_advanced_account")


def count_odoo_tests(addon: str = ADDONS[0]) -> int:
    """Number of ``test_*`` methods in an addon's test classes (read, not imported)."""
    total = 0
    for path in sorted((ROOT / addon / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                total += sum(
                    1
                    for item in node.body
                    if isinstance(item, ast.FunctionDef) and item.name.startswith("test_")
                )
    return total


def odoo_available() -> bool:
    return (
        importlib.util.find_spec("odoo") is not None and importlib.util.find_spec("odoo.release") is not None
    )


# why a browser test (an HttpCase) did not run: Odoo's HttpCase raises SkipTest when it finds
# no Chrome or Chromium (or cannot drive it); pytest-odoo skips HttpCase without --odoo-http
BROWSER_SKIP_MARKERS = (
    "chrome",
    "chromium",
    "websocket-client",
    "devtools",
    "dev tools",
    "--odoo-http",
)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr or "")


# why a PDF test did not run: the SLA report is rendered by wkhtmltopdf and read back by
# pdftotext (Debian: wkhtmltopdf, poppler-utils)
PDF_SKIP_MARKERS = ("wkhtmltopdf", "pdftotext")
# (title, what they are, markers, how to run them)
TOOL_SKIPS = (
    (
        "BROWSER TESTS",
        "browser test(s) (HttpCase tours in headless Chromium)",
        BROWSER_SKIP_MARKERS,
        "Install Chromium (Debian: apt-get install chromium) and pass --odoo-http to run them.",
    ),
    (
        "PDF TESTS",
        "PDF test(s) (the SLA report rendered and read back)",
        PDF_SKIP_MARKERS,
        "Install wkhtmltopdf and poppler-utils (Debian) to run them.",
    ),
)


def tool_skips(terminalreporter, markers) -> list[tuple[str, str]]:
    """(test id, reason) of the tests skipped for a missing tool, found by their reasons."""
    skips = []
    for report in terminalreporter.stats.get("skipped", []):
        reason = _skip_reason(report)
        if any(marker in reason.lower() for marker in markers):
            skips.append((report.nodeid, reason))
    return skips


def report_tool_skips(terminalreporter) -> None:
    """A loud banner, with their number, for each kind of test skipped for a missing tool."""
    for title, what, markers, hint in TOOL_SKIPS:
        skips = tool_skips(terminalreporter, markers)
        if not skips:
            continue
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(
            f"!!! {title} SKIPPED: {len(skips)} {what} were NOT run:", red=True, bold=True
        )
        for reason in sorted({reason for _nodeid, reason in skips}):
            count = sum(1 for _nodeid, r in skips if r == reason)
            terminalreporter.write_line(f"!!!   {count} x {reason}", red=True, bold=True)
        terminalreporter.write_line(f"!!! {hint}", red=True, bold=True)
        terminalreporter.write_line(bar, red=True, bold=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if odoo_available() and config.getoption("--odoo-database", default=None):
        report_tool_skips(terminalreporter)
        counts: dict[str, dict[str, int]] = {"engine and static": {}}
        counts.update((f"Odoo ({addon})", {}) for addon in ADDONS)
        for outcome in ("passed", "failed", "error", "skipped"):
            for report in terminalreporter.stats.get(outcome, []):
                if getattr(report, "when", "call") != "call" and outcome == "passed":
                    continue
                addon = report.nodeid.split("/", 1)[0]
                key = f"Odoo ({addon})" if addon in ADDONS else "engine and static"
                counts[key][outcome] = counts[key].get(outcome, 0) + 1
        for suite, by_outcome in counts.items():
            detail = ", ".join(f"{n} {outcome}" for outcome, n in by_outcome.items()) or "none collected"
            terminalreporter.write_line(f"{suite} tests: {detail}", bold=True)
        return
    counts = {addon: count_odoo_tests(addon) for addon in ADDONS}
    reason = "`import odoo` fails on this machine" if not odoo_available() else "no --odoo-database given"
    bar = "!" * 78
    terminalreporter.write_line(bar, red=True, bold=True)
    terminalreporter.write_line(
        f"!!! ODOO TESTS SKIPPED: {sum(counts.values())} Odoo tests were NOT run ({reason}):",
        red=True,
        bold=True,
    )
    for addon, count in counts.items():
        terminalreporter.write_line(f"!!!   {count} of {addon}", red=True, bold=True)
    terminalreporter.write_line(
        "!!! Only the engine tests and static checks ran. Install Odoo 19 (README.md) to run them.",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(bar, red=True, bold=True)
