"""Benchmark of the plan simulation (issue "rule engine"): N posted invoices of L lines for
R referrers on one plan (a rate per category, a per-deal amount, tiers on the whole quarter
so that the simulation makes its two passes), then the Simulate wizard over the quarter.
Prints the set-up time, the simulation's seconds and queries, and its totals.
Run it through scripts/bench_simulation.sh (a fresh database without demo data), or by hand:
    python3 scripts/bench_simulation.py [odoo options] -- --db DB [--n 10000 --lines 10]
Everything is committed: run it on a throwaway database.
"""

import argparse
import sys
import time

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import date_utils


def parse():
    argv = sys.argv[1:]
    odoo_argv, own = (
        (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else ([], argv)
    )
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--n", type=int, default=10000, help="invoices (default 10000)")
    parser.add_argument("--lines", type=int, default=10, help="lines per invoice (default 10)")
    parser.add_argument("--referrers", type=int, default=50)
    parser.add_argument("--batch", type=int, default=200, help="invoices created per commit")
    odoo.tools.config.parse_config(odoo_argv)
    return parser.parse_args(own)


def set_up(env, args):
    Category = env["product.category"]
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", env.company.id)], limit=1
    )
    categories = Category.create(
        [{"name": f"Bench {i}", "property_account_income_categ_id": income.id} for i in range(3)]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {i}",
                "categ_id": categories[i % 3].id,
                "lst_price": 100.0 + i,
                "type": "service",
                "taxes_id": [Command.clear()],
            }
            for i in range(30)
        ]
    )
    plan = env["commission.plan"].create(
        {
            "name": "Bench plan",
            "trigger": "posted",
            "commission_rule_ids": [
                Command.create({"category_id": categories[0].id, "rate": 10, "fixed_amount": 5}),
                Command.create({"category_id": categories[1].id, "rate": 5, "amount_per_unit": 1}),
                Command.create(
                    {
                        "category_id": categories[2].id,
                        "rate": 8,
                        "tier_mode": "whole",
                        "tier_ids": [Command.create({"threshold": 50000, "rate": 10})],
                    }
                ),
            ],
        }
    )
    grade = env["res.partner.grade"].create(
        {"name": "Bench level", "default_commission_plan_id": plan.id}
    )
    referrers = env["res.partner"].create(
        [
            {
                "name": f"Bench reseller {i}",
                "is_company": True,
                "grade_id": grade.id,
                "commission_plan_id": plan.id,
            }
            for i in range(args.referrers)
        ]
    )
    customer = env["res.partner"].create({"name": "Bench customer", "is_company": True})
    return plan, products, referrers, customer


def create_invoices(registry, args, product_ids, referrer_ids, customer_id):
    start = date_utils.start_of(fields.Date.today(), "quarter")
    done = 0
    while done < args.n:
        count = min(args.batch, args.n - done)
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer_id,
                        "invoice_date": fields.Date.add(start, days=(done + i) % 60),
                        "referrer_id": referrer_ids[(done + i) % len(referrer_ids)],
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product_ids[(done + i + j) % len(product_ids)],
                                    "quantity": 1 + j % 3,
                                    "price_unit": 100.0 + j,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                            for j in range(args.lines)
                        ],
                    }
                    for i in range(count)
                ]
            )
            moves.action_post()
        done += count
        print(f"  {done} invoices", flush=True)


def main():
    args = parse()
    registry = Registry(args.db)
    t0 = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        plan, products, referrers, customer = set_up(env, args)
        plan_id, product_ids, referrer_ids, customer_id = (
            plan.id,
            products.ids,
            referrers.ids,
            customer.id,
        )
    create_invoices(registry, args, product_ids, referrer_ids, customer_id)
    setup_s = time.perf_counter() - t0
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        plan = env["commission.plan"].browse(plan_id)
        rows = env["commission.line"].search_count([("plan_id", "=", plan_id)])
        start, end = plan._commission_period(fields.Date.today())
        wizard = env["commission.simulation"].create(
            {"plan_id": plan.id, "rules_plan_id": plan.id, "date_from": start, "date_to": end}
        )
        env.invalidate_all()
        queries = cr.sql_log_count
        t1 = time.perf_counter()
        wizard.action_simulate()
        simulate_s = time.perf_counter() - t1
        queries = cr.sql_log_count - queries
        booked = sum(wizard.line_ids.mapped("booked"))
        simulated = sum(wizard.line_ids.mapped("simulated"))
        documents = wizard.document_count
        cr.rollback()
    print(
        f"set-up: {args.n} invoices x {args.lines} lines, {args.referrers} referrers, "
        f"{rows} ledger rows, {setup_s:.0f} s"
    )
    print(
        f"simulation: {documents} documents, {documents * args.lines} lines: "
        f"{simulate_s:.2f} s, {queries} queries"
    )
    print(f"booked {booked:.2f}, simulated {simulated:.2f}, difference {simulated - booked:.2f}")


if __name__ == "__main__":
    main()
