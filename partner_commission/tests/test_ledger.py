from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time as _freeze

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_amount, mute_logger

from odoo.addons.partner_commission.models.commission_line import PRECOMMIT_KEY

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestLedgerBooking(CommissionCommon):
    def test_paid_invoice_books_then_payout_puts_it_on_an_rfq(self):
        invoice = self.make_invoice([(self.software, 1000, 2), (self.server, 500, 1)])
        self.pay(invoice)
        rows = self.ledger(invoice)
        self.assertEqual(sorted(rows.mapped("amount")), [25.0, 200.0])
        self.assertEqual(sorted(rows.mapped("base")), [500.0, 2000.0])
        self.assertEqual(set(rows.mapped("state")), {"to_pay"})
        self.assertEqual(set(rows.mapped("date")), {invoice.invoice_date}, "payment date")
        self.assertIn("10 % of", " ".join(rows.mapped("name")))
        self.assertFalse(self.commission_orders(), "nothing is paid out inside the payment")
        self.payout()
        order = self.commission_orders()
        self.assertEqual(order.order_line.price_unit, 225.0)
        self.assertEqual(order.order_line.product_id, self.plan.product_id)
        self.assertIn(invoice.name, order.order_line.name)
        self.assertEqual(set(rows.mapped("state")), {"draft"})
        self.assertIn(self.salesman.partner_id, order.message_partner_ids)
        notes = order.message_ids.filtered(lambda m: invoice.name in (m.body or ""))
        self.assertEqual(len(notes), 1, "one note per run listing the documents")
        self.assertEqual(invoice.commission_amount, 225.0)
        # a second invoice joins the same draft RFQ, a payout run that finds nothing adds none
        second = self.make_invoice([(self.support, 100, 1)])
        self.pay(second)
        self.payout()
        self.payout()
        self.assertEqual(self.commission_orders(), order)
        self.assertEqual(order.amount_untaxed, 235.0)
        self.assertEqual(len(order.order_line), 2)

    def test_rfq_lines_are_described_in_the_referrers_language(self):
        """As core describes a vendor's products in the vendor's language: an RFQ line is
        written in its referrer's language, whoever runs the payout (the cron job runs
        without a language), for a new line and when a document's later rows join it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.referrer.copy({"name": "Revendeur SARL", "lang": "fr_FR"})
        self.referrer.lang = "en_US"
        self.plan.trigger = "payment"
        currency = self.company.currency_id
        for referrer in (french, self.referrer):
            invoice = self.make_invoice([(self.software, 1000, 2)], referrer=referrer)
            self.pay(invoice, amount=1000)
            self.payout()
            line = self.commission_orders(referrer).order_line
            half = format_amount(self.env, 1000, currency, lang_code=referrer.lang)
            self.assertIn(half, line.name, "the base paid so far")
            self.pay(invoice)
            self.payout()
            self.assertEqual(self.commission_orders(referrer).order_line, line)
            whole = format_amount(self.env, 2000, currency, lang_code=referrer.lang)
            self.assertIn(whole, line.name, "the later rows joined the line")
        # the two languages format the amounts differently: the test tells them apart
        self.assertNotEqual(
            format_amount(self.env, 2000, currency, lang_code="fr_FR"),
            format_amount(self.env, 2000, currency, lang_code="en_US"),
        )

    def test_a_payout_run_logs_one_message_on_the_rfq(self):
        """A new RFQ gets one message: core's creation message and the run's note. On an
        RFQ that was already there, core tracks the change of its untaxed amount: that
        tracking message carries the run's note, so a run adds one message; a run that
        leaves the amount unchanged still logs its note."""
        first = self.make_invoice([(self.support, 100, 1)])
        self.pay(first)
        self.payout()
        order = self.commission_orders()
        self.assertEqual(order.amount_untaxed, 10.0)
        self.assertEqual(len(order.message_ids), 1, "one message on the new RFQ")
        self.assertIn("Purchase Order created", order.message_ids.body)
        self.assertIn(first.name, order.message_ids.body)
        before = order.message_ids
        second = self.make_invoice([(self.support, 200, 1)])
        self.pay(second)
        self.payout()
        new = order.message_ids - before
        self.assertEqual(len(new), 1, "one message per run")
        self.assertIn(second.name, new.body)
        self.assertIn("Commissions added", new.body)
        tracked = new.tracking_value_ids.filtered(lambda t: t.field_id.name == "amount_untaxed")
        self.assertEqual((tracked.old_value_float, tracked.new_value_float), (10.0, 30.0))
        # paid then refunded before the payout: its line nets to zero, the amount stays
        before = order.message_ids
        third = self.make_invoice([(self.support, 300, 1)])
        self.pay(third)
        self.refund(third)
        self.payout()
        self.assertEqual(order.amount_untaxed, 30.0)
        self.assertEqual(len(order.order_line), 3)
        new = order.message_ids - before
        self.assertEqual(len(new), 1, "the note is logged on its own")
        self.assertIn(third.name, new.body)
        self.assertFalse(new.tracking_value_ids)

    def test_a_booking_to_pay_triggers_the_payout_job(self):
        """A booking whose rows are to pay has the payout job run right after its commit;
        held rows wait for the daily run."""
        cron = self.env.ref("partner_commission.ir_cron_commission_payout")
        Trigger = self.env["ir.cron.trigger"]

        def triggers():
            self.sync()
            return Trigger.search_count([("cron_id", "=", cron.id)])

        before = triggers()
        self.plan.hold_days = 30
        self.pay(self.make_invoice([(self.software, 1000, 1)]))
        self.assertEqual(triggers(), before, "held rows: nothing to pay now")
        self.plan.hold_days = 0
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        self.assertEqual(triggers(), before + 1)
        self.assertEqual(self.ledger(invoice).state, "to_pay")
        trigger = Trigger.search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        self.assertLessEqual(trigger.call_at, fields.Datetime.now())

    def test_no_referrer_no_commission(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        invoice.referrer_id = False
        self.pay(invoice)
        self.assertFalse(self.ledger(invoice))

    def test_paid_trigger_waits_for_the_last_payment(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice, amount=400)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(self.ledger(invoice))
        self.pay(invoice, amount=600)
        self.assertEqual(self.booked(invoice), 100.0)

    def test_payment_trigger_books_each_payments_share(self):
        self.plan.trigger = "payment"
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice, amount=300)
        self.assertEqual(self.booked(invoice), 30.0)
        self.assertIn("30% paid", self.ledger(invoice).name)
        self.pay(invoice, amount=200)
        self.assertEqual(self.booked(invoice), 50.0)
        self.assertEqual(len(self.ledger(invoice)), 2, "the second payment books its share")
        self.pay(invoice, amount=500)
        self.assertEqual(self.booked(invoice), 100.0)

    def test_posted_trigger_reverses_on_reset_and_cancel(self):
        self.plan.trigger = "posted"
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.assertEqual(self.booked(invoice), 100.0)
        invoice.button_draft()
        self.assertEqual(self.booked(invoice), 0.0)
        self.assertEqual(self.ledger(invoice)[-1].kind, "correction")
        invoice.action_post()
        self.assertEqual(self.booked(invoice), 100.0)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(self.booked(invoice), 0.0)
        self.assertEqual(len(self.ledger(invoice)), 4, "corrections are new rows")

    def test_posting_an_unpaid_invoice_waits_for_its_payment(self):
        """No plan pays at posting: the posting leaves the invoice to its payments (no sync
        that would book nothing); a plan that does makes the posting sync it."""
        invoice = self.make_invoice([(self.software, 1000, 1)], post=False)
        self.sync()
        invoice.action_post()
        pending = self.env.cr.precommit.data.get(PRECOMMIT_KEY, {})
        self.assertNotIn(invoice.id, pending.get("account.move", ()))
        self.sync()
        self.assertFalse(self.ledger(invoice))
        self.pay(invoice)
        self.assertEqual(self.booked(invoice), 100.0)
        self.plan.copy({"name": "At posting", "trigger": "posted", "active": False})
        second = self.make_invoice([(self.software, 500, 1)], post=False)
        self.sync()
        second.action_post()
        pending = self.env.cr.precommit.data.get(PRECOMMIT_KEY, {})
        self.assertIn(second.id, pending.get("account.move", ()))

    def test_the_sync_books_in_a_context_of_its_own(self):
        """The active_test of the event that marks an invoice (here the payment wizard's)
        does not reach what the sync books: an archived rule stays out."""
        self.plan.commission_rule_ids[0].copy({"rate": 50.0, "sequence": 1, "active": False})
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids, active_test=False
        ).create({"payment_date": invoice.invoice_date})._create_payments()
        self.assertEqual(self.booked(invoice), 100.0, "the archived rule does not apply")

    def test_payment_removed_books_a_correction_and_again(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        payment = self.pay(invoice)
        self.assertEqual(self.booked(invoice), 100.0)
        invoice._invoice_paid_hook()  # in_payment -> paid calls it again
        self.assertEqual(len(self.ledger(invoice)), 1)
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.remove_move_reconcile()  # a bounced cheque
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.booked(invoice), 0.0)
        correction = self.ledger(invoice)[-1]
        self.assertEqual((correction.kind, correction.amount), ("correction", -100.0))
        self.assertEqual(correction.date, fields.Date.context_today(correction))
        (invoice.line_ids | receivable).filtered(
            lambda line: line.account_id == receivable.account_id
        ).reconcile()
        self.assertEqual(self.booked(invoice), 100.0)
        self.assertEqual(len(self.ledger(invoice)), 3)
        # all three rows net on one RFQ line
        self.payout()
        self.assertEqual(self.commission_orders().order_line.price_unit, 100.0)

    def test_reset_to_draft_and_repost_of_a_paid_invoice(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        invoice.button_draft()  # keeps the reconciliation, but is no longer paid
        self.assertEqual(self.booked(invoice), 0.0)
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.booked(invoice), 100.0)

    def test_in_payment_then_paid_books_once(self):
        move_class = type(self.env["account.move"])
        with patch.object(move_class, "_get_invoice_in_payment_state", lambda self: "in_payment"):
            invoice = self.make_invoice([(self.software, 1000, 1)])
            payment = self.pay(invoice)
            self.assertEqual(invoice.payment_state, "in_payment")
            self.assertEqual(self.booked(invoice), 100.0)
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
            self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(self.ledger(invoice)), 1)

    def test_cap_discount_sections(self):
        self.plan.commission_rule_ids.filtered(
            lambda r: r.category_id == self.categ_software
        ).write({"is_capped": True, "max_commission": 150})
        move = self.make_invoice([(self.software, 1000, 1), (self.support, 1000, 1)], post=False)
        move.invoice_line_ids = [
            Command.create({"display_type": "line_section", "name": "Section"}),
            Command.create({"display_type": "line_note", "name": "Note"}),
        ]
        move.action_post()
        self.pay(move)
        self.assertEqual(self.booked(move), 150.0)
        self.assertEqual(len(self.ledger(move)), 2)

    def test_two_currencies_two_rfqs(self):
        other = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        eur = self.make_invoice([(self.software, 1000, 1)], currency=other)
        usd = self.make_invoice([(self.software, 1000, 1)])
        self.pay(eur)
        self.pay(usd)
        self.payout()
        orders = self.commission_orders()
        self.assertEqual(set(orders.mapped("currency_id")), {other, self.company.currency_id})
        row = self.ledger(eur)
        self.assertEqual((row.amount, row.currency_id, row.amount_company), (100.0, other, 50.0))

    def test_two_companies_kept_apart(self):
        data = self.setup_other_company()
        company_b = data["company"]
        self.env.user.company_ids |= company_b
        for categ in self.categ_all | self.categ_software | self.categ_hardware:
            categ.with_company(company_b).property_account_income_categ_id = data[
                "default_account_revenue"
            ]
        self.plan.company_id = False  # a plan shared by both companies
        invoice_a = self.make_invoice([(self.software, 1000, 1)])
        invoice_b = self.make_invoice([(self.software, 1000, 1)], company=company_b)
        self.pay(invoice_a)
        self.pay(invoice_b)
        self.payout()
        orders = self.commission_orders().with_context(
            allowed_company_ids=(self.company | company_b).ids
        )
        orders = orders.search([("id", "in", orders.ids)]) | self.env[
            "purchase.order"
        ].with_context(allowed_company_ids=(self.company | company_b).ids).search(
            [("purchase_type", "=", "commission"), ("partner_id", "=", self.referrer.id)]
        )
        self.assertEqual(orders.company_id, self.company | company_b)
        self.assertEqual(self.ledger(invoice_b).company_id, company_b)
        # Create Bills on both companies' RFQs: a bill in each company, in its journal
        orders.button_confirm()
        orders.action_create_invoice()
        bills = orders.invoice_ids
        self.assertEqual(bills.company_id, self.company | company_b)
        for bill in bills:
            self.assertEqual(bill.journal_id.company_id, bill.company_id)
            self.assertEqual(bill.amount_untaxed, 100.0)
        self.plan.company_id = self.company
        self.assertEqual(
            self.booked(self.make_invoice([(self.software, 1000, 1)], company=company_b)), 0.0
        )
        self.assertEqual(
            self.env["commission.line"]
            .with_context(allowed_company_ids=self.company.ids)
            .search_count([("referrer_id", "=", self.referrer.id)]),
            1,
        )


@tagged("post_install", "-at_install")
class TestLedgerCreditNotes(CommissionCommon):
    def test_credit_note_after_payment_claws_back_once(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        credit_note = self.refund(invoice)
        self.assertEqual(self.booked(invoice), 0.0)
        clawback = self.ledger(invoice, kind="clawback")
        self.assertEqual((clawback.amount, clawback.move_id), (-100.0, credit_note))
        self.pay(credit_note)
        credit_note.line_ids.remove_move_reconcile()
        credit_note.button_draft()
        self.assertEqual(self.booked(invoice), 100.0, "a draft credit note takes nothing")
        credit_note.action_post()
        self.pay(credit_note)
        self.assertEqual(self.booked(invoice), 0.0)
        self.payout()
        self.assertEqual(self.commission_orders().order_line.price_unit, 0.0)

    def test_credit_note_that_settles_a_partly_paid_invoice(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice, amount=300)
        credit_note = self.refund(invoice, [(self.software, 700, 1)])
        (invoice.line_ids | credit_note.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.booked(invoice), 30.0, "only what was really paid earns")

    def test_refunds_use_booked_rates_and_never_exceed_what_was_booked(self):
        self.plan.commission_rule_ids.filtered(
            lambda r: r.category_id == self.categ_software
        ).write({"is_capped": True, "max_commission": 150})
        invoice = self.make_invoice([(self.software, 1000, 2)])
        self.pay(invoice)
        self.assertEqual(self.booked(invoice), 150.0)
        self.plan.commission_rule_ids.write({"rate": 50.0, "is_capped": False})
        self.refund(invoice, [(self.software, 1000, 1)])
        self.assertEqual(self.booked(invoice), 75.0, "half the invoice at the booked 7.5 %")
        for _i in range(2):
            self.refund(invoice, [(self.software, 1000, 1)])
        self.assertEqual(self.booked(invoice), 0.0, "never below zero")

    def test_refund_of_uncommissioned_invoice_books_nothing(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.refund(invoice)  # settles the open invoice: reversed, not paid
        self.assertFalse(self.ledger(invoice))


@tagged("post_install", "-at_install")
class TestLedgerGroupedInvoices(CommissionCommon):
    def _order(self, referrer, product, price):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": referrer.id if referrer else False,
                "order_line": [
                    Command.create({"product_id": product.id, "price_unit": price, "tax_ids": []})
                ],
            }
        )
        order.action_confirm()
        return order

    def test_each_line_pays_its_own_orders_referrer(self):
        silver_plan = self.env["commission.plan"].create(
            {
                "name": "Silver plan",
                "commission_rule_ids": [
                    Command.create({"category_id": self.categ_all.id, "rate": 4.0})
                ],
            }
        )
        other = self.env["res.partner"].create(
            {"name": "Other reseller", "grade_id": self.grade.id, "is_company": True}
        )
        other.commission_plan_id = silver_plan
        orders = (
            self._order(None, self.software, 500)
            | self._order(self.referrer, self.software, 1000)
            | self._order(other, self.software, 2000)
        )
        invoice = orders._create_invoices(grouped=False)
        self.assertEqual(len(invoice), 1, "one invoice for the three orders")
        self.assertTrue(invoice.referrer_id, "a referred line gives the invoice a referrer")
        invoice.action_post()
        self.pay(invoice)
        rows = self.ledger(invoice)
        by_referrer = {r.referrer_id: r.amount for r in rows}
        self.assertEqual(by_referrer, {self.referrer: 100.0, other: 80.0})
        self.payout()
        self.assertEqual(self.commission_orders().amount_untaxed, 100.0)
        self.assertEqual(self.commission_orders(other).amount_untaxed, 80.0)


@tagged("post_install", "-at_install")
class TestLedgerPayout(CommissionCommon):
    def test_append_only(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        row = self.ledger(invoice)
        with self.assertRaises(UserError):
            row.write({"amount": 1.0})
        with self.assertRaises(UserError):
            row.unlink()
        with self.assertRaises(UserError):
            row.with_user(self.salesman).action_approve()

    def test_deleted_line_and_cancelled_rfq_give_the_rows_back(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        self.payout()
        order = self.commission_orders()
        self.assertEqual(self.ledger(invoice).purchase_order_id, order)
        order.order_line.unlink()
        self.assertEqual(self.ledger(invoice).state, "to_pay")
        self.assertFalse(self.ledger(invoice).purchase_order_id)
        self.payout()
        self.assertEqual(order.order_line.price_unit, 100.0)
        self.assertEqual(self.ledger(invoice).purchase_order_id, order)
        self.assertEqual(order.commission_line_ids, self.ledger(invoice))
        order.button_cancel()
        self.assertEqual(self.ledger(invoice).state, "to_pay")
        self.assertFalse(self.ledger(invoice).purchase_line_id)
        self.assertFalse(self.ledger(invoice).purchase_order_id)
        self.assertFalse(order.commission_line_ids)
        self.payout()
        new = self.commission_orders().filtered(lambda o: o.state == "draft")
        self.assertEqual(new.order_line.price_unit, 100.0)
        self.assertEqual(self.ledger(invoice).purchase_order_id, new)
        # what the database holds, not only the cache
        self.env.invalidate_all()
        self.assertEqual(self.ledger(invoice).purchase_order_id, new)
        self.assertEqual(self.booked(invoice), 100.0, "nothing lost, nothing doubled")

    def test_a_failing_referrer_does_not_stop_the_others(self):
        other_company = self.setup_other_company()["company"]
        product = self._make_product("Our commission", self.categ_all, 1)
        broken_plan = self.plan.copy({"name": "Misconfigured", "product_id": product.id})
        # later the product moves to another company: RFQ lines of this one refuse it
        product.company_id = other_company
        broken = self.referrer.copy({"name": "Broken reseller"})
        broken.commission_plan_id = broken_plan
        self.pay(self.make_invoice([(self.software, 1000, 1)], referrer=broken))
        self.pay(self.make_invoice([(self.software, 2000, 1)]))
        with self.assertLogs("odoo.addons.partner_commission.models.commission_line", "ERROR"):
            self.payout()
        self.assertEqual(self.commission_orders().amount_untaxed, 200.0)
        self.assertFalse(self.commission_orders(broken))
        rows = self.env["commission.line"].search([("referrer_id", "=", broken.id)])
        self.assertEqual(rows.state, "to_pay", "kept for the next run")
        self.assertIn("could not be put on a commission RFQ", broken.message_ids[0].body)
        self.assertIn("cannot pay commissions", broken.message_ids[0].body)

    def test_rfq_lines_take_the_analytic_distribution_of_core(self):
        """The payout's RFQ lines get the distribution core gives a line of the same product
        added by hand: the models matching the product, the referrer's tags and the company
        (searched once per product and run), and none when no model matches."""
        # two analytic plans: core adds up the models of different plans
        channels, tiers = (
            self.env["account.analytic.plan"]
            .sudo()
            .create([{"name": "Channels"}, {"name": "Tiers"}])
        )
        resellers, gold = (
            self.env["account.analytic.account"]
            .sudo()
            .create(
                [
                    {"name": "Resellers", "plan_id": channels.id},
                    {"name": "Gold resellers", "plan_id": tiers.id},
                ]
            )
        )
        tag = self.env["res.partner.category"].create({"name": "Gold channel"})
        self.env["account.analytic.distribution.model"].sudo().create(
            [
                {
                    "product_id": self.plan.product_id.id,
                    "company_id": self.company.id,
                    "analytic_distribution": {str(resellers.id): 100},
                },
                {
                    "partner_category_id": tag.id,
                    "analytic_distribution": {str(gold.id): 100},
                },
            ]
        )
        tagged_referrer = self.referrer.copy({"name": "Tagged reseller"})
        tagged_referrer.category_id = tag
        other_product = self._make_product("Referral fee", self.categ_all, 1)
        untracked = self.referrer.copy({"name": "Untracked reseller"})
        untracked.commission_plan_id = self.plan.copy(
            {"name": "Referral fees", "product_id": other_product.id}
        )
        for referrer in (self.referrer, self.referrer, tagged_referrer, untracked):
            self.pay(self.make_invoice([(self.software, 1000, 1)], referrer=referrer))
        self.payout()
        expected = {
            self.referrer: {str(resellers.id): 100},
            tagged_referrer: {str(resellers.id): 100, str(gold.id): 100},
            untracked: False,
        }
        for referrer, distribution in expected.items():
            order = self.commission_orders(referrer)
            by_hand = order.order_line.create(
                {
                    "order_id": order.id,
                    "product_id": order.order_line.product_id[:1].id,
                    "price_unit": 1.0,
                }
            )
            lines = order.order_line - by_hand
            self.assertEqual(len(lines), 2 if referrer == self.referrer else 1)
            for line in lines:
                self.assertEqual(line.analytic_distribution, distribution, referrer.name)
            self.assertEqual(by_hand.analytic_distribution, distribution, "as core's")

    def test_states_follow_the_rfq_and_its_bill(self):
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        self.payout()
        order = self.commission_orders()
        order.button_confirm()
        self.assertEqual(self.ledger(invoice).state, "confirmed")
        order.order_line.qty_received = 1
        bill = self.env["account.move"].browse(order.action_create_invoice()["res_id"])
        bill.invoice_date = fields.Date.today()
        bill.action_post()
        self.assertEqual(self.ledger(invoice).state, "billed")
        self.pay(bill)
        self.assertEqual(self.ledger(invoice).state, "paid")

    def test_create_bills_of_commission_rfqs_in_one_batch(self):
        other = self.referrer.copy({"name": "Other reseller"})
        first, second = (
            self.make_invoice([(self.software, 1000, 1)]),
            self.make_invoice([(self.software, 3000, 1)], referrer=other),
        )
        self.pay(first)
        self.pay(second)
        self.payout()
        orders = self.commission_orders() | self.commission_orders(other)
        orders.button_confirm()
        # a later RFQ of the first referrer: Create Bills puts it on the same bill, as core
        self.pay(self.make_invoice([(self.software, 500, 1)]))
        self.payout()
        later = self.commission_orders() - orders
        later.button_confirm()
        procurement = self.env["purchase.order"].create(
            {
                "partner_id": other.id,
                "order_line": [Command.create({"product_id": self.support.id, "product_qty": 1})],
            }
        )
        procurement.button_confirm()
        self.assertFalse(procurement.invoice_ids)
        (orders | later).action_create_invoice()
        bills = (orders | later).invoice_ids
        self.assertEqual(len(bills), 2, "one bill per referrer, company and currency")
        by_partner = {bill.partner_id: bill for bill in bills}
        self.assertEqual(by_partner[self.referrer].amount_untaxed, 150.0)
        self.assertEqual(by_partner[other].amount_untaxed, 300.0)
        self.assertEqual(set(bills.mapped("invoice_date")), {fields.Date.context_today(bills)})
        self.assertEqual(set(bills.mapped("move_type")), {"in_invoice"})
        self.assertIn(later.name, by_partner[self.referrer].invoice_origin)
        self.assertEqual((orders | later).order_line.mapped("qty_invoiced"), [1.0, 1.0, 1.0])
        bills.action_post()
        self.sync()
        rows = self.env["commission.line"].search(
            [("purchase_order_id", "in", (orders | later).ids)]
        )
        self.assertEqual(set(rows.mapped("state")), {"billed"})
        # procurement orders keep core's flow
        procurement.order_line.qty_received = 1
        bill = self.env["account.move"].browse(procurement.action_create_invoice()["res_id"])
        self.assertFalse(bill.invoice_date, "core leaves the date of a supplier's bill empty")

    def _bill_queries(self, orders):
        """Queries of Create Bills on ``orders`` (confirmed, one bill each), cold cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        orders.action_create_invoice()
        self.env.flush_all()
        self.assertEqual(len(orders.invoice_ids), len(orders))
        return self.cr.sql_log_count - before

    def test_create_bills_costs_less_per_bill_than_core(self):
        """Each more bill costs the batch fewer queries than core's bill by bill flow, which
        procurement orders keep (one ``account.move.create`` per bill)."""
        referrers = [self.referrer.copy({"name": f"Billed reseller {i}"}) for i in range(6)]
        for referrer in referrers:
            self.pay(self.make_invoice([(self.software, 1000, 1)], referrer=referrer))
        self.payout()
        commission = [self.commission_orders(referrer) for referrer in referrers]
        procurement = [
            self.env["purchase.order"].create(
                {
                    "partner_id": referrer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.support.id, "product_qty": 1, "price_unit": 100}
                        )
                    ],
                }
            )
            for referrer in referrers
        ]
        for order in commission + procurement:
            order.button_confirm()
            order.order_line.qty_received = 1

        def per_bill(orders):
            one = self._bill_queries(orders[0])
            four = self._bill_queries(orders[1] | orders[2] | orders[3] | orders[4])
            return (four - one) / 3

        self._bill_queries(commission[5])  # warm-up
        self._bill_queries(procurement[5])
        ours, core = per_bill(commission), per_bill(procurement)
        self.assertLess(ours, 0.6 * core, f"queries per more bill: batch {ours}, core {core}")

    def test_bill_searches_the_analytic_models_once_for_lines_alike(self):
        """Create Bills for an RFQ of 6 lines costs at most one query per line more than for
        one of 2 (core checks that the analytic accounts of each line's RFQ distribution
        exist), not two: the journal items' compute searches the distribution models once
        for lines of the same arguments (core's domain changed the key of its cache, so it
        searched them again for every line); every line still gets the models'
        distribution."""
        account = (
            self.env["account.analytic.account"]
            .sudo()
            .create(
                {
                    "name": "Reseller programme",
                    "plan_id": self.env["account.analytic.plan"]
                    .sudo()
                    .create({"name": "Channels"})
                    .id,
                }
            )
        )
        self.env["account.analytic.distribution.model"].sudo().create(
            {"product_id": self.plan.product_id.id, "analytic_distribution": {str(account.id): 100}}
        )
        orders = []
        for count in (1, 2, 6):
            referrer = self.referrer.copy({"name": f"Reseller of {count} documents"})
            for _i in range(count):
                self.pay(self.make_invoice([(self.software, 1000, 1)], referrer=referrer))
            self.payout()
            orders.append(self.commission_orders(referrer))
        self.assertEqual([len(order.order_line) for order in orders], [1, 2, 6])
        for order in orders:
            order.button_confirm()
        self._bill_queries(orders[0])  # warm-up
        two, six = self._bill_queries(orders[1]), self._bill_queries(orders[2])
        self.assertLessEqual(six - two, 4, f"Create Bills: {six} queries for 6 lines, {two} for 2")
        lines = (orders[1] | orders[2]).invoice_ids.invoice_line_ids
        self.assertEqual(len(lines), 8)
        for line in lines:
            self.assertEqual(line.analytic_distribution, {str(account.id): 100})

    def test_hold_then_release_and_a_refund_inside_the_hold_nets_out(self):
        self.plan.hold_days = 30
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        row = self.ledger(invoice)
        self.assertEqual(row.state, "pending")
        self.assertEqual(row.date_release, invoice.invoice_date + timedelta(days=30))
        self.refund(invoice, [(self.software, 400, 1)])
        clawback = self.ledger(invoice, kind="clawback")
        self.assertEqual((clawback.state, clawback.date_release), ("pending", row.date_release))
        self.payout()
        self.assertFalse(self.commission_orders(), "nothing paid while held")
        with freeze_time(row.date_release):
            self.payout()
        self.assertEqual(self.commission_orders().order_line.price_unit, 60.0)

    def test_a_refund_held_with_a_commission_to_approve_waits_with_it(self):
        self.plan.write({"hold_days": 10, "approval_required": True})
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        self.refund(invoice, [(self.software, 1000, 1)])
        with freeze_time(invoice.invoice_date + timedelta(days=10)):
            self.payout()
        self.assertEqual(set(self.ledger(invoice).mapped("state")), {"to_approve"})
        self.assertFalse(self.commission_orders(), "nothing paid before the approval")

    def test_approval_approve_and_reject(self):
        self.plan.approval_required = True
        first = self.make_invoice([(self.software, 1000, 1)])
        second = self.make_invoice([(self.software, 2000, 1)])
        self.pay(first)
        self.pay(second)
        self.payout()
        self.assertEqual(set((self.ledger(first) | self.ledger(second)).mapped("state")),
                         {"to_approve"})  # fmt: skip
        self.assertFalse(self.commission_orders())
        self.ledger(first).action_approve()
        wizard = (
            self.env["commission.reject"]
            .with_context(active_ids=self.ledger(second).ids)
            .create({"reason": "Duplicate deal"})
        )
        wizard.action_reject()
        rejected = self.ledger(second)
        self.assertEqual(set(rejected.mapped("state")), {"cancel"})
        self.assertEqual(sorted(rejected.mapped("amount")), [-200.0, 200.0])
        self.assertIn("Duplicate deal", rejected[0].message_ids[0].body)
        self.payout()
        self.assertEqual(self.commission_orders().amount_untaxed, 100.0)
        # a later refund of the rejected invoice claws back nothing that was paid
        self.refund(second)
        self.assertEqual(set(self.ledger(second).mapped("state")), {"cancel"})

    def test_manual_adjustment(self):
        Wizard = self.env["commission.adjustment"]
        with self.assertRaises(UserError):
            Wizard.create({"referrer_id": self.referrer.id, "amount": 0, "reason": "x"}
                          ).action_confirm()  # fmt: skip
        Wizard.create(
            {"referrer_id": self.referrer.id, "amount": -25.0, "reason": "Overpaid in May"}
        ).action_confirm()
        row = self.env["commission.line"].search(
            [("kind", "=", "adjustment"), ("referrer_id", "=", self.referrer.id)]
        )
        self.assertEqual((row.amount, row.state), (-25.0, "to_pay"))
        self.pay(self.make_invoice([(self.software, 1000, 1)]))
        self.payout()
        order = self.commission_orders()
        self.assertEqual(sorted(order.order_line.mapped("price_unit")), [-25.0, 100.0])
        self.assertIn("Overpaid in May", " ".join(order.order_line.mapped("name")))


