// Event log append throughput on PostgreSQL: the SQLite benchmark's 100,000 events, into a throwaway schema.
import { AssetKey, Instance, MetadataValue, type TesseraEvent } from "../src/index.js";
import { dropSchema, freshSchemaName, probePostgres } from "../test/support/postgres.js";
import { median, report, type Measurement } from "./harness.js";

const TOTAL = 100_000;

// The same mix as event-log.bench.ts: a quarter each of step starts, logs, materializations (100 assets) and step successes.
function events(runId: string): TesseraEvent[] {
  const keys = Array.from({ length: 100 }, (_, i) => new AssetKey(["bench", `asset_${i}`]));
  return Array.from({ length: TOTAL }, (_, i): TesseraEvent => {
    const kind = i % 4;
    const stepKey = `bench__asset_${i % 100}`;
    if (kind === 0) return { runId, stepKey, timestamp: i, eventType: "STEP_START", message: "Started step." };
    if (kind === 1) return { runId, stepKey, timestamp: i, eventType: "LOG_MESSAGE", level: "info", message: "loaded rows", data: { rows: i } };
    if (kind === 2) {
      return {
        runId,
        stepKey,
        timestamp: i,
        eventType: "ASSET_MATERIALIZATION",
        assetKey: keys[i % 100],
        metadata: { rows: MetadataValue.int(i), path: MetadataValue.path(`/data/bench/asset_${i % 100}`) },
        tags: { "tessera/code_version": "v1" },
      };
    }
    return { runId, stepKey, timestamp: i, eventType: "STEP_SUCCESS", durationMs: 1.5 };
  });
}

export async function run(): Promise<Measurement[]> {
  const server = await probePostgres();
  if (!server.reachable) {
    console.log(`\n(event-log-postgres skipped: no PostgreSQL at ${server.url} (${server.reason}); set TESSERA_TEST_POSTGRES_URL to measure it)`);
    return [];
  }
  const rows: Measurement[] = [];
  for (const batch of [1000, 100]) {
    const schema = freshSchemaName();
    const instance = await Instance.connect({ storage: { postgres: { url: server.url, schema } } });
    try {
      const runRecord = await instance.createRun({ jobName: "bench", tags: {}, assetSelection: [], runConfig: {} });
      const all = events(runRecord.runId);
      const ms = await median(3, async () => {
        for (let i = 0; i < all.length; i += batch) await instance.storeEvents(all.slice(i, i + batch));
      });
      const perSecond = TOTAL / (ms / 1000);
      rows.push({
        name: `PostgreSQL: append ${TOTAL.toLocaleString("en")} events in batches of ${batch} (asset index and run status in the same transactions)`,
        ms,
        figure: `${Math.round(perSecond).toLocaleString("en")} events/s`,
        target: "≥ 50,000 events/s",
        pass: perSecond >= 50_000,
      });
    } finally {
      await instance.close();
      await dropSchema(server.url, schema);
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Event log (PostgreSQL)", await run());
