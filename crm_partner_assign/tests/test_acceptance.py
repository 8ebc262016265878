import random
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import PartnerAssignCommon


class AcceptanceCommon(PartnerAssignCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_accept_days = 3
        # Basel (no email) never gets leads automatically: the only Swiss candidates are
        # Geneva and Zurich
        cls.reseller_basel.partner_weight = 0
        # midday UTC: the same day in every user's time zone, where answers count their days
        # (run late in the UTC day, Brussels is on the next day already)
        cls.today = fields.Date.today()
        cls.startClassPatcher(freeze_time(f"{cls.today} 12:00:00"))

    def forward(self, lead, partner, days_ago):
        self.forward_wizard(lead, partner_id=partner.id).action_forward()
        lead.date_partner_assign = self.today - timedelta(days=days_ago)

    def answers(self, partner):
        return self.env["crm.partner.acceptance"].search([("partner_id", "=", partner.id)])


@tagged("post_install", "-at_install")
class TestAcceptanceDeadline(AcceptanceCommon):
    def test_deadline_shows_on_the_lead(self):
        self.forward(self.lead_lausanne, self.reseller_geneva, days_ago=1)
        self.assertEqual(
            self.lead_lausanne.date_partner_accept_deadline,
            self.today - timedelta(days=1) + timedelta(days=3),
        )
        self.env.company.partner_accept_days = 0
        self.lead_lausanne.invalidate_recordset(["date_partner_accept_deadline"])
        self.assertFalse(self.lead_lausanne.date_partner_accept_deadline)

    def test_late_lead_goes_to_the_next_partner(self):
        lead = self.lead_lausanne
        self.forward(lead, self.reseller_geneva, days_ago=4)
        on_time = self.env["crm.lead"].create(
            {"name": "Still on time", "type": "lead", "country_id": self.switzerland.id}
        )
        self.forward(on_time, self.reseller_geneva, days_ago=2)
        self.run_cron("crm_partner_assign.ir_cron_partner_accept_deadline")
        self.assertEqual(lead.partner_assigned_id, self.reseller_zurich)
        # forwarded again today, in the time zone of the user the job runs as
        job_user = self.env.ref("crm_partner_assign.ir_cron_partner_accept_deadline").user_id
        self.assertEqual(
            lead.date_partner_assign, fields.Date.context_today(lead.with_user(job_user))
        )
        self.assertIn(self.reseller_geneva, lead.partner_declined_ids)
        self.assertNotIn(self.reseller_geneva, lead.message_partner_ids)
        self.assertEqual(on_time.partner_assigned_id, self.reseller_geneva)
        answer = self.answers(self.reseller_geneva)
        self.assertEqual(answer.result, "expired")
        self.assertEqual(answer.lead_id, lead)
        self.assertIn(
            "did not accept this lead within 3 days",
            "".join(lead.message_ids.mapped("body")),
        )
        # the next partner gets the usual "new leads" email, the slow one is told
        forwarded = self.sent_mails(self.reseller_zurich)
        self.assertTrue(any(f"/my/lead/{lead.id}" in mail.body_html for mail in forwarded))
        told = self.sent_mails(self.reseller_geneva).filtered(
            lambda mail: "no longer assigned" in (mail.subject or "")
        )
        self.assertEqual(len(told), 1)
        self.assertIn("did not accept this lead within 3 days", told.body_html)

    def test_late_lead_without_next_partner_goes_back_to_its_salesperson(self):
        lead = self.lead_lausanne
        lead.partner_declined_ids = self.reseller_zurich
        self.forward(lead, self.reseller_geneva, days_ago=5)
        # forwarding gave the lead to Geneva's salesperson
        self.assertEqual(lead.user_id, self.salesman_partners)
        self.run_cron("crm_partner_assign.ir_cron_partner_accept_deadline")
        self.assertFalse(lead.partner_assigned_id)
        # back to the salesperson who had it before it was forwarded
        self.assertEqual(lead.user_id, self.salesman)
        self.assertIn(self.reseller_geneva, lead.partner_declined_ids)
        last = lead.message_ids.filtered(lambda m: "back to its salesperson" in m.body)
        self.assertEqual(len(last), 1)
        self.assertIn(self.salesman.partner_id, last.partner_ids)

    def test_no_deadline_when_zero(self):
        self.env.company.partner_accept_days = 0
        self.forward(self.lead_lausanne, self.reseller_geneva, days_ago=30)
        self.run_cron("crm_partner_assign.ir_cron_partner_accept_deadline")
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)
        self.assertFalse(self.answers(self.reseller_geneva))

    def test_accepted_lead_is_left_alone(self):
        self.forward(self.lead_lausanne, self.reseller_geneva, days_ago=2)
        self.lead_lausanne.with_user(self.portal_geneva)._portal_accept()
        self.lead_lausanne.date_partner_assign = self.today - timedelta(days=10)
        self.run_cron("crm_partner_assign.ir_cron_partner_accept_deadline")
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)
        answer = self.answers(self.reseller_geneva)
        self.assertEqual(answer.result, "accepted")
        self.assertEqual(answer.days_to_answer, 2)

    def test_days_to_answer_count_in_the_users_time_zone(self):
        """Forwarded on the 10th (the assignment date is in the user's time zone), answered
        at 23:30 UTC on the 10th, which is the 11th in Brussels: one day, not zero."""
        day = fields.Date.to_date("2026-12-10")
        answer = (
            self.env["crm.partner.acceptance"]
            .with_context(tz="Europe/Brussels")
            .create(
                {
                    "partner_id": self.reseller_geneva.id,
                    "result": "accepted",
                    "date_assign": day,
                    "date": fields.Datetime.to_datetime("2026-12-10 23:30:00"),
                }
            )
        )
        self.assertEqual(answer.days_to_answer, 1)


