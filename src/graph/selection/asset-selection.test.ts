import { describe, expect, it } from "vitest";
import { AssetKey, InvalidDefinitionError, UnknownAssetError } from "../../core/index.js";
import { AssetSpec, asset } from "../../definitions/index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetGraph } from "../asset-graph.js";
import { AssetSelection } from "./asset-selection.js";
import { UnknownAssetCheckError } from "./errors.js";
import { multiAssetOf, shop } from "./test-graphs.js";

const defs = shop();
const keys = (selection: AssetSelection, scope: Definitions = defs): string[] => selection.resolve(scope).map(String).sort();
const sorted = (...names: string[]): string[] => [...names].sort();

const MATERIALIZABLE = sorted(
  "orders",
  "customers",
  "order_items",
  "revenue",
  "churn",
  "report",
  "marketing/leads",
  "marketing/campaigns",
  "forecast/daily",
  "forecast/weekly",
  "standalone",
);
const EXTERNAL = sorted("raw/orders", "raw/customers", "dashboards/exec");

describe("AssetSelection.all", () => {
  it("selects every materializable asset and no external one by default", () => {
    expect(keys(AssetSelection.all())).toEqual(MATERIALIZABLE);
  });

  it("selects external assets too with includeSources", () => {
    expect(keys(AssetSelection.all({ includeSources: true }))).toEqual(sorted(...MATERIALIZABLE, ...EXTERNAL));
  });
});

describe("AssetSelection.assets and keys", () => {
  it("selects the named assets, given as strings, key paths, keys, definitions or specs", () => {
    const revenue = defs.getAssetsDef("revenue");
    expect(keys(AssetSelection.assets("orders", "marketing/leads", ["forecast", "daily"], new AssetKey("churn")))).toEqual(
      sorted("orders", "marketing/leads", "forecast/daily", "churn"),
    );
    expect(keys(AssetSelection.assets(revenue as never))).toEqual(["revenue"]);
  });

  it("selects every asset of a multi-asset definition passed to it", () => {
    const forecast = defs.getAssetsDef("forecast/daily");
    expect(keys(AssetSelection.assets(forecast as never))).toEqual(sorted("forecast/daily", "forecast/weekly"));
  });

  it("selects external assets named explicitly", () => {
    expect(keys(AssetSelection.assets("raw/orders"))).toEqual(["raw/orders"]);
  });

  it("selects nothing when given nothing", () => {
    expect(keys(AssetSelection.assets())).toEqual([]);
  });

  it("throws UnknownAssetError with near matches for a key that is not defined", () => {
    const selection = AssetSelection.assets("revenu");
    expect(() => selection.resolve(defs)).toThrow(UnknownAssetError);
    expect(() => selection.resolve(defs)).toThrow(/Did you mean "revenue"/);
  });

  it("keeps keys() as the older name of assets()", () => {
    expect(keys(AssetSelection.keys("orders", "marketing/leads"))).toEqual(sorted("orders", "marketing/leads"));
  });
});

describe("AssetSelection.keyPrefixes", () => {
  it("selects assets whose key starts with a prefix given as a string or segments", () => {
    expect(keys(AssetSelection.keyPrefixes("marketing"))).toEqual(sorted("marketing/leads", "marketing/campaigns"));
    expect(keys(AssetSelection.keyPrefixes(["forecast", "daily"], "marketing/leads"))).toEqual(sorted("forecast/daily", "marketing/leads"));
  });

  it("matches whole segments only", () => {
    expect(keys(AssetSelection.keyPrefixes("market"))).toEqual([]);
  });

  it("leaves out external assets unless includeSources is set", () => {
    expect(keys(AssetSelection.keyPrefixes("raw"))).toEqual([]);
    expect(keys(AssetSelection.keyPrefixes("raw", { includeSources: true }))).toEqual(sorted("raw/orders", "raw/customers"));
  });
});

describe("AssetSelection.groups", () => {
  it("selects the materializable assets of any of the groups", () => {
    expect(keys(AssetSelection.groups("sales", "marketing"))).toEqual(sorted("orders", "customers", "order_items", "marketing/leads", "marketing/campaigns"));
  });

  it("selects assets of the default group", () => {
    expect(keys(AssetSelection.groups("default"))).toEqual(["standalone"]);
  });

  it("leaves out external assets of the group unless includeSources is set", () => {
    expect(keys(AssetSelection.groups("raw_data"))).toEqual([]);
    expect(keys(AssetSelection.groups("raw_data", "finance", { includeSources: true }))).toEqual(
      sorted("raw/orders", "raw/customers", "revenue", "churn", "report", "forecast/daily", "forecast/weekly", "dashboards/exec"),
    );
  });
});

