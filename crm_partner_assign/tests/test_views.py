from lxml import etree

from odoo.tests import tagged

from .common import PartnerAssignCommon


@tagged("post_install", "-at_install")
class TestViews(PartnerAssignCommon):
    def assert_view_fields(self, model, view_type, fields, view=None, user=None):
        env = self.env(user=user or self.sales_manager)
        view_id = env.ref(view).id if view else False
        arch = env[model].get_views([(view_id, view_type)])["views"][view_type]["arch"]
        names = {node.get("name") for node in etree.fromstring(arch).iter("field", "filter")}
        missing = set(fields) - names
        self.assertFalse(missing, f"{model} {view_type} view lacks {missing}")
        return etree.fromstring(arch)

    def test_partner_views(self):
        form = self.assert_view_fields(
            "res.partner",
            "form",
            [
                "grade_id",
                "activation",
                "partner_weight",
                "date_partnership",
                "date_review",
                "date_review_next",
                "assigned_partner_id",
                "implemented_partner_ids",
                "assigned_opportunity_count",
                "implemented_partner_count",
            ],
        )
        page = form.find(".//page[@name='geo_location']")
        self.assertEqual(page.get("string"), "Partner Assignment")
        self.assertIsNotNone(page.find(".//field[@name='grade_id']"))
        self.assertIsNotNone(form.find(".//button[@name='action_view_assigned_opportunities']"))
        self.assert_view_fields("res.partner", "list", ["grade_id", "activation"])
        self.assert_view_fields(
            "res.partner", "search", ["grade_id", "activation", "group_grade", "group_activation"]
        )

    def test_level_and_activation_views(self):
        self.assert_view_fields("res.partner.grade", "list", ["sequence", "partner_weight"])
        self.assert_view_fields("res.partner.grade", "form", ["partner_weight"])
        self.assert_view_fields("res.partner.activation", "list", ["sequence", "name"])
        self.assert_view_fields("res.partner.activation", "form", ["name", "active"])
        self.assert_view_fields("res.partner.activation", "search", ["inactive"])
        menu = self.env.ref("crm_partner_assign.res_partner_activation_menu")
        self.assertEqual(menu.parent_id, self.env.ref("partnership.crm_menu_partners"))

    def test_lead_views(self):
        form = self.assert_view_fields(
            "crm.lead",
            "form",
            [
                "partner_assigned_id",
                "date_partner_assign",
                "partner_declined_ids",
                "partner_latitude",
                "partner_longitude",
            ],
        )
        action = self.env.ref("crm_partner_assign.crm_lead_forward_to_partner_action")
        self.assertIsNotNone(form.find(f".//button[@name='{action.id}']"))
        for view in ("crm.crm_case_tree_view_oppor", "crm.crm_case_tree_view_leads"):
            self.assert_view_fields("crm.lead", "list", ["partner_assigned_id"], view=view)
        for view in ("crm.crm_case_kanban_view_leads", "crm.view_crm_lead_kanban"):
            self.assert_view_fields("crm.lead", "kanban", ["partner_assigned_id"], view=view)
        for view in ("crm.view_crm_case_opportunities_filter", "crm.view_crm_case_leads_filter"):
            self.assert_view_fields(
                "crm.lead",
                "search",
                [
                    "partner_assigned_id",
                    "partner_assigned",
                    "partner_unassigned",
                    "group_partner_assigned",
                ],
                view=view,
            )

    def test_sale_views(self):
        self.assert_view_fields("sale.order", "form", ["referrer_id"])
        self.assert_view_fields(
            "sale.order", "search", ["referrer_id", "referred", "group_referrer"]
        )
        self.assert_view_fields(
            "sale.order",
            "search",
            ["referrer_id", "referred", "group_referrer"],
            view="sale.sale_order_view_search_inherit_quotation",
        )
        self.assert_view_fields("sale.report", "search", ["referrer_id", "group_referrer"])

    def test_wizard_and_report_views(self):
        self.assert_view_fields(
            "crm.lead.forward.to.partner",
            "form",
            ["forward_type", "partner_id", "lead_ids", "line_ids", "body"],
            user=self.salesman,
        )
        report = "crm.partner.report.assign"
        measures = ["nbr_leads", "nbr_opportunities", "nbr_won", "expected_revenue", "turnover"]
        self.assert_view_fields(report, "pivot", measures)
        self.assert_view_fields(report, "list", ["partner_id", "grade_id", *measures])
        self.assert_view_fields(report, "graph", ["nbr_opportunities"])
        self.assert_view_fields(
            report,
            "search",
            ["group_partner", "group_grade", "group_activation", "group_user", "group_country"],
        )
        action = self.env.ref("crm_partner_assign.crm_partner_report_assign_action")
        menu = self.env.ref("crm_partner_assign.crm_partner_report_assign_menu")
        self.assertEqual(menu.action, action)
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))

    def test_registration_and_programme_views(self):
        """A salesperson opens the review queue, a registration with its duplicates and a
        partner's acceptance record; the administrator the programme settings."""
        action = self.env.ref("crm_partner_assign.crm_lead_action_registration")
        self.assertEqual(action.sudo().view_ids.mapped("view_mode"), ["list", "form"])
        self.assert_view_fields(
            "crm.lead",
            "list",
            ["registration_state", "registration_partner_id", "registration_match_count"],
            view="crm_partner_assign.crm_lead_view_list_registration",
            user=self.salesman,
        )
        self.assert_view_fields(
            "crm.lead",
            "search",
            ["registration_partner_id", "to_review", "returned", "protected", "with_duplicates"],
            view="crm_partner_assign.crm_lead_view_search_registration",
            user=self.salesman,
        )
        form = self.assert_view_fields(
            "crm.lead",
            "form",
            ["registration_state", "date_registration_expiry", "registration_match_ids"],
            user=self.salesman,
        )
        for button in (
            "action_registration_approve",
            "action_registration_return",
            "action_registration_reject",
        ):
            self.assertIsNotNone(form.find(f".//button[@name='{button}']"), button)
        self.assert_view_fields(
            "res.partner",
            "form",
            ["partner_acceptance_factor", "partner_expired_count", "partner_level_revenue"],
            user=self.salesman,
        )
        self.assert_view_fields("res.partner.grade", "form", ["min_revenue"])
        self.assert_view_fields(
            "res.config.settings",
            "form",
            ["partner_registration_days", "partner_accept_days", "partner_review_months"],
            user=self.env.ref("base.user_admin"),
        )
        # the salesperson reads the record and the registration's possible duplicates
        partner = self.reseller_geneva.with_user(self.salesman)
        self.assertEqual(partner.partner_acceptance_factor, 1.0)
        self.assertEqual(partner.partner_level_revenue, 0.0)
