// Cases of Dagster's asset_defs_tests/test_asset_selection.py on tags and owners (`tag`, `tag_string`, `owner`,
// `from_string("tag:…")`), ported to Tessera's AssetSelection on multi-assets made of specs.
import { describe, expect, it } from "vitest";
import { AssetSpec, multiAsset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "./asset-selection.js";

const keysOf = (selection: AssetSelection, defs: Definitions): string[] => selection.resolve(defs).map(String).sort();

describe("reference cases: test_asset_selection.py — tags and owners", () => {
  const tagged = new Definitions({
    assets: [
      multiAsset(
        {
          name: "assets",
          specs: [
            new AssetSpec("asset1", { tags: { foo: "fooval" } }),
            new AssetSpec("asset2", { tags: { foo: "fooval2" } }),
            new AssetSpec("asset3", { tags: { foo: "fooval", bar: "barval" } }),
            new AssetSpec("asset4", { tags: { bar: "barval" } }),
            new AssetSpec("asset5", { tags: { baz: "" } }),
            new AssetSpec("asset6", { tags: { baz: "", bar: "barval" } }),
          ],
        },
        () => undefined,
      ),
    ],
  });

  it("test_tag", () => {
    expect(keysOf(AssetSelection.tag("foo", "fooval"), tagged)).toEqual(["asset1", "asset3"]);
  });

  it("test_tag_string", () => {
    expect(keysOf(AssetSelection.tagString("foo=fooval"), tagged)).toEqual(["asset1", "asset3"]);
    expect(keysOf(AssetSelection.tagString("foo"), tagged)).toEqual([]);
    expect(keysOf(AssetSelection.tagString("baz"), tagged)).toEqual(["asset5", "asset6"]);
  });

  it("test_from_string_tag", () => {
    expect(AssetSelection.fromString("tag:foo=bar").equals(AssetSelection.tag("foo", "bar"))).toBe(true);
    expect(AssetSelection.fromString("tag:foo").equals(AssetSelection.tag("foo", ""))).toBe(true);
    expect(keysOf(AssetSelection.fromString("tag:foo=fooval"), tagged)).toEqual(["asset1", "asset3"]);
  });

  it("test_owner", () => {
    const owned = new Definitions({
      assets: [
        multiAsset(
          {
            name: "assets",
            specs: [
              new AssetSpec("asset1", { owners: ["owner1@owner.com"] }),
              new AssetSpec("asset2", { owners: ["owner2@owner.com"] }),
              new AssetSpec("asset3", { owners: ["owner1@owner.com"] }),
              new AssetSpec("asset4", { owners: ["owner2@owner.com"] }),
            ],
          },
          () => undefined,
        ),
      ],
    });
    expect(keysOf(AssetSelection.owner("owner1@owner.com"), owned)).toEqual(["asset1", "asset3"]);
  });

  it("test_multi_operand_selection", () => {
    const foo = AssetSelection.assets("foo");
    const bar = AssetSelection.assets("bar");
    const baz = AssetSelection.assets("baz");
    // Chains of one operator flatten (printed in Tessera's selection grammar, `key:"foo"`), whichever way they are grouped; mixed operators keep their grouping.
    expect(foo.and(bar).and(baz).equals(foo.and(bar.and(baz)))).toBe(true);
    expect(foo.or(bar).or(baz).equals(foo.or(bar.or(baz)))).toBe(true);
    expect(foo.and(bar).and(baz).toString()).toBe('key:"foo" and key:"bar" and key:"baz"');
    expect(foo.or(bar.or(baz)).toString()).toBe('key:"foo" or key:"bar" or key:"baz"');
    expect(foo.and(bar).or(baz).equals(foo.and(bar.or(baz)))).toBe(false);
    // `and` binds tighter than `or`, so Tessera prints this one without the reference's parentheses.
    expect(foo.and(bar).or(baz).toString()).toBe('key:"foo" and key:"bar" or key:"baz"');
    // …and the string parses back to the same grouping (a parsed `key:"foo"` is a key pattern, so compare strings).
    expect(AssetSelection.fromString(foo.and(bar).or(baz).toString()).toString()).toBe('key:"foo" and key:"bar" or key:"baz"');
    expect(foo.and(bar.or(baz)).toString()).toBe('key:"foo" and (key:"bar" or key:"baz")');
  });
});
