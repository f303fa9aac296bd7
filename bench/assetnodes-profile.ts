// Profiles assetNodes over 10,000 assets alone: `NODE_ENV=production node --cpu-prof --cpu-prof-dir=<dir> --import tsx
// bench/assetnodes-profile.ts` (the same query and data as graphql.bench.ts), printing each query's milliseconds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetKey, Definitions, InProcessWorkspace, Instance, asset, createGraphQLHandler } from "../src/index.js";
import { layeredParents } from "./harness.js";

const total = Number(process.env["GQL_BENCH_ASSETS"] ?? 10_000);
const { name, parents } = layeredParents(total, 100);
const assets = Array.from({ length: total }, (_, n) => asset({ name: name(n), deps: parents(n).map(name), groupName: `g${n % 10}` }, async () => n));
const home = mkdtempSync(join(tmpdir(), "tessera-prof-gql-"));
const instance = Instance.fromHome({ home });
const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "bench", load: new Definitions({ assets }) }] });
const yoga = createGraphQLHandler({ instance, workspace });
const seed = await instance.createRun({ jobName: "seed", tags: {}, assetSelection: [], runConfig: {} });
for (let i = 0; i < total; i += 1000) {
  await instance.storeEvents(Array.from({ length: 1000 }, (_, j) => ({ runId: seed.runId, timestamp: i + j, eventType: "ASSET_MATERIALIZATION" as const, assetKey: AssetKey.from(name(i + j)) })));
}
const query = `{ assetNodes { key { path } groupName kinds dependencyKeys { path } dependedByKeys { path } jobNames latestMaterialization { timestamp runId } } }`;
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < Number(process.env["RUNS"] ?? 12); i++) {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  await response.text();
  times.push(performance.now() - started);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
}
console.log(times.map((t) => t.toFixed(0)).join(" "));
const sorted = times.slice(2).sort((a, b) => a - b);
console.log(`median of the last ${sorted.length}: ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms`);
// CPU time of this process per query (user + system): what the query costs, less the waiting for a core on a loaded machine.
const cpuSorted = cpu.slice(2).sort((a, b) => a - b);
console.log(`CPU per query, median of the last ${cpuSorted.length}: ${cpuSorted[Math.floor(cpuSorted.length / 2)]?.toFixed(1)} ms`);
yoga.close();
await instance.close();
rmSync(home, { recursive: true, force: true });
