from odoo import Command, fields
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionRfqTotals(CommissionCommon):
    """Commission RFQs sum their totals, planned date and bills in the database: the
    figures are core's (its tax summary, its bills) in every case, summed or not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {"name": "Purchase 15 % (test)", "amount": 15.0, "type_tax_use": "purchase"}
        )
        cls.product = cls.env.ref("partner_commission.product_commission")

    def _rfq(self, lines, currency=None):
        """A saved commission RFQ of a new referrer (one draft commission RFQ per referrer);
        lines: [(price_unit, quantity, discount, taxes)]."""
        referrer = self.env["res.partner"].create({"name": "Reseller (totals)"})
        return self.env["purchase.order"].create(
            {
                "partner_id": referrer.id,
                "purchase_type": "commission",
                "currency_id": (currency or self.company.currency_id).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "name": f"Commission {i}",
                            "price_unit": price,
                            "product_qty": qty,
                            "discount": discount,
                            "tax_ids": [Command.set(taxes.ids)],
                            "date_planned": fields.Datetime.to_datetime(f"2026-11-{10 + i}"),
                        }
                    )
                    for i, (price, qty, discount, taxes) in enumerate(lines)
                ],
            }
        )

    def assertCoreTotals(self, order):
        order.invalidate_recordset()
        summary = order.tax_totals  # core's tax summary, computed from all the lines
        self.assertAlmostEqual(order.amount_untaxed, summary["base_amount_currency"], places=6)
        self.assertAlmostEqual(order.amount_tax, summary["tax_amount_currency"], places=6)
        self.assertAlmostEqual(order.amount_total, summary["total_amount_currency"], places=6)
        self.assertAlmostEqual(order.amount_total_cc, summary["total_amount"], places=6)

    def test_totals_are_core_totals(self):
        """Three lines whose amounts have a fraction of a cent: rounded per line and rounded
        globally, the totals differ by a cent; the RFQ has core's in each case."""
        no_tax = self.env["account.tax"]
        foreign = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        cases = {
            "plain amounts": ([(100.0, 1, 0, no_tax)] * 3, None),
            "taxed": ([(0.05, 1, 0, self.tax)] * 3, None),
            "discount": ([(0.05, 1, 10, no_tax)] * 3, None),
            "quantity": ([(0.333, 1.5, 0, no_tax)] * 3, None),
            "foreign currency": ([(0.05, 1, 0, self.tax)] * 3, foreign),
        }
        for rounding in ("round_per_line", "round_globally"):
            self.company.tax_calculation_rounding_method = rounding
            for case, (lines, currency) in cases.items():
                with self.subTest(rounding=rounding, case=case):
                    order = self._rfq(lines, currency)
                    self.assertCoreTotals(order)
                    # a changed, an added and a removed line
                    order.order_line[0].price_unit = 7.777
                    self.assertCoreTotals(order)
                    order.order_line = [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 0.015, "tax_ids": []}
                        )
                    ]
                    self.assertCoreTotals(order)
                    order.order_line[1].unlink()
                    self.assertCoreTotals(order)
        # the difference is real: the same taxed lines, rounded per line and globally
        totals = set()
        for rounding in ("round_per_line", "round_globally"):
            self.company.tax_calculation_rounding_method = rounding
            totals.add(self._rfq([(0.05, 1, 0, self.tax)] * 3).amount_tax)
        self.assertEqual(totals, {0.03, 0.02})

    def test_planned_date_and_bills_are_core_ones(self):
        order = self._rfq([(100.0, 1, 0, self.env["account.tax"])] * 3)
        self.assertEqual(order.date_planned, fields.Datetime.to_datetime("2026-11-10"))
        order.order_line[0].unlink()
        self.assertEqual(order.date_planned, fields.Datetime.to_datetime("2026-11-11"))
        self.assertFalse(order.invoice_ids)
        order.button_confirm()
        order.action_create_invoice()
        order.invalidate_recordset()
        bill = order.order_line.invoice_lines.move_id
        self.assertEqual(len(bill), 1)
        self.assertEqual(order.invoice_ids, bill)
        self.assertEqual(order.invoice_count, 1)
        self.assertEqual(bill.amount_total, order.amount_total)
