import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL, date_utils

_logger = logging.getLogger(__name__)

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

    commission_portal_access = fields.Boolean(
        "Sees Commissions",
        copy=False,
        groups="partner_commission.group_commission_manager",
        help="This contact sees its company's commissions in the portal (balance, rows, "
        "statements, questions) and gets the monthly statement email. Set by commission "
        "managers.",
    )
    commission_statement_sent = fields.Char(
        "Last Commission Statement Sent",
        copy=False,
        groups="partner_commission.group_commission_manager",
        help="Month (2026-11) of the last statement email this contact received.",
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
            partner.commission_plan_id._commission_check_taker(
                partner.company_id, partner.display_name
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

    def _partner_fields_untracked_on_rank_write(self):
        return super()._partner_fields_untracked_on_rank_write() | {"commission_plan_id"}

    def _partner_level_revenue_sources(self):
        """Also the customer invoices that name the partner as their referrer (invoices
        made by hand, or grouping orders of several referrers)."""
        return [
            *super()._partner_level_revenue_sources(),
            SQL(
                """SELECT move.referrer_id AS partner_id, move.id AS move_id
                     FROM account_move move
                    WHERE move.move_type = 'out_invoice'
                      AND move.referrer_id IN (
                          SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))""",
                self.ids,
            ),
        ]

    def _commission_plan_follow_grade(self):
        """Give the level's default plan to partners whose plan was not set by hand."""
        for partner in self.filtered(lambda p: not p.commission_plan_manual):
            plan = partner.grade_id.default_commission_plan_id
            if partner.commission_plan_id != plan:
                # the level decides: no commission right needed to change a partner's level
                partner.sudo().with_context(
                    commission_plan_from_grade=True
                ).commission_plan_id = plan

    # ------------------------------------------------------------
    # Portal access and the monthly statement email
    # ------------------------------------------------------------

    def _commission_portal_allowed(self):
        """True when this contact sees its company's commissions in the portal: a
        commission manager allowed it, and its company is a graded partner."""
        self.ensure_one()
        partner = self.sudo()
        commercial = partner.commercial_partner_id
        return bool(partner.commission_portal_access and (partner.grade_id or commercial.grade_id))

    @api.model
    def _cron_commission_statement(self):
        """Email last month's commission statement to the contacts allowed to see their
        company's commissions, in companies that send statements; each contact once a
        month, whatever the number of runs."""
        month = date_utils.start_of(fields.Date.context_today(self), "month")
        last_month = date_utils.subtract(month, months=1)
        key = self.env["commission.line"]._portal_period_key(last_month, "month")
        contacts = self._commission_statement_recipients(key)
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=len(contacts))
        for contact in contacts:
            contact = contact.try_lock_for_update().filtered_domain(
                self._commission_statement_domain(key)
            )
            if contact:
                contact._commission_send_statement(key)
            Cron._commit_progress(1)

    @api.model
    def _commission_statement_domain(self, key):
        companies = (
            self.env["res.company"].sudo().search([("commission_statement_email", "=", True)])
        )
        return (
            Domain("commission_portal_access", "=", True)
            & Domain("email", "!=", False)
            & Domain("commission_statement_sent", "not in", [key])
            & Domain("commercial_partner_id.grade_id", "!=", False)
            & Domain(
                "commercial_partner_id",
                "in",
                self.env["commission.line"]
                .sudo()
                ._search([("company_id", "in", companies.ids)])
                .select("referrer_id"),
            )
        )

    @api.model
    def _commission_statement_recipients(self, key):
        return self.sudo().search(self._commission_statement_domain(key), order="id")

    def _commission_send_statement(self, key):
        """Send the statement of period ``key`` to this contact with the editable template;
        a failure is noted on the contact, and the next run tries again."""
        self.ensure_one()
        template = self.env.ref(
            "partner_commission.mail_template_commission_statement", raise_if_not_found=False
        )
        if not template:
            return
        try:
            with self.env.cr.savepoint():
                template.with_context(commission_statement_period=key).send_mail(
                    self.id, email_layout_xmlid="mail.mail_notification_light"
                )
                self.sudo().commission_statement_sent = key
        except Exception as error:  # noqa: BLE001 - one contact must not stop the others
            _logger.info("Commission statement %s to %s failed: %s", key, self.email, error)
            self.sudo()._message_log(
                body=self.env._(
                    "The commission statement of %(period)s could not be sent: %(error)s",
                    period=key,
                    error=str(error),
                )
            )

    def _commission_statement_email_values(self):
        """What the statement email shows: the period, its link and the figures per company
        and currency (rendered by the template)."""
        self.ensure_one()
        Ledger = self.env["commission.line"]
        key = self.env.context.get("commission_statement_period") or Ledger._portal_period_key(
            date_utils.subtract(fields.Date.context_today(self), months=1), "month"
        )
        return {
            "period": key,
            "label": Ledger._portal_period_label(key),
            "url": f"{self.get_base_url()}/my/commissions/statement/{key}",
            "sections": Ledger._portal_statement(self.commercial_partner_id, key),
        }
