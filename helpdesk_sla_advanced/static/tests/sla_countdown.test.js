// Copyright 2026 helpdesk_sla_advanced developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {beforeEach, describe, expect, test} from "@odoo/hoot";
import {patchTranslations} from "@web/../tests/web_test_helpers";
import {
    countdownView,
    formatDuration,
} from "@helpdesk_sla_advanced/sla_countdown/sla_countdown_field.esm";

const {DateTime} = luxon;

const NOW = DateTime.fromSQL("2026-12-02 10:00:00", {zone: "utc"});
const MINUTE = 60000;

function clock(values) {
    return {
        ticket_id: 1,
        name: "First response",
        state: "running",
        deadline: "2026-12-02 12:13:00",
        internal_deadline: "2026-12-02 11:00:00",
        time_kind: "calendar",
        wall_time: true,
        time_left_hours: 2.2,
        as_of: "2026-12-02 10:00:00",
        working_hours: 0,
        explanation: "policy: VIP 24/7",
        ...values,
    };
}

describe.current.tags("desktop");

// loads the (English) translations _t needs
beforeEach(() => patchTranslations());

/** What the countdown shows, as plain strings (_t gives lazy strings without arguments). */
function show(data, now) {
    const view = countdownView(data, now);
    return view && {...view, text: String(view.text), sub: String(view.sub)};
}

test("durations in words", () => {
    expect(String(formatDuration(45 * MINUTE))).toBe("45 min");
    expect(String(formatDuration(65 * MINUTE))).toBe("1 h 05 min");
    expect(String(formatDuration(120 * MINUTE))).toBe("2 h");
    expect(String(formatDuration(51 * 60 * MINUTE))).toBe("2 d 3 h");
    expect(String(formatDuration(20 * 1000))).toBe("less than a minute");
});

test("a 24/7 clock counts down in wall time and turns at risk, then breached, by itself", () => {
    const data = clock({});
    let view = show(data, NOW);
    expect(view.phase).toBe("running");
    expect(view.text).toBe("2 h 13 min left");
    expect(view.badge).toBe("text-bg-primary");
    expect(view.title).toInclude("policy: VIP 24/7");
    view = show(data, NOW.plus({hours: 1, seconds: 1}));
    expect(view.phase).toBe("at_risk");
    expect(view.text).toBe("at risk: 1 h 12 min left");
    expect(view.badge).toBe("text-bg-warning");
    view = show(data, NOW.plus({hours: 3, minutes: 18}));
    expect(view.phase).toBe("breached");
    expect(view.text).toBe("late by 1 h 05 min");
    expect(view.badge).toBe("text-bg-danger");
});

test("a business-hours clock never counts business time in wall time", () => {
    const data = clock({time_kind: "business", wall_time: false, time_left_hours: 3});
    const view = show(data, NOW);
    expect(view.phase).toBe("running");
    expect(view.text).toInclude("(wall clock)");
    expect(view.text).toInclude("in 2 h 13 min");
    expect(view.sub).toInclude("3 h of business time left at");
    // later, the business time left stays the value computed at as_of, labelled so
    expect(show(data, NOW.plus({minutes: 30})).sub).toBe(view.sub);
});

test("paused, met, met late, exempted, not computable", () => {
    expect(
        show(clock({state: "paused", paused: true, pause_reason: "Waiting for customer"}), NOW)
            .text
    ).toBe("paused (Waiting for customer)");
    const met = show(
        clock({state: "met", reached_at: "2026-12-02 10:42:00", working_hours: 0.7}),
        NOW
    );
    expect([met.phase, met.text, met.badge]).toEqual(["met", "met in 42 min", "text-bg-success"]);
    const late = show(
        clock({state: "breached", reached_at: "2026-12-02 13:18:00", working_hours: 3.3}),
        NOW
    );
    expect([late.phase, late.text]).toEqual(["breached", "late by 1 h 05 min"]);
    const exempted = show(clock({state: "exempted", exempt_reason: "Force majeure"}), NOW);
    expect([exempted.phase, exempted.text]).toEqual(["exempted", "exempted"]);
    expect(exempted.title).toInclude("Force majeure");
    const broken = show(clock({error: "no working time"}), NOW);
    expect([broken.phase, broken.text]).toEqual(["error", "cannot be computed"]);
    expect(show(false, NOW)).toBe(null);
});
