from datetime import date
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionRules(CommissionCommon):
    def test_rule_precedence_most_specific_wins(self):
        pricelist = self.env["product.pricelist"].create({"name": "Partner prices"})
        plan = self.env["commission.plan"].create(
            {
                "name": "Precedence",
                "commission_rule_ids": [
                    Command.create({"category_id": self.categ_all.id, "rate": 1, "sequence": 1}),
                    Command.create(
                        {"category_id": self.categ_software.id, "rate": 2, "sequence": 9}
                    ),
                    Command.create(
                        {
                            "category_id": self.categ_software.id,
                            "pricelist_id": pricelist.id,
                            "rate": 3,
                            "sequence": 9,
                        }
                    ),
                    Command.create(
                        {
                            "category_id": self.categ_all.id,
                            "product_id": self.support.id,
                            "rate": 4,
                            "sequence": 20,
                        }
                    ),
                ],
            }
        )
        empty = self.env["product.pricelist"]
        # deeper category beats its parent, whatever the sequence
        self.assertEqual(plan._match_rule(self.software, empty).rate, 2)
        # a pricelist rule beats one without
        self.assertEqual(plan._match_rule(self.software, pricelist).rate, 3)
        # a product rule beats category rules
        self.assertEqual(plan._match_rule(self.support, pricelist).rate, 4)
        # sub-categories are included
        self.assertEqual(plan._match_rule(self.server, empty).rate, 1)
        # then the sequence decides between equally specific rules
        plan.commission_rule_ids.create(
            {"plan_id": plan.id, "category_id": self.categ_hardware.id, "rate": 7, "sequence": 5}
        )
        plan.commission_rule_ids.create(
            {"plan_id": plan.id, "category_id": self.categ_hardware.id, "rate": 8, "sequence": 2}
        )
        self.assertEqual(plan._match_rule(self.server, empty).rate, 8)

    def test_bad_input(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.rule"].create(
                {"plan_id": self.plan.id, "category_id": self.categ_all.id, "rate": 120}
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.rule"].create(
                {
                    "plan_id": self.plan.id,
                    "category_id": self.categ_all.id,
                    "rate": 5,
                    "is_capped": True,
                    "max_commission": -1,
                }
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.rule"].create(
                {
                    "plan_id": self.plan.id,
                    "category_id": self.categ_hardware.id,
                    "product_id": self.software.id,
                    "rate": 5,
                }
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.plan"].create({"name": "No product", "product_id": False})
        not_purchasable = self.env["product.product"].create(
            {"name": "Not purchasable", "type": "service", "purchase_ok": False}
        )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.plan"].create({"name": "Bad", "product_id": not_purchasable.id})
        other_company = self.setup_other_company()["company"]
        foreign_plan = self.env["commission.plan"].create(
            {"name": "Foreign", "company_id": other_company.id}
        )
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "referrer_id": self.referrer.id}
        )
        with self.assertRaises(UserError), self.cr.savepoint():
            order.commission_plan_id = foreign_plan
            order.flush_recordset()
        self.assertEqual(order.commission_plan_id, self.plan)
        self.assertEqual(self.plan.commission_rule_ids.mapped("rate"), [10.0, 5.0])

    def test_plan_follows_level_unless_set_by_hand(self):
        silver_plan = self.plan.copy({"name": "Silver plan"})
        silver = self.env["res.partner.grade"].create(
            {"name": "Silver (test)", "default_commission_plan_id": silver_plan.id}
        )
        self.assertEqual(self.referrer.commission_plan_id, self.plan)
        self.referrer.grade_id = silver
        self.assertEqual(self.referrer.commission_plan_id, silver_plan)
        special = self.plan.copy({"name": "Special deal"})
        self.referrer.commission_plan_id = special
        self.referrer.grade_id = self.grade
        self.assertEqual(self.referrer.commission_plan_id, special, "hand-set plan kept")
        self.assertTrue(self.referrer.commission_plan_manual)


