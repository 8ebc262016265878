from odoo import fields
from odoo.tests import Form, tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestResellerStory(CommissionCommon):
    """The whole programme as users live it: a lead forwarded to a reseller, a quotation
    from its opportunity, the invoice paid, the commission RFQ, the schedule confirming it,
    then a refund clawing back."""

    def test_forwarded_lead_to_confirmed_rfq_and_clawback(self):
        belgium = self.env.ref("base.be")
        self.referrer.country_id = belgium
        lead = self.env["crm.lead"].create(
            {
                "name": "Needs 3 licences",
                "type": "lead",
                "country_id": belgium.id,
                "contact_name": "Carla Customer",
                "email_from": "carla@example.com",
            }
        )
        # 1. the salesperson forwards the lead to the reseller
        wizard = (
            self.env["crm.lead.forward.to.partner"]
            .with_context(active_model="crm.lead", active_ids=lead.ids)
            .create({"forward_type": "single", "partner_id": self.referrer.id})
        )
        wizard.action_forward()
        self.assertEqual(lead.partner_assigned_id, self.referrer)
        self.assertIn(self.referrer, lead.message_partner_ids)
        # 2. the reseller's opportunity is won with a quotation made from it
        lead.convert_opportunity(self.customer)
        action = lead.action_sale_quotations_new()
        with Form(self.env["sale.order"].with_context(**action["context"])) as order_form:
            with order_form.order_line.new() as line:
                line.product_id = self.software
                line.product_uom_qty = 3
        order = order_form.save()
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(order.referrer_id, self.referrer, "referrer from the opportunity")
        self.assertEqual(order.commission_plan_id, self.plan, "the referrer's plan")
        self.assertEqual(order.commission, 300.0)
        order.action_confirm()
        self.assertTrue(order.commission_plan_frozen)
        # 3. invoiced and paid: the commission goes onto the reseller's draft RFQ
        invoice = order._create_invoices()
        self.assertEqual(invoice.referrer_id, self.referrer)
        invoice.invoice_date = fields.Date.to_date("2026-03-10")
        invoice.action_post()
        self.pay(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.payout()
        rfq = self.commission_orders()
        self.assertEqual(len(rfq), 1)
        self.assertEqual(rfq.state, "draft")
        self.assertEqual(rfq.purchase_type, "commission")
        self.assertEqual(rfq.order_line.price_unit, 300.0)
        self.assertIn(invoice.name, rfq.order_line.name)
        self.assertEqual(invoice.commission_line_ids.purchase_order_id, rfq)
        # smart buttons: invoice -> its commission RFQ, RFQ -> its source invoices
        action = invoice.action_view_commission()
        self.assertEqual(
            self.env["commission.line"].search(action["domain"]).purchase_order_id, rfq
        )
        action = rfq.action_view_commission_invoices()
        self.assertEqual(self.env["account.move"].search(action["domain"]), invoice)
        # 4. the schedule (monthly) confirms it once its month has ended
        rfq.date_order = fields.Datetime.to_datetime("2026-03-12")
        PO = self.env["purchase.order"].with_context(commission_confirm_no_mail=True)
        self.assertFalse(PO._confirm_commission_orders(fields.Date.to_date("2026-03-31")))
        self.assertEqual(PO._confirm_commission_orders(fields.Date.to_date("2026-04-01")), rfq)
        self.assertEqual(rfq.state, "purchase")
        # 5. one licence comes back: the paid credit note claws back on a new draft RFQ
        credit_note = self.refund(invoice, lines=[(self.software, 1000.0, 1)])
        self.pay(credit_note)
        self.payout()
        clawback = self.commission_orders() - rfq
        self.assertEqual(clawback.state, "draft")
        self.assertEqual(clawback.order_line.price_unit, -100.0)
        self.assertEqual(invoice.commission_amount, 200.0)
        self.assertEqual(
            sum(
                self.env["commission.line"]
                .search([("origin_move_id", "=", invoice.id)])
                .mapped("amount")
            ),
            200.0,
        )
