from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import date_utils
from odoo.tools.misc import get_lang

from ..wizard.commission_simulation import SIMULATION_KEY


class CommissionPlan(models.Model):
    _name = "commission.plan"
    _description = "Commission Plan"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True, tracking=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the rules' caps: the plan company's currency.",
    )
    product_id = fields.Many2one(
        "product.product",
        "Commission Product",
        check_company=True,
        default=lambda self: self.env.ref(
            "partner_commission.product_commission", raise_if_not_found=False
        ),
        domain="[('purchase_ok', '=', True), ('type', '=', 'service')]",
        help="Purchasable service put on the commission RFQ lines.",
        tracking=True,
    )
    commission_rule_ids = fields.One2many("commission.rule", "plan_id", "Rules", copy=True)
    trigger = fields.Selection(
        [
            ("paid", "Invoice Paid"),
            ("payment", "Each Payment"),
            ("posted", "Invoice Posted"),
            ("won", "Opportunity Won"),
        ],
        required=True,
        default="paid",
        tracking=True,
        help="When the commission is earned. Invoice Paid: in full once the invoice is paid "
        "(or in payment). Each Payment: each payment earns its share of the invoice. Invoice "
        "Posted: at posting, reversed if the invoice is cancelled or reset to draft. "
        "Opportunity Won: when the assigned opportunity is won (invoices then earn nothing).",
    )
    period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="quarter",
        tracking=True,
        help="Period of the plan's statements, tiers and period caps.",
    )
    hold_days = fields.Integer(
        "Hold (Days)",
        default=0,
        tracking=True,
        help="Days a booked commission stays held before it can be paid out; a refund "
        "inside the hold nets out before anything is paid.",
    )
    approval_required = fields.Boolean(
        tracking=True,
        help="Released commissions wait for a commission manager's approval before payout.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="# Partners")
    simulation_of_id = fields.Many2one(
        "commission.plan",
        "Draft Copy of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="This plan is a draft copy of that plan, to simulate changed rules.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = (plan.company_id or self.env.company).currency_id

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("commission_plan_id", "in", self.ids)], ["commission_plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.partner_count = counts.get(plan, 0)

    @api.constrains("hold_days")
    def _check_hold_days(self):
        for plan in self:
            if plan.hold_days < 0:
                raise ValidationError(
                    self.env._(
                        "The hold of plan %(plan)s cannot be negative (got %(days)s days).",
                        plan=plan.name,
                        days=plan.hold_days,
                    )
                )

    @api.constrains("product_id")
    def _check_product_id(self):
        for plan in self:
            if not plan.product_id:
                raise ValidationError(
                    self.env._("The commission plan %(plan)s needs a product.", plan=plan.name)
                )
            if not plan.product_id.purchase_ok:
                raise ValidationError(
                    self.env._(
                        "The product %(product)s of plan %(plan)s cannot be purchased: "
                        "commission RFQs need a purchasable product.",
                        product=plan.product_id.display_name,
                        plan=plan.name,
                    )
                )

    def _commission_check_taker(self, company, taker):
        """A partner or level of ``company`` (``taker``, its name in the message) takes only
        a plan of that company or a plan shared by all companies."""
        if company and self.company_id and self.company_id != company:
            raise ValidationError(
                self.env._(
                    "The commission plan %(plan)s belongs to the company %(company)s: "
                    "%(taker)s can only take a plan of its own company or a plan shared by "
                    "all companies.",
                    plan=self.name,
                    company=self.company_id.name,
                    taker=taker,
                )
            )

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Partners"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("commission_plan_id", "=", self.id)],
        }

    def action_simulate(self):
        self.ensure_one()
        plan = self.simulation_of_id or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate %(plan)s", plan=plan.name),
            "res_model": "commission.simulation",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": plan.id, "default_rules_plan_id": self.id},
        }

    def action_make_draft_copy(self):
        """An archived copy of the plan, to change its rules and simulate them."""
        self.ensure_one()
        copy = self.copy(
            {
                "active": False,
                "simulation_of_id": self.id,
                "name": self.env._("%(plan)s (draft)", plan=self.name),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "commission.plan",
            "res_id": copy.id,
            "view_mode": "form",
        }

    def _commission_in_simulation(self):
        """The plan whose rules apply to this plan's documents: in a simulation, the
        simulated rules for the simulated plan's documents and no plan for the others."""
        simulation = self.env.context.get(SIMULATION_KEY)
        if not simulation:
            return self
        if self.id != simulation.plan_id:
            return self.browse()
        return simulation.rules_plan.with_env(self.env)

    # ------------------------------------------------------------
    # The engine, one computation path: the quotation estimate, the portal, the simulation
    # and the booking call _compute_commission(); each only builds its base lines.
    # It writes nothing.
    # ------------------------------------------------------------

    @api.model
    def _rule_specificity(self, rule):
        """Sort key of a matching rule: the most specific wins. A product beats a category
        only; a deeper category beats its parent, and both beat no category; then a
        quotation template, then a pricelist, then the number of other conditions (dates,
        countries, tags, teams); then the lowest sequence, then the oldest rule."""
        return (
            bool(rule.product_id),
            (rule.category_id.parent_path or "").count("/"),
            bool(rule.template_id),
            bool(rule.pricelist_id),
            rule.condition_count,
            -rule.sequence,
            -rule.id,
        )

    def _match_rule(self, product, pricelist, partner=None, team=None, template=None, date=None):
        """The plan's rule for a product (or no product: a deal without lines) sold with a
        pricelist to a customer by a sales team from a quotation template at a date, or an
        empty recordset."""
        self.ensure_one()
        ancestors = {int(cid) for cid in (product.categ_id.parent_path or "").split("/") if cid}
        partner = partner or self.env["res.partner"]
        team = team or self.env["crm.team"]
        template = template or self.env["sale.order.template"]
        rules = self.commission_rule_ids.filtered(
            lambda r: (
                (not r.category_id or r.category_id.id in ancestors)
                and (not r.product_id or r.product_id == product)
                and (not r.pricelist_id or r.pricelist_id == pricelist)
                and (not r.template_id or r.template_id == template)
                and (not r.condition_count or r._matches_conditions(partner, team, date))
            )
        )
        return max(rules, key=self._rule_specificity) if rules else rules

    def _compute_commission(
        self,
        lines,
        currency,
        company,
        date,
        attainment=0.0,
        period_amounts=None,
        share=1.0,
    ):
        """Commission of one document's lines under this plan, for one referrer (whose
        period figures are ``attainment`` and ``period_amounts``).

        :param lines: list of dicts with ``key`` (any hashable), ``product``
            (product.product, may be empty), ``base`` (untaxed amount in ``currency``) and,
            optional, ``quantity``, ``pricelist``, ``partner`` (the customer), ``team``
            (crm.team) and ``template`` (sale.order.template)
        :param date: the document date (rule validity, currency conversion)
        :param attainment: the referrer's commissionable base under this plan in the
            period, from other documents, in the company currency (tiers)
        :param period_amounts: {rule id: commission booked in the period by other documents,
            company currency} (period caps)
        :param share: the part of the document that counts in the attainment now (the paid
            share of an invoice on a plan that earns on each payment)
        :return: {key: {'rule', 'rate' (effective %), 'base', 'amount', 'explanation'}} for
            the lines that match a rule and earn something; amounts rounded in ``currency``
        """
        self.ensure_one()
        company_currency = company.currency_id
        matched = self._match_lines(lines, date)
        if not matched:
            return {}
        plan_base = share * sum(line["base"] for line, _rule in matched)
        if currency != company_currency:
            plan_base = currency._convert(plan_base, company_currency, company, date)
        result = {}
        for rule, rule_lines in self._group_by_rule(matched).items():
            result.update(
                rule._commission_amounts(
                    rule_lines,
                    currency,
                    company,
                    date,
                    span=(attainment, attainment + plan_base),
                    period_amount=(period_amounts or {}).get(rule.id, 0.0),
                )
            )
        return {key: res for key, res in result.items() if res["amount"] or res["base"]}

    @api.model
    def _commission_formatter(self, currency):
        """A function that formats amounts as ``currency.format`` does, with the language
        looked up once (the engine formats an amount per line for its explanations)."""
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        pattern = f"%.{currency.decimal_places}f"
        symbol = currency.symbol or ""

        def format_amount(amount):
            text = (
                lang.format(pattern, currency.round(amount), grouping=True)
                .replace(" ", "\N{NO-BREAK SPACE}")
                .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            )
            if currency.position == "before":
                return f"{symbol}\N{NO-BREAK SPACE}{text}"
            return f"{text}\N{NO-BREAK SPACE}{symbol}"

        return format_amount

    def _match_lines(self, lines, date):
        """[(line, rule)] of the lines that match a rule; lines of one category (or of a
        product that no rule names) for one context match the same rule."""
        named = set(self.commission_rule_ids.product_id.ids)
        cache, matched = {}, []
        for line in lines:
            product = line["product"]
            pricelist = line.get("pricelist") or self.env["product.pricelist"]
            partner = line.get("partner") or self.env["res.partner"]
            team = line.get("team") or self.env["crm.team"]
            template = line.get("template") or self.env["sale.order.template"]
            key = (
                product.id if product.id in named else ("categ", product.categ_id.id),
                pricelist.id,
                partner.id,
                team.id,
                template.id,
            )
            if key not in cache:
                cache[key] = self._match_rule(product, pricelist, partner, team, template, date)
            if cache[key]:
                matched.append((line, cache[key]))
        return matched

    @api.model
    def _group_by_rule(self, matched):
        groups = defaultdict(list)
        for line, rule in matched:
            groups[rule].append(line)
        return groups

    def _commission_needs_period(self):
        """Whether this plan's commissions depend on the referrer's period (tiers, caps)."""
        return any(rule.is_tiered or rule.period_cap for rule in self.commission_rule_ids)

    def _commission_period(self, date):
        """(first day, last day) of the plan's period that contains ``date``."""
        self.ensure_one()
        return date_utils.start_of(date, self.period), date_utils.end_of(date, self.period)

    def _commission_period_figures(self, referrer, date, company, exclude=None):
        """(attainment, {rule id: amount}) of a referrer under this plan in the period of
        ``date``, in the company currency: the commissionable base booked (net of refunds
        and rejections) and the commission booked per rule, by documents other than
        ``exclude`` (a domain leaf such as ``('origin_move_id', '!=', id)``)."""
        self.ensure_one()
        if not referrer or not self._commission_needs_period():
            return 0.0, {}
        simulation = self.env.context.get(SIMULATION_KEY)
        if simulation:
            return simulation.figures(referrer, self, date, company)
        start, end = self._commission_period(date)
        domain = [
            ("referrer_id", "=", referrer.id),
            ("plan_id", "=", self.id),
            ("date", ">=", start),
            ("date", "<=", end),
            ("kind", "in", ("commission", "correction", "clawback")),
            ("state", "!=", "cancel"),
        ]
        if exclude:
            domain.append(exclude)
        groups = (
            self.env["commission.line"]
            .sudo()
            ._read_group(domain, ["currency_id", "rule_id"], ["base:sum", "amount_company:sum"])
        )
        attainment, amounts = 0.0, defaultdict(float)
        for currency, rule, base, amount_company in groups:
            attainment += currency._convert(base, company.currency_id, company, date)
            amounts[rule.id] += amount_company
        return attainment, amounts

    def _commission_tier_progress(self, referrer, date=None):
        """Where ``referrer`` stands in this plan's tiers this period: a list of
        {'rule', 'attainment', 'threshold' (of the next tier, or None at the top), 'percent'
        (of it reached), 'rate' (of the next tier, or reached), 'currency', 'period'} per
        tiered rule."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        company = self.company_id or referrer.company_id or self.env.company
        attainment, _amounts = self._commission_period_figures(referrer, date, company)
        progress = []
        for rule in self.commission_rule_ids.filtered("is_tiered"):
            bands = rule._commission_bands()
            index = rule._commission_band_index(attainment)
            upcoming = bands[index + 1] if index + 1 < len(bands) else None
            progress.append(
                {
                    "rule": rule,
                    "attainment": attainment,
                    "threshold": upcoming[0] if upcoming else None,
                    "percent": round(min(100.0, 100.0 * attainment / upcoming[0]))
                    if upcoming and upcoming[0]
                    else 100,
                    "rate": upcoming[1] if upcoming else bands[index][1],
                    "currency": company.currency_id,
                    "period": dict(self._fields["period"]._description_selection(self.env))[
                        self.period
                    ],
                }
            )
        return progress

    @api.model
    def _scale_amounts(self, items, target, currency):
        """Scale the ``amount`` of ``items`` so that they sum to ``target`` exactly, keeping
        their proportions; the rounding difference goes to the largest item."""
        if not items:
            return
        total = sum(item["amount"] for item in items)
        for item in items:
            item["amount"] = currency.round(item["amount"] * target / total) if total else 0.0
        diff = target - sum(item["amount"] for item in items)
        if diff:
            max(items, key=lambda item: abs(item["amount"]))["amount"] += diff
