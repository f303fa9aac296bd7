// The daemon against a real SQLite file and the real PostgreSQL server, with time moved by hand: schedules,
// sensors, automation, failures, crash resume, the lease.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";
import { ManualClock } from "../src/core/index.js";
import { asset, defineAssetJob } from "../src/definitions/index.js";
import { Definitions } from "../src/code-location/index.js";
import { InProcessRunLauncher, resumeBackfill, submitBackfill } from "../src/execution/index.js";
import { materialize } from "../src/code-location/index.js";
import { Instance } from "../src/instance/index.js";
import { DynamicPartitionsDefinition, StaticPartitionsDefinition } from "../src/partitions/index.js";
import { AutomationConditionSensorDefinition } from "../src/automation/index.js";
import { AutomationCondition, AutomationTags, RunRequest, ScheduleDefinition, sensor, SensorResult, SkipReason } from "../src/definitions/index.js";
import {
  Daemon,
  inProcessDaemonLauncher,
  queuedDaemonLauncher,
  setInstigatorStatus,
  UnknownInstigatorError,
  type DaemonLogger,
  type DaemonRunLauncher,
} from "../src/automation/daemon/index.js";

const START = Date.UTC(2026, 0, 5, 10, 0, 30); // 10:00:30 UTC
const HOUR = 3_600_000;

const dirs: string[] = [];
const schemas: string[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await Promise.all(schemas.splice(0).map((s) => dropSchema(server.url, s)));
});

const server = await postgresForTests();
type StorageConfig = Parameters<typeof Instance.open>[0]["storage"];
const BACKENDS = [
  {
    name: "on a SQLite file",
    available: true,
    storage: (): StorageConfig => {
      const dir = mkdtempSync(join(tmpdir(), "tessera-daemon-"));
      dirs.push(dir);
      return { sqlite: { path: join(dir, "tessera.db") } };
    },
  },
  {
    name: "on PostgreSQL",
    available: server.reachable,
    storage: (): StorageConfig => {
      const schema = freshSchemaName();
      schemas.push(schema);
      return { postgres: { url: server.url, schema } };
    },
  },
];
let backend = BACKENDS[0] as (typeof BACKENDS)[number];

/** An instance on the backend under test, and a way to open the same storage again (another process would). */
function openInstance(clock: ManualClock): { instance: Instance; reopen: () => Instance } {
  const storage = backend.storage();
  const reopen = (): Instance => {
    const instance = Instance.open({ storage, clock });
    open.push(instance);
    return instance;
  };
  return { instance: reopen(), reopen };
}

function daemonFor(instance: Instance, defs: Definitions, clock: ManualClock, options: Partial<ConstructorParameters<typeof Daemon>[0]> = {}): Daemon {
  const daemon = new Daemon({ instance, defs, clock, holder: "d1", leaseTtlMs: 60_000, intervalMs: 5_000, ...options });
  open.push(daemon);
  return daemon;
}

function collectingLogger(): DaemonLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

const orders = asset({ name: "orders" }, () => 1);
const ordersJob = defineAssetJob({ name: "orders_job", selection: "orders" });

