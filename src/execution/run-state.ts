// What the steps of one run share while it executes.
import type { AssetKey, Clock, Tags } from "../core/index.js";
import type { RetryPolicy } from "../definitions/index.js";
import type { DynamicPartitionsSnapshot } from "../partitions/index.js";
import type { AssetGraph } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import type { ExecutionPlan } from "../plan/index.js";
import type { RunEventWriter } from "./event-writer.js";
import type { RunDeadline } from "./step/step-timeout.js";

export interface CapturedOutput {
  readonly key: AssetKey;
  readonly value: unknown;
}

export interface RunState {
  readonly runId: string;
  /** When the run must be over by (tessera/max_runtime or the instance's default); steps still running then fail. */
  readonly deadline?: RunDeadline | undefined;
  readonly instance: Instance;
  readonly graph: AssetGraph;
  readonly plan: ExecutionPlan;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly writer: RunEventWriter;
  readonly clock: Clock;
  readonly runTags: Tags;
  /** The run config as given (parsed per op by the plan). */
  readonly runConfig: unknown;
  /** 1 where this run materialized the graph node. */
  readonly materialized: Uint8Array;
  /** Values of materialized outputs, by `key` or `key[partition]`, for ExecuteResult.assetValue. */
  readonly outputs: Map<string, CapturedOutput>;
  readonly random: () => number;
  /**
   * Data versions by graph node: those materialized in this run, and, read once at run start, the
   * current versions of the run's upstreams outside it.
   */
  readonly dataVersions: Map<number, string>;
  /** The partitions this run materializes, for its partitioned assets: one key, or the keys of a range. */
  readonly partitionKeys: readonly string[] | undefined;
  /** Dynamic partition keys as they were when the run started. */
  readonly dynamicPartitions: DynamicPartitionsSnapshot;
  /** The moment partitions are counted at: the run's start. */
  readonly partitionTime: number;
  /** Applies to steps whose op has no retry policy. */
  readonly opRetryPolicy: RetryPolicy | undefined;
  /**
   * Rejects when this process may no longer write for the run: its holder's lease is lost, or the run ended. Checked
   * before a step hands a value to an IO manager, which no event transaction can fence. Absent: nothing to check.
   */
  readonly assertHolder?: (() => Promise<void>) | undefined;
}
