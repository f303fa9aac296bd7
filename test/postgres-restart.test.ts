// PostgreSQL restarted while a worker runs a run: the storage waits for the server, the worker's queue
// reconnects, and the run finishes (or fails with a clear error); nothing recorded before is lost.
// It restarts the machine's own server, so it runs alone: .ci/run runs it after the suite with
// TESSERA_TEST_PG_RESTART=1; `npm test` skips it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Definitions, Instance, QueuedRunCoordinator, asset } from "@tessera/core";
import { WorkerRunLauncher, startWorker } from "../src/execution/index.js";
import { dropSchema, freshSchemaName, postgresForTests, probePostgres } from "./support/postgres.js";

const enabled = process.env.TESSERA_TEST_PG_RESTART === "1";
const server = enabled ? await postgresForTests() : undefined;
if (!enabled) console.warn("PostgreSQL restart test SKIPPED: it restarts the machine's server, so it runs alone (TESSERA_TEST_PG_RESTART=1, as .ci/run does).");

function restartPostgres(): void {
  const [version] = readdirSync("/etc/postgresql");
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", "-m", "fast", version as string, "main", "restart"], { stdio: "ignore" });
}

const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const steps = ["s1", "s2", "s3", "s4", "s5", "s6"];
const assets = steps.map((name, i) => asset({ name, deps: i === 0 ? [] : [steps[i - 1] as string] }, async () => {
  await slow(400);
  return i;
}));
const defs = new Definitions({ assets });

describe.skipIf(!enabled || !server?.reachable)("PostgreSQL restarted during a run", () => {
  it("a worker's run finishes after the restart, with every event written before it still there", async () => {
    const url = server?.url as string;
    const schema = freshSchemaName();
    const home = mkdtempSync(join(tmpdir(), "tessera-pg-restart-"));
    writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${url}\n    schema: ${schema}\n`);
    const instance = Instance.fromHome({ home });
    const worker = await startWorker({ instance, defs, workerId: "survivor", pollIntervalMs: 200, heartbeatMs: 500, leaseTtlMs: 30_000 });
    const launcher = new WorkerRunLauncher(instance);
    try {
      const run = await defs.submitRun("*", { instance });
      await new QueuedRunCoordinator({ instance, launcher }).dequeue();
      let before = 0;
      for (;;) {
        const logs = await instance.allLogs(run.runId);
        if (logs.some((e) => e.eventType === "STEP_SUCCESS" && e.stepKey === "s2")) {
          before = logs.length;
          break;
        }
        await slow(50);
      }
      restartPostgres();
      expect((await probePostgres()).reachable).toBe(true);

      let finished;
      for (let i = 0; i < 600; i++) {
        finished = await instance.getRunById(run.runId);
        if (finished && ["SUCCESS", "FAILURE"].includes(finished.status)) break;
        await slow(100);
      }
      const logs = await instance.allLogs(run.runId);
      // A run may fail only with a clear error naming the restart; a step's own reads wait for the server.
      const stepFailures = logs.filter((e) => e.eventType === "STEP_FAILURE").map((e) => `${e.stepKey}: ${String((e as { message?: unknown }).message ?? "")}`);
      expect(stepFailures).toEqual([]);
      expect(finished?.status === "SUCCESS" || /PostgreSQL/.test(finished?.failureReason ?? ""), `run ${finished?.status}: ${finished?.failureReason}`).toBe(true);
      expect(logs.length).toBeGreaterThanOrEqual(before);
      for (const step of steps) expect(logs.filter((e) => e.eventType === "STEP_START" && e.stepKey === step).length).toBeLessThanOrEqual(1);
      if (finished?.status === "SUCCESS") expect(logs.filter((e) => e.eventType === "ASSET_MATERIALIZATION").map((e) => e.stepKey)).toEqual(steps);
      console.log(`run ${finished?.status}${finished?.failureReason ? `: ${finished.failureReason}` : ""}; ${before} events before the restart, ${logs.length} after`);
    } finally {
      await worker.stop();
      await launcher.close();
      await instance.close();
      await dropSchema(url, schema);
      await dropSchema(url, `${schema}_queue`);
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
