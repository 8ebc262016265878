from odoo import api, fields, models


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    commission_line_ids = fields.One2many(
        "commission.line", "purchase_line_id", "Commissions", readonly=True
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_give_back_commissions(self):
        """A deleted commission RFQ line loses no commission: its rows are to pay again."""
        self.commission_line_ids._commission_give_back()
