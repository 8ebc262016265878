from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestRuleEngine(CommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.empty_pricelist = cls.env["product.pricelist"]

    def _plan(self, rules, **values):
        return self.env["commission.plan"].create(
            {"name": "Engine", "commission_rule_ids": [Command.create(r) for r in rules], **values}
        )

    def _refer(self, plan):
        self.referrer.commission_plan_id = plan

    def _paid(self, lines, date=None):
        invoice = self.make_invoice(lines, post=False)
        if date:
            invoice.invoice_date = date
        invoice.action_post()
        self.pay(invoice)
        self.sync()
        return invoice

    # ------------------------------------------------------------
    # Conditions and precedence
    # ------------------------------------------------------------

    def test_each_condition_and_the_precedence_order(self):
        country_be = self.env.ref("base.be")
        tag = self.env["res.partner.category"].create({"name": "Key account"})
        team = self.env["crm.team"].create({"name": "Channel team"})
        template = self.env["sale.order.template"].create({"name": "Cloud bundle"})
        pricelist = self.env["product.pricelist"].create({"name": "Partner prices"})
        customer = self.env["res.partner"].create(
            {"name": "Belgian key account", "country_id": country_be.id, "category_id": tag.ids}
        )
        today = fields.Date.today()
        plan = self._plan(
            [
                {"category_id": self.categ_all.id, "rate": 1, "sequence": 1},
                {"category_id": self.categ_all.id, "country_ids": country_be.ids, "rate": 2},
                {
                    "category_id": self.categ_all.id,
                    "country_ids": country_be.ids,
                    "partner_category_ids": tag.ids,
                    "rate": 3,
                },
                {"category_id": self.categ_all.id, "pricelist_id": pricelist.id, "rate": 4},
                {"category_id": self.categ_all.id, "template_id": template.id, "rate": 5},
                {"category_id": self.categ_software.id, "rate": 6},
                {"category_id": self.categ_software.id, "team_ids": team.ids, "rate": 7},
                {
                    "category_id": self.categ_software.id,
                    "date_start": today + relativedelta(days=1),
                    "rate": 9,
                },
            ]
        )

        def rate(product, partner=None, team=None, template=None, pricelist=None, date=today):
            rule = plan._match_rule(
                product, pricelist or self.empty_pricelist, partner, team, template, date
            )
            return rule.rate

        # countries, then tags: more conditions beat fewer
        self.assertEqual(rate(self.server), 1)
        self.assertEqual(rate(self.server, self.customer), 1, "no country: the plain rule")
        self.assertEqual(rate(self.server, customer), 3)
        # a pricelist beats any number of other conditions, a template beats a pricelist
        self.assertEqual(rate(self.server, customer, pricelist=pricelist), 4)
        self.assertEqual(rate(self.server, customer, template=template, pricelist=pricelist), 5)
        # a deeper category beats its parent whatever the other conditions
        self.assertEqual(rate(self.software, customer, template=template, pricelist=pricelist), 6)
        self.assertEqual(rate(self.software, team=team), 7, "a team condition")
        # validity dates on the document date
        self.assertEqual(rate(self.software, date=today + relativedelta(days=2)), 9)
        self.assertEqual(rate(self.software, team=team, date=today + relativedelta(days=2)), 7)
        # ties: the lower sequence, then the older rule
        tie = plan.commission_rule_ids.create(
            [
                {"plan_id": plan.id, "product_id": self.server.id, "rate": 11, "sequence": 5},
                {"plan_id": plan.id, "product_id": self.server.id, "rate": 12, "sequence": 5},
                {"plan_id": plan.id, "product_id": self.server.id, "rate": 13, "sequence": 7},
            ]
        )
        self.assertEqual(rate(self.server), 11)
        tie[0].sequence = 6
        self.assertEqual(rate(self.server), 12)

    def test_conditions_in_the_booking_of_an_invoice(self):
        country_be = self.env.ref("base.be")
        self.customer.country_id = country_be
        plan = self._plan(
            [
                {"category_id": self.categ_all.id, "rate": 2},
                {"category_id": self.categ_all.id, "country_ids": country_be.ids, "rate": 8},
            ]
        )
        self._refer(plan)
        invoice = self._paid([(self.server, 1000, 1)])
        self.assertEqual(self.booked(invoice), 80.0)
        self.assertIn("8 % of", self.ledger(invoice).name)

    # ------------------------------------------------------------
    # Amounts
    # ------------------------------------------------------------

    def test_rate_plus_fixed_amount_plus_per_unit(self):
        plan = self._plan(
            [
                {
                    "category_id": self.categ_software.id,
                    "rate": 10,
                    "fixed_amount": 50,
                    "amount_per_unit": 2,
                },
                {"category_id": self.categ_hardware.id, "rate": 5},
            ]
        )
        self._refer(plan)
        # software: 3 × 1,000 at 10 % + 3 units × 2 + 50 once = 356; support (same rule):
        # 2 × 100 at 10 % + 2 units × 2 = 24; server: 500 at 5 % = 25
        invoice = self._paid(
            [(self.software, 1000, 3), (self.support, 100, 2), (self.server, 500, 1)]
        )
        rows = self.ledger(invoice)
        by_product = {r.product_id: r.amount for r in rows}
        self.assertEqual(by_product, {self.software: 356.0, self.support: 24.0, self.server: 25.0})
        software_row = rows.filtered(lambda r: r.product_id == self.software)
        self.assertIn("per deal", software_row.name)
        self.assertIn("per unit", software_row.name)
        # the quotation's estimate gives the same amount
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": self.referrer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": p.id,
                            "price_unit": price,
                            "product_uom_qty": qty,
                            "tax_ids": [],
                        }
                    )
                    for p, price, qty in (
                        (self.software, 1000, 3),
                        (self.support, 100, 2),
                        (self.server, 500, 1),
                    )
                ],
            }
        )
        self.assertEqual(order.commission, 405.0)
        self.assertIn("per deal", order.commission_explanation)
        # a full credit note takes the fixed amount back too
        self.refund(invoice)
        self.assertEqual(self.booked(invoice), 0.0)

    def test_period_cap_books_up_to_the_cap_and_says_why(self):
        plan = self._plan([{"category_id": self.categ_software.id, "rate": 10, "period_cap": 150}])
        self._refer(plan)
        first = self._paid([(self.software, 1000, 1)])
        second = self._paid([(self.software, 1000, 1)])
        self.assertEqual(self.booked(first), 100.0)
        self.assertEqual(self.booked(second), 50.0, "only what is left of the period's cap")
        self.assertIn("period cap of", self.ledger(second).name)
        self.assertIn("50.00", self.ledger(second).name)
        # the next period has its cap again
        last_quarter = fields.Date.today() - relativedelta(months=3)
        earlier = self._paid([(self.software, 1000, 1)], date=last_quarter)
        self.assertEqual(self.booked(earlier), 100.0)

    # ------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------

    def _tier_plan(self, mode):
        return self._plan(
            [
                {
                    "category_id": self.categ_all.id,
                    "rate": 10,
                    "tier_mode": mode,
                    "tier_ids": [Command.create({"threshold": 50000, "rate": 12})],
                }
            ],
            period="quarter",
        )

    def test_marginal_tiers_each_band_at_its_rate(self):
        self._refer(self._tier_plan("marginal"))
        first = self._paid([(self.software, 40000, 1)])
        second = self._paid([(self.software, 20000, 1)])
        self.assertEqual(self.booked(first), 4000.0)
        # 10,000 up to the threshold at 10 %, 10,000 above it at 12 %
        self.assertEqual(self.booked(second), 2200.0)
        self.assertIn("tier 2 of 2", self.ledger(second).name)
        self.assertEqual(len(self.ledger(first)), 1, "marginal: earlier invoices unchanged")

    def test_whole_period_tiers_true_up_both_ways(self):
        self._refer(self._tier_plan("whole"))
        first = self._paid([(self.software, 40000, 1)])
        self.assertEqual(self.booked(first), 4000.0)
        second = self._paid([(self.software, 20000, 1)])
        # 60,000 in the quarter: all of it at 12 %; the first invoice gets a true-up row
        self.assertEqual(self.booked(second), 2400.0)
        self.assertEqual(self.booked(first), 4800.0)
        true_up = self.ledger(first)[-1]
        self.assertEqual(true_up.amount, 800.0)
        self.assertIn("up from 10 % (true-up)", true_up.name)
        self.assertEqual(true_up.base, 0.0, "a true-up adds no base")
        # the true-ups go on the RFQ as new lines
        self.payout()
        self.assertEqual(self.commission_orders().amount_untaxed, 7200.0)
        # each RFQ line says how its rows were computed
        descriptions = "\n".join(self.commission_orders().order_line.mapped("name"))
        self.assertIn("tier 2 of 2", descriptions)
        self.assertIn("(true-up)", descriptions)
        # a credit note of 15,000 drops the quarter to 45,000: back to 10 % everywhere
        self.refund(second, [(self.software, 15000, 1)])
        self.sync()
        self.assertEqual(self.booked(first), 4000.0)
        self.assertEqual(self.booked(second), 500.0)
        self.assertIn("down from 12 %", self.ledger(first)[-1].name)

    def test_the_payout_job_books_the_final_true_up_of_an_ended_period(self):
        plan = self._tier_plan("whole")
        self._refer(plan)
        last_quarter = fields.Date.today() - relativedelta(months=3)
        first = self._paid([(self.software, 40000, 1)], date=last_quarter)
        second = self._paid([(self.software, 20000, 1)], date=last_quarter)
        self.assertEqual(self.booked(first) + self.booked(second), 7200.0)
        # the tier's rate changes after the quarter ended: nothing syncs these invoices...
        plan.commission_rule_ids.tier_ids.rate = 13
        self.assertEqual(self.booked(first), 4800.0)
        # ...until the payout job closes the ended quarter: 60,000 at 13 %
        self.payout()
        self.assertEqual(self.booked(first), 5200.0)
        self.assertEqual(self.booked(second), 2600.0)
        self.assertIn("up from 12 % (true-up)", self.ledger(first)[-1].name)
        # once per ended period
        plan.commission_rule_ids.tier_ids.rate = 14
        self.payout()
        self.assertEqual(self.booked(first), 5200.0)

    def test_each_payout_run_finds_the_whole_period_plans_in_one_query(self):
        """The payout job runs after every booking: it looks up the plans whose tiers pay
        the whole period (their ended periods get a final true-up) in one query of the
        rules, whatever the number of plans and rules; plans of marginal tiers and archived
        plans are not among them."""
        whole = self._tier_plan("whole")
        marginal = self._tier_plan("marginal")
        archived = self._tier_plan("whole")
        archived.active = False
        found = self.env["commission.line"]._commission_whole_tier_plans()
        self.assertIn(whole, found)
        self.assertFalse(found & (marginal | archived), "marginal tiers, archived plan")
        self.payout()  # the ended periods are closed once
        with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            self.payout()
        rules = [line for line in logs.output if 'FROM "commission_rule"' in line]
        plans = [line for line in logs.output if 'FROM "commission_plan"' in line]
        self.assertEqual(len(rules), 1, rules)
        self.assertLessEqual(len(plans), 1, "the periods of the plans found, read at once")

    def test_invoices_booked_in_one_transaction_reach_the_period_rate(self):
        plan = self._tier_plan("whole")
        plan.trigger = "posted"
        self._refer(plan)
        invoices = self.make_invoice([(self.software, 30000, 1)], post=False) | self.make_invoice(
            [(self.software, 30000, 1)], post=False
        )
        invoices.action_post()  # both synced by one commit
        self.sync()
        # 60,000 in the quarter: both at 12 %, whatever their order
        self.assertEqual([self.booked(invoice) for invoice in invoices], [3600.0, 3600.0])

    def test_tiers_across_a_period_boundary(self):
        self._refer(self._tier_plan("whole"))
        last_quarter = fields.Date.today() - relativedelta(months=3)
        earlier = self._paid([(self.software, 40000, 1)], date=last_quarter)
        later = self._paid([(self.software, 20000, 1)])
        # each quarter counts alone: neither reaches 50,000
        self.assertEqual(self.booked(earlier), 4000.0)
        self.assertEqual(self.booked(later), 2000.0)
        more = self._paid([(self.software, 35000, 1)])
        self.assertEqual(self.booked(later), 2400.0, "this quarter reached 55,000")
        self.assertEqual(self.booked(more), 4200.0)
        self.assertEqual(self.booked(earlier), 4000.0, "last quarter is left alone")

    def test_the_estimate_equals_the_booking_of_the_same_order(self):
        self._refer(self._tier_plan("whole"))
        self._paid([(self.software, 40000, 1)])
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": self.referrer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "price_unit": 20000, "tax_ids": []}
                    ),
                    Command.create(
                        {"product_id": self.server.id, "price_unit": 500, "tax_ids": []}
                    ),
                ],
            }
        )
        # 60,500 in the quarter with this order: all of it at 12 %
        self.assertEqual(order.commission, 2460.0)
        self.assertIn("tier 2 of 2", order.commission_explanation)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.pay(invoice)
        self.assertEqual(self.booked(invoice), order.commission)

    # ------------------------------------------------------------
    # Won deals
    # ------------------------------------------------------------

    def test_won_plan_fixed_amount_and_no_second_booking_by_invoices(self):
        plan = self._plan([{"rate": 5, "fixed_amount": 100}], trigger="won")
        self._refer(plan)
        lead = self.env["crm.lead"].create(
            {
                "name": "Deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "partner_assigned_id": self.referrer.id,
                "expected_revenue": 10000,
            }
        )
        lead.action_set_won()
        self.sync()
        self.assertEqual(sum(lead.commission_line_ids.mapped("amount")), 600.0)
        invoice = self._paid([(self.software, 10000, 1)])
        self.assertFalse(self.ledger(invoice), "a won-deal plan books no invoice")
        lead.stage_id = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        lead.action_set_lost()
        self.sync()
        self.assertEqual(sum(lead.commission_line_ids.mapped("amount")), 0.0)

    # ------------------------------------------------------------
    # Simulation
    # ------------------------------------------------------------

    def _simulate(self, plan, rules_plan=None):
        wizard = self.env["commission.simulation"].create(
            {
                "plan_id": plan.id,
                "rules_plan_id": (rules_plan or plan).id,
                "date_from": fields.Date.today() - relativedelta(months=6),
                "date_to": fields.Date.today(),
            }
        )
        wizard.action_simulate()
        return wizard

    def test_simulation_equals_the_booking_and_shows_a_draft_change(self):
        plan = self._plan(
            [
                {"category_id": self.categ_software.id, "rate": 10, "fixed_amount": 20},
                {
                    "category_id": self.categ_hardware.id,
                    "rate": 5,
                    "tier_mode": "whole",
                    "tier_ids": [Command.create({"threshold": 1000, "rate": 8})],
                },
            ]
        )
        self._refer(plan)
        self._paid([(self.software, 1000, 1), (self.server, 600, 1)])
        self._paid([(self.server, 600, 1)])
        half = self.make_invoice([(self.software, 2000, 1)])
        self.pay(half, amount=1000)  # not paid: the paid trigger books nothing yet
        self.sync()
        wizard = self._simulate(plan)
        self.assertEqual(wizard.document_count, 3)
        for line in wizard.line_ids:
            self.assertEqual(line.simulated, line.booked, line.rule_label)
            self.assertFalse(line.difference)
        # software 100 + 20, hardware 1,200 at 8 % = 96
        self.assertEqual(sum(wizard.line_ids.mapped("booked")), 216.0)
        # a draft copy with a higher software rate: only its difference shows
        action = plan.action_make_draft_copy()
        draft = self.env["commission.plan"].browse(action["res_id"])
        self.assertFalse(draft.active)
        self.assertEqual(draft.simulation_of_id, plan)
        draft.commission_rule_ids.filtered(lambda r: r.category_id == self.categ_software).rate = 15
        wizard = self._simulate(plan, draft)
        self.assertEqual(sum(wizard.line_ids.mapped("difference")), 50.0)
        self.assertEqual(sum(wizard.line_ids.mapped("booked")), 216.0, "nothing was booked")
        self.assertEqual(self.env["commission.line"].search_count([("plan_id", "=", draft.id)]), 0)

    # ------------------------------------------------------------
    # Audit and bad input
    # ------------------------------------------------------------

    def test_rule_changes_are_tracked_and_booked_rules_are_archived(self):
        plan = self._plan([{"category_id": self.categ_software.id, "rate": 10}])
        self._refer(plan)
        rule = plan.commission_rule_ids
        invoice = self._paid([(self.software, 1000, 1)])
        rule.rate = 20
        self.assertIn("Rate (%): 10.0 → 20.0", plan.message_ids[0].body)
        # booked rows keep their rate: a later credit note claws back at 10 %
        self.refund(invoice, [(self.software, 500, 1)])
        self.assertEqual(self.booked(invoice), 50.0)
        with self.assertRaises(UserError):
            rule.unlink()
        rule.active = False
        self.assertFalse(plan.commission_rule_ids)
        self.assertIn("Rules added", "".join(plan.message_ids.mapped("body")))
        unused = plan.commission_rule_ids.create({"plan_id": plan.id, "rate": 3})
        unused.unlink()
        self.assertIn("Rules deleted", plan.message_ids[0].body)

    def test_bad_input_is_refused_and_nothing_written(self):
        plan = self._plan([], trigger="won")
        Rule = self.env["commission.rule"]
        today = fields.Date.today()
        bad = [
            {"rate": -1},
            {"rate": 10, "fixed_amount": -5},
            {"rate": 10, "period_cap": -5},
            {"rate": 10, "date_start": today, "date_end": today - relativedelta(days=1)},
            {"rate": 10, "amount_per_unit": 2},
            {"rate": 10, "tier_ids": [Command.create({"threshold": -1, "rate": 5})]},
            {"rate": 10, "tier_ids": [Command.create({"threshold": 100, "rate": 120})]},
            {
                "rate": 10,
                "tier_ids": [
                    Command.create({"threshold": 100, "rate": 12}),
                    Command.create({"threshold": 100, "rate": 14}),
                ],
            },
        ]
        for values in bad:
            with (
                self.subTest(values=values),
                self.assertRaises(ValidationError),
                self.cr.savepoint(),
            ):
                Rule.create({"plan_id": plan.id, **values})
        self.assertFalse(Rule.search([("plan_id", "=", plan.id)]))

    def test_booking_queries_do_not_grow_with_the_number_of_rules(self):
        def booking_queries(rule_count):
            categories = self.env["product.category"].create(
                [{"name": f"C{i}", "parent_id": self.categ_all.id} for i in range(rule_count)]
            )
            plan = self._plan(
                [{"category_id": c.id, "rate": 1 + i % 5} for i, c in enumerate(categories)]
                + [{"category_id": self.categ_software.id, "rate": 10}],
                trigger="posted",
            )
            self._refer(plan)
            invoice = self.make_invoice([(self.software, 1000, 1), (self.support, 100, 1)])
            self.sync()
            self.env.invalidate_all()
            count = self.cr.sql_log_count
            invoice._commission_sync()
            return self.cr.sql_log_count - count

        booking_queries(1)  # the transaction's first booking warms what every one needs
        self.assertEqual(booking_queries(2), booking_queries(30))


@tagged("post_install", "-at_install")
class TestEstimateHover(CommissionCommon, HttpCase):
    def test_the_estimate_explains_itself_on_hover(self):
        self.referrer.commission_plan_id = self.env["commission.plan"].create(
            {
                "name": "Tiered",
                "commission_rule_ids": [
                    Command.create(
                        {
                            "category_id": self.categ_software.id,
                            "rate": 10,
                            "tier_ids": [Command.create({"threshold": 50000, "rate": 12})],
                        }
                    )
                ],
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": self.referrer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "price_unit": 1000, "tax_ids": []}
                    )
                ],
            }
        )
        self.assertEqual(order.commission, 100.0)
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "partner_commission_estimate_tour",
            login=self.env.user.login,
        )
