from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartnerGrade(models.Model):
    _inherit = "res.partner.grade"

    partner_weight = fields.Integer(
        "Level Weight",
        default=1,
        help="Chance that a partner of this level gets a lead in automatic forwarding, "
        "relative to the other levels (0 means never).",
    )

    min_revenue = fields.Monetary(
        "Minimum Revenue",
        currency_field="currency_id",
        help="Paid revenue over the last 12 months that earns this level (customer invoices "
        "referred by the partner or of the opportunities assigned to it, net of refunds, in "
        "the company currency). Level reviews give each partner the highest level it earns.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")

    def _compute_currency_id(self):
        for grade in self:
            grade.currency_id = (grade.company_id or self.env.company).currency_id

    _check_partner_weight = models.Constraint(
        "CHECK(partner_weight >= 0)", "The level weight cannot be negative."
    )

    def write(self, vals):
        """A new weight reaches the level's partners that still have the old one; a weight
        set by hand on a partner stays."""
        following = {}
        if "partner_weight" in vals:
            Partner = self.env["res.partner"].sudo().with_context(active_test=False)
            following = {
                grade: Partner.search(
                    [("grade_id", "=", grade.id), ("partner_weight", "=", grade.partner_weight)]
                )
                for grade in self
            }
        res = super().write(vals)
        for grade, partners in following.items():
            partners.write({"partner_weight": grade.partner_weight})
        return res

    @api.constrains("min_revenue", "sequence", "active", "company_id")
    def _check_min_revenue(self):
        """Thresholds grow with the level: a level with a minimum (lower sequence) never asks
        less than the levels with a minimum after it. A level without minimum (0) is only
        given by reviews when it is the last one."""
        for grade in self:
            if grade.min_revenue < 0:
                raise ValidationError(
                    self.env._(
                        "The minimum revenue of %(level)s cannot be negative.", level=grade.name
                    )
                )
        for company in self.company_id or self.env["res.company"]:
            grades = self.search(
                [
                    ("company_id", "in", [company.id, False] if company else [False]),
                    ("min_revenue", ">", 0),
                ],
                order="sequence, id",
            )
            for higher, lower in zip(grades, grades[1:], strict=False):
                if lower.min_revenue > higher.min_revenue:
                    raise ValidationError(
                        self.env._(
                            "The level %(lower)s asks a revenue of %(lower_revenue)s, more than "
                            "%(higher)s that comes before it (%(higher_revenue)s): the minimum "
                            "revenue must grow with the level.",
                            lower=lower.name,
                            lower_revenue=lower.min_revenue,
                            higher=higher.name,
                            higher_revenue=higher.min_revenue,
                        )
                    )

    @api.model
    def _partner_level_for_revenue(self, revenue, current, company):
        """The level ``revenue`` earns: the first level by sequence with a minimum that it
        reaches, else the last level. The current level stays when it asks the same minimum
        as the one found."""
        grades = self.search([("company_id", "in", [company.id, False])], order="sequence, id")
        candidates = grades.filtered("min_revenue") | grades[-1:]
        earned = next((grade for grade in candidates if revenue >= grade.min_revenue), grades[-1:])
        if current and current in grades and current.min_revenue == earned.min_revenue:
            return current
        return earned
