from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import PartnerAssignCommon, fields_read_by_rank_write


@tagged("post_install", "-at_install")
class TestPartner(PartnerAssignCommon):
    def test_weight_follows_level_unless_set_by_hand(self):
        following = self.reseller_geneva
        manual = self.reseller_zurich
        self.assertEqual(following.partner_weight, 10)
        self.assertEqual(manual.partner_weight, 5)
        # a new level brings its weight
        manual.grade_id = self.grade_gold
        self.assertEqual(manual.partner_weight, 10)
        manual.partner_weight = 3
        # the level's weight changes: partners that followed it follow, hand-set ones stay
        self.grade_gold.partner_weight = 20
        self.assertEqual(following.partner_weight, 20)
        self.assertEqual(manual.partner_weight, 3)
        self.assertEqual(self.reseller_evian.partner_weight, 20)
        # no level, no weight
        following.grade_id = False
        self.assertEqual(following.partner_weight, 0)

    def test_level_weight_cannot_be_negative(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(CheckViolation),
            self.cr.savepoint(),
        ):
            self.grade_gold.partner_weight = -1
            self.env.flush_all()

    def test_counts_and_stat_buttons(self):
        customers = self.env["res.partner"].create(
            [
                {"name": "Ref 1", "assigned_partner_id": self.reseller_geneva.id},
                {"name": "Ref 2", "assigned_partner_id": self.reseller_geneva.id},
                {"name": "Ref 3", "assigned_partner_id": self.reseller_zurich.id},
            ]
        )
        (self.lead_lausanne | self.opportunity_bern).partner_assigned_id = self.reseller_geneva
        lost = self.env["crm.lead"].create(
            {
                "name": "Lost one",
                "type": "opportunity",
                "partner_assigned_id": self.reseller_geneva.id,
            }
        )
        lost.action_set_lost()
        self.assertFalse(lost.active)
        self.assertEqual(self.reseller_geneva.implemented_partner_count, 2)
        self.assertEqual(self.reseller_zurich.implemented_partner_count, 1)
        self.assertEqual(self.reseller_basel.implemented_partner_count, 0)
        self.assertEqual(self.reseller_geneva.implemented_partner_ids, customers[:2])
        self.assertEqual(self.reseller_geneva.assigned_opportunity_count, 3)
        self.assertEqual(self.reseller_zurich.assigned_opportunity_count, 0)

        action = self.reseller_geneva.action_view_assigned_opportunities()
        self.assertEqual(action["res_model"], "crm.lead")
        found = self.env["crm.lead"].with_context(**action["context"]).search(action["domain"])
        self.assertEqual(found, self.lead_lausanne | self.opportunity_bern | lost)
        self.assertEqual(action["context"]["default_partner_assigned_id"], self.reseller_geneva.id)

        action = self.reseller_geneva.action_view_implemented_partners()
        self.assertEqual(self.env["res.partner"].search(action["domain"]), customers[:2])
        self.assertEqual(action["context"]["default_assigned_partner_id"], self.reseller_geneva.id)

    def test_activation_stages(self):
        ramp_up = self.env.ref("crm_partner_assign.res_partner_activation_ramp_up")
        self.reseller_geneva.activation = ramp_up
        count = self.env["res.partner"].search_count([("activation", "=", ramp_up.id)])
        self.assertEqual(ramp_up.partner_count, count)
        self.assertGreaterEqual(count, 1)
        # salesmen read the stages, only sales managers change them
        Activation = self.env["res.partner.activation"]
        self.assertTrue(Activation.with_user(self.salesman).search([]))
        with self.assertRaises(AccessError):
            Activation.with_user(self.salesman).create({"name": "Certified"})
        with self.assertRaises(AccessError):
            ramp_up.with_user(self.salesman).name = "Renamed"
        stage = Activation.with_user(self.sales_manager).create({"name": "Certified"})
        stage.with_user(self.sales_manager).action_archive()
        self.assertFalse(stage.active)

    def test_rank_write_leaves_the_programme_fields_unread(self):
        """Account raises a customer's rank after each payment, reading every tracked field
        in a query of its own: the programme's fields are not among them, and changing
        them is still tracked."""
        partner = self.reseller_zurich
        names = ("grade_id", "partner_weight", "activation")
        self.assertEqual(fields_read_by_rank_write(self, partner, names), [])
        self.flush_tracking()
        partner.grade_id = self.grade_gold
        self.assertEqual(
            self.tracking_values(partner, "grade_id").new_value_integer, self.grade_gold.id
        )

    def test_partner_form(self):
        form = Form(self.env["res.partner"].with_user(self.sales_manager))
        form.company_type = "company"
        form.name = "Form Reseller"
        form.grade_id = self.grade_silver
        self.assertEqual(form.partner_weight, 5)
        form.partner_weight = 7
        form.activation = self.env.ref("crm_partner_assign.res_partner_activation_first_contact")
        form.date_partnership = fields.Date.today()
        form.date_review_next = fields.Date.add(fields.Date.today(), months=6)
        partner = form.save()
        self.assertEqual(partner.partner_weight, 7)
        self.assertEqual(partner.grade_id, self.grade_silver)

        customer = Form(self.customer.with_user(self.sales_manager))
        customer.assigned_partner_id = self.reseller_geneva
        customer.save()
        self.assertIn(self.customer, self.reseller_geneva.implemented_partner_ids)

    def test_level_and_activation_forms(self):
        with Form(self.grade_bronze) as grade:
            grade.partner_weight = 4
        self.assertEqual(self.reseller_basel.partner_weight, 4)
        with Form(self.env["res.partner.activation"]) as stage:
            stage.name = "Certified"
        self.assertTrue(self.env["res.partner.activation"].search([("name", "=", "Certified")]))

    def test_counts_take_the_same_queries_for_many_partners(self):
        resellers = self.reseller_geneva | self.reseller_zurich | self.reseller_basel

        def queries(partners):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            counts = [
                (partner.implemented_partner_count, partner.assigned_opportunity_count)
                for partner in partners
            ]
            self.assertEqual(len(counts), len(partners))
            return self.cr.sql_log_count - before

        queries(resellers)  # warm-up
        self.assertEqual(queries(resellers[:1]), queries(resellers))
