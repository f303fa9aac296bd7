// The embedded SQLite backend (better-sqlite3, WAL). Hot paths use prepared statements.
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3, { type Database, type Statement } from "better-sqlite3";
import { AssetKey, InstanceError, RUN_STATUS_BY_EVENT, type EventRecord, type EventType, type RunStatus, type TesseraEvent } from "../../core/index.js";
import type { AssetRecord, AutomationEvaluationRecord, BackfillRecord, BackfillStatus, EventRecordsFilter, InstigatorState, InstigatorType, LeaseRecord, NewTick, TickRecord, TicksFilter, NewRun, RunLogsOptions, RunRecord, RunsFilter, SchemaInfo, Storage, StorageInfo } from "../storage.js";
import { SQLITE_MIGRATIONS, type SqliteMigration } from "./migrations.js";
import { decodeAutomationEvaluation, decodeBackfill, decodeEvent, decodeInstigator, decodeLease, decodeRun, decodeTick, encodeBackfillBody, encodeEventBody, encodeInstigatorBody, encodeTickBody, type AutomationEvaluationRow, type BackfillRow, type EventRow, type InstigatorRow, type LeaseRow, type RunRow, type TickRow } from "../storage-rows.js";

const SQLITE_HEADER = "SQLite format 3\0";
const APP_ID = "tessera";

export interface SqliteStorageOptions {
  /** Open a storage whose schema is older than this code (only to migrate it). @default false */
  allowOldSchema?: boolean;
  /** Replaces the built-in migrations; for tests of the migration machinery. */
  migrations?: readonly SqliteMigration[];
  /** How long a writer waits for another process's lock, in ms. @default 10000 */
  busyTimeoutMs?: number;
}

