import json
import re

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_portal import CommissionPortalCommon


@tagged("post_install", "-at_install")
class TestPortalCommission(CommissionPortalCommon):
    # ------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------

    def _commission_urls(self, row):
        return [
            "/my/commissions",
            "/my/commissions/page/2",
            f"/my/commissions/statement/{self.key_this}",
            f"/my/commissions/statement/{self.key_this}/pdf",
        ]

    def test_access_by_url(self):
        _a, invoice_b, other = self.book_two_months()
        row = invoice_b.commission_line_ids[:1]
        ok = self.portal_get(self.portal_pat, "/my/commissions")
        self.assertEqual(ok.status_code, 200)
        self.assertIn(invoice_b.name, ok.text)
        self.assertNotIn(other.name, ok.text, "another reseller's commission")
        for user in (self.portal_nina, self.portal_ursula):
            for url in self._commission_urls(row):
                with self.subTest(user=user.login, url=url):
                    self.assertEqual(self.portal_get(user, url).status_code, 404)
            question = self.portal_post(
                user, f"/my/commissions/line/{row.id}/question", {"question": "Why?"}
            )
            self.assertEqual(question.status_code, 404)
        # Olga (another reseller, allowed) sees her own row, never Pat's, even by id
        olga = self.portal_get(self.portal_olga, "/my/commissions")
        self.assertIn(other.name, olga.text)
        self.assertNotIn(invoice_b.name, olga.text)
        guessed = self.portal_post(
            self.portal_olga, f"/my/commissions/line/{row.id}/question", {"question": "Mine?"}
        )
        self.assertEqual(guessed.status_code, 404)
        self.assertFalse(row.activity_ids)
        unknown = self.portal_post(
            self.portal_pat, "/my/commissions/line/99999999/question", {"question": "?"}
        )
        self.assertEqual(unknown.status_code, 404)
        # a period that is none: 404, not an error page
        self.assertEqual(
            self.portal_get(self.portal_pat, "/my/commissions/statement/2026-13").status_code, 404
        )

    def test_access_by_rpc(self):
        _a, invoice_b, _other = self.book_two_months()
        row = invoice_b.commission_line_ids[:1]
        for user in (self.portal_pat, self.portal_nina, self.portal_olga):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["commission.line"].with_user(user).search([])
            with self.assertRaises(AccessError):
                row.with_user(user).read(["amount"])
        # the flag is the managers': a portal user neither reads nor sets it on itself
        with self.assertRaises(AccessError):
            self.portal_nina.partner_id.with_user(self.portal_nina).read(
                ["commission_portal_access"]
            )
        with self.assertRaises(AccessError):
            self.portal_nina.partner_id.with_user(self.portal_nina).write(
                {"commission_portal_access": True}
            )
        with self.assertRaises(AccessError):
            self.referrer.with_user(self.salesman).write({"commission_portal_access": True})
        # and through JSON-RPC, as a browser would call it
        self.authenticate(self.portal_pat.login, self.portal_pat.login)
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw/commission.line/search_read",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": "commission.line",
                            "method": "search_read",
                            "args": [[]],
                            "kwargs": {"fields": ["amount"]},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
        error = response.json().get("error")
        self.assertTrue(error)
        self.assertIn("AccessError", error["data"]["name"])

    def test_home_card_and_our_orders(self):
        self.book_two_months()
        self.authenticate(self.portal_pat.login, self.portal_pat.login)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["commission_to_pay"]})
        self.assertEqual(counters["commission_to_pay"], self.company.currency_id.format(100.0))
        home = self.url_open("/my")
        self.assertIn('href="/my/commissions"', home.text)
        # the paid commission RFQ stays in "Our Orders", labelled as a commission payment
        order = self.commission_orders().filtered(lambda o: o.state == "purchase")
        orders = self.url_open("/my/purchase")
        self.assertIn(order.name, orders.text)
        self.assertIn("o_commission_payment_badge", orders.text)
        detail = self.url_open(order.get_portal_url())
        self.assertEqual(detail.status_code, 200)
        self.assertIn("o_commission_payment_notice", detail.text)
        self.assertIn('href="/my/commissions"', detail.text.split("o_commission_payment_notice")[1])
        self.assertNotIn("Receipt Date", detail.text)
        self.authenticate(self.portal_nina.login, self.portal_nina.login)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["commission_to_pay"]})
        self.assertEqual(counters["commission_to_pay"], 0, "the card stays hidden")
        detail = self.url_open(order.get_portal_url())
        notice = detail.text.split("o_commission_payment_notice")[1].split("</div>")[0]
        self.assertNotIn("/my/commissions", notice, "no link to a page Nina cannot open")

    # ------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------

    def test_totals_and_statements_against_hand_computed_figures(self):
        self.book_two_months()
        Ledger = self.env["commission.line"]
        (totals,) = Ledger._portal_totals(self.referrer)
        self.assertEqual(
            {key: totals[key] for key in ("held", "to_approve", "to_pay", "on_order", "paid")},
            {"held": 0.0, "to_approve": 0.0, "to_pay": 100.0, "on_order": 0.0, "paid": 125.0},
        )
        self.assertEqual(totals["clawed_back"], -100.0)
        self.assertEqual(totals["unpaid"], 100.0)
        self.referrer.invalidate_recordset()
        self.assertEqual(totals["unpaid"], self.referrer.commission_balance)
        (last,) = Ledger._portal_statement(self.referrer, self.key_last)
        self.assertEqual(
            [last[k] for k in ("opening", "earned", "clawed_back", "paid", "closing")],
            [0.0, 125.0, 0.0, 125.0, 0.0],
        )
        self.assertEqual(sorted(last["rows"].mapped("amount")), [25.0, 100.0])
        self.assertEqual(len(last["payments"]), 2)
        (this,) = Ledger._portal_statement(self.referrer, self.key_this)
        self.assertEqual(
            [this[k] for k in ("opening", "earned", "clawed_back", "paid", "closing")],
            [0.0, 200.0, -100.0, 0.0, 100.0],
        )
        self.assertEqual(sorted(this["rows"].mapped("amount")), [-100.0, 200.0])
        self.assertEqual(this["rows"].filtered(lambda r: r.amount < 0).kind, "clawback")
        # the quarter and the year hold both months
        (year,) = Ledger._portal_statement(self.referrer, str(self.today.year))
        if self.last_month.year == self.today.year:
            self.assertEqual(
                [year[k] for k in ("opening", "earned", "clawed_back", "paid", "closing")],
                [0.0, 325.0, -100.0, 125.0, 100.0],
            )
        # the page shows the same figures
        page = self.portal_get(self.portal_pat, f"/my/commissions/statement/{self.key_this}")
        self.assertEqual(page.status_code, 200)
        for css, amount in (("earned", 200.0), ("clawed_back", -100.0), ("closing", 100.0)):
            self.assertShows(amount, page, css=f"o_commission_statement_{css}")
        page = self.portal_get(self.portal_pat, f"/my/commissions/statement/{self.key_last}")
        self.assertIn(self.commission_orders().name, page.text, "the payment's order")

    def test_statement_lists_a_rejected_commission_for_nothing(self):
        self.plan.approval_required = True
        invoice = self.make_invoice([(self.software, 2000, 1)])
        self.pay(invoice)
        self.payout()
        self.env["commission.reject"].with_context(active_ids=self.ledger(invoice).ids).create(
            {"reason": "Duplicate deal"}
        ).action_reject()
        (this,) = self.env["commission.line"]._portal_statement(self.referrer, self.key_this)
        self.assertEqual(sorted(this["rows"].mapped("amount")), [-200.0, 200.0], "listed")
        self.assertEqual(set(this["rows"].mapped("state")), {"cancel"})
        self.assertEqual(
            [this[k] for k in ("opening", "earned", "clawed_back", "paid", "closing")],
            [0.0, 0.0, 0.0, 0.0, 0.0],
            "a rejected commission counts for nothing",
        )

    def test_pdf_without_renderer_says_so(self):
        """This server has no wkhtmltopdf: the real report rendering fails, and the page
        says so (the statement itself is still there)."""
        self.book_two_months()
        report = self.env.ref("partner_commission.commission_statement_report")
        self.assertEqual(self.env["ir.actions.report"].get_wkhtmltopdf_state(), "install")
        page = self.portal_get(self.portal_pat, f"/my/commissions/statement/{self.key_this}")
        self.assertIn("o_commission_pdf_unavailable", page.text)
        self.assertNotIn("o_commission_statement_pdf", page.text)
        pdf = self.portal_get(self.portal_pat, f"/my/commissions/statement/{self.key_this}/pdf")
        self.assertEqual(pdf.status_code, 503)
        self.assertIn("o_commission_pdf_error", pdf.text)
        self.assertIn("Wkhtmltopdf", pdf.text)
        self.assertIn("o_commission_statement_closing", pdf.text)
        # the report's HTML renders the same statement (what the PDF would print)
        html, _type = report.with_context(
            commission_statement_period=self.key_this
        )._render_qweb_html(report.report_name, self.referrer.ids)
        self.assertIn(b"o_commission_statement_closing", html)
        self.assertIn(self.referrer.name.encode(), html)

    # ------------------------------------------------------------
    # The list page
    # ------------------------------------------------------------

    def test_list_filters_search_group_and_empty_states(self):
        empty = self.portal_get(self.portal_pat, "/my/commissions")
        self.assertIn("o_commission_empty", empty.text)
        self.assertIn("No commission yet", empty.text)
        invoice_a, invoice_b, _other = self.book_two_months()
        page = self.portal_get(self.portal_pat, "/my/commissions")
        self.assertEqual(page.text.count('class="o_commission_row"'), 4)
        self.assertIn('id="commission_tier_progress"', page.text, "the tier progress spot")
        paid = self.portal_get(self.portal_pat, "/my/commissions?filterby=paid")
        self.assertEqual(paid.text.count('class="o_commission_row"'), 2)
        this_month = self.portal_get(self.portal_pat, f"/my/commissions?period={self.key_this}")
        self.assertEqual(this_month.text.count('class="o_commission_row"'), 2)
        search = self.portal_get(self.portal_pat, f"/my/commissions?search={invoice_b.name}")
        self.assertEqual(search.text.count('class="o_commission_row"'), 1)
        grouped = self.portal_get(self.portal_pat, "/my/commissions?groupby=period")
        self.assertEqual(grouped.text.count("o_commission_group"), 4, "two months, two layouts")
        nothing = self.portal_get(self.portal_pat, "/my/commissions?search=no-such-thing")
        self.assertIn("o_commission_no_match", nothing.text)
        self.assertNotIn("o_commission_empty", nothing.text)
        by_amount = self.portal_get(self.portal_pat, "/my/commissions?sortby=amount")
        amounts = [
            int(line_id)
            for line_id in re.findall(
                r'class="o_commission_row" data-line-id="(\d+)"', by_amount.text
            )
        ]
        rows = self.env["commission.line"].browse(amounts)
        self.assertEqual(rows.mapped("amount"), [200.0, 100.0, 25.0, -100.0])

    def test_list_pager(self):
        self.book_two_months()
        for index in range(22):
            self.pay(self.make_invoice([(self.software, 10 + index, 1)]))
        self.sync()
        first = self.portal_get(self.portal_pat, "/my/commissions")
        self.assertEqual(first.text.count('class="o_commission_row"'), 20)
        self.assertIn("/my/commissions/page/2", first.text)
        second = self.portal_get(self.portal_pat, "/my/commissions/page/2")
        self.assertEqual(second.text.count('class="o_commission_row"'), 6)

    def test_list_queries_do_not_grow_with_rows(self):
        self.book_two_months()
        self.authenticate(self.portal_pat.login, self.portal_pat.login)

        def queries():
            self.env.invalidate_all()
            self.env.registry.clear_cache()
            before = self.cr.sql_log_count
            page = self.url_open("/my/commissions")
            self.assertEqual(page.status_code, 200)
            return self.cr.sql_log_count - before, page.text.count('class="o_commission_row"')

        queries()  # warm up (session, assets)
        few, shown_few = queries()
        for index in range(12):
            self.pay(
                self.make_invoice([(self.software, 10 + index, 1), (self.server, 20 + index, 1)])
            )
        self.sync()
        many, shown_many = queries()
        self.assertEqual((shown_few, shown_many), (4, 20))
        self.assertEqual(many, few, f"{few} queries for 4 rows, {many} for 20")

    # ------------------------------------------------------------
    # Questions
    # ------------------------------------------------------------

    def test_question_flow(self):
        _a, invoice_b, _other = self.book_two_months()
        row = invoice_b.commission_line_ids
        empty = self.portal_post(
            self.portal_pat, f"/my/commissions/line/{row.id}/question", {"question": "  "}
        )
        self.assertEqual(empty.status_code, 400)
        self.assertIn("Write your question", empty.text)
        self.assertFalse(row.activity_ids)
        sent = self.portal_post(
            self.portal_pat,
            f"/my/commissions/line/{row.id}/question",
            {"question": "Why 10 % and not 12 %?"},
        )
        self.assertEqual(sent.status_code, 303)
        # the manager's activity on the ledger row, with the text, readable in the backend
        activity = row.with_user(self.manager).activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager, "the referrer's salesperson")
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("partner_commission.mail_activity_type_commission_question"),
        )
        self.assertIn("Why 10 % and not 12 %?", str(activity.note))
        self.assertIn(self.portal_pat.partner_id, row.message_partner_ids)
        mine = (
            self.env["mail.activity"]
            .with_user(self.manager)
            .search([("user_id", "=", self.manager.id), ("res_model", "=", "commission.line")])
        )
        self.assertEqual(mine, activity)
        page = self.portal_get(self.portal_pat, "/my/commissions")
        self.assertIn("Why 10 % and not 12 %?", page.text)
        self.assertIn("o_commission_open_question", page.text)
        item = page.text.split("o_commission_question_item")[1]
        self.assertIn("Why 10 % and not 12 %?", item)
        self.assertIn(">Open<", item)
        # Nina (same company, not allowed) does not see it; the manager answers on the row
        self.assertEqual(self.portal_get(self.portal_nina, "/my/commissions").status_code, 404)
        row.with_user(self.manager).message_post(
            body="Your plan pays 10 % on software.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(row.activity_ids, "answered: the activity is done")
        page = self.portal_get(self.portal_pat, "/my/commissions")
        self.assertIn("Your plan pays 10 % on software.", page.text)
        self.assertIn("Answered", page.text)
        self.assertNotIn("o_commission_open_question", page.text)
        self.assertFalse(
            self.env["commission.line"]._portal_questions(self.other_referrer),
            "another reseller sees no question of ours",
        )

    # ------------------------------------------------------------
    # The opportunity's estimate
    # ------------------------------------------------------------

    def test_tier_progress(self):
        rule = self.plan.commission_rule_ids.filtered(
            lambda r: r.category_id == self.categ_software
        )
        rule.tier_ids = [Command.create({"threshold": 5000, "rate": 12})]
        self.book_two_months()
        page = self.portal_get(self.portal_pat, "/my/commissions")
        # this month: invoice B's 2,000 of software, less the credit note of A's software
        # line (1,000), dated this month
        text = re.sub(r"<[^>]+>|\s+", " ", page.text).replace("\xa0", " ")
        text = re.sub(r" +", " ", text)
        amount = self.company.currency_id.format
        self.assertIn(
            f"{amount(1000.0)} of {amount(5000.0)} this month to reach 12 %".replace("\xa0", " "),
            text,
        )

    def test_opportunity_estimate_uses_the_booking_path(self):
        self.add_any_product_rule(3.0)
        lead = self.env["crm.lead"].create(
            {
                "name": "Estimate deal",
                "type": "opportunity",
                "expected_revenue": 10000.0,
                "partner_assigned_id": self.referrer.id,
                "partner_id": self.customer.id,
            }
        )
        page = self.portal_get(self.portal_pat, f"/my/opportunity/{lead.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Your estimated commission", page.text)
        self.assertShows(300.0, page, css="o_commission_estimate")
        self.assertIn("3 % of", page.text)
        # a quotation replaces the expected revenue: its lines, the rules of their products
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": lead.id,
                "referrer_id": self.referrer.id,
                "order_line": [
                    Command.create({"product_id": self.software.id, "price_unit": 2000}),
                    Command.create({"product_id": self.server.id, "price_unit": 400}),
                ],
            }
        )
        (estimate,) = lead._commission_estimate()
        self.assertEqual(estimate["amount"], 220.0)  # 10 % of 2,000 + 5 % of 400
        self.assertEqual(estimate["amount"], order.commission, "the quotation's own estimate")
        # what the won booking would write, from the same adapter
        targets = lead._commission_target_values(self.referrer, self.plan, quotations=True)
        self.assertEqual(sum(t["amount"] for t in targets), estimate["amount"])
        page = self.portal_get(self.portal_pat, f"/my/opportunity/{lead.id}")
        self.assertShows(220.0, page, css="o_commission_estimate")
        # a contact without the right sees the opportunity, not the commission
        lead.partner_assigned_id = self.portal_nina.partner_id.parent_id
        nina = self.portal_get(self.portal_nina, f"/my/opportunity/{lead.id}")
        self.assertEqual(nina.status_code, 200)
        self.assertNotIn("Your estimated commission", nina.text)


class PortalTourMixin:
    def run_portal_tour(self):
        """The partner reads its balance, opens a statement and questions a row, in a
        browser; the question lands as an activity on the row."""
        self.book_two_months()
        self.start_tour("/my", "partner_commission_portal_tour", login=self.portal_pat.login)
        rows = self.env["commission.line"].search([("referrer_id", "=", self.referrer.id)])
        activity = rows.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("tour check", str(activity.note))


@tagged("post_install", "-at_install")
class TestPortalTour(PortalTourMixin, CommissionPortalCommon):
    def test_portal_tour_desktop(self):
        self.run_portal_tour()


@tagged("post_install", "-at_install")
class TestPortalTourPhone(PortalTourMixin, CommissionPortalCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_portal_tour_phone(self):
        self.run_portal_tour()
