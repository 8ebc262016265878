from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    referrer_id = fields.Many2one("res.partner", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["referrer_id"] = "s.referrer_id"
        return res

    def _group_by_sale(self):
        return super()._group_by_sale() + ",\n            s.referrer_id"
