// A job bound to its Definitions (what defs.getJobDef(name) returns), runnable in this process.
import type { AssetKey } from "../core/index.js";
import type { AssetJobDefinition, DefinitionsData } from "../definitions/index.js";
import {
  AssetGraph,
  AssetSelection,
  SelectionNeedsInstanceError,
  instanceHealthSource,
  jobNeedsInstance,
  resolveJobSelection,
  type ResolveOptions,
} from "../graph/index.js";
import type { ExecuteResult } from "./execute-result.js";
import { executeRun, submitRun, type ExecuteOptions } from "./execute-run.js";
import type { Instance } from "../instance/index.js";
import type { RunRecord } from "../storage/index.js";

/** Options of `defs.getJobDef(name).executeInProcess(...)`: the job fixes its own name, executor and retry policy. */
export type JobExecuteOptions = Omit<ExecuteOptions, "jobName" | "executor" | "opRetryPolicy">;

/** A job resolved against its Definitions. */
export class ResolvedAssetJob {
  readonly defs: DefinitionsData;
  readonly definition: AssetJobDefinition;

  constructor(defs: DefinitionsData, definition: AssetJobDefinition) {
    this.defs = defs;
    this.definition = definition;
  }

  get name(): string {
    return this.definition.name;
  }

  get description(): string | undefined {
    return this.definition.description;
  }

  /** The keys the job materializes, upstreams first. */
  get assetKeys(): AssetKey[] {
    const graph = AssetGraph.of(this.defs);
    const selected = new Set(resolveJobSelection(this.defs, this.definition));
    return [...graph.topologicalOrder].filter((n) => selected.has(n)).map((n) => graph.keys[n] as AssetKey);
  }

  /**
   * Runs the job in this process. Without `runConfig`, the job's own `config` is used; the job's run tags
   * are put on the run, under any `tags` given here. A job selecting by `status:` needs `instance`: it
   * runs the assets that have that health in the instance now.
   */
  async executeInProcess(options: JobExecuteOptions = {}): Promise<ExecuteResult> {
    const job = this.definition;
    const graph = AssetGraph.of(this.defs);
    const resolveOptions = await this.resolveOptions(options.instance);
    const checks = job.selection === undefined ? undefined : AssetSelection.from(job.selection).resolveCheckIndices(graph, resolveOptions);
    return executeRun(this.defs, resolveJobSelection(this.defs, job, resolveOptions), {
      ...options,
      jobName: job.name,
      runConfig: options.runConfig ?? job.config,
      tags: { ...job.runTags, ...(options.tags ?? {}) },
      ...(job.executorDef ? { executor: job.executorDef } : {}),
      ...(job.opRetryPolicy ? { opRetryPolicy: job.opRetryPolicy } : {}),
    }, checks);
  }

  /**
   * Validates a run of the job as `executeInProcess` would and records it QUEUED on `options.instance`,
   * without running it: the run coordinator (`tessera daemon`) launches it within the runQueue limits.
   */
  async submit(options: JobExecuteOptions & { instance: Instance }): Promise<RunRecord> {
    const job = this.definition;
    const graph = AssetGraph.of(this.defs);
    const resolveOptions = await this.resolveOptions(options.instance);
    const checks = job.selection === undefined ? undefined : AssetSelection.from(job.selection).resolveCheckIndices(graph, resolveOptions);
    return submitRun(this.defs, resolveJobSelection(this.defs, job, resolveOptions), {
      ...options,
      jobName: job.name,
      runConfig: options.runConfig ?? job.config,
      tags: { ...job.runTags, ...(options.tags ?? {}) },
    }, checks);
  }

  /** What resolving the job's selection needs: the health of assets in `instance` when it selects by `status:`. */
  async resolveOptions(instance: JobExecuteOptions["instance"]): Promise<ResolveOptions> {
    if (!jobNeedsInstance(this.definition)) return {};
    if (!instance) {
      throw new SelectionNeedsInstanceError(
        `Job "${this.name}"'s selection ${String(AssetSelection.from(this.definition.selection ?? "*"))}`,
        "Pass the instance to read it from: job.executeInProcess({ instance }).",
      );
    }
    return { assetHealth: await instanceHealthSource(instance).getAssetHealth(AssetGraph.of(this.defs)) };
  }
}
