from odoo.tests import tagged

from .common_portal import CommissionPortalCommon


@tagged("post_install", "-at_install")
class TestPortalStatementEmail(CommissionPortalCommon):
    def test_monthly_statement_email_through_the_cron_runner(self):
        self.book_two_months()
        cron = "partner_commission.ir_cron_commission_statement"
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search([])
        # no company sends statements (the demo's does): nothing
        self.env["res.company"].search([]).commission_statement_email = False
        self.run_cron(cron)
        self.assertFalse(Mail.search([]) - before)
        self.company.commission_statement_email = True
        self.run_cron(cron)
        mails = Mail.search([]) - before
        # the allowed contacts of graded partners with commissions: Pat and Olga; not Nina
        # (not allowed), not Ursula (ungraded)
        recipients = mails.mapped("recipient_ids") | self.env["res.partner"].search(
            [("email", "in", mails.mapped("email_to"))]
        )
        self.assertEqual(
            recipients
            & (
                self.portal_pat | self.portal_olga | self.portal_nina | self.portal_ursula
            ).partner_id,
            (self.portal_pat | self.portal_olga).partner_id,
        )
        (pat_mail,) = mails.filtered(
            lambda m: (
                self.portal_pat.partner_id in m.recipient_ids
                or self.portal_pat.email in (m.email_to or "")
            )
        )
        label = self.env["commission.line"]._portal_period_label(self.key_last)
        self.assertIn(label, pat_mail.subject)
        body = str(pat_mail.body_html).replace("\xa0", " ")
        fmt = self.company.currency_id.format
        self.assertIn(fmt(125.0).replace("\xa0", " "), body, "earned and paid last month")
        self.assertIn(f"/my/commissions/statement/{self.key_last}", body)
        self.assertIn("Pat Portal", body)
        self.assertEqual(self.portal_pat.partner_id.commission_statement_sent, self.key_last)
        # a second run the same month sends nothing more
        self.run_cron(cron)
        self.assertEqual(Mail.search([]) - before, mails)

    def test_statement_template_is_editable(self):
        template = self.env.ref("partner_commission.mail_template_commission_statement")
        template.body_html = (
            "<p>Custom: <t t-out=\"object._commission_statement_email_values()['url']\"/></p>"
        )
        self.book_two_months()
        self.env["res.company"].search([]).commission_statement_email = False
        self.company.commission_statement_email = True
        before = self.env["mail.mail"].sudo().search([])
        self.run_cron("partner_commission.ir_cron_commission_statement")
        mails = self.env["mail.mail"].sudo().search([]) - before
        self.assertEqual(len(mails), 2, "Pat and Olga")
        self.assertTrue(all("Custom: " in str(m.body_html) for m in mails))
