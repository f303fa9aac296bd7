// assetNodes reads storage in batches: the number of storage calls for a query does not grow with the number of assets.
import { describe, expect, it } from "vitest";
import { AssetKey } from "../core/index.js";
import { AssetCheckResult, asset, assetCheck, type AssetChecksDefinition, type AssetsDefinition } from "../definitions/index.js";
import { StaticPartitionsDefinition } from "../partitions/index.js";
import { Definitions, InProcessWorkspace, materialize } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { SqliteStorage, type Storage } from "../storage/index.js";
import { createGraphQLHandler } from "./graphql-handler.js";

/** The storage, with every method call counted by name. */
function countingStorage(storage: Storage): { storage: Storage; calls: Map<string, number>; total: () => number } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(storage, {
    get(target, property, _receiver) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage: proxy, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);

/** `n` assets in a chain, every other one partitioned; the first half materialized (partition eu for partitioned ones). */
async function storageCallsFor(n: number): Promise<{ first: Map<string, number>; firstTotal: number; secondTotal: number; nodes: number }> {
  const assets: AssetsDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const deps = i === 0 ? [] : [`a${i - 1}`];
    assets.push(i % 2 === 0 ? asset({ name: `a${i}`, deps, partitionsDef: regions }, async () => i) : asset({ name: `a${i}`, deps }, async () => i));
  }
  // Every third asset has a check; the first half's checks have run (with their materializations).
  const checks: AssetChecksDefinition[] = assets.filter((_, i) => i % 3 === 0).map((a, i) => assetCheck({ asset: a, name: `c${i}` }, async () => new AssetCheckResult({ passed: i % 2 === 1 })));
  const defs = new Definitions({ assets, assetChecks: checks });
  const counted = countingStorage(new SqliteStorage(":memory:"));
  const instance = new Instance(counted.storage);
  for (let i = 0; i < n / 2; i++) {
    await defs.materialize(`a${i}`, { instance, ...(i % 2 === 0 ? { partitionKey: "eu" } : {}) });
  }
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "chain", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: true, pollIntervalMs: 10_000 });
  const query = `{ assetNodes {
    key { path } dependencyKeys { path }
    latestMaterialization { runId partition } latestObservation { runId } lastRunId
    staleStatus staleCauses { reason }
    partitionStats { numMaterialized numMissing }
    partitionStatus { materialized { start end } missing { start end } }
    checkStatus checks { name latestExecution { runId } }
    latestMaterializationAttempt { runId status runStatus }
  } }`;
  const ask = async () => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as {
      data?: { assetNodes: { partitionStats: { numMaterialized: number } | null; latestMaterialization: unknown; checkStatus: string | null; latestMaterializationAttempt: { status: string } | null }[] };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    return body.data?.assetNodes ?? [];
  };
  counted.calls.clear();
  const nodes = await ask();
  const first = new Map(counted.calls);
  const firstTotal = counted.total();
  // What the answer says is right: the materialized half shows it, partitioned assets count their partitions.
  expect(nodes.filter((node) => node.latestMaterialization !== null).length).toBe(Math.ceil(n / 2));
  expect(nodes[0]?.partitionStats).toEqual({ numMaterialized: 1, numMissing: 2 });
  expect(nodes[n - 2]?.partitionStats).toEqual({ numMaterialized: 0, numMissing: 3 });
  // Checks of materialized assets ran (passed or failed by turns); the others never did.
  expect(nodes[0]?.checkStatus).toBe("FAILED");
  if (n > 6) expect(nodes[3]?.checkStatus).toBe("PASSED");
  expect(nodes[n - 3]?.checkStatus).toBe("NOT_EVALUATED");
  expect(nodes[1]?.checkStatus).toBeNull();
  expect(nodes[0]?.latestMaterializationAttempt?.status).toBe("MATERIALIZED");
  expect(nodes[n - 1]?.latestMaterializationAttempt).toBeNull();
  counted.calls.clear();
  await ask();
  const secondTotal = counted.total();
  yoga.close();
  await instance.close();
  return { first, firstTotal, secondTotal, nodes: nodes.length };
}

describe("assetNodes storage reads", () => {
  it("do not grow with the number of assets: the asset index, partition status, staleness, checks and attempts are each read in a batch", async () => {
    const small = await storageCallsFor(6);
    const large = await storageCallsFor(60);
    expect(small.nodes).toBe(6);
    expect(large.nodes).toBe(60);
    // Same calls, method by method, for 6 and for 60 assets (cold partition status cache, then warm).
    expect(Object.fromEntries(large.first)).toEqual(Object.fromEntries(small.first));
    expect(large.secondTotal).toBe(small.secondTotal);
    // And few: one per kind of read, not one per asset.
    expect(large.firstTotal).toBeLessThan(20);
    // The index for the response, and once in each batched reader that needs wipe lines (partitions, checks, attempts).
    expect(large.first.get("getAssetRecords")).toBeLessThanOrEqual(5);
  });

  it("keeps partition statuses of a batch apart: one asset's events never land in another's status", async () => {
    const instance = Instance.ephemeral();
    const x = asset({ name: "x", partitionsDef: regions }, async () => 1);
    const y = asset({ name: "y", partitionsDef: regions }, async () => 1);
    await materialize([x], { instance, partitionKey: "eu" });
    await materialize([y], { instance, partitionKey: "us" });
    await materialize([y], { instance, partitionKey: "apac" });
    // Warm x's cache alone first, so the batch starts from different cursors.
    expect((await instance.getPartitionStatus("x", regions)).materialized.getPartitionKeys()).toEqual(["eu"]);
    await materialize([x], { instance, partitionKey: "us" });
    const [sx, sy] = await instance.getPartitionStatuses([
      { key: AssetKey.from("x"), partitionsDef: regions },
      { key: "y", partitionsDef: regions },
    ]);
    expect(sx?.materialized.getPartitionKeys()).toEqual(["eu", "us"]);
    expect(sy?.materialized.getPartitionKeys()).toEqual(["us", "apac"]);
    expect(sy?.missing.getPartitionKeys()).toEqual(["eu"]);
    await instance.close();
  });
});
