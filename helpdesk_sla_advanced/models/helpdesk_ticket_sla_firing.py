# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

import psycopg2
from markupsafe import Markup
from odoo import fields, models

from .helpdesk_sla_escalation_action import (
    NOTIFY_KINDS,
    PER_TICKET_KINDS,
    TICKET_MODEL,
    SlaActionRefused,
    SlaRow,
    Tell,
)

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# errors that roll the whole pass back (it runs again), never recorded on a firing
CONCURRENCY_ERRORS = (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected)

FIRING_STATES = [
    ("done", "Fired"),
    ("failed", "Failed"),
    ("skipped", "Skipped (a later level was due)"),
]


class HelpdeskTicketSlaFiring(models.Model):
    """An escalation level fired (or skipped) for one SLA clock. The unique index makes
    each level of each clock fire at most once, whatever the number of cron workers."""

    _name = "helpdesk.ticket.sla.firing"
    _description = "Helpdesk Ticket SLA Escalation Fired"
    _order = "fired_at desc, id desc"

    status_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla.status", required=True, ondelete="cascade", readonly=True
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    escalation_id = fields.Many2one(
        comodel_name="helpdesk.sla.escalation",
        required=True,
        ondelete="restrict",  # a level that fired is archived, never deleted with its history
        readonly=True,
        string="Level",
    )
    metric = fields.Selection(related="status_id.metric")
    state = fields.Selection(selection=FIRING_STATES, required=True, readonly=True)
    due_at = fields.Datetime(readonly=True, help="When the level was due.")
    fired_at = fields.Datetime(readonly=True, help="When the cron handled it (last attempt).")
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True, help="Why the last attempt failed.")
    done_action_ids = fields.Many2many(
        comodel_name="helpdesk.sla.escalation.action", string="Actions Done", readonly=True
    )

    _status_level_uniq = models.UniqueIndex(
        "(status_id, escalation_id)", "An escalation level fires once per SLA clock."
    )

    def _sla_settled(self):
        """Fired, skipped, or failed too often to try again."""
        return self.filtered(lambda f: f.state != "failed" or f.attempts >= MAX_ATTEMPTS)

    def _sla_run(self, statuses, now):
        """Take the actions of these firings' levels not done yet, as sets: level by level,
        each action once for all the tickets that are due for it, the people to tell told
        once in a digest, one note logged on each ticket for each level fired. Record what
        failed, to retry it; one failing action or ticket never stops the others.

        ``statuses``: {firing id: its clock}, as the pass has them."""
        if not self:
            return
        Partner = self.env["res.partner"]
        rows = {
            firing.id: SlaRow(firing, firing.ticket_id, statuses[firing.id], firing.escalation_id)
            for firing in self
        }
        done = {firing.id: firing.done_action_ids for firing in self}
        errors, refused = defaultdict(list), set()
        digests = defaultdict(list)  # {partner: [(row, action)]}: what each person is told
        waiting = {}  # {(firing id, action): partners}: notifications done once told
        by_level = defaultdict(list)
        for row in rows.values():
            by_level[row.level].append(row)
        for level in sorted(by_level, key=lambda lv: (lv.sequence, lv.id)):
            for action in level.action_ids.sorted(lambda a: (a.sequence, a.id)):
                todo = [row for row in by_level[level] if action not in done[row.firing.id]]
                if not todo:
                    continue
                for firing_id, outcome in self._sla_attempt(action, todo).items():
                    row = rows[firing_id]
                    if isinstance(outcome, Tell):
                        for partner in outcome.partners:
                            digests[partner].append((row, action))
                        if outcome.notify:
                            waiting[firing_id, action] = outcome.partners
                            continue
                    elif isinstance(outcome, SlaActionRefused):
                        refused.add(firing_id)
                        _logger.info(
                            "SLA escalation %s on ticket %s: %s refused: %s",
                            level.id,
                            row.ticket.id,
                            action.id,
                            outcome,
                        )
                        errors[firing_id].append(
                            self.env._(
                                "%(action)s refused: %(reason)s", action=action.display_name, reason=outcome
                            )
                        )
                        continue
                    elif isinstance(outcome, Exception):
                        _logger.warning(
                            "SLA escalation %s on ticket %s: %s failed: %s",
                            level.id,
                            row.ticket.id,
                            action.id,
                            outcome,
                        )
                        errors[firing_id].append(f"{action.display_name}: {outcome}")
                        continue
                    done[firing_id] |= action
        failed = self._sla_send_digests(digests)
        told = defaultdict(lambda: Partner)
        for partner, items in digests.items():
            if partner not in failed:
                for row, _action in items:
                    told[row.firing.id] |= partner
        for (firing_id, action), partners in waiting.items():
            missed = partners.filtered(lambda p: p in failed)
            if missed:
                errors[firing_id].append(
                    self.env._(
                        "%(action)s: the digest to %(names)s could not be sent: %(error)s",
                        action=action.display_name,
                        names=", ".join(missed.mapped("name")),
                        error=failed[missed[0]],
                    )
                )
            else:
                done[firing_id] |= action
        self._sla_settle(rows, done, errors, refused, told, now)

    def _sla_attempt(self, action, rows):
        """``action._sla_execute(rows)`` in a savepoint; should the set fail as a whole,
        again row by row, so that the failure stays with the tickets that cause it."""
        if len(rows) > 1 and action.action_type in PER_TICKET_KINDS:
            outcomes = {}
            for row in rows:
                outcomes.update(self._sla_attempt(action, [row]))
            return outcomes
        try:
            with self.env.cr.savepoint():
                return action._sla_execute(rows)
        except CONCURRENCY_ERRORS:
            raise  # the whole pass is rolled back and runs again
        except Exception as exc:  # noqa: BLE001  one failing action never stops the batch
            if len(rows) == 1:
                return {rows[0].firing.id: exc}
            _logger.info("SLA escalation: %s failed on a set of %s tickets; one by one", action.id, len(rows))
        outcomes = {}
        for row in rows:
            outcomes.update(self._sla_attempt(action, [row]))
        return outcomes

    def _sla_send_digests(self, digests):
        """One notification per person, listing the tickets of this pass they are told
        about (with links), in their language. Returns {partner: error} for the digests
        that could not be sent."""
        failed = {}
        if not digests:
            return failed
        base_url = self.env[TICKET_MODEL].get_base_url()
        for partner in sorted(digests, key=lambda p: p.id):
            items = digests[partner]
            try:
                with self.env.cr.savepoint():
                    lang = partner.lang or self.env.lang
                    env = self.with_context(lang=lang).env
                    lines = Markup().join(
                        Markup('<li><a href="%s">%s</a>: %s</li>')
                        % (
                            f"{base_url}/odoo/{TICKET_MODEL}/{row.ticket.id}",
                            row.ticket.with_env(env).display_name,
                            action.with_env(env)._sla_digest_line(
                                row.ticket.with_env(env), row.status.with_env(env), row.level.with_env(env)
                            ),
                        )
                        for row, action in items
                    )
                    tickets = {row.ticket.id for row, _action in items}
                    env["mail.thread"].sudo().message_notify(
                        partner_ids=partner.ids,
                        subject=env._("SLA escalations: %(count)s ticket(s)", count=len(tickets)),
                        body=Markup("<p>%s</p><ul>%s</ul>")
                        % (env._("Escalation levels reached on your tickets:"), lines),
                        force_send=False,  # queued, never sent inside the cron's transaction
                    )
            except CONCURRENCY_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001  one person's digest never stops the others
                _logger.warning(
                    "SLA escalation: the digest to partner %s could not be sent: %s", partner.id, exc
                )
                failed[partner] = exc
        return failed

    def _sla_settle(self, rows, done, errors, refused, told, now):
        """Store each firing's outcome (one write per identical outcome) and log on each
        ticket one note per level fired: what was due, who was told, what failed."""
        by_outcome = defaultdict(lambda: self.browse())
        for firing in self:
            # a refusal would be refused again: no retry
            attempts = MAX_ATTEMPTS if firing.id in refused else firing.attempts + 1
            key = (
                "failed" if errors[firing.id] else "done",
                attempts,
                "\n".join(errors[firing.id]) or False,
                tuple(sorted(done[firing.id].ids)),
            )
            by_outcome[key] |= firing
        for (state, attempts, error, done_ids), firings in by_outcome.items():
            firings.write(
                {
                    "state": state,
                    "attempts": attempts,
                    "fired_at": now,
                    "error": error,
                    "done_action_ids": [fields.Command.set(done_ids)],
                }
            )
        notes = [
            (
                row.ticket,
                self._sla_note(
                    row, done[firing_id], told[firing_id], errors[firing_id], firing_id in refused
                ),
            )
            for firing_id, row in rows.items()
        ]
        # one note per level fired: a ticket with two levels in this pass gets two rounds
        while notes:
            bodies, later = {}, []
            for ticket, body in notes:
                if ticket.id in bodies:
                    later.append((ticket, body))
                else:
                    bodies[ticket.id] = body
            self.env[TICKET_MODEL].browse(list(bodies)).sudo()._message_log_batch(bodies)
            notes = later

    def _sla_note(self, row, done, told, errors, refused):
        """The note logged on the ticket for one level fired: what was due, what the
        notifications done said, who was told, what failed."""
        level, ticket, status = row.level, row.ticket, row.status
        body = Markup("<p><b>%s</b>: %s</p>") % (level.name, level._sla_status_sentence(ticket, status))
        for note in dict.fromkeys(done.filtered(lambda a: a.action_type in NOTIFY_KINDS).mapped("note")):
            if note:
                body += Markup("<p>%s</p>") % note
        if told:
            body += Markup("<p>%s</p>") % self.env._(
                "Told in their SLA digest: %(names)s.", names=", ".join(told.sorted("id").mapped("name"))
            )
        if errors:
            final = refused or row.firing.attempts >= MAX_ATTEMPTS
            if refused:
                summary = self.env._(
                    "SLA escalation '%(level)s' could not complete: an action was refused as configured; "
                    "it will not be tried again.",
                    level=level.name,
                )
            else:
                summary = self.env._(
                    "SLA escalation '%(level)s' could not complete (attempt %(attempt)s of %(max)s); "
                    "%(next)s",
                    level=level.name,
                    attempt=row.firing.attempts,
                    max=MAX_ATTEMPTS,
                    next=self.env._("it will not be tried again.")
                    if final
                    else self.env._("it will be tried again soon."),
                )
            body += Markup("<p>%s</p><ul>%s</ul>") % (
                summary,
                Markup().join(Markup("<li>%s</li>") % error for error in errors),
            )
        return body
