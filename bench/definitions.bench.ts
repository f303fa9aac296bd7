// Building Definitions and the AssetGraph for 10,000 and 100,000 assets.
import { AssetIn, AssetGraph, Definitions, asset, type AssetsDefinition } from "../src/index.js";
import { layeredParents, median, report, type Measurement } from "./harness.js";

type Style = "definitions" | "keys";

/**
 * A layered DAG of `count` assets, each after the first layer with two upstreams. "definitions" names
 * upstreams the idiomatic way (`ins: { a: upstreamAsset }`, typed); "keys" names them by key string
 * (`new AssetIn({ key })`), which also builds a key per input.
 */
function build(count: number, style: Style): Definitions {
  const dag = layeredParents(count, 100);
  const assets: AssetsDefinition<unknown>[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const ins: Record<string, AssetIn | AssetsDefinition<unknown>> = {};
    const parents = dag.parents(n);
    for (let i = 0; i < parents.length; i++) {
      const parent = parents[i] as number;
      ins[`in${i}`] = style === "definitions" ? (assets[parent] as AssetsDefinition<unknown>) : new AssetIn({ key: dag.name(parent) });
    }
    assets[n] = asset({ name: dag.name(n), ins }, () => n);
  }
  return new Definitions({ assets });
}

export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  for (const style of ["definitions", "keys"] as const) {
    for (const [count, targetMs] of [
      [10_000, 100],
      [100_000, 1500],
    ] as const) {
      let size = 0;
      const ms = await median(count > 10_000 ? 3 : 7, () => {
        size = AssetGraph.of(build(count, style)).size;
      });
      rows.push({
        name: `asset() × ${count.toLocaleString("en")} + Definitions + AssetGraph (${size.toLocaleString("en")} nodes; upstreams named by ${style === "definitions" ? "definition" : "key string"})`,
        ms,
        figure: `${((ms / count) * 1000).toFixed(1)} µs per asset`,
        target: `< ${targetMs} ms`,
        pass: ms < targetMs,
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Definitions and asset graph", await run());
