// The PostgreSQL backend (pg): connects lazily, one transaction per write, storage ids in commit order, LISTEN/NOTIFY.
import { Client, Pool, type PoolClient, type PoolConfig, type QueryResultRow } from "pg";
import { AssetKey, InstanceError, type EventRecord, type TesseraEvent } from "../../core/index.js";
import type { AssetRecord, AutomationEvaluationRecord, BackfillRecord, BackfillStatus, EventRecordsFilter, InstigatorState, InstigatorType, LeaseRecord, NewTick, TickRecord, TicksFilter, NewRun, RunLogsOptions, RunRecord, RunsFilter, SchemaInfo, Storage, StorageInfo } from "../storage.js";
import { POSTGRES_MIGRATIONS, type PostgresMigration } from "./migrations.js";
import { EVENTS_CHANNEL, storeEventsQuery } from "./postgres-event-log.js";
import { locationOf, passwordOf, poolConfig, resolveTarget, scrub, unreachableError, type PostgresConnectionOptions, type PostgresTarget } from "./postgres-connection.js";
import { decodeEvent, decodePrefixedEvent, decodeRun, encodeRunBody, prefixedEventColumns, type EventRow, type RunRow, decodeBackfill, encodeBackfillBody, type BackfillRow, decodeAutomationEvaluation, decodeInstigator, decodeLease, decodeTick, encodeInstigatorBody, encodeTickBody, type AutomationEvaluationRow, type InstigatorRow, type LeaseRow, type TickRow } from "../storage-rows.js";

const APP_ID = "tessera";
// Advisory lock keys (two int4 form): the first names the purpose, the second the schema.
const LOCK_BOOTSTRAP = 0x7e550001;
const LOCK_EVENTS = 0x7e550002;

export interface PostgresStorageOptions extends PostgresConnectionOptions {
  /** Open a storage whose schema is older than this code (only to migrate it). @default false */
  allowOldSchema?: boolean | undefined;
  /** Replaces the built-in migrations; for tests of the migration machinery. */
  migrations?: readonly PostgresMigration[] | undefined;
}

/** Stops a watch started by `watchEvents`. */
export type StopWatching = () => Promise<void>;

/**
 * Storage in a PostgreSQL schema. The constructor does no I/O: the first call connects, checks the
 * schema (creating it in an empty database) and reports an unreachable server or a wrong schema then.
 *
 * @example
 * const storage = new PostgresStorage({ url: process.env.DATABASE_URL, schema: "tessera" });
 * await storage.getSchemaInfo(); // connects now; throws POSTGRES_UNREACHABLE, MIGRATION_REQUIRED…
 */
export class PostgresStorage implements Storage {
  readonly backend = "postgres" as const;
  /** The server, database and schema, without any password. */
  readonly location: string;
  readonly schema: string;
  readonly #pool: Pool;
  readonly #options: PostgresStorageOptions;
  readonly #target: PostgresTarget;
  readonly #password: string | undefined;
  readonly #migrations: readonly PostgresMigration[];
  readonly #latest: number;
  readonly #schemaKey: number;
  #initialized: Promise<void> | undefined;
  #everConnected = false;
  #version = 0;
  #closed = false;
  readonly #watches = new Set<StopWatching>();