describe("AssetSelection.tag, kind and owner", () => {
  it("selects assets whose tag has exactly the value", () => {
    expect(keys(AssetSelection.tag("tier", "gold"))).toEqual(sorted("orders", "revenue"));
  });

  it("selects assets whose tag is present with an empty value when the value is empty", () => {
    expect(keys(AssetSelection.tag("tier", ""))).toEqual(["order_items"]);
  });

  it("takes external assets with the tag only with includeSources", () => {
    expect(keys(AssetSelection.tag("tier", "gold", { includeSources: true }))).toEqual(sorted("orders", "revenue", "raw/customers"));
  });

  it("parses key=value with tagString", () => {
    expect(keys(AssetSelection.tagString("pii=no"))).toEqual(["revenue"]);
    expect(() => AssetSelection.tagString("a=b=c")).toThrow(InvalidDefinitionError);
  });

  it("selects assets of a kind, or without kinds for null", () => {
    expect(keys(AssetSelection.kind("python"))).toEqual(sorted("orders", "customers"));
    expect(keys(AssetSelection.kind("tableau"))).toEqual([]);
    expect(keys(AssetSelection.kind("tableau", { includeSources: true }))).toEqual(["dashboards/exec"]);
    expect(keys(AssetSelection.kind(null))).toEqual(
      sorted("order_items", "revenue", "churn", "marketing/leads", "marketing/campaigns", "forecast/daily", "forecast/weekly", "standalone"),
    );
  });

  it("selects assets of an owner, external ones included", () => {
    expect(keys(AssetSelection.owner("team:sales"))).toEqual(sorted("orders", "marketing/campaigns"));
    expect(keys(AssetSelection.owner("team:crm"))).toEqual(["raw/customers"]);
    expect(keys(AssetSelection.owner(null))).toEqual([]);
  });
});

describe("downstream", () => {
  it("selects the assets and everything downstream by default, external assets included", () => {
    expect(keys(AssetSelection.assets("revenue").downstream())).toEqual(sorted("revenue", "report", "forecast/daily", "forecast/weekly", "dashboards/exec"));
  });

  it("stops at the given depth", () => {
    expect(keys(AssetSelection.assets("orders").downstream(1))).toEqual(sorted("orders", "order_items", "revenue"));
    expect(keys(AssetSelection.assets("orders").downstream(0))).toEqual(["orders"]);
  });

  it("counts depth from the nearest selected asset", () => {
    expect(keys(AssetSelection.assets("orders", "churn").downstream(1))).toEqual(sorted("orders", "order_items", "revenue", "churn", "report"));
  });

  it("leaves out the selection itself with includeSelf false", () => {
    expect(keys(AssetSelection.assets("churn").downstream(undefined, false))).toEqual(sorted("report", "dashboards/exec"));
  });

  it("leaves out every selected asset with includeSelf false, even one downstream of another", () => {
    expect(keys(AssetSelection.groups("sales").downstream(1, false))).toEqual(sorted("revenue", "churn", "marketing/leads"));
  });
});

describe("upstream", () => {
  it("selects the assets and their materializable upstream assets", () => {
    expect(keys(AssetSelection.assets("revenue").upstream())).toEqual(sorted("revenue", "orders", "order_items"));
  });

  it("stops at the given depth", () => {
    expect(keys(AssetSelection.assets("report").upstream(1))).toEqual(sorted("report", "revenue", "churn"));
    expect(keys(AssetSelection.assets("report").upstream(2))).toEqual(sorted("report", "revenue", "churn", "orders", "order_items", "customers"));
  });

  it("never returns external assets, not even selected ones, as in the reference", () => {
    expect(keys(AssetSelection.assets("dashboards/exec").upstream(1))).toEqual(["report"]);
    expect(keys(AssetSelection.assets("raw/orders").upstream())).toEqual([]);
  });

  it("leaves out the selection itself with includeSelf false", () => {
    expect(keys(AssetSelection.assets("report").upstream(1, false))).toEqual(sorted("revenue", "churn"));
    expect(keys(AssetSelection.groups("finance").upstream(undefined, false))).toEqual(sorted("orders", "order_items", "customers"));
  });

  it("rejects a negative or fractional depth", () => {
    expect(() => AssetSelection.all().upstream(-1)).toThrow(InvalidDefinitionError);
    expect(() => AssetSelection.all().downstream(1.5)).toThrow(InvalidDefinitionError);
  });
});

