# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    sla_credit_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit",
        string="SLA Credit Statement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The service-credit statement this credit note issues.",
    )
    sla_released_credit_id = fields.Many2one(
        comodel_name="helpdesk.sla.credit",
        string="Released SLA Credit Statement",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The service-credit statement this credit note issued before it was cancelled or "
        "reversed (the statement went back to approved).",
    )

    _sla_credit_uniq = models.UniqueIndex(
        "(sla_credit_id) WHERE sla_credit_id IS NOT NULL",
        "A service-credit statement is issued as one credit note only.",
    )

    def button_cancel(self):
        result = super().button_cancel()
        self.filtered("sla_credit_id")._sla_release("cancel")
        return result

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.reversed_entry_id.filtered("sla_credit_id")._sla_release("reverse")
        return posted

    @api.ondelete(at_uninstall=False)
    def _unlink_sla_release(self):
        self.filtered("sla_credit_id")._sla_release("delete")

    def _sla_release_messages(self, reason):
        """(message on the statement, message on the credit note) when the credit note is
        cancelled, reversed or deleted."""
        self.ensure_one()
        credit, move = self.sla_credit_id._get_html_link(), self._get_html_link()
        if reason == "cancel":
            return (
                self.env._(
                    "Credit note %(move)s was cancelled: the statement is back to approved.", move=move
                ),
                self.env._(
                    "Cancelled: the service-credit statement %(credit)s is back to approved.", credit=credit
                ),
            )
        if reason == "reverse":
            return (
                self.env._(
                    "Credit note %(move)s was reversed: the statement is back to approved.", move=move
                ),
                self.env._(
                    "Reversed: the service-credit statement %(credit)s is back to approved.", credit=credit
                ),
            )
        return (
            self.env._("Credit note %(move)s was deleted: the statement is back to approved.", move=move),
            None,
        )

    def _sla_release(self, reason):
        """The credit notes in ``self`` no longer issue their statements: each statement goes
        back to approved (to be issued again, or left), with a message on both."""
        for move in self.sudo():
            credit = move.sla_credit_id
            on_credit, on_move = move._sla_release_messages(reason)
            move.write({"sla_credit_id": False, "sla_released_credit_id": credit.id})
            if credit.state == "issued" and credit.move_id == move:
                credit.write({"state": "approved", "issued_on": False, "move_id": False})
            credit.message_post(body=on_credit)
            if on_move:
                move.message_post(body=on_move)
        # the link is gone in the database before anything issues the statement again (the
        # unique index sees rows, not the ORM's pending updates)
        self.flush_recordset(["sla_credit_id"])
