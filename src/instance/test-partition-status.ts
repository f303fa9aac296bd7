// For tests: a partition status as plain sorted keys, which compares with toEqual and reads well in a failure.
import type { PartitionStatus } from "./partition-status.js";

export function partitionStatusKeys(status: PartitionStatus): unknown {
  return {
    materialized: status.materialized.getPartitionKeys().sort(),
    failed: status.failed.getPartitionKeys().sort(),
    inProgress: status.inProgress.getPartitionKeys().sort(),
    missing: status.missing.getPartitionKeys().sort(),
  };
}