describe("roots and sinks", () => {
  it("selects the assets with no selected asset upstream as roots", () => {
    expect(keys(AssetSelection.groups("finance").roots())).toEqual(sorted("revenue", "churn"));
  });

  it("looks through unselected assets: an asset with a selected ancestor is not a root", () => {
    expect(keys(AssetSelection.assets("orders", "report").roots())).toEqual(["orders"]);
  });

  it("selects the assets with no selected asset downstream as sinks", () => {
    expect(keys(AssetSelection.groups("sales").sinks())).toEqual(sorted("order_items", "customers"));
    expect(keys(AssetSelection.assets("orders", "report").sinks())).toEqual(["report"]);
  });

  it("keeps external assets that are roots or sinks of the selection", () => {
    expect(keys(AssetSelection.all({ includeSources: true }).roots())).toEqual(sorted("raw/orders", "raw/customers", "standalone"));
    expect(keys(AssetSelection.all({ includeSources: true }).sinks())).toEqual(
      sorted("dashboards/exec", "forecast/daily", "forecast/weekly", "marketing/campaigns", "standalone"),
    );
  });

  it("keeps sources() as the older name of roots()", () => {
    expect(keys(AssetSelection.groups("finance").sources())).toEqual(keys(AssetSelection.groups("finance").roots()));
  });
});

describe("materializable, upstreamSourceAssets and requiredMultiAssetNeighbors", () => {
  it("removes external assets with materializable()", () => {
    expect(keys(AssetSelection.assets("raw/orders", "orders").materializable())).toEqual(["orders"]);
  });

  it("selects the external assets upstream of the selection with upstreamSourceAssets()", () => {
    expect(keys(AssetSelection.assets("report").upstreamSourceAssets())).toEqual(sorted("raw/orders", "raw/customers"));
    expect(keys(AssetSelection.assets("orders").upstreamSourceAssets())).toEqual(["raw/orders"]);
    expect(keys(AssetSelection.assets("standalone").upstreamSourceAssets())).toEqual([]);
  });

  it("adds the other assets of a multi-asset that cannot run in part", () => {
    expect(keys(AssetSelection.assets("forecast/daily").requiredMultiAssetNeighbors())).toEqual(sorted("forecast/daily", "forecast/weekly"));
  });

  it("adds nothing for single assets and external assets", () => {
    expect(keys(AssetSelection.assets("revenue", "raw/orders").requiredMultiAssetNeighbors())).toEqual(sorted("revenue", "raw/orders"));
  });
});

describe("or, and, minus", () => {
  it("unites selections with or", () => {
    expect(keys(AssetSelection.assets("orders").or(AssetSelection.groups("marketing")))).toEqual(sorted("orders", "marketing/leads", "marketing/campaigns"));
  });

  it("intersects selections with and", () => {
    expect(keys(AssetSelection.groups("finance").and(AssetSelection.tag("tier", "gold")))).toEqual(["revenue"]);
  });

  it("subtracts a selection with minus", () => {
    expect(keys(AssetSelection.groups("sales").minus(AssetSelection.assets("orders")))).toEqual(sorted("customers", "order_items"));
    expect(keys(AssetSelection.groups("sales").minus(AssetSelection.groups("sales")))).toEqual([]);
  });

  it("flattens chains of or and of and, as the reference does", () => {
    const [a, b, c] = ["orders", "revenue", "churn"].map((k) => AssetSelection.assets(k)) as [AssetSelection, AssetSelection, AssetSelection];
    expect(a.or(b).or(c).node).toEqual(a.or(b.or(c)).node);
    expect(a.or(b).or(c).node).toMatchObject({ type: "or", operands: { length: 3 } });
    expect(a.and(b).and(c).node).toMatchObject({ type: "and", operands: { length: 3 } });
    expect(a.and(b.or(c)).node.type).toBe("and");
  });

  it("rejects an operand that is not a selection", () => {
    expect(() => AssetSelection.all().or("orders" as never)).toThrow(/AssetSelection.from/);
  });
});

