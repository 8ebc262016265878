import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, clean_context, split_every

_logger = logging.getLogger(__name__)

# fields that the payout and the approval may change on a booked row; every other field of
# a booked row is fixed (a correction is a new row)
PAYOUT_FIELDS = {"state", "purchase_line_id", "date_release", "reason"}
# rows that count in a document's booked amount (what the sync compares to the target)
BOOKING_KINDS = ("commission", "correction", "clawback")
# states of rows not yet handed to an RFQ
OPEN_STATES = ("pending", "to_approve", "to_pay")
# pre-commit data: {model: ids} of the documents to sync before the commit
PRECOMMIT_KEY = "partner_commission.sync"
# key of a row within its document: the source line and the referrer it pays
ROW_KEY_FIELDS = ("move_line_id", "sale_line_id", "referrer_id")
# referrers whose payout one transaction of the payout job commits together
PAYOUT_BATCH = 20


class CommissionLine(models.Model):
    _name = "commission.line"
    _description = "Commission Ledger Row"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _mail_post_access = "read"

    kind = fields.Selection(
        [
            ("commission", "Commission"),
            ("correction", "Correction"),
            ("clawback", "Clawback"),
            ("adjustment", "Manual Adjustment"),
            ("rejection", "Rejection"),
        ],
        required=True,
        default="commission",
        readonly=True,
        help="Commission: earned by a document. Correction: the document's commission went "
        "down or up again (payment removed, invoice reset to draft...). Clawback: a credit "
        "note of the document. Manual Adjustment: added by a commission manager. Rejection: "
        "reverses a commission a manager rejected.",
    )
    name = fields.Char("Explanation", readonly=True)
    move_id = fields.Many2one(
        "account.move", "Invoice", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    move_line_id = fields.Many2one(
        "account.move.line", "Invoice Line", readonly=True, ondelete="set null"
    )
    origin_move_id = fields.Many2one(
        "account.move",
        "Commissioned Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The document this row books for: the invoice itself, or a credit note's origin.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        "Opportunity",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The won opportunity this row books for (plans triggered by won deals).",
    )
    sale_line_id = fields.Many2one("sale.order.line", "Order Line", readonly=True)
    referrer_id = fields.Many2one("res.partner", required=True, readonly=True, index=True)
    grade_id = fields.Many2one("res.partner.grade", "Level", readonly=True)
    plan_id = fields.Many2one("commission.plan", readonly=True, index="btree_not_null")
    rule_id = fields.Many2one("commission.rule", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    base = fields.Monetary(readonly=True)
    rate = fields.Float(
        "Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Effective rate of the commission (caps included), kept for later corrections "
        "and clawbacks of the same line.",
    )
    amount = fields.Monetary("Commission", readonly=True)
    amount_company = fields.Monetary(
        "Commission (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    date = fields.Date(
        "Accrual Date",
        required=True,
        readonly=True,
        index=True,
        help="Date of the event that earned it: the payment, the invoice or the credit note.",
    )
    date_release = fields.Date(
        "Release Date",
        readonly=True,
        help="Accrual date plus the plan's hold: from then on the row can be paid out.",
    )
    reason = fields.Text(readonly=True, help="Why a manager adjusted or rejected it.")
    purchase_line_id = fields.Many2one(
        "purchase.order.line",
        "RFQ Line",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    purchase_order_id = fields.Many2one(
        related="purchase_line_id.order_id", store=True, string="Commission RFQ", index=True
    )
    state = fields.Selection(
        [
            ("pending", "Held"),
            ("to_approve", "To Approve"),
            ("to_pay", "To Pay"),
            ("draft", "On Draft RFQ"),
            ("confirmed", "Confirmed"),
            ("billed", "Billed"),
            ("paid", "Paid"),
            ("cancel", "Rejected"),
        ],
        required=True,
        default="to_pay",
        readonly=True,
        index=True,
    )

    # ------------------------------------------------------------
    # Append-only
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        return super(
            CommissionLine,
            self.with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            ),
        ).create(vals_list)

    def write(self, vals):
        if set(vals) - PAYOUT_FIELDS - {"message_main_attachment_id"}:
            raise UserError(
                self.env._(
                    "A booked commission cannot be changed: book a correction or a manual "
                    "adjustment instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Booked commissions cannot be deleted: book a correction or a manual "
                "adjustment instead."
            )
        )

    # ------------------------------------------------------------
    # Booking: bring each document's net booked amount up to its target
    # ------------------------------------------------------------

    @api.model
    def _commission_sync_later(self, documents):
        """Sync these documents (invoices, opportunities, vendor bills) once, just before
        the transaction commits: every event of the transaction is in by then."""
        data = self.env.cr.precommit.data
        if PRECOMMIT_KEY not in data:
            data[PRECOMMIT_KEY] = defaultdict(set)
            env = self.env(context=self._commission_sync_context())
            self.env.cr.precommit.add(lambda: env["commission.line"]._commission_sync_pending())
        data[PRECOMMIT_KEY][documents._name].update(documents.ids)

    @api.model
    def _commission_sync_context(self):
        """The context of the sync: the current one without what belongs to the event that
        marked the documents first (a wizard's ``active_ids`` and ``active_test``, an
        action's ``default_*``), which must not shape what the sync books."""
        context = clean_context(self.env.context)
        return {key: value for key, value in context.items() if not key.startswith("active_")}

    @api.model
    def _commission_sync_pending(self):
        pending = self.env.cr.precommit.data.pop(PRECOMMIT_KEY, {})
        for model, ids in pending.items():
            self.env[model].sudo().browse(ids).exists()._commission_sync()

    @api.model
    def _commission_lock(self, documents):
        """Write the documents' sync date before syncing them: a concurrent transaction that
        syncs one of them too fails on that row (and Odoo retries it) instead of booking the
        same difference twice."""
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET commission_sync_date = NOW() AT TIME ZONE 'UTC' WHERE id IN %s",
                SQL.identifier(documents._table),
                tuple(documents.ids),
            )
        )
        documents.invalidate_recordset(["commission_sync_date"])

    @api.model
    def _commission_booked(self, doc_field, documents):
        """The rows booked so far for these documents (what their targets compare to)."""
        return self.search_fetch(
            [(doc_field, "in", documents.ids), ("kind", "in", BOOKING_KINDS)],
            [
                doc_field,
                *ROW_KEY_FIELDS,
                "amount",
                "base",
                "state",
                "date_release",
                "kind",
                "rate",
                "plan_id",
                "rule_id",
            ],
            order="id",
        )

    @api.model
    def _commission_book(self, doc_field, documents, targets, booked=None):
        """Book the difference between ``targets`` and what is booked for ``documents``.

        :param doc_field: ``origin_move_id`` or ``lead_id``, the field naming the document
        :param documents: the documents (locked by the caller with ``_commission_lock``)
        :param targets: list of row values, one per source line and referrer (its ``amount``
            and ``base`` are the full target of that key), for these documents only
        :param booked: the documents' rows (``_commission_booked``), when already read
        :return: the new rows
        """
        if booked is None:
            booked = self._commission_booked(doc_field, documents)
        rows_by_key = defaultdict(lambda: self.browse())
        rows_by_doc = booked.grouped(doc_field)
        for row in booked:
            rows_by_key[self._commission_row_key(row, doc_field)] |= row
        # a document's commission that a manager rejected stays rejected for its referrer
        rejected = {(r[doc_field].id, r.referrer_id.id) for r in booked if r.state == "cancel"}
        values, seen = [], set()
        for target in targets:
            key = self._commission_values_key(target, doc_field)
            seen.add(key)
            rows = rows_by_key.get(key, self.browse())
            vals = self._commission_difference(target, rows)
            if vals:
                values.append(vals)
        # keys booked before and absent from the targets now (line removed, referrer changed)
        for key, rows in rows_by_key.items():
            if key in seen:
                continue
            vals = self._commission_difference(
                dict(rows[-1]._commission_copy_values(), amount=0.0, base=0.0), rows
            )
            if vals:
                values.append(vals)
        for vals in values:
            if (vals[doc_field], vals["referrer_id"]) in rejected:
                vals["state"] = "cancel"
        if not values:
            return self.browse()
        today = fields.Date.context_today(self)
        new_by_doc = defaultdict(list)
        for vals in values:
            new_by_doc[vals[doc_field]].append(vals)
        for doc_id, doc_values in new_by_doc.items():
            self._commission_prepare_states(
                doc_values, rows_by_doc.get(documents.browse(doc_id), self.browse()), today
            )
        rows = self.create(values)
        if any(row.state == "to_pay" for row in rows):
            self._commission_trigger_payout()
        rows._commission_true_up_peers()
        return rows

    def _commission_true_up_peers(self):
        """When these new rows move a referrer's attainment across a tier threshold of a
        rule that pays the whole period at the rate reached, the period's other documents
        are synced again: each gets a true-up row (confirmed RFQs are never touched)."""
        rows = self.filtered(
            lambda r: (
                r.base
                and any(rule._commission_is_whole_tier() for rule in r.plan_id.commission_rule_ids)
            )
        )
        Ledger = self.env["commission.line"].sudo()
        for (referrer, plan, company), group in rows.grouped(
            lambda r: (r.referrer_id, r.plan_id, r.company_id)
        ).items():
            rules = plan.commission_rule_ids.filtered(lambda rule: rule._commission_is_whole_tier())
            for period_start, period_rows in group.grouped(
                lambda r, plan=plan: plan._commission_period(r.date)[0]
            ).items():
                after, _amounts = plan._commission_period_figures(referrer, period_start, company)
                moved = sum(
                    row.currency_id._convert(row.base, company.currency_id, company, row.date)
                    for row in period_rows
                )
                before = after - moved
                if all(
                    rule._commission_band_index(before) == rule._commission_band_index(after)
                    for rule in rules
                ):
                    continue
                start, end = plan._commission_period(period_start)
                peers = Ledger.search(
                    [
                        ("referrer_id", "=", referrer.id),
                        ("plan_id", "=", plan.id),
                        ("date", ">=", start),
                        ("date", "<=", end),
                        ("kind", "in", BOOKING_KINDS),
                    ]
                )
                documents = (
                    peers.origin_move_id - period_rows.origin_move_id,
                    peers.lead_id - period_rows.lead_id,
                )
                for docs in documents:
                    if docs:
                        self._commission_sync_later(docs)

    @api.model
    def _commission_row_key(self, row, doc_field):
        return (row[doc_field].id, *(row[f].id for f in ROW_KEY_FIELDS))

    @api.model
    def _commission_values_key(self, vals, doc_field):
        return (vals[doc_field], *(vals.get(f) or False for f in ROW_KEY_FIELDS))

    @api.model
    def _commission_difference(self, target, rows):
        """Values of the row that brings ``rows`` (booked for one key) to ``target``, or
        None when they already match."""
        currency = self.env["res.currency"].browse(target["currency_id"])
        booked = sum(rows.mapped("amount"))
        diff = currency.round(target["amount"] - booked)
        if currency.is_zero(diff):
            return None
        vals = dict(target)
        vals["amount"] = diff
        vals["base"] = currency.round(target["base"] - sum(rows.mapped("base")))
        company = self.env["res.company"].browse(vals["company_id"])
        vals["amount_company"] = currency._convert(diff, company.currency_id, company, vals["date"])
        if rows and diff < 0 and vals.get("kind", "commission") == "commission":
            vals["kind"] = "correction"
        if rows and diff < 0 and vals.get("kind") != "clawback":
            # a reduction is dated the day it happens (a payment removed, a reset to draft)
            vals["date"] = fields.Date.context_today(self)
        earlier = rows.filtered(lambda r: r.kind in ("commission", "correction"))[-1:]
        if earlier and vals.get("kind") != "clawback" and abs(earlier.rate - vals["rate"]) > 1e-6:
            # the rate of the period changed (a tier threshold crossed): a true-up
            vals["kind"] = "correction" if diff < 0 else "commission"
            vals["date"] = target["date"]  # in the period whose rate changed
            vals["name"] = self.env._(
                "%(name)s, %(direction)s from %(rate)s %% (true-up)",
                name=target.get("name") or "",
                direction=self.env._("up") if diff > 0 else self.env._("down"),
                rate=f"{earlier.rate:.4g}",
            )
        return vals

    @api.model
    def _commission_prepare_states(self, values, booked, today):
        """Set the state and release date of a document's new rows. A commission is held
        for the plan's hold, then waits for approval (plans that require it) or is to pay.
        A reduction nets out with what the document still holds: it is released with it."""
        plans = self.env["commission.plan"].browse(
            {v["plan_id"] for v in values if v.get("plan_id")}
        )
        plans = {plan.id: plan for plan in plans}
        held = [r.date_release for r in booked if r.state == "pending" and r.date_release]
        awaiting = any(r.state == "to_approve" for r in booked)
        for vals in sorted(values, key=lambda v: v["amount"] < 0):
            if vals.get("state") == "cancel":
                vals.setdefault("date_release", vals["date"])
                continue
            plan = plans.get(vals.get("plan_id"))
            if vals["amount"] > 0:
                release = fields.Date.add(vals["date"], days=plan.hold_days if plan else 0)
                vals["date_release"] = release
                if release > today:
                    vals["state"] = "pending"
                    held.append(release)
                elif plan and plan.approval_required:
                    vals["state"] = "to_approve"
                    awaiting = True
                else:
                    vals["state"] = "to_pay"
            elif held:
                vals["date_release"] = max(held)
                vals["state"] = "pending"
            else:
                vals["date_release"] = vals["date"]
                vals["state"] = "to_approve" if awaiting else "to_pay"

    def _commission_copy_values(self):
        """Values of a new row of the same key as this one (for its reversal)."""
        self.ensure_one()
        names = [
            "move_id", "move_line_id", "origin_move_id", "lead_id", "sale_line_id",
            "referrer_id", "grade_id", "plan_id", "rule_id", "product_id", "categ_id",
            "partner_id", "user_id", "company_id", "currency_id", "company_currency_id",
        ]  # fmt: skip
        vals = {name: self[name].id for name in names}
        vals.update(
            kind=self.kind,
            rate=self.rate,
            date=fields.Date.context_today(self),
            name=self.env._("Reversal: %(name)s", name=self.name or ""),
        )
        return vals

    # ------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------

    def _commission_check_manager(self):
        if not self.env.user.has_group("partner_commission.group_commission_manager"):
            raise UserError(self.env._("Only commission managers approve or reject commissions."))

    def action_approve(self):
        self._commission_check_manager()
        rows = self.filtered(lambda r: r.state == "to_approve")
        if not rows:
            raise UserError(self.env._("Select commissions that are waiting for approval."))
        rows.sudo().write({"state": "to_pay"})
        rows._message_log_batch(
            bodies=dict.fromkeys(
                rows.ids, self.env._("Approved by %(user)s.", user=self.env.user.name)
            )
        )
        self._commission_trigger_payout()
        return True

    def action_reject(self, reason=None):
        """Reject commissions waiting for approval (or held): each gets a reversing row
        with the reason; both are kept, marked rejected, and never paid."""
        self._commission_check_manager()
        if not reason:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Reject Commissions"),
                "res_model": "commission.reject",
                "view_mode": "form",
                "target": "new",
                "context": {"active_model": self._name, "active_ids": self.ids},
            }
        rows = self.filtered(lambda r: r.state in ("pending", "to_approve"))
        if not rows:
            raise UserError(self.env._("Select commissions that are held or waiting for approval."))
        today = fields.Date.context_today(self)
        reversals = [
            dict(
                row._commission_copy_values(),
                kind="rejection",
                amount=-row.amount,
                amount_company=-row.amount_company,
                base=-row.base,
                state="cancel",
                date_release=today,
                reason=reason,
                name=self.env._("Rejected: %(name)s", name=row.name or ""),
            )
            for row in rows
        ]
        rows.sudo().write({"state": "cancel", "reason": reason})
        self.sudo().create(reversals)
        rows._message_log_batch(
            bodies=dict.fromkeys(
                rows.ids,
                self.env._(
                    "Rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=reason
                ),
            )
        )
        return True

    # ------------------------------------------------------------
    # Payout: release held rows, put rows to pay on the referrers' draft RFQs
    # ------------------------------------------------------------

    @api.model
    def _commission_trigger_payout(self):
        """Have the payout job run as soon as this transaction commits. The cron is found
        through its (cached) external id, without the existence query of ``env.ref``: a
        deleted cron takes its external id with it, and the lookup then raises."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "partner_commission.ir_cron_commission_payout", raise_if_not_found=True
        )
        self.env["ir.cron"].browse(cron_id)._trigger()

    @api.model
    def _cron_commission_payout(self):
        self._commission_true_up_ended_periods()
        self._commission_release()
        self._commission_payout(commit=True)

    @api.model
    def _commission_true_up_ended_periods(self, today=None):
        """The final true-up of a period whose tiers pay the whole period: the first run
        after the period ended syncs its documents once more (the sync books nothing when
        they are already right)."""
        today = today or fields.Date.context_today(self)
        params = self.env["ir.config_parameter"].sudo()
        for plan in self._commission_whole_tier_plans():
            current_start = plan._commission_period(today)[0]
            start, end = plan._commission_period(fields.Date.subtract(current_start, days=1))
            key = f"partner_commission.true_up_done.{plan.id}"
            if params.get_param(key) == str(end):
                continue
            rows = self.sudo().search(
                [
                    ("plan_id", "=", plan.id),
                    ("date", ">=", start),
                    ("date", "<=", end),
                    ("kind", "in", BOOKING_KINDS),
                ]
            )
            rows.origin_move_id._commission_sync()
            rows.lead_id._commission_sync()
            params.set_param(key, str(end))

    @api.model
    def _commission_whole_tier_plans(self):
        """The active plans with a rule whose tiers pay the whole period at the rate reached
        (``commission.rule._commission_is_whole_tier``), in one query: each payout run asks."""
        Rule = self.env["commission.rule"].sudo()
        groups = Rule._read_group(
            [*Rule._commission_whole_tier_domain(), ("plan_id.active", "=", True)], ["plan_id"]
        )
        return self.env["commission.plan"].sudo().union(*(plan for (plan,) in groups))

    @api.model
    def _commission_release(self, today=None):
        """Release the held rows whose release date has come."""
        today = today or fields.Date.context_today(self)
        rows = self.search([("state", "=", "pending"), ("date_release", "<=", today)])
        # a reduction held with its document's commission waits for the same approval
        approval = rows.filtered(lambda r: r.plan_id.approval_required)
        approval.write({"state": "to_approve"})
        (rows - approval).write({"state": "to_pay"})
        return rows

    @api.model
    def _commission_payout(self, commit=False):
        """Put every row to pay on its referrer's draft commission RFQ for the company and
        currency, each referrer in its own savepoint, committed (``commit``) by batches of
        ``PAYOUT_BATCH`` referrers: a failing referrer is logged and noted on the partner,
        and the others go on; one that another transaction updated meanwhile waits for the
        run this one triggers. Returns the RFQs that got rows."""
        groups = self._read_group(
            [("state", "=", "to_pay")], ["referrer_id", "company_id", "currency_id"]
        )
        Cron = self.env["ir.cron"]
        if commit:
            Cron._commit_progress(remaining=len(groups))
        orders = self.env["purchase.order"]
        for batch in split_every(PAYOUT_BATCH, groups):
            for referrer, company, currency in batch:
                orders |= self._commission_payout_referrer(referrer, company, currency)
            if commit:
                # the records the referrers share (company, plan, product, taxes) stay
                # cached within a batch: a commit clears the cache
                Cron._commit_progress(len(batch))
        return orders

    @api.model
    def _commission_payout_referrer(self, referrer, company, currency):
        """The payout of one referrer, company and currency in a savepoint; returns its RFQ,
        or nothing when it failed or was deferred."""
        try:
            with self.env.cr.savepoint():
                return self._commission_payout_group(referrer, company, currency)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # another transaction changed a record this one writes (its RFQ, say): not a
            # failure, the run that follows does it
            _logger.info("Commission payout of %s deferred: concurrent update", referrer.id)
            self._commission_trigger_payout()
        except Exception as error:  # noqa: BLE001 - one referrer must not stop the others
            _logger.exception("Commission payout failed for %s", referrer.display_name)
            self._commission_payout_failed(referrer, error)
        return self.env["purchase.order"]

    @api.model
    def _commission_payout_failed(self, referrer, error):
        referrer.sudo()._message_log(
            body=self.env._(
                "The commissions to pay could not be put on a commission RFQ: %(error)s. "
                "They stay to pay; the next payout run tries again.",
                error=str(error),
            )
        )

    @api.model
    def _commission_payout_group(self, referrer, company, currency):
        """Rows to pay of one referrer, company and currency onto its draft RFQ."""
        PurchaseOrder = self.env["purchase.order"].sudo()
        # one worker per referrer at a time (the others skip it and come back later); the
        # unique index on draft commission RFQs stops a worker whose snapshot is too old
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", 751_137, referrer.id))
        if not self.env.cr.fetchone()[0]:
            self._commission_trigger_payout()
            return PurchaseOrder
        rows = self.sudo().search(
            [
                ("state", "=", "to_pay"),
                ("referrer_id", "=", referrer.id),
                ("company_id", "=", company.id),
                ("currency_id", "=", currency.id),
            ],
            order="id",
        )
        rows = rows.try_lock_for_update(allow_referencing=True).filtered_domain(
            [("state", "=", "to_pay")]
        )
        if not rows:
            return PurchaseOrder
        order = PurchaseOrder._commission_draft_for_payout(referrer, company, currency)
        created = not order
        if created:
            # the run's note carries core's creation message: one message on the new RFQ
            order = (
                PurchaseOrder.with_context(mail_create_nolog=True)
                .create(self._commission_rfq_values(referrer, company, currency))
                .with_env(PurchaseOrder.env)
            )
        order._commission_add_rows(rows, created=created)
        return order

    @api.model
    def _commission_rfq_values(self, referrer, company, currency):
        referrer = referrer.with_company(company)
        return {
            "partner_id": referrer.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "purchase_type": "commission",
            "user_id": False,
            "dest_address_id": referrer.id,
            "fiscal_position_id": self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(referrer)
            .id,
            "payment_term_id": referrer.property_supplier_payment_term_id.id,
        }

    def _commission_document(self):
        """The source document of these rows (one document): an invoice, an opportunity,
        or nothing for manual adjustments."""
        # read through one row taken by iteration, which keeps the prefetch (a slice drops
        # it): the documents of all the rows read together (a payout run's) are fetched at
        # once, not one document per query
        first = next(iter(self), self)
        return first.origin_move_id or first.lead_id

    def _commission_document_key(self):
        self.ensure_one()
        if self.origin_move_id:
            return ("account.move", self.origin_move_id.id)
        if self.lead_id:
            return ("crm.lead", self.lead_id.id)
        return ("commission.line", self.id)

    def _commission_rfq_line_label(self):
        """Description of the RFQ line that pays these rows (of one document): what it
        pays for, then how each row was computed."""
        explanations = [row.name for row in self if row.name]
        return "\n".join([self._commission_rfq_line_title(), *explanations])

    def _commission_rfq_line_title(self):
        """First line of the RFQ line's description: the document and its customer."""
        document = self._commission_document()
        base = sum(self.mapped("base"))
        amount = sum(self.mapped("amount"))
        currency = self.currency_id[:1]
        if not document:
            return self.env._(
                "Commission adjustment: %(reason)s",
                reason="; ".join(r for r in self.mapped("reason") if r),
            )
        customer = (
            document.commercial_partner_id.name
            if document._name == "account.move"
            else document.partner_id.commercial_partner_id.name or document.partner_name or ""
        )
        if amount < 0 and "clawback" not in self.mapped("kind"):
            return self.env._(
                "Commission correction on %(document)s (%(customer)s, base %(base)s)",
                document=document.display_name,
                customer=customer,
                base=currency.format(base),
            )
        if amount < 0:
            return self.env._(
                "Commission clawback on %(document)s (%(customer)s, base %(base)s)",
                document=document.display_name,
                customer=customer,
                base=currency.format(base),
            )
        return self.env._(
            "Commission on %(document)s (%(customer)s, base %(base)s)",
            document=document.display_name,
            customer=customer,
            base=currency.format(base),
        )

    def _commission_note_body(self):
        """Chatter note of a payout run on an RFQ: the documents and their amounts."""
        items = Markup()
        for _key, rows in self.grouped(lambda r: r._commission_document_key()).items():
            document = rows._commission_document()
            amount = rows.currency_id[:1].format(sum(rows.mapped("amount")))
            if document:
                link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
                    document._name,
                    document.id,
                    document.display_name,
                )
            else:
                link = rows._commission_rfq_line_label()
            items += Markup("<li>%s: %s</li>") % (link, amount)
        return Markup("%s<ul>%s</ul>") % (self.env._("Commissions added:"), items)

    # ------------------------------------------------------------
    # States that follow the payout documents
    # ------------------------------------------------------------

    def _commission_give_back(self):
        """Rows taken off an RFQ (its line deleted, the RFQ cancelled) are to pay again:
        the next payout run puts them on the referrer's draft RFQ."""
        self.sudo().write({"purchase_line_id": False, "state": "to_pay"})
        self._commission_trigger_payout()

    def _commission_follow_bills(self):
        """Rows on RFQs take the state of their RFQ line, worked out once per line (rows are
        collected by id: a union per row would cost the square of their number)."""
        ids_by_state = defaultdict(list)
        for line, rows in self.filtered("purchase_line_id").grouped("purchase_line_id").items():
            state = line._commission_ledger_state()
            ids_by_state[state] += [row.id for row in rows if row.state != state]
        for state, ids in ids_by_state.items():
            if ids:
                self.browse(ids).sudo().write({"state": state})
