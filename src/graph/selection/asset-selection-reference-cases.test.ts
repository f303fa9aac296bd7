// Cases of Dagster's asset_defs_tests/test_asset_selection.py, ported to Tessera's API on the same asset graph.
import { describe, expect, it } from "vitest";
import { AssetIn, AssetOut, AssetSpec, DailyPartitionsDefinition, DataVersion, TimeWindowPartitionMapping, asset, multiAsset, observableSourceAsset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "./asset-selection.js";

const earth = new AssetSpec(["celestial", "earth"], { groupName: "planets" });
const alice = asset({ name: "alice", groupName: "ladies", ins: { earth: new AssetIn({ key: ["celestial", "earth"] }) } }, () => "alice");
const bob = asset({ name: "bob", groupName: "gentlemen", ins: { alice } }, () => "bob");
const candace = asset({ name: "candace", groupName: "ladies", ins: { alice } }, () => "candace");
const danny = asset({ name: "danny", groupName: "gentlemen", ins: { candace } }, () => "danny");
const edgar = asset({ name: "edgar", groupName: "gentlemen", ins: { danny } }, () => "edgar");
const fiona = asset({ name: "fiona", groupName: "ladies", ins: { danny } }, () => "fiona");
const george = asset({ name: "george", groupName: "gentlemen", ins: { bob, fiona } }, () => "george");
const robots = multiAsset({ name: "robots", groupName: "robots", outs: { rosie: new AssetOut(), r2d2: new AssetOut(), walle: new AssetOut() } }, () => ({ rosie: 1, r2d2: 2, walle: 3 }));
const aliens = multiAsset({ name: "aliens", groupName: "aliens", canSubset: true, outs: { zorg: new AssetOut(), zapp: new AssetOut(), zort: new AssetOut() } }, () => ({ zorg: 1, zapp: 2, zort: 3 }));
const zebra = asset({ name: "zebra", keyPrefix: "animals" }, () => "zebra");

const defs = new Definitions({ assets: [earth, alice, bob, candace, danny, edgar, fiona, george, robots, aliens, zebra] });
const keys = (selection: AssetSelection, scope: Definitions = defs): string[] => selection.resolve(scope).map(String).sort();
const of = (...names: string[]): string[] => [...names].sort();
const ROBOTS = ["rosie", "r2d2", "walle"];
const ALIENS = ["zorg", "zapp", "zort"];
const EVERY_MATERIALIZABLE = of("alice", "bob", "candace", "danny", "edgar", "fiona", "george", ...ROBOTS, ...ALIENS, "animals/zebra");

describe("reference cases: test_asset_selection.py", () => {
  it("test_asset_selection_all", () => {
    expect(keys(AssetSelection.all())).toEqual(EVERY_MATERIALIZABLE);
    expect(keys(AssetSelection.all({ includeSources: true }))).toEqual(of(...EVERY_MATERIALIZABLE, "celestial/earth"));
  });

  it("test_asset_selection_and", () => {
    expect(keys(AssetSelection.assets("alice", "bob").and(AssetSelection.assets("bob", "candace")))).toEqual(["bob"]);
  });

  it("test_asset_selection_downstream", () => {
    expect(keys(AssetSelection.assets("candace").downstream())).toEqual(of("candace", "danny", "edgar", "fiona", "george"));
    expect(keys(AssetSelection.assets("candace").downstream(1))).toEqual(of("candace", "danny"));
  });

  it("test_asset_selection_groups", () => {
    expect(keys(AssetSelection.groups("ladies", "planets"))).toEqual(of("alice", "candace", "fiona"));
    expect(keys(AssetSelection.groups("planets", { includeSources: true }))).toEqual(["celestial/earth"]);
  });

  it("test_asset_selection_keys", () => {
    expect(keys(AssetSelection.keys("alice", "bob"))).toEqual(of("alice", "bob"));
    expect(keys(AssetSelection.keys("animals/zebra"))).toEqual(["animals/zebra"]);
  });

  it("test_asset_selection_key_prefixes", () => {
    expect(keys(AssetSelection.keyPrefixes("animals"))).toEqual(["animals/zebra"]);
    expect(keys(AssetSelection.keyPrefixes("plants"))).toEqual([]);
    expect(keys(AssetSelection.keyPrefixes("celestial"))).toEqual([]);
    expect(keys(AssetSelection.keyPrefixes("celestial", { includeSources: true }))).toEqual(["celestial/earth"]);
  });

  it("test_select_source_asset_keys", () => {
    const a = new AssetSpec("a");
    expect(keys(AssetSelection.keys("a"), new Definitions({ assets: [a] }))).toEqual(["a"]);
  });

  it("test_asset_selection_or and test_asset_selection_subtraction", () => {
    expect(keys(AssetSelection.assets("alice", "bob").or(AssetSelection.assets("bob", "candace")))).toEqual(of("alice", "bob", "candace"));
    expect(keys(AssetSelection.assets("alice", "bob").minus(AssetSelection.assets("bob", "candace")))).toEqual(["alice"]);
    expect(keys(AssetSelection.groups("ladies").minus(AssetSelection.groups("gentlemen")))).toEqual(of("alice", "candace", "fiona"));
    expect(keys(AssetSelection.groups("ladies").or(AssetSelection.assets("bob")).minus(AssetSelection.groups("ladies")))).toEqual(["bob"]);
  });

  it("test_asset_selection_nothing", () => {
    expect(keys(AssetSelection.assets())).toEqual([]);
    expect(keys(AssetSelection.groups("ladies").minus(AssetSelection.groups("ladies")))).toEqual([]);
    expect(keys(AssetSelection.assets("alice", "bob").minus(AssetSelection.assets("alice", "bob")))).toEqual([]);
  });

  it("test_asset_selection_sinks", () => {
    expect(keys(AssetSelection.assets("alice", "bob").sinks())).toEqual(["bob"]);
    expect(keys(AssetSelection.all().sinks())).toEqual(of("edgar", "george", ...ROBOTS, ...ALIENS, "animals/zebra"));
    expect(keys(AssetSelection.groups("ladies").sinks())).toEqual(["fiona"]);
  });

  it("test_asset_selection_required_multi_asset_neighbors", () => {
    expect(keys(AssetSelection.assets("george").requiredMultiAssetNeighbors())).toEqual(["george"]);
    expect(keys(AssetSelection.assets("rosie").requiredMultiAssetNeighbors())).toEqual(of(...ROBOTS));
    expect(keys(AssetSelection.assets("alice", "bob", "walle").requiredMultiAssetNeighbors())).toEqual(of("alice", "bob", ...ROBOTS));
    expect(keys(AssetSelection.assets("zorg").requiredMultiAssetNeighbors())).toEqual(["zorg"]);
  });

  it("test_asset_selection_upstream", () => {
    expect(keys(AssetSelection.assets("george").upstream())).toEqual(of("alice", "bob", "candace", "danny", "fiona", "george"));
    expect(keys(AssetSelection.assets("george").upstream(1))).toEqual(of("bob", "fiona", "george"));
  });

  it("test_downstream_include_self", () => {
    expect(keys(AssetSelection.assets("candace").downstream(undefined, false))).toEqual(of("danny", "edgar", "fiona", "george"));
    expect(keys(AssetSelection.groups("gentlemen").downstream(undefined, false))).toEqual(["fiona"]);
    expect(keys(AssetSelection.groups("ladies").downstream(undefined, false))).toEqual(of("george", "danny", "bob", "edgar"));
  });

  it("test_upstream_include_self", () => {
    expect(keys(AssetSelection.assets("george").upstream(undefined, false))).toEqual(of("danny", "fiona", "alice", "bob", "candace"));
    expect(keys(AssetSelection.groups("gentlemen").upstream(undefined, false))).toEqual(of("fiona", "alice", "candace"));
    expect(keys(AssetSelection.groups("ladies").upstream(undefined, false))).toEqual(["danny"]);
  });

  it("test_asset_selection_source_assets", () => {
    expect(keys(AssetSelection.assets("alice").upstreamSourceAssets())).toEqual(["celestial/earth"]);
    expect(keys(AssetSelection.assets("george").upstreamSourceAssets())).toEqual(["celestial/earth"]);
  });

  it("test_roots", () => {
    const a = asset("a", () => 1);
    const b = asset({ name: "b", ins: { a } }, () => 1);
    const c = asset({ name: "c", ins: { b } }, () => 1);
    const chain = new Definitions({ assets: [a, b, c] });
    expect(keys(AssetSelection.assets("a", "b", "c").roots(), chain)).toEqual(["a"]);
    expect(keys(AssetSelection.assets("a", "c").roots(), chain)).toEqual(["a"]);
    expect(keys(AssetSelection.assets("b", "c").roots(), chain)).toEqual(["b"]);
    expect(keys(AssetSelection.assets("c").roots(), chain)).toEqual(["c"]);
  });

  it("test_materializable", () => {
    const sourceUpstream = new AssetSpec("source_upstream");
    const obs = observableSourceAsset({ name: "obs_source_upstream" }, () => new DataVersion("1"));
    const b = asset({ name: "b", deps: [sourceUpstream, obs] }, () => 1);
    const c = asset({ name: "c", ins: { b } }, () => 1);
    const scope = new Definitions({ assets: [sourceUpstream, obs, b, c] });
    const selection = AssetSelection.assets("source_upstream", "obs_source_upstream", "b", "c");
    expect(keys(selection, scope)).toEqual(of("source_upstream", "obs_source_upstream", "b", "c"));
    expect(keys(selection.materializable(), scope)).toEqual(of("b", "c"));
  });

  it("test_self_dep (daily, previous partition of itself)", () => {
    const a = asset(
      { name: "a", partitionsDef: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), ins: { a: new AssetIn({ key: "a", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) }) } },
      () => 1,
    );
    const scope = new Definitions({ assets: [a] });
    expect(keys(AssetSelection.assets("a"), scope)).toEqual(["a"]);
    expect(keys(AssetSelection.assets("a").upstream(), scope)).toEqual(["a"]);
    expect(keys(AssetSelection.assets("a").upstream(undefined, false), scope)).toEqual([]);
    expect(keys(AssetSelection.assets("a").roots(), scope)).toEqual(["a"]);
    expect(keys(AssetSelection.assets("a").sinks(), scope)).toEqual(["a"]);
  });

  it("test_from_coercible_multi_asset and test_from_coercible_tuple", () => {
    const pair = multiAsset({ name: "my_multi_asset", outs: { asset1: new AssetOut(), asset2: new AssetOut() } }, () => ({ asset1: 1, asset2: 2 }));
    const other = asset("other_asset", () => 1);
    const scope = new Definitions({ assets: [pair, other] });
    expect(keys(AssetSelection.from([pair]), scope)).toEqual(["asset1", "asset2"]);
    const foo = asset("foo", () => 1);
    const bar = asset("bar", () => 1);
    expect(keys(AssetSelection.from([foo, bar]), new Definitions({ assets: [foo, bar] }))).toEqual(["bar", "foo"]);
  });
});
