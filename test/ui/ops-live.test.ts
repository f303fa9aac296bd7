// The live operations pages in real Chromium against a real `tessera dev` running its own daemon (one iteration a
// second): schedules and sensors (tick history as the daemon ticks, start/stop/reset, a sensor's cursor set and
// cleared), a backfill's progress as the daemon runs it, and the daemon's loops on the deployment page. Nothing here
// reloads a page: what changes arrives over the API's subscriptions. Screenshots are kept as artifacts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUi, type UiSession } from "../support/browser.js";
import type { DevProcess } from "../support/dev-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LIVE = join(ROOT, "test/ui/fixtures/live-defs.ts");

let home: string;
let dev: DevProcess;
let ui: UiSession | undefined;
let page: Page;

// Screenshots go to TESSERA_UI_ARTIFACTS when set (CI keeps them), else beside the test's instance.
const shot = (name: string) => page.screenshot({ path: join(process.env["TESSERA_UI_ARTIFACTS"] ?? home, name), fullPage: true });
const live = () => page.getByRole("status", { name: "Live updates" }).textContent();

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tessera-ui-ops-live-"));
  ui = await openUi(ROOT, home, ["-m", LIVE, "--interval", "1", "--no-watch"], { width: 1400, height: 1000 });
  ({ dev, page } = ui);
}, 120_000);

