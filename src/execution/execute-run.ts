// One run from start to end: plan, resources, run record, steps, events, teardown.
import { randomUUID } from "node:crypto";
import { serializeError, validateTags, type AssetKey, type Clock, type EventRecord, type TesseraEvent } from "../core/index.js";
import { DEFAULT_IO_MANAGER_KEY, type DefinitionsData, type ExecutorDefinition, type RetryPolicy } from "../definitions/index.js";
import { AssetGraph } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import { ExecutionPlan, parseRunConfig } from "../plan/index.js";
import { RunEventWriter } from "./event-writer.js";
import { followRunLog } from "./follow-run-log.js";
import { checkPartitions } from "./run-partitions.js";
import { upstreamDataVersions } from "./upstream-data-versions.js";
import { ExecuteResult } from "./execute-result.js";
import { executeInProcess } from "./in-process-executor.js";
import { withPoolSlots } from "./pools.js";
import { prepareResources, setUpResources } from "./resources.js";
import { checkIOManagerPaths } from "./io-managers/check-io-manager-paths.js";
import { holdRun } from "./workers/run-holder.js";
import { runDeadlineOf } from "./step/step-timeout.js";
import type { CapturedOutput, RunState } from "./run-state.js";
import { makeLogger } from "./step-logger.js";
import { stepExecutorFor } from "./step-executor.js";
import type { RunRecord } from "../storage/index.js";
import type { PreparedResource } from "./resources.js";
import { MultiPartitionsDefinition, type DynamicPartitionsSnapshot } from "../partitions/index.js";
import { RunFailedError, SystemTags, type LeaseLostError } from "../core/index.js";

export const ASSET_JOB_NAME = "__ASSET_JOB";

/** How to execute a run: its instance, resources, run config, partition or range, tags and executor. */
export interface ExecuteOptions {
  /** Where the run is recorded. @default Instance.ephemeral() */
  instance?: Instance;
  /** Resources added to (and overriding) the definitions' resources. */
  resources?: Readonly<Record<string, unknown>>;
  /** `{ ops: { <op>: { config } }, resources: { <key>: { config } } }` */
  runConfig?: unknown;
  tags?: Record<string, string>;
  /** Reject with the first failed step's error once the run is recorded. @default true */
  raiseOnError?: boolean;
  executor?: ExecutorDefinition;
  jobName?: string;
  /** The retry policy of steps that have none of their own (a job's opRetryPolicy). */
  opRetryPolicy?: RetryPolicy;
  /** Called with each event once it is stored: for progress displays. */
  onEvent?: (event: EventRecord) => void;
  /** The clock for timestamps and retry waits. @default the instance's clock */
  clock?: Clock;
  /** Random source for retry jitter. @default Math.random */
  random?: () => number;
  /** The backfill this run belongs to. */
  backfillId?: string;
  /** The module the definitions come from; the multiprocess executor loads it in each step's process. */
  codeLocation?: string;
  /** For a re-execution: the run it re-executes, and the first run of that lineage. */
  parentRunId?: string;
  rootRunId?: string;
  /** The partition to materialize; required when the selection holds partitioned assets (or give a range). */
  partitionKey?: string;
  /**
   * A range of partitions to materialize in this one run (a single-run backfill): each partitioned step gets
   * every key of the range and returns its values keyed by partition.
   */
  partitionKeyRange?: { readonly start: string; readonly end: string };
  /**
   * Cancels the run: no further step starts, steps already running finish, the rest are skipped and the
   * run ends CANCELED.
   */
  signal?: AbortSignal;
  /**
   * Told when this process finds its hold on the run lost (stopped or cut off past its lease): its writes are
   * refused and no further step starts. A command exits here, so no compute of a run taken over keeps going.
   */
  onLeaseLost?: (error: LeaseLostError) => void;
}

/**
 * Materializes graph nodes `selected` of `defs` as one run, and evaluates `checks` (indices into the
 * graph's checks; by default the checks of the selected assets, as selecting assets selects their checks).
 */
