// What one evaluation reads once for every condition: the graph, the instance's records, the previous cursor.
import type { AssetKey, EventRecord } from "../../core/index.js";
import type { AssetGraph } from "../../graph/index.js";
import type { Instance, MaterializationAttempt, PartitionStatus } from "../../instance/index.js";
import { CronSchedule, ZoneOffsets, tickSequence, type PartitionLoadingOptions, type PartitionsDefinition } from "../../partitions/index.js";
import type { AssetRecord, BackfillRecord, RunRecord } from "../../storage/index.js";
import type { AutomationCondition } from "../../definitions/index.js";
import type { AssetCursor, NodeState } from "./cursor.js";
import { EntitySubset } from "./subset.js";

/** One node's outcome: the subset it was evaluated over, the subset it is true for, and its children's outcomes. */
export interface ConditionResult {
  readonly condition: AutomationCondition;
  /** The asset the node was evaluated on (a dep's node under a deps operator). */
  readonly node: number;
  readonly candidateSubset: EntitySubset;
  readonly trueSubset: EntitySubset;
  readonly children: readonly ConditionResult[];
  /** Facts some nodes report: since tells when its trigger and reset were last true. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** When the node became true, by partition (`undefined` for an unpartitioned asset), for the operands that know it. */
  readonly timeOf?: (partition: string | undefined) => number | undefined;
}

/**
 * A node's outcome while a tree is evaluated, every key always present: results of one shape keep the evaluator's
 * and compactTree's reads of them monomorphic. The trees callers read are made by expandTree, with the optional
 * keys only where set.
 */
export function conditionResult(
  condition: AutomationCondition,
  node: number,
  candidateSubset: EntitySubset,
  trueSubset: EntitySubset,
  children: readonly ConditionResult[],
  metadata: ConditionResult["metadata"],
  timeOf: ConditionResult["timeOf"],
): ConditionResult {
  return { condition, node, candidateSubset, trueSubset, children, metadata, timeOf };
}

/** Above this many new materializations since the previous evaluation, they are read per asset instead. */
const MAX_BATCHED_MATERIALIZATIONS = 50_000;

/**
 * Everything shared by the conditions of one evaluation. Facts about the instance are read lazily, once per
 * asset, and kept for the rest of the evaluation.
 */
export class TickData {
  readonly graph: AssetGraph;
  readonly instance: Instance;
  readonly evaluationTime: number;
  /** 1 for the first evaluation of a history, then one more at each. */
  readonly evaluationId: number;
  readonly options: PartitionLoadingOptions;
  /** The largest storage id at the start of this evaluation: later events belong to the next one. */
  readonly maxStorageId: number;
  readonly previousMaxStorageId: number | undefined;
  readonly previousEvaluationTime: number | undefined;
  readonly records: readonly (AssetRecord | undefined)[];
  readonly activeRuns: readonly RunRecord[];
  readonly activeBackfills: readonly BackfillRecord[];
  /** Requests made so far this evaluation, by node (assets are evaluated upstream first). */
  readonly requested = new Map<number, EntitySubset>();
  readonly previous: ReadonlyMap<number, AssetCursor>;
  /** Each asset's condition in this evaluation, by node. */
  readonly conditions: readonly (AutomationCondition | undefined)[];
  readonly next = new Map<number, AssetCursor>();
  readonly #full = new Map<number, EntitySubset>();
  /** The latest tick at or before evaluationTime, by "schedule|zone": assets sharing a schedule compute it once. */
  readonly #cronTicks = new Map<string, number>();
  /**
   * Facts read from the instance, by what they are about. Evaluation is synchronous (a promise at every node of
   * every tree was most of a tick's time and garbage): a fact not yet read is asked for, a stand-in is returned,
   * and the evaluator reads what was asked and evaluates the tree again (see `pending`).
   */
  readonly #facts = new Map<string, Fact<unknown>>();
  readonly #runs = new Map<string, Fact<RunRecord | undefined>>();
  readonly #pending: Promise<unknown>[] = [];
  /**
   * Partition status and latest check evaluations, by node: asked for one asset at a time, read for all the assets
   * asked for since the last read in one batch (see `loadPending`), or inherited from the previous tick.
   */
  readonly statuses = new Map<number, PartitionStatus>();
  readonly checks = new Map<number, Map<string, EventRecord>>();
  readonly #statusesWanted = new Set<number>();
  readonly #checksWanted = new Set<number>();
  /** Each unpartitioned asset's latest planned run (null: never planned), batched and inherited as the statuses. */
  readonly attempts = new Map<number, MaterializationAttempt | null>();
  /**
   * The partitions of each partitioned observable source observed by some storage id, read by earlier ticks of this
   * history or this one: a tick reads only the observations stored since (see observedPartitions).
   */
  observed = new Map<number, ObservedPartitions>();
  readonly #attemptsWanted = new Set<number>();

