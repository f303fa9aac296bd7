import { describe, expect, it } from "vitest";
import { UnknownAssetError } from "../../core/index.js";
import { AssetSelection } from "./asset-selection.js";
import { UnsupportedSelectionError } from "./errors.js";
import { shop } from "./test-graphs.js";

const defs = shop();
const select = (text: string, options: { includeSources?: boolean } = {}): string[] =>
  AssetSelection.fromString(text, options).resolve(defs).map(String).sort();
const sorted = (...names: string[]): string[] => [...names].sort();

describe("the classic syntax", () => {
  it("selects one asset by name", () => {
    expect(select("orders")).toEqual(["orders"]);
  });

  it("selects an asset by its key path prefix/name", () => {
    expect(select("marketing/leads")).toEqual(["marketing/leads"]);
  });

  it("selects everything upstream with *name", () => {
    expect(select("*report")).toEqual(sorted("report", "revenue", "churn", "orders", "order_items", "customers"));
  });

  it("selects everything downstream with name*", () => {
    expect(select("churn*")).toEqual(sorted("churn", "report", "dashboards/exec"));
  });

  it("selects one level up per + before the name", () => {
    expect(select("+report")).toEqual(sorted("report", "revenue", "churn"));
    expect(select("++report")).toEqual(sorted("report", "revenue", "churn", "orders", "order_items", "customers"));
  });

  it("selects one level down per + after the name", () => {
    expect(select("orders++")).toEqual(sorted("orders", "order_items", "revenue", "report", "forecast/daily", "forecast/weekly"));
  });

  it("combines both directions in *name+", () => {
    expect(select("*revenue+")).toEqual(sorted("orders", "order_items", "revenue", "report", "forecast/daily", "forecast/weekly"));
  });

  it("selects everything with * alone", () => {
    expect(select("*")).toEqual(AssetSelection.all().resolve(defs).map(String).sort());
  });

  it("unites a comma list", () => {
    expect(select("orders, churn+")).toEqual(sorted("orders", "churn", "report"));
  });

  it("mixes classic and attribute parts in a comma list", () => {
    expect(select("standalone,group:marketing")).toEqual(sorted("standalone", "marketing/leads", "marketing/campaigns"));
  });

  it("reports an unknown name with near matches", () => {
    expect(() => select("*revenu")).toThrow(UnknownAssetError);
    expect(() => select("*revenu")).toThrow(/Did you mean "revenue"/);
  });

  it("accepts keys with dashes and dots, which Tessera keys may hold", () => {
    const selection = AssetSelection.fromString("*my-asset.v2+");
    expect(selection.toSelectionString()).toBe('+key:"my-asset.v2" or key:"my-asset.v2"+1');
  });
});