export async function executeRun(
  defs: DefinitionsData,
  selected: readonly number[],
  options: ExecuteOptions = {},
  checks: readonly number[] = checksOfAssets(AssetGraph.of(defs), selected),
): Promise<ExecuteResult> {
  const prepared = await prepareRun(defs, selected, options, checks);
  const run = await prepared.instance.createRun(prepared.newRun);
  return executePreparedRun(prepared, run, options);
}

/**
 * Validates a run as `executeRun` does (plan, config, resources, partitions) and records it QUEUED
 * without running it: a run coordinator launches it later (`executeQueuedRun`).
 */
export async function submitRun(
  defs: DefinitionsData,
  selected: readonly number[],
  options: ExecuteOptions = {},
  checks: readonly number[] = checksOfAssets(AssetGraph.of(defs), selected),
): Promise<RunRecord> {
  const prepared = await prepareRun(defs, selected, options, checks);
  const run = await prepared.instance.createRun({ ...prepared.newRun, status: "QUEUED" });
  // Planned as the run is created (as the reference's create_run does): while it waits in the queue its assets and
  // partitions are in progress for automation, the partition status and the UI, so nothing requests them again.
  const now = prepared.clock.now();
  await prepared.instance.storeEvents([
    ...plannedEvents(prepared, run.runId, now),
    { runId: run.runId, timestamp: now, eventType: "RUN_ENQUEUED", message: "Queued: the run coordinator launches it when limits allow." },
  ]);
  return (await prepared.instance.getRunById(run.runId)) ?? run;
}

/** Executes a run recorded earlier by `submitRun` (QUEUED, or STARTING once a coordinator took it). */
export async function executeSubmittedRun(defs: DefinitionsData, run: RunRecord, given: ExecuteOptions & { instance: Instance }): Promise<ExecuteResult> {
  // A job's run keeps the job's executor and op retry policy, as when the job runs in process.
  const job = defs.jobs.find((j) => j.name === run.jobName);
  const options = {
    ...given,
    ...(job?.executorDef && given.executor === undefined ? { executor: job.executorDef } : {}),
    ...(job?.opRetryPolicy && given.opRetryPolicy === undefined ? { opRetryPolicy: job.opRetryPolicy } : {}),
  };
  const graph = AssetGraph.of(defs);
  const nodes = run.assetSelection.map((id) => graph.require(id, `run ${run.runId}'s selection`));
  const checkIds = run.tags[CHECK_SELECTION_TAG];
  const checks = checkIds ? checkIds.split(",").map((id) => graph.checkIndexOf(id)).filter((c): c is number => c !== undefined) : [];
  const rangeStart = run.tags[SystemTags.PARTITION_RANGE_START];
  const rangeEnd = run.tags[SystemTags.PARTITION_RANGE_END];
  const userTags = Object.fromEntries(Object.entries(run.tags).filter(([key]) => !key.startsWith("tessera/")));
  const prepared = await prepareRun(defs, nodes, {
    ...options,
    jobName: run.jobName,
    runConfig: run.runConfig,
    tags: { ...userTags, ...(options.tags ?? {}) },
    ...(run.partitionKey !== undefined ? { partitionKey: run.partitionKey } : {}),
    ...(rangeStart !== undefined && rangeEnd !== undefined ? { partitionKeyRange: { start: rangeStart, end: rangeEnd } } : {}),
  }, checks);
  // Planned when submitted; a run queued by an older version was not, and is planned as it starts.
  const planned = await prepared.instance.allLogs(run.runId, { ofType: "ASSET_MATERIALIZATION_PLANNED", limit: 1 });
  return executePreparedRun(prepared, run, options, planned.length > 0);
}

const CHECK_SELECTION_TAG = "tessera/asset_check_selection";

