import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/index.js";
import { asset } from "../../definitions/index.js";
import { Definitions } from "../../code-location/index.js";
import { Instance, type RunQueueSettings } from "../../instance/index.js";
import type { RunRecord } from "../../storage/index.js";
import { submitDefinitions } from "../materialize.js";
import { InProcessRunLauncher } from "./launchers.js";
import { QueuedRunCoordinator, type RunQueueLauncher } from "./coordinator.js";

const orders = asset({ name: "orders" }, () => [1, 2, 3]);
const revenue = asset({ name: "revenue", ins: { orders } }, (_ctx, { orders }) => orders.reduce((a, b) => a + b, 0));
const defs = new Definitions({ assets: [orders, revenue] });

/** Records launches and leaves the runs STARTING, so they count as in progress. */
class RecordingLauncher implements RunQueueLauncher {
  readonly launched: string[] = [];
  async launch(run: RunRecord): Promise<void> {
    this.launched.push(run.tags.name as string);
  }
}

async function queue(settings: RunQueueSettings, runs: Record<string, string>[]) {
  const clock = new ManualClock(1_700_000_000_000);
  const instance = Instance.ephemeral({ clock });
  for (const tags of runs) {
    clock.advance(1000);
    await submitDefinitions(defs, "orders", { instance, tags });
  }
  const launcher = new RecordingLauncher();
  return { instance, launcher, coordinator: new QueuedRunCoordinator({ instance, launcher, settings }) };
}

