"""Benchmark of partner_commission against core Odoo and OCA's commission addons.

DESIGN.md "Performance": three databases compared in ONE process, one request at a time,
interleaved (base, oca, ours, base, oca, ours, ...) so that machine noise hits all three
alike:
- base: sale_management, account, purchase;
- oca:  the same + commission_oca, account_commission_oca, sale_commission_oca (19.0): one
  agent (res.partner, agent=True) per referrer, a commission of 10 % fixed, payment based
  (invoice_state 'paid'), assigned to each customer (partner.commission_agent_ids), from
  which OCA puts the agent on every product line of the customer's invoices;
- ours: the same + crm_partner_assign, partner_commission: the invoice's referrer is on a
  10 % plan.
Each keeps one registry; each measured request runs in its own cursor, as in an Odoo HTTP
worker. Run it through scripts/bench.sh (it prepares PostgreSQL and three fresh databases),
or by hand:
    python3 scripts/bench_commission.py [--addons-path ...] [--db_host ...] -- \\
        --base DB1 --oca DB2 --ours DB3 [--quick | --n 200 --rfq-run 1000]

For L = 1, 10, 50 lines per invoice (``--lines``), N invoices per database (``--n``):
- create+post: one invoice per request (cache emptied first, commit after);
- payment: "Register Payment" on one invoice per request (the same);
- each side's batch work, divided by N: OCA's settlement wizard
  (``commission.make.settle``) and the vendor bills made from the settlements
  (``commission.make.invoice``, posted); ours' payout job
  (``commission.line._cron_commission_payout``, absent from old versions: 0 then), the
  confirmation schedule (``purchase.order._confirm_commission_orders``) and the vendor bills
  of the confirmed commission RFQs ("Create Bills" on all of them, as from the list; posted).
It prints ms and SQL queries for each part, the extra cost per paid invoice (the side's
create+post + payment minus baseline's, plus its batch work), its ratio to the baseline
payment and ours/OCA, the queries added per payment request (cold cache), and the payout
job's ms per ledger row. Then the growth with the RFQ: ``--rfq-run`` referred invoices of 10
lines for ONE referrer (one agent for OCA), paid one per request, ours' payout job after
each (all on the same draft RFQ): ms/queries per payment for the first and last fifth.
Everything is committed as in real use: run it on throwaway databases.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry

SIDES = ("base", "oca", "ours")
LABELS = {"base": "baseline", "oca": "OCA", "ours": "ours"}
# batch work of each side, in the report's order
BATCH_PARTS = {
    "base": (),
    "oca": ("settle", "oca_bill"),
    "ours": ("payout", "confirm", "ours_bill"),
}
PART_LABELS = {
    "create": "create+post (per request)",
    "pay": "payment (per request)",
    "settle": "OCA settlement wizard",
    "oca_bill": "OCA vendor bills",
    "payout": "ours payout job",
    "confirm": "ours confirmation schedule",
    "ours_bill": "ours vendor bills",
}
CHUNK = 50  # invoices created per call where creation is not measured


def parse_args():
    argv = sys.argv[1:]
    odoo_args, bench_args = argv, []
    if "--" in argv:
        i = argv.index("--")
        odoo_args, bench_args = argv[:i], argv[i + 1 :]
    parser = argparse.ArgumentParser(
        prog="bench_commission.py [odoo options] --",
        description="Compares baseline, OCA and ours in one process (DESIGN.md Performance).",
    )
    parser.add_argument("--base", required=True, help="database with the baseline addons")
    parser.add_argument("--oca", required=True, help="database with OCA's commission addons")
    parser.add_argument("--ours", required=True, help="database with partner_commission")
    parser.add_argument(
        "--n", type=int, help="invoices per database and L (default 200, --quick 20)"
    )
    parser.add_argument(
        "--lines", default="1,10,50", help="lines per invoice, comma-separated (default 1,10,50)"
    )
    parser.add_argument(
        "--rfq-run",
        type=int,
        help="invoices of the growth run for one referrer (default 1000, --quick 100; 0 skips it)",
    )
    parser.add_argument("--referrers", type=int, default=20, help="referrers (agents) per side")
    parser.add_argument(
        "--scale",
        default="",
        help="ours' database sizes in paid referred invoices, comma-separated (e.g. "
        "1000,10000): the cost per paid invoice at each size (default: not run)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="development run: --n 20 --rfq-run 100"
    )
    parser.add_argument("--output", help="also write the report to this file")
    parser.add_argument(
        "--mail", action="store_true", help="ours' schedule also emails each confirmed RFQ"
    )
    opts = parser.parse_args(bench_args)
    if opts.n is None:
        opts.n = 20 if opts.quick else 200
    if opts.rfq_run is None:
        opts.rfq_run = 100 if opts.quick else 1000
    opts.lines = [int(x) for x in opts.lines.split(",") if x.strip()]
    opts.scale = [int(x) for x in opts.scale.split(",") if x.strip()]
    return odoo_args, opts


class Side:
    """One database: its registry, cursor and environment, and the requests of the bench."""

    def __init__(self, name, db, opts):
        self.name = name
        self.db = db
        self.opts = opts
        self.registry = Registry(db)
        self.cr = self.registry.cursor()
        self.env = api.Environment(self.cr, odoo.SUPERUSER_ID, {})
        self.customer_count = 0

    # ------------------------------------------------------------
    # Set-up
    # ------------------------------------------------------------

    def setup(self):
        env = self.env
        self.company = env.company
        if not self.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", self.company, install_demo=False
            )
        self.chart = self.company.chart_template
        self.accounts = env["account.account"].search_count([])
        self.today = fields.Date.context_today(env["res.partner"])
        self.invoice_date = self.today - timedelta(days=40)
        # the batch work runs after the period of the RFQs (settlements) has ended
        self.batch_day = self.today + timedelta(days=120)
        categ = env["product.category"].create({"name": "Bench Software"})
        self.categ = categ
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
        self.bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.setup_commission()
        self.cr.commit()

    def setup_commission(self):
        self.referrers = [None]

    def new_referrer(self, name):
        return None

    # ------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------

    def customer_values(self, referrer):
        self.customer_count += 1
        return {"name": f"Bench customer {self.customer_count}"}

    def customers(self, referrers):
        """One customer per invoice, as in real life (Odoo matches a customer's payments
        against each other: a single customer would make core Odoo's cost quadratic)."""
        partners = self.env["res.partner"].create([self.customer_values(r) for r in referrers])
        self.cr.commit()
        return partners

    def invoice_values(self, customer, lines, referrer):
        return {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_date": self.invoice_date,
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

    def request(self, function):
        """One user request as an Odoo HTTP worker serves it: its own cursor and environment
        (a new transaction: an empty cache, none of the environments of earlier requests),
        ``function``, a commit (its precommit hooks, flushes); returns (result, seconds,
        queries). While it runs, ``self.env`` is the request's environment; a recordset that
        it returns comes back in the side's own environment.

        The side's own cursor commits before (it holds no lock the request could wait for)
        and after (it then sees what the request wrote), outside the measure."""
        outer = self.env
        self.cr.commit()
        start = time.perf_counter()
        with self.registry.cursor() as cr:
            self.env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            try:
                result = function()
                cr.commit()
                queries = cr.sql_log_count
            finally:
                self.env = outer
        seconds = time.perf_counter() - start
        self.cr.commit()
        outer.invalidate_all()
        if isinstance(result, odoo.models.BaseModel):
            result = result.with_env(outer)
        return result, seconds, queries

    def create_invoice(self, customer, lines, referrer):
        def create():
            move = self.env["account.move"].create(self.invoice_values(customer, lines, referrer))
            move.action_post()
            return move

        return self.request(create)

    def build_invoices(self, customers, lines, referrers):
        """Invoices made and posted in chunks, not measured."""
        moves = self.env["account.move"]
        for start in range(0, len(customers), CHUNK):
            chunk = self.env["account.move"].create(
                [
                    self.invoice_values(customers[i], lines, referrers[i])
                    for i in range(start, min(start + CHUNK, len(customers)))
                ]
            )
            chunk.action_post()
            self.cr.commit()
            self.env.invalidate_all()
            moves |= chunk
        return moves

    def analyze(self):
        self.cr.execute("ANALYZE")
        self.cr.commit()

    def pay(self, move):
        """'Register Payment' on one invoice."""

        _result, seconds, queries = self.request(lambda: self.register_payments(move))
        return seconds, queries

    def register_payments(self, moves):
        """'Register Payment' on ``moves`` (posted invoices of one date): one payment each."""
        moves = moves.with_env(self.env)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=moves.ids
        ).create(
            {
                "payment_date": moves[:1].invoice_date,
                "journal_id": self.bank.id,
                "group_payment": False,
            }
        )._create_payments()

    # ------------------------------------------------------------
    # Batch work: {part: (seconds, queries)}, and rows handled by the payout job
    # ------------------------------------------------------------

    def payout(self):
        return 0.0, 0, 0

    def batch(self):
        return {}

    def check(self, moves):
        """A line saying what the side booked for ``moves`` (paid)."""
        paid = sum(1 for m in moves if m.payment_state in ("paid", "in_payment"))
        return f"{paid}/{len(moves)} invoices paid"

    def close(self):
        self.cr.close()


class OcaSide(Side):
    def setup_commission(self):
        env = self.env
        self.commission = env["commission"].create(
            {
                "name": "Bench 10 %",
                "commission_type": "fixed",
                "fix_qty": 10.0,
                "amount_base_type": "gross_amount",
                "invoice_state": "paid",
            }
        )
        self.referrers = [self.new_referrer(f"Bench agent {i}") for i in range(self.opts.referrers)]
        self.commission_product = env["product.product"].create(
            {
                "name": "Commission",
                "type": "service",
                "sale_ok": False,
                "purchase_ok": True,
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
            }
        )
        self.purchase_journal = env["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", self.company.id)], limit=1
        )

    def new_referrer(self, name):
        return self.env["res.partner"].create(
            {
                "name": name,
                "agent": True,
                "agent_type": "agent",
                "commission_id": self.commission.id,
                "settlement": "monthly",
                "email": f"{name.replace(' ', '.').lower()}@bench.example.com",
            }
        )

    def customer_values(self, referrer):
        # OCA assigns agents per customer: every product line of its invoices gets them
        # (account.move.line._compute_agent_ids from partner.commission_agent_ids)
        vals = super().customer_values(referrer)
        vals["commission_agent_ids"] = [Command.set(referrer.ids)]
        return vals

    def batch(self):
        def settle():
            self.env["commission.make.settle"].create(
                {"date_to": self.batch_day, "settlement_type": "sale_invoice"}
            ).action_settle()

        _r, t_settle, q_settle = self.request(settle)

        def bill():
            env = self.env
            settlements = env["commission.settlement"].search(
                [("state", "=", "settled"), ("settlement_type", "=", "sale_invoice")]
            )
            if not settlements:
                return env["account.move"]
            action = (
                env["commission.make.invoice"]
                .with_context(settlement_ids=settlements.ids)
                .create(
                    {
                        "journal_id": self.purchase_journal.id,
                        "product_id": self.commission_product.id,
                        "date": self.batch_day,
                    }
                )
                .button_create()
            )
            bills = env["account.move"].search(action["domain"])
            bills.action_post()
            return bills

        self.bills, t_bill, q_bill = self.request(bill)
        return {"settle": (t_settle, q_settle), "oca_bill": (t_bill, q_bill)}

    def check(self, moves):
        agent_lines = self.env["account.invoice.line.agent"].search(
            [("invoice_id", "in", moves.ids)]
        )
        settled = agent_lines.filtered("settled")
        return (
            f"{super().check(moves)}; {len(agent_lines)} agent lines "
            f"({sum(agent_lines.mapped('amount')):.2f}), {len(settled)} settled; "
            f"{len(self.bills)} vendor bills posted ({sum(self.bills.mapped('amount_total')):.2f})"
        )


