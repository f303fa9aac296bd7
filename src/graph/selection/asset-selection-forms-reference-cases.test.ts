// Cases of Dagster's asset_defs_tests/test_asset_selection.py not in the other ports: selection strings (printing
// and the classic grammar), key wildcards, kinds, the deprecated sources(), multi-partitioned self-dependencies,
// code locations and the attributes only a workspace or an instance can answer.
import { describe, expect, it, vi } from "vitest";
import {
  AssetIn,
  AssetKey,
  AssetSpec,
  DailyPartitionsDefinition,
  IdentityPartitionMapping,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  SelectionSyntaxError,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
  asset,
  multiAsset,
} from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "./asset-selection.js";
import { SelectionNeedsInstanceError, UnsupportedSelectionError } from "./errors.js";

const keysOf = (selection: AssetSelection, scope: Definitions): string[] => selection.resolve(scope).map(String).sort();
const keyWildcard = (pattern: string): AssetSelection => new AssetSelection({ type: "keyWildcard", pattern });
const specs = (...items: AssetSpec[]): Definitions => new Definitions({ assets: [multiAsset({ name: "assets", specs: items }, () => undefined)] });

describe("reference cases: test_asset_selection.py — strings, wildcards, kinds and the rest", () => {
  const alice = asset("alice", () => "alice");
  const bob = asset({ name: "bob", ins: { alice } }, () => "bob");
  const zebra = asset({ name: "zebra", keyPrefix: "animals" }, () => "zebra");
  const people = new Definitions({ assets: [alice, bob, zebra] });

  it("test_asset_selection_keys: keys print as a union of key: terms", () => {
    expect(String(AssetSelection.keys(new AssetKey("alice"), new AssetKey("bob")))).toBe('key:"alice" or key:"bob"');
    expect(String(AssetSelection.keys("alice", "bob", "carol", "dave"))).toBe('key:"alice" or key:"bob" or key:"carol" or key:"dave"');
    expect(keysOf(AssetSelection.keys("animals/zebra"), people)).toEqual(["animals/zebra"]);
  });

  it("test_asset_selection_assets: definitions select their assets", () => {
    expect(keysOf(AssetSelection.assets(alice, bob), people)).toEqual(["alice", "bob"]);
  });

  it("test_sources: the deprecated name of roots() warns, and selects the roots", () => {
    const warning = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const a = asset("a", () => 1);
      const b = asset({ name: "b", ins: { a } }, () => 1);
      const c = asset({ name: "c", ins: { b } }, () => 1);
      expect(keysOf(AssetSelection.assets("a", "b", "c").sources(), new Definitions({ assets: [a, b, c] }))).toEqual(["a"]);
      expect(warning).toHaveBeenCalledWith(expect.stringMatching(/sources\(\) is deprecated.*roots\(\)/), expect.objectContaining({ type: "DeprecationWarning" }));
    } finally {
      warning.mockRestore();
    }
  });

  it("test_self_dep [multi-partitions: previous day, same letter]", () => {
    const partitionsDef = new MultiPartitionsDefinition({
      time: new DailyPartitionsDefinition({ startDate: "2020-01-01" }),
      abc: new StaticPartitionsDefinition(["a", "b", "c"]),
    });
    const partitionMapping = new MultiPartitionMapping({
      time: { dimensionName: "time", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) },
      abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
    });
    const a = asset({ name: "a", partitionsDef, ins: { a: new AssetIn({ key: "a", partitionMapping }) } }, () => 1);
    const scope = new Definitions({ assets: [a] });
    expect(keysOf(AssetSelection.assets("a"), scope)).toEqual(["a"]);
    expect(keysOf(AssetSelection.assets("a").upstream(), scope)).toEqual(["a"]);
    expect(keysOf(AssetSelection.assets("a").upstream(undefined, false), scope)).toEqual([]);
    expect(keysOf(AssetSelection.assets("a").roots(), scope)).toEqual(["a"]);
    expect(keysOf(AssetSelection.assets("a").sinks(), scope)).toEqual(["a"]);
  });

  it("test_to_string_basic", () => {
    expect(String(AssetSelection.assets("foo"))).toBe('key:"foo"');
    expect(String(AssetSelection.assets(new AssetKey(["foo", "bar"])))).toBe('key:"foo/bar"');
    expect(String(AssetSelection.assets("foo", "bar"))).toBe('key:"foo" or key:"bar"');
    expect(String(AssetSelection.assets(new AssetKey(["foo", "bar"]), new AssetKey("baz")))).toBe('key:"foo/bar" or key:"baz"');
    expect(String(AssetSelection.all())).toBe("*");
    expect(String(AssetSelection.groups("marketing"))).toBe('group:"marketing"');
    expect(String(AssetSelection.groups("marketing", "finance"))).toBe('group:"marketing" or group:"finance"');
    expect(String(AssetSelection.groups())).toBe("group:<null>");
    expect(String(AssetSelection.groups(""))).toBe('group:""');
    expect(String(AssetSelection.kind(null))).toBe("kind:<null>");
    expect(String(AssetSelection.kind(""))).toBe('kind:""');
    expect(String(AssetSelection.tag("", ""))).toBe('tag:""');
    expect(String(AssetSelection.owner(null))).toBe("owner:<null>");
    expect(String(AssetSelection.owner(""))).toBe('owner:""');
    // The reference builds these from classes Tessera does not export; the parsed attributes print the same.
    for (const [text, printed] of [
      ["code_location:<null>", "code_location:<null>"],
      ["column:<null>", "column:<null>"],
      ['column:""', 'column:""'],
      ["column_tag:fake", 'column_tag:"fake"'],
      ['column_tag:""', 'column_tag:""'],
      ["table_name:<null>", "table_name:<null>"],
      ['table_name:""', 'table_name:""'],
      ["changed_in_branch:<null>", "changed_in_branch:<null>"],
      ['changed_in_branch:""', 'changed_in_branch:""'],
      ["kind:dbt", 'kind:"dbt"'],
      ["owner:dbt", 'owner:"dbt"'],
      ["tag:foo=bar", 'tag:"foo"="bar"'],
      ["tag:foo", 'tag:"foo"'],
      ["key:prefix/thing", 'key:"prefix/thing"'],
      ['key:"prefix/thing*"', 'key:"prefix/thing*"'],
      ["column:foo", 'column:"foo"'],
    ] as const) {
      expect(AssetSelection.fromString(text).toSelectionString(), text).toBe(printed);
    }
    expect(() => AssetSelection.fromString("kind: or *")).toThrow(SelectionSyntaxError);
  });

  it("test_to_string_binary_operators (differences of named keys print as the keys left: see docs/fidelity.md)", () => {
    const fooBar = AssetSelection.assets(new AssetKey(["foo", "bar"]));
    const baz = AssetSelection.assets("baz");
    const bork = AssetSelection.assets("bork");
    expect(String(fooBar.or(baz))).toBe('key:"foo/bar" or key:"baz"');
    expect(String(fooBar.and(baz))).toBe('key:"foo/bar" and key:"baz"');
    expect(String(fooBar.or(baz).or(bork))).toBe('key:"foo/bar" or key:"baz" or key:"bork"');
    expect(String(fooBar.and(baz).and(bork))).toBe('key:"foo/bar" and key:"baz" and key:"bork"');
    expect(String(fooBar.or(baz.or(bork)))).toBe('key:"foo/bar" or key:"baz" or key:"bork"');
    expect(String(fooBar.and(baz.and(bork)))).toBe('key:"foo/bar" and key:"baz" and key:"bork"');
    // `and` binds tighter than `or`: Tessera leaves out the reference's parentheses (the string parses back the same).
    expect(String(fooBar.or(baz.and(bork)))).toBe('key:"foo/bar" or key:"baz" and key:"bork"');
    expect(String(fooBar.and(baz.or(bork)))).toBe('key:"foo/bar" and (key:"baz" or key:"bork")');
    expect(String(AssetSelection.assets("foo/bar", "baz").and(bork))).toBe('(key:"foo/bar" or key:"baz") and key:"bork"');
    expect(String(bork.and(AssetSelection.assets("foo/bar", "baz")))).toBe('key:"bork" and (key:"foo/bar" or key:"baz")');
    expect(String(bork.or(AssetSelection.assets("foo/bar", "baz")))).toBe('key:"bork" or (key:"foo/bar" or key:"baz")');
    expect(String(AssetSelection.groups("foo", "bar").and(AssetSelection.groups("baz", "bork")))).toBe('(group:"foo" or group:"bar") and (group:"baz" or group:"bork")');
    expect(String(AssetSelection.assets("foo/bar", "baz").or(bork))).toBe('(key:"foo/bar" or key:"baz") or key:"bork"');
    // The reference prints `key:"foo/bar" and not key:"baz"` and nests further differences; in Tessera's default
    // grammar `not` ranges over materializable assets only, so a difference of named keys prints the keys left.
    expect(String(fooBar.minus(baz))).toBe('key:"foo/bar"');
    expect(String(fooBar.minus(baz).minus(bork))).toBe('key:"foo/bar"');
    expect(String(fooBar.minus(baz.minus(bork)))).toBe('key:"foo/bar"');
    expect(String(fooBar.minus(fooBar.or(baz)))).toBe("not *");
    // With includeSources the reference's form is written.
    expect(fooBar.minus(baz).toSelectionString({ includeSources: true })).toBe('key:"foo/bar" and not key:"baz"');
  });

  it("test_from_string: the classic grammar builds the same selections as the methods", () => {
    expect(AssetSelection.fromString("*").equals(AssetSelection.all())).toBe(true);
    expect(AssetSelection.fromString("my_asset").equals(AssetSelection.assets("my_asset"))).toBe(true);
    expect(AssetSelection.fromString("*my_asset").equals(AssetSelection.assets("my_asset").upstream())).toBe(true);
    expect(AssetSelection.fromString("+my_asset").equals(AssetSelection.assets("my_asset").upstream(1))).toBe(true);
    expect(AssetSelection.fromString("++my_asset").equals(AssetSelection.assets("my_asset").upstream(2))).toBe(true);
    expect(AssetSelection.fromString("my_asset*").equals(AssetSelection.assets("my_asset").downstream())).toBe(true);
    expect(AssetSelection.fromString("my_asset+").equals(AssetSelection.assets("my_asset").downstream(1))).toBe(true);
    expect(AssetSelection.fromString("my_asset++").equals(AssetSelection.assets("my_asset").downstream(2))).toBe(true);
    // Both directions, united upstream first (the reference unites downstream first; the same assets).
    const mine = AssetSelection.assets("my_asset");
    expect(AssetSelection.fromString("+my_asset+").equals(mine.upstream(1).or(mine.downstream(1)))).toBe(true);
    expect(AssetSelection.fromString("*my_asset*").equals(mine.upstream().or(mine.downstream()))).toBe(true);
    expect(AssetSelection.fromString("tag:foo=bar").equals(AssetSelection.tag("foo", "bar"))).toBe(true);
    expect(AssetSelection.fromString("tag:foo").equals(AssetSelection.tag("foo", ""))).toBe(true);
    expect(AssetSelection.fromString("key:prefix/thing").equals(keyWildcard("prefix/thing"))).toBe(true);
    expect(AssetSelection.fromString('key:"prefix/thing*"').equals(keyWildcard("prefix/thing*"))).toBe(true);
  });

  it("test_key_wildcard", () => {
    const scope = specs(
      ...["asset1", "asset2", "asset3", "asset4"].map((k) => new AssetSpec(k)),
      ...["asset1", "asset2", "asset3"].map((k) => new AssetSpec(["prefix", k])),
    );
    expect(keysOf(keyWildcard("asset"), scope)).toEqual([]);
    expect(keysOf(keyWildcard("asset1"), scope)).toEqual(["asset1"]);
    expect(keysOf(keyWildcard("prefix/*"), scope)).toEqual(["prefix/asset1", "prefix/asset2", "prefix/asset3"]);
    expect(keysOf(keyWildcard("*/asset*"), scope)).toEqual(["prefix/asset1", "prefix/asset2", "prefix/asset3"]);
  });

  it("test_kind: a kind, the empty kind, and no kind", () => {
    const scope = specs(new AssetSpec("asset1", { kinds: ["my_kind"] }), new AssetSpec("asset2", { kinds: [""] }), new AssetSpec("asset3"));
    expect(keysOf(AssetSelection.kind("my_kind"), scope)).toEqual(["asset1"]);
    expect(keysOf(AssetSelection.kind(""), scope)).toEqual(["asset2"]);
    expect(keysOf(AssetSelection.kind(null), scope)).toEqual(["asset3"]);
  });

  it("test_code_location: resolved only knowing the location's name", () => {
    const myAsset = asset("my_asset", () => 1);
    const scope = new Definitions({ assets: [myAsset] });
    const selection = AssetSelection.fromString("code_location:code_location1");
    expect(() => selection.resolve(scope)).toThrow(UnsupportedSelectionError);
    expect(selection.resolve(scope, { codeLocation: "code_location1" }).map(String)).toEqual(["my_asset"]);
    expect(selection.resolve(scope, { codeLocation: "code_location2" })).toEqual([]);
  });

  it("test_column, test_table_name, test_column_tag, test_changed_in_branch, test_status: parsed, but not resolved from definitions", () => {
    const scope = new Definitions({ assets: [asset("my_asset", () => 1)] });
    for (const text of ["column:column1", "table_name:table_name1", "column_tag:key1=value1", "changed_in_branch:branch1"]) {
      const selection = AssetSelection.fromString(text);
      expect(() => selection.resolve(scope), text).toThrow(UnsupportedSelectionError);
    }
    // The health of assets is in an instance: resolveWithInstance answers it (see status-selection.test.ts).
    expect(() => AssetSelection.fromString("status:HEALTHY").resolve(scope)).toThrow(SelectionNeedsInstanceError);
  });
});
