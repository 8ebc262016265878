// A new user's walk through the commission ledger on the demo (`make run`), in Chromium:
// a referred sale paid in the browser, the payout job that follows, approvals, the reseller's
// balance, the schedule run by hand. Prints what it sees; screenshots go to $OUT (default
// /tmp/walkthrough). npm install --no-save playwright-core && node scripts/walkthrough.mjs
import { openDemo } from "./browser.mjs";

const base = process.argv[2] || "http://localhost:8069";
const out = process.env.OUT || "/tmp/walkthrough/";
const { browser, page, rpc, ref, shot } = await openDemo(base, out);
const rows = (domain) => rpc("commission.line", "search_read", [domain,
    ["kind", "state", "amount", "name", "purchase_order_id"]]);

// 1. a quotation for Brightway's customer, confirmed and invoiced (as a salesperson does)
const brightway = await ref("crm_partner_assign.res_partner_reseller_gold_demo");
const [product] = await rpc("product.product", "read",
    [[await ref("partner_commission.product_licence_demo")], ["id", "name"]]);
const customer = await rpc("res.partner", "create", [{ name: "Walkthrough Customer Ltd", is_company: true }]);
async function sellAndInvoice(referrer, qty, price) {
    // a quotation confirmed and invoiced, as a salesperson does, then the invoice posted
    const order = await rpc("sale.order", "create", [{ partner_id: customer, referrer_id: referrer,
        order_line: [[0, 0, { product_id: product.id, product_uom_qty: qty, price_unit: price }]] }]);
    await rpc("sale.order", "action_confirm", [[order]]);
    const context = { active_model: "sale.order", active_ids: [order] };
    const wizard = await rpc("sale.advance.payment.inv", "create",
        [{ advance_payment_method: "delivered" }], { context });
    await rpc("sale.advance.payment.inv", "create_invoices", [[wizard]], { context });
    const [{ invoice_ids: [move] }] = await rpc("sale.order", "read", [[order], ["invoice_ids"]]);
    await rpc("account.move", "action_post", [[move]]);
    return move;
}
const invoice = await sellAndInvoice(brightway, 2, 1500);
console.log(`1. ${product.name} x2 at 1,500 invoiced to the referred customer, posted`);

// 2. the invoice paid in the browser
await page.goto(`${base}/odoo/action-account.action_move_out_invoice_type/${invoice}`);
await page.waitForSelector(".o_form_view");
await page.getByRole("button", { name: "Pay", exact: true }).click();
await page.waitForSelector(".modal .o_form_view");
await page.locator(".modal").getByRole("button", { name: "Create Payment" }).click();
await page.waitForTimeout(2000);
console.log("2. paid in the browser; ledger:", JSON.stringify(await rows([["origin_move_id", "=", invoice]])));
await shot("invoice-paid");
// 3. the payout job runs by itself right after the payment's commit
let booked = [];
for (let i = 0; i < 30; i++) {
    booked = await rows([["origin_move_id", "=", invoice]]);
    if (booked.length && booked.every((r) => r.state === "draft")) break;
    await page.waitForTimeout(2000);
}
console.log("3. after the payout job:", JSON.stringify(booked));
const rfq = booked[0] && booked[0].purchase_order_id;
if (rfq) {
    await page.goto(`${base}/odoo/action-partner_commission.purchase_order_action_commission/${rfq[0]}`);
    await page.waitForSelector(".o_form_view");
    await shot("commission-rfq");
}
// 4. approvals
await page.goto(`${base}/odoo/action-partner_commission.commission_line_action_to_approve`);
await page.waitForSelector(".o_list_view");
await shot("commissions-to-approve");
if (await page.locator(".o_data_row").count()) {
    await page.locator("thead .o_list_record_selector input").check();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForTimeout(2000);
}
console.log("4. approved:", JSON.stringify(await rows([["state", "=", "to_approve"]])), "left to approve");
// 5. the reseller's balance and the ledger
await page.goto(`${base}/odoo/action-crm_partner_assign.res_partner_action_partners/${brightway}`);
await page.waitForSelector(".o_form_view");
const more = page.locator(".o-form-buttonbox .o_button_more");
if (await more.count()) await more.click();  // the smart buttons that do not fit
console.log("5. balance button:", await page.locator("button[name=action_view_commission_lines]").innerText());
await shot("partner-balance");
await page.goto(`${base}/odoo/action-partner_commission.commission_line_action_list`);
await page.waitForSelector(".o_list_view");
await shot("commission-ledger");
// 6. the schedule run by hand (developer mode)
const cron = await ref("partner_commission.ir_cron_confirm_commission_orders");
const draftsBefore = await rpc("purchase.order", "search_read",
    [[["purchase_type", "=", "commission"], ["state", "=", "draft"]], ["name", "date_order", "partner_id"]]);
