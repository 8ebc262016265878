from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    partner_registration_days = fields.Integer(
        related="company_id.partner_registration_days", readonly=False
    )
    partner_accept_days = fields.Integer(related="company_id.partner_accept_days", readonly=False)
    partner_review_months = fields.Selection(
        related="company_id.partner_review_months", readonly=False
    )
    partner_review_apply = fields.Boolean(related="company_id.partner_review_apply", readonly=False)
