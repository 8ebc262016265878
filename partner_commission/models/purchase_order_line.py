from odoo import api, fields, models
from odoo.tools import SQL


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    commission_line_ids = fields.One2many(
        "commission.line", "purchase_line_id", "Commissions", readonly=True
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_give_back_commissions(self):
        """A deleted commission RFQ line loses no commission: its rows are to pay again."""
        self.commission_line_ids._commission_give_back()

    def _commission_ledger_state(self):
        """The state of the ledger rows on this RFQ line: on a draft RFQ, confirmed, billed
        (a posted vendor bill) or paid (its posted vendor bills paid)."""
        self.ensure_one()
        if self.order_id.state != "purchase":
            return "draft"
        bills = self.invoice_lines.move_id.filtered(lambda m: m.state == "posted")
        if not bills:
            return "confirmed"
        if all(bill.payment_state in ("paid", "in_payment") for bill in bills):
            return "paid"
        return "billed"

    def _commission_lock_for_payout(self):
        """Lock these RFQ lines, which the payout rewrites, as the payout locks their RFQ
        (``purchase.order._commission_draft_for_payout``): a buyer's save in progress is
        waited for, and a change committed since this transaction began raises the
        serialization error without logging it."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM purchase_order_line WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            ),
            log_exceptions=False,
        )
