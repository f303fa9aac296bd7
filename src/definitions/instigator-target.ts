// What a schedule or sensor runs: jobs (given, or named and found in Definitions), or an asset selection run as an anonymous job.
import { closestMatches, InvalidDefinitionError } from "../core/index.js";
import type { PartitionsDefinition } from "../partitions/index.js";
import { AssetJobDefinition, defineAssetJob } from "./asset-job.js";
import type { DefinitionsData } from "./definitions.js";
import { UnknownJobTargetError, type InstigatorKind } from "./errors.js";
import type { CoercibleToAssetSelection } from "./selection/index.js";

/** A job, or the assets to run (a selection string, keys, definitions or an AssetSelection). */
export type AutomationTarget = AssetJobDefinition | CoercibleToAssetSelection;

/** One job a schedule or sensor may launch: the job itself, or only its name (found in Definitions). */
export interface TargetRef {
  readonly jobName: string;
  readonly job: AssetJobDefinition | undefined;
}

/** What a schedule or sensor runs: one of `target`, `job` or `jobName` (a sensor may give `jobs` instead). */
export interface TargetOptions {
  /** The job to run, or the assets to run (as the reference, an anonymous job over them). */
  target?: AutomationTarget;
  /** The job to run. */
  job?: AssetJobDefinition;
  /** The name of a job of the Definitions the schedule or sensor is passed to. */
  jobName?: string;
}

/** The name prefix of the job made for a schedule or sensor that targets assets rather than a job. */
export const ANONYMOUS_JOB_PREFIX = "__anonymous_asset_job_";

export function resolveTargetOptions(kind: InstigatorKind, name: string, options: TargetOptions & { jobs?: readonly AssetJobDefinition[] }): TargetRef[] {
  const given = (["target", "job", "jobName", "jobs"] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) {
    throw new InvalidDefinitionError(`The ${kind} "${name}" was given ${given.join(" and ")}: give only one of them.`, `${kind} "${name}"`);
  }
  if (options.jobs !== undefined) {
    if (!Array.isArray(options.jobs) || options.jobs.length === 0) {
      throw new InvalidDefinitionError(`The ${kind} "${name}" jobs must be a non-empty array of jobs built with defineAssetJob().`, `${kind} "${name}"`);
    }
    const refs = options.jobs.map((j, i) => jobRef(kind, name, j, `jobs[${i}]`));
    const names = refs.map((r) => r.jobName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new InvalidDefinitionError(`The ${kind} "${name}" lists job "${dup}" twice in jobs.`, `${kind} "${name}"`);
    return refs;
  }
  if (options.job !== undefined) return [jobRef(kind, name, options.job, "job")];
  if (options.jobName !== undefined) {
    if (typeof options.jobName !== "string" || options.jobName === "") {
      throw new InvalidDefinitionError(`The ${kind} "${name}" jobName must be a job's name, got ${JSON.stringify(options.jobName)}.`, `${kind} "${name}"`);
    }
    return [{ jobName: options.jobName, job: undefined }];
  }
  if (options.target !== undefined) {
    const target = options.target;
    if (target instanceof AssetJobDefinition) return [jobRef(kind, name, target, "target")];
    // As the reference: an asset selection becomes a job of its own, named after the schedule or sensor.
    const job = defineAssetJob({ name: `${ANONYMOUS_JOB_PREFIX}${name}`, selection: target });
    return [{ jobName: job.name, job }];
  }
  return [];
}

function jobRef(kind: InstigatorKind, name: string, job: unknown, field: string): TargetRef {
  if (!(job instanceof AssetJobDefinition)) {
    throw new InvalidDefinitionError(
      `The ${kind} "${name}" ${field} is not a job (got ${describeValue(job)}); build it with defineAssetJob(), or give the assets to run as target.`,
      `${kind} "${name}"`,
    );
  }
  return { jobName: job.name, job };
}

/**
 * The job definition behind a target, looked up in `defs` when only its name is known. A job given as an object
 * is used as given, unless `defs` holds a different job under its name.
 */
export function lookupJob(kind: InstigatorKind, name: string, ref: TargetRef, defs: DefinitionsData | undefined): AssetJobDefinition | undefined {
  const inDefs = defs?.jobs.find((j) => j.name === ref.jobName);
  if (ref.job) {
    if (inDefs && inDefs !== ref.job) {
      throw new InvalidDefinitionError(
        `The ${kind} "${name}" targets a job named "${ref.jobName}", but Definitions holds a different job under that name. Pass the same job object, or rename one.`,
        `${kind} "${name}"`,
      );
    }
    return ref.job;
  }
  if (!defs) return undefined;
  if (!inDefs) {
    const names = defs.jobs.map((j) => j.name);
    throw new UnknownJobTargetError(kind, name, ref.jobName, names, closestMatches(ref.jobName, names));
  }
  return inDefs;
}

/**
 * The partitions a job runs: its own partitionsDef, or (with Definitions) that of the partitioned assets it
 * selects. `undefined` when it is not partitioned; `"unknown"` when only Definitions could tell.
 */
export function jobPartitionsDef(job: AssetJobDefinition, defs: DefinitionsData | undefined): PartitionsDefinition | undefined | "unknown" {
  if (job.partitionsDef) return job.partitionsDef;
  if (!defs) return "unknown";
  for (const id of defs.resolveJobAssetIds(job)) {
    const def = defs.getAssetSpec(id)?.partitionsDef;
    if (def) return def;
  }
  return undefined;
}

/** The asset keys (as `a/b` strings) a job materializes. */
export function jobAssetIds(job: AssetJobDefinition, defs: DefinitionsData): Set<string> {
  return new Set(defs.resolveJobAssetIds(job));
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") {
    const k = (value as { kind?: unknown }).kind;
    if (typeof k === "string") return `a ${k}`;
    if (Array.isArray(value)) return "an array";
    return `an object (${value.constructor?.name ?? "Object"})`;
  }
  if (typeof value === "function") return "a function";
  return `${typeof value} ${JSON.stringify(value)}`;
}
