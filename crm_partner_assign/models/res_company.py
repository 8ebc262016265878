from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    partner_registration_days = fields.Integer(
        "Registration Protection (days)",
        default=90,
        help="Days an approved deal registration stays protected: no other partner may "
        "register the same customer, and the deal is not forwarded to another partner.",
    )
    partner_accept_days = fields.Integer(
        "Days to Accept a Lead",
        default=0,
        help="Days a partner has to accept or decline a forwarded lead before it goes to the "
        "next partner (0: no deadline).",
    )
    partner_review_months = fields.Selection(
        [("3", "Every 3 months"), ("6", "Every 6 months"), ("12", "Every 12 months")],
        "Level Review Frequency",
        default="12",
        required=True,
    )
    partner_review_apply = fields.Boolean(
        "Apply Level Reviews",
        help="Apply the level a review finds directly; otherwise the partner's salesperson "
        "gets an activity proposing it.",
    )

    @api.constrains("partner_registration_days", "partner_accept_days")
    def _check_partner_programme_days(self):
        for company in self:
            if company.partner_registration_days < 0:
                raise ValidationError(
                    self.env._(
                        "The registration protection of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )
            if company.partner_accept_days < 0:
                raise ValidationError(
                    self.env._(
                        "The days to accept a lead of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )
