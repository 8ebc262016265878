from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_date

from .common import PartnerAssignCommon


class RegistrationCommon(PartnerAssignCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_registration_days = 90
        cls.portal_zurich_contact = cls.reseller_zurich.child_ids
        # an existing customer and open opportunities of the salespeople
        cls.known_customer = cls.env["res.partner"].create(
            {
                "name": "Rolex Parts SA",
                "is_company": True,
                "vat": "CHE-123.456.789",
                "email": "buyer@rolexparts.example.ch",
                "phone": "+41 22 111 22 33",
                "customer_rank": 1,
            }
        )
        cls.open_opportunity = cls.env["crm.lead"].create(
            {
                "name": "Tooling for Jura Mécanique",
                "type": "opportunity",
                "partner_name": "Jura Mecanique Sàrl",
                "email_from": "ceo@jura-meca.example.ch",
                "phone": "+41 32 444 55 66",
                "user_id": cls.salesman.id,
            }
        )
        cls.gmail_lead = cls.env["crm.lead"].create(
            {
                "name": "Someone on gmail",
                "type": "lead",
                "partner_name": "Private person",
                "email_from": "someone@gmail.com",
            }
        )

    def register(self, user, **values):
        self.registered = getattr(self, "registered", 0) + 1
        if not (values.get("email_from") or values.get("phone")):
            values["email_from"] = f"anne@client{self.registered}.example.org"
        values.setdefault("title", "A new deal")
        values.setdefault("contact_name", "Anne Client")
        return self.env["crm.lead"].with_user(user)._portal_create_opportunity(values)

    def matches(self, registration):
        return registration.registration_match_ids


@tagged("post_install", "-at_install")
class TestRegistrationDuplicates(RegistrationCommon):
    def test_registration_is_submitted(self):
        registration = self.register(
            self.portal_geneva,
            partner_name="Brand New Watches",
            email_from="anne@brandnew.example.org",
            registration_vat="CHE-999.888.777",
            expected_revenue="25000",
            date_deadline="2030-01-31",
        )
        self.assertEqual(registration.registration_state, "submitted")
        self.assertEqual(registration.registration_partner_id, self.reseller_geneva)
        self.assertEqual(registration.registration_contact_id, self.reseller_geneva_contact)
        self.assertEqual(registration.partner_assigned_id, self.reseller_geneva)
        self.assertEqual(registration.expected_revenue, 25000)
        self.assertEqual(str(registration.date_deadline), "2030-01-31")
        self.assertEqual(registration.registration_vat, "CHE-999.888.777")
        self.assertFalse(registration.registration_match_ids)
        # the contact is told it is under review
        mails = self.sent_mails(self.reseller_geneva_contact)
        self.assertTrue(any("under review" in mail.body_html for mail in mails))

    def test_duplicate_on_vat(self):
        registration = self.register(
            self.portal_geneva, partner_name="Some Other Name", registration_vat="che123456789"
        )
        match = self.matches(registration)
        self.assertEqual(match.match_partner_id, self.known_customer)
        self.assertTrue(match.by_vat)
        self.assertEqual(match.match_keys, "tax ID")

    def test_salespeople_read_the_duplicates_of_their_own_registrations_only(self):
        registration = self.register(
            self.portal_geneva, partner_name="Some Other Name", registration_vat="che123456789"
        )
        self.assertTrue(self.matches(registration))
        registration.user_id = self.salesman_partners
        Match = self.env["crm.lead.registration.match"]
        domain = [("lead_id", "=", registration.id)]
        self.assertFalse(Match.with_user(self.salesman).search(domain))
        registration.user_id = self.salesman
        self.assertTrue(Match.with_user(self.salesman).search(domain))

    def test_duplicate_on_email_domain(self):
        registration = self.register(
            self.portal_geneva,
            partner_name="Unrelated",
            email_from="Bob <bob@jura-meca.example.ch>",
        )
        match = self.matches(registration)
        self.assertEqual(match.match_lead_id, self.open_opportunity)
        self.assertTrue(match.by_domain)
        self.assertFalse(match.by_name)

    def test_no_duplicate_on_public_mail_domain(self):
        registration = self.register(
            self.portal_geneva, partner_name="Unrelated", email_from="other@gmail.com"
        )
        self.assertNotIn(self.gmail_lead, self.matches(registration).match_lead_id)
        self.assertFalse(self.matches(registration))

    def test_duplicate_on_phone(self):
        registration = self.register(
            self.portal_geneva, partner_name="Unrelated", phone="022 111 22 33"
        )
        match = self.matches(registration)
        self.assertEqual(match.match_partner_id, self.known_customer)
        self.assertTrue(match.by_phone)

    def test_duplicate_on_company_name(self):
        registration = self.register(
            self.portal_geneva, partner_name="JURA-MECANIQUE", email_from="x@elsewhere.example"
        )
        match = self.matches(registration)
        self.assertEqual(match.match_lead_id, self.open_opportunity)
        self.assertTrue(match.by_name)
        self.assertEqual(match.similarity, 1.0)

    def test_similar_company_name_with_trigrams(self):
        if not self.env["crm.lead"]._registration_has_trigram():
            # without pg_trgm only the normalised name matches
            registration = self.register(self.portal_geneva, partner_name="Rolex Partz")
            self.assertFalse(self.matches(registration))
            return
        registration = self.register(self.portal_geneva, partner_name="Rolex Partz")
        match = self.matches(registration)
        self.assertEqual(match.match_partner_id, self.known_customer)
        self.assertTrue(match.by_name)
        self.assertGreaterEqual(match.similarity, 0.6)

    def test_won_and_own_entity_are_not_duplicates(self):
        self.open_opportunity.action_set_won()
        registration = self.register(self.portal_geneva, partner_name="Jura Mecanique")
        self.assertFalse(self.matches(registration))

    def test_partner_never_sees_the_matches(self):
        registration = self.register(self.portal_geneva, partner_name="Jura Mecanique")
        self.assertTrue(self.matches(registration))
        self.assertFalse(
            self.env["crm.lead.registration.match"].with_user(self.portal_geneva).has_access("read")
        )


@tagged("post_install", "-at_install")
class TestRegistrationReview(RegistrationCommon):
    def setUp(self):
        super().setUp()
        self.registration = self.register(
            self.portal_geneva, partner_name="Rolex Parts", registration_vat="CHE-123.456.789"
        )

    def test_approve_protects_for_the_company_days(self):
        self.env.company.partner_registration_days = 30
        self.registration.with_user(self.salesman_partners).action_registration_approve()
        self.assertEqual(self.registration.registration_state, "approved")
        self.assertEqual(
            self.registration.date_registration_expiry,
            fields.Date.context_today(self.registration) + timedelta(days=30),
        )
        self.assertTrue(self.registration.registration_protected)
        mails = self.sent_mails(self.reseller_geneva_contact)
        self.assertTrue(any("is approved" in mail.body_html for mail in mails))

    def test_reject_with_a_reason(self):
        action = self.registration.action_registration_reject()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.reason = "Already our customer for years."
        wizard.save().action_confirm()
        self.assertEqual(self.registration.registration_state, "rejected")
        self.assertEqual(self.registration.registration_note, "Already our customer for years.")
        self.assertIn(
            "Already our customer for years.",
            self.registration.message_ids[0].body,
        )
        mails = self.sent_mails(self.reseller_geneva_contact)
        self.assertTrue(any("Already our customer" in mail.body_html for mail in mails))
        with self.assertRaisesRegex(UserError, "cannot be approved"):
            self.registration.action_registration_approve()

    def test_reason_is_required(self):
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.registration._registration_reject("  ")
        self.assertEqual(self.registration.registration_state, "submitted")

    def test_return_and_resubmit(self):
        self.registration._registration_return("What is the customer's tax ID?")
        self.assertEqual(self.registration.registration_state, "returned")
        self.registration.with_user(self.portal_geneva)._portal_registration_resubmit(
            {"registration_vat": "CHE-555.444.333", "description": "Here it is."}
        )
        self.assertEqual(self.registration.registration_state, "submitted")
        self.assertEqual(self.registration.registration_vat, "CHE-555.444.333")
        # the duplicate check ran again: the name still matches, the tax ID no more
        match = self.matches(self.registration)
        self.assertTrue(match.by_name)
        self.assertFalse(match.by_vat)
        with self.assertRaisesRegex(UserError, "Only a registration returned"):
            self.registration.with_user(self.portal_geneva)._portal_registration_resubmit(
                {"phone": "1"}
            )

    def test_quotation_gets_the_registering_partner_as_referrer(self):
        self.registration.action_registration_approve()
        self.registration.partner_id = self.known_customer
        context = self.registration._prepare_opportunity_quotation_context()
        self.assertEqual(context["default_referrer_id"], self.reseller_geneva.id)
        order = (
            self.env["sale.order"]
            .with_context(**context)
            .create({"partner_id": self.known_customer.id})
        )
        self.assertEqual(order.referrer_id, self.reseller_geneva)


@tagged("post_install", "-at_install")
class TestRegistrationProtection(RegistrationCommon):
    def setUp(self):
        super().setUp()
        self.registration = self.register(
            self.portal_geneva, partner_name="Rolex Parts", registration_vat="CHE-123.456.789"
        )
        self.registration.action_registration_approve()
        self.expiry = format_date(self.env, self.registration.date_registration_expiry)

    def test_other_partner_cannot_register_the_same_customer(self):
        with self.assertRaises(UserError) as refusal:
            self.register(self.portal_zurich, partner_name="Other", phone="+41 22 111 22 33")
        self.assertIn(f"protected until {self.expiry}", str(refusal.exception))
        self.assertNotIn(self.reseller_geneva.name, str(refusal.exception))
        self.assertFalse(
            self.env["crm.lead"].search([("registration_partner_id", "=", self.reseller_zurich.id)])
        )

    def test_same_partner_may_register_again(self):
        again = self.register(self.portal_geneva, partner_name="Rolex Parts")
        self.assertEqual(again.registration_state, "submitted")

    def test_protected_registration_is_not_forwarded(self):
        wizard = self.forward_wizard(self.registration, partner_id=self.reseller_zurich.id)
        with self.assertRaisesRegex(UserError, f"protected until {self.expiry}"):
            wizard.action_forward()
        self.assertEqual(self.registration.partner_assigned_id, self.reseller_geneva)
        with self.assertRaisesRegex(UserError, "cannot go to another partner"):
            self.registration.partner_assigned_id = self.reseller_zurich

    def test_after_expiry_the_protection_ends(self):
        self.registration.date_registration_expiry = fields.Date.today() - timedelta(days=1)
        self.assertFalse(self.registration.registration_protected)
        other = self.register(self.portal_zurich, partner_name="Rolex Parts")
        self.assertEqual(other.registration_state, "submitted")
        self.assertIn(self.registration, self.matches(other).match_lead_id)


@tagged("post_install", "-at_install")
class TestRegistrationExpiry(RegistrationCommon):
    def test_expiry_job(self):
        past, won, current = (
            self.register(self.portal_geneva, title=name, partner_name=name, email_from=email)
            for name, email in (
                ("Past Deal", "a@past.example.net"),
                ("Won Deal", "b@won.example.net"),
                ("Current Deal", "c@current.example.net"),
            )
        )
        (past | won | current).action_registration_approve()
        yesterday = fields.Date.today() - timedelta(days=1)
        (past | won).date_registration_expiry = yesterday
        won.action_set_won()
        self.run_cron("crm_partner_assign.ir_cron_registration_expire")
        self.assertEqual(past.registration_state, "expired")
        self.assertEqual(won.registration_state, "approved")
        self.assertEqual(current.registration_state, "approved")
        self.assertTrue(
            any(
                "Past Deal" in mail.body_html and "ended" in mail.body_html
                for mail in self.sent_mails(self.reseller_geneva_contact)
            )
        )
        self.assertTrue(
            any(
                "Registration expired" in mail.body_html
                for mail in self.sent_mails(past.user_id.partner_id)
            )
        )


@tagged("post_install", "-at_install")
class TestProgrammeSettings(PartnerAssignCommon):
    def test_negative_days_are_refused(self):
        Company = self.env["res.company"]
        with self.assertRaisesRegex(ValidationError, "protection of Neg .* cannot be negative"):
            Company.create({"name": "Neg 1", "partner_registration_days": -1})
        with self.assertRaisesRegex(ValidationError, "accept a lead of Neg 2 cannot be negative"):
            Company.create({"name": "Neg 2", "partner_accept_days": -2})
