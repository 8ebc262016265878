import re
from collections import defaultdict
from datetime import date

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import date_utils

from .res_partner import UNPAID_STATES

# what a partner reads in the portal: ledger states grouped as the partner understands them
PORTAL_STATE_GROUPS = {
    "held": ("pending",),
    "to_approve": ("to_approve",),
    "to_pay": ("to_pay",),
    "on_order": ("draft", "confirmed", "billed"),
    "paid": ("paid",),
    "rejected": ("cancel",),
}
PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")
QUESTION_ACTIVITY = "partner_commission.mail_activity_type_commission_question"


class CommissionLine(models.Model):
    """Portal side of the ledger: what a partner allowed to see its company's commissions
    reads in the portal (totals, rows, statements, questions). Every method takes the
    referrer (a commercial entity checked by the controller) and reads under ``sudo``: the
    ledger itself stays unreadable to portal users."""

    _inherit = "commission.line"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------

    @api.model
    def _portal_period_key(self, day, period):
        """Key of the month, quarter or year containing ``day``: 2026-11, 2026-Q4, 2026."""
        if period == "month":
            return f"{day.year}-{day.month:02d}"
        if period == "quarter":
            return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        return str(day.year)

    @api.model
    def _portal_period_bounds(self, key):
        """(first day, last day, period) of a period key; a UserError for anything else."""
        match = PERIOD_RE.match(key or "")
        month = int(match.group(2)) if match and match.group(2) else None
        if not match or (month is not None and not 1 <= month <= 12):
            raise UserError(
                self.env._("%(key)s is not a period (2026-11, 2026-Q4, 2026).", key=key)
            )
        year = int(match.group(1))
        if month:
            start, period = date(year, month, 1), "month"
        elif match.group(3):
            start, period = date(year, 3 * int(match.group(3)) - 2, 1), "quarter"
        else:
            start, period = date(year, 1, 1), "year"
        return start, date_utils.end_of(start, period), period

    @api.model
    def _portal_period_label(self, key):
        start, _end, period = self._portal_period_bounds(key)
        if period == "month":
            return self.env["ir.qweb.field.date"].value_to_html(start, {"format": "MMMM y"})
        if period == "quarter":
            return self.env._(
                "Q%(quarter)s %(year)s", quarter=(start.month - 1) // 3 + 1, year=start.year
            )
        return str(start.year)

    @api.model
    def _portal_periods(self, referrer, period):
        """Keys of the periods in which the referrer has rows, newest first (one query)."""
        groups = self.sudo()._read_group(self._portal_domain(referrer), [f"date:{period}"])
        keys = {self._portal_period_key(day, period) for (day,) in groups if day}
        return sorted(keys, reverse=True)

    # ------------------------------------------------------------
    # Totals and rows
    # ------------------------------------------------------------

    @api.model
    def _portal_domain(self, referrer):
        return Domain("referrer_id", "child_of", referrer.commercial_partner_id.id)

    @api.model
    def _portal_state_group(self, state):
        return next(key for key, states in PORTAL_STATE_GROUPS.items() if state in states)

    @api.model
    def _portal_totals(self, referrer):
        """Totals of the referrer per company and currency, in one query: a list of dicts
        with ``company``, ``currency``, the amount of each state group, ``clawed_back`` (the
        clawbacks booked, a part of the other amounts) and ``unpaid`` (still to be paid)."""
        groups = self.sudo()._read_group(
            self._portal_domain(referrer),
            ["company_id", "currency_id", "state", "kind"],
            ["amount:sum"],
        )
        totals = {}
        for company, currency, state, kind, amount in groups:
            entry = totals.setdefault(
                (company, currency),
                dict.fromkeys((*PORTAL_STATE_GROUPS, "clawed_back", "unpaid"), 0.0)
                | {"company": company, "currency": currency},
            )
            entry[self._portal_state_group(state)] += amount
            if state in UNPAID_STATES:  # what the backend's balance counts too
                entry["unpaid"] += amount
            if kind == "clawback" and state != "cancel":
                entry["clawed_back"] += amount
        return sorted(totals.values(), key=lambda t: (t["company"].id, t["currency"].id))

    @api.model
    def _portal_search_domain(self, search):
        if not search:
            return Domain.TRUE
        return Domain.OR(
            Domain(fname, "ilike", search)
            for fname in ("name", "move_id.name", "lead_id.name", "partner_id.name")
        )

    def _portal_document_name(self):
        """Name of the document a row books for, as the partner knows it."""
        self.ensure_one()
        if self.move_id:
            return self.move_id.name
        if self.lead_id:
            return self.lead_id.name
        return self.env._("Adjustment")

    # ------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------

    def _portal_paid_dates(self):
        """{row id: date the referrer was paid} for paid rows: the last payment of the
        vendor bills of their RFQ lines (the bill date when no payment is found)."""
        result = {}
        for row in self.filtered(lambda r: r.state == "paid"):
            bills = row.purchase_line_id.invoice_lines.move_id.filtered(
                lambda m: m.state == "posted"
            )
            payable = bills.line_ids.filtered(lambda ml: ml.account_type == "liability_payable")
            dates = (payable.matched_debit_ids | payable.matched_credit_ids).mapped("max_date")
            result[row.id] = (
                max(dates) if dates else max(bills.mapped("invoice_date") or [row.date])
            )
        return result

    @api.model
    def _portal_statement(self, referrer, key):
        """The referrer's statement of a period: one section per company and currency with
        ``opening`` (owed at the start), ``earned`` (rows booked up), ``clawed_back`` (rows
        booked down: clawbacks, corrections, negative adjustments), ``paid`` (rows paid in
        the period), ``closing``, the period's ``rows`` and ``payments`` (rows paid in it).
        Rejected rows are listed and count for nothing."""
        start, end, _period = self._portal_period_bounds(key)
        Ledger = self.sudo()
        domain = self._portal_domain(referrer) & Domain("state", "!=", "cancel")
        before = {
            (company, currency): amount
            for company, currency, amount in Ledger._read_group(
                domain & Domain("date", "<", start),
                ["company_id", "currency_id"],
                ["amount:sum"],
            )
        }
        rows = Ledger.search(
            self._portal_domain(referrer) & Domain("date", ">=", start) & Domain("date", "<=", end),
            order="date, id",
        )
        paid_rows = Ledger.search(domain & Domain("state", "=", "paid"), order="date, id")
        paid_dates = paid_rows._portal_paid_dates()
        sections = {}

        def section(company, currency):
            return sections.setdefault(
                (company, currency),
                {
                    "company": company,
                    "currency": currency,
                    "opening": before.get((company, currency), 0.0),
                    "earned": 0.0,
                    "clawed_back": 0.0,
                    "paid": 0.0,
                    "rows": Ledger.browse(),
                    "payments": [],
                },
            )

        for company, currency in before:
            section(company, currency)
        for row in paid_rows:
            paid_on = paid_dates[row.id]
            if paid_on < start:
                section(row.company_id, row.currency_id)["opening"] -= row.amount
            elif paid_on <= end:
                entry = section(row.company_id, row.currency_id)
                entry["paid"] += row.amount
                entry["payments"].append((paid_on, row))
        for (company, currency), period_rows in rows.grouped(
            lambda r: (r.company_id, r.currency_id)
        ).items():
            entry = section(company, currency)
            entry["rows"] = period_rows
            for row in period_rows.filtered(lambda r: r.state != "cancel"):
                entry["earned" if row.amount > 0 else "clawed_back"] += row.amount
        result = []
        for entry in sections.values():
            currency = entry["currency"]
            for name in ("opening", "earned", "clawed_back", "paid"):
                entry[name] = currency.round(entry[name])
            entry["closing"] = currency.round(
                entry["opening"] + entry["earned"] + entry["clawed_back"] - entry["paid"]
            )
            entry["payments"].sort(key=lambda item: (item[0], item[1].id))
            if entry["rows"] or entry["payments"] or not currency.is_zero(entry["opening"]):
                result.append(entry)
        return sorted(result, key=lambda e: (e["company"].id, e["currency"].id))

    # ------------------------------------------------------------
    # Questions
    # ------------------------------------------------------------

    def _portal_ask_question(self, author, question):
        """A portal contact's question on this row: posted on the row as the contact (who
        follows it, so the answer reaches it by email), and an activity for the commission
        manager with the text."""
        self.ensure_one()
        question = (question or "").strip()
        if not question:
            raise UserError(self.env._("Write your question before sending it."))
        if len(question) > 2000:
            raise UserError(self.env._("Keep your question under 2,000 characters."))
        row = self.sudo()
        row.message_subscribe(partner_ids=author.ids)
        message = row.with_context(mail_create_nosubscribe=True).message_post(
            body=question,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=[],
        )
        row.activity_schedule(
            QUESTION_ACTIVITY,
            summary=self.env._("Question from %(partner)s", partner=author.display_name),
            note=question,
            user_id=row._portal_question_user().id,
        )
        return message

    def _portal_question_user(self):
        """Who answers the questions on this row: the referrer's salesperson when it is a
        commission manager, else the first commission manager of the row's company."""
        self.ensure_one()
        managers = self.env.ref("partner_commission.group_commission_manager").sudo().all_user_ids
        managers = managers.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids
        )
        salesperson = self.referrer_id.commercial_partner_id.user_id
        if salesperson in managers:
            return salesperson
        humans = managers.filtered(lambda u: u.id != self.env.ref("base.user_root").id)
        return (humans or managers or self.env.ref("base.user_admin"))[:1]

    @api.model
    def _portal_questions(self, referrer):
        """The referrer's questions, newest first: a list of dicts with the ``row``, the
        ``question`` (a mail.message of one of its contacts), its ``answers`` (later public
        messages of other authors on the row) and ``open`` (an activity still waits)."""
        Message = self.env["mail.message"].sudo()
        contacts = (
            self.env["res.partner"]
            .sudo()
            .search([("commercial_partner_id", "=", referrer.commercial_partner_id.id)])
        )
        comment = self.env.ref("mail.mt_comment")
        messages = Message.search(
            [
                ("model", "=", self._name),
                ("res_id", "in", self.sudo()._search(self._portal_domain(referrer))),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", comment.id),
            ],
            order="id",
        )
        rows = self.sudo().browse(set(messages.mapped("res_id")))
        open_rows = set(
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", rows.ids),
                    ("activity_type_id", "=", self.env.ref(QUESTION_ACTIVITY).id),
                ]
            )
            .mapped("res_id")
        )
        by_row = defaultdict(list)
        for message in messages:
            by_row[message.res_id].append(message)
        questions = []
        for row_id, row_messages in by_row.items():
            asked = [m for m in row_messages if m.author_id in contacts]
            for index, question in enumerate(asked):
                following = asked[index + 1].id if index + 1 < len(asked) else None
                answers = [
                    m
                    for m in row_messages
                    if m.author_id not in contacts
                    and m.id > question.id
                    and (following is None or m.id < following)
                ]
                questions.append(
                    {
                        "row": rows.browse(row_id),
                        "question": question,
                        "answers": answers,
                        "open": not answers and row_id in open_rows,
                    }
                )
        return sorted(questions, key=lambda q: q["question"].id, reverse=True)

    def _message_post_after_hook(self, message, msg_vals):
        """An employee's public reply on a row answers its open questions: their activities
        are marked done."""
        res = super()._message_post_after_hook(message, msg_vals)
        author = message.author_id
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author.user_ids
            and not any(author.user_ids.mapped("share"))
        ):
            activities = self.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(QUESTION_ACTIVITY)
            )
            if activities:
                activities.action_feedback(feedback=self.env._("Answered on the row."))
        return res
