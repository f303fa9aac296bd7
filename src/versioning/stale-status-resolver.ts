// StaleStatusResolver: FRESH, STALE (with causes) or MISSING for each asset, from the provenance its materializations record.
import { AssetKey, InvalidDefinitionError, SystemTags, type AssetKeyLike, type EventRecord, type Tags } from "../core/index.js";
import type { DefinitionsData } from "../definitions/index.js";
import { AssetGraph, partitionMappingOf } from "../graph/index.js";
import { AllPartitionMapping, DynamicPartitionsSnapshot, TimeWindowPartitionsDefinition, type PartitionsDefinition } from "../partitions/index.js";
import type { Instance } from "../instance/index.js";
import type { AssetRecord } from "../storage/index.js";
import { currentDataVersion, latestDataVersionEvent } from "./current-data-version.js";
import { DEFAULT_DATA_VERSION, NULL_DATA_VERSION, computeLogicalDataVersion, dataVersionOf, provenanceOf } from "./data-version.js";
import { StaleCauseCategory, StaleStatus, type StaleCause } from "./stale-status.js";

/** Options for `new StaleStatusResolver(instance, defs, options)`. */
export interface StaleStatusResolverOptions {
  /**
   * Asset records already read from the instance, for callers that read them anyway (`tessera asset list`
   * shows each asset's latest materialization): the result of `instance.getAssetRecords()` or of
   * `getAssetRecords` with every key of the definitions. The resolver then reads nothing and treats an
   * asset without a record as never materialized (or, if external, never observed).
   */
  assetRecords?: readonly AssetRecord[];
}

/**
 * Resolves staleness against one snapshot of the instance: records are read once, in batches, and every
 * answer is memoized, so make a new resolver to see events written after the first read (one per request,
 * one per CLI command).
 *
 * The rules are the reference's current ones, and they do not propagate: an asset is STALE only through
 * its own code version, its own dependencies, or an upstream whose current data version differs from the
 * one its latest materialization recorded. An asset downstream of a stale one stays FRESH until that one
 * is rematerialized with a new data version.
 *
 * Partitions are asked about one at a time (`getStatus(key, partitionKey)`); an asset downstream of partitions
 * looks at each upstream partition it reads, as the reference does, up to the reference's limits: an edge to 100
 * or more upstream partitions, a self-dependency over 100 or more partitions, and time partitions read through an
 * `AllPartitionMapping` are not looked at. A partition counts as changed when it was materialized after the
 * downstream with a data version other than the one it had before.
 *
 * @example
 * const resolver = new StaleStatusResolver(instance, defs);
 * await resolver.getStatus("orders");      // "STALE"
 * await resolver.getStaleCauses("orders"); // [{ key: orders, category: "CODE", reason: "has a new code version" }]
 * const all = await resolver.getStatuses(); // Map { "orders" => "STALE", ... }, one query for the graph
 */
export class StaleStatusResolver {
  readonly #instance: Instance;
  readonly #graph: AssetGraph;
  readonly #loaded: Uint8Array;
  readonly #events: (EventRecord | undefined)[];
  readonly #current: (string | undefined)[];
  // 0: not known yet, 1: given by the user, 2: derived.
  readonly #userProvided: Uint8Array;
  readonly #causes: (readonly StaleCause[] | undefined)[];
  readonly #partitionCauses = new Map<string, Promise<readonly StaleCause[]>>();
  readonly #partitionEvents = new Map<string, Promise<EventRecord | undefined>>();
  // The newest materialization of each partition of an upstream written after `#recentFloor` of that upstream.
  readonly #recentEvents = new Map<string, EventRecord>();
  readonly #recentFloor = new Map<number, number>();
  #dynamic: Promise<DynamicPartitionsSnapshot> | undefined;
  // Loads run one after another so that two concurrent questions never read the same record twice.
  #loading: Promise<void> = Promise.resolve();

  constructor(instance: Instance, defs: DefinitionsData, options: StaleStatusResolverOptions = {}) {
    this.#instance = instance;
    this.#graph = AssetGraph.of(defs);
    const size = this.#graph.size;
    this.#loaded = new Uint8Array(size);
    this.#events = new Array<EventRecord | undefined>(size);
    this.#current = new Array<string | undefined>(size);
    this.#userProvided = new Uint8Array(size);
    this.#causes = new Array<readonly StaleCause[] | undefined>(size);
    if (options.assetRecords) {
      for (const record of options.assetRecords) this.#remember(record);
      this.#loaded.fill(1);
    }
  }

