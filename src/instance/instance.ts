// Instance: the storage of runs, events and the asset index, with the settings of a Tessera home.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DynamicPartitionsSnapshot, PartitionKeyRange, validateDynamicPartitionKeys, type PartitionsDefinition } from "../partitions/index.js";
import { readPartitionStatus, readPartitionStatuses, type PartitionStatus } from "./partition-status.js";
import { readLatestCheckEvaluations } from "./latest-check-evaluations.js";
import { readLatestMaterializationAttempts, type MaterializationAttempt } from "./latest-attempts.js";
import { computeLogManagerFor, type ComputeLogManager, type ComputeLogSettings } from "./compute-log-manager.js";
import { randomUUID } from "node:crypto";
import {
  AssetKey,
  BackfillNotFoundError,
  InstanceError,
  RunNotFoundError,
  systemClock,
  type AssetKeyLike,
  type Clock,
  type EventRecord,
  type EventType,
  type RunStatus,
  type TesseraEvent,
} from "../core/index.js";
import {
  PostgresStorage,
  SqliteStorage,
  type AssetRecord,
  type BackfillRecord,
  type BackfillStatus,
  type NewRun,
  type RunRecord,
  type Storage,
  type StorageInfo,
  type StoreEventsOptions,
} from "../storage/index.js";
import {
  DEFAULT_DB_FILE,
  findProjectRoot,
  projectFileIn,
  readSettings,
  resolveHome,
  resolvePostgresSettings,
  settingsSchemas,
  type Settings,
  type StorageConfig,
} from "./settings.js";

/** Options for `Instance.open()` and `Instance.connect()`: the storage to use, and the clock and home. */
export interface InstanceOptions {
  /** The same shape as `storage:` in tessera.yaml. */
  storage: StorageConfig;
  clock?: Clock;
  /** The Tessera home: where the default IO manager keeps values. */
  home?: string;
  /** Open a storage with an older schema, only to migrate it. */
  allowOldSchema?: boolean;
  /** Where steps' stdout and stderr are kept (`computeLogs:` of tessera.yaml). @default files under the home */
  computeLogs?: ComputeLogSettings | undefined;
}

// The compute log settings given to Instance.open (by a step process, from its parent's) as the instance's settings.
const settingsOf = (options: InstanceOptions): { settings?: Settings } => (options.computeLogs ? { settings: { computeLogs: options.computeLogs } } : {});

/** Paging options for `Instance.fetchMaterializations()` and `fetchObservations()`. */
export interface FetchOptions {
  limit?: number;
  /** The `cursor` of a previous page. */
  cursor?: string;
  /** @default false: newest first */
  ascending?: boolean;
}

/** One page of event records, with the cursor to pass for the next page. */
export interface FetchResult {
  records: EventRecord[];
  cursor: string | undefined;
  hasMore: boolean;
}

/** Filters and paging for `Instance.getRuns()`. */
export interface GetRunsOptions {
  statuses?: readonly RunStatus[];
  tags?: Readonly<Record<string, string>>;
  jobName?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The record of everything Tessera did: runs, their event logs and the asset index.
 *
 * @example
 * const instance = Instance.fromHome();          // $TESSERA_HOME or ./.tessera
 * const latest = await instance.getLatestMaterializationEvent("orders");
 */
export class Instance {
  readonly storage: Storage;
  readonly clock: Clock;
  /** The home directory; undefined for an ephemeral instance. */
  readonly home: string | undefined;
  readonly settings: Settings;

  /** How this instance's storage was opened (`storage:` of tessera.yaml), so other processes can open it too; undefined when in memory. */
  readonly storageConfig: StorageConfig | undefined;

  /** What steps wrote to stdout and stderr, per run and step. */
  readonly computeLogs: ComputeLogManager;

