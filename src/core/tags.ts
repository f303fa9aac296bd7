// Tags: string key/value pairs on assets, runs and materializations, validated as the reference does.
import { InvalidDefinitionError } from "./errors.js";

/** String key/value labels on assets, runs and materializations. */
export type Tags = Readonly<Record<string, string>>;

const TAG_KEY = /^([A-Za-z0-9_.\-]{1,63}\/)?[A-Za-z0-9_.\-]{1,63}$/;

/** System tag keys Tessera writes on runs and events. */
export const SystemTags = Object.freeze({
  DATA_VERSION: "tessera/data_version",
  CODE_VERSION: "tessera/code_version",
  INPUT_DATA_VERSION_PREFIX: "tessera/input_data_version/",
  PARTITION: "tessera/partition",
  PARTITION_RANGE_START: "tessera/partition_range_start",
  PARTITION_RANGE_END: "tessera/partition_range_end",
  BACKFILL: "tessera/backfill",
  STEP_SELECTION: "tessera/step_selection",
  RETRY_NUMBER: "tessera/retry_number",
});

export function validateTags(tags: Record<string, unknown> | undefined, owner: string, options: { strictKeys?: boolean } = {}): Tags {
  if (!tags) return EMPTY;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (options.strictKeys && !TAG_KEY.test(key)) {
      throw new InvalidDefinitionError(
        `Tag key "${key}" on ${owner} is invalid: use up to 63 letters, digits, "_", "-" or ".", optionally after a "prefix/".`,
        owner,
      );
    }
    if (typeof value !== "string") {
      throw new InvalidDefinitionError(`Tag "${key}" on ${owner} has a ${typeof value} value; tag values must be strings (put structured data in metadata).`, owner);
    }
    out[key] = value;
  }
  return Object.freeze(out);
}

const EMPTY: Tags = Object.freeze({});
