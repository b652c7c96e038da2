// Copyright 2026 helpdesk_sla_advanced developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {Component, onWillDestroy, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {useBus, useService} from "@web/core/utils/hooks";

const {DateTime} = luxon;

const TICK_MS = 1000;
const MINUTE = 60000;
// {view model: id of the last bus notification it was reloaded for}: one reload per view
const reloadedFor = new WeakMap();

/** A naive UTC datetime string of the server ("2026-12-02 10:00:00") as a local DateTime. */
export function parseUtc(value) {
    if (!value) {
        return null;
    }
    const parsed = DateTime.fromSQL(value, {zone: "utc"});
    return parsed.isValid ? parsed.setZone("default") : null;
}

/** A duration in milliseconds in words: "45 min", "1 h 05 min", "2 d 3 h". */
export function formatDuration(ms) {
    const minutes = Math.floor(Math.abs(ms) / MINUTE);
    if (minutes < 1) {
        return _t("less than a minute");
    }
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    if (days) {
        return hours ? _t("%(days)s d %(hours)s h", {days, hours}) : _t("%(days)s d", {days});
    }
    if (hours) {
        return rest
            ? _t("%(hours)s h %(minutes)s min", {hours, minutes: String(rest).padStart(2, "0")})
            : _t("%(hours)s h", {hours});
    }
    return _t("%(minutes)s min", {minutes: rest});
}

/** A due time: "Mon 10:00" within the week, "Mon 14 Dec 10:00" beyond. */
export function formatDue(due, now) {
    const days = Math.abs(due.diff(now, "days").days);
    return due.toFormat(days < 6 ? "ccc HH:mm" : "ccc d LLL HH:mm");
}

const BADGES = {
    running: "text-bg-primary",
    at_risk: "text-bg-warning",
    breached: "text-bg-danger",
    paused: "text-bg-info",
    met: "text-bg-success",
    exempted: "text-bg-secondary",
    pending: "text-bg-light",
    error: "text-bg-light",
};

/**
 * What the countdown of a clock shows at ``now`` (a DateTime): its phase (the state the
 * clock is in now, reckoned in the browser from its stored deadlines), its text, a
 * second text (business-hours clocks: the business time left when it was computed) and
 * its tooltip. ``data`` is the ``sla_countdown`` value the server computed.
 */
export function countdownView(data, now) {
    if (!data) {
        return null;
    }
    const deadline = parseUtc(data.deadline);
    const internal = parseUtc(data.internal_deadline);
    const reached = parseUtc(data.reached_at);
    const asOf = parseUtc(data.as_of);
    const business = !data.wall_time;
    const tooltip = [data.name, data.explanation].filter(Boolean);
    const view = {phase: data.state, text: "", sub: "", tooltip};
    const businessLeft = () =>
        _t("%(duration)s of business time left at %(time)s", {
            duration: formatDuration(data.time_left_hours * 3600000),
            time: asOf ? asOf.toFormat("HH:mm") : "",
        });
    if (data.error) {
        view.phase = "error";
        view.text = _t("cannot be computed");
        tooltip.unshift(data.error);
    } else if (data.state === "exempted") {
        view.text = _t("exempted");
        if (data.exempt_reason) {
            tooltip.unshift(data.exempt_reason);
        }
    } else if (data.state === "pending") {
        view.text = _t("not started");
    } else if (reached) {
        // decided: met, or met late (breached)
        const took = formatDuration(data.working_hours * 3600000);
        if (data.state === "breached" && deadline) {
            view.phase = "breached";
            view.text = _t("late by %(duration)s", {duration: formatDuration(reached.diff(deadline).toMillis())});
            view.sub = _t("met in %(duration)s", {duration: took});
        } else {
            view.phase = "met";
            view.text = _t("met in %(duration)s", {duration: took});
        }
    } else if (data.state === "met") {
        view.text = _t("met");
    } else if (data.paused || data.state === "paused") {
        view.phase = "paused";
        view.text = data.pause_reason
            ? _t("paused (%(reason)s)", {reason: data.pause_reason})
            : _t("paused");
        if (data.time_left_hours > 0) {
            view.sub = business
                ? _t("%(duration)s of business time left", {
                      duration: formatDuration(data.time_left_hours * 3600000),
                  })
                : _t("%(duration)s left", {duration: formatDuration(data.time_left_hours * 3600000)});
        }
    } else if (!deadline) {
        view.phase = "running";
        view.text = _t("running");
    } else {
        // counting: the browser's own clock decides at risk and breached, on time
        const wallLeft = deadline.diff(now).toMillis();
        if (wallLeft <= 0) {
            view.phase = "breached";
            view.text = _t("late by %(duration)s", {duration: formatDuration(wallLeft)});
            if (business) {
                view.sub = _t("(wall clock) since %(due)s", {due: formatDue(deadline, now)});
            }
        } else {
            view.phase = internal && internal <= now ? "at_risk" : "running";
            if (business) {
                // the browser cannot count business hours: the wall-clock time until the
                // due time, labelled as such, and the business time left when computed
                view.text = _t("due %(due)s, in %(duration)s (wall clock)", {
                    due: formatDue(deadline, now),
                    duration: formatDuration(wallLeft),
                });
                view.sub = businessLeft();
            } else {
                view.text = _t("%(duration)s left", {duration: formatDuration(wallLeft)});
            }
            if (view.phase === "at_risk") {
                view.text = _t("at risk: %(text)s", {text: view.text});
            }
        }
        if (internal) {
            tooltip.unshift(
                _t("Internal target: %(internal)s; contractual deadline: %(due)s", {
                    internal: internal.toFormat("ccc d LLL HH:mm"),
                    due: deadline.toFormat("ccc d LLL HH:mm"),
                })
            );
        }
    }
    if (view.sub) {
        tooltip.unshift(view.sub);
    }
    view.badge = BADGES[view.phase] || "text-bg-light";
    view.title = tooltip.join("\n");
    view.key = `${view.phase}|${view.text}|${view.sub}`;
    return view;
}

