import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def period_start(day, frequency):
    """First day of the week (Monday), month or quarter that contains ``day``."""
    if frequency == "weekly":
        return day - timedelta(days=day.weekday())
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    raise ValueError(frequency)


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    purchase_type = fields.Selection(
        [("procurement", "Procurement"), ("commission", "Commission")],
        required=True,
        default="procurement",
        index=True,
        copy=False,
        readonly=True,
        help="Commission RFQs are generated from paid invoices of referred sales and are "
        "never used for procurement.",
    )
    commission_line_ids = fields.One2many(
        "commission.line", "purchase_order_id", "Commission Lines", readonly=True
    )
    invoice_commission_count = fields.Integer(
        "Source Invoices", compute="_compute_invoice_commission_count"
    )

    @api.depends("commission_line_ids")
    def _compute_invoice_commission_count(self):
        counts = dict(
            self.env["commission.line"]._read_group(
                [("purchase_order_id", "in", self.ids)],
                ["purchase_order_id"],
                ["move_id:count_distinct"],
            )
        )
        for order in self:
            order.invoice_commission_count = counts.get(order, 0)

    def action_view_commission_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Source Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.commission_line_ids.move_id.ids)],
            "context": {"create": False},
        }

    def _commission_notify(self, move, amount):
        """Chatter of a commission RFQ: a note of which invoice, how much. Logged without
        notification (a note notifies nobody anyway), which saves the recipients lookup."""
        self.ensure_one()
        body = self.env._(
            "%(kind)s %(amount)s from %(link)s.",
            kind=self.env._("Clawback") if amount < 0 else self.env._("Commission"),
            amount=move.currency_id.format(amount),
            link=Markup('<a href="#" data-oe-model="account.move" data-oe-id="%s">%s</a>')
            % (move.id, move.name),
        )
        self._message_log(body=body)

    @api.model
    def _commission_subscribe(self, pairs):
        """Make each partner of ``pairs`` [(order, partner)] (the salespeople of the booked
        invoices) follow its commission RFQ; one query when all already do."""
        orders = self.union(*(order for order, _partner in pairs))
        followers = {
            (follower.res_id, follower.partner_id.id)
            for follower in self.env["mail.followers"]
            .sudo()
            .search_fetch(
                [("res_model", "=", self._name), ("res_id", "in", orders.ids)],
                ["res_id", "partner_id"],
            )
        }
        for order, partner in pairs:
            if partner and (order.id, partner.id) not in followers:
                order.message_subscribe(partner_ids=partner.ids)
                followers.add((order.id, partner.id))

    # ------------------------------------------------------------
    # Scheduled confirmation
    # ------------------------------------------------------------

    @api.model
    def _cron_confirm_commission_orders(self):
        self._confirm_commission_orders(commit=True)

    @api.model
    def _confirm_commission_orders(self, today=None, commit=False):
        """Confirm, for each company on a schedule, the draft commission RFQs whose week,
        month or quarter ended before ``today`` (whatever day this runs, so missed days are
        caught up), that pay at least one invoice and reach the company's minimum. Each RFQ
        is confirmed in its own savepoint (and transaction when ``commit``): a failure is
        logged and the others go on. Returns the confirmed RFQs."""
        today = today or fields.Date.context_today(self)
        confirmed = self.browse()
        companies = self.env["res.company"].search(
            [("commission_automatic_po_frequency", "!=", "manually")]
        )
        for company in companies:
            start = period_start(today, company.commission_automatic_po_frequency)
            orders = self.search(
                [
                    ("purchase_type", "=", "commission"),
                    ("state", "=", "draft"),
                    ("company_id", "=", company.id),
                    ("date_order", "<", fields.Datetime.to_datetime(start)),
                    ("commission_line_ids", "!=", False),
                ],
                order="id",
            )
            if commit:
                self.env["ir.cron"]._commit_progress(remaining=len(orders))
            for order in orders:
                amount = order.currency_id._convert(
                    order.amount_total, company.currency_id, company, today
                )
                if company.currency_id.compare_amounts(amount, company.commission_po_minimum) < 0:
                    continue
                try:
                    with self.env.cr.savepoint():
                        self.env.cr.execute(
                            SQL(
                                "SELECT id FROM purchase_order WHERE id = %s "
                                "FOR UPDATE SKIP LOCKED",
                                order.id,
                            )
                        )
                        if not self.env.cr.fetchone():
                            continue
                        order.with_company(company)._commission_confirm()
                        confirmed |= order
                except Exception:
                    _logger.exception("Could not confirm the commission RFQ %s", order.name)
                if commit:
                    self.env["ir.cron"]._commit_progress(1)
        return confirmed

    def _commission_confirm(self):
        self.ensure_one()
        self.button_confirm()
        if self.env.context.get("commission_confirm_no_mail"):
            return
        template = self.env.ref(
            "purchase.email_template_edi_purchase_done", raise_if_not_found=False
        )
        if template:
            self.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
