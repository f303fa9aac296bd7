// AutomationConditionSensorDefinition: a sensor that evaluates the automation conditions of the assets it targets.
import { createHash } from "node:crypto";
import { AssetKey, InvalidDefinitionError, type RawMetadata } from "../core/index.js";
import { InvalidExecutionOptionError } from "../execution/index.js";
import { AssetJobDefinition, type DefinitionsData } from "../definitions/index.js";
import { AssetGraph, AssetSelection } from "../graph/index.js";
import type { CoercibleToAssetSelection } from "../definitions/index.js";
import type { Instance } from "../instance/index.js";
import { partitionsDefinitionFingerprint, type PartitionsDefinition } from "../partitions/index.js";
import type { AutomationEvaluationRecord } from "../storage/index.js";
import { AutomationConditionEvaluationResult, evaluateAutomationConditions, type EntitySubset } from "./condition/index.js";
import { AutomationCondition } from "../definitions/index.js";
import { checkConditionReferences } from "../graph/index.js";
import { buildSensorContext, SensorEvaluationContext, type SensorContextOptions } from "../definitions/index.js";
import type { TickEvaluation } from "../definitions/index.js";
import { serializeEvaluationTree, type EvaluationTreeNode } from "./evaluation-tree.js";
import type { AssetConditionEvaluation } from "./condition/index.js";
import { RunRequest, checkId } from "../definitions/index.js";
import { DEFAULT_SENSOR_INTERVAL_SECONDS, DefaultSensorStatus, SensorDefinition } from "../definitions/index.js";

// Each evaluation's serialized tree and its hash: the evaluator hands back the same evaluation object for an asset
// it did not evaluate again, and expanding, serializing and hashing every asset's tree at every tick was most of
// the sensor's own time.
const SERIALIZED = new WeakMap<AssetConditionEvaluation, { graph: AssetGraph; tree: EvaluationTreeNode; hash: string }>();

function serializedTree(r: AssetConditionEvaluation, graph: AssetGraph): { tree: EvaluationTreeNode; hash: string } {
  const known = SERIALIZED.get(r);
  if (known !== undefined && known.graph === graph) return known;
  const tree = serializeEvaluationTree(r.result, graph);
  const hash = createHash("sha1").update(JSON.stringify(tree)).digest("base64").slice(0, 12);
  SERIALIZED.set(r, { graph, tree, hash });
  return { tree, hash };
}

/** The name of the sensor that covers assets with a condition that no automation condition sensor targets. */
export const DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME = "default_automation_condition_sensor";

/** Run tags an automation condition sensor puts on the runs it requests (besides its runTags). */
export const AutomationSensorTags = Object.freeze({
  SENSOR_NAME: "tessera/sensor_name",
  EVALUATION_ID: "tessera/automation_evaluation_id",
});

/** Options for `new AutomationConditionSensorDefinition(options)`. */
export interface AutomationConditionSensorOptions {
  name: string;
  /** The assets whose conditions the sensor evaluates: a selection string, keys, definitions or an AssetSelection. */
  target: CoercibleToAssetSelection;
  /** Tags of the sensor itself (not put on its runs; see runTags). */
  tags?: Readonly<Record<string, string>>;
  /** Tags put on every run (and backfill) the sensor requests. */
  runTags?: Readonly<Record<string, string>>;
  metadata?: RawMetadata;
  /** @default DefaultSensorStatus.STOPPED */
  defaultStatus?: DefaultSensorStatus;
  /** The least time between two evaluations. @default 30 */
  minimumIntervalSeconds?: number;
  description?: string;
  /**
   * Request a backfill, instead of one run per partition, for every asset with more than one partition requested
   * in a tick (and the requested assets connected to it), as the reference does. @default true
   */
  emitBackfills?: boolean;
  /** The condition of targeted assets that have no automationCondition of their own. */
  defaultCondition?: AutomationCondition;
}

/**
 * A backfill the daemon should launch instead of runs: these assets over these partitions. When its assets share
 * one partitioning and had the same partitions requested, `partitionKeys` are those partitions; otherwise
 * `partitionKeys` is empty and `partitionsByAsset` gives each asset's own (null for an unpartitioned asset).
 */
