from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.base_geolocalize.models.res_partner import ResPartner
from odoo.addons.crm_partner_assign.models.crm_lead import CrmLead

from .common import PartnerAssignCommon

REAL_PICK = CrmLead._pick_partner_by_weight


def pick_heaviest(self, partners):
    """Deterministic stand-in for the weighted random pick: the heaviest, then the first."""
    return max(partners, key=lambda p: (p.partner_weight, -p.id))


@tagged("post_install", "-at_install")
class TestForwardManual(PartnerAssignCommon):
    def test_forward_lead_to_a_partner(self):
        lead = self.lead_lausanne
        wizard = self.forward_wizard(
            lead, partner_id=self.reseller_geneva.id, body="<p>A watch shop for you</p>"
        )
        self.assertEqual(wizard.forward_type, "single")
        self.assertEqual(wizard.lead_ids, lead)
        action = wizard.action_forward()
        self.assertEqual(action, {"type": "ir.actions.act_window_close"})
        self.assertEqual(lead.partner_assigned_id, self.reseller_geneva)
        self.assertTrue(lead.date_partner_assign)
        self.assertEqual(lead.user_id, self.salesman_partners)
        self.assertIn(self.reseller_geneva, lead.message_follower_ids.partner_id)
        mail = self.sent_mails(self.reseller_geneva)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/my/lead/{lead.id}", mail.body_html)
        self.assertIn("A watch shop for you", mail.body_html)
        self.assertIn(lead.name, mail.body_html)
        self.assertEqual(mail.subject, f"New leads for {self.reseller_geneva.name}")

    def test_forward_opportunity_links_to_opportunity_page(self):
        opportunity = self.opportunity_bern
        self.forward_wizard(opportunity, partner_id=self.reseller_zurich.id).action_forward()
        self.assertEqual(opportunity.partner_assigned_id, self.reseller_zurich)
        mail = self.sent_mails(self.reseller_zurich)
        self.assertIn(f"/my/opportunity/{opportunity.id}", mail.body_html)

    def test_partner_without_portal_gets_no_link(self):
        partner = self.reseller_evian
        self.forward_wizard(self.lead_lausanne, partner_id=partner.id).action_forward()
        mail = self.sent_mails(partner)
        self.assertEqual(len(mail), 1)
        self.assertNotIn("/my/lead/", mail.body_html)
        self.assertIn("no portal access", mail.body_html)

    def test_partner_without_email_is_refused(self):
        wizard = self.forward_wizard(self.lead_lausanne, partner_id=self.reseller_basel.id)
        with self.assertRaisesRegex(UserError, "Set an email address"):
            wizard.action_forward()
        self.assertFalse(self.lead_lausanne.partner_assigned_id)

    def test_single_mode_needs_a_partner_and_leads(self):
        with self.assertRaisesRegex(UserError, "Choose the partner"):
            self.forward_wizard(self.lead_lausanne).action_forward()
        wizard = self.env["crm.lead.forward.to.partner"].create(
            {"partner_id": self.reseller_geneva.id}
        )
        with self.assertRaisesRegex(UserError, "at least one lead"):
            wizard.action_forward()

    def test_list_action_on_many_leads(self):
        action = self.env.ref("crm_partner_assign.crm_lead_forward_to_partner_action")
        self.assertEqual(action.binding_model_id.model, "crm.lead")
        leads = self.lead_lausanne | self.opportunity_bern
        wizard = self.forward_wizard(leads, partner_id=self.reseller_geneva.id)
        self.assertEqual(wizard.lead_ids, leads)
        wizard.action_forward()
        self.assertEqual(leads.partner_assigned_id, self.reseller_geneva)
        for lead in leads:
            self.assertIn(self.reseller_geneva, lead.message_follower_ids.partner_id)
        # one email listing both
        mail = self.sent_mails(self.reseller_geneva)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/my/lead/{self.lead_lausanne.id}", mail.body_html)
        self.assertIn(f"/my/opportunity/{self.opportunity_bern.id}", mail.body_html)

    def test_default_partner_is_the_assigned_one(self):
        self.lead_lausanne.partner_assigned_id = self.reseller_zurich
        wizard = self.forward_wizard(self.lead_lausanne)
        self.assertEqual(wizard.partner_id, self.reseller_zurich)

    def test_wizard_form(self):
        form = Form(
            self.env["crm.lead.forward.to.partner"]
            .with_user(self.salesman)
            .with_context(active_model="crm.lead", active_ids=self.lead_lausanne.ids)
        )
        form.partner_id = self.reseller_geneva
        form.save().action_forward()
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)


