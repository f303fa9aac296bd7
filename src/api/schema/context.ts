// The context of one GraphQL request: the instance, the workspace, and per-request batched reads.
import type { EventRecord } from "../../core/index.js";
import type { AssetRecord } from "../../storage/index.js";
import type { Instance, MaterializationAttempt, PartitionStatus } from "../../instance/index.js";
import type { PartitionsDefinition } from "../../partitions/index.js";
import type { LocationOperations, WorkspaceView } from "../../code-location/index.js";
import type { EventWatcher } from "../event-watcher.js";

type PendingPartitionStatus = { path: readonly string[]; def: PartitionsDefinition; resolve: (s: PartitionStatus) => void; reject: (e: unknown) => void };

type PendingAttempt = { key: string; resolve: (a: MaterializationAttempt | undefined) => void; reject: (e: unknown) => void };

type PendingChecks = { key: string; resolve: (m: Map<string, EventRecord>) => void; reject: (e: unknown) => void };

type StaleResult = LocationOperations["staleStatus"]["result"][number];

/** What every resolver gets. `loaders` live for one request, so batching never serves stale data across requests. */
export interface ApiContext {
  readonly instance: Instance;
  readonly workspace: WorkspaceView;
  readonly readOnly: boolean;
  readonly watcher: EventWatcher;
  readonly loaders: RequestLoaders;
}

/**
 * Reads that many fields of one response need, done once per request: the asset index in one query, and
 * staleness in one call per location for every asset the response asks it of.
 */
export class RequestLoaders {
  readonly #instance: Instance;
  readonly #workspace: WorkspaceView;
  #assetRecords: Promise<Map<string, AssetRecord>> | undefined;
  readonly #stalePending = new Map<string, Map<string, ((r: StaleResult | undefined) => void)[]>>();

  constructor(instance: Instance, workspace: WorkspaceView) {
    this.#instance = instance;
    this.#workspace = workspace;
  }

  #loadedRecords: Map<string, AssetRecord> | undefined;
  #checksPending: PendingChecks[] | undefined;
  readonly #latestChecks = new Map<string, Promise<Map<string, EventRecord>>>();

