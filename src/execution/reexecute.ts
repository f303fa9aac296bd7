// Re-execution: run again what a run did not finish — its failed and skipped steps — with the same config.
import { InstanceError, RunNotFoundError } from "../core/index.js";
import type { DefinitionsData } from "../definitions/index.js";
import { AssetGraph } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import type { RunRecord } from "../storage/index.js";
import { ExecutionPlan } from "../plan/index.js";
import type { ExecuteResult } from "./execute-result.js";
import { executeRun, submitRun, type ExecuteOptions } from "./execute-run.js";
import { RESUME_RETRY_TAG } from "./step/run-op-step.js";

/** Options of `reexecuteRun`: which steps to run again (all, or from failure) and the new run's tags. */
export interface ReexecuteOptions extends Omit<ExecuteOptions, "instance" | "runConfig" | "partitionKey" | "partitionKeyRange" | "parentRunId" | "rootRunId"> {
  instance: Instance;
  /** Only the steps that did not succeed (and the checks of what they materialize). @default true */
  fromFailure?: boolean;
  /** Only these steps of the run (keys as its events name them); overrides `fromFailure`. */
  stepKeys?: readonly string[];
}

const SYSTEM_TAG = /^tessera\//;

/**
 * Runs `runId` again as a new run (its child): every step of it, or with `fromFailure` only those that
 * failed, were skipped or never ran. Steps that succeeded are not re-run; their values are loaded from
 * their IO managers. Config, tags and partitions are the parent's.
 */
export async function reexecuteRun(defs: DefinitionsData, runId: string, options: ReexecuteOptions): Promise<ExecuteResult> {
  const { selectedNodes, selectedChecks, executeOptions } = await reexecution(defs, runId, options);
  return executeRun(defs, selectedNodes, executeOptions, selectedChecks);
}

/** Like `reexecuteRun`, but puts the child run on the run queue (QUEUED) instead of running it here. */
export async function submitReexecution(defs: DefinitionsData, runId: string, options: ReexecuteOptions): Promise<RunRecord> {
  const { selectedNodes, selectedChecks, executeOptions } = await reexecution(defs, runId, options);
  return submitRun(defs, selectedNodes, executeOptions, selectedChecks);
}

async function reexecution(
  defs: DefinitionsData,
  runId: string,
  options: ReexecuteOptions,
): Promise<{ parent: RunRecord; selectedNodes: number[]; selectedChecks: number[]; executeOptions: ExecuteOptions }> {
  const { instance, fromFailure = true, stepKeys, ...rest } = options;
  const { parent, nodes: selectedNodes, checks: selectedChecks } = await reexecutionTargets(defs, runId, instance, stepKeys === undefined ? fromFailure : false, stepKeys);
  const tags = Object.fromEntries(Object.entries(parent.tags).filter(([key]) => !SYSTEM_TAG.test(key)));
  const range =
    parent.tags["tessera/partition_range_start"] !== undefined
      ? { partitionKeyRange: { start: parent.tags["tessera/partition_range_start"] as string, end: parent.tags["tessera/partition_range_end"] as string } }
      : {};
  const executeOptions: ExecuteOptions = {
    ...rest,
    instance,
    jobName: parent.jobName,
    runConfig: parent.runConfig,
    // From failure, the ops of graph assets that succeeded in the parent are reused rather than run again.
    tags: { ...tags, ...(rest.tags ?? {}), ...(fromFailure ? { [RESUME_RETRY_TAG]: "true" } : {}) },
    ...(parent.partitionKey === undefined ? {} : { partitionKey: parent.partitionKey }),
    ...range,
    ...(parent.backfillId === undefined ? {} : { backfillId: parent.backfillId }),
    parentRunId: parent.runId,
    rootRunId: parent.rootRunId ?? parent.runId,
  };
  return { parent, selectedNodes, selectedChecks, executeOptions };
}

/** The assets and checks a re-execution of `runId` runs: all of the run's, or only those of steps that did not succeed. */
export async function reexecutionTargets(
  defs: DefinitionsData,
  runId: string,
  instance: Instance,
  fromFailure: boolean,
  stepKeys?: readonly string[],
): Promise<{ parent: RunRecord; nodes: number[]; checks: number[] }> {
  const parent = await instance.getRunById(runId);
  if (!parent) throw new RunNotFoundError(runId);
  if (fromFailure && parent.status !== "FAILURE" && parent.status !== "CANCELED") {
    throw new InstanceError("NOTHING_TO_REEXECUTE", runId, `Run ${runId} ended ${parent.status}, so there is no failure to re-execute from; re-execute it whole instead.`);
  }
  const graph = AssetGraph.of(defs);
  const nodes = parent.assetSelection.map((key) => graph.require(key, `run ${runId}'s selection`));
  const checkIds = (parent.tags["tessera/asset_check_selection"] ?? "").split(",").filter(Boolean);
  const checks = checkIds.map((id) => graph.checkIndexOf(id)).filter((i): i is number => i !== undefined);
  let selectedNodes = nodes;
  let selectedChecks = checks;
  if (fromFailure) {
    const succeeded = new Set((await instance.allLogs(runId, { ofType: "STEP_SUCCESS" })).map((e) => e.stepKey));
    const plan = ExecutionPlan.build(graph, nodes, parent.runConfig, checks);
    const again = plan.steps.filter((s) => !succeeded.has(s.key));
    selectedNodes = again.flatMap((s) => [...s.nodes]);
    selectedChecks = again.flatMap((s) => [...s.checks]);
  } else if (stepKeys !== undefined) {
    const plan = ExecutionPlan.build(graph, nodes, parent.runConfig, checks);
    const known = new Set(plan.steps.map((s) => s.key));
    const unknown = stepKeys.filter((k) => !known.has(k));
    if (unknown.length > 0 || stepKeys.length === 0) {
      throw new InstanceError(
        "NOTHING_TO_REEXECUTE",
        runId,
        `${unknown.length > 0 ? `Run ${runId} has no step ${unknown.map((k) => `"${k}"`).join(", ")}` : "No step was selected"}; its steps are ${[...known].join(", ")}.`,
      );
    }
    const wanted = new Set(stepKeys);
    const again = plan.steps.filter((s) => wanted.has(s.key));
    selectedNodes = again.flatMap((s) => [...s.nodes]);
    selectedChecks = again.flatMap((s) => [...s.checks]);
  }
  return { parent, nodes: selectedNodes, checks: selectedChecks };
}
