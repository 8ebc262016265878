// A new user's walk through the commission rules on the demo (`make run`), in Chromium: the
// Gold plan and its tiered rule, quotations with their estimate (Gold, tiers; Silver, a
// per-deal amount), the invoice paid and its ledger rows (true-ups), the won-deal plan, and a
// simulation. Prints what it sees; screenshots go to $OUT (default /tmp/walkthrough-rules).
// npm install --no-save playwright-core && node scripts/walkthrough_rules.mjs [url]
import { openDemo } from "./browser.mjs";

const base = process.argv[2] || "http://localhost:8069";
const out = process.env.OUT || "/tmp/walkthrough-rules/";
const { browser, page, rpc, ref, shot } = await openDemo(base, out);
const lines = (domain) => rpc("commission.line", "search_read", [domain,
    ["kind", "state", "amount", "name", "origin_move_id"]], { order: "id" });
const licence = await ref("partner_commission.product_licence_demo");
const training = await ref("partner_commission.product_training_demo");
const customer = await rpc("res.partner", "create", [{ name: "Rules Walk Customer", is_company: true }]);

// 1. the Gold plan and its tiered rule
const gold = await ref("partner_commission.commission_plan_gold_demo");
await page.goto(`${base}/odoo/action-partner_commission.commission_plan_action/${gold}`);
await page.waitForSelector(".o_form_view .o_field_one2many");
await shot("commission-plan-rules");
await page.locator(".o_field_one2many .o_list_record_open_form_view").first().click();
await page.waitForSelector(".o_form_view .o_field_widget[name=tier_mode]");
console.log("1. Gold plan, first rule:", (await page.locator(".o_form_view").innerText()).replace(/\s+/g, " ").slice(0, 300));
await shot("commission-rule-tiers");

// 2. quotations and their estimate, read on the form
async function quotation(referrer, lines) {
    const order = await rpc("sale.order", "create", [{ partner_id: customer, referrer_id: referrer,
        order_line: lines.map(([product, qty]) => [0, 0, { product_id: product, product_uom_qty: qty }]) }]);
    await page.goto(`${base}/odoo/action-sale.action_quotations_with_onboarding/${order}`);
    await page.waitForSelector(".o_form_view");
    await page.waitForTimeout(1000);
    const text = await page.locator("text=Estimated commission").locator("..").innerText();
    return [order, text.replace(/\s+/g, " ")];
}
const brightway = await ref("crm_partner_assign.res_partner_reseller_gold_demo");
const scheldt = await ref("crm_partner_assign.res_partner_reseller_antwerp_demo");
const [, silverText] = await quotation(scheldt, [[licence, 3], [training, 1]]);
console.log("2. Scheldt (Silver), 3 licences + 1 training:", silverText);

// 3. two Gold quotations, each confirmed, invoiced and paid in the browser: the second takes
// Brightway's quarter past 50,000, so the first invoice gets a true-up row
async function invoiceAndPay(order) {
    await rpc("sale.order", "action_confirm", [[order]]);
    const saleContext = { active_model: "sale.order", active_ids: [order] };
    const wizard = await rpc("sale.advance.payment.inv", "create",
        [{ advance_payment_method: "delivered" }], { context: saleContext });
    await rpc("sale.advance.payment.inv", "create_invoices", [[wizard]], { context: saleContext });
    const [{ invoice_ids: [move] }] = await rpc("sale.order", "read", [[order], ["invoice_ids"]]);
    await rpc("account.move", "action_post", [[move]]);
    await page.goto(`${base}/odoo/action-account.action_move_out_invoice_type/${move}`);
    await page.waitForSelector(".o_form_view");
    await page.getByRole("button", { name: "Pay", exact: true }).click();
    await page.waitForSelector(".modal .o_form_view");
    await page.locator(".modal").getByRole("button", { name: "Create Payment" }).click();
    await page.waitForTimeout(2500);
    return move;
}
const before = (await lines([["referrer_id", "=", brightway]])).map((r) => r.id);
const [first, firstText] = await quotation(brightway, [[licence, 30]]);
console.log("3. Brightway (Gold), 30 licences:", firstText);
await invoiceAndPay(first);
const [second, secondText] = await quotation(brightway, [[licence, 15]]);
console.log("   Brightway (Gold), then 15 licences:", secondText);
await shot("quotation-estimate");
await invoiceAndPay(second);
const after = (await lines([["referrer_id", "=", brightway]])).filter((r) => !before.includes(r.id));
console.log("   both paid; new ledger rows for Brightway:");
for (const row of after) {
    console.log(`   ${row.origin_move_id && row.origin_move_id[1]} ${row.kind} ${row.state} ${row.amount}: ${row.name}`);
}
await page.goto(`${base}/odoo/action-partner_commission.commission_line_action_list`);
await page.waitForSelector(".o_list_view");
await shot("ledger-true-ups");

// 4. the won-deal plan
const won = await ref("partner_commission.crm_lead_won_referral_demo");
for (const row of await lines([["lead_id", "=", won]])) {
    console.log(`4. won deal: ${row.kind} ${row.state} ${row.amount}: ${row.name}`);
}

// 5. a simulation of the Gold plan this quarter, then of a draft copy with the tier at 13 %
async function simulate(planId) {
    await page.goto(`${base}/odoo/action-partner_commission.commission_plan_action/${planId}`);
    await page.waitForSelector(".o_form_view");
    await page.getByRole("button", { name: "Simulate", exact: true }).click();
    await page.waitForSelector(".modal .o_form_view");
    await page.locator(".modal").getByRole("button", { name: "Simulate", exact: true }).click();
    await page.waitForSelector(".o_list_view .o_data_row");
    await page.waitForTimeout(1000);
    return (await page.locator(".o_list_view tfoot").innerText()).replace(/\s+/g, " ");
}
console.log("5. Gold simulated this quarter, totals (booked, simulated, difference):", await simulate(gold));
await shot("simulation");
const copy = await rpc("commission.plan", "action_make_draft_copy", [[gold]]);
const draft = copy.res_id;
const [tieredRule] = await rpc("commission.rule", "search_read",
    [[["plan_id", "=", draft], ["tier_ids", "!=", false]], ["tier_ids"]]);
await rpc("commission.rule.tier", "write", [tieredRule.tier_ids, { rate: 13 }]);
console.log("   draft copy with the tier at 13 %:", await simulate(draft));
await shot("simulation-draft");
await browser.close();
