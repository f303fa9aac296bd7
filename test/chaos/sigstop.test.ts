// Chaos: a holder stopped (SIGSTOP) past its lease while it runs a step. Run monitoring ends its run; once resumed,
// the holder finds its lease lost, writes nothing more and exits, so nothing is stored after the run's end, the run
// keeps its status, and the step runs once in the re-execution (never in two holders at once). SQLite (a
// `tessera materialize` process) and PostgreSQL (a `tessera worker`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Instance, QueuedRunCoordinator, type Definitions, type EventRecord } from "@tessera/core";
import { RUN_WORKER_KEY_PREFIX, WorkerRunLauncher, monitorRuns } from "../../src/execution/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../support/postgres.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";
import { assertEveryRunEnded, assertNothingAfterEnd, assertStepsOnce, exited, gateAndJournal, gatedChain, materializeStoppedInEnrich, waitFor } from "./chaos-support.js";

const server = await postgresForTests();
const dirs = new TempDirs();
const children: ChildProcess[] = [];
afterAll(() => dirs.removeAll());
afterEach(() => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill("SIGCONT");
      c.kill("SIGKILL");
    }
  }
});

/** The steps whose compute the process `pid` finished (its "end" lines in the journal). */
function finishedBy(journal: string, pid: number | undefined): string[] {
  return readFileSync(journal, "utf8").trim().split("\n").filter((line) => line.startsWith(`${pid} `) && line.endsWith(" end")).map((line) => line.split(" ")[1] as string);
}