  constructor(storage: Storage, options: { clock?: Clock; home?: string; settings?: Settings; storageConfig?: StorageConfig; computeLogs?: ComputeLogManager } = {}) {
    this.storage = storage;
    this.clock = options.clock ?? systemClock;
    this.home = options.home;
    this.settings = options.settings ?? {};
    this.storageConfig = options.storageConfig;
    this.computeLogs = options.computeLogs ?? computeLogManagerFor(this.home, this.settings.computeLogs);
  }

  /** An in-memory instance that forgets everything when closed: for tests and scripts. */
  static ephemeral(options: { clock?: Clock } = {}): Instance {
    return new Instance(new SqliteStorage(":memory:"), options);
  }

  /**
   * Opens the storage described by `storage` (the shape of tessera.yaml's `storage:`). Synchronous:
   * a PostgreSQL storage connects on its first call, and reports an unreachable server or a schema
   * to migrate then; use `Instance.connect` to find out at once.
   */
  static open(options: InstanceOptions): Instance {
    const parsed = settingsSchemas().storageConfigSchema.safeParse(options.storage);
    if (!parsed.success) {
      // The issues name paths, never values: a URL given here may carry a password.
      const issues = parsed.error.issues.map((i) => `storage.${i.path.map(String).join(".")}: ${i.message}`.replace(/\.:/, ":"));
      throw new InstanceError(
        "INVALID_STORAGE_CONFIG",
        "storage",
        `Invalid storage settings: ${issues.join("; ")}. ` +
          `The shape is { sqlite: { path } } or { postgres: { url } | { host, port, user, database, password: { env: NAME } }, schema? }.`,
      );
    }
    return Instance.#openParsed(parsed.data, options);
  }

  // Storage settings already parsed (a tessera.yaml read, or the default SQLite file), so zod need not load for them.
  static #openParsed(storage: StorageConfig, options: InstanceOptions): Instance {
    const allowOldSchema = options.allowOldSchema ?? false;
    if ("postgres" in storage) {
      const postgres = new PostgresStorage({ ...resolvePostgresSettings(storage.postgres), allowOldSchema });
      return new Instance(postgres, { clock: options.clock, home: options.home, storageConfig: options.storage, ...settingsOf(options) });
    }
    const sqlite = new SqliteStorage(storage.sqlite.path, { allowOldSchema });
    return new Instance(sqlite, { clock: options.clock, home: options.home, storageConfig: options.storage, ...settingsOf(options) });
  }

  /**
   * Opens the storage and waits until it is usable: for PostgreSQL, connected with its schema checked
   * (and created in an empty database), so an unreachable server or a schema to migrate throws here.
   *
   * @example
   * const instance = await Instance.connect({ storage: { postgres: { url: { env: "DATABASE_URL" } } } });
   */
  static async connect(options: InstanceOptions): Promise<Instance> {
    const instance = Instance.open(options);
    try {
      await instance.storage.getSchemaInfo();
    } catch (error) {
      await instance.close().catch(() => {});
      throw error;
    }
    return instance;
  }

  /**
   * Opens the instance at `home`, else `$TESSERA_HOME`, else `.tessera` in the project root (the folder of the
   * tessera.yaml found walking up from `cwd`), with the settings of the project file and of the home's own
   * tessera.yaml. Where no instance was ever created, `ifMissing` says what to do: `"create"` it (the default),
   * `"fail"` with an error saying so (`mustExist: true` means the same), or open an `"empty"` one in memory that
   * records nothing on disk (for commands that only read, and show definitions beside what is recorded).
   */
  static fromHome(
    options: { home?: string; clock?: Clock; allowOldSchema?: boolean; cwd?: string; mustExist?: boolean; ifMissing?: "create" | "fail" | "empty" } = {},
  ): Instance {
    const cwd = options.cwd ?? process.cwd();
    // One walk up from cwd finds both the default home and the project file.
    const projectRoot = findProjectRoot(cwd);
    const home = resolveHome(options.home, { cwd, projectRoot });
    const settings = readSettings(home, { projectFile: projectFileIn(projectRoot) });
    const storage = settings.storage ?? { sqlite: { path: join(home, DEFAULT_DB_FILE) } };
    const ifMissing = options.ifMissing ?? (options.mustExist ? "fail" : "create");
    const missing = "sqlite" in storage && storage.sqlite.path !== ":memory:" && !existsSync(storage.sqlite.path);
    if (missing && ifMissing === "empty") {
      return new Instance(new SqliteStorage(":memory:"), { clock: options.clock, home, settings, storageConfig: storage });
    }
    if (missing && ifMissing === "fail") {
      throw new InstanceError(
        "INSTANCE_NOT_FOUND",
        storage.sqlite.path,
        `No Tessera instance at ${home}: nothing has been recorded there yet, so there is nothing to show. ` +
          `Materialize something first (tessera materialize), or point --home or $TESSERA_HOME at an existing instance.`,
      );
    }
    const instance = Instance.#openParsed(storage, { storage, clock: options.clock, home, allowOldSchema: options.allowOldSchema });
    return new Instance(instance.storage, { clock: instance.clock, home, settings, storageConfig: storage });
  }