  constructor(options: PostgresStorageOptions = {}) {
    this.#options = options;
    this.#target = resolveTarget(options);
    this.schema = this.#target.schema;
    this.location = locationOf(this.#target);
    this.#password = passwordOf(options);
    this.#migrations = [...(options.migrations ?? POSTGRES_MIGRATIONS)].sort((a, b) => a.version - b.version);
    this.#latest = Math.max(0, ...this.#migrations.map((m) => m.version));
    this.#schemaKey = fnv1a(this.schema);
    this.#pool = new Pool(poolConfig(options, this.#target));
    // An idle connection the server dropped (restart, failover) is replaced on the next checkout;
    // without a listener its error would crash the process.
    this.#pool.on("error", () => {});
    // A connection checked out when the server ends it (a restart) reports the error to its query; the
    // client's own error event must not crash the process meanwhile.
    this.#pool.on("connect", (client) => client.on("error", () => {}));
  }

  /**
   * Where a job queue beside this instance (graphile-worker, for `tessera worker`) connects: the same
   * server and database, its own schema next to the instance's.
   */
  queueConnection(): { pool: PoolConfig; schema: string } {
    return {
      pool: poolConfig({ ...this.#options, applicationName: "tessera-queue", maxConnections: 4 }, this.#target),
      schema: this.schema === "public" ? "tessera_queue" : `${this.schema.slice(0, 57)}_queue`,
    };
  }

  // Connections and initialization

  async #connect(): Promise<PoolClient> {
    if (this.#closed) throw new InstanceError("INSTANCE_CLOSED", this.location, "This instance has been closed; open it again to use it.");
    // Nothing has been sent on a connection being opened, so trying again is always safe: a server that
    // restarts is waited for, a server never reached is reported at once.
    const giveUpAt = this.#everConnected ? Date.now() + (this.#options.reconnectTimeoutMs ?? 30_000) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await this.#pool.connect();
        this.#everConnected = true;
        return client;
      } catch (error) {
        if (this.#closed) throw new InstanceError("INSTANCE_CLOSED", this.location, "This instance has been closed; open it again to use it.");
        if (!isServerGoingAway(error) || Date.now() >= giveUpAt) throw unreachableError(error, this.#target, this.location, this.#password);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Connects and checks the schema once; a failure is reported to this call and retried by the next. */
  #initialize(): Promise<void> {
    this.#initialized ??= this.#bootstrap().catch((error: unknown) => {
      this.#initialized = undefined;
      throw error;
    });
    return this.#initialized;
  }

  /** Waits for initialization and refuses data calls on an older schema (opened with allowOldSchema, to migrate). */
  async #ready(): Promise<void> {
    await this.#initialize();
    if (this.#version < this.#latest) {
      throw new InstanceError("MIGRATION_REQUIRED", this.location, `The instance at ${this.location} needs \`tessera instance migrate\` before use.`);
    }
  }

  async #bootstrap(): Promise<void> {
    const client = await this.#connect();
    try {
      // Two processes opening an empty database at once: the second waits here, then finds the tables.
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_BOOTSTRAP}, ${this.#schemaKey})`);
      const schemaExists = (await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [this.schema])).rowCount === 1;
      if (!schemaExists) await client.query(`CREATE SCHEMA ${this.schema}`);
      const tables = (
        await client.query<{ relname: string }>(
          `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
          [this.schema],
        )
      ).rows.map((r) => r.relname);
      if (tables.length === 0) {
        await client.query("CREATE TABLE tessera_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        await client.query("INSERT INTO tessera_meta (key, value) VALUES ('app', $1), ('schema_version', '0')", [APP_ID]);
        this.#version = await this.#applyMigrations(client, 0);
        await client.query("COMMIT");
        return;
      }
      await client.query("COMMIT");
      const where = this.schema === "public" ? `The database ${this.#target.database}` : `The schema ${this.schema} of database ${this.#target.database}`;
      if (!tables.includes("tessera_meta")) {
        throw new InstanceError(
          "FOREIGN_DATABASE",
          this.location,
          `${where} is not a Tessera instance (it has tables ${tables.slice(0, 5).join(", ")}). ` +
            `Nothing was changed. Set storage.postgres.schema in tessera.yaml to a schema of its own (it is created if missing), or use another database.`,
        );
      }
      const meta = new Map(
        (await client.query<{ key: string; value: string }>("SELECT key, value FROM tessera_meta")).rows.map((r) => [r.key, r.value]),
      );
      if (meta.get("app") !== APP_ID) {
        throw new InstanceError("FOREIGN_DATABASE", this.location, `${where} is not a Tessera instance. Nothing was changed; set storage.postgres.schema to another schema.`);
      }
      const version = Number(meta.get("schema_version"));
      if (version > this.#latest) {
        throw new InstanceError(
          "SCHEMA_TOO_NEW",
          this.location,
          `The instance at ${this.location} has schema version ${version}, newer than this Tessera knows (${this.#latest}). ` +
            `It was written by a newer Tessera: upgrade Tessera to open it. Nothing was changed.`,
        );
      }
      if (version < this.#latest && !this.#options.allowOldSchema) {
        throw new InstanceError(
          "MIGRATION_REQUIRED",
          this.location,
          `The instance at ${this.location} has schema version ${version}; this Tessera needs ${this.#latest}. ` +
            `Run \`tessera instance migrate\` to upgrade it (back up the database first if you may go back to an older Tessera).`,
        );
      }
      this.#version = version;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (error instanceof InstanceError) throw error;
      throw new InstanceError(
        "INSTANCE_UNREADABLE",
        this.location,
        `Cannot prepare the Tessera tables in ${this.location}: ${scrub(String((error as Error).message ?? error), this.#password)}. ` +
          `Nothing was changed. Check that user "${this.#target.user}" may create tables in schema ${this.schema} (or set storage.postgres.schema to one it owns).`,
        { cause: error },
      );
    } finally {
      client.release();
    }
  }

  async #applyMigrations(client: PoolClient, from: number): Promise<number> {
    let version = from;
    for (const migration of this.#migrations) {
      if (migration.version <= from) continue;
      await migration.up(client);
      await client.query("UPDATE tessera_meta SET value = $1 WHERE key = 'schema_version'", [String(migration.version)]);
      version = migration.version;
    }
    return version;
  }

  async #schemaVersion(client: PoolClient): Promise<number> {
    const row = (await client.query<{ value: string }>("SELECT value FROM tessera_meta WHERE key = 'schema_version'")).rows[0];
    return Number(row?.value ?? 0);
  }

  async #query<R extends QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<R[]> {
    await this.#ready();
    const client = await this.#connect();
    let lost: Error | undefined;
    try {
      return (await client.query<R>(name === undefined ? { text, values: values ?? [] } : { name, text, values: values ?? [] })).rows;
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      lost = error as Error;
      throw unreachableError(error, this.#target, this.location, this.#password, "querying");
    } finally {
      // A connection that broke mid-query is discarded, not handed to the next caller.
      client.release(lost);
    }
  }

  /** Runs `fn` in one transaction; `begin` may take locks in the same round trip. */
  async #transaction<T>(fn: (client: PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
    await this.#ready();
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      if (isConnectionLoss(error)) throw unreachableError(error, this.#target, this.location, this.#password, "querying");
      throw error;
    } finally {
      // A connection that could not even roll back is not given to the next caller.
      client.release(broken);
    }
  }