await page.goto(`${base}/odoo/action-base.ir_cron_act/${cron}?debug=1`);
await page.waitForSelector(".o_form_view");
await page.getByRole("button", { name: "Run Manually" }).click();
await page.waitForTimeout(3000);
const draftsAfter = await rpc("purchase.order", "search_read",
    [[["purchase_type", "=", "commission"], ["state", "=", "draft"]], ["name"]]);
console.log("6. schedule: drafts before", JSON.stringify(draftsBefore.map((o) => [o.name, o.date_order, o.partner_id[1]])),
    "after", JSON.stringify(draftsAfter.map((o) => o.name)));
// the RFQ the schedule confirmed, with Create Bill on its form
const confirmed = draftsBefore.find((o) => !draftsAfter.some((d) => d.name === o.name));
if (confirmed) {
    await page.goto(`${base}/odoo/action-partner_commission.purchase_order_action_commission/${confirmed.id}`);
    await page.waitForSelector(".o_form_view button[name=action_create_invoice]");
    await shot("commission-rfq-confirmed");
}

// 7. a partial payment on a plan paid on each payment (Polder Digital's)
const polder = await ref("crm_partner_assign.res_partner_reseller_nl_demo");
const invoice2 = await sellAndInvoice(polder, 1, 2000);
await page.goto(`${base}/odoo/action-account.action_move_out_invoice_type/${invoice2}`);
await page.waitForSelector(".o_form_view");
await page.getByRole("button", { name: "Pay", exact: true }).click();
await page.waitForSelector(".modal .o_form_view");
await page.locator(".modal div[name=amount] input").fill("500");
await page.locator(".modal").getByRole("button", { name: "Create Payment" }).click();
await page.waitForTimeout(2000);
console.log("7. 500 of 2,000 paid on a per-payment plan; ledger:",
    JSON.stringify((await rows([["origin_move_id", "=", invoice2]])).map((r) => [r.kind, r.amount, r.state, r.name])));
// 8. the payment bounces: reset to draft from the payment
const [{ matched_payment_ids: payments }] = await rpc("account.move", "read", [[invoice2], ["matched_payment_ids"]]);
await page.goto(`${base}/odoo/action-account.action_account_payments/${payments[0]}`);
await page.waitForSelector(".o_form_view");
await page.getByRole("button", { name: "Reset to Draft" }).click();
await page.waitForTimeout(1500);
await page.getByRole("button", { name: "Cancel", exact: true }).click();
await page.waitForTimeout(2000);
const [{ payment_state: state2 }] = await rpc("account.move", "read", [[invoice2], ["payment_state"]]);
console.log(`8. payment reset to draft and cancelled (invoice ${state2}); ledger:`,
    JSON.stringify((await rows([["origin_move_id", "=", invoice2]])).map((r) => [r.kind, r.amount, r.state])));
// 9. a credit note of the first (paid) invoice
await page.goto(`${base}/odoo/action-account.action_move_out_invoice_type/${invoice}`);
await page.waitForSelector(".o_form_view");
await page.getByRole("button", { name: "Credit Note" }).click();
await page.waitForSelector(".modal .o_form_view");
await page.locator(".modal").getByRole("button", { name: "Reverse", exact: true }).click();
await page.waitForSelector(".o_form_view .o_statusbar_status");
await page.getByRole("button", { name: "Confirm", exact: true }).click();
await page.waitForTimeout(2500);
console.log("9. credit note posted; ledger of the invoice:",
    JSON.stringify((await rows([["origin_move_id", "=", invoice]])).map((r) => [r.kind, r.amount, r.state])));
await shot("credit-note");
await browser.close();
