from odoo import fields, models


class ResPartnerGrade(models.Model):
    _inherit = "res.partner.grade"

    partner_weight = fields.Integer(
        "Level Weight",
        default=1,
        help="Chance that a partner of this level gets a lead in automatic forwarding, "
        "relative to the other levels (0 means never).",
    )

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