  // Schema

  async getSchemaInfo(): Promise<SchemaInfo> {
    await this.#initialize();
    const client = await this.#connect();
    try {
      return { version: await this.#schemaVersion(client), latest: this.#latest };
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<{ from: number; to: number }> {
    await this.#initialize();
    const client = await this.#connect();
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_BOOTSTRAP}, ${this.#schemaKey})`);
      const from = await this.#schemaVersion(client);
      const to = await this.#applyMigrations(client, from);
      await client.query("COMMIT");
      this.#version = to;
      return { from, to };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async info(): Promise<StorageInfo> {
    await this.#initialize();
    const schema = await this.getSchemaInfo();
    const client = await this.#connect();
    try {
      const row = (
        await client.query<{ runs: number; events: number; assets: number }>(
          `SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM event_logs) AS events,
                  (SELECT count(*) FROM asset_keys WHERE last_event_id > wiped_below_id) AS assets`,
        )
      ).rows[0] as { runs: number; events: number; assets: number };
      return { backend: "postgres", location: this.location, schema, runs: row.runs, events: row.events, assets: row.assets };
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#watches].map((stop) => stop()));
    await this.#initialized?.catch(() => {});
    await this.#pool.end();
  }

  // Runs

  async addRun(run: NewRun): Promise<RunRecord> {
    const tags = Object.entries(run.tags);
    // One statement: the run and its tags are written together or not at all.
    const rows = await this.#query<RunRow>(
      `WITH run AS (
         INSERT INTO runs (run_id, job_name, status, partition_key, backfill_id, parent_run_id, root_run_id, create_time, update_time, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING *
       ), tags AS (
         INSERT INTO run_tags (run_id, key, value) SELECT $1::text, k, v FROM unnest($10::text[], $11::text[]) AS t(k, v)
       )
       SELECT * FROM run`,
      [
        run.runId,
        run.jobName,
        run.status,
        run.partitionKey ?? null,
        run.backfillId ?? null,
        run.parentRunId ?? null,
        run.rootRunId ?? null,
        run.createTime,
        encodeRunBody(run),
        tags.map(([k]) => k),
        tags.map(([, v]) => v),
      ],
      "tessera_add_run",
    );
    return decodeRun(rows[0] as RunRow);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.#query<RunRow>("SELECT * FROM runs WHERE run_id = $1", [runId], "tessera_get_run");
    return row ? decodeRun(row) : undefined;
  }

  async getRuns(filter: RunsFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => `$${params.push(value)}`;
    if (filter.runIds) {
      if (filter.runIds.length === 0) return [];
      where.push(`run_id = ANY(${p(filter.runIds)}::text[])`);
    }
    if (filter.statuses) {
      if (filter.statuses.length === 0) return [];
      where.push(`status = ANY(${p(filter.statuses)}::text[])`);
    }
    if (filter.jobName !== undefined) where.push(`job_name = ${p(filter.jobName)}`);
    for (const [key, value] of Object.entries(filter.tags ?? {})) {
      where.push(`run_id IN (SELECT run_id FROM run_tags WHERE key = ${p(key)} AND value = ${p(value)})`);
    }
    if (filter.cursor !== undefined) where.push(`id < (SELECT id FROM runs WHERE run_id = ${p(filter.cursor)})`);
    const limit = filter.limit !== undefined && filter.limit >= 0 ? ` LIMIT ${p(filter.limit)}` : "";
    const rows = await this.#query<RunRow>(`SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC${limit}`, params);
    return rows.map(decodeRun);
  }

  async deleteRun(runId: string): Promise<void> {
    await this.#query(
      `WITH events AS (DELETE FROM event_logs WHERE run_id = $1), tags AS (DELETE FROM run_tags WHERE run_id = $1)
       DELETE FROM runs WHERE run_id = $1`,
      [runId],
    );
  }

  // Events

  async storeEvents(events: readonly TesseraEvent[]): Promise<EventRecord[]> {
    if (events.length === 0) return [];
    const n = events.length;
    const query = storeEventsQuery(events, LOCK_EVENTS, this.#schemaKey, this.schema);
    const [result] = await this.#query<{ ids: number[] }>(query.text, query.values, query.name);
    const ids = (result?.ids ?? []).map(Number);
    if (ids.length !== n) throw new Error(`storeEvents: stored ${ids.length} of ${n} events`);
    const records = new Array<EventRecord>(n);
    for (let i = 0; i < n; i++) records[i] = { ...(events[i] as TesseraEvent), storageId: ids[i] as number };
    return records;
  }

  async getRunLogs(runId: string, options: RunLogsOptions = {}): Promise<EventRecord[]> {
    const types = options.ofType === undefined ? undefined : Array.isArray(options.ofType) ? options.ofType : [options.ofType];
    const params: unknown[] = [runId, options.afterStorageId ?? 0];
    let sql = "SELECT * FROM event_logs WHERE run_id = $1 AND id > $2";
    if (types) sql += ` AND event_type = ANY($${params.push(types)}::text[])`;
    sql += " ORDER BY id ASC";
    if (options.limit !== undefined && options.limit >= 0) sql += ` LIMIT $${params.push(options.limit)}`;
    return (await this.#query<EventRow>(sql, params)).map(decodeEvent);
  }

  async getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]> {
    const params: unknown[] = [filter.eventType];
    const p = (value: unknown): string => `$${params.push(value)}`;
    const where = ["e.event_type = $1"];
    let join = "";
    if (filter.assetKey) {
      where.push(`e.asset_key = ${p(filter.assetKey.toString())}`);
      join = "LEFT JOIN asset_keys a ON a.asset_key = e.asset_key";
      where.push("e.id > coalesce(a.wiped_below_id, 0)");
    }
    if (filter.partitions) {
      if (filter.partitions.length === 0) return [];
      where.push(`e.partition = ANY(${p(filter.partitions)}::text[])`);
    }
    if (filter.afterStorageId !== undefined) where.push(`e.id > ${p(filter.afterStorageId)}`);
    if (filter.beforeStorageId !== undefined) where.push(`e.id < ${p(filter.beforeStorageId)}`);
    let sql = `SELECT e.* FROM event_logs e ${join} WHERE ${where.join(" AND ")} ORDER BY e.id ${filter.ascending ? "ASC" : "DESC"}`;
    if (filter.limit !== undefined && filter.limit >= 0) sql += ` LIMIT ${p(filter.limit)}`;
    return (await this.#query<EventRow>(sql, params)).map(decodeEvent);
  }

  async getMaxStorageId(): Promise<number> {
    const [row] = await this.#query<{ id: number }>("SELECT coalesce(max(id), 0) AS id FROM event_logs", [], "tessera_max_event_id");
    return row?.id ?? 0;
  }

  // Asset index

  async getAssetRecords(keys?: readonly AssetKey[]): Promise<AssetRecord[]> {
    // One round trip: the index rows joined with their latest materialization and observation.
    const sql = `SELECT a.asset_key, a.last_run_id, a.last_event_id, a.wiped_below_id, ${prefixedEventColumns("m")}, ${prefixedEventColumns("o")}
      FROM asset_keys a
      LEFT JOIN event_logs m ON m.id = a.last_materialization_id
      LEFT JOIN event_logs o ON o.id = a.last_observation_id
      WHERE a.last_event_id > a.wiped_below_id ${keys ? "AND a.asset_key = ANY($1::text[])" : ""}
      ORDER BY a.asset_key COLLATE "C"`;
    const rows = await this.#query<AssetRow>(sql, keys ? [keys.map((k) => k.toString())] : []);
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
    const rows = await this.#query<{ asset_key: string }>(
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
    await this.#transaction(async (client) => {
      await client.query(
        `INSERT INTO asset_keys (asset_key, wiped_below_id, wipe_time, last_event_id)
         SELECT k, (SELECT coalesce(max(id), 0) FROM event_logs), $2::float8, 0 FROM unnest($1::text[]) AS k
         ON CONFLICT (asset_key) DO UPDATE SET last_materialization_id = NULL, last_observation_id = NULL, last_run_id = NULL,
           wiped_below_id = excluded.wiped_below_id, wipe_time = excluded.wipe_time`,
        [unique, Date.now()],
      );
    }, `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_EVENTS}, ${this.#schemaKey})`);
  }

  async getMaterializedPartitions(key: AssetKey): Promise<string[]> {
    const rows = await this.#query<{ partition: string }>(
      `SELECT DISTINCT e.partition COLLATE "C" AS partition FROM event_logs e LEFT JOIN asset_keys a ON a.asset_key = e.asset_key
       WHERE e.asset_key = $1 AND e.event_type = 'ASSET_MATERIALIZATION' AND e.partition IS NOT NULL
         AND e.id > coalesce(a.wiped_below_id, 0) ORDER BY 1`,
      [key.toString()],
      "tessera_materialized_partitions",
    );
    return rows.map((r) => r.partition);
  }

  // Dynamic partitions

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#query(
      `INSERT INTO dynamic_partitions (name, partition, create_time)
       SELECT $1::text, k, $3::float8 FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
       ON CONFLICT DO NOTHING`,
      [name, keys, Date.now()],
      "tessera_add_dynamic_partitions",
    );
  }

