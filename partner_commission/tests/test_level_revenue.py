from odoo import fields
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestLevelRevenue(CommissionCommon):
    def test_invoices_naming_the_referrer_count_for_its_level(self):
        """An invoice made by hand with the partner as referrer (no sales order) counts in
        the partner's paid revenue, once, net of its credit note."""
        invoice = self.make_invoice([(self.software, 3000, 1), (self.server, 500, 1)])
        self.pay(invoice)
        unpaid = self.make_invoice([(self.software, 9000, 1)])
        self.assertEqual(unpaid.payment_state, "not_paid")
        today = fields.Date.today()
        start = fields.Date.subtract(today, months=12)
        self.assertEqual(
            self.referrer._partner_level_revenue(start, today), {self.referrer.id: 3500.0}
        )
        self.refund(invoice, [(self.server, 500, 1)])
        self.assertEqual(
            self.referrer._partner_level_revenue(start, today), {self.referrer.id: 3000.0}
        )
