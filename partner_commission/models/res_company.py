from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    commission_automatic_po_frequency = fields.Selection(
        [
            ("manually", "Manually"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
        ],
        string="Commission RFQ Confirmation",
        required=True,
        default="monthly",
        help="Draft commission RFQs are confirmed automatically once the week, month or "
        "quarter of their order date has ended.",
    )
    commission_po_minimum = fields.Monetary(
        "Minimum Commission RFQ Amount",
        currency_field="currency_id",
        help="Commission RFQs below this total (in company currency) stay in draft and "
        "keep collecting commissions.",
    )

    commission_statement_email = fields.Boolean(
        "Monthly Commission Statements",
        help="Each month, the partners' contacts who see their commissions in the portal get "
        "an email with last month's statement and its link.",
    )
    commission_purchaser_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="Buyer of the commission RFQs. Empty: the salesperson of the first invoice "
        "paid on the RFQ.",
    )

    @api.constrains("commission_po_minimum")
    def _check_commission_po_minimum(self):
        if any(company.commission_po_minimum < 0 for company in self):
            raise ValidationError(self.env._("The minimum commission amount cannot be negative."))