  constructor(parts: {
    graph: AssetGraph;
    instance: Instance;
    evaluationTime: number;
    evaluationId: number;
    options: PartitionLoadingOptions;
    maxStorageId: number;
    previousMaxStorageId: number | undefined;
    previousEvaluationTime: number | undefined;
    records: (AssetRecord | undefined)[];
    activeRuns: RunRecord[];
    activeBackfills: BackfillRecord[];
    previous: Map<number, AssetCursor>;
    conditions: readonly (AutomationCondition | undefined)[];
  }) {
    this.conditions = parts.conditions;
    this.graph = parts.graph;
    this.instance = parts.instance;
    this.evaluationTime = parts.evaluationTime;
    this.evaluationId = parts.evaluationId;
    this.options = parts.options;
    this.maxStorageId = parts.maxStorageId;
    this.previousMaxStorageId = parts.previousMaxStorageId;
    this.previousEvaluationTime = parts.previousEvaluationTime;
    this.records = parts.records;
    this.activeRuns = parts.activeRuns;
    this.activeBackfills = parts.activeBackfills;
    this.previous = parts.previous;
  }

  partitionsDef(node: number): PartitionsDefinition | undefined {
    return this.graph.specs[node]?.partitionsDef;
  }

  key(node: number): AssetKey {
    return this.graph.keys[node] as AssetKey;
  }

  full(node: number): EntitySubset {
    let s = this.#full.get(node);
    if (!s) {
      s = EntitySubset.all(node, this.partitionsDef(node), this.options);
      this.#full.set(node, s);
    }
    return s;
  }

  empty(node: number): EntitySubset {
    return EntitySubset.empty(node, this.partitionsDef(node));
  }

  /** The latest tick of a cron schedule at or before this evaluation (cron_tick_passed and the time it reports). */
  previousCronTick(cronSchedule: string, cronTimezone: string): number {
    const key = `${cronSchedule}|${cronTimezone}`;
    let instant = this.#cronTicks.get(key);
    if (instant === undefined) {
      // Anchored at the evaluation, ordinal 0 is the first tick at or after it: the floor is that tick or the one before.
      const seq = tickSequence(CronSchedule.of(cronSchedule), ZoneOffsets.for(cronTimezone), this.evaluationTime);
      instant = seq.instantAt(seq.floorOrdinal(this.evaluationTime));
      this.#cronTicks.set(key, instant);
    }
    return instant;
  }

  /** The latest materialization of an asset, if it is not newer than this evaluation. */
  lastMaterialization(node: number): EventRecord | undefined {
    const m = this.records[node]?.lastMaterialization;
    return m && m.storageId <= this.maxStorageId ? m : undefined;
  }

  /**
   * The fact under `key` if it was read this tick; otherwise its read starts and `standIn` is returned. A tree
   * evaluated while some fact was missing is discarded and evaluated again once `loadPending` has read them.
   */
  fact<T>(key: string, load: () => Promise<T>, standIn: () => T): T {
    return this.#fact(this.#facts as Map<string, Fact<T>>, key, load, standIn);
  }

