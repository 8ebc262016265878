from odoo import Command, http
from odoo.tests import HttpCase

from odoo.addons.mail.tests.common import mail_new_test_user


class PortalCommon(HttpCase):
    """Two graded resellers (A and B) with portal users, an ungraded one (C), a
    salesperson with a team, and leads and opportunities assigned to each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.grade = cls.env["res.partner.grade"].create({"name": "Gold (portal test)"})
        cls.salesman = mail_new_test_user(
            cls.env,
            login="portal.test.salesman",
            password="portal.test.salesman",
            name="Sam Salesman",
            email="sam.salesman@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Resellers team (portal test)",
                "use_opportunities": True,
                "use_leads": True,
                "member_ids": [Command.link(cls.salesman.id)],
            }
        )
        Partner = cls.env["res.partner"]
        cls.reseller_a = Partner.create(
            {
                "name": "Reseller A (portal test)",
                "is_company": True,
                "grade_id": cls.grade.id,
                "user_id": cls.salesman.id,
                "email": "reseller.a@example.com",
            }
        )
        cls.reseller_b = Partner.create(
            {
                "name": "Reseller B (portal test)",
                "is_company": True,
                "grade_id": cls.grade.id,
                "email": "reseller.b@example.com",
            }
        )
        cls.reseller_c = Partner.create(
            {"name": "Ungraded C (portal test)", "is_company": True, "email": "c@example.com"}
        )
        cls.portal_a = cls._make_portal_user("portal.test.a", "Alice Reseller", cls.reseller_a)
        cls.portal_b = cls._make_portal_user("portal.test.b", "Bob Reseller", cls.reseller_b)
        cls.portal_c = cls._make_portal_user("portal.test.c", "Carol Ungraded", cls.reseller_c)
        cls.customer = Partner.create(
            {"name": "Existing Customer", "email": "existing.customer@example.com"}
        )
        cls.stage_new, cls.stage_qualified = cls.env["crm.stage"].create(
            [
                {"name": "Portal New", "sequence": 1},
                {"name": "Portal Qualified", "sequence": 2},
            ]
        )
        cls.stage_won = cls.env["crm.stage"].create(
            {"name": "Portal Won", "sequence": 90, "is_won": True}
        )
        Lead = cls.env["crm.lead"]
        common = {"user_id": cls.salesman.id, "team_id": cls.team.id}
        cls.lead_a = Lead.create(
            {
                **common,
                "name": "Lead A1 printers",
                "type": "lead",
                "contact_name": "Lucy Lead",
                "email_from": "lucy@example.com",
                "partner_assigned_id": cls.reseller_a.id,
            }
        )
        cls.lead_a2 = Lead.create(
            {
                **common,
                "name": "Lead A2 scanners",
                "type": "lead",
                "contact_name": "Zoe Zebra",
                "email_from": "zoe@example.com",
                "partner_assigned_id": cls.reseller_a.id,
            }
        )
        cls.opp_a = Lead.create(
            {
                **common,
                "name": "Opportunity A servers",
                "type": "opportunity",
                "stage_id": cls.stage_new.id,
                "partner_id": cls.customer.id,
                "expected_revenue": 1000.0,
                "probability": 10.0,
                "partner_assigned_id": cls.reseller_a.id,
            }
        )
        cls.lead_b = Lead.create(
            {
                **common,
                "name": "Lead B secret",
                "type": "lead",
                "contact_name": "Secret Contact",
                "email_from": "secret@example.com",
                "partner_assigned_id": cls.reseller_b.id,
            }
        )
        cls.opp_b = Lead.create(
            {
                **common,
                "name": "Opportunity B secret",
                "type": "opportunity",
                "stage_id": cls.stage_new.id,
                "expected_revenue": 5000.0,
                "probability": 20.0,
                "partner_assigned_id": cls.reseller_b.id,
            }
        )
        cls.lead_c = Lead.create(
            {
                **common,
                "name": "Lead C ungraded",
                "type": "lead",
                "contact_name": "Carl",
                "partner_assigned_id": cls.reseller_c.id,
            }
        )
        cls.activity_type = cls.env["mail.activity.type"].create(
            {"name": "Portal test call", "res_model": "crm.lead"}
        )

    @classmethod
    def _make_portal_user(cls, login, name, company):
        contact = cls.env["res.partner"].create(
            {"name": name, "parent_id": company.id, "email": f"{login}@example.com"}
        )
        return mail_new_test_user(
            cls.env,
            login=login,
            password=login,
            name=name,
            email=f"{login}@example.com",
            partner_id=contact.id,
            groups="base.group_portal",
        )

    def login_as(self, user):
        self.authenticate(user.login, user.login)

    def post_form(self, url, data=None):
        """POST a form like the browser does (with the CSRF token), without following the
        redirect."""
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)