for (const candidate of BACKENDS) {
  describe.skipIf(!candidate.available)(`Daemon ${candidate.name}`, () => {
    beforeEach(() => {
      backend = candidate;
    });

    describe("Daemon: scheduler", () => {
      it("ticks a running schedule once per cron tick, and never for ticks before it started", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const hourly = new ScheduleDefinition({ name: "hourly", cronSchedule: "0 * * * *", job: ordersJob, defaultStatus: "RUNNING" });
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [hourly] });
        const daemon = daemonFor(instance, defs, clock);

        await daemon.runIteration(); // first sight: records the start, runs nothing from before
        expect(await instance.storage.getTicks("hourly")).toEqual([]);
        clock.advance(30 * 60_000); // 10:30
        await daemon.runIteration();
        expect(await instance.storage.getTicks("hourly")).toEqual([]);
        clock.set(Date.UTC(2026, 0, 5, 11, 0, 5));
        await daemon.runIteration();
        await daemon.runIteration(); // same time again: no second tick
        const ticks = await instance.storage.getTicks("hourly");
        expect(ticks.map((t) => [new Date(t.timestamp).toISOString(), t.status, t.runIds.length])).toEqual([["2026-01-05T11:00:00.000Z", "SUCCESS", 1]]);
        await daemon.close();
        const runs = await instance.getRuns();
        expect(runs.map((r) => [r.jobName, r.status, r.tags[AutomationTags.SCHEDULE_NAME], r.tags[AutomationTags.RUN_KEY]])).toEqual([
          ["orders_job", "SUCCESS", "hourly", "hourly:2026-01-05T11:00:00.000Z:0"],
        ]);
        expect(ticks[0]?.runIds).toEqual([runs[0]?.runId]);
      });

      it("catches up the ticks missed while the daemon was down, at most maxCatchupTicks of them", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const hourly = new ScheduleDefinition({ name: "hourly", cronSchedule: "0 * * * *", job: ordersJob, defaultStatus: "RUNNING" });
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [hourly] });
        const logger = collectingLogger();
        const daemon = daemonFor(instance, defs, clock, { maxCatchupTicks: 2, logger });
        await daemon.runIteration();
        clock.advance(4 * HOUR); // 11:00, 12:00, 13:00, 14:00 passed
        await daemon.runIteration();
        const ticks = await instance.storage.getTicks("hourly");
        expect(ticks.map((t) => new Date(t.timestamp).toISOString())).toEqual(["2026-01-05T14:00:00.000Z", "2026-01-05T13:00:00.000Z"]);
        expect(logger.lines.join("\n")).toMatch(/schedule hourly fell behind: skipping 2 missed tick\(s\), running the latest 2/);
      });

      it("does not tick a stopped schedule, and a started one ticks from its start", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const hourly = new ScheduleDefinition({ name: "hourly", cronSchedule: "0 * * * *", job: ordersJob });
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [hourly] });
        const daemon = daemonFor(instance, defs, clock);
        await daemon.runIteration();
        clock.advance(2 * HOUR); // 12:00:30; ticks at 11:00 and 12:00 passed while stopped (the default)
        await daemon.runIteration();
        expect(await instance.storage.getTicks("hourly")).toEqual([]);

        await setInstigatorStatus(instance, defs, "schedule", "hourly", "RUNNING");
        await daemon.runIteration();
        expect(await instance.storage.getTicks("hourly")).toEqual([]); // nothing from before the start
        clock.advance(HOUR);
        await daemon.runIteration();
        expect((await instance.storage.getTicks("hourly")).map((t) => new Date(t.timestamp).toISOString())).toEqual(["2026-01-05T13:00:00.000Z"]);

        await setInstigatorStatus(instance, defs, "schedule", "hourly", "STOPPED");
        clock.advance(HOUR);
        await daemon.runIteration();
        expect(await instance.storage.getTicks("hourly")).toHaveLength(1);
        await expect(setInstigatorStatus(instance, defs, "schedule", "hourlyy", "RUNNING")).rejects.toThrow(UnknownInstigatorError);
        await expect(setInstigatorStatus(instance, defs, "schedule", "hourlyy", "RUNNING")).rejects.toThrow(/Did you mean "hourly"\?.*tessera schedule list/);
      });

      it("records a throwing schedule's tick as FAILURE and still ticks the other schedules, then moves on to the next cron tick", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        let calls = 0;
        const flaky = new ScheduleDefinition({
          name: "flaky",
          cronSchedule: "0 * * * *",
          job: ordersJob,
          defaultStatus: "RUNNING",
          executionFn: () => {
            calls++;
            if (calls === 1) throw new Error("warehouse unreachable");
            return new RunRequest();
          },
        });
        const steady = new ScheduleDefinition({ name: "steady", cronSchedule: "0 * * * *", job: ordersJob, defaultStatus: "RUNNING" });
        const daemon = daemonFor(instance, new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [flaky, steady] }), clock);
        await daemon.runIteration();
        clock.advance(HOUR);
        await daemon.runIteration();
        const [failed] = await instance.storage.getTicks("flaky");
        expect([failed?.status, failed?.runIds]).toEqual(["FAILURE", []]);
        expect(failed?.error).toMatch(/warehouse unreachable/);
        expect((await instance.storage.getTicks("steady")).map((t) => t.status)).toEqual(["SUCCESS"]);
        clock.advance(HOUR);
        await daemon.runIteration();
        expect((await instance.storage.getTicks("flaky")).map((t) => t.status)).toEqual(["SUCCESS", "FAILURE"]);
      });

      it("records SKIPPED with the schedule's reason", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const quiet = new ScheduleDefinition({ name: "quiet", cronSchedule: "0 * * * *", job: ordersJob, defaultStatus: "RUNNING", executionFn: () => new SkipReason("holiday") });
        const daemon = daemonFor(instance, new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [quiet] }), clock);
        await daemon.runIteration();
        clock.advance(HOUR);
        await daemon.runIteration();
        expect((await instance.storage.getTicks("quiet")).map((t) => [t.status, t.skipReason])).toEqual([["SKIPPED", "holiday"]]);
      });
    });

    describe("Daemon: sensors", () => {
      it("carries the cursor from tick to tick and respects the minimum interval", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const seen: (string | undefined)[] = [];
        const counter = sensor({ name: "counter", job: ordersJob, minimumIntervalSeconds: 60, defaultStatus: "RUNNING" }, (ctx) => {
          seen.push(ctx.cursor);
          const next = Number(ctx.cursor ?? 0) + 1;
          return new SensorResult({ runRequests: next % 2 === 0 ? [new RunRequest({ runKey: `even-${next}` })] : [], cursor: String(next) });
        });
        const daemon = daemonFor(instance, new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [counter] }), clock);
        await daemon.runIteration(); // evaluated at once: cursor 1
        clock.advance(30_000);
        await daemon.runIteration(); // 30 s < 60 s: not evaluated
        clock.advance(30_000);
        await daemon.runIteration(); // cursor 2, one run
        expect(seen).toEqual([undefined, "1"]);
        const ticks = await instance.storage.getTicks("counter");
        expect(ticks.map((t) => [t.status, t.cursor, t.runKeys])).toEqual([
          ["SUCCESS", "2", ["even-2"]],
          ["SKIPPED", "1", []],
        ]);
        expect((await instance.storage.getInstigatorState("counter"))?.cursor).toBe("2");
      });

      it("records a throwing sensor's tick as FAILURE, keeps its cursor, and still ticks the others", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const broken = sensor({ name: "broken", job: ordersJob, defaultStatus: "RUNNING" }, () => {
          throw new Error("the bucket is gone");
        });
        const fine = sensor({ name: "fine", job: ordersJob, defaultStatus: "RUNNING" }, () => new RunRequest({ runKey: "k" }));
        const wrongShape = sensor({ name: "wrong_shape", job: ordersJob, defaultStatus: "RUNNING" }, () => ({ runKey: "x" }) as never);
        const daemon = daemonFor(instance, new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [broken, wrongShape, fine] }), clock);
        await daemon.runIteration();
        const [failed] = await instance.storage.getTicks("broken");
        expect(failed?.status).toBe("FAILURE");
        expect(failed?.error).toMatch(/the bucket is gone/);
        expect((await instance.storage.getTicks("wrong_shape"))[0]?.error).toMatch(/InvalidEvaluationResultError.*must return a RunRequest/s);
        expect((await instance.storage.getTicks("fine"))[0]?.status).toBe("SUCCESS");
        expect((await instance.storage.getInstigatorState("broken"))?.cursor).toBeUndefined();
      });

      it("applies a sensor's dynamic partitions requests before launching runs of the new partitions", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const files = new DynamicPartitionsDefinition({ name: "files" });
        const perFile = asset({ name: "per_file", partitionsDef: files }, (ctx) => ctx.partitionKey);
        const job = defineAssetJob({ name: "files_job", selection: "per_file" });
        const watcher = sensor({ name: "watcher", job, defaultStatus: "RUNNING" }, () =>
          new SensorResult({ runRequests: [new RunRequest({ partitionKey: "a.csv" })], dynamicPartitionsRequests: [files.buildAddRequest(["a.csv"])] }),
        );
        const daemon = daemonFor(instance, new Definitions({ assets: [perFile], jobs: [job], sensors: [watcher] }), clock);
        await daemon.runIteration();
        await daemon.waitForRuns();
        expect(await instance.getDynamicPartitions("files")).toEqual(["a.csv"]);
        expect((await instance.getRuns()).map((r) => [r.partitionKey, r.status])).toEqual([["a.csv", "SUCCESS"]]);
      });
    });

    describe("Daemon: automation", () => {
      it("the default automation sensor is stopped until turned on: it evaluates nothing and records no tick", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const parts = asset({ name: "parts", automationCondition: AutomationCondition.missing() }, () => 1);
        const daemon = daemonFor(instance, new Definitions({ assets: [parts] }), clock);
        expect(daemon.automationSensors.map((s) => [s.name, s.defaultStatus])).toEqual([["default_automation_condition_sensor", "STOPPED"]]);
        await daemon.runIteration();
        expect(await instance.storage.getTicks("default_automation_condition_sensor")).toEqual([]);
        expect(await instance.storage.getAutomationEvaluations("parts")).toEqual([]);
        await setInstigatorStatus(instance, new Definitions({ assets: [parts] }), "sensor", "default_automation_condition_sensor", "RUNNING");
        clock.advance(30_000);
        await daemon.runIteration();
        await daemon.waitForRuns();
        expect((await instance.getRuns()).map((r) => [r.assetSelection, r.status])).toEqual([[["parts"], "SUCCESS"]]);
      });

      it("the default automation sensor launches eager() runs once their deps are updated, and stores each evaluation", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const raw = asset({ name: "raw" }, () => 1);
        const report = asset({ name: "report", ins: { raw }, automationCondition: AutomationCondition.eager() }, (_ctx, { raw: r }) => r + 1);
        const defs = new Definitions({ assets: [raw, report] });
        await setInstigatorStatus(instance, defs, "sensor", "default_automation_condition_sensor", "RUNNING");
        const daemon = daemonFor(instance, defs, clock);
        expect(daemon.automationSensors.map((s) => s.name)).toEqual(["default_automation_condition_sensor"]);
        await daemon.runIteration(); // raw is missing: eager waits
        expect(await instance.getRuns()).toEqual([]);
        await materialize([raw], { instance });
        clock.advance(30_000);
        await daemon.runIteration();
        await daemon.waitForRuns();
        const runs = (await instance.getRuns()).filter((r) => r.tags[AutomationTags.SENSOR_NAME] === "default_automation_condition_sensor");
        expect(runs.map((r) => [r.assetSelection, r.status])).toEqual([[["report"], "SUCCESS"]]);
        const ticks = await instance.storage.getTicks("default_automation_condition_sensor");
        expect(ticks.map((t) => [t.status, t.evaluationId, t.requestedCount, t.runIds])).toEqual([
          ["SUCCESS", 2, 1, [runs[0]?.runId]],
          ["SKIPPED", 1, 0, []],
        ]);
        const evaluations = await instance.storage.getAutomationEvaluations("report");
        expect(evaluations.map((e) => [e.evaluationId, e.numRequested, e.sensorName])).toEqual([
          [2, 1, "default_automation_condition_sensor"],
          [1, 0, "default_automation_condition_sensor"],
        ]);
        clock.advance(30_000);
        await daemon.runIteration(); // report is up to date now: nothing more
        expect((await instance.storage.getTicks("default_automation_condition_sensor"))[0]?.status).toBe("SKIPPED");
      });
    });

    describe("Daemon: automation backfills and failing runs", () => {
      it("with emitBackfills, launches one backfill over the requested partitions, once", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const letters = new StaticPartitionsDefinition(["a", "b", "c"]);
        const parts = asset({ name: "parts", partitionsDef: letters, automationCondition: AutomationCondition.missing() }, (ctx) => ctx.partitionKey);
        const auto = new AutomationConditionSensorDefinition({ name: "auto", target: "*", defaultStatus: "RUNNING", runTags: { team: "data" } });
        const daemon = daemonFor(instance, new Definitions({ assets: [parts], sensors: [auto] }), clock);
        expect(daemon.automationSensors.map((s) => s.name)).toEqual(["auto"]);
        await daemon.runIteration();
        await daemon.waitForRuns();
        const backfills = await instance.getBackfills();
        expect(backfills.map((b) => [b.status, b.partitionKeys, b.tags[AutomationTags.RUN_KEY], b.tags.team])).toEqual([["COMPLETED", ["a", "b", "c"], expect.stringMatching(/^auto:1:backfill:[0-9a-f]{16}$/), "data"]]);
        const [tick] = await instance.storage.getTicks("auto");
        expect([tick?.status, tick?.runKeys, tick?.requestedCount]).toEqual(["SUCCESS", [backfills[0]?.tags[AutomationTags.RUN_KEY]], 3]);
        expect((await instance.getMaterializedPartitions("parts")).size).toBe(3);
      });

      it("with emitBackfills, launches assets partitioned differently, and the unpartitioned one joining them, as one backfill by asset", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const missing = AutomationCondition.missing();
        const letters = new StaticPartitionsDefinition(["a", "b", "c"]);
        const regions = new StaticPartitionsDefinition(["eu", "us"]);
        const parts = asset({ name: "parts", partitionsDef: letters, automationCondition: missing }, (ctx) => ctx.partitionKey);
        const byRegion = asset({ name: "by_region", partitionsDef: regions, automationCondition: missing }, (ctx) => ctx.partitionKey);
        // report joins the two: it reads every partition of both, which connects them into one backfill.
        const report = asset({ name: "report", deps: [parts, byRegion], automationCondition: missing }, () => 1);
        const auto = new AutomationConditionSensorDefinition({ name: "auto", target: "*", defaultStatus: "RUNNING" });
        const daemon = daemonFor(instance, new Definitions({ assets: [parts, byRegion, report], sensors: [auto] }), clock);
        await daemon.runIteration();
        await daemon.waitForRuns();
        const backfills = await instance.getBackfills();
        expect(backfills.map((b) => [b.status, b.assetSelection])).toEqual([["COMPLETED", ["parts", "by_region", "report"]]]);
        const [tick] = await instance.storage.getTicks("auto");
        expect([tick?.status, tick?.runKeys, tick?.requestedCount]).toEqual(["SUCCESS", [backfills[0]?.tags[AutomationTags.RUN_KEY]], 6]);
        expect((await instance.getMaterializedPartitions("parts")).size).toBe(3);
        expect((await instance.getMaterializedPartitions("by_region")).size).toBe(2);
        expect((await instance.getAssetRecords(["report"]))[0]?.lastMaterialization).toBeDefined();
      });

      it("a run whose asset throws fails that run, not the daemon; a run that cannot be launched fails its tick only", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const boom = asset({ name: "boom" }, () => {
          throw new Error("kaboom");
        });
        const boomJob = defineAssetJob({ name: "boom_job", selection: "boom" });
        const crashing = sensor({ name: "crashing", job: boomJob, defaultStatus: "RUNNING" }, () => new RunRequest({ runKey: "x" }));
        const badConfig = sensor({ name: "bad_config", job: ordersJob, defaultStatus: "RUNNING" }, () => new RunRequest({ runKey: "y", runConfig: { ops: { nope: { config: {} } } } }));
        const fine = sensor({ name: "fine", job: ordersJob, defaultStatus: "RUNNING" }, () => new RunRequest({ runKey: "z" }));
        const daemon = daemonFor(instance, new Definitions({ assets: [boom, orders], jobs: [boomJob, ordersJob], sensors: [crashing, badConfig, fine] }), clock);
        await daemon.runIteration();
        await daemon.waitForRuns();
        const byJob = Object.fromEntries((await instance.getRuns()).map((r) => [r.jobName, r.status]));
        expect(byJob).toEqual({ boom_job: "FAILURE", orders_job: "SUCCESS" });
        expect((await instance.storage.getTicks("crashing"))[0]?.status).toBe("SUCCESS");
        const [bad] = await instance.storage.getTicks("bad_config");
        expect(bad?.status).toBe("FAILURE");
        expect(bad?.error).toMatch(/nope/);
        expect((await instance.storage.getTicks("fine"))[0]?.status).toBe("SUCCESS");
      });
    });

    describe("Daemon: the run queue", () => {
      it("launches queued runs each iteration, and not with runQueueLauncher: false", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const defs = new Definitions({ assets: [orders] });
        const queued = await defs.submitRun("orders", { instance });
        expect(queued.status).toBe("QUEUED");
        const idle = daemonFor(instance, defs, clock, { holder: "idle", runQueueLauncher: false });
        expect((await idle.runIteration()).dequeued).toEqual([]);
        await idle.close();
        const daemon = daemonFor(instance, defs, clock, { holder: "d" });
        expect((await daemon.runIteration()).dequeued).toEqual([queued.runId]);
        await daemon.waitForRuns();
        expect((await instance.getRunById(queued.runId))?.status).toBe("SUCCESS");
        expect((await instance.storage.getLease("daemon"))?.info.loops).toMatchObject({ run_queue: START });
      });
    });

    describe("Daemon: requested runs go through the run queue", () => {
      it("a schedule tick's run is recorded QUEUED, with its instigator tags, and launched by the same iteration", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const hourly = new ScheduleDefinition({ name: "hourly", cronSchedule: "0 * * * *", job: ordersJob, defaultStatus: "RUNNING" });
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [hourly] });
        const inner = new InProcessRunLauncher(defs, instance);
        const seen: [string, string][] = [];
        const runQueueLauncher = { launch: (run: Parameters<InProcessRunLauncher["launch"]>[0]) => (seen.push([run.runId, run.status]), inner.launch(run)), whenIdle: () => inner.whenIdle() };
        const daemon = daemonFor(instance, defs, clock, { runQueueLauncher });
        await daemon.runIteration();
        clock.advance(HOUR);
        const iteration = await daemon.runIteration();
        await daemon.waitForRuns();
        const [tick] = iteration.ticks.scheduler;
        expect(tick?.runIds).toHaveLength(1);
        const runId = tick?.runIds[0] as string;
        expect(iteration.dequeued).toEqual([runId]);
        expect(seen).toEqual([[runId, "QUEUED"]]);
        const run = await instance.getRunById(runId);
        expect([run?.status, run?.jobName, run?.tags[AutomationTags.SCHEDULE_NAME], run?.tags[AutomationTags.RUN_KEY]]).toEqual(["SUCCESS", "orders_job", "hourly", expect.stringMatching(/^hourly:/)]);
        const events = (await instance.allLogs(runId)).map((e) => e.eventType);
        expect(events.indexOf("RUN_ENQUEUED")).toBeGreaterThanOrEqual(0);
        expect(events.indexOf("RUN_ENQUEUED")).toBeLessThan(events.indexOf("RUN_STARTING"));
      });

      it("with runQueue.maxConcurrentRuns 1, two runs a sensor requests launch one at a time over iterations", async () => {
        const clock = new ManualClock(START);
        const opened = openInstance(clock).instance;
        const instance = new Instance(opened.storage, { clock, settings: { runQueue: { maxConcurrentRuns: 1 } } });
        const pair = sensor({ name: "pair", job: ordersJob, minimumIntervalSeconds: 3_600, defaultStatus: "RUNNING" }, () => [new RunRequest({ runKey: "one" }), new RunRequest({ runKey: "two" })]);
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [pair] });
        const daemon = daemonFor(instance, defs, clock);
        const first = await daemon.runIteration();
        const runIds = first.ticks.sensors[0]?.runIds ?? [];
        expect(runIds).toHaveLength(2);
        expect(first.dequeued).toEqual([runIds[0]]);
        expect((await instance.getRunById(runIds[1] as string))?.status).toBe("QUEUED");
        await daemon.waitForRuns();
        clock.advance(5_000);
        const second = await daemon.runIteration();
        expect(second.ticks.sensors).toEqual([]); // not due again: only the queue moved
        expect(second.dequeued).toEqual([runIds[1]]);
        await daemon.waitForRuns();
        expect((await instance.getRuns({ statuses: ["SUCCESS"] })).map((r) => r.runId).sort()).toEqual([...runIds].sort());
      });

      it("inProcessDaemonLauncher still runs requests at once, past the queue", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const once = sensor({ name: "once", job: ordersJob, defaultStatus: "RUNNING" }, () => new RunRequest({ runKey: "k" }));
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [once] });
        const daemon = daemonFor(instance, defs, clock, { launcher: inProcessDaemonLauncher });
        const iteration = await daemon.runIteration();
        await daemon.waitForRuns();
        expect(iteration.dequeued).toEqual([]);
        const events = (await instance.allLogs(iteration.ticks.sensors[0]?.runIds[0] as string)).map((e) => e.eventType);
        expect(events).not.toContain("RUN_ENQUEUED");
        expect(queuedDaemonLauncher).not.toBe(inProcessDaemonLauncher);
      });
    });

    describe("Daemon: the backfills loop", () => {
      it("runs a REQUESTED backfill to the end, once, and nobody else can run it meanwhile", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const calls: string[] = [];
        let open_ = (): void => {};
        const gate = new Promise<void>((resolve) => (open_ = resolve));
        const letters = new StaticPartitionsDefinition(["a", "b", "c"]);
        const parts = asset({ name: "parts", partitionsDef: letters }, async (ctx) => {
          calls.push(ctx.partitionKey as string);
          await gate;
          return ctx.partitionKey;
        });
        const defs = new Definitions({ assets: [parts] });
        const requested = await submitBackfill(defs, { instance, allPartitions: true, tags: { team: "data" } });
        expect(requested.status).toBe("REQUESTED");
        expect(calls).toEqual([]);
        const daemon = daemonFor(instance, defs, clock);
        expect((await daemon.runIteration()).backfills).toEqual([requested.backfillId]);
        await waitFor(async () => calls.length === 1);
        expect((await instance.getBackfill(requested.backfillId))?.status).toBe("IN_PROGRESS");
        clock.advance(5_000);
        expect((await daemon.runIteration()).backfills).toEqual([]); // still running here: not started twice
        await expect(resumeBackfill(defs, { instance, backfillId: requested.backfillId, leaseHolder: "someone-else" })).rejects.toMatchObject({ code: "BACKFILL_IN_PROGRESS" });
        open_();
        await daemon.waitForRuns();
        const done = await instance.getBackfill(requested.backfillId);
        expect([done?.status, done?.materializedPartitions, done?.runIds.length]).toEqual(["COMPLETED", ["a", "b", "c"], 3]);
        expect(calls).toEqual(["a", "b", "c"]);
        const runs = await instance.getRuns({ tags: { "tessera/backfill": requested.backfillId } });
        expect(runs.every((r) => r.tags.team === "data")).toBe(true);
        expect(await instance.storage.getLease(`backfill:${requested.backfillId}`)).toBeUndefined();
        clock.advance(5_000);
        expect((await daemon.runIteration()).backfills).toEqual([]);
      });

      it("resumes a backfill whose process died mid-way (IN_PROGRESS, lease expired) for its remaining partitions only", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const calls: string[] = [];
        const letters = new StaticPartitionsDefinition(["a", "b", "c"]);
        const parts = asset({ name: "parts", partitionsDef: letters }, (ctx) => {
          calls.push(ctx.partitionKey as string);
          return ctx.partitionKey;
        });
        const defs = new Definitions({ assets: [parts] });
        // A process ran partition a of backfill "dead0001", then died holding the backfill's lease.
        const first = await materialize([parts], { instance, partitionKey: "a", tags: { "tessera/backfill": "dead0001" } });
        await instance.storage.addBackfill({
          backfillId: "dead0001",
          status: "IN_PROGRESS",
          createTime: START,
          updateTime: START,
          assetSelection: ["parts"],
          partitionKeys: ["a", "b", "c"],
          runIds: [first.runId],
          materializedPartitions: ["a"],
          failedPartitions: [],
          tags: {},
        });
        await instance.storage.acquireLease("backfill:dead0001", "dead-process", START, 60_000);
        calls.length = 0;
        const daemon = daemonFor(instance, defs, clock);
        expect((await daemon.runIteration()).backfills).toEqual([]); // its lease still looks alive
        clock.advance(61_000);
        expect((await daemon.runIteration()).backfills).toEqual(["dead0001"]);
        await daemon.waitForRuns();
        expect(calls).toEqual(["b", "c"]);
        const done = await instance.getBackfill("dead0001");
        expect([done?.status, done?.materializedPartitions, done?.runIds.length, done?.runIds[0]]).toEqual(["COMPLETED", ["a", "b", "c"], 3, first.runId]);
      });
    });

    describe("Daemon: idempotent resume", () => {
      it("a daemon killed after launching the first run of a tick resumes it without launching that run again", async () => {
        const clock = new ManualClock(START);
        const { instance, reopen } = openInstance(clock);
        const twice = new ScheduleDefinition({
          name: "twice",
          cronSchedule: "0 * * * *",
          job: ordersJob,
          defaultStatus: "RUNNING",
          executionFn: () => [new RunRequest({ tags: { n: "1" } }), new RunRequest({ tags: { n: "2" } })].map((r, i) => r.with({ runKey: `part-${i}` })),
        });
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [twice] });
        // The first daemon "dies" right after its first run is recorded: its second launch never returns.
        let launches = 0;
        const dying: DaemonRunLauncher = {
          async launch(request, ctx) {
            launches++;
            if (launches > 1) return new Promise(() => {});
            return inProcessDaemonLauncher.launch(request, ctx);
          },
        };
        const first = new Daemon({ instance, defs, clock, holder: "first", launcher: dying });
        await first.runIteration();
        clock.advance(HOUR);
        void first.runIteration(); // never finishes
        await waitFor(async () => (await instance.getRuns()).length === 1 && launches === 2);
        expect((await instance.storage.getTicks("twice"))[0]?.status).toBe("STARTED");

        // A new process on the same file takes over once the dead daemon's lease expires.
        const again = reopen();
        const second = daemonFor(again, defs, clock, { holder: "second" });
        expect((await second.runIteration()).ran).toBe(false);
        clock.advance(61_000);
        const iteration = await second.runIteration();
        expect(iteration.ran).toBe(true);
        await second.close();
        const ticks = await again.storage.getTicks("twice");
        expect(ticks.map((t) => [t.status, t.runKeys])).toEqual([["SUCCESS", ["part-0", "part-1"]]]);
        const runs = await again.getRuns();
        expect(runs.map((r) => r.tags.n).sort()).toEqual(["1", "2"]);
        expect(ticks[0]?.runIds.slice().sort()).toEqual(runs.map((r) => r.runId).sort());
      });
    });

    describe("Daemon: idempotent automation resume", () => {
      it("an automation tick resumed after a crash re-evaluates with the same evaluation id and launches only the missing runs", async () => {
        const clock = new ManualClock(START);
        const { instance, reopen } = openInstance(clock);
        const single = asset({ name: "single", automationCondition: AutomationCondition.missing() }, () => 1);
        const letters = new StaticPartitionsDefinition(["x", "y"]);
        const lettered = asset({ name: "lettered", partitionsDef: letters, automationCondition: AutomationCondition.missing() }, (ctx) => ctx.partitionKey);
        const auto = new AutomationConditionSensorDefinition({ name: "auto", target: "*", defaultStatus: "RUNNING", emitBackfills: false });
        const defs = new Definitions({ assets: [single, lettered], sensors: [auto] });
        let launches = 0;
        const dying: DaemonRunLauncher = {
          async launch(request, ctx) {
            launches++;
            if (launches > 1) return new Promise(() => {});
            return inProcessDaemonLauncher.launch(request, ctx);
          },
        };
        void new Daemon({ instance, defs, clock, holder: "first", launcher: dying }).runIteration();
        await waitFor(async () => (await instance.getRuns()).length === 1 && launches === 2);
        const [started] = await instance.storage.getTicks("auto");
        expect([started?.status, started?.evaluationId, started?.runKeys.length]).toEqual(["STARTED", 1, 1]); // the hung second launch never recorded its key

        clock.advance(61_000);
        const again = reopen();
        const second = daemonFor(again, defs, clock, { holder: "second" });
        await second.runIteration();
        await second.waitForRuns();
        const runs = await again.getRuns();
        expect(runs.map((r) => `${r.assetSelection.join(",")}${r.partitionKey ? `[${r.partitionKey}]` : ""}`).sort()).toEqual(["lettered[x]", "lettered[y]", "single"]);
        const ticks = await again.storage.getTicks("auto");
        expect(ticks.map((t) => [t.status, t.evaluationId, t.runKeys.length, t.runIds.length])).toEqual([["SUCCESS", 1, 3, 3]]);
        expect((await again.storage.getInstigatorState("auto"))?.cursor).toMatch(/"evaluationId":1/);
      });
    });

    describe("Daemon: abandoned ticks", () => {
      it("a tick left STARTED that is no longer due is closed as FAILURE, saying why, and the due ticks run", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const hourly = new ScheduleDefinition({ name: "hourly", cronSchedule: "0 * * * *", job: ordersJob, defaultStatus: "RUNNING" });
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [hourly] });
        const hanging: DaemonRunLauncher = { launch: () => new Promise(() => {}) };
        const first = new Daemon({ instance, defs, clock, holder: "first", launcher: hanging });
        await first.runIteration();
        clock.advance(HOUR);
        void first.runIteration(); // dies during the 11:00 tick
        await waitFor(async () => (await instance.storage.getTicks("hourly"))[0]?.status === "STARTED");
        clock.advance(5 * HOUR); // 16:00:30; with maxCatchupTicks 2, only 15:00 and 16:00 are due
        const second = daemonFor(instance, defs, clock, { holder: "second", maxCatchupTicks: 2 });
        await second.runIteration();
        const ticks = await instance.storage.getTicks("hourly");
        expect(ticks.map((t) => [new Date(t.timestamp).toISOString().slice(11, 16), t.status])).toEqual([
          ["16:00", "SUCCESS"],
          ["15:00", "SUCCESS"],
          ["11:00", "FAILURE"],
        ]);
        expect(ticks[2]?.error).toMatch(/daemon stopped during this tick and it is no longer due/);
      });
    });

    describe("Daemon: the lease", () => {
      it("a second daemon waits while the first holds the lease, says so once, and takes over after expiry", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const counter = sensor({ name: "ping", job: ordersJob, minimumIntervalSeconds: 1, defaultStatus: "RUNNING" }, () => new SkipReason("nothing"));
        const defs = new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [counter] });
        const one = daemonFor(instance, defs, clock, { holder: "one" });
        const logger = collectingLogger();
        const two = daemonFor(instance, defs, clock, { holder: "two", logger });
        expect((await one.runIteration()).ran).toBe(true);
        clock.advance(5_000);
        expect((await two.runIteration()).ran).toBe(false);
        expect((await two.runIteration()).ran).toBe(false);
        expect(logger.lines.filter((l) => l.startsWith("waiting:"))).toEqual([
          `waiting: daemon one (pid ${process.pid}, host ${(await import("node:os")).hostname()}) holds the lease until ${new Date(START + 60_000).toISOString()}`,
        ]);
        expect(await instance.storage.getTicks("ping")).toHaveLength(1);
        clock.advance(60_000); // one stopped renewing
        expect((await two.runIteration()).ran).toBe(true);
        expect(await instance.storage.getTicks("ping")).toHaveLength(2);
        expect((await instance.storage.getLease("daemon"))?.holder).toBe("two");
        await two.close();
        expect(await instance.storage.getLease("daemon")).toBeUndefined();
      });

      it("renews the lease during a slow iteration, and stops ticking once another daemon has taken it", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const slow = sensor({ name: "a_slow", job: ordersJob, defaultStatus: "RUNNING" }, () => {
          clock.advance(30_000);
          return new SkipReason("slow");
        });
        let leaseSeenByB: number | undefined;
        const stalled = sensor({ name: "b_stalled", job: ordersJob, defaultStatus: "RUNNING" }, async () => {
          leaseSeenByB = (await instance.storage.getLease("daemon"))?.expiresAt;
          clock.advance(61_000); // past the lease: another daemon takes it meanwhile
          await instance.storage.acquireLease("daemon", "other", clock.now(), 60_000, {});
          return new SkipReason("stalled");
        });
        const last = sensor({ name: "c_last", job: ordersJob, defaultStatus: "RUNNING" }, () => new SkipReason("fine"));
        const logger = collectingLogger();
        const daemon = daemonFor(instance, new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [slow, stalled, last] }), clock, { logger });
        const iteration = await daemon.runIteration();
        // a_slow took 30 s, so the lease was renewed before b_stalled; after b_stalled, "other" holds it.
        expect(leaseSeenByB).toBe(START + 30_000 + 60_000);
        expect((await instance.storage.getTicks("b_stalled")).map((t) => t.status)).toEqual(["SKIPPED"]);
        expect(await instance.storage.getTicks("c_last")).toEqual([]);
        expect(iteration.lease.holder).toBe("other");
        expect(logger.lines.join("\n")).toMatch(/lost the lease to daemon other .*stopping before sensor c_last/);
      });

      it("run() iterates every intervalMs on the clock until aborted, then waits for its runs and releases the lease", async () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        const every = sensor({ name: "every", job: ordersJob, minimumIntervalSeconds: 5, defaultStatus: "RUNNING" }, () => new RunRequest());
        const daemon = daemonFor(instance, new Definitions({ assets: [orders], jobs: [ordersJob], sensors: [every] }), clock);
        const controller = new AbortController();
        const running = daemon.run({ signal: controller.signal });
        await waitFor(async () => clock.pendingSleeps === 1);
        expect(await instance.storage.getTicks("every")).toHaveLength(1);
        clock.advance(5_000);
        await waitFor(async () => (await instance.storage.getTicks("every")).length === 2 && clock.pendingSleeps === 1);
        controller.abort();
        await running;
        expect((await instance.getRuns()).map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS"]);
        expect(await instance.storage.getLease("daemon")).toBeUndefined();
      });

      it("rejects a lease shorter than an iteration", () => {
        const clock = new ManualClock(START);
        const { instance } = openInstance(clock);
        expect(() => new Daemon({ instance, defs: new Definitions({ assets: [orders] }), clock, leaseTtlMs: 1_000, intervalMs: 5_000 })).toThrow(/leaseTtlMs \(1000 ms\) must be longer than intervalMs/);
      });
    });
  });
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition never became true");
}
