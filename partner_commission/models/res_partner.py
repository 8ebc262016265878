from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    commission_plan_id = fields.Many2one(
        "commission.plan",
        domain="[('company_id', 'in', [company_id, False])]",
        tracking=True,
        help="Plan of the commissions this partner earns as a referrer. It follows the "
        "level's default plan unless it was set by hand.",
    )
    commission_plan_manual = fields.Boolean(
        "Commission Plan Set by Hand",
        copy=False,
        help="Set when the plan is chosen by hand: level changes then leave it alone.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        grades = self.env["res.partner.grade"]
        for vals in vals_list:
            if vals.get("commission_plan_id"):
                vals.setdefault("commission_plan_manual", True)
            elif vals.get("grade_id"):
                grade = grades.browse(vals["grade_id"])
                if grade.default_commission_plan_id:
                    vals["commission_plan_id"] = grade.default_commission_plan_id.id
        return super().create(vals_list)

    def write(self, vals):
        if "commission_plan_id" in vals and not self.env.context.get("commission_plan_from_grade"):
            vals = dict(vals, commission_plan_manual=bool(vals["commission_plan_id"]))
        res = super().write(vals)
        if "grade_id" in vals and "commission_plan_id" not in vals:
            self._commission_plan_follow_grade()
        return res

    def _commission_plan_follow_grade(self):
        """Give the level's default plan to partners whose plan was not set by hand."""
        for partner in self.filtered(lambda p: not p.commission_plan_manual):
            plan = partner.grade_id.default_commission_plan_id
            if partner.commission_plan_id != plan:
                partner.with_context(commission_plan_from_grade=True).commission_plan_id = plan
