from odoo import api, fields, models


class ResPartnerGrade(models.Model):
    _inherit = "res.partner.grade"

    default_commission_plan_id = fields.Many2one(
        "commission.plan",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Plan given to partners of this level, unless a partner's plan is set by hand.",
    )

    @api.constrains("default_commission_plan_id", "company_id")
    def _check_default_commission_plan_company(self):
        for grade in self:
            grade.default_commission_plan_id._commission_check_taker(
                grade.company_id, self.env._("the level %(level)s", level=grade.name)
            )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("default_commission_plan_id") for vals in vals_list):
            self._commission_check_default_plan_rights()
        return super().create(vals_list)

    def write(self, vals):
        if "default_commission_plan_id" in vals:
            self._commission_check_default_plan_rights()
        return super().write(vals)

    def _commission_check_default_plan_rights(self):
        self.env["res.partner"]._commission_check_plan_rights(
            self._fields["default_commission_plan_id"].string
        )
