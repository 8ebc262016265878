from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CommissionRule(models.Model):
    _name = "commission.rule"
    _description = "Commission Rule"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one("commission.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=10)
    category_id = fields.Many2one(
        "product.category",
        "Product Category",
        help="Products of this category and of its sub-categories; empty: any product.",
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
    rate = fields.Float("Rate (%)", digits=(5, 2), required=True, default=0.0)
    is_capped = fields.Boolean("Capped")
    max_commission = fields.Monetary(
        "Cap per Invoice",
        help="Most commission this rule gives per invoice, in the plan company's currency "
        "(converted to the invoice currency at the invoice date).",
    )

    @api.constrains("rate", "max_commission")
    def _check_values(self):
        for rule in self:
            if not 0 <= rule.rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The commission rate must be between 0 and 100 (got %(rate)s).",
                        rate=rule.rate,
                    )
                )
            if rule.max_commission < 0:
                raise ValidationError(self.env._("The commission cap cannot be negative."))

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

    @api.depends("category_id", "product_id", "pricelist_id", "rate")
    def _compute_display_name(self):
        for rule in self:
            target = (
                rule.product_id.display_name
                or rule.category_id.display_name
                or self.env._("Any product")
            )
            if rule.pricelist_id:
                target = f"{target} ({rule.pricelist_id.display_name})"
            rule.display_name = f"{target}: {rule.rate:g} %"
