from datetime import date

from odoo import fields
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase, mail_new_test_user

from .common import CommissionCommon
from .test_ledger import freeze_time


@tagged("post_install", "-at_install")
class TestCommissionRfqBuyer(CommissionCommon, MailCase):
    """Commission RFQs get a buyer; RFQs that net to zero are cancelled, not emailed."""

    def _paid_invoice(self, amount=1000.0):
        invoice = self.make_invoice([(self.software, amount, 1)])
        self.pay(invoice)
        return invoice

    def test_buyer_is_the_first_invoice_salesperson(self):
        self._paid_invoice()
        other_seller = mail_new_test_user(
            self.env, login="second.seller", groups="sales_team.group_sale_salesman"
        )
        second = self.make_invoice([(self.software, 500, 1)])
        second.invoice_user_id = other_seller
        self.pay(second)
        self.payout()
        order = self.commission_orders()
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(order.user_id, self.salesman)

    def test_buyer_is_the_commission_purchaser(self):
        purchaser = mail_new_test_user(
            self.env, login="commission.purchaser", groups="purchase.group_purchase_user"
        )
        settings = self.env["res.config.settings"].create({"commission_purchaser_id": purchaser.id})
        settings.execute()
        self.assertEqual(self.company.commission_purchaser_id, purchaser)
        self._paid_invoice()
        self.payout()
        self.assertEqual(self.commission_orders().user_id, purchaser)

    def schedule(self, day):
        with freeze_time(day):
            self.run_cron("partner_commission.ir_cron_confirm_commission_orders")

    def test_zero_net_rfq_is_cancelled_with_a_note_and_not_emailed(self):
        invoice = self._paid_invoice()
        self.payout()
        order = self.commission_orders()
        self.assertEqual(order.amount_total, 100.0)
        self.refund(invoice)
        self.payout()
        self.assertEqual(self.commission_orders(), order, "the clawback joins the same RFQ")
        self.assertEqual(order.amount_total, 0.0)
        order.date_order = fields.Datetime.to_datetime(date(2026, 3, 20))
        with self.mock_mail_gateway():
            self.schedule(date(2026, 4, 2))
        self.assertEqual(order.state, "cancel")
        self.assertFalse(self._new_mails, "nothing is emailed")
        self.assertFalse(
            order.message_ids.filtered(lambda m: order.name in (m.subject or "")),
            "no purchase order email in the chatter",
        )
        self.assertTrue(any("net to zero" in (m.body or "") for m in order.message_ids))
        rows = order.commission_line_ids
        self.assertEqual(len(rows), 2)
        self.assertEqual(set(rows.mapped("state")), {"paid"})
        self.assertEqual(sum(rows.mapped("amount")), 0.0)
        # settled: the payout does not bring them back on a new RFQ
        self.payout()
        self.assertEqual(self.commission_orders(), order)
        self.assertEqual(self.referrer.commission_balance, 0.0)

    def test_positive_rfq_is_still_confirmed(self):
        self._paid_invoice()
        self.payout()
        order = self.commission_orders()
        order.date_order = fields.Datetime.to_datetime(date(2026, 3, 20))
        self.schedule(date(2026, 4, 2))
        self.assertEqual(order.state, "purchase")
