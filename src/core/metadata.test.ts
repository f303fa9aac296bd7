import { describe, expect, it } from "vitest";
import { AssetKey } from "./asset-key.js";
import { MetadataValue, coerceMetadata, renderMetadataValue } from "./metadata.js";

describe("metadata values", () => {
  it("builds each typed value", () => {
    expect(MetadataValue.int(3)).toEqual({ type: "int", value: 3 });
    expect(MetadataValue.float(1.5)).toEqual({ type: "float", value: 1.5 });
    expect(MetadataValue.text("x")).toEqual({ type: "text", value: "x" });
    expect(MetadataValue.md("# h")).toEqual({ type: "md", value: "# h" });
    expect(MetadataValue.url("https://example.com")).toEqual({ type: "url", value: "https://example.com" });
    expect(MetadataValue.path("/tmp/x")).toEqual({ type: "path", value: "/tmp/x" });
    expect(MetadataValue.bool(true)).toEqual({ type: "bool", value: true });
    expect(MetadataValue.timestamp(new Date(5))).toEqual({ type: "timestamp", value: 5 });
    expect(MetadataValue.json({ a: [1] })).toEqual({ type: "json", value: { a: [1] } });
    expect(MetadataValue.assetKey("a/b")).toEqual({ type: "asset", value: ["a", "b"] });
    expect(MetadataValue.null()).toEqual({ type: "null", value: null });
    expect(MetadataValue.tableSchema([{ name: "id", type: "int" }])).toEqual({ type: "table_schema", value: { columns: [{ name: "id", type: "int" }] } });
    expect(MetadataValue.table([{ id: 1 }]).value.records).toEqual([{ id: 1 }]);
  });

  it("rejects a fraction as an int", () => {
    expect(() => MetadataValue.int(1.5)).toThrow(/MetadataValue.float/);
  });

  it("coerces plain values as the reference does", () => {
    const coerced = coerceMetadata({
      rows: 10,
      ratio: 0.5,
      name: "orders",
      ok: false,
      when: new Date(7),
      upstream: new AssetKey("raw"),
      nothing: null,
      extra: { nested: [1, 2] },
      typed: MetadataValue.md("**x**"),
    });
    expect(coerced).toEqual({
      rows: { type: "int", value: 10 },
      ratio: { type: "float", value: 0.5 },
      name: { type: "text", value: "orders" },
      ok: { type: "bool", value: false },
      when: { type: "timestamp", value: 7 },
      upstream: { type: "asset", value: ["raw"] },
      nothing: { type: "null", value: null },
      extra: { type: "json", value: { nested: [1, 2] } },
      typed: { type: "md", value: "**x**" },
    });
  });

  it("refuses values that cannot be stored, naming the entry", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => coerceMetadata({ bad: cyclic })).toThrow(/entry "bad"/);
    expect(() => coerceMetadata({ fn: () => 1 })).toThrow(/entry "fn"/);
  });

  it("renders values for the terminal", () => {
    expect(renderMetadataValue(MetadataValue.table([{ a: 1 }, { a: 2 }]))).toBe("table (2 rows)");
    expect(renderMetadataValue(MetadataValue.int(4))).toBe("4");
  });
});