  async close(): Promise<void> {
    await this.storage.close();
  }

  async info(): Promise<StorageInfo & { home: string | undefined }> {
    return { ...(await this.storage.info()), home: this.home };
  }

  async migrate(): Promise<{ from: number; to: number }> {
    return this.storage.migrate();
  }

  // Runs

  async createRun(run: Omit<NewRun, "runId" | "createTime" | "status"> & { runId?: string; status?: RunStatus }): Promise<RunRecord> {
    return this.storage.addRun({
      ...run,
      runId: run.runId ?? randomUUID(),
      status: run.status ?? "NOT_STARTED",
      createTime: this.clock.now(),
    });
  }

  async getRunById(runId: string): Promise<RunRecord | undefined> {
    return this.storage.getRun(runId);
  }

  async getRuns(options: GetRunsOptions = {}): Promise<RunRecord[]> {
    return this.storage.getRuns(options);
  }

  /**
   * Asks a run to stop. A run that has not started is canceled at once; a running one is marked CANCELING
   * and stops starting steps once it notices (between steps), then ends CANCELED.
   */
  async cancelRun(runId: string): Promise<RunRecord> {
    const run = await this.storage.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    if (run.status === "SUCCESS" || run.status === "FAILURE" || run.status === "CANCELED") {
      throw new InstanceError("RUN_FINISHED", runId, `Run ${runId} already ended ${run.status}; there is nothing to cancel.`);
    }
    if (run.status === "CANCELING") return run;
    const notStarted = run.status === "NOT_STARTED" || run.status === "QUEUED";
    await this.storage.storeEvents([
      {
        runId,
        timestamp: this.clock.now(),
        eventType: notStarted ? "RUN_CANCELED" : "RUN_CANCELING",
        message: notStarted ? "Canceled before it started." : "Cancel requested: running steps finish, no new step starts.",
      },
    ]);
    return (await this.storage.getRun(runId)) as RunRecord;
  }

  /**
   * Deletes a run, its tags, its events and its compute logs. Everything built from events then answers as if the
   * run had never been, in this process and every other one on the storage: the latest materialization and
   * observation, partition statuses, check results and automation (a deleted run's materialization no longer
   * counts). The reference deletes the events too but leaves its asset index and cached partition status as they
   * were, so that they disagree with the event log until the asset is wiped; here the event log stays the truth.
   */
  async deleteRun(runId: string): Promise<void> {
    await this.storage.deleteRun(runId);
    // The run's compute logs go with it: nothing could list or read them any more.
    this.computeLogs.deleteRun(runId);
  }

  // Events

  async storeEvents(events: readonly TesseraEvent[], options?: StoreEventsOptions): Promise<EventRecord[]> {
    return this.storage.storeEvents(events, options);
  }

