from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    referrer_id = fields.Many2one(
        "res.partner",
        compute="_compute_referrer_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index="btree_not_null",
        domain="[('grade_id', '!=', False)]",
        help="The partner (reseller) who brought this sale. Defaults to the partner "
        "assigned to the opportunity.",
    )

    @api.depends("opportunity_id")
    def _compute_referrer_id(self):
        for order in self:
            if not order.referrer_id and order.opportunity_id.partner_assigned_id:
                order.referrer_id = order.opportunity_id.partner_assigned_id
