from odoo import fields, models


class CommissionReject(models.TransientModel):
    _name = "commission.reject"
    _description = "Reject Commissions"

    line_ids = fields.Many2many(
        "commission.line",
        string="Commissions",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    reason = fields.Text(required=True, help="Kept on the commissions and in their history.")

    def action_reject(self):
        self.ensure_one()
        self.line_ids.action_reject(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
