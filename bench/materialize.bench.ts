// Per-step overhead: materialize 1,000 trivial assets (a layered DAG, 2 upstreams each) in-process with the SQLite instance.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetIn, AssetKey, Definitions, FilesystemIOManager, InMemoryIOManager, Instance, asset, type AssetsDefinition } from "../src/index.js";
import { layeredParents, median, report, type Measurement } from "./harness.js";

const COUNT = 1000;
const WIDTH = 50;

function trivialAssets(): AssetsDefinition<unknown>[] {
  const dag = layeredParents(COUNT, WIDTH);
  const assets: AssetsDefinition<unknown>[] = [];
  for (let n = 0; n < COUNT; n++) {
    const ins = Object.fromEntries(dag.parents(n).map((p, i) => [`in${i}`, new AssetIn({ key: dag.name(p) })]));
    assets.push(asset({ name: dag.name(n), ins }, () => n));
  }
  return assets;
}

export async function run(): Promise<Measurement[]> {
  const assets = trivialAssets();
  const rows: Measurement[] = [];
  for (const [label, ioManager] of [
    ["in-memory IO manager", () => new InMemoryIOManager()],
    ["filesystem IO manager (the default)", undefined],
  ] as const) {
    const home = mkdtempSync(join(tmpdir(), "tessera-bench-"));
    const instance = Instance.fromHome({ home });
    const defs = new Definitions({ assets, resources: ioManager ? { ioManager: ioManager() } : {} });
    const ms = await median(5, async () => {
      const result = await defs.materialize(undefined, { instance });
      if (!result.success) throw new Error("bench run failed");
    });
    const events = (await instance.info()).events;
    await instance.close();
    rmSync(home, { recursive: true, force: true });
    rows.push({
      name: `materialize ${COUNT} trivial assets, SQLite file instance, ${label}`,
      ms,
      figure: `${((ms / COUNT) * 1000).toFixed(0)} µs per step; ${events} events over 7 runs`,
      target: "< 500 ms (0.5 ms per step)",
      pass: ms < 500,
    });
  }
  rows.push(await filesystemFloor());
  return rows;
}

/**
 * The same file operations the default IO manager performs in that run (1,000 atomic writes, one read per
 * input), with no Tessera around them: what the filesystem itself costs on this machine.
 */
async function filesystemFloor(): Promise<Measurement> {
  const dag = layeredParents(COUNT, WIDTH);
  const home = mkdtempSync(join(tmpdir(), "tessera-bench-floor-"));
  const io = new FilesystemIOManager({ baseDir: home });
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  const keys = Array.from({ length: COUNT }, (_, n) => new AssetKey(dag.name(n)));
  const ms = await median(5, async () => {
    for (let n = 0; n < COUNT; n++) {
      for (const p of dag.parents(n)) {
        await io.loadInput({ assetKey: keys[p] as AssetKey, name: "x", runId: "r", metadata: {}, upstreamMetadata: {}, partitionKey: undefined, log });
      }
      await io.handleOutput({ assetKey: keys[n] as AssetKey, runId: "r", stepKey: "s", name: "result", definitionMetadata: {}, partitionKey: undefined, log }, n);
    }
  });
  rmSync(home, { recursive: true, force: true });
  return { name: `filesystem floor: the IO manager's ${COUNT} atomic writes and ${COUNT * 2 - WIDTH * 2} reads alone, no Tessera`, ms, figure: `${((ms / COUNT) * 1000).toFixed(0)} µs per step` };
}

if (import.meta.url === `file://${process.argv[1]}`) report("Materialization overhead", await run());
