from odoo.tests import tagged

from .common_portal import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalTour(PortalCommon):
    def test_portal_tour(self):
        """In a browser, the partner accepts a lead, updates the opportunity and registers
        a new one; the database shows each step."""
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Lead",
                "type": "lead",
                "contact_name": "Terry Tour",
                "email_from": "terry@example.com",
                "user_id": self.salesman.id,
                "team_id": self.team.id,
                "partner_assigned_id": self.reseller_a.id,
            }
        )
        self.start_tour("/my", "crm_partner_assign_portal_tour", login=self.portal_a.login)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_assigned_id, self.reseller_a)
        self.assertEqual(lead.expected_revenue, 4321.0)
        self.assertEqual(lead.probability, 60.0)
        self.assertTrue(
            any(
                "Call the customer on Monday" in str(body)
                for body in lead.message_ids.mapped("body")
            )
        )
        new = self.env["crm.lead"].search([("name", "=", "Tour New Opportunity")])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.type, "opportunity")
        self.assertEqual(new.contact_name, "Tour Customer")
        self.assertEqual(new.email_from, "tour.customer@example.com")
        self.assertEqual(new.partner_assigned_id, self.reseller_a)
        self.assertEqual(new.registration_state, "submitted")
        self.assertEqual(new.registration_partner_id, self.reseller_a)
        self.assertEqual(new.expected_revenue, 9000)
        self.assertEqual(new.user_id, self.salesman)
        self.assertIn(self.env.ref("crm_partner_assign.crm_tag_created_by_partner"), new.tag_ids)
