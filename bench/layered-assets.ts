// The automation benchmarks' shared set-up: a layered graph of trivial assets, and materializations of some of them
// written straight to the event log (the same rows a run writes, without running thousands of steps).
import { AssetKey, Definitions, Instance, asset, type AssetsDefinition, type TesseraEvent } from "../src/index.js";
import type { layeredParents } from "./harness.js";

type Dag = ReturnType<typeof layeredParents>;

/** `total` assets named and wired as `dag` says. */
export function layeredDefinitions(dag: Dag, total: number): Definitions {
  const assets: AssetsDefinition<unknown>[] = new Array(total);
  for (let n = 0; n < total; n++) assets[n] = asset({ name: dag.name(n), deps: dag.parents(n).map((p) => dag.name(p)) }, () => n);
  return new Definitions({ assets });
}

/** Records a materialization of each of `nodes`, in batches of 1,000, in one bench run. */
export async function recordMaterializations(instance: Instance, dag: Dag, nodes: readonly number[]): Promise<void> {
  const run = await instance.createRun({ jobName: "__bench__", tags: {}, assetSelection: [], runConfig: {} });
  for (let i = 0; i < nodes.length; i += 1000) {
    const batch: TesseraEvent[] = nodes.slice(i, i + 1000).map((n) => ({
      runId: run.runId,
      stepKey: dag.name(n),
      timestamp: Date.now(),
      eventType: "ASSET_MATERIALIZATION",
      assetKey: new AssetKey(dag.name(n)),
    }));
    await instance.storeEvents(batch);
  }
}
