from lxml import etree

from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CommissionCommon

RELATIONAL = ("many2one", "many2one_reference", "one2many", "many2many")


@tagged("post_install", "-at_install")
class TestViewsAccess(CommissionCommon):
    """Users without commission rights open the documents the addon extends, and the
    referrer's form shows what is still to be paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = mail_new_test_user(
            cls.env, login="plain.salesman", groups="sales_team.group_sale_salesman"
        )
        cls.accountant = mail_new_test_user(
            cls.env, login="plain.accountant", groups="account.group_account_user"
        )
        cls.buyer = mail_new_test_user(
            cls.env, login="plain.buyer", groups="purchase.group_purchase_user"
        )
        cls.commission_user = mail_new_test_user(
            cls.env,
            login="commission.user",
            groups="partner_commission.group_commission_user",
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _paid_invoice(self, amount=1000.0, referrer=None):
        invoice = self.make_invoice([(self.software, amount, 1)], referrer=referrer)
        self.pay(invoice)
        self.env.cr.flush()  # the precommit sync books the commission
        return invoice

    def _payout(self):
        Ledger = self.env["commission.line"]
        Ledger._commission_release()
        orders = Ledger._commission_payout()
        self.env.cr.flush()
        return orders

    def _spec(self, node, model, models):
        """web_read specification of the fields under ``node`` (not those of sub-views
        of x2many fields), as the web client builds it from the view."""
        fields_info = models[model]["fields"]
        spec = {}
        for field_node in node.iter("field"):
            if field_node is node:
                continue
            parent = field_node.getparent()
            while parent is not None and parent is not node and parent.tag != "field":
                parent = parent.getparent()
            if parent is not None and parent is not node:
                continue  # a field of a sub-view
            name = field_node.get("name")
            info = fields_info.get(name)
            if not info:
                continue
            if info["type"] in ("one2many", "many2many"):
                comodel = info["relation"]
                sub = self._spec(field_node, comodel, models) if comodel in models else {}
                spec[name] = {"fields": sub or {"display_name": {}}}
            elif info["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(name, {})
        return spec

    def _open_form(self, record, user):
        """Load the form view of ``record`` as ``user`` and read what it shows; an
        AccessError fails the test. Returns the values read and the form's arch."""
        record = record.with_user(user)
        views = record.get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        spec = self._spec(etree.fromstring(arch), record._name, views["models"])
        self.assertTrue(spec)
        values = record.web_read(spec)[0]
        record.read([name for name in spec if record._fields[name].type not in RELATIONAL])
        record.invalidate_recordset()
        return values, arch

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_forms_open_without_commission_rights(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "referrer_id": self.referrer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.software.id, "price_unit": 500, "tax_ids": []}
                    )
                ],
            }
        )
        order.action_confirm()
        invoice = self._paid_invoice()
        self.assertTrue(invoice.commission_line_ids)
        rfq = self._payout()
        self.assertEqual(rfq.purchase_type, "commission")
        rfq.button_confirm()
        bill = self.env["account.move"].browse(rfq.action_create_invoice()["res_id"])
        documents = {
            "invoice": invoice,
            "sale order": order,
            "commission RFQ": rfq,
            "commission bill": bill,
            "referrer": self.referrer,
        }
        users = {
            self.salesman: ("invoice", "sale order", "referrer"),
            self.accountant: ("invoice", "sale order", "commission RFQ", "commission bill",
                              "referrer"),
            self.buyer: ("commission RFQ", "commission bill", "referrer"),
        }  # fmt: skip
        for user, names in users.items():
            for name, record in documents.items():
                with self.subTest(user=user.login, document=name):
                    if name not in names:
                        # Odoo itself does not show these documents to these users (no
                        # access to the model, or a record rule: a buyer sees vendor bills)
                        self.assertFalse(record.with_user(user)._filtered_access("read"))
                        continue
                    values, arch = self._open_form(record, user)
                    self.assertEqual(values["id"], record.id)
                    self.assertNotIn("commission_balance", arch, "commission users only")
                    self.assertNotIn("Book a Commission Adjustment", arch)
        # what the commission fields show them
        values, _arch = self._open_form(order, self.salesman)
        self.assertEqual(values["commission"], 50.0)
        values, _arch = self._open_form(rfq, self.buyer)
        self.assertEqual(values["invoice_commission_count"], 1)
        values, _arch = self._open_form(invoice, self.accountant)
        self.assertEqual(values["referrer_id"]["id"], self.referrer.id)

    def test_referrer_balance_smart_button(self):
        manager = self.env.user
        _values, arch = self._open_form(self.referrer, manager)
        self.assertIn('name="action_view_commission_lines"', arch)
        self.assertIn("Book a Commission Adjustment", arch)
        self.assertIn("'default_referrer_id': id", arch, "the adjustment presets the referrer")
        self.assertEqual(self.referrer.commission_balance, 0.0)
        # paid: to pay, then on the draft RFQ
        invoice = self._paid_invoice(1000.0)
        self._paid_invoice(500.0, referrer=self.referrer.copy({"name": "Other reseller"}))
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 100.0)
        rfq = self._payout().filtered(lambda o: o.partner_id == self.referrer)
        self.assertEqual(invoice.commission_line_ids.state, "draft")
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 100.0)
        self.assertEqual(self.referrer.commission_line_count, 1)
        # the form reads it, in the company's currency
        values, _arch = self._open_form(self.referrer, manager)
        self.assertEqual(values["commission_balance"], 100.0)
        self.assertEqual(values["commission_currency_id"]["id"], self.company.currency_id.id)
        # the smart button: the referrer's ledger grouped by state
        action = self.referrer.action_view_commission_lines()
        self.assertEqual(action["res_model"], "commission.line")
        self.assertEqual(
            self.env["commission.line"].search(action["domain"]), invoice.commission_line_ids
        )
        self.assertEqual(action["context"].get("search_default_group_state"), 1)
        # confirmed and billed: still to be paid; the bill paid: nothing left
        rfq.button_confirm()
        self.env.cr.flush()
        self.assertEqual(invoice.commission_line_ids.state, "confirmed")
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 100.0)
        bill = self.env["account.move"].browse(rfq.action_create_invoice()["res_id"])
        bill.invoice_date = invoice.invoice_date
        bill.action_post()
        self.env.cr.flush()
        self.assertEqual(invoice.commission_line_ids.state, "billed")
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 100.0)
        self.pay(bill)
        self.env.cr.flush()
        self.assertEqual(invoice.commission_line_ids.state, "paid")
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 0.0)
        self.assertEqual(self.referrer.commission_line_count, 1)
        # a manual adjustment is to pay again
        with Form(
            self.env["commission.adjustment"].with_context(default_referrer_id=self.referrer.id)
        ) as wizard:
            self.assertEqual(wizard.referrer_id, self.referrer)
            self.assertEqual(wizard.plan_id, self.plan)
            wizard.amount = 40.0
            wizard.reason = "Fair stand"
        wizard.record.action_confirm()
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 40.0)

    def test_balance_of_many_referrers_in_one_query(self):
        referrers = self.referrer | self.referrer.copy({"name": "Second reseller"})
        for referrer in referrers:
            self._paid_invoice(1000.0, referrer=referrer)
        third = self.referrer.copy({"name": "Third reseller"})
        partners = referrers | third
        counts = []
        for records in (partners, self.referrer, partners):  # warm-up first
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            balances = records.mapped("commission_balance")
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(balances, [100.0, 100.0, 0.0])
        self.assertEqual(counts[1], counts[2], "the same queries for 1 and 3 partners")

    def test_commission_user_sees_own_documents_balance(self):
        self._paid_invoice(1000.0)
        referrer = self.referrer.with_user(self.commission_user)
        self.assertEqual(referrer.commission_balance, 0.0, "not the user's invoices")
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.commission_balance, 100.0, "the manager sees it")
        arch = referrer.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("commission_balance", arch)
        self.assertNotIn("Book a Commission Adjustment", arch, "managers only")
        self.assertNotIn("commission_balance", self.referrer.with_user(self.salesman).fields_get())
