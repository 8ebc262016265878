from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import CronRunnerCase


@tagged("post_install", "-at_install")
class TestLevelReview(CronRunnerCase, AccountTestInvoicingCommon):
    """Gold from 100,000, Silver from 25,000, Bronze from 0 of paid revenue over 12 months."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        # the test's user works in the time zone of the user the review job runs as (the
        # demo gives it one): both count the same days, also near midnight
        job_user = cls.env.ref("crm_partner_assign.ir_cron_partner_level_review").user_id
        cls.env.user.tz = job_user.tz
        cls.today = fields.Date.context_today(cls.env.user)
        Grade = cls.env["res.partner.grade"]
        # the demo levels of the company would sit between these: leave them out
        Grade.search([]).active = False
        cls.gold, cls.silver, cls.bronze = Grade.create(
            [
                {"name": "Gold (review)", "sequence": 1, "min_revenue": 100000},
                {"name": "Silver (review)", "sequence": 2, "min_revenue": 25000},
                {"name": "Bronze (review)", "sequence": 3, "min_revenue": 0},
            ]
        )
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Rita Review",
                "login": "rita.review",
                "email": "rita@example.com",
                "group_ids": [Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        Partner = cls.env["res.partner"]
        cls.rising, cls.falling, cls.steady, cls.not_due = Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "grade_id": grade.id,
                    "user_id": cls.salesperson.id,
                    "date_review_next": cls.today + timedelta(days=30 if name == "Not Due" else 0),
                }
                for name, grade in (
                    ("Rising", cls.bronze),
                    ("Falling", cls.gold),
                    ("Steady", cls.silver),
                    ("Not Due", cls.bronze),
                )
            ]
        )
        cls.customer = Partner.create({"name": "Level Customer", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Consulting day",
                "type": "service",
                "invoice_policy": "order",
                "lst_price": 1000,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )

    def sell(self, referrer, amount, paid=True, date=None, through_opportunity=False):
        """A confirmed sale of ``amount`` referred by ``referrer`` (or through an opportunity
        assigned to it), invoiced on ``date`` and paid when ``paid``."""
        values = {
            "partner_id": self.customer.id,
            "order_line": [
                Command.create({"product_id": self.product.id, "price_unit": amount, "tax_ids": []})
            ],
        }
        if through_opportunity:
            values["opportunity_id"] = (
                self.env["crm.lead"]
                .create(
                    {
                        "name": "Deal",
                        "type": "opportunity",
                        "partner_assigned_id": referrer.id,
                        "partner_id": self.customer.id,
                    }
                )
                .id
            )
        else:
            values["referrer_id"] = referrer.id
        order = self.env["sale.order"].create(values)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = date or self.today
        invoice.action_post()
        if paid:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": invoice.invoice_date})._create_payments()
        return invoice

    def refund(self, invoice, amount):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "test"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.price_unit = amount
        credit_note.action_post()
        return credit_note

    def run_review(self):
        self.run_cron("crm_partner_assign.ir_cron_partner_level_review")

    def test_revenue_counts_paid_invoices_net_of_refunds(self):
        self.sell(self.rising, 20000)
        self.sell(self.rising, 10000, through_opportunity=True)
        self.sell(self.rising, 50000, paid=False)  # not paid: not counted
        self.sell(self.rising, 70000, date=self.today - relativedelta(months=13))  # too old
        invoice = self.sell(self.rising, 8000)
        self.refund(invoice, 3000)
        revenue = self.rising._partner_level_revenue(*self.rising._partner_level_period())
        self.assertEqual(revenue, {self.rising.id: 35000})
        self.assertEqual(self.rising.partner_level_revenue, 35000)

    def test_review_applies_promotion_and_demotion(self):
        self.company.partner_review_apply = True
        self.company.partner_review_months = "6"
        self.sell(self.rising, 30000)
        self.sell(self.falling, 40000)
        self.sell(self.steady, 26000)
        self.run_review()
        self.assertEqual(self.rising.grade_id, self.silver)
        self.assertEqual(self.falling.grade_id, self.silver)
        self.assertEqual(self.steady.grade_id, self.silver)
        self.assertEqual(self.not_due.grade_id, self.bronze)
        for partner in self.rising | self.falling | self.steady:
            self.assertEqual(partner.date_review, self.today)
            self.assertEqual(partner.date_review_next, self.today + relativedelta(months=6))
        self.assertFalse(self.not_due.date_review)
        tracked = self.env["mail.tracking.value"].search(
            [
                ("field_id.name", "=", "grade_id"),
                ("mail_message_id.res_id", "=", self.rising.id),
                ("mail_message_id.model", "=", "res.partner"),
            ]
        )
        self.assertEqual(tracked.old_value_char, "Bronze (review)")
        self.assertEqual(tracked.new_value_char, "Silver (review)")
        self.assertIn("earns Silver (review)", "".join(self.rising.message_ids.mapped("body")))

    def test_review_proposes_to_the_salesperson(self):
        self.sell(self.rising, 120000)
        self.sell(self.steady, 25000)
        self.run_review()
        # the level is proposed, not applied
        self.assertEqual(self.rising.grade_id, self.bronze)
        activity = self.rising.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.summary, "Level review: Gold (review)")
        self.assertIn("earns Gold (review)", activity.note)
        self.assertEqual(self.rising.date_review, self.today)
        self.assertEqual(self.rising.date_review_next, self.today + relativedelta(months=12))
        # unchanged: no activity
        self.assertFalse(self.steady.activity_ids)
        self.assertEqual(self.steady.grade_id, self.silver)
        # a demotion is proposed too
        self.assertEqual(self.falling.activity_ids.summary, "Level review: Bronze (review)")

    def test_portal_level_info(self):
        self.sell(self.rising, 30000)
        self.rising.grade_id = self.silver
        info = self.rising._partner_level_portal_info()
        self.assertEqual(info["grade"], self.silver)
        self.assertEqual(info["revenue"], 30000)
        self.assertEqual(info["next_grade"], self.gold)
        self.assertEqual(info["missing"], 70000)
        self.assertFalse(self.falling._partner_level_portal_info()["next_grade"])

    def test_thresholds_must_grow_with_the_level(self):
        for grade, values, message in (
            (self.silver, {"min_revenue": 150000}, "must grow with the level"),
            (self.gold, {"sequence": 5}, "must grow with the level"),
            (self.bronze, {"min_revenue": -1}, "cannot be negative"),
        ):
            with self.assertRaises(ValidationError) as refusal:
                grade.write(values)
            self.assertIn(message, str(refusal.exception))
        self.assertEqual(self.silver.min_revenue, 25000)
