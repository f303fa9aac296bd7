import { describe, expect, it } from "vitest";
import { assetStatus, checkFailing } from "./asset-status.js";
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
  it("says running or failed from the latest materialization attempt, before staleness", () => {
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: null, attemptStatus: "IN_PROGRESS" })).toBe("running");
    expect(assetStatus({ latestMaterialization: undefined, staleStatus: "MISSING", checkStatus: null, attemptStatus: "FAILED" })).toBe("failed");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "STALE", checkStatus: null, attemptStatus: "MATERIALIZED" })).toBe("stale");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: null, attemptStatus: "NOT_MATERIALIZED" })).toBe("fresh");
  });

  it("says fresh, stale or missing from staleness, and a failing check on top", () => {
    expect(assetStatus({ latestMaterialization: undefined, staleStatus: "MISSING", checkStatus: null })).toBe("missing");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "STALE", checkStatus: null })).toBe("stale");
    expect(assetStatus({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: "FAILED" })).toBe("fresh");
    expect(assetStatus(undefined)).toBe("unknown");
    expect(checkFailing({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: "FAILED" })).toBe(true);
    expect(checkFailing({ latestMaterialization: 1, staleStatus: "FRESH", checkStatus: "WARN" })).toBe(false);
  });
});