  #fact<K, T>(cache: Map<K, Fact<T>>, key: K, load: () => Promise<T>, standIn: () => T): T {
    const known = cache.get(key);
    if (known && "value" in known) return known.value;
    if (!known) {
      const promise = load().then((value) => {
        cache.set(key, { value });
        return value;
      });
      // Observed by loadPending; this keeps a failed read from being reported unhandled before it gets there.
      promise.catch(() => undefined);
      cache.set(key, { promise });
      this.#pending.push(promise);
    }
    this.missing = true;
    return standIn();
  }

  /** Set when a fact asked for since the last `loadPending` was not read yet: the evaluation must be repeated. */
  missing = false;

  get hasPending(): boolean {
    return this.#pending.length > 0 || this.#statusesWanted.size > 0 || this.#checksWanted.size > 0 || this.#attemptsWanted.size > 0;
  }

  /** Reads every fact asked for and not read yet: the partition statuses in one batch, the check evaluations in another. */
  async loadPending(): Promise<void> {
    while (this.hasPending) {
      const reads: Promise<unknown>[] = this.#pending.splice(0);
      if (this.#statusesWanted.size > 0) {
        const nodes = [...this.#statusesWanted];
        this.#statusesWanted.clear();
        reads.push(
          this.instance.getPartitionStatuses(nodes.map((n) => ({ key: this.key(n), partitionsDef: this.partitionsDef(n) as PartitionsDefinition }))).then((statuses) => {
            nodes.forEach((n, i) => this.statuses.set(n, statuses[i] as PartitionStatus));
          }),
        );
      }
      if (this.#checksWanted.size > 0) {
        const nodes = [...this.#checksWanted];
        this.#checksWanted.clear();
        reads.push(
          this.instance.getLatestAssetCheckEvaluationsOf(nodes.map((n) => this.key(n))).then((latest) => {
            nodes.forEach((n, i) => this.checks.set(n, latest[i] as Map<string, EventRecord>));
          }),
        );
      }
      if (this.#attemptsWanted.size > 0) {
        const nodes = [...this.#attemptsWanted];
        this.#attemptsWanted.clear();
        reads.push(
          this.instance.getLatestMaterializationAttempts(nodes.map((n) => this.key(n))).then((latest) => {
            nodes.forEach((n, i) => this.attempts.set(n, latest[i] ?? null));
          }),
        );
      }
      await Promise.all(reads);
    }
    this.missing = false;
  }

  /**
   * The facts of the previous tick about assets with nothing new since (`changed` 0): the same reads would return
   * them again, as the previous tick's evaluations that are reused assume.
   */
  inherit(
    statuses: ReadonlyMap<number, PartitionStatus>,
    checks: ReadonlyMap<number, Map<string, EventRecord>>,
    attempts: ReadonlyMap<number, MaterializationAttempt | null>,
    changed: Uint8Array,
  ): void {
    for (const [node, status] of statuses) if (!changed[node]) this.statuses.set(node, status);
    for (const [node, latest] of checks) if (!changed[node]) this.checks.set(node, latest);
    // A run that moves or ends marks the assets it selected changed (changedSince), so a kept run status is current.
    for (const [node, attempt] of attempts) if (!changed[node]) this.attempts.set(node, attempt);
  }

  /**
   * Asks, before any tree is evaluated, for the facts that the conditions of these assets asked for at earlier
   * ticks, so that they are read in one batch of each kind rather than a batch per asset. Latest plans are asked
   * for the `changed` assets only: the others' are inherited, and walking every asset's deps for them would cost a
   * tick where nothing is new more than the rest of it.
   */
  prefetchAll(nodes: Iterable<number>, changed: Uint8Array): void {
    for (const node of nodes) {
      const condition = this.conditions[node];
      if (condition) this.prefetch(node, condition, false);
    }
    for (let n = 0; n < changed.length; n++) {
      if (!changed[n] || this.partitionsDef(n) || this.attempts.has(n)) continue;
      const own = this.conditions[n];
      let asked = own !== undefined && ((ASKS.get(own) ?? 0) & OWN_ATTEMPT) !== 0;
      for (const child of asked ? [] : (this.graph.children[n] ?? [])) {
        const theirs = this.conditions[child];
        if (theirs !== undefined && ((ASKS.get(theirs) ?? 0) & DEP_ATTEMPT) !== 0) {
          asked = true;
          break;
        }
      }
      if (asked) this.#attemptsWanted.add(n);
    }
  }

  /** The asset whose condition is being evaluated: what its tree asks for is learned for `prefetch`. */
  root = -1;

  /**
   * Starts reading the facts an asset's condition asked for on earlier assets (its own and its deps' partition
   * status, check results and, with `attempts`, latest plans), so that most trees are evaluated once and none reads
   * what it does not use.
   */
  prefetch(node: number, condition: AutomationCondition, attempts = true): void {
    const asks = ASKS.get(condition);
    if (asks === undefined || !(asks & (attempts ? ALL_BITS : STATUS_AND_CHECKS))) return;
    this.#wanted(asks, attempts, node, OWN_STATUS, OWN_CHECKS, OWN_ATTEMPT);
    if (asks & (DEP_STATUS | DEP_CHECKS | (attempts ? DEP_ATTEMPT : 0))) for (const parent of this.graph.parents[node] ?? []) this.#wanted(asks, attempts, parent, DEP_STATUS, DEP_CHECKS, DEP_ATTEMPT);
  }

  // A method, not a closure made at each call: prefetch runs for every asset evaluated.
  #wanted(asks: number, attempts: boolean, n: number, statusBit: number, checksBit: number, attemptBit: number): void {
    if (asks & statusBit && this.partitionsDef(n)) this.partitionStatus(n);
    if (asks & checksBit && this.graph.checksOf(n).length > 0) this.checkEvaluations(n);
    if (attempts && asks & attemptBit && !this.partitionsDef(n)) this.latestAttempt(n);
  }

  /** Notes that the tree of `root` asked for a fact of `node`, as `own` or `dep` kind. */
  #asked(node: number, own: number, dep: number): void {
    const condition = this.root >= 0 ? this.conditions[this.root] : undefined;
    if (!condition) return;
    const bit = node === this.root ? own : dep;
    const asks = ASKS.get(condition) ?? 0;
    if (!(asks & bit)) ASKS.set(condition, asks | bit);
  }

  partitionStatus(node: number): PartitionStatus {
    this.#asked(node, OWN_STATUS, DEP_STATUS);
    const known = this.statuses.get(node);
    if (known) return known;
    this.#statusesWanted.add(node);
    this.missing = true;
    const empty = (this.partitionsDef(node) as PartitionsDefinition).emptySubset();
    return { materialized: empty, failed: empty, inProgress: empty, missing: empty };
  }

  /**
   * The latest run that planned an unpartitioned asset (its latest ASSET_MATERIALIZATION_PLANNED event), as
   * in_progress and execution_failed read it: asked for one asset at a time, read in one batch (see `loadPending`).
   */
  latestAttempt(node: number): MaterializationAttempt | undefined {
    this.#asked(node, OWN_ATTEMPT, DEP_ATTEMPT);
    const known = this.attempts.get(node);
    if (known !== undefined) return known ?? undefined;
    this.#attemptsWanted.add(node);
    this.missing = true;
    return undefined;
  }

  /**
   * The materializations stored since the previous evaluation (up to this one's maxStorageId), by node, oldest
   * first: one read for the whole tick instead of one per asset. `undefined` when there are too many to hold at
   * once (after a long pause); callers then read per asset.
   */
  newMaterializations(): Map<number, EventRecord[]> | undefined {
    return this.fact("new-materializations", () => this.#readNewMaterializations(), (): Map<number, EventRecord[]> | undefined => NO_MATERIALIZATIONS);
  }

  async #readNewMaterializations(): Promise<Map<number, EventRecord[]> | undefined> {
    const byNode = new Map<number, EventRecord[]>();
    const since = this.previousMaxStorageId;
    if (since === undefined || since >= this.maxStorageId) return byNode;
    const records = await this.instance.storage.getEventRecords({
      eventType: "ASSET_MATERIALIZATION",
      afterStorageId: since,
      beforeStorageId: this.maxStorageId + 1,
      ascending: true,
      limit: MAX_BATCHED_MATERIALIZATIONS + 1,
    });
    if (records.length > MAX_BATCHED_MATERIALIZATIONS) return undefined;
    for (const r of records) {
      const node = r.assetKey === undefined ? undefined : this.graph.indexOf(r.assetKey);
      // Events an asset wipe left behind are not part of its history.
      if (node === undefined || r.storageId <= (this.records[node]?.wipedBelowStorageId ?? 0)) continue;
      const list = byNode.get(node);
      if (list) list.push(r);
      else byNode.set(node, [r]);
    }
    return byNode;
  }

  /** The materializations of an asset after the previous evaluation, oldest first (when the tick's batch was too large). */
  materializationsSince(node: number, since: number): readonly EventRecord[] {
    return this.fact(`since:${node}`, async () => (await this.instance.fetchMaterializations(this.key(node), { cursor: String(since), ascending: true })).records, () => NO_EVENTS);
  }

  /** The latest materialization of each of these partitions of an asset. */
  latestMaterializationsOf(node: number, partitions: readonly string[]): readonly EventRecord[] {
    return this.fact(`latest:${node}:${JSON.stringify(partitions)}`, async () => (await this.instance.fetchMaterializations({ assetKey: this.key(node), partitions: [...partitions] })).records, () => NO_EVENTS);
  }

  /** The latest materialization of each of these partitions stored by this tick's end, by partition. */
  latestMaterializationByPartition(node: number, partitions: readonly string[]): Map<string, EventRecord> {
    const latest = new Map<string, EventRecord>();
    for (const r of this.latestMaterializationsOf(node, partitions)) {
      if (r.partition === undefined || r.storageId > this.maxStorageId) continue;
      const known = latest.get(r.partition);
      if (!known || known.storageId < r.storageId) latest.set(r.partition, r);
    }
    return latest;
  }

  /** The latest evaluation of each check of an asset, by check name. */
  checkEvaluations(node: number): Map<string, EventRecord> {
    this.#asked(node, OWN_CHECKS, DEP_CHECKS);
    const known = this.checks.get(node);
    if (known) return known;
    this.#checksWanted.add(node);
    this.missing = true;
    return NO_CHECKS;
  }

  /** The RUN_FAILURE event of a run, if any. */
  runFailure(runId: string): EventRecord | undefined {
    return this.fact(`run-failure:${runId}`, async () => (await this.instance.allLogs(runId, { ofType: "RUN_FAILURE" }))[0], () => undefined);
  }

  run(runId: string): RunRecord | undefined {
    // Asked once per dep per tree: the read one is answered without making the closures below.
    const known = this.#runs.get(runId);
    if (known !== undefined && "value" in known) return known.value;
    return this.#fact(this.#runs, runId, () => this.instance.getRunById(runId), () => undefined);
  }
}

