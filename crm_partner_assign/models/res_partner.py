from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

# what account writes on a partner after each of its invoices, bills and payments
# (``_increase_rank``, in a postcommit cursor that reads one field per query)
RANK_FIELDS = frozenset(("customer_rank", "supplier_rank"))


class ResPartner(models.Model):
    _inherit = "res.partner"

    partner_weight = fields.Integer(
        "Level Weight",
        compute="_compute_partner_weight",
        store=True,
        readonly=False,
        tracking=True,
        help="Chance to get a lead in automatic forwarding, relative to the other partners "
        "(0 means never). Follows the level's weight until set by hand.",
    )
    grade_sequence = fields.Integer(related="grade_id.sequence", store=True)
    activation = fields.Many2one("res.partner.activation", index="btree_not_null", tracking=True)
    date_partnership = fields.Date("Partnership Date")
    date_review = fields.Date("Latest Review")
    date_review_next = fields.Date("Next Review")
    assigned_partner_id = fields.Many2one(
        "res.partner",
        "Implemented by",
        index="btree_not_null",
        help="The partner (reseller) who implemented our solution for this customer.",
    )
    implemented_partner_ids = fields.One2many(
        "res.partner", "assigned_partner_id", string="Implementation References"
    )
    implemented_partner_count = fields.Integer(
        compute="_compute_implemented_partner_count", string="# References"
    )
    assigned_opportunity_count = fields.Integer(
        compute="_compute_assigned_opportunity_count", string="# Assigned Opportunities"
    )

    partner_accepted_count = fields.Integer(
        "Leads Accepted", compute="_compute_partner_acceptance", help="Over the last 90 days."
    )
    partner_declined_count = fields.Integer(
        "Leads Declined", compute="_compute_partner_acceptance", help="Over the last 90 days."
    )
    partner_expired_count = fields.Integer(
        "Leads Not Answered in Time",
        compute="_compute_partner_acceptance",
        help="Leads the partner neither accepted nor declined before the deadline, over the "
        "last 90 days.",
    )
    partner_accept_median_days = fields.Float(
        "Median Days to Accept", compute="_compute_partner_acceptance", digits=(10, 1)
    )
    partner_acceptance_factor = fields.Float(
        "Acceptance Factor",
        compute="_compute_partner_acceptance",
        digits=(3, 2),
        help="(accepted + 1) / (accepted + declined + not answered + 1), over the last 90 "
        "days: 1 for a partner without answers yet. In automatic forwarding a partner's "
        "chance is its effective weight = level weight × acceptance factor, over the total of "
        "the candidates' effective weights.",
    )
    partner_level_revenue = fields.Monetary(
        "Revenue (12 months)",
        compute="_compute_partner_level_revenue",
        currency_field="partner_level_currency_id",
        help="Paid revenue of the last 12 months that counts for the level: customer invoices "
        "of the sales it referred or of the opportunities assigned to it, net of refunds.",
    )
    partner_level_currency_id = fields.Many2one(
        "res.currency", compute="_compute_partner_level_revenue"
    )

    def write(self, vals):
        rank_only = vals.keys() <= RANK_FIELDS  # (nothing written: nothing changes either)
        if rank_only != bool(self.env.context.get("partner_rank_write")):
            self = self.with_context(partner_rank_write=rank_only)
        return super().write(vals)

    def _track_prepare(self, fields_iter):
        if self.env.context.get("partner_rank_write"):
            fields_iter = set(fields_iter) - self._partner_fields_untracked_on_rank_write()
        return super()._track_prepare(fields_iter)

    def _partner_fields_untracked_on_rank_write(self):
        """Tracked fields of the reseller programme that a write of the customer and
        supplier ranks alone cannot change: such a write does not read them for tracking
        (account's rank write after each payment reads each tracked field in a query of
        its own)."""
        return {"grade_id", "partner_weight", "activation"}

    @api.depends("grade_id")
    def _compute_partner_weight(self):
        """A new level sets its weight; a later change of the level's weight reaches only
        the partners that still have the old one (see ``res.partner.grade.write``)."""
        for partner in self:
            partner.partner_weight = partner.grade_id.partner_weight if partner.grade_id else 0

    def _compute_implemented_partner_count(self):
        counts = dict(
            self._read_group(
                [("assigned_partner_id", "in", self.ids)], ["assigned_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.implemented_partner_count = counts.get(partner, 0)

    def _compute_assigned_opportunity_count(self):
        if not self.ids:
            self.assigned_opportunity_count = 0
            return
        counts = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [("partner_assigned_id", "in", self.ids)], ["partner_assigned_id"], ["__count"]
            )
        )
        for partner in self:
            partner.assigned_opportunity_count = counts.get(partner, 0)

    def action_view_assigned_opportunities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assigned to %(partner)s", partner=self.display_name),
            "res_model": "crm.lead",
            "view_mode": "list,kanban,form",
            "views": [
                (self.env.ref("crm.crm_case_tree_view_oppor").id, "list"),
                (self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban"),
                (False, "form"),
            ],
            "search_view_id": [self.env.ref("crm.view_crm_case_opportunities_filter").id],
            "domain": [("partner_assigned_id", "=", self.id)],
            "context": {
                "default_partner_assigned_id": self.id,
                "active_test": False,
            },
        }

    def action_view_implemented_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Implementation References"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("assigned_partner_id", "=", self.id)],
            "context": {"default_assigned_partner_id": self.id},
        }

    def _crm_partner_assign_portal_contacts(self):
        """The partner and its contacts that log into the portal: they get its leads."""
        self.ensure_one()
        users = (self | self.child_ids).sudo().user_ids.filtered(lambda u: u._is_portal())
        return users.partner_id.filtered("email")

    def _crm_partner_assign_has_portal_access(self):
        """True when the partner or one of its contacts can log into the portal."""
        self.ensure_one()
        users = (self | self.child_ids).sudo().user_ids
        return any(user._is_portal() for user in users)

    # ------------------------------------------------------------
    # Acceptance record
    # ------------------------------------------------------------

    def _compute_partner_acceptance(self):
        Acceptance = self.env["crm.partner.acceptance"]
        stats = Acceptance.sudo()._partner_stats(self.commercial_partner_id.ids)
        for partner in self:
            record = stats.get(partner.commercial_partner_id.id) or {}
            partner.partner_accepted_count = record.get("accepted", 0)
            partner.partner_declined_count = record.get("declined", 0)
            partner.partner_expired_count = record.get("expired", 0)
            partner.partner_accept_median_days = record.get("median_days", 0.0)
            partner.partner_acceptance_factor = Acceptance._acceptance_factor(record)

    # ------------------------------------------------------------
    # Level revenue and reviews
    # ------------------------------------------------------------

    @api.model
    def _partner_level_period(self, date_to=None):
        date_to = date_to or fields.Date.context_today(self)
        return date_to - relativedelta(months=12) + relativedelta(days=1), date_to

    def _partner_programme_company(self):
        """The company whose programme the partner is in: its own, else its level's."""
        self.ensure_one()
        return self.company_id or self.grade_id.company_id or self.env.company

    def _compute_partner_level_revenue(self):
        revenues = self.commercial_partner_id._partner_level_revenue(*self._partner_level_period())
        for partner in self:
            partner.partner_level_revenue = revenues.get(partner.commercial_partner_id.id, 0.0)
            partner.partner_level_currency_id = partner._partner_programme_company().currency_id

    def _partner_level_revenue_sources(self):
        """SQL queries of (partner_id, move_id): the customer invoices and credit notes that
        count for the level of each partner of ``self``. Here: the invoices of the sales the
        partner referred (``sale.order.referrer_id``), or else of the sales of opportunities
        assigned to it. Extend it to add sources (an invoice counted twice counts once)."""
        return [
            SQL(
                """SELECT DISTINCT coalesce(so.referrer_id, lead.partner_assigned_id) AS partner_id,
                          aml.move_id
                     FROM sale_order so
                LEFT JOIN crm_lead lead ON lead.id = so.opportunity_id
                     JOIN sale_order_line sol ON sol.order_id = so.id
                     JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                     JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                    WHERE coalesce(so.referrer_id, lead.partner_assigned_id) IN (
                          SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))""",
                self.ids,
            )
        ]

    def _partner_level_revenue(self, date_from, date_to):
        """{commercial partner id: paid revenue} of ``self`` (commercial entities) between
        the two dates (invoice dates): posted customer invoices paid (or in payment, or
        reversed) minus their credit notes (and paid credit notes), untaxed, in the company
        currency. One query."""
        if not self:
            return {}
        self.env.flush_all()
        sources = SQL(" UNION ").join(self._partner_level_revenue_sources())
        rows = self.env.execute_query(
            SQL(
                """WITH src AS (%(sources)s),
                     moves AS (
                        SELECT partner_id, move_id FROM src
                         UNION
                        -- credit notes of these invoices
                        SELECT src.partner_id, r.id
                          FROM src JOIN account_move r ON r.reversed_entry_id = src.move_id
                     )
                SELECT p.commercial_partner_id, sum(m.amount_untaxed_signed)
                  FROM moves
                  JOIN res_partner p ON p.id = moves.partner_id
                  JOIN account_move m ON m.id = moves.move_id
             LEFT JOIN account_move origin ON origin.id = m.reversed_entry_id
                 WHERE m.state = 'posted'
                   AND m.invoice_date BETWEEN %(date_from)s AND %(date_to)s
                   AND p.commercial_partner_id = ANY(%(ids)s)
                   AND (
                        (m.move_type = 'out_invoice'
                         AND m.payment_state IN ('paid', 'in_payment', 'reversed'))
                     OR (m.move_type = 'out_refund'
                         AND (m.payment_state IN ('paid', 'in_payment', 'reversed')
                              OR origin.payment_state IN ('paid', 'in_payment', 'reversed')))
                   )
              GROUP BY p.commercial_partner_id""",
                sources=sources,
                date_from=date_from,
                date_to=date_to,
                ids=self.ids,
            )
        )
        return {partner_id: amount or 0.0 for partner_id, amount in rows}

    @api.model
    def _partner_review_due_domain(self):
        return (
            Domain("grade_id", "!=", False)
            & Domain("date_review_next", "<=", fields.Date.context_today(self))
            & Domain("parent_id", "=", False)
        )

    @api.model
    def _cron_partner_level_review(self):
        """Review the partners due for it: the level their revenue of the last 12 months
        earns is applied or proposed to their salesperson (company setting); the next review
        is set. One partner per committed step."""
        domain = self._partner_review_due_domain()
        partners = self.search(domain, limit=200)
        self.env["ir.cron"]._commit_progress(remaining=self.search_count(domain))
        for partner in partners:
            partner = partner.try_lock_for_update().filtered_domain(domain)
            if partner:
                partner._partner_level_review()
            if not self.env["ir.cron"]._commit_progress(1):
                break

    def _partner_level_review(self):
        """Review the partners' levels today (see ``_cron_partner_level_review``)."""
        today = fields.Date.context_today(self)
        revenues = self._partner_level_revenue(*self._partner_level_period(today))
        for partner in self:
            company = partner._partner_programme_company()
            revenue = revenues.get(partner.id, 0.0)
            earned = self.env["res.partner.grade"]._partner_level_for_revenue(
                revenue, partner.grade_id, company
            )
            values = {
                "date_review": today,
                "date_review_next": today
                + relativedelta(months=int(company.partner_review_months)),
            }
            if earned and earned != partner.grade_id:
                partner._partner_level_review_change(earned, revenue, company, values)
            partner.write(values)

    def _partner_level_review_change(self, earned, revenue, company, values):
        self.ensure_one()
        amount = company.currency_id.format(revenue)
        text = self.env._(
            "Level review: %(revenue)s paid revenue over the last 12 months earns %(earned)s "
            "(now %(current)s).",
            revenue=amount,
            earned=earned.name,
            current=self.grade_id.name,
        )
        if company.partner_review_apply:
            values["grade_id"] = earned.id
            self.message_post(body=text, message_type="notification", subtype_xmlid="mail.mt_note")
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Level review: %(level)s", level=earned.name),
            note=Markup("<p>%s</p>") % text,
            user_id=(self.user_id or self.env.user).id,
        )

    def _partner_level_portal_info(self):
        """What the portal home shows the partner: its level, its revenue over the last 12
        months, the next level and the revenue it lacks for it."""
        self.ensure_one()
        if not self.grade_id:
            return {}
        company = self._partner_programme_company()
        revenue = self._partner_level_revenue(*self._partner_level_period()).get(self.id, 0.0)
        higher = self.env["res.partner.grade"].search(
            [
                ("company_id", "in", [company.id, False]),
                ("sequence", "<", self.grade_id.sequence),
                ("min_revenue", ">", self.grade_id.min_revenue),
            ],
            order="sequence desc, id desc",
            limit=1,
        )
        return {
            "grade": self.grade_id,
            "revenue": revenue,
            "currency": company.currency_id,
            "next_grade": higher,
            "missing": max(higher.min_revenue - revenue, 0.0) if higher else 0.0,
            "date_review_next": self.date_review_next,
        }
