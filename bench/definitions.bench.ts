// Building Definitions and the AssetGraph for 10,000 and 100,000 assets.
import { AssetIn, AssetGraph, Definitions, asset, type AssetsDefinition } from "../src/index.js";
import { layeredParents, median, report, type Measurement } from "./harness.js";

function build(count: number): Definitions {
  const dag = layeredParents(count, 100);
  const assets: AssetsDefinition<unknown>[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const ins: Record<string, AssetIn> = {};
    const parents = dag.parents(n);
    for (let i = 0; i < parents.length; i++) ins[`in${i}`] = new AssetIn({ key: dag.name(parents[i] as number) });
    assets[n] = asset({ name: dag.name(n), ins }, () => n);
  }
  return new Definitions({ assets });
}

export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  for (const [count, targetMs] of [
    [10_000, 100],
    [100_000, 1500],
  ] as const) {
    let size = 0;
    const ms = await median(count > 10_000 ? 3 : 7, () => {
      size = AssetGraph.of(build(count)).size;
    });
    rows.push({
      name: `asset() × ${count.toLocaleString("en")} + Definitions + AssetGraph (${size.toLocaleString("en")} nodes)`,
      ms,
      figure: `${((ms / count) * 1000).toFixed(1)} µs per asset`,
      target: `< ${targetMs} ms`,
      pass: ms < targetMs,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Definitions and asset graph", await run());