  async getDynamicPartitions(name: string): Promise<string[]> {
    const rows = await this.#query<{ partition: string }>(
      "SELECT partition FROM dynamic_partitions WHERE name = $1 ORDER BY create_time, id",
      [name],
      "tessera_dynamic_partitions",
    );
    return rows.map((r) => r.partition);
  }

  async hasDynamicPartition(name: string, key: string): Promise<boolean> {
    const rows = await this.#query("SELECT 1 FROM dynamic_partitions WHERE name = $1 AND partition = $2", [name, key], "tessera_has_dynamic_partition");
    return rows.length > 0;
  }

  async deleteDynamicPartition(name: string, key: string): Promise<void> {
    await this.#query("DELETE FROM dynamic_partitions WHERE name = $1 AND partition = $2", [name, key]);
  }

  // Backfills

  async addBackfill(backfill: BackfillRecord): Promise<void> {
    await this.#query(
      "INSERT INTO backfills (backfill_id, status, create_time, update_time, body) VALUES ($1, $2, $3, $4, $5)",
      [backfill.backfillId, backfill.status, backfill.createTime, backfill.updateTime, encodeBackfillBody(backfill)],
      "tessera_add_backfill",
    );
  }

  async updateBackfill(backfill: BackfillRecord): Promise<void> {
    await this.#query(
      "UPDATE backfills SET status = $1, update_time = $2, body = $3 WHERE backfill_id = $4",
      [backfill.status, backfill.updateTime, encodeBackfillBody(backfill), backfill.backfillId],
      "tessera_update_backfill",
    );
  }

  async getBackfill(backfillId: string): Promise<BackfillRecord | undefined> {
    const [row] = await this.#query<BackfillRow>("SELECT * FROM backfills WHERE backfill_id = $1", [backfillId], "tessera_get_backfill");
    return row ? decodeBackfill(row) : undefined;
  }

  async getBackfills(filter: { statuses?: readonly BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    if (filter.statuses && filter.statuses.length === 0) return [];
    const params: unknown[] = [];
    let sql = "SELECT * FROM backfills";
    if (filter.statuses) {
      params.push(filter.statuses);
      sql += " WHERE status = ANY($1::text[])";
    }
    sql += " ORDER BY create_time DESC, backfill_id DESC";
    if (filter.limit !== undefined) {
      params.push(filter.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.#query<BackfillRow>(sql, params)).map(decodeBackfill);
  }

  // Schedules and sensors: state, ticks, automation evaluations

  async getInstigatorState(name: string): Promise<InstigatorState | undefined> {
    const [row] = await this.#query<InstigatorRow>("SELECT * FROM instigators WHERE name = $1", [name], "tessera_get_instigator");
    return row ? decodeInstigator(row) : undefined;
  }

  async getInstigatorStates(type?: InstigatorType): Promise<InstigatorState[]> {
    const rows =
      type === undefined
        ? await this.#query<InstigatorRow>("SELECT * FROM instigators ORDER BY name COLLATE \"C\"")
        : await this.#query<InstigatorRow>("SELECT * FROM instigators WHERE type = $1 ORDER BY name COLLATE \"C\"", [type]);
    return rows.map(decodeInstigator);
  }

  async setInstigatorState(state: InstigatorState): Promise<void> {
    await this.#query(
      `INSERT INTO instigators (name, type, status, update_time, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET type = excluded.type, status = excluded.status, update_time = excluded.update_time, body = excluded.body`,
      [state.name, state.type, state.status, state.updateTime, encodeInstigatorBody(state)],
      "tessera_set_instigator",
    );
  }

  async addTick(tick: NewTick): Promise<TickRecord> {
    const [row] = await this.#query<{ id: string }>(
      "INSERT INTO ticks (instigator_name, instigator_type, status, timestamp, body) VALUES ($1, $2, $3, $4, $5) RETURNING id",
      [tick.instigatorName, tick.instigatorType, tick.status, tick.timestamp, encodeTickBody(tick)],
      "tessera_add_tick",
    );
    return { ...tick, tickId: Number(row?.id) };
  }

  async updateTick(tick: TickRecord): Promise<void> {
    await this.#query(
      "UPDATE ticks SET status = $1, timestamp = $2, body = $3 WHERE id = $4",
      [tick.status, tick.timestamp, encodeTickBody(tick), tick.tickId],
      "tessera_update_tick",
    );
  }

  async getTicks(instigatorName: string, filter: TicksFilter = {}): Promise<TickRecord[]> {
    if (filter.statuses && filter.statuses.length === 0) return [];
    const params: unknown[] = [instigatorName];
    let sql = "SELECT * FROM ticks WHERE instigator_name = $1";
    if (filter.statuses) {
      params.push(filter.statuses);
      sql += ` AND status = ANY($${params.length}::text[])`;
    }
    if (filter.beforeTimestamp !== undefined) {
      params.push(filter.beforeTimestamp);
      sql += ` AND timestamp < $${params.length}`;
    }
    sql += " ORDER BY timestamp DESC, id DESC";
    if (filter.limit !== undefined) {
      params.push(filter.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.#query<TickRow>(sql, params)).map(decodeTick);
  }

  async addAutomationEvaluations(records: readonly AutomationEvaluationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#query(
      `INSERT INTO automation_evaluations (asset_key, evaluation_id, timestamp, sensor_name, num_requested, body)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::double precision[], $4::text[], $5::int[], $6::text[])`,
      [
        records.map((r) => r.assetKey),
        records.map((r) => r.evaluationId),
        records.map((r) => r.timestamp),
        records.map((r) => r.sensorName),
        records.map((r) => r.numRequested),
        records.map((r) => JSON.stringify(r.tree)),
      ],
      "tessera_add_evaluations",
    );
  }

  async getAutomationEvaluations(assetKey: string, options: { limit?: number; evaluationId?: number } = {}): Promise<AutomationEvaluationRecord[]> {
    const params: unknown[] = [assetKey];
    let sql = "SELECT * FROM automation_evaluations WHERE asset_key = $1";
    if (options.evaluationId !== undefined) {
      params.push(options.evaluationId);
      sql += ` AND evaluation_id = $${params.length}`;
    }
    sql += " ORDER BY id DESC";
    if (options.limit !== undefined) {
      params.push(options.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.#query<AutomationEvaluationRow>(sql, params)).map(decodeAutomationEvaluation);
  }

  // Leases

  async acquireLease(name: string, holder: string, now: number, ttlMs: number, info: Readonly<Record<string, unknown>> = {}): Promise<LeaseRecord> {
    // A conditional upsert is atomic under concurrent writers; a lease it did not take is read back.
    const [row] = await this.#query<LeaseRow>(
      `WITH taken AS (
         INSERT INTO leases (name, holder, acquired_at, expires_at, info) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, info = excluded.info,
           acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
         WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at
         RETURNING *
       )
       SELECT * FROM taken UNION ALL SELECT * FROM leases WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM taken)`,
      [name, holder, now, now + ttlMs, JSON.stringify(info)],
      "tessera_acquire_lease",
    );
    if (row) return decodeLease(row);
    // Released between the attempt and the read: try once more.
    return this.acquireLease(name, holder, now, ttlMs, info);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.#query("DELETE FROM leases WHERE name = $1 AND holder = $2", [name, holder], "tessera_release_lease");
  }

  async getLease(name: string): Promise<LeaseRecord | undefined> {
    const [row] = await this.#query<LeaseRow>("SELECT * FROM leases WHERE name = $1", [name], "tessera_get_lease");
    return row ? decodeLease(row) : undefined;
  }

  // Key-value cursors

  async getKv(keys: readonly string[]): Promise<Record<string, string>> {
    if (keys.length === 0) return {};
    const rows = await this.#query<{ key: string; value: string }>("SELECT key, value FROM kvs WHERE key = ANY($1::text[])", [keys], "tessera_get_kv");
    const found = new Map(rows.map((r) => [r.key, r.value]));
    const out: Record<string, string> = {};
    for (const key of keys) {
      const value = found.get(key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  async setKv(values: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(values);
    if (entries.length === 0) return;
    await this.#query(
      `INSERT INTO kvs (key, value) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [entries.map(([k]) => k), entries.map(([, v]) => v)],
      "tessera_set_kv",
    );
  }

  // Watching

  /**
   * Calls `listener` with the newest storage id whenever events are committed to this instance, by
   * any process: LISTEN/NOTIFY on a connection of its own, no polling. Resolves once listening; read
   * the new events with `getEventRecords`/`getRunLogs` after the last storage id you saw. Notifications
   * are coalesced by the caller's reading, never needed for correctness: a missed one is caught up by
   * the next. `onError` hears of a lost connection (the watch has then stopped).
   */
  async watchEvents(listener: (maxStorageId: number) => void, onError?: (error: InstanceError) => void): Promise<StopWatching> {
    await this.#ready();
    const client = new Client(poolConfig(this.#options, this.#target));
    try {
      await client.connect();
    } catch (error) {
      throw unreachableError(error, this.#target, this.location, this.#password);
    }
    const prefix = `${this.schema}:`;
    client.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload?.startsWith(prefix)) return;
      listener(Number(message.payload.slice(prefix.length)));
    });
    let stopped = false;
    const stop: StopWatching = async () => {
      if (stopped) return;
      stopped = true;
      this.#watches.delete(stop);
      await client.end().catch(() => {});
    };
    client.on("error", (error) => {
      if (stopped) return;
      void stop();
      onError?.(unreachableError(error, this.#target, this.location, this.#password, "querying"));
    });
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.#watches.add(stop);
    return stop;
  }
}

interface AssetRow extends Record<string, unknown> {
  asset_key: string;
  last_run_id: string | null;
  last_event_id: number;
  wiped_below_id: number;
}

/**
 * A query that failed because the connection did (server stopped, restarted or unreachable), not
 * because of its SQL: errors without a SQLSTATE, or the server's own shutdown codes (class 57P, 08).
 */
function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code.startsWith("57P") || code.startsWith("08");
  return error instanceof Error && (typeof code === "string" || /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(error.message));
}

/** A server restarting or failing over: refused connections, "starting up", "shutting down", a reset handshake. */
function isServerGoingAway(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "57P01" || code === "57P02" || code === "57P03") return true;
  if (error instanceof AggregateError) return error.errors.some(isServerGoingAway);
  return error instanceof Error && /Connection terminated|ECONNREFUSED|ECONNRESET/i.test(error.message);
}

/** A 32-bit FNV-1a hash as a signed int4: the schema's half of its advisory lock keys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
