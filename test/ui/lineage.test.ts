// The lineage page in real Chromium, against a real `tessera dev` on the quickstart project (SQLite instance).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUi, type UiSession } from "../support/browser.js";
import type { DevProcess } from "../support/dev-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const QUICKSTART = join(ROOT, "examples/quickstart/defs.ts");

let home: string;
let dev: DevProcess;
let ui: UiSession | undefined;
let page: Page;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tessera-ui-lineage-"));
  ui = await openUi(ROOT, home, ["-m", QUICKSTART, "--no-daemon"]);
  ({ dev, page } = ui);
  await page.goto(`${dev.url}/#/lineage`);
}, 120_000);

afterAll(async () => {
  await ui?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("lineage", () => {
  it("draws every group as a box and the assets in it, each a button named by its key", async () => {
    await expect.poll(() => page.getByRole("button", { name: "raw_orders", exact: true }).count(), { timeout: 30_000 }).toBe(1);
    for (const group of ["raw", "markets"]) await expect.poll(() => page.getByRole("group", { name: `Group ${group}` }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "daily_revenue", exact: true }).count()).toBe(1);
  });

  it("collapses a group to one box and expands it again", async () => {
    await page.getByRole("button", { name: "Collapse group raw" }).click();
    await expect.poll(() => page.getByRole("button", { name: "raw_orders", exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Expand group raw" }).click();
    await expect.poll(() => page.getByRole("button", { name: "raw_orders", exact: true }).count()).toBe(1);
  });

  it("zooms out to the overview canvas and back to named assets with zoom to fit", async () => {
    const lineage = page.getByRole("application", { name: "Asset lineage" });
    const box = (await lineage.boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 12 && (await page.getByRole("button", { name: "raw_orders", exact: true }).count()) > 0; i++) await page.mouse.wheel(0, 400);
    await expect.poll(() => page.getByRole("button", { name: "raw_orders", exact: true }).count()).toBe(0);
    expect(Number(await page.locator("canvas.overview").getAttribute("data-scale"))).toBeLessThan(0.35);
    // A pan in the overview moves the drawn bitmap; once it stops, the canvas is drawn again for where it stopped.
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + box.width / 2 - i * 20, box.y + box.height / 2 - i * 10);
    await page.mouse.up();
    await expect.poll(() => page.locator("canvas.overview").evaluate((canvas) => canvas.style.transform)).toBe("");
    // The canvas is opaque, painted on the page's background (away from the graph, its corner is that background), and
    // painted again when the theme changes.
    const corner = () =>
      page.evaluate(() => {
        const canvas = document.querySelector("canvas.overview") as HTMLCanvasElement;
        const [r, g, b] = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, 1, 1).data;
        return { pixel: `rgb(${r}, ${g}, ${b})`, page: getComputedStyle(document.documentElement).backgroundColor };
      });
    const light = await corner();
    expect(light.pixel).toBe(light.page);
    await page.getByRole("button", { name: "Dark mode" }).click();
    await expect.poll(async () => (await corner()).pixel).not.toBe(light.pixel);
    const dark = await corner();
    expect(dark.pixel).toBe(dark.page);
    await page.getByRole("button", { name: "Dark mode" }).click();
    await expect.poll(async () => (await corner()).pixel).toBe(light.pixel);
    await page.getByRole("button", { name: "Zoom to fit" }).click();
    await expect.poll(() => page.getByRole("button", { name: "raw_orders", exact: true }).count()).toBe(1);
  });

  it("moves between assets along the lineage with the arrow keys", async () => {
    await page.getByRole("button", { name: "raw_orders", exact: true }).click();
    await expect.poll(() => page.getByRole("complementary", { name: "Asset raw_orders" }).count()).toBe(1);
    await page.getByRole("application", { name: "Asset lineage" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.getByRole("complementary", { name: /^Asset / }).getAttribute("aria-label")).not.toBe("Asset raw_orders");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.getByRole("complementary", { name: /^Asset / }).getAttribute("aria-label")).toBe("Asset raw_orders");
  });

  it("shows a selection's syntax error, and materializes a valid selection", async () => {
    const box = page.getByRole("textbox", { name: "Asset selection" });
    await box.fill('key:"raw_orders" and (');
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/expected|position|column/i);
    await box.fill("raw_orders");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);
    await page.getByRole("button", { name: "Materialize selection" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /Launched run/ }).count(), { timeout: 30_000 }).toBe(1);
  });

  it("follows the launched run live on its page: steps, log and status", async () => {
    await page.getByRole("status").filter({ hasText: /Launched run/ }).getByRole("link").click();
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    await expect.poll(() => page.getByRole("img", { name: /^Step .*raw_orders.* succeeded$/ }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole("table", { name: "Event log" }).getByRole("cell", { name: "RUN_SUCCESS" }).count()).toBe(1);
    await page.getByRole("combobox", { name: "Event type" }).selectOption("STEP_SUCCESS");
    await expect.poll(() => page.getByRole("table", { name: "Event log" }).getByRole("cell", { name: "RUN_SUCCESS" }).count()).toBe(0);
    await page.screenshot({ path: join(home, "run-page.png") });
    await page.goto(`${dev.url}/#/runs`);
    await expect.poll(() => page.getByRole("table", { name: "Runs" }).getByRole("row").count()).toBeGreaterThan(1);
  });
});
