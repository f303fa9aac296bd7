// Asset selections on a 100,000-asset layered graph: parse + resolve, attribute expressions, upstream of a sink.
// Run: node --import tsx bench/selection.bench.ts
import { cpus } from "node:os";
import { AssetGraph, Definitions, asset, type AssetsDefinition } from "../src/index.js";
import { AssetSelection } from "../src/graph/selection/index.js";

const LAYERS = 1000;
const WIDTH = 100;

export interface SelectionMeasurement {
  name: string;
  /** Median milliseconds. */
  ms: number;
  figure?: string;
  target?: string;
  pass?: boolean;
}

/** `asset_<n>` for n = layer × 100 + position; each asset after the first layer depends on two of the previous layer. */
function build(layers = LAYERS): Definitions {
  const assets: AssetsDefinition<unknown>[] = new Array(layers * WIDTH);
  for (let n = 0; n < layers * WIDTH; n++) {
    const layer = Math.floor(n / WIDTH);
    const i = n % WIDTH;
    const deps = layer === 0 ? [] : [`asset_${n - WIDTH}`, `asset_${(layer - 1) * WIDTH + ((i + 1) % WIDTH)}`];
    assets[n] = asset(
      {
        name: `asset_${n}`,
        deps,
        groupName: `g${n % 10}`,
        tags: { tier: n % 3 === 0 ? "gold" : "silver" },
        kinds: n % 7 === 0 ? ["dbt"] : [],
        owners: n % 5 === 0 ? ["team:data"] : [],
      },
      () => n,
    );
  }
  return new Definitions({ assets });
}

function median(runs: number, fn: () => void, warmups = 3): number {
  for (let i = 0; i < warmups; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** Median of `runs` batches of `inner` calls, per call: one call is too short for the timer alone. */
function perCall(runs: number, inner: number, fn: () => void): number {
  return median(runs, () => {
    for (let i = 0; i < inner; i++) fn();
  }) / inner;
}

export function run(): SelectionMeasurement[] {
  const rows: SelectionMeasurement[] = [];
  // Issue 13: the comparison with Dagster's warm `*asset_500+` (0.07 ms) on 10,000 assets.
  {
    const small = build(100);
    const smallGraph = AssetGraph.of(small);
    AssetSelection.fromString("*asset_500+").resolve(small);
    let size = 0;
    const warm = perCall(15, 200, () => {
      size = AssetSelection.fromString("*asset_500+").resolve(small).length;
    });
    rows.push({ name: "10,000 assets, warm parse + resolve: *asset_500+", ms: warm, figure: `${size} keys`, target: "≤ 0.07 ms (Dagster)", pass: warm <= 0.07 });
    const parsed = AssetSelection.fromString("*asset_500+");
    const resolveOnly = perCall(15, 200, () => void parsed.resolveIndices(smallGraph));
    rows.push({ name: "10,000 assets, warm resolve of the parsed *asset_500+ to node indices", ms: resolveOnly });
  }
  let started = performance.now();
  const defs = build();
  rows.push({ name: `build ${(LAYERS * WIDTH).toLocaleString("en")} assets with asset() + Definitions + AssetGraph (setup, not a target)`, ms: performance.now() - started });
  const graph = AssetGraph.of(defs);

  started = performance.now();
  AssetSelection.assets("asset_0").resolveIndices(graph);
  rows.push({ name: "first resolution on the graph (builds the cached integer index)", ms: performance.now() - started });

  const fiveTerms = '(group:g3 or tag:tier=gold) and not kind:dbt and owner:"team:data" or key:"asset_99*"';
  started = performance.now();
  AssetSelection.fromString(fiveTerms).resolve(defs);
  rows.push({ name: "first attribute query on the graph (also builds the tag, kind and owner postings)", ms: performance.now() - started });

  const measure = (name: string, text: string, targetMs: number, runs = 15): void => {
    let size = 0;
    const ms = median(runs, () => {
      size = AssetSelection.fromString(text).resolve(defs).length;
    });
    rows.push({ name: `${name}: ${text}`, ms, figure: `${size.toLocaleString("en")} keys`, target: `< ${targetMs} ms`, pass: ms < targetMs });
    const parsed = AssetSelection.fromString(text);
    const indicesMs = median(runs, () => void parsed.resolveIndices(graph));
    rows.push({ name: `  the same, resolve of the parsed selection to node indices`, ms: indicesMs });
  };

  measure("parse + resolve, classic", "*asset_50000+", 20);
  // n_500_50 in the naming of issue 13: layer 500, position 50.
  measure("parse + resolve, classic (issue 13: *n_500_50+)", "*asset_50050+", 10);
  measure("parse + resolve, 5 attribute terms", fiveTerms, 10);
  measure("parse + resolve, traversals and a function", "sinks(2+key:asset_50000+2) or roots(group:g1 and tag:tier=gold)", 20);

  let size = 0;
  const sink = AssetSelection.assets(`asset_${LAYERS * WIDTH - 1}`).upstream();
  const upMs = median(15, () => {
    size = sink.resolve(defs).length;
  });
  rows.push({ name: "upstream() of a sink", ms: upMs, figure: `${size.toLocaleString("en")} keys`, target: "< 50 ms", pass: upMs < 50 });

  const indicesMs = median(15, () => {
    size = sink.resolveIndices(graph).length;
  });
  rows.push({ name: "upstream() of a sink, as node indices (no AssetKey array)", ms: indicesMs, figure: `${size.toLocaleString("en")} nodes` });

  const parseOnly = median(200, () => {
    AssetSelection.fromString(fiveTerms);
  });
  rows.push({ name: "parse only, 5 attribute terms", ms: parseOnly });

  // Was a timed test (selection-errors.test.ts): linear parsing shows as time per term staying flat as terms grow.
  const flat = (terms: number): string => Array.from({ length: terms }, (_, i) => `key:a${i}`).join(" or ");
  const small = flat(5_000);
  const large = flat(50_000);
  const smallMs = median(5, () => void AssetSelection.fromString(small), 1);
  const largeMs = median(5, () => void AssetSelection.fromString(large), 1);
  const growth = largeMs / smallMs;
  rows.push({ name: "parse a flat 50,000-term `or` (10× the terms of a 5,000-term one)", ms: largeMs, figure: `${growth.toFixed(1)}× the 5,000-term time`, target: "< 30× (linear; quadratic would be ~100×)", pass: growth < 30 });
  return rows;
}

function report(rows: readonly SelectionMeasurement[]): void {
  console.log("\n## Asset selection");
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
  for (const row of rows) {
    const verdict = row.pass === undefined ? "" : row.pass ? "  ✓" : "  ✗ over target";
    console.log(`- ${row.name}: ${row.ms < 0.1 ? row.ms.toFixed(4) : row.ms.toFixed(2)} ms${row.figure ? ` (${row.figure})` : ""}${row.target ? ` — target ${row.target}` : ""}${verdict}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) report(run());
