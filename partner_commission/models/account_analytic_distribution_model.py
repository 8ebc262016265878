from odoo import models


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    def _create_domain(self, fname, value):
        """The domain of core, built on a copy of the partner tags: core adds ``False`` to
        the list it is given, and that list belongs to the arguments that the journal items'
        compute keeps as the key of its cache, so the cache never hit and the models were
        searched again for every line (every line of a commission RFQ's vendor bill: one
        line per paid document, all with the same product and vendor)."""
        if fname == "partner_category_id":
            value = list(value)
        return super()._create_domain(fname, value)