@tagged("post_install", "-at_install")
@patch.object(CrmLead, "_pick_partner_by_weight", pick_heaviest)
class TestForwardAutomatic(PartnerAssignCommon):
    def test_nearest_partner_of_the_same_country(self):
        # Évian (France) is nearer, Zurich weighs less and is farther: Geneva wins
        wizard = self.forward_wizard(self.lead_lausanne, forward_type="assigned")
        wizard.action_forward()
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)
        self.assertIn(
            f"/my/lead/{self.lead_lausanne.id}", self.sent_mails(self.reseller_geneva).body_html
        )

    def test_partner_that_declined_is_never_chosen(self):
        # Geneva is the nearest and heaviest; once it declined, Basel is the nearest left
        self.assertEqual(
            self.lead_lausanne._search_geo_partner()[self.lead_lausanne.id], self.reseller_geneva
        )
        self.lead_lausanne.partner_declined_ids = self.reseller_geneva
        choice = self.lead_lausanne._search_geo_partner()
        self.assertEqual(choice[self.lead_lausanne.id], self.reseller_basel)
        # even when it is the only partner of the country
        self.lead_lausanne.partner_declined_ids = self.reseller_geneva | self.reseller_zurich
        self.reseller_basel.grade_id = False
        self.assertEqual(self.lead_lausanne._search_geo_partner(), {})

    def test_weight_zero_and_other_company_are_never_chosen(self):
        self.assertTrue(self.lead_lausanne.company_id)
        self.reseller_geneva.partner_weight = 0
        self.assertEqual(
            self.lead_lausanne._search_geo_partner()[self.lead_lausanne.id], self.reseller_basel
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.reseller_basel.company_id = other_company
        self.assertEqual(
            self.lead_lausanne._search_geo_partner()[self.lead_lausanne.id], self.reseller_zurich
        )

    def test_weighted_pick(self):
        """The real pick: random.choices weighted by the partners' level weights."""
        pool = self.reseller_geneva | self.reseller_zurich
        with patch("random.choices", return_value=[self.reseller_zurich]) as choices:
            picked = REAL_PICK(self.env["crm.lead"], pool)
        self.assertEqual(picked, self.reseller_zurich)
        self.assertEqual(list(choices.call_args.args[0]), list(pool))
        self.assertEqual(choices.call_args.kwargs["weights"], [10, 5])
        # and without the mock, a partner of the pool
        self.assertIn(REAL_PICK(self.env["crm.lead"], pool), pool)

    def test_geolocation_of_a_lead_with_an_address(self):
        lead = self.lead_lausanne
        lead.write({"partner_latitude": 0, "partner_longitude": 0})
        with patch.object(
            ResPartner, "_geo_localize", autospec=True, return_value=(47.3, 8.5)
        ) as geo:
            lead.with_context(force_geo_localize=True)._search_geo_partner()
            geo.assert_called_once()
            self.assertEqual(
                geo.call_args.args[1:],
                ("Rue de Bourg 10", "1003", "Lausanne", False, "Switzerland"),
            )
        self.assertAlmostEqual(lead.partner_latitude, 47.3)
        # next to Zurich now
        self.assertEqual(lead._search_geo_partner()[lead.id], self.reseller_zurich)

    def test_geocoder_failure_falls_back_to_the_country(self):
        lead = self.lead_lausanne
        lead.write({"partner_latitude": 0, "partner_longitude": 0})
        with patch.object(ResPartner, "_geo_localize", side_effect=UserError("geocoder down")):
            choice = lead.with_context(force_geo_localize=True)._search_geo_partner()
        self.assertFalse(lead.partner_latitude)
        # without coordinates, the heaviest of the country
        self.assertEqual(choice[lead.id], self.reseller_geneva)

    def test_no_geocoding_in_tests_without_force(self):
        lead = self.lead_lausanne
        lead.write({"partner_latitude": 0, "partner_longitude": 0})
        with patch.object(ResPartner, "_geo_localize") as geo:
            lead._search_geo_partner()
        geo.assert_not_called()

    def test_lead_without_country_is_refused(self):
        lead = self.lead_lausanne.copy({"country_id": False, "name": "Somewhere"})
        wizard = self.forward_wizard(lead | self.opportunity_bern, forward_type="assigned")
        with self.assertRaisesRegex(UserError, "needs the lead's country.*Somewhere"):
            wizard.action_forward()
        self.assertFalse(self.opportunity_bern.partner_assigned_id)

    def test_chosen_partner_without_email_is_refused(self):
        self.reseller_geneva.grade_id = False
        self.reseller_zurich.grade_id = False
        wizard = self.forward_wizard(self.lead_lausanne, forward_type="assigned")
        with self.assertRaisesRegex(UserError, "Set an email address.*Rhein IT"):
            wizard.action_forward()

    def test_many_leads_and_no_partner_available(self):
        lead_reykjavik = self.env["crm.lead"].create(
            {"name": "Fish export ERP", "country_id": self.env.ref("base.is").id}
        )
        lead_annecy = self.env["crm.lead"].create(
            {
                "name": "Ski rental shop",
                "country_id": self.france.id,
                "partner_latitude": 45.8992,
                "partner_longitude": 6.1294,
            }
        )
        leads = self.lead_lausanne | self.opportunity_bern | lead_reykjavik | lead_annecy
        wizard = self.forward_wizard(leads, forward_type="assigned")
        result = wizard.action_forward()
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)
        self.assertEqual(self.opportunity_bern.partner_assigned_id, self.reseller_geneva)
        # the French partner near Annecy gets the French lead, not a Swiss one
        self.assertEqual(lead_annecy.partner_assigned_id, self.reseller_evian)
        self.assertFalse(lead_reykjavik.partner_assigned_id)
        unavailable = self.env.ref("crm_partner_assign.crm_tag_partner_unavailable")
        self.assertIn(unavailable, lead_reykjavik.tag_ids)
        self.assertNotIn(unavailable, lead_annecy.tag_ids)
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("Fish export ERP", result["params"]["message"])
        self.assertEqual(len(self.sent_mails(self.reseller_geneva)), 1)
        self.assertEqual(len(self.sent_mails(self.reseller_evian)), 1)

    def test_lead_form_button_opens_automatic_mode(self):
        wizard = (
            self.env["crm.lead.forward.to.partner"]
            .with_context(
                forward_type="assigned", active_model="crm.lead", active_ids=self.lead_lausanne.ids
            )
            .create({})
        )
        self.assertEqual(wizard.forward_type, "assigned")
        wizard.action_forward()
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)

    def test_wizard_form_proposes_partners(self):
        leads = self.lead_lausanne | self.opportunity_bern
        form = Form(
            self.env["crm.lead.forward.to.partner"].with_context(
                active_model="crm.lead", active_ids=leads.ids
            )
        )
        form.forward_type = "assigned"
        self.assertEqual(len(form.line_ids), 2)
        proposals = {}
        for index in range(2):
            with form.line_ids.edit(index) as line:
                proposals[line.lead_id] = line.partner_id
                self.assertTrue(line.lead_location)
                if line.lead_id == self.opportunity_bern:
                    line.partner_id = self.reseller_zurich  # changed by hand
        self.assertEqual(proposals[self.lead_lausanne], self.reseller_geneva)
        form.save().action_forward()
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)
        self.assertEqual(self.opportunity_bern.partner_assigned_id, self.reseller_zurich)


