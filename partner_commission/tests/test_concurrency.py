"""Two transactions racing, as two Odoo workers do: each test commits its data in its own
cursors (the test transaction cannot be seen by other cursors) and removes it afterwards."""

import logging

import psycopg2

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCommissionConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            plan = env["commission.plan"].create(
                {"name": "Race plan", "commission_rule_ids": [Command.create({"rate": 10.0})]}
            )
            grade = env["res.partner.grade"].create(
                {"name": "Race level", "default_commission_plan_id": plan.id}
            )
            referrer = env["res.partner"].create(
                {"name": "Race reseller", "is_company": True, "grade_id": grade.id}
            )
            product = env["product.product"].create(
                {"name": "Race licence", "type": "service", "taxes_id": [Command.clear()]}
            )
            customer = env["res.partner"].create({"name": "Race customer"})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": fields.Date.today(),
                    "referrer_id": referrer.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 1000, "tax_ids": []}
                        )
                    ],
                }
            )
            invoice.action_post()
            cr.commit()  # pylint: disable=invalid-commit
        self.ids = {
            "plan": plan.id,
            "grade": grade.id,
            "referrer": referrer.id,
            "product": product.id,
            "customer": customer.id,
            "invoice": invoice.id,
        }
        self.envs = [api.Environment(self.env.registry.cursor(), SUPERUSER_ID, {}) for _i in "12"]
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        """Remove all the test committed, so that no later test (nor a rerun on this database)
        finds a plan of it."""
        for env in self.envs:
            env.cr.rollback()
            env.cr.close()
        with self.env.registry.cursor() as cr:
            # the ledger is append-only for users, and posted entries stay: the test removes
            # its own rows in SQL
            cr.execute("DELETE FROM commission_line WHERE referrer_id = %s", [self.ids["referrer"]])
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["purchase.order"].search([("partner_id", "=", self.ids["referrer"])])
            orders.button_cancel()
            orders.unlink()
            payments = env["account.payment"].search([("partner_id", "=", self.ids["customer"])])
            credit_notes = env["account.move"].search(
                [("reversed_entry_id", "=", self.ids["invoice"])]
            )
            moves = env["account.move"].browse(self.ids["invoice"]) | payments.move_id
            moves |= credit_notes
            lines = moves.line_ids.ids or [0]
            cr.execute(
                "DELETE FROM account_partial_reconcile WHERE debit_move_id = ANY(%s) "
                "OR credit_move_id = ANY(%s)",
                [lines, lines],
            )
            cr.execute("DELETE FROM account_payment WHERE id = ANY(%s)", [payments.ids or [0]])
            cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves.ids])
            cr.execute(
                "DELETE FROM account_payment_register WHERE partner_id = %s", [self.ids["customer"]]
            )
            env.invalidate_all()
            env["res.partner.grade"].browse(self.ids["grade"]).unlink()
            env["commission.plan"].browse(self.ids["plan"]).unlink()
            env["product.product"].browse(self.ids["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse([self.ids["referrer"], self.ids["customer"]]).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _pay(self, env):
        invoice = env["account.move"].browse(self.ids["invoice"])
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": invoice.invoice_date})._create_payments()

    def _booked(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*), SUM(amount) FROM commission_line WHERE origin_move_id = %s",
                [self.ids["invoice"]],
            )
            return cr.fetchone()

    def test_one_invoice_is_synced_by_one_transaction_at_a_time(self):
        """Nothing else of the invoice changes (a plan now booking at posting is synced by
        two workers): the sync's own write on the invoice makes the database refuse the
        second one (Odoo retries such a request); it never books twice."""
        env1, env2 = self.envs
        env1["commission.plan"].browse(self.ids["plan"]).trigger = "posted"
        env1.cr.commit()
        env2.cr.execute("SELECT 1")  # the second worker's transaction started before
        env1["account.move"].browse(self.ids["invoice"])._commission_sync()
        env1.cr.commit()
        self.assertEqual(self._booked(), (1, 100.0))
        invoice = env2["account.move"].browse(self.ids["invoice"])
        with (
            self.assertRaises(psycopg2.errors.SerializationFailure),
            mute_logger("odoo.sql_db"),
        ):
            invoice._commission_sync()
        env2.cr.rollback()
        env2["account.move"].browse(self.ids["invoice"])._commission_sync()
        env2.cr.commit()
        self.assertEqual(self._booked(), (1, 100.0))

    def test_a_payment_and_a_sync_in_parallel_book_once(self):
        env1, env2 = self.envs
        env2.cr.execute("SELECT 1")
        self._pay(env1)
        env1.cr.commit()  # the payment's commit syncs the ledger
        self.assertEqual(self._booked(), (1, 100.0))
        with (
            self.assertRaises(psycopg2.errors.SerializationFailure),
            mute_logger("odoo.sql_db"),
        ):
            env2["account.move"].browse(self.ids["invoice"])._commission_sync()
        env2.cr.rollback()
        self.assertEqual(self._booked(), (1, 100.0))

    def test_parallel_payouts_never_open_two_draft_rfqs(self):
        env1, env2 = self.envs
        self._pay(env1)
        env1.cr.commit()
        referrer = env1["res.partner"].browse(self.ids["referrer"])
        company, currency = env1.company, env1.company.currency_id
        env2.cr.execute("SELECT 1")
        Ledger1, Ledger2 = env1["commission.line"], env2["commission.line"]
        first = Ledger1._commission_payout_group(referrer, company, currency)
        self.assertEqual(len(first), 1)
        # while the first worker works on this referrer, the second one skips it
        second = Ledger2._commission_payout_group(
            referrer.with_env(env2), company.with_env(env2), currency.with_env(env2)
        )
        self.assertFalse(second)
        env1.cr.commit()
        # its snapshot predates the first worker's RFQ: the database stops a second draft
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            env2["purchase.order"].create(
                Ledger2._commission_rfq_values(
                    referrer.with_env(env2), company.with_env(env2), currency.with_env(env2)
                )
            )
            env2.flush_all()
        env2.cr.rollback()
        # in a new transaction the second worker finds nothing left to pay for it
        env2["commission.line"]._commission_payout()
        env2.cr.commit()
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM purchase_order WHERE partner_id = %s AND state = 'draft'",
                [self.ids["referrer"]],
            )
            self.assertEqual(cr.fetchone()[0], 1)

    def _draft_rfqs(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM purchase_order WHERE partner_id = %s AND state = 'draft'",
                [self.ids["referrer"]],
            )
            return cr.fetchone()[0]

    def test_a_payout_opening_an_rfq_leaves_the_referrer_contact_alone(self):
        """Someone saves the reseller's contact while the payout opens its RFQ: the payout
        does not write the contact (core's assignment email to the buyer would, for the
        portal link), so it does not fail."""
        env1, env2 = self.envs
        invoice = env1["account.move"].browse(self.ids["invoice"])
        invoice.invoice_user_id = env1.ref("base.user_admin")  # the buyer, not the job's user
        self._pay(env1)
        env1.cr.commit()
        env2.cr.execute("SELECT 1")  # the payout's transaction started before the save
        env1["res.partner"].browse(self.ids["referrer"]).phone = "+32 2 555 01 01"
        env1.cr.commit()
        orders = env2["commission.line"]._commission_payout()
        env2.cr.commit()
        self.assertEqual(len(orders), 1)
        self.assertEqual(orders.user_id, env2.ref("base.user_admin"))
        self.assertIn(orders.user_id.partner_id, orders.message_partner_ids, "buyer follows")
        self.assertEqual(self._draft_rfqs(), 1)

    def _paid_on_rfq(self, env):
        """The invoice paid and put on the referrer's draft RFQ (committed); returns it."""
        self._pay(env)
        env.cr.commit()
        env["commission.line"]._commission_payout()
        env.cr.commit()
        return env["purchase.order"].search([("partner_id", "=", self.ids["referrer"])])

    def _assert_payout_deferred(self, env):
        """The payout in ``env`` defers its referrer: nothing put on an RFQ, one INFO line
        saying so, and no warning or error in the log (Odoo's 'bad query' included)."""
        ledger_logger = "odoo.addons.partner_commission.models.commission_line"
        with (
            self.assertNoLogs("odoo.sql_db", "WARNING"),
            self.assertLogs(ledger_logger, logging.INFO) as logs,
        ):
            orders = env["commission.line"]._commission_payout()
        self.assertFalse(orders)
        self.assertEqual([r.levelno for r in logs.records], [logging.INFO], "no error logged")
        self.assertIn("deferred", logs.output[0])

    def test_a_payout_meeting_a_concurrent_update_is_deferred_not_failed(self):
        """A buyer edits the draft RFQ while the payout adds a line to it: the payout of
        that referrer is left to the next run, which it triggers, without an error nor a
        note on the reseller; the next run adds the line."""
        env1, env2 = self.envs
        order = self._paid_on_rfq(env1)
        self.assertEqual(order.amount_untaxed, 100.0)
        env1["commission.adjustment"].create(
            {"referrer_id": self.ids["referrer"], "amount": 5.0, "reason": "Race bonus"}
        ).action_confirm()
        env1.cr.commit()
        env2.cr.execute("SELECT 1")  # the payout's transaction started before the edit
        order.note = "Checked by purchasing"
        env1.cr.commit()
        referrer = env2["res.partner"].browse(self.ids["referrer"])
        notes = len(referrer.message_ids)
        cron = env2.ref("partner_commission.ir_cron_commission_payout")
        triggers = env2["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self._assert_payout_deferred(env2)
        self.assertEqual(len(referrer.message_ids), notes, "no failure noted on the reseller")
        self.assertEqual(
            env2["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        env2.cr.commit()
        orders = env2["commission.line"]._commission_payout()
        env2.cr.commit()
        self.assertEqual(orders, order.with_env(env2))
        self.assertEqual(orders.amount_untaxed, 105.0)

    def test_a_payout_meeting_an_edited_rfq_line_is_deferred_quietly(self):
        """A buyer edits the RFQ line of an invoice while the payout adds the invoice's
        clawback to that line: the payout of that referrer waits for the next run without
        an error in the log (the line is locked quietly before it is rewritten)."""
        env1, env2 = self.envs
        order = self._paid_on_rfq(env1)
        invoice = env1["account.move"].browse(self.ids["invoice"])
        reversal = (
            env1["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Race refund"})
        )
        credit_note = env1["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.price_unit = 400.0
        credit_note.action_post()
        env1.cr.commit()  # books the clawback, to pay
        env2.cr.execute("SELECT 1")  # the payout's transaction started before the edit
        order.order_line.name = "Checked by purchasing"
        env1.cr.commit()
        self._assert_payout_deferred(env2)
        env2.cr.commit()
        orders = env2["commission.line"]._commission_payout()
        env2.cr.commit()
        self.assertEqual(orders, order.with_env(env2))
        self.assertEqual(orders.order_line.price_unit, 60.0, "the clawback joined the line")
        self.assertEqual(len(orders.order_line), 1)
