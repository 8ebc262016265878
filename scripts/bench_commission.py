"""Benchmark of partner_commission: the cost of commissioning a paid invoice.

Run through scripts/bench.sh (it prepares PostgreSQL and a fresh database), or by hand:
    python3 scripts/bench_commission.py -d DB [--addons-path ...] [--db_host ...] -- --n 200

It builds referred and unreferred customer invoices of L lines, posts them, registers one
payment per invoice (as a user does) and prints, for the payment step only:
- ms and SQL queries per paid invoice with and without a referrer, and their ratio;
- the addon's booking alone, timed inside the payments (ms, queries, share of the payment);
- the queries the addon adds per paid invoice at L=1 and L=50;
- the time to pay N and 10 x N invoices (linearity);
- the cron's time to confirm the commission RFQs.
Each chunk of invoices and each payment is committed, as in real use (one transaction per
user request), and the tables are analysed after each batch is built: run it on a throwaway
database (scripts/bench.sh creates a fresh one each time).
"""

import argparse
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry


def parse_args():
    argv = sys.argv[1:]
    odoo_args, bench_args = argv, []
    if "--" in argv:
        i = argv.index("--")
        odoo_args, bench_args = argv[:i], argv[i + 1 :]
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000, help="invoices per measured batch")
    parser.add_argument("--lines", type=int, default=10, help="lines per invoice")
    parser.add_argument(
        "--big", type=int, default=10, help="factor of the large run (N x big); 0 skips it"
    )
    parser.add_argument("--referrers", type=int, default=20)
    parser.add_argument(
        "--batch",
        type=int,
        default=50,
        help="invoices paid per 'Register Payment' call (one payment each)",
    )
    parser.add_argument(
        "--mail", action="store_true", help="cron: also email each RFQ (renders its PDF)"
    )
    return odoo_args, parser.parse_args(bench_args)


class Bench:
    def __init__(self, env, opts):
        self.env = env
        self.opts = opts
        self.company = env.company
        self.currency = self.company.currency_id
        self.customers = env["res.partner"].browse()
        categ = env["product.category"].create({"name": "Bench Software"})
        self.products = env["product.product"].create(
            [
                {
                    "name": f"Bench product {i}",
                    "categ_id": categ.id,
                    "list_price": 100.0,
                    "type": "service",
                    "taxes_id": [Command.clear()],
                }
                for i in range(50)
            ]
        )
        plan = env["commission.plan"].create(
            {
                "name": "Bench plan",
                "commission_rule_ids": [Command.create({"category_id": categ.id, "rate": 10.0})],
            }
        )
        grade = env["res.partner.grade"].create({"name": "Bench level"})
        self.referrers = env["res.partner"].create(
            [
                {
                    "name": f"Bench reseller {i}",
                    "grade_id": grade.id,
                    "commission_plan_id": plan.id,
                    "email": f"reseller{i}@bench.example.com",
                }
                for i in range(opts.referrers)
            ]
        )
        self.journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )

    def invoices(self, count, lines, referred):
        # one customer per invoice, as in real life (Odoo matches a customer's payments
        # against each other: a single customer would make core Odoo's cost quadratic)
        customers = self.env["res.partner"].create(
            [{"name": f"Bench customer {len(self.customers) + i}"} for i in range(count)]
        )
        self.customers |= customers
        # built and posted in chunks: posting thousands of moves in one call is slow in
        # core Odoo (and not what users do)
        moves = self.env["account.move"]
        for start in range(0, count, 50):
            chunk = self.env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customers[i].id,
                        "invoice_date": fields.Date.today() - timedelta(days=40),
                        "referrer_id": self.referrers[i % len(self.referrers)].id
                        if referred
                        else False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": self.products[j % 50].id,
                                    "quantity": 1,
                                    "price_unit": 100.0,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                            for j in range(lines)
                        ],
                    }
                    for i in range(start, min(start + 50, count))
                ]
            )
            chunk.action_post()
            self.env.cr.commit()
            self.env.invalidate_all()
            moves |= chunk
        self.env.cr.execute("ANALYZE")
        return moves

    def pay(self, moves):
        """Registers one payment per invoice, ``--batch`` invoices per call; returns
        (seconds, queries)."""
        seconds = queries = 0
        batch = self.opts.batch
        for first in range(0, len(moves), batch):
            t, q = self._pay_request(moves[first : first + batch])
            seconds += t
            queries += q
        return seconds, queries

    @contextmanager
    def booking_timer(self):
        """Times the addon's booking (``account.move._commission_book``) while active;
        yields {'seconds', 'queries'}."""
        Move = type(self.env["account.move"])
        original = Move._commission_book
        stats = {"seconds": 0.0, "queries": 0}

        def timed(moves):
            moves.env.flush_all()
            cr = moves.env.cr
            queries, start = cr.sql_log_count, time.perf_counter()
            result = original(moves)
            moves.env.flush_all()
            stats["seconds"] += time.perf_counter() - start
            stats["queries"] += cr.sql_log_count - queries
            return result

        Move._commission_book = timed
        try:
            yield stats
        finally:
            Move._commission_book = original

    def pay_pair(self, plain, referred):
        """Pays two sets of invoices in alternate requests (one of each in turn), so that
        both see the same table sizes; returns ((seconds, queries), (seconds, queries))."""
        totals = [[0, 0], [0, 0]]
        batch = self.opts.batch
        for first in range(0, max(len(plain), len(referred)), batch):
            for total, moves in zip(totals, (plain, referred), strict=True):
                if moves[first : first + batch]:
                    t, q = self._pay_request(moves[first : first + batch])
                    total[0] += t
                    total[1] += q
        return tuple(totals[0]), tuple(totals[1])

    def _pay_request(self, chunk):
        """One 'Register Payment' request: an empty cache, one payment per invoice, a
        commit; returns (seconds, queries)."""
        cr = self.env.cr
        self.env.invalidate_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=chunk.ids
        ).create(
            {
                "payment_date": chunk[0].invoice_date,
                "journal_id": self.journal.id,
                "group_payment": False,
            }
        )._create_payments()
        cr.commit()
        return time.perf_counter() - start, cr.sql_log_count - queries