describe("chaos: a holder SIGSTOPped past its lease", () => {
  it("SQLite: the materialize process is failed while stopped, writes nothing once resumed and exits; the step then runs once", { timeout: 90_000 }, async () => {
    const home = dirs.make("tessera-chaos-stop-home-");
    writeFileSync(join(home, "tessera.yaml"), "runMonitoring:\n  runLeaseSeconds: 1\n");
    const { gate, journal } = gateAndJournal(home);
    const module = userProject(dirs, gatedChain(gate, journal, { publish: true }), "tessera-chaos-stop-project-");
    // The stop lands while the process certainly holds the run mid-step.
    const { child, stderr, exit: done } = await materializeStoppedInEnrich(home, module, journal, children, join(home, "tessera.db"));

    const instance = Instance.fromHome({ home });
    try {
      const [run] = await instance.getRuns({});
      const runId = run?.runId as string;
      await waitFor(async () => {
        await monitorRuns({ instance });
        return (await instance.getRunById(runId))?.status === "FAILURE";
      });
      expect((await instance.getRunById(runId))?.failureReason).toMatch(/is alive but stopped renewing its lease/);
      const ended = (await instance.allLogs(runId)).length;

      child.kill("SIGCONT");
      expect(await done).toBe(75);
      expect(stderr()).toMatch(/lost its lease worker:process:/);
      rmSync(gate);
      const after = await instance.allLogs(runId);
      expect(after.length).toBe(ended);
      expect((await instance.getRunById(runId))?.status).toBe("FAILURE");

      const again = spawn(process.execPath, [TESSERA_BIN, "--home", home, "run", "reexecute", runId, "--from-failure", "-m", module], { stdio: "ignore" });
      children.push(again);
      expect(await exited(again)).toBe(0);
      const runs = await instance.getRuns({});
      const retry = runs.find((r) => r.parentRunId === runId);
      expect(retry?.status).toBe("SUCCESS");
      await assertEveryRunEnded(instance, runs);
      for (const r of runs) {
        assertNothingAfterEnd(await instance.allLogs(r.runId));
        assertStepsOnce(await instance.allLogs(r.runId));
      }
      // The stopped process never finished enrich: resumed, it exited instead of computing beside the re-execution.
      expect(finishedBy(journal, child.pid)).toEqual(["extract"]);
      // enrich started in the stopped process, and once more, in the re-execution only.
      expect(readFileSync(journal, "utf8").match(/enrich start/g)?.length).toBe(2);
    } finally {
      await instance.close();
    }
  });

  describe.skipIf(!server.reachable)("PostgreSQL", () => {
    const schemas: string[] = [];
    afterEach(async () => {
      await Promise.all(schemas.splice(0).flatMap((s) => [dropSchema(server.url, s), dropSchema(server.url, `${s}_queue`)]));
    });

    function startWorker(home: string, module: string, id: string): { process: ChildProcess; ready: Promise<void>; output: () => string } {
      const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "worker", "-m", module, "--id", id, "--concurrency", "2", "--heartbeat-ms", "200", "--lease-ttl-ms", "1500"], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      let out = "";
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk;
          if (out.includes("is taking runs")) resolve();
        });
        child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
        child.on("exit", (code) => reject(new Error(`worker ${id} exited (${code}) before it was ready: ${out}`)));
      });
      return { process: child, ready, output: () => out };
    }

    it("a worker: its runs are failed and retried elsewhere while it is stopped; resumed, it writes nothing and exits; no step runs twice", { timeout: 120_000 }, async () => {
      const home = dirs.make("tessera-chaos-stop-pg-home-");
      const schema = freshSchemaName();
      schemas.push(schema);
      writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n`);
      const { gate, journal } = gateAndJournal(home);
      const module = userProject(dirs, gatedChain(gate, journal, { publish: true }), "tessera-chaos-stop-pg-project-");
      const { defs } = (await import(module)) as { defs: Definitions };
      const instance = Instance.fromHome({ home });
      const launcher = new WorkerRunLauncher(instance);
      try {
        const w1 = startWorker(home, module, "w1");
        await w1.ready;
        const coordinator = new QueuedRunCoordinator({ instance, launcher, settings: { maxConcurrentRuns: 2 } });
        const runIds: string[] = [];
        for (let i = 0; i < 2; i++) runIds.push((await defs.submitRun("*", { instance, tags: { "tessera/max_retries": "1" } })).runId);
        await waitFor(async () => {
          await coordinator.dequeue();
          return readFileSync(journal, "utf8").match(/enrich start/g)?.length === 2;
        });
        const holders = await instance.storage.getKv(runIds.map((id) => `${RUN_WORKER_KEY_PREFIX}${id}`));
        expect(Object.values(holders)).toEqual(["w1", "w1"]);
        w1.process.kill("SIGSTOP");
        const w1Exit = exited(w1.process);

        // Monitoring fails both runs once w1's lease expires, and queues their retries; w2 takes them.
        await waitFor(async () => {
          await monitorRuns({ instance, defs });
          const runs = await instance.storage.getRuns({ runIds });
          return runs.every((r) => r.status === "FAILURE");
        });
        const endedAt = new Map<string, number>();
        for (const id of runIds) endedAt.set(id, (await instance.allLogs(id)).length);
        const w2 = startWorker(home, module, "w2");
        await w2.ready;
        w1.process.kill("SIGCONT");
        expect(await w1Exit).toBe(75);
        expect(w1.output()).toMatch(/Holder w1 lost its lease worker:w1 \((it expired|not renewed for)/);
        // Only now may enrich go on: had w1 kept its steps, they would finish now, beside w2's.
        rmSync(gate);
        let all: Awaited<ReturnType<typeof instance.getRuns>> = [];
        await waitFor(async () => {
          await coordinator.dequeue();
          await monitorRuns({ instance, defs });
          all = await instance.getRuns({});
          return all.length === 4 && all.every((r) => ["SUCCESS", "FAILURE", "CANCELED"].includes(r.status));
        });
        for (const id of runIds) {
          expect((await instance.getRunById(id))?.status).toBe("FAILURE");
          expect((await instance.allLogs(id)).length).toBe(endedAt.get(id));
        }
        expect(all.filter((r) => r.parentRunId !== undefined).map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS"]);
        await assertEveryRunEnded(instance, all);
        for (const r of all) {
          const logs: EventRecord[] = await instance.allLogs(r.runId);
          assertNothingAfterEnd(logs);
          assertStepsOnce(logs);
        }
        expect(finishedBy(journal, w1.process.pid)).toEqual(["extract", "extract"]);
        expect(existsSync(gate)).toBe(false);
        w2.process.kill("SIGTERM");
      } finally {
        await launcher.close();
        await instance.close();
      }
    });
  });
});
