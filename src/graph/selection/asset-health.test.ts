// Asset health read from a real instance: what `status:` selects after runs succeed, fail, stay in progress or are reported.
import { afterEach, describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  AssetCheckSeverity,
  AssetGraph,
  AssetKey,
  AssetSelection,
  DailyPartitionsDefinition,
  Instance,
  asset,
  assetCheck,
  defineAssetJob,
} from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { SelectionNeedsInstanceError } from "./errors.js";
import { instanceHealthSource } from "./asset-health.js";

const instances: Instance[] = [];
afterEach(async () => {
  for (const instance of instances.splice(0)) await instance.close();
});

function ephemeral(): Instance {
  const instance = Instance.ephemeral();
  instances.push(instance);
  return instance;
}

let failing = new Set<string>();
const flaky = (name: string) =>
  asset(name, () => {
    if (failing.has(name)) throw new Error(`${name} failed`);
    return name;
  });

const healthOf = async (defs: Definitions, instance: Instance): Promise<Record<string, string>> =>
  Object.fromEntries(await instanceHealthSource(instance).getAssetHealth(AssetGraph.of(defs)));

describe("asset health from an instance", () => {
  it("is UNKNOWN before any run, HEALTHY after a materialization, DEGRADED after a failed one, HEALTHY again once it succeeds", async () => {
    const instance = ephemeral();
    const defs = new Definitions({ assets: [flaky("a"), flaky("b")] });
    expect(await healthOf(defs, instance)).toEqual({ a: "UNKNOWN", b: "UNKNOWN" });
    failing = new Set(["b"]);
    await defs.materialize(undefined, { instance, raiseOnError: false });
    expect(await healthOf(defs, instance)).toEqual({ a: "HEALTHY", b: "DEGRADED" });
    failing = new Set();
    await defs.materialize("b", { instance });
    expect(await healthOf(defs, instance)).toEqual({ a: "HEALTHY", b: "HEALTHY" });
  });

  it("stays DEGRADED while a new run of the asset is in progress, as the reference keeps the last finished attempt", async () => {
    const instance = ephemeral();
    const defs = new Definitions({ assets: [flaky("a")] });
    failing = new Set(["a"]);
    await defs.materialize(undefined, { instance, raiseOnError: false });
    await instance.createRun({ jobName: "__ASSET_JOB", status: "STARTED", tags: {}, assetSelection: ["a"], runConfig: {} });
    expect((await healthOf(defs, instance)).a).toBe("DEGRADED");
    failing = new Set();
  });

  it("is HEALTHY when a materialization is reported after the failed run ended", async () => {
    const instance = ephemeral();
    const defs = new Definitions({ assets: [flaky("a")] });
    failing = new Set(["a"]);
    await defs.materialize(undefined, { instance, raiseOnError: false });
    failing = new Set();
    await instance.storeEvents([{ runId: "", timestamp: Date.now() + 1000, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("a") }]);
    expect((await healthOf(defs, instance)).a).toBe("HEALTHY");
  });

  it("takes the worst of materialization and checks: a failed WARN check is WARNING, a failed ERROR check DEGRADED", async () => {
    const instance = ephemeral();
    const warned = asset("warned", () => 1);
    const broken = asset("broken", () => 1);
    const defs = new Definitions({
      assets: [warned, broken],
      assetChecks: [
        assetCheck({ asset: warned, name: "rows" }, () => new AssetCheckResult({ passed: false, severity: AssetCheckSeverity.WARN })),
        assetCheck({ asset: broken, name: "ids" }, () => new AssetCheckResult({ passed: false })),
      ],
    });
    await defs.materialize(undefined, { instance, raiseOnError: false });
    expect(await healthOf(defs, instance)).toEqual({ warned: "WARNING", broken: "DEGRADED" });
  });

  it("is DEGRADED for a partitioned asset with a failed partition, HEALTHY when its partitions succeed", async () => {
    const instance = ephemeral();
    const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-04" });
    let failOn = "2026-11-02";
    const sales = asset({ name: "sales", partitionsDef: daily }, (ctx) => {
      if (ctx.partitionKey === failOn) throw new Error("missing export");
      return 1;
    });
    const defs = new Definitions({ assets: [sales] });
    expect((await healthOf(defs, instance)).sales).toBe("UNKNOWN");
    await defs.materialize(undefined, { instance, partitionKey: "2026-11-01" });
    expect((await healthOf(defs, instance)).sales).toBe("HEALTHY");
    await defs.materialize(undefined, { instance, partitionKey: "2026-11-02", raiseOnError: false });
    expect((await healthOf(defs, instance)).sales).toBe("DEGRADED");
    failOn = "";
    await defs.materialize(undefined, { instance, partitionKey: "2026-11-02" });
    expect((await healthOf(defs, instance)).sales).toBe("HEALTHY");
  });

  it("answers resolveWithInstance(defs, { instance })", async () => {
    const instance = ephemeral();
    const defs = new Definitions({ assets: [flaky("a"), flaky("b"), flaky("c")] });
    failing = new Set(["b"]);
    await defs.materialize("a,b", { instance, raiseOnError: false });
    failing = new Set();
    const select = async (text: string) => (await AssetSelection.fromString(text).resolveWithInstance(defs, { instance })).map(String);
    expect(await select("status:DEGRADED")).toEqual(["b"]);
    expect(await select("status:HEALTHY")).toEqual(["a"]);
    expect(await select("status:UNKNOWN")).toEqual(["c"]);
  });

  it("runs a job selecting status:DEGRADED on what failed in the instance, and refuses to run it without one", async () => {
    const instance = ephemeral();
    const defs = new Definitions({ assets: [flaky("a"), flaky("b")], jobs: [defineAssetJob({ name: "retry", selection: "status:DEGRADED" })] });
    failing = new Set(["b"]);
    await defs.materialize(undefined, { instance, raiseOnError: false });
    failing = new Set();
    const result = await defs.getJobDef("retry").executeInProcess({ instance });
    expect(result.success).toBe(true);
    expect(result.run.assetSelection).toEqual(["b"]);
    await expect(defs.getJobDef("retry").executeInProcess()).rejects.toThrow(SelectionNeedsInstanceError);
    await expect(defs.getJobDef("retry").executeInProcess()).rejects.toThrow(/Job "retry".*status:DEGRADED.*executeInProcess\(\{ instance \}\)/);
  });

  it("lets defs.materialize and submitRun answer status: from the instance they record in", async () => {
    const instance = ephemeral();
    const defs = new Definitions({ assets: [flaky("a"), flaky("b")] });
    failing = new Set(["b"]);
    await defs.materialize(undefined, { instance, raiseOnError: false });
    failing = new Set();
    const retried = await defs.materialize("status:DEGRADED", { instance });
    expect(retried.run.assetSelection).toEqual(["b"]);
    const queued = await defs.submitRun("status:HEALTHY", { instance });
    expect([...queued.assetSelection].sort()).toEqual(["a", "b"]);
    await expect(defs.materialize("status:DEGRADED")).rejects.toThrow(SelectionNeedsInstanceError);
  });
});