export class SlaCountdownField extends Component {
    static template = "helpdesk_sla_advanced.SlaCountdownField";
    static props = {
        ...standardFieldProps,
        dataField: {type: String, optional: true},
        compact: {type: Boolean, optional: true},
    };
    static defaultProps = {dataField: "sla_countdown", compact: false};

    setup() {
        this.state = useState({key: ""});
        // ticks without calling the server; re-renders only when what it shows changes
        const timer = browser.setInterval(() => {
            const view = this.countdown;
            if (view && view.key !== this.state.key) {
                this.state.key = view.key;
            }
        }, TICK_MS);
        onWillDestroy(() => browser.clearInterval(timer));
        // live refresh: the server changed this ticket's clocks (a reply, a stage change,
        // a breach stored by the cron, a re-evaluation): reload the view showing it
        const live = useService("helpdesk_sla_advanced.sla_live");
        useBus(live.bus, "clocks_changed", ({detail}) => this.onClocksChanged(detail));
    }

    get ticketId() {
        const {record} = this.props;
        if (record.resModel === "helpdesk.ticket") {
            return record.resId;
        }
        const data = record.data[this.props.dataField];
        return data ? data.ticket_id : false;
    }

    onClocksChanged({ticketIds, id}) {
        if (!this.ticketId || !ticketIds.has(this.ticketId)) {
            return;
        }
        const model = this.props.record.model;
        const root = model.root;
        // never drop what the user is editing; reload each view once per notification
        if (!root || root.dirty || root.editedRecord || reloadedFor.get(model) === id) {
            return;
        }
        reloadedFor.set(model, id);
        root.load();
    }

    get countdown() {
        return countdownView(this.props.record.data[this.props.dataField], DateTime.now());
    }
}

export const slaCountdownField = {
    component: SlaCountdownField,
    displayName: _t("SLA Countdown"),
    supportedTypes: ["datetime"],
    supportedOptions: [
        {
            label: _t("Countdown data field"),
            name: "data_field",
            type: "string",
        },
        {
            label: _t("Compact (no business-time line)"),
            name: "compact",
            type: "boolean",
        },
    ],
    listViewWidth: [170, 320],
    fieldDependencies: ({options}) => [{name: options.data_field || "sla_countdown", type: "json"}],
    extractProps: ({options}) => ({
        dataField: options.data_field || "sla_countdown",
        compact: Boolean(options.compact),
    }),
};

registry.category("fields").add("sla_countdown", slaCountdownField);
