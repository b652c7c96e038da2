// Copyright 2026 helpdesk_sla_advanced developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

/*
 * The ticket's SLA countdown ticks in the browser and turns at risk, then breached, by
 * itself, without reloading. The test opens a ticket whose first-response clock counts 24/7
 * with an internal target at 1 h and a contractual one at 2 h; the tour moves the browser's
 * clock (luxon's Settings.now, which the widget reads) past each target in turn.
 */
const HOUR = 3600 * 1000;
const realNow = luxon.Settings.now;

function shiftClock(ms) {
    luxon.Settings.now = () => Date.now() + ms;
}

const COUNTDOWN = ".o_form_view .o_field_sla_countdown .o_sla_countdown";

registry.category("web_tour.tours").add("helpdesk_sla_advanced_countdown", {
    steps: () => [
        {
            content: "The countdown runs: wall-clock time left of a 24/7 clock",
            trigger: `${COUNTDOWN}[data-sla-phase='running']:contains('left')`,
        },
        {
            content: "Within the first hour",
            trigger: `${COUNTDOWN}[data-sla-phase='running'] .o_sla_countdown_text:contains(/^(1 h|59 min|1 h 59 min)/)`,
        },
        {
            content: "Let the internal target pass (the browser's clock moves 1 h later)",
            trigger: COUNTDOWN,
            run: () => shiftClock(HOUR + 5000),
        },
        {
            content: "The countdown turns at risk by itself",
            trigger: `${COUNTDOWN}[data-sla-phase='at_risk'] .text-bg-warning:contains('at risk')`,
        },
        {
            content: "Let the contractual deadline pass",
            trigger: COUNTDOWN,
            run: () => shiftClock(2 * HOUR + 5 * 60 * 1000),
        },
        {
            content: "The countdown turns breached by itself",
            trigger: `${COUNTDOWN}[data-sla-phase='breached'] .text-bg-danger:contains('late by')`,
        },
        {
            content: "Restore the browser's clock",
            trigger: COUNTDOWN,
            run: () => {
                luxon.Settings.now = realNow;
            },
        },
    ],
});
