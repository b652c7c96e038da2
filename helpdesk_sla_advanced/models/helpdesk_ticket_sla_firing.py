# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from markupsafe import Markup, escape
from odoo import fields, models

from .helpdesk_sla_escalation_action import SlaActionRefused

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

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

    def _sla_run(self, status, now):
        """Take the actions of this level not done yet; record what failed, to retry it."""
        self.ensure_one()
        level, ticket = self.escalation_id, self.ticket_id
        done = self.done_action_ids
        errors = []
        refused = False
        for action in level.action_ids.sorted(lambda a: (a.sequence, a.id)):
            if action in done:
                continue
            try:
                with self.env.cr.savepoint():
                    action._sla_execute(ticket, status, level)
                done |= action
            except SlaActionRefused as exc:
                refused = True
                _logger.info(
                    "SLA escalation %s on ticket %s: %s refused: %s", level.id, ticket.id, action.id, exc
                )
                errors.append(
                    self.env._("%(action)s refused: %(reason)s", action=action.display_name, reason=exc)
                )
            except Exception as exc:  # noqa: BLE001  one failing action never stops the batch
                _logger.warning(
                    "SLA escalation %s on ticket %s: %s failed: %s", level.id, ticket.id, action.id, exc
                )
                errors.append(f"{action.display_name}: {exc}")
        # a refusal would be refused again: no retry
        attempts = MAX_ATTEMPTS if refused else self.attempts + 1
        self.write(
            {
                "state": "failed" if errors else "done",
                "attempts": attempts,
                "fired_at": now,
                "error": "\n".join(errors) or False,
                "done_action_ids": [fields.Command.set(done.ids)],
            }
        )
        if errors:
            final = attempts >= MAX_ATTEMPTS
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
                    attempt=attempts,
                    max=MAX_ATTEMPTS,
                    next=self.env._("it will not be tried again.")
                    if final
                    else self.env._("it will be tried again soon."),
                )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                escape(summary),
                Markup().join(Markup("<li>%s</li>") % escape(error) for error in errors),
            )
            ticket.sudo().with_context(sla_automatic=True).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
