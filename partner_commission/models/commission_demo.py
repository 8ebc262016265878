"""Demo data of the commission ledger: six months of a reseller programme, replayed in
order so that every ledger state has rows whose story can be followed on the documents."""

from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models


class CommissionDemo(models.AbstractModel):
    _name = "commission.demo"
    _description = "Commission Demo Data"

    @api.model
    def _demo_book_commissions(self):
        """Replay the last six months (M-n: the n-th month before this one):

        ====================  =========================================================
        Brightway (Gold)      invoice of M-6 paid, its RFQ confirmed, billed and paid;
                              a credit note of it in M-4 claws back on the RFQ of
                              M-4 (with a second invoice), confirmed, not billed yet
        Nordlicht (Silver,    invoice of M-5 paid, released after the 30-day hold onto
        30-day hold)          the RFQ of M-4, confirmed and billed (bill not paid);
                              an invoice paid 10 days ago is still held
        Rhône (Bronze,        invoice of M-4 approved and paid out (RFQ of M-3
        approval)             confirmed); of M-1, one waits for approval, one rejected
        Polder (Instalment,   invoice of M-3 paid half (its share on the RFQ of M-3),
        each payment)         the rest in M-2 (RFQ of M-2), that payment removed today
                              (a correction); a new invoice a third paid this month
        Scheldt (Silver)      invoice paid 35 days ago, released: on the draft RFQ; a
                              manual adjustment booked after the last payout: to pay
        Golden Gate (Gold)    invoice of M-1 paid: its draft RFQ of last month waits
                              for the schedule (README, "Try the demo")
        ====================  =========================================================
        """
        company = self.env.company
        if not self._demo_journal("bank") or not self._demo_journal("sale"):
            return  # no chart of accounts: nothing to invoice
        company.write(
            {"commission_automatic_po_frequency": "monthly", "commission_po_minimum": 0.0}
        )
        ref = self.env.ref
        licence = ref("partner_commission.product_licence_demo")
        training = ref("partner_commission.product_training_demo")
        admin, demo = ref("base.user_admin"), ref("base.user_demo", raise_if_not_found=False)
        demo = demo or admin
        referrers = {
            key: ref(f"crm_partner_assign.res_partner_reseller_{key}_demo")
            for key in ("gold", "silver", "bronze", "antwerp", "us", "nl")
        }
        customers = {
            key: ref(f"crm_partner_assign.res_partner_customer_{key}_demo")
            for key in ("dupont", "hafen", "lumiere", "bayarea")
        }
        customers["northwind"] = ref("partner_commission.res_partner_customer_demo")
        self.env["res.partner"].concat(*referrers.values())._commission_plan_follow_grade()
        day = self._demo_day
        today = fields.Date.context_today(self)

        def ago(days):
            return today - relativedelta(days=days)

        # the referred deals, invoiced in date order: key -> referrer, customer, lines,
        # invoice date, salesperson
        deals = {
            "gold_1": ("gold", "dupont", [(licence, 3), (training, 2)], day(6, 5), admin),
            "silver_1": ("silver", "hafen", [(licence, 4)], day(5, 4), demo),
            "gold_2": ("gold", "northwind", [(licence, 2)], day(4, 8), admin),
            "bronze_1": ("bronze", "lumiere", [(licence, 2), (training, 1)], day(4, 10), demo),
            "nl_1": ("nl", "hafen", [(licence, 2), (training, 1)], day(3, 6), admin),
            "antwerp_1": ("antwerp", "bayarea", [(licence, 3), (training, 1)], day(2, 20), demo),
            "us_1": ("us", "bayarea", [(licence, 5), (training, 2)], day(1, 3), admin),
            "bronze_2": ("bronze", "lumiere", [(licence, 3)], day(1, 5), demo),
            "bronze_3": ("bronze", "dupont", [(licence, 1)], day(1, 8), demo),
            "silver_2": ("silver", "hafen", [(licence, 2), (training, 1)], ago(25), demo),
            "nl_2": ("nl", "northwind", [(licence, 5)], ago(20), admin),
        }
        invoices = {}
        for key, (referrer, customer, lines, date, user) in sorted(
            deals.items(), key=lambda item: item[1][3]
        ):
            invoices[key] = self._demo_sell(
                referrers[referrer], customers[customer], lines, date, user
            )

        # M-6: Brightway's first deal paid; the RFQ of M-6 confirmed, billed and paid
        self._demo_pay(invoices["gold_1"], day(6, 20))
        rfq_gold = self._demo_payout(day(6, 20))
        self._demo_schedule(day(5, 1))
        self._demo_bill(rfq_gold, day(5, 3), paid_on=day(5, 15))

        # M-5: Nordlicht's deal paid, held 30 days, paid out in M-4; billed in M-3
        self._demo_pay(invoices["silver_1"], day(5, 12))
        rfq_silver = self._demo_payout(day(4, 12))

        # M-4: Brightway's second deal paid and the training of its first deal refunded (a
        # clawback, on the same RFQ); Rhône's deal paid waits for approval
        self._demo_pay(invoices["gold_2"], day(4, 25))
        self._demo_refund(invoices["gold_1"], training, day(4, 15))
        self._demo_pay(invoices["bronze_1"], day(4, 28))
        self._demo_payout(day(4, 28))
        self._demo_schedule(day(3, 1))
        self._demo_bill(rfq_silver, day(3, 5))

        # M-3: Rhône's deal approved and paid out; Polder's plan books each payment's share
        self.env.cr.flush()
        invoices["bronze_1"].commission_line_ids.filtered(
            lambda row: row.state == "to_approve"
        ).with_user(admin).action_approve()
        self._demo_payout(day(3, 2))
        self._demo_pay(invoices["nl_1"], day(3, 20), share=0.5)
        self._demo_payout(day(3, 20))
        self._demo_schedule(day(2, 1))

        # M-2: Polder's customer pays the rest
        last_instalment = self._demo_pay(invoices["nl_1"], day(2, 12))
        self._demo_payout(day(2, 12))
        self._demo_schedule(day(1, 1))

        # M-1: Golden Gate's deal paid: its RFQ of last month is left for the schedule to
        # confirm; Rhône's deals wait for approval, a manager rejects one of them
        self._demo_pay(invoices["us_1"], day(1, 18))
        self._demo_payout(day(1, 18))
        self._demo_pay(invoices["bronze_2"], day(1, 20))
        self._demo_pay(invoices["bronze_3"], day(1, 22))
        self.env.cr.flush()
        invoices["bronze_3"].commission_line_ids.with_user(admin).action_reject(
            reason="Brightway Solutions registered this deal first: no commission for Rhône."
        )

        # lately: Scheldt's deal paid 35 days ago and released (on its draft RFQ), Nordlicht's
        # paid 10 days ago still held, Polder's last payment removed from its invoice (a
        # correction) and a third of a new invoice paid
        self._demo_pay(invoices["antwerp_1"], ago(35))
        self._demo_pay(invoices["silver_2"], ago(10))
        last_instalment.move_id.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self._demo_pay(invoices["nl_2"], ago(4), share=1 / 3)
        self._demo_payout(None)

        # after the last payout run: a manual adjustment, to pay
        self.env["commission.adjustment"].with_user(admin).create(
            {
                "referrer_id": referrers["antwerp"].id,
                "plan_id": referrers["antwerp"].commission_plan_id.id,
                "amount": 250.0,
                "date": today,
                "reason": "Co-marketing: Scheldt Systems' stand at the Antwerp ERP fair.",
            }
        ).action_confirm()
        self.env.cr.flush()
        self._demo_crons_tonight()

    @api.model
    def _demo_crons_tonight(self):
        """The commission jobs run tonight, as daily jobs do, not when the demo server
        starts: the demo keeps a row to pay and an RFQ for the schedule to confirm (the README
        runs them by hand)."""
        crons = self.env.ref("partner_commission.ir_cron_commission_payout") | self.env.ref(
            "partner_commission.ir_cron_confirm_commission_orders"
        )
        self.env["ir.cron.trigger"].search([("cron_id", "in", crons.ids)]).unlink()
        tonight = fields.Datetime.to_datetime(fields.Date.today()) + relativedelta(days=1, hours=2)
        crons.write({"nextcall": tonight})

    # ------------------------------------------------------------
    # Steps of the story
    # ------------------------------------------------------------

    @api.model
    def _demo_day(self, months_ago, day):
        """Day ``day`` of the month ``months_ago`` months before this one."""
        return fields.Date.context_today(self) + relativedelta(months=-months_ago, day=day)

    @api.model
    def _demo_journal(self, journal_type):
        return self.env["account.journal"].search(
            [("type", "=", journal_type), ("company_id", "=", self.env.company.id)], limit=1
        )

    @api.model
    def _demo_sell(self, referrer, customer, lines, date, user):
        """A referred sales order of ``date``, confirmed, invoiced and posted."""
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "referrer_id": referrer.id,
                "user_id": user.id,
                "date_order": datetime.combine(date, time(9)),
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
            }
        )
        order.action_confirm()
        order.date_order = datetime.combine(date, time(9))  # the confirmation dates it today
        invoice = order._create_invoices()
        invoice.invoice_date = date
        invoice.action_post()
        return invoice

    @api.model
    def _demo_pay(self, move, date, share=None):
        """Register a payment of ``move`` on ``date``: all that is due, or ``share`` of its
        total. Returns the payment."""
        values = {"journal_id": self._demo_journal("bank").id, "payment_date": date}
        if share is not None:
            values["amount"] = move.currency_id.round(move.amount_total * share)
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
            ._create_payments()
        )

    @api.model
    def _demo_refund(self, invoice, product, date):
        """A credit note of ``invoice`` for its ``product`` lines, posted and paid."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": self._demo_journal("sale").id,
                    "date": date,
                    "reason": "Training cancelled by the customer",
                }
            )
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.filtered(lambda line: line.product_id != product).unlink()
        credit_note.invoice_date = date
        credit_note.action_post()
        self._demo_pay(credit_note, date)
        return credit_note

    @api.model
    def _demo_payout(self, date):
        """The payout job run on ``date`` (None: now): the ledger synced, held rows
        released, rows to pay put on draft RFQs, dated that day. Returns the RFQs."""
        self.env.cr.flush()  # the documents are synced to their target before the commit
        Ledger = self.env["commission.line"]
        Ledger._commission_release()
        orders = Ledger._commission_payout()
        if date:
            orders.write({"date_order": datetime.combine(date, time(18))})
        return orders

    @api.model
    def _demo_schedule(self, date):
        """The schedule run on ``date``: RFQs of the periods ended by then confirmed."""
        orders = (
            self.env["purchase.order"]
            .with_context(commission_confirm_no_mail=True)
            ._confirm_commission_orders(today=date)
        )
        orders.write({"date_approve": datetime.combine(date, time(6))})
        return orders

    @api.model
    def _demo_bill(self, order, date, paid_on=None):
        """The vendor bill of a confirmed commission RFQ, posted on ``date`` and paid on
        ``paid_on``."""
        bill = self.env["account.move"].browse(order.action_create_invoice()["res_id"])
        bill.write({"invoice_date": date, "ref": f"{order.partner_id.name} {order.name}"})
        bill.action_post()
        if paid_on:
            self._demo_pay(bill, paid_on)
        self.env.cr.flush()
        return bill
