from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    commission_plan_id = fields.Many2one(
        "commission.plan",
        compute="_compute_commission_plan_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        help="Follows the referrer's plan while the order is a quotation; kept once the "
        "order is confirmed or the plan is set by hand.",
    )
    commission_plan_frozen = fields.Boolean(
        tracking=True,
        copy=False,
        help="The plan no longer follows the referrer's plan.",
    )
    commission = fields.Monetary(
        "Estimated Commission",
        compute="_compute_commission",
        help="Commission the referrer would earn if this order were invoiced and paid as it is "
        "(tiers count the referrer's attainment so far in the period).",
    )
    commission_explanation = fields.Text(
        compute="_compute_commission", help="How the estimated commission is computed."
    )

    @api.depends("referrer_id", "referrer_id.commission_plan_id", "company_id")
    def _compute_commission_plan_id(self):
        for order in self:
            if order.commission_plan_frozen or order.state not in ("draft", "sent"):
                continue
            plan = order.referrer_id.commission_plan_id
            if plan.company_id and plan.company_id != order.company_id:
                plan = plan.browse()
            order.commission_plan_id = plan

    @api.depends(
        "commission_plan_id",
        "order_line.price_subtotal",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "pricelist_id",
        "currency_id",
        "partner_id",
        "team_id",
        "sale_order_template_id",
    )
    def _compute_commission(self):
        for order in self:
            result = order._commission_estimate()
            order.commission = sum(res["amount"] for res in result.values())
            order.commission_explanation = "\n".join(
                res["explanation"] for res in result.values() if res["amount"]
            )

    def _commission_estimate(self):
        """{order line: engine result} of what the referrer would earn on this order (the
        engine of the booking, with the referrer's attainment so far in the period)."""
        self.ensure_one()
        plan, referrer = self.commission_plan_id, self.referrer_id
        if not plan or not referrer:
            return {}
        date = fields.Date.context_today(self)
        attainment, period_amounts = plan._commission_period_figures(
            referrer, date, self.company_id
        )
        lines = [
            {
                "key": line,
                "product": line.product_id,
                "pricelist": self.pricelist_id,
                "base": line.price_subtotal,
                "quantity": line.product_uom_qty,
                "partner": self.partner_id,
                "team": self.team_id,
                "template": self.sale_order_template_id,
            }
            for line in self.order_line
            if not line.display_type and line.product_id and not line.is_downpayment
        ]
        return plan._compute_commission(
            lines,
            self.currency_id,
            self.company_id,
            self.date_order.date() if self.date_order else date,
            attainment,
            period_amounts,
        )

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        for vals in vals_list:
            plan_id = vals.get("commission_plan_id")
            if plan_id and plan_id != Partner.browse(vals.get("referrer_id")).commission_plan_id.id:
                Partner._commission_check_plan_rights(self._fields["commission_plan_id"].string)
        return super().create(vals_list)

    def write(self, vals):
        if "commission_plan_id" in vals and any(
            order.commission_plan_id.id != vals["commission_plan_id"] for order in self
        ):
            self.env["res.partner"]._commission_check_plan_rights(
                self._fields["commission_plan_id"].string
            )
        if vals.get("commission_plan_id") and "commission_plan_frozen" not in vals:
            plan_id = vals["commission_plan_id"]
            for order in self:
                referrer = (
                    self.env["res.partner"].browse(vals["referrer_id"])
                    if "referrer_id" in vals
                    else order.referrer_id
                )
                if plan_id != referrer.commission_plan_id.id:
                    vals = dict(vals, commission_plan_frozen=True)
                    break
        return super().write(vals)

    def action_confirm(self):
        res = super().action_confirm()
        self.filtered("commission_plan_id").commission_plan_frozen = True
        return res

    def _create_invoices(self, grouped=False, final=False, date=None):
        moves = super()._create_invoices(grouped=grouped, final=final, date=date)
        # a grouped invoice takes the first order's values: give it a referrer when any of
        # its orders has one (each line still pays its own order's referrer)
        for move in moves.filtered(lambda m: not m.referrer_id):
            referrer = move.invoice_line_ids.sale_line_ids.order_id.referrer_id[:1]
            if referrer:
                move.referrer_id = referrer
        return moves

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.referrer_id:
            values["referrer_id"] = self.referrer_id.id
        return values
