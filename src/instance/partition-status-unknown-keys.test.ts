// Events of a partition that does not exist yet when the status is read are kept, and count once it exists
// (a dynamic key added after it was materialized, a time partition whose window has not started yet).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName, postgresForTests } from "../../test/support/postgres.js";
import { AssetKey, ManualClock, type TesseraEvent } from "../core/index.js";
import { DynamicPartitionsDefinition, HourlyPartitionsDefinition, type PartitionsDefinition } from "../partitions/index.js";
import { Instance } from "./instance.js";

const server = await postgresForTests();
const dir = mkdtempSync(join(tmpdir(), "tessera-status-unknown-"));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(schemas.map((s) => dropSchema(server.url, s)));
});

type Open = (clock: ManualClock) => Instance;
let dbs = 0;
const backends: [string, boolean, () => Open][] = [
  [
    "SQLite",
    true,
    () => {
      const path = join(dir, `${dbs++}.db`);
      return (clock) => Instance.open({ storage: { sqlite: { path } }, clock });
    },
  ],
  [
    "PostgreSQL",
    server.reachable,
    () => {
      const schema = freshSchemaName();
      schemas.push(schema);
      return (clock) => Instance.open({ storage: { postgres: { url: server.url, schema } }, clock });
    },
  ],
];

const files = new DynamicPartitionsDefinition({ name: "files" });
const hourly = new HourlyPartitionsDefinition({ startDate: "2026-01-01-00:00" });
const asset = new AssetKey("a");

async function record(instance: Instance, eventType: TesseraEvent["eventType"], partition: string): Promise<void> {
  const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [asset.toString()], runConfig: {}, partitionKey: partition });
  const ts = instance.clock.now();
  await instance.storeEvents([
    { runId: run.runId, timestamp: ts, eventType: "RUN_START" },
    { runId: run.runId, timestamp: ts, eventType, assetKey: asset, partition } as TesseraEvent,
    { runId: run.runId, timestamp: ts, eventType: "RUN_SUCCESS" },
  ]);
}

async function keys(instance: Instance, def: PartitionsDefinition): Promise<{ materialized: string[]; failed: string[] }> {
  const [status] = await instance.getPartitionStatuses([{ key: asset, partitionsDef: def }]);
  return { materialized: status?.materialized.getPartitionKeys().sort() ?? [], failed: status?.failed.getPartitionKeys().sort() ?? [] };
}

describe.each(backends)("partition status on %s: events of partitions that do not exist yet", (_name, reachable, backend) => {
  it.skipIf(!reachable)("count a dynamic key materialized before it was added, once it is added (read in between or not)", async () => {
    const open = backend();
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 5, 30));
    const instance = open(clock);
    try {
      await instance.addDynamicPartitions("files", ["f0"]);
      await record(instance, "ASSET_MATERIALIZATION", "f0");
      await record(instance, "ASSET_MATERIALIZATION", "early");
      await record(instance, "ASSET_FAILED_TO_MATERIALIZE", "late");
      expect(await keys(instance, files)).toEqual({ materialized: ["f0"], failed: [] });
      await instance.addDynamicPartitions("files", ["early", "late"]);
      // Held in memory by this process, then the stored copy as another process reads it.
      expect(await keys(instance, files)).toEqual({ materialized: ["early", "f0"], failed: ["late"] });
      const other = open(clock);
      try {
        expect(await keys(other, files)).toEqual({ materialized: ["early", "f0"], failed: ["late"] });
      } finally {
        await other.close();
      }
      // Later events on a key that was pending apply after it: the failure stays, the materialization clears it.
      await record(instance, "ASSET_MATERIALIZATION", "late");
      expect(await keys(instance, files)).toEqual({ materialized: ["early", "f0", "late"], failed: [] });
    } finally {
      await instance.close();
    }
  });

  it.skipIf(!reachable)("apply a key's events in order when some were written before it existed and some after", async () => {
    const open = backend();
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 5, 30));
    const instance = open(clock);
    try {
      await record(instance, "ASSET_MATERIALIZATION", "k");
      expect(await keys(instance, files)).toEqual({ materialized: [], failed: [] });
      await instance.addDynamicPartitions("files", ["k"]);
      // Added and failed before the next read: the earlier materialization stands beside the later failure.
      await record(instance, "ASSET_FAILED_TO_MATERIALIZE", "k");
      expect(await keys(instance, files)).toEqual({ materialized: ["k"], failed: ["k"] });
    } finally {
      await instance.close();
    }
  });

  it.skipIf(!reachable)("count a time partition materialized before its window started, once it exists", async () => {
    const open = backend();
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 5, 30));
    const instance = open(clock);
    try {
      await record(instance, "ASSET_MATERIALIZATION", "2026-01-01-04:00");
      await record(instance, "ASSET_MATERIALIZATION", "2026-01-01-06:00");
      expect(await keys(instance, hourly)).toEqual({ materialized: ["2026-01-01-04:00"], failed: [] });
      clock.advance(2 * 3_600_000);
      expect(await keys(instance, hourly)).toEqual({ materialized: ["2026-01-01-04:00", "2026-01-01-06:00"], failed: [] });
    } finally {
      await instance.close();
    }
  });
});
