from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.crm_partner_assign.controllers.portal import CrmPartnerAssignPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.commission_line_portal import PORTAL_STATE_GROUPS, QUESTION_ACTIVITY


class CommissionPortal(CrmPartnerAssignPortal):
    """The partner's commission pages. Every route first checks that the user's contact
    may see its company's commissions (404 otherwise: the pages do not exist for it), then
    reads the ledger of its commercial entity under ``sudo``."""

    _commission_items_per_page = 20

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def _commission_portal_allowed(self):
        return request.env.user.partner_id._commission_portal_allowed()

    def _commission_portal_referrer(self):
        """The commercial entity whose commissions the user sees; 404 for anyone else."""
        if not self._commission_portal_allowed():
            raise NotFound()
        return request.env.user.partner_id.sudo().commercial_partner_id

    def _commission_portal_row(self, referrer, line_id):
        """A row of the referrer's ledger (sudo); 404 for any other id."""
        row = (
            request.env["commission.line"]
            .sudo()
            .search(
                Domain("id", "=", line_id)
                & request.env["commission.line"]._portal_domain(referrer),
                limit=1,
            )
        )
        if not row:
            raise NotFound()
        return row

    # ------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "commission_to_pay" in counters:
            values["commission_to_pay"] = (
                self._commission_to_pay_label() if self._commission_portal_allowed() else 0
            )
        return values

    def _commission_to_pay_label(self):
        referrer = request.env.user.partner_id.sudo().commercial_partner_id
        totals = request.env["commission.line"]._portal_totals(referrer)
        if not totals:
            return request.env.company.currency_id.format(0.0)
        return " + ".join(t["currency"].format(t["unpaid"]) for t in totals)

    # ------------------------------------------------------------
    # The list
    # ------------------------------------------------------------

    def _commission_searchbar_sortings(self):
        _ = request.env._
        return {
            "date": {"label": _("Newest"), "order": "date desc, id desc"},
            "amount": {"label": _("Amount"), "order": "amount desc, id desc"},
            "state": {"label": _("Status"), "order": "state, date desc, id desc"},
            "document": {"label": _("Document"), "order": "move_id, lead_id, id desc"},
        }

    def _commission_searchbar_filters(self):
        _ = request.env._
        labels = {
            "held": _("Held"),
            "to_approve": _("To approve"),
            "to_pay": _("To pay"),
            "on_order": _("On order"),
            "paid": _("Paid"),
            "rejected": _("Rejected"),
        }
        filters = {"all": {"label": _("All"), "domain": []}}
        for key, states in PORTAL_STATE_GROUPS.items():
            filters[key] = {"label": labels[key], "domain": [("state", "in", states)]}
        return filters

    def _commission_searchbar_groupby(self):
        _ = request.env._
        return {"none": {"label": _("None")}, "period": {"label": _("Period")}}

    def _commission_plan_period(self, referrer):
        return referrer.commission_plan_id.period or "quarter"

    def _commission_list_values(
        self, page=1, sortby=None, filterby=None, period=None, groupby=None, search=None, **kw
    ):
        referrer = self._commission_portal_referrer()
        Ledger = request.env["commission.line"]
        plan_period = self._commission_plan_period(referrer)
        sortings = self._commission_searchbar_sortings()
        filters = self._commission_searchbar_filters()
        groupbys = self._commission_searchbar_groupby()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        groupby = groupby if groupby in groupbys else "none"
        base_domain = Ledger._portal_domain(referrer)
        periods = Ledger._portal_periods(referrer, plan_period)
        period = period if period in periods else "all"
        domain = (
            base_domain & Domain(filters[filterby]["domain"]) & Ledger._portal_search_domain(search)
        )
        if period != "all":
            start, end, _period = Ledger._portal_period_bounds(period)
            domain &= Domain("date", ">=", start) & Domain("date", "<=", end)
        Rows = Ledger.sudo()
        order = sortings[sortby]["order"]
        if groupby == "period":
            order = f"date desc, {order}"
        total = Rows.search_count(domain)
        pager = portal_pager(
            url="/my/commissions",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "period": period,
                "groupby": groupby,
                "search": search,
            },
            total=total,
            page=page,
            step=self._commission_items_per_page,
        )
        rows = Rows.search(
            domain, order=order, limit=self._commission_items_per_page, offset=pager["offset"]
        )
        groups = [(None, rows)]
        if groupby == "period":
            grouped = rows.grouped(lambda r: Ledger._portal_period_key(r.date, plan_period))
            groups = [(key, grouped[key]) for key in sorted(grouped, reverse=True)]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "commissions",
                "default_url": "/my/commissions",
                "referrer": referrer,
                "totals": Ledger._portal_totals(referrer),
                "tier_progress": referrer.commission_plan_id.sudo()._commission_tier_progress(
                    referrer
                )
                if referrer.commission_plan_id
                else [],
                "has_rows": bool(periods),
                "rows": rows,
                "groups": groups,
                "open_question_rows": set(
                    rows.activity_ids.filtered(
                        lambda a: a.activity_type_id == request.env.ref(QUESTION_ACTIVITY)
                    ).mapped("res_id")
                ),
                "questions": Ledger._portal_questions(referrer),
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_groupby": groupbys,
                "groupby": groupby,
                "searchbar_inputs": {"all": {"input": "all", "label": request.env._("Search")}},
                "search_in": "all",
                "search": search,
                "periods": periods,
                "period": period,
                "plan_period": plan_period,
                "period_label": Ledger._portal_period_label,
                "state_group": Ledger._portal_state_group,
                # the current period first, even before it has rows (payments may show)
                "statement_periods": list(
                    dict.fromkeys(
                        [
                            Ledger._portal_period_key(
                                fields.Date.context_today(Ledger), plan_period
                            ),
                            *periods,
                        ]
                    )
                )[:6],
                "message": kw.get("message"),
                "error": kw.get("error"),
            }
        )
        return values

    @http.route(
        ["/my/commissions", "/my/commissions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_commissions(self, **kwargs):
        values = self._commission_list_values(**kwargs)
        return request.render("partner_commission.portal_my_commissions", values)

    # ------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------

    def _commission_statement_values(self, period):
        referrer = self._commission_portal_referrer()
        Ledger = request.env["commission.line"]
        try:
            Ledger._portal_period_bounds(period)
        except UserError as exc:
            raise NotFound() from exc
        plan_period = self._commission_plan_period(referrer)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "commission_statement",
                "referrer": referrer,
                "period": period,
                "period_title": Ledger._portal_period_label(period),
                "sections": Ledger._portal_statement(referrer, period),
                "periods": Ledger._portal_periods(referrer, plan_period),
                "period_label": Ledger._portal_period_label,
                "state_group": Ledger._portal_state_group,
                "pdf_available": self._commission_pdf_available(),
            }
        )
        return values

    def _commission_pdf_available(self):
        return request.env["ir.actions.report"].get_wkhtmltopdf_state() in ("ok", "upgrade")

    @http.route(
        "/my/commissions/statement/<string:period>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_commission_statement(self, period, **kwargs):
        values = self._commission_statement_values(period)
        return request.render("partner_commission.portal_my_commission_statement", values)

    @http.route(
        "/my/commissions/statement/<string:period>/pdf",
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_commission_statement_pdf(self, period, **kwargs):
        values = self._commission_statement_values(period)
        report = request.env.ref("partner_commission.commission_statement_report").sudo()
        try:
            # a real PDF even on a server in test mode (where Odoo renders HTML instead)
            pdf, _type = report.with_context(
                commission_statement_period=period, force_report_rendering=True
            )._render_qweb_pdf(report.report_name, values["referrer"].ids)
        except UserError as exc:
            values["pdf_error"] = exc.args[0]
            return request.render(
                "partner_commission.portal_my_commission_statement", values, status=503
            )
        filename = f"commission-statement-{period}.pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", f'inline; filename="{filename}"'),
            ],
        )

    # ------------------------------------------------------------
    # Questions
    # ------------------------------------------------------------

    @http.route(
        "/my/commissions/line/<int:line_id>/question",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_commission_question(self, line_id, question=None, **kwargs):
        referrer = self._commission_portal_referrer()
        row = self._commission_portal_row(referrer, line_id)
        try:
            with request.env.cr.savepoint():
                row._portal_ask_question(request.env.user.partner_id, question)
        except UserError as exc:
            values = self._commission_list_values(error=exc.args[0])
            return request.render("partner_commission.portal_my_commissions", values, status=400)
        return request.redirect("/my/commissions?message=question#commission_questions", code=303)

    # ------------------------------------------------------------
    # The opportunity: its estimated commission
    # ------------------------------------------------------------

    def _crm_lead_portal_page_values(self, lead_sudo, **kwargs):
        values = super()._crm_lead_portal_page_values(lead_sudo, **kwargs)
        if lead_sudo.type == "opportunity" and self._commission_portal_allowed():
            values["commission_estimates"] = lead_sudo._commission_estimate()
        return values
