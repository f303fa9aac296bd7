import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AssetSpec, DailyPartitionsDefinition, AssetCheckSpec, ScheduleDefinition, asset, defineAssetJob } from "../index.js";
import { AutomationCondition } from "../definitions/index.js";
import { Instance } from "../instance/index.js";
import { Definitions } from "./definitions.js";
import { InProcessWorkspace } from "./in-process-workspace.js";
import { snapshotDefinitions } from "./location-snapshot.js";
import type { LocationEvent } from "./workspace-view.js";

const raw = new AssetSpec(["raw", "orders"], { groupName: "ingest", kinds: ["s3"], owners: ["team:data"] });
const orders = asset(
  {
    name: "orders",
    deps: [raw],
    codeVersion: "v2",
    description: "Clean orders",
    partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }),
    automationCondition: AutomationCondition.eager(),
    checkSpecs: [new AssetCheckSpec("not_empty", { asset: "orders", blocking: true })],
  },
  async () => 1,
);
const daily = defineAssetJob({ name: "daily", selection: "orders" });
const defs = new Definitions({
  assets: [raw, orders],
  jobs: [daily],
  schedules: [new ScheduleDefinition({ name: "nightly", cronSchedule: "0 2 * * *", job: daily })],
});

describe("snapshotDefinitions", () => {
  it("describes assets with deps both ways, partitions, code version, condition label, jobs and checks as JSON", () => {
    const snapshot = snapshotDefinitions(defs);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    const [first, second] = snapshot.assets;
    expect(first).toMatchObject({ key: "raw/orders", path: ["raw", "orders"], groupName: "ingest", kinds: ["s3"], owners: ["team:data"], dependedByKeys: ["orders"], isExecutable: false });
    expect(second).toMatchObject({
      key: "orders",
      dependencyKeys: ["raw/orders"],
      codeVersion: "v2",
      description: "Clean orders",
      jobNames: ["daily"],
      isExecutable: true,
      checks: [{ name: "not_empty", assetKey: "orders", blocking: true }],
    });
    expect(second?.partitionsDefinition?.kind).toBe("time_window");
    expect(second?.automationConditionLabel).toBe("eager");
    expect(snapshot.schedules).toEqual([expect.objectContaining({ name: "nightly", cronSchedules: ["0 2 * * *"], jobNames: ["daily"], defaultStatus: "STOPPED" })]);
  });
});

describe("InProcessWorkspace", () => {
  it("marks a location whose load throws FAILED with its message while the other loads, and reports state changes", async () => {
    const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-ws-")), "t.db") } } });
    let broken = true;
    const workspace = await InProcessWorkspace.load({
      instance,
      locations: [
        { name: "good", load: defs },
        { name: "bad", load: () => (broken ? Promise.reject(new Error("boom at import")) : defs) },
      ],
    });
    expect(workspace.locations().map((l) => [l.name, l.status, l.error?.message ?? null])).toEqual([
      ["good", "LOADED", null],
      ["bad", "FAILED", "boom at import"],
    ]);
    const seen: LocationEvent[] = [];
    workspace.subscribe((e) => seen.push(e));
    broken = false;
    await workspace.reloadLocation("bad");
    expect(seen.map((e) => e.location.status)).toEqual(["LOADING", "LOADED"]);
    const unavailable = await workspace.run("nowhere", "launchRun", { selection: "orders" });
    expect(unavailable).toMatchObject({ ok: false, error: { code: "LOCATION_UNAVAILABLE" } });
    await instance.close();
  });

  it("queues a run of a selection and returns a bad selection as a typed error with its position", async () => {
    const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-ws-")), "t.db") } } });
    const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "good", load: defs }] });
    const launched = await workspace.run("good", "launchRun", { selection: "orders", partitionKey: "2024-01-02" });
    if (!launched.ok) throw new Error(launched.error.message);
    expect((await instance.getRunById(launched.value.runId))?.status).toBe("QUEUED");
    const bad = await workspace.run("good", "launchRun", { selection: "orders +" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: "SELECTION_SYNTAX", details: { position: expect.any(Number) } });
    await instance.close();
  });
});
