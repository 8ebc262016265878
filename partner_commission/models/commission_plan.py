from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError


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

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Partners"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("commission_plan_id", "=", self.id)],
        }

    # ------------------------------------------------------------
    # The one computation path: the SO estimate, the booking on payment, the clawback
    # and any simulation call _compute_commission().
    # ------------------------------------------------------------

    @api.model
    def _rule_specificity(self, rule):
        """Sort key of a matching rule: the most specific wins (product over category only,
        deeper category over its parent over no category, pricelist over none), then the
        lowest sequence."""
        return (
            bool(rule.product_id),
            (rule.category_id.parent_path or "").count("/"),
            bool(rule.pricelist_id),
            -rule.sequence,
            -rule.id,
        )

    def _match_rule(self, product, pricelist):
        """The plan's rule for a product sold with a pricelist, or an empty recordset."""
        self.ensure_one()
        ancestors = {int(cid) for cid in (product.categ_id.parent_path or "").split("/") if cid}
        rules = self.commission_rule_ids.filtered(
            lambda r: (
                (not r.category_id or r.category_id.id in ancestors)
                and (not r.product_id or r.product_id == product)
                and (not r.pricelist_id or r.pricelist_id == pricelist)
            )
        )
        return max(rules, key=self._rule_specificity) if rules else rules

    def _compute_commission(self, lines, currency, company, date):
        """Commission of document lines under this plan.

        :param lines: list of dicts with ``key`` (any hashable), ``product`` (product.product),
            ``pricelist`` (product.pricelist, may be empty) and ``base`` (untaxed amount in
            ``currency``).
        :return: {key: {'rule', 'rate', 'base', 'amount'}} for lines that match a rule with a
            non-zero rate; amounts rounded in ``currency``, caps applied per rule over all lines.
        """
        self.ensure_one()
        result = {}
        per_rule = defaultdict(list)
        # lines of one category (and of a product no rule names) match the same rule
        named = set(self.commission_rule_ids.product_id.ids)
        matched = {}
        for line in lines:
            product, pricelist = line["product"], line.get("pricelist")
            key = (
                product.id if product.id in named else ("categ", product.categ_id.id),
                pricelist.id if pricelist else False,
            )
            if key not in matched:
                matched[key] = self._match_rule(product, pricelist)
            rule = matched[key]
            if not rule or not rule.rate:
                continue
            amount = currency.round(line["base"] * rule.rate / 100.0)
            result[line["key"]] = {
                "rule": rule,
                "rate": rule.rate,
                "base": line["base"],
                "amount": amount,
            }
            per_rule[rule].append(line["key"])
        for rule, keys in per_rule.items():
            if not rule.is_capped:
                continue
            cap = rule.currency_id._convert(rule.max_commission, currency, company, date)
            total = sum(result[key]["amount"] for key in keys)
            if abs(total) > cap:
                self._scale_amounts(
                    [result[key] for key in keys], cap if total > 0 else -cap, currency
                )
        return result

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
