from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    commission_plan_id = fields.Many2one("commission.plan", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["commission_plan_id"] = "s.commission_plan_id"
        return res

    def _group_by_sale(self):
        return super()._group_by_sale() + ",\n            s.commission_plan_id"