describe("checks", () => {
  it("selects no assets with the check selections", () => {
    expect(keys(AssetSelection.allAssetChecks())).toEqual([]);
    expect(keys(AssetSelection.checksForAssets("orders"))).toEqual([]);
    expect(keys(AssetSelection.checks({ assetKey: "orders", name: "not_empty" }))).toEqual([]);
  });

  it("resolves to no checks while definitions declare none", () => {
    expect(AssetSelection.all().resolveChecks(defs)).toEqual([]);
    expect(AssetSelection.allAssetChecks().resolveChecks(defs)).toEqual([]);
  });

  it("reports a named check that no definition supplies", () => {
    expect(() => AssetSelection.checks({ assetKey: "orders", name: "not_empty" }).resolveChecks(defs)).toThrow(UnknownAssetCheckError);
  });

  it("leaves the assets alone with withoutChecks()", () => {
    expect(keys(AssetSelection.groups("sales").withoutChecks())).toEqual(keys(AssetSelection.groups("sales")));
  });
});

describe("resolve", () => {
  it("resolves against Definitions, an AssetGraph or a list of assets alike", () => {
    const selection = AssetSelection.assets("report").upstream(1);
    const graph = AssetGraph.of(defs);
    expect(selection.resolve(graph).map(String).sort()).toEqual(keys(selection));
    expect(selection.resolve(defs.assets).map(String).sort()).toEqual(keys(selection));
  });

  it("returns ascending node indices from resolveIndices", () => {
    const graph = AssetGraph.of(defs);
    const indices = AssetSelection.groups("finance").resolveIndices(graph);
    expect(indices).toEqual([...indices].sort((x, y) => x - y));
    expect(indices.map((i) => graph.ids[i]).sort()).toEqual(keys(AssetSelection.groups("finance")));
  });

  it("treats dependencies that are not declared as external assets", () => {
    const b = asset({ name: "b", deps: ["upstream_table"] }, () => 1);
    const small = new Definitions({ assets: [b] });
    expect(keys(AssetSelection.all(), small)).toEqual(["b"]);
    expect(keys(AssetSelection.all({ includeSources: true }), small)).toEqual(sorted("b", "upstream_table"));
    expect(keys(AssetSelection.assets("b").upstreamSourceAssets(), small)).toEqual(["upstream_table"]);
  });

  it("works on a graph of one multi-asset and its external input", () => {
    const source = new AssetSpec("source");
    const pair = multiAssetOf("pair", [new AssetSpec("left", { deps: [source] }), new AssetSpec("right", { deps: ["left"] })]);
    const small = new Definitions({ assets: [source, pair] });
    expect(keys(AssetSelection.assets("right").upstream(), small)).toEqual(sorted("left", "right"));
    expect(keys(AssetSelection.assets("right").requiredMultiAssetNeighbors(), small)).toEqual(sorted("left", "right"));
  });
});

describe("AssetSelection.from", () => {
  it("takes a selection string, strings, keys, definitions or a selection", () => {
    expect(keys(AssetSelection.from("orders+"))).toEqual(sorted("orders", "order_items", "revenue"));
    expect(keys(AssetSelection.from(["orders", "group:marketing"]))).toEqual(sorted("orders", "marketing/leads", "marketing/campaigns"));
    expect(keys(AssetSelection.from([new AssetKey("churn")]))).toEqual(["churn"]);
    const selection = AssetSelection.all();
    expect(AssetSelection.from(selection)).toBe(selection);
  });
});

describe("immutability", () => {
  it("freezes the selection and its tree", () => {
    const selection = AssetSelection.groups("a", "b").downstream(2);
    expect(Object.isFrozen(selection)).toBe(true);
    expect(Object.isFrozen(selection.node)).toBe(true);
    const node = selection.node;
    if (node.type !== "downstream" || node.child.type !== "groups") throw new Error("unexpected tree");
    expect(Object.isFrozen(node.child)).toBe(true);
    expect(Object.isFrozen(node.child.groups)).toBe(true);
  });

  it("leaves the original unchanged when deriving a selection", () => {
    const base = AssetSelection.assets("orders");
    base.downstream();
    base.or(AssetSelection.all());
    expect(keys(base)).toEqual(["orders"]);
  });
});
