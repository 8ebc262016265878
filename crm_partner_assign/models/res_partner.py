from odoo import api, fields, models


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
