Live SLA countdowns (widget `sla_countdown`) in the ticket form, list, kanban and SLA tab, refreshed through the bus; *My SLA Queue*; the queue's *Time to Breach* column.
