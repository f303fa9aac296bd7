// The operations pages in real Chromium against a real `tessera dev`: launchpad, backfills, automation, deployment and
// the shell (search, shortcuts, dark mode). Screenshots are kept in the test's home directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUi, type UiSession } from "../support/browser.js";
import type { DevProcess } from "../support/dev-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OPS = join(ROOT, "test/ui/fixtures/ops-defs.ts");
const BROKEN = join(ROOT, "test/ui/fixtures/broken-defs.ts");

let home: string;
let dev: DevProcess;
let ui: UiSession | undefined;
let page: Page;

// Screenshots go to TESSERA_UI_ARTIFACTS when set (CI keeps them), else beside the test's instance.
const shot = (name: string) => page.screenshot({ path: join(process.env["TESSERA_UI_ARTIFACTS"] ?? home, name) });

const open = async (hash: string) => {
  await page.goto(`${dev.url}/#${hash}`);
};

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tessera-ui-ops-"));
  ui = await openUi(ROOT, home, ["-m", OPS, "-m", BROKEN, "--no-daemon"]);
  ({ dev, page } = ui);
}, 120_000);

afterAll(async () => {
  await ui?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("launchpad", () => {
  it("checks the run config against the schema, completes its keys, launches the run, and re-executes a selected step", { timeout: 120_000 }, async () => {
    await open(`/launchpad?selection=${encodeURIComponent("key:configured")}&config=${encodeURIComponent('{"ops":{"configured":{"config":{"rows":-1}}}}')}`);
    const editor = page.getByRole("textbox", { name: "Run config" });
    await expect.poll(() => editor.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByRole("list", { name: "Config problems" }).textContent(), { timeout: 10_000 }).toMatch(/rows.*greater than 0/);
    expect(await page.getByRole("button", { name: "Launch run" }).isDisabled()).toBe(true);

    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText('{"ops":{"configured":{"config":{');
    await page.keyboard.press("Control+Space");
    await expect.poll(() => page.getByRole("option", { name: /rows/ }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("option", { name: /mode/ }).count()).toBeGreaterThan(0);
    await page.keyboard.press("Escape");

    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText('{"ops":{"configured":{"config":{"rows":2,"mode":"full"}}}}');
    await expect.poll(() => page.getByRole("list", { name: "Config problems" }).count()).toBe(0);
    expect(decodeURIComponent(page.url())).toContain('config={"ops":{"configured":{"config":{"rows":2,"mode":"full"}}}}');
    await shot("launchpad.png");
    await page.getByRole("button", { name: "Launch run" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/runs\/[\w-]+$/);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");

    // The run page re-executes the steps ticked on its Gantt as a new run.
    const parent = page.url();
    await page.getByRole("checkbox", { name: /^Select step .*configured/ }).check();
    await page.getByRole("button", { name: "Re-execute selected (1)" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).not.toBe(parent);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");
  });

  it("shows a failed run's steps on the Gantt: the failure, and the step that never ran", { timeout: 90_000 }, async () => {
    await open(`/launchpad?selection=${encodeURIComponent("key:flaky+")}`);
    await page.getByRole("button", { name: "Launch run" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/runs\/[\w-]+$/);
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("FAILURE");
    await expect.poll(() => page.getByRole("img", { name: /^Step .*flaky failed$/ }).count()).toBe(1);
    await expect.poll(() => page.getByRole("img", { name: /^Step .*after_flaky skipped$/ }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Re-execute from failure" }).isEnabled()).toBe(true);
    await shot("run-failed.png");
  });

  it("adds a dynamic partition from the picker and launches a run of it", { timeout: 90_000 }, async () => {
    await open(`/launchpad?selection=${encodeURIComponent("key:tenants")}`);
    await page.getByRole("combobox", { name: "Partition" }).fill("acme");
    await page.getByRole("button", { name: "Add partition acme to tenant" }).click();
    await expect.poll(() => page.getByRole("group", { name: /^Partitions:/ }).textContent()).toMatch(/\(1\)/);
    await page.getByRole("button", { name: "Launch run" }).click();
    await expect.poll(() => page.getByRole("status", { name: "Run status" }).textContent(), { timeout: 60_000 }).toBe("SUCCESS");
  });

  it("launches a single run over a range when the backfill policy is single-run", async () => {
    await open(`/launchpad?selection=${encodeURIComponent("key:daily_events")}`);
    await expect.poll(() => page.getByRole("group", { name: /^Partitions:/ }).textContent(), { timeout: 15_000 }).toMatch(/\(60\).*Latest: 2024-02-27, 2024-02-28, 2024-02-29/);
    await page.getByRole("radio", { name: "A range" }).check();
    await page.getByRole("combobox", { name: "Range start" }).fill("2024-01-02");
    await page.getByRole("combobox", { name: "Range end" }).fill("2024-01-04");
    await expect.poll(() => page.getByRole("button", { name: "Launch run" }).isEnabled()).toBe(true);
    // The range is in the address: the same view opens from a shared link.
    expect(decodeURIComponent(page.url())).toContain("start=2024-01-02");
  });
});

describe("backfills", () => {
  it("launches a backfill of a range, cancels it and resumes it", { timeout: 90_000 }, async () => {
    await open(`/launchpad?selection=${encodeURIComponent("key:regions")}`);
    await page.getByRole("radio", { name: "A range" }).check();
    await page.getByRole("combobox", { name: "Range start" }).fill("eu");
    await page.getByRole("combobox", { name: "Range end" }).fill("us");
    await page.getByRole("button", { name: "Launch backfill" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/backfills\/[\w-]+$/);
    const id = /#\/backfills\/([\w-]+)$/.exec(page.url())?.[1] as string;
    await expect.poll(() => page.getByRole("progressbar", { name: `Backfill ${id} progress` }).getAttribute("aria-valuetext")).toMatch(/of 2$/);
    await page.getByRole("button", { name: `Cancel backfill ${id}` }).click();
    await expect.poll(() => page.getByRole("table", { name: "Backfills" }).textContent()).toContain("CANCELED");
    await page.getByRole("button", { name: `Resume backfill ${id}` }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: `Backfill ${id} resumed: 2 partition(s) left` }).count()).toBe(1);
    await expect.poll(() => page.getByRole("table", { name: "Backfills" }).textContent()).toContain("REQUESTED");
    await open("/backfills");
    await expect.poll(() => page.getByRole("table", { name: "Backfills" }).getByRole("row").count()).toBe(2);
    await shot("backfills.png");
  });
});

describe("automation", () => {
  it("lists schedules and sensors, starts a sensor, and dry-runs it", async () => {
    await open("/automation");
    const table = page.getByRole("table", { name: "Schedules and sensors" });
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain("nightly_schedule");
    expect(await table.textContent()).toContain("automation condition sensor");
    const toggle = page.getByRole("switch", { name: "watch_inbox running" });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect.poll(() => page.getByRole("switch", { name: "watch_inbox running" }).isChecked()).toBe(true);
    await page.getByRole("button", { name: "Dry run watch_inbox" }).click();
    await expect.poll(() => page.getByRole("region", { name: "Dry run of watch_inbox" }).textContent()).toMatch(/would request 1 run: key inbox-1/);
    await page.getByRole("button", { name: "nightly_schedule", exact: true }).click();
    await expect.poll(() => page.getByRole("region", { name: "nightly_schedule details" }).textContent()).toMatch(/Next ticks: \d{4}-/);
    await shot("automation.png");
  });
});

describe("deployment", () => {
  it("shows each location with its load error and stack, reloads one, and says the daemon never ran", async () => {
    await open("/deployment");
    const table = page.getByRole("table", { name: "Code locations" });
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain("LOADED");
    expect(await table.textContent()).toContain("FAILED");
    expect(await page.getByRole("alert").filter({ hasText: "settings.yaml is missing" }).count()).toBe(1);
    expect(await page.getByLabel(/^Stack of /).textContent()).toMatch(/loadSettings|broken-defs/);
    expect(await page.getByRole("status", { name: "Daemon health" }).textContent()).toBe("never ran");
    await page.getByRole("button", { name: /^Reload .*ops-defs/ }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /^Reloaded .*LOADED/ }).count(), { timeout: 30_000 }).toBe(1);
    await shot("deployment.png");
  });
});

describe("shell", () => {
  it("shows the keyboard shortcuts on ?, and searches assets with / then opens one", async () => {
    await open("/runs");
    await page.getByRole("table", { name: "Runs" }).waitFor();
    await page.keyboard.press("?");
    await expect.poll(() => page.getByRole("dialog", { name: "Keyboard shortcuts" }).count()).toBe(1);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await page.keyboard.press("/");
    await page.getByRole("combobox", { name: "Search assets, runs and pages" }).fill("regio");
    await expect.poll(() => page.getByRole("option", { name: /regions/ }).count()).toBe(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toMatch(/#\/assets\/regions$/);
    await page.keyboard.press("g");
    await page.keyboard.press("o");
    await expect.poll(() => page.url()).toMatch(/#\/automation$/);
    await page.keyboard.press("ControlOrMeta+k");
    await expect.poll(() => page.getByRole("dialog", { name: "Search" }).count()).toBe(1);
    await page.keyboard.press("Escape");
  });

  it("opens shared addresses with the filters they carry", async () => {
    await open("/runs?status=SUCCESS");
    await expect.poll(() => page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("SUCCESS");
    await expect.poll(() => page.getByRole("table", { name: "Runs" }).getByRole("row").count()).toBeGreaterThan(1);
    const runLink = page.getByRole("table", { name: "Runs" }).getByRole("link").first();
    const href = (await runLink.getAttribute("href")) as string;
    await open(`${href.replace(/^#/, "")}?type=RUN_SUCCESS`);
    await expect.poll(() => page.getByRole("combobox", { name: "Event type" }).inputValue(), { timeout: 15_000 }).toBe("RUN_SUCCESS");
    await open("/lineage?selection=regions");
    await expect.poll(() => page.getByRole("textbox", { name: "Asset selection" }).inputValue()).toBe("regions");
  });

  it("switches to dark mode and keeps it after a reload", async () => {
    await open("/automation");
    await page.getByRole("button", { name: "Dark mode" }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset["theme"])).toBe("dark");
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset["theme"])).toBe("dark");
    expect(await page.getByRole("button", { name: "Dark mode" }).getAttribute("aria-pressed")).toBe("true");
    for (const name of ["Launchpad", "Automation", "Backfills", "Deployment"]) expect(await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name }).count()).toBe(1);
    await shot("automation-dark.png");
  });
});
