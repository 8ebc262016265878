from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

# context key of a running simulation (a SimulationState)
SIMULATION_KEY = "commission_simulation"


class SimulationState:
    """What the engine needs to know in a simulation instead of the ledger: which plan's
    rules apply, and the referrers' attainment and commission per period so far."""

    def __init__(self, plan, rules_plan, first=None):
        self.plan_id = plan.id
        self.rules_plan = rules_plan
        # (referrer id, period start) -> base so far; -> {rule id: amount so far}
        self.bases = defaultdict(float)
        self.amounts = defaultdict(lambda: defaultdict(float))
        # document -> {(referrer id, period start): its base}, and the attainment after it
        self.document_bases = defaultdict(lambda: defaultdict(float))
        self.document_ends = {}
        self.values = {}  # document -> its simulated row values
        self.totals = {}
        self.periods = {}  # date -> period start
        self.document = None
        # second pass (tiers paid on the whole period): the first pass and its totals
        self.first = first

    def period(self, plan, date):
        if date not in self.periods:
            self.periods[date] = plan._commission_period(date)[0]
        return self.periods[date]

    def figures(self, referrer, plan, date, company):
        key = (referrer.id, self.period(plan, date))
        if self.first:
            own = self.first.document_bases[self.document].get(key, 0.0)
            attainment = self.first.bases.get(key, 0.0) - own
        else:
            attainment = self.bases[key]
        return attainment, dict(self.amounts[key])

    def record(self, document, values, plan):
        """Add a simulated document's row values to the running totals."""
        env = plan.env
        for vals in values:
            if vals["kind"] == "clawback" and not vals.get("base"):
                continue
            base, amount = vals["base"], vals["amount"]
            if vals["currency_id"] != vals["company_currency_id"]:
                company = env["res.company"].browse(vals["company_id"])
                currency = env["res.currency"].browse(vals["currency_id"])
                base = currency._convert(base, company.currency_id, company, vals["date"])
                amount = currency._convert(amount, company.currency_id, company, vals["date"])
            key = (vals["referrer_id"], self.period(plan, vals["date"]))
            self.bases[key] += base
            self.document_bases[document][key] += base
            self.amounts[key][vals.get("rule_id") or False] += amount
        self.values[document] = values
        self.document_ends[document] = {
            key: self.bases[key] for key in self.document_bases.get(document, ())
        }

    def same_as_first_pass(self, document, rules):
        """Whether the first pass already gave ``document`` the rates of the whole period:
        the band its attainment reached then is the band of the period's total."""
        ends = self.first.document_ends.get(document, {})
        return all(
            rule._commission_band_index(end) == rule._commission_band_index(self.first.bases[key])
            for key, end in ends.items()
            for rule in rules
        )