@tagged("post_install", "-at_install")
class TestAcceptanceFactor(AcceptanceCommon):
    def test_acceptance_record(self):
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Lead {i}", "type": "lead", "country_id": self.switzerland.id}
                for i in range(4)
            ]
        )
        for lead, days in zip(leads, (1, 3, 0, 0), strict=True):
            self.forward(lead, self.reseller_geneva, days_ago=days)
        leads[0].with_user(self.portal_geneva)._portal_accept()
        leads[1].with_user(self.portal_geneva)._portal_accept()
        leads[2].with_user(self.portal_geneva)._portal_decline("Too far away")
        geneva = self.reseller_geneva
        self.assertEqual(geneva.partner_accepted_count, 2)
        self.assertEqual(geneva.partner_declined_count, 1)
        self.assertEqual(geneva.partner_expired_count, 0)
        self.assertEqual(geneva.partner_accept_median_days, 2.0)
        # (2 + 1) / (3 + 1)
        self.assertAlmostEqual(geneva.partner_acceptance_factor, 0.75)
        self.assertEqual(self.reseller_zurich.partner_acceptance_factor, 1.0)

    def test_factor_lowers_the_chance_in_the_weighted_pick(self):
        Answer = self.env["crm.partner.acceptance"]
        Answer.create(
            [{"partner_id": self.reseller_geneva.id, "result": "expired"} for _i in range(3)]
        )
        pool = self.reseller_geneva | self.reseller_zurich
        Lead = self.env["crm.lead"]
        # Geneva: 10 × (0 + 1) / (3 + 1) = 2.5; Zurich: 5 × 1
        self.assertEqual(Lead._partner_effective_weights(pool), [2.5, 5.0])
        random.seed(20261202)
        picked = [Lead._pick_partner_by_weight(pool) for _i in range(40)]
        random.seed(20261202)
        expected = [random.choices(pool, weights=[2.5, 5.0])[0] for _i in range(40)]
        self.assertEqual(picked, expected)
        random.seed(20261202)
        by_level_weight = [random.choices(pool, weights=[10, 5])[0] for _i in range(40)]
        self.assertNotEqual(picked, by_level_weight)
        # answers older than 90 days no longer count
        Answer.search([]).date = fields.Datetime.now() - timedelta(days=91)
        self.assertEqual(Lead._partner_effective_weights(pool), [10.0, 5.0])
