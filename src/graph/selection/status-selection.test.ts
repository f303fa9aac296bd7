// `status:`: parsing its values, resolving it against a source of asset health, and the error without one.
import { describe, expect, it } from "vitest";
import { AssetSelection } from "./asset-selection.js";
import { overallHealth, staticHealthSource, type AssetHealthSource } from "./asset-health.js";
import { SelectionNeedsInstanceError } from "./errors.js";
import { SelectionSyntaxError } from "../../definitions/index.js";
import { shop } from "./test-graphs.js";

const defs = shop();

/** A fake status source: report DEGRADED, order_items WARNING, orders and customers HEALTHY, the rest UNKNOWN. */
const health = staticHealthSource({
  report: "DEGRADED",
  order_items: "WARNING",
  orders: "HEALTHY",
  customers: "HEALTHY",
});

const select = async (text: string, healthSource: AssetHealthSource = health): Promise<string[]> =>
  (await AssetSelection.fromString(text).resolveWithInstance(defs, { healthSource })).map(String).sort();

describe("status: values", () => {
  it("takes HEALTHY, WARNING, DEGRADED and UNKNOWN in any case, as the reference upper-cases them", () => {
    for (const [text, status] of [["status:healthy", "HEALTHY"], ["status:Warning", "WARNING"], ['status:"DEGRADED"', "DEGRADED"], ["status:unknown", "UNKNOWN"]]) {
      expect(AssetSelection.fromString(text as string).node).toEqual({ type: "status", status, includeSources: false });
    }
  });

  it("rejects an unknown value with its position and the values it takes", () => {
    let error: unknown;
    try {
      AssetSelection.fromString("group:sales and status:FAILED");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SelectionSyntaxError);
    const syntax = error as SelectionSyntaxError;
    expect(syntax.position).toBe(23);
    expect(syntax.found).toContain("FAILED");
    expect(syntax.expected).toEqual(["`HEALTHY`", "`WARNING`", "`DEGRADED`", "`UNKNOWN`"]);
    expect(syntax.message).toMatch(/column 24.*HEALTHY.*WARNING.*DEGRADED.*UNKNOWN/s);
  });

  it("rejects status:<null>", () => {
    expect(() => AssetSelection.fromString("status:<null>")).toThrow(SelectionSyntaxError);
  });

  it("writes status: in its canonical upper-case form and parses it back", () => {
    const selection = AssetSelection.fromString("status:degraded or (status:warning and group:sales)");
    expect(selection.toSelectionString()).toBe("status:DEGRADED or status:WARNING and group:\"sales\"");
    expect(AssetSelection.fromString(selection.toSelectionString()).equals(selection)).toBe(true);
  });
});

describe("resolving status: with a source of asset health", () => {
  it("selects the assets with the given health", async () => {
    expect(await select("status:DEGRADED")).toEqual(["report"]);
    expect(await select("status:healthy")).toEqual(["customers", "orders"]);
    expect(await select("status:WARNING")).toEqual(["order_items"]);
  });

  it("counts assets the source does not know as UNKNOWN", async () => {
    const unknown = await select("status:UNKNOWN");
    expect(unknown).toContain("revenue");
    expect(unknown).not.toContain("report");
    expect(unknown).not.toContain("orders");
  });

  it("leaves external assets out unless includeSources, as tag: and group: do", async () => {
    expect(await select("status:UNKNOWN")).not.toContain("raw/orders");
    const withSources = await AssetSelection.fromString("status:UNKNOWN", { includeSources: true }).resolveWithInstance(defs, { healthSource: health });
    expect(withSources.map(String)).toContain("raw/orders");
    const bound = await AssetSelection.fromString("status:UNKNOWN").withStatusesResolved(defs, { healthSource: health });
    expect(bound.resolve(defs).map(String)).not.toContain("raw/orders");
  });

  it("combines with the rest of the grammar", async () => {
    expect(await select("+status:DEGRADED and group:sales")).toEqual(["customers", "order_items", "orders"]);
    expect(await select("status:HEALTHY and not kind:postgres")).toEqual(["orders"]);
    expect(await select("status:WARNING+1")).toEqual(["order_items", "revenue"]);
  });

  it("resolves selections without status: without asking the source", async () => {
    let asked = 0;
    const counting: AssetHealthSource = { getAssetHealth: async (graph) => (asked++, health.getAssetHealth(graph)) };
    expect(await select("group:sales", counting)).toEqual(["customers", "order_items", "orders"]);
    expect(asked).toBe(0);
    await select("status:HEALTHY", counting);
    expect(asked).toBe(1);
  });

  it("replaces status: by the assets that have it, for callers that resolve later without an instance", async () => {
    const bound = await AssetSelection.fromString("status:DEGRADED or key:orders").withStatusesResolved(defs, { healthSource: health });
    expect(bound.needsInstance()).toBe(false);
    expect(bound.resolve(defs).map(String).sort()).toEqual(["orders", "report"]);
  });

  it("needs an instance only when status: is in the tree", () => {
    expect(AssetSelection.fromString("not (group:sales or status:UNKNOWN)").needsInstance()).toBe(true);
    expect(AssetSelection.fromString("not group:sales").needsInstance()).toBe(false);
  });
});

describe("resolving status: without an instance", () => {
  it("throws a SelectionNeedsInstanceError naming resolveWithInstance", () => {
    const selection = AssetSelection.fromString("group:sales and status:DEGRADED");
    expect(() => selection.resolve(defs)).toThrow(SelectionNeedsInstanceError);
    expect(() => selection.resolve(defs)).toThrow(/status:DEGRADED.*resolveWithInstance\(defs, \{ instance \}\)/);
  });
});

describe("overall health from its parts, as the reference combines them", () => {
  it("is the worse of materialization and checks", () => {
    expect(overallHealth("HEALTHY", "DEGRADED")).toBe("DEGRADED");
    expect(overallHealth("DEGRADED", "HEALTHY")).toBe("DEGRADED");
    expect(overallHealth("HEALTHY", "WARNING")).toBe("WARNING");
    expect(overallHealth("UNKNOWN", "WARNING")).toBe("WARNING");
  });

  it("is UNKNOWN while the asset never materialized, even with passing checks", () => {
    expect(overallHealth("UNKNOWN", "HEALTHY")).toBe("UNKNOWN");
    expect(overallHealth("UNKNOWN", null)).toBe("UNKNOWN");
  });

  it("is HEALTHY when materialized and its checks pass, have not run, or do not exist", () => {
    expect(overallHealth("HEALTHY", "HEALTHY")).toBe("HEALTHY");
    expect(overallHealth("HEALTHY", "UNKNOWN")).toBe("HEALTHY");
    expect(overallHealth("HEALTHY", null)).toBe("HEALTHY");
  });
});
