from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.crm_partner_assign.tests.common import CronRunnerCase


class CommissionCommon(CronRunnerCase, AccountTestInvoicingCommon):
    @classmethod
    def get_default_groups(cls):
        return (
            super().get_default_groups()
            | cls.env.ref("partner_commission.group_commission_manager")
            | cls.env.ref("sales_team.group_sale_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.commission_automatic_po_frequency = "monthly"
        cls.company.commission_po_minimum = 0.0
        Category = cls.env["product.category"]
        cls.categ_all = Category.create({"name": "Commissionable"})
        cls.categ_software = Category.create({"name": "Software", "parent_id": cls.categ_all.id})
        cls.categ_hardware = Category.create({"name": "Hardware", "parent_id": cls.categ_all.id})
        for categ in cls.categ_all | cls.categ_software | cls.categ_hardware:
            categ.property_account_income_categ_id = cls.company_data["default_account_revenue"]
        cls.software = cls._make_product("Software licence", cls.categ_software, 1000.0)
        cls.support = cls._make_product("Support", cls.categ_software, 100.0)
        cls.server = cls._make_product("Server", cls.categ_hardware, 500.0)
        cls.plan = cls.env["commission.plan"].create(
            {
                "name": "Gold plan",
                "commission_rule_ids": [
                    Command.create({"category_id": cls.categ_software.id, "rate": 10.0}),
                    Command.create({"category_id": cls.categ_hardware.id, "rate": 5.0}),
                ],
            }
        )
        cls.grade = cls.env["res.partner.grade"].create(
            {"name": "Gold (test)", "default_commission_plan_id": cls.plan.id}
        )
        cls.referrer = cls.env["res.partner"].create(
            {
                "name": "Reseller SA",
                "is_company": True,
                "grade_id": cls.grade.id,
                "email": "reseller@example.com",
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Customer Ltd", "is_company": True})
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Sally Sales",
                "login": "sally.commission",
                "email": "sally@example.com",
                "group_ids": [Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )

    @classmethod
    def _make_product(cls, name, categ, price):
        return cls.env["product.product"].create(
            {
                "name": name,
                "categ_id": categ.id,
                "lst_price": price,
                "type": "service",
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
            }
        )

    def make_invoice(self, lines, referrer=None, currency=None, post=True, company=None):
        """lines: [(product, price_unit, quantity)]"""
        company = company or self.company
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": fields.Date.today(),
                    "referrer_id": (referrer or self.referrer).id,
                    "invoice_user_id": self.salesman.id,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "price_unit": price,
                                "quantity": qty,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, price, qty in lines
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def pay(self, move, amount=None, **kwargs):
        values = {"payment_date": move.invoice_date, **kwargs}
        if amount is not None:
            values["amount"] = amount
        return (
            self.env["account.payment.register"]
            .with_company(move.company_id)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
            ._create_payments()
        )

    def refund(self, invoice, lines=None):
        """A posted credit note of ``invoice``, whole or for ``lines``."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "test"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        if lines is not None:
            credit_note.invoice_line_ids = [Command.clear()] + [
                Command.create(
                    {"product_id": p.id, "price_unit": price, "quantity": qty, "tax_ids": []}
                )
                for p, price, qty in lines
            ]
        credit_note.action_post()
        return credit_note

    def sync(self):
        """What every commit does first: the cursor's flush runs the pre-commit hooks, where
        the ledger syncs the documents that changed."""
        self.env.cr.flush()

    def run_cron(self, xmlid):
        """The job through Odoo's cron runner, after the commit's sync."""
        self.sync()
        return super().run_cron(xmlid)

    def payout(self):
        """The payout job, through Odoo's cron runner."""
        self.run_cron("partner_commission.ir_cron_commission_payout")

    def ledger(self, document, **domain):
        self.sync()
        return self.env["commission.line"].search(
            [("origin_move_id", "=", document.id)]
            + [(field, "=", value) for field, value in domain.items()],
            order="id",
        )

    def booked(self, document):
        """Net amount booked for a document (rejections aside)."""
        rows = self.ledger(document).filtered(lambda r: r.kind != "rejection")
        return document.currency_id.round(sum(rows.mapped("amount")))

    def commission_orders(self, partner=None):
        return self.env["purchase.order"].search(
            [
                ("purchase_type", "=", "commission"),
                ("partner_id", "=", (partner or self.referrer).id),
            ]
        )
