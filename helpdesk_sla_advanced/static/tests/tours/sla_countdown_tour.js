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

/*
 * Live refresh through the bus: the form shows a running first-response clock; an agent's
 * public reply is posted by an RPC (not through this form), the server meets the clock and
 * sends its bus notification, and the open form shows the next clock without reloading.
 */
registry.category("web_tour.tours").add("helpdesk_sla_advanced_live_refresh", {
    steps: () => [
        {
            content: "The first-response clock runs",
            trigger: `${COUNTDOWN}[data-sla-phase='running']:contains('1 h')`,
        },
        {
            content: "Mark the page, then reply to the customer outside this form",
            trigger: COUNTDOWN,
            run: async () => {
                window.slaTourNotReloaded = true;
                // let the bus (websocket) connect and subscribe first
                await new Promise((resolve) => setTimeout(resolve, 3000));
                const ticketId = Number(window.location.pathname.split("/").pop());
                const response = await fetch("/web/dataset/call_kw/helpdesk.ticket/message_post", {
                    method: "POST",
                    headers: {"Content-Type": "application/json"},
                    body: JSON.stringify({
                        jsonrpc: "2.0",
                        method: "call",
                        params: {
                            model: "helpdesk.ticket",
                            method: "message_post",
                            args: [[ticketId]],
                            kwargs: {
                                body: "We are on it.",
                                message_type: "comment",
                                subtype_xmlid: "mail.mt_comment",
                            },
                        },
                    }),
                });
                if (!response.ok) {
                    throw new Error(`message_post failed: ${response.status}`);
                }
            },
        },
        {
            content: "The open form now counts the resolution clock (40 h: 1 d 15 h left), without a page reload",
            trigger: `${COUNTDOWN}[data-sla-phase='running']:contains('1 d 15 h left')`,
            run: () => {
                if (!window.slaTourNotReloaded) {
                    throw new Error("the page was reloaded");
                }
            },
        },
    ],
});
