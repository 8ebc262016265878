from datetime import date, timedelta

from odoo.tests import tagged

from .common_portal import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalPolish(PortalCommon):
    """What a partner meets in the portal pages: empty lists that say why, numbers as a
    person writes them, the next activity kept in the form, lists that fit a phone."""

    def test_empty_lists_say_why(self):
        newcomer = self.env["res.partner"].create(
            {"name": "Newcomer (portal test)", "is_company": True, "grade_id": self.grade.id}
        )
        user = self._make_portal_user("portal.test.new", "Nina Newcomer", newcomer)
        self.login_as(user)
        for url in ("/my/leads", "/my/opportunities"):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertIn("o_crm_partner_assign_nothing_yet", page.text)
                self.assertNotIn("o_crm_partner_assign_no_match", page.text)
        self.login_as(self.portal_a)
        for url in ("/my/leads?search=nothing-like-this", "/my/opportunities?filterby=won"):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertIn("Nothing matches your search or filter", page.text)
                self.assertNotIn("o_crm_partner_assign_nothing_yet", page.text)

    def test_lists_collapse_on_phones(self):
        self.login_as(self.portal_a)
        page = self.url_open("/my/opportunities")
        self.assertIn('<th class="d-none d-lg-table-cell">Email</th>', page.text)
        # the search bar folds away on phones: a second button stays in reach there
        self.assertIn("o_crm_partner_assign_new_opportunity_phone", page.text)

    def test_amounts_as_a_person_writes_them(self):
        self.opp_a.expected_revenue = 12000.0
        self.login_as(self.portal_a)
        page = self.url_open(f"/my/opportunity/{self.opp_a.id}").text
        self.assertIn('value="12000.00"', page)
        self.assertNotIn('12000.0"', page)
        self.assertIn("12,000.00", page)
        self.assertIn('name="probability" value="10"', page)

    def test_next_activity_shown_after_saving(self):
        self.login_as(self.portal_a)
        day = (date.today() + timedelta(days=3)).isoformat()
        values = {
            "activity_type_id": str(self.activity_type.id),
            "activity_date_deadline": day,
            "activity_summary": "Call the buyer",
        }
        url = f"/my/opportunity/{self.opp_a.id}/update"
        self.assertEqual(self.post_form(url, values).status_code, 303)
        page = self.url_open(f"/my/opportunity/{self.opp_a.id}").text
        self.assertIn(f'value="{day}"', page)
        self.assertIn('value="Call the buyer"', page)
        self.assertIn(f'value="{self.activity_type.id}" selected="True"', page)
        # saving the form again (stage changed, activity as shown) plans nothing more
        self.post_form(url, {**values, "stage_id": str(self.stage_qualified.id)})
        self.assertEqual(self.opp_a.stage_id, self.stage_qualified)
        self.assertEqual(len(self.opp_a.activity_ids), 1)
        # another date is another activity
        later = (date.today() + timedelta(days=10)).isoformat()
        self.post_form(url, {**values, "activity_date_deadline": later})
        self.assertEqual(len(self.opp_a.activity_ids), 2)
