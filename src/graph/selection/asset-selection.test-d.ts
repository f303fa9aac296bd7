import { describe, expectTypeOf, it } from "vitest";
import type { AssetKey } from "../../core/index.js";
import { AssetSelection } from "./asset-selection.js";
import type { SelectionNode } from "../../definitions/index.js";

describe("AssetSelection types", () => {
  it("takes the includeSources options after the names, and only there", () => {
    AssetSelection.groups("a", "b", { includeSources: true });
    AssetSelection.keyPrefixes("raw", ["a", "b"], { includeSources: true });
    // @ts-expect-error options come last
    AssetSelection.groups({ includeSources: true }, "a");
    // @ts-expect-error group names are strings
    AssetSelection.groups("a", 1);
    // @ts-expect-error tag() needs a value ("" for a tag present without one)
    AssetSelection.tag("tier");
  });

  it("resolves to asset keys, node indices and a mask", () => {
    expectTypeOf(AssetSelection.all().resolve).returns.toEqualTypeOf<AssetKey[]>();
    expectTypeOf(AssetSelection.all().resolveIndices).returns.toEqualTypeOf<number[]>();
    expectTypeOf(AssetSelection.all().resolveMask).returns.toEqualTypeOf<Uint8Array>();
  });

  it("combines only with other selections", () => {
    // @ts-expect-error a string must be parsed first (AssetSelection.fromString or AssetSelection.from)
    AssetSelection.all().or("orders");
    expectTypeOf(AssetSelection.all().minus(AssetSelection.assets("a"))).toEqualTypeOf<AssetSelection>();
  });

  it("exposes its tree as a discriminated union", () => {
    const node = AssetSelection.fromString("key:a+").node;
    expectTypeOf(node).toEqualTypeOf<SelectionNode>();
    if (node.type === "downstream") expectTypeOf(node.depth).toEqualTypeOf<number | null>();
  });
});
