from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..wizard.commission_simulation import SIMULATION_KEY

# rule fields whose changes are logged in the plan's chatter
AUDITED_FIELDS = (
    "active", "sequence", "category_id", "product_id", "pricelist_id", "template_id",
    "date_start", "date_end", "country_ids", "partner_category_ids", "team_ids", "rate",
    "fixed_amount", "amount_per_unit", "is_capped", "max_commission", "period_cap",
    "tier_mode", "tier_ids",
)  # fmt: skip


class CommissionRule(models.Model):
    _name = "commission.rule"
    _description = "Commission Rule"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one("commission.plan", required=True, ondelete="cascade", index=True)
    active = fields.Boolean(
        default=True, help="A rule that booked commissions is archived instead of deleted."
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_trigger = fields.Selection(related="plan_id.trigger")
    sequence = fields.Integer(default=10)
    # conditions (all optional, combined with AND)
    category_id = fields.Many2one(
        "product.category",
        "Product Category",
        help="Products of this category and of its sub-categories; empty: any product, and "
        "deals without product.",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        help="Only this product (it must be in the rule's category or a sub-category).",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Only sales made with this pricelist.",
    )
    template_id = fields.Many2one(
        "sale.order.template",
        "Quotation Template",
        check_company=True,
        help="Only sales made from this quotation template.",
    )
    date_start = fields.Date(
        "Valid From", help="First document date (invoice date, or date won) the rule applies to."
    )
    date_end = fields.Date("Valid Until", help="Last document date the rule applies to.")
    country_ids = fields.Many2many(
        "res.country", string="Customer Countries", help="Only customers of these countries."
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="Only customers with at least one of these tags.",
    )
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", help="Only sales of these sales teams."
    )
    # amounts
    rate = fields.Float(
        "Rate (%)",
        digits=(5, 2),
        required=True,
        default=0.0,
        help="Percentage of the untaxed amount (after discount). With tiers: the rate below "
        "the first tier's threshold.",
    )
    fixed_amount = fields.Monetary(
        "Fixed Amount per Deal",
        help="Earned once per document (invoice or won opportunity) when any of its lines "
        "matches the rule, in the plan company's currency.",
    )
    amount_per_unit = fields.Monetary(
        "Amount per Unit",
        help="Earned per unit sold (quantity of the line), in the plan company's currency.",
    )
    is_capped = fields.Boolean("Capped")
    max_commission = fields.Monetary(
        "Cap per Document",
        help="Most commission this rule gives per invoice (or won opportunity), in the plan "
        "company's currency (converted to the invoice currency at the invoice date).",
    )
    period_cap = fields.Monetary(
        "Cap per Period",
        help="Most commission this rule gives a referrer in one period of the plan (month, "
        "quarter or year), in the plan company's currency; the excess is not booked and the "
        "ledger row says so. 0: no cap.",
    )
    condition_count = fields.Integer(
        compute="_compute_condition_count",
        store=True,
        help="Conditions besides product, category, pricelist and template: validity dates, "
        "countries, tags, teams (more wins between equally specific rules).",
    )
    tier_ids = fields.One2many("commission.rule.tier", "rule_id", "Tiers", copy=True)
    is_tiered = fields.Boolean(compute="_compute_is_tiered", store=True)
    tier_mode = fields.Selection(
        [
            ("marginal", "Marginal (each band at its rate)"),
            ("whole", "Whole period at the rate reached"),
        ],
        default="marginal",
        required=True,
        help="Tiers look at the referrer's commissionable base under the plan in the current "
        "period (company currency, net of refunds). Marginal: each part of the base earns the "
        "rate of its band, as income tax does. Whole: the whole period earns the rate of the "
        "band reached; when a threshold is crossed (or a refund drops below it) the period's "
        "earlier documents get true-up rows.",
    )

    @api.depends("date_start", "date_end", "country_ids", "partner_category_ids", "team_ids")
    def _compute_condition_count(self):
        for rule in self:
            rule.condition_count = sum(
                bool(condition)
                for condition in (
                    rule.date_start or rule.date_end,
                    rule.country_ids,
                    rule.partner_category_ids,
                    rule.team_ids,
                )
            )

    @api.depends("tier_ids")
    def _compute_is_tiered(self):
        for rule in self:
            rule.is_tiered = bool(rule.tier_ids)

    def _matches_conditions(self, partner, team, date):
        """Whether the dates, countries, tags and teams of this rule admit a document of
        ``partner`` (the customer) sold by ``team`` at ``date``."""
        self.ensure_one()
        partner = partner.commercial_partner_id
        return (
            (not self.team_ids or team & self.team_ids)
            and (not self.country_ids or partner.country_id in self.country_ids)
            and (not self.partner_category_ids or partner.category_id & self.partner_category_ids)
            and (not self.date_start or (date and date >= self.date_start))
            and (not self.date_end or (date and date <= self.date_end))
        )

    @api.constrains("rate", "max_commission", "fixed_amount", "amount_per_unit", "period_cap")
    def _check_values(self):
        for rule in self:
            if not 0 <= rule.rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The commission rate must be between 0 and 100 (got %(rate)s).",
                        rate=rule.rate,
                    )
                )
            for field in ("max_commission", "fixed_amount", "amount_per_unit", "period_cap"):
                if rule[field] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of a commission rule cannot be negative (got %(value)s).",
                            field=rule._fields[field].get_description(self.env)["string"],
                            value=rule[field],
                        )
                    )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for rule in self:
            if rule.date_start and rule.date_end and rule.date_end < rule.date_start:
                raise ValidationError(
                    self.env._(
                        "The rule %(rule)s ends (%(end)s) before it starts (%(start)s).",
                        rule=rule.display_name,
                        end=rule.date_end,
                        start=rule.date_start,
                    )
                )

    @api.constrains("amount_per_unit", "plan_id")
    def _check_per_unit_trigger(self):
        for rule in self:
            if rule.amount_per_unit and rule.plan_id.trigger == "won":
                raise ValidationError(
                    self.env._(
                        "The plan %(plan)s books won deals, which have no quantities: its rules "
                        "cannot pay an amount per unit.",
                        plan=rule.plan_id.name,
                    )
                )

    @api.constrains("tier_ids")
    def _check_tiers(self):
        for rule in self:
            thresholds = rule.tier_ids.mapped("threshold")
            if len(thresholds) != len(set(thresholds)):
                raise ValidationError(
                    self.env._(
                        "Two tiers of the rule %(rule)s have the same threshold.",
                        rule=rule.display_name,
                    )
                )

    @api.constrains("product_id", "category_id")
    def _check_product_category(self):
        for rule in self.filtered(lambda r: r.product_id and r.category_id):
            if not (rule.product_id.categ_id.parent_path or "").startswith(
                rule.category_id.parent_path or "/"
            ):
                raise ValidationError(
                    self.env._(
                        "The product %(product)s is not in the category %(category)s "
                        "(or one of its sub-categories) of its commission rule.",
                        product=rule.product_id.display_name,
                        category=rule.category_id.display_name,
                    )
                )

    @api.depends("category_id", "product_id", "pricelist_id", "template_id", "rate")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = f"{rule._condition_label()}: {rule.rate:g} %"

    def _condition_label(self):
        """What the rule applies to, in words (for names and explanations)."""
        self.ensure_one()
        target = self.product_id.display_name or self.category_id.name or self.env._("Any product")
        extra = [r.display_name for r in (self.pricelist_id, self.template_id) if r]
        return f"{target} ({', '.join(extra)})" if extra else target

    # ------------------------------------------------------------
    # Audit: rule changes in the plan's chatter; a rule that booked is archived
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        for plan, plan_rules in rules.grouped("plan_id").items():
            plan._message_log(
                body=self.env._(
                    "Rules added: %(rules)s", rules=", ".join(plan_rules.mapped("display_name"))
                )
            )
        return rules

    def write(self, vals):
        audited = [name for name in AUDITED_FIELDS if name in vals]
        before = {rule: rule._audit_values(audited) for rule in self} if audited else {}
        res = super().write(vals)
        for rule, old in before.items():
            changes = [
                f"{label}: {old[name]} → {new}"
                for name, (label, new) in rule._audit_values(audited, labels=True).items()
                if old[name] != new
            ]
            if changes:
                rule.plan_id._message_log(
                    body=self.env._(
                        "Rule %(rule)s changed: %(changes)s",
                        rule=rule.display_name,
                        changes="; ".join(changes),
                    )
                )
        return res

    def _audit_values(self, names, labels=False):
        """{field: value as text} of this rule (with the field labels when asked)."""
        self.ensure_one()
        values = {}
        for name in names:
            field = self._fields[name]
            value = self[name]
            if field.type == "one2many":
                text = ", ".join(value.mapped("display_name")) or "-"
            elif field.relational:
                text = ", ".join(value.mapped("display_name")) or "-"
            elif field.type == "selection":
                text = dict(field._description_selection(self.env)).get(value, value or "-")
            else:
                text = str(value) if value not in (False, None) else "-"
            values[name] = (field.get_description(self.env)["string"], text) if labels else text
        return values

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        booked = (
            self.env["commission.line"].sudo().search_count([("rule_id", "in", self.ids)], limit=1)
        )
        if booked:
            raise UserError(
                self.env._(
                    "A rule that booked commissions cannot be deleted: archive it instead "
                    "(its booked commissions keep their rates)."
                )
            )

    def unlink(self):
        for plan, rules in self.grouped("plan_id").items():
            plan._message_log(
                body=self.env._(
                    "Rules deleted: %(rules)s", rules=", ".join(rules.mapped("display_name"))
                )
            )
        return super().unlink()

    # ------------------------------------------------------------
    # The engine's part of one rule (see commission.plan._compute_commission)
    # ------------------------------------------------------------

    def _commission_bands(self):
        """[(threshold, rate)] of this rule, from 0 (its own rate) up."""
        self.ensure_one()
        tiers = self.tier_ids.sorted("threshold")
        return [(0.0, self.rate)] + [(tier.threshold, tier.rate) for tier in tiers]

    def _commission_band_index(self, attainment):
        """Index of the band that ``attainment`` reaches."""
        bands = self._commission_bands()
        reached = [i for i, (threshold, _rate) in enumerate(bands) if attainment >= threshold]
        return reached[-1] if reached else 0

    def _commission_rate_over(self, start, end):
        """(rate, band index) earned by the base that takes the referrer's attainment from
        ``start`` to ``end``: without tiers the rule's rate; ``marginal`` each part at the
        rate of its band (the average); ``whole`` the rate of the band reached."""
        self.ensure_one()
        if not self.is_tiered:
            return self.rate, 0
        bands = self._commission_bands()
        index = self._commission_band_index(end)
        if self.tier_mode == "whole" or end <= start:
            return bands[index][1], index
        earned = 0.0
        for i, (threshold, rate) in enumerate(bands):
            upper = bands[i + 1][0] if i + 1 < len(bands) else end
            earned += max(0.0, min(end, upper) - max(start, threshold)) * rate
        return earned / (end - start), index

    def _commission_amounts(self, lines, currency, company, date, span, period_amount):
        """{key: result} of this rule's matching lines of one document (see the plan's
        ``_compute_commission``): rate × base (tiers over the attainment ``span``), plus the
        amount per unit, plus the fixed amount once, then the caps per document and per
        period (``period_amount``: booked by the period's other documents)."""
        self.ensure_one()
        company_currency = company.currency_id

        def convert(amount, from_currency=None):
            # the rule's amounts are in the plan company's currency (read only when needed)
            from_currency = from_currency or self.plan_id.company_id.currency_id or company_currency
            return from_currency._convert(amount, currency, company, date)

        rate, band = self._commission_rate_over(*span)
        per_unit = convert(self.amount_per_unit) if self.amount_per_unit else 0.0
        items = [
            {
                "key": line["key"],
                "rule": self,
                "base": line["base"],
                "amount": currency.round(
                    line["base"] * rate / 100.0 + per_unit * line.get("quantity", 0.0)
                ),
                "explanation": "",
            }
            for line in lines
        ]
        notes = []  # (message, {name: amount}) for the explanation
        if self.amount_per_unit:
            notes.append((self.env._("+ %(amount)s per unit"), {"amount": per_unit}))
        if self.fixed_amount:
            fixed = currency.round(convert(self.fixed_amount))
            max(items, key=lambda item: abs(item["base"]))["amount"] += fixed
            notes.append((self.env._("+ %(amount)s per deal"), {"amount": fixed}))
        total = sum(item["amount"] for item in items)
        if self.is_capped:
            cap = convert(self.max_commission)
            if currency.compare_amounts(abs(total), cap) > 0:
                total = cap if total > 0 else -cap
                self.plan_id._scale_amounts(items, total, currency)
                notes.append((self.env._("capped at %(cap)s per document"), {"cap": cap}))
        if self.period_cap and total > 0:
            remaining = convert(max(0.0, self.period_cap - period_amount), company_currency)
            if currency.compare_amounts(total, remaining) > 0:
                notes.append(
                    (
                        self.env._("period cap of %(cap)s reached: %(excess)s not booked"),
                        {"cap": convert(self.period_cap), "excess": total - remaining},
                    )
                )
                self.plan_id._scale_amounts(items, currency.round(remaining), currency)
        for item in items:
            base = item["base"]
            item["rate"] = 100.0 * item["amount"] / base if base else rate
        # a simulation only sums the amounts: it needs no words
        if SIMULATION_KEY not in self.env.context:
            self._commission_explain(items, currency, rate, band, notes)
        return {item.pop("key"): item for item in items}

    def _commission_explain(self, items, currency, rate, band, notes):
        """Set the ``explanation`` of each item: '12 % of 1,200.00: Software, Gold
        resellers, tier 2 of 3 + 50.00 per deal'."""
        fmt = self.plan_id._commission_formatter(currency)
        what = self._commission_explanation(band)
        extras = [
            message % {name: fmt(amount) for name, amount in amounts.items()}
            for message, amounts in notes
        ]
        for item in items:
            item["explanation"] = " ".join(
                [
                    self.env._(
                        "%(rate)s %% of %(base)s: %(what)s",
                        rate=f"{rate:.4g}",
                        base=fmt(item["base"]),
                        what=what,
                    ),
                    *extras,
                ]
            )

    def _commission_explanation(self, band):
        """'Software, Gold resellers, tier 2 of 3': what the rule applies to, under which
        plan, which tier (the plan's name rather than the referrer's level: one query less
        per payment)."""
        self.ensure_one()
        parts = [self._condition_label(), self.plan_id.name]
        if self.is_tiered:
            parts.append(
                self.env._(
                    "tier %(band)s of %(count)s", band=band + 1, count=len(self.tier_ids) + 1
                )
            )
        return ", ".join(parts)

    def _commission_is_whole_tier(self):
        """Whether this rule's rate follows the whole period (never kept once booked); in
        a search: ``_commission_whole_tier_domain``."""
        return self.is_tiered and self.tier_mode == "whole"

    @api.model
    def _commission_whole_tier_domain(self):
        """The rules of ``_commission_is_whole_tier``, as a domain."""
        return [("is_tiered", "=", True), ("tier_mode", "=", "whole")]
