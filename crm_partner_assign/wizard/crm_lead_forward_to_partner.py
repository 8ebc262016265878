from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CrmLeadForwardToPartner(models.TransientModel):
    _name = "crm.lead.forward.to.partner"
    _description = "Forward Leads to a Partner"

    forward_type = fields.Selection(
        [
            ("single", "A single partner, chosen by hand"),
            ("assigned", "Several partners, chosen by level weight and location"),
        ],
        string="Forward To",
        required=True,
        default=lambda self: self.env.context.get("forward_type") or "single",
    )
    partner_id = fields.Many2one(
        "res.partner",
        domain="[('grade_id', '!=', False)]",
        help="The partner who gets every selected lead.",
    )
    lead_ids = fields.Many2many("crm.lead", string="Leads")
    line_ids = fields.One2many("crm.lead.forward.to.partner.line", "wizard_id", string="Assignment")
    body = fields.Html("Message", help="Shown above the list of leads in the email.")

    @api.model
    def default_get(self, fields):
        res = super().default_get(fields)
        lead_ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "crm.lead" and lead_ids:
            leads = self.env["crm.lead"].browse(lead_ids)
            res["lead_ids"] = [(6, 0, leads.ids)]
            if "partner_id" in fields and len(leads.partner_assigned_id) == 1:
                res.setdefault("partner_id", leads.partner_assigned_id.id)
        return res

    @api.onchange("forward_type", "lead_ids")
    def _onchange_forward_type(self):
        if self.forward_type != "assigned":
            self.line_ids = [(5, 0, 0)]
            return
        choice = self.lead_ids._origin._search_geo_partner()
        self.line_ids = [(5, 0, 0)] + [
            (
                0,
                0,
                {
                    "lead_id": lead.id,
                    "partner_id": choice.get(lead._origin.id, self.env["res.partner"]).id,
                },
            )
            for lead in self.lead_ids
        ]

    def _get_assignments(self):
        """{partner: leads} to forward, after checking the wizard's input."""
        self.ensure_one()
        if not self.lead_ids:
            raise UserError(self.env._("Select at least one lead to forward."))
        Lead = self.env["crm.lead"]
        assignments = {}
        if self.forward_type == "single":
            if not self.partner_id:
                raise UserError(self.env._("Choose the partner to forward the leads to."))
            assignments[self.partner_id] = self.lead_ids
        else:
            no_country = self.lead_ids.filtered(lambda lead: not lead.country_id)
            if no_country:
                raise UserError(
                    self.env._(
                        "Automatic forwarding needs the lead's country. Set a country on: "
                        "%(leads)s.",
                        leads=", ".join(no_country.mapped("name")),
                    )
                )
            chosen = {line.lead_id: line.partner_id for line in self.line_ids if line.partner_id}
            missing = self.lead_ids.filtered(lambda lead: lead not in chosen)
            if missing:
                chosen.update(
                    {
                        Lead.browse(lead_id): partner
                        for lead_id, partner in missing._search_geo_partner().items()
                    }
                )
            for lead, partner in chosen.items():
                assignments[partner] = assignments.get(partner, Lead) | lead
        no_email = [partner.display_name for partner in assignments if not partner.email]
        if no_email:
            raise UserError(
                self.env._(
                    "Set an email address on the partner(s) before forwarding: %(partners)s.",
                    partners=", ".join(no_email),
                )
            )
        return assignments

    def action_forward(self):
        """Assign the leads, make each partner follow its leads and email it the list with
        links to its portal. Leads no partner could take (automatic mode) are tagged and
        reported."""
        self.ensure_one()
        # the partner's salesperson may take the leads out of a salesman's own documents:
        # check the right to change them first, then work on them as superuser
        self.lead_ids.check_access("write")
        assignments = self._get_assignments()
        for partner, leads in assignments.items():
            leads.sudo()._forward_to_partner(partner, self.body)
        unassigned = self.lead_ids - self.env["crm.lead"].union(*assignments.values())
        if not unassigned:
            return self._action_after_forward(assignments)
        tag = self.env.ref(
            "crm_partner_assign.crm_tag_partner_unavailable", raise_if_not_found=False
        )
        if tag:
            unassigned.sudo().write({"tag_ids": [Command.link(tag.id)]})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("No partner available"),
                "message": self.env._(
                    "No partner of the right country could take these leads: %(leads)s.",
                    leads=", ".join(unassigned.mapped("name")),
                ),
                "next": self._action_after_forward(assignments),
            },
        }

    def _action_after_forward(self, assignments):
        """Close the wizard; when the partners' salespeople took over leads the user may no
        longer read (a salesman who sees his own leads only), say so and go back to the
        leads list instead of reloading a form he cannot open."""
        forwarded = self.env["crm.lead"].union(*assignments.values())
        if not forwarded or forwarded.has_access("read"):
            return {"type": "ir.actions.act_window_close"}
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_all_leads")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Leads forwarded"),
                "message": self.env._(
                    "The partner's salesperson now follows these leads: %(leads)s.",
                    leads=", ".join(forwarded.sudo().mapped("name")),
                ),
                "next": action,
            },
        }


class CrmLeadForwardToPartnerLine(models.TransientModel):
    _name = "crm.lead.forward.to.partner.line"
    _description = "Lead to Forward"

    wizard_id = fields.Many2one("crm.lead.forward.to.partner", required=True, ondelete="cascade")
    lead_id = fields.Many2one("crm.lead", required=True)
    lead_location = fields.Char(compute="_compute_locations")
    partner_id = fields.Many2one("res.partner", domain="[('grade_id', '!=', False)]")
    partner_location = fields.Char(compute="_compute_locations")

    @api.depends("lead_id", "partner_id")
    def _compute_locations(self):
        for line in self:
            line.lead_location = ", ".join(
                filter(None, [line.lead_id.city, line.lead_id.country_id.name])
            )
            line.partner_location = ", ".join(
                filter(None, [line.partner_id.city, line.partner_id.country_id.name])
            )
