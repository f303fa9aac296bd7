// The asset index and partitions on PostgreSQL: each asset's latest events, wiping, materialized and dynamic partitions.
import { AssetKey } from "../../core/index.js";
import type { AssetRecord } from "../storage.js";
import { decodePrefixedEvent, prefixedEventColumns } from "../storage-rows.js";
import { notWipedByPartition, reindexAfterPartitionWipeSql } from "../sql-filters.js";
import { LOCK_EVENTS, type PostgresDatabase } from "./postgres-database.js";

interface AssetRow extends Record<string, unknown> {
  asset_key: string;
  last_run_id: string | null;
  last_event_id: number;
  wiped_below_id: number;
}

export class PostgresAssetStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async getAssetRecords(keys?: readonly AssetKey[]): Promise<AssetRecord[]> {
    // One round trip: the index rows joined with their latest materialization and observation.
    const sql = `SELECT a.asset_key, a.last_run_id, a.last_event_id, a.wiped_below_id, ${prefixedEventColumns("m")}, ${prefixedEventColumns("o")}
      FROM asset_keys a
      LEFT JOIN event_logs m ON m.id = a.last_materialization_id
      LEFT JOIN event_logs o ON o.id = a.last_observation_id
      WHERE a.last_event_id > a.wiped_below_id ${keys ? "AND a.asset_key = ANY($1::text[])" : ""}
      ORDER BY a.asset_key COLLATE "C"`;
    const rows = await this.#database.query<AssetRow>(sql, keys ? [keys.map((k) => k.toString())] : []);
    const records = rows.map(
      (r): AssetRecord => ({
        assetKey: AssetKey.from(r.asset_key),
        lastMaterialization: decodePrefixedEvent(r, "m"),
        lastObservation: decodePrefixedEvent(r, "o"),
        lastRunId: r.last_run_id ?? undefined,
        wipedBelowStorageId: r.wiped_below_id,
      }),
    );
    if (!keys) return records;
    // In the order asked, like the SQLite backend.
    const byKey = new Map(records.map((r) => [r.assetKey.toString(), r]));
    return keys.map((k) => byKey.get(k.toString())).filter((r): r is AssetRecord => r !== undefined);
  }

  async getAssetKeys(prefix?: readonly string[]): Promise<AssetKey[]> {
    const rows = await this.#database.query<{ asset_key: string }>(
      `SELECT asset_key FROM asset_keys WHERE last_event_id > wiped_below_id ORDER BY asset_key COLLATE "C"`,
      [],
      "tessera_live_asset_keys",
    );
    const keys = rows.map((r) => AssetKey.from(r.asset_key));
    return prefix && prefix.length ? keys.filter((k) => k.hasPrefix(prefix)) : keys;
  }

  async wipeAssets(keys: readonly AssetKey[]): Promise<void> {
    if (keys.length === 0) return;
    const unique = [...new Set(keys.map((k) => k.toString()))].sort();
    // Under the events lock, so that every event committed before the wipe falls below the line.
    await this.#database.transaction(async (client) => {
      await client.query(
        `INSERT INTO asset_keys (asset_key, wiped_below_id, wipe_time, last_event_id)
         SELECT k, (SELECT coalesce(max(id), 0) FROM event_logs), $2::float8, 0 FROM unnest($1::text[]) AS k
         ON CONFLICT (asset_key) DO UPDATE SET last_materialization_id = NULL, last_observation_id = NULL, last_run_id = NULL,
           wiped_below_id = excluded.wiped_below_id, wipe_time = excluded.wipe_time`,
        [unique, Date.now()],
      );
    }, `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_EVENTS}, ${this.#database.schemaKey})`);
  }

  /** The second half of a partition wipe, once its ASSET_WIPED events are stored: the latest events still in the history. */
  async reindexAfterPartitionWipe(key: AssetKey): Promise<void> {
    await this.#database.query(reindexAfterPartitionWipeSql("$1"), [key.toString()], "tessera_reindex_after_partition_wipe");
  }

  async getMaterializedPartitions(key: AssetKey): Promise<string[]> {
    const rows = await this.#database.query<{ partition: string }>(
      `SELECT DISTINCT e.partition COLLATE "C" AS partition FROM event_logs e LEFT JOIN asset_keys a ON a.asset_key = e.asset_key
       WHERE e.asset_key = $1 AND e.event_type = 'ASSET_MATERIALIZATION' AND e.partition IS NOT NULL
         AND e.id > coalesce(a.wiped_below_id, 0) AND ${notWipedByPartition("e")} ORDER BY 1`,
      [key.toString()],
      "tessera_materialized_partitions_v2",
    );
    return rows.map((r) => r.partition);
  }

  // Dynamic partitions

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#database.query(
      `INSERT INTO dynamic_partitions (name, partition, create_time)
       SELECT $1::text, k, $3::float8 FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
       ON CONFLICT DO NOTHING`,
      [name, keys, Date.now()],
      "tessera_add_dynamic_partitions",
    );
  }

  async getDynamicPartitions(name: string): Promise<string[]> {
    const rows = await this.#database.query<{ partition: string }>(
      "SELECT partition FROM dynamic_partitions WHERE name = $1 ORDER BY create_time, id",
      [name],
      "tessera_dynamic_partitions",
    );
    return rows.map((r) => r.partition);
  }

  async hasDynamicPartition(name: string, key: string): Promise<boolean> {
    const rows = await this.#database.query("SELECT 1 FROM dynamic_partitions WHERE name = $1 AND partition = $2", [name, key], "tessera_has_dynamic_partition");
    return rows.length > 0;
  }

  async deleteDynamicPartition(name: string, key: string): Promise<void> {
    await this.#database.query("DELETE FROM dynamic_partitions WHERE name = $1 AND partition = $2", [name, key]);
  }
}
