from odoo import api, fields, models

# fields whose change can win, lose or reopen an opportunity, or change what it earns
WON_FIELDS = {"stage_id", "active", "probability", "partner_assigned_id", "expected_revenue"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    commission_line_ids = fields.One2many("commission.line", "lead_id", "Commission Ledger")
    commission_sync_date = fields.Datetime(
        "Last Commission Sync",
        readonly=True,
        copy=False,
        help="When the commission of this opportunity was last brought up to date (plans "
        "triggered by won deals).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._commission_mark_dirty()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if WON_FIELDS & set(vals):
            self._commission_mark_dirty()
        return res

    def _commission_mark_dirty(self):
        """Opportunities of partners on a plan triggered by won deals (or that booked on
        one) are synced before the commit."""
        leads = self.sudo().filtered(
            lambda lead: (
                lead.partner_assigned_id.commission_plan_id.trigger == "won"
                or lead.commission_line_ids
            )
        )
        if leads:
            self.env["commission.line"]._commission_sync_later(leads)

    def _commission_sync(self):
        """Book the difference between these opportunities' targets and their ledger."""
        if not self:
            return self.env["commission.line"]
        Ledger = self.env["commission.line"].sudo()
        Ledger._commission_lock(self)
        plans = self.partner_assigned_id.commercial_partner_id.commission_plan_id
        if len(self) < 2 or not any(plan._commission_needs_period() for plan in plans):
            return Ledger._commission_book("lead_id", self, self._commission_targets())
        # tiers or period caps: each opportunity books after the previous one
        rows = Ledger
        for lead in self:
            rows |= Ledger._commission_book("lead_id", lead, lead._commission_targets())
        return rows

    def _commission_targets(self):
        """Target ledger values of won opportunities assigned to a partner on a plan
        triggered by won deals: the engine's commission of its confirmed quotations' lines,
        else of its expected revenue (a line without product); nothing once it is lost,
        reopened or archived."""
        targets = []
        for lead in self.filtered(lambda lead: lead.active and lead.won_status == "won"):
            referrer = lead.partner_assigned_id.commercial_partner_id
            plan = referrer.commission_plan_id._commission_in_simulation()
            if plan.trigger != "won" or (plan.company_id and plan.company_id != lead.company_id):
                continue
            targets += lead._commission_target_values(referrer, plan)
        return targets

    def _commission_base_lines(self, quotations=False):
        """(order line or None, product, quantity, base, currency, pricelist) that the
        opportunity earns on: its confirmed orders' lines, else (``quotations``, for the
        estimate) its open quotations' lines, else its expected revenue."""
        self.ensure_one()
        orders = self.order_ids.filtered(lambda o: o.state == "sale")
        if not orders and quotations:
            orders = self.order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        order_lines = orders.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        if order_lines:
            return [
                (
                    line,
                    line.product_id,
                    line.price_subtotal,
                    line.currency_id,
                    line.order_id.pricelist_id,
                )  # fmt: skip
                for line in order_lines
            ]
        company = self.company_id or self.env.company
        return [
            (
                None,
                self.env["product.product"],
                self.expected_revenue,
                company.currency_id,
                self.env["product.pricelist"],
            )  # fmt: skip
        ]

    def _commission_target_values(self, referrer, plan, quotations=False):
        self.ensure_one()
        company = self.company_id or self.env.company
        date = fields.Date.to_date(self.date_closed) or fields.Date.context_today(self)
        values = []
        attainment, period_amounts = plan._commission_period_figures(
            referrer, date, company, ("lead_id", "!=", self.id)
        )
        for currency, lines in self._commission_group_by_currency(quotations).items():
            result = plan._compute_commission(
                [
                    {
                        "key": index,
                        "product": product,
                        "pricelist": pricelist,
                        "base": base,
                        "quantity": sale_line.product_uom_qty if sale_line else 0.0,
                        "partner": self.partner_id,
                        "team": self.team_id,
                        "template": sale_line.order_id.sale_order_template_id
                        if sale_line
                        else False,
                    }
                    for index, (sale_line, product, base, _cur, pricelist) in enumerate(lines)
                ],
                currency,
                company,
                date,
                attainment,
                period_amounts,
            )
            for index, res in result.items():
                sale_line, product, base, _currency, _pricelist = lines[index]
                values.append(
                    {
                        "kind": "commission",
                        "name": self.env._(
                            "%(explanation)s (opportunity %(lead)s)",
                            explanation=res["explanation"],
                            lead=self.name,
                        ),
                        "lead_id": self.id,
                        "sale_line_id": sale_line.id if sale_line else False,
                        "referrer_id": referrer.id,
                        "grade_id": referrer.grade_id.id,
                        "plan_id": plan.id,
                        "rule_id": res["rule"].id,
                        "product_id": product.id,
                        "categ_id": product.categ_id.id,
                        "partner_id": self.partner_id.commercial_partner_id.id,
                        "user_id": self.user_id.id,
                        "company_id": company.id,
                        "currency_id": currency.id,
                        "company_currency_id": company.currency_id.id,
                        "base": base,
                        "rate": res["rate"],
                        "amount": res["amount"],
                        "date": date,
                    }
                )
        return values

    def _commission_group_by_currency(self, quotations=False):
        groups = {}
        for line in self._commission_base_lines(quotations):
            groups.setdefault(line[3], []).append(line)
        return groups

    def _commission_estimate(self):
        """What the assigned partner would earn on this opportunity, from the booking's own
        path (``_commission_target_values``: the engine on its orders' lines, else its
        quotations', else its expected revenue): a list of {'currency', 'amount',
        'explanations'} per currency (the engine's explanations), empty without a plan."""
        self.ensure_one()
        referrer = self.partner_assigned_id.commercial_partner_id
        plan = referrer.commission_plan_id
        if not plan or (plan.company_id and plan.company_id != self.company_id):
            return []
        estimates = {}
        for vals in self.sudo()._commission_target_values(referrer, plan, quotations=True):
            currency = self.env["res.currency"].browse(vals["currency_id"])
            entry = estimates.setdefault(
                currency, {"currency": currency, "amount": 0.0, "explanations": []}
            )
            entry["amount"] += vals["amount"]
            entry["explanations"].append(vals["name"])
        return list(estimates.values())