/**
 * The run's ASSET_MATERIALIZATION_PLANNED events. Planned partitions make "in progress" answerable per partition;
 * failures are recorded the same way. Unpartitioned assets are planned too (as the reference does), so that an asset's
 * latest attempt is one indexed read of the log however many runs came since. Observed sources are not materialized,
 * so not planned.
 */
function plannedEvents({ graph, plan, partitionKeys }: PreparedRun, runId: string, timestamp: number): TesseraEvent[] {
  const events: TesseraEvent[] = [];
  for (const node of plan.nodes) {
    if (graph.isExternal(node)) continue;
    const assetKey = graph.keys[node] as AssetKey;
    if (!graph.specs[node]?.partitionsDef) events.push({ runId, timestamp, eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey });
    else for (const partition of partitionKeys ?? []) events.push({ runId, timestamp, eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey, partition });
  }
  return events;
}

interface PreparedRun {
  graph: AssetGraph;
  plan: ExecutionPlan;
  instance: Instance;
  clock: Clock;
  tags: Record<string, string>;
  prepared: PreparedResource[];
  executor: ExecutorDefinition;
  partitionKeys: string[] | undefined;
  dynamicPartitions: DynamicPartitionsSnapshot;
  partitionTime: number;
  newRun: Parameters<Instance["createRun"]>[0];
}

async function prepareRun(defs: DefinitionsData, selected: readonly number[], options: ExecuteOptions, checks: readonly number[]): Promise<PreparedRun> {
  const graph = AssetGraph.of(defs);
  const runConfig = parseRunConfig(options.runConfig);
  const plan = ExecutionPlan.build(graph, selected, runConfig, checks);
  const instance = options.instance ?? Instance.ephemeral({ clock: options.clock });
  const clock = options.clock ?? instance.clock;
  const resources = { ...defs.resources, ...(options.resources ?? {}) };
  const tags = validateTags(options.tags, "the run", { strictKeys: true });

  const neededResources = new Set<string>();
  for (const step of plan.steps) {
    for (const key of step.requiredResourceKeys) neededResources.add(key);
    for (const input of step.inputs) {
      const upstream = graph.definitions[input.node];
      neededResources.add(
        upstream ? upstream.outputForKey(graph.keys[input.node] as AssetKey).ioManagerKey : (graph.specs[input.node]?.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY),
      );
    }
  }
  const prepared = prepareResources(neededResources, resources, runConfig, instance);
  checkIOManagerPaths(graph, prepared);
  const executor = options.executor ?? defs.executor;
  stepExecutorFor(executor).check({ codeLocation: options.codeLocation, instance, resources: prepared });
  const partitionTime = clock.now();
  const { partitionKeys, dynamicPartitions } = await checkPartitions(graph, plan, instance, options, partitionTime);
  const partitionKey = partitionKeys?.length === 1 ? partitionKeys[0] : undefined;
  const range = partitionKeys && partitionKeys.length > 1 ? { start: partitionKeys[0] as string, end: partitionKeys[partitionKeys.length - 1] as string } : undefined;

  const newRun = {
    runId: randomUUID(),
    jobName: options.jobName ?? ASSET_JOB_NAME,
    tags: {
      ...tags,
      ...(plan.checks.length ? { [CHECK_SELECTION_TAG]: plan.checks.map((c) => graph.checks[c]?.id).join(",") } : {}),
      ...(partitionKey === undefined ? {} : { [SystemTags.PARTITION]: partitionKey, ...dimensionTags(graph, plan.nodes, partitionKey) }),
      ...(range === undefined ? {} : { [SystemTags.PARTITION_RANGE_START]: range.start, [SystemTags.PARTITION_RANGE_END]: range.end }),
    },
    assetSelection: plan.nodes.map((n) => graph.ids[n] as string),
    runConfig: options.runConfig ?? {},
    ...(partitionKey === undefined ? {} : { partitionKey }),
    ...(options.backfillId === undefined ? {} : { backfillId: options.backfillId }),
    ...(options.parentRunId === undefined ? {} : { parentRunId: options.parentRunId, rootRunId: options.rootRunId ?? options.parentRunId }),
  };
  return { graph, plan, instance, clock, tags, prepared, executor, partitionKeys, dynamicPartitions, partitionTime, newRun };
}

