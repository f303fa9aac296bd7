// `tessera daemon status` says why each queued run waits; a run whose process is gone is ended first, so it never
// holds a place in the queue's limit.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Definitions, Instance, asset } from "@tessera/core";
import { RUN_WORKER_KEY_PREFIX } from "../src/execution/index.js";
import { holdRun } from "../src/execution/workers/run-holder.js";
import { tesseraInProcess } from "./support/cli.js";
import { TempDirs } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

describe("daemon status and the run queue", () => {
  it("lists the queued runs, why each waits, and does not count a dead run against maxConcurrentRuns", async () => {
    const home = dirs.make("tessera-queue-status-");
    writeFileSync(join(home, "tessera.yaml"), "runQueue:\n  maxConcurrentRuns: 1\n");
    const instance = Instance.fromHome({ home });
    const defs = new Definitions({ assets: [asset("a", () => 1)] });
    try {
      const dead = await defs.submitRun("a", { instance });
      await instance.storeEvents([{ runId: dead.runId, timestamp: Date.now(), eventType: "RUN_START" }]);
      // Its holder released the run without ending it: the process is gone.
      await instance.storage.setKv({ [`${RUN_WORKER_KEY_PREFIX}${dead.runId}`]: "process:elsewhere:1:dead" });
      const first = await defs.submitRun("a", { instance });
      const second = await defs.submitRun("a", { instance });

      const json = await tesseraInProcess(["daemon", "status", "--json"], home);
      expect(json.code).toBe(0);
      expect(json.stderr).toMatch(new RegExp(`Run ${dead.runId} ended`));
      const status = JSON.parse(json.stdout) as { queue: { launchNext: string[]; waiting: { runId: string; reason: string }[] } };
      expect(status.queue.launchNext).toEqual([first.runId]);
      expect(status.queue.waiting).toEqual([
        { runId: second.runId, reason: "1 run(s) in progress, the limit (runQueue.maxConcurrentRuns) is 1; and no daemon is running to launch it" },
      ]);
      expect((await instance.getRunById(dead.runId))?.status).toBe("FAILURE");

      // A live run holds its place: now both queued runs wait, and the text says so.
      const live = await defs.submitRun("a", { instance });
      await instance.storeEvents([{ runId: live.runId, timestamp: Date.now(), eventType: "RUN_START" }]);
      const hold = await holdRun(instance, live.runId);
      try {
        const text = await tesseraInProcess(["daemon", "status"], home);
        expect(text.stdout).toContain("Run queue: 2 queued runs");
        expect(text.stdout).toContain(`${first.runId}  waits: 1 run(s) in progress, the limit (runQueue.maxConcurrentRuns) is 1; and no daemon is running to launch it`);
      } finally {
        await hold.release();
      }
    } finally {
      await instance.close();
    }
  });
});
