from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..models.crm_lead_portal import PORTAL_CREATE_FIELDS, PORTAL_MAX_ID
from ..models.crm_lead_registration import PORTAL_REGISTRATION_FIELDS, PORTAL_RESUBMIT_FIELDS
from .portal import CrmPartnerAssignPortal


class CrmPartnerAssignRegistrationPortal(CrmPartnerAssignPortal):
    """Deal registration in the portal: the new opportunity form, with the registration's
    fields, submits a registration; a registration returned to the partner is corrected and
    submitted again from its opportunity page."""

    def _crm_lead_portal_get(self, lead_id):
        """Another partner's deal registration answers 404 (other leads redirect to /my):
        the partner never learns anything of the other deal."""
        lead_sudo = super()._crm_lead_portal_get(lead_id)
        if lead_sudo is None and lead_id <= PORTAL_MAX_ID:
            lead = request.env["crm.lead"].sudo().with_context(active_test=False).browse(lead_id)
            if lead.exists() and lead.registration_state:
                raise NotFound()
        return lead_sudo

    @http.route("/my/registration/new", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_partner_registration_new(self, **post):
        self._crm_lead_portal_check_graded()
        form = {
            key: post[key]
            for key in PORTAL_CREATE_FIELDS + PORTAL_REGISTRATION_FIELDS
            if key in post
        }
        try:
            with request.env.cr.savepoint():
                opportunity = request.env["crm.lead"]._portal_create_opportunity(form)
        except (UserError, ValidationError) as exc:
            values = self._prepare_portal_layout_values()
            values.update(
                {"page_name": "partner_opportunity_new", "error": exc.args[0], "form": form}
            )
            return request.render(
                "crm_partner_assign.portal_my_opportunity_new", values, status=400
            )
        except AccessError as exc:
            raise Forbidden() from exc
        return request.redirect(f"/my/opportunity/{opportunity.id}?message=registered", code=303)

    @http.route(
        "/my/opportunity/<int:lead_id>/registration",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_partner_registration_resubmit(self, lead_id, **post):
        values = {key: post[key] for key in PORTAL_RESUBMIT_FIELDS if key in post}
        return self._crm_lead_portal_apply(
            lead_id,
            lambda lead: lead._portal_registration_resubmit(values),
            f"/my/opportunity/{lead_id}?message=resubmitted",
        )