class OursSide(Side):
    def setup_commission(self):
        env = self.env
        self.plan = env["commission.plan"].create(
            {
                "name": "Bench plan",
                "commission_rule_ids": [
                    Command.create({"category_id": self.categ.id, "rate": 10.0})
                ],
            }
        )
        self.grade = env["res.partner.grade"].create({"name": "Bench level"})
        self.referrers = [
            self.new_referrer(f"Bench reseller {i}") for i in range(self.opts.referrers)
        ]
        Line = type(env["commission.line"])
        # the new ledger: the payment books, the payout job puts rows on RFQs; older code
        # does both in the payment (no payout job)
        self.has_payout = hasattr(Line, "_cron_commission_payout")

    def new_referrer(self, name):
        return self.env["res.partner"].create(
            {
                "name": name,
                "grade_id": self.grade.id,
                "commission_plan_id": self.plan.id,
                "email": f"{name.replace(' ', '.').lower()}@bench.example.com",
            }
        )

    def invoice_values(self, customer, lines, referrer):
        vals = super().invoice_values(customer, lines, referrer)
        vals["referrer_id"] = referrer.id
        return vals

    def payout(self):
        if not self.has_payout:
            return 0.0, 0, 0
        rows = self.env["commission.line"].search_count([("state", "=", "to_pay")])
        _r, seconds, queries = self.request(
            lambda: self.env["commission.line"]._cron_commission_payout()
        )
        return seconds, queries, rows

    def batch(self):
        def confirm():
            return (
                self.env["purchase.order"]
                .with_context(commission_confirm_no_mail=not self.opts.mail)
                ._confirm_commission_orders(today=self.batch_day)
            )

        self.confirmed, t_confirm, q_confirm = self.request(confirm)

        def bill():
            # "Create Bills" on the confirmed RFQs selected in the list (as OCA's wizard on
            # the settlements); a bill date is typed only where the bill has none
            confirmed = self.confirmed.with_env(self.env)
            if confirmed:
                confirmed.action_create_invoice()
            bills = confirmed.invoice_ids.filtered(lambda m: m.state == "draft")
            bills.filtered(lambda m: not m.invoice_date).write({"invoice_date": self.batch_day})
            bills.action_post()
            return bills

        self.bills, t_bill, q_bill = self.request(bill)
        return {"confirm": (t_confirm, q_confirm), "ours_bill": (t_bill, q_bill)}

    def paid_referred_invoices(self):
        return self.env["account.move"].search_count(
            [
                ("move_type", "=", "out_invoice"),
                ("referrer_id", "!=", False),
                ("payment_state", "in", ("paid", "in_payment")),
            ]
        )

    def fill(self, count, chunk=100):
        """``count`` paid referred invoices of one line, made, posted and paid (one payment
        each) by chunks, the payout job after each chunk; not measured."""
        for start in range(0, count, chunk):
            size = min(chunk, count - start)
            referrers = [self.referrers[i % len(self.referrers)] for i in range(size)]
            moves = self.build_invoices(self.customers(referrers), 1, referrers)
            self.register_payments(moves)
            self.cr.commit()
            self.env.invalidate_all()
            self.payout()

    def check(self, moves):
        rows = self.env["commission.line"].search([("origin_move_id", "in", moves.ids)])
        on_rfq = rows.filtered("purchase_order_id")
        return (
            f"{super().check(moves)}; {len(rows)} ledger rows ({sum(rows.mapped('amount')):.2f}),"
            f" {len(on_rfq)} on RFQs; {len(self.confirmed)} RFQs confirmed, "
            f"{len(self.bills)} vendor bills posted ({sum(self.bills.mapped('amount_total')):.2f})"
        )


