from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """The demo data tells the story the README walks through (the test database is
    installed with demo data)."""

    def test_gold_reseller_and_its_portal_user(self):
        gold = self.env.ref("crm_partner_assign.res_partner_reseller_gold_demo")
        self.assertTrue(gold.is_company)
        self.assertEqual(gold.grade_id, self.env.ref("partnership.res_partner_grade_data_gold"))
        self.assertEqual(gold.country_id, self.env.ref("base.be"))
        self.assertEqual(gold.partner_weight, gold.grade_id.partner_weight)
        contact = self.env.ref("crm_partner_assign.res_partner_reseller_gold_contact_demo")
        self.assertEqual(contact.parent_id, gold)
        self.assertEqual(contact.email, "portal.gold@example.com")
        user = self.env.ref("crm_partner_assign.res_users_reseller_gold_demo")
        self.assertEqual(user.login, "portal.gold@example.com")
        self.assertEqual(user.partner_id, contact)
        self.assertTrue(user._is_portal())
        user.with_user(user)._check_credentials(
            {"type": "password", "password": "portal"}, {"interactive": False}
        )
        self.assertTrue(gold._crm_partner_assign_has_portal_access())

    def test_levels_and_graded_companies(self):
        weights = [
            self.env.ref(f"partnership.res_partner_grade_data_{level}").partner_weight
            for level in ("gold", "silver", "bronze")
        ]
        self.assertEqual(weights, sorted(weights, reverse=True))
        self.assertTrue(all(weights))
        for level in ("silver", "bronze"):
            partner = self.env.ref(f"crm_partner_assign.res_partner_reseller_{level}_demo")
            self.assertEqual(
                partner.grade_id, self.env.ref(f"partnership.res_partner_grade_data_{level}")
            )
        # what partner_commission's demo relies on
        graded = self.env["res.partner"].search(
            [("grade_id", "!=", False), ("is_company", "=", True)]
        )
        self.assertGreaterEqual(len(graded), 4)
        self.assertGreaterEqual(len(graded.country_id), 3)
        for partner in graded:
            self.assertTrue(partner.email and partner.country_id, partner.name)
            self.assertTrue(partner.activation and partner.user_id, partner.name)
            self.assertTrue(partner.partner_latitude and partner.partner_longitude, partner.name)
            self.assertTrue(
                partner.child_ids.user_ids.filtered(lambda u: u._is_portal()), partner.name
            )

    def test_leads_references_and_referred_quotation(self):
        gold = self.env.ref("crm_partner_assign.res_partner_reseller_gold_demo")
        self.assertTrue(gold.implemented_partner_ids)
        leads = self.env["crm.lead"].search([("partner_assigned_id", "!=", False)])
        self.assertIn("lead", leads.mapped("type"))
        self.assertIn("opportunity", leads.mapped("type"))
        self.assertIn("won", leads.mapped("won_status"))
        order = self.env.ref("crm_partner_assign.sale_order_referred_demo")
        self.assertEqual(order.referrer_id, gold)
        self.assertEqual(order.opportunity_id.partner_assigned_id, gold)

    def test_declined_lead_goes_to_the_nearest_other_partner(self):
        lead = self.env.ref("crm_partner_assign.crm_lead_declined_demo")
        antwerp = self.env.ref("crm_partner_assign.res_partner_reseller_antwerp_demo")
        self.assertEqual(lead.partner_declined_ids, antwerp)
        self.assertFalse(lead.partner_assigned_id)
        wizard = (
            self.env["crm.lead.forward.to.partner"]
            .with_context(active_model="crm.lead", active_ids=lead.ids)
            .create({"forward_type": "assigned"})
        )
        wizard.action_forward()
        self.assertEqual(
            lead.partner_assigned_id,
            self.env.ref("crm_partner_assign.res_partner_reseller_gold_demo"),
        )

    def test_unassigned_leads_are_ready_for_automatic_forwarding(self):
        for name in ("liege", "munich", "rotterdam", "sanjose"):
            lead = self.env.ref(f"crm_partner_assign.crm_lead_unassigned_{name}_demo")
            self.assertFalse(lead.partner_assigned_id)
            self.assertTrue(lead.country_id and lead.city and lead.street)
            self.assertIn(lead.id, lead._search_geo_partner(), name)

    def test_registrations_in_each_state(self):
        ref = self.env.ref
        states = {
            state: ref(f"crm_partner_assign.crm_lead_registration_{state}_demo")
            for state in ("submitted", "returned", "approved", "rejected", "expired")
        }
        for state, lead in states.items():
            self.assertEqual(lead.registration_state, state)
        # the Gold partner's registration duplicates an existing customer
        meridian = ref("crm_partner_assign.res_partner_customer_meridian_demo")
        match = states["submitted"].registration_match_ids
        self.assertEqual(match.match_partner_id, meridian)
        self.assertTrue(match.by_vat and match.by_domain and match.by_name)
        self.assertTrue(states["approved"].registration_protected)
        self.assertFalse(states["expired"].registration_protected)
        self.assertTrue(states["returned"].registration_note)

    def test_registration_story(self):
        """The reviewer approves the Gold partner's registration; the Silver partner's
        registration of the same customer is then refused."""
        registration = self.env.ref("crm_partner_assign.crm_lead_registration_submitted_demo")
        registration.action_registration_approve()
        silver_user = self.env.ref("crm_partner_assign.res_users_reseller_silver_demo")
        with self.assertRaisesRegex(UserError, "already registered by another partner"):
            self.env["crm.lead"].with_user(silver_user)._portal_create_opportunity(
                {
                    "title": "Meridian again",
                    "partner_name": "Meridian Pharma NV",
                    "email_from": "it@meridian-pharma.example.com",
                }
            )

    def test_lead_past_its_deadline_and_partner_due_for_review(self):
        lead = self.env.ref("crm_partner_assign.crm_lead_accept_late_demo")
        self.assertIn(lead, self.env["crm.lead"].search(lead._partner_accept_late_domain()))
        self.assertLess(lead.date_partner_accept_deadline, fields.Date.today())
        lead._partner_accept_reassign()
        self.assertEqual(
            lead.partner_assigned_id,
            self.env.ref("crm_partner_assign.res_partner_reseller_gold_demo"),
        )
        partner = self.env.ref("crm_partner_assign.res_partner_reseller_review_demo")
        self.assertIn(partner, self.env["res.partner"].search(partner._partner_review_due_domain()))
        self.assertEqual(partner.partner_level_revenue, 32000)
        partner._partner_level_review()
        self.assertEqual(
            partner.grade_id, self.env.ref("partnership.res_partner_grade_data_silver")
        )