  /** Every event of a run, in order; `ofType` narrows to some event types. */
  async allLogs(runId: string, options: { ofType?: EventType | readonly EventType[]; afterStorageId?: number; limit?: number } = {}): Promise<EventRecord[]> {
    return this.storage.getRunLogs(runId, options);
  }

  async getLatestMaterializationEvent(key: AssetKeyLike): Promise<EventRecord | undefined> {
    const [record] = await this.storage.getAssetRecords([AssetKey.from(key)]);
    return record?.lastMaterialization;
  }

  async getLatestObservationEvent(key: AssetKeyLike): Promise<EventRecord | undefined> {
    const [record] = await this.storage.getAssetRecords([AssetKey.from(key)]);
    return record?.lastObservation;
  }

  /** Materializations of an asset, newest first unless `ascending`, a page at a time. */
  async fetchMaterializations(keyOrFilter: AssetKeyLike | { assetKey: AssetKeyLike; partitions?: readonly string[] }, options: FetchOptions = {}): Promise<FetchResult> {
    return this.#fetch("ASSET_MATERIALIZATION", keyOrFilter, options);
  }

  async fetchObservations(keyOrFilter: AssetKeyLike | { assetKey: AssetKeyLike; partitions?: readonly string[] }, options: FetchOptions = {}): Promise<FetchResult> {
    return this.#fetch("ASSET_OBSERVATION", keyOrFilter, options);
  }

