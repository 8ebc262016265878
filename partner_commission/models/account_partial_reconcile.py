from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._commission_mark_dirty()
        return partials

    @api.ondelete(at_uninstall=False)
    def _unlink_commission_mark_dirty(self):
        """A payment removed (unreconciled) changes what its invoices earn."""
        self._commission_mark_dirty()

    def _commission_mark_dirty(self):
        (self.debit_move_id.move_id | self.credit_move_id.move_id)._commission_mark_dirty()
