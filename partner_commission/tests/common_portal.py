import re

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase
from odoo.tools import date_utils

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CommissionCommon


class CommissionPortalCommon(CommissionCommon, HttpCase):
    """The referrer of CommissionCommon on a monthly plan, with:

    - an allowed portal contact (Pat) and a contact not allowed (Nina);
    - another graded reseller with its own allowed contact (Olga) and a commission;
    - an ungraded company whose contact has the flag (Ursula): still nothing;
    - two months of commissions, hand-computed (software 10 %, hardware 5 %):

      last month, day 10: invoice A (software 1,000 + server 500) paid: +100 + 25 = 125;
      its RFQ confirmed and billed, the bill paid on day 20: paid 125.
      this month: invoice B (software 2,000) paid: +200; a credit note of A's software
      line: clawback -100.

      statement of last month: opening 0, earned 125, clawed back 0, paid 125, closing 0;
      statement of this month: opening 0, earned 200, clawed back -100, paid 0, closing 100.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.period = "month"
        cls.manager = mail_new_test_user(
            cls.env,
            login="commission.portal.manager",
            name="Maria Manager",
            email="maria@example.com",
            groups="base.group_user,partner_commission.group_commission_manager",
        )
        cls.referrer.user_id = cls.manager
        Partner = cls.env["res.partner"]
        cls.other_referrer = Partner.create(
            {"name": "Other Reseller", "is_company": True, "grade_id": cls.grade.id}
        )
        cls.ungraded = Partner.create({"name": "Ungraded Co", "is_company": True})
        cls.portal_pat = cls._portal_user("pat.portal", "Pat Portal", cls.referrer, True)
        cls.portal_nina = cls._portal_user("nina.portal", "Nina Noaccess", cls.referrer, False)
        cls.portal_olga = cls._portal_user("olga.portal", "Olga Other", cls.other_referrer, True)
        cls.portal_ursula = cls._portal_user("ursula.portal", "Ursula Ungraded", cls.ungraded, True)
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.this_month = date_utils.start_of(cls.today, "month")
        cls.last_month = cls.this_month - relativedelta(months=1)
        cls.key_this = f"{cls.this_month.year}-{cls.this_month.month:02d}"
        cls.key_last = f"{cls.last_month.year}-{cls.last_month.month:02d}"

    @classmethod
    def _portal_user(cls, login, name, company, allowed):
        user = mail_new_test_user(
            cls.env,
            login=login,
            password=login,
            name=name,
            email=f"{login}@example.com",
            groups="base.group_portal",
        )
        user.partner_id.write({"parent_id": company.id, "commission_portal_access": allowed})
        return user

    def book_two_months(self):
        """The hand-computed story of the class docstring; returns the invoices."""
        day10 = self.last_month + relativedelta(days=9)
        invoice_a = self.make_invoice([(self.software, 1000, 1), (self.server, 500, 1)], post=False)
        invoice_a.invoice_date = day10
        invoice_a.action_post()
        self.pay(invoice_a)
        self.payout()
        order = self.commission_orders()
        order.button_confirm()
        order.order_line.qty_received = 1
        bill = self.env["account.move"].browse(order.action_create_invoice()["res_id"])
        bill.invoice_date = day10 + relativedelta(days=10)
        bill.action_post()
        self.pay(bill)
        invoice_b = self.make_invoice([(self.software, 2000, 1)])
        self.pay(invoice_b)
        self.refund(invoice_a, lines=[(self.software, 1000, 1)])
        other = self.make_invoice([(self.software, 700, 1)], referrer=self.other_referrer)
        self.pay(other)
        self.sync()
        return invoice_a, invoice_b, other

    def assertShows(self, amount, response, css=None):
        """The page shows ``amount`` formatted in the company currency (after ``css``)."""
        text = re.sub(
            r"<[^>]+>", "", response.text if css is None else response.text.split(css, 1)[1]
        )
        text = text.replace("&nbsp;", " ").replace("\xa0", " ")
        expected = self.company.currency_id.format(amount).replace("\xa0", " ")
        shown = expected in (text if css is None else text[:200])
        self.assertTrue(shown, f"{expected} not shown{f' after {css}' if css else ''}")

    def portal_get(self, user, url, **kwargs):
        self.authenticate(user.login, user.login)
        return self.url_open(url, **kwargs)

    def portal_post(self, user, url, data):
        self.authenticate(user.login, user.login)
        return self.url_open(
            url, data=dict(data, csrf_token=http.Request.csrf_token(self)), allow_redirects=False
        )

    @classmethod
    def add_any_product_rule(cls, rate=3.0):
        cls.plan.commission_rule_ids = [Command.create({"rate": rate})]
