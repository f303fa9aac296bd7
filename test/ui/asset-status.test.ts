// An asset's failed and running status as the lineage, the catalog and the asset page show it, from the asset's
// latest materialization attempt (read by the API), however many runs came since; and a running step's compute log
// on the run page as the step writes it. In real Chromium against a real `tessera dev` (SQLite instance).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
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

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${dev.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

async function launch(selection: string): Promise<string> {
  const data = await gql<{ launchRun: { run?: { runId: string }; message?: string } }>(
    `mutation Launch($s: String!) { launchRun(selection: $s) { ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    { s: selection },
  );
  expect(data.launchRun.message).toBeUndefined();
  return (data.launchRun.run as { runId: string }).runId;
}

const runStatus = async (runId: string) =>
  (await gql<{ runOrError: { status?: string } }>(`query R($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }`, { id: runId })).runOrError.status;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tessera-ui-asset-status-"));
  ui = await openUi(ROOT, home, ["-m", DEFS, "--no-daemon"]);
  ({ dev, page } = ui);
}, 120_000);

afterAll(async () => {
  writeFileSync(join(home, "gate-open"), "");
  await ui?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("asset status from the latest materialization attempt", () => {
  it("shows a failed materialization as failed everywhere, with 210 failed runs of nothing written since", { timeout: 120_000 }, async () => {
    const failed = await launch("key:broken_report");
    await expect.poll(() => runStatus(failed), { timeout: 60_000 }).toBe("FAILURE");
    // Newer runs than any page of recent (or recent failed) runs holds, none of them planning broken_report.
    const instance = Instance.fromHome({ home });
    for (let i = 0; i < 210; i++) {
      const run = await instance.createRun({ jobName: "elsewhere", tags: {}, assetSelection: [], runConfig: {} });
      await instance.storeEvents([
        { runId: run.runId, timestamp: Date.now(), eventType: "RUN_START" },
        { runId: run.runId, timestamp: Date.now(), eventType: "RUN_FAILURE" },
      ]);
    }
    await instance.close();
    const recent = await gql<{ runs: { runs: { runId: string }[] } }>(`{ runs(limit: 200) { runs { runId } } }`);
    expect(recent.runs.runs.map((r) => r.runId)).not.toContain(failed);

    await page.goto(`${dev.url}/#/lineage`);
    await expect.poll(() => node("broken_report").getAttribute("aria-description"), { timeout: 30_000 }).toBe("failed");
    await expect.poll(() => node("source_rows").getAttribute("aria-description")).toBe("missing");

    await page.goto(`${dev.url}/#/assets`);
    const row = page.getByRole("table", { name: "Assets" }).getByRole("row").filter({ has: page.getByRole("link", { name: "broken_report", exact: true }) });
    await expect.poll(() => row.getByRole("cell", { name: "FAILED", exact: true }).count(), { timeout: 30_000 }).toBe(1);

    await page.goto(`${dev.url}/#/assets/broken_report`);
    await expect.poll(() => page.getByRole("status", { name: "Asset status" }).textContent(), { timeout: 30_000 }).toBe("FAILED");
    expect(await page.getByRole("link", { name: `Failed in run ${failed.slice(0, 8)}` }).count()).toBe(1);
    await shot("asset-status-failed.png");
  });

  it("follows a run live: the asset running, its step's stdout as the step writes it, then fresh", { timeout: 120_000 }, async () => {
    await page.goto(`${dev.url}/#/assets/gated_report`);
    await expect.poll(() => page.getByRole("status", { name: "Asset status" }).textContent(), { timeout: 30_000 }).toBe("MISSING");
    await expect.poll(() => page.getByRole("status", { name: "Live updates" }).textContent(), { timeout: 15_000 }).toBe("Live");
    const run = await launch("key:gated_report");
    await expect.poll(() => page.getByRole("status", { name: "Asset status" }).textContent(), { timeout: 30_000 }).toBe("RUNNING");
    await page.goto(`${dev.url}/#/lineage`);
    await expect.poll(() => node("gated_report").getAttribute("aria-description"), { timeout: 30_000 }).toBe("running");

    // The run page shows what the step has written while it waits, then what it writes next, without a reload.
    await page.goto(`${dev.url}/#/runs/${run}`);
    const stdout = page.getByRole("region", { name: "Compute logs" }).getByLabel(/^stdout of .*gated_report/);
    await expect.poll(() => stdout.textContent(), { timeout: 30_000 }).toContain("waiting for the gate");
    expect(await stdout.textContent()).not.toContain("the gate is open");
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => navigations.push(frame.url()));
    writeFileSync(join(home, "gate-open"), "");
    await expect.poll(() => stdout.textContent(), { timeout: 30_000 }).toContain("the gate is open");
    expect(await stdout.textContent()).toBe("waiting for the gate\nthe gate is open\n");
    expect(navigations).toEqual([]);
    await expect.poll(() => runStatus(run), { timeout: 60_000 }).toBe("SUCCESS");
    await shot("run-compute-logs-live.png");

    await page.goto(`${dev.url}/#/lineage`);
    await expect.poll(() => node("gated_report").getAttribute("aria-description"), { timeout: 30_000 }).toBe("fresh");
  });
});