export interface AutomationBackfillRequest {
  readonly assetSelection: readonly AssetKey[];
  readonly partitionKeys: readonly string[];
  /** The partitions requested of each asset (by asset key), when they are not the same partitions of one partitioning. */
  readonly partitionsByAsset?: Readonly<Record<string, readonly string[] | null>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** What one evaluation of an automation condition sensor decided, for the daemon to launch and record. */
export interface AutomationSensorEvaluation {
  /** The evaluation itself: each targeted asset's evaluated tree and requested subset. */
  readonly result: AutomationConditionEvaluationResult;
  /**
   * Runs to launch: one for the unpartitioned assets, one per partition key of each partitioning, with the
   * sensor's runTags and a run key that is the same when the same evaluation is repeated (a daemon that died
   * before storing the cursor re-evaluates with the same evaluation id: launch only run keys not yet launched).
   * With emitBackfills, the assets in `backfillRequests` are left out.
   */
  readonly runRequests: readonly RunRequest[];
  /**
   * With emitBackfills: at most one backfill to launch, with `launchBackfill(defs, { instance, selection, partitionKeys, tags })`,
   * or `launchBackfill(defs, { instance, partitionsByAsset, tags })` when it has partitionsByAsset.
   */
  readonly backfillRequests: readonly AutomationBackfillRequest[];
  /** Store it as the sensor's cursor once the runs are launched; pass it to the next evaluation. */
  readonly cursor: string;
  /** Counts this sensor's evaluations from 1 (carried by the cursor). */
  readonly evaluationId: number;
  /** How many (asset, partition) pairs were requested. */
  readonly numRequested: number;
  /**
   * The records to store with `instance.storage.addAutomationEvaluations`: as the reference, only the assets whose
   * evaluated tree changed since the previous evaluation (every asset at the first one, and any asset requested),
   * so that a quiet tick stores nothing. `result` holds every asset's tree.
   */
  readonly evaluations: readonly AutomationEvaluationRecord[];
}

export interface AutomationSensorEvaluateOptions {
  defs: DefinitionsData;
  instance: Instance;
  /** The cursor the previous evaluation returned. @default a first evaluation */
  cursor?: string | undefined;
  /** @default the instance's clock */
  evaluationTime?: Date | number;
}

/**
 * A sensor that, tick by tick, evaluates the automation conditions of the assets it targets and requests runs
 * of what they are true for. Run by the daemon; `evaluate()` runs one tick (tests call it directly).
 *
 * @example
 * const defs = new Definitions({
 *   assets: [raw, report],
 *   sensors: [new AutomationConditionSensorDefinition({ name: "ml_automation", target: AssetSelection.groups("ml"), defaultStatus: DefaultSensorStatus.RUNNING })],
 * });
 */
export class AutomationConditionSensorDefinition extends SensorDefinition {
  readonly #selection: AssetSelection;
  readonly #runTags: Readonly<Record<string, string>>;
  readonly #emitBackfills: boolean;
  readonly #defaultCondition: AutomationCondition | undefined;

  constructor(options: AutomationConditionSensorOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidDefinitionError("new AutomationConditionSensorDefinition(options) takes an options object { name, target, runTags?, emitBackfills?, defaultCondition?, ... }.");
    }
    const where = `automation condition sensor "${String(options.name)}"`;
    if (options.target === undefined || options.target === null) {
      throw new InvalidDefinitionError(`The ${where} needs a target: the assets whose conditions it evaluates, e.g. AssetSelection.all() or "group:ml".`, where);
    }
    if (options.target instanceof AssetJobDefinition) {
      throw new InvalidDefinitionError(`The ${where} targets assets, not a job: give it the job's selection (e.g. AssetSelection.groups("ml")).`, where);
    }
    if ("job" in options || "jobName" in options || "jobs" in options) {
      throw new InvalidDefinitionError(`The ${where} takes no job: it requests runs of the assets its target selects.`, where);
    }
    const emitBackfills = options.emitBackfills ?? true;
    if (typeof emitBackfills !== "boolean") throw new InvalidDefinitionError(`The ${where} emitBackfills must be true or false, got ${JSON.stringify(emitBackfills)}.`, where);
    if (options.defaultCondition !== undefined && !(options.defaultCondition instanceof AutomationCondition)) {
      throw new InvalidDefinitionError(`The ${where} defaultCondition must be an AutomationCondition, e.g. AutomationCondition.eager().`, where);
    }
    const selection = AssetSelection.from(options.target);
    const sensorOptions = {
      name: options.name,
      minimumIntervalSeconds: options.minimumIntervalSeconds ?? DEFAULT_SENSOR_INTERVAL_SECONDS,
      defaultStatus: options.defaultStatus ?? DefaultSensorStatus.STOPPED,
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    };
    super(sensorOptions, () => {
      throw new InvalidDefinitionError(`The ${where} is evaluated by its evaluate() method (the daemon calls it), not as a sensor function.`, where);
    });
    this.#selection = selection;
    this.#runTags = Object.freeze(checkRunTags(options.runTags, where));
    this.#emitBackfills = emitBackfills;
    this.#defaultCondition = options.defaultCondition;
  }