async function executePreparedRun(p: PreparedRun, run: RunRecord, options: ExecuteOptions, alreadyPlanned = false): Promise<ExecuteResult> {
  const { graph, plan, instance, clock, tags, prepared, executor, partitionKeys, dynamicPartitions, partitionTime } = p;
  const stepExecutor = stepExecutorFor(executor);
  // Step processes (or workers) write their own events; progress then follows the instance's log instead of this writer.
  const { outOfProcess } = stepExecutor;
  const follow = outOfProcess && options.onEvent ? followRunLog(instance, run.runId, options.onEvent) : undefined;
  const writer = new RunEventWriter(instance, follow ? undefined : options.onEvent);
  const runEvent = (
    eventType: "RUN_START" | "RUN_SUCCESS" | "RUN_FAILURE" | "RUN_CANCELING" | "RUN_CANCELED" | "ENGINE_EVENT",
    message: string,
    extra: object = {},
  ): void =>
    writer.emit({ runId: run.runId, timestamp: clock.now(), eventType, message, ...extra });
  runEvent("RUN_START", `Started run of ${plan.steps.length} step(s).`, { data: { stepKeys: plan.steps.map((s) => s.key) } });
  if (!alreadyPlanned) for (const event of plannedEvents(p, run.runId, clock.now())) writer.emit(event);

  // The run is STARTED in storage before any step begins, so others see it running (and can cancel it); its
  // holder is registered first, so that no STARTED run is ever without one for run monitoring to check.
  const hold = await holdRun(instance, run.runId, options.onLeaseLost ? { onLost: options.onLeaseLost } : {});
  // Every write of the run carries its holder's lease: once it is lost (stopped or cut off past it), nothing is
  // written, no further step starts, and the run is left to run monitoring, which ended or will end it.
  writer.fence = hold.fence;
  writer.beforeWrite = hold.refresh;
  const fenced = (): boolean => hold.lost !== undefined || writer.failure !== undefined;
  await writer.flush().catch(async (error: unknown) => {
    await hold.release();
    await follow?.stop();
    throw error;
  });
  let failureMessage: string | undefined;
  let firstError: unknown;
  let canceled = false;
  const onAbort = (): void => {
    if (canceled) return;
    canceled = true;
    runEvent("RUN_CANCELING", "Canceling the run: steps already running will finish, no new step starts.");
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const state: RunState = {
    runId: run.runId,
    deadline: runDeadlineOf(tags, instance.settings.runMonitoring?.maxRuntimeSeconds, performance.now()),
    instance,
    graph,
    plan,
    resources: {},
    writer,
    clock,
    runTags: tags,
    runConfig: run.runConfig ?? {},
    materialized: new Uint8Array(graph.size),
    outputs: new Map<string, CapturedOutput>(),
    random: options.random ?? Math.random,
    opRetryPolicy: options.opRetryPolicy,
    dataVersions: await upstreamDataVersions(instance, graph, plan),
    partitionKeys,
    dynamicPartitions,
    partitionTime,
    assertHolder: () => hold.assertHeld(),
  };
  try {
    // With the multiprocess and queue executors each step's process sets up the resources it needs.
    const live = await setUpResources(outOfProcess ? [] : prepared, (key) =>
      makeLogger((level, message, data) => writer.emit({ runId: run.runId, timestamp: clock.now(), eventType: "LOG_MESSAGE", level, message, data: { resource: key, ...data } })),
    );
    try {
      // Another process cancels a run through the instance (instance.cancelRun): looked at between steps,
      // at most every 100 ms of the run's clock.
      let lastLook = -Infinity;
      const lookForCancel = async (): Promise<void> => {
        if (canceled || clock.now() - lastLook < 100) return;
        lastLook = clock.now();
        const status = (await instance.getRunById(run.runId))?.status;
        if (status === "CANCELING" || status === "CANCELED") canceled = true;
      };
      const session = stepExecutor.open({ instance, module: options.codeLocation, storage: instance.storageConfig, home: instance.home, nodes: plan.nodes, checks: plan.checks });
      const pooled = withPoolSlots(session.runStep, { instance, settings: instance.settings.concurrency, isCanceled: () => canceled });
      const outcome = await executeInProcess({ ...state, resources: live.values }, executor.maxConcurrent, () => canceled || fenced(), lookForCancel, pooled).finally(() => session.close?.());
      if (outcome.failures.length > 0) {
        firstError = outcome.failures[0]?.error;
        failureMessage = `Execution failed: step${outcome.failures.length > 1 ? "s" : ""} ${outcome.failures.map((f) => `"${f.step.key}"`).join(", ")} failed.`;
      }
    } finally {
      await live.teardown((key, error) =>
        runEvent("ENGINE_EVENT", `Resource "${key}" failed to tear down: ${(error as Error)?.message ?? String(error)}`, { level: "warn", error: serializeError(error) }),
      );
    }
  } catch (error) {
    firstError = error;
    failureMessage = (error as Error)?.message ?? String(error);
    runEvent("ENGINE_EVENT", failureMessage, { level: "error", error: serializeError(error) });
  }
  options.signal?.removeEventListener("abort", onAbort);
  if (canceled) runEvent("RUN_CANCELED", "The run was canceled.");
  else if (failureMessage === undefined) runEvent("RUN_SUCCESS", "Finished run successfully.");
  else runEvent("RUN_FAILURE", failureMessage);
  try {
    await writer.flush();
    if (hold.lost) throw hold.lost;
  } finally {
    await hold.release();
    await follow?.stop();
  }

  const finalRun = (await instance.getRunById(run.runId)) ?? run;
  const outputs = new Map<string, CapturedOutput>();
  const byStep = new Map<string, Map<string, unknown>>();
  for (const [slot, captured] of state.outputs) {
    outputs.set(slot, captured);
    const node = graph.indexOf(captured.key) as number;
    const step = plan.steps[plan.stepOfNode[node] as number];
    if (!step || step.kind !== "asset") continue;
    const name = step.definition.outputForKey(captured.key).name;
    const entry = byStep.get(step.key) ?? new Map<string, unknown>();
    entry.set(name, captured.value);
    byStep.set(step.key, entry);
  }
  // Step processes write their own events: the run's log is the instance's.
  const events = outOfProcess ? await instance.allLogs(run.runId) : writer.records;
  const result = new ExecuteResult(finalRun, events, outputs, byStep);
  if (!result.success && !canceled && (options.raiseOnError ?? true)) {
    // The step's own error when it is one; a thrown non-Error (a string, say) is wrapped so callers get an Error.
    if (firstError instanceof Error) throw firstError;
    throw new RunFailedError(run.runId, undefined, `Run ${run.runId} failed: ${failureMessage ?? "see its event log"}`, firstError);
  }
  return result;
}

/** The checks of the given asset nodes. */
export function checksOfAssets(graph: AssetGraph, nodes: readonly number[]): number[] {
  return nodes.flatMap((n) => graph.checksOf(n));
}

/** As in the reference, a run of one multi-partition key is also tagged with each dimension's key (`tessera/partition/<dimension>`). */
function dimensionTags(graph: AssetGraph, nodes: readonly number[], partitionKey: string): Record<string, string> {
  const def = nodes.map((n) => graph.specs[n]?.partitionsDef).find((d) => d !== undefined);
  if (!(def instanceof MultiPartitionsDefinition)) return {};
  const keys = def.getPartitionKeyFromStr(partitionKey).keysByDimension;
  return Object.fromEntries(Object.entries(keys).map(([dimension, key]) => [`${SystemTags.PARTITION}/${dimension}`, key]));
}
