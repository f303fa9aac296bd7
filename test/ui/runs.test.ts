// The lineage's statuses, collapsing, selection completion and errors, and the runs list and run page (retries on the
// Gantt, compute logs, the disconnected banner) in real Chromium against a real `tessera dev` (SQLite instance).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Instance, type TesseraEvent } from "@tessera/core";
import { openUi, type UiSession } from "../support/browser.js";
import type { DevProcess } from "../support/dev-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DEFS = join(ROOT, "test/ui/fixtures/lineage-defs.ts");

let home: string;
let dev: DevProcess;
let ui: UiSession | undefined;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(process.env["TESSERA_UI_ARTIFACTS"] ?? home, name) });
const node = (name: string) => page.getByRole("button", { name, exact: true });

/** Materializes a selection from the lineage's selection box and returns the run's address. */
async function materialize(selection: string): Promise<string> {
  await page.goto(`${dev.url}/#/lineage`);
  const box = page.getByRole("textbox", { name: "Asset selection" });
  await box.fill(selection);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Materialize selection" }).isEnabled()).toBe(true);
  await page.getByRole("button", { name: "Materialize selection" }).click();
  const launched = page.getByRole("status").filter({ hasText: /Launched run/ }).getByRole("link");
  await launched.waitFor({ timeout: 30_000 });
  return (await launched.getAttribute("href")) as string;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tessera-ui-runs-"));
  ui = await openUi(ROOT, home, ["-m", DEFS, "--no-daemon"]);
  ({ dev, page } = ui);
}, 120_000);

