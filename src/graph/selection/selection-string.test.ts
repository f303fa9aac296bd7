import { describe, expect, it } from "vitest";
import { AssetSelection } from "./asset-selection.js";
import { SelectionNotExpressibleError } from "../../definitions/index.js";
import { shop } from "./test-graphs.js";

const defs = shop();
const keys = (selection: AssetSelection): string[] => selection.resolve(defs).map(String).sort();

function expectRoundTrip(selection: AssetSelection, includeSources = false): string {
  const text = selection.toSelectionString({ includeSources });
  expect(keys(AssetSelection.fromString(text, { includeSources })), text).toEqual(keys(selection));
  return text;
}

describe("toSelectionString", () => {
  it("writes leaves as quoted attributes", () => {
    expect(AssetSelection.assets("marketing/leads").toSelectionString()).toBe('key:"marketing/leads"');
    expect(AssetSelection.groups("sales").toSelectionString()).toBe('group:"sales"');
    expect(AssetSelection.tag("tier", "gold").toSelectionString()).toBe('tag:"tier"="gold"');
    expect(AssetSelection.tag("tier", "").toSelectionString()).toBe('tag:"tier"');
    expect(AssetSelection.kind(null).toSelectionString()).toBe("kind:<null>");
    expect(AssetSelection.owner("team:sales").toSelectionString()).toBe('owner:"team:sales"');
    expect(AssetSelection.all().toSelectionString()).toBe("*");
  });

  it("writes traversals with their depths", () => {
    expect(AssetSelection.assets("a").upstream().toSelectionString()).toBe('+key:"a"');
    expect(AssetSelection.assets("a").upstream(2).toSelectionString()).toBe('2+key:"a"');
    expect(AssetSelection.assets("a").downstream(1).toSelectionString()).toBe('key:"a"+1');
    expect(AssetSelection.assets("a").downstream(0).toSelectionString()).toBe('key:"a"+0');
  });

  it("adds parentheses only where the grammar needs them", () => {
    expect(AssetSelection.groups("a", "b").downstream(2).toSelectionString()).toBe('(group:"a" or group:"b")+2');
    expect(AssetSelection.assets("a").or(AssetSelection.assets("b").and(AssetSelection.assets("c"))).toSelectionString()).toBe(
      'key:"a" or key:"b" and key:"c"',
    );
    expect(AssetSelection.assets("a").or(AssetSelection.assets("b")).and(AssetSelection.assets("c")).toSelectionString()).toBe(
      '(key:"a" or key:"b") and key:"c"',
    );
    expect(AssetSelection.assets("a").downstream().upstream(1).toSelectionString()).toBe('1+(key:"a"+)');
    expect(AssetSelection.all().upstream().toSelectionString()).toBe("+(*)");
    expect(AssetSelection.all().minus(AssetSelection.assets("a").downstream()).toSelectionString()).toBe('not key:"a"+');
  });

  it("writes excluded selves as a difference", () => {
    expect(AssetSelection.groups("g").upstream(1, false).toSelectionString()).toBe('1+group:"g" and not group:"g"');
  });

  it("writes an empty selection as not *", () => {
    expect(AssetSelection.assets().toSelectionString()).toBe("not *");
    expectRoundTrip(AssetSelection.assets());
  });
});

