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
        help="The partner (reseller) who earns a commission on this invoice. Lines of a "
        "sales order pay that order's referrer.",
    )
    commission_line_ids = fields.One2many("commission.line", "origin_move_id", "Commission Ledger")
    commission_amount = fields.Monetary(
        "Commission",
        compute="_compute_commission_amount",
        currency_field="currency_id",
        groups="partner_commission.group_commission_user",
    )
    commission_purchase_count = fields.Integer(
        compute="_compute_commission_amount", groups="partner_commission.group_commission_user"
    )
    commission_sync_date = fields.Datetime(
        "Last Commission Sync",
        readonly=True,
        copy=False,
        help="When the commission of this invoice was last brought up to date; written by "
        "every sync, so that two transactions never sync one invoice at once.",
    )

    @api.depends("commission_line_ids.amount")
    def _compute_commission_amount(self):
        rows = self.env["commission.line"].sudo()
        data = {
            move: (amount, orders)
            for move, amount, orders in rows._read_group(
                [("origin_move_id", "in", self.ids), ("kind", "!=", "rejection")],
                ["origin_move_id"],
                ["amount:sum", "purchase_order_id:count_distinct"],
            )
        }
        for move in self:
            move.commission_amount, move.commission_purchase_count = data.get(move, (0.0, 0))

    def action_view_commission(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Commission of %(move)s", move=self.name),
            "res_model": "commission.line",
            "view_mode": "list,form",
            "domain": [("origin_move_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------
    # Events that can change a commission: each marks the documents it touches; they are
    # synced once, just before the transaction commits
    # ------------------------------------------------------------

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._commission_posting_changes()._commission_mark_dirty()
        return posted

    def _commission_posting_changes(self):
        """The moves among these (just posted) whose commission the posting can change:
        all but the referred invoices that have no payment yet while no plan pays at posting.
        Such an invoice earns nothing now (its plans wait for payments), and nothing of it is
        booked (resetting it to draft reversed what it had); its payments sync it."""
        unpaid = self.filtered(
            lambda m: (
                m.move_type == "out_invoice" and m.referrer_id and m.payment_state == "not_paid"
            )
        )
        if not unpaid:
            return self
        plans = self.env["commission.plan"].sudo().with_context(active_test=False)
        if plans.search_count([("trigger", "=", "posted")], limit=1):
            return self
        return self - unpaid

    def button_draft(self):
        res = super().button_draft()
        self._commission_mark_dirty()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._commission_mark_dirty()
        return res

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self._commission_mark_dirty()
        return res

    def write(self, vals):
        if "referrer_id" in vals:
            self._commission_mark_dirty(force=True)
        return super().write(vals)

    def _commission_mark_dirty(self, force=False):
        """Have the commission documents of these moves synced before the commit: customer
        invoices (a credit note counts for its origin) with a referrer, and vendor bills of
        commission RFQs (the ledger follows their state)."""
        documents = (
            self.filtered(lambda m: m.move_type in ("out_invoice", "in_invoice", "in_refund"))
            | self.filtered(lambda m: m.move_type == "out_refund").reversed_entry_id
        )
        documents = documents.filtered(
            lambda m: (m.referrer_id or force) if m.move_type == "out_invoice" else True
        )
        if documents:
            self.env["commission.line"]._commission_sync_later(documents)

    # ------------------------------------------------------------
    # Sync: the ledger of each invoice brought up to its target
    # ------------------------------------------------------------

    def _commission_sync(self):
        """Book the difference between these invoices' commission targets and what their
        ledger holds; rows paid by these vendor bills follow their state."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        bills = self - invoices
        if bills:
            self.env["commission.line"].sudo().search(
                [("purchase_line_id", "in", bills.invoice_line_ids.purchase_line_id.ids)]
            )._commission_follow_bills()
        if not invoices:
            return self.env["commission.line"]
        Ledger = self.env["commission.line"].sudo()
        Ledger._commission_lock(invoices)
        booked = Ledger._commission_booked("origin_move_id", invoices)
        if not invoices._commission_book_one_by_one():
            targets = invoices._commission_targets(booked)
            return Ledger._commission_book("origin_move_id", invoices, targets, booked)
        rows = Ledger
        booked_by_invoice = booked.grouped("origin_move_id")
        for invoice in invoices:
            own = booked_by_invoice.get(invoice, Ledger)
            targets = invoice._commission_targets(own)
            rows |= Ledger._commission_book("origin_move_id", invoice, targets, own)
        return rows

    def _commission_book_one_by_one(self):
        """Whether these invoices must book one after the other: when their plans' tiers or
        period caps make each invoice's commission depend on what the others booked."""
        if len(self) < 2:
            return False
        plans = (
            self.referrer_id.commission_plan_id
            | self.invoice_line_ids.sale_line_ids.order_id.commission_plan_id
            | self.invoice_line_ids.sale_line_ids.order_id.referrer_id.commission_plan_id
        )
        return any(plan._commission_needs_period() for plan in plans)

    def _commission_targets(self, booked, settlements=None):
        """Target ledger values of these invoices: for each product line and referrer, the
        engine's commission (or, once booked, the rate booked on it), net of the posted
        credit notes valued at the origin's rates and never below zero, times the factor of
        the plan's trigger.

        :param booked: the rows booked so far for these invoices (``_commission_booked``)
        :param settlements: their ``_commission_settlements()``, when already read
        """
        booked_rates = {}  # (move line, referrer) -> first row booked on it
        for row in booked.filtered(lambda r: r.kind in ("commission", "correction")):
            if row.move_line_id:
                booked_rates.setdefault((row.move_line_id.id, row.referrer_id.id), row)
        if settlements is None:
            settlements = self._commission_settlements()
        targets = []
        for invoice in self:
            payments, refunds = settlements[invoice.id]
            contexts = invoice._commission_line_contexts()
            factors, date = invoice._commission_factors(
                {ctx[1].id for ctx in contexts.values()}, payments, refunds
            )
            if not any(factors.values()):
                continue  # nothing earned now: the target is zero (what was booked reverses)
            net = invoice._commission_net_ratio(contexts, refunds)
            shares = {plan_id: factor * net for plan_id, factor in factors.items()}
            values = invoice._commission_full_values(contexts, booked_rates, date, shares)
            values += invoice._commission_refund_values(refunds, values)
            currency = invoice.currency_id
            for vals in values:
                factor = factors.get(vals["plan_id"], 0.0)
                vals["amount"] = currency.round(vals["amount"] * factor)
                vals["base"] = currency.round(vals["base"] * factor)
                if vals["kind"] != "clawback":
                    vals["date"] = date
                if factor not in (0.0, 1.0):
                    vals["name"] = self.env._(
                        "%(name)s, %(share)s paid", name=vals["name"], share=f"{factor:.0%}"
                    )
                targets.append(vals)
        return targets

    def _commission_net_ratio(self, contexts, refunds):
        """Share of the commissionable base of this invoice that its credit notes leave."""
        gross = sum(line.price_subtotal for line in contexts)
        if not refunds or not gross:
            return 1.0
        refunded = sum(
            refunds.invoice_line_ids.filtered(lambda il: il.display_type == "product").mapped(
                "price_subtotal"
            )
        )
        return max(0.0, 1.0 - refunded / gross)

    def _commission_settlements(self):
        """{invoice id: (payments, credit notes)} in one query: the amounts reconciled with
        each invoice's receivable [(amount in invoice currency, date, counterpart move type,
        counterpart's origin id)], and its posted credit notes."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.move_id, part.debit_amount_currency, counterpart.date,
                       move.move_type, move.reversed_entry_id, NULL
                  FROM account_partial_reconcile part
                  JOIN account_move_line line ON line.id = part.debit_move_id
                  JOIN account_move_line counterpart ON counterpart.id = part.credit_move_id
                  JOIN account_move move ON move.id = counterpart.move_id
                 WHERE line.move_id IN %(ids)s AND line.display_type = 'payment_term'
                 UNION ALL
                SELECT reversed_entry_id, NULL, NULL, NULL, NULL, id
                  FROM account_move
                 WHERE reversed_entry_id IN %(ids)s AND move_type = 'out_refund'
                   AND state = 'posted'
                """,
                ids=tuple(self.ids),
            )
        )
        payments = {move_id: [] for move_id in self.ids}
        refund_ids = {move_id: [] for move_id in self.ids}
        for move_id, amount, date, move_type, origin_id, refund_id in rows:
            if refund_id:
                refund_ids[move_id].append(refund_id)
            else:
                payments[move_id].append((amount, date, move_type, origin_id))
        refunds = self.browse(rid for ids in refund_ids.values() for rid in ids)
        return {
            move_id: (payments[move_id], refunds.browse(refund_ids[move_id]))
            for move_id in self.ids
        }

    def _commission_line_contexts(self):
        """{invoice line: (referrer, plan, pricelist, order line)} of the lines that can earn
        a commission: a line pays its sales order's referrer under the order's plan and
        pricelist; a line without order pays the invoice's referrer under its plan."""
        self.ensure_one()
        contexts = {}
        for line in self.invoice_line_ids.filtered(lambda il: il.display_type == "product"):
            sale_line = line.sale_line_ids[:1]
            order = sale_line.order_id
            if order:
                referrer = order.referrer_id
                plan = order.commission_plan_id or referrer.commission_plan_id
                pricelist = order.pricelist_id
            else:
                referrer = self.referrer_id
                plan = referrer.commission_plan_id
                pricelist = self.env["product.pricelist"]
            plan = plan._commission_in_simulation()
            if plan.company_id and plan.company_id != self.company_id:
                continue
            if referrer and plan and plan.trigger != "won":
                contexts[line] = (referrer, plan, pricelist, sale_line)
        return contexts

    def _commission_full_values(self, contexts, booked_rates, accrual_date, shares):
        """Row values of this invoice's lines at full commission (factor 1): the plan's
        engine per referrer and plan (caps per rule per invoice, tiers and period caps in the
        period of ``accrual_date``), except that a line keeps the rate booked on it once it
        has rows (unless its rule's tiers follow the whole period). ``shares``: {plan id:
        the share of the base that counts in the attainment now (trigger factor, net of
        credit notes)}."""
        self.ensure_one()
        groups = defaultdict(list)  # (referrer, plan) -> engine lines
        values = []
        common = self._commission_common_values(self)
        for line, (referrer, plan, pricelist, sale_line) in contexts.items():
            if sale_line.is_downpayment:
                booked = booked_rates.get((line.id, referrer.id))
                rate = booked.rate if booked else self._commission_down_payment_rate(sale_line)
                values.append(
                    self._commission_row_values(
                        line, referrer, plan, sale_line, None, rate, common=common
                    )
                )
            elif line.product_id:
                order = sale_line.order_id
                groups[referrer, plan].append(
                    {
                        "key": line,
                        "product": line.product_id,
                        "pricelist": pricelist,
                        "base": line.price_subtotal,
                        "quantity": line.quantity,
                        "partner": self.commercial_partner_id,
                        "team": order.team_id or self.team_id,
                        "template": order.sale_order_template_id,
                    }  # fmt: skip
                )
        for (referrer, plan), lines in groups.items():
            kept = [booked_rates.get((item["key"].id, referrer.id)) for item in lines]
            if all(row and not row.rule_id._commission_is_whole_tier() for row in kept):
                result = {}  # every line keeps its booked rate: no need to ask the engine
            else:
                result = self._commission_evaluate(plan, referrer, lines, accrual_date, shares)
            for item in lines:
                line = item["key"]
                sale_line = contexts[line][3]
                booked = booked_rates.get((line.id, referrer.id))
                res = result.get(line)
                if booked and not (res and res["rule"]._commission_is_whole_tier()):
                    values.append(
                        self._commission_row_values(
                            line,
                            referrer,
                            booked.plan_id,
                            sale_line,
                            booked.rule_id,
                            booked.rate,
                            common=common,
                        )
                    )
                elif res:
                    values.append(
                        self._commission_row_values(
                            line,
                            referrer,
                            plan,
                            sale_line,
                            res["rule"],
                            res["rate"],
                            explanation=res["explanation"],
                            common=common,
                        )  # fmt: skip
                    )
        return [v for v in values if v["rate"]]

    def _commission_evaluate(self, plan, referrer, lines, accrual_date, shares):
        """The engine's result for this invoice's ``lines`` of one referrer and plan, with
        the referrer's period so far (tiers, period caps)."""
        attainment, period_amounts = plan._commission_period_figures(
            referrer, accrual_date, self.company_id, ("origin_move_id", "!=", self.id)
        )
        return plan._compute_commission(
            lines,
            self.currency_id,
            self.company_id,
            self.invoice_date or fields.Date.context_today(self),
            attainment,
            period_amounts,
            share=shares.get(plan.id, 1.0),
        )

    def _commission_down_payment_rate(self, sale_line):
        """Rate of a down payment line: the rate booked on the down payment (so that the
        final invoice's deduction reverses exactly what it booked), else the order's
        blended estimated rate."""
        row = (
            self.env["commission.line"]
            .sudo()
            .search_fetch(
                [
                    ("sale_line_id", "=", sale_line.id),
                    ("kind", "in", ("commission", "correction")),
                    ("base", ">", 0),
                ],
                ["rate"],
                order="id",
                limit=1,
            )
        )
        if row:
            return row.rate
        order = sale_line.order_id
        if not order.amount_untaxed or not order.commission:
            return 0.0
        return 100.0 * order.commission / order.amount_untaxed

    def _commission_row_values(
        self, line, referrer, plan, sale_line, rule, rate, kind=None, explanation=None, common=None
    ):
        """Row values of one line at full commission: base × rate. ``common``: the values
        of its move (``_commission_common_values``), when already read."""
        move = line.move_id
        common = common or self._commission_common_values(move)
        currency = move.currency_id
        base = line.price_subtotal * (-1 if kind == "clawback" else 1)
        amount = currency.round(base * rate / 100.0)
        rule = rule or self.env["commission.rule"]
        if explanation is None:
            explanation = self.env._(
                "%(rate)s %% of %(base)s: %(what)s (%(plan)s)",
                rate=f"{rate:.4g}",
                base=currency.format(base),
                what=rule._condition_label() if rule else line.name or "",
                plan=plan.name,
            )
        product = line.product_id
        return {
            **common,
            "kind": kind or "commission",
            "name": explanation,
            "move_line_id": line.id,
            "sale_line_id": sale_line.id or False,
            "referrer_id": referrer.id,
            "grade_id": referrer.grade_id.id,
            "plan_id": plan.id,
            "rule_id": rule.id,
            "product_id": product.id,
            "categ_id": product.categ_id.id,
            "base": base,
            "rate": rate,
            "amount": amount,
        }

    def _commission_common_values(self, move):
        """Row values that all lines of ``move`` (this invoice or one of its credit notes)
        share."""
        return {
            "move_id": move.id,
            "origin_move_id": self.id,
            "partner_id": self.commercial_partner_id.id,
            "user_id": self.invoice_user_id.id,
            "company_id": self.company_id.id,
            "currency_id": move.currency_id.id,
            "company_currency_id": self.company_currency_id.id,
            "date": move.invoice_date or move.date,
        }

    def _commission_refund_values(self, refunds, invoice_values):
        """Row values of the credit notes of this invoice, negative, valued at the rates of
        the invoice's lines (the same product's, else the invoice's average rate per
        referrer), and scaled down so that they never take back more than the invoice
        earns."""
        self.ensure_one()
        if not refunds or not invoice_values:
            return []
        lines_by_id = {line.id: line for line in self.invoice_line_ids}
        by_product, totals = {}, defaultdict(lambda: [0.0, 0.0])
        for vals in invoice_values:
            line = lines_by_id.get(vals["move_line_id"])
            by_product.setdefault(line.product_id.id, vals)
            totals[vals["referrer_id"]][0] += vals["amount"]
            totals[vals["referrer_id"]][1] += vals["base"]
        default = invoice_values[0]
        values = []
        for line in refunds.invoice_line_ids.filtered(lambda il: il.display_type == "product"):
            origin = by_product.get(line.product_id.id)
            if origin:
                rate = origin["rate"]
            else:
                origin = default
                amount, base = totals[origin["referrer_id"]]
                rate = 100.0 * amount / base if base else 0.0
            if not rate:
                continue
            vals = self._commission_row_values(
                line,
                self.env["res.partner"].browse(origin["referrer_id"]),
                self.env["commission.plan"].browse(origin["plan_id"]),
                line.sale_line_ids[:1],
                self.env["commission.rule"].browse(origin["rule_id"]),
                rate,
                kind="clawback",
            )
            vals["name"] = self.env._(
                "Clawback at %(rate)s %% booked on %(invoice)s: %(base)s",
                rate=f"{rate:.4g}",
                invoice=self.name,
                base=self.currency_id.format(vals["base"]),
            )
            values.append(vals)
        # never below zero, per referrer
        for referrer_id, (earned, _base) in totals.items():
            claws = [v for v in values if v["referrer_id"] == referrer_id]
            clawed = -sum(v["amount"] for v in claws)
            if clawed > earned:
                self.env["commission.plan"]._scale_amounts(claws, -earned, self.currency_id)
        return values

    def _commission_factors(self, plan_ids, payments, refunds):
        """({plan id: share of the commission earned now}, accrual date) for this invoice,
        given its ``payments`` and ``refunds`` (``_commission_settlements``)."""
        self.ensure_one()
        plans = self.env["commission.plan"].browse(plan_ids)
        posted = self.state == "posted"
        paid = posted and self.payment_state in ("paid", "in_payment")
        factors, payment_share, date = {}, None, self.invoice_date
        for plan in plans:
            if plan.trigger == "posted":
                factors[plan.id] = 1.0 if posted else 0.0
            elif plan.trigger == "paid":
                factors[plan.id] = 1.0 if paid else 0.0
            elif plan.trigger == "payment":
                if payment_share is None:
                    payment_share = 1.0 if paid else self._commission_paid_share(payments, refunds)
                factors[plan.id] = payment_share
        if any(plan.trigger in ("paid", "payment") for plan in plans) and (paid or payment_share):
            dates = [
                date for _amount, date, move_type, _origin in payments if move_type != "out_refund"
            ]
            date = max(dates) if dates else date
        return factors, date or fields.Date.context_today(self)

    def _commission_paid_share(self, payments, refunds):
        """Share of this invoice (net of its credit notes) that its payments settled."""
        if self.state != "posted":
            return 0.0
        refunded = paid = 0.0
        for amount, _date, move_type, origin_id in payments:
            if move_type == "out_refund" and origin_id == self.id:
                refunded += amount
            else:
                paid += amount
        net = self.amount_total - max(refunded, sum(refunds.mapped("amount_total")))
        if self.currency_id.compare_amounts(net, 0) <= 0:
            return 0.0
        return min(1.0, max(0.0, paid / net))
