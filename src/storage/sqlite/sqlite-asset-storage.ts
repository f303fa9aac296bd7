// The asset index and partitions on SQLite: each asset's latest events, wiping, materialized and dynamic partitions.
import type { Statement } from "better-sqlite3";
import { AssetKey, type EventRecord } from "../../core/index.js";
import type { AssetRecord } from "../storage.js";
import { decodeEvent, encodeEventBody, type EventRow } from "../storage-rows.js";
import { notWipedByPartition, reindexAfterPartitionWipeSql } from "../sql-filters.js";
import type { SqliteDatabase } from "./sqlite-database.js";

interface AssetRow {
  asset_key: string;
  last_materialization_id: number | null;
  last_observation_id: number | null;
  last_run_id: string | null;
  last_event_id: number;
  wiped_below_id: number;
}

/** How many decoded events the asset index keeps in memory. */
const DECODED_EVENTS_KEPT = 100_000;

export class SqliteAssetStorage {
  readonly #database: SqliteDatabase;
  readonly #s;
  readonly #decoded = new Map<number, EventRecord>();
  #eventsBy500: Statement | undefined;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      maxEventId: db.prepare("SELECT max(id) AS id FROM event_logs"),
      getAssetRow: db.prepare("SELECT * FROM asset_keys WHERE asset_key = ?"),
      allAssetRows: db.prepare("SELECT * FROM asset_keys ORDER BY asset_key"),
      liveAssetKeys: db.prepare("SELECT asset_key FROM asset_keys WHERE last_event_id > wiped_below_id ORDER BY asset_key"),
      wipeAsset: db.prepare(
        `INSERT INTO asset_keys (asset_key, wiped_below_id, wipe_time, last_event_id) VALUES (@key, @below, @now, 0)
         ON CONFLICT (asset_key) DO UPDATE SET last_materialization_id = NULL, last_observation_id = NULL, last_run_id = NULL,
           wiped_below_id = @below, wipe_time = @now`,
      ),
      materializedPartitions: db.prepare(
        `SELECT DISTINCT e.partition FROM event_logs e LEFT JOIN asset_keys a ON a.asset_key = e.asset_key
         WHERE e.asset_key = ? AND e.event_type = 'ASSET_MATERIALIZATION' AND e.partition IS NOT NULL
           AND e.id > coalesce(a.wiped_below_id, 0) AND ${notWipedByPartition("e")} ORDER BY e.partition`,
      ),
      insertWipe: db.prepare(
        "INSERT INTO event_logs (run_id, step_key, event_type, timestamp, asset_key, partition, body) VALUES ('', NULL, 'ASSET_WIPED', ?, ?, ?, ?)",
      ),
      indexWipe: db.prepare(
        `INSERT INTO asset_keys (asset_key, last_event_id) VALUES (?, ?)
         ON CONFLICT (asset_key) DO UPDATE SET last_event_id = excluded.last_event_id`,
      ),
      reindexAfterPartitionWipe: db.prepare(reindexAfterPartitionWipeSql("?")),
      addDynamicPartition: db.prepare("INSERT OR IGNORE INTO dynamic_partitions (name, partition, create_time) VALUES (?, ?, ?)"),
      dynamicPartitions: db.prepare("SELECT partition FROM dynamic_partitions WHERE name = ? ORDER BY create_time, rowid"),
      hasDynamicPartition: db.prepare("SELECT 1 FROM dynamic_partitions WHERE name = ? AND partition = ?"),
      deleteDynamicPartition: db.prepare("DELETE FROM dynamic_partitions WHERE name = ? AND partition = ?"),
    }));
  }

  async getAssetRecords(keys?: readonly AssetKey[]): Promise<AssetRecord[]> {
    const s = this.#s();
    // Few keys use the primary key; many read the whole (narrow) index once and filter.
    let rows: AssetRow[];
    if (keys && keys.length <= 64) {
      rows = keys.map((k) => s.getAssetRow.get(k.toString()) as AssetRow | undefined).filter((r): r is AssetRow => r !== undefined);
    } else {
      rows = s.allAssetRows.all() as AssetRow[];
      if (keys) {
        // In the order asked, as for a few keys.
        const byKey = new Map(rows.map((r) => [r.asset_key, r]));
        rows = keys.map((k) => byKey.get(k.toString())).filter((r): r is AssetRow => r !== undefined);
      }
    }
    rows = rows.filter((r) => r.last_event_id > r.wiped_below_id);
    const events = this.#eventsById(rows.flatMap((r) => [r.last_materialization_id, r.last_observation_id]).filter((id): id is number => id !== null));
    return rows.map((r) => ({
      assetKey: AssetKey.from(r.asset_key),
      lastMaterialization: r.last_materialization_id === null ? undefined : events.get(r.last_materialization_id),
      lastObservation: r.last_observation_id === null ? undefined : events.get(r.last_observation_id),
      lastRunId: r.last_run_id ?? undefined,
      wipedBelowStorageId: r.wiped_below_id,
    }));
  }

  /** Deleting a run deletes its events, so the decoded copies of any of them must go too. */
  forgetDecodedEvents(): void {
    this.#decoded.clear();
  }

  /**
   * Events by storage id, decoded once and kept: events never change after they are written, so the
   * asset index (read often, by staleness and listings) decodes each latest event only once per process.
   */
  #eventsById(ids: readonly number[]): Map<number, EventRecord> {
    const db = this.#database.raw;
    const found = new Map<number, EventRecord>();
    const missing: number[] = [];
    for (const id of ids) {
      const cached = this.#decoded.get(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const statement =
        chunk.length === 500
          ? (this.#eventsBy500 ??= db.prepare(`SELECT * FROM event_logs WHERE id IN (${Array(500).fill("?").join(",")})`))
          : db.prepare(`SELECT * FROM event_logs WHERE id IN (${chunk.map(() => "?").join(",")})`);
      for (const row of statement.all(...chunk) as EventRow[]) {
        const record = Object.freeze(decodeEvent(row));
        found.set(row.id, record);
        this.#decoded.set(row.id, record);
      }
    }
    while (this.#decoded.size > DECODED_EVENTS_KEPT) this.#decoded.delete(this.#decoded.keys().next().value as number);
    return found;
  }

  async getAssetKeys(prefix?: readonly string[]): Promise<AssetKey[]> {
    const rows = this.#s().liveAssetKeys.all() as { asset_key: string }[];
    const keys = rows.map((r) => AssetKey.from(r.asset_key));
    return prefix && prefix.length ? keys.filter((k) => k.hasPrefix(prefix)) : keys;
  }

  async wipeAssets(keys: readonly AssetKey[]): Promise<void> {
    const s = this.#s();
    this.#database.raw.transaction(() => {
      const below = (s.maxEventId.get() as { id: number | null }).id ?? 0;
      const now = Date.now();
      for (const key of keys) s.wipeAsset.run({ key: key.toString(), below, now });
    })();
  }

  async wipeAssetPartitions(key: AssetKey, partitions: readonly string[], timestamp: number): Promise<EventRecord[]> {
    const s = this.#s();
    const assetKey = key.toString();
    const unique = [...new Set(partitions)];
    if (unique.length === 0) return [];
    return this.#database.raw.transaction(() => {
      const records = unique.map((partition): EventRecord => {
        const event = { runId: "", eventType: "ASSET_WIPED" as const, timestamp, assetKey: key, partition, message: `Partition ${partition} of ${assetKey} wiped.` };
        const storageId = Number(s.insertWipe.run(timestamp, assetKey, partition, encodeEventBody(event)).lastInsertRowid);
        return { ...event, storageId };
      });
      s.indexWipe.run(assetKey, (records[records.length - 1] as EventRecord).storageId);
      s.reindexAfterPartitionWipe.run(assetKey);
      return records;
    }).immediate();
  }

  async getMaterializedPartitions(key: AssetKey): Promise<string[]> {
    const rows = this.#s().materializedPartitions.all(key.toString()) as { partition: string }[];
    return rows.map((r) => r.partition);
  }

  // Dynamic partitions

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
    const s = this.#s();
    const now = Date.now();
    this.#database.raw.transaction(() => {
      for (const key of keys) s.addDynamicPartition.run(name, key, now);
    })();
  }

  async getDynamicPartitions(name: string): Promise<string[]> {
    return (this.#s().dynamicPartitions.all(name) as { partition: string }[]).map((r) => r.partition);
  }

  async hasDynamicPartition(name: string, key: string): Promise<boolean> {
    return this.#s().hasDynamicPartition.get(name, key) !== undefined;
  }

  async deleteDynamicPartition(name: string, key: string): Promise<void> {
    this.#s().deleteDynamicPartition.run(name, key);
  }
}
