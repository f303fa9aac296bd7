// CLI behaviours the reference's users rely on (issue 12): partitions of any asset, refusals up front with the fix.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import type { PartitionsJson } from "../src/cli/json-output.js";
import { tesseraInProcess as tessera } from "./support/cli.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dirs: string[] = [];
function tempDir(prefix = "tessera-cli-gaps-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const DEFS = `
import { AutomationCondition, BackfillPolicy, DailyPartitionsDefinition, Definitions, DynamicPartitionsDefinition, ScheduleDefinition, StaticPartitionsDefinition, asset, defineAssetJob } from "@tessera/core";
const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-04" });
const customers = new DynamicPartitionsDefinition({ name: "customers" });
export const sales = asset({ name: "sales", partitionsDef: daily }, () => 1);
export const bulk = asset({ name: "bulk", partitionsDef: daily, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) => Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1])));
export const regions = asset({ name: "regions", partitionsDef: new StaticPartitionsDefinition(["eu", "us"]) }, () => 2);
export const accounts = asset({ name: "accounts", partitionsDef: customers }, () => 3);
export const plain = asset("plain", () => 4);
export const eager = asset({ name: "eager_child", deps: [plain], automationCondition: AutomationCondition.eager() }, () => 5);
const job = defineAssetJob({ name: "plain_job", selection: ["plain"] });
const nightly = new ScheduleDefinition({ name: "nightly", cronSchedule: "30 2 * * *", job, executionTimezone: "UTC" });
export const defs = new Definitions({ assets: [sales, bulk, regions, accounts, plain, eager], jobs: [job], schedules: [nightly] });
`;

let home: string;
let module: string;
beforeAll(() => {
  const dir = tempDir("tessera-project-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user-project", type: "module" }));
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
  module = join(dir, "defs.ts");
  writeFileSync(module, DEFS);
  home = tempDir();
});

async function json<T>(args: string[]): Promise<T> {
  const result = await tessera([...args, "--json"], home);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe("tessera partitions", () => {
  it("lists the keys of a time-window and a static asset", async () => {
    expect(await json<PartitionsJson>(["partitions", "list", "sales", "-m", module])).toEqual({ name: "sales", keys: ["2026-11-01", "2026-11-02", "2026-11-03"] });
    expect(await json<PartitionsJson>(["partitions", "list", "regions", "-m", module])).toEqual({ name: "regions", keys: ["eu", "us"] });
  });

  it("adds keys to a dynamically partitioned asset's definition, and lists them by the asset or the definition", async () => {
    expect((await tessera(["partitions", "add", "accounts", "acme", "-m", module], home)).stdout).toMatch(/Added 1 partition to "customers": acme/);
    expect(await json<PartitionsJson>(["partitions", "list", "accounts", "-m", module])).toEqual({ name: "accounts", keys: ["acme"] });
    expect(await json<PartitionsJson>(["partitions", "list", "customers"])).toEqual({ name: "customers", keys: ["acme"] });
  });

  it("refuses to add keys to an asset whose partitions are not dynamic, saying where its keys come from", async () => {
    const result = await tessera(["partitions", "add", "sales", "2026-13-45", "-m", module], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Asset "sales" is partitioned by .*only a DynamicPartitionsDefinition takes keys added at run time/);
    const instance = Instance.fromHome({ home });
    expect(await instance.getDynamicPartitions("sales")).toEqual([]);
    await instance.close();
  });

  it("pages the keys of a time-window asset with --limit and --offset", async () => {
    expect(await json<PartitionsJson>(["partitions", "list", "sales", "-m", module, "--limit", "2"])).toEqual({ name: "sales", keys: ["2026-11-01", "2026-11-02"], total: 3 });
    expect(await json<PartitionsJson>(["partitions", "list", "sales", "-m", module, "--limit", "2", "--offset", "2"])).toEqual({ name: "sales", keys: ["2026-11-03"], total: 3 });
    const text = await tessera(["partitions", "list", "sales", "-m", module, "--limit", "1"], home);
    expect(text.stdout).toMatch(/^2026-11-01\n… 2 more of 3 keys \(up to 2026-11-03\): pass --offset 1 for the next ones/);
    const bad = await tessera(["partitions", "list", "sales", "-m", module, "--limit", "0"], home);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--limit must be a whole number of at least 1, got "0"/);
  });

  it("refuses a key that is not a partition of a daily asset wherever one is given", async () => {
    for (const args of [
      ["materialize", "-m", module, "--select", "sales", "--partition", "2026-13-45"],
      ["materialize", "-m", module, "--select", "bulk", "--partition-range", "2026-13-45...2026-11-02"],
      ["backfill", "launch", "-m", module, "--select", "sales", "--partitions", "2026-11-01,2026-13-45"],
      ["backfill", "launch", "-m", module, "--select", "sales", "--from", "2026-13-45", "--to", "2026-11-02"],
    ]) {
      const result = await tessera(args, home);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toMatch(/Partition key "2026-13-45" is not a partition of Daily partitions starting 2026-11-01/);
    }
    const instance = Instance.fromHome({ home });
    expect((await instance.getRuns({})).filter((r) => r.partitionKey === "2026-13-45" || r.tags["tessera/partition_range_start"] === "2026-13-45")).toEqual([]);
    await instance.close();
  });

  it("refuses an unpartitioned asset", async () => {
    const result = await tessera(["partitions", "list", "plain", "-m", module], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Asset "plain" is not partitioned/);
  });
});

describe("tessera materialize --partition-range", () => {
  it("refuses up front an asset without a single-run backfill policy, saying what to do, and records no run", async () => {
    const result = await tessera(["materialize", "-m", module, "--select", "sales", "--partition-range", "2026-11-01...2026-11-02"], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"sales" cannot take: it has no single-run backfill policy\. Give it backfillPolicy: BackfillPolicy\.singleRun\(\)/);
    expect(result.stderr).toMatch(/tessera backfill launch --select sales --from 2026-11-01 --to 2026-11-02/);
    const instance = Instance.fromHome({ home });
    expect(await instance.getRuns({})).toEqual([]);
    await instance.close();
  });

  it("runs the range in one run for an asset with a single-run policy", async () => {
    const result = await tessera(["materialize", "-m", module, "--select", "bulk", "--partition-range", "2026-11-01...2026-11-03"], home);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe("tessera run show", () => {
  it("shows the parent run of a re-execution", async () => {
    expect((await tessera(["materialize", "-m", module, "--select", "plain"], home)).code).toBe(0);
    const instance = Instance.fromHome({ home });
    const [first] = await instance.getRuns({ limit: 1 });
    expect((await tessera(["run", "reexecute", first!.runId, "-m", module], home)).code).toBe(0);
    const [second] = await instance.getRuns({ limit: 1 });
    await instance.close();
    expect(second!.runId).not.toBe(first!.runId);
    const shown = await tessera(["run", "show", second!.runId], home);
    expect(shown.stdout).toMatch(new RegExp(`parent +${first!.runId} \\(re-executed\\)`));
    expect(shown.stdout).not.toMatch(/\broot\b/);
    expect((await tessera(["run", "show", first!.runId], home)).stdout).not.toMatch(/\bparent\b/);
  });
});

describe("tessera schedule preview --at and sensor preview", () => {
  it("refuses a time that is not a tick, naming the previous and next ticks", async () => {
    const result = await tessera(["schedule", "preview", "nightly", "-m", module, "--at", "2026-11-24T06:00:00Z"], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--at 2026-11-24T06:00:00.000Z is not a tick of schedule nightly \(30 2 \* \* \* in UTC\): the previous tick is 2026-11-24T02:30:00.000Z and the next is 2026-11-25T02:30:00.000Z/);
    const tick = await tessera(["schedule", "preview", "nightly", "-m", module, "--at", "2026-11-24T02:30:00Z"], home);
    expect(tick.code, tick.stderr).toBe(0);
    expect(tick.stdout).toMatch(/run: job plain_job/);
  });

  it("previews default_automation_condition_sensor, which sensor list shows", async () => {
    expect((await tessera(["sensor", "list", "-m", module], home)).stdout).toMatch(/default_automation_condition_sensor/);
    const result = await tessera(["sensor", "preview", "default_automation_condition_sensor", "-m", module], home);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Sensor default_automation_condition_sensor:/);
    // It evaluated the asset no sensor of the code location targets: its condition state is in the new cursor.
    expect(result.stdout).toMatch(/cursor: .*"assets":\{"eager_child":/);
  });
});
