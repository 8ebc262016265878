from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionRules(CommissionCommon):
    def test_rule_precedence_most_specific_wins(self):
        pricelist = self.env["product.pricelist"].create({"name": "Partner prices"})
        plan = self.env["commission.plan"].create(
            {
                "name": "Precedence",
                "commission_rule_ids": [
                    Command.create({"category_id": self.categ_all.id, "rate": 1, "sequence": 1}),
                    Command.create(
                        {"category_id": self.categ_software.id, "rate": 2, "sequence": 9}
                    ),
                    Command.create(
                        {
                            "category_id": self.categ_software.id,
                            "pricelist_id": pricelist.id,
                            "rate": 3,
                            "sequence": 9,
                        }
                    ),
                    Command.create(
                        {
                            "category_id": self.categ_all.id,
                            "product_id": self.support.id,
                            "rate": 4,
                            "sequence": 20,
                        }
                    ),
                ],
            }
        )
        empty = self.env["product.pricelist"]
        # deeper category beats its parent, whatever the sequence
        self.assertEqual(plan._match_rule(self.software, empty).rate, 2)
        # a pricelist rule beats one without
        self.assertEqual(plan._match_rule(self.software, pricelist).rate, 3)
        # a product rule beats category rules
        self.assertEqual(plan._match_rule(self.support, pricelist).rate, 4)
        # sub-categories are included
        self.assertEqual(plan._match_rule(self.server, empty).rate, 1)
        # then the sequence decides between equally specific rules
        plan.commission_rule_ids.create(
            {"plan_id": plan.id, "category_id": self.categ_hardware.id, "rate": 7, "sequence": 5}
        )
        plan.commission_rule_ids.create(
            {"plan_id": plan.id, "category_id": self.categ_hardware.id, "rate": 8, "sequence": 2}
        )
        self.assertEqual(plan._match_rule(self.server, empty).rate, 8)

    def test_bad_input(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.rule"].create(
                {"plan_id": self.plan.id, "category_id": self.categ_all.id, "rate": 120}
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.rule"].create(
                {
                    "plan_id": self.plan.id,
                    "category_id": self.categ_all.id,
                    "rate": 5,
                    "is_capped": True,
                    "max_commission": -1,
                }
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.rule"].create(
                {
                    "plan_id": self.plan.id,
                    "category_id": self.categ_hardware.id,
                    "product_id": self.software.id,
                    "rate": 5,
                }
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.plan"].create({"name": "No product", "product_id": False})
        not_purchasable = self.env["product.product"].create(
            {"name": "Not purchasable", "type": "service", "purchase_ok": False}
        )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["commission.plan"].create({"name": "Bad", "product_id": not_purchasable.id})
        other_company = self.setup_other_company()["company"]
        foreign_plan = self.env["commission.plan"].create(
            {"name": "Foreign", "company_id": other_company.id}
        )
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "referrer_id": self.referrer.id}
        )
        with self.assertRaises(UserError), self.cr.savepoint():
            order.commission_plan_id = foreign_plan
            order.flush_recordset()
        self.assertEqual(order.commission_plan_id, self.plan)
        self.assertEqual(self.plan.commission_rule_ids.mapped("rate"), [10.0, 5.0])

    def test_plan_follows_level_unless_set_by_hand(self):
        silver_plan = self.plan.copy({"name": "Silver plan"})
        silver = self.env["res.partner.grade"].create(
            {"name": "Silver (test)", "default_commission_plan_id": silver_plan.id}
        )
        self.assertEqual(self.referrer.commission_plan_id, self.plan)
        self.referrer.grade_id = silver
        self.assertEqual(self.referrer.commission_plan_id, silver_plan)
        special = self.plan.copy({"name": "Special deal"})
        self.referrer.commission_plan_id = special
        self.referrer.grade_id = self.grade
        self.assertEqual(self.referrer.commission_plan_id, special, "hand-set plan kept")
        self.assertTrue(self.referrer.commission_plan_manual)


@tagged("post_install", "-at_install")
class TestCommissionSales(CommissionCommon):
    def _order(self, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": self.referrer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "price_unit": 1000, "tax_ids": []}
                    ),
                    Command.create(
                        {"product_id": self.server.id, "price_unit": 500, "tax_ids": []}
                    ),
                ],
                **values,
            }
        )

    def test_order_plan_follows_referrer_then_freezes(self):
        order = self._order()
        self.assertEqual(order.commission_plan_id, self.plan)
        self.assertEqual(order.commission, 125.0)
        other_plan = self.plan.copy({"name": "Other"})
        self.referrer.commission_plan_id = other_plan
        self.assertEqual(order.commission_plan_id, other_plan, "quotation follows the referrer")
        order.action_confirm()
        self.assertTrue(order.commission_plan_frozen)
        self.referrer.commission_plan_id = self.plan
        self.assertEqual(order.commission_plan_id, other_plan, "confirmed order keeps its plan")
        quote = self._order()
        quote.commission_plan_id = other_plan
        self.assertTrue(quote.commission_plan_frozen, "a plan set by hand freezes")

    def test_estimate_equals_booked_and_down_payment_carries_referrer(self):
        order = self._order()
        order.action_confirm()
        estimate = order.commission
        down_payment = self._create_down_payment_invoice(order, "percentage", 50, post=True)
        self.assertEqual(down_payment.referrer_id, self.referrer)
        self.pay(down_payment)
        # 50 % of the order at its blended rate (125 / 1500)
        self.assertEqual(self.booked(down_payment), 62.5)
        # the rules change before the final invoice: the deduction still reverses exactly
        # what the down payment booked
        self.plan.commission_rule_ids.write({"rate": 20.0})
        final = self._create_final_invoice(order, post=True)
        self.assertEqual(final.referrer_id, self.referrer)
        self.pay(final)
        deduction = self.ledger(final).filtered(lambda r: r.base < 0)
        self.assertEqual(deduction.amount, -62.5)
        self.assertEqual(estimate, 125.0)
        self.assertEqual(self.booked(final), 300.0 - 62.5, "final lines at the new rates")
