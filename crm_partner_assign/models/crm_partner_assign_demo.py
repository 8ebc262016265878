from datetime import timedelta

from odoo import api, fields, models


class CrmPartnerAssignDemo(models.AbstractModel):
    """Demo data of the programme's reviews: each registration goes through its review
    steps, the Alpenblick sale is invoiced and paid."""

    _name = "crm.partner.assign.demo"
    _description = "Partner Assignment Demo Data"

    @api.model
    def _demo_programme(self):
        ref = self.env.ref
        prefix = "crm_partner_assign.crm_lead_registration"
        leads = {
            state: ref(f"{prefix}_{state}_demo")
            for state in ("submitted", "returned", "approved", "rejected", "expired")
        }
        for lead in leads.values():
            lead._registration_submit()
        leads["returned"]._registration_return(
            "The customer's email is a private one: give us the bakery's address and tax ID."
        )
        (leads["approved"] | leads["expired"]).action_registration_approve()
        leads["rejected"]._registration_reject(
            "Tandarts Maes already works with us directly since last year."
        )
        leads["expired"].write(
            {
                "date_registration_expiry": fields.Date.context_today(self) - timedelta(days=3),
                "registration_state": "expired",
            }
        )
        self._demo_paid_sale(ref("crm_partner_assign.sale_order_review_demo"))

    @api.model
    def _demo_paid_sale(self, order):
        """Confirm, invoice and pay ``order`` (when the company has a chart of accounts)."""
        journals = self.env["account.journal"].search(
            [("company_id", "=", order.company_id.id), ("type", "in", ("sale", "bank"))]
        )
        if set(journals.mapped("type")) != {"sale", "bank"}:
            return
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = fields.Date.context_today(self) - timedelta(days=20)
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": invoice.invoice_date})._create_payments()
