from odoo import fields, models


class ResPartnerGrade(models.Model):
    _inherit = "res.partner.grade"

    partner_weight = fields.Integer(
        "Level Weight",
        default=1,
        help="Chance that a partner of this level gets a lead in automatic forwarding, "
        "relative to the other levels (0 means never).",
    )

    _check_partner_weight = models.Constraint(
        "CHECK(partner_weight >= 0)", "The level weight cannot be negative."
    )
