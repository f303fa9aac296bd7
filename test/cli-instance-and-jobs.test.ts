// `tessera instance migrate` on an instance of an older schema, and `tessera job execute --config`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { SQLITE_MIGRATIONS } from "../src/storage/sqlite/migrations.js";
import { SqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import type {
  AssetDetailJson,
  AssetJson,
  BackfillJson,
  DaemonStatusJson,
  InstanceInfoJson,
  InstigatorJson,
  JobJson,
  PartitionsJson,
  RunDetailJson,
  RunJson,
} from "../src/cli/json-output.js";
import { tesseraInProcess as tessera } from "./support/cli.js";

const QUICKSTART = "examples/quickstart/defs.ts";


const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tessera-cli-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Turns an instance of the latest schema into one of the previous version: drops what the last migration created. */
function downgradeByOneSchemaVersion(path: string): void {
  const previousPath = join(tempDir(), "previous.db");
  new SqliteStorage(previousPath, { migrations: SQLITE_MIGRATIONS.slice(0, -1) }).close();
  const objects = (db: BetterSqlite3.Database): Map<string, string> =>
    new Map((db.prepare("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as { name: string; type: string }[]).map((r) => [r.name, r.type]));
  const previous = new BetterSqlite3(previousPath);
  const kept = objects(previous);
  previous.close();
  const db = new BetterSqlite3(path);
  for (const [name, type] of objects(db)) if (!kept.has(name) && type === "table") db.exec(`DROP TABLE "${name}"`);
  db.prepare("UPDATE tessera_meta SET value = ? WHERE key = 'schema_version'").run(String(SQLITE_MIGRATIONS.length - 1));
  db.close();
}

describe("tessera instance migrate", () => {
  it("upgrades an instance of the previous schema, keeping its runs, after other commands asked for it", async () => {
    const home = tempDir();
    const latest = SQLITE_MIGRATIONS.length;
    const path = join(home, "tessera.db");
    const current = new SqliteStorage(path);
    await current.addRun({ runId: "run-before-upgrade", jobName: "__asset_job", status: "SUCCESS", tags: {}, assetSelection: ["orders"], runConfig: {}, createTime: 1 });
    await current.close();
    downgradeByOneSchemaVersion(path);

    const refused = await tessera(["run", "list"], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*tessera\.db.*Run `tessera instance migrate` to upgrade it/s);

    const info = await tessera(["instance", "info"], home);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`schema +version ${latest - 1} \\(latest ${latest}\\) — run \`tessera .*instance migrate\``));

    const migrated = await tessera(["instance", "migrate"], home);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(new RegExp(`Migrated the instance at .*tessera\\.db from schema version ${latest - 1} to ${latest}\\.`));

    const listed = await tessera(["run", "list"], home);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("run-before-upgrade");
    expect((await tessera(["instance", "migrate"], home)).stdout).toMatch(new RegExp(`already at schema version ${latest}; nothing to do`));
  });
});

describe("tessera job execute --config", () => {
  it("runs the job with the given run config instead of the job's own, recording it on the run", async () => {
    const home = tempDir();
    const configFile = join(home, "run.yaml");
    writeFileSync(
      configFile,
      `ops:\n  daily_revenue:\n    config:\n      currency: USD\nresources:\n  reports:\n    config:\n      outputDir: ${JSON.stringify(home)}\n`,
    );
    const result = await tessera(["job", "execute", "finance_report", "-m", QUICKSTART, "--config", configFile], home);
    expect(result.code).toBe(0);
    const instance = Instance.fromHome({ home });
    const [run] = await instance.getRuns();
    await instance.close();
    expect(run?.jobName).toBe("finance_report");
    expect(run?.runConfig).toMatchObject({ ops: { daily_revenue: { config: { currency: "USD" } } } });
    expect(readFileSync(join(home, "daily_revenue.md"), "utf8")).toMatch(/USD/);
  });

  it("refuses a config value failing its schema with the config path, before any run is recorded", async () => {
    const home = tempDir();
    const bad = await tessera(["job", "execute", "finance_report", "-m", QUICKSTART, "--config", `{"ops": {"daily_revenue": {"config": {"minOrderAmount": -1}}}}`], home);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/at ops\.daily_revenue\.config\.minOrderAmount: /);
    const instance = Instance.fromHome({ home });
    expect(await instance.getRuns()).toEqual([]);
    await instance.close();
  });
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Runs `tessera ...args --json` in process and parses its stdout, which must be exactly one JSON document. */
async function tesseraJson<T>(args: readonly string[], home: string): Promise<T> {
  const result = await tessera([...args, "--json"], home);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(/\x1b\[/);
  expect(result.stdout.endsWith("}\n") || result.stdout.endsWith("]\n")).toBe(true);
  return JSON.parse(result.stdout) as T;
}

describe("--json on the list and show commands", () => {
  let home: string;
  let runId: string;
  beforeAll(async () => {
    home = tempDir();
    expect((await tessera(["materialize", "-m", QUICKSTART], home)).code).toBe(0);
    const instance = Instance.fromHome({ home });
    try {
      runId = ((await instance.getRuns())[0] as { runId: string }).runId;
      const backfill = { status: "COMPLETED_FAILED" as const, assetSelection: ["daily_sales"], partitionKeys: ["2026-11-01", "2026-11-02"], runIds: [runId], materializedPartitions: ["2026-11-01"], failedPartitions: ["2026-11-02"], tags: { team: "sales" } };
      await instance.storage.addBackfill({ ...backfill, backfillId: "1a2b3c4d", createTime: Date.UTC(2026, 10, 1), updateTime: Date.UTC(2026, 10, 2) });
      await instance.addDynamicPartitions("customers", ["acme", "globex"]);
    } finally {
      await instance.close();
    }
  });

  it("run list and run show (by id prefix) print runs with ISO times and the run's events", async () => {
    const runs = await tesseraJson<RunJson[]>(["run", "list"], home);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId, status: "SUCCESS", jobName: "__ASSET_JOB", partitionKey: null, backfillId: null, failureReason: null });
    expect(runs[0]?.createTime).toMatch(ISO);
    expect(runs[0]?.endTime).toMatch(ISO);
    expect(runs[0]?.assetSelection).toContain("clean_orders");
    expect(typeof runs[0]?.durationMs).toBe("number");
    expect(await tesseraJson<RunJson[]>(["run", "list", "--status", "FAILURE"], home)).toEqual([]);

    const run = await tesseraJson<RunDetailJson>(["run", "show", runId.slice(0, 8)], home);
    expect(run).toMatchObject({ runId, status: "SUCCESS" });
    expect(run.events[0]).toMatchObject({ eventType: expect.any(String), timestamp: expect.stringMatching(ISO), storageId: expect.any(Number) });
    const materialization = run.events.find((e) => e.eventType === "ASSET_MATERIALIZATION" && e.assetKey === "clean_orders");
    expect(materialization?.metadata?.rows_out).toEqual({ type: "int", value: 32 });
    expect(run.events.map((e) => e.eventType)).toContain("RUN_SUCCESS");
  });

  it("asset list and asset show print keys with their path, status, latest materialization, definition and checks", async () => {
    const assets = await tesseraJson<AssetJson[]>(["asset", "list", "-m", QUICKSTART], home);
    const clean = assets.find((a) => a.key === "clean_orders");
    expect(clean).toMatchObject({ key: "clean_orders", path: ["clean_orders"], defined: true, status: "FRESH", staleCategory: null, lastObservation: null });
    expect(clean?.lastMaterialization).toMatchObject({ runId, timestamp: expect.stringMatching(ISO), partition: null });
    expect(assets.map((a) => a.key)).toEqual([...assets.map((a) => a.key)].sort((a, b) => a.localeCompare(b)));

    const shown = await tesseraJson<AssetDetailJson>(["asset", "show", "clean_orders", "-m", QUICKSTART], home);
    expect(shown).toMatchObject({ key: "clean_orders", path: ["clean_orders"], status: "FRESH" });
    expect(shown.definition).toMatchObject({ kind: "computed", upstream: ["raw_orders"], status: "FRESH", staleCauses: [], partitions: null });
    expect(shown.checks).toContainEqual(expect.objectContaining({ name: "unique_order_ids", passed: true, runId }));
    expect(shown.lastMaterialization?.metadata?.rows_out).toEqual({ type: "int", value: 32 });
    // Without a code location: what the instance recorded.
    const recorded = await tesseraJson<AssetDetailJson>(["asset", "show", "clean_orders"], home);
    expect(recorded).toMatchObject({ defined: false, definition: null, status: null });
  });

  it("backfill list and backfill show (by id prefix) print the backfill record", async () => {
    const backfills = await tesseraJson<BackfillJson[]>(["backfill", "list"], home);
    expect(backfills).toEqual([
      {
        backfillId: "1a2b3c4d",
        status: "COMPLETED_FAILED",
        createTime: "2026-11-01T00:00:00.000Z",
        updateTime: "2026-11-02T00:00:00.000Z",
        assetSelection: ["daily_sales"],
        partitionKeys: ["2026-11-01", "2026-11-02"],
        runIds: [runId],
        materializedPartitions: ["2026-11-01"],
        failedPartitions: ["2026-11-02"],
        tags: { team: "sales" },
        fromFailureOf: null,
        error: null,
        assets: [{ assetKey: "daily_sales", partitioned: true, numTargeted: 2, numMaterialized: 1, numFailed: 1, numInProgress: 0 }],
      },
    ]);
    expect(await tesseraJson<BackfillJson>(["backfill", "show", "1a2b"], home)).toEqual(backfills[0]);
  });

  it("schedule list, sensor list and daemon status print instigators with their state and definition", async () => {
    const schedules = await tesseraJson<InstigatorJson[]>(["schedule", "list", "-m", QUICKSTART], home);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ type: "SCHEDULE", status: "STOPPED", defaultStatus: true, lastTick: null, jobNames: ["finance_report"], minimumIntervalSeconds: null });
    expect(schedules[0]?.cronSchedule).toEqual([expect.any(String)]);
    expect(schedules[0]?.nextTick).toMatch(ISO);
    const sensors = await tesseraJson<InstigatorJson[]>(["sensor", "list", "-m", QUICKSTART], home);
    expect(sensors.map((s) => s.type)).toEqual(sensors.map(() => "SENSOR"));
    expect(sensors.find((s) => s.jobNames.includes("finance_report"))).toMatchObject({ cronSchedule: null, nextTick: null, minimumIntervalSeconds: expect.any(Number) });

    const idle = await tesseraJson<DaemonStatusJson>(["daemon", "status"], home);
    expect(idle).toMatchObject({ now: expect.stringMatching(ISO), daemon: null, source: "instance", instigators: [] });
    const instance = Instance.fromHome({ home });
    try {
      const now = Date.now();
      await instance.storage.acquireLease("daemon", "host:123:abc", now, 60_000, { pid: 123, hostname: "host", heartbeat: now, loops: { scheduler: now } });
    } finally {
      await instance.close();
    }
    const running = await tesseraJson<DaemonStatusJson>(["daemon", "status", "-m", QUICKSTART], home);
    expect(running.source).toBe("codeLocation");
    expect(running.daemon).toMatchObject({ holder: "host:123:abc", pid: 123, hostname: "host", running: true, expiresAt: expect.stringMatching(ISO) });
    expect(running.daemon?.loops).toEqual({ scheduler: expect.stringMatching(ISO), sensors: null, automation: null, backfills: null, runQueue: null });
    expect(running.instigators.map((i) => i.name)).toEqual([...schedules, ...sensors].map((i) => i.name));
  });

  it("partitions list, instance info and job list print their documents", async () => {
    expect(await tesseraJson<PartitionsJson>(["partitions", "list", "customers"], home)).toEqual({ name: "customers", keys: ["acme", "globex"] });
    expect(await tesseraJson<PartitionsJson>(["partitions", "list", "nobody"], home)).toEqual({ name: "nobody", keys: [] });
    const info = await tesseraJson<InstanceInfoJson>(["instance", "info"], home);
    expect(info).toMatchObject({ home, settingsFile: null, storage: { backend: "sqlite", location: join(home, "tessera.db") }, codeLocations: [] });
    expect(info.schema).toEqual({ version: SQLITE_MIGRATIONS.length, latest: SQLITE_MIGRATIONS.length, upToDate: true });
    expect(info.counts?.runs).toBe(1);
    const jobs = await tesseraJson<JobJson[]>(["job", "list", "-m", QUICKSTART], home);
    expect(jobs).toEqual([{ name: "finance_report", description: expect.any(String), selection: expect.any(String), resolvedAtRunTime: false, assetKeys: expect.arrayContaining(["daily_revenue_report", "shop_export"]) }]);
  });

  it("still reports errors on stderr with exit code 1 and nothing on stdout", async () => {
    const result = await tessera(["run", "show", "no-such-run", "--json"], home);
    expect(result).toEqual({ code: 1, stdout: "", stderr: 'error: No run with id "no-such-run" in this instance. List runs with `tessera run list`.\n' });
  });
});

