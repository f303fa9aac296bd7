// How the daemon starts a run: the launcher returns once the run is recorded and lets it execute in the background.
import type { DefinitionsData } from "../../definitions/index.js";
import { executeRequestedDefinitions, requestedSelection, failUnfinishedRun, materializeDefinitions, ResolvedAssetJob, submitDefinitions, submitRequestedDefinitions, type ExecuteResult } from "../../execution/index.js";
import type { Instance } from "../../instance/index.js";
import { InvalidRunRequestError } from "../../definitions/index.js";
import type { RunRequest } from "../../definitions/index.js";
import { lookupJob, type TargetRef } from "../../definitions/index.js";
import type { AssetJobDefinition } from "../../definitions/index.js";

/** One run the daemon asks for: the resolved request and the tags the run must carry (instigator name, run key). */
export interface LaunchRequest {
  readonly request: RunRequest;
  readonly tags: Readonly<Record<string, string>>;
  /** The schedule's or sensor's targets; empty for automation requests, which name their assets. */
  readonly targets: readonly TargetRef[];
  readonly instigator: { readonly kind: "schedule" | "sensor"; readonly name: string };
}

/** A run that has been recorded in the instance; `completion` settles when it ends (never rejects). */
export interface LaunchedRun {
  readonly runId: string;
  readonly completion: Promise<void>;
}

/** How the daemon starts the runs its schedules, sensors and automation request: `queuedDaemonLauncher` (the default) or `inProcessDaemonLauncher`. */
export interface DaemonRunLauncher {
  /** Records the run (and starts it, or queues it); resolves once the run exists in the instance, rejects if it could not be created. */
  launch(request: LaunchRequest, context: { readonly defs: DefinitionsData; readonly instance: Instance }): Promise<LaunchedRun>;
}

/**
 * The daemon's default, as the reference's QueuedRunCoordinator: validates each request and records its run
 * QUEUED with the instigator's tags (run key included, so a resumed tick finds it), without running it. The
 * daemon's run-queue pass, later in the same iteration, launches queued runs within tessera.yaml's `runQueue`
 * limits through its `runQueueLauncher` (with `runQueueLauncher: false`, they wait for another daemon or
 * coordinator). Config, resources and partitions are checked here: a request that cannot run fails its tick.
 */
export const queuedDaemonLauncher: DaemonRunLauncher = Object.freeze({
  async launch(launch: LaunchRequest, { defs, instance }: { readonly defs: DefinitionsData; readonly instance: Instance }): Promise<LaunchedRun> {
    const { request, tags } = launch;
    const partition = request.partitionKey === undefined ? {} : { partitionKey: request.partitionKey };
    const job = jobOf(launch, defs);
    let runId: string;
    if (!job) {
      // The automation sensor's requests: observable sources requested by their conditions are observed.
      runId = (await submitRequestedDefinitions(defs, requestedSelection(request), { instance, ...partition, tags: { ...tags }, ...(request.runConfig ? { runConfig: request.runConfig } : {}) })).runId;
    } else if (request.assetSelection) {
      const selection = request.assetSelection.map(String);
      runId = (await submitDefinitions(defs, selection, { instance, ...partition, jobName: job.name, runConfig: request.runConfig ?? job.config, tags: { ...job.runTags, ...tags } })).runId;
    } else {
      runId = (await new ResolvedAssetJob(defs, job).submit({ instance, ...partition, tags: { ...tags }, ...(request.runConfig ? { runConfig: request.runConfig } : {}) })).runId;
    }
    // The run coordinator's launcher runs it; the daemon waits for those through its run-queue launcher.
    return { runId, completion: Promise.resolve() };
  },
});

/** The job a request names (undefined for a request of assets), or the error saying why it cannot run. */
function jobOf(launch: LaunchRequest, defs: DefinitionsData): AssetJobDefinition | undefined {
  const { request, instigator } = launch;
  if (request.jobName === undefined) {
    // An automation sensor's request names its assets, or only checks (a check whose own condition was true).
    if (!request.assetSelection?.length && !request.assetCheckKeys?.length) {
      throw new InvalidRunRequestError(`The ${instigator.kind} "${instigator.name}" requested a run with neither a job nor assets.`, { instigatorName: instigator.name });
    }
    return undefined;
  }
  const ref = launch.targets.find((t) => t.jobName === request.jobName);
  const job = ref ? lookupJob(instigator.kind, instigator.name, ref, defs) : undefined;
  if (!job) {
    throw new InvalidRunRequestError(`The ${instigator.kind} "${instigator.name}" requested job "${request.jobName}", which it does not target.`, {
      instigatorName: instigator.name,
      jobName: request.jobName,
    });
  }
  return job;
}

/**
 * Runs each request in this process (the job, its asset subset, or the automation's assets), as
 * `executeRunRequests` does, but returns as soon as the run is recorded. A run that fails or throws is
 * recorded as failed by the executor and settles `completion`; it never rejects into the daemon.
 */
export const inProcessDaemonLauncher: DaemonRunLauncher = Object.freeze({
  launch(launch: LaunchRequest, { defs, instance }: { readonly defs: DefinitionsData; readonly instance: Instance }): Promise<LaunchedRun> {
    const { request, tags, instigator } = launch;
    let announce: (runId: string) => void = () => {};
    const created = new Promise<string>((resolve) => (announce = resolve));
    const common = {
      instance,
      raiseOnError: false,
      ...(request.partitionKey === undefined ? {} : { partitionKey: request.partitionKey }),
      // The first stored event carries the run id: the run exists from then on.
      onEvent: (event: { runId: string }) => announce(event.runId),
    };
    let execution: Promise<ExecuteResult>;
    let job: AssetJobDefinition | undefined;
    try {
      job = jobOf(launch, defs);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!job) {
      // The automation sensor's requests: observable sources requested by their conditions are observed.
      execution = executeRequestedDefinitions(defs, requestedSelection(request), { ...common, tags: { ...tags }, ...(request.runConfig ? { runConfig: request.runConfig } : {}) });
    } else {
      execution = request.assetSelection
        ? materializeDefinitions(defs, request.assetSelection.map(String), {
            ...common,
            jobName: job.name,
            runConfig: request.runConfig ?? job.config,
            tags: { ...job.runTags, ...tags },
          })
        : new ResolvedAssetJob(defs, job).executeInProcess({ ...common, tags: { ...tags }, ...(request.runConfig ? { runConfig: request.runConfig } : {}) });
    }
    let runId: string | undefined;
    return new Promise<LaunchedRun>((resolve, reject) => {
      const completion = execution.then(
        (result) => announce(result.runId),
        async (error: unknown) => {
          // Rejected before the run was recorded: the launch failed.
          if (runId === undefined) return reject(error);
          // After: the run crashed outside its steps; record that on the run, never in the daemon.
          await failRun(instance, runId, error).catch(() => undefined);
        },
      );
      void created.then((id) => {
        runId = id;
        resolve({ runId: id, completion });
      });
    });
  },
});

function failRun(instance: Instance, runId: string, error: unknown): Promise<void> {
  return failUnfinishedRun(instance, runId, `The run crashed: ${error instanceof Error ? error.message : String(error)}`);
}
