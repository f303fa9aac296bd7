// Errors of the partitions layer: each names the culprit (key, range, timezone, format, assets) and the fix.
import { TesseraError } from "../core/index.js";

/** A partitions definition that cannot be built as written (bad option, start after end, wrong dimension count). */
export class InvalidPartitionsDefinitionError extends TesseraError {
  readonly definition: string;
  constructor(definition: string, message: string) {
    super("INVALID_PARTITIONS_DEFINITION", `${definition}: ${message}`);
    this.definition = definition;
  }
}

/** A partition key that the definition does not hold. The message lists near matches or the valid range. */
export class PartitionKeyNotFoundError extends TesseraError {
  readonly partitionKey: string;
  readonly definition: string;
  readonly suggestions: readonly string[];
  constructor(partitionKey: string, definition: string, detail: string, suggestions: readonly string[] = []) {
    super("UNKNOWN_PARTITION_KEY", `Partition key ${JSON.stringify(partitionKey)} is not a partition of ${definition}. ${detail}`);
    this.partitionKey = partitionKey;
    this.definition = definition;
    this.suggestions = suggestions;
  }
}

/** A partition key range whose start comes after its end. */
export class InvalidPartitionKeyRangeError extends TesseraError {
  readonly start: string;
  readonly end: string;
  constructor(start: string, end: string, definition: string) {
    super(
      "INVALID_PARTITION_KEY_RANGE",
      `Partition key range ${JSON.stringify(start)}...${JSON.stringify(end)} of ${definition} is out of order: its start comes after its end. Swap the two ends.`,
    );
    this.start = start;
    this.end = end;
  }
}

/** A partition key that breaks the naming rules (added to a dynamic definition, listed in a static one). */
export class InvalidPartitionKeyError extends TesseraError {
  readonly partitionKey: string;
  readonly definition: string;
  constructor(partitionKey: string, definition: string, reason: string) {
    super("INVALID_PARTITION_KEY", `Invalid partition key ${JSON.stringify(partitionKey)} for ${definition}: ${reason}`);
    this.partitionKey = partitionKey;
    this.definition = definition;
  }
}

/** A timezone that is not an IANA zone name. */
export class InvalidTimezoneError extends TesseraError {
  readonly timezone: string;
  readonly suggestions: readonly string[];
  constructor(timezone: string, suggestions: readonly string[]) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => JSON.stringify(s)).join(" or ")}?` : "";
    super(
      "INVALID_TIMEZONE",
      `Timezone ${JSON.stringify(timezone)} is not an IANA time zone name.${hint} Use a name such as "UTC", "Europe/Berlin" or "America/Los_Angeles".`,
    );
    this.timezone = timezone;
    this.suggestions = suggestions;
  }
}

/** A partition key format (`fmt`) that is unsupported or that cannot round-trip the partitions' start times. */
export class InvalidPartitionFormatError extends TesseraError {
  readonly fmt: string;
  constructor(fmt: string, reason: string) {
    super("INVALID_PARTITION_FORMAT", `Partition key format ${JSON.stringify(fmt)} cannot be used: ${reason}`);
    this.fmt = fmt;
  }
}

/** A cron schedule that cannot define time windows. */
export class InvalidCronScheduleError extends TesseraError {
  readonly cronSchedule: string;
  constructor(cronSchedule: string, reason: string) {
    super("INVALID_CRON_SCHEDULE", `Cron schedule ${JSON.stringify(cronSchedule)} is invalid: ${reason}`);
    this.cronSchedule = cronSchedule;
  }
}

/** A partition mapping between two partitions definitions that it cannot relate. Names both assets. */
export class IncompatiblePartitionMappingError extends TesseraError {
  readonly upstreamAssetKey: string | undefined;
  readonly downstreamAssetKey: string | undefined;
  readonly mapping: string;
  constructor(mapping: string, reason: string, upstreamAssetKey?: string, downstreamAssetKey?: string) {
    const between =
      upstreamAssetKey !== undefined || downstreamAssetKey !== undefined
        ? ` between upstream asset "${upstreamAssetKey ?? "?"}" and downstream asset "${downstreamAssetKey ?? "?"}"`
        : "";
    super("INCOMPATIBLE_PARTITION_MAPPING", `${mapping} cannot be used${between}: ${reason}`);
    this.upstreamAssetKey = upstreamAssetKey;
    this.downstreamAssetKey = downstreamAssetKey;
    this.mapping = mapping;
  }
}

/** Dynamic partitions were read without a store (or with an async store where a snapshot was needed). */
export class DynamicPartitionsStoreRequiredError extends TesseraError {
  readonly definitionName: string;
  constructor(definitionName: string, detail: string) {
    super("DYNAMIC_PARTITIONS_STORE_REQUIRED", `Dynamic partitions "${definitionName}": ${detail}`);
    this.definitionName = definitionName;
  }
}

/** A serialized partitions subset that does not belong to the definition it is read with. */
export class PartitionsSubsetDeserializationError extends TesseraError {
  constructor(definition: string, reason: string) {
    super("INVALID_PARTITIONS_SUBSET", `Cannot read a partitions subset for ${definition}: ${reason}`);
  }
}