afterAll(async () => {
  await ui?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("automation, live", () => {
  it("shows a sensor's ticks as the daemon makes them, resets it, and sets and clears its cursor", { timeout: 120_000 }, async () => {
    await page.goto(`${dev.url}/#/automation`);
    await expect.poll(live, { timeout: 30_000 }).toBe("Live");
    const toggle = page.getByRole("switch", { name: "inbox running" });
    expect(await toggle.isChecked()).toBe(false);
    await page.getByRole("button", { name: "inbox", exact: true }).click();
    const ticks = page.getByRole("table", { name: "Ticks of inbox" });
    expect(await ticks.textContent()).toContain("No ticks yet");

    await toggle.click();
    await expect.poll(() => toggle.isChecked(), { timeout: 15_000 }).toBe(true);
    // The first tick requests a run (the row links to it), the next ones skip: each arrives without a reload.
    await expect.poll(() => ticks.getByRole("row").filter({ hasText: "SUCCESS" }).getByRole("link").count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => ticks.getByRole("row").filter({ hasText: /SKIPPED.*nothing new/ }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByLabel("Current cursor of inbox").textContent()).toBe("seen");
    await shot("automation-ticks.png");

    // Reset: back to the status the definition declares (stopped).
    await page.getByRole("button", { name: "Reset inbox" }).click();
    await expect.poll(() => toggle.isChecked(), { timeout: 15_000 }).toBe(false);

    const cursor = page.getByRole("form", { name: "Cursor of inbox" });
    await cursor.getByRole("textbox", { name: "New cursor" }).fill("batch-2");
    await cursor.getByRole("button", { name: "Set cursor of inbox" }).click();
    await expect.poll(() => page.getByLabel("Current cursor of inbox").textContent(), { timeout: 15_000 }).toBe("batch-2");
    expect(await page.getByRole("status").filter({ hasText: "Set the cursor of inbox to batch-2." }).count()).toBe(1);
    await cursor.getByRole("button", { name: "Clear cursor of inbox" }).click();
    await expect.poll(() => page.getByLabel("Current cursor of inbox").textContent(), { timeout: 15_000 }).toBe("none");
    expect(await cursor.getByRole("button", { name: "Clear cursor of inbox" }).isDisabled()).toBe(true);
    await shot("automation-cursor.png");
  });

  it("shows a schedule's tick once the daemon reaches its next cron tick", { timeout: 150_000 }, async () => {
    await page.getByRole("button", { name: "every_minute", exact: true }).click();
    const details = page.getByRole("region", { name: "every_minute details" });
    await expect.poll(() => details.textContent(), { timeout: 30_000 }).toMatch(/Next ticks: \d{4}-/);
    await page.getByRole("switch", { name: "every_minute running" }).click();
    const ticks = page.getByRole("table", { name: "Ticks of every_minute" });
    // A started schedule ticks at its first cron tick after the start: within a minute.
    await expect.poll(() => ticks.getByRole("row").filter({ hasText: "SUCCESS" }).getByRole("link").count(), { timeout: 100_000, interval: 1000 }).toBe(1);
    expect(await live()).toBe("Live");
    await page.getByRole("switch", { name: "every_minute running" }).click();
    await expect.poll(() => page.getByRole("switch", { name: "every_minute running" }).isChecked(), { timeout: 15_000 }).toBe(false);
    await shot("automation-schedule-ticks.png");
  });
});

describe("backfills, live", () => {
  it("follows a backfill from launch to completion as the daemon runs it", { timeout: 120_000 }, async () => {
    await page.goto(`${dev.url}/#/launchpad?selection=${encodeURIComponent("key:letters")}`);
    await page.getByRole("radio", { name: "A range" }).check();
    await page.getByRole("combobox", { name: "Range start" }).fill("a");
    await page.getByRole("combobox", { name: "Range end" }).fill("c");
    await page.getByRole("button", { name: "Launch backfill" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/backfills\/[\w-]+$/);
    const id = /#\/backfills\/([\w-]+)$/.exec(page.url())?.[1] as string;
    await expect.poll(live, { timeout: 30_000 }).toBe("Live");
    const progress = page.getByRole("progressbar", { name: `Backfill ${id} progress` });
    await expect.poll(() => progress.getAttribute("aria-valuetext"), { timeout: 60_000 }).toBe("3 materialized, 0 failed of 3");
    await expect.poll(() => page.getByRole("table", { name: "Backfills" }).textContent(), { timeout: 30_000 }).toContain("COMPLETED");
    await expect.poll(() => page.getByRole("region", { name: "Runs of the backfill" }).getByRole("link").count()).toBe(3);
    await shot("backfill-live.png");
    await page.getByRole("link", { name: "All backfills" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Backfills" }).getByRole("row").count(), { timeout: 15_000 }).toBe(2);
    // The list page opens its own subscription: its first rows (a query) can be on screen before it connects.
    await expect.poll(live, { timeout: 15_000 }).toBe("Live");
  });
});

describe("deployment, live", () => {
  it("shows each daemon loop's health as the daemon goes round, and reloads every location", { timeout: 90_000 }, async () => {
    await page.goto(`${dev.url}/#/deployment`);
    await expect.poll(() => page.getByRole("status", { name: "Daemon health" }).textContent(), { timeout: 30_000 }).toBe("running");
    const loops = page.getByRole("table", { name: "Daemon loop health" });
    for (const loop of ["Scheduler", "Sensors", "Automation conditions", "Backfills"]) {
      await expect.poll(() => loops.getByRole("row", { name: new RegExp(`^${loop} healthy `) }).count(), { timeout: 30_000 }).toBe(1);
    }
    // The daemon's heartbeat moves the scheduler's last iteration on screen (one iteration a second).
    const scheduler = loops.getByRole("row", { name: /^Scheduler / });
    const before = await scheduler.textContent();
    await expect.poll(() => scheduler.textContent(), { timeout: 30_000 }).not.toBe(before);
    expect(await page.getByRole("status", { name: "Daemon live updates" }).textContent()).toBe("Live");

    await shot("deployment-live.png");

    await page.getByRole("button", { name: "Reload all" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /^Reloaded .*live-defs.*: LOADED/ }).count(), { timeout: 30_000 }).toBe(1);
    // The daemon restarts on the reloaded definitions: the page shows it running again without a reload of its own.
    await expect.poll(() => page.getByRole("status", { name: "Daemon health" }).textContent(), { timeout: 30_000 }).toBe("running");
    await expect.poll(() => loops.getByRole("row", { name: /^Scheduler healthy / }).count(), { timeout: 30_000 }).toBe(1);
    await shot("deployment-reloaded.png");
  });
});
