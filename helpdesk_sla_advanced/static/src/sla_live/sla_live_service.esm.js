// Copyright 2026 helpdesk_sla_advanced developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {EventBus} from "@odoo/owl";
import {registry} from "@web/core/registry";

/** The bus notification the server sends when a ticket's SLA clocks change. */
export const SLA_BUS_TYPE = "helpdesk_sla_advanced/clocks_changed";

/**
 * Live SLA refresh: relays the server's "clocks changed" notifications (ticket ids) to
 * the countdowns on screen, which reload the view showing them (see SlaCountdownField).
 * No polling: the notifications come through Odoo's bus (websocket).
 */
export const slaLiveService = {
    dependencies: ["bus_service"],
    start(env, {bus_service: busService}) {
        const bus = new EventBus();
        busService.subscribe(SLA_BUS_TYPE, (payload, {id}) => {
            bus.trigger("clocks_changed", {ticketIds: new Set(payload.ticket_ids || []), id});
        });
        busService.start();
        return {bus};
    },
};

registry.category("services").add("helpdesk_sla_advanced.sla_live", slaLiveService);
