// BackfillPolicy: how a backfill splits an asset's partitions into runs (one run, or runs of at most N partitions).
import { InvalidDefinitionError } from "../core/index.js";

/** Whether a backfill runs all of an asset's partitions in one run (SINGLE_RUN) or splits them into several (MULTI_RUN). */
export type BackfillPolicyType = "SINGLE_RUN" | "MULTI_RUN";

/**
 * How many partitions of an asset one backfill run may cover.
 *
 * @example
 * asset({ name: "events", partitionsDef: daily, backfillPolicy: BackfillPolicy.singleRun() }, ...);
 * asset({ name: "scores", partitionsDef: daily, backfillPolicy: BackfillPolicy.multiRun(10) }, ...);
 */
export class BackfillPolicy {
  readonly kind = "backfill_policy" as const;
  readonly policyType: BackfillPolicyType;
  /** The most partitions per run; null for a single run over every requested partition. */
  readonly maxPartitionsPerRun: number | null;

  private constructor(policyType: BackfillPolicyType, maxPartitionsPerRun: number | null) {
    this.policyType = policyType;
    this.maxPartitionsPerRun = maxPartitionsPerRun;
    Object.freeze(this);
  }

  /** Every requested partition in one run (the asset reads a partition range). */
  static singleRun(): BackfillPolicy {
    return new BackfillPolicy("SINGLE_RUN", null);
  }

  /**
   * Runs of at most `maxPartitionsPerRun` partitions.
   * @default maxPartitionsPerRun 1
   */
  static multiRun(maxPartitionsPerRun = 1): BackfillPolicy {
    if (!Number.isInteger(maxPartitionsPerRun) || maxPartitionsPerRun < 1) {
      throw new InvalidDefinitionError(`BackfillPolicy.multiRun(maxPartitionsPerRun) needs a positive integer, got ${String(maxPartitionsPerRun)}.`);
    }
    return new BackfillPolicy("MULTI_RUN", maxPartitionsPerRun);
  }

  /** How many runs a backfill of `numPartitions` partitions takes under this policy. */
  numRuns(numPartitions: number): number {
    if (numPartitions <= 0) return 0;
    return this.maxPartitionsPerRun === null ? 1 : Math.ceil(numPartitions / this.maxPartitionsPerRun);
  }

  equals(other: BackfillPolicy | null | undefined): boolean {
    return other instanceof BackfillPolicy && other.policyType === this.policyType && other.maxPartitionsPerRun === this.maxPartitionsPerRun;
  }

  toString(): string {
    return this.maxPartitionsPerRun === null ? "BackfillPolicy.singleRun()" : `BackfillPolicy.multiRun(${this.maxPartitionsPerRun})`;
  }
}
