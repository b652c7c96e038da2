# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issuing a statement creates, and posts, the customer's credit note in Invoicing.

Exactly one credit note per statement: the statements are row-locked before their state is
read (a second user issuing at the same moment finds them locked and is told so), and the
credit note's link to its statement is unique in the database (``account_move``)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import format_date

SERVICE_CREDIT_PRODUCT = "helpdesk_sla_advanced_account.product_product_sla_service_credit"


class HelpdeskSlaCredit(models.Model):
    _inherit = "helpdesk.sla.credit"

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Credit Note",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The customer credit note created when the statement was issued.",
    )

    def write(self, vals):
        if "move_id" in vals and not self.env.su:
            raise AccessError(self.env._("A statement's credit note is set by issuing it, not by hand."))
        return super().write(vals)

    def action_issue(self):
        self._sla_check_group("helpdesk_sla_advanced.group_sla_finance", self.env._("issue service credits"))
        locked = self.try_lock_for_update(allow_referencing=True)
        if locked != self:
            raise UserError(
                self.env._(
                    "'%(names)s' is being issued by someone else at this very moment: try again in a moment.",
                    names="', '".join((self - locked).mapped("display_name")),
                )
            )
        # the lock is held: read the state as it is now, not as this transaction first saw it
        self.invalidate_recordset(["state", "move_id"])
        result = super().action_issue()
        for credit in self:
            credit._sla_create_credit_note()
        return result

    def _sla_credit_note_lines(self):
        """Commands of the credit note's lines: one per credit line (adjustments with their
        sign, exclusions left out), and one for the cap or the minimum when they changed the
        period's credit, so that the credit note's untaxed total is the statement's total."""
        self.ensure_one()
        product = self.env.ref(SERVICE_CREDIT_PRODUCT)
        currency = self.currency_id
        commands, booked = [], 0.0
        for line in self.line_ids.filtered(lambda item: item.kind != "exclusion"):
            if currency.is_zero(line.amount):
                continue
            label = line.name if not line.measure else f"{line.name} ({line.measure})"
            commands.append(
                Command.create(
                    {"product_id": product.id, "name": label, "quantity": 1.0, "price_unit": line.amount}
                )
            )
            booked += line.amount
        correction = currency.round(self.total - booked)
        if not currency.is_zero(correction):
            if self.below_minimum:
                label = self.env._("Below the agreement's minimum: no credit for the period")
            elif self.capped:
                label = self.env._(
                    "Cap of the agreement: the period's credit is limited to %(cap)s",
                    cap=f"{self.cap_amount:,.2f} {currency.name}",
                )
            else:
                label = self.env._("Rounding of the statement")
            commands.append(
                Command.create(
                    {"product_id": product.id, "name": label, "quantity": 1.0, "price_unit": correction}
                )
            )
        return commands

    def _sla_credit_note_vals(self):
        self.ensure_one()
        period = self.env._(
            "%(start)s to %(end)s",
            start=format_date(self.env, self.period_start),
            end=format_date(self.env, self.period_end),
        )
        return {
            "move_type": "out_refund",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": fields.Date.context_today(self),
            "ref": self.env._("SLA service credits, %(period)s", period=period),
            "invoice_origin": self.name,
            "sla_credit_id": self.id,
            "invoice_line_ids": self._sla_credit_note_lines(),
        }

    def _sla_create_credit_note(self):
        """Create and post the credit note of an issued statement (none for a zero total)."""
        self.ensure_one()
        if self.currency_id.is_zero(self.total):
            self.message_post(body=self.env._("Issued with a total of zero: no credit note was created."))
            return self.env["account.move"]
        if self.total < 0:
            raise UserError(
                self.env._(
                    "'%(name)s' totals %(total)s: a negative total is owed by the customer and cannot "
                    "be issued as a credit note.",
                    name=self.display_name,
                    total=self.total,
                )
            )
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .with_context(default_move_type="out_refund")
            .create(self._sla_credit_note_vals())
        )
        move._post(soft=False)
        self.sudo().write({"move_id": move.id})
        self.message_post(
            body=self.env._(
                "Credit note %(move)s created for %(total)s.",
                move=move._get_html_link(),
                total=f"{move.amount_total:,.2f} {move.currency_id.name}",
            )
        )
        move.message_post(
            body=self.env._(
                "Issued from the service-credit statement %(credit)s.", credit=self._get_html_link()
            )
        )
        return move

    @api.model
    def _sla_demo_credit_notes(self):
        """Demo: the demo statements issued before this module was installed get their credit
        notes. Demo data only."""
        agreements = self.env["helpdesk.sla.agreement"]
        for xmlid in ("agreement_jackson_demo", "agreement_azure_demo"):
            agreements |= (
                self.env.ref(f"helpdesk_sla_advanced.helpdesk_sla_{xmlid}", raise_if_not_found=False)
                or agreements
            )
        issued = self.sudo().search(
            [("agreement_id", "in", agreements.ids), ("state", "=", "issued"), ("move_id", "=", False)]
        )
        # the demo agreements bill in euros, which a fresh database keeps inactive
        issued.currency_id.filtered(lambda currency: not currency.active).active = True
        for credit in issued.filtered(lambda c: c.total > 0):
            credit._sla_create_credit_note()
