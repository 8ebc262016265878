from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_portal import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalCommon):
    """What an attacker tries from a partner's portal account: other partners' records,
    who declined a lead, and numbers no form would post."""

    def test_other_partner_pages_redirect_like_core(self):
        """Another partner's record, an ungraded partner's and a missing one answer the
        same: a redirect to /my, as core document pages do."""
        self.login_as(self.portal_a)
        for url in (
            f"/my/lead/{self.lead_b.id}",
            f"/my/opportunity/{self.opp_b.id}",
            f"/my/lead/{self.lead_c.id}",
            "/my/lead/999999999",
            "/my/opportunity/999999999",
            "/my/opportunity/99999999999999999999",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                self.assertTrue(response.headers["Location"].endswith("/my"))
                self.assertNotIn("secret", response.text.lower())

    def test_other_partner_posts_redirect_like_core(self):
        self.login_as(self.portal_a)
        for url, data in (
            (f"/my/lead/{self.lead_b.id}/accept", {"comment": "mine now"}),
            (f"/my/opportunity/{self.opp_b.id}/update", {"expected_revenue": "1"}),
            ("/my/opportunity/999999999/update", {"expected_revenue": "1"}),
        ):
            with self.subTest(url=url):
                response = self.post_form(url, data)
                self.assertEqual(response.status_code, 303)
                self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.lead_b.type, "lead")
        self.assertEqual(self.opp_b.expected_revenue, 5000.0)

    def test_portal_cannot_read_declined_partners(self):
        self.lead_a.partner_declined_ids = [Command.link(self.reseller_b.id)]
        lead = self.lead_a.with_user(self.portal_a)
        self.assertEqual(lead.read(["name"])[0]["name"], "Lead A1 printers")
        with self.assertRaises(AccessError):
            lead.read(["partner_declined_ids"])
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.portal_a).search(
                [("partner_declined_ids", "in", self.reseller_b.ids)]
            )
        # the same through RPC, as a browser would call it
        self.login_as(self.portal_a)
        with (
            self.assertRaises(Exception) as error,  # noqa: B017 - a JSON-RPC error
            mute_logger("odoo.http"),
        ):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/crm.lead/read",
                {
                    "model": "crm.lead",
                    "method": "read",
                    "args": [self.lead_a.ids, ["partner_declined_ids"]],
                    "kwargs": {},
                },
            )
        self.assertIn("AccessError", str(error.exception))
        page = self.url_open(f"/my/lead/{self.lead_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Reseller B", page.text)
        # salespeople still see who declined
        self.assertEqual(self.lead_a.with_user(self.salesman).partner_declined_ids, self.reseller_b)

    def test_numbers_that_are_not_numbers(self):
        """NaN, infinities and overflows answer 400 with a message, never 500, and change
        nothing."""
        self.login_as(self.portal_a)
        url = f"/my/opportunity/{self.opp_a.id}/update"
        for field, value, message in (
            ("expected_revenue", "nan", "is not a number"),
            ("expected_revenue", "NaN", "is not a number"),
            ("expected_revenue", "inf", "is not a number"),
            ("expected_revenue", "-Infinity", "is not a number"),
            ("expected_revenue", "1e400", "is not a number"),
            ("expected_revenue", "1e20", "is too large"),
            ("probability", "nan", "is not a number"),
            ("probability", "inf", "is not a number"),
        ):
            with self.subTest(field=field, value=value):
                response = self.post_form(url, {field: value})
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_crm_partner_assign_error", response.text)
                self.assertIn(message, response.text)
        contact_url = f"/my/opportunity/{self.opp_a.id}/contact"
        for value in ("99999999999999999999", "²"):
            with self.subTest(country=value):
                response = self.post_form(contact_url, {"country_id": value})
                self.assertEqual(response.status_code, 400)
                self.assertIn("This country does not exist", response.text)
        self.assertEqual(self.opp_a.expected_revenue, 1000.0)
        self.assertEqual(self.opp_a.probability, 10.0)
