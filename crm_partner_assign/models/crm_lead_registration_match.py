from odoo import api, fields, models


class CrmLeadRegistrationMatch(models.Model):
    _name = "crm.lead.registration.match"
    _description = "Deal Registration: Possible Duplicate"
    _order = "lead_id, by_vat desc, similarity desc, id"

    lead_id = fields.Many2one(
        "crm.lead", "Registration", required=True, ondelete="cascade", index=True
    )
    match_lead_id = fields.Many2one(
        "crm.lead", "Matching Lead", ondelete="cascade", index="btree_not_null"
    )
    match_partner_id = fields.Many2one(
        "res.partner", "Matching Customer", ondelete="cascade", index="btree_not_null"
    )
    by_vat = fields.Boolean("Tax ID")
    by_domain = fields.Boolean("Email Domain")
    by_phone = fields.Boolean("Phone")
    by_name = fields.Boolean("Company Name")
    similarity = fields.Float("Name Similarity", digits=(3, 2))
    match_kind = fields.Char("Kind", compute="_compute_match_fields")
    match_name = fields.Char("Match", compute="_compute_match_fields")
    match_company = fields.Char("Company", compute="_compute_match_fields")
    match_email = fields.Char("Email", compute="_compute_match_fields")
    match_phone = fields.Char("Phone Number", compute="_compute_match_fields")
    match_vat = fields.Char("Its Tax ID", compute="_compute_match_fields")
    match_assigned_id = fields.Many2one(
        "res.partner", "Its Partner", compute="_compute_match_fields"
    )
    match_user_id = fields.Many2one("res.users", "Its Salesperson", compute="_compute_match_fields")
    match_registration_state = fields.Selection(
        related="match_lead_id.registration_state", string="Its Registration"
    )
    match_keys = fields.Char("Matches On", compute="_compute_match_fields")

    _check_one_match = models.Constraint(
        "CHECK((match_lead_id IS NULL) <> (match_partner_id IS NULL))",
        "A possible duplicate is either a lead or a customer.",
    )

    @api.depends("match_lead_id", "match_partner_id", "by_vat", "by_domain", "by_phone", "by_name")
    def _compute_match_fields(self):
        labels = {
            "by_vat": self.env._("tax ID"),
            "by_domain": self.env._("email domain"),
            "by_phone": self.env._("phone"),
            "by_name": self.env._("company name"),
        }
        for match in self.sudo():
            lead, partner = match.match_lead_id, match.match_partner_id
            match.match_keys = ", ".join(label for key, label in labels.items() if match[key])
            if lead:
                match.match_kind = (
                    self.env._("Opportunity") if lead.type == "opportunity" else self.env._("Lead")
                )
                match.match_name = lead.name
                match.match_company = (
                    lead.partner_name or lead.partner_id.commercial_partner_id.name
                )
                match.match_email = lead.email_from
                match.match_phone = lead.phone
                match.match_vat = lead.registration_vat or lead.partner_id.commercial_partner_id.vat
                match.match_assigned_id = lead.partner_assigned_id
                match.match_user_id = lead.user_id
            else:
                match.match_kind = self.env._("Customer")
                match.match_name = partner.display_name
                match.match_company = partner.commercial_partner_id.name
                match.match_email = partner.email
                match.match_phone = partner.phone
                match.match_vat = partner.vat
                match.match_assigned_id = partner.assigned_partner_id
                match.match_user_id = partner.user_id

    def action_open_match(self):
        self.ensure_one()
        record = self.match_lead_id or self.match_partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }
