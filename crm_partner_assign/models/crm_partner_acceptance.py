from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Days of answers that make a partner's acceptance record.
ACCEPTANCE_DAYS = 90


class CrmPartnerAcceptance(models.Model):
    """How a partner answered a lead forwarded to it: accepted, declined, or let its
    acceptance deadline pass. Feeds the acceptance factor of automatic forwarding."""

    _name = "crm.partner.acceptance"
    _description = "Partner Answer to a Forwarded Lead"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    lead_id = fields.Many2one("crm.lead", ondelete="set null", index="btree_not_null")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    result = fields.Selection(
        [("accepted", "Accepted"), ("declined", "Declined"), ("expired", "Not Answered in Time")],
        required=True,
    )
    date_assign = fields.Date("Forwarded On")
    date = fields.Datetime("Answered On", default=fields.Datetime.now, required=True, index=True)
    days_to_answer = fields.Float(compute="_compute_days_to_answer", store=True, digits=(10, 1))

    @api.depends("date_assign", "date")
    def _compute_days_to_answer(self):
        """Days from the forwarding date to the answer's date, both in the user's time zone
        (the forwarding date is the day of the lead's assignment in that time zone)."""
        for answer in self:
            answer.days_to_answer = (
                max((answer._answer_date() - answer.date_assign).days, 0)
                if answer.date_assign and answer.date
                else 0.0
            )

    def _answer_date(self):
        self.ensure_one()
        return fields.Datetime.context_timestamp(self, self.date).date()

    @api.model
    def _record(self, leads, result):
        """Note the answer of each lead's assigned partner (its commercial entity)."""
        values = [
            {
                "partner_id": lead.partner_assigned_id.commercial_partner_id.id,
                "lead_id": lead.id,
                "company_id": (lead.company_id or self.env.company).id,
                "result": result,
                "date_assign": lead.date_partner_assign,
            }
            for lead in leads.sudo()
            if lead.partner_assigned_id
        ]
        return self.sudo().create(values)

    @api.model
    def _partner_stats(self, partner_ids):
        """{partner id: {accepted, declined, expired, median_days}} over the last 90 days,
        in one query."""
        if not partner_ids:
            return {}
        since = fields.Datetime.now() - timedelta(days=ACCEPTANCE_DAYS)
        self.env["crm.partner.acceptance"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT partner_id,
                          count(*) FILTER (WHERE result = 'accepted'),
                          count(*) FILTER (WHERE result = 'declined'),
                          count(*) FILTER (WHERE result = 'expired'),
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_answer)
                              FILTER (WHERE result = 'accepted')
                     FROM crm_partner_acceptance
                    WHERE partner_id = ANY(%s) AND date >= %s
                 GROUP BY partner_id""",
                list(partner_ids),
                since,
            )
        )
        return {
            partner_id: {
                "accepted": accepted,
                "declined": declined,
                "expired": expired,
                "median_days": median or 0.0,
            }
            for partner_id, accepted, declined, expired, median in rows
        }

    @api.model
    def _acceptance_factor(self, stats):
        """(accepted + 1) / (accepted + declined + expired + 1): 1 for a partner with no
        answer yet, lower for each lead it declines or lets expire."""
        if not stats:
            return 1.0
        answered = stats["accepted"] + stats["declined"] + stats["expired"]
        return (stats["accepted"] + 1) / (answered + 1)
