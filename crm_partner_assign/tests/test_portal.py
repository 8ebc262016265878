from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_partner_assign.controllers.portal import CrmPartnerAssignPortal

from .common_portal import PortalCommon

COUNTERS = ["partner_lead_count", "partner_opportunity_count"]


@tagged("post_install", "-at_install")
class TestPortalRead(PortalCommon):
    def test_home_counters(self):
        self.login_as(self.portal_a)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": COUNTERS})
        self.assertEqual(counters, {"partner_lead_count": 2, "partner_opportunity_count": 1})
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        # the counters are cached in the session: the cards show right away
        self.assertRegex(home.text, r'o_portal_index_card col[^"]*">\s*<a href="/my/leads"')
        self.assertRegex(home.text, r'o_portal_index_card col[^"]*">\s*<a href="/my/opportunities"')

    def test_home_counters_ungraded(self):
        self.login_as(self.portal_c)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": COUNTERS})
        self.assertEqual(counters, {"partner_lead_count": 0, "partner_opportunity_count": 0})
        home = self.url_open("/my")
        self.assertRegex(home.text, r'o_portal_index_card d-none[^"]*">\s*<a href="/my/leads"')

    def test_record_rule(self):
        leads = self.env["crm.lead"].with_user(self.portal_a).search([])
        self.assertEqual(leads, self.lead_a | self.lead_a2 | self.opp_a)
        with self.assertRaises(AccessError):
            self.opp_a.with_user(self.portal_a).write({"expected_revenue": 1.0})

    def test_lists(self):
        self.login_as(self.portal_a)
        leads = self.url_open("/my/leads")
        self.assertEqual(leads.status_code, 200)
        self.assertIn("Lead A1 printers", leads.text)
        self.assertIn("Lead A2 scanners", leads.text)
        self.assertNotIn("Opportunity A servers", leads.text)
        self.assertNotIn("Lead B secret", leads.text)
        self.assertNotIn("Lead C ungraded", leads.text)
        opportunities = self.url_open("/my/opportunities")
        self.assertEqual(opportunities.status_code, 200)
        self.assertIn("Opportunity A servers", opportunities.text)
        self.assertNotIn("Opportunity B secret", opportunities.text)
        self.assertNotIn("Lead A1 printers", opportunities.text)
        self.assertIn('href="/my/opportunity/new"', opportunities.text)

    def test_lead_assigned_to_a_colleague(self):
        """A lead assigned to a contact of the reseller is the whole reseller's."""
        colleague_lead = self.env["crm.lead"].create(
            {
                "name": "Lead for a colleague",
                "type": "lead",
                "partner_assigned_id": self.portal_b.partner_id.id,
            }
        )
        self.login_as(self.portal_b)
        self.assertIn("Lead for a colleague", self.url_open("/my/leads").text)
        self.assertEqual(self.url_open(f"/my/lead/{colleague_lead.id}").status_code, 200)
        self.login_as(self.portal_a)
        response = self.url_open(f"/my/lead/{colleague_lead.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)  # to /my, like core document pages

    def test_lists_search_sort_filter(self):
        self.login_as(self.portal_a)
        found = self.url_open("/my/leads?search=scanners&search_in=name")
        self.assertIn("Lead A2 scanners", found.text)
        self.assertNotIn("Lead A1 printers", found.text)
        found = self.url_open("/my/leads?search=lucy&search_in=email")
        self.assertIn("Lead A1 printers", found.text)
        self.assertNotIn("Lead A2 scanners", found.text)
        found = self.url_open("/my/leads?search=zoe")
        self.assertIn("Lead A2 scanners", found.text)
        self.assertNotIn("Lead A1 printers", found.text)
        # another partner's lead is never found
        self.assertNotIn("Lead B secret", self.url_open("/my/leads?search=secret").text)
        by_name = self.url_open("/my/leads?sortby=name").text
        self.assertLess(by_name.index("Lead A1 printers"), by_name.index("Lead A2 scanners"))
        by_contact = self.url_open("/my/leads?sortby=contact_name").text
        self.assertLess(by_contact.index("Lead A1 printers"), by_contact.index("Lead A2 scanners"))
        # an unknown sort or filter falls back to the default
        self.assertEqual(self.url_open("/my/leads?sortby=user_id&filterby=x").status_code, 200)
        # activity filters (portal users do not read activities themselves)
        self.opp_a.activity_schedule(
            activity_type_id=self.activity_type.id,
            date_deadline=date(2020, 1, 1),
            user_id=self.salesman.id,
        )
        self.assertIn(
            "Opportunity A servers", self.url_open("/my/opportunities?filterby=overdue").text
        )
        for filterby in ("future", "today", "no_activities"):
            page = self.url_open(f"/my/opportunities?filterby={filterby}")
            self.assertEqual(page.status_code, 200)
            self.assertNotIn("Opportunity A servers", page.text)
        self.opp_a.activity_ids.unlink()
        self.assertIn(
            "Opportunity A servers",
            self.url_open("/my/opportunities?filterby=no_activities").text,
        )
        by_revenue = self.url_open("/my/opportunities?sortby=revenue")
        self.assertEqual(by_revenue.status_code, 200)
        self.opp_a.action_set_lost()
        self.assertNotIn("Opportunity A servers", self.url_open("/my/opportunities").text)
        lost = self.url_open("/my/opportunities?filterby=lost")
        self.assertIn("Opportunity A servers", lost.text)
        self.assertNotIn(
            "Opportunity A servers", self.url_open("/my/opportunities?filterby=won").text
        )

    def test_lists_pager(self):
        self.login_as(self.portal_a)
        with patch.object(CrmPartnerAssignPortal, "_items_per_page", 1):
            first = self.url_open("/my/leads?sortby=name")
            second = self.url_open("/my/leads/page/2?sortby=name")
        self.assertIn("Lead A1 printers", first.text)
        self.assertNotIn("Lead A2 scanners", first.text)
        self.assertIn("/my/leads/page/2", first.text)
        self.assertIn("Lead A2 scanners", second.text)
        self.assertNotIn("Lead A1 printers", second.text)

    def test_detail_pages(self):
        self.login_as(self.portal_a)
        page = self.url_open(f"/my/lead/{self.lead_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Lead A1 printers", page.text)
        self.assertIn(f'action="/my/lead/{self.lead_a.id}/accept"', page.text)
        self.assertIn('name="csrf_token"', page.text)
        self.assertIn('id="discussion"', page.text)
        page = self.url_open(f"/my/opportunity/{self.opp_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Opportunity A servers", page.text)
        self.assertIn(f'action="/my/opportunity/{self.opp_a.id}/update"', page.text)
        # the URL of the other kind redirects to the right page
        redirect = self.url_open(f"/my/lead/{self.opp_a.id}", allow_redirects=False)
        self.assertEqual(redirect.status_code, 303)
        self.assertTrue(redirect.headers["Location"].endswith(f"/my/opportunity/{self.opp_a.id}"))
        # the salesperson's link in mails is the same portal page
        self.assertTrue(
            self.lead_a._get_partner_portal_url().endswith(f"/my/lead/{self.lead_a.id}")
        )
        action = self.opp_a.with_user(self.portal_a)._get_access_action()
        self.assertEqual(action["url"], f"/my/opportunity/{self.opp_a.id}")
        action = self.opp_a._get_access_action(access_uid=self.portal_a.id)
        self.assertEqual(action["url"], f"/my/opportunity/{self.opp_a.id}")
        # salespeople keep the back-office form
        action = self.opp_a.with_user(self.salesman)._get_access_action()
        self.assertNotEqual(action.get("type"), "ir.actions.act_url")

    def test_portal_chatter_post(self):
        self.login_as(self.portal_a)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "crm.lead",
                "thread_id": self.opp_a.id,
                "post_data": {"body": "Hello from the reseller", "message_type": "comment"},
            },
        )
        self.assertIn(
            "Hello from the reseller", self.opp_a.message_ids.mapped(lambda m: str(m.body))[0]
        )
        self.assertFalse(
            self.opp_a.with_user(self.portal_b)._mail_get_operation_for_mail_message_operation(
                "create"
            )[self.opp_a.with_user(self.portal_b)]
            == "read"
        )


