// Step-level fencing: a step running in a process of its own (multiprocess executor) or on a queue worker writes
// with the lease of whoever holds it. Once that lease is lost, the step's events are refused in the storing
// transaction and its value never reaches the IO manager, even while the run still looks STARTED.
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Instance, type Definitions, type EventRecord } from "@tessera/core";
import { RUN_WORKER_KEY_PREFIX, WORKER_LEASE_PREFIX, monitorRuns, startWorker } from "../src/execution/index.js";
import { stepReportKey } from "../src/execution/queue-executor/index.js";
import type { LeaseLostError } from "../src/core/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";
import { TempDirs, userProject } from "./support/user-project.js";
import { assertEveryRunEnded, assertNothingAfterEnd, assertStepsOnce, gateAndJournal, gatedChain, materializeStoppedInEnrich, waitFor } from "./chaos/chaos-support.js";

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

/** The pid of the process that noted `line` ("enrich start"). */
function pidOf(journal: string, line: string): number {
  const found = readFileSync(journal, "utf8").split("\n").find((l) => l.endsWith(` ${line}`));
  return Number(found?.split(" ")[0]);
}

/** A process that has exited (gone, or a zombie its stopped parent has not reaped). */
function processEnded(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}


const STEP_WRITES = new Set(["HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS", "STEP_FAILURE"]);
const writesOf = (logs: readonly EventRecord[], stepKey: string): string[] => logs.filter((e) => e.stepKey === stepKey && STEP_WRITES.has(e.eventType)).map((e) => e.eventType);

/**
 * `tessera materialize` with the multiprocess executor, its lease 1 s: stopped (SIGSTOP) while enrich's process waits
 * at the gate, until its lease has expired; then the gate opens. enrich's process finishes its compute, and may
 * write nothing: the run is still STARTED (nobody ran monitoring yet), only the lease says it is no longer its holder's.
 */
async function stepProcessOfStoppedHolder(home: string, sqliteFile?: string): Promise<void> {
  const { gate, journal } = gateAndJournal(home);
  const module = userProject(dirs, gatedChain(gate, journal, { executor: "multiprocessExecutor" }), "tessera-step-fencing-project-");
  const { child: parent, stderr, exit: parentExit } = await materializeStoppedInEnrich(home, module, journal, children, sqliteFile);

  const instance = Instance.fromHome({ home });
  try {
    const [run] = await instance.getRuns({});
    const runId = run?.runId as string;
    const holder = (await instance.storage.getKv([`${RUN_WORKER_KEY_PREFIX}${runId}`]))[`${RUN_WORKER_KEY_PREFIX}${runId}`] as string;
    await waitFor(async () => ((await instance.storage.getLease(`${WORKER_LEASE_PREFIX}${holder}`))?.expiresAt ?? 0) <= Date.now());
    const step = pidOf(journal, "enrich start");
    expect(step).not.toBe(parent.pid);
    rmSync(gate);
    await waitFor(() => processEnded(step));

    // The compute ran to its end in the step's process, and nothing of it was kept.
    expect(readFileSync(journal, "utf8")).toContain(`${step} enrich end`);
    expect(existsSync(join(home, "storage", "extract"))).toBe(true);
    expect(existsSync(join(home, "storage", "enrich"))).toBe(false);
    expect((await instance.getRunById(runId))?.status).toBe("STARTED");
    expect(writesOf(await instance.allLogs(runId), "enrich")).toEqual([]);
    expect(writesOf(await instance.allLogs(runId), "extract")).toEqual(["HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"]);

    // Monitoring ends the run; resumed, the holder finds its lease lost and exits, writing nothing.
    await waitFor(async () => {
      await monitorRuns({ instance });
      return (await instance.getRunById(runId))?.status === "FAILURE";
    });
    const ended = (await instance.allLogs(runId)).length;
    parent.kill("SIGCONT");
    expect(await parentExit).toBe(75);
    expect(stderr()).toMatch(/lost its lease worker:process:/);
    const logs = await instance.allLogs(runId);
    expect(logs.length).toBe(ended);
    expect(existsSync(join(home, "storage", "enrich"))).toBe(false);
    await assertEveryRunEnded(instance, await instance.getRuns({}));
    assertNothingAfterEnd(logs);
    assertStepsOnce(logs);
  } finally {
    await instance.close();
  }
}