@tagged("post_install", "-at_install")
class TestLedgerSchedule(CommissionCommon):
    def _rfq_dated(self, day, amount=100.0, referrer=None):
        self.pay(self.make_invoice([(self.software, amount * 10, 1)], referrer=referrer))
        self.payout()
        order = self.commission_orders(referrer).filtered(lambda o: o.state == "draft")
        order.date_order = fields.Datetime.to_datetime(day)
        return order

    def schedule(self, day):
        with freeze_time(day):
            self.run_cron("partner_commission.ir_cron_confirm_commission_orders")

    def test_monthly_confirms_ended_periods_and_catches_up(self):
        procurement = self.env["purchase.order"].create(
            {
                "partner_id": self.referrer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "product_qty": 1, "price_unit": 5}
                    )
                ],
            }
        )
        order = self._rfq_dated(date(2026, 3, 20))
        self.schedule(date(2026, 3, 31))
        self.assertEqual(order.state, "draft", "period not ended")
        self.schedule(date(2026, 4, 9))  # the server was down on April 1st
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.commission_line_ids.state, "confirmed")
        self.assertEqual(procurement.state, "draft")
        mail = order.message_ids.filtered(lambda m: order.name in (m.subject or ""))
        self.assertTrue(mail, "the confirmed RFQ is emailed with the purchase template")
        self.assertEqual(mail.subtype_id, self.env.ref("mail.mt_comment"))

    def test_under_the_minimum_is_left_alone_and_the_job_finishes(self):
        self.company.commission_po_minimum = 150.0
        order = self._rfq_dated(date(2026, 3, 4))
        self.schedule(date(2026, 4, 9))
        self.assertEqual(order.state, "draft")
        cron = self.env.ref("partner_commission.ir_cron_confirm_commission_orders")
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], limit=1)
        self.assertEqual(progress.remaining, 0, "no work left: the scheduler does not re-run it")
        self.company.commission_po_minimum = 50.0
        self.company.commission_automatic_po_frequency = "manually"
        self.schedule(date(2026, 4, 9))
        self.assertEqual(order.state, "draft")
        self.company.commission_automatic_po_frequency = "weekly"
        self.schedule(date(2026, 3, 8))
        self.assertEqual(order.state, "draft", "Sunday: same week")
        self.schedule(date(2026, 3, 9))
        self.assertEqual(order.state, "purchase")

    def test_a_failing_email_never_undoes_the_confirmation(self):
        """The email template really fails to render (as the PDF does without
        wkhtmltopdf)."""
        template = self.env.ref("purchase.email_template_edi_purchase_done")
        template.body_html = '<p><t t-out="object.no_such_field"/></p>'
        order = self._rfq_dated(date(2026, 1, 10))
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"):
            self.schedule(date(2026, 2, 2))
        self.assertEqual(order.state, "purchase")
        self.assertTrue(
            any("could not be sent" in (m.body or "") for m in order.message_ids), "noted"
        )

    def test_one_failing_rfq_does_not_stop_the_others(self):
        other = self.referrer.copy({"name": "Second reseller"})
        first = self._rfq_dated(date(2026, 1, 10))
        second = self._rfq_dated(date(2026, 1, 11), referrer=other)
        # the first RFQ cannot be confirmed: one of its lines has no product
        first.order_line = [Command.create({"name": "Typo", "product_qty": 1, "price_unit": 1})]
        with self.assertLogs("odoo.addons.partner_commission.models.purchase_order", "ERROR"):
            self.schedule(date(2026, 2, 2))
        self.assertEqual(second.state, "purchase")
        self.assertEqual(first.state, "draft")
        self.assertTrue(any("could not confirm" in (m.body or "") for m in first.message_ids))