afterAll(async () => {
  writeFileSync(join(home, "gate-open"), "");
  await ui?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("lineage", () => {
  it("opens with every group collapsed from the address, and expands and collapses all", async () => {
    await page.goto(`${dev.url}/#/lineage?collapsed=all`);
    await expect.poll(() => page.getByRole("button", { name: "Expand group ingest" }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByRole("button", { name: "Expand group reports" }).count()).toBe(1);
    expect(await node("source_rows").count()).toBe(0);
    await page.getByRole("button", { name: "Expand all" }).click();
    await expect.poll(() => node("source_rows").count()).toBe(1);
    expect(page.url()).not.toContain("collapsed=");
    await page.getByRole("button", { name: "Collapse all" }).click();
    await expect.poll(() => node("source_rows").count()).toBe(0);
    expect(page.url()).toContain("collapsed=all");
  });

  it("completes attribute names and the workspace's values, and shows a syntax error at its position", async () => {
    await page.goto(`${dev.url}/#/lineage`);
    await node("source_rows").waitFor({ timeout: 30_000 });
    const box = page.getByRole("textbox", { name: "Asset selection" });
    await box.click();
    await page.keyboard.type("gro");
    const suggestions = page.getByRole("listbox", { name: "Selection suggestions" });
    await expect.poll(() => suggestions.getByRole("option", { name: /^group:/ }).count()).toBe(1);
    await page.keyboard.press("Tab");
    await expect.poll(() => box.inputValue()).toBe("group:");
    await expect.poll(() => suggestions.getByRole("option").allTextContents()).toEqual(["group:ingest group", "group:reports group"]);
    await suggestions.getByRole("option", { name: /group:reports/ }).click();
    await expect.poll(() => box.inputValue()).toBe("group:reports");
    await page.keyboard.type(" or kind:");
    await expect.poll(() => suggestions.getByRole("option").allTextContents()).toEqual(["kind:duckdb kind", "kind:table kind"]);
    await page.keyboard.press("Escape");
    await page.keyboard.type("duckdb or tag:");
    await expect.poll(() => suggestions.getByRole("option", { name: /tag:tier=gold/ }).count()).toBe(1);
    await page.keyboard.press("Escape");

    await box.fill("group:reports and (");
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 10_000 }).toMatch(/column 20/i);
    expect(await page.getByLabel("At column 20").count()).toBe(1);
    expect(await box.getAttribute("aria-invalid")).toBe("true");
    await box.fill("group:reports and (kind:table or key:source_rows+)");
    await expect.poll(() => page.getByRole("alert").count(), { timeout: 10_000 }).toBe(0);
    await shot("lineage-selection.png");
  });

  it("colours assets failed, fresh, running and check failing, with a legend", { timeout: 120_000 }, async () => {
    const legend = page.getByRole("list", { name: "Status legend" });
    await page.goto(`${dev.url}/#/lineage`);
    await expect.poll(() => legend.getByRole("listitem").allTextContents()).toEqual(["fresh", "stale", "missing", "failed", "running", "check failing"]);
    await expect.poll(() => node("broken_report").getAttribute("aria-description"), { timeout: 30_000 }).toBe("missing");

    const failedRun = await materialize("key:broken_report");
    await page.goto(`${dev.url}/${failedRun}`);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("FAILURE");
    const checkedRun = await materialize("key:source_rows or key:checked_report");
    await page.goto(`${dev.url}/${checkedRun}`);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");

    await page.goto(`${dev.url}/#/lineage`);
    await expect.poll(() => node("broken_report").getAttribute("aria-description"), { timeout: 30_000 }).toBe("failed");
    await expect.poll(() => node("source_rows").getAttribute("aria-description")).toBe("fresh");
    await expect.poll(() => node("checked_report").getAttribute("aria-description")).toMatch(/, check failing$/);
    await materialize("key:gated_report");
    await expect.poll(() => node("gated_report").getAttribute("aria-description"), { timeout: 30_000 }).toBe("running");
    await shot("lineage-statuses.png");
  });
});

describe("runs", () => {
  it("lists the runs, one row each, filtered by status", async () => {
    await page.goto(`${dev.url}/#/runs`);
    const table = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => table.getByRole("row").count(), { timeout: 15_000 }).toBe(4);
    await page.getByRole("combobox", { name: "Status" }).selectOption("FAILURE");
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    expect(page.url()).toContain("status=FAILURE");
  });

  it("shows a step's retries on the Gantt, and what a step wrote to stdout and stderr", { timeout: 120_000 }, async () => {
    const run = await materialize("key:retried_report");
    await page.goto(`${dev.url}/${run}`);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    await expect.poll(() => page.getByRole("img", { name: /^Step .*retried_report succeeded after 1 retry$/ }).count()).toBe(1);
    await expect.poll(() => page.getByRole("table", { name: "Event log" }).getByRole("cell", { name: "STEP_UP_FOR_RETRY" }).count()).toBe(1);

    const printing = await materialize("key:source_rows");
    await page.goto(`${dev.url}/${printing}`);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    const logs = page.getByRole("region", { name: "Compute logs" });
    await expect.poll(() => logs.getByLabel(/^stdout of .*source_rows/).textContent(), { timeout: 15_000 }).toContain("read 3 rows from the source");
    await logs.getByRole("radio", { name: "stderr" }).check();
    await expect.poll(() => logs.getByLabel(/^stderr of .*source_rows/).textContent(), { timeout: 15_000 }).toContain("the source is slow today");
    await shot("run-compute-logs.png");
  });

  it("keeps a long log's rows in reading order wherever it is scrolled, each with its row index and its event", { timeout: 120_000 }, async () => {
    const instance = Instance.fromHome({ home });
    const stepKey = "source_rows";
    // Every seventh line is too long for its cell: it must end in an ellipsis (its cell clips) and the others not clip.
    const line = (n: number) => `line ${n}${n % 7 === 0 ? ` ${"wide ".repeat(200)}` : ""}`;
    const { runId } = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: [stepKey], runConfig: {}, tags: {} });
    const events: TesseraEvent[] = [{ runId, timestamp: Date.now(), eventType: "RUN_START", message: "Started run.", stepKeys: [stepKey] } as TesseraEvent];
    for (let i = 0; i < 3000; i++) events.push({ runId, stepKey, timestamp: Date.now(), eventType: "LOG_MESSAGE", level: "info", message: line(i + 1) });
    events.push({ runId, timestamp: Date.now(), eventType: "RUN_SUCCESS", message: "Finished run successfully." });
    await instance.storeEvents(events);
    await instance.close();
    await page.goto(`${dev.url}/#/runs/${runId}`);
    await page.getByRole("status", { name: "Events shown" }).filter({ hasText: "3002 events" }).waitFor({ timeout: 30_000 });
    const log = page.getByRole("table", { name: "Event log" });
    // Row index r (the header is 1) is event r - 2, whose message is "line r - 2" for the log lines.
    const rowsInOrder = () =>
      log.evaluate((table) =>
        [...table.querySelectorAll('[role="rowgroup"] + [role="rowgroup"] [role="row"]')].map((row) => [Number(row.getAttribute("aria-rowindex")), row.lastElementChild?.textContent ?? ""] as const),
      );
    // A short scroll (within and past the band), then jumps across the log, as a dragged scrollbar makes them.
    for (const fraction of [0.5, 0.505, 0.52, 0.1, 0.9, 0.3]) {
      const [top, height] = await page.locator(".log-scroll").evaluate((element, f) => {
        element.scrollTop = element.scrollHeight * f;
        return [element.scrollTop, element.clientHeight];
      }, fraction);
      // The row at the middle of the screen (rows are 26 px, under the 26 px header): event i's row index is i + 2.
      const middle = Math.floor((top + height / 2 - 26) / 26) + 2;
      await expect.poll(async () => (await rowsInOrder()).some(([index]) => index === middle)).toBe(true);
      const rows = await rowsInOrder();
      expect(rows.map(([index]) => index)).toEqual(rows.map((_, i) => (rows[0]?.[0] ?? 0) + i));
      for (const [index, message] of rows) if (index >= 3 && index <= 3002) expect(message).toBe(line(index - 2));
    }
    // Each cell that overflows clips (for its ellipsis); only those: a clip is work for every frame.
    const clips = await log.evaluate((table) =>
      [...table.querySelectorAll('[role="rowgroup"] + [role="rowgroup"] [role="cell"]')].map((cell) => [cell.scrollWidth > cell.clientWidth + 1, getComputedStyle(cell).overflowX !== "visible"] as const),
    );
    expect(clips.some(([overflows]) => overflows)).toBe(true);
    for (const [overflows, clipped] of clips) if (overflows) expect(clipped).toBe(true);
    expect(clips.filter(([, clipped]) => clipped).length).toBe(clips.filter(([overflows]) => overflows).length);
  });

  it("clips a step's label on the Gantt only when its key does not fit (ending in an ellipsis)", { timeout: 60_000 }, async () => {
    const instance = Instance.fromHome({ home });
    const long = `warehouse_${"very_long_".repeat(8)}step_key`;
    const short = "tiny";
    const { runId } = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: [], runConfig: {}, tags: {} });
    await instance.storeEvents([
      { runId, timestamp: Date.now(), eventType: "RUN_START", message: "Started run.", stepKeys: [long, short] } as TesseraEvent,
      ...[long, short].flatMap((stepKey): TesseraEvent[] => [
        { runId, stepKey, timestamp: Date.now(), eventType: "STEP_START", message: `Started ${stepKey}.` },
        { runId, stepKey, timestamp: Date.now(), eventType: "STEP_SUCCESS", message: `Finished ${stepKey}.` },
      ]),
      { runId, timestamp: Date.now(), eventType: "RUN_SUCCESS", message: "Finished run successfully." },
    ]);
    await instance.close();
    await page.goto(`${dev.url}/#/runs/${runId}`);
    const steps = page.getByRole("region", { name: "Steps" });
    await steps.getByRole("checkbox", { name: `Select step ${long}` }).waitFor({ timeout: 30_000 });
    const label = (key: string) =>
      steps.locator("label", { has: page.getByRole("checkbox", { name: `Select step ${key}`, exact: true }) }).evaluate((element) => ({
        overflows: element.scrollWidth > element.clientWidth + 1,
        clips: getComputedStyle(element).overflowX !== "visible",
        ellipsis: getComputedStyle(element).textOverflow,
      }));
    await expect.poll(() => label(long)).toEqual({ overflows: true, clips: true, ellipsis: "ellipsis" });
    expect(await label(short)).toMatchObject({ overflows: false, clips: false });
  });

  it("says at once that a live run's view is disconnected when the server goes away", { timeout: 60_000 }, async () => {
    await page.goto(`${dev.url}/#/runs?status=STARTED`);
    const link = page.getByRole("table", { name: "Runs" }).getByRole("link").first();
    await link.waitFor({ timeout: 15_000 });
    await link.click();
    await expect.poll(() => page.getByRole("status", { name: "Live updates" }).textContent(), { timeout: 15_000 }).toBe("live");
    await expect.poll(() => page.getByRole("img", { name: /^Step .*gated_report running$/ }).count(), { timeout: 15_000 }).toBe(1);
    await dev.stop();
    await expect.poll(() => page.getByRole("status", { name: "Live updates" }).textContent(), { timeout: 15_000 }).toBe("disconnected");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: /Disconnected from the server/ }).count()).toBe(1);
    await shot("run-disconnected.png");
  });
});
