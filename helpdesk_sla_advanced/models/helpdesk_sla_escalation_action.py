# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from typing import NamedTuple

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .sla_tools import SEQUENCE

TICKET_MODEL = "helpdesk.ticket"


class SlaRow(NamedTuple):
    """One due level of one clock, as a cron pass fires it."""

    firing: models.BaseModel  # helpdesk.ticket.sla.firing
    ticket: models.BaseModel  # helpdesk.ticket
    status: models.BaseModel  # helpdesk.ticket.sla.status
    level: models.BaseModel  # helpdesk.sla.escalation


class Tell(NamedTuple):
    """People an action tells about a ticket in their digest: with ``notify`` the action
    is done once they are told (a notification); without, it is done already and the
    digest only says so (an activity given to them)."""

    partners: models.BaseModel  # res.partner
    notify: bool


class SlaActionRefused(UserError):
    """An action that cannot be taken on this ticket as configured (a template or server
    action of another model, an archived user, a team of another company, an unknown
    priority): retrying it would fail the same way, so its firing fails for good."""


NOTIFY_KINDS = ("notify_assignee", "notify_team_leader", "notify_group")
# run ticket by ticket, each in its own savepoint (their code is written for one record)
PER_TICKET_KINDS = ("server_action",)

ACTION_TYPES = [
    ("notify_assignee", "Notify the assignee"),
    ("notify_team_leader", "Notify the team leader"),
    ("notify_group", "Notify a group"),
    ("activity", "Schedule an activity"),
    ("reassign_user", "Reassign to a user"),
    ("reassign_team", "Reassign to a team"),
    ("raise_priority", "Raise the priority"),
    ("add_followers", "Add followers"),
    ("email_customer", "E-mail the customer"),
    ("server_action", "Run a server action"),
]