/** Storage in one SQLite file (or `:memory:`). */
export class SqliteStorage implements Storage {
  readonly backend = "sqlite" as const;
  readonly location: string;
  readonly #db: Database;
  readonly #migrations: readonly SqliteMigration[];
  readonly #latest: number;
  #statements: Statements | undefined;
  readonly #decoded = new Map<number, EventRecord>();
  #eventsBy500: Statement | undefined;
  #closed = false;

  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.location = path;
    this.#migrations = options.migrations ?? SQLITE_MIGRATIONS;
    this.#latest = Math.max(0, ...this.#migrations.map((m) => m.version));
    const inMemory = path === ":memory:";
    if (!inMemory) {
      checkFileIsSqlite(path);
      mkdirSync(dirname(path), { recursive: true });
    }
    try {
      this.#db = new BetterSqlite3(path);
    } catch (cause) {
      throw new InstanceError("INSTANCE_UNREADABLE", path, `Cannot open the instance database at ${path}: ${String(cause)}. Check the path and its permissions.`, { cause });
    }
    try {
      this.#db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      if (!inMemory) this.#db.pragma("journal_mode = WAL");
      this.#db.pragma("synchronous = NORMAL");
      // Measured (bench/event-log.bench.ts): a larger page cache and fewer, larger checkpoints keep
      // small event batches from rewriting the same index pages over and over.
      this.#db.pragma("cache_size = -32768");
      if (!inMemory) this.#db.pragma("wal_autocheckpoint = 4000");
      this.#bootstrap(options.allowOldSchema ?? false);
    } catch (error) {
      this.#db.close();
      if (error instanceof InstanceError) throw error;
      throw new InstanceError(
        "CORRUPT_INSTANCE",
        path,
        `The instance database at ${path} is corrupt or unreadable (${String((error as Error).message ?? error)}). ` +
          `Nothing was changed. Move the file away (keep it for recovery) or point TESSERA_HOME at another folder.`,
        { cause: error },
      );
    }
  }

  #bootstrap(allowOldSchema: boolean): void {
    const tables = new Set((this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const userTables = [...tables].filter((t) => !t.startsWith("sqlite_"));
    if (userTables.length === 0) {
      this.#db.transaction(() => {
        this.#db.exec("CREATE TABLE tessera_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        this.#db.prepare("INSERT INTO tessera_meta (key, value) VALUES ('app', ?), ('schema_version', '0')").run(APP_ID);
        this.#applyMigrations(0);
      })();
      return;
    }
    if (!tables.has("tessera_meta")) {
      throw new InstanceError(
        "FOREIGN_DATABASE",
        this.location,
        `${this.location} is an SQLite database but not a Tessera instance (it has tables ${userTables.slice(0, 5).join(", ")}). ` +
          `Nothing was changed. Point TESSERA_HOME (or storage.sqlite.path in tessera.yaml) at another file.`,
      );
    }
    const meta = new Map((this.#db.prepare("SELECT key, value FROM tessera_meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (meta.get("app") !== APP_ID) {
      throw new InstanceError("FOREIGN_DATABASE", this.location, `${this.location} is not a Tessera instance. Nothing was changed; point TESSERA_HOME elsewhere.`);
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
    if (version < this.#latest && !allowOldSchema) {
      throw new InstanceError(
        "MIGRATION_REQUIRED",
        this.location,
        `The instance at ${this.location} has schema version ${version}; this Tessera needs ${this.#latest}. ` +
          `Run \`tessera instance migrate\` to upgrade it (back up the file first if you may go back to an older Tessera).`,
      );
    }
  }

  #schemaVersion(): number {
    const row = this.#db.prepare("SELECT value FROM tessera_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    return Number(row?.value ?? 0);
  }

  #applyMigrations(from: number): void {
    for (const migration of [...this.#migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= from) continue;
      migration.up(this.#db);
      this.#db.prepare("UPDATE tessera_meta SET value = ? WHERE key = 'schema_version'").run(String(migration.version));
    }
  }

  get #s(): Statements {
    if (this.#closed) throw new InstanceError("INSTANCE_CLOSED", this.location, "This instance has been closed; open it again to use it.");
    if (!this.#statements) {
      const version = this.#schemaVersion();
      if (version < this.#latest) {
        throw new InstanceError("MIGRATION_REQUIRED", this.location, `The instance at ${this.location} needs \`tessera instance migrate\` before use.`);
      }
      this.#statements = prepareStatements(this.#db);
    }
    return this.#statements;
  }

  async getSchemaInfo(): Promise<SchemaInfo> {
    return { version: this.#schemaVersion(), latest: this.#latest };
  }

  async migrate(): Promise<{ from: number; to: number }> {
    const from = this.#schemaVersion();
    this.#db.transaction(() => this.#applyMigrations(from))();
    return { from, to: this.#schemaVersion() };
  }

  async info(): Promise<StorageInfo> {
    const count = (table: string): number => (this.#db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      backend: "sqlite",
      location: this.location,
      schema: await this.getSchemaInfo(),
      runs: count("runs"),
      events: count("event_logs"),
      assets: (this.#db.prepare("SELECT count(*) AS n FROM asset_keys WHERE last_event_id > wiped_below_id").get() as { n: number }).n,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  // Runs

  async addRun(run: NewRun): Promise<RunRecord> {
    const s = this.#s;
    this.#db.transaction(() => {
      s.insertRun.run(
        run.runId,
        run.jobName,
        run.status,
        run.partitionKey ?? null,
        run.backfillId ?? null,
        run.parentRunId ?? null,
        run.rootRunId ?? null,
        run.createTime,
        run.createTime,
        JSON.stringify({ tags: run.tags, assetSelection: run.assetSelection, runConfig: run.runConfig ?? null }),
      );
      for (const [key, value] of Object.entries(run.tags)) s.insertRunTag.run(run.runId, key, value);
    })();
    return (await this.getRun(run.runId)) as RunRecord;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#s.getRun.get(runId) as RunRow | undefined;
    return row ? decodeRun(row) : undefined;
  }

  async getRuns(filter: RunsFilter = {}): Promise<RunRecord[]> {
    this.#s;
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.runIds) {
      if (filter.runIds.length === 0) return [];
      where.push(`run_id IN (${filter.runIds.map(() => "?").join(",")})`);
      params.push(...filter.runIds);
    }
    if (filter.statuses) {
      if (filter.statuses.length === 0) return [];
      where.push(`status IN (${filter.statuses.map(() => "?").join(",")})`);
      params.push(...filter.statuses);
    }
    if (filter.jobName !== undefined) {
      where.push("job_name = ?");
      params.push(filter.jobName);
    }
    for (const [key, value] of Object.entries(filter.tags ?? {})) {
      where.push("run_id IN (SELECT run_id FROM run_tags WHERE key = ? AND value = ?)");
      params.push(key, value);
    }
    if (filter.cursor !== undefined) {
      where.push("id < (SELECT id FROM runs WHERE run_id = ?)");
      params.push(filter.cursor);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC${filter.limit !== undefined ? " LIMIT ?" : ""}`;
    if (filter.limit !== undefined) params.push(filter.limit);
    return (this.#db.prepare(sql).all(...params) as RunRow[]).map(decodeRun);
  }

  async deleteRun(runId: string): Promise<void> {
    const s = this.#s;
    this.#decoded.clear();
    this.#db.transaction(() => {
      s.deleteRunEvents.run(runId);
      s.deleteRunTags.run(runId);
      s.deleteRun.run(runId);
    })();
  }

  // Events

  async storeEvents(events: readonly TesseraEvent[]): Promise<EventRecord[]> {
    if (events.length === 0) return [];
    const s = this.#s;
    return this.#db.transaction(() => {
      const records: EventRecord[] = new Array(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as TesseraEvent;
        const assetKey = event.assetKey?.toString() ?? null;
        const info = s.insertEvent.run(
          event.runId,
          event.stepKey ?? null,
          event.eventType,
          event.timestamp,
          assetKey,
          event.partition ?? null,
          encodeEventBody(event),
        );
        const storageId = Number(info.lastInsertRowid);
        records[i] = { ...event, storageId };
        const runStatus = RUN_STATUS_BY_EVENT[event.eventType];
        if (runStatus) updateRunStatus(s, event, runStatus);
        if (assetKey !== null) {
          if (event.eventType === "ASSET_MATERIALIZATION") s.indexMaterialization.run(assetKey, storageId, event.runId, storageId);
          else if (event.eventType === "ASSET_OBSERVATION") s.indexObservation.run(assetKey, storageId, storageId);
          else s.indexOtherAssetEvent.run(assetKey, storageId);
        }
      }
      return records;
    })();
  }

  async getRunLogs(runId: string, options: RunLogsOptions = {}): Promise<EventRecord[]> {
    const s = this.#s;
    const types = options.ofType === undefined ? undefined : Array.isArray(options.ofType) ? options.ofType : [options.ofType];
    let rows: EventRow[];
    if (!types && options.limit === undefined) {
      rows = s.runLogs.all(runId, options.afterStorageId ?? 0) as EventRow[];
    } else {
      const params: unknown[] = [runId, options.afterStorageId ?? 0];
      let sql = "SELECT * FROM event_logs WHERE run_id = ? AND id > ?";
      if (types) {
        sql += ` AND event_type IN (${types.map(() => "?").join(",")})`;
        params.push(...types);
      }
      sql += " ORDER BY id ASC";
      if (options.limit !== undefined) {
        sql += " LIMIT ?";
        params.push(options.limit);
      }
      rows = this.#db.prepare(sql).all(...params) as EventRow[];
    }
    return rows.map(decodeEvent);
  }

  async getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]> {
    this.#s;
    const where = ["e.event_type = ?"];
    const params: unknown[] = [filter.eventType];
    let join = "";
    if (filter.assetKey) {
      where.push("e.asset_key = ?");
      params.push(filter.assetKey.toString());
      join = "LEFT JOIN asset_keys a ON a.asset_key = e.asset_key";
      where.push("e.id > coalesce(a.wiped_below_id, 0)");
    }
    if (filter.partitions) {
      if (filter.partitions.length === 0) return [];
      where.push(`e.partition IN (${filter.partitions.map(() => "?").join(",")})`);
      params.push(...filter.partitions);
    }
    if (filter.afterStorageId !== undefined) {
      where.push("e.id > ?");
      params.push(filter.afterStorageId);
    }
    if (filter.beforeStorageId !== undefined) {
      where.push("e.id < ?");
      params.push(filter.beforeStorageId);
    }
    let sql = `SELECT e.* FROM event_logs e ${join} WHERE ${where.join(" AND ")} ORDER BY e.id ${filter.ascending ? "ASC" : "DESC"}`;
    if (filter.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(filter.limit);
    }
    return (this.#db.prepare(sql).all(...params) as EventRow[]).map(decodeEvent);
  }

  async getMaxStorageId(): Promise<number> {
    return (this.#s.maxEventId.get() as { id: number | null }).id ?? 0;
  }

  // Asset index

  async getAssetRecords(keys?: readonly AssetKey[]): Promise<AssetRecord[]> {
    const s = this.#s;
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

  /**
   * Events by storage id, decoded once and kept: events never change after they are written, so the
   * asset index (read often, by staleness and listings) decodes each latest event only once per process.
   */
  #eventsById(ids: readonly number[]): Map<number, EventRecord> {
    const found = new Map<number, EventRecord>();
    const missing: number[] = [];
    for (const id of ids) {
      const cached = this.#decoded.get(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const statement = chunk.length === 500 ? (this.#eventsBy500 ??= this.#db.prepare(`SELECT * FROM event_logs WHERE id IN (${Array(500).fill("?").join(",")})`)) : this.#db.prepare(`SELECT * FROM event_logs WHERE id IN (${chunk.map(() => "?").join(",")})`);
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
    const rows = this.#s.liveAssetKeys.all() as { asset_key: string }[];
    const keys = rows.map((r) => AssetKey.from(r.asset_key));
    return prefix && prefix.length ? keys.filter((k) => k.hasPrefix(prefix)) : keys;
  }

  async wipeAssets(keys: readonly AssetKey[]): Promise<void> {
    const s = this.#s;
    this.#db.transaction(() => {
      const below = (s.maxEventId.get() as { id: number | null }).id ?? 0;
      const now = Date.now();
      for (const key of keys) s.wipeAsset.run({ key: key.toString(), below, now });
    })();
  }

  async getMaterializedPartitions(key: AssetKey): Promise<string[]> {
    const rows = this.#s.materializedPartitions.all(key.toString()) as { partition: string }[];
    return rows.map((r) => r.partition);
  }

  // Dynamic partitions

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
    const s = this.#s;
    const now = Date.now();
    this.#db.transaction(() => {
      for (const key of keys) s.addDynamicPartition.run(name, key, now);
    })();
  }

  async getDynamicPartitions(name: string): Promise<string[]> {
    return (this.#s.dynamicPartitions.all(name) as { partition: string }[]).map((r) => r.partition);
  }

  async hasDynamicPartition(name: string, key: string): Promise<boolean> {
    return this.#s.hasDynamicPartition.get(name, key) !== undefined;
  }

  async deleteDynamicPartition(name: string, key: string): Promise<void> {
    this.#s.deleteDynamicPartition.run(name, key);
  }

  // Backfills

  async addBackfill(backfill: BackfillRecord): Promise<void> {
    this.#s.addBackfill.run(backfill.backfillId, backfill.status, backfill.createTime, backfill.updateTime, encodeBackfillBody(backfill));
  }

  async updateBackfill(backfill: BackfillRecord): Promise<void> {
    this.#s.updateBackfill.run(backfill.status, backfill.updateTime, encodeBackfillBody(backfill), backfill.backfillId);
  }

  async getBackfill(backfillId: string): Promise<BackfillRecord | undefined> {
    const row = this.#s.getBackfill.get(backfillId) as BackfillRow | undefined;
    return row ? decodeBackfill(row) : undefined;
  }

  async getBackfills(filter: { statuses?: readonly BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    this.#s;
    if (filter.statuses && filter.statuses.length === 0) return [];
    const where = filter.statuses ? `WHERE status IN (${filter.statuses.map(() => "?").join(",")})` : "";
    const params: unknown[] = [...(filter.statuses ?? [])];
    let sql = `SELECT * FROM backfills ${where} ORDER BY create_time DESC, rowid DESC`;
    if (filter.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(filter.limit);
    }
    return (this.#db.prepare(sql).all(...params) as BackfillRow[]).map(decodeBackfill);
  }

  // Schedules and sensors: state, ticks, automation evaluations

  async getInstigatorState(name: string): Promise<InstigatorState | undefined> {
    const row = this.#s.getInstigator.get(name) as InstigatorRow | undefined;
    return row ? decodeInstigator(row) : undefined;
  }

  async getInstigatorStates(type?: InstigatorType): Promise<InstigatorState[]> {
    this.#s;
    const rows = (type === undefined
      ? this.#db.prepare("SELECT * FROM instigators ORDER BY name").all()
      : this.#db.prepare("SELECT * FROM instigators WHERE type = ? ORDER BY name").all(type)) as InstigatorRow[];
    return rows.map(decodeInstigator);
  }

  async setInstigatorState(state: InstigatorState): Promise<void> {
    this.#s.setInstigator.run(state.name, state.type, state.status, state.updateTime, encodeInstigatorBody(state));
  }

  async addTick(tick: NewTick): Promise<TickRecord> {
    const result = this.#s.addTick.run(tick.instigatorName, tick.instigatorType, tick.status, tick.timestamp, encodeTickBody(tick));
    return { ...tick, tickId: Number(result.lastInsertRowid) };
  }

  async updateTick(tick: TickRecord): Promise<void> {
    this.#s.updateTick.run(tick.status, tick.timestamp, encodeTickBody(tick), tick.tickId);
  }

  async getTicks(instigatorName: string, filter: TicksFilter = {}): Promise<TickRecord[]> {
    this.#s;
    if (filter.statuses && filter.statuses.length === 0) return [];
    const where = ["instigator_name = ?"];
    const params: unknown[] = [instigatorName];
    if (filter.statuses) {
      where.push(`status IN (${filter.statuses.map(() => "?").join(",")})`);
      params.push(...filter.statuses);
    }
    if (filter.beforeTimestamp !== undefined) {
      where.push("timestamp < ?");
      params.push(filter.beforeTimestamp);
    }
    let sql = `SELECT * FROM ticks WHERE ${where.join(" AND ")} ORDER BY timestamp DESC, id DESC`;
    if (filter.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(filter.limit);
    }
    return (this.#db.prepare(sql).all(...params) as TickRow[]).map(decodeTick);
  }

  async addAutomationEvaluations(records: readonly AutomationEvaluationRecord[]): Promise<void> {
    const s = this.#s;
    this.#db.transaction(() => {
      for (const r of records) s.addEvaluation.run(r.assetKey, r.evaluationId, r.timestamp, r.sensorName, r.numRequested, JSON.stringify(r.tree));
    })();
  }

  async getAutomationEvaluations(assetKey: string, options: { limit?: number; evaluationId?: number } = {}): Promise<AutomationEvaluationRecord[]> {
    this.#s;
    const params: unknown[] = [assetKey];
    let sql = "SELECT * FROM automation_evaluations WHERE asset_key = ?";
    if (options.evaluationId !== undefined) {
      sql += " AND evaluation_id = ?";
      params.push(options.evaluationId);
    }
    sql += " ORDER BY id DESC";
    if (options.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(options.limit);
    }
    return (this.#db.prepare(sql).all(...params) as AutomationEvaluationRow[]).map(decodeAutomationEvaluation);
  }

  // Leases

  async acquireLease(name: string, holder: string, now: number, ttlMs: number, info: Readonly<Record<string, unknown>> = {}): Promise<LeaseRecord> {
    const s = this.#s;
    // One statement: the conditional upsert is atomic against other processes' writers.
    s.acquireLease.run({ name, holder, now, expires: now + ttlMs, info: JSON.stringify(info) });
    return decodeLease(s.getLease.get(name) as LeaseRow);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.#s.releaseLease.run(name, holder);
  }

  async getLease(name: string): Promise<LeaseRecord | undefined> {
    const row = this.#s.getLease.get(name) as LeaseRow | undefined;
    return row ? decodeLease(row) : undefined;
  }

  // Key-value cursors

  async getKv(keys: readonly string[]): Promise<Record<string, string>> {
    const s = this.#s;
    const out: Record<string, string> = {};
    for (const key of keys) {
      const row = s.getKv.get(key) as { value: string } | undefined;
      if (row) out[key] = row.value;
    }
    return out;
  }

  async setKv(values: Readonly<Record<string, string>>): Promise<void> {
    const s = this.#s;
    this.#db.transaction(() => {
      for (const [key, value] of Object.entries(values)) s.setKv.run(key, value);
    })();
  }
}

function checkFileIsSqlite(path: string): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    throw new InstanceError("CORRUPT_INSTANCE", path, `${path} is a directory, not an instance database. Point storage.sqlite.path at a file.`);
  }
  if (stat.size === 0) return;
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    if (header.toString("latin1") !== SQLITE_HEADER) {
      throw new InstanceError(
        "CORRUPT_INSTANCE",
        path,
        `${path} is not an SQLite database, so it cannot be a Tessera instance. Nothing was changed. ` +
          `Move the file away (keep it if it matters) or point TESSERA_HOME at another folder.`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

interface Statements {
  insertRun: Statement;
  insertRunTag: Statement;
  getRun: Statement;
  deleteRun: Statement;
  deleteRunTags: Statement;
  deleteRunEvents: Statement;
  insertEvent: Statement;
  runStarted: Statement;
  runEnded: Statement;
  runStatus: Statement;
  indexMaterialization: Statement;
  indexObservation: Statement;
  indexOtherAssetEvent: Statement;
  runLogs: Statement;
  maxEventId: Statement;
  getAssetRow: Statement;
  allAssetRows: Statement;
  liveAssetKeys: Statement;
  wipeAsset: Statement;
  materializedPartitions: Statement;
  addDynamicPartition: Statement;
  dynamicPartitions: Statement;
  hasDynamicPartition: Statement;
  deleteDynamicPartition: Statement;
  getKv: Statement;
  setKv: Statement;
  addBackfill: Statement;
  updateBackfill: Statement;
  getBackfill: Statement;
  getInstigator: Statement;
  setInstigator: Statement;
  addTick: Statement;
  updateTick: Statement;
  addEvaluation: Statement;
  acquireLease: Statement;
  releaseLease: Statement;
  getLease: Statement;
}

function prepareStatements(db: Database): Statements {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (run_id, job_name, status, partition_key, backfill_id, parent_run_id, root_run_id, create_time, update_time, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRunTag: db.prepare("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)"),
    getRun: db.prepare("SELECT * FROM runs WHERE run_id = ?"),
    deleteRun: db.prepare("DELETE FROM runs WHERE run_id = ?"),
    deleteRunTags: db.prepare("DELETE FROM run_tags WHERE run_id = ?"),
    deleteRunEvents: db.prepare("DELETE FROM event_logs WHERE run_id = ?"),
    insertEvent: db.prepare(
      "INSERT INTO event_logs (run_id, step_key, event_type, timestamp, asset_key, partition, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    runStarted: db.prepare("UPDATE runs SET status = ?, update_time = ?, start_time = ? WHERE run_id = ?"),
    runEnded: db.prepare("UPDATE runs SET status = ?, update_time = ?, end_time = ?, failure_reason = ? WHERE run_id = ?"),
    runStatus: db.prepare("UPDATE runs SET status = ?, update_time = ? WHERE run_id = ?"),
    indexMaterialization: db.prepare(
      `INSERT INTO asset_keys (asset_key, last_materialization_id, last_run_id, last_event_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_key) DO UPDATE SET last_materialization_id = excluded.last_materialization_id,
         last_run_id = excluded.last_run_id, last_event_id = excluded.last_event_id`,
    ),
    indexObservation: db.prepare(
      `INSERT INTO asset_keys (asset_key, last_observation_id, last_event_id) VALUES (?, ?, ?)
       ON CONFLICT (asset_key) DO UPDATE SET last_observation_id = excluded.last_observation_id, last_event_id = excluded.last_event_id`,
    ),
    indexOtherAssetEvent: db.prepare(
      `INSERT INTO asset_keys (asset_key, last_event_id) VALUES (?, ?)
       ON CONFLICT (asset_key) DO UPDATE SET last_event_id = excluded.last_event_id`,
    ),
    runLogs: db.prepare("SELECT * FROM event_logs WHERE run_id = ? AND id > ? ORDER BY id ASC"),
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
         AND e.id > coalesce(a.wiped_below_id, 0) ORDER BY e.partition`,
    ),
    addDynamicPartition: db.prepare("INSERT OR IGNORE INTO dynamic_partitions (name, partition, create_time) VALUES (?, ?, ?)"),
    dynamicPartitions: db.prepare("SELECT partition FROM dynamic_partitions WHERE name = ? ORDER BY create_time, rowid"),
    hasDynamicPartition: db.prepare("SELECT 1 FROM dynamic_partitions WHERE name = ? AND partition = ?"),
    deleteDynamicPartition: db.prepare("DELETE FROM dynamic_partitions WHERE name = ? AND partition = ?"),
    getKv: db.prepare("SELECT value FROM kvs WHERE key = ?"),
    setKv: db.prepare("INSERT INTO kvs (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    addBackfill: db.prepare("INSERT INTO backfills (backfill_id, status, create_time, update_time, body) VALUES (?, ?, ?, ?, ?)"),
    updateBackfill: db.prepare("UPDATE backfills SET status = ?, update_time = ?, body = ? WHERE backfill_id = ?"),
    getBackfill: db.prepare("SELECT * FROM backfills WHERE backfill_id = ?"),
    getInstigator: db.prepare("SELECT * FROM instigators WHERE name = ?"),
    setInstigator: db.prepare(
      `INSERT INTO instigators (name, type, status, update_time, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET type = excluded.type, status = excluded.status, update_time = excluded.update_time, body = excluded.body`,
    ),
    addTick: db.prepare("INSERT INTO ticks (instigator_name, instigator_type, status, timestamp, body) VALUES (?, ?, ?, ?, ?)"),
    updateTick: db.prepare("UPDATE ticks SET status = ?, timestamp = ?, body = ? WHERE id = ?"),
    addEvaluation: db.prepare(
      "INSERT INTO automation_evaluations (asset_key, evaluation_id, timestamp, sensor_name, num_requested, body) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    acquireLease: db.prepare(
      `INSERT INTO leases (name, holder, acquired_at, expires_at, info) VALUES (@name, @holder, @now, @expires, @info)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, info = excluded.info,
         acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
       WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at`,
    ),
    releaseLease: db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?"),
    getLease: db.prepare("SELECT * FROM leases WHERE name = ?"),
  };
}

function updateRunStatus(s: Statements, event: TesseraEvent, status: RunStatus): void {
  if (event.eventType === "RUN_START") s.runStarted.run(status, event.timestamp, event.timestamp, event.runId);
  else if (status === "SUCCESS" || status === "FAILURE" || status === "CANCELED") {
    s.runEnded.run(status, event.timestamp, event.timestamp, status === "FAILURE" ? (event.message ?? null) : null, event.runId);
  } else s.runStatus.run(status, event.timestamp, event.runId);
}




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



