import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, get_lang

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

    @api.depends("order_line.price_subtotal", "company_id", "currency_id")
    def _amount_all(self):
        sums = self._commission_line_sums()
        summed = self.browse(list(sums))
        res = super(PurchaseOrder, self - summed)._amount_all()
        for order in summed:
            untaxed, tax = sums[order.id]
            order.amount_untaxed = untaxed
            order.amount_tax = tax
            order.amount_total = order.currency_id.round(untaxed + tax)
            order.amount_total_cc = order.amount_total
        return res

    @api.depends("order_line.date_planned")
    def _compute_date_planned(self):
        summed = self._commission_summed_orders()
        res = super(PurchaseOrder, self - summed)._compute_date_planned()
        earliest = dict(
            self.env["purchase.order.line"]._read_group(
                [("order_id", "in", summed.ids), ("display_type", "=", False)],
                ["order_id"],
                ["date_planned:min"],
            )
        )
        for order in summed:
            order.date_planned = earliest.get(order, False)
        return res

    @api.depends("order_line.invoice_lines.move_id")
    def _compute_invoice(self):
        summed = self._commission_summed_orders()
        res = super(PurchaseOrder, self - summed)._compute_invoice()
        bills = dict(
            self.env["account.move.line"]._read_group(
                [("purchase_line_id.order_id", "in", summed.ids)],
                ["purchase_line_id.order_id"],
                ["move_id:array_agg_distinct"],
            )
        )
        for order in summed:
            order.invoice_ids = [Command.set(bills.get(order, []))]
            order.invoice_count = len(bills.get(order, []))
        return res

    def _commission_summed_orders(self):
        """Commission RFQs whose figures over their lines (totals, planned date, bills) are
        computed in the database from their saved lines.

        A draft commission RFQ collects a line per paid document for a whole period, and core
        recomputes these figures from all the lines of an order each time one is added: the
        payout would cost more with every line already on the RFQ. A form being edited (lines
        not saved yet) is computed by core."""
        return self.filtered(
            lambda order: order.purchase_type == "commission" and isinstance(order.id, int)
        )

    def _commission_line_sums(self):
        """{RFQ id: (untaxed, tax)} summed from the saved product lines, for the commission
        RFQs in their company's currency whose line figures add up to core's totals: taxes
        rounded per line, or no taxes and no line amount rounded (with taxes rounded
        globally, core rounds the sum of the unrounded amounts). The others are left to
        core."""
        orders = self._commission_summed_orders().filtered(
            lambda order: order.currency_id == order.company_id.currency_id
        )
        if not orders:
            return {}
        Line = self.env["purchase.order.line"]
        Line.flush_model(
            [
                "order_id",
                "display_type",
                "price_unit",
                "product_qty",
                "discount",
                "price_subtotal",
                "price_tax",
                "tax_ids",
            ]
        )
        taxes = Line._fields["tax_ids"]
        self.env.cr.execute(
            SQL(
                """
                SELECT line.order_id,
                       COALESCE(SUM(line.price_subtotal), 0),
                       COALESCE(SUM(line.price_tax), 0),
                       BOOL_AND(
                           NOT EXISTS (SELECT 1 FROM %(rel)s rel WHERE rel.%(col)s = line.id)
                           AND line.price_subtotal
                               = line.price_unit * line.product_qty
                                 * (1 - COALESCE(line.discount, 0) / 100)
                       )
                  FROM purchase_order_line line
                 WHERE line.order_id IN %(ids)s AND line.display_type IS NULL
              GROUP BY line.order_id
                """,
                rel=SQL.identifier(taxes.relation),
                col=SQL.identifier(taxes.column1),
                ids=tuple(orders.ids),
            )
        )
        sums = {
            order_id: (untaxed, tax, exact)
            for order_id, untaxed, tax, exact in self.env.cr.fetchall()
        }
        result = {}
        for order in orders:
            untaxed, tax, exact = sums.get(order.id, (0.0, 0.0, True))
            if exact or order.company_id.tax_calculation_rounding_method == "round_per_line":
                currency = order.currency_id
                result[order.id] = (currency.round(float(untaxed)), currency.round(float(tax)))
        return result

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

    _commission_draft_unique = models.UniqueIndex(
        "(partner_id, company_id, currency_id) WHERE purchase_type = 'commission' "
        "AND state = 'draft'",
        "A referrer has one draft commission RFQ per company and currency: add the "
        "commissions to the open one.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self._commission_follow_order_state()
        return res

    def _commission_follow_order_state(self):
        """Ledger rows follow their RFQ: a cancelled RFQ gives its rows back (to pay, for
        the next payout run); a confirmed one marks them confirmed."""
        orders = self.filtered(lambda o: o.purchase_type == "commission")
        cancelled = orders.filtered(lambda o: o.state == "cancel")
        Ledger = self.env["commission.line"].sudo()
        if cancelled:
            # rows settled at zero by the schedule stay on their cancelled RFQ
            given_back = Ledger.search(
                [("purchase_order_id", "in", cancelled.ids), ("state", "!=", "paid")]
            )
            if given_back:
                given_back._commission_give_back()
        followed = orders - cancelled
        if followed:
            Ledger.search([("purchase_order_id", "in", followed.ids)])._commission_follow_bills()

    @api.model
    def _commission_draft_for_payout(self, referrer, company, currency):
        """The referrer's draft commission RFQ for the company and currency, locked for the
        payout that writes it (waiting for a buyer's save in progress). Raises the
        database's serialization error, without logging it, when another transaction
        changed that RFQ since this one began: the payout leaves the referrer to its next
        run."""
        self.flush_model(["purchase_type", "state", "partner_id", "company_id", "currency_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM purchase_order
                 WHERE purchase_type = 'commission' AND state = 'draft'
                   AND partner_id = %s AND company_id = %s AND currency_id = %s
                 LIMIT 1
                   FOR NO KEY UPDATE
                """,
                referrer.id,
                company.id,
                currency.id,
            ),
            log_exceptions=False,
        )
        return self.browse(order_id for (order_id,) in self.env.cr.fetchall())

    def _commission_add_rows(self, rows, created=False):
        """Put ledger rows (to pay, of this RFQ's referrer, company and currency) on this
        draft RFQ: one line per source document (a document's later rows join its line),
        one chatter note listing the documents, the salespeople as followers.

        :param created: the RFQ was created for these rows without core's creation message,
            which the note then begins with
        """
        self.ensure_one()
        # the lines of this run's documents only: the cost does not grow with the RFQ
        on_order = (
            self.env["commission.line"]
            .sudo()
            .search_fetch(
                [
                    ("purchase_order_id", "=", self.id),
                    "|",
                    ("origin_move_id", "in", rows.origin_move_id.ids),
                    ("lead_id", "in", rows.lead_id.ids),
                ],
                ["origin_move_id", "lead_id", "purchase_line_id"],
            )
        )
        lines_by_doc = {row._commission_document_key(): row.purchase_line_id for row in on_order}
        rows_by_doc = rows.grouped(lambda r: r._commission_document_key())
        self.env["purchase.order.line"].union(
            *(lines_by_doc[key] for key in rows_by_doc if key in lines_by_doc)
        )._commission_lock_for_payout()
        new_values, new_groups = [], []
        for key, doc_rows in rows_by_doc.items():
            line = lines_by_doc.get(key)
            if line:
                all_rows = line.commission_line_ids | doc_rows
                line.write(
                    {
                        "price_unit": sum(all_rows.mapped("amount")),
                        "name": self._commission_line_name(all_rows),
                    }
                )
                doc_rows.write({"purchase_line_id": line.id, "state": "draft"})
            else:
                new_values.append(self._commission_line_values(doc_rows))
                new_groups.append(doc_rows)
        self._commission_set_analytic_distribution(new_values)
        lines = self.env["purchase.order.line"].sudo().create(new_values)
        for line, doc_rows in zip(lines, new_groups, strict=True):
            doc_rows.write({"purchase_line_id": line.id, "state": "draft"})
        body = rows._commission_note_body()
        if created:
            body = Markup("<p>%s</p>") % self._creation_message() + body
        self._commission_log_run(body)
        self._commission_subscribe(rows.user_id.partner_id)
        if not self.user_id:
            # the buyer follows the RFQ without core's assignment email, which would write
            # the referrer's contact (its portal sign-up link) and so make the payout fail
            # whenever someone saves that contact meanwhile
            buyer = self._commission_buyer(rows)
            self.with_context(mail_auto_subscribe_no_notify=True).user_id = buyer

    def _commission_log_run(self, body):
        """One chatter message per payout run on this RFQ: when the run changes the untaxed
        amount of an RFQ that existed before this transaction, core's tracking message of
        that change carries the note (a second run on it in the same transaction adds its
        note to the same message); otherwise the note is logged on its own."""
        self.ensure_one()
        # the new lines saved in one go, then the total computed now: tracking records the
        # amount before
        self.env["purchase.order.line"].flush_model()
        amount = self.amount_untaxed
        data = self.env.cr.precommit.data
        initial = data.get(f"mail.tracking.{self._name}", {}).get(self.id)
        pending = data.get(f"mail.tracking.message.{self._name}", {}).pop(self.id, Markup())
        if initial and initial.get("amount_untaxed", amount) != amount:
            self._track_set_log_message(pending + body)
        else:
            self._message_log(body=pending + body)

    def _commission_buyer(self, rows):
        """Buyer of a new commission RFQ: the company's commission purchaser, else the
        salesperson of its first document."""
        self.ensure_one()
        first_invoice = rows.origin_move_id.sorted(lambda m: (m.date, m.id))[:1]
        return (
            self.company_id.commission_purchaser_id
            or first_invoice.invoice_user_id
            or rows.sorted("id").user_id[:1]
        )

    def _commission_line_values(self, rows):
        product = rows.plan_id[:1].product_id or self.env.ref(
            "partner_commission.product_commission"
        )
        if product.company_id and product.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "The commission product %(product)s belongs to the company %(company)s: "
                    "it cannot pay commissions of %(ours)s. Choose another product on the "
                    "plan %(plan)s.",
                    product=product.display_name,
                    company=product.company_id.name,
                    ours=self.company_id.name,
                    plan=rows.plan_id[:1].name or "",
                )
            )
        product = product.with_company(self.company_id)
        taxes = self.fiscal_position_id.map_tax(
            product.supplier_taxes_id._filter_taxes_by_company(self.company_id)
        )
        return {
            "order_id": self.id,
            "product_id": product.id,
            "name": self._commission_line_name(rows),
            "product_qty": 1.0,
            "product_uom_id": product.uom_id.id,
            "price_unit": sum(rows.mapped("amount")),
            "tax_ids": [Command.set(taxes.ids)],
            "date_planned": fields.Datetime.now(),
        }

    def _commission_set_analytic_distribution(self, values_list):
        """Give the new lines of this RFQ (``values_list``) the analytic distribution that
        core computes for a line: the distribution models are searched once per product,
        where core searches them for each new line."""
        self.ensure_one()
        Model = self.env["account.analytic.distribution.model"]
        distributions = {}
        for values in values_list:
            product = self.env["product.product"].browse(values["product_id"])
            if product not in distributions:
                distributions[product] = Model._get_distribution(
                    {
                        "product_id": product.id,
                        "product_categ_id": product.categ_id.id,
                        "partner_id": self.partner_id.id,
                        "partner_category_id": self.partner_id.category_id.ids,
                        "company_id": self.company_id.id,
                    }
                )
            values["analytic_distribution"] = distributions[product] or False

    def _commission_line_name(self, rows):
        """Description of this RFQ's line that pays ``rows`` (of one document), in the
        referrer's language, as core describes a vendor's products in the vendor's
        language: the same text whoever or whatever runs the payout."""
        self.ensure_one()
        lang = get_lang(self.env, self.partner_id.lang).code
        return rows.with_context(lang=lang)._commission_rfq_line_label()

    def _commission_subscribe(self, partners):
        """Make ``partners`` (the salespeople of the documents) follow this RFQ."""
        self.ensure_one()
        followers = set(
            self.env["mail.followers"]
            .sudo()
            .search_fetch(
                [("res_model", "=", self._name), ("res_id", "=", self.id)], ["partner_id"]
            )
            .partner_id.ids
        )
        missing = partners.filtered(lambda p: p.id not in followers)
        if missing:
            self.message_subscribe(partner_ids=missing.ids)

    # ------------------------------------------------------------
    # Vendor bills of commission RFQs
    # ------------------------------------------------------------

    def action_create_invoice(self, attachment_ids=False):
        """Create Bills of commission RFQs (from the form or the list's header button):
        all their bills in one batch, dated today (the commission statement is issued by
        the company), instead of core's one creation per bill and a date to type on each.
        Procurement orders, mixed selections and bills with attachments keep core's flow."""
        if attachment_ids or not self or any(o.purchase_type != "commission" for o in self):
            return super().action_create_invoice(attachment_ids=attachment_ids)
        invoices = self._commission_create_bills()
        invoices.filtered(
            lambda m: m.currency_id.round(m.amount_total) < 0
        ).action_switch_move_type()
        return self.action_view_invoice(invoices)

    def _commission_create_bills(self):
        """One vendor bill per referrer, company and currency (as core groups them), with
        every line of these commission RFQs, created in one batch per company."""
        vals_by_key = {}
        for order in self.with_context(default_move_type="in_invoice"):
            order = order.with_company(order.company_id)
            key = (order.company_id.id, order.partner_id.id, order.currency_id.id)
            vals = vals_by_key.get(key)
            if vals is None:
                vals = vals_by_key[key] = order._prepare_invoice()
                vals["invoice_origin"] = order.name
            else:
                vals["invoice_origin"] += f", {order.name}"
            vals["invoice_line_ids"] += [
                Command.create(line._prepare_account_move_line()) for line in order.order_line
            ]
        vals_by_company = defaultdict(list)
        for (company_id, _partner_id, _currency_id), vals in vals_by_key.items():
            for sequence, command in enumerate(vals["invoice_line_ids"], start=10):
                command[2]["sequence"] = sequence
            vals_by_company[company_id].append(vals)
        AccountMove = self.env["account.move"].with_context(default_move_type="in_invoice")
        bills = AccountMove
        for company_id, vals_list in vals_by_company.items():
            bills |= AccountMove.with_company(company_id).create(vals_list)
        return bills

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.purchase_type == "commission":
            values["invoice_date"] = fields.Date.context_today(self)
        return values

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
        caught up), that pay at least one document and reach the company's minimum; RFQs
        under it are left alone and keep collecting. Each RFQ is confirmed in its own
        savepoint, and transaction when ``commit``, then emailed: a failing RFQ is noted
        on it and the others go on; a failing email never undoes its confirmation.
        RFQs of ended periods whose lines net to zero are cancelled with a note, never
        emailed. Returns the confirmed RFQs."""
        today = today or fields.Date.context_today(self)
        ended = self._commission_orders_of_ended_periods(today)
        todo = ended.filtered(lambda o: o._commission_reaches_minimum(today))
        settled = ended.filtered(lambda o: o.currency_id.is_zero(o.amount_total))
        Cron = self.env["ir.cron"]
        if commit:
            Cron._commit_progress(remaining=len(todo) + len(settled))
        for order in settled:
            order._commission_cancel_settled()
            if commit:
                Cron._commit_progress(1)
        confirmed = self.browse()
        for order in todo:
            if order._commission_confirm():
                confirmed |= order
            if commit:
                Cron._commit_progress(1)
            if order in confirmed:
                order._commission_send_confirmation()
                if commit:
                    Cron._commit_progress()
        return confirmed

    @api.model
    def _commission_orders_of_ended_periods(self, today):
        """Draft commission RFQs, with ledger rows, whose period ended before ``today``."""
        todo = self.browse()
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
            todo |= orders
        return todo

    def _commission_cancel_settled(self):
        """Cancel this draft commission RFQ whose lines net to zero (a commission and its
        clawback): nothing is owed, nothing is emailed. Its rows are settled (paid) and
        stay on it, so the payout does not put them on a new RFQ; a note says why."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                order = self.try_lock_for_update().filtered_domain(
                    [("state", "=", "draft"), ("purchase_type", "=", "commission")]
                )
                if not order or not order.currency_id.is_zero(order.amount_total):
                    return False
                order.commission_line_ids.sudo().write({"state": "paid"})
                order.button_cancel()
                order._message_log(
                    body=self.env._(
                        "Cancelled by the schedule: its commissions net to zero, nothing is "
                        "owed to %(partner)s. Its ledger rows are settled.",
                        partner=order.partner_id.display_name,
                    )
                )
                return True
        except Exception as error:  # noqa: BLE001 - one RFQ must not stop the others
            _logger.exception("Could not cancel the commission RFQ %s", self.name)
            self._message_log(
                body=self.env._(
                    "The schedule could not cancel this RFQ: %(error)s", error=str(error)
                )
            )
            return False

    def _commission_reaches_minimum(self, today):
        """Whether this RFQ's total (converted at ``today``) is positive and reaches its
        company's minimum: below it, the RFQ stays in draft and keeps collecting."""
        self.ensure_one()
        company = self.company_id
        amount = self.currency_id._convert(self.amount_total, company.currency_id, company, today)
        return (
            company.currency_id.compare_amounts(amount, 0) > 0
            and company.currency_id.compare_amounts(amount, company.commission_po_minimum) >= 0
        )

    def _commission_confirm(self):
        """Confirm this draft commission RFQ unless another worker holds it; a failure is
        rolled back, logged and noted on the RFQ. Returns whether it was confirmed."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                order = self.try_lock_for_update().filtered_domain(
                    [("state", "=", "draft"), ("purchase_type", "=", "commission")]
                )
                if not order:
                    return False
                order.with_company(order.company_id).button_confirm()
                return order.state in ("purchase", "to approve")
        except Exception as error:  # noqa: BLE001 - one RFQ must not stop the others
            _logger.exception("Could not confirm the commission RFQ %s", self.name)
            self._message_log(
                body=self.env._(
                    "The schedule could not confirm this RFQ: %(error)s", error=str(error)
                )
            )
            return False

    def _commission_send_confirmation(self):
        """Email the confirmed RFQ with Odoo's purchase order template. The confirmation is
        already done (and committed by the schedule): a failing email or PDF is noted on
        the RFQ, and undoes nothing."""
        self.ensure_one()
        if self.env.context.get("commission_confirm_no_mail") or self.currency_id.is_zero(
            self.amount_total
        ):
            return
        template = self.env.ref(
            "purchase.email_template_edi_purchase_done", raise_if_not_found=False
        )
        if not template:
            return
        try:
            with self.env.cr.savepoint():
                self.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        except Exception as error:  # noqa: BLE001 - the confirmation must stand
            _logger.info("Commission RFQ %s confirmed, its email failed: %s", self.name, error)
            self._message_log(
                body=self.env._(
                    "This RFQ is confirmed, but its email could not be sent: %(error)s. "
                    "Send it with Send by Email once the problem is solved.",
                    error=str(error),
                )
            )
