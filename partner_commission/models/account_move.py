from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    referrer_id = fields.Many2one(
        "res.partner",
        tracking=True,
        index="btree_not_null",
        domain="[('grade_id', '!=', False)]",
        help="The partner (reseller) who earns a commission when this invoice is paid.",
    )
    commission_line_ids = fields.One2many("commission.line", "move_id", "Commission Lines")
    commission_amount = fields.Monetary(
        "Commission", compute="_compute_commission_amount", currency_field="currency_id"
    )
    commission_purchase_count = fields.Integer(compute="_compute_commission_amount")

    @api.depends("commission_line_ids.amount")
    def _compute_commission_amount(self):
        for move in self:
            move.commission_amount = sum(move.commission_line_ids.mapped("amount"))
            move.commission_purchase_count = len(move.commission_line_ids.purchase_order_id)

    def action_view_commission(self):
        self.ensure_one()
        orders = self.commission_line_ids.purchase_order_id
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "purchase.order",
                "view_mode": "form",
                "res_id": orders.id,
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Commission"),
            "res_model": "commission.line",
            "view_mode": "list,form",
            "domain": [("move_id", "=", self.id)],
        }

    # ------------------------------------------------------------
    # Booking on payment
    # ------------------------------------------------------------

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self._commission_book()
        return res

    def _commission_book(self):
        """Book the commission of paid referred invoices and claw it back for their paid
        credit notes: commission lines, then one line per move on the referrer's draft
        commission RFQ. Each move is booked at most once (its commission lines are the guard;
        the moves are locked first so that concurrent reconciliations cannot both book)."""
        moves = self.filtered(
            lambda m: (
                m.referrer_id
                and m.state == "posted"
                and m.move_type in ("out_invoice", "out_refund")
                and m.payment_state in ("paid", "in_payment")
            )
        )
        if not moves:
            return
        self.env.cr.execute(
            SQL("SELECT id FROM account_move WHERE id IN %s FOR UPDATE", tuple(moves.ids))
        )
        Line = self.env["commission.line"].sudo()
        done = {move for [move] in Line._read_group([("move_id", "in", moves.ids)], ["move_id"])}
        todo = moves.filtered(lambda m: m not in done)
        refunds = todo.filtered(lambda m: m.move_type == "out_refund")
        origins = refunds.reversed_entry_id
        booked = defaultdict(float)  # origin invoice -> net commission booked so far
        if origins:
            for origin, amount in Line._read_group(
                [("origin_move_id", "in", origins.ids)], ["origin_move_id"], ["amount:sum"]
            ):
                booked[origin] = amount
        earned = {
            origin: amount
            for origin, amount in Line._read_group(
                [("origin_move_id", "in", origins.ids), ("kind", "=", "commission")],
                ["origin_move_id"],
                ["amount:sum"],
            )
        }
        values = []
        for move in todo:
            if move.move_type == "out_invoice":
                values += move._commission_line_values()
            else:
                origin = move.reversed_entry_id
                if not earned.get(origin):
                    continue  # nothing to claw back from an invoice that earned nothing
                lines = move._commission_line_values(origin=origin)
                wanted = sum(v["amount"] for v in lines)
                available = booked[origin]  # what is left to claw back, >= 0
                if not lines or available <= 0:
                    continue
                if -wanted > available:
                    self.env["commission.plan"]._scale_amounts(lines, -available, move.currency_id)
                booked[origin] += sum(v["amount"] for v in lines)
                values += [v for v in lines if v["amount"]]
        if values:
            Line.create(values)._commission_add_to_rfq()

    def _commission_line_values(self, origin=None):
        """Values of the commission lines of this invoice (or of this credit note, negative,
        for ``origin``), computed by the plan's one computation path."""
        self.ensure_one()
        source = origin or self
        sale_lines = self.invoice_line_ids.sale_line_ids
        orders = sale_lines.order_id or source.invoice_line_ids.sale_line_ids.order_id
        plan = orders.commission_plan_id[:1] or source.referrer_id.commission_plan_id
        if not plan:
            return []
        product_lines = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and line.product_id
        )
        pricelist = (
            sale_lines.order_id.pricelist_id[:1]
            or source.invoice_line_ids.sale_line_ids.order_id.pricelist_id[:1]
        )
        result = plan._compute_commission(
            [
                {
                    "key": line.id,
                    "product": line.product_id,
                    "pricelist": pricelist,
                    "base": line.price_subtotal,
                }
                for line in product_lines
            ],
            self.currency_id,
            self.company_id,
            self.invoice_date or fields.Date.context_today(self),
        )
        # Down-payment lines (no product) earn their order's blended rate, so that a down
        # payment and its deduction on the final invoice cancel out exactly.
        for line in self.invoice_line_ids.filtered(
            lambda line: not line.product_id and line.sale_line_ids.filtered("is_downpayment")
        ):
            order = line.sale_line_ids.order_id[:1]
            if not order.amount_untaxed or not order.commission:
                continue
            rate = 100.0 * order.commission / order.amount_untaxed
            result[line.id] = {
                "rule": self.env["commission.rule"],
                "rate": rate,
                "base": line.price_subtotal,
                "amount": self.currency_id.round(line.price_subtotal * rate / 100.0),
            }
            product_lines |= line
        sign = -1 if origin else 1
        date = fields.Date.context_today(self)
        values = []
        for line in product_lines:
            res = result.get(line.id)
            if not res or not res["amount"]:
                continue
            amount = sign * res["amount"]
            values.append(
                {
                    "kind": "clawback" if origin else "commission",
                    "move_id": self.id,
                    "move_line_id": line.id,
                    "origin_move_id": source.id,
                    "referrer_id": source.referrer_id.id,
                    "grade_id": source.referrer_id.grade_id.id,
                    "plan_id": plan.id,
                    "rule_id": res["rule"].id,
                    "product_id": line.product_id.id or False,
                    "categ_id": line.product_id.categ_id.id or False,
                    "partner_id": self.commercial_partner_id.id,
                    "user_id": self.invoice_user_id.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "company_currency_id": self.company_currency_id.id,
                    "base": sign * res["base"],
                    "rate": res["rate"],
                    "amount": amount,
                    "amount_company": self.currency_id._convert(
                        amount, self.company_currency_id, self.company_id, self.invoice_date or date
                    ),
                    "date": date,
                }
            )
        return values