class Stats:
    """Seconds and queries summed per side and part, with the number of requests."""

    def __init__(self):
        self.data = {}

    def add(self, side, part, seconds, queries, count=1):
        entry = self.data.setdefault((side, part), [0.0, 0, 0, []])
        entry[0] += seconds
        entry[1] += queries
        entry[2] += count
        if count == 1:
            entry[3].append(seconds)

    def total(self, side, part):
        seconds, queries, _count, _samples = self.data.get((side, part), (0.0, 0, 0, []))
        return seconds, queries

    def median_ms(self, side, part):
        samples = self.data.get((side, part), (0, 0, 0, []))[3]
        return 1000 * statistics.median(samples) if samples else 0.0


class Bench:
    def __init__(self, opts):
        self.opts = opts
        classes = {"base": Side, "oca": OcaSide, "ours": OursSide}
        self.sides = {name: classes[name](name, getattr(opts, name), opts) for name in SIDES}
        self.out = _Out()

    def run(self):
        opts = self.opts
        for side in self.sides.values():
            side.setup()
        out = self.out
        out.append("Commission benchmark (DESIGN.md Performance): one process, three databases")
        for name, side in self.sides.items():
            out.append(
                f"  {LABELS[name]:<9} {side.db}: chart {side.chart} ({side.accounts} accounts)"
            )
        ours = self.sides["ours"]
        out.append(
            "  ours: "
            + (
                "payment books the ledger, the payout job puts it on RFQs"
                if ours.has_payout
                else "no payout job (the payment puts the commission on the RFQ)"
            )
        )
        out.append(
            f"  N = {opts.n} invoices per database and L, referrers/agents = {opts.referrers}, "
            f"one invoice per request, requests interleaved base/oca/ours"
        )
        self.warm_up()
        results = {}
        for lines in opts.lines:
            results[lines] = self.phase(lines)
        if results:
            self.summary(results)
        if opts.rfq_run:
            self.rfq_growth(opts.rfq_run)
        if opts.scale:
            self.scale_run(opts.scale)
        for side in self.sides.values():
            side.close()

    def warm_up(self):
        """A few invoices of each side through the whole flow: caches, sequences, prepared
        plans; not reported."""
        for side in self.sides.values():
            referrers = [side.referrers[i % len(side.referrers)] for i in range(5)]
            moves = side.build_invoices(side.customers(referrers), 10, referrers)
            for move in moves:
                side.pay(move)
            side.payout()
            side.batch()

    def phase(self, lines):
        n = self.opts.n
        stats = Stats()
        customers, referrers = {}, {}
        for name, side in self.sides.items():
            referrers[name] = [side.referrers[i % len(side.referrers)] for i in range(n)]
            customers[name] = side.customers(referrers[name])
        moves = {name: side.env["account.move"] for name, side in self.sides.items()}
        for i in range(n):
            for name, side in self.sides.items():
                move, seconds, queries = side.create_invoice(
                    customers[name][i], lines, referrers[name][i]
                )
                moves[name] |= move
                stats.add(name, "create", seconds, queries)
        for side in self.sides.values():
            side.analyze()
        for i in range(n):
            for name, side in self.sides.items():
                stats.add(name, "pay", *side.pay(moves[name][i]))
        payout_rows = 0
        for name, side in self.sides.items():
            if name == "ours":
                seconds, queries, payout_rows = side.payout()
                stats.add(name, "payout", seconds, queries, count=0)
            for part, (seconds, queries) in side.batch().items():
                stats.add(name, part, seconds, queries, count=0)
        checks = {name: side.check(moves[name].with_env(side.env)) for name, side in
                  self.sides.items()}  # fmt: skip
        result = self.report_phase(lines, stats, payout_rows, checks)
        return result

    # ------------------------------------------------------------
    # Report
    # ------------------------------------------------------------

    def report_phase(self, lines, stats, payout_rows, checks):
        n = self.opts.n
        out = self.out

        def cell(side, part):
            seconds, queries = stats.total(side, part)
            return f"{1000 * seconds / n:9.1f} ms {queries / n:7.1f} q"

        out.append("")
        out.append(f"=== L = {lines} lines per invoice, N = {n} (per paid invoice: ms, queries)")
        out.append(f"{'':30}" + "".join(f"{LABELS[s]:>22}" for s in SIDES))
        blank = f"{'':>22}"
        for part in ("create", "pay"):
            out.append(f"{PART_LABELS[part]:30}" + "".join(cell(s, part).rjust(22) for s in SIDES))
        out.append(
            f"{'  median ms of a payment':30}"
            + "".join(f"{stats.median_ms(s, 'pay'):9.1f} ms{'':10}".rjust(22) for s in SIDES)
        )
        for side in ("oca", "ours"):
            for part in BATCH_PARTS[side]:
                row = [cell(s, part) if s == side else blank for s in SIDES]
                out.append(f"{PART_LABELS[part]:30}" + "".join(c.rjust(22) for c in row))
        base_t = sum(stats.total("base", p)[0] for p in ("create", "pay"))
        base_q = sum(stats.total("base", p)[1] for p in ("create", "pay"))
        base_pay_t, base_pay_q = stats.total("base", "pay")
        result = {"base_pay": (1000 * base_pay_t / n, base_pay_q / n)}
        extra_cells = {"base": blank}
        ratio_cells = {"base": blank}
        for side in ("oca", "ours"):
            parts = ("create", "pay", *BATCH_PARTS[side])
            t = sum(stats.total(side, p)[0] for p in parts) - base_t
            q = sum(stats.total(side, p)[1] for p in parts) - base_q
            pay_t, pay_q = stats.total(side, "pay")
            result[side] = {
                "extra": (1000 * t / n, q / n),
                "ratio": t / base_pay_t if base_pay_t else 0.0,
                "pay_added_q": (pay_q - base_pay_q) / n,
                "pay_added_ms": 1000 * (pay_t - base_pay_t) / n,
            }
            extra_cells[side] = f"{1000 * t / n:9.1f} ms {q / n:7.1f} q"
            ratio_cells[side] = f"{result[side]['ratio']:9.3f} x"
        out.append(
            f"{'extra per paid invoice':30}" + "".join(extra_cells[s].rjust(22) for s in SIDES)
        )
        out.append(
            f"{'extra / baseline payment':30}" + "".join(ratio_cells[s].rjust(22) for s in SIDES)
        )
        added = {
            s: f"{result[s]['pay_added_ms']:9.1f} ms {result[s]['pay_added_q']:7.1f} q"
            for s in ("oca", "ours")
        }
        added["base"] = blank
        out.append(f"{'added per payment request':30}" + "".join(added[s].rjust(22) for s in SIDES))
        oca_extra = result["oca"]["extra"][0]
        result["ours_oca"] = result["ours"]["extra"][0] / oca_extra if oca_extra else float("nan")
        out.append(f"ours / OCA extra: {result['ours_oca']:.2f}")
        payout_t, payout_q = stats.total("ours", "payout")
        if payout_rows:
            out.append(
                f"ours payout job: {payout_rows} ledger rows in {1000 * payout_t:.0f} ms, "
                f"{1000 * payout_t / payout_rows:.2f} ms and {payout_q / payout_rows:.1f} "
                "queries per row"
            )
        for side in SIDES:
            out.append(f"  check {LABELS[side]}: {checks[side]}")
        return result

    def summary(self, results):
        out = self.out
        out.append("")
        out.append("=== Summary (ms per paid invoice; x = extra / baseline payment)")
        out.append(
            f"{'L':>3} {'base pay':>16} {'OCA extra':>18} {'x':>6} {'ours extra':>18} "
            f"{'x':>6} {'ours/OCA':>9} {'q added/pay OCA':>16} {'ours':>6}"
        )
        for lines, r in results.items():
            out.append(
                f"{lines:>3} {r['base_pay'][0]:7.1f} ms {r['base_pay'][1]:5.0f} q"
                f" {r['oca']['extra'][0]:8.1f} ms {r['oca']['extra'][1]:6.1f} q"
                f" {r['oca']['ratio']:6.3f}"
                f" {r['ours']['extra'][0]:8.1f} ms {r['ours']['extra'][1]:6.1f} q"
                f" {r['ours']['ratio']:6.3f} {r['ours_oca']:9.2f}"
                f" {r['oca']['pay_added_q']:16.1f} {r['ours']['pay_added_q']:6.1f}"
            )
        first, last = min(results), max(results)
        if first != last:
            out.append(
                f"queries added per payment request (cold cache), L={first} -> L={last}: "
                + ", ".join(
                    f"{LABELS[side]} {results[first][side]['pay_added_q']:.1f} -> "
                    f"{results[last][side]['pay_added_q']:.1f}"
                    for side in ("oca", "ours")
                )
            )
        out.append(
            "targets: ours <= 0.5 x OCA's extra at 10 and 50 lines; <= 15 queries added per "
            "payment request, the same at 1 and 50 lines"
        )

    def rfq_growth(self, count):
        """``count`` referred invoices of 10 lines for one new referrer (agent) per side,
        built unmeasured, then paid one per request interleaved, ours' payout job after
        each payment: the draft RFQ collects them all."""
        out = self.out
        referrers, moves = {}, {}
        for name, side in self.sides.items():
            referrer = side.new_referrer("Bench RFQ reseller") or None
            referrers[name] = referrer
            refs = [referrer] * count
            moves[name] = side.build_invoices(side.customers(refs), 10, refs)
            side.analyze()
        samples = {name: [] for name in SIDES}  # (seconds, queries) per payment
        payouts = []  # ours: (seconds, queries, rows)
        for i in range(count):
            for name, side in self.sides.items():
                seconds, queries = side.pay(moves[name][i])
                if name == "ours":
                    p_seconds, p_queries, rows = side.payout()
                    payouts.append((p_seconds, p_queries, rows))
                    seconds += p_seconds
                    queries += p_queries
                samples[name].append((seconds, queries))
        fifth = max(1, count // 5)
        out.append("")
        out.append(
            f"=== Growth with the RFQ: {count} invoices of 10 lines for one referrer/agent, "
            "paid one per request (ours: + payout job), ms and queries per payment"
        )
        out.append(f"{'':18}" + "".join(f"{LABELS[s]:>22}" for s in SIDES))
        for label, part in (("first fifth", slice(0, fifth)), ("last fifth", slice(-fifth, None))):
            cells = []
            for name in SIDES:
                chunk = samples[name][part]
                t = sum(s for s, _q in chunk) / len(chunk)
                q = sum(q for _s, q in chunk) / len(chunk)
                cells.append(f"{1000 * t:9.1f} ms {q:7.1f} q".rjust(22))
            out.append(f"{label:18}" + "".join(cells))
        for label, part in (("first fifth", slice(0, fifth)), ("last fifth", slice(-fifth, None))):
            chunk = payouts[part]
            rows = sum(r for _s, _q, r in chunk)
            t = sum(s for s, _q, _r in chunk)
            q = sum(q for _s, q, _r in chunk)
            if rows:
                out.append(
                    f"ours payout job, {label}: {1000 * t / len(chunk):.1f} ms and "
                    f"{q / len(chunk):.1f} queries per run, {1000 * t / rows:.2f} ms per ledger row"
                )
        ours = self.sides["ours"]
        orders = ours.env["purchase.order"].search(
            [("purchase_type", "=", "commission"), ("partner_id", "=", referrers["ours"].id)]
        )
        out.append(
            f"ours: {len(orders)} commission RFQ(s) for the referrer, states "
            f"{sorted(set(orders.mapped('state')))}, {len(orders.order_line)} lines"
        )
        # the batch work of the run, as a whole
        cells = []
        for name, side in self.sides.items():
            parts = {}
            if name == "ours":
                seconds, queries, _rows = side.payout()
                parts["payout"] = (seconds, queries)
            parts.update(side.batch())
            cells.append(
                f"{LABELS[name]} "
                + ", ".join(
                    f"{PART_LABELS[p].split(' ', 1)[-1]} {1000 * t:.0f} ms {q} q"
                    for p, (t, q) in parts.items()
                )
            )
        out.append("batch work of the run: " + "; ".join(c for c in cells[1:]))

    def scale_run(self, sizes, sample=50):
        """The cost per paid invoice as ours' database grows: ours is filled with paid
        referred invoices (one line each, not measured) up to each size; then ``sample``
        invoices of 10 lines are paid one per request, interleaved with the baseline's (its
        database is not grown: it shows the machine's noise), ours' payout job after each
        payment."""
        out = self.out
        base, ours = self.sides["base"], self.sides["ours"]
        out.append("")
        out.append(
            f"=== Scale: ours' database filled with paid referred invoices of 1 line (paid "
            f"in chunks, not measured); at each size {sample} invoices of 10 lines paid one "
            "per request, interleaved with the baseline's (not grown); ms and queries per "
            "payment"
        )
        out.append(
            f"{'paid invoices':>14}{'ledger rows':>13}{'baseline payment':>26}"
            f"{'ours payment':>26}{'ours payout job':>26}{'ours extra':>12}"
        )
        for size in sizes:
            missing = size - ours.paid_referred_invoices()
            if missing > 0:
                ours.fill(missing)
            refs = [ours.referrers[i % len(ours.referrers)] for i in range(sample)]
            moves = ours.build_invoices(ours.customers(refs), 10, refs)
            base_moves = base.build_invoices(base.customers([None] * sample), 10, [None] * sample)
            ours.analyze()
            base.analyze()
            totals = {"base": [0.0, 0], "ours": [0.0, 0], "payout": [0.0, 0]}
            for base_move, move in zip(base_moves, moves, strict=True):
                seconds, queries = base.pay(base_move)
                totals["base"][0] += seconds
                totals["base"][1] += queries
                seconds, queries = ours.pay(move)
                totals["ours"][0] += seconds
                totals["ours"][1] += queries
                seconds, queries, _rows = ours.payout()
                totals["payout"][0] += seconds
                totals["payout"][1] += queries
            cells = [
                f"{1000 * t / sample:9.1f} ms {q / sample:6.1f} q".rjust(26)
                for t, q in totals.values()
            ]
            extra = (totals["ours"][0] + totals["payout"][0] - totals["base"][0]) / sample
            rows = ours.env["commission.line"].search_count([])
            out.append(
                f"{ours.paid_referred_invoices():>14}{rows:>13}"
                + "".join(cells)
                + f"{1000 * extra:9.1f} ms"
            )


class _Out(list):
    """Collects the report lines and prints each at once (long runs show progress)."""

    def append(self, line):
        print(line, flush=True)
        super().append(line)


def main():
    odoo_args, opts = parse_args()
    odoo.tools.config.parse_config(odoo_args, setup_logging=True)
    bench = Bench(opts)
    bench.run()
    if opts.output:
        with open(opts.output, "w", encoding="utf-8") as file:
            file.write("\n".join(bench.out) + "\n")


if __name__ == "__main__":
    main()
