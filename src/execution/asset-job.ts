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
import { InvalidExecutionOptionError } from "./errors.js";
import type { SelectionLike } from "./materialize.js";
import type { Instance } from "../instance/index.js";
import type { RunRecord } from "../storage/index.js";

/** Options of `defs.getJobDef(name).executeInProcess(...)`: the job fixes its own name, executor and retry policy. */
export type JobExecuteOptions = Omit<ExecuteOptions, "jobName" | "executor" | "opRetryPolicy"> & {
  /**
   * Runs only these of the job's assets (the reference's `asset_selection`): keys, definitions, a selection
   * string or an AssetSelection. Selecting an asset the job does not hold is an error naming it.
   */
  assetSelection?: SelectionLike;
};

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
    const { assetSelection, ...rest } = options;
    const { nodes, checks } = this.#targets(graph, resolveOptions, assetSelection);
    return executeRun(this.defs, nodes, {
      ...rest,
      jobName: job.name,
      runConfig: rest.runConfig ?? this.#jobConfigFor(graph, nodes, assetSelection),
      tags: { ...job.runTags, ...(rest.tags ?? {}) },
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
    const { assetSelection, ...rest } = options;
    const { nodes, checks } = this.#targets(graph, resolveOptions, assetSelection);
    return submitRun(this.defs, nodes, {
      ...rest,
      jobName: job.name,
      runConfig: rest.runConfig ?? this.#jobConfigFor(graph, nodes, assetSelection),
      tags: { ...job.runTags, ...(rest.tags ?? {}) },
    }, checks);
  }

  /** The nodes and checks a run of the job materializes: all of the job's, or those of `assetSelection` in it. */
  #targets(graph: AssetGraph, resolveOptions: ResolveOptions, assetSelection: SelectionLike | undefined): { nodes: number[]; checks: number[] | undefined } {
    const job = this.definition;
    const jobNodes = resolveJobSelection(this.defs, job, resolveOptions);
    const jobChecks = job.selection === undefined ? undefined : AssetSelection.from(job.selection).resolveCheckIndices(graph, resolveOptions);
    if (assetSelection === undefined) return { nodes: jobNodes, checks: jobChecks };
    const inJob = jobChecks === undefined ? undefined : new Set(jobChecks);
    return {
      nodes: this.#subset(graph, jobNodes, assetSelection),
      checks: AssetSelection.from(assetSelection).resolveCheckIndices(graph).filter((c) => inJob === undefined || inJob.has(c)),
    };
  }

  /**
   * The job's config for a run of `nodes`: for a subset, without the `ops` entries of ops left out, which
   * the run would otherwise refuse as config for ops it does not run (the reference keeps the job's config
   * usable for any subset of it).
   */
  #jobConfigFor(graph: AssetGraph, nodes: readonly number[], assetSelection: SelectionLike | undefined): unknown {
    const config = this.definition.config;
    if (assetSelection === undefined || config === null || typeof config !== "object") return config;
    const ops = (config as { ops?: unknown }).ops;
    if (ops === null || typeof ops !== "object") return config;
    const running = new Set(nodes.map((n) => graph.definitions[n]?.op.name));
    return { ...config, ops: Object.fromEntries(Object.entries(ops).filter(([name]) => running.has(name))) };
  }

  /** The job's nodes that `selection` picks; an asset outside the job is an error naming it. */
  #subset(graph: AssetGraph, jobNodes: readonly number[], selection: SelectionLike): number[] {
    const inJob = new Set(jobNodes);
    const picked = AssetSelection.from(selection).resolveIndices(graph);
    const outside = picked.filter((n) => !inJob.has(n));
    if (outside.length > 0) {
      throw new InvalidExecutionOptionError(
        "assetSelection",
        `Job "${this.name}" does not hold ${outside.map((n) => `"${graph.ids[n]}"`).join(", ")}: assetSelection may only pick assets of the job. ` +
          `Run them with materialize() or a job that selects them.`,
      );
    }
    return picked;
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