describe("attribute expressions", () => {
  it("selects by exact key with key:", () => {
    expect(select("key:orders")).toEqual(["orders"]);
    expect(select("key:marketing/leads")).toEqual(["marketing/leads"]);
  });

  it("matches keys with * wildcards, across segments", () => {
    expect(select("key:marketing/*")).toEqual(sorted("marketing/leads", "marketing/campaigns"));
    expect(select("key:*s")).toEqual(sorted("orders", "customers", "order_items", "raw/orders", "raw/customers", "marketing/leads", "marketing/campaigns"));
    expect(select('key:"*"')).toEqual(AssetSelection.all({ includeSources: true }).resolve(defs).map(String).sort());
  });

  it("selects nothing, without an error, for a key: that matches no asset", () => {
    expect(select("key:nothing_here")).toEqual([]);
  });

  it("takes quoted values for keys with other characters", () => {
    expect(select('key:"forecast/daily"')).toEqual(["forecast/daily"]);
  });

  it("selects by tag value with tag:k=v and by an empty tag value with tag:k", () => {
    expect(select("tag:tier=gold")).toEqual(sorted("orders", "revenue"));
    expect(select("tag:tier")).toEqual(["order_items"]);
    expect(select('tag:"tier"="gold"')).toEqual(sorted("orders", "revenue"));
  });

  it("reads <null> as no value: tag:<null> selects nothing, tag:k=<null> an empty value", () => {
    expect(select("tag:<null>")).toEqual([]);
    expect(select("tag:tier=<null>")).toEqual(["order_items"]);
  });

  it("falls back to the reference's plain tag:key=value form for characters the grammar needs quoted", () => {
    const selection = AssetSelection.fromString("tag:team=data-eng.core");
    expect(selection.node).toEqual({ type: "tag", key: "team", value: "data-eng.core", includeSources: false });
  });

  it("selects by group, owner and kind", () => {
    expect(select("group:marketing")).toEqual(sorted("marketing/leads", "marketing/campaigns"));
    expect(select('owner:"team:sales"')).toEqual(sorted("orders", "marketing/campaigns"));
    expect(select('owner:"ana@example.com"')).toEqual(["revenue"]);
    expect(select("kind:python")).toEqual(sorted("orders", "customers"));
  });

  it("reads group:, kind: and owner: with <null>", () => {
    expect(select("group:<null>")).toEqual([]);
    expect(select("owner:<null>")).toEqual([]);
    expect(select("kind:<null>")).toEqual(AssetSelection.kind(null).resolve(defs).map(String).sort());
  });

  it("matches groups with a quoted wildcard", () => {
    expect(select('group:"*ing"')).toEqual(sorted("marketing/leads", "marketing/campaigns"));
  });

  it("selects external or materializable assets with is:", () => {
    expect(select("is:external")).toEqual(sorted("raw/orders", "raw/customers", "dashboards/exec"));
    expect(select("is:materializable")).toEqual(AssetSelection.all().resolve(defs).map(String).sort());
  });

  it("takes the keywords sensor, schedule and job as plain values", () => {
    expect(select("group:job")).toEqual([]);
  });
});

describe("traversals in the attribute syntax", () => {
  it("selects everything upstream with +key:a and everything downstream with key:a+", () => {
    expect(select("+key:revenue")).toEqual(sorted("revenue", "orders", "order_items"));
    expect(select("key:churn+")).toEqual(sorted("churn", "report", "dashboards/exec"));
  });

  it("selects two levels upstream with 2+key:a", () => {
    expect(select("2+key:report")).toEqual(sorted("report", "revenue", "churn", "orders", "order_items", "customers"));
  });

  it("selects one level downstream with key:a+1", () => {
    expect(select("key:orders+1")).toEqual(sorted("orders", "order_items", "revenue"));
  });

  it("selects both directions with 1+key:a+1", () => {
    expect(select("1+key:revenue+1")).toEqual(sorted("orders", "order_items", "revenue", "report", "forecast/daily", "forecast/weekly"));
  });

  it("treats 0 as no traversal", () => {
    expect(select("0+key:revenue+0")).toEqual(["revenue"]);
  });

  it("traverses from a parenthesized expression or a function call", () => {
    expect(select("(key:orders or key:customers)+1")).toEqual(sorted("orders", "customers", "order_items", "revenue", "churn", "marketing/leads"));
    expect(select("+sinks(group:sales)")).toEqual(sorted("order_items", "orders", "customers"));
  });

  it("never returns external assets upstream, as the reference does", () => {
    expect(select("+key:orders")).toEqual(["orders"]);
  });
});

