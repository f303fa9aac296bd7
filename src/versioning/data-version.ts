// Data versions: what a materialization's value is, derived from its code version and its inputs' data versions.
import { createHash } from "node:crypto";
import { InvalidDefinitionError, SystemTags, type EventRecord, type Tags } from "../core/index.js";

/**
 * A version of an asset's data. Returned by observe functions and given in `MaterializeResult.dataVersion`;
 * otherwise derived from the code version and the inputs' data versions.
 */
export class DataVersion {
  readonly kind = "data_version";
  readonly value: string;

  constructor(value: string) {
    if (typeof value !== "string" || value.length === 0) {
      throw new InvalidDefinitionError(`A DataVersion needs a non-empty string, got ${JSON.stringify(value)}`);
    }
    this.value = value;
    Object.freeze(this);
  }

  equals(other: DataVersion | string | undefined): boolean {
    return other !== undefined && this.value === (typeof other === "string" ? other : other.value);
  }

  toString(): string {
    return this.value;
  }
}

/** An external asset that was never observed has this version. */
export const DEFAULT_DATA_VERSION = "INITIAL";
/** An asset that was never materialized has this version. */
export const NULL_DATA_VERSION = "NULL";
/** The version cannot be known (for example, an input's version is unknown). */
export const UNKNOWN_DATA_VERSION = "UNKNOWN";

/**
 * The reference's logical data version: a SHA-256 of the code version followed by the inputs' data
 * versions, inputs ordered by key. Unknown in, unknown out.
 */
export function computeLogicalDataVersion(codeVersion: string, inputDataVersions: ReadonlyMap<string, string>): string {
  const keys = [...inputDataVersions.keys()].sort();
  const versions = keys.map((k) => inputDataVersions.get(k) as string);
  if (versions.includes(UNKNOWN_DATA_VERSION)) return UNKNOWN_DATA_VERSION;
  return createHash("sha256").update([codeVersion, ...versions].join("")).digest("hex");
}

/** The data version recorded on a materialization or observation, if any. */
export function dataVersionOf(event: Pick<EventRecord, "tags"> | undefined): string | undefined {
  return event?.tags?.[SystemTags.DATA_VERSION];
}

/** What a materialization was computed from: its code version and the data version of each input, by key. */
export interface DataProvenance {
  readonly codeVersion: string;
  readonly inputDataVersions: ReadonlyMap<string, string>;
}

export function provenanceOf(event: Pick<EventRecord, "tags"> | undefined): DataProvenance | undefined {
  const tags: Tags | undefined = event?.tags;
  const codeVersion = tags?.[SystemTags.CODE_VERSION];
  if (!tags || codeVersion === undefined) return undefined;
  const inputDataVersions = new Map<string, string>();
  for (const [tag, value] of Object.entries(tags)) {
    if (tag.startsWith(SystemTags.INPUT_DATA_VERSION_PREFIX)) inputDataVersions.set(tag.slice(SystemTags.INPUT_DATA_VERSION_PREFIX.length), value);
  }
  return { codeVersion, inputDataVersions };
}

/** The tags that record a materialization's data version and provenance. */
export function provenanceTags(dataVersion: string, codeVersion: string, inputDataVersions: ReadonlyMap<string, string>): Record<string, string> {
  const tags: Record<string, string> = { [SystemTags.DATA_VERSION]: dataVersion, [SystemTags.CODE_VERSION]: codeVersion };
  for (const [key, version] of inputDataVersions) tags[SystemTags.INPUT_DATA_VERSION_PREFIX + key] = version;
  return tags;
}
