from odoo import api, fields, models
from odoo.exceptions import UserError


class CommissionAdjustment(models.TransientModel):
    _name = "commission.adjustment"
    _description = "Commission Adjustment"

    referrer_id = fields.Many2one(
        "res.partner",
        required=True,
        domain="[('grade_id', '!=', False)]",
        default=lambda self: self.env.context.get("default_referrer_id"),
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    amount = fields.Monetary(
        required=True, help="Positive: owed to the referrer. Negative: owed by the referrer."
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    plan_id = fields.Many2one(
        "commission.plan", domain="[('company_id', 'in', [company_id, False])]"
    )
    reason = fields.Text(required=True)

    @api.onchange("referrer_id")
    def _onchange_referrer_id(self):
        self.plan_id = self.referrer_id.commission_plan_id

    def action_confirm(self):
        """Book the adjustment as a ledger row to pay."""
        self.ensure_one()
        if self.currency_id.is_zero(self.amount):
            raise UserError(self.env._("An adjustment needs an amount other than zero."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("An adjustment needs a reason."))
        company = self.company_id
        row = (
            self.env["commission.line"]
            .sudo()
            .create(
                {
                    "kind": "adjustment",
                    "name": self.env._("Adjustment by %(user)s", user=self.env.user.name),
                    "reason": self.reason,
                    "referrer_id": self.referrer_id.id,
                    "grade_id": self.referrer_id.grade_id.id,
                    "plan_id": self.plan_id.id,
                    "user_id": self.env.user.id,
                    "company_id": company.id,
                    "currency_id": self.currency_id.id,
                    "company_currency_id": company.currency_id.id,
                    "amount": self.amount,
                    "amount_company": self.currency_id._convert(
                        self.amount, company.currency_id, company, self.date
                    ),
                    "date": self.date,
                    "date_release": self.date,
                    "state": "to_pay",
                }
            )
        )
        self.env.ref("partner_commission.ir_cron_commission_payout")._trigger()
        return {
            "type": "ir.actions.act_window",
            "res_model": "commission.line",
            "view_mode": "form",
            "res_id": row.id,
        }
