// What the browser walkthroughs share: Debian's Chromium logged in to the demo, JSON-RPC
// calls in the page's session, xml id lookups and screenshots.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export async function openDemo(base, out, login = "admin", password = "admin") {
    mkdirSync(out, { recursive: true });
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);

    async function rpc(model, method, args, kwargs = {}) {
        return page.evaluate(async ([model, method, args, kwargs]) => {
            const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ jsonrpc: "2.0", method: "call",
                    params: { model, method, args, kwargs } }),
            });
            const data = await response.json();
            if (data.error) throw new Error(JSON.stringify(data.error.data.message));
            return data.result;
        }, [model, method, args, kwargs]);
    }
    const ref = async (xmlid) => {
        const [module, name] = xmlid.split(".");
        return (await rpc("ir.model.data", "search_read",
            [[["module", "=", module], ["name", "=", name]], ["res_id"]]))[0].res_id;
    };
    async function shot(name) {
        await page.waitForTimeout(1500);
        await page.screenshot({ path: `${out}${name}.png` });
        console.log(`  screenshot ${out}${name}.png`);
    }
    return { browser, page, rpc, ref, shot };
}