def main():
    odoo_args, opts = parse_args()
    odoo.tools.config.parse_config(odoo_args, setup_logging=True)
    db = odoo.tools.config["db_name"]
    db = db[0] if isinstance(db, list | tuple) else db
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench = Bench(env, opts)
        n, lines = opts.n, opts.lines
        out = _Out()

        # warm-up: caches, prepared statements
        bench.pay(bench.invoices(5, lines, True))
        bench.pay(bench.invoices(5, lines, False))

        # both batches are built first, then paid in alternate requests: core Odoo's own
        # payment cost grows with the tables, which must not count against either side
        plain = bench.invoices(n, lines, False)
        referred = bench.invoices(n, lines, True)
        (t_plain, q_plain), (t_ref, q_ref) = bench.pay_pair(plain, referred)
        booked = env["commission.line"].search_count([("move_id", "in", referred.ids)])
        out.append(
            f"invoices per batch (N): {n}, lines per invoice: {lines}, "
            f"invoices per Register Payment call: {opts.batch}"
        )
        out.append(f"commission lines booked for the referred batch: {booked}")
        out.append(
            f"pay, no referrer:   {1000 * t_plain / n:8.1f} ms/invoice  "
            f"{q_plain / n:7.1f} queries/invoice"
        )
        out.append(
            f"pay, with referrer: {1000 * t_ref / n:8.1f} ms/invoice  "
            f"{q_ref / n:7.1f} queries/invoice"
        )
        out.append(
            f"ratio with/without: {t_ref / t_plain:8.3f} (time)  "
            f"added: {1000 * (t_ref - t_plain) / n:.1f} ms, "
            f"{(q_ref - q_plain) / n:.1f} queries per invoice"
        )

        # the addon's own share, timed inside the payments (its deferred writes flushed
        # with it; what was pending before is flushed first, untimed)
        small = max(20, n // 5)
        with bench.booking_timer() as booking:
            t_pay, q_pay = bench.pay(bench.invoices(small, lines, True))
        out.append(
            f"booking alone (inside the payment, {small} invoices): "
            f"{1000 * booking['seconds'] / small:.1f} ms/invoice, "
            f"{booking['queries'] / small:.1f} queries/invoice; "
            f"{100 * booking['seconds'] / t_pay:.1f} % of the payment time "
            f"({1000 * t_pay / small:.1f} ms/invoice)"
        )

        for count_lines in (1, 50):
            small = max(20, n // 5)
            (t_a, q_a), (t_b, q_b) = bench.pay_pair(
                bench.invoices(small, count_lines, False),
                bench.invoices(small, count_lines, True),
            )
            out.append(
                f"L={count_lines:<3} queries/invoice: without {q_a / small:6.1f}, "
                f"with {q_b / small:6.1f}, "
                f"added by the addon {(q_b - q_a) / small:5.1f}; "
                f"ms/invoice without {1000 * t_a / small:.1f}, with {1000 * t_b / small:.1f}"
            )

        # the large run, in chunks of N (each chunk's invoices built, then paid, only
        # the payments timed); prints its progress as it goes
        big = n * opts.big
        t_big = 0.0
        for done in range(n, big + 1, n):
            t_chunk, _q = bench.pay(bench.invoices(n, lines, True))
            t_big += t_chunk
            env.invalidate_all()
            out.append(
                f"  large run: {done}/{big} paid, {t_big:.1f} s so far, "
                f"last chunk {1000 * t_chunk / n:.1f} ms/invoice"
            )
        if big:
            out.append(
                f"pay {n} referred invoices: {t_ref:.1f} s; pay {big}: {t_big:.1f} s; "
                f"ratio {t_big / t_ref:.2f} for {opts.big}x the invoices "
                f"({1000 * t_big / big:.1f} ms/invoice)"
            )

        orders = env["purchase.order"].search(
            [("purchase_type", "=", "commission"), ("state", "=", "draft")]
        )
        lines_count = sum(len(o.order_line) for o in orders)
        start = time.perf_counter()
        q0 = cr.sql_log_count
        env["purchase.order"].with_context(
            commission_confirm_no_mail=not opts.mail
        )._confirm_commission_orders(fields.Date.today() + timedelta(days=120))
        env.flush_all()
        t_cron = time.perf_counter() - start
        confirmed = orders.filtered(lambda o: o.state == "purchase")
        out.append(
            f"cron: confirmed {len(confirmed)}/{len(orders)} commission RFQs "
            f"({lines_count} lines) in {t_cron:.2f} s, {cr.sql_log_count - q0} queries"
        )
        cr.commit()


class _Out(list):
    """Collects the report lines and prints each at once (long runs show progress)."""

    def append(self, line):
        print(line, flush=True)
        super().append(line)


if __name__ == "__main__":
    main()
