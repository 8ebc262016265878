from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
            plan = grade.default_commission_plan_id
            if grade.company_id and plan.company_id and plan.company_id != grade.company_id:
                raise ValidationError(
                    self.env._(
                        "The commission plan %(plan)s belongs to the company %(company)s: "
                        "the level %(level)s can only take a plan of its own company or a "
                        "plan shared by all companies.",
                        plan=plan.name,
                        company=plan.company_id.name,
                        level=grade.name,
                    )
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
