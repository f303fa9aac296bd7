// Staleness of every asset of a 10,000-asset layered graph, all materialized, after one upstream changes.
// Run: node --import tsx bench/staleness.bench.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetKey, Definitions, Instance, asset, type AssetsDefinition, type TesseraEvent } from "../src/index.js";
import { StaleStatusResolver, computeLogicalDataVersion, provenanceTags } from "../src/versioning/index.js";
import { layeredParents, median, report, type Measurement } from "./harness.js";

const TOTAL = 10_000;
const WIDTH = 100;
const CODE_VERSION = "1";
const dag = layeredParents(TOTAL, WIDTH);

function build(): Definitions {
  const assets: AssetsDefinition<unknown>[] = new Array(TOTAL);
  for (let n = 0; n < TOTAL; n++) {
    assets[n] = asset({ name: dag.name(n), deps: dag.parents(n).map((p) => dag.name(p)), codeVersion: CODE_VERSION }, () => n);
  }
  return new Definitions({ assets });
}

/**
 * One materialization per asset with the provenance a real run records (code version, each input's data
 * version, the derived data version), written straight to the event log: same rows, minutes faster.
 */
async function materializeAll(instance: Instance): Promise<void> {
  const run = await instance.createRun({ jobName: "__bench__", tags: {}, assetSelection: [], runConfig: {} });
  const versions: string[] = new Array(TOTAL);
  let batch: TesseraEvent[] = [];
  for (let n = 0; n < TOTAL; n++) {
    const inputs = new Map<string, string>();
    for (const p of dag.parents(n)) inputs.set(dag.name(p), versions[p] as string);
    versions[n] = computeLogicalDataVersion(CODE_VERSION, inputs);
    batch.push({
      runId: run.runId,
      stepKey: dag.name(n),
      timestamp: Date.now(),
      eventType: "ASSET_MATERIALIZATION",
      assetKey: new AssetKey(dag.name(n)),
      tags: provenanceTags(versions[n] as string, CODE_VERSION, inputs),
    });
    if (batch.length === 1000) {
      await instance.storeEvents(batch);
      batch = [];
    }
  }
  if (batch.length) await instance.storeEvents(batch);
}

/** The one upstream change: a root rematerialized with a data version of its own. */
async function changeOneRoot(instance: Instance): Promise<void> {
  const run = await instance.createRun({ jobName: "__bench__", tags: {}, assetSelection: [], runConfig: {} });
  await instance.storeEvents([
    {
      runId: run.runId,
      stepKey: dag.name(0),
      timestamp: Date.now(),
      eventType: "ASSET_MATERIALIZATION",
      assetKey: new AssetKey(dag.name(0)),
      tags: provenanceTags("changed", CODE_VERSION, new Map()),
    },
  ]);
}

export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const home = mkdtempSync(join(tmpdir(), "tessera-bench-"));
  const instance = Instance.fromHome({ home });
  try {
    const defs = build();
    let started = performance.now();
    await materializeAll(instance);
    await changeOneRoot(instance);
    rows.push({ name: `record ${TOTAL.toLocaleString("en")} materializations with provenance, then change one root (setup, not a target)`, ms: performance.now() - started });

    const keys = Array.from({ length: TOTAL }, (_, n) => new AssetKey(dag.name(n)));
    const records = await instance.getAssetRecords(keys);
    let statuses: ReadonlyMap<string, string> = new Map();
    const computeMs = await median(15, async () => {
      statuses = await new StaleStatusResolver(instance, defs, { assetRecords: records }).getStatuses();
    });
    const stale = [...statuses.values()].filter((s) => s === "STALE").length;
    const fresh = [...statuses.values()].filter((s) => s === "FRESH").length;
    // The root's two children read its old version; nothing past them is stale, as the reference's rules say.
    if (stale !== 2 || fresh !== TOTAL - 2) throw new Error(`expected 2 stale and ${TOTAL - 2} fresh assets, got ${stale} stale and ${fresh} fresh`);
    rows.push({
      name: `status and causes of all ${TOTAL.toLocaleString("en")} assets after one upstream change, from asset records already read (what asset list and the UI add)`,
      ms: computeMs,
      figure: `${stale} stale, ${((computeMs * 1000) / TOTAL).toFixed(2)} µs/asset`,
      target: "< 50 ms",
      pass: computeMs < 50,
    });

    const readMs = await median(7, async () => {
      await instance.getAssetRecords(keys);
    });
    rows.push({ name: `the batched read of ${TOTAL.toLocaleString("en")} asset records alone (SQLite file; storage's cost, not a target here)`, ms: readMs });

    const coldMs = await median(7, async () => {
      await new StaleStatusResolver(instance, defs).getStatuses();
    });
    rows.push({ name: `status of all ${TOTAL.toLocaleString("en")} assets with a new resolver: the read + the computation (not a target here)`, ms: coldMs });

    const leaf = dag.name(TOTAL - 1);
    const oneMs = await median(7, async () => {
      await new StaleStatusResolver(instance, defs).getStaleCauses(leaf);
    });
    rows.push({ name: "causes of one asset with a new resolver (reads the asset and its two parents)", ms: oneMs, target: "< 5 ms", pass: oneMs < 5 });
  } finally {
    await instance.close();
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Staleness", await run());
