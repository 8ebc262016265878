from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command, Domain


class CrmLead(models.Model):
    """Acceptance deadline of forwarded leads: a partner has the company's
    ``partner_accept_days`` to accept or decline a lead, then it goes to the next partner.
    Every answer is recorded (``crm.partner.acceptance``) and weighs on automatic forwarding."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    date_partner_accept_deadline = fields.Date(
        "Accept Before",
        compute="_compute_date_partner_accept_deadline",
        help="Last day for the assigned partner to accept or decline the lead, after which it "
        "goes to the next partner.",
    )

    @api.depends("type", "partner_assigned_id", "date_partner_assign", "company_id")
    def _compute_date_partner_accept_deadline(self):
        for lead in self:
            days = (lead.company_id or self.env.company).partner_accept_days
            lead.date_partner_accept_deadline = (
                lead.date_partner_assign + timedelta(days=days)
                if days
                and lead.type == "lead"
                and lead.partner_assigned_id
                and lead.date_partner_assign
                else False
            )

    # ------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------

    def _portal_accept(self, comment=False):
        self._portal_check_partner_access()
        self.env["crm.partner.acceptance"]._record(
            self.filtered(lambda lead: lead.type == "lead"), "accepted"
        )
        return super()._portal_accept(comment=comment)

    def _portal_decline(self, reason):
        self._portal_check_partner_access()
        if (reason or "").strip():
            self.env["crm.partner.acceptance"]._record(self, "declined")
        return super()._portal_decline(reason)

    # ------------------------------------------------------------
    # Weighted pick
    # ------------------------------------------------------------

    @api.model
    def _partner_effective_weights(self, partners):
        """Level weight × acceptance factor of each partner (see
        ``crm.partner.acceptance._acceptance_factor``), in the order of ``partners``."""
        Acceptance = self.env["crm.partner.acceptance"]
        stats = Acceptance._partner_stats(partners.commercial_partner_id.ids)
        return [
            partner.partner_weight
            * Acceptance._acceptance_factor(stats.get(partner.commercial_partner_id.id))
            for partner in partners
        ]

    # ------------------------------------------------------------
    # Deadline job
    # ------------------------------------------------------------

    @api.model
    def _partner_accept_late_domain(self):
        """Leads whose assigned partner let the acceptance deadline of its company pass."""
        today = fields.Date.context_today(self)
        domains = []
        for company in self.env["res.company"].sudo().search([("partner_accept_days", ">", 0)]):
            companies = [company.id] + ([False] if company == self.env.company else [])
            domains.append(
                Domain("company_id", "in", companies)
                & Domain(
                    "date_partner_assign", "<", today - timedelta(days=company.partner_accept_days)
                )
            )
        if not domains:
            return Domain.FALSE
        return (
            Domain("type", "=", "lead")
            & Domain("partner_assigned_id", "!=", False)
            & Domain("registration_state", "=", False)
            & Domain.OR(domains)
        )

    @api.model
    def _cron_partner_accept_deadline(self):
        """Move the leads not accepted in time to the next partner (or back to their
        salesperson): the slow partner joins the declined partners; both are told."""
        domain = self._partner_accept_late_domain()
        leads = self.search(domain, limit=200)
        self.env["ir.cron"]._commit_progress(remaining=self.search_count(domain))
        for lead in leads:
            lead = lead.try_lock_for_update().filtered_domain(domain)
            if lead:
                lead._partner_accept_reassign()
            if not self.env["ir.cron"]._commit_progress(1):
                break

    def _partner_accept_reassign(self):
        self.ensure_one()
        late = self.partner_assigned_id
        days = (self.company_id or self.env.company).partner_accept_days
        self.env["crm.partner.acceptance"]._record(self, "expired")
        colleagues = self.env["res.partner"].search(
            [("id", "child_of", late.commercial_partner_id.id)]
        )
        self.message_unsubscribe(partner_ids=colleagues.ids)
        self.write(
            {
                "partner_declined_ids": [Command.link(late.commercial_partner_id.id)]
                + ([Command.link(late.id)] if late != late.commercial_partner_id else []),
            }
        )
        self._unassign_partner()  # back to the salesperson who had it before the partner
        reason = self.env._(
            "%(partner)s did not accept this lead within %(days)s days.",
            partner=late.display_name,
            days=days,
        )
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=late.ids,
            subject=self.env._("Lead no longer assigned to you: %(lead)s", lead=self.name),
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                reason,
                self.env._("The lead “%(lead)s” has gone to another partner.", lead=self.name),
            ),
            email_layout_xmlid="mail.mail_notification_light",
        )
        following = self._search_geo_partner().get(self.id)
        if following:
            self._partner_accept_forward(following, reason)
        else:
            self.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (reason, self.env._("No other partner could take it: back to its salesperson.")),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
                partner_ids=self.user_id.partner_id.ids,
            )

    def _partner_accept_forward(self, partner, reason):
        """Forward the lead to ``partner`` as the forward wizard does, and say why."""
        self._forward_to_partner(partner)
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (reason, self.env._("Forwarded to %(partner)s.", partner=partner.display_name)),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
