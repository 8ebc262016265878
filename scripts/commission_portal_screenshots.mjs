// Screenshots of the partner's commission pages for the README, from a running demo
// (`make run`), with Debian's Chromium:
//   npm install --no-save playwright-core && node scripts/commission_portal_screenshots.mjs [http://localhost:8069]
// As the Gold partner (portal.gold@example.com) it reads its commissions and asks a question
// on its newest row; as admin it opens that row (the question is an activity) and answers
// it; back as the partner the answer shows. Writes PNG files to docs/screenshots/.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.argv[2] || "http://localhost:8069";
const out = new URL("../docs/screenshots/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function session(login, password, viewport = { width: 1400, height: 900 }, mobile = false) {
    const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    return page;
}

async function shot(page, path, name, waitFor, fullPage = false) {
    if (path) {
        await page.goto(`${base}${path}`);
        await page.waitForLoadState("load");
    }
    if (waitFor) {
        await page.waitForSelector(waitFor, { timeout: 20000 });
    }
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${out}${name}.png`, fullPage });
    console.log(`${name}.png  <- ${path || page.url()}`);
}

async function rpc(page, model, method, args, kwargs = {}) {
    return page.evaluate(async ([model, method, args, kwargs]) => {
        const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({
                jsonrpc: "2.0", method: "call",
                params: { model, method, args, kwargs },
            }),
        });
        const data = await response.json();
        if (data.error) {
            throw new Error(JSON.stringify(data.error));
        }
        return data.result;
    }, [model, method, args, kwargs]);
}

const partner = await session("portal.gold@example.com", "portal");
await shot(partner, "/my", "portal-commissions-home",
    ".o_portal_index_card:not(.d-none) a[href='/my/commissions']");
// the statement of the newest period with rows, then a question on the newest row
await partner.goto(`${base}/my/commissions?groupby=period`);
const statement = await partner.getAttribute("tr.o_commission_group a", "href");
await partner.goto(`${base}/my/commissions`);
const lineId = await partner.getAttribute(".o_commission_row", "data-line-id");
await partner.click(`.o_commission_row[data-line-id='${lineId}'] .o_commission_question summary`);
await partner.fill(`.o_commission_row[data-line-id='${lineId}'] textarea[name=question]`,
    "Is this commission on the next payment order?");
await Promise.all([
    partner.waitForNavigation(),
    partner.click(`.o_commission_row[data-line-id='${lineId}'] button[type=submit]`),
]);
await shot(partner, null, "portal-commissions", ".o_commission_questions", true);
await shot(partner, "/my/commissions?groupby=period", "portal-commissions-grouped", ".o_commission_group", true);
await shot(partner, statement, "portal-commission-statement", ".o_commission_statement_closing", true);
await partner.goto(`${base}/my/opportunities`);
const opportunity = await partner.getAttribute(".o_crm_partner_assign_opportunity_row a", "href");
await shot(partner, opportunity, "portal-opportunity-commission", ".o_commission_estimate");

const phone = await session("portal.gold@example.com", "portal", { width: 390, height: 844 }, true);
await shot(phone, "/my/commissions", "portal-commissions-phone", ".o_commission_cards");
await shot(phone, statement, "portal-commission-statement-phone", ".o_commission_statement_closing");

// the manager: the question is an activity on the ledger row; the answer closes it
const admin = await session("admin", "admin");
await shot(admin, `/odoo/action-partner_commission.commission_line_action_list/${lineId}`,
    "commission-question-backend", ".o-mail-Activity, .o-mail-Chatter");
await rpc(admin, "commission.line", "message_post", [[Number(lineId)]], {
    body: "Yes: it goes on your draft commission order at the next payout run.",
    message_type: "comment",
    subtype_xmlid: "mail.mt_comment",
});
await shot(partner, "/my/commissions#commission_questions", "portal-commissions-answered",
    ".o_commission_answer");
await browser.close();