@tagged("post_install", "-at_install")
class TestPortalWrite(PortalCommon):
    def test_accept_lead(self):
        self.login_as(self.portal_a)
        response = self.post_form(
            f"/my/lead/{self.lead_a.id}/accept", {"comment": "Meeting next week"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/opportunity/{self.lead_a.id}?message=accepted"
            )
        )
        self.assertEqual(self.lead_a.type, "opportunity")
        self.assertEqual(self.lead_a.partner_assigned_id, self.reseller_a)
        self.assertTrue(self.lead_a.stage_id)
        message = self.lead_a.message_ids.filtered(lambda m: "accepted this lead" in str(m.body))
        self.assertEqual(len(message), 1)
        self.assertIn("Meeting next week", str(message.body))
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        # a public message: the partner sees it in the portal chatter
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertEqual(self.url_open(f"/my/opportunity/{self.lead_a.id}").status_code, 200)
        # accepting twice is refused
        again = self.post_form(f"/my/lead/{self.lead_a.id}/accept")
        self.assertEqual(again.status_code, 400)
        self.assertIn("is already an opportunity", again.text)

    def test_decline_lead(self):
        self.login_as(self.portal_a)
        self.lead_a.message_subscribe(partner_ids=self.portal_a.partner_id.ids)
        response = self.post_form(
            f"/my/lead/{self.lead_a.id}/decline", {"reason": "Too far from our office"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.lead_a.partner_assigned_id)
        self.assertIn(self.reseller_a, self.lead_a.partner_declined_ids)
        self.assertNotIn(self.portal_a.partner_id, self.lead_a.message_partner_ids)
        self.assertEqual(self.lead_a.type, "lead")
        message = self.lead_a.message_ids.filtered(lambda m: "declined this lead" in str(m.body))
        self.assertEqual(len(message), 1)
        self.assertIn("Too far from our office", str(message.body))
        # the lead left the partner's list, and its page
        self.assertNotIn("Lead A1 printers", self.url_open("/my/leads").text)
        response = self.url_open(f"/my/lead/{self.lead_a.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["partner_lead_count"]})
        self.assertEqual(counters["partner_lead_count"], 1)

    def test_decline_needs_reason(self):
        self.login_as(self.portal_a)
        response = self.post_form(f"/my/lead/{self.lead_a.id}/decline", {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertIn("o_crm_partner_assign_error", response.text)
        self.assertEqual(self.lead_a.partner_assigned_id, self.reseller_a)
        self.assertFalse(self.lead_a.partner_declined_ids)

    def test_post_without_csrf_is_refused(self):
        self.login_as(self.portal_a)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/lead/{self.lead_a.id}/decline",
                data={"reason": "no token"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.lead_a.partner_assigned_id, self.reseller_a)

    def test_update_opportunity(self):
        self.login_as(self.portal_a)
        response = self.post_form(
            f"/my/opportunity/{self.opp_a.id}/update",
            {
                "stage_id": self.stage_qualified.id,
                "expected_revenue": "2500.50",
                "probability": "45",
                "priority": "2",
                "date_deadline": "2031-03-15",
                "activity_type_id": self.activity_type.id,
                "activity_summary": "Demo at the customer's",
                "activity_date_deadline": "2031-02-01",
                # not whitelisted: ignored
                "user_id": self.portal_a.id,
                "partner_assigned_id": self.reseller_b.id,
                "planned_revenue": "999999",
                "name": "Hijacked",
            },
        )
        self.assertEqual(response.status_code, 303)
        opp = self.opp_a
        self.assertEqual(opp.stage_id, self.stage_qualified)
        self.assertEqual(opp.expected_revenue, 2500.50)
        self.assertEqual(opp.probability, 45.0)
        self.assertEqual(opp.priority, "2")
        self.assertEqual(opp.date_deadline, date(2031, 3, 15))
        self.assertEqual(opp.user_id, self.salesman)
        self.assertEqual(opp.partner_assigned_id, self.reseller_a)
        self.assertEqual(opp.name, "Opportunity A servers")
        activity = opp.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.activity_type)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.summary, "Demo at the customer's")
        self.assertEqual(activity.date_deadline, date(2031, 2, 1))
        page = self.url_open(f"/my/opportunity/{opp.id}?message=updated")
        self.assertIn("Demo at the customer", page.text)

    def test_update_opportunity_bad_values(self):
        self.login_as(self.portal_a)
        url = f"/my/opportunity/{self.opp_a.id}/update"
        for values in (
            {"probability": "150"},
            {"expected_revenue": "lots"},
            {"expected_revenue": "-5"},
            {"priority": "9"},
            {"stage_id": self.stage_won.id},
            {"date_deadline": "someday"},
            {"activity_type_id": self.activity_type.id},  # no date
        ):
            with self.subTest(values=values):
                response = self.post_form(url, {"expected_revenue": "3000", **values})
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_crm_partner_assign_error", response.text)
                self.assertEqual(self.opp_a.expected_revenue, 1000.0)
        self.assertEqual(self.opp_a.stage_id, self.stage_new)
        self.assertFalse(self.opp_a.activity_ids)

    def test_update_contact(self):
        self.login_as(self.portal_a)
        belgium = self.env.ref("base.be")
        response = self.post_form(
            f"/my/opportunity/{self.opp_a.id}/contact",
            {
                "contact_name": "New Contact",
                "email_from": "new.contact@example.com",
                "phone": "+32 2 555 12 12",
                "street": "Rue Haute 1",
                "city": "Brussels",
                "zip": "1000",
                "country_id": belgium.id,
                "user_id": self.portal_a.id,
                "partner_assigned_id": self.reseller_b.id,
            },
        )
        self.assertEqual(response.status_code, 303)
        opp = self.opp_a
        self.assertEqual(opp.contact_name, "New Contact")
        self.assertEqual(opp.email_from, "new.contact@example.com")
        self.assertEqual(opp.phone, "+32 2 555 12 12")
        self.assertEqual(opp.street, "Rue Haute 1")
        self.assertEqual(opp.city, "Brussels")
        self.assertEqual(opp.zip, "1000")
        self.assertEqual(opp.country_id, belgium)
        self.assertEqual(opp.user_id, self.salesman)
        self.assertEqual(opp.partner_assigned_id, self.reseller_a)
        # the customer record itself is left to the salesperson
        self.assertEqual(self.customer.email, "existing.customer@example.com")
        self.assertFalse(self.customer.phone)
        bad = self.post_form(
            f"/my/opportunity/{self.opp_a.id}/contact", {"email_from": "not an email"}
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(opp.email_from, "new.contact@example.com")

    def test_model_methods_refuse_other_fields(self):
        opp = self.opp_a.with_user(self.portal_a)
        with self.assertRaises(AccessError):
            opp._portal_update_opportunity({"expected_revenue": "5", "user_id": self.portal_a.id})
        with self.assertRaises(AccessError):
            opp._portal_update_contact({"partner_assigned_id": self.reseller_b.id})
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.portal_a)._portal_create_opportunity(
                {"title": "X", "contact_name": "Y", "phone": "1", "user_id": self.salesman.id}
            )
        self.assertEqual(self.opp_a.expected_revenue, 1000.0)
        # another partner's records, through the model methods
        with self.assertRaises(AccessError):
            self.opp_b.with_user(self.portal_a)._portal_update_opportunity(
                {"expected_revenue": "1"}
            )
        with self.assertRaises(AccessError):
            self.lead_b.with_user(self.portal_a)._portal_accept()
        with self.assertRaises(AccessError):
            self.lead_b.with_user(self.portal_a)._portal_decline("no")
        self.assertEqual(self.opp_b.expected_revenue, 5000.0)
        self.assertEqual(self.lead_b.type, "lead")

    def test_create_opportunity(self):
        self.login_as(self.portal_a)
        form = self.url_open("/my/opportunity/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn('name="csrf_token"', form.text)
        Lead = self.env["crm.lead"]
        response = self.post_form(
            "/my/opportunity/new",
            {
                "title": "Twenty laptops",
                "contact_name": "Nina New",
                "email_from": "nina@example.com",
                "description": "Needs them by June",
                "user_id": self.portal_a.id,
                "partner_assigned_id": self.reseller_b.id,
                "expected_revenue": "1000000",
            },
        )
        self.assertEqual(response.status_code, 303)
        opp = Lead.search([("name", "=", "Twenty laptops")])
        self.assertEqual(len(opp), 1)
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/opportunity/{opp.id}?message=created")
        )
        self.assertEqual(opp.type, "opportunity")
        self.assertEqual(opp.contact_name, "Nina New")
        self.assertEqual(opp.email_from, "nina@example.com")
        self.assertIn("Needs them by June", str(opp.description))
        self.assertEqual(opp.partner_assigned_id, self.reseller_a)
        self.assertEqual(opp.user_id, self.salesman)
        self.assertEqual(opp.team_id, self.team)
        self.assertEqual(opp.expected_revenue, 0.0)
        self.assertIn(self.env.ref("crm_partner_assign.crm_tag_created_by_partner"), opp.tag_ids)
        self.assertEqual(opp.date_partner_assign, date.today())
        self.assertEqual(self.url_open(f"/my/opportunity/{opp.id}").status_code, 200)

    def test_create_opportunity_without_salesperson(self):
        self.login_as(self.portal_b)
        response = self.post_form(
            "/my/opportunity/new",
            {"title": "B's own deal", "contact_name": "Bea", "phone": "+32 470 00 00 00"},
        )
        self.assertEqual(response.status_code, 303)
        opp = self.env["crm.lead"].search([("name", "=", "B's own deal")])
        self.assertEqual(opp.partner_assigned_id, self.reseller_b)
        self.assertFalse(opp.user_id)
        self.assertEqual(opp.phone, "+32 470 00 00 00")

    def test_create_opportunity_needs_email_or_phone(self):
        self.login_as(self.portal_a)
        Lead = self.env["crm.lead"]
        for values in (
            {"title": "No way to reach", "contact_name": "Ghost"},
            {"contact_name": "No title", "email_from": "a@example.com"},
            {"title": "No customer", "email_from": "a@example.com"},
            {"title": "Bad email", "contact_name": "X", "email_from": "nope"},
        ):
            with self.subTest(values=values):
                response = self.post_form("/my/opportunity/new", values)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_crm_partner_assign_error", response.text)
        self.assertFalse(
            Lead.search(
                [
                    ("partner_assigned_id", "=", self.reseller_a.id),
                    ("create_uid", "=", self.portal_a.id),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestPortalIsolation(PortalCommon):
    def test_other_partner_pages(self):
        self.login_as(self.portal_a)
        for url in (
            f"/my/lead/{self.lead_b.id}",
            f"/my/opportunity/{self.opp_b.id}",
            f"/my/lead/{self.lead_c.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, 303)  # to /my, like core pages
                self.assertNotIn("secret", response.text)
        missing = self.url_open("/my/lead/999999999", allow_redirects=False)
        self.assertEqual(missing.status_code, 303)

    def test_other_partner_writes(self):
        self.login_as(self.portal_a)
        posts = (
            (f"/my/lead/{self.lead_b.id}/accept", {"comment": "mine now"}),
            (f"/my/lead/{self.lead_b.id}/decline", {"reason": "drop it"}),
            (f"/my/opportunity/{self.opp_b.id}/update", {"expected_revenue": "1"}),
            (f"/my/opportunity/{self.opp_b.id}/contact", {"contact_name": "Hacked"}),
            ("/my/lead/999999999/accept", {}),
        )
        for url, data in posts:
            with self.subTest(url=url):
                response = self.post_form(url, data)
                self.assertEqual(response.status_code, 303)  # to /my, nothing done
                self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.lead_b.type, "lead")
        self.assertEqual(self.lead_b.partner_assigned_id, self.reseller_b)
        self.assertFalse(self.lead_b.partner_declined_ids)
        self.assertEqual(self.opp_b.expected_revenue, 5000.0)
        self.assertFalse(self.opp_b.contact_name)
        self.assertFalse(
            self.lead_b.message_ids.filtered(
                lambda m: "mine now" in str(m.body) or "drop it" in str(m.body)
            )
        )

    def test_ungraded_partner(self):
        self.login_as(self.portal_c)
        for url in ("/my/leads", "/my/opportunities", "/my/opportunity/new"):
            with self.subTest(url=url):
                self.assertIn(self.url_open(url).status_code, (403, 404))
        response = self.url_open(f"/my/lead/{self.lead_c.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        response = self.post_form(f"/my/lead/{self.lead_c.id}/accept")
        self.assertEqual(response.status_code, 303)
        response = self.post_form(
            "/my/opportunity/new", {"title": "T", "contact_name": "C", "phone": "1"}
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertEqual(self.lead_c.type, "lead")
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "T")]))
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)

    def test_internal_user(self):
        """A salesperson reads every lead in the back end, but the partner portal pages
        belong to graded partners' contacts only."""
        self.login_as(self.salesman)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": COUNTERS})
        self.assertEqual(counters, {"partner_lead_count": 0, "partner_opportunity_count": 0})
        self.assertEqual(self.url_open("/my/leads").status_code, 404)
        response = self.url_open(f"/my/lead/{self.lead_a.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        response = self.post_form(
            f"/my/opportunity/{self.opp_a.id}/update", {"expected_revenue": "1"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.opp_a.expected_revenue, 1000.0)
        self.assertTrue(self.lead_a.with_user(self.salesman).has_access("read"))
