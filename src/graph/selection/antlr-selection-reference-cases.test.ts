// Cases of Dagster's asset_defs_tests/test_antlr_asset_selection.py (the attribute grammar: string → selection)
// and core_tests/selector_tests/test_subset_selector.py (the classic `*a+` clauses), ported to Tessera's API.
// The reference compares selection objects; Tessera's selections compare by their tree (`equals`), and each
// case also resolves the selection on the reference's a → b → c graph.
import { describe, expect, it } from "vitest";
import { UnknownAssetError } from "../../core/index.js";
import { parseAttributeSelection } from "../../definitions/selection/attribute-parser.js";
import { KEYWORDS } from "../../definitions/selection/attribute-lexer.js";
import { SelectionSyntaxError } from "../../definitions/index.js";
import {
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  MultiPartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionsDefinition,
  asset,
} from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetGraph } from "../asset-graph.js";
import { AssetSelection } from "./asset-selection.js";
import { SelectionNeedsInstanceError, UnsupportedSelectionError } from "./errors.js";

const parse = (text: string): AssetSelection => AssetSelection.fromString(text, { includeSources: true });
const keyWildcard = (pattern: string): AssetSelection => new AssetSelection({ type: "keyWildcard", pattern });
const groupWildcard = (pattern: string): AssetSelection => new AssetSelection({ type: "groupWildcard", pattern, includeSources: true });
const unresolvable = (attribute: string, text: string): AssetSelection => new AssetSelection({ type: "unresolvable", attribute, text });

// test_antlr_visit_basic's graph: a → b → c.
const a = asset({ name: "a", tags: { foo: "bar" }, owners: ["team:billing"] }, () => 1);
const b = asset({ name: "b", deps: [a], kinds: ["python", "snowflake"] }, () => 1);
const c = asset({ name: "c", deps: [b], groupName: "my_group" }, () => 1);
const abc = new Definitions({ assets: [a, b, c] });
const keys = (selection: AssetSelection, scope: Definitions = abc): string[] => selection.resolve(scope).map(String).sort();

