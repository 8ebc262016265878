import math

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command, Domain
from odoo.tools import email_normalize, plaintext2html

# bounds of the numbers the portal parses: amounts, percentages and record ids
PORTAL_MAX_NUMBER = 1e15
PORTAL_MAX_ID = 2**31 - 1

# Fields a partner may change on its own opportunities from the portal, nothing else.
PORTAL_OPPORTUNITY_FIELDS = (
    "stage_id",
    "expected_revenue",
    "probability",
    "priority",
    "date_deadline",
    "activity_type_id",
    "activity_summary",
    "activity_date_deadline",
)
PORTAL_CONTACT_FIELDS = (
    "partner_name",
    "contact_name",
    "email_from",
    "phone",
    "street",
    "city",
    "zip",
    "country_id",
)
PORTAL_CREATE_FIELDS = (
    "title",
    "contact_name",
    "partner_name",
    "email_from",
    "phone",
    "description",
)


class CrmLead(models.Model):
    """Portal side of the leads: what a graded partner may do with the leads assigned to
    it. Kept apart from crm_lead.py, which holds the back-office side."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    @api.model
    def _portal_partner_is_graded(self):
        """True when the current user works for a graded partner (itself or its company)."""
        partner = self.env.user.partner_id
        return bool(partner.sudo().grade_id or partner.sudo().commercial_partner_id.grade_id)

    @api.model
    def _portal_partner_domain(self):
        """Leads assigned to the current user's commercial entity (or one of its contacts)."""
        return Domain(
            "partner_assigned_id", "child_of", self.env.user.partner_id.commercial_partner_id.id
        )

    def _portal_check_partner_access(self):
        """Raise unless the current user works for a graded partner and every lead of ``self``
        is assigned to its commercial entity. Checked before every portal read and write,
        since those run with ``sudo()``."""
        if not self._portal_partner_is_graded():
            raise AccessError(self.env._("Only the contacts of a graded partner use this page."))
        if not self:
            return
        owned = (
            self.sudo()
            .with_context(active_test=False)
            .search_count(Domain("id", "in", self.ids) & self._portal_partner_domain())
        )
        if owned != len(self):
            raise AccessError(
                self.env._("This lead or opportunity is not assigned to your company.")
            )

    @api.model
    def _portal_check_fields(self, values, allowed):
        refused = sorted(set(values) - set(allowed))
        if refused:
            raise AccessError(
                self.env._(
                    "Not allowed to change these fields from the portal: %(fields)s.",
                    fields=", ".join(refused),
                )
            )

    # ------------------------------------------------------------
    # Leads: accept or decline
    # ------------------------------------------------------------

    def _portal_accept(self, comment=False):
        """The partner accepts its leads: they become opportunities it works on."""
        self._portal_check_partner_access()
        for lead in self.sudo():
            if lead.type != "lead":
                raise UserError(self.env._("“%(name)s” is already an opportunity.", name=lead.name))
            body = Markup("<p>%s</p>") % self.env._(
                "%(partner)s accepted this lead.", partner=self.env.user.partner_id.display_name
            )
            if comment:
                body += Markup("<p>%s</p>") % comment
            lead._portal_log(body)
            lead.convert_opportunity(lead.partner_id)
        return True

    def _portal_decline(self, reason):
        """The partner declines its leads: the reason goes to the chatter, the assignment is
        removed and the partner will not get these leads again."""
        self._portal_check_partner_access()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Tell us why you decline this lead."))
        commercial = self.env.user.partner_id.commercial_partner_id
        colleagues = self.env["res.partner"].sudo().search([("id", "child_of", commercial.id)])
        for lead in self.sudo():
            body = Markup("<p>%s</p><p>%s</p>") % (
                self.env._(
                    "%(partner)s declined this lead.",
                    partner=self.env.user.partner_id.display_name,
                ),
                reason,
            )
            lead._portal_log(body)
            declined = commercial | lead.partner_assigned_id
            lead.message_unsubscribe(partner_ids=colleagues.ids)
            lead.write({"partner_declined_ids": [Command.link(p.id) for p in declined]})
            lead._unassign_partner()
        return True

    # ------------------------------------------------------------
    # Opportunities: update
    # ------------------------------------------------------------

    def _portal_get_stages(self):
        """Stages a partner may move the opportunity to: the team's (or shared) ones, won
        stages excluded (the salesperson marks an opportunity won)."""
        self.ensure_one()
        return (
            self.env["crm.stage"]
            .sudo()
            .search(
                [
                    ("is_won", "=", False),
                    "|",
                    ("team_ids", "=", False),
                    ("team_ids", "in", self.sudo().team_id.ids),
                ]
            )
        )

    @api.model
    def _portal_get_activity_types(self):
        return (
            self.env["mail.activity.type"].sudo().search([("res_model", "in", [False, "crm.lead"])])
        )

    def _portal_get_next_activity(self):
        self.ensure_one()
        return self.sudo().activity_ids.sorted(lambda a: (a.date_deadline, a.id))[:1]

    def _portal_update_opportunity(self, values):
        """Apply whitelisted values from the portal (strings, as posted by a form) to the
        opportunity, and schedule the next activity for its salesperson when one is given."""
        self.ensure_one()
        self._portal_check_partner_access()
        self._portal_check_fields(values, PORTAL_OPPORTUNITY_FIELDS)
        lead = self.sudo()
        if lead.type != "opportunity":
            raise UserError(self.env._("Accept the lead before you update it."))
        vals = {}
        if values.get("stage_id"):
            stage = lead._portal_get_stages().filtered(
                lambda s: str(s.id) == str(values["stage_id"])
            )
            if not stage:
                raise UserError(self.env._("This stage is not available."))
            vals["stage_id"] = stage.id
        if "expected_revenue" in values:
            revenue = self._portal_to_float(
                values["expected_revenue"], self.env._("Expected revenue")
            )
            if revenue < 0:
                raise UserError(self.env._("The expected revenue cannot be negative."))
            vals["expected_revenue"] = revenue
        if values.get("probability") not in (None, ""):
            probability = self._portal_to_float(values["probability"], self.env._("Probability"))
            if not 0 <= probability <= 100:
                raise UserError(self.env._("The probability is a percentage, from 0 to 100."))
            vals["probability"] = probability
        if "priority" in values:
            priorities = dict(self._fields["priority"].selection)
            if str(values["priority"]) not in priorities:
                raise UserError(self.env._("This priority does not exist."))
            vals["priority"] = str(values["priority"])
        if "date_deadline" in values:
            vals["date_deadline"] = self._portal_to_date(
                values["date_deadline"], self.env._("Expected closing")
            )
        if vals:
            lead.write(vals)
        if (
            values.get("activity_date_deadline") or values.get("activity_type_id")
        ) and not lead._portal_is_next_activity(values):
            lead._portal_schedule_activity(
                values.get("activity_type_id"),
                values.get("activity_summary"),
                values.get("activity_date_deadline"),
            )
        return True

    def _portal_is_next_activity(self, values):
        """Whether the posted activity is the planned next one (the form shows it): saving
        the form again schedules nothing more."""
        self.ensure_one()
        activity = self._portal_get_next_activity()
        return bool(activity) and (
            str(activity.activity_type_id.id),
            fields.Date.to_string(activity.date_deadline),
            activity.summary or "",
        ) == (
            str(values.get("activity_type_id") or ""),
            str(values.get("activity_date_deadline") or ""),
            (values.get("activity_summary") or "").strip(),
        )

    def _portal_schedule_activity(self, activity_type_id, summary, date_deadline):
        """Schedule the partner's next activity on the opportunity, for its salesperson."""
        self.ensure_one()
        activity_type = self._portal_get_activity_types().filtered(
            lambda t: str(t.id) == str(activity_type_id)
        )
        if not activity_type:
            raise UserError(self.env._("Choose the type of the next activity."))
        deadline = self._portal_to_date(date_deadline, self.env._("Next activity date"))
        if not deadline:
            raise UserError(self.env._("Give the date of the next activity."))
        commercial = self.env.user.partner_id.commercial_partner_id
        user = self.user_id or commercial.sudo().user_id or self.team_id.user_id
        if not user:
            raise UserError(
                self.env._("This opportunity has no salesperson to plan the activity for.")
            )
        return self.sudo().activity_schedule(
            activity_type_id=activity_type.id,
            summary=(summary or "").strip() or False,
            date_deadline=deadline,
            user_id=user.id,
            automated=False,
        )

    def _portal_update_contact(self, values):
        """Update the customer's contact details of the opportunity from the portal. They
        stay on the opportunity: the linked customer record is not changed."""
        self.ensure_one()
        self._portal_check_partner_access()
        self._portal_check_fields(values, PORTAL_CONTACT_FIELDS)
        vals = {}
        for fname in PORTAL_CONTACT_FIELDS:
            if fname not in values:
                continue
            value = values[fname]
            if fname == "country_id":
                country_id = self._portal_to_id(value)
                country = (
                    self.env["res.country"].sudo().browse(country_id).exists()
                    if country_id
                    else self.env["res.country"]
                )
                if value and not country:
                    raise UserError(self.env._("This country does not exist."))
                vals[fname] = country.id
            else:
                vals[fname] = (value or "").strip() or False
        if vals.get("email_from") and not email_normalize(vals["email_from"]):
            raise UserError(
                self.env._("“%(email)s” is not an email address.", email=vals["email_from"])
            )
        if vals:
            self.sudo().with_context(crm_partner_assign_portal_contact=True).write(vals)
        return True

    def _inverse_email_from(self):
        # a portal partner corrects the opportunity, not the customer record
        if self.env.context.get("crm_partner_assign_portal_contact"):
            return
        super()._inverse_email_from()

    def _inverse_phone(self):
        if self.env.context.get("crm_partner_assign_portal_contact"):
            return
        super()._inverse_phone()

    # ------------------------------------------------------------
    # Opportunities: create
    # ------------------------------------------------------------

    @api.model
    def _portal_create_opportunity(self, values):
        """A graded partner registers a new opportunity: assigned to its commercial entity,
        tagged "Created by Partner", for the partner's salesperson and that one's team."""
        self._portal_check_partner_access()
        self._portal_check_fields(values, PORTAL_CREATE_FIELDS)
        values = {key: (value or "").strip() for key, value in values.items()}
        if not values.get("title"):
            raise UserError(self.env._("Give the opportunity a title."))
        if not (values.get("contact_name") or values.get("partner_name")):
            raise UserError(self.env._("Give the customer's name."))
        if not (values.get("email_from") or values.get("phone")):
            raise UserError(self.env._("Give the customer's email or phone."))
        if values.get("email_from") and not email_normalize(values["email_from"]):
            raise UserError(
                self.env._("“%(email)s” is not an email address.", email=values["email_from"])
            )
        commercial = self.env.user.partner_id.commercial_partner_id.sudo()
        salesperson = commercial.user_id or self.env.user.partner_id.sudo().user_id
        team = self.env["crm.team"]
        if salesperson:
            team = team.sudo()._get_default_team_id(
                user_id=salesperson.id, domain=[("use_opportunities", "=", True)]
            )
        tag = self.env.ref(
            "crm_partner_assign.crm_tag_created_by_partner", raise_if_not_found=False
        )
        vals = {
            "type": "opportunity",
            "name": values["title"],
            "contact_name": values.get("contact_name") or False,
            "partner_name": values.get("partner_name") or False,
            "email_from": values.get("email_from") or False,
            "phone": values.get("phone") or False,
            "description": plaintext2html(values["description"])
            if values.get("description")
            else False,
            "partner_assigned_id": commercial.id,
            "user_id": salesperson.id,
            "team_id": team.id,
            "tag_ids": [Command.link(tag.id)] if tag else [],
        }
        if commercial.company_id:
            vals["company_id"] = commercial.company_id.id
        opportunity = self.sudo().create(vals)
        opportunity._portal_log(
            self.env._(
                "Opportunity registered by %(partner)s in the portal.",
                partner=self.env.user.partner_id.display_name,
            )
        )
        return opportunity

    # ------------------------------------------------------------
    # Helpers and mail integration
    # ------------------------------------------------------------

    def _portal_log(self, body):
        """Post what the partner did as a message of its own: the followers (the
        salesperson) are notified and the partner sees it in the portal chatter."""
        self.ensure_one()
        return self.sudo().message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @api.model
    def _portal_to_float(self, value, label):
        """The number posted in a form; NaN, infinities and numbers too large for an amount
        are refused like any other bad input."""
        if value in (None, "", False):
            return 0.0
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError as exc:
            raise UserError(
                self.env._("%(field)s: “%(value)s” is not a number.", field=label, value=value)
            ) from exc
        if not math.isfinite(number):
            raise UserError(
                self.env._("%(field)s: “%(value)s” is not a number.", field=label, value=value)
            )
        if abs(number) >= PORTAL_MAX_NUMBER:
            raise UserError(
                self.env._("%(field)s: “%(value)s” is too large.", field=label, value=value)
            )
        return number

    @api.model
    def _portal_to_id(self, value):
        """A record id posted in a form, or 0 when it is not one (never a database error)."""
        value = str(value or "").strip()
        if not (value.isascii() and value.isdigit()) or int(value) > PORTAL_MAX_ID:
            return 0
        return int(value)

    @api.model
    def _portal_to_date(self, value, label):
        if not value:
            return False
        try:
            return fields.Date.to_date(value)
        except ValueError as exc:
            raise UserError(
                self.env._("%(field)s: “%(value)s” is not a date.", field=label, value=value)
            ) from exc

    def _get_access_action(self, access_uid=None, force_website=False):
        """Send portal users (e.g. from a notification email) to the lead's portal page."""
        self.ensure_one()
        user = self.env["res.users"].sudo().browse(access_uid) if access_uid else self.env.user
        if user.share or force_website:
            record = self.with_user(user)
            if record.has_access("read"):
                kind = "opportunity" if self.type == "opportunity" else "lead"
                return {"type": "ir.actions.act_url", "url": f"/my/{kind}/{self.id}"}
        return super()._get_access_action(access_uid=access_uid, force_website=force_website)

    def _mail_get_operation_for_mail_message_operation(self, message_operation):
        """Portal partners read their leads only; let them post in the portal chatter."""
        result = super()._mail_get_operation_for_mail_message_operation(message_operation)
        if message_operation == "create" and self.env.user._is_portal():
            assigned = self.sudo().filtered_domain(self._portal_partner_domain())
            result.update(dict.fromkeys(assigned, "read"))
        return result
