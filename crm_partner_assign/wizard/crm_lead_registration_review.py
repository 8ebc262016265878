from odoo import fields, models


class CrmLeadRegistrationReview(models.TransientModel):
    _name = "crm.lead.registration.review"
    _description = "Reject or Return a Deal Registration"

    lead_ids = fields.Many2many("crm.lead", string="Registrations", required=True)
    review = fields.Selection(
        [("reject", "Reject"), ("return", "Return for More Information")], required=True
    )
    reason = fields.Text(required=True, help="Sent to the partner.")

    def action_confirm(self):
        self.ensure_one()
        self.lead_ids.check_access("write")
        if self.review == "reject":
            self.lead_ids._registration_reject(self.reason)
        else:
            self.lead_ids._registration_return(self.reason)
        return {"type": "ir.actions.act_window_close"}
