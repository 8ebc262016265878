import re
from pathlib import Path

from odoo import fields
from odoo.tests import TransactionCase, tagged

README = Path(__file__).resolve().parents[2] / "README.md"
# *A > B > C* in the README: a menu path, or a menu path then a part of its page
PATH_RE = re.compile(r"\*([A-Z][^*]*? > [^*]+?)\*")
# paths that are buttons of a view, not menus
NOT_MENUS = {"Actions > Forward to Partner"}


@tagged("post_install", "-at_install")
class TestReadme(TransactionCase):
    """Every menu path of the README is a menu of the database."""

    def test_menu_paths_exist(self):
        text = " ".join(README.read_text().split())
        paths = {match.strip() for match in PATH_RE.findall(text)} - NOT_MENUS
        self.assertGreater(len(paths), 10)
        # every menu, those of developer mode (Settings > Technical) included
        menus = self.env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True}).search([])
        names = {tuple(menu.complete_name.split("/")) for menu in menus}
        missing = []
        for path in sorted(paths):
            parts = tuple(part.strip() for part in path.split(">"))
            # the path itself, or a menu followed by a setting block / record of its page
            if parts not in names and parts[:-1] not in names:
                missing.append(path)
        self.assertFalse(missing, f"README menu paths not in the UI: {missing}")

    def test_try_the_demo_step_5(self):
        """Golden Gate's draft RFQ of last month waits for the schedule, which confirms it
        and leaves this month's RFQs in draft."""
        golden_gate = self.env.ref("crm_partner_assign.res_partner_reseller_us_demo")
        PurchaseOrder = self.env["purchase.order"]
        drafts = PurchaseOrder.search(
            [("purchase_type", "=", "commission"), ("state", "=", "draft")]
        )
        month_start = fields.Date.context_today(PurchaseOrder).replace(day=1)
        ended = drafts.filtered(lambda o: o.date_order.date() < month_start)
        self.assertEqual(ended.partner_id, golden_gate, "one draft RFQ of an ended period")
        self.assertEqual(len(ended), 1)
        # paid invoices spread over the last six months
        months = {
            (m.invoice_date.year, m.invoice_date.month)
            for m in self.env["account.move"].search(
                [("referrer_id", "!=", False), ("payment_state", "in", ("paid", "in_payment"))]
            )
        }
        self.assertGreaterEqual(len(months), 5)
        with self.enter_registry_test_mode():
            cron = self.env.ref("partner_commission.ir_cron_confirm_commission_orders")
            self.assertIs(cron.method_direct_trigger(), True)
        self.env.invalidate_all()
        self.assertEqual(ended.state, "purchase")
        self.assertEqual(set((drafts - ended).mapped("state")), {"draft"})

    def test_demo_and_tests_run_side_by_side(self):
        """The tests' HTTP port defaults to one the demo does not use, and the demo server
        also logs to .data/logs/."""
        scripts = README.parent / "scripts"

        def default(name, text):
            return re.search(r"\$\{" + name + r":-(\d+)\}", text).group(1)

        run, test = (scripts / "run.sh").read_text(), (scripts / "test.sh").read_text()
        self.assertNotEqual(default("ODOO_TEST_PORT", test), default("ODOO_PORT", run))
        self.assertIn('tee -a "$DATA_DIR/logs/demo.log"', run)
        self.assertIn(f"| `ODOO_TEST_PORT` | `{default('ODOO_TEST_PORT', test)}` |",
                      README.read_text())  # fmt: skip