describe("round trips", () => {
  const strings = [
    "*",
    "orders",
    "*report",
    "orders++",
    "*revenue+",
    "+report+",
    "orders, churn+",
    "key:marketing/*",
    "tag:tier",
    "tag:tier=gold and not group:finance",
    "tag:<null> or kind:<null>",
    "owner:<null> or group:<null>",
    "2+key:report+1",
    "0+key:revenue",
    "roots(sinks(*) or key:revenue)",
    "(key:orders or key:customers)+1 and not key:churn",
    "not not key:orders",
    "not *",
    "+(*) and is:materializable",
    "is:external",
    'group:"*ing"',
    "tag:team=data-eng.core",
    "status:healthy or column_tag:pii=yes or not_materialized_in_hours:007",
  ];

  it.each(strings)("parses %s, writes it and parses it back to the same assets", (text) => {
    const selection = AssetSelection.fromString(text);
    const written = selection.toSelectionString();
    const again = AssetSelection.fromString(written);
    expect(again.toSelectionString()).toBe(written);
    if (!/status|column_tag/.test(text)) expect(keys(again)).toEqual(keys(selection));
  });

  it("round-trips selections built in code, external assets included", () => {
    expectRoundTrip(AssetSelection.all({ includeSources: true }));
    expectRoundTrip(AssetSelection.keyPrefixes("marketing", ["forecast", "daily"]));
    expectRoundTrip(AssetSelection.keyPrefixes("raw", { includeSources: true }));
    expectRoundTrip(AssetSelection.assets("raw/orders", "orders").materializable());
    expectRoundTrip(AssetSelection.assets("raw/orders", "orders").minus(AssetSelection.assets("orders")));
    expectRoundTrip(AssetSelection.assets("raw/orders", "orders").minus(AssetSelection.groups("sales")));
    expectRoundTrip(AssetSelection.groups("finance").downstream(undefined, false));
    expectRoundTrip(AssetSelection.assets("dashboards/exec").upstream(2, false));
    expectRoundTrip(AssetSelection.groups("finance").minus(AssetSelection.assets("dashboards/exec")));
  });

  it("round-trips every expressible selection when written for includeSources: true", () => {
    const selections = [
      AssetSelection.all(),
      AssetSelection.groups("raw_data", "finance", { includeSources: true }),
      AssetSelection.groups("finance"),
      AssetSelection.tag("tier", "gold", { includeSources: true }),
      AssetSelection.kind("tableau", { includeSources: true }).or(AssetSelection.kind(null)),
      AssetSelection.keyPrefixes("raw"),
      AssetSelection.owner("team:crm").minus(AssetSelection.assets("raw/orders")),
      AssetSelection.assets("report").downstream().minus(AssetSelection.groups("finance", { includeSources: true })),
      AssetSelection.all({ includeSources: true }).roots(),
    ];
    for (const selection of selections) expectRoundTrip(selection, true);
  });
});

describe("selections without a string form", () => {
  it("refuses the selections the reference cannot write either", () => {
    expect(() => AssetSelection.assets("a").requiredMultiAssetNeighbors().toSelectionString()).toThrow(SelectionNotExpressibleError);
    expect(() => AssetSelection.assets("a").upstreamSourceAssets().toSelectionString()).toThrow(SelectionNotExpressibleError);
    expect(() => AssetSelection.allAssetChecks().toSelectionString()).toThrow(SelectionNotExpressibleError);
  });

  it("refuses external assets of a group for the default includeSources: false, and points to the option", () => {
    const selection = AssetSelection.groups("raw_data", { includeSources: true });
    expect(() => selection.toSelectionString()).toThrow(/includeSources: true/);
    expect(expectRoundTrip(selection, true)).toBe('group:"raw_data"');
  });

  it("refuses a difference of two selections that may both hold external assets, which includeSources: true can write", () => {
    for (const selection of [
      AssetSelection.owner("team:crm").minus(AssetSelection.assets("raw/orders")),
      AssetSelection.assets("revenue").downstream(undefined, false),
    ]) {
      expect(() => selection.toSelectionString()).toThrow(SelectionNotExpressibleError);
      expectRoundTrip(selection, true);
    }
  });

  it("refuses values a quoted string cannot hold", () => {
    expect(() => AssetSelection.tag("note", 'say "hi"').toSelectionString()).toThrow(SelectionNotExpressibleError);
  });

  it("falls back to a plain description in toString", () => {
    expect(String(AssetSelection.assets("a").upstreamSourceAssets())).toBe("AssetSelection(upstreamSources)");
    expect(String(AssetSelection.assets("a"))).toBe('key:"a"');
  });
});