  async #fetch(
    eventType: EventType,
    keyOrFilter: AssetKeyLike | { assetKey: AssetKeyLike; partitions?: readonly string[] },
    options: FetchOptions,
  ): Promise<FetchResult> {
    const filter = AssetKey.isAssetKeyLike(keyOrFilter) ? { assetKey: keyOrFilter } : keyOrFilter;
    const ascending = options.ascending ?? false;
    const cursor = options.cursor === undefined ? undefined : Number(options.cursor);
    if (cursor !== undefined && !Number.isInteger(cursor)) {
      throw new InstanceError("INVALID_CURSOR", String(options.cursor), `"${options.cursor}" is not a cursor returned by a previous fetch`);
    }
    const limit = options.limit;
    const records = await this.storage.getEventRecords({
      eventType,
      assetKey: AssetKey.from(filter.assetKey),
      ...("partitions" in filter && filter.partitions ? { partitions: filter.partitions } : {}),
      ...(cursor === undefined ? {} : ascending ? { afterStorageId: cursor } : { beforeStorageId: cursor }),
      ...(limit === undefined ? {} : { limit: limit + 1 }),
      ascending,
    });
    const hasMore = limit !== undefined && records.length > limit;
    const page = hasMore ? records.slice(0, limit) : records;
    const last = page[page.length - 1];
    return { records: page, cursor: last ? String(last.storageId) : options.cursor, hasMore };
  }

  /** Evaluations of an asset's checks, newest first; `checkName` narrows to one check. */
  async getAssetCheckEvaluations(key: AssetKeyLike, options: { checkName?: string; limit?: number } = {}): Promise<EventRecord[]> {
    const records = await this.storage.getEventRecords({ eventType: "ASSET_CHECK_EVALUATION", assetKey: AssetKey.from(key) });
    const matching = options.checkName === undefined ? records : records.filter((r) => r.checkName === options.checkName);
    return options.limit === undefined ? matching : matching.slice(0, options.limit);
  }

  /** The latest evaluation of each of an asset's checks, by check name (newest first). */
  async getLatestAssetCheckEvaluations(key: AssetKeyLike): Promise<Map<string, EventRecord>> {
    return (await readLatestCheckEvaluations(this.storage, [key]))[0] as Map<string, EventRecord>;
  }

  /** `getLatestAssetCheckEvaluations` of many assets in one read (in the order of `keys`). */
  async getLatestAssetCheckEvaluationsOf(keys: readonly AssetKeyLike[]): Promise<Map<string, EventRecord>[]> {
    return readLatestCheckEvaluations(this.storage, keys);
  }

  /**
   * The latest materialization attempt of each asset (the run that last planned it, and how that went), in the
   * order of `keys`, in a fixed number of storage reads whatever their number; undefined for an asset never planned.
   */
  async getLatestMaterializationAttempts(keys: readonly AssetKeyLike[]): Promise<(MaterializationAttempt | undefined)[]> {
    return readLatestMaterializationAttempts(this.storage, keys);
  }

  // Asset index

  async getAssetRecords(keys?: readonly AssetKeyLike[]): Promise<AssetRecord[]> {
    return this.storage.getAssetRecords(keys?.map((k) => AssetKey.from(k)));
  }

  async getAssetKeys(options: { prefix?: string | readonly string[] } = {}): Promise<AssetKey[]> {
    const prefix = options.prefix === undefined ? undefined : typeof options.prefix === "string" ? options.prefix.split("/") : options.prefix;
    return this.storage.getAssetKeys(prefix);
  }

  /** Forgets the history of these assets. Their events stay in the logs of the runs that wrote them. */
  async wipeAssets(keys: readonly AssetKeyLike[]): Promise<void> {
    const assetKeys = keys.map((k) => AssetKey.from(k));
    await this.storage.wipeAssets(assetKeys);
    // The cached partition status of a wiped asset starts over.
    await this.storage.setKv(Object.fromEntries(assetKeys.map((k) => [`partition_status/${k.toString()}`, ""])));
  }

  /**
   * Forgets some partitions of an asset (the reference's `wipe_asset_partitions`): one ASSET_WIPED event per
   * partition, after which those partitions are missing (partition status, materialized partitions, their
   * latest materialization) while the asset's other partitions keep their history. Give the partition keys, or
   * ranges with the asset's partitions definition; a range or key the definition does not have is refused.
   *
   * @example
   * await instance.wipeAssetPartitions("daily_orders", ["2024-01-01"]);
   * await instance.wipeAssetPartitions("daily_orders", { partitionsDef, ranges: [new PartitionKeyRange("2024-01-01", "2024-01-31")] });
   */
  async wipeAssetPartitions(
    key: AssetKeyLike,
    partitions: readonly string[] | { partitionsDef: PartitionsDefinition; ranges: readonly PartitionKeyRange[] },
  ): Promise<EventRecord[]> {
    const assetKey = AssetKey.from(key);
    const keys = Array.isArray(partitions) ? (partitions as readonly string[]) : await this.partitionKeysInRanges(assetKey, partitions as { partitionsDef: PartitionsDefinition; ranges: readonly PartitionKeyRange[] });
    return this.storage.wipeAssetPartitions(assetKey, keys, this.clock.now());
  }

  /** The keys of `ranges` under the asset's definition, in order; a range end the definition does not have is refused. */
  async partitionKeysInRanges(keyLike: AssetKeyLike, given: { partitionsDef: PartitionsDefinition; ranges: readonly PartitionKeyRange[] }): Promise<string[]> {
    const key = AssetKey.from(keyLike);
    const dynamicPartitionsStore = await DynamicPartitionsSnapshot.load(this.storage, [given.partitionsDef]);
    const options = { currentTime: this.clock.now(), dynamicPartitionsStore };
    const out: string[] = [];
    for (const range of given.ranges) {
      for (const end of [range.start, range.end]) {
        if (!given.partitionsDef.hasPartitionKey(end, options)) {
          throw new InstanceError(
            "UNKNOWN_PARTITION_KEY",
            end,
            `Asset ${key.toString()} has no partition "${end}" (range ${range.start}...${range.end}); its partitions run from ${given.partitionsDef.getFirstPartitionKey(options) ?? "(none)"} to ${given.partitionsDef.getLastPartitionKey(options) ?? "(none)"}.`,
          );
        }
      }
      out.push(...given.partitionsDef.getPartitionKeysInRange(range, options));
    }
    return out;
  }

  async getMaterializedPartitions(key: AssetKeyLike): Promise<Set<string>> {
    return new Set(await this.storage.getMaterializedPartitions(AssetKey.from(key)));
  }

  // Partitions

  /** Which partitions of `key` are materialized, failed, in progress and missing, as compact subsets. */
  async getPartitionStatus(key: AssetKeyLike, partitionsDef: PartitionsDefinition): Promise<PartitionStatus> {
    return readPartitionStatus(this.storage, key, partitionsDef, this.clock.now());
  }

  /**
   * The partition status of many assets at once, in the order given, in a fixed number of storage reads whatever
   * their number (the asset index, the cached statuses and each kind of partition event read once for all).
   */
  async getPartitionStatuses(entries: readonly { key: AssetKeyLike; partitionsDef: PartitionsDefinition }[]): Promise<PartitionStatus[]> {
    return readPartitionStatuses(this.storage, entries, this.clock.now());
  }

  /**
   * The status of each partition of `key`: every partition of `partitionsDef` when given (MISSING included),
   * else the partitions the instance has events for.
   */
  async getStatusByPartition(key: AssetKeyLike, partitionsDef?: PartitionsDefinition): Promise<Map<string, "MATERIALIZED" | "FAILED" | "IN_PROGRESS" | "MISSING">> {
    const out = new Map<string, "MATERIALIZED" | "FAILED" | "IN_PROGRESS" | "MISSING">();
    if (!partitionsDef) {
      for (const partition of await this.storage.getMaterializedPartitions(AssetKey.from(key))) out.set(partition, "MATERIALIZED");
      return out;
    }
    const status = await this.getPartitionStatus(key, partitionsDef);
    for (const partition of status.missing.getPartitionKeys()) out.set(partition, "MISSING");
    for (const partition of status.materialized.getPartitionKeys()) out.set(partition, "MATERIALIZED");
    for (const partition of status.failed.getPartitionKeys()) out.set(partition, "FAILED");
    for (const partition of status.inProgress.getPartitionKeys()) out.set(partition, "IN_PROGRESS");
    return out;
  }

  // Backfills

  async getBackfill(backfillId: string): Promise<BackfillRecord | undefined> {
    return this.storage.getBackfill(backfillId);
  }

  async getBackfills(filter: { statuses?: readonly BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    return this.storage.getBackfills(filter);
  }

  /** Asks a backfill to stop: a running one stops before its next run, a requested one never starts. */
  async cancelBackfill(backfillId: string): Promise<BackfillRecord> {
    const backfill = await this.storage.getBackfill(backfillId);
    if (!backfill) throw new BackfillNotFoundError(backfillId);
    if (backfill.status !== "REQUESTED" && backfill.status !== "IN_PROGRESS") return backfill;
    const updated = { ...backfill, status: backfill.status === "REQUESTED" ? ("CANCELED" as const) : ("CANCELING" as const), updateTime: this.clock.now() };
    await this.storage.updateBackfill(updated);
    // Its unfinished runs are canceled too, so a single run over a long range stops at its next step boundary.
    const unfinished = await this.storage.getRuns({ tags: { "tessera/backfill": backfillId }, statuses: ["QUEUED", "NOT_STARTED", "STARTING", "STARTED"] });
    for (const run of unfinished) {
      // A run that ended since it was listed has nothing left to cancel.
      await this.cancelRun(run.runId).catch((error: unknown) => {
        if (!(error instanceof InstanceError && error.code === "RUN_FINISHED")) throw error;
      });
    }
    return updated;
  }

  // Dynamic partitions

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
    validateDynamicPartitionKeys(name, keys);
    return this.storage.addDynamicPartitions(name, keys);
  }

  async getDynamicPartitions(name: string): Promise<string[]> {
    return this.storage.getDynamicPartitions(name);
  }

  async hasDynamicPartition(name: string, key: string): Promise<boolean> {
    return this.storage.hasDynamicPartition(name, key);
  }

  async deleteDynamicPartition(name: string, key: string): Promise<void> {
    return this.storage.deleteDynamicPartition(name, key);
  }
}