  /**
   * MISSING if never materialized; FRESH for external assets; otherwise STALE when there is any stale cause.
   * `partitionKey` asks about one partition of a partitioned asset; without it, a partitioned asset is answered
   * for its latest materialization, whichever partition that was.
   */
  async getStatus(key: AssetKeyLike, partitionKey?: string): Promise<StaleStatus> {
    const node = this.#require(key, partitionKey);
    await this.#load(this.#withParents(node));
    if (partitionKey === undefined && this.#readsPartitions(node)) await this.#loadRecentPartitionEvents([node]);
    if (partitionKey !== undefined || this.#readsPartitions(node)) return this.#partitionStatus(node, partitionKey);
    return this.#status(node);
  }

  /** Why the asset (or its partition) is stale, ordered by the dependency involved (causes about the asset itself first); empty unless STALE. */
  async getStaleCauses(key: AssetKeyLike, partitionKey?: string): Promise<readonly StaleCause[]> {
    const node = this.#require(key, partitionKey);
    await this.#load(this.#withParents(node));
    if (partitionKey === undefined && this.#readsPartitions(node)) await this.#loadRecentPartitionEvents([node]);
    if (partitionKey !== undefined || this.#readsPartitions(node)) return this.#partitionCausesOf(node, partitionKey);
    return this.#staleCauses(node);
  }

  /** The causes at the end of each chain of `children`, each once: what changed, rather than what it changed. */
  async getStaleRootCauses(key: AssetKeyLike, partitionKey?: string): Promise<readonly StaleCause[]> {
    let candidates = await this.getStaleCauses(key, partitionKey);
    const seen = new Set<string>();
    const roots: StaleCause[] = [];
    while (candidates.length > 0) {
      const next: StaleCause[] = [];
      for (const cause of candidates) {
        const id = `${cause.key.toString()}\u0000${cause.partitionKey ?? ""}\u0000${cause.category}\u0000${cause.reason}\u0000${cause.dependency?.toString() ?? ""}\u0000${cause.dependencyPartitionKey ?? ""}`;
        if (seen.has(id)) continue;
        seen.add(id);
        if (cause.children) next.push(...cause.children);
        else roots.push(cause);
      }
      candidates = next;
    }
    return roots;
  }

  /** The asset's data version now: its latest recorded one, "INITIAL" for an unobserved external asset, "NULL" if never materialized. */
  async getCurrentDataVersion(key: AssetKeyLike): Promise<string> {
    const node = this.#require(key);
    await this.#load([node]);
    return this.#currentVersion(node);
  }

  /**
   * Reads, in one query, the records that questions about `keys` need (theirs and their parents'), so that a
   * caller asking about many assets one after another does not read once per asset.
   */
  async preload(keys: readonly AssetKeyLike[]): Promise<void> {
    const nodes = new Set<number>();
    for (const key of keys) {
      // Keys the definitions lack are left for the question about them to refuse.
      const node = this.#graph.indexOf(typeof key === "string" ? key : AssetKey.from(key));
      if (node === undefined) continue;
      nodes.add(node);
      for (const parent of this.#graph.parents[node] as readonly number[]) nodes.add(parent);
    }
    await this.#load([...nodes]);
    await this.#loadRecentPartitionEvents([...nodes]);
  }

  /** The status of every asset of the definitions (external ones included), by key string, in one read of the instance. */
  async getStatuses(): Promise<ReadonlyMap<string, StaleStatus>> {
    const size = this.#graph.size;
    const all = new Array<number>(size);
    for (let i = 0; i < size; i++) all[i] = i;
    await this.#load(all);
    await this.#loadRecentPartitionEvents(all);
    const statuses = new Map<string, StaleStatus>();
    for (let i = 0; i < size; i++) statuses.set(this.#graph.ids[i] as string, this.#readsPartitions(i) ? await this.#partitionStatus(i, undefined) : this.#status(i));
    return statuses;
  }

  #require(key: AssetKeyLike, partitionKey?: string): number {
    const node = this.#graph.require(AssetKey.from(key), "the staleness query");
    if (partitionKey !== undefined && !this.#graph.specs[node]?.partitionsDef) {
      throw new InvalidDefinitionError(`Asset "${this.#graph.ids[node]}" is not partitioned, so it has no partition "${partitionKey}"; ask about it without a partition key.`);
    }
    return node;
  }

  // An unpartitioned asset reading partitioned upstreams is answered partition by partition of those upstreams.
  #readsPartitions(node: number): boolean {
    if (this.#graph.specs[node]?.partitionsDef || this.#graph.isExternal(node)) return false;
    return (this.#graph.parents[node] as readonly number[]).some((p) => this.#graph.specs[p]?.partitionsDef !== undefined);
  }

  /**
   * Reads in one query the events of the partitioned upstreams of `nodes` (those answered through their upstreams'
   * partitions) written after the oldest of their materializations: an upstream partition with no event there did
   * not change since any of them. Only a partition that did change is read again, for the version it had before.
   */
  async #loadRecentPartitionEvents(nodes: readonly number[]): Promise<void> {
    const graph = this.#graph;
    let floor = Infinity;
    const parents = new Set<number>();
    for (const node of nodes) {
      if (!this.#readsPartitions(node)) continue;
      const event = this.#events[node];
      if (!event) continue;
      for (const parent of graph.parents[node] as readonly number[]) {
        if (!graph.specs[parent]?.partitionsDef || graph.isExternal(parent)) continue;
        const known = this.#recentFloor.get(parent);
        if (known !== undefined && known <= event.storageId) continue;
        parents.add(parent);
        floor = Math.min(floor, event.storageId);
      }
    }
    if (parents.size === 0) return;
    const records = await this.#instance.storage.getEventRecords({
      eventType: "ASSET_MATERIALIZATION",
      assetKeys: [...parents].map((p) => graph.keys[p] as AssetKey),
      afterStorageId: floor,
      ascending: true,
    });
    for (const record of records) {
      const parent = record.assetKey ? graph.indexOf(record.assetKey) : undefined;
      if (parent === undefined || record.partition === undefined || !parents.has(parent)) continue;
      this.#recentEvents.set(`${parent}\u0000${record.partition}`, record);
    }
    for (const parent of parents) this.#recentFloor.set(parent, Math.min(floor, this.#recentFloor.get(parent) ?? Infinity));
  }

  async #partitionStatus(node: number, partition: string | undefined): Promise<StaleStatus> {
    const event = await this.#eventOf(node, partition);
    if (currentDataVersion(event, this.#graph.isExternal(node)) === NULL_DATA_VERSION) return StaleStatus.MISSING;
    if (this.#graph.isExternal(node)) return StaleStatus.FRESH;
    return (await this.#partitionCausesOf(node, partition)).length === 0 ? StaleStatus.FRESH : StaleStatus.STALE;
  }

  #partitionCausesOf(node: number, partition: string | undefined): Promise<readonly StaleCause[]> {
    const id = `${node}\u0000${partition ?? ""}`;
    let causes = this.#partitionCauses.get(id);
    if (!causes) {
      causes = this.#computePartitionCauses(node, partition);
      this.#partitionCauses.set(id, causes);
    }
    return causes;
  }

  // The event holding the current data version of the asset, or of one of its partitions.
  async #eventOf(node: number, partition: string | undefined): Promise<EventRecord | undefined> {
    if (partition === undefined) return this.#events[node];
    return this.#partitionEvent(node, partition, undefined);
  }

  // The latest event of a partition, or the latest one before `before` (a storage id); memoized.
  #partitionEvent(node: number, partition: string, before: number | undefined): Promise<EventRecord | undefined> {
    const id = `${node}\u0000${partition}\u0000${before ?? ""}`;
    let found = this.#partitionEvents.get(id);
    if (!found) {
      const filter = { assetKey: this.#graph.keys[node] as AssetKey, partitions: [partition] };
      const options = { limit: 1, ...(before === undefined ? {} : { cursor: String(before) }) };
      const external = this.#graph.isExternal(node);
      found = (async () => {
        const [latest] = (await (external ? this.#instance.fetchObservations(filter, options) : this.#instance.fetchMaterializations(filter, options))).records;
        if (latest || !external) return latest;
        return (await this.#instance.fetchMaterializations(filter, options)).records[0];
      })();
      this.#partitionEvents.set(id, found);
    }
    return found;
  }

  /** The upstream partitions that `partition` of `node` reads from `parent`, or undefined when the edge is not looked at. */
  async #upstreamPartitions(node: number, parent: number, partition: string | undefined): Promise<string[] | undefined> {
    const graph = this.#graph;
    const parentDef = graph.specs[parent]?.partitionsDef as PartitionsDefinition;
    const childDef = graph.specs[node]?.partitionsDef;
    const options = { currentTime: this.#instance.clock.now(), dynamicPartitionsStore: await this.#dynamicPartitions() };
    if (parent === node) {
      if (parentDef.getPartitionKeys(options).length >= PARTITION_DEPENDENCY_LIMIT) return undefined;
    }
    const mapping = partitionMappingOf(graph, node, parent);
    if (parentDef instanceof TimeWindowPartitionsDefinition && mapping instanceof AllPartitionMapping) return undefined;
    const keys = mapping
      .getUpstreamMappedPartitionsResultForPartitions(childDef && partition !== undefined ? childDef.subsetWithPartitionKeys([partition]) : undefined, childDef, parentDef, options)
      .partitionsSubset.getPartitionKeys();
    return keys.length < PARTITION_DEPENDENCY_LIMIT ? keys : undefined;
  }

  #dynamicPartitions(): Promise<DynamicPartitionsSnapshot> {
    const defs = this.#graph.specs.map((s) => s?.partitionsDef).filter((d): d is PartitionsDefinition => d !== undefined);
    return (this.#dynamic ??= DynamicPartitionsSnapshot.load(this.#instance, defs));
  }

  /**
   * Whether a partition of an upstream got a different data version after the downstream's materialization at
   * `cursor`: its latest event is newer than that and its version differs from the one it had before.
   */
  async #partitionChanged(parent: number, partition: string, cursor: number): Promise<boolean> {
    const floor = this.#recentFloor.get(parent);
    const latest = floor !== undefined && floor <= cursor ? this.#recentEvents.get(`${parent}\u0000${partition}`) : await this.#partitionEvent(parent, partition, undefined);
    if (!latest || latest.storageId <= cursor) return false;
    const previous = await this.#partitionEvent(parent, partition, cursor);
    return dataVersionOf(previous) !== dataVersionOf(latest);
  }

  // Causes through partitioned upstreams, partition by partition; unpartitioned upstreams as #causesOfMaterialized.
  async #computePartitionCauses(node: number, partition: string | undefined): Promise<readonly StaleCause[]> {
    const graph = this.#graph;
    const event = await this.#eventOf(node, partition);
    if (graph.isExternal(node) || currentDataVersion(event, false) === NULL_DATA_VERSION || !event) return NO_CAUSES;
    const key = graph.keys[node] as AssetKey;
    const tags = event.tags ?? NO_TAGS;
    const recordedCodeVersion = tags[SystemTags.CODE_VERSION];
    const hasProvenance = recordedCodeVersion !== undefined;
    const causes: StaleCause[] = [];
    const at = (c: StaleCause): StaleCause => (partition === undefined ? c : Object.freeze({ ...c, partitionKey: partition }));

    const codeVersion = graph.specs[node]?.codeVersion;
    if (hasProvenance && codeVersion && codeVersion !== recordedCodeVersion) causes.push(at(cause(key, StaleCauseCategory.CODE, "has a new code version")));

    const parents = [...(graph.parents[node] as readonly number[])];
    if (graph.selfDependent[node] === 1 && partition !== undefined && !parents.includes(node)) parents.push(node);
    let recordedParents = 0;
    for (const parent of parents) {
      const parentKey = graph.keys[parent] as AssetKey;
      const self = parent === node;
      const recorded = self ? undefined : tags[SystemTags.INPUT_DATA_VERSION_PREFIX + (graph.ids[parent] as string)];
      if (hasProvenance && !self && recorded !== undefined) recordedParents++;
      if (!graph.specs[parent]?.partitionsDef) {
        if (hasProvenance) {
          if (recorded === undefined) causes.push(at(cause(key, StaleCauseCategory.DEPENDENCIES, `has a new dependency on ${parentKey.toString()}`, parentKey)));
          else if (versionsDiffer(recorded, this.#currentVersion(parent))) causes.push(at(this.#dataCause(key, parent, this.#isUserProvided(parent), undefined)));
        } else if (!graph.isExternal(parent)) {
          const upstream = this.#events[parent];
          if (!upstream) causes.push(at(cause(key, StaleCauseCategory.DATA, "has a new input", parentKey)));
          else if (upstream.timestamp > event.timestamp) causes.push(at(materializedCause(key, parentKey, undefined)));
        }
        continue;
      }
      const upstreamKeys = await this.#upstreamPartitions(node, parent, partition);
      if (!upstreamKeys) continue;
      for (const upstreamPartition of [...upstreamKeys].sort()) {
        if (hasProvenance) {
          // A self-dependency is not among the recorded inputs: its earlier partitions are read, not versioned.
          if (!self && recorded === undefined) {
            causes.push(at(withDependencyPartition(cause(key, StaleCauseCategory.DEPENDENCIES, `has a new dependency on ${parentKey.toString()}`, parentKey), upstreamPartition)));
          } else if (await this.#partitionChanged(parent, upstreamPartition, event.storageId)) {
            const latest = this.#recentEvents.get(`${parent}\u0000${upstreamPartition}`) ?? (await this.#partitionEvent(parent, upstreamPartition, undefined));
            causes.push(at(this.#dataCause(key, parent, graph.isExternal(parent) || isGivenVersion(latest), upstreamPartition)));
          }
        } else if (!graph.isExternal(parent)) {
          const upstream = await this.#partitionEvent(parent, upstreamPartition, undefined);
          if (!upstream) causes.push(at(withDependencyPartition(cause(key, StaleCauseCategory.DATA, "has a new input", parentKey), upstreamPartition)));
          else if (upstream.timestamp > event.timestamp) causes.push(at(materializedCause(key, parentKey, upstreamPartition)));
        }
      }
    }

    if (hasProvenance && countInputTags(tags) > recordedParents) {
      for (const tag in tags) {
        if (!tag.startsWith(SystemTags.INPUT_DATA_VERSION_PREFIX)) continue;
        const recorded = tag.slice(SystemTags.INPUT_DATA_VERSION_PREFIX.length);
        const parent = graph.indexOf(recorded);
        if (parent !== undefined && parents.includes(parent)) continue;
        causes.push(at(cause(key, StaleCauseCategory.DEPENDENCIES, `removed dependency on ${recorded}`, keyOrUndefined(recorded))));
      }
    }
    if (causes.length === 0) return NO_CAUSES;
    if (causes.length > 1) causes.sort(byDependency);
    return Object.freeze(causes);
  }

  // "has a new dependency data version" when the upstream's version means something (a code version, or given by the user).
  #dataCause(key: AssetKey, parent: number, userProvided: boolean, partition: string | undefined): StaleCause {
    const parentKey = this.#graph.keys[parent] as AssetKey;
    const versioned = this.#graph.specs[parent]?.codeVersion !== undefined || userProvided;
    return withDependencyPartition(
      cause(key, StaleCauseCategory.DATA, versioned ? "has a new dependency data version" : "has a new dependency materialization", parentKey, [
        withPartition(cause(parentKey, StaleCauseCategory.DATA, versioned ? "has a new data version" : "has a new materialization"), partition),
      ]),
      partition,
    );
  }

  #withParents(node: number): number[] {
    return [node, ...(this.#graph.parents[node] as readonly number[])];
  }

  async #load(nodes: readonly number[]): Promise<void> {
    const turn = this.#loading.then(async () => {
      const missing = nodes.filter((n) => this.#loaded[n] === 0);
      if (missing.length === 0) return;
      const graph = this.#graph;
      const records = await this.#instance.getAssetRecords(missing.map((n) => graph.keys[n] as AssetKey));
      for (const record of records) this.#remember(record);
      for (const n of missing) this.#loaded[n] = 1;
    });
    // A failed read must not poison later questions; the caller still sees the error.
    this.#loading = turn.catch(() => undefined);
    await turn;
  }

  #remember(record: AssetRecord): void {
    const node = this.#graph.indexOf(record.assetKey);
    if (node !== undefined) this.#events[node] = latestDataVersionEvent(record, this.#graph.isExternal(node));
  }

  #currentVersion(node: number): string {
    let version = this.#current[node];
    if (version === undefined) {
      version = currentDataVersion(this.#events[node], this.#graph.isExternal(node));
      this.#current[node] = version;
    }
    return version;
  }

  #status(node: number): StaleStatus {
    if (this.#currentVersion(node) === NULL_DATA_VERSION) return StaleStatus.MISSING;
    if (this.#graph.isExternal(node)) return StaleStatus.FRESH;
    return this.#staleCauses(node).length === 0 ? StaleStatus.FRESH : StaleStatus.STALE;
  }

  #staleCauses(node: number): readonly StaleCause[] {
    let causes = this.#causes[node];
    if (causes === undefined) {
      causes = this.#graph.isExternal(node) || this.#currentVersion(node) === NULL_DATA_VERSION ? NO_CAUSES : this.#causesOfMaterialized(node);
      this.#causes[node] = causes;
    }
    return causes;
  }

  // The hot path of a whole-graph pass: reads the provenance tags in place rather than building a provenance per asset.
  #causesOfMaterialized(node: number): readonly StaleCause[] {
    const graph = this.#graph;
    const key = graph.keys[node] as AssetKey;
    const parents = graph.parents[node] as readonly number[];
    const event = this.#events[node] as EventRecord;
    const tags = event.tags ?? NO_TAGS;
    const recordedCodeVersion = tags[SystemTags.CODE_VERSION];
    // Materializations written before provenance was recorded have no code version tag.
    const hasProvenance = recordedCodeVersion !== undefined;
    const causes: StaleCause[] = [];

    // Without a code version the run id stands in for one, so only a declared code version can change.
    const codeVersion = graph.specs[node]?.codeVersion;
    if (hasProvenance && codeVersion && codeVersion !== recordedCodeVersion) {
      causes.push(cause(key, StaleCauseCategory.CODE, "has a new code version"));
    }

    const inputTags = hasProvenance ? inputTagsOf(graph) : undefined;
    let recordedParents = 0;
    for (const parent of parents) {
      const parentKey = graph.keys[parent] as AssetKey;
      if (hasProvenance) {
        const recorded = tags[(inputTags as readonly string[])[parent] as string];
        if (recorded === undefined) {
          causes.push(cause(key, StaleCauseCategory.DEPENDENCIES, `has a new dependency on ${parentKey.toString()}`, parentKey));
          continue;
        }
        recordedParents++;
        if (versionsDiffer(recorded, this.#currentVersion(parent))) {
          // An upstream without a code version gets a new data version on every run, so "materialization" says it better.
          const versioned = graph.specs[parent]?.codeVersion !== undefined || this.#isUserProvided(parent);
          causes.push(
            cause(key, StaleCauseCategory.DATA, versioned ? "has a new dependency data version" : "has a new dependency materialization", parentKey, [
              cause(parentKey, StaleCauseCategory.DATA, versioned ? "has a new data version" : "has a new materialization"),
            ]),
          );
        }
      } else if (!graph.isExternal(parent)) {
        // Without provenance, compare materialization times instead of versions.
        const upstream = this.#events[parent];
        if (!upstream) {
          causes.push(cause(key, StaleCauseCategory.DATA, "has a new input", parentKey));
        } else if (upstream.timestamp > event.timestamp) {
          causes.push(
            cause(key, StaleCauseCategory.DATA, "has a new dependency materialization", parentKey, [
              cause(parentKey, StaleCauseCategory.DATA, "has a new materialization"),
            ]),
          );
        }
      }
    }

    // Recorded inputs that are no longer parents: only looked for when there are more recorded inputs than parents found.
    if (hasProvenance && countInputTags(tags) > recordedParents) {
      for (const tag in tags) {
        if (!tag.startsWith(SystemTags.INPUT_DATA_VERSION_PREFIX)) continue;
        const recorded = tag.slice(SystemTags.INPUT_DATA_VERSION_PREFIX.length);
        const parent = graph.indexOf(recorded);
        if (parent !== undefined && parents.includes(parent)) continue;
        causes.push(cause(key, StaleCauseCategory.DEPENDENCIES, `removed dependency on ${recorded}`, keyOrUndefined(recorded)));
      }
    }

    if (causes.length === 0) return NO_CAUSES;
    if (causes.length > 1) causes.sort(byDependency);
    return Object.freeze(causes);
  }

  /**
   * Whether the asset's current data version was given by the user (or observed, for an external asset) rather
   * than derived. The materialization does not say so directly; a derived version is the hash of the recorded
   * provenance, so any other value was given.
   */
  #isUserProvided(node: number): boolean {
    if (this.#graph.isExternal(node)) return true;
    if (this.#userProvided[node] === 0) this.#userProvided[node] = isGivenVersion(this.#events[node]) ? 1 : 2;
    return this.#userProvided[node] === 1;
  }
}

/** Past this many upstream partitions (or partitions of a self-dependent asset), an edge is not looked at, as in the reference. */
const PARTITION_DEPENDENCY_LIMIT = 100;

/** Whether an event's data version was given rather than derived: a derived one is the hash of the recorded provenance. */
function isGivenVersion(event: EventRecord | undefined): boolean {
  const provenance = provenanceOf(event);
  const version = dataVersionOf(event);
  return provenance !== undefined && version !== undefined && version !== computeLogicalDataVersion(provenance.codeVersion, provenance.inputDataVersions);
}

function withPartition(c: StaleCause, partition: string | undefined): StaleCause {
  return partition === undefined ? c : Object.freeze({ ...c, partitionKey: partition });
}

function withDependencyPartition(c: StaleCause, partition: string | undefined): StaleCause {
  return partition === undefined ? c : Object.freeze({ ...c, dependencyPartitionKey: partition });
}

// Without provenance: the upstream (partition) was materialized after the asset.
function materializedCause(key: AssetKey, parentKey: AssetKey, partition: string | undefined): StaleCause {
  return withDependencyPartition(
    cause(key, StaleCauseCategory.DATA, "has a new dependency materialization", parentKey, [withPartition(cause(parentKey, StaleCauseCategory.DATA, "has a new materialization"), partition)]),
    partition,
  );
}

const NO_CAUSES: readonly StaleCause[] = Object.freeze([]);
const NO_TAGS: Tags = Object.freeze({});

// The input tag name of each node, built once per graph: concatenating it per lookup costs more than the lookup.
const inputTagCache = new WeakMap<AssetGraph, readonly string[]>();
function inputTagsOf(graph: AssetGraph): readonly string[] {
  let names = inputTagCache.get(graph);
  if (!names) {
    names = graph.ids.map((id) => SystemTags.INPUT_DATA_VERSION_PREFIX + id);
    inputTagCache.set(graph, names);
  }
  return names;
}

function countInputTags(tags: Tags): number {
  let count = 0;
  for (const tag in tags) if (tag.startsWith(SystemTags.INPUT_DATA_VERSION_PREFIX)) count++;
  return count;
}

function cause(key: AssetKey, category: StaleCauseCategory, reason: string, dependency?: AssetKey, children?: StaleCause[]): StaleCause {
  const out: { -readonly [K in keyof StaleCause]: StaleCause[K] } = { key, category, reason };
  if (dependency) out.dependency = dependency;
  if (children) out.children = Object.freeze(children);
  return Object.freeze(out);
}

/**
 * Recorded "INITIAL" against current "NULL" is no change: the upstream was external when recorded (assumed to
 * exist, never observed) and is now a computed asset that was never materialized. Nothing about it changed.
 */
function versionsDiffer(recorded: string, current: string): boolean {
  if (recorded === DEFAULT_DATA_VERSION && current === NULL_DATA_VERSION) return false;
  return recorded !== current;
}

// Causes about the asset itself first, then by the dependency's key.
function byDependency(a: StaleCause, b: StaleCause): number {
  const x = a.dependency ? `${a.dependency.toString()}\u0000${a.dependencyPartitionKey ?? ""}` : "";
  const y = b.dependency ? `${b.dependency.toString()}\u0000${b.dependencyPartitionKey ?? ""}` : "";
  return x < y ? -1 : x > y ? 1 : 0;
}

// A removed dependency's key comes from a tag; one that no longer parses is still reported, without the key.
function keyOrUndefined(id: string): AssetKey | undefined {
  try {
    return AssetKey.from(id);
  } catch {
    return undefined;
  }
}