describe("reference cases: test_antlr_asset_selection.py", () => {
  // The reference compares ANTLR's parse-tree string; Tessera's parser builds the selection directly, so
  // the case checks that the string parses and that the selection's string parses back to the same selection.
  const TREE_CASES = [
    "*",
    "key:a",
    'key:"*/a+"',
    "sinks(key:a)",
    "roots(key:a)",
    "tag:foo=bar",
    'owner:"owner@owner.com"',
    "owner:<null>",
    'group:"my_group"',
    "kind:my_kind",
    "is:external",
    "is:materializable",
    "code_location:my_location",
    "(((key:a)))",
    "not key:a",
    "key:a and key:b",
    "key:a or key:b",
  ];
  for (const text of TREE_CASES) {
    it(`test_antlr_tree[${text}]`, () => {
      const parsed = parseAttributeSelection(text, { includeSources: true });
      expect(parsed.ok).toBe(true);
      const selection = parse(text);
      expect(parse(selection.toSelectionString({ includeSources: true })).equals(selection)).toBe(true);
    });
  }

  it("test_antlr_tree[(((key:a)))] parentheses leave no trace in the selection", () => {
    expect(parse("(((key:a)))").equals(keyWildcard("a"))).toBe(true);
  });

  const INVALID = [
    "+",
    "*+",
    "**key:a",
    "not",
    "key:a key:b",
    "key:a and and",
    "key:a and",
    "sinks",
    "owner",
    "tag:foo=",
    "owner:owner@owner.com",
    "owner:<none>",
    "key:<fake>",
    "is:nonsense",
    "is:observable",
  ];
  for (const text of INVALID) {
    it(`test_antlr_tree_invalid[${text}]`, () => {
      const parsed = parseAttributeSelection(text, { includeSources: true });
      expect(parsed.ok).toBe(false);
    });
  }

  it("test_antlr_tree_invalid: fromString also refuses them, except the words a classic clause or the plain tag form reads", () => {
    // As the reference's string selection does, fromString falls back to a classic clause (`sinks` and `owner`
    // are asset names there) and to the verbatim `tag:key=value` form (`tag:foo=` is the tag foo with an empty value).
    const fallbacks = new Set(["not", "sinks", "owner", "tag:foo="]);
    for (const text of INVALID.filter((t) => !fallbacks.has(t))) {
      expect(() => AssetSelection.fromString(text), text).toThrow(SelectionSyntaxError);
    }
    expect(AssetSelection.fromString("not").node).toMatchObject({ type: "keys" });
    expect(AssetSelection.fromString("sinks").node).toMatchObject({ type: "keys" });
    expect(AssetSelection.fromString("owner").node).toMatchObject({ type: "keys" });
    expect(AssetSelection.fromString("tag:foo=").equals(AssetSelection.tag("foo", ""))).toBe(true);
  });

  it("test_antlr_tree_invalid: the error names the column and what was expected", () => {
    expect(() => AssetSelection.fromString("key:a and")).toThrow(/column/);
    expect(() => AssetSelection.fromString("is:observable")).toThrow(/`external`.*`materializable`|`materializable`.*`external`/);
  });

  const VISIT_CASES: [string, AssetSelection][] = [
    ["key:a", keyWildcard("a")],
    ['key:"*/a+"', keyWildcard("*/a+")],
    ["key:prefix/thing", keyWildcard("prefix/thing")],
    ["not key:a", AssetSelection.all({ includeSources: true }).minus(keyWildcard("a"))],
    ["NOT key:a", AssetSelection.all({ includeSources: true }).minus(keyWildcard("a"))],
    ["key:a and key:b", keyWildcard("a").and(keyWildcard("b"))],
    ["key:a AND key:b", keyWildcard("a").and(keyWildcard("b"))],
    ["key:a or key:b", keyWildcard("a").or(keyWildcard("b"))],
    ["key:a OR key:b", keyWildcard("a").or(keyWildcard("b"))],
    ["1+key:a", keyWildcard("a").upstream(1)],
    ["2+key:a", keyWildcard("a").upstream(2)],
    ["key:a+1", keyWildcard("a").downstream(1)],
    ["key:a+2", keyWildcard("a").downstream(2)],
    ["1+key:a+1", keyWildcard("a").upstream(1).or(keyWildcard("a").downstream(1))],
    ["+key:a", keyWildcard("a").upstream()],
    ["key:a+", keyWildcard("a").downstream()],
    // The reference builds downstream | upstream here; Tessera always puts upstream first (same assets).
    ["+key:a+", keyWildcard("a").upstream().or(keyWildcard("a").downstream())],
    ["key:a+ and +key:b", keyWildcard("a").downstream().and(keyWildcard("b").upstream())],
    [
      "+key:a and key:b+ and +key:c+",
      keyWildcard("a").upstream().and(keyWildcard("b").downstream(), keyWildcard("c").upstream().or(keyWildcard("c").downstream())),
    ],
    ["sinks(key:a)", keyWildcard("a").sinks()],
    ["roots(key:c)", keyWildcard("c").roots()],
    ["tag:foo", AssetSelection.tag("foo", "", { includeSources: true })],
    ["tag:foo=bar", AssetSelection.tag("foo", "bar", { includeSources: true })],
    ['owner:"owner@owner.com"', AssetSelection.owner("owner@owner.com")],
    ["group:my_group", AssetSelection.groups("my_group", { includeSources: true })],
    ["group:marketing/foo/bar", AssetSelection.groups("marketing/foo/bar", { includeSources: true })],
    ['group:"marketing/*"', groupWildcard("marketing/*")],
    ['group:"*"', groupWildcard("*")],
    ["kind:my_kind", AssetSelection.kind("my_kind", { includeSources: true })],
    ["is:external", new AssetSelection({ type: "is", attribute: "external" })],
    ["is:materializable", new AssetSelection({ type: "is", attribute: "materializable" })],
    ["code_location:my_location", new AssetSelection({ type: "codeLocation", location: "my_location" })],
    ["status:healthy", new AssetSelection({ type: "status", status: "HEALTHY", includeSources: true })],
    ["not_materialized_in_hours:24", unresolvable("not_materialized_in_hours", "not_materialized_in_hours:24")],
    ["column:my_column", unresolvable("column", 'column:"my_column"')],
    ["table_name:my_table", unresolvable("table_name", 'table_name:"my_table"')],
    ["column_tag:my_key=my_value", unresolvable("column_tag", 'column_tag:"my_key"="my_value"')],
    ["changed_in_branch:any", unresolvable("changed_in_branch", 'changed_in_branch:"any"')],
    ["partitions:static", new AssetSelection({ type: "partitions", partitions: "static" })],
    ["automation_type:sensor/run_status", unresolvable("automation_type", 'automation_type:"sensor/run_status"')],
    ["sensor:my_sensor", unresolvable("sensor", 'sensor:"my_sensor"')],
    ["schedule:my_schedule", unresolvable("schedule", 'schedule:"my_schedule"')],
    ["job:my_job", unresolvable("job", 'job:"my_job"')],
    ['tag:"<null>"', AssetSelection.tag("<null>", "", { includeSources: true })],
    ['tag:""', AssetSelection.tag("", "", { includeSources: true })],
    ['tag:"fake"=""', AssetSelection.tag("fake", "", { includeSources: true })],
    ["owner:<null>", AssetSelection.owner(null)],
    ["group:<null>", AssetSelection.groups({ includeSources: true })],
    ["kind:<null>", AssetSelection.kind(null, { includeSources: true })],
    ["code_location:<null>", new AssetSelection({ type: "codeLocation", location: null })],
    ["column:<null>", unresolvable("column", "column:<null>")],
    ["table_name:<null>", unresolvable("table_name", "table_name:<null>")],
    ["column_tag:fake=<null>", unresolvable("column_tag", 'column_tag:"fake"')],
    ["changed_in_branch:<null>", unresolvable("changed_in_branch", "changed_in_branch:<null>")],
    ["partitions:<null>", new AssetSelection({ type: "partitions", partitions: null })],
    ["automation_type:<null>", unresolvable("automation_type", "automation_type:<null>")],
    ["sensor:<null>", unresolvable("sensor", "sensor:<null>")],
    ["schedule:<null>", unresolvable("schedule", "schedule:<null>")],
    ["job:<null>", unresolvable("job", "job:<null>")],
  ];
  for (const [text, expected] of VISIT_CASES) {
    it(`test_antlr_visit_basic[${text}]`, () => {
      const selection = parse(text);
      expect(selection.node).toEqual(expected.node);
      const again = parse(selection.toSelectionString({ includeSources: true }));
      expect(again.node).toEqual(expected.node);
    });
  }

  it("test_antlr_visit_basic: the parsed selections resolve on a → b → c as the reference's", () => {
    expect(keys(parse("key:a"))).toEqual(["a"]);
    expect(keys(parse("not key:a"))).toEqual(["b", "c"]);
    expect(keys(parse("key:a+1"))).toEqual(["a", "b"]);
    expect(keys(parse("+key:c"))).toEqual(["a", "b", "c"]);
    expect(keys(parse("1+key:b+1"))).toEqual(["a", "b", "c"]);
    expect(keys(parse("key:a+ and +key:b"))).toEqual(["a", "b"]);
    expect(keys(parse("sinks(key:a or key:b)"))).toEqual(["b"]);
    expect(keys(parse("roots(key:c)"))).toEqual(["c"]);
    expect(keys(parse("tag:foo=bar"))).toEqual(["a"]);
    expect(keys(parse('owner:"team:billing"'))).toEqual(["a"]);
    expect(keys(parse("kind:snowflake"))).toEqual(["b"]);
    expect(keys(parse("group:my_group"))).toEqual(["c"]);
    expect(keys(parse('group:"my_*"'))).toEqual(["c"]);
    expect(keys(parse("is:materializable"))).toEqual(["a", "b", "c"]);
    expect(keys(parse("is:external"))).toEqual([]);
    expect(keys(parse("partitions:none"))).toEqual(["a", "b", "c"]);
    expect(AssetSelection.fromString("code_location:here").resolve(abc, { codeLocation: "here" }).map(String).sort()).toEqual(["a", "b", "c"]);
  });

  it("test_antlr_visit_basic: attributes of state the definitions do not hold are refused when resolved, naming the attribute", () => {
    expect(() => parse("status:healthy").resolve(abc)).toThrow(SelectionNeedsInstanceError);
    for (const text of ["not_materialized_in_hours:24", "column:my_column", "table_name:t", "column_tag:k=v", "changed_in_branch:any", "automation_type:sensor/run_status", "sensor:s", "schedule:s", "job:j"]) {
      expect(() => parse(text).resolve(abc), text).toThrow(UnsupportedSelectionError);
      expect(() => parse(text).resolve(abc), text).toThrow(text.split(":")[0] as string);
    }
  });

  it("test_full_test_coverage: every keyword of the grammar is under test in test_antlr_visit_basic", () => {
    const texts = VISIT_CASES.map(([text]) => text);
    for (const word of [...KEYWORDS, "and", "or", "not", "<null>", "*", "+", "(", ")", "=", ":"]) {
      expect(
        texts.some((t) => t.toLowerCase().includes(word)),
        `keyword ${word} is not under test`,
      ).toBe(true);
    }
  });

  it("test_partitions_asset_selection_resolve", () => {
    const unpartitioned = asset("unpartitioned", () => 1);
    const staticPartitioned = asset({ name: "static_partitioned", partitionsDef: new StaticPartitionsDefinition(["a", "b"]) }, () => 1);
    const dynamicPartitioned = asset({ name: "dynamic_partitioned", partitionsDef: new DynamicPartitionsDefinition({ name: "dynamic" }) }, () => 1);
    const timePartitioned = asset(
      { name: "time_partitioned", partitionsDef: new TimeWindowPartitionsDefinition({ start: "2020-01-01", cronSchedule: "@daily", fmt: "%Y-%m-%d" }) },
      () => 1,
    );
    const dailyPartitioned = asset({ name: "daily_partitioned", partitionsDef: new DailyPartitionsDefinition({ startDate: "2020-01-01" }) }, () => 1);
    const multiPartitioned = asset(
      {
        name: "multi_partitioned",
        partitionsDef: new MultiPartitionsDefinition({
          date: new DailyPartitionsDefinition({ startDate: "2020-01-01" }),
          color: new StaticPartitionsDefinition(["red", "blue"]),
        }),
      },
      () => 1,
    );
    const scope = new Definitions({ assets: [unpartitioned, staticPartitioned, dynamicPartitioned, timePartitioned, dailyPartitioned, multiPartitioned] });
    expect(keys(AssetSelection.fromString("partitions:none"), scope)).toEqual(["unpartitioned"]);
    expect(keys(AssetSelection.fromString("partitions:static"), scope)).toEqual(["static_partitioned"]);
    expect(keys(AssetSelection.fromString("partitions:dynamic"), scope)).toEqual(["dynamic_partitioned"]);
    // time takes in the subclasses such as DailyPartitionsDefinition.
    expect(keys(AssetSelection.fromString("partitions:time"), scope)).toEqual(["daily_partitioned", "time_partitioned"]);
    expect(keys(AssetSelection.fromString("partitions:multipartitions"), scope)).toEqual(["multi_partitioned"]);
    expect(keys(AssetSelection.fromString("partitions:<null>"), scope)).toEqual([]);
    expect(() => AssetSelection.fromString("partitions:daily")).toThrow(SelectionSyntaxError);
    expect(() => AssetSelection.fromString("partitions:daily")).toThrow(/`time`/);
  });
});