describe("step-level fencing", () => {
  it("multiprocess, SQLite: a step process whose holder lost its lease writes neither events nor its value", { timeout: 120_000 }, async () => {
    const home = dirs.make("tessera-step-fencing-home-");
    writeFileSync(join(home, "tessera.yaml"), "runMonitoring:\n  runLeaseSeconds: 1\n");
    await stepProcessOfStoppedHolder(home, join(home, "tessera.db"));
  });

  describe.skipIf(!server.reachable)("PostgreSQL", () => {
    const schemas: string[] = [];
    afterEach(async () => {
      await Promise.all(schemas.splice(0).flatMap((s) => [dropSchema(server.url, s), dropSchema(server.url, `${s}_queue`)]));
    });

    function pgHome(prefix: string, extra = ""): string {
      const home = dirs.make(prefix);
      const schema = freshSchemaName();
      schemas.push(schema);
      writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n${extra}`);
      return home;
    }

    it("multiprocess: a step process whose holder lost its lease writes neither events nor its value", { timeout: 120_000 }, async () => {
      await stepProcessOfStoppedHolder(pgHome("tessera-step-fencing-pg-home-", "runMonitoring:\n  runLeaseSeconds: 1\n"));
    });

    it("queue worker: a step whose worker lost its lease mid-step stores no event, no value and no report", { timeout: 120_000 }, async () => {
      const home = pgHome("tessera-step-fencing-queue-home-");
      const { gate, journal } = gateAndJournal(home);
      const module = userProject(dirs, gatedChain(gate, journal, { executor: "queueExecutor" }), "tessera-step-fencing-queue-project-");
      const { defs } = (await import(module)) as { defs: Definitions };
      const instance = Instance.fromHome({ home });
      let lost: LeaseLostError | undefined;
      const finished: string[] = [];
      const worker = await startWorker({
        instance,
        defs,
        module,
        workerId: "w-fenced",
        heartbeatMs: 100,
        pollIntervalMs: 100,
        // Kept running once its lease is lost, so that its step goes on past it (as a worker resumed after a stop would).
        onLeaseLost: (error) => (lost = error),
        onStep: (event) => {
          if (event.status === "finished") finished.push(`${event.stepKey}: ${event.detail ?? ""}`);
        },
      });
      try {
        const running = defs.materialize("*", { instance, codeLocation: module, raiseOnError: false });
        await waitFor(() => readFileSync(journal, "utf8").includes("enrich start"));
        const [run] = await instance.getRuns({});
        const runId = run?.runId as string;
        // The worker's lease passes to another holder, in one write, as once it expired while the worker was stopped
        // or cut off (taken "later", past its expiry, so that no renewal of the worker's can come in between).
        const lease = `${WORKER_LEASE_PREFIX}w-fenced`;
        const taken = await instance.storage.acquireLease(lease, "someone-else", Date.now() + 3_600_000, 3_600_000, {});
        expect(taken.holder).toBe("someone-else");
        await waitFor(() => lost !== undefined);
        rmSync(gate);
        await waitFor(() => finished.some((f) => f.startsWith("enrich: ")));

        expect(readFileSync(journal, "utf8")).toContain("enrich end");
        expect(finished.find((f) => f.startsWith("enrich: "))).toMatch(/^enrich: not stored: Holder w-fenced lost its lease worker:w-fenced \(someone-else holds it now\)/);
        expect(existsSync(join(home, "storage", "extract"))).toBe(true);
        expect(existsSync(join(home, "storage", "enrich"))).toBe(false);
        expect(await instance.storage.getKv([stepReportKey(runId, "enrich", 0)])).toEqual({});
        const result = await running;
        expect(result.success).toBe(false);
        const logs = await instance.allLogs(runId);
        // The orchestrator failed the step, naming the worker; nothing of the worker's own attempt was stored.
        expect(logs.filter((e) => e.stepKey === "enrich" && e.eventType === "STEP_FAILURE").map((e) => e.message)).toEqual([
          expect.stringMatching(/Worker w-fenced stopped renewing its lease while running step "enrich" \(it holds no lease\)/),
        ]);
        expect(writesOf(logs, "enrich")).toEqual(["STEP_FAILURE"]);
        expect(writesOf(logs, "extract")).toEqual(["HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"]);
        await assertEveryRunEnded(instance, await instance.getRuns({}));
        assertNothingAfterEnd(logs);
        assertStepsOnce(logs);
      } finally {
        rmSync(gate, { force: true });
        await worker.stop();
        await instance.close();
      }
    });
  });
});
