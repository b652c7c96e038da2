# Copyright 2026 helpdesk_sla_advanced developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import ValidationError


class HelpdeskSlaBoundsMixin(models.AbstractModel):
    """Numeric settings checked against documented bounds whenever they are saved.

    A model lists its numeric settings in ``_sla_bounds`` ({field name: sla_tools.Bound}).
    The values are checked in ``create`` and ``write`` themselves, before anything reaches
    the database, so that no entry point (form, RPC, import, one2many command) can store
    infinity, NaN, a negative duration or ten thousand years, and the error names the
    field and the value. The adversarial tests enumerate every model of this mixin, and
    check that every numeric field of the SLA models is listed in one of these tables.
    """

    _name = "helpdesk.sla.bounds.mixin"
    _description = "Helpdesk SLA: numeric settings within bounds"

    _sla_bounds = {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sla_check_bounds(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._sla_check_bounds(vals)
        return super().write(vals)

    @api.model
    def _sla_check_bounds(self, vals):
        """Raise a ValidationError naming the field and the value when one of ``vals`` is
        out of its bounds (values are converted as the ORM would: '1e12' is 1e12)."""
        for fname, bound in self._sla_bounds.items():
            if fname not in vals:
                continue
            raw = vals[fname]
            try:
                value = float(raw or 0) if self._fields[fname].type == "float" else int(raw or 0)
            except (TypeError, ValueError, OverflowError):
                value = None
            if value is None or not bound.accepts(value):
                field = self._fields[fname]
                what = self._description
                if len(self) == 1:
                    what = f"{what} '{self.display_name}'"
                raise ValidationError(
                    self.env._(
                        "%(model)s: '%(field)s' must be a finite number, %(range)s; got %(value)s.",
                        model=what,
                        field=field._description_string(self.env),
                        range=bound.describe(self.env),
                        value=repr(raw) if isinstance(raw, str) else f"{raw} {bound.unit}".strip(),
                    )
                )