// test_subset_selector.py selects ops and steps of a job of ops; Tessera's classic clauses select assets, so the
// job's ops are written as assets with the same edges.
const returnOne = asset("return_one", () => 1);
const returnTwo = asset("return_two", () => 2);
const addNums = asset({ name: "add_nums", ins: { num1: returnOne, num2: returnTwo } }, (_ctx, { num1, num2 }) => num1 + num2);
const multiplyTwo = asset({ name: "multiply_two", ins: { num: addNums } }, (_ctx, { num }) => num * 2);
const addOne = asset({ name: "add_one", ins: { num: multiplyTwo } }, (_ctx, { num }) => num + 1);
const fooJob = new Definitions({ assets: [returnOne, returnTwo, addNums, multiplyTwo, addOne] });
const select = (scope: Definitions, ...clauses: string[]): string[] => AssetSelection.fromString(clauses.join(",")).resolve(scope).map(String).sort();

describe("reference cases: test_subset_selector.py", () => {
  it("test_generate_dep_graph", () => {
    const graph = AssetGraph.of(fooJob);
    const edges = (i: readonly number[]): string[] => i.map((j) => graph.ids[j] as string).sort();
    const up = Object.fromEntries(graph.ids.map((id, i) => [id, edges(graph.parents[i] ?? [])]));
    const down = Object.fromEntries(graph.ids.map((id, i) => [id, edges(graph.children[i] ?? [])]));
    expect(up).toEqual({ return_one: [], return_two: [], add_nums: ["return_one", "return_two"], multiply_two: ["add_nums"], add_one: ["multiply_two"] });
    expect(down).toEqual({ return_one: ["add_nums"], return_two: ["add_nums"], add_nums: ["multiply_two"], multiply_two: ["add_one"], add_one: [] });
  });

  it("test_traverser", () => {
    const upstream = (name: string, depth: number): string[] => AssetSelection.assets(name).upstream(depth, false).resolve(fooJob).map(String).sort();
    const downstream = (name: string, depth: number): string[] => AssetSelection.assets(name).downstream(depth, false).resolve(fooJob).map(String).sort();
    expect(upstream("return_one", 1)).toEqual([]);
    expect(downstream("return_one", 1)).toEqual(["add_nums"]);
    expect(upstream("multiply_two", 0)).toEqual([]);
    expect(upstream("multiply_two", 2)).toEqual(["add_nums", "return_one", "return_two"]);
    expect(downstream("multiply_two", 2)).toEqual(["add_one"]);
  });

  it("test_traverser_invalid: an unknown name is an error naming it (the reference's traverser returns nothing)", () => {
    expect(() => AssetSelection.assets("some_solid").upstream(1).resolve(fooJob)).toThrow(UnknownAssetError);
    expect(() => AssetSelection.assets("some_solid").upstream(1).resolve(fooJob)).toThrow(/some_solid/);
  });

  it("test_parse_clause", () => {
    const node = (text: string): unknown => AssetSelection.fromString(text).node;
    const key = { type: "keys", keys: [expect.objectContaining({ path: ["some_solid"] })] };
    expect(node("some_solid")).toEqual(key);
    expect(node("*some_solid")).toEqual({ type: "upstream", child: key, depth: null, includeSelf: true });
    expect(node("some_solid+")).toEqual({ type: "downstream", child: key, depth: 1, includeSelf: true });
    expect(node("+some_solid+")).toEqual({
      type: "or",
      operands: [
        { type: "upstream", child: key, depth: 1, includeSelf: true },
        { type: "downstream", child: key, depth: 1, includeSelf: true },
      ],
    });
    expect(node("*some_solid++")).toEqual({
      type: "or",
      operands: [
        { type: "upstream", child: key, depth: null, includeSelf: true },
        { type: "downstream", child: key, depth: 2, includeSelf: true },
      ],
    });
  });

  it("test_parse_clause_invalid", () => {
    expect(() => AssetSelection.fromString("1+some_solid")).toThrow(SelectionSyntaxError);
  });

  it("test_parse_op_selection_single and test_parse_step_selection_single", () => {
    expect(select(fooJob, "add_nums")).toEqual(["add_nums"]);
    expect(select(fooJob, "add_nums*")).toEqual(["add_nums", "add_one", "multiply_two"]);
    expect(select(fooJob, "*add_nums+")).toEqual(["add_nums", "multiply_two", "return_one", "return_two"]);
  });

  it("test_parse_op_selection_multi and test_parse_step_selection_multi", () => {
    expect(select(fooJob, "return_one", "add_nums+")).toEqual(["add_nums", "multiply_two", "return_one"]);
    expect(select(fooJob, "*add_nums", "return_one+")).toEqual(["add_nums", "return_one", "return_two"]);
    expect(() => select(fooJob, "*add_nums", "a")).toThrow(UnknownAssetError);
    expect(() => select(fooJob, "*add_nums", "a")).toThrow(/"a"/);
  });

  it("test_parse_op_selection_invalid and test_parse_step_selection_invalid", () => {
    expect(() => select(fooJob, "some,solid")).toThrow(UnknownAssetError);
    expect(() => select(fooJob, "1+some_solid")).toThrow(SelectionSyntaxError);
  });

  const graph = (() => {
    const start = asset("start", () => 1);
    const a = asset({ name: "a", deps: [start] }, () => 1);
    const b = asset("b", () => 1);
    const c = asset({ name: "c", deps: [b] }, () => 1);
    const d = asset({ name: "d", deps: [a, b] }, () => 1);
    const e = asset({ name: "e", deps: [c] }, () => 1);
    const f = asset({ name: "f", deps: [e, d] }, () => 1);
    const final = asset({ name: "final", deps: [a, d] }, () => 1);
    return new Definitions({ assets: [start, a, b, c, d, e, f, final] });
  })();
  const CLAUSES: [string, string][] = [
    ["a", "a"],
    ["b+", "b,c,d"],
    ["+f", "f,d,e"],
    ["++f", "f,d,e,c,a,b"],
    ["+++final", "final,a,d,start,b"],
    ["b++", "b,c,d,e,f,final"],
    ["start*", "start,a,d,f,final"],
  ];
  for (const [clause, expected] of CLAUSES) {
    it(`test_clause_to_subset[${clause}]`, () => {
      expect(select(graph, clause)).toEqual(expected.split(",").sort());
    });
  }
});