@tagged("post_install", "-at_install")
class TestForwardAccess(PartnerAssignCommon):
    def test_salesman_forwards_his_lead_to_another_salespersons_partner(self):
        lead = self.lead_lausanne.with_user(self.salesman)
        wizard = self.forward_wizard(lead, user=self.salesman, partner_id=self.reseller_geneva.id)
        action = wizard.action_forward()
        # the partner's salesperson takes the lead over: the salesman, who sees his own
        # leads only, is told so and sent back to the leads list (not to a form he can no
        # longer read)
        self.assertEqual(self.lead_lausanne.user_id, self.salesman_partners)
        self.assertFalse(lead.has_access("read"))
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"]["res_model"], "crm.lead")
        self.assertIn(self.lead_lausanne.name, action["params"]["message"])
        self.assertEqual(self.lead_lausanne.partner_assigned_id, self.reseller_geneva)
        self.assertTrue(self.sent_mails(self.reseller_geneva))

    def test_salesman_cannot_forward_leads_he_cannot_change(self):
        self.lead_lausanne.user_id = self.salesman_partners
        with self.assertRaises(AccessError):
            self.forward_wizard(
                self.lead_lausanne, user=self.salesman, partner_id=self.reseller_zurich.id
            ).action_forward()
        self.assertFalse(self.lead_lausanne.partner_assigned_id)

    def test_portal_user_cannot_use_the_wizard(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead.forward.to.partner"].with_user(self.portal_geneva).create(
                {"partner_id": self.reseller_geneva.id}
            )
