# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Creating many tickets costs a few queries per calendar, never calendar SQL per ticket."""

import re
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .common import FRIDAY_5PM_PARIS, SlaCase

SLA_TABLES = re.compile(r"\b(helpdesk_ticket_sla_\w+|helpdesk_sla_\w+|resource_calendar\w*)\b")
CALENDAR_READS = re.compile(r"FROM\s+\"?resource_calendar_(attendance|leaves)\"?", re.IGNORECASE)


@tagged("post_install", "-at_install")
class TestBatch(SlaCase):
    @contextmanager
    def _capture(self):
        queries = []
        execute = self.env.cr.execute

        def spy(query, params=None, log_exceptions=True):
            queries.append(str(getattr(query, "code", query)))
            return execute(query, params, log_exceptions)

        with patch.object(self.env.cr, "execute", spy):
            yield queries

    def _create(self, count):
        vals = [
            {
                "name": f"Ticket {i}",
                "description": "<p>x</p>",
                "partner_id": self.alice.id,
                "team_id": self.team.id,
                "stage_id": self.stage_new.id,
                "priority": str(i % 4),
            }
            for i in range(count)
        ]
        with freeze_time(FRIDAY_5PM_PARIS), self._capture() as queries:
            tickets = self.env["helpdesk.ticket"].create(vals)
            self.env.flush_all()
        return tickets, queries

    def test_sla_queries_do_not_grow_with_the_number_of_tickets(self):
        self._create(3)  # warm the ORM and calendar caches
        _few, few_queries = self._create(10)
        many, many_queries = self._create(60)
        self.assertEqual(len(many.sla_status_ids), 120)
        few_sla = [q for q in few_queries if SLA_TABLES.search(q)]
        many_sla = [q for q in many_queries if SLA_TABLES.search(q)]
        # the ORM inserts and updates by 100 rows: 50 more tickets may add a statement or two
        # per batched statement, never one per ticket
        self.assertLess(len(many_sla) - len(few_sla), 50 / 10, "\n".join(many_sla))

    def test_calendar_hours_and_holidays_are_read_once_per_change_not_per_ticket(self):
        self.calendar.write({"name": "Paris office (renamed)"})  # the cached calendar is dropped
        _tickets, queries = self._create(40)
        calendar_reads = [q for q in queries if CALENDAR_READS.search(q)]
        # one calendar: its hours and its holidays, each searched then read
        self.assertLessEqual(len(calendar_reads), 4, "\n".join(calendar_reads))
        _tickets, queries = self._create(40)
        calendar_reads = [q for q in queries if CALENDAR_READS.search(q)]
        self.assertEqual(calendar_reads, [])

    def test_batch_created_clocks_equal_one_by_one_clocks(self):
        batch, _queries = self._create(8)
        single = self.env["helpdesk.ticket"]
        for ticket in batch:
            single |= self._ticket(priority=ticket.priority)
        for one, other in zip(batch, single, strict=True):
            self.assertEqual(
                sorted(one.sla_status_ids.mapped(lambda s: (s.metric, s.deadline, s.internal_deadline))),
                sorted(other.sla_status_ids.mapped(lambda s: (s.metric, s.deadline, s.internal_deadline))),
            )
