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
        following = self._get_partners_following_weight() if "partner_weight" in vals else {}
        res = super().write(vals)
        if following:
            self._sync_partner_weight(following)
        return res

    def _get_partners_following_weight(self):
        """{level: its partners whose weight is still the level's}: the others were set by
        hand and keep their weight."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        return {
            grade: Partner.search(
                [("grade_id", "=", grade.id), ("partner_weight", "=", grade.partner_weight)]
            )
            for grade in self
        }

    def _sync_partner_weight(self, following):
        for grade, partners in following.items():
            partners.write({"partner_weight": grade.partner_weight})
