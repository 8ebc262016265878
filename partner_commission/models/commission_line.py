from odoo import api, fields, models


class CommissionLine(models.Model):
    _name = "commission.line"
    _description = "Commission Line"
    _order = "date desc, id desc"
    _rec_name = "move_id"

    kind = fields.Selection(
        [("commission", "Commission"), ("clawback", "Clawback")],
        required=True,
        default="commission",
        readonly=True,
    )
    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, readonly=True, index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one("account.move.line", "Invoice Line", readonly=True)
    origin_move_id = fields.Many2one(
        "account.move",
        "Commissioned Invoice",
        readonly=True,
        index=True,
        help="The invoice whose commission this line books (itself, or a credit note's origin).",
    )
    referrer_id = fields.Many2one("res.partner", required=True, readonly=True, index=True)
    grade_id = fields.Many2one("res.partner.grade", "Level", readonly=True)
    plan_id = fields.Many2one("commission.plan", readonly=True)
    rule_id = fields.Many2one("commission.rule", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    base = fields.Monetary(readonly=True)
    rate = fields.Float("Rate (%)", digits=(5, 2), readonly=True, aggregator="avg")
    amount = fields.Monetary("Commission", readonly=True)
    amount_company = fields.Monetary(
        "Commission (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    date = fields.Date("Payment Date", readonly=True, index=True)
    purchase_line_id = fields.Many2one(
        "purchase.order.line", "RFQ Line", readonly=True, index=True, ondelete="cascade"
    )
    purchase_order_id = fields.Many2one(
        related="purchase_line_id.order_id", store=True, string="Commission RFQ", index=True
    )
    state = fields.Selection(
        [
            ("draft", "On Draft RFQ"),
            ("confirmed", "Confirmed"),
            ("billed", "Billed"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
    )

    @api.depends(
        "purchase_order_id.state",
        "purchase_order_id.invoice_status",
        "purchase_line_id.invoice_lines.move_id.payment_state",
    )
    def _compute_state(self):
        for line in self:
            order = line.purchase_order_id
            bills = line.purchase_line_id.invoice_lines.move_id.filtered(
                lambda m: m.state == "posted"
            )
            if order.state == "cancel":
                line.state = "cancel"
            elif order.state in ("draft", "sent", "to approve") or not order:
                line.state = "draft"
            elif bills and all(b.payment_state in ("paid", "in_payment") for b in bills):
                line.state = "paid"
            elif bills:
                line.state = "billed"
            else:
                line.state = "confirmed"

    def _commission_add_to_rfq(self):
        """Add one line per invoice (or credit note) to its referrer's draft commission RFQ
        for the company and currency, creating the RFQ when none is open."""
        PurchaseOrder = self.env["purchase.order"].sudo()
        by_move = self.grouped("move_id")
        keys = {(lines.referrer_id, m.company_id, m.currency_id) for m, lines in by_move.items()}
        orders = {
            (o.partner_id, o.company_id, o.currency_id): o
            for o in PurchaseOrder.search(
                [
                    ("purchase_type", "=", "commission"),
                    ("state", "=", "draft"),
                    ("partner_id", "in", [k[0].id for k in keys]),
                    ("company_id", "in", [k[1].id for k in keys]),
                ],
                order="id",
            )
        }
        missing = [key for key in keys if key not in orders]
        if missing:
            created = PurchaseOrder.create([self._commission_rfq_values(*key) for key in missing])
            orders.update(zip(missing, created, strict=True))
        line_values, moves = [], []
        for move, lines in by_move.items():
            order = orders[lines.referrer_id, move.company_id, move.currency_id]
            line_values.append(lines._commission_rfq_line_values(order))
            moves.append((move, lines, order))
        po_lines = self.env["purchase.order.line"].sudo().create(line_values)
        for (move, lines, order), po_line in zip(moves, po_lines, strict=True):
            lines.purchase_line_id = po_line
            order._commission_notify(move, sum(lines.mapped("amount")))
        PurchaseOrder._commission_subscribe(
            [(order, move.invoice_user_id.partner_id) for move, _lines, order in moves]
        )

    @api.model
    def _commission_rfq_values(self, referrer, company, currency):
        referrer = referrer.with_company(company)
        return {
            "partner_id": referrer.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "purchase_type": "commission",
            "user_id": False,
            "dest_address_id": referrer.id,
            "fiscal_position_id": self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(referrer)
            .id,
            "payment_term_id": referrer.property_supplier_payment_term_id.id,
        }

    def _commission_rfq_line_values(self, order):
        move = self.move_id
        plan = self.plan_id[:1]
        product = plan.product_id.with_company(order.company_id)
        taxes = order.fiscal_position_id.map_tax(
            product.supplier_taxes_id._filter_taxes_by_company(order.company_id)
        )
        base = sum(self.mapped("base"))
        if move.move_type == "out_refund":
            label = self.env._(
                "Commission clawback on %(move)s (%(customer)s, base %(base)s)",
                move=move.name,
                customer=move.commercial_partner_id.name,
                base=move.currency_id.format(base),
            )
        else:
            label = self.env._(
                "Commission on %(move)s (%(customer)s, base %(base)s)",
                move=move.name,
                customer=move.commercial_partner_id.name,
                base=move.currency_id.format(base),
            )
        return {
            "order_id": order.id,
            "product_id": product.id,
            "name": label,
            "product_qty": 1.0,
            "product_uom_id": product.uom_id.id,
            "price_unit": sum(self.mapped("amount")),
            "tax_ids": [(6, 0, taxes.ids)],
            "date_planned": fields.Datetime.now(),
        }
