// The daemon's run monitoring: each iteration fails the runs of workers that stopped renewing their lease.
import { describe, expect, it } from "vitest";
import { Daemon } from "../src/automation/daemon/index.js";
import { ManualClock } from "../src/core/index.js";
import { asset } from "../src/definitions/index.js";
import { Definitions } from "../src/code-location/index.js";
import { MAX_RETRIES_TAG, RUN_WORKER_KEY_PREFIX } from "../src/execution/index.js";
import { Instance } from "../src/instance/index.js";

describe("the daemon's run monitoring", () => {
  it("fails a run whose worker's lease expired and queues its retry; leaves a live worker's run alone", async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const instance = Instance.ephemeral({ clock });
    const defs = new Definitions({ assets: [asset("orders", () => [1])] });
    const orphan = await defs.submitRun("orders", { instance, tags: { [MAX_RETRIES_TAG]: "2" } });
    const healthy = await defs.submitRun("orders", { instance });
    for (const run of [orphan, healthy]) {
      await instance.storeEvents([{ runId: run.runId, timestamp: clock.now(), eventType: "RUN_STARTING" }, { runId: run.runId, timestamp: clock.now(), eventType: "RUN_START" }]);
    }
    await instance.storage.setKv({ [`${RUN_WORKER_KEY_PREFIX}${orphan.runId}`]: "gone", [`${RUN_WORKER_KEY_PREFIX}${healthy.runId}`]: "alive" });
    await instance.storage.acquireLease("worker:gone", "gone", clock.now(), 30_000);
    clock.advance(45_000);
    await instance.storage.acquireLease("worker:alive", "alive", clock.now(), 30_000);

    const daemon = new Daemon({ instance, defs, clock, runQueueLauncher: false });
    try {
      await daemon.runIteration();
      expect((await instance.getRunById(orphan.runId))?.status).toBe("FAILURE");
      expect((await instance.getRunById(orphan.runId))?.failureReason).toMatch(/^Worker gone stopped renewing its lease/);
      expect((await instance.getRunById(healthy.runId))?.status).toBe("STARTED");
      const [retry] = await instance.getRuns({ statuses: ["QUEUED"] });
      expect(retry).toMatchObject({ parentRunId: orphan.runId, tags: { "tessera/retry_number": "1" } });
    } finally {
      await daemon.close();
    }
  });

  it("is off with runStartTimeoutMs: false", async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const instance = Instance.ephemeral({ clock });
    const defs = new Definitions({ assets: [asset("orders", () => [1])] });
    const run = await defs.submitRun("orders", { instance });
    await instance.storeEvents([{ runId: run.runId, timestamp: clock.now(), eventType: "RUN_STARTING" }]);
    clock.advance(10 * 60_000);
    const daemon = new Daemon({ instance, defs, clock, runQueueLauncher: false, runStartTimeoutMs: false });
    try {
      await daemon.runIteration();
      expect((await instance.getRunById(run.runId))?.status).toBe("STARTING");
    } finally {
      await daemon.close();
    }
  });
});
