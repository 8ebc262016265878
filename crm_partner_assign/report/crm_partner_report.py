from odoo import fields, models
from odoo.tools import SQL


class CrmPartnerReportAssign(models.Model):
    _name = "crm.partner.report.assign"
    _description = "Partner Activity Analysis"
    _auto = False
    _order = "partner_id"

    partner_id = fields.Many2one("res.partner", readonly=True)
    grade_id = fields.Many2one("res.partner.grade", "Level", readonly=True)
    activation = fields.Many2one("res.partner.activation", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_partnership = fields.Date("Partnership Date", readonly=True)
    date_review = fields.Date("Latest Review", readonly=True)
    nbr_leads = fields.Integer("# Leads", readonly=True)
    nbr_opportunities = fields.Integer("# Opportunities", readonly=True)
    nbr_won = fields.Integer("# Won", readonly=True)
    expected_revenue = fields.Monetary(readonly=True)
    won_revenue = fields.Monetary(readonly=True)
    turnover = fields.Monetary(
        "Invoiced Turnover",
        readonly=True,
        help="Untaxed amount of the posted customer invoices (less credit notes) of the "
        "sales the partner referred, in company currency.",
    )

    _depends = {
        "account.move": ["state", "move_type"],
        "account.move.line": ["balance", "move_id"],
        "crm.lead": [
            "partner_assigned_id",
            "type",
            "won_status",
            "expected_revenue",
            "active",
        ],
        "res.partner": [
            "activation",
            "country_id",
            "company_id",
            "date_partnership",
            "date_review",
            "grade_id",
            "user_id",
            "active",
        ],
        "sale.order": ["referrer_id"],
        "sale.order.line": ["order_id", "invoice_lines"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id AS id,
                   p.id AS partner_id,
                   p.grade_id AS grade_id,
                   p.activation AS activation,
                   p.user_id AS user_id,
                   p.country_id AS country_id,
                   p.company_id AS company_id,
                   COALESCE(c.currency_id, %(currency_id)s) AS currency_id,
                   p.date_partnership AS date_partnership,
                   p.date_review AS date_review,
                   COALESCE(l.nbr_leads, 0) AS nbr_leads,
                   COALESCE(l.nbr_opportunities, 0) AS nbr_opportunities,
                   COALESCE(l.nbr_won, 0) AS nbr_won,
                   COALESCE(l.expected_revenue, 0) AS expected_revenue,
                   COALESCE(l.won_revenue, 0) AS won_revenue,
                   COALESCE(t.turnover, 0) AS turnover
              FROM res_partner p
         LEFT JOIN res_company c ON c.id = p.company_id
         LEFT JOIN (
                SELECT lead.partner_assigned_id,
                       COUNT(*) FILTER (WHERE lead.type = 'lead') AS nbr_leads,
                       COUNT(*) FILTER (WHERE lead.type = 'opportunity') AS nbr_opportunities,
                       COUNT(*) FILTER (WHERE lead.won_status = 'won') AS nbr_won,
                       SUM(lead.expected_revenue)
                           FILTER (WHERE lead.type = 'opportunity') AS expected_revenue,
                       SUM(lead.expected_revenue)
                           FILTER (WHERE lead.won_status = 'won') AS won_revenue
                  FROM crm_lead lead
                 WHERE lead.active AND lead.partner_assigned_id IS NOT NULL
              GROUP BY lead.partner_assigned_id
         ) l ON l.partner_assigned_id = p.id
         LEFT JOIN (
                SELECT so.referrer_id, SUM(-aml.balance) AS turnover
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE so.referrer_id IS NOT NULL
                   AND am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
              GROUP BY so.referrer_id
         ) t ON t.referrer_id = p.id
             WHERE p.active
               AND (p.grade_id IS NOT NULL OR l.partner_assigned_id IS NOT NULL
                    OR t.referrer_id IS NOT NULL)
            """,
            currency_id=self.env.company.currency_id.id,
        )
