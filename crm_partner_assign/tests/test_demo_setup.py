from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoSetup(TransactionCase):
    """What the README's walkthrough needs from the demo database."""

    def test_leads_setting_is_on(self):
        """CRM > Sales > Leads exists only with CRM's "Leads" setting."""
        for xmlid in ("base.user_admin", "base.user_demo"):
            with self.subTest(user=xmlid):
                self.assertTrue(self.env.ref(xmlid).has_group("crm.group_use_lead"))
        menu = self.env.ref("crm.crm_menu_leads")
        self.assertIn(menu, self.env["ir.ui.menu"].with_user(self.env.ref("base.user_demo"))
                      .search([("id", "=", menu.id)]))  # fmt: skip
