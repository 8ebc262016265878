from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSmoke(TransactionCase):
    def test_activation_stages(self):
        names = self.env["res.partner.activation"].search([]).mapped("name")
        self.assertIn("Ramp-up", names)
