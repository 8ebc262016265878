from odoo import fields, models


class ResPartnerGrade(models.Model):
    _inherit = "res.partner.grade"

    default_commission_plan_id = fields.Many2one(
        "commission.plan",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Plan given to partners of this level, unless a partner's plan is set by hand.",
    )
