from odoo import fields
from odoo.tests import Form, tagged

from .common import PartnerAssignCommon


@tagged("post_install", "-at_install")
class TestLead(PartnerAssignCommon):
    def test_assignment_date_and_tracking(self):
        lead = self.lead_lausanne
        self.assertFalse(lead.date_partner_assign)
        self.flush_tracking()
        lead.partner_assigned_id = self.reseller_geneva
        self.assertEqual(lead.date_partner_assign, fields.Date.context_today(lead))
        self.assertEqual(lead.partner_assigned_grade_id, self.grade_gold)
        tracking = self.tracking_values(lead, "partner_assigned_id")
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.new_value_integer, self.reseller_geneva.id)
        lead.partner_assigned_id = False
        self.assertFalse(lead.date_partner_assign)

    def test_assign_partner_sets_its_salesperson(self):
        self.lead_lausanne._assign_partner(self.reseller_geneva)
        self.assertEqual(self.lead_lausanne.user_id, self.salesman_partners)
        # a partner without salesperson leaves the lead's
        self.opportunity_bern._assign_partner(self.reseller_zurich)
        self.assertEqual(self.opportunity_bern.user_id, self.salesman)

    def test_portal_url(self):
        self.assertTrue(
            self.lead_lausanne._get_partner_portal_url().endswith(
                f"/my/lead/{self.lead_lausanne.id}"
            )
        )
        self.assertTrue(
            self.opportunity_bern._get_partner_portal_url().endswith(
                f"/my/opportunity/{self.opportunity_bern.id}"
            )
        )

    def test_coordinates_go_to_the_new_customer(self):
        self.lead_lausanne.partner_name = "Favre Montres"
        self.lead_lausanne._handle_partner_assignment(create_missing=True)
        customer = self.lead_lausanne.partner_id.commercial_partner_id
        self.assertEqual(customer.name, "Favre Montres")
        self.assertAlmostEqual(customer.partner_latitude, 46.5197)
        self.assertAlmostEqual(customer.partner_longitude, 6.6323)

    def test_referrer_from_opportunity(self):
        opportunity = self.opportunity_bern
        opportunity.partner_assigned_id = self.reseller_geneva
        context = opportunity._prepare_opportunity_quotation_context()
        self.assertEqual(context["default_referrer_id"], self.reseller_geneva.id)
        action = opportunity.action_sale_quotations_new()
        order = self.env["sale.order"].with_context(**action["context"]).create({})
        self.assertEqual(order.opportunity_id, opportunity)
        self.assertEqual(order.referrer_id, self.reseller_geneva)
        # without the context, the opportunity gives the referrer too
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "opportunity_id": opportunity.id}
        )
        self.assertEqual(order.referrer_id, self.reseller_geneva)
        # a referrer set by hand stays
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": opportunity.id,
                "referrer_id": self.reseller_zurich.id,
            }
        )
        self.assertEqual(order.referrer_id, self.reseller_zurich)
        # no assigned partner, no referrer
        self.lead_lausanne.convert_opportunity(self.customer)
        context = self.lead_lausanne._prepare_opportunity_quotation_context()
        self.assertNotIn("default_referrer_id", context)
        order = self.env["sale.order"].with_context(**context).create({})
        self.assertFalse(order.referrer_id)

    def test_referrer_tracked_and_in_sales_analysis(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "referrer_id": self.reseller_geneva.id}
        )
        self.flush_tracking()
        order.referrer_id = self.reseller_zurich
        tracking = self.tracking_values(order, "referrer_id")
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_integer, self.reseller_geneva.id)
        self.assertEqual(tracking.new_value_integer, self.reseller_zurich.id)
        product = self.env["product.product"].create({"name": "Licence", "list_price": 100})
        order.order_line = [fields.Command.create({"product_id": product.id})]
        self.env.flush_all()
        rows = self.env["sale.report"]._read_group(
            [("order_reference", "=", f"sale.order,{order.id}")],
            ["referrer_id"],
            ["price_subtotal:sum"],
        )
        self.assertEqual(rows, [(self.reseller_zurich, 100.0)])

    def test_lead_and_order_forms(self):
        opportunity = self.opportunity_bern.with_user(self.sales_manager)
        with Form(opportunity) as form:
            form.partner_assigned_id = self.reseller_zurich
            # the date in the time zone of the user who assigns
            self.assertEqual(form.date_partner_assign, fields.Date.context_today(opportunity))
        self.assertEqual(self.opportunity_bern.partner_assigned_id, self.reseller_zurich)
        with Form(self.lead_lausanne.with_user(self.sales_manager)) as form:
            form.partner_latitude = 46.5
            form.partner_declined_ids.add(self.reseller_basel)
        self.assertEqual(self.lead_lausanne.partner_declined_ids, self.reseller_basel)
        order = Form(self.env["sale.order"].with_user(self.sales_manager))
        order.partner_id = self.customer
        order.opportunity_id = self.opportunity_bern
        self.assertEqual(order.referrer_id, self.reseller_zurich)
        self.assertEqual(order.save().referrer_id, self.reseller_zurich)

    def test_search_filters(self):
        self.lead_lausanne.partner_assigned_id = self.reseller_geneva
        Lead = self.env["crm.lead"]
        assigned = Lead.search([("partner_assigned_id", "!=", False)])
        self.assertIn(self.lead_lausanne, assigned)
        self.assertNotIn(self.opportunity_bern, assigned)
        groups = dict(
            Lead._read_group(
                [("id", "in", (self.lead_lausanne | self.opportunity_bern).ids)],
                ["partner_assigned_id"],
                ["__count"],
            )
        )
        self.assertEqual(groups[self.reseller_geneva], 1)

    def test_merge_keeps_the_assignment(self):
        self.opportunity_bern.write(
            {"partner_assigned_id": self.reseller_zurich.id, "date_partner_assign": "2025-03-01"}
        )
        self.lead_lausanne.partner_latitude = 0
        merged = (self.lead_lausanne | self.opportunity_bern).merge_opportunity(auto_unlink=False)
        self.assertEqual(merged.partner_assigned_id, self.reseller_zurich)
        self.assertEqual(str(merged.date_partner_assign), "2025-03-01")
        self.assertTrue(merged.partner_latitude)
