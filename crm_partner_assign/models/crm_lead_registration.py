from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL, email_normalize, format_date, plaintext2html

from .crm_lead_portal import PORTAL_CREATE_FIELDS

# Mail domains anyone can get an address at: two customers sharing one are not the same.
PUBLIC_MAIL_DOMAINS = (
    "aol.com",
    "bluewin.ch",
    "free.fr",
    "gmail.com",
    "gmx.at",
    "gmx.ch",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "laposte.net",
    "libero.it",
    "live.com",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "orange.fr",
    "outlook.com",
    "outlook.fr",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "sfr.fr",
    "t-online.de",
    "web.de",
    "yahoo.com",
    "yahoo.fr",
    "yandex.com",
    "yandex.ru",
)
# Legal forms left out when company names are compared ("Acme SA" is "ACME").
LEGAL_FORMS = r"\m(sa|ag|gmbh|sarl|sàrl|sas|ltd|llc|inc|bv|nv|srl|spa|plc|co|corp|kg|oy|ab)\M"
# Trigram similarity from which two company names are taken as the same (pg_trgm).
NAME_SIMILARITY = 0.6
# What the deal registration form adds to the new opportunity form.
PORTAL_REGISTRATION_FIELDS = ("registration_vat", "expected_revenue", "date_deadline")
# What a partner may correct on a registration returned to it.
PORTAL_RESUBMIT_FIELDS = (
    "partner_name",
    "contact_name",
    "email_from",
    "phone",
    "registration_vat",
    "expected_revenue",
    "date_deadline",
    "description",
)
REGISTRATION_STATES = [
    ("submitted", "Under Review"),
    ("returned", "Returned for Information"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("expired", "Expired"),
]


def _sql_vat(column):
    return SQL("upper(regexp_replace(coalesce(%s, ''), '[^A-Za-z0-9]', '', 'g'))", column)


def _sql_phone(column):
    # the last 9 digits: "+41 22 123 45 67" and "022 123 45 67" are one number
    return SQL("right(regexp_replace(coalesce(%s, ''), '[^0-9]', '', 'g'), 9)", column)


def _sql_domain(column):
    return SQL("lower(split_part(coalesce(%s, ''), '@', 2))", column)


def _sql_name_words(column):
    return SQL("trim(regexp_replace(lower(coalesce(%s, '')), %s, '', 'g'))", column, LEGAL_FORMS)


def _sql_name(column):
    return SQL(
        "regexp_replace(regexp_replace(lower(coalesce(%s, '')), %s, '', 'g'), '[^[:alnum:]]', "
        "'', 'g')",
        column,
        LEGAL_FORMS,
    )


class CrmLead(models.Model):
    """Deal registration: a partner registers a deal, the programme checks it against open
    leads and customers, a reviewer approves, rejects or returns it; an approved one is
    protected for the company's ``partner_registration_days``."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    registration_state = fields.Selection(
        REGISTRATION_STATES,
        "Registration",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Empty for leads that are not deal registrations.",
    )
    registration_partner_id = fields.Many2one(
        "res.partner",
        "Registered by",
        copy=False,
        index="btree_not_null",
        help="The partner (reseller) that registered this deal.",
    )
    registration_contact_id = fields.Many2one(
        "res.partner",
        copy=False,
        help="The partner's contact who registered the deal: told of each review step.",
    )
    registration_vat = fields.Char("Customer Tax ID", copy=False)
    date_registration = fields.Datetime("Registration Date", copy=False)
    date_registration_expiry = fields.Date(
        "Protected Until",
        copy=False,
        tracking=True,
        help="Last day of the registration's protection.",
    )
    registration_note = fields.Text(
        "Review Note", copy=False, help="Why the registration was rejected or returned."
    )
    registration_match_ids = fields.One2many(
        "crm.lead.registration.match", "lead_id", "Possible Duplicates", copy=False
    )
    registration_match_count = fields.Integer(compute="_compute_registration_match_count")
    registration_protected = fields.Boolean(
        compute="_compute_registration_protected", search="_search_registration_protected"
    )

    @api.depends("registration_match_ids")
    def _compute_registration_match_count(self):
        for lead in self:
            lead.registration_match_count = len(lead.registration_match_ids)

    @api.depends("registration_state", "date_registration_expiry")
    def _compute_registration_protected(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.registration_protected = (
                lead.registration_state == "approved"
                and bool(lead.date_registration_expiry)
                and lead.date_registration_expiry >= today
            )

    def _search_registration_protected(self, operator, value):
        if operator != "in":
            return NotImplemented
        domain = Domain("registration_state", "=", "approved") & Domain(
            "date_registration_expiry", ">=", fields.Date.context_today(self)
        )
        return domain if True in value else ~domain

    # ------------------------------------------------------------
    # Protection
    # ------------------------------------------------------------

    def write(self, vals):
        if vals.get("partner_assigned_id"):
            self._registration_check_forward(vals["partner_assigned_id"])
        return super().write(vals)

    def _registration_check_forward(self, partner_id):
        """Refuse to give a protected registration to another partner than the one that
        registered it."""
        partner = self.env["res.partner"].browse(partner_id).sudo().commercial_partner_id
        for lead in self.sudo().filtered("registration_protected"):
            if lead.registration_partner_id.commercial_partner_id != partner:
                raise UserError(
                    self.env._(
                        "“%(lead)s” is a deal registered by %(partner)s, protected until "
                        "%(date)s: it cannot go to another partner before then.",
                        lead=lead.name,
                        partner=lead.registration_partner_id.display_name,
                        date=format_date(self.env, lead.date_registration_expiry),
                    )
                )

    def _registration_check_protection(self):
        """Refuse the registration when one of its matches is another partner's protected
        registration (or a customer such a registration is for). The message names the end of
        the protection, never the other deal nor its partner."""
        for lead in self:
            partner = lead.registration_partner_id.commercial_partner_id
            matches = lead.registration_match_ids
            protected = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    Domain("registration_protected", "=", True)
                    & Domain("id", "!=", lead.id)
                    & ~Domain("registration_partner_id", "child_of", partner.id)
                    & (
                        Domain("id", "in", matches.match_lead_id.ids)
                        | Domain("partner_id", "in", matches.match_partner_id.ids)
                        | Domain(
                            "registration_match_ids.match_partner_id",
                            "in",
                            matches.match_partner_id.ids,
                        )
                        | Domain(
                            "registration_match_ids.match_lead_id", "in", matches.match_lead_id.ids
                        )
                    ),
                    order="date_registration_expiry desc",
                    limit=1,
                )
            )
            if protected:
                raise UserError(
                    self.env._(
                        "This customer is already registered by another partner, protected "
                        "until %(date)s. You can register it again after that date.",
                        date=format_date(self.env, protected.date_registration_expiry),
                    )
                )

    # ------------------------------------------------------------
    # Duplicate check
    # ------------------------------------------------------------

    @api.model
    def _registration_has_trigram(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return bool(self.env.cr.fetchone())

    def _registration_name_match(self, mine, theirs):
        """SQL: (is the same company, similarity) of two company name columns."""
        exact = SQL("(%s <> '' AND %s = %s)", _sql_name(mine), _sql_name(mine), _sql_name(theirs))
        if not self._registration_has_trigram():
            return exact, SQL("CASE WHEN %s THEN 1.0 ELSE 0.0 END", exact)
        similarity = SQL("similarity(%s, %s)", _sql_name_words(mine), _sql_name_words(theirs))
        return (
            SQL(
                "(%s OR (coalesce(%s, '') <> '' AND %s >= %s))",
                exact,
                mine,
                similarity,
                NAME_SIMILARITY,
            ),
            SQL("CASE WHEN %s THEN 1.0 ELSE %s END", exact, similarity),
        )

    def _registration_keys_sql(self, vat, email, phone, name):
        """SQL: the four match flags (and the name similarity) of a row whose columns are
        given against the registration ``reg``."""
        name_match, similarity = self._registration_name_match(SQL("reg.name"), name)
        return SQL(
            """reg.vat <> '' AND reg.vat = %(vat)s AS by_vat,
               reg.domain <> '' AND NOT reg.domain = ANY(%(public)s)
                   AND reg.domain = %(domain)s AS by_domain,
               length(reg.phone) >= 7 AND reg.phone = %(phone)s AS by_phone,
               %(name_match)s AS by_name,
               %(similarity)s AS similarity""",
            vat=_sql_vat(vat),
            public=list(PUBLIC_MAIL_DOMAINS),
            domain=_sql_domain(email),
            phone=_sql_phone(phone),
            name_match=name_match,
            similarity=similarity,
        )

    def _registration_find_duplicates(self):
        """Open leads and opportunities, and customers, that match the registration on its
        tax ID, email domain (public mail domains excepted), phone or company name. One query
        per kind; returns a list of values for ``crm.lead.registration.match``."""
        self.ensure_one()
        self.env.flush_all()
        reg = SQL(
            """WITH reg AS (
                SELECT l.id, l.company_id,
                       %(vat)s AS vat, %(domain)s AS domain, %(phone)s AS phone,
                       coalesce(nullif(l.partner_name, ''), cp.name) AS name,
                       rp.commercial_partner_id AS registration_commercial_id
                  FROM crm_lead l
             LEFT JOIN res_partner rp ON rp.id = l.registration_partner_id
             LEFT JOIN res_partner lp ON lp.id = l.partner_id
             LEFT JOIN res_partner cp ON cp.id = lp.commercial_partner_id
                 WHERE l.id = %(id)s
            )""",
            vat=_sql_vat(SQL("coalesce(nullif(l.registration_vat, ''), cp.vat)")),
            domain=_sql_domain(SQL("l.email_normalized")),
            phone=_sql_phone(SQL("l.phone")),
            id=self.id,
        )
        leads_query = SQL(
            """%(reg)s
            SELECT * FROM (
                SELECT m.id, %(keys)s
                  FROM reg, crm_lead m
             LEFT JOIN res_partner mp ON mp.id = m.partner_id
             LEFT JOIN res_partner mcp ON mcp.id = mp.commercial_partner_id
                 WHERE m.id <> reg.id AND m.active AND m.won_status = 'pending'
                   AND (m.company_id IS NULL OR reg.company_id IS NULL
                        OR m.company_id = reg.company_id)
            ) found
            WHERE by_vat OR by_domain OR by_phone OR by_name
            ORDER BY by_vat DESC, similarity DESC, id DESC
            LIMIT 20""",
            reg=reg,
            keys=self._registration_keys_sql(
                SQL("coalesce(nullif(m.registration_vat, ''), mcp.vat)"),
                SQL("m.email_normalized"),
                SQL("m.phone"),
                SQL("coalesce(nullif(m.partner_name, ''), mcp.name)"),
            ),
        )
        partners_query = SQL(
            """%(reg)s
            SELECT * FROM (
                SELECT p.id, %(keys)s
                  FROM reg, res_partner p
                 WHERE p.active AND p.customer_rank > 0 AND p.grade_id IS NULL
                   AND p.commercial_partner_id IS DISTINCT FROM reg.registration_commercial_id
                   AND (p.company_id IS NULL OR reg.company_id IS NULL
                        OR p.company_id = reg.company_id)
            ) found
            WHERE by_vat OR by_domain OR by_phone OR by_name
            ORDER BY by_vat DESC, similarity DESC, id DESC
            LIMIT 20""",
            reg=reg,
            keys=self._registration_keys_sql(
                SQL("p.vat"),
                SQL("p.email_normalized"),
                SQL("p.phone"),
                SQL("coalesce(nullif(p.company_name, ''), p.name)"),
            ),
        )
        matches = []
        for query, fname in ((leads_query, "match_lead_id"), (partners_query, "match_partner_id")):
            for row in self.env.execute_query_dict(query):
                matches.append(
                    {
                        fname: row["id"],
                        "by_vat": bool(row["by_vat"]),
                        "by_domain": bool(row["by_domain"]),
                        "by_phone": bool(row["by_phone"]),
                        "by_name": bool(row["by_name"]),
                        "similarity": float(row["similarity"] or 0.0),
                    }
                )
        return matches

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _registration_submit(self):
        """(Re)submit the registrations for review: check them for duplicates, refuse them
        when another partner's protected registration matches, tell the reviewers."""
        for lead in self.sudo():
            lead.registration_match_ids = [Command.clear()] + [
                Command.create(values) for values in lead._registration_find_duplicates()
            ]
            lead._registration_check_protection()
            lead.write(
                {
                    "registration_state": "submitted",
                    "date_registration": fields.Datetime.now(),
                    "registration_note": False,
                }
            )
            count = len(lead.registration_match_ids)
            body = (
                self.env._(
                    "Deal registration submitted for review. Possible duplicates: %(count)s.",
                    count=count,
                )
                if count
                else self.env._("Deal registration submitted for review: no duplicate found.")
            )
            lead.message_post(
                body=body,
                message_type="notification",
                subtype_xmlid="mail.mt_note",
                partner_ids=lead.user_id.partner_id.ids,
            )
            lead._registration_tell_partner(
                self.env._(
                    "We received your registration of “%(lead)s”: it is under review, we will "
                    "tell you when it is approved.",
                    lead=lead.name,
                )
            )

    def _registration_check_state(self, states, action):
        for lead in self:
            if lead.registration_state not in states:
                raise UserError(
                    self.env._(
                        "“%(lead)s” cannot be %(action)s: its registration is %(state)s.",
                        lead=lead.name,
                        action=action,
                        state=dict(REGISTRATION_STATES).get(lead.registration_state)
                        or self.env._("missing"),
                    )
                )

    def action_registration_approve(self):
        """Approve the registrations: protected for the company's registration days."""
        self._registration_check_state(("submitted", "returned"), self.env._("approved"))
        for lead in self:
            lead._registration_check_protection()
            company = lead.company_id or self.env.company
            expiry = fields.Date.context_today(lead) + timedelta(
                days=company.partner_registration_days
            )
            values = {"registration_state": "approved", "date_registration_expiry": expiry}
            if lead.partner_assigned_id != lead.registration_partner_id:
                values["partner_assigned_id"] = lead.registration_partner_id.id
            lead.write(values)
            lead._registration_tell_partner(
                self.env._(
                    "Your registration of “%(lead)s” is approved: it is protected until %(date)s.",
                    lead=lead.name,
                    date=format_date(self.env, expiry),
                )
            )
        return True

    def action_registration_reject(self):
        """Reject the registrations: opens the wizard that asks for the reason."""
        return self._registration_review_wizard("reject")

    def action_registration_return(self):
        """Return the registrations to the partner for more information (asks what)."""
        return self._registration_review_wizard("return")

    def _registration_review_wizard(self, review):
        self._registration_check_state(
            ("submitted",) if review == "return" else ("submitted", "returned"),
            self.env._("rejected") if review == "reject" else self.env._("returned"),
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Registration")
            if review == "reject"
            else self.env._("Return Registration"),
            "res_model": "crm.lead.registration.review",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_lead_ids": self.ids,
                "default_review": review,
            },
        }

    def _registration_reject(self, reason):
        self._registration_check_state(("submitted", "returned"), self.env._("rejected"))
        self._registration_write_review("rejected", reason)
        for lead in self:
            lead._registration_tell_partner(
                self.env._(
                    "Your registration of “%(lead)s” is rejected: %(reason)s",
                    lead=lead.name,
                    reason=reason,
                )
            )

    def _registration_return(self, reason):
        self._registration_check_state(("submitted",), self.env._("returned"))
        self._registration_write_review("returned", reason)
        for lead in self:
            lead._registration_tell_partner(
                self.env._(
                    "We need more information on your registration of “%(lead)s”: "
                    "%(reason)s Complete it in your portal and submit it again.",
                    lead=lead.name,
                    reason=reason,
                )
            )

    def _registration_write_review(self, state, reason):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason: the partner will read it."))
        self.write({"registration_state": state, "registration_note": reason})

    def _registration_tell_partner(self, text):
        """Post ``text`` in the chatter and email it to the partner's registration contact."""
        self.ensure_one()
        contact = self.registration_contact_id or self.registration_partner_id
        author = self.env.user.partner_id
        if self.env.user._is_portal() or author == contact:
            # the partner's own step: the programme tells it, not the partner itself
            author = self.user_id.partner_id or (self.company_id or self.env.company).partner_id
        self.sudo().message_post(
            author_id=author.id,
            body=Markup("<p>%s</p>") % text,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=contact.ids,
            notify_author_mention=True,  # the contact itself may be the one submitting
        )

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    @api.model
    def _portal_create_opportunity(self, values):
        """Every opportunity a partner registers in the portal is a deal registration: it
        gets the registration's fields and goes to review."""
        values = dict(values)
        extra = {key: values.pop(key) for key in PORTAL_REGISTRATION_FIELDS if key in values}
        self._portal_check_fields(values, PORTAL_CREATE_FIELDS)
        extra_vals = self._portal_registration_values(extra)
        opportunity = super()._portal_create_opportunity(values)
        commercial = self.env.user.partner_id.commercial_partner_id
        opportunity.sudo().write(
            dict(
                extra_vals,
                registration_partner_id=commercial.id,
                registration_contact_id=self.env.user.partner_id.id,
            )
        )
        opportunity._registration_submit()
        return opportunity

    @api.model
    def _portal_registration_values(self, values):
        """Checked ORM values of the registration's own fields posted by the portal."""
        vals = {}
        if "registration_vat" in values:
            vals["registration_vat"] = (values["registration_vat"] or "").strip() or False
        if "expected_revenue" in values:
            revenue = self._portal_to_float(
                values["expected_revenue"], self.env._("Expected revenue")
            )
            if revenue < 0:
                raise UserError(self.env._("The expected revenue cannot be negative."))
            vals["expected_revenue"] = revenue
        if "date_deadline" in values:
            vals["date_deadline"] = self._portal_to_date(
                values["date_deadline"], self.env._("Expected closing")
            )
        return vals

    def _portal_registration_resubmit(self, values):
        """The partner corrects a registration returned to it and submits it again."""
        self.ensure_one()
        self._portal_check_partner_access()
        self._portal_check_fields(values, PORTAL_RESUBMIT_FIELDS)
        lead = self.sudo()
        if lead.registration_state != "returned":
            raise UserError(
                self.env._("Only a registration returned to you can be submitted again.")
            )
        vals = self._portal_registration_values(values)
        for fname in ("partner_name", "contact_name", "email_from", "phone"):
            if fname in values:
                vals[fname] = (values[fname] or "").strip() or False
        if not (
            vals.get("partner_name", lead.partner_name)
            or vals.get("contact_name", lead.contact_name)
        ):
            raise UserError(self.env._("Give the customer's name."))
        if vals.get("email_from") and not email_normalize(vals["email_from"]):
            raise UserError(
                self.env._("“%(email)s” is not an email address.", email=vals["email_from"])
            )
        answer = (values.get("description") or "").strip()
        lead.with_context(crm_partner_assign_portal_contact=True).write(vals)
        if answer:
            lead._portal_log(plaintext2html(answer))
        lead._registration_submit()
        return True

    # ------------------------------------------------------------
    # Expiry job
    # ------------------------------------------------------------

    def _registration_expired_domain(self):
        return (
            Domain("registration_state", "=", "approved")
            & Domain("date_registration_expiry", "<", fields.Date.context_today(self))
            & Domain("won_status", "!=", "won")
        )

    @api.model
    def _cron_registration_expire(self):
        """Expire approved registrations whose protection ended and that are not won; tell the
        partner and the salesperson. One lead per committed step."""
        domain = self._registration_expired_domain()
        leads = self.with_context(active_test=False).search(domain, limit=200)
        self.env["ir.cron"]._commit_progress(
            remaining=self.with_context(active_test=False).search_count(domain)
        )
        for lead in leads:
            lead = lead.try_lock_for_update().filtered_domain(domain)
            if not lead:
                self.env["ir.cron"]._commit_progress(1)
                continue
            lead.registration_state = "expired"
            lead._registration_tell_partner(
                self.env._(
                    "The protection of your registration of “%(lead)s” ended on %(date)s.",
                    lead=lead.name,
                    date=format_date(self.env, lead.date_registration_expiry),
                )
            )
            if lead.user_id:
                lead.message_post(
                    body=self.env._(
                        "Registration expired: the deal is no longer protected for %(partner)s.",
                        partner=lead.registration_partner_id.display_name,
                    ),
                    message_type="notification",
                    subtype_xmlid="mail.mt_note",
                    partner_ids=lead.user_id.partner_id.ids,
                )
            if not self.env["ir.cron"]._commit_progress(1):
                break

    # ------------------------------------------------------------
    # Quotations
    # ------------------------------------------------------------

    def _prepare_opportunity_quotation_context(self):
        context = super()._prepare_opportunity_quotation_context()
        if self.registration_state in ("approved", "expired") and self.registration_partner_id:
            context["default_referrer_id"] = self.registration_partner_id.id
        return context
