from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CommissionRuleTier(models.Model):
    _name = "commission.rule.tier"
    _description = "Commission Rule Tier"
    _order = "rule_id, threshold, id"

    rule_id = fields.Many2one("commission.rule", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="rule_id.currency_id")
    threshold = fields.Monetary(
        required=True,
        help="Attainment from which this rate applies: the referrer's commissionable base "
        "under the plan in the period, in the plan company's currency.",
    )
    rate = fields.Float("Rate (%)", digits=(5, 2), required=True)

    @api.constrains("threshold", "rate")
    def _check_values(self):
        for tier in self:
            if tier.threshold < 0:
                raise ValidationError(
                    self.env._(
                        "A tier threshold cannot be negative (got %(threshold)s).",
                        threshold=tier.threshold,
                    )
                )
            if not 0 <= tier.rate <= 100:
                raise ValidationError(
                    self.env._(
                        "A tier rate must be between 0 and 100 (got %(rate)s).", rate=tier.rate
                    )
                )

    @api.depends("threshold", "rate", "currency_id")
    def _compute_display_name(self):
        for tier in self:
            tier.display_name = self.env._(
                "from %(threshold)s: %(rate)s %%",
                threshold=tier.currency_id.format(tier.threshold)
                if tier.currency_id
                else tier.threshold,
                rate=f"{tier.rate:g}",
            )
