from odoo.tests import tagged

from .common import PartnerAssignCommon


@tagged("post_install", "-at_install")
class TestForwardRecipients(PartnerAssignCommon):
    """The forward email goes to the partner's portal contacts (else the company), is noted
    in the lead's chatter with the portal link, and a declined lead goes back to the
    salesperson who had it."""

    def test_email_to_portal_contacts_noted_on_the_lead(self):
        lead = self.lead_lausanne
        self.forward_wizard(lead, partner_id=self.reseller_geneva.id).action_forward()
        mail = self.sent_mails(self.reseller_geneva)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.reseller_geneva_contact)
        note = lead.message_ids.filtered(lambda m: "Forwarded to" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertIn(self.reseller_geneva.display_name, str(note.body))
        self.assertIn(self.reseller_geneva_contact.email, str(note.body))
        self.assertIn(f"/my/lead/{lead.id}", str(note.body))

    def test_email_to_the_company_without_portal_contacts(self):
        self.forward_wizard(self.lead_lausanne, partner_id=self.reseller_evian.id).action_forward()
        mail = self.sent_mails(self.reseller_evian)
        self.assertEqual(mail.recipient_ids, self.reseller_evian)

    def test_declined_lead_goes_back_to_its_salesperson(self):
        lead = self.lead_lausanne
        self.assertEqual(lead.user_id, self.salesman)
        self.forward_wizard(lead, partner_id=self.reseller_geneva.id).action_forward()
        self.assertEqual(lead.user_id, self.salesman_partners, "the partner's salesperson")
        lead.with_user(self.portal_geneva)._portal_decline("Not our region")
        self.assertFalse(lead.partner_assigned_id)
        self.assertEqual(lead.user_id, self.salesman)
        self.assertFalse(lead.partner_previous_user_id)
