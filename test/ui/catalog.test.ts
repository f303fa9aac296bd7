// The catalog in real Chromium, against a real `tessera dev` on a project of 5,000 assets (50 groups of 100, each a
// chain), one of them materialized with a passing check.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUi, type UiSession } from "../support/browser.js";
import type { DevProcess } from "../support/dev-process.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";

const DEFS = `
import { AssetCheckResult, Definitions, asset, assetCheck } from "@tessera/core";

const assets = [];
for (let g = 0; g < 50; g++) {
  let previous;
  for (let i = 0; i < 100; i++) {
    const node = asset(
      {
        name: \`g\${g}_a\${i}\`,
        groupName: \`group_\${g}\`,
        kinds: [i % 2 === 0 ? "csv" : "table"],
        owners: [\`team:t\${g % 5}\`],
        tags: { tier: String(i % 3) },
        description: i === 0 ? "The first of its group" : null,
        ins: previous ? { up: previous } : {},
      },
      async () => i,
    );
    assets.push(node);
    previous = node;
  }
}
const firstHasValue = assetCheck({ asset: assets[0], name: "has_value" }, async () => new AssetCheckResult({ passed: true }));

export const defs = new Definitions({ assets, assetChecks: [firstHasValue] });
`;

const dirs = new TempDirs();
let home: string;
let defs: string;
let dev: DevProcess;
let browser: Browser;
let ui: UiSession | undefined;
let page: Page;

// Screenshots go to TESSERA_UI_ARTIFACTS when set (CI keeps them), else beside the test's instance.
const shot = (name: string) => page.screenshot({ path: join(process.env["TESSERA_UI_ARTIFACTS"] ?? home, name) });
const shown = () => page.getByRole("status", { name: "Assets shown" }).textContent();
const table = () => page.getByRole("table", { name: "Assets" });

beforeAll(async () => {
  home = dirs.make("tessera-ui-catalog-");
  defs = userProject(dirs, DEFS, "tessera-ui-catalog-project-");
  execFileSync(process.execPath, [TESSERA_BIN, "materialize", "-m", defs, "--select", "g0_a0"], { env: { ...process.env, TESSERA_HOME: home, NO_COLOR: "1" } });
  ui = await openUi(join(defs, ".."), home, ["-m", defs, "--no-daemon"]);
  ({ dev, browser, page } = ui);
}, 180_000);

afterAll(async () => {
  await ui?.close();
  dirs.removeAll();
});

describe("catalog", () => {
  it("lists all 5,000 assets but only renders the rows in view", async () => {
    await page.goto(`${dev.url}/#/lineage`);
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Assets" }).click();
    await expect.poll(shown, { timeout: 60_000 }).toBe("5000 of 5000 assets");
    const rendered = await table().getByRole("row").count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    await shot("catalog.png");
  }, 90_000);

  it("shows the latest materialization and check status, and filters by status", async () => {
    const first = table().getByRole("row").filter({ has: page.getByRole("link", { name: "g0_a0", exact: true }) });
    await expect.poll(() => first.textContent()).toContain("PASSED");
    expect(await first.textContent()).toContain("FRESH");
    await page.getByRole("combobox", { name: "Filter by status" }).selectOption("MISSING");
    await expect.poll(shown).toBe("4999 of 5000 assets");
    await page.getByRole("combobox", { name: "Filter by status" }).selectOption("");
  }, 60_000);

  it("searches and filters, keeping them in the URL so the view can be shared", async () => {
    await page.getByRole("searchbox", { name: "Search assets" }).fill("a99");
    await expect.poll(shown).toBe("50 of 5000 assets");
    await page.getByRole("combobox", { name: "Filter by group" }).selectOption("group_7");
    await expect.poll(shown).toBe("1 of 5000 assets");
    await page.getByRole("combobox", { name: "Filter by owner" }).selectOption("team:t2");
    await expect.poll(shown).toBe("1 of 5000 assets");
    await page.getByRole("combobox", { name: "Filter by kind" }).selectOption("csv");
    await expect.poll(shown).toBe("0 of 5000 assets");
    await page.getByRole("combobox", { name: "Filter by kind" }).selectOption("table");
    await page.getByRole("combobox", { name: "Filter by tag" }).selectOption("tier=0");
    await expect.poll(shown).toBe("1 of 5000 assets");
    const shared = await page.evaluate(() => window.location.href);
    expect(shared).toMatch(/q=a99/);
    expect(shared).toMatch(/group=group_7/);
    await shot("catalog-filtered.png");

    const other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await other.goto(shared);
    await expect.poll(() => other.getByRole("status", { name: "Assets shown" }).textContent(), { timeout: 60_000 }).toBe("1 of 5000 assets");
    expect(await other.getByRole("searchbox", { name: "Search assets" }).inputValue()).toBe("a99");
    await other.close();

    await table().getByRole("link", { name: "g7_a99", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { name: "g7_a99", exact: true }).count(), { timeout: 30_000 }).toBe(1);
    await page.goBack();
    await expect.poll(shown, { timeout: 60_000 }).toBe("1 of 5000 assets");
  }, 120_000);

  it("sorts by a column and scrolls through every row", async () => {
    await page.goto(`${dev.url}/#/assets`);
    await expect.poll(shown, { timeout: 60_000 }).toBe("5000 of 5000 assets");
    await table().getByRole("button", { name: "Asset" }).click();
    await table().getByRole("button", { name: /^Asset/ }).click();
    await expect.poll(() => table().getByRole("columnheader", { name: /^Asset/ }).getAttribute("aria-sort")).toBe("descending");
    // Descending in alphanumeric order: g49_a99 comes first.
    await expect.poll(() => table().getByRole("row").nth(1).textContent()).toMatch(/^g49_a99/);
    await page.locator(".catalog-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => table().getByRole("link", { name: "g0_a0", exact: true }).count()).toBe(1);
    expect(await table().getByRole("row").count()).toBeLessThan(100);
  }, 90_000);

  it("changes an asset's row when another process materializes it, without a reload", async () => {
    await page.goto(`${dev.url}/#/assets?q=g1_a0`);
    await expect.poll(shown, { timeout: 60_000 }).toBe("1 of 5000 assets");
    await expect.poll(() => page.getByRole("status", { name: "Live updates" }).textContent(), { timeout: 30_000 }).toBe("Live");
    const row = table().getByRole("row").filter({ has: page.getByRole("link", { name: "g1_a0", exact: true }) });
    expect(await row.textContent()).toContain("MISSING");
    execFileSync(process.execPath, [TESSERA_BIN, "materialize", "-m", defs, "--select", "g1_a0"], { env: { ...process.env, TESSERA_HOME: home, NO_COLOR: "1" } });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("FRESH");
    expect(await row.getByRole("link").count()).toBe(2);
    await shot("catalog-live.png");
  }, 90_000);
});