class CommissionSimulation(models.TransientModel):
    _name = "commission.simulation"
    _description = "Commission Simulation"

    plan_id = fields.Many2one(
        "commission.plan",
        required=True,
        context={"active_test": False},
        help="The plan whose documents are simulated.",
    )
    rules_plan_id = fields.Many2one(
        "commission.plan",
        "Rules to Simulate",
        required=True,
        context={"active_test": False},
        domain="['|', ('id', '=', plan_id), ('simulation_of_id', '=', plan_id)]",
        help="The plan itself, or a draft copy of it with changed rules (Make a Draft Copy on "
        "the plan).",
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    referrer_ids = fields.Many2many(
        "res.partner",
        string="Referrers",
        domain="[('grade_id', '!=', False)]",
        help="Empty: every referrer of the plan's documents.",
    )
    line_ids = fields.One2many("commission.simulation.line", "simulation_id", "Results")
    document_count = fields.Integer("Documents", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        plan = self.env["commission.plan"].browse(values.get("plan_id"))
        if plan:
            values.setdefault("rules_plan_id", plan.id)
            start, end = plan._commission_period(fields.Date.context_today(self))
            values.setdefault("date_from", start)
            values.setdefault("date_to", end)
        return values

    def action_simulate(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The simulation ends before it starts."))
        results, documents = self._simulate()
        self.line_ids = [fields.Command.clear()] + [fields.Command.create(vals) for vals in results]
        self.document_count = len(documents)
        return self.action_view_results()

    def action_view_results(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulation of %(plan)s", plan=self.rules_plan_id.display_name),
            "res_model": "commission.simulation.line",
            "view_mode": "list,pivot",
            "domain": [("simulation_id", "=", self.id)],
            "context": {"create": False},
        }

    def _simulate(self):
        """([result line values], documents): per referrer and rule, what the ledger booked
        for the period's documents and what the simulated rules give them, by the engine of
        the booking (without writing the ledger)."""
        documents = self._simulation_documents()
        booked = self._simulation_booked(documents)
        simulated = self._simulation_run(documents)
        keys = sorted(set(booked) | set(simulated), key=str)
        results = []
        for key in keys:
            referrer_id, label, currency_id = key
            results.append(
                {
                    "referrer_id": referrer_id,
                    "rule_label": label,
                    "currency_id": currency_id,
                    "booked": booked.get(key, 0.0),
                    "simulated": simulated.get(key, 0.0),
                }
            )
        return results, documents

    def _simulation_documents(self):
        """The period's documents the plan could pay: posted customer invoices with a
        referrer (or opportunities won, for a plan on won deals), in date order."""
        plan = self.rules_plan_id
        if plan.trigger == "won":
            domain = [
                ("won_status", "=", "won"),
                ("date_closed", ">=", self.date_from),
                ("date_closed", "<", fields.Date.add(self.date_to, days=1)),
                ("partner_assigned_id", "!=", False),
            ]
            if self.referrer_ids:
                domain.append(("partner_assigned_id", "child_of", self.referrer_ids.ids))
            return self.env["crm.lead"].sudo().search(domain, order="date_closed, id")
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("referrer_id", "!=", False),
            ("invoice_date", ">=", self.date_from),
            ("invoice_date", "<=", self.date_to),
        ]
        if self.plan_id.company_id:
            domain.append(("company_id", "=", self.plan_id.company_id.id))
        return self.env["account.move"].sudo().search(domain, order="invoice_date, id")

    def _simulation_booked(self, documents):
        """{(referrer id, rule, currency id): net amount the ledger booked} for the plan."""
        doc_field = "lead_id" if documents._name == "crm.lead" else "origin_move_id"
        domain = [
            (doc_field, "in", documents.ids),
            ("plan_id", "=", self.plan_id.id),
            ("kind", "in", ("commission", "correction", "clawback")),
        ]
        if self.referrer_ids:
            domain.append(("referrer_id", "in", self.referrer_ids.ids))
        groups = (
            self.env["commission.line"]
            .sudo()
            ._read_group(domain, ["referrer_id", "rule_id", "currency_id"], ["amount:sum"])
        )
        return {
            (referrer.id, self._simulation_rule_label(rule), currency.id): amount
            for referrer, rule, currency, amount in groups
        }

    def _simulation_run(self, documents):
        """{(referrer id, rule, currency id): amount} the simulated rules give the
        documents. Tiers on the whole period need a second pass (with the period's total)
        for the documents whose first pass did not reach the period's band."""
        rules_plan = self.rules_plan_id
        settlements = {}
        if documents._name == "account.move":
            for ids in split_every(1000, documents.ids):
                chunk = documents.browse(ids)
                settlements.update(chunk._commission_settlements())
                # read the lines and what they point to in batches, not per document
                lines = chunk.invoice_line_ids
                lines.sale_line_ids.order_id.mapped("referrer_id")
                lines.product_id.categ_id.mapped("parent_path")
        first = self._simulation_pass(
            documents, SimulationState(self.plan_id, rules_plan), settlements
        )
        whole = rules_plan.commission_rule_ids.filtered(lambda r: r._commission_is_whole_tier())
        if not whole:
            return first.totals
        second = SimulationState(self.plan_id, rules_plan, first)
        return self._simulation_pass(documents, second, settlements, whole).totals

    def _simulation_pass(self, documents, state, settlements, whole=None):
        env_documents = documents.with_context(**{SIMULATION_KEY: state})
        Ledger = self.env["commission.line"]
        rules = self.env["commission.rule"].with_context(active_test=False)
        totals, labels = defaultdict(float), {}
        referrers = set(self.referrer_ids.ids)
        for document in env_documents:
            state.document = document.id
            if state.first and state.same_as_first_pass(document.id, whole):
                values = state.first.values[document.id]
            elif document._name == "crm.lead":
                values = document._commission_targets()
            else:
                values = document._commission_targets(
                    Ledger, {document.id: settlements[document.id]}
                )
            if referrers:
                values = [v for v in values if v["referrer_id"] in referrers]
            state.record(document.id, values, self.rules_plan_id)
            for vals in values:
                rule_id = vals.get("rule_id") or False
                if rule_id not in labels:
                    labels[rule_id] = self._simulation_rule_label(rules.browse(rule_id))
                totals[(vals["referrer_id"], labels[rule_id], vals["currency_id"])] += vals[
                    "amount"
                ]
        state.totals = totals
        return state

    @api.model
    def _simulation_rule_label(self, rule):
        """Rules of the plan and of its draft copy compare by what they apply to."""
        return rule._condition_label() if rule else self.env._("(no rule)")


class CommissionSimulationLine(models.TransientModel):
    _name = "commission.simulation.line"
    _description = "Commission Simulation Result"
    _order = "referrer_id, rule_label"

    simulation_id = fields.Many2one("commission.simulation", required=True, ondelete="cascade")
    referrer_id = fields.Many2one("res.partner", readonly=True)
    rule_label = fields.Char("Rule", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    booked = fields.Monetary(readonly=True)
    simulated = fields.Monetary(readonly=True)
    difference = fields.Monetary(compute="_compute_difference", store=True)

    @api.depends("booked", "simulated")
    def _compute_difference(self):
        for line in self:
            line.difference = line.simulated - line.booked
