from lxml import etree

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionViews(CommissionCommon):
    """What the quotation and the invoice show of the commission, as the views build it."""

    def _form_arch(self, model, view_xmlid):
        views = self.env[model].get_views([(self.env.ref(view_xmlid).id, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_quotation_estimate_under_the_totals_and_plan_state_as_text(self):
        arch = self._form_arch("sale.order", "sale.view_order_form")
        estimate = arch.xpath("//div[@name='commission_estimate']")
        self.assertEqual(len(estimate), 1)
        totals = estimate[0].getparent()
        self.assertEqual(totals.get("name"), "sale_total", "inside the totals block")
        self.assertEqual(
            totals.index(estimate[0]),
            totals.index(totals.xpath("field[@name='tax_totals']")[0]) + 1,
            "right under the totals",
        )
        frozen = arch.xpath("//field[@name='commission_plan_frozen']")
        self.assertEqual(len(frozen), 1)
        self.assertIn(frozen[0].get("invisible"), ("1", "True"), "no technical checkbox")
        state = arch.xpath("//div[@name='commission_plan_state']")[0]
        text = " ".join(state.itertext())
        self.assertIn("Kept: no longer follows the referrer's plan.", text)
        self.assertIn("Follows the referrer's plan while this is a quotation.", text)

    def test_invoice_button_shows_the_amount_in_the_invoice_currency(self):
        arch = self._form_arch("account.move", "account.view_move_form")
        button = arch.xpath("//button[@name='action_view_commission']")[0]
        amount = button.xpath(".//field[@name='commission_amount']")[0]
        self.assertEqual(amount.get("widget"), "monetary")
        self.assertEqual(self.env["account.move"]._fields["commission_amount"].currency_field,
                         "currency_id")  # fmt: skip
        self.assertTrue(arch.xpath("//field[@name='currency_id']"), "the form loads the currency")
        other = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])
        invoice = self.make_invoice([(self.software, 1000, 1)], currency=other)
        self.pay(invoice)
        self.sync()
        self.assertEqual(invoice.commission_amount, 100.0, "in the invoice's currency")


@tagged("post_install", "-at_install")
class TestCreateBillFromTheForm(CommissionCommon, HttpCase):
    """Core's purchase order form bills only from an uploaded file: a confirmed commission
    RFQ has a Create Bill button, which procurement orders do not get."""

    def test_buyer_creates_the_bill_from_the_commission_rfq_form(self):
        buyer = mail_new_test_user(
            self.env, login="form.buyer", groups="purchase.group_purchase_user"
        )
        invoice = self.make_invoice([(self.software, 1000, 1)])
        self.pay(invoice)
        self.payout()
        order = self.commission_orders()
        order.button_confirm()
        procurement = self.env["purchase.order"].create(
            {
                "partner_id": self.referrer.id,
                "order_line": [Command.create({"product_id": self.support.id, "product_qty": 1})],
            }
        )
        procurement.button_confirm()
        procurement.order_line.qty_received = 1
        arch = etree.fromstring(
            self.env["purchase.order"]
            .with_user(buyer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (button,) = arch.xpath("//header/button[@name='action_create_invoice']")

        def hidden(record):
            values = record.read(["purchase_type", "state", "invoice_status"])[0]
            return safe_eval(button.get("invisible"), values)

        self.assertFalse(hidden(order), "a confirmed commission RFQ to bill")
        self.assertTrue(hidden(procurement), "procurement orders keep core's form")
        self.start_tour(
            f"/odoo/action-partner_commission.purchase_order_action_commission/{order.id}",
            "partner_commission_create_bill_tour",
            login=buyer.login,
        )
        bill = order.invoice_ids
        self.assertEqual(len(bill), 1)
        self.assertEqual(
            (bill.state, bill.move_type, bill.amount_untaxed, bill.invoice_date),
            ("draft", "in_invoice", 100.0, fields.Date.context_today(bill)),
        )
        self.assertEqual(self.ledger(invoice).state, "confirmed", "until the bill is posted")
        self.assertTrue(hidden(order), "billed: nothing left to bill")
