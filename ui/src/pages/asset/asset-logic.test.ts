// The asset and catalog pages' pure parts: the health bar's columns and lookups, the automation explanations, and
// the catalog's filters.
import { describe, expect, it } from "vitest";
import { columnsOf, countsOf, stateAt, type PartitionHealth } from "./PartitionBar.js";
import { diffTrees, reasons, type TreeNode } from "./AutomationView.js";
import { filtersFromQuery, matches, statusOf, type CatalogAsset } from "../Catalog.js";

describe("partitions health bar", () => {
  const health: PartitionHealth = { numPartitions: 10, runs: [0, 2, 1, 5, 5, 2, 7, 8, 3] };

  it("looks up a partition's state and counts each state", () => {
    expect([0, 2, 3, 5, 6, 7, 8, 9].map((i) => stateAt(health, i))).toEqual(["materialized", "materialized", "missing", "failed", "missing", "in progress", "in progress", "missing"]);
    expect(countsOf(health)).toEqual({ materialized: 3, failed: 1, "in progress": 2, missing: 4 });
  });

  it("gives each pixel column the worst state it covers, one column per partition or fewer", () => {
    expect([...columnsOf(health, 10)]).toEqual([1, 1, 1, 0, 0, 2, 0, 3, 3, 0]);
    // Two partitions per column: materialized+missing shows missing, missing+failed shows failed.
    expect([...columnsOf(health, 5)]).toEqual([1, 0, 2, 3, 3]);
  });

  it("keeps 100,000 partitions to one value per column", () => {
    const runs: number[] = [];
    for (let i = 0; i < 100_000; i += 2) runs.push(i, i, 1);
    const columns = columnsOf({ numPartitions: 100_000, runs }, 1000);
    expect(columns.length).toBe(1000);
    expect(new Set(columns)).toEqual(new Set([0]));
    expect(new Set(columnsOf({ numPartitions: 100_000, runs: [0, 99_999, 1] }, 1000))).toEqual(new Set([1]));
  });
});

const node = (label: string, isTrue: boolean, children: TreeNode[] = [], name = label): TreeNode => ({
  label,
  name,
  description: label,
  uniqueId: label,
  assetKey: "a",
  partitioned: false,
  numTrue: isTrue ? 1 : 0,
  numCandidates: 1,
  isTrue,
  children,
});

describe("automation explanations", () => {
  it("names the first false child of a false AND, and the true children of a true OR", () => {
    const tree = node("root", false, [node("missing", true), node("SINCE", false), node("NOT", false, [node("in_progress", false)])], "AND");
    expect(reasons(tree)).toEqual(["SINCE is false (SINCE)"]);
    const since = node("since", false, [node("trigger", false, [node("newly_missing", false), node("deps_updated", false)], "OR"), node("reset", false)], "SINCE");
    expect(reasons(node("root", false, [since], "AND"))).toEqual(["newly_missing is false (newly_missing)", "deps_updated is false (deps_updated)"]);
    const or = node("any", true, [node("x", false), node("y", true)], "OR");
    expect(reasons(or)).toEqual(["y is true (y)"]);
  });

  it("diffs two ticks by node: changed truth, new and gone nodes", () => {
    const before = node("root", true, [node("missing", true), node("old", false)], "AND");
    const after = node("root", false, [node("missing", false), node("fresh", true)], "AND");
    expect(diffTrees(before, after)).toEqual(["root: true → false", "missing: true → false", "fresh: new in this tick (true)", "old: no longer evaluated"]);
  });
});

describe("catalog filters", () => {
  const asset: CatalogAsset = {
    key: { path: ["shop", "orders"] },
    groupName: "shop",
    kinds: ["csv", "table"],
    owners: ["team:data"],
    tags: [{ key: "tier", value: "gold" }],
    description: "Orders from the export",
    staleStatus: "STALE",
    checkStatus: "FAILED",
    latestMaterialization: { timestamp: 1, runId: "r" },
    latestMaterializationAttempt: { status: "MATERIALIZED", runId: "r" },
  };

  it("reads the filters from the address and matches every one of them", () => {
    const filters = filtersFromQuery("q=EXPORT&kind=table&tag=tier%3Dgold&status=STALE&check=FAILED");
    expect(filters).toEqual({ q: "EXPORT", group: "", kind: "table", owner: "", tag: "tier=gold", status: "STALE", check: "FAILED" });
    expect(matches(asset, filters)).toBe(true);
    expect(matches(asset, { ...filters, owner: "team:other" })).toBe(false);
    expect(matches({ ...asset, latestMaterialization: null }, filters)).toBe(false);
    expect(matches(asset, filtersFromQuery("q=shop/ord"))).toBe(true);
  });

  it("says failed or running from the latest attempt, before staleness", () => {
    expect(statusOf({ ...asset, latestMaterializationAttempt: { status: "FAILED", runId: "f" } })).toBe("FAILED");
    expect(statusOf({ ...asset, latestMaterialization: null, latestMaterializationAttempt: { status: "IN_PROGRESS", runId: "g" } })).toBe("RUNNING");
    expect(statusOf(asset)).toBe("STALE");
    expect(matches({ ...asset, latestMaterializationAttempt: { status: "FAILED", runId: "f" } }, filtersFromQuery("status=FAILED"))).toBe(true);
  });
});