/** The partitions of a source observed by `upTo`, as read while the asset's events were wiped below `wipedBelow`. */
export interface ObservedPartitions {
  readonly upTo: number;
  readonly wipedBelow: number;
  readonly partitions: readonly string[];
}

// What a condition's trees asked for, learned across evaluations: bits of OWN_STATUS... (no entry: nothing yet).
const ASKS = new WeakMap<AutomationCondition, number>();
const OWN_STATUS = 1;
const DEP_STATUS = 2;
const OWN_CHECKS = 4;
const DEP_CHECKS = 8;
const OWN_ATTEMPT = 16;
const DEP_ATTEMPT = 32;
const STATUS_AND_CHECKS = OWN_STATUS | DEP_STATUS | OWN_CHECKS | DEP_CHECKS;
const ALL_BITS = STATUS_AND_CHECKS | OWN_ATTEMPT | DEP_ATTEMPT;

type Fact<T> = { value: T } | { promise: Promise<T> };

// Stand-ins returned while a fact is read; the evaluation that saw them is discarded.
const NO_MATERIALIZATIONS: Map<number, EventRecord[]> = new Map();
const NO_EVENTS: readonly EventRecord[] = Object.freeze([]);
const NO_CHECKS: Map<string, EventRecord> = new Map();

/** Where one node is evaluated: the asset it looks at, the asset whose condition it belongs to, and its path in that tree. */
export interface EvaluationContext {
  readonly tick: TickData;
  /** The asset whose condition is evaluated (the "root target"). */
  readonly root: number;
  /** The asset this node looks at. */
  readonly node: number;
  readonly candidate: EntitySubset;
  /** The node's place in the root's tree, with the dep it moved to: the key of its state in the cursor. */
  readonly path: string;
  readonly rootCondition: AutomationCondition;
  /** Set under a checks operator: the graph index of the check looked at (a yes/no entity of the asset `node`). */
  readonly check?: number | undefined;
  /** The conditions above this node, nearest first (the root's condition last): any_downstream_conditions skips them. */
  readonly ancestors?: Ancestry | undefined;
}

