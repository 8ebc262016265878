from odoo import api, models


class ReportCommissionStatement(models.AbstractModel):
    _name = "report.partner_commission.report_commission_statement"
    _description = "Commission Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The statement of the period in the context (``commission_statement_period``) for
        each referrer, from the same figures as the portal page."""
        Ledger = self.env["commission.line"]
        period = (data or {}).get("period") or self.env.context.get("commission_statement_period")
        Ledger._portal_period_bounds(period)  # a UserError for anything but a period
        docs = self.env["res.partner"].browse(docids).sudo()
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": docs,
            "period": period,
            "period_title": Ledger._portal_period_label(period),
            "statements": {doc.id: Ledger._portal_statement(doc, period) for doc in docs},
            "state_group": Ledger._portal_state_group,
        }
