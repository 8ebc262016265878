from odoo import fields, models


class ResPartnerActivation(models.Model):
    _name = "res.partner.activation"
    _description = "Partner Activation Stage"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count", string="Partners")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("activation", "in", self.ids)], ["activation"], ["__count"]
            )
        )
        for activation in self:
            activation.partner_count = counts.get(activation, 0)
