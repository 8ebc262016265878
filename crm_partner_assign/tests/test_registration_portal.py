from odoo.tests import tagged
from odoo.tools import format_date

from .common_portal import PortalCommon


@tagged("post_install", "-at_install")
class TestRegistrationPortal(PortalCommon):
    def register(self, **values):
        values = {"title": "Registered deal", "contact_name": "Rita Customer", **values}
        return self.post_form("/my/registration/new", values)

    def test_form_registers_a_deal(self):
        self.customer.customer_rank = 1
        self.login_as(self.portal_a)
        form = self.url_open("/my/opportunity/new")
        self.assertIn('action="/my/registration/new"', form.text)
        self.assertIn('name="registration_vat"', form.text)
        self.assertIn("Register a Deal", form.text)
        response = self.register(
            partner_name="Existing Customer",
            email_from="rita@existing-customer.example.org",
            registration_vat="BE0477472701",
            expected_revenue="12500",
            date_deadline="2031-03-01",
            registration_state="approved",  # not a form field: ignored
        )
        self.assertEqual(response.status_code, 303)
        registration = self.env["crm.lead"].search([("name", "=", "Registered deal")])
        self.assertTrue(response.headers["Location"].endswith("?message=registered"))
        self.assertEqual(registration.registration_state, "submitted")
        self.assertEqual(registration.registration_vat, "BE0477472701")
        self.assertEqual(registration.expected_revenue, 12500)
        # the existing customer matches on its name, the partner only sees "under review"
        self.assertEqual(registration.registration_match_ids.match_partner_id, self.customer)
        page = self.url_open(f"/my/opportunity/{registration.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Registration under review", page.text)
        self.assertNotIn("existing.customer@example.com", page.text)
        listing = self.url_open("/my/opportunities")
        self.assertIn("o_crm_partner_assign_registration_state", listing.text)
        self.assertIn("Register a Deal", listing.text)

    def test_bad_input_is_refused(self):
        self.login_as(self.portal_a)
        for values in (
            {"email_from": "a@x.example.org", "expected_revenue": "-5"},
            {"email_from": "a@x.example.org", "expected_revenue": "lots"},
            {"email_from": "a@x.example.org", "date_deadline": "31/31/2031"},
            {"email_from": "not an email"},
        ):
            with self.subTest(values=values):
                response = self.register(**values)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_crm_partner_assign_error", response.text)
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Registered deal")]))

    def test_other_partners_registration_answers_404(self):
        self.login_as(self.portal_b)
        self.assertEqual(self.register(email_from="b@b-deal.example.org").status_code, 303)
        registration = self.env["crm.lead"].search([("name", "=", "Registered deal")])
        self.login_as(self.portal_a)
        self.assertEqual(self.url_open(f"/my/opportunity/{registration.id}").status_code, 404)
        response = self.post_form(
            f"/my/opportunity/{registration.id}/registration", {"phone": "+32 2 000 00 00"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(registration.phone)
        self.login_as(self.portal_c)
        self.assertEqual(self.url_open(f"/my/opportunity/{registration.id}").status_code, 404)

    def test_protected_customer_is_refused_in_the_portal(self):
        self.login_as(self.portal_a)
        self.register(partner_name="Protected Watches", email_from="x@protected.example.org")
        registration = self.env["crm.lead"].search([("name", "=", "Registered deal")])
        registration.action_registration_approve()
        self.login_as(self.portal_b)
        response = self.register(
            title="Same customer", partner_name="PROTECTED WATCHES", phone="+41 79 000 00 00"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("already registered by another partner", response.text)
        expiry = format_date(self.env, registration.date_registration_expiry)
        self.assertIn(f"protected until {expiry}", response.text)
        self.assertNotIn(self.reseller_a.name, response.text)
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Same customer")]))

    def test_returned_registration_is_completed_and_resubmitted(self):
        self.login_as(self.portal_a)
        self.register(partner_name="Vague Corp", email_from="v@vague.example.org")
        registration = self.env["crm.lead"].search([("name", "=", "Registered deal")])
        registration._registration_return("Which company exactly?")
        page = self.url_open(f"/my/opportunity/{registration.id}")
        self.assertIn("Which company exactly?", page.text)
        self.assertIn("o_crm_partner_assign_resubmit_form", page.text)
        response = self.post_form(
            f"/my/opportunity/{registration.id}/registration",
            {
                "partner_name": "Vague Corporation Ltd",
                "registration_vat": "GB123456789",
                "description": "The UK branch.",
                "user_id": self.portal_a.id,  # not a form field: ignored
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(registration.registration_state, "submitted")
        self.assertEqual(registration.partner_name, "Vague Corporation Ltd")
        self.assertEqual(registration.user_id, self.salesman)
        self.assertIn("The UK branch.", "".join(registration.message_ids.mapped("body")))

    def test_home_shows_the_level(self):
        self.grade.min_revenue = 0
        self.env["res.partner.grade"].create(
            {"name": "Platinum (portal test)", "sequence": -10, "min_revenue": 10**9}
        )
        self.login_as(self.portal_a)
        home = self.url_open("/my")
        self.assertIn("o_crm_partner_assign_level", home.text)
        self.assertIn("Gold (portal test)", home.text)
        self.assertIn("Next level:", home.text)
        self.login_as(self.portal_c)
        self.assertNotIn("o_crm_partner_assign_level", self.url_open("/my").text)