@tagged("post_install", "-at_install")
class TestCommissionBooking(CommissionCommon):
    def test_paid_invoice_books_commission_and_rfq(self):
        invoice = self.make_invoice([(self.software, 1000, 2), (self.server, 500, 1)])
        self.assertFalse(invoice.commission_line_ids)
        self.pay(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        lines = invoice.commission_line_ids
        self.assertEqual(sorted(lines.mapped("amount")), [25.0, 200.0])
        self.assertEqual(sorted(lines.mapped("base")), [500.0, 2000.0])
        self.assertEqual(set(lines.mapped("rate")), {10.0, 5.0})
        order = self.commission_orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.order_line.price_unit, 225.0)
        self.assertEqual(order.order_line.product_id, self.plan.product_id)
        self.assertIn(invoice.name, order.order_line.name)
        self.assertIn(self.salesman.partner_id, order.message_partner_ids)
        self.assertTrue(
            any(invoice.name in (m.body or "") for m in order.message_ids), "chatter links"
        )
        self.assertEqual(order.invoice_commission_count, 1)
        self.assertEqual(invoice.commission_amount, 225.0)
        self.assertEqual(set(lines.mapped("state")), {"draft"})
        # a second invoice goes onto the same draft RFQ
        second = self.make_invoice([(self.support, 100, 1)])
        self.pay(second)
        self.assertEqual(self.commission_orders(), order)
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(order.amount_untaxed, 235.0)

    def test_salespeople_follow_the_rfq_once(self):
        """Two invoices of two salespeople booked in one call onto one RFQ: both follow it,
        each once, and each invoice gets its chatter note."""
        other = self.salesman.copy({"name": "Otto Other", "login": "otto.commission"})
        first = self.make_invoice([(self.software, 1000, 1)])
        second = self.make_invoice([(self.support, 100, 1)])
        second.invoice_user_id = other
        third = self.make_invoice([(self.server, 500, 1)])
        invoices = first | second | third
        AccountMove = type(self.env["account.move"])
        with patch.object(AccountMove, "_commission_book", lambda moves: None):
            for invoice in invoices:
                self.pay(invoice)
        invoices._commission_book()
        order = self.commission_orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(len(order.order_line), 3)
        followers = order.message_follower_ids.filtered(
            lambda f: f.partner_id in (self.salesman | other).partner_id
        )
        self.assertEqual(followers.partner_id, (self.salesman | other).partner_id)
        self.assertEqual(len(followers), 2, "one follower record per salesperson")
        notes = order.message_ids.filtered(lambda m: "from" in (m.body or ""))
        for invoice in invoices:
            self.assertEqual(
                len(notes.filtered(lambda m, inv=invoice: inv.name in m.body)), 1, invoice.name
            )
        self.assertTrue(all(note.subtype_id == self.env.ref("mail.mt_note") for note in notes))

    def test_no_referrer_no_commission(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        invoice.referrer_id = False
        self.pay(invoice)
        self.assertFalse(invoice.commission_line_ids)
        self.assertFalse(self.commission_orders())

    def test_partial_payment_waits_for_full_payment(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice, amount=400)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(invoice.commission_line_ids)
        self.pay(invoice, amount=600)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.commission_line_ids.amount, 100.0)

    def test_hook_again_and_reconcile_again_book_once(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        payment = self.pay(invoice)
        invoice._invoice_paid_hook()  # in_payment -> paid calls it again
        self.assertEqual(len(invoice.commission_line_ids), 1)
        # unreconcile then reconcile again
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "not_paid")
        (invoice.line_ids | receivable).filtered(
            lambda line: line.account_id == receivable.account_id
        ).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(invoice.commission_line_ids), 1)
        self.assertEqual(len(self.commission_orders().order_line), 1)

    def test_in_payment_then_paid_books_once(self):
        """With the accounting app's 'in_payment' state (payment not yet matched with a
        bank statement), the commission is booked at in_payment and not again when the
        payment is matched and the invoice becomes paid."""
        move_class = type(self.env["account.move"])
        with patch.object(move_class, "_get_invoice_in_payment_state", lambda self: "in_payment"):
            invoice = self.make_invoice([(self.software, 1000, 1)])
            payment = self.pay(invoice)
            self.assertEqual(invoice.payment_state, "in_payment")
            self.assertEqual(invoice.commission_line_ids.amount, 100.0)
            # the bank statement line is matched with the payment (as Odoo's own tests do
            # without the Enterprise reconciliation widget)
            liquidity_lines = payment._seek_for_lines()[0]
            statement_line = self.env["account.bank.statement.line"].create(
                {
                    "payment_ref": invoice.name,
                    "journal_id": payment.journal_id.id,
                    "partner_id": invoice.partner_id.id,
                    "amount": payment.amount,
                }
            )
            suspense_lines = statement_line.with_context(
                skip_account_move_synchronization=True
            )._seek_for_lines()[1]
            suspense_lines.account_id = liquidity_lines.account_id
            (suspense_lines + liquidity_lines).reconcile()
            self.assertTrue(payment.is_matched)
            self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(invoice.commission_line_ids), 1)
        self.assertEqual(self.commission_orders().order_line.price_unit, 100.0)

    def test_deleted_rfq_line_frees_the_invoice(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        self.commission_orders().order_line.unlink()
        self.assertFalse(invoice.commission_line_ids)
        invoice._invoice_paid_hook()
        self.assertEqual(invoice.commission_line_ids.amount, 100.0)

    def test_cap_per_rule_per_invoice(self):
        self.plan.commission_rule_ids.filtered(
            lambda r: r.category_id == self.categ_software
        ).write({"is_capped": True, "max_commission": 150})
        invoice = self.make_invoice([(self.software, 1000, 1), (self.support, 1000, 1)])
        self.pay(invoice)
        self.assertEqual(sum(invoice.commission_line_ids.mapped("amount")), 150.0)
        self.assertEqual(self.commission_orders().order_line.price_unit, 150.0)

    def test_section_and_note_lines_skipped_and_discount_used(self):
        move = self.make_invoice([(self.software, 1000, 1)], post=False)
        move.invoice_line_ids = [
            Command.create({"display_type": "line_section", "name": "Section"}),
            Command.create({"display_type": "line_note", "name": "Note"}),
        ]
        move.invoice_line_ids.filtered("product_id").discount = 10
        move.action_post()
        self.pay(move)
        self.assertEqual(move.commission_line_ids.base, 900.0)
        self.assertEqual(move.commission_line_ids.amount, 90.0)

    def test_two_currencies_two_rfqs(self):
        other = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        eur = self.make_invoice([(self.software, 1000, 1)], currency=other)
        usd = self.make_invoice([(self.software, 1000, 1)])
        self.pay(eur)
        self.pay(usd)
        orders = self.commission_orders()
        self.assertEqual(len(orders), 2)
        self.assertEqual(set(orders.mapped("currency_id")), {other, self.company.currency_id})
        eur_line = eur.commission_line_ids
        self.assertEqual(eur_line.amount, 100.0)
        self.assertEqual(eur_line.currency_id, other)
        self.assertEqual(eur_line.amount_company, 50.0)

    def test_two_companies_kept_apart(self):
        data = self.setup_other_company()
        company_b = data["company"]
        self.env.user.company_ids |= company_b
        for categ in self.categ_all | self.categ_software | self.categ_hardware:
            categ.with_company(company_b).property_account_income_categ_id = data[
                "default_account_revenue"
            ]
        invoice_a = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice_a)
        invoice_b = self.make_invoice([(self.software, 1000, 1)], company=company_b)
        self.assertEqual(invoice_b.company_id, company_b)
        self.pay(invoice_b)
        orders = self.commission_orders()
        self.assertEqual(len(orders), 2)
        self.assertEqual(orders.company_id, self.company | company_b)
        self.assertEqual(invoice_b.commission_line_ids.company_id, company_b)
        self.assertEqual(
            self.env["commission.line"]
            .with_context(allowed_company_ids=self.company.ids)
            .search_count([("referrer_id", "=", self.referrer.id)]),
            1,
            "company rule hides the other company's lines",
        )


