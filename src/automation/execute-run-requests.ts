// Carries out a tick's decisions in this process, for tests and scripts: dynamic partitions, then one run per request.
import type { DefinitionsData } from "../definitions/index.js";
import { materializeDefinitions, ResolvedAssetJob, type ExecuteResult } from "../execution/index.js";
import type { Instance } from "../instance/index.js";
import { InvalidRunRequestError } from "../definitions/index.js";
import { AutomationTags, type TickEvaluation } from "../definitions/index.js";
import type { RunRequest } from "../definitions/index.js";
import type { ScheduleDefinition } from "../definitions/index.js";
import type { SensorDefinition } from "../definitions/index.js";
import { lookupJob } from "../definitions/index.js";

/** Options for `executeRunRequests()`. */
export interface ExecuteRunRequestsOptions {
  defs: DefinitionsData;
  instance: Instance;
  /** The schedule or sensor whose tick this is. */
  instigator: ScheduleDefinition | SensorDefinition;
  /** What `evaluateTick` returned. */
  evaluation: TickEvaluation;
  /** Resources added to (and overriding) the definitions' resources. */
  resources?: Readonly<Record<string, unknown>>;
  /** Reject on the first failed run. @default true */
  raiseOnError?: boolean;
}

/** What `executeRunRequests()` did: the runs it executed and the run keys it skipped. */
export interface ExecutedRunRequests {
  /** The runs launched, in request order. */
  readonly results: readonly ExecuteResult[];
  /** Requests not launched because a run of this schedule or sensor already used their runKey. */
  readonly skippedRunKeys: readonly string[];
}

/**
 * Applies a tick's dynamic partitions requests to the instance, then runs each RunRequest in-process with its
 * job (or its asset selection within the job). A request whose runKey a run of the same schedule or sensor already
 * used is skipped, as the daemon does; run keys are kept in the run tag `tessera/run_key`.
 *
 * @example
 * const tick = await mySensor.evaluateTick(buildSensorContext({ instance, definitions: defs }));
 * const { results } = await executeRunRequests({ defs, instance, instigator: mySensor, evaluation: tick });
 */
export async function executeRunRequests(options: ExecuteRunRequestsOptions): Promise<ExecutedRunRequests> {
  const { defs, instance, instigator, evaluation } = options;
  for (const request of evaluation.dynamicPartitionsRequests) {
    if (request.kind === "add_dynamic_partitions") await instance.addDynamicPartitions(request.partitionsDefName, request.partitionKeys);
    else for (const key of request.partitionKeys) await instance.deleteDynamicPartition(request.partitionsDefName, key);
  }
  const kind = instigator.kind === "schedule_definition" ? "schedule" : "sensor";
  const nameTag = kind === "schedule" ? AutomationTags.SCHEDULE_NAME : AutomationTags.SENSOR_NAME;
  const results: ExecuteResult[] = [];
  const skippedRunKeys: string[] = [];
  for (const request of evaluation.runRequests) {
    if (request.runKey !== undefined) {
      const previous = await instance.getRuns({ tags: { [AutomationTags.RUN_KEY]: request.runKey, [nameTag]: instigator.name }, limit: 1 });
      if (previous.length > 0) {
        skippedRunKeys.push(request.runKey);
        continue;
      }
    }
    results.push(await runOne(request, kind, options));
  }
  return Object.freeze({ results: Object.freeze(results), skippedRunKeys: Object.freeze(skippedRunKeys) });
}

async function runOne(request: RunRequest, kind: "schedule" | "sensor", options: ExecuteRunRequestsOptions): Promise<ExecuteResult> {
  const { defs, instance, instigator } = options;
  const ref = instigator.targets.find((t) => t.jobName === request.jobName);
  if (!ref) {
    throw new InvalidRunRequestError(
      `This RunRequest names job "${String(request.jobName)}", which ${kind} "${instigator.name}" does not target: pass the evaluation that ${kind}'s evaluateTick returned.`,
      { instigatorName: instigator.name, ...(request.jobName ? { jobName: request.jobName } : {}) },
    );
  }
  const job = lookupJob(kind, instigator.name, ref, defs);
  if (!job) throw new InvalidRunRequestError(`No job "${ref.jobName}" to run.`, { instigatorName: instigator.name, jobName: ref.jobName });
  const tags = { ...request.tags, ...(request.runKey === undefined ? {} : { [AutomationTags.RUN_KEY]: request.runKey }) };
  const common = {
    instance,
    tags,
    ...(request.partitionKey === undefined ? {} : { partitionKey: request.partitionKey }),
    ...(options.resources ? { resources: options.resources } : {}),
    ...(options.raiseOnError === undefined ? {} : { raiseOnError: options.raiseOnError }),
  };
  if (request.assetSelection) {
    return materializeDefinitions(defs, request.assetSelection.map(String), {
      ...common,
      jobName: job.name,
      runConfig: request.runConfig ?? job.config,
      tags: { ...job.runTags, ...tags },
    });
  }
  return new ResolvedAssetJob(defs, job).executeInProcess({ ...common, ...(request.runConfig ? { runConfig: request.runConfig } : {}) });
}