describe("QueuedRunCoordinator", () => {
  it("records a submitted run QUEUED with its enqueue event, and runs nothing", async () => {
    const instance = Instance.ephemeral();
    const run = await submitDefinitions(defs, "*revenue", { instance, tags: { team: "finance" } });
    expect(run.status).toBe("QUEUED");
    expect(run.assetSelection).toEqual(["orders", "revenue"]);
    // Planned as it is created (each asset once), then queued.
    expect((await instance.allLogs(run.runId)).map((e) => e.eventType)).toEqual(["ASSET_MATERIALIZATION_PLANNED", "ASSET_MATERIALIZATION_PLANNED", "RUN_ENQUEUED"]);
  });

  it("validates a run when it is submitted, recording nothing for a bad one", async () => {
    const instance = Instance.ephemeral();
    await expect(submitDefinitions(defs, "key:nope*", { instance })).rejects.toThrow(/selects no assets/);
    await expect(submitDefinitions(defs, "orders", { instance, runConfig: { ops: { unknown_op: {} } } })).rejects.toThrow(/unknown_op/);
    expect(await instance.getRuns()).toEqual([]);
  });

  it("launches the oldest runs first up to maxConcurrentRuns, counting runs already in progress", async () => {
    const { coordinator, launcher, instance } = await queue({ maxConcurrentRuns: 2 }, [{ name: "a" }, { name: "b" }, { name: "c" }]);
    const first = await coordinator.dequeue();
    expect(launcher.launched).toEqual(["a", "b"]);
    expect(first.waiting).toEqual([{ runId: expect.any(String), reason: "2 run(s) in progress, the limit (runQueue.maxConcurrentRuns) is 2" }]);
    expect((await instance.getRuns({ statuses: ["STARTING"] })).length).toBe(2);
    await coordinator.dequeue();
    expect(launcher.launched).toEqual(["a", "b"]);
    const [startedA] = await instance.getRuns({ tags: { name: "a" } });
    await instance.storeEvents([{ runId: startedA?.runId as string, timestamp: 0, eventType: "RUN_SUCCESS" }]);
    await coordinator.dequeue();
    expect(launcher.launched).toEqual(["a", "b", "c"]);
  });

  it("launches higher priority first (tessera/priority), then in queue order", async () => {
    const { coordinator, launcher } = await queue({ maxConcurrentRuns: -1 }, [
      { name: "low", "tessera/priority": "-1" },
      { name: "plain" },
      { name: "urgent", "tessera/priority": "5" },
      { name: "plain2" },
    ]);
    await coordinator.dequeue();
    expect(launcher.launched).toEqual(["urgent", "plain", "plain2", "low"]);
  });

  it("applies tag limits per tag, per value and per unique value, letting later runs past a blocked one", async () => {
    const { coordinator, launcher } = await queue(
      {
        maxConcurrentRuns: 10,
        tagConcurrencyLimits: [
          { key: "database", value: "warehouse", limit: 1 },
          { key: "customer", value: { applyLimitPerUniqueValue: true }, limit: 1 },
          { key: "heavy", limit: 2 },
        ],
      },
      [
        { name: "w1", database: "warehouse" },
        { name: "w2", database: "warehouse" },
        { name: "lake", database: "lake" },
        { name: "acme1", customer: "acme" },
        { name: "acme2", customer: "acme" },
        { name: "globex", customer: "globex" },
        { name: "h1", heavy: "x" },
        { name: "h2", heavy: "y" },
        { name: "h3", heavy: "z" },
      ],
    );
    const result = await coordinator.dequeue();
    expect(launcher.launched).toEqual(["w1", "lake", "acme1", "globex", "h1", "h2"]);
    expect(result.waiting.map((w) => w.reason)).toEqual([
      "1 run(s) with tag database=warehouse in progress, its limit is 1",
      "1 run(s) with tag customer=acme in progress, its limit is 1",
      "2 run(s) with tag heavy in progress, its limit is 2",
    ]);
  });

  it("fails a run whose launch throws, and goes on with the others", async () => {
    const clock = new ManualClock(0);
    const instance = Instance.ephemeral({ clock });
    const bad = await submitDefinitions(defs, "orders", { instance, tags: { name: "bad" } });
    await submitDefinitions(defs, "orders", { instance, tags: { name: "good" } });
    const launched: string[] = [];
    const coordinator = new QueuedRunCoordinator({
      instance,
      launcher: {
        async launch(run) {
          if (run.tags.name === "bad") throw new Error("no worker can take it");
          launched.push(run.tags.name as string);
        },
      },
    });
    expect((await coordinator.dequeue()).launched.length).toBe(1);
    expect(launched).toEqual(["good"]);
    expect(await instance.getRunById(bad.runId)).toMatchObject({ status: "FAILURE", failureReason: "The run could not be launched: no worker can take it" });
  });

  it("executes launched runs in process with the submitted config, partition and tags", async () => {
    const instance = Instance.ephemeral();
    const run = await submitDefinitions(defs, "*revenue", { instance, tags: { team: "finance" } });
    const launcher = new InProcessRunLauncher(defs, instance);
    await new QueuedRunCoordinator({ instance, launcher }).dequeue();
    await launcher.whenIdle();
    const finished = await instance.getRunById(run.runId);
    expect(finished).toMatchObject({ status: "SUCCESS", tags: { team: "finance" } });
    const types = (await instance.allLogs(run.runId)).map((e) => e.eventType);
    expect(types.slice(0, 5)).toEqual(["ASSET_MATERIALIZATION_PLANNED", "ASSET_MATERIALIZATION_PLANNED", "RUN_ENQUEUED", "RUN_STARTING", "RUN_START"]);
    expect(types.filter((t) => t === "ASSET_MATERIALIZATION_PLANNED").length).toBe(2);
    expect(types.filter((t) => t === "ASSET_MATERIALIZATION").length).toBe(2);
    expect(await instance.getRuns()).toHaveLength(1);
  });

  it("fails a queued run whose assets left the code location, naming them", async () => {
    const instance = Instance.ephemeral();
    const run = await submitDefinitions(defs, "*revenue", { instance });
    const changed = new Definitions({ assets: [orders] });
    const launcher = new InProcessRunLauncher(changed, instance);
    await new QueuedRunCoordinator({ instance, launcher }).dequeue();
    await launcher.whenIdle();
    const failed = await instance.getRunById(run.runId);
    expect(failed?.status).toBe("FAILURE");
    expect(failed?.failureReason).toMatch(/revenue/);
  });
});
