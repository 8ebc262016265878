from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestPlanAccess(CommissionCommon):
    """Only commission managers choose plans (a partner's, a level's default, an order's);
    salespeople and sales managers read them. Plans stay within their company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = mail_new_test_user(
            cls.env, login="plan.seller", groups="sales_team.group_sale_salesman"
        )
        cls.sales_manager = mail_new_test_user(
            cls.env,
            login="plan.sales.manager",
            groups="sales_team.group_sale_manager,partner_commission.group_commission_user",
        )
        cls.commission_manager = mail_new_test_user(
            cls.env,
            login="plan.commission.manager",
            groups="sales_team.group_sale_manager,partner_commission.group_commission_manager",
        )
        cls.other_plan = cls.env["commission.plan"].create(
            {
                "name": "Silver plan",
                "commission_rule_ids": [Command.create({"rate": 3.0})],
            }
        )

    def _order(self, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "referrer_id": self.referrer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.software.id, "price_unit": 100, "tax_ids": []}
                        )
                    ],
                }
            )
        )

    def test_salespeople_cannot_set_plans_by_rpc(self):
        for user in (self.seller, self.sales_manager):
            with self.subTest(user=user.login):
                referrer = self.referrer.with_user(user)
                with self.assertRaises(AccessError):
                    referrer.write({"commission_plan_id": self.other_plan.id})
                with self.assertRaises(AccessError):
                    referrer.write({"commission_plan_id": False})
                with self.assertRaises(AccessError):
                    self.env["res.partner"].with_user(user).create(
                        {"name": "Sneaky", "commission_plan_id": self.other_plan.id}
                    )
                with self.assertRaises(AccessError):
                    self.grade.with_user(user).write(
                        {"default_commission_plan_id": self.other_plan.id}
                    )
                order = self._order(user)
                self.assertEqual(order.commission_plan_id, self.plan)  # the referrer's
                with self.assertRaises(AccessError):
                    order.write({"commission_plan_id": self.other_plan.id})
                with self.assertRaises(AccessError):
                    self.env["sale.order"].with_user(user).create(
                        {
                            "partner_id": self.customer.id,
                            "referrer_id": self.referrer.id,
                            "commission_plan_id": self.other_plan.id,
                        }
                    )
        self.assertEqual(self.referrer.commission_plan_id, self.plan)
        self.assertEqual(self.grade.default_commission_plan_id, self.plan)

    def test_salespeople_still_set_levels(self):
        """A level brings its default plan, whoever changes the level."""
        silver = self.env["res.partner.grade"].create(
            {"name": "Silver (test)", "default_commission_plan_id": self.other_plan.id}
        )
        partner = (
            self.env["res.partner"]
            .with_user(self.seller)
            .create({"name": "New reseller", "grade_id": self.grade.id})
        )
        self.assertEqual(partner.commission_plan_id, self.plan)
        partner.grade_id = silver
        self.assertEqual(partner.commission_plan_id, self.other_plan)
        self.assertFalse(partner.commission_plan_manual)

    def test_commission_manager_sets_plans(self):
        referrer = self.referrer.with_user(self.commission_manager)
        referrer.commission_plan_id = self.other_plan
        self.assertTrue(referrer.commission_plan_manual)
        self.grade.with_user(self.commission_manager).default_commission_plan_id = self.other_plan
        order = self._order(self.commission_manager)
        order.commission_plan_id = self.plan
        self.assertTrue(order.commission_plan_frozen)

    def _plan_nodes(self, model, user, view_xmlid, field):
        arch = (
            self.env[model]
            .with_user(user)
            .get_views([(self.env.ref(view_xmlid).id, "form")])["views"]["form"]["arch"]
        )
        nodes = etree.fromstring(arch).xpath(f"//field[@name='{field}']")
        self.assertEqual(len(nodes), 1, f"{field} shown once to {user.login}")
        return nodes[0]

    def test_views_are_read_only_for_salespeople(self):
        forms = (
            ("res.partner", "base.view_partner_form", "commission_plan_id"),
            ("res.partner.grade", "partnership.view_partner_grade_form",
             "default_commission_plan_id"),
            ("sale.order", "sale.view_order_form", "commission_plan_id"),
        )  # fmt: skip
        for model, view, field in forms:
            with self.subTest(model=model):
                for user in (self.seller, self.sales_manager):
                    node = self._plan_nodes(model, user, view, field)
                    self.assertIn(node.get("readonly"), ("1", "True"))
                node = self._plan_nodes(model, self.commission_manager, view, field)
                self.assertFalse(node.get("readonly"))

    def test_plan_of_another_company_is_refused(self):
        other_company = self.setup_other_company()["company"]
        foreign_plan = self.env["commission.plan"].create(
            {"name": "Other company's plan", "company_id": other_company.id}
        )
        shared_plan = self.env["commission.plan"].create(
            {"name": "Shared plan", "company_id": False}
        )
        partner = self.env["res.partner"].create(
            {"name": "Company-1 reseller", "company_id": self.company.id}
        )
        with self.assertRaisesRegex(ValidationError, "its own company"):
            partner.commission_plan_id = foreign_plan
        partner.commission_plan_id = shared_plan
        partner.commission_plan_id = self.plan.copy({"company_id": self.company.id})
        with self.assertRaisesRegex(ValidationError, "its own company"):
            partner.company_id = other_company
        level = self.env["res.partner.grade"].create(
            {"name": "Company-1 level", "company_id": self.company.id}
        )
        with self.assertRaisesRegex(ValidationError, "its own company"):
            level.default_commission_plan_id = foreign_plan
        level.default_commission_plan_id = shared_plan
        # a partner shared by all companies may take any company's plan
        shared_partner = self.env["res.partner"].create({"name": "Shared reseller"})
        shared_partner.commission_plan_id = foreign_plan
        self.assertEqual(shared_partner.commission_plan_id, foreign_plan)