  /** The assets the sensor evaluates. */
  get assetSelection(): AssetSelection {
    return this.#selection;
  }

  get runTags(): Readonly<Record<string, string>> {
    return this.#runTags;
  }

  get emitBackfills(): boolean {
    return this.#emitBackfills;
  }

  get defaultCondition(): AutomationCondition | undefined {
    return this.#defaultCondition;
  }

  /** Tells automation condition sensors from other sensors: `"automation"`. */
  get sensorType(): "automation" {
    return "automation";
  }

  /** The targeted assets' condition (their own, else the sensor's default condition), by asset key. */
  conditionsIn(defs: DefinitionsData): Record<string, AutomationCondition> {
    const graph = AssetGraph.of(defs);
    const conditions: Record<string, AutomationCondition> = {};
    for (const node of this.#selection.resolveIndices(graph)) {
      const own = graph.specs[node]?.automationCondition;
      const condition = own ?? (graph.isExternal(node) ? undefined : this.#defaultCondition);
      if (!condition) continue;
      // Assets' own conditions were checked with the Definitions; the default one is checked on each asset it covers.
      if (!own) checkConditionReferences(graph, node, condition, false);
      conditions[graph.ids[node] as string] = condition;
    }
    return conditions;
  }

  /**
   * One tick: evaluates the conditions of the targeted assets (only those), and returns the runs (and, with
   * emitBackfills, backfills) to launch, the new cursor and one evaluation record per asset to store.
   */
  async evaluate(options: AutomationSensorEvaluateOptions): Promise<AutomationSensorEvaluation> {
    const { defs, instance } = options;
    const graph = AssetGraph.of(defs);
    const evaluationTime = options.evaluationTime === undefined ? instance.clock.now() : typeof options.evaluationTime === "number" ? options.evaluationTime : options.evaluationTime.getTime();
    const previousTrees = treeHashesOf(options.cursor);
    // The evaluator's own cursor for the sensor's, when this process wrote it: the evaluator finds the memo of the
    // tick that returned it and evaluates only what changed (the sensor's cursor, with its hashes, is another text).
    const cursorIn = options.cursor === undefined || options.cursor === "" ? undefined : (EVALUATOR_CURSORS.get(instance)?.get(options.cursor) ?? options.cursor);
    const result = await evaluateAutomationConditions({
      defs,
      instance,
      evaluationTime,
      conditions: this.conditionsIn(defs),
      ...(cursorIn === undefined ? {} : { cursor: cursorIn }),
    });
    const cursor = JSON.parse(result.cursor) as { evaluationId: number; [TREE_HASHES]?: Record<string, string> };
    const evaluationId = cursor.evaluationId;
    const requested = new Map<number, EntitySubset>();
    for (const r of result.results) if (!r.requestedSubset.isEmpty) requested.set(graph.indexOf(r.key) as number, r.requestedSubset);

    const tags = { ...this.#runTags, [AutomationSensorTags.SENSOR_NAME]: this.name, [AutomationSensorTags.EVALUATION_ID]: String(evaluationId) };
    const backfillRequests = this.#emitBackfills ? takeBackfills(graph, requested, tags) : [];
    const runRequests = [
      ...groupRuns(graph, requested, tags, `${this.name}:${evaluationId}`),
      ...checkRuns(result.runRequests, new Set(this.#selection.resolveCheckIndices(graph).map((c) => graph.checks[c]?.id)), tags, `${this.name}:${evaluationId}`),
    ];
    const evaluations: AutomationEvaluationRecord[] = [];
    const treeHashes: Record<string, string> = {};
    for (const r of result.results) {
      const assetKey = r.key.toString();
      const { tree, hash } = serializedTree(r, graph);
      treeHashes[assetKey] = hash;
      if (previousTrees[assetKey] === hash && r.requestedSubset.isEmpty) continue;
      evaluations.push({ assetKey, evaluationId, timestamp: evaluationTime, sensorName: this.name, numRequested: r.requestedSubset.size, tree });
    }
    // The sensor's cursor is the evaluator's, with a hash of each asset's last tree to tell which changed.
    cursor[TREE_HASHES] = treeHashes;
    const nextCursor = JSON.stringify(cursor);
    rememberEvaluatorCursor(instance, nextCursor, result.cursor);
    return Object.freeze({
      result,
      runRequests: Object.freeze(runRequests),
      backfillRequests: Object.freeze(backfillRequests),
      cursor: nextCursor,
      evaluationId,
      numRequested: result.totalRequested,
      evaluations: Object.freeze(evaluations),
    });
  }

  /**
   * As other sensors' evaluateTick (for `tessera sensor preview`): the runs one evaluation would request.
   * Needs `definitions` and `instance` in the context. Backfills show as one run request per partition.
   */
  override async evaluateTick(ctx: SensorEvaluationContext | SensorContextOptions = {}): Promise<TickEvaluation> {
    const context = ctx instanceof SensorEvaluationContext ? ctx : buildSensorContext(ctx);
    if (!context.definitions) {
      throw new InvalidExecutionOptionError("definitions", `The automation condition sensor "${this.name}" needs the Definitions to evaluate: build its context with { definitions, instance }.`);
    }
    const evaluation = await this.evaluate({ defs: context.definitions, instance: context.instance, evaluationTime: context.currentTime, cursor: context.cursor });
    const fromBackfills = evaluation.backfillRequests.flatMap(backfillAsRunRequests);
    const runRequests = [...fromBackfills, ...evaluation.runRequests];
    return Object.freeze({
      runRequests: Object.freeze(runRequests),
      skipMessage: runRequests.length ? undefined : "No asset's automation condition was true",
      cursor: evaluation.cursor,
      dynamicPartitionsRequests: [],
    });
  }
}

/**
 * The automation condition sensors of `defs`: those in `defs.sensors`, then, when some assets with an
 * automationCondition are targeted by none of them, `default_automation_condition_sensor` over every asset
 * the others do not target. As in the reference it starts STOPPED: turn it on with
 * `tessera sensor start default_automation_condition_sensor` (or `setInstigatorStatus`).
 */
export function automationConditionSensorsOf(defs: DefinitionsData): AutomationConditionSensorDefinition[] {
  const sensors = defs.sensors.filter((s): s is AutomationConditionSensorDefinition => s instanceof AutomationConditionSensorDefinition);
  const graph = AssetGraph.of(defs);
  const covered = new Uint8Array(graph.size);
  for (const sensor of sensors) for (const node of sensor.assetSelection.resolveIndices(graph)) covered[node] = 1;
  let uncovered = false;
  for (let node = 0; node < graph.size; node++) {
    if (!covered[node] && graph.specs[node]?.automationCondition) uncovered = true;
  }
  // A check's condition needs a sensor too, though its location may have no asset condition at all.
  if (!uncovered && graph.checks.some((c) => c.spec.automationCondition)) {
    const coveredChecks = new Set(sensors.flatMap((s) => s.assetSelection.resolveCheckIndices(graph)));
    uncovered = graph.checks.some((c) => c.spec.automationCondition !== undefined && !coveredChecks.has(c.index));
  }
  if (!uncovered || sensors.some((s) => s.name === DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME)) return sensors;
  const target = sensors.reduce((sel, s) => sel.minus(s.assetSelection), AssetSelection.all({ includeSources: true }));
  return [
    ...sensors,
    new AutomationConditionSensorDefinition({
      name: DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME,
      target,
      defaultStatus: DefaultSensorStatus.STOPPED,
      description: "Evaluates the automation conditions of assets no other automation condition sensor targets.",
    }),
  ];
}

const TREE_HASHES = "treeHashes";

// By instance, the evaluator's cursor of the sensor cursors written last (the evaluator keeps two memos too): the
// sensor's cursor is the evaluator's with TREE_HASHES added, which the evaluator ignores.
const EVALUATOR_CURSORS = new WeakMap<Instance, Map<string, string>>();
const KEPT_CURSORS = 2;

function rememberEvaluatorCursor(instance: Instance, sensorCursor: string, evaluatorCursor: string): void {
  let byCursor = EVALUATOR_CURSORS.get(instance);
  if (!byCursor) EVALUATOR_CURSORS.set(instance, (byCursor = new Map()));
  byCursor.delete(sensorCursor);
  byCursor.set(sensorCursor, evaluatorCursor);
  for (const old of byCursor.keys()) {
    if (byCursor.size <= KEPT_CURSORS) break;
    byCursor.delete(old);
  }
}

function treeHashesOf(cursor: string | undefined): Record<string, string> {
  if (cursor === undefined || cursor === "") return {};
  try {
    const hashes = (JSON.parse(cursor) as Record<string, unknown>)[TREE_HASHES];
    return hashes !== null && typeof hashes === "object" ? (hashes as Record<string, string>) : {};
  } catch {
    return {}; // the evaluator reports a cursor that is not JSON
  }
}

function checkRunTags(tags: Readonly<Record<string, string>> | undefined, where: string): Record<string, string> {
  if (tags === undefined) return {};
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) throw new InvalidDefinitionError(`The ${where} runTags must be an object of string values.`, where);
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== "string") throw new InvalidDefinitionError(`The ${where} runTags["${k}"] must be a string, got ${typeof v}.`, where);
  }
  return { ...tags };
}

/**
 * As the reference: every asset with more than one partition requested goes to a backfill, with the requested
 * assets connected to it (parents and children, transitively, unpartitioned ones included), all in ONE backfill.
 * When those assets share one partitioning and had the same partitions requested, the backfill names them with
 * `partitionKeys`; otherwise with `partitionsByAsset`, each asset its own keys (null for an unpartitioned one).
 * Taken out of `requested`.
 */
function takeBackfills(graph: AssetGraph, requested: Map<number, EntitySubset>, tags: Record<string, string>): AutomationBackfillRequest[] {
  const inBackfill = new Set<number>();
  const visit = (start: number): void => {
    const stack = [start];
    while (stack.length) {
      const node = stack.pop() as number;
      if (inBackfill.has(node) || !requested.has(node) || graph.isExternal(node)) continue;
      inBackfill.add(node);
      stack.push(...(graph.parents[node] ?? []), ...(graph.children[node] ?? []));
    }
  };
  for (const [node, subset] of requested) if (subset.isPartitioned && subset.size > 1 && !graph.isExternal(node)) visit(node);
  if (inBackfill.size === 0) return [];
  const nodes = [...inBackfill].sort((a, b) => a - b);
  const fingerprints = new Map<PartitionsDefinition, string>();
  const keys: AssetKey[] = [];
  const byAsset: Record<string, readonly string[] | null> = {};
  const groups = new Set<string>();
  let partitionKeys: readonly string[] = [];
  for (const node of nodes) {
    const subset = requested.get(node) as EntitySubset;
    requested.delete(node);
    keys.push(graph.keys[node] as AssetKey);
    if (!subset.isPartitioned) {
      byAsset[graph.ids[node] as string] = null;
      groups.add("");
      continue;
    }
    partitionKeys = Object.freeze(subset.partitionKeys());
    byAsset[graph.ids[node] as string] = partitionKeys;
    groups.add(`${fingerprintOf(graph, node, fingerprints)}\u0000${partitionKeys.join("\u0001")}`);
  }
  const assetSelection = Object.freeze(keys);
  if (groups.size === 1 && !groups.has("")) return [Object.freeze({ assetSelection, partitionKeys, tags })];
  return [Object.freeze({ assetSelection, partitionKeys: Object.freeze([]), partitionsByAsset: Object.freeze(byAsset), tags })];
}

/** A backfill previewed as runs: one per partition key, and for partitionsByAsset, one per asset's partition key after one for the unpartitioned assets. */
function backfillAsRunRequests(b: AutomationBackfillRequest): RunRequest[] {
  if (!b.partitionsByAsset) return b.partitionKeys.map((partitionKey) => new RunRequest({ assetSelection: b.assetSelection, partitionKey, tags: b.tags }));
  const entries = Object.entries(b.partitionsByAsset);
  const whole = entries.filter(([, keys]) => keys === null).map(([id]) => AssetKey.from(id));
  const runs = whole.length ? [new RunRequest({ assetSelection: whole, tags: b.tags })] : [];
  for (const [id, keys] of entries) for (const partitionKey of keys ?? []) runs.push(new RunRequest({ assetSelection: [AssetKey.from(id)], partitionKey, tags: b.tags }));
  return runs;
}

/**
 * The evaluation's check-only requests (checks whose condition was true while their asset was not requested), kept
 * for the checks this sensor targets (its selection's checks): one run of those checks, with the sensor's tags and a run key.
 */
function checkRuns(requests: readonly RunRequest[], targeted: ReadonlySet<string | undefined>, tags: Record<string, string>, runKeyPrefix: string): RunRequest[] {
  const checks = requests
    .filter((r) => (r.assetSelection?.length ?? 0) === 0)
    .flatMap((r) => r.assetCheckKeys ?? [])
    .filter((c) => targeted.has(checkId(c.assetKey, c.name)));
  if (checks.length === 0) return [];
  const runKey = runKeyOf(`${runKeyPrefix}:checks`, checks.map((c) => checkId(c.assetKey, c.name)).sort());
  return [new RunRequest({ assetSelection: [], assetCheckKeys: checks, runKey, tags })];
}

/** One run for the unpartitioned assets, one per (partitioning, partition key), earlier keys first, as the reference. */
function groupRuns(graph: AssetGraph, requested: ReadonlyMap<number, EntitySubset>, tags: Record<string, string>, runKeyPrefix: string): RunRequest[] {
  const unpartitioned: AssetKey[] = [];
  const byPartition = new Map<string, { partitionKey: string; keys: AssetKey[] }>();
  const fingerprints = new Map<PartitionsDefinition, string>();
  for (const node of [...requested.keys()].sort((a, b) => a - b)) {
    const subset = requested.get(node) as EntitySubset;
    const key = graph.keys[node] as AssetKey;
    if (!subset.isPartitioned) {
      unpartitioned.push(key);
      continue;
    }
    const fingerprint = fingerprintOf(graph, node, fingerprints);
    for (const partitionKey of subset.partitionKeys()) {
      const group = `${fingerprint}\u0000${partitionKey}`;
      const entry = byPartition.get(group) ?? { partitionKey, keys: [] };
      entry.keys.push(key);
      byPartition.set(group, entry);
    }
  }
  const groups: { partitionKey: string | undefined; keys: AssetKey[] }[] = [];
  if (unpartitioned.length) groups.push({ partitionKey: undefined, keys: unpartitioned });
  groups.push(...[...byPartition.values()].sort((a, b) => (a.partitionKey < b.partitionKey ? -1 : a.partitionKey > b.partitionKey ? 1 : 0)));
  return groups.map(({ partitionKey, keys }) => {
    const runKey = runKeyOf(runKeyPrefix, [partitionKey ?? "", ...keys.map(String)]);
    return new RunRequest({ assetSelection: keys, runKey, tags, ...(partitionKey === undefined ? {} : { partitionKey }) });
  });
}

/** A run key that names what a request holds, so that the same request at the same evaluation is launched once. */
function runKeyOf(prefix: string, parts: readonly string[]): string {
  return `${prefix}:${createHash("sha1").update(parts.join("\u0000")).digest("hex").slice(0, 16)}`;
}

function fingerprintOf(graph: AssetGraph, node: number, cache: Map<PartitionsDefinition, string>): string {
  const def = graph.specs[node]?.partitionsDef as PartitionsDefinition;
  let fingerprint = cache.get(def);
  if (fingerprint === undefined) cache.set(def, (fingerprint = partitionsDefinitionFingerprint(def)));
  return fingerprint;
}