describe("run and backfill ids by unique prefix", () => {
  let home: string;
  beforeAll(async () => {
    home = tempDir();
    const instance = Instance.fromHome({ home });
    try {
      const ids = ["abcd", "abcd-0001", "bead1111-aaaa", "bead2222-bbbb", "cafe0000-1", ...Array.from({ length: 12 }, (_, i) => `f00d-${String(i).padStart(2, "0")}`)];
      for (const runId of ids) await instance.createRun({ runId, jobName: "__ASSET_JOB", tags: {}, assetSelection: ["orders"], runConfig: {} });
      const backfill = { status: "REQUESTED" as const, assetSelection: ["a"], partitionKeys: ["p"], runIds: [], materializedPartitions: [], failedPartitions: [], tags: {}, createTime: 1, updateTime: 1 };
      for (const backfillId of ["1a2b3c4d", "1a2b9999", "77aa0000"]) await instance.storage.addBackfill({ ...backfill, backfillId });
    } finally {
      await instance.close();
    }
  });

  it("resolves a unique prefix to its run, for run show and run cancel", async () => {
    expect((await tesseraJson<RunDetailJson>(["run", "show", "bead1"], home)).runId).toBe("bead1111-aaaa");
    const canceled = await tessera(["run", "cancel", "cafe"], home);
    expect(canceled).toMatchObject({ code: 0, stdout: "Run cafe0000-1 is canceled.\n" });
  });

  it("takes an exact id over the longer ids it is a prefix of", async () => {
    expect((await tesseraJson<RunDetailJson>(["run", "show", "abcd"], home)).runId).toBe("abcd");
    expect((await tesseraJson<RunDetailJson>(["run", "show", "abcd-"], home)).runId).toBe("abcd-0001");
  });

  it("refuses an ambiguous prefix, listing the candidates (at most 10, with how many more)", async () => {
    const two = await tessera(["run", "show", "bead"], home);
    expect(two).toEqual({ code: 1, stdout: "", stderr: 'error: Run id prefix "bead" matches 2 runs: bead1111-aaaa, bead2222-bbbb. Give more characters of the id.\n' });
    const many = await tessera(["run", "cancel", "f00d"], home);
    expect(many.code).toBe(1);
    expect(many.stderr).toBe(
      `error: Run id prefix "f00d" matches 12 runs: ${Array.from({ length: 10 }, (_, i) => `f00d-0${i}`).join(", ")} and 2 more. Give more characters of the id.\n`,
    );
    const backfill = await tessera(["backfill", "show", "1a2b"], home);
    expect(backfill.stderr).toBe('error: Backfill id prefix "1a2b" matches 2 backfills: 1a2b3c4d, 1a2b9999. Give more characters of the id.\n');
  });

  it("reports an unknown prefix as the not-found error naming it, and a too-short prefix as too short", async () => {
    expect(await tessera(["run", "show", "dead"], home)).toEqual({ code: 1, stdout: "", stderr: 'error: No run with id "dead" in this instance. List runs with `tessera run list`.\n' });
    expect((await tessera(["run", "reexecute", "dead", "-m", QUICKSTART], home)).stderr).toBe('error: No run with id "dead" in this instance. List runs with `tessera run list`.\n');
    expect((await tessera(["backfill", "cancel", "9999"], home)).stderr).toBe('error: No backfill with id "9999". List them with `tessera backfill list`.\n');
    const short = await tessera(["run", "show", "be"], home);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error: Run id prefix "be" is too short: give at least 4 characters, or the whole id/);
    expect((await tessera(["run", "show", "zz"], home)).stderr).toMatch(/No run with id "zz"/);
  });

  it("resolves backfill prefixes for backfill show and backfill cancel", async () => {
    expect((await tesseraJson<BackfillJson>(["backfill", "show", "77aa"], home)).backfillId).toBe("77aa0000");
    expect(await tessera(["backfill", "cancel", "1a2b3"], home)).toMatchObject({ code: 0, stdout: "Backfill 1a2b3c4d is CANCELED.\n" });
  });
});
