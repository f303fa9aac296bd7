// MultiPartitionsDefinition: partitions over two dimensions, keyed `a|b` with the dimensions in name order.
import { DefaultPartitionsSubset } from "./default-partitions-subset.js";
import { InvalidPartitionKeyError, InvalidPartitionsDefinitionError, PartitionKeyNotFoundError } from "./errors.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import { PartitionsDefinition, type PartitionLoadingOptions } from "./partitions-definition.js";
import { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";

const SEPARATOR = "|";
const INVALID_DIMENSION_KEY_CHARACTERS = [SEPARATOR, ",", "[", "]"];

/**
 * A key of a multi-partitioned asset: one key per dimension. Stringifies to the `a|b` form, with the
 * dimensions in name order, which is how it is stored and passed around.
 *
 * @example
 * String(new MultiPartitionKey({ region: "eu", date: "2024-01-01" })); // "2024-01-01|eu"
 */
export class MultiPartitionKey {
  readonly keysByDimension: Readonly<Record<string, string>>;
  readonly #string: string;

  constructor(keysByDimension: Record<string, string>) {
    const names = Object.keys(keysByDimension ?? {}).sort();
    if (names.length === 0) throw new InvalidPartitionKeyError("", "MultiPartitionKey", "it needs a key for each dimension, e.g. { date: \"2024-01-01\", region: \"eu\" }");
    for (const n of names) {
      const k = keysByDimension[n];
      if (typeof k !== "string" || k.includes(SEPARATOR)) {
        throw new InvalidPartitionKeyError(String(k), `MultiPartitionKey dimension "${n}"`, `a dimension key must be a string without "${SEPARATOR}"`);
      }
    }
    this.keysByDimension = Object.freeze(Object.fromEntries(names.map((n) => [n, keysByDimension[n] as string])));
    this.#string = names.map((n) => keysByDimension[n]).join(SEPARATOR);
    Object.freeze(this);
  }

  toString(): string {
    return this.#string;
  }

  valueOf(): string {
    return this.#string;
  }

  toJSON(): string {
    return this.#string;
  }

  equals(other: MultiPartitionKey | string): boolean {
    return String(other) === this.#string;
  }
}

/** One dimension of a multi-partitions definition. */
export interface PartitionDimensionDefinition {
  readonly name: string;
  readonly partitionsDef: PartitionsDefinition;
}

/**
 * Partitions over two dimensions (static, time window or dynamic). Keys are `a|b`, the dimensions in
 * name order; `getPartitionKeys` lists the first dimension's keys outermost.
 *
 * @example
 * new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2024-01-01" }), region: new StaticPartitionsDefinition(["eu", "us"]) });
 */
export class MultiPartitionsDefinition extends PartitionsDefinition {
  readonly kind = "multi" as const;
  /** The dimensions, sorted by name. */
  readonly partitionsDefs: readonly PartitionDimensionDefinition[];

  constructor(partitionsDefs: Record<string, PartitionsDefinition>) {
    super();
    const label = "MultiPartitionsDefinition";
    const names = Object.keys(partitionsDefs ?? {}).sort();
    if (names.length !== 2) {
      throw new InvalidPartitionsDefinitionError(label, `exactly two dimensions are supported, got ${names.length} (${names.join(", ") || "none"})`);
    }
    const dims: PartitionDimensionDefinition[] = [];
    for (const name of names) {
      const def = partitionsDefs[name];
      if (!name || name.includes(SEPARATOR)) throw new InvalidPartitionsDefinitionError(label, `dimension name ${JSON.stringify(name)} must be non-empty and without "${SEPARATOR}"`);
      if (!(def instanceof PartitionsDefinition)) throw new InvalidPartitionsDefinitionError(label, `dimension "${name}" must be a partitions definition`);
      if (def.kind === "multi") throw new InvalidPartitionsDefinitionError(label, `dimension "${name}" cannot itself be multi-partitioned`);
      if (def instanceof StaticPartitionsDefinition) {
        // As in the reference: "|" joins the dimensions' keys, and "," "[" "]" are read as list syntax where keys are written down.
        const bad = def.partitionKeys.find((k) => INVALID_DIMENSION_KEY_CHARACTERS.some((c) => k.includes(c)));
        if (bad !== undefined) {
          throw new InvalidPartitionKeyError(bad, `${label} dimension "${name}"`, `keys of a dimension may not contain ${INVALID_DIMENSION_KEY_CHARACTERS.map((c) => `"${c}"`).join(", ")}`);
        }
      }
      dims.push(Object.freeze({ name, partitionsDef: def }));
    }
    this.partitionsDefs = Object.freeze(dims);
    Object.freeze(this);
  }

  get dimensionNames(): string[] {
    return this.partitionsDefs.map((d) => d.name);
  }

  /** The time dimension when there is exactly one, else the first by name. */
  get primaryDimension(): PartitionDimensionDefinition {
    const time = this.partitionsDefs.filter((d) => d.partitionsDef instanceof TimeWindowPartitionsDefinition);
    return (time.length === 1 ? time[0] : this.partitionsDefs[0]) as PartitionDimensionDefinition;
  }

  get secondaryDimension(): PartitionDimensionDefinition {
    const primary = this.primaryDimension;
    return this.partitionsDefs.find((d) => d !== primary) as PartitionDimensionDefinition;
  }

  getPartitionsDefForDimension(name: string): PartitionsDefinition {
    const dim = this.partitionsDefs.find((d) => d.name === name);
    if (!dim) throw new InvalidPartitionsDefinitionError(this.toString(), `no dimension named "${name}" (dimensions: ${this.dimensionNames.join(", ")})`);
    return dim.partitionsDef;
  }

  /** Splits an `a|b` key; throws InvalidPartitionKeyError when it does not have one part per dimension. */
  getPartitionKeyFromStr(key: string): MultiPartitionKey {
    const parts = String(key).split(SEPARATOR);
    if (parts.length !== this.partitionsDefs.length) {
      throw new InvalidPartitionKeyError(
        String(key),
        this.toString(),
        `a multi-partition key has one key per dimension joined by "${SEPARATOR}" (${this.dimensionNames.join(SEPARATOR)})`,
      );
    }
    return new MultiPartitionKey(Object.fromEntries(this.partitionsDefs.map((d, i) => [d.name, parts[i] as string])));
  }

  /** The keys whose `dimensionName` key is `dimensionKey`, in the other dimension's order. */
  getMultipartitionKeysWithDimensionValue(dimensionName: string, dimensionKey: string, options?: PartitionLoadingOptions): string[] {
    this.getPartitionsDefForDimension(dimensionName);
    const other = this.partitionsDefs.find((d) => d.name !== dimensionName) as PartitionDimensionDefinition;
    return other.partitionsDef.getPartitionKeys(options).map((k) => String(new MultiPartitionKey({ [dimensionName]: dimensionKey, [other.name]: k })));
  }

  getPartitionKeys(options?: PartitionLoadingOptions): string[] {
    const [a, b] = this.partitionsDefs.map((d) => d.partitionsDef.getPartitionKeys(options)) as [string[], string[]];
    const keys = new Array<string>(a.length * b.length);
    let n = 0;
    for (const x of a) for (const y of b) keys[n++] = `${x}${SEPARATOR}${y}`;
    return keys;
  }

  getNumPartitions(options?: PartitionLoadingOptions): number {
    return this.partitionsDefs.reduce((n, d) => n * d.partitionsDef.getNumPartitions(options), 1);
  }

  hasPartitionKey(key: string, options?: PartitionLoadingOptions): boolean {
    const parts = String(key).split(SEPARATOR);
    return parts.length === this.partitionsDefs.length && this.partitionsDefs.every((d, i) => d.partitionsDef.hasPartitionKey(parts[i] as string, options));
  }

  validatePartitionKey(key: string, options?: PartitionLoadingOptions): void {
    const mk = this.getPartitionKeyFromStr(key);
    for (const d of this.partitionsDefs) {
      try {
        d.partitionsDef.validatePartitionKey(mk.keysByDimension[d.name] as string, options);
      } catch (e) {
        if (!(e instanceof PartitionKeyNotFoundError)) throw e;
        throw new PartitionKeyNotFoundError(String(key), this.toString(), `In dimension "${d.name}": ${e.message}`, e.suggestions);
      }
    }
  }

  /** The keys whose every dimension lies between the ends' keys in that dimension. */
  getPartitionKeysInRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): string[] {
    this.validatePartitionKey(range.start, options);
    this.validatePartitionKey(range.end, options);
    const s = this.getPartitionKeyFromStr(range.start).keysByDimension;
    const e = this.getPartitionKeyFromStr(range.end).keysByDimension;
    const [a, b] = this.partitionsDefs.map((d) =>
      d.partitionsDef.getPartitionKeysInRange(new PartitionKeyRange(s[d.name] as string, e[d.name] as string), options),
    ) as [string[], string[]];
    return a.flatMap((x) => b.map((y) => `${x}${SEPARATOR}${y}`));
  }

  emptySubset(): DefaultPartitionsSubset {
    return new DefaultPartitionsSubset(this);
  }

  deserializeSubset(serialized: string): DefaultPartitionsSubset {
    return DefaultPartitionsSubset.deserialize(this, serialized);
  }

  equals(other: PartitionsDefinition | null | undefined): boolean {
    return (
      other instanceof MultiPartitionsDefinition &&
      other.partitionsDefs.length === this.partitionsDefs.length &&
      other.partitionsDefs.every((d, i) => d.name === this.partitionsDefs[i]?.name && d.partitionsDef.equals(this.partitionsDefs[i]?.partitionsDef))
    );
  }

  toString(): string {
    return `MultiPartitionsDefinition(${this.partitionsDefs.map((d) => `${d.name}: ${d.partitionsDef.toString()}`).join("; ")})`;
  }
}
