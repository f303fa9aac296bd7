// The GraphQL API in process (yoga.fetch, no socket): assetNodes over 10,000 assets, a 1,000-event page of a
// 100,000-event run, and the partition status of a 100,000-partition asset, each on an SQLite file instance.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetKey, Definitions, HourlyPartitionsDefinition, InProcessWorkspace, Instance, asset, createGraphQLHandler } from "../src/index.js";
import { benchEvents, layeredParents, median, report, type Measurement } from "./harness.js";
import { dropSchema, probePostgres } from "../test/support/postgres.js";

async function serve(defs: Definitions, open?: () => Promise<Instance>) {
  const home = mkdtempSync(join(tmpdir(), "tessera-bench-gql-"));
  const instance = open ? await open() : Instance.fromHome({ home });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "bench", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace });
  const query = async (text: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text, variables }) });
    const body = (await response.json()) as { errors?: unknown[]; data?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const close = async () => {
    yoga.close();
    await instance.close();
    rmSync(home, { recursive: true, force: true });
  };
  return { instance, yoga, query, close };
}

/**
 * Milliseconds from writing a run's event to its arrival on an open `runEvents` subscription (SSE through yoga), one
 * event at a time, `count` times: the median.
 */
async function subscriptionLatency(served: Awaited<ReturnType<typeof serve>>, count: number): Promise<number> {
  const run = await served.instance.createRun({ jobName: "bench", tags: {}, assetSelection: [], runConfig: {} });
  await served.instance.storeEvents([{ runId: run.runId, timestamp: 0, eventType: "ENGINE_EVENT", message: "m-start" }]);
  const response = await served.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query: `subscription($id: ID!) { runEvents(runId: $id) { events { message } } }`, variables: { id: run.runId } }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const until = async (needle: string) => {
    while (!text.includes(needle)) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`subscription ended before ${needle}`);
      text += decoder.decode(chunk.value, { stream: true });
    }
  };
  await until('"m-start"');
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await served.instance.storeEvents([{ runId: run.runId, timestamp: i + 1, eventType: "ENGINE_EVENT", message: `m-${i}` }]);
    await until(`"m-${i}"`);
    times.push(performance.now() - started);
  }
  await reader.cancel();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];

  // 10,000 assets in a layered DAG, each with a recorded materialization.
  const total = Number(process.env["GQL_BENCH_ASSETS"] ?? 10_000);
  const { name, parents } = layeredParents(total, 100);
  const assets = Array.from({ length: total }, (_, n) => asset({ name: name(n), deps: parents(n).map(name), groupName: `g${n % 10}` }, async () => n));
  const many = await serve(new Definitions({ assets }));
  const seed = await many.instance.createRun({ jobName: "seed", tags: {}, assetSelection: [], runConfig: {} });
  for (let i = 0; i < total; i += 1000) {
    await many.instance.storeEvents(
      Array.from({ length: 1000 }, (_, j) => ({ runId: seed.runId, timestamp: i + j, eventType: "ASSET_MATERIALIZATION" as const, assetKey: AssetKey.from(name(i + j)) })),
    );
  }
  const nodesQuery = `{ assetNodes { key { path } groupName kinds dependencyKeys { path } dependedByKeys { path } jobNames latestMaterialization { timestamp runId } } }`;
  const nodesMs = await median(5, async () => void (await many.query(nodesQuery)));
  rows.push({ name: `assetNodes over ${total.toLocaleString("en")} assets (deps both ways, latest materialization)`, ms: nodesMs, target: "< 300 ms", pass: nodesMs < 300 });
  await many.close();

  // A page of 1,000 events from the middle of a 100,000-event run.
  const logs = await serve(new Definitions({ assets: [asset("a", async () => 1)] }));
  const bigRun = await logs.instance.createRun({ jobName: "bench", tags: {}, assetSelection: [], runConfig: {} });
  const events = benchEvents(bigRun.runId, 100_000);
  for (let i = 0; i < events.length; i += 1000) await logs.instance.storeEvents(events.slice(i, i + 1000));
  const middle = (await logs.query(`query($id: ID!) { logsForRun(runId: $id, limit: 1000) { cursor } }`, { id: bigRun.runId })) as { logsForRun: { cursor: string } };
  let cursor = middle.logsForRun.cursor;
  for (let i = 0; i < 49; i++) {
    const page = (await logs.query(`query($id: ID!, $c: String) { logsForRun(runId: $id, afterCursor: $c, limit: 1000) { cursor } }`, { id: bigRun.runId, c: cursor })) as {
      logsForRun: { cursor: string };
    };
    cursor = page.logsForRun.cursor;
  }
  const pageQuery = `query($id: ID!, $c: String) { logsForRun(runId: $id, afterCursor: $c, limit: 1000) { events { eventType message stepKey timestamp assetKey { path } metadata } cursor hasMore } }`;
  const pageMs = await median(10, async () => void (await logs.query(pageQuery, { id: bigRun.runId, c: cursor })));
  rows.push({ name: "a page of 1,000 run events from a 100,000-event run (page 51)", ms: pageMs, target: "< 50 ms", pass: pageMs < 50 });
  await logs.close();

  // Partition status of a 100,000-partition hourly asset (2014-01-01 onwards) with alternate stretches of 1,000
  // partitions materialized. (A static definition of 100,000 keys is not used: building its first status cache
  // applies events one at a time to a key-set subset, quadratic in the keys; see BENCHMARKS.md.)
  const hourly = new HourlyPartitionsDefinition({ startDate: "2014-01-01-00:00", endDate: "2025-05-30-16:00" });
  const keys = hourly.getPartitionKeys();
  const partitioned = asset({ name: "wide", partitionsDef: hourly }, async () => 1);
  const wide = await serve(new Definitions({ assets: [partitioned] }));
  const wideRun = await wide.instance.createRun({ jobName: "seed", tags: {}, assetSelection: ["wide"], runConfig: {} });
  const materialized = keys.filter((_, i) => Math.floor(i / 1000) % 2 === 0);
  for (let i = 0; i < materialized.length; i += 1000) {
    await wide.instance.storeEvents(
      materialized.slice(i, i + 1000).map((partition, j) => ({ runId: wideRun.runId, timestamp: i + j, eventType: "ASSET_MATERIALIZATION" as const, assetKey: AssetKey.from("wide"), partition })),
    );
  }
  const statusQuery = `{ assetNodes(selection: "wide") { partitionStats { numMaterialized numMissing } partitionStatus { materialized { start end } missing { start end } } } }`;
  const first = performance.now();
  await wide.query(statusQuery);
  const firstMs = performance.now() - first;
  const statusMs = await median(10, async () => void (await wide.query(statusQuery)));
  rows.push({
    name: `partition status (as ranges) of a ${keys.length.toLocaleString("en")}-partition hourly asset, ${materialized.length.toLocaleString("en")} materialized, cache warm`,
    ms: statusMs,
    figure: `first read, building the cache: ${firstMs.toFixed(0)} ms`,
    target: "< 20 ms",
    pass: statusMs < 20,
  });
  await wide.close();

  // A run's event on the subscription after it is written: SQLite (the server polls the newest storage id every
  // 100 ms) and, when the test server answers, PostgreSQL (LISTEN/NOTIFY).
  const tiny = new Definitions({ assets: [asset("a", async () => 1)] });
  const sqlite = await serve(tiny);
  const sqliteMs = await subscriptionLatency(sqlite, 30);
  rows.push({ name: "a run's event on the runEvents subscription after it is written, SQLite (100 ms poll), median of 30", ms: sqliteMs, target: "< 200 ms", pass: sqliteMs < 200 });
  await sqlite.close();
  const postgres = await probePostgres();
  if (postgres.reachable) {
    const schema = `bench_sub_${process.pid}`;
    const pg = await serve(tiny, () => Instance.connect({ storage: { postgres: { url: postgres.url, schema } } }));
    const pgMs = await subscriptionLatency(pg, 30);
    rows.push({ name: "the same on PostgreSQL (LISTEN/NOTIFY), median of 30", ms: pgMs, target: "< 200 ms", pass: pgMs < 200 });
    await pg.close();
    await dropSchema(postgres.url, schema);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("GraphQL API", await run());
