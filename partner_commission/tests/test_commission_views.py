from lxml import etree

from odoo.tests import tagged

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