class HelpdeskSlaEscalationAction(models.Model):
    _name = "helpdesk.sla.escalation.action"
    _inherit = ["helpdesk.sla.bounds.mixin"]
    _description = "Helpdesk SLA Escalation Action"
    _sla_bounds = {"sequence": SEQUENCE}
    _order = "escalation_id, sequence, id"

    escalation_id = fields.Many2one(
        comodel_name="helpdesk.sla.escalation", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="escalation_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    action_type = fields.Selection(selection=ACTION_TYPES, required=True, default="notify_assignee")
    group_id = fields.Many2one(comodel_name="res.groups", string="Group", help="Notify its members.")
    user_id = fields.Many2one(
        comodel_name="res.users", string="User", domain=[("share", "=", False)], help="Reassign to this user."
    )
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", string="Team")
    priority = fields.Selection(
        selection="_selection_priority",
        help="Priority to raise the ticket to; empty: one step up.",
    )
    partner_ids = fields.Many2many(comodel_name="res.partner", string="Followers to Add")
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="E-mail Template",
        domain=[("model", "=", "helpdesk.ticket")],
    )
    server_action_id = fields.Many2one(
        comodel_name="ir.actions.server",
        string="Server Action",
        domain=[("model_name", "=", "helpdesk.ticket")],
    )
    activity_type_id = fields.Many2one(comodel_name="mail.activity.type", string="Activity Type")
    activity_summary = fields.Char()
    activity_user = fields.Selection(
        selection=[
            ("assignee", "The assignee"),
            ("team_leader", "The team leader"),
            ("user", "The user above"),
        ],
        string="Activity For",
        default="assignee",
    )
    note = fields.Text(help="Added to the notification.")

    @api.model
    def _selection_priority(self):
        return self.env["helpdesk.ticket"]._fields["priority"]._description_selection(self.env)

    @api.depends("action_type")
    def _compute_display_name(self):
        labels = dict(self._fields["action_type"]._description_selection(self.env))
        for action in self:
            action.display_name = labels.get(action.action_type, "")

    def _label(self):
        return self.env._(
            "Action '%(action)s' of escalation level '%(level)s'",
            action=self.display_name,
            level=self.escalation_id.name,
        )

    @api.constrains(
        "action_type", "group_id", "user_id", "team_id", "partner_ids", "mail_template_id", "server_action_id"
    )
    def _check_parameters(self):
        required = {
            "notify_group": "group_id",
            "reassign_user": "user_id",
            "reassign_team": "team_id",
            "add_followers": "partner_ids",
            "email_customer": "mail_template_id",
            "server_action": "server_action_id",
        }
        for action in self:
            fname = required.get(action.action_type)
            if fname and not action[fname]:
                raise ValidationError(
                    self.env._(
                        "%(action)s: set the field '%(field)s'.",
                        action=action._label(),
                        field=action._fields[fname].get_description(self.env)["string"],
                    )
                )
            if action.action_type == "activity" and action.activity_user == "user" and not action.user_id:
                raise ValidationError(
                    self.env._("%(action)s: choose the user the activity is for.", action=action._label())
                )
            if action.action_type == "reassign_user" and not action.user_id.active:
                raise ValidationError(
                    self.env._(
                        "%(action)s: user '%(user)s' is archived; tickets cannot be reassigned to them.",
                        action=action._label(),
                        user=action.user_id.name,
                    )
                )
            template = action.mail_template_id
            if action.action_type == "email_customer" and template.model != TICKET_MODEL:
                raise ValidationError(
                    self.env._(
                        "%(action)s: e-mail template '%(template)s' is for '%(model)s' records, not for "
                        "helpdesk tickets: its placeholders would read another record.",
                        action=action._label(),
                        template=template.display_name,
                        model=template.model,
                    )
                )
            server_action = action.server_action_id
            if action.action_type == "server_action" and server_action.model_name != TICKET_MODEL:
                raise ValidationError(
                    self.env._(
                        "%(action)s: server action '%(server_action)s' runs on '%(model)s' records, "
                        "not on helpdesk tickets.",
                        action=action._label(),
                        server_action=server_action.display_name,
                        model=server_action.model_name,
                    )
                )
            policy_company = action.escalation_id.company_id
            team = action.team_id
            if team and team.company_id and policy_company and team.company_id != policy_company:
                raise ValidationError(
                    self.env._(
                        "%(action)s: team '%(team)s' belongs to company '%(team_company)s', not to "
                        "'%(company)s' like the policy.",
                        action=action._label(),
                        team=team.display_name,
                        team_company=team.company_id.name,
                        company=policy_company.name,
                    )
                )

    # ------------------------------------------------------------ execution
    def _sla_recipients(self, ticket):
        """Partners an action notifies."""
        self.ensure_one()
        if self.action_type == "notify_assignee":
            users = ticket.user_id or ticket.team_id.user_id
        elif self.action_type == "notify_team_leader":
            users = ticket.team_id.user_id
        elif self.action_type == "notify_group":
            users = self.group_id.all_user_ids
        else:
            users = self.env["res.users"]
        return users.filtered(lambda u: u.active and not u.share).partner_id

    def _sla_message(self, ticket, status, level):
        """What an activity of this action says."""
        return Markup("<p><b>%s</b>: %s</p><p>%s</p>") % (
            level.name,
            level._sla_status_sentence(ticket, status),
            self.note or "",
        )

    def _sla_digest_line(self, ticket, status, level):
        """What the digest of a person this action tells says about ``ticket``."""
        line = Markup("<b>%s</b>: %s") % (level.name, level._sla_status_sentence(ticket, status))
        if self.action_type == "activity":
            line += " " + self.env._(
                "An activity '%(summary)s' is scheduled for you.", summary=self.activity_summary or level.name
            )
        if self.note:
            line += " " + self.note
        return line

    def _sla_refusal(self, ticket=None):
        """Why this action cannot be taken on ``ticket`` now, as configured, or "".
        Without ``ticket``, what refuses it on any ticket (read once for a set).

        Checked when the action fires, not only when it is saved: a user archived since,
        a team of another company on a shared policy, a template or a server action whose
        model changed, a priority outside the selection."""
        self.ensure_one()
        kind = self.action_type
        if ticket is None:
            template = self.mail_template_id.exists()
            if kind == "email_customer" and template and template.model != TICKET_MODEL:
                return self.env._(
                    "e-mail template '%(template)s' is for '%(model)s' records, not for helpdesk tickets",
                    template=self.mail_template_id.display_name or "-",
                    model=self.mail_template_id.model or "-",
                )
            server_action = self.server_action_id.exists()
            if kind == "server_action" and server_action and server_action.model_name != TICKET_MODEL:
                return self.env._(
                    "server action '%(action)s' runs on '%(model)s' records, not on helpdesk tickets",
                    action=self.server_action_id.display_name or "-",
                    model=self.server_action_id.model_name or "-",
                )
            return ""
        company = ticket.company_id
        if kind == "reassign_user":
            user = self.user_id
            if not user or not user.active or user.share:
                return self.env._(
                    "user '%(user)s' is archived or not an internal user; the ticket stays with its assignee",
                    user=user.display_name or "-",
                )
            if company and company not in user.company_ids:
                return self.env._(
                    "user '%(user)s' cannot work in company '%(company)s' of the ticket",
                    user=user.display_name,
                    company=company.name,
                )
        if kind == "reassign_team":
            team = self.team_id
            if not team or not team.active:
                return self.env._("team '%(team)s' is archived", team=team.display_name or "-")
            if team.company_id and company and team.company_id != company:
                return self.env._(
                    "team '%(team)s' belongs to company '%(team_company)s', "
                    "not to '%(company)s' like the ticket",
                    team=team.display_name,
                    team_company=team.company_id.name,
                    company=company.name,
                )
        if kind == "raise_priority":
            values = [value for value, _label in ticket._fields["priority"]._description_selection(self.env)]
            if (ticket.priority or values[0]) not in values or (
                self.priority and self.priority not in values
            ):
                return self.env._(
                    "priority %(priority)s is not one of the ticket priorities (%(values)s)",
                    priority=repr(ticket.priority if ticket.priority not in values else self.priority),
                    values=", ".join(values),
                )
        return ""

    def _sla_execute(self, rows):
        """Take this action on ``rows`` (:class:`SlaRow`), as one set: one write per target
        value, one ``create`` per kind of record, the people to tell gathered for the
        pass's digest.

        Returns ``{firing id: outcome}``, an outcome being ``True`` (done), a :class:`Tell`
        (people to tell in their digest) or the exception of a row that could not be
        handled; raises when the set as a whole fails (the caller then tries the rows one by
        one, each in its own savepoint)."""
        self.ensure_one()
        kind = self.action_type
        refusal = self._sla_refusal()
        if refusal:
            return {row.firing.id: SlaActionRefused(refusal) for row in rows}
        outcomes, todo = {}, []
        for row in rows:
            refusal = self._sla_refusal(row.ticket)
            if refusal:
                outcomes[row.firing.id] = SlaActionRefused(refusal)
            else:
                todo.append(row)
        if not todo:
            return outcomes
        tickets = self.env[TICKET_MODEL].browse(list(dict.fromkeys(row.ticket.id for row in todo)))
        quiet = tickets.sudo().with_context(sla_automatic=True, mail_create_nosubscribe=True)
        done = dict.fromkeys((row.firing.id for row in todo), True)
        if kind in NOTIFY_KINDS:
            for row in todo:
                partners = self._sla_recipients(row.ticket)
                outcomes[row.firing.id] = (
                    Tell(partners, notify=True)
                    if partners
                    else UserError(self.env._("Nobody to notify: the ticket has no assignee or team leader."))
                )
            return outcomes
        if kind == "activity":
            return outcomes | self._sla_schedule_activities(todo)
        if kind == "reassign_user":
            quiet.write({"user_id": self.user_id.id})
        elif kind == "reassign_team":
            quiet.write({"team_id": self.team_id.id})
        elif kind == "raise_priority":
            # the selection lists the priorities from the lowest to the highest
            order = [value for value, _label in tickets._fields["priority"]._description_selection(self.env)]
            raised = {}
            for ticket in tickets:
                current = ticket.priority or order[0]
                wanted = self.priority or order[min(order.index(current) + 1, len(order) - 1)]
                if order.index(wanted) > order.index(current):
                    raised.setdefault(wanted, []).append(ticket.id)
            for wanted, ticket_ids in raised.items():
                quiet.browse(ticket_ids).write({"priority": wanted})
        elif kind == "add_followers":
            quiet.message_subscribe(partner_ids=self.partner_ids.ids)
        elif kind == "email_customer":
            template = self.mail_template_id.exists()
            if not template:
                error = UserError(self.env._("The e-mail template of this action no longer exists."))
                return outcomes | dict.fromkeys(done, error)
            self._sla_queue_emails(template, tickets)
        elif kind == "server_action":
            # a server action is written for one ticket (``record``): run it ticket by ticket
            for ticket in tickets:
                self.server_action_id.with_context(
                    active_model=ticket._name, active_id=ticket.id, active_ids=ticket.ids
                ).run()
        return outcomes | done

    def _sla_schedule_activities(self, rows):
        """One activity per ticket, all created at once; their users are told in their
        digest rather than by one "assigned to you" message per activity."""
        outcomes, vals_list, users = {}, [], {}
        activity_type = self.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(TICKET_MODEL)
        today = fields.Date.context_today(self)
        for row in rows:
            ticket = row.ticket
            if self.activity_user == "user":
                user = self.user_id
            elif self.activity_user == "team_leader":
                user = ticket.team_id.user_id
            else:
                user = ticket.user_id or ticket.team_id.user_id
            if not user:
                outcomes[row.firing.id] = UserError(self.env._("Nobody to give the activity to."))
                continue
            users[row.firing.id] = user
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": self.activity_summary or row.level.name,
                    "automated": True,
                    "note": self._sla_message(ticket, row.status, row.level),
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for firing_id, user in users.items():
            outcomes[firing_id] = Tell(user.partner_id, notify=False)
        return outcomes

    def _sla_queue_emails(self, template, tickets):
        """One e-mail per ticket to its customer, rendered from ``template`` for all the
        tickets at once and queued (created in batches, sent by the mail queue)."""
        composer = (
            self.env["mail.compose.message"]
            .sudo()
            .with_context(sla_automatic=True)
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": TICKET_MODEL,
                    "res_ids": repr(tickets.ids),
                    "template_id": template.id,
                    "force_send": False,
                }
            )
        )
        composer._action_send_mail()

    def unlink(self):
        levels = self.escalation_id
        result = super().unlink()
        if not self.env.context.get("sla_lines_of_parent"):
            levels.exists()._check_actions()  # "at least one action", whatever is deleted
        return result
