import { describe, expect, it } from "vitest";
import { DependencyCycleError } from "../core/index.js";
import { AssetDep, AssetIn, asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import {
  DailyPartitionsDefinition,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
} from "../partitions/index.js";
import { AssetGraph, AssetSelection, SelfDependencyError } from "./index.js";

const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-11" });
const previousDay = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstreamPartitions: true });

function selfDependent(options: { partitionsDef?: DailyPartitionsDefinition | StaticPartitionsDefinition | MultiPartitionsDefinition; partitionMapping?: unknown } = {}) {
  const { partitionsDef = daily, partitionMapping = previousDay } = options;
  return asset({ name: "balance", partitionsDef, ins: { prev: new AssetIn({ key: "balance", partitionMapping }) } }, () => 1);
}

describe("self-dependent assets in the graph", () => {
  it("builds an asset that reads its own previous partition, keeping the self-edge out of parents and children", () => {
    const raw = asset({ name: "raw", partitionsDef: daily }, () => 1);
    const balance = asset({ name: "balance", partitionsDef: daily, ins: { raw, prev: new AssetIn({ key: "balance", partitionMapping: previousDay }) } }, () => 1);
    const report = asset({ name: "report", partitionsDef: daily, ins: { balance } }, () => 1);
    const graph = AssetGraph.of(new Definitions({ assets: [raw, balance, report] }));
    const node = graph.require("balance");
    expect(graph.isSelfDependent(node)).toBe(true);
    expect(graph.isSelfDependent(graph.require("raw"))).toBe(false);
    expect(graph.parents[node]?.map((p) => graph.ids[p])).toEqual(["raw"]);
    expect(graph.children[node]?.map((c) => graph.ids[c])).toEqual(["report"]);
    expect([...graph.topologicalOrder].map((i) => graph.ids[i])).toEqual(["raw", "balance", "report"]);
  });

  it("accepts the self-dependency as an AssetDep too", () => {
    const balance = asset({ name: "balance", partitionsDef: daily, deps: [new AssetDep("balance", { partitionMapping: previousDay })] }, () => 1);
    const graph = AssetGraph.of(new Definitions({ assets: [balance] }));
    expect(graph.isSelfDependent(graph.require("balance"))).toBe(true);
    expect(graph.parents[graph.require("balance")]).toEqual([]);
  });

  it("selects upstream and downstream of a self-dependent asset as if the self-edge were not there", () => {
    const raw = asset({ name: "raw", partitionsDef: daily }, () => 1);
    const balance = asset({ name: "balance", partitionsDef: daily, ins: { raw, prev: new AssetIn({ key: "balance", partitionMapping: previousDay }) } }, () => 1);
    const report = asset({ name: "report", partitionsDef: daily, ins: { balance } }, () => 1);
    const defs = new Definitions({ assets: [raw, balance, report] });
    const names = (s: AssetSelection) => s.resolve(defs).map(String).sort();
    expect(names(AssetSelection.keys("balance").upstream(1))).toEqual(["balance", "raw"]);
    expect(names(AssetSelection.keys("balance").downstream(1, false))).toEqual(["report"]);
    expect(names(AssetSelection.keys("balance").upstream(null, false))).toEqual(["raw"]);
  });

  it("still refuses a cycle between two different assets", () => {
    const a = asset({ name: "a", deps: ["b"] }, () => 1);
    const b = asset({ name: "b", deps: ["a"] }, () => 1);
    expect(() => new Definitions({ assets: [a, b] })).toThrow(DependencyCycleError);
  });
});

describe("self-dependencies refused at definition time", () => {
  it("refuses an unpartitioned asset depending on itself, naming it and the fix", () => {
    const bad = asset({ name: "balance", deps: ["balance"] }, () => 1);
    const error = (() => {
      try {
        new Definitions({ assets: [bad] });
      } catch (e) {
        return e;
      }
    })() as SelfDependencyError;
    expect(error).toBeInstanceOf(SelfDependencyError);
    expect(error.assetKey).toBe("balance");
    expect(error.message).toMatch(/"balance" depends on itself, but it is not partitioned/);
    expect(error.message).toMatch(/TimeWindowPartitionMapping\(\{ startOffset: -1, endOffset: -1 \}\)/);
  });

  it("refuses a self-dependency without a mapping, or with offsets that reach the partition itself", () => {
    const unmapped = asset({ name: "balance", partitionsDef: daily, ins: { prev: new AssetIn({ key: "balance" }) } }, () => 1);
    expect(() => new Definitions({ assets: [unmapped] })).toThrow(/with no partitionMapping/);
    expect(() => new Definitions({ assets: [selfDependent({ partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1 }) })] })).toThrow(
      /startOffset -1 and endOffset 0, which reach its own partition/,
    );
    expect(() => new Definitions({ assets: [selfDependent({ partitionMapping: new TimeWindowPartitionMapping() })] })).toThrow(SelfDependencyError);
  });

  it("refuses a self-dependency of a static partitioning, which has no earlier partitions in time", () => {
    const regions = new StaticPartitionsDefinition(["emea", "apac"]);
    expect(() => new Definitions({ assets: [selfDependent({ partitionsDef: regions })] })).toThrow(/not a TimeWindowPartitionMapping over the time partitions/);
  });

  it("accepts two dimensions when the time dimension maps to earlier partitions", () => {
    const multi = new MultiPartitionsDefinition({ date: daily, region: new StaticPartitionsDefinition(["emea", "apac"]) });
    const mapping = new MultiPartitionMapping({ date: { dimensionName: "date", partitionMapping: previousDay } });
    expect(() => new Definitions({ assets: [selfDependent({ partitionsDef: multi, partitionMapping: mapping })] })).not.toThrow();
    const onRegion = new MultiPartitionMapping({ region: { dimensionName: "region", partitionMapping: previousDay } });
    expect(() => new Definitions({ assets: [selfDependent({ partitionsDef: multi, partitionMapping: onRegion })] })).toThrow(SelfDependencyError);
  });
});
