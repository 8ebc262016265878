// Takes the README screenshots from a running demo (`make run`), with Debian's Chromium.
//   npm install --no-save playwright-core && node scripts/screenshots.mjs [http://localhost:8069]
// Writes PNG files to docs/screenshots/.
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

async function session(login, password) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    return page;
}

async function shot(page, path, name, waitFor) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("networkidle");
    if (waitFor) {
        await page.waitForSelector(waitFor, { timeout: 20000 });
    }
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}${name}.png` });
    console.log(`${name}.png  <- ${path}`);
}

const shots = JSON.parse(process.env.SHOTS || "null") || [
    ["admin", "admin", "/odoo/action-crm_partner_assign.crm_partner_report_assign_action", "partner-activity", ".o_pivot, .o_list_view, .o_graph_view"],
    ["portal.gold@example.com", "portal", "/my", "portal-home", ".o_portal_my_home"],
    ["portal.gold@example.com", "portal", "/my/opportunities", "portal-opportunities", "table"],
];
const pages = {};
for (const [login, password, path, name, waitFor] of shots) {
    pages[login] ||= await session(login, password);
    try {
        await shot(pages[login], path, name, waitFor);
    } catch (error) {
        console.error(`${name}: ${error.message}`);
        process.exitCode = 1;
    }
}
await browser.close();
