// `tessera asset wipe <key> --partition k --partition-range a...b`: forgetting some partitions of an asset.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { DailyPartitionsDefinition, Instance } from "@tessera/core";
import type { AssetWipeJson } from "../src/cli/commands/asset.js";
import { tesseraInProcess as tessera } from "./support/cli.js";
import { TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

const DEFS = `
import { DailyPartitionsDefinition, Definitions, StaticPartitionsDefinition, asset } from "@tessera/core";
export const sales = asset({ name: "sales", partitionsDef: new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-06" }) }, () => 1);
export const regions = asset({ name: "regions", partitionsDef: new StaticPartitionsDefinition(["eu", "us", "apac"]) }, () => 2);
export const plain = asset("plain", () => 3);
export const defs = new Definitions({ assets: [sales, regions, plain] });
`;
const salesDef = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-06" });

const module = userProject(dirs, DEFS, "tessera-wipe-project-");

let home: string;
beforeEach(async () => {
  home = dirs.make("tessera-wipe-home-");
  for (const day of ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]) {
    const result = await tessera(["materialize", "--select", "sales", "--partition", day, "-m", module], home);
    expect(result.code, result.stderr).toBe(0);
  }
  for (const region of ["eu", "us"]) expect((await tessera(["materialize", "--select", "regions", "--partition", region, "-m", module], home)).code).toBe(0);
});

async function withInstance<T>(fn: (instance: Instance) => Promise<T>): Promise<T> {
  const instance = Instance.fromHome({ home });
  try {
    return await fn(instance);
  } finally {
    await instance.close();
  }
}

describe("tessera asset wipe --partition / --partition-range", () => {
  it("wipes a range and a key of one asset: they become missing, its other partitions and other assets stay", async () => {
    const result = await tessera(["asset", "wipe", "sales", "--partition-range", "2026-11-02...2026-11-03", "--partition", "2026-11-05", "-m", module, "--yes"], home);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Wiped 3 partitions of sales \(2026-11-05, 2026-11-02\.\.\.2026-11-03\): they are missing now/);
    await withInstance(async (instance) => {
      const status = await instance.getPartitionStatus("sales", salesDef);
      expect(status.materialized.getPartitionKeys()).toEqual(["2026-11-01", "2026-11-04"]);
      expect(status.missing.getPartitionKeys()).toEqual(["2026-11-02", "2026-11-03", "2026-11-05"]);
      expect((await instance.getLatestMaterializationEvent("sales"))?.partition).toBe("2026-11-04");
      expect([...(await instance.getMaterializedPartitions("regions"))].sort()).toEqual(["eu", "us"]);
    });
    const shown = await tessera(["asset", "show", "sales", "-m", module, "--json"], home);
    expect(JSON.parse(shown.stdout).definition.partitions).toMatchObject({ materialized: 2, missing: 3, missingRanges: [{ start: "2026-11-02", end: "2026-11-03" }, { start: "2026-11-05", end: "2026-11-05" }] });
  });

  it("prints what it wiped with --json", async () => {
    const result = await tessera(["asset", "wipe", "regions", "--partition", "us", "-m", module, "--yes", "--json"], home);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout) as AssetWipeJson).toEqual({ wiped: [{ key: "regions", path: ["regions"], partitions: ["us"] }] });
    const whole = await tessera(["asset", "wipe", "plain", "sales", "--yes", "--json"], home);
    // plain was never materialized: the whole-asset wipe refuses it, naming it.
    expect(whole.code).toBe(1);
    expect(whole.stderr).toMatch(/"plain" has no history/);
    const sales = await tessera(["asset", "wipe", "sales", "--yes", "--json"], home);
    expect(JSON.parse(sales.stdout) as AssetWipeJson).toEqual({ wiped: [{ key: "sales", path: ["sales"], partitions: null }] });
  });

  it("refuses, wiping nothing: a key the definition lacks, an unpartitioned asset, several assets, --all, no code location, no --yes without a terminal", async () => {
    const cases: [string[], RegExp][] = [
      [["sales", "--partition-range", "2026-11-02...2026-12-31", "-m", module, "--yes"], /no partition "2026-12-31".*2026-11-01 to 2026-11-05/],
      [["regions", "--partition", "mars", "-m", module, "--yes"], /no partition "mars"/],
      [["plain", "--partition", "x", "-m", module, "--yes"], /"plain" is not partitioned/],
      [["sales", "regions", "--partition", "eu", "-m", module, "--yes"], /exactly one asset/],
      [["--all", "--partition", "eu", "-m", module, "--yes"], /--all wipes whole assets/],
      [["sales", "--partition", "2026-11-01", "--yes"], /not defined by the code location given/],
      [["sales", "--partition", "2026-11-01", "-m", module], /Pass --yes to confirm/],
      [["sales", "--partition-range", "2026-11-01", "-m", module, "--yes"], /2026-11-01/],
    ];
    for (const [args, message] of cases) {
      const result = await tessera(["asset", "wipe", ...args], home);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
    await withInstance(async (instance) => {
      expect(await instance.storage.getEventRecords({ eventType: "ASSET_WIPED" })).toEqual([]);
      expect((await instance.getMaterializedPartitions("sales")).size).toBe(5);
    });
  });

  it("documents the flags in --help", async () => {
    const help = await tessera(["asset", "wipe", "--help"], home);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--partition <key>/);
    expect(help.stdout).toMatch(/--partition-range <a\.\.\.b>/);
    expect(help.stdout).toMatch(/--json/);
    expect(help.stdout).toMatch(/tessera asset wipe daily_orders --partition-range 2024-01-01\.\.\.2024-01-31/);
  });
});
