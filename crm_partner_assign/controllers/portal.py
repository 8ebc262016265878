from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.crm_lead_portal import (
    PORTAL_CONTACT_FIELDS,
    PORTAL_CREATE_FIELDS,
    PORTAL_MAX_ID,
    PORTAL_OPPORTUNITY_FIELDS,
)


class CrmPartnerAssignPortal(CustomerPortal):
    # ------------------------------------------------------------
    # Home counters
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        wanted = {"partner_lead_count", "partner_opportunity_count"} & set(counters)
        if not wanted:
            return values
        # one grouped count for both counters
        Lead = request.env["crm.lead"]
        counts = {"lead": 0, "opportunity": 0}
        if Lead._portal_partner_is_graded():
            counts.update(
                Lead.sudo()._read_group(Lead._portal_partner_domain(), ["type"], ["__count"])
            )
        for lead_type, count in counts.items():
            if f"partner_{lead_type}_count" in wanted:
                values[f"partner_{lead_type}_count"] = count
        return values

    def _crm_lead_portal_domain(self, lead_type):
        return request.env["crm.lead"]._portal_partner_domain() & Domain("type", "=", lead_type)

    def _crm_lead_portal_check_graded(self):
        if not request.env["crm.lead"]._portal_partner_is_graded():
            raise NotFound()

    # ------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------

    def _crm_lead_portal_searchbar_sortings(self, lead_type):
        _ = request.env._
        sortings = {
            "date": {"label": _("Newest"), "order": "create_date desc, id desc"},
            "name": {"label": _("Name"), "order": "name, id"},
            "contact_name": {"label": _("Contact Name"), "order": "contact_name, id"},
        }
        if lead_type == "opportunity":
            sortings.update(
                {
                    "revenue": {
                        "label": _("Expected Revenue"),
                        "order": "expected_revenue desc, id desc",
                    },
                    "probability": {"label": _("Probability"), "order": "probability desc, id"},
                    "stage": {"label": _("Stage"), "order": "stage_id, id"},
                    "deadline": {"label": _("Expected Closing"), "order": "date_deadline, id"},
                }
            )
        return sortings

    def _crm_lead_portal_searchbar_filters(self, lead_type):
        _ = request.env._
        if lead_type == "lead":
            return {
                "all": {"label": _("All"), "domain": []},
                "new": {
                    "label": _("Assigned this month"),
                    "domain": [("date_partner_assign", ">=", fields.Date.today().replace(day=1))],
                },
            }
        today = fields.Date.today()
        return {
            "all": {"label": _("Active"), "domain": []},
            "no_activities": {
                "label": _("No Activities"),
                "domain": [("activity_ids", "=", False), ("won_status", "=", "pending")],
            },
            "overdue": {
                "label": _("Late Activities"),
                "domain": [("activity_date_deadline", "<", today)],
            },
            "today": {
                "label": _("Today Activities"),
                "domain": [("activity_date_deadline", "=", today)],
            },
            "future": {
                "label": _("Future Activities"),
                "domain": [("activity_date_deadline", ">", today)],
            },
            "won": {"label": _("Won"), "domain": [("won_status", "=", "won")]},
            "lost": {"label": _("Lost"), "domain": [("won_status", "=", "lost")]},
        }

    def _crm_lead_portal_searchbar_inputs(self):
        _ = request.env._
        return {
            "all": {"input": "all", "label": _("Search in All")},
            "name": {"input": "name", "label": _("Search in Name")},
            "contact": {"input": "contact", "label": _("Search in Customer")},
            "email": {"input": "email", "label": _("Search in Email")},
        }

    def _crm_lead_portal_search_domain(self, search_in, search):
        if not search:
            return Domain.TRUE
        by_input = {
            "name": ["name"],
            "contact": ["contact_name", "partner_name"],
            "email": ["email_from"],
        }
        fnames = by_input.get(search_in) or [f for names in by_input.values() for f in names]
        return Domain.OR(Domain(fname, "ilike", search) for fname in fnames)

    def _crm_lead_portal_list_values(
        self,
        lead_type,
        page=1,
        sortby=None,
        filterby=None,
        search=None,
        search_in="all",
        **kwargs,
    ):
        self._crm_lead_portal_check_graded()
        url = "/my/leads" if lead_type == "lead" else "/my/opportunities"
        sortings = self._crm_lead_portal_searchbar_sortings(lead_type)
        filters = self._crm_lead_portal_searchbar_filters(lead_type)
        inputs = self._crm_lead_portal_searchbar_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        domain = (
            self._crm_lead_portal_domain(lead_type)
            & Domain(filters[filterby]["domain"])
            & self._crm_lead_portal_search_domain(search_in, search)
        )
        Lead = request.env["crm.lead"]
        if filterby == "lost":
            Lead = Lead.with_context(active_test=False)
        # activity filters need sudo (portal users do not read activities); the records
        # themselves are then read through the portal record rule
        domain = Domain("id", "in", Lead.sudo()._search(domain))
        pager = portal_pager(
            url=url,
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
                "search_in": search_in,
            },
            total=Lead.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        records = Lead.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "leads" if lead_type == "lead" else "opportunities": records.sudo(),
                "page_name": "partner_lead" if lead_type == "lead" else "partner_opportunity",
                "default_url": url,
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
                "message": kwargs.get("message"),
            }
        )
        return values

    @http.route(
        ["/my/leads", "/my/leads/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_partner_leads(self, **kwargs):
        values = self._crm_lead_portal_list_values("lead", **kwargs)
        return request.render("crm_partner_assign.portal_my_leads", values)

    @http.route(
        ["/my/opportunities", "/my/opportunities/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_partner_opportunities(self, **kwargs):
        values = self._crm_lead_portal_list_values("opportunity", **kwargs)
        return request.render("crm_partner_assign.portal_my_opportunities", values)

    # ------------------------------------------------------------
    # Detail pages
    # ------------------------------------------------------------

    def _crm_lead_portal_get(self, lead_id):
        """The lead, sudo, when the current user's partner owns it; else None: the caller
        redirects to /my as core document pages do, whether the record exists or not."""
        if lead_id > PORTAL_MAX_ID:
            return None
        try:
            lead_sudo = self._document_check_access("crm.lead", lead_id)
            request.env["crm.lead"].browse(lead_sudo.id)._portal_check_partner_access()
        except (AccessError, MissingError):
            return None
        return lead_sudo

    def _crm_lead_portal_page_values(self, lead_sudo, **kwargs):
        values = self._prepare_portal_layout_values()
        values = self._get_page_view_values(lead_sudo, None, values, "my_partner_leads", False)
        values.update(
            {
                "lead": lead_sudo,
                "page_name": "partner_lead" if lead_sudo.type == "lead" else "partner_opportunity",
                "message": kwargs.get("message"),
                "error": kwargs.get("error"),
            }
        )
        if lead_sudo.type == "opportunity":
            values.update(
                {
                    "next_activity": lead_sudo._portal_get_next_activity(),
                    "stages": lead_sudo._portal_get_stages(),
                    "activity_types": lead_sudo._portal_get_activity_types(),
                    "countries": request.env["res.country"].sudo().search([]),
                    "priorities": lead_sudo._fields["priority"].selection,
                }
            )
        return values

    def _crm_lead_portal_render(self, lead_sudo, status=200, **kwargs):
        template = (
            "crm_partner_assign.portal_my_lead"
            if lead_sudo.type == "lead"
            else "crm_partner_assign.portal_my_opportunity"
        )
        values = self._crm_lead_portal_page_values(lead_sudo, **kwargs)
        return request.render(template, values, status=status)

    @http.route("/my/lead/<int:lead_id>", type="http", auth="user", website=True, readonly=True)
    def portal_my_partner_lead(self, lead_id, message=None, **kwargs):
        lead_sudo = self._crm_lead_portal_get(lead_id)
        if not lead_sudo:
            return request.redirect("/my")
        if lead_sudo.type != "lead":
            return request.redirect(f"/my/opportunity/{lead_sudo.id}")
        return self._crm_lead_portal_render(lead_sudo, message=message)

    @http.route(
        "/my/opportunity/<int:lead_id>", type="http", auth="user", website=True, readonly=True
    )
    def portal_my_partner_opportunity(self, lead_id, message=None, **kwargs):
        lead_sudo = self._crm_lead_portal_get(lead_id)
        if not lead_sudo:
            return request.redirect("/my")
        if lead_sudo.type != "opportunity":
            return request.redirect(f"/my/lead/{lead_sudo.id}")
        return self._crm_lead_portal_render(lead_sudo, message=message)

    def _crm_lead_portal_apply(self, lead_id, action, redirect):
        """Run ``action(lead)`` (lead as the portal user) for a POST; on a bad value render
        the page again with the error (status 400), else redirect (303)."""
        lead_sudo = self._crm_lead_portal_get(lead_id)
        if not lead_sudo:
            return request.redirect("/my", code=303)
        lead = request.env["crm.lead"].browse(lead_sudo.id)
        try:
            with request.env.cr.savepoint():
                action(lead)
        except (UserError, ValidationError) as exc:
            return self._crm_lead_portal_render(lead_sudo, status=400, error=exc.args[0])
        except AccessError as exc:
            raise Forbidden() from exc
        return request.redirect(redirect, code=303)

    @http.route(
        "/my/lead/<int:lead_id>/accept", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_partner_lead_accept(self, lead_id, comment=None, **kwargs):
        return self._crm_lead_portal_apply(
            lead_id,
            lambda lead: lead._portal_accept(comment=(comment or "").strip()),
            f"/my/opportunity/{lead_id}?message=accepted",
        )

    @http.route(
        "/my/lead/<int:lead_id>/decline", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_partner_lead_decline(self, lead_id, reason=None, **kwargs):
        return self._crm_lead_portal_apply(
            lead_id,
            lambda lead: lead._portal_decline(reason),
            "/my/leads?message=declined",
        )

    @http.route(
        "/my/opportunity/<int:lead_id>/update",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_partner_opportunity_update(self, lead_id, **post):
        # anything else posted (salesperson, assigned partner, ...) is ignored
        values = {key: post[key] for key in PORTAL_OPPORTUNITY_FIELDS if key in post}
        return self._crm_lead_portal_apply(
            lead_id,
            lambda lead: lead._portal_update_opportunity(values),
            f"/my/opportunity/{lead_id}?message=updated",
        )

    @http.route(
        "/my/opportunity/<int:lead_id>/contact",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_partner_opportunity_contact(self, lead_id, **post):
        values = {key: post[key] for key in PORTAL_CONTACT_FIELDS if key in post}
        return self._crm_lead_portal_apply(
            lead_id,
            lambda lead: lead._portal_update_contact(values),
            f"/my/opportunity/{lead_id}?message=contact",
        )

    # ------------------------------------------------------------
    # New opportunity
    # ------------------------------------------------------------

    @http.route(
        "/my/opportunity/new", type="http", auth="user", methods=["GET", "POST"], website=True
    )
    def portal_my_partner_opportunity_new(self, **post):
        self._crm_lead_portal_check_graded()
        values = self._prepare_portal_layout_values()
        values["page_name"] = "partner_opportunity_new"
        if request.httprequest.method == "POST":
            form = {key: post[key] for key in PORTAL_CREATE_FIELDS if key in post}
            try:
                with request.env.cr.savepoint():
                    opportunity = request.env["crm.lead"]._portal_create_opportunity(form)
            except (UserError, ValidationError) as exc:
                values.update({"error": exc.args[0], "form": form})
                return request.render(
                    "crm_partner_assign.portal_my_opportunity_new", values, status=400
                )
            except AccessError as exc:
                raise Forbidden() from exc
            return request.redirect(f"/my/opportunity/{opportunity.id}?message=created", code=303)
        values["form"] = {}
        return request.render("crm_partner_assign.portal_my_opportunity_new", values)
