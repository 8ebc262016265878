from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    commission_automatic_po_frequency = fields.Selection(
        related="company_id.commission_automatic_po_frequency", readonly=False
    )
    commission_po_minimum = fields.Monetary(
        related="company_id.commission_po_minimum", readonly=False
    )
    commission_statement_email = fields.Boolean(
        related="company_id.commission_statement_email", readonly=False
    )
    commission_purchaser_id = fields.Many2one(
        related="company_id.commission_purchaser_id", readonly=False
    )