describe("boolean operators", () => {
  it("intersects with and", () => {
    expect(select("group:finance and tag:tier=gold")).toEqual(["revenue"]);
  });

  it("unites with or", () => {
    expect(select("key:orders or key:churn")).toEqual(sorted("orders", "churn"));
  });

  it("complements materializable assets with not", () => {
    expect(select("not group:finance")).toEqual(sorted("orders", "customers", "order_items", "marketing/leads", "marketing/campaigns", "standalone"));
  });

  it("complements all assets with not when includeSources is set", () => {
    expect(select("not group:finance", { includeSources: true })).toEqual(
      sorted("raw/orders", "raw/customers", "orders", "customers", "order_items", "marketing/leads", "marketing/campaigns", "standalone"),
    );
  });

  it("accepts AND, OR and NOT in capitals", () => {
    expect(select("NOT group:finance AND kind:python OR key:churn")).toEqual(sorted("orders", "customers", "churn"));
  });

  it("binds not tighter than and, and and tighter than or", () => {
    expect(select("key:standalone or group:sales and not key:orders")).toEqual(sorted("standalone", "customers", "order_items"));
    expect(select("not key:orders and group:sales")).toEqual(sorted("customers", "order_items"));
  });

  it("groups with parentheses", () => {
    expect(select("(key:standalone or group:sales) and not key:orders")).toEqual(sorted("standalone", "customers", "order_items"));
  });

  it("applies not to a traversal as a whole", () => {
    expect(select("not key:customers+ and group:sales")).toEqual(sorted("orders", "order_items"));
  });

  it("accepts * as an operand", () => {
    expect(select("* and tag:tier=gold")).toEqual(sorted("orders", "revenue"));
    expect(select("not *")).toEqual([]);
  });
});

describe("functions", () => {
  it("selects roots(expr) and sinks(expr)", () => {
    expect(select("roots(group:finance)")).toEqual(sorted("revenue", "churn"));
    expect(select("sinks(group:sales)")).toEqual(sorted("order_items", "customers"));
  });

  it("nests functions and operators", () => {
    expect(select("roots(sinks(*) or key:revenue)")).toEqual(sorted("revenue", "marketing/campaigns", "standalone"));
  });
});

describe("attributes that need more than definitions", () => {
  it("parses status: but refuses to resolve it without an instance, naming resolveWithInstance", () => {
    const selection = AssetSelection.fromString("status:healthy and group:finance");
    expect(() => selection.resolve(defs)).toThrow(UnsupportedSelectionError);
    expect(() => selection.resolve(defs)).toThrow(/status:HEALTHY cannot be resolved.*instance.*resolveWithInstance/);
  });

  it("parses the other state attributes of the reference and refuses each at resolution", () => {
    for (const text of ["column:id", "table_name:t", "column_tag:pii=yes", "changed_in_branch:any", "automation_type:eager", "sensor:s", "schedule:s", "job:j", "not_materialized_in_hours:24"]) {
      expect(() => AssetSelection.fromString(text).resolve(defs), text).toThrow(UnsupportedSelectionError);
    }
  });

  it("answers code_location: when told the location's name, and refuses without it", () => {
    expect(() => select("code_location:shop")).toThrow(/codeLocation/);
    const selection = AssetSelection.fromString("code_location:shop");
    expect(selection.resolve(defs, { codeLocation: "shop" })).toHaveLength(14);
    expect(selection.resolve(defs, { codeLocation: "other" })).toEqual([]);
  });
});

describe("which grammar a string is read in", () => {
  it("reads a bare name classically and key:name as an attribute, to the same asset", () => {
    expect(AssetSelection.fromString("orders").node.type).toBe("keys");
    expect(AssetSelection.fromString("key:orders").node.type).toBe("keyWildcard");
  });

  it("reads + before a name as one level classically but unlimited in the attribute syntax", () => {
    expect(select("+report")).toEqual(sorted("report", "revenue", "churn"));
    expect(select("+key:report")).toEqual(sorted("report", "revenue", "churn", "orders", "order_items", "customers"));
  });

  it("reads reserved words alone as classic names", () => {
    expect(AssetSelection.fromString("sinks").node).toMatchObject({ type: "keys" });
    expect(AssetSelection.fromString("not").node).toMatchObject({ type: "keys" });
  });

  it("keeps the includeSources option for the attribute syntax only", () => {
    expect(AssetSelection.fromString("*", { includeSources: true }).node).toEqual({ type: "all", includeSources: true });
    expect(AssetSelection.fromString("tag:a=b.c", { includeSources: true }).node).toMatchObject({ includeSources: false });
  });
});