/** One link of the chain of conditions from a node up to its root. */
export interface Ancestry {
  readonly condition: AutomationCondition;
  readonly up: Ancestry | undefined;
}

/** Every entity the context looks at: all partitions of the asset, or the check itself. */
export function fullOf(ctx: EvaluationContext): EntitySubset {
  return ctx.check === undefined ? ctx.tick.full(ctx.node) : EntitySubset.of(ctx.node, true);
}

export function emptyOf(ctx: EvaluationContext): EntitySubset {
  return ctx.check === undefined ? ctx.tick.empty(ctx.node) : EntitySubset.of(ctx.node, false);
}

/** The partitioning of the context's entities (none for a check). */
export function partitionsDefOf(ctx: EvaluationContext): PartitionsDefinition | undefined {
  return ctx.check === undefined ? ctx.tick.partitionsDef(ctx.node) : undefined;
}

/** The state this node stored at the previous evaluation, if any. */
export function previousState(ctx: EvaluationContext): NodeState | undefined {
  return ctx.tick.previous.get(ctx.root)?.nodes[ctx.path];
}

/** Stores the node's state for the next evaluation. */
export function storeState(ctx: EvaluationContext, state: NodeState): void {
  const entry = ctx.tick.next.get(ctx.root);
  if (entry) entry.nodes[ctx.path] = state;
}