  /**
   * The latest evaluation of each check of the asset `key` (`a/b`). Every asset asked in the same tick is read in
   * one batch (one storage read for all of them), and each asset once per request.
   */
  latestCheckEvaluations(key: string): Promise<Map<string, EventRecord>> {
    let found = this.#latestChecks.get(key);
    if (found === undefined) {
      found = new Promise((resolve, reject) => {
        if (this.#checksPending === undefined) {
          const batch: PendingChecks[] = [];
          this.#checksPending = batch;
          setImmediate(() => {
            this.#checksPending = undefined;
            this.#instance.getLatestAssetCheckEvaluationsOf(batch.map((b) => b.key.split("/"))).then(
              (latest) => batch.forEach((b, i) => b.resolve(latest[i] as Map<string, EventRecord>)),
              (error: unknown) => batch.forEach((b) => b.reject(error)),
            );
          });
        }
        this.#checksPending.push({ key, resolve, reject });
      });
      this.#latestChecks.set(key, found);
    }
    return found;
  }

  #attemptsPending: PendingAttempt[] | undefined;

  #loadedAttempts: Map<string, MaterializationAttempt | undefined> | undefined;

  /** Reads the latest attempts of `keys` in one batch, so that `latestMaterializationAttempt` answers them without waiting. */
  async preloadMaterializationAttempts(keys: readonly string[]): Promise<void> {
    const attempts = await this.#instance.getLatestMaterializationAttempts(keys.map((k) => k.split("/")));
    this.#loadedAttempts ??= new Map();
    keys.forEach((key, i) => this.#loadedAttempts?.set(key, attempts[i]));
  }

  /**
   * The latest materialization attempt of the asset `key` (`a/b`): at once when preloaded (see loadedAssetRecords
   * for why synchronous answers matter), else every asset asked in the same tick is read in one batch.
   */
  latestMaterializationAttempt(key: string): MaterializationAttempt | undefined | Promise<MaterializationAttempt | undefined> {
    if (this.#loadedAttempts?.has(key)) return this.#loadedAttempts.get(key);
    return new Promise((resolve, reject) => {
      if (this.#attemptsPending === undefined) {
        const batch: PendingAttempt[] = [];
        this.#attemptsPending = batch;
        setImmediate(() => {
          this.#attemptsPending = undefined;
          this.#instance.getLatestMaterializationAttempts(batch.map((b) => b.key.split("/"))).then(
            (attempts) => batch.forEach((b, i) => b.resolve(attempts[i])),
            (error: unknown) => batch.forEach((b) => b.reject(error)),
          );
        });
      }
      this.#attemptsPending.push({ key, resolve, reject });
    });
  }

  /** The asset index row of `key` (`a/b`), from one read of the whole index per request. */
  async assetRecord(key: string): Promise<AssetRecord | undefined> {
    await this.preloadAssetRecords();
    return this.#loadedRecords?.get(key);
  }

  /** Reads the asset index (once per request), so that `loadedAssetRecords` answers without waiting. */
  preloadAssetRecords(): Promise<void> {
    this.#assetRecords ??= this.#instance.getAssetRecords().then((records) => (this.#loadedRecords = new Map(records.map((r) => [r.assetKey.toString(), r]))));
    return this.#assetRecords.then(() => undefined);
  }

  /**
   * The asset index once read, else undefined. Resolvers answer from it synchronously: a field that returns a
   * promise makes graphql-js complete each of 10,000 list items asynchronously, several times slower.
   */
  get loadedAssetRecords(): ReadonlyMap<string, AssetRecord> | undefined {
    return this.#loadedRecords;
  }

  #partitionPending: PendingPartitionStatus[] | undefined;

  /** The partition status of the asset at `path`; every asset asked in the same tick is read in one batch. */
  partitionStatus(path: readonly string[], def: PartitionsDefinition): Promise<PartitionStatus> {
    return new Promise((resolve, reject) => {
      if (this.#partitionPending === undefined) {
        const batch: PendingPartitionStatus[] = [];
        this.#partitionPending = batch;
        setImmediate(() => {
          this.#partitionPending = undefined;
          this.#instance.getPartitionStatuses(batch.map((b) => ({ key: b.path, partitionsDef: b.def }))).then(
            (statuses) => batch.forEach((b, i) => b.resolve(statuses[i] as PartitionStatus)),
            (error: unknown) => batch.forEach((b) => b.reject(error)),
          );
        });
      }
      this.#partitionPending.push({ path, def, resolve, reject });
    });
  }

  /** Staleness of `key` (or of its partition) in `location`; every question asked in the same tick goes to the location in one call. */
  staleStatus(location: string, key: string, partitionKey?: string | null): Promise<StaleResult | undefined> {
    return new Promise((resolve) => {
      let pending = this.#stalePending.get(location);
      if (pending === undefined) {
        pending = new Map();
        this.#stalePending.set(location, pending);
        const batch = pending;
        setImmediate(() => {
          this.#stalePending.delete(location);
          void this.#flushStale(location, batch);
        });
      }
      const question = partitionKey === undefined || partitionKey === null ? key : `${key}\u0000${partitionKey}`;
      const waiting = pending.get(question) ?? [];
      waiting.push(resolve);
      pending.set(question, waiting);
    });
  }

  async #flushStale(location: string, batch: Map<string, ((r: StaleResult | undefined) => void)[]>): Promise<void> {
    const questions = [...batch.keys()].map((q) => q.split("\u0000") as [string, string?]);
    const byPartition = questions.some(([, partitionKey]) => partitionKey !== undefined);
    const result = await this.#workspace.run(location, "staleStatus", {
      keys: questions.map(([key]) => key),
      ...(byPartition ? { partitionKeys: questions.map(([, partitionKey]) => partitionKey ?? null) } : {}),
    });
    const byKey = new Map(result.ok ? result.value.map((r) => [r.partitionKey === undefined || r.partitionKey === null ? r.key : `${r.key}\u0000${r.partitionKey}`, r]) : []);
    for (const [key, waiting] of batch) for (const resolve of waiting) resolve(byKey.get(key));
  }
}
