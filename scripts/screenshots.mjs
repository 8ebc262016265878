// Takes the README screenshots from a running demo (`make run`), with Debian's Chromium.
//   npm install --no-save playwright-core && node scripts/screenshots.mjs [http://localhost:8069]
// Writes PNG files to docs/screenshots/.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.argv[2] || "http://localhost:8069";
const out = process.env.OUT_DIR || new URL("../docs/screenshots/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function session(login, password) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    return page;
}

async function shot(page, path, name, waitFor, click, scrollTo) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("load");
    if (waitFor) {
        await page.waitForSelector(waitFor, { timeout: 20000 });
    }
    if (click) {
        // a tab or button to open first, by its visible text
        await page.getByText(click, { exact: true }).first().click();
        await page.waitForLoadState("load");
    }
    if (scrollTo) {
        // a part of the page below the fold, scrolled into view
        await page.locator(scrollTo).first().scrollIntoViewIfNeeded();
    }
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}${name}.png` });
    console.log(`${name}.png  <- ${path}`);
}

// [login, password, path, file name, selector to wait for, text to click first,
//  selector to scroll into view]
// {module.xmlid} in a path is replaced by the record's id.
const shots = JSON.parse(process.env.SHOTS || "null") || [
    ["admin", "admin", "/odoo/action-crm_partner_assign.res_partner_action_partners/{crm_partner_assign.res_partner_reseller_gold_demo}", "partner-form", ".o_form_view", "Partner Assignment"],
    ["admin", "admin", "/odoo/action-crm.crm_lead_all_leads?view_type=list", "leads-assigned", ".o_list_view"],
    ["admin", "admin", "/odoo/action-crm.crm_lead_all_leads/{crm_partner_assign.crm_lead_unassigned_munich_demo}", "lead-forward", ".o_form_view", "Assigned Partner"],
    ["admin", "admin", "/odoo/action-crm_partner_assign.crm_partner_report_assign_action", "partner-activity", ".o_pivot, .o_list_view, .o_graph_view"],
    ["admin", "admin", "/odoo/action-partner_commission.commission_plan_action/{partner_commission.commission_plan_gold_demo}", "commission-plan", ".o_form_view"],
    ["admin", "admin", "/odoo/action-partner_commission.commission_line_action", "commission-analysis", ".o_pivot, .o_graph_view, .o_list_view"],
    ["admin", "admin", "/odoo/action-partner_commission.purchase_order_action_commission", "commission-rfqs", ".o_list_view"],
    ["admin", "admin", "/odoo/action-partner_commission.commission_line_action_list", "commission-ledger", ".o_list_view"],
    ["admin", "admin", "/odoo/action-partner_commission.commission_line_action_to_approve", "commissions-to-approve", ".o_list_view"],
    ["portal.gold@example.com", "portal", "/my", "portal-home", ".o_portal_my_home"],
    ["portal.gold@example.com", "portal", "/my/leads", "portal-leads", "table"],
    ["portal.gold@example.com", "portal", "/my/opportunities", "portal-opportunities", "table"],
    ["portal.gold@example.com", "portal", "/my/opportunity/{crm_partner_assign.crm_lead_assigned_gold_opportunity_demo}", "portal-opportunity", ".o_crm_partner_assign_update_form"],
    ["portal.gold@example.com", "portal", "/my/opportunity/new", "portal-new-opportunity", "form"],
    ["portal.gold@example.com", "portal", "/my/opportunity/new", "portal-register-deal", "form"],
    ["portal.gold@example.com", "portal", "/my/opportunity/{crm_partner_assign.crm_lead_registration_submitted_demo}", "portal-registration", ".o_crm_partner_assign_registration"],
    ["portal.alpenblick@example.com", "portal", "/my", "portal-level", ".o_crm_partner_assign_level"],
    ["admin", "admin", "/odoo/action-crm_partner_assign.crm_lead_action_registration", "registrations", ".o_list_view"],
    ["admin", "admin", "/odoo/action-crm_partner_assign.crm_lead_action_registration/{crm_partner_assign.crm_lead_registration_submitted_demo}", "registration-matches", ".o_form_view", "Deal Registration"],
    ["admin", "admin", "/odoo/action-crm_partner_assign.res_partner_action_partners/{crm_partner_assign.res_partner_reseller_antwerp_demo}", "partner-acceptance", ".o_form_view", "Partner Assignment", "[name='partner_acceptance_factor']"],
];

async function resolveIds(page, path) {
    for (const [token, xmlid] of [...path.matchAll(/\{([\w.]+)\}/g)]) {
        const [module, name] = xmlid.split(".");
        const id = await page.evaluate(async ([module, name]) => {
            const response = await fetch("/web/dataset/call_kw/ir.model.data/search_read", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({
                    jsonrpc: "2.0", method: "call",
                    params: {
                        model: "ir.model.data", method: "search_read",
                        args: [[["module", "=", module], ["name", "=", name]], ["res_id"]],
                        kwargs: {},
                    },
                }),
            });
            return (await response.json()).result[0].res_id;
        }, [module, name]);
        path = path.replace(token, id);
    }
    return path;
}

const admin = await session("admin", "admin");
for (const item of shots) {
    item[2] = await resolveIds(admin, item[2]);
}
const pages = { admin };
for (const [login, password, path, name, waitFor, click, scrollTo] of shots) {
    pages[login] ||= await session(login, password);
    try {
        await shot(pages[login], path, name, waitFor, click, scrollTo);
    } catch (error) {
        console.error(`${name}: ${error.message}`);
        process.exitCode = 1;
    }
}
await browser.close();
