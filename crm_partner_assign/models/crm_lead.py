import logging
import random

from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# Boxes around the lead (latitude, longitude half-widths in degrees), nearest first.
GEO_RINGS = ((2, 1.5), (4, 3), (8, 8))


class CrmLead(models.Model):
    _inherit = "crm.lead"

    partner_latitude = fields.Float("Geo Latitude", digits=(10, 7))
    partner_longitude = fields.Float("Geo Longitude", digits=(10, 7))
    partner_assigned_id = fields.Many2one(
        "res.partner",
        "Assigned Partner",
        tracking=True,
        index="btree_not_null",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The partner (reseller) this lead is forwarded to.",
    )
    partner_assigned_grade_id = fields.Many2one(
        related="partner_assigned_id.grade_id", string="Assigned Partner Level"
    )
    partner_declined_ids = fields.Many2many(
        "res.partner",
        "crm_lead_declined_partner",
        "lead_id",
        "partner_id",
        string="Partners Not Interested",
        copy=False,
        groups="base.group_user",  # portal partners never learn who else declined
    )
    partner_previous_user_id = fields.Many2one(
        "res.users",
        "Salesperson Before Forwarding",
        copy=False,
        help="Who had the lead before it was forwarded to a partner whose salesperson took "
        "it: the lead goes back to this salesperson when the partner declines it.",
    )
    date_partner_assign = fields.Date(
        "Partner Assignment Date",
        compute="_compute_date_partner_assign",
        store=True,
        readonly=False,
        copy=True,
        help="Last date this lead was forwarded or assigned to a partner.",
    )

    @api.depends("partner_assigned_id")
    def _compute_date_partner_assign(self):
        for lead in self:
            lead.date_partner_assign = (
                fields.Date.context_today(lead) if lead.partner_assigned_id else False
            )

    def _merge_get_fields(self):
        return super()._merge_get_fields() + [
            "partner_latitude",
            "partner_longitude",
            "partner_assigned_id",
            "date_partner_assign",
        ]

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        if self.partner_latitude or self.partner_longitude:
            values.update(
                partner_latitude=self.partner_latitude,
                partner_longitude=self.partner_longitude,
            )
        return values

    def _prepare_opportunity_quotation_context(self):
        context = super()._prepare_opportunity_quotation_context()
        if self.partner_assigned_id:
            context["default_referrer_id"] = self.partner_assigned_id.id
        return context

    # ------------------------------------------------------------
    # Automatic assignment: level weight and location
    # ------------------------------------------------------------

    def _geo_localize_leads(self):
        """Set coordinates on leads that have an address but none yet. Like
        ``res.partner.geo_localize``, it does not call the geocoder during imports, demo
        installs and tests (unless ``force_geo_localize`` is in the context), and a geocoder
        failure leaves the lead without coordinates (it is then matched on its country).
        """
        context = self.env.context
        if not context.get("force_geo_localize") and (
            context.get("import_file")
            or context.get("install_demo")
            or modules.module.current_test
            or not self.env.registry.ready
        ):
            return
        for lead in self.with_context(lang="en_US"):
            if (lead.partner_latitude and lead.partner_longitude) or not lead.country_id:
                continue
            if not (lead.city or lead.zip or lead.street):
                continue
            try:
                result = self.env["res.partner"]._geo_localize(
                    lead.street, lead.zip, lead.city, lead.state_id.name, lead.country_id.name
                )
            except UserError as error:
                _logger.info("Lead %s not geolocalized: %s", lead.id, error)
                continue
            if result:
                lead.write({"partner_latitude": result[0], "partner_longitude": result[1]})

    def _get_assignable_partners_domain(self):
        countries = self.country_id
        return [
            ("partner_weight", ">", 0),
            ("grade_id", "!=", False),
            ("country_id", "in", countries.ids),
            ("company_id", "in", [False, *self.company_id.ids]),
        ]

    def _search_geo_partner(self):
        """Candidate partners for each lead: graded partners with a weight in the lead's
        country, never one that declined the lead, nearest first when both sides have
        coordinates. Returns {lead id: chosen partner} (leads without country are left out).
        """
        leads = self.filtered("country_id")
        if not leads:
            return {}
        leads._geo_localize_leads()
        candidates = self.env["res.partner"].search(leads._get_assignable_partners_domain())
        result = {}
        for lead in leads:
            pool = candidates.filtered(
                lambda p, lead=lead: (
                    p.country_id == lead.country_id
                    and p not in lead.partner_declined_ids
                    and (not p.company_id or not lead.company_id or p.company_id == lead.company_id)
                )
            )
            if lead.partner_latitude and lead.partner_longitude:
                for dlat, dlon in GEO_RINGS:
                    near = pool.filtered(
                        lambda p, lead=lead, dlat=dlat, dlon=dlon: (
                            (p.partner_latitude or p.partner_longitude)
                            and abs(p.partner_latitude - lead.partner_latitude) < dlat
                            and abs(p.partner_longitude - lead.partner_longitude) < dlon
                        )
                    )
                    if near:
                        pool = near
                        break
            if pool:
                result[lead.id] = self._pick_partner_by_weight(pool)
        return result

    @api.model
    def _pick_partner_by_weight(self, partners):
        """Weighted random choice: a partner's chance is its effective weight (level weight ×
        acceptance factor, see ``_partner_effective_weights``) over the pool's total."""
        return random.choices(partners, weights=self._partner_effective_weights(partners))[0]

    def _forward_to_partner(self, partner, message=None):
        """Forward these leads to ``partner``: it follows them and is assigned them (with its
        salesperson), its contacts with portal access (else the company) get the email with
        the links to the portal, and each lead's chatter says to whom it went."""
        self.message_subscribe(partner_ids=partner.ids)
        self._assign_partner(partner)
        recipients = partner._crm_partner_assign_portal_contacts() or partner
        self.env.ref("crm_partner_assign.mail_template_lead_forward").with_context(
            partner_leads=[{"lead": lead, "url": lead._get_partner_portal_url()} for lead in self],
            partner_in_portal=partner._crm_partner_assign_has_portal_access(),
            forward_message=message,
            forward_recipient_ids=",".join(str(pid) for pid in recipients.ids),
        ).send_mail(partner.id, email_layout_xmlid="mail.mail_notification_light")
        self._log_forward(partner, recipients)

    def _assign_partner(self, partner):
        """Assign ``partner`` to the leads, with its salesperson when it has one."""
        values = {"partner_assigned_id": partner.id}
        if not partner.user_id:
            self.write(values)
            return
        values["user_id"] = partner.user_id.id
        for previous, leads in self.grouped("user_id").items():
            if previous == partner.user_id:
                leads.write(values)
            else:
                leads.write({**values, "partner_previous_user_id": previous.id})

    def _unassign_partner(self):
        """The partner gave the leads back: they return to the salesperson who had them
        before they were forwarded (when the partner's salesperson took them)."""
        for previous, leads in self.grouped("partner_previous_user_id").items():
            values = {"partner_assigned_id": False, "partner_previous_user_id": False}
            if previous:
                values["user_id"] = previous.id
            leads.write(values)

    def _log_forward(self, partner, recipients):
        """Note on each lead that it was forwarded, to whom the email went, with its link."""
        for lead in self:
            url = lead._get_partner_portal_url()
            lead._message_log(
                body=Markup("<p>%s</p><p><a href='%s'>%s</a></p>")
                % (
                    self.env._(
                        "Forwarded to %(partner)s: email sent to %(recipients)s.",
                        partner=partner.display_name,
                        recipients=", ".join(recipients.mapped("email_formatted")),
                    ),
                    url,
                    url,
                )
            )

    def _get_partner_portal_url(self):
        """Link to the lead's page in the partner portal."""
        self.ensure_one()
        kind = "opportunity" if self.type == "opportunity" else "lead"
        return f"{self.get_base_url()}/my/{kind}/{self.id}"