def freeze_time(day):
    return _freeze(fields.Date.to_string(day) if isinstance(day, date) else day)


@tagged("post_install", "-at_install")
class TestLedgerWonDeals(CommissionCommon):
    def test_won_deal_books_reopened_reverses_invoices_book_nothing(self):
        won_plan = self.env["commission.plan"].create(
            {
                "name": "Deals won",
                "trigger": "won",
                "commission_rule_ids": [Command.create({"rate": 5.0})],
            }
        )
        self.referrer.commission_plan_id = won_plan
        lead = self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "partner_assigned_id": self.referrer.id,
                "expected_revenue": 8000,
            }
        )
        self.sync()
        self.assertFalse(lead.commission_line_ids)
        lead.action_set_won()
        self.sync()
        self.assertEqual(sum(lead.commission_line_ids.mapped("amount")), 400.0)
        self.assertIn("Any product", won_plan.commission_rule_ids.display_name)
        self.payout()
        order = self.commission_orders()
        self.assertIn("Big deal", order.order_line.name)
        self.assertEqual(order.order_line.price_unit, 400.0)
        # reopened: reversed, as a new row; won again: booked again; lost: reversed
        open_stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        lead.stage_id = open_stage
        self.sync()
        self.assertEqual(sum(lead.commission_line_ids.mapped("amount")), 0.0)
        lead.action_set_won()
        self.sync()
        self.assertEqual(sum(lead.commission_line_ids.mapped("amount")), 400.0)
        lead.stage_id = open_stage
        lead.action_set_lost()
        self.sync()
        self.assertEqual(sum(lead.commission_line_ids.mapped("amount")), 0.0)
        self.assertEqual(len(lead.commission_line_ids), 4)
        # an invoice of the same sale books nothing more
        invoice = self.make_invoice([(self.software, 8000, 1)])
        self.pay(invoice)
        self.assertFalse(self.ledger(invoice))
