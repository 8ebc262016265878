from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import PartnerAssignCommon


@tagged("post_install", "-at_install")
class TestPartnerActivityReport(AccountTestInvoicingCommon):
    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade = cls.env["res.partner.grade"].create({"name": "Gold (report)"})
        cls.activation = cls.env.ref("crm_partner_assign.res_partner_activation_fully_operational")
        cls.reseller = cls.env["res.partner"].create(
            {
                "name": "Report Reseller",
                "is_company": True,
                "email": "report@example.com",
                "grade_id": cls.grade.id,
                "activation": cls.activation.id,
                "country_id": cls.env.ref("base.ch").id,
                "user_id": cls.env.user.id,
                "date_partnership": "2024-01-15",
            }
        )
        cls.other_reseller = cls.env["res.partner"].create(
            {"name": "Other Reseller", "is_company": True, "grade_id": cls.grade.id}
        )
        Lead = cls.env["crm.lead"]
        lead_values = {"partner_assigned_id": cls.reseller.id, "partner_id": cls.partner_a.id}
        Lead.create(
            [
                {**lead_values, "name": "Lead 1", "type": "lead", "expected_revenue": 50},
                {**lead_values, "name": "Lead 2", "type": "lead"},
                {"name": "Elsewhere", "type": "lead", "partner_assigned_id": cls.other_reseller.id},
            ]
        )
        cls.won, cls.pending, cls.lost = Lead.create(
            [
                {**lead_values, "name": name, "type": "opportunity", "expected_revenue": revenue}
                for name, revenue in (("Won", 1000), ("Pending", 500), ("Lost", 300))
            ]
        )
        cls.won.action_set_won()
        cls.lost.action_set_lost()

    def make_referred_invoice(self, price, referrer=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_a.id,
                "referrer_id": (referrer or self.reseller).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "product_uom_qty": 1,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order._create_invoices()

    def report_row(self, partner):
        self.env.flush_all()
        return self.env["crm.partner.report.assign"].search([("partner_id", "=", partner.id)])

    def test_leads_opportunities_and_turnover(self):
        posted = self.make_referred_invoice(200)
        posted.action_post()
        self.make_referred_invoice(70)  # draft: not counted
        refunded = self.make_referred_invoice(300)
        refunded.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=refunded.ids)
            .create({"journal_id": refunded.journal_id.id, "reason": "test"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        self.make_referred_invoice(999, referrer=self.other_reseller).action_post()

        row = self.report_row(self.reseller)
        self.assertEqual(len(row), 1)
        self.assertRecordValues(
            row,
            [
                {
                    "grade_id": self.grade.id,
                    "activation": self.activation.id,
                    "user_id": self.env.user.id,
                    "country_id": self.env.ref("base.ch").id,
                    "nbr_leads": 2,
                    "nbr_opportunities": 2,  # the lost one is archived
                    "nbr_won": 1,
                    "expected_revenue": 1500.0,
                    "won_revenue": 1000.0,
                    "turnover": 200.0,
                    "currency_id": self.env.company.currency_id.id,
                }
            ],
        )
        self.assertEqual(self.report_row(self.other_reseller).turnover, 999.0)
        self.assertEqual(self.report_row(self.other_reseller).nbr_leads, 1)

    def test_grouped_by_level(self):
        groups = self.env["crm.partner.report.assign"]._read_group(
            [("grade_id", "=", self.grade.id)],
            ["grade_id"],
            ["nbr_leads:sum", "nbr_opportunities:sum", "expected_revenue:sum"],
        )
        self.assertEqual(groups, [(self.grade, 3, 2, 1500.0)])

    def test_partners_without_level_or_activity_are_left_out(self):
        nobody = self.env["res.partner"].create({"name": "No level, no lead"})
        self.assertFalse(self.report_row(nobody))
        # a partner without level that got a lead is in
        self.env["crm.lead"].create({"name": "To a contact", "partner_assigned_id": nobody.id})
        self.assertEqual(
            self.report_row(nobody).nbr_opportunities + self.report_row(nobody).nbr_leads, 1
        )


@tagged("post_install", "-at_install")
class TestAccess(PartnerAssignCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_lausanne.partner_assigned_id = cls.reseller_geneva
        cls.opportunity_bern.partner_assigned_id = cls.reseller_zurich

    def test_portal_reads_only_its_company_leads(self):
        Lead = self.env["crm.lead"].with_user(self.portal_geneva)
        self.assertEqual(
            Lead.search([("id", "in", (self.lead_lausanne | self.opportunity_bern).ids)]),
            self.lead_lausanne,
        )
        self.assertEqual(
            self.lead_lausanne.with_user(self.portal_geneva).name, self.lead_lausanne.name
        )
        with self.assertRaises(AccessError):
            self.opportunity_bern.with_user(self.portal_geneva).read(["name"])
        # and writes nothing through the ORM, not even on its own leads
        with self.assertRaises(AccessError):
            self.lead_lausanne.with_user(self.portal_geneva).write({"expected_revenue": 1})
        with self.assertRaises(AccessError):
            Lead.create({"name": "From the portal"})

    def test_portal_cannot_read_back_office_models(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "referrer_id": self.reseller_zurich.id}
        )
        for model, record in (
            ("crm.partner.report.assign", None),
            ("sale.order", order),
            ("crm.lead.forward.to.partner", None),
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                if record:
                    record.with_user(self.portal_geneva).read(["name"])
                else:
                    self.env[model].with_user(self.portal_geneva).search([])
        # levels and activation stages are readable (shown in the portal), not writable
        self.assertTrue(self.grade_gold.with_user(self.portal_geneva).name)
        with self.assertRaises(AccessError):
            self.grade_gold.with_user(self.portal_geneva).partner_weight = 1
        stage = self.env.ref("crm_partner_assign.res_partner_activation_ramp_up")
        with self.assertRaises(AccessError):
            stage.with_user(self.portal_geneva).name = "Mine"

    def test_report_rules(self):
        Report = self.env["crm.partner.report.assign"]
        self.env.flush_all()
        geneva = [("partner_id", "=", self.reseller_geneva.id)]
        # the partner's salesperson sees it, another salesman does not, a manager does
        self.assertTrue(Report.with_user(self.salesman_partners).search(geneva))
        self.assertFalse(Report.with_user(self.salesman).search(geneva))
        self.assertTrue(Report.with_user(self.sales_manager).search(geneva))
        # partners of a company the user is not in are hidden
        basel = [("partner_id", "=", self.reseller_basel.id)]
        self.assertTrue(Report.with_user(self.sales_manager).search(basel))
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.reseller_basel.company_id = other_company
        self.env.flush_all()
        self.assertFalse(Report.with_user(self.sales_manager).search(basel))
        self.sales_manager.company_ids |= other_company
        self.assertTrue(
            Report.with_user(self.sales_manager)
            .with_context(allowed_company_ids=[self.env.company.id, other_company.id])
            .search(basel)
        )

    def test_counts_follow_the_salesman_rights(self):
        """A salesman on his own documents counts only the assigned leads he can see."""
        for user, count in (
            (self.sales_manager, 1),
            (self.salesman, 1),  # his lead
            (self.salesman_partners, 0),
        ):
            self.env.invalidate_all()
            with self.subTest(user=user.login):
                partner = self.reseller_geneva.with_user(user)
                self.assertEqual(partner.assigned_opportunity_count, count)
                self.assertEqual(partner.grade_id, self.grade_gold)
