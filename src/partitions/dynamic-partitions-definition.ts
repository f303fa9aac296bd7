// DynamicPartitionsDefinition: partition keys added and deleted at run time, stored in the instance under a name.
import { closestMatches } from "../core/index.js";
import { DefaultPartitionsSubset } from "./default-partitions-subset.js";
import {
  DynamicPartitionsStoreRequiredError,
  InvalidPartitionKeyError,
  InvalidPartitionKeyRangeError,
  InvalidPartitionsDefinitionError,
  PartitionKeyNotFoundError,
} from "./errors.js";
import type { PartitionKeyRange } from "./partition-key-range.js";
import {
  invalidPartitionKeyReason,
  PartitionsDefinition,
  type DynamicPartitionsStore,
  type PartitionLoadingOptions,
} from "./partitions-definition.js";

/** A request (from a sensor) to add or delete keys of a dynamic partitions definition. */
export interface DynamicPartitionsRequest {
  readonly kind: "add_dynamic_partitions" | "delete_dynamic_partitions";
  readonly partitionsDefName: string;
  readonly partitionKeys: readonly string[];
}

/**
 * Partitions whose keys are added at run time (by sensors or `instance.addDynamicPartitions(name, keys)`).
 * Keys are read from a dynamic partitions store: pass `{ dynamicPartitionsStore }` (a snapshot; see
 * `DynamicPartitionsSnapshot.load` for async stores such as the instance).
 *
 * @example
 * const files = new DynamicPartitionsDefinition({ name: "files" });
 * sensorResult({ dynamicPartitionsRequests: [files.buildAddRequest(["a.csv"])] });
 */
export class DynamicPartitionsDefinition extends PartitionsDefinition {
  readonly kind = "dynamic" as const;
  readonly name: string;

  constructor(options: { name: string }) {
    super();
    const name = options?.name;
    validateDynamicPartitionsName(name);
    this.name = name;
    Object.freeze(this);
  }

  /** The keys, in the order they were added. */
  getPartitionKeys(options?: PartitionLoadingOptions): string[] {
    const store = options?.dynamicPartitionsStore;
    if (!store) {
      throw new DynamicPartitionsStoreRequiredError(
        this.name,
        "its keys live in the instance; pass { dynamicPartitionsStore } (e.g. await DynamicPartitionsSnapshot.load(instance, [partitionsDef]))",
      );
    }
    const keys = store.getDynamicPartitions(this.name);
    if (isPromise(keys)) {
      throw new DynamicPartitionsStoreRequiredError(
        this.name,
        "the store answered asynchronously; load a snapshot first with await DynamicPartitionsSnapshot.load(store, [partitionsDef])",
      );
    }
    return keys.slice();
  }

  getNumPartitions(options?: PartitionLoadingOptions): number {
    return this.getPartitionKeys(options).length;
  }

  hasPartitionKey(key: string, options?: PartitionLoadingOptions): boolean {
    const store = options?.dynamicPartitionsStore;
    if (store instanceof DynamicPartitionsSnapshot) return store.hasDynamicPartition(this.name, key);
    return this.getPartitionKeys(options).includes(key);
  }

  validatePartitionKey(key: string, options?: PartitionLoadingOptions): void {
    const keys = this.getPartitionKeys(options);
    if (keys.includes(key)) return;
    const near = closestMatches(String(key), keys);
    const detail = near.length
      ? `Did you mean ${near.map((k) => JSON.stringify(k)).join(" or ")}?`
      : keys.length
        ? `It holds ${keys.length} key(s); add this one with instance.addDynamicPartitions("${this.name}", [${JSON.stringify(key)}]).`
        : `It holds no keys yet; add some with instance.addDynamicPartitions("${this.name}", [...]).`;
    throw new PartitionKeyNotFoundError(String(key), this.toString(), detail, near);
  }

  getPartitionKeysInRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): string[] {
    const keys = this.getPartitionKeys(options);
    this.validatePartitionKey(range.start, options);
    this.validatePartitionKey(range.end, options);
    const s = keys.indexOf(range.start);
    const e = keys.indexOf(range.end);
    if (e < s) throw new InvalidPartitionKeyRangeError(range.start, range.end, this.toString());
    return keys.slice(s, e + 1);
  }

  /** Throws InvalidPartitionKeyError for the first key that cannot name a partition. */
  validateNewPartitionKeys(keys: readonly string[]): void {
    validateDynamicPartitionKeys(this.name, keys);
  }

  /** A request to add keys; invalid names are refused here, before anything is stored. */
  buildAddRequest(keys: readonly string[]): DynamicPartitionsRequest {
    this.validateNewPartitionKeys(keys);
    return Object.freeze({ kind: "add_dynamic_partitions", partitionsDefName: this.name, partitionKeys: Object.freeze(keys.slice()) });
  }

  buildDeleteRequest(keys: readonly string[]): DynamicPartitionsRequest {
    if (!Array.isArray(keys)) throw new InvalidPartitionKeyError(String(keys), this.toString(), "expected an array of keys");
    return Object.freeze({ kind: "delete_dynamic_partitions", partitionsDefName: this.name, partitionKeys: Object.freeze(keys.slice()) });
  }

  emptySubset(): DefaultPartitionsSubset {
    return new DefaultPartitionsSubset(this);
  }

  deserializeSubset(serialized: string): DefaultPartitionsSubset {
    return DefaultPartitionsSubset.deserialize(this, serialized);
  }

  equals(other: PartitionsDefinition | null | undefined): boolean {
    return other instanceof DynamicPartitionsDefinition && other.name === this.name;
  }

  toString(): string {
    return `DynamicPartitionsDefinition("${this.name}")`;
  }
}

/**
 * The keys of some dynamic partitions definitions, read once from a (possibly async) store such as the
 * instance, then answered synchronously. Load one per evaluation (tick, plan) so every question sees the same keys.
 */
export class DynamicPartitionsSnapshot implements DynamicPartitionsStore {
  readonly #keys: ReadonlyMap<string, readonly string[]>;
  readonly #sets = new Map<string, Set<string>>();

  constructor(keysByName: Record<string, readonly string[]> | ReadonlyMap<string, readonly string[]>) {
    const entries = keysByName instanceof Map ? [...keysByName.entries()] : Object.entries(keysByName);
    this.#keys = new Map(entries.map(([n, k]) => [n, Object.freeze(k.slice())]));
    Object.freeze(this);
  }

  /** Reads the keys of every dynamic definition named (directly or as a dimension of a multi definition). */
  static async load(store: DynamicPartitionsStore, defsOrNames: Iterable<PartitionsDefinition | string>): Promise<DynamicPartitionsSnapshot> {
    const names = new Set<string>();
    for (const d of defsOrNames) collectDynamicNames(d, names);
    const entries = await Promise.all([...names].map(async (n) => [n, await store.getDynamicPartitions(n)] as const));
    return new DynamicPartitionsSnapshot(new Map(entries));
  }

  getDynamicPartitions(name: string): readonly string[] {
    return this.#keys.get(name) ?? [];
  }

  hasDynamicPartition(name: string, key: string): boolean {
    let set = this.#sets.get(name);
    if (!set) {
      set = new Set(this.#keys.get(name) ?? []);
      this.#sets.set(name, set);
    }
    return set.has(key);
  }
}

/**
 * Throws InvalidPartitionKeyError for the first key that cannot name a dynamic partition; what
 * `instance.addDynamicPartitions(name, keys)` should call before storing anything.
 */
export function validateDynamicPartitionKeys(name: string, keys: readonly string[]): void {
  validateDynamicPartitionsName(name);
  const where = `DynamicPartitionsDefinition("${name}")`;
  if (!Array.isArray(keys)) throw new InvalidPartitionKeyError(String(keys), where, "expected an array of keys");
  for (const key of keys) {
    const reason = invalidPartitionKeyReason(key);
    if (reason) throw new InvalidPartitionKeyError(String(key), where, reason);
  }
}

/** A dynamic partitions definition's name: a non-empty string that could itself be a partition key. */
function validateDynamicPartitionsName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidPartitionsDefinitionError(
      "DynamicPartitionsDefinition",
      `a name is required${typeof name === "string" ? "" : `, got ${typeof name}`}, e.g. new DynamicPartitionsDefinition({ name: "files" }) and instance.addDynamicPartitions("files", keys)`,
    );
  }
  const reason = invalidPartitionKeyReason(name);
  if (reason) throw new InvalidPartitionsDefinitionError(`DynamicPartitionsDefinition(${JSON.stringify(name)})`, `invalid name: ${reason}`);
}

function collectDynamicNames(d: PartitionsDefinition | string, into: Set<string>): void {
  if (typeof d === "string") into.add(d);
  else if (d instanceof DynamicPartitionsDefinition) into.add(d.name);
  else if ("partitionsDefs" in d) {
    for (const dim of (d as { partitionsDefs: readonly { partitionsDef: PartitionsDefinition }[] }).partitionsDefs) collectDynamicNames(dim.partitionsDef, into);
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === "function";
}
