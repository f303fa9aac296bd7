// defineAssetJob(): a named selection of assets to materialize together, with its own config, tags and executor.
import { InvalidDefinitionError, coerceMetadata, validateTags, type MetadataMap, type RawMetadata, type Tags } from "../core/index.js";
// Type-only: selections are resolved by the graph layer; a job only carries one.
import type { CoercibleToAssetSelection } from "./selection/index.js";
import type { ExecutorDefinition } from "./executor.js";
import type { PartitionsDefinition } from "../partitions/index.js";
import { RetryPolicy } from "./retry-policy.js";

/** Options for `defineAssetJob()`. */
export interface AssetJobOptions {
  name: string;
  /** The assets to materialize: a selection string, keys, definitions or an AssetSelection. @default every computed asset */
  selection?: CoercibleToAssetSelection;
  /** Run config used when a run of the job is given none: `{ ops: { <op>: { config } }, resources: { <key>: { config } } }`. */
  config?: Record<string, unknown>;
  /** Tags of the job; they are also put on its runs unless `runTags` is given. */
  tags?: Record<string, string>;
  /** Tags put on every run of the job. */
  runTags?: Record<string, string>;
  metadata?: RawMetadata;
  description?: string;
  /** How the job's steps run. @default the Definitions' executor */
  executorDef?: ExecutorDefinition;
  /** The retry policy of steps that have none of their own. */
  opRetryPolicy?: RetryPolicy;
  /** The partitions of the job: its partitioned assets must share them; runs take a partitionKey. */
  partitionsDef?: PartitionsDefinition;
}

/**
 * A job over assets, resolved against the Definitions it is passed to.
 *
 * @example
 * const nightly = defineAssetJob({ name: "nightly", selection: "group:finance", tags: { team: "finance" } });
 * new Definitions({ assets, jobs: [nightly] }).getJobDef("nightly").executeInProcess();
 */
export class AssetJobDefinition {
  readonly kind = "asset_job";
  readonly name: string;
  readonly selection: CoercibleToAssetSelection | undefined;
  readonly config: Readonly<Record<string, unknown>> | undefined;
  readonly tags: Tags;
  readonly runTags: Tags;
  readonly metadata: MetadataMap;
  readonly description: string | undefined;
  readonly executorDef: ExecutorDefinition | undefined;
  readonly opRetryPolicy: RetryPolicy | undefined;
  readonly partitionsDef: PartitionsDefinition | undefined;

  constructor(options: AssetJobOptions) {
    if (typeof options.name !== "string" || !/^[A-Za-z0-9_]+$/.test(options.name)) {
      throw new InvalidDefinitionError(`Job name ${JSON.stringify(options.name)} is invalid: use letters, digits and underscores (e.g. "nightly_finance")`);
    }
    const where = `job "${options.name}"`;
    if (options.opRetryPolicy !== undefined && !(options.opRetryPolicy instanceof RetryPolicy)) {
      throw new InvalidDefinitionError(`opRetryPolicy of ${where} must be a RetryPolicy`, where);
    }
    if (options.config !== undefined && (typeof options.config !== "object" || options.config === null || Array.isArray(options.config))) {
      throw new InvalidDefinitionError(`config of ${where} must be run config: { ops: { <op>: { config } } }`, where);
    }
    this.name = options.name;
    this.selection = options.selection;
    this.config = options.config;
    this.tags = validateTags(options.tags, where, { strictKeys: true });
    this.runTags = options.runTags === undefined ? this.tags : validateTags(options.runTags, where, { strictKeys: true });
    this.metadata = coerceMetadata(options.metadata, `metadata of ${where}`);
    this.description = options.description;
    this.executorDef = options.executorDef;
    this.opRetryPolicy = options.opRetryPolicy;
    this.partitionsDef = options.partitionsDef;
    Object.freeze(this);
  }
}

/** Defines a job: a named selection of assets materialized together, with its own config, tags, executor and partitions. Pass it to `Definitions` in `jobs`. */
export function defineAssetJob(options: AssetJobOptions): AssetJobDefinition {
  return new AssetJobDefinition(options);
}
