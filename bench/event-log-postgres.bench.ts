// Event log append throughput on PostgreSQL: the SQLite benchmark's 100,000 events, into a throwaway schema.
import { Instance } from "../src/index.js";
import { dropSchema, freshSchemaName, probePostgres } from "../test/support/postgres.js";
import { benchEvents, median, report, type Measurement } from "./harness.js";

const TOTAL = 100_000;


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
      const all = benchEvents(runRecord.runId, TOTAL);
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
