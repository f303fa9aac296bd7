// PartitionKeyRange: the two ends (inclusive) of a run of partitions, in the definition's order.
import { InvalidDefinitionError } from "../core/index.js";

/**
 * The partitions from `start` to `end`, both included, in the order of their definition.
 * Whether the ends exist and are in order is checked by the definition that reads the range
 * (`getPartitionKeysInRange`), which knows the order.
 *
 * @example
 * daily.getPartitionKeysInRange(new PartitionKeyRange("2024-01-01", "2024-01-07"));
 */
export class PartitionKeyRange {
  readonly start: string;
  readonly end: string;

  constructor(start: string, end: string) {
    if (typeof start !== "string" || typeof end !== "string") {
      throw new InvalidDefinitionError(`A PartitionKeyRange takes two partition keys (strings), got ${String(start)} and ${String(end)}.`);
    }
    this.start = start;
    this.end = end;
    Object.freeze(this);
  }

  /** Reads the `start...end` form (`tessera materialize --partition-range 2024-01-01...2024-01-31`). */
  static fromString(text: string): PartitionKeyRange {
    const parts = String(text).split("...");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new InvalidDefinitionError(
        `A partition key range is written "start...end" (e.g. "2024-01-01...2024-01-31"), got ${JSON.stringify(text)}.`,
      );
    }
    return new PartitionKeyRange(parts[0] as string, parts[1] as string);
  }

  /** The `start...end` form the CLI and the UI use. */
  toString(): string {
    return `${this.start}...${this.end}`;
  }

  equals(other: PartitionKeyRange): boolean {
    return other instanceof PartitionKeyRange && other.start === this.start && other.end === this.end;
  }
}