@tagged("post_install", "-at_install")
class TestCommissionClawback(CommissionCommon):
    def test_refund_claws_back_once_even_after_reset_to_draft(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        credit_note = self.refund(invoice)
        self.pay(credit_note)
        clawback = credit_note.commission_line_ids
        self.assertEqual(clawback.amount, -100.0)
        self.assertEqual(clawback.kind, "clawback")
        self.assertEqual(clawback.origin_move_id, invoice)
        order = self.commission_orders()
        self.assertEqual(sorted(order.order_line.mapped("price_unit")), [-100.0, 100.0])
        # reset to draft, repost, pay again: booked once
        credit_note.line_ids.remove_move_reconcile()
        credit_note.button_draft()
        credit_note.action_post()
        self.pay(credit_note)
        self.assertEqual(len(credit_note.commission_line_ids), 1)
        self.assertEqual(len(order.order_line), 2)

    def test_partial_refunds_never_exceed_what_was_earned(self):
        self.plan.commission_rule_ids.filtered(
            lambda r: r.category_id == self.categ_software
        ).write({"is_capped": True, "max_commission": 150})
        invoice = self.make_invoice([(self.software, 1000, 2)])
        self.pay(invoice)
        self.assertEqual(invoice.commission_line_ids.amount, 150.0)
        for _i in range(3):
            credit_note = self.refund(invoice, [(self.software, 1000, 1)])
            self.pay(credit_note)
        clawed = self.env["commission.line"].search(
            [("origin_move_id", "=", invoice.id), ("kind", "=", "clawback")]
        )
        self.assertEqual(sum(clawed.mapped("amount")), -150.0)
        self.assertEqual(sum(self.commission_orders().order_line.mapped("price_unit")), 0.0)

    def test_refund_of_uncommissioned_invoice_books_nothing(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        credit_note = self.refund(invoice)
        # the credit note settles the open invoice: both are reconciled, the hook runs
        self.assertIn(credit_note.payment_state, ("paid", "reversed"))
        credit_note._invoice_paid_hook()
        self.assertFalse(credit_note.commission_line_ids)
        self.assertFalse(self.commission_orders())


@tagged("post_install", "-at_install")
class TestCommissionSales(CommissionCommon):
    def _order(self, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": self.referrer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "price_unit": 1000, "tax_ids": []}
                    ),
                    Command.create(
                        {"product_id": self.server.id, "price_unit": 500, "tax_ids": []}
                    ),
                ],
                **values,
            }
        )

    def test_order_plan_follows_referrer_then_freezes(self):
        order = self._order()
        self.assertEqual(order.commission_plan_id, self.plan)
        self.assertEqual(order.commission, 125.0)
        other_plan = self.plan.copy({"name": "Other"})
        self.referrer.commission_plan_id = other_plan
        self.assertEqual(order.commission_plan_id, other_plan, "quotation follows the referrer")
        order.action_confirm()
        self.assertTrue(order.commission_plan_frozen)
        self.referrer.commission_plan_id = self.plan
        self.assertEqual(order.commission_plan_id, other_plan, "confirmed order keeps its plan")
        quote = self._order()
        quote.commission_plan_id = other_plan
        self.assertTrue(quote.commission_plan_frozen, "a plan set by hand freezes")

    def test_estimate_equals_booked_and_down_payment_carries_referrer(self):
        order = self._order()
        order.action_confirm()
        estimate = order.commission
        down_payment = self._create_down_payment_invoice(order, "percentage", 50, post=True)
        self.assertEqual(down_payment.referrer_id, self.referrer)
        self.pay(down_payment)
        # 50 % of the order at its blended rate (125 / 1500)
        self.assertEqual(down_payment.commission_line_ids.amount, 62.5)
        final = self._create_final_invoice(order, post=True)
        self.assertEqual(final.referrer_id, self.referrer)
        self.pay(final)
        booked = self.env["commission.line"].search([("referrer_id", "=", self.referrer.id)])
        self.assertEqual(estimate, 125.0)
        self.assertEqual(sum(final.commission_line_ids.mapped("amount")), 62.5)
        self.assertEqual(sum(booked.mapped("amount")), estimate)
        self.assertEqual(len(booked.move_id), 2)


