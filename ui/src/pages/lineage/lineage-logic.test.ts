import { describe, expect, it } from "vitest";
import { assetStatus, checkFailing, runStates } from "./asset-status.js";
import { apply, complete, type Vocabulary } from "./selection-complete.js";

const vocabulary: Vocabulary = {
  keys: ["raw_orders", "raw_users", "marts/daily revenue", "orders_clean"],
  groups: ["raw", "marts"],
  kinds: ["table", "duckdb"],
  tags: ["tier=gold", "pii"],
  owners: ["team:data"],
  locations: ["main"],
};

describe("selection completion", () => {
  it("offers attribute names for a word that starts one", () => {
    const result = complete("gr", 2, vocabulary);
    expect(result.suggestions.map((s) => s.label)).toContain("group:");
    expect(result.from).toBe(0);
  });

  it("offers an attribute's values from the workspace after its colon", () => {
    expect(complete("group:m", 7, vocabulary).suggestions.map((s) => s.insert)).toEqual(["group:marts"]);
    expect(complete("kind:", 5, vocabulary).suggestions.map((s) => s.insert)).toEqual(["kind:table", "kind:duckdb"]);
    expect(complete("tag:ti", 6, vocabulary).suggestions.map((s) => s.insert)).toEqual(['tag:"tier=gold"']);
    expect(complete("is:", 3, vocabulary).suggestions.map((s) => s.insert)).toEqual(["is:external", "is:materializable"]);
  });

  it("offers asset keys for a bare word, quoting keys that are not plain words, and replaces only the word", () => {
    const text = "group:raw or revenue";
    const result = complete(text, text.length, vocabulary);
    const key = result.suggestions.find((s) => s.detail === "asset");
    expect(key?.insert).toBe('key:"marts/daily revenue"');
    expect(apply(text, result, key!).text).toBe('group:raw or key:"marts/daily revenue"');
  });

  it("completes inside an open quoted value, spaces included", () => {
    const text = 'key:"marts/daily r';
    const result = complete(text, text.length, vocabulary);
    expect(result.from).toBe(0);
    expect(result.suggestions.map((s) => s.insert)).toEqual(['key:"marts/daily revenue"']);
  });
});

describe("lineage status", () => {
  const latest = new Map<string, number | undefined>([
    ["a", 1000],
    ["b", undefined],
    ["c", 5000],
  ]);

  it("marks assets of runs in progress running, and of a failed run since their latest materialization failed", () => {
    const states = runStates(
      [
        { status: "STARTED", startTime: 6000, createTime: 6000, assetSelection: ["c"] },
        { status: "FAILURE", startTime: 2000, createTime: 2000, assetSelection: ["a", "b", "c"] },
      ],
      latest,
    );
    expect(states.get("c")).toBe("running");
    expect(states.get("a")).toBe("failed");
    expect(states.get("b")).toBe("failed");
  });

  it("does not mark failed an asset materialized after the failed run", () => {
    expect(runStates([{ status: "FAILURE", startTime: 2000, createTime: 2000, assetSelection: ["c"] }], latest).get("c")).toBeUndefined();
  });

  it("says fresh, stale or missing from staleness, and a failing check on top", () => {
    expect(assetStatus({ latestMaterialization: undefined, staleStatus: "MISSING", checkStatus: null }, undefined)).toBe("missing");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "STALE", checkStatus: null }, undefined)).toBe("stale");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: "FAILED" }, undefined)).toBe("fresh");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: null }, "failed")).toBe("failed");
    expect(assetStatus(undefined, undefined)).toBe("unknown");
    expect(checkFailing({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: "FAILED" })).toBe(true);
    expect(checkFailing({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: "WARN" })).toBe(false);
  });
});
