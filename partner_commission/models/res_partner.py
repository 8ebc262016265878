from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# ledger states of commissions the referrer is still to be paid
UNPAID_STATES = ("pending", "to_approve", "to_pay", "draft", "confirmed", "billed")


class ResPartner(models.Model):
    _inherit = "res.partner"

    commission_plan_id = fields.Many2one(
        "commission.plan",
        domain="[('company_id', 'in', [company_id, False])]",
        tracking=True,
        help="Plan of the commissions this partner earns as a referrer. It follows the "
        "level's default plan unless it was set by hand.",
    )
    commission_plan_manual = fields.Boolean(
        "Commission Plan Set by Hand",
        copy=False,
        help="Set when the plan is chosen by hand: level changes then leave it alone.",
    )
    commission_line_count = fields.Integer(
        "Commission Rows",
        compute="_compute_commission_balance",
        groups="partner_commission.group_commission_user",
    )
    commission_balance = fields.Monetary(
        "Commissions to Be Paid",
        compute="_compute_commission_balance",
        currency_field="commission_currency_id",
        groups="partner_commission.group_commission_user",
        help="Commissions this referrer earned and has not been paid yet (held, to approve, "
        "to pay, on an RFQ or billed), in the current company's currency.",
    )
    commission_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_commission_balance",
        groups="partner_commission.group_commission_user",
    )

    @api.depends_context("company", "allowed_company_ids")
    def _compute_commission_balance(self):
        """Rows and unpaid balance of these referrers, in one query: each company's amount
        converted into the current company's currency (the rows the user may read)."""
        currency = self.env.company.currency_id
        today = fields.Date.context_today(self)
        counts, balances = defaultdict(int), defaultdict(float)
        ids = [pid for pid in self.ids if pid]
        groups = (
            self.env["commission.line"]._read_group(
                [("referrer_id", "in", ids)],
                ["referrer_id", "company_id", "state"],
                ["__count", "amount_company:sum"],
            )
            if ids
            else []
        )
        for referrer, company, state, count, amount in groups:
            counts[referrer.id] += count
            if state in UNPAID_STATES:
                balances[referrer.id] += company.currency_id._convert(
                    amount, currency, self.env.company, today
                )
        for partner in self:
            partner.commission_currency_id = currency
            partner.commission_line_count = counts[partner.id]
            partner.commission_balance = currency.round(balances[partner.id])

    def action_view_commission_lines(self):
        """The referrer's ledger, grouped by state."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_commission.commission_line_action_list"
        )
        action.update(
            name=self.env._("Commissions of %(partner)s", partner=self.display_name),
            domain=[("referrer_id", "=", self.id)],
            context={"search_default_group_state": 1, "create": False},
        )
        return action

    @api.constrains("commission_plan_id", "company_id")
    def _check_commission_plan_company(self):
        for partner in self:
            plan = partner.commission_plan_id
            if partner.company_id and plan.company_id and plan.company_id != partner.company_id:
                raise ValidationError(
                    self.env._(
                        "The commission plan %(plan)s belongs to the company %(company)s: "
                        "%(partner)s can only take a plan of its own company or a plan "
                        "shared by all companies.",
                        plan=plan.name,
                        company=plan.company_id.name,
                        partner=partner.display_name,
                    )
                )

    @api.model
    def _commission_check_plan_rights(self, label):
        """Only commission managers choose plans (a partner's, a level's default, an
        order's); salespeople read them."""
        if self.env.su or self.env.user.has_group("partner_commission.group_commission_manager"):
            return
        raise AccessError(
            self.env._(
                "Only commission managers can change the %(field)s.",
                field=label,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("commission_plan_id") for vals in vals_list):
            self._commission_check_plan_rights(self._fields["commission_plan_id"].string)
        grades = self.env["res.partner.grade"]
        for vals in vals_list:
            if vals.get("commission_plan_id"):
                vals.setdefault("commission_plan_manual", True)
            elif vals.get("grade_id"):
                grade = grades.browse(vals["grade_id"])
                if grade.default_commission_plan_id:
                    vals["commission_plan_id"] = grade.default_commission_plan_id.id
        return super().create(vals_list)

    def write(self, vals):
        from_grade = self.env.su and self.env.context.get("commission_plan_from_grade")
        if "commission_plan_id" in vals and not from_grade:
            self._commission_check_plan_rights(self._fields["commission_plan_id"].string)
            vals = dict(vals, commission_plan_manual=bool(vals["commission_plan_id"]))
        res = super().write(vals)
        if "grade_id" in vals and "commission_plan_id" not in vals:
            self._commission_plan_follow_grade()
        return res

    def _commission_plan_follow_grade(self):
        """Give the level's default plan to partners whose plan was not set by hand."""
        for partner in self.filtered(lambda p: not p.commission_plan_manual):
            plan = partner.grade_id.default_commission_plan_id
            if partner.commission_plan_id != plan:
                # the level decides: no commission right needed to change a partner's level
                partner.sudo().with_context(
                    commission_plan_from_grade=True
                ).commission_plan_id = plan