@tagged("post_install", "-at_install")
class TestCommissionCron(CommissionCommon):
    def _rfq_dated(self, day, amount=100.0):
        invoice = self.make_invoice([(self.software, amount * 10, 1)])
        self.pay(invoice)
        order = self.commission_orders().filtered(lambda o: o.state == "draft")
        order.date_order = fields.Datetime.to_datetime(day)
        return order

    def test_monthly_confirms_ended_periods_and_catches_up(self):
        procurement = self.env["purchase.order"].create(
            {
                "partner_id": self.referrer.id,
                "date_order": fields.Datetime.to_datetime(date(2026, 1, 5)),
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "product_qty": 1, "price_unit": 5}
                    )
                ],
            }
        )
        order = self._rfq_dated(date(2026, 3, 20))
        PO = self.env["purchase.order"]
        self.assertFalse(PO._confirm_commission_orders(date(2026, 3, 31)), "period not ended")
        self.assertEqual(order.state, "draft")
        # the server was down on April 1st: the next run confirms it anyway
        with patch.object(type(PO), "message_post_with_source") as mail:
            confirmed = PO._confirm_commission_orders(date(2026, 4, 9))
        self.assertEqual(confirmed, order)
        self.assertEqual(order.state, "purchase")
        self.assertTrue(mail.called, "confirmed RFQ sent to the partner")
        self.assertEqual(order.commission_line_ids.state, "confirmed")
        self.assertEqual(procurement.state, "draft", "procurement orders untouched")
        self.assertEqual(procurement.purchase_type, "procurement")
        # a new paid invoice opens a new RFQ, never the confirmed one nor the procurement PO
        self.pay(self.make_invoice([(self.software, 1000, 1)]))
        new = self.commission_orders().filtered(lambda o: o.state == "draft")
        self.assertEqual(len(new), 1)
        self.assertNotIn(new, order | procurement)

    def test_weekly_quarterly_manually_and_minimum(self):
        order = self._rfq_dated(date(2026, 3, 4))  # Wednesday
        PO = self.env["purchase.order"]
        self.company.commission_automatic_po_frequency = "manually"
        self.assertFalse(PO._confirm_commission_orders(date(2026, 12, 1)))
        self.company.commission_automatic_po_frequency = "quarterly"
        self.assertFalse(PO._confirm_commission_orders(date(2026, 3, 31)))
        self.company.commission_automatic_po_frequency = "weekly"
        self.assertFalse(PO._confirm_commission_orders(date(2026, 3, 8)), "Sunday: same week")
        self.company.commission_po_minimum = 150.0
        self.assertFalse(PO._confirm_commission_orders(date(2026, 3, 9)), "under the minimum")
        self.assertEqual(order.state, "draft")
        self.company.commission_po_minimum = 50.0
        with patch.object(type(PO), "message_post_with_source"):
            self.assertEqual(PO._confirm_commission_orders(date(2026, 3, 9)), order)

    def test_one_failing_rfq_does_not_stop_the_others(self):
        first = self._rfq_dated(date(2026, 1, 10))
        first.button_cancel()
        first.button_draft()  # back to draft, stays a commission RFQ with its lines
        second_referrer = self.referrer.copy({"name": "Second reseller"})
        invoice = self.make_invoice([(self.software, 1000, 1)], referrer=second_referrer)
        self.pay(invoice)
        second = self.commission_orders(second_referrer)
        second.date_order = fields.Datetime.to_datetime(date(2026, 1, 11))
        PO = type(self.env["purchase.order"])
        original = PO.button_confirm

        def failing(orders):
            if first in orders:
                raise ValueError("boom")
            return original(orders)

        with (
            patch.object(PO, "button_confirm", failing),
            patch.object(PO, "message_post_with_source"),
            mute_logger("odoo.addons.partner_commission.models.purchase_order"),
        ):
            confirmed = self.env["purchase.order"]._confirm_commission_orders(date(2026, 2, 2))
        self.assertEqual(confirmed, second)
        self.assertEqual(first.state, "draft")
        self.assertEqual(second.state, "purchase")
