// AssetSpec: an asset's attributes without the function that computes it; alone in Definitions it is an external asset.
import {
  AssetKey,
  InvalidDefinitionError,
  coerceMetadata,
  validateTags,
  type AssetKeyLike,
  type MetadataMap,
  type RawMetadata,
  type Tags,
} from "../core/index.js";
import { AssetDep, type AssetRef } from "./asset-dep.js";
// Type-only: partitions and automation are later layers; a spec only carries their definitions.
import type { BackfillPolicy, PartitionsDefinition } from "../partitions/index.js";
import type { AutomationCondition } from "./automation-condition.js";
import type { FreshnessPolicy } from "./freshness-policy.js";

type OptionalAttribute = "description" | "codeVersion" | "groupName" | "partitionsDef" | "backfillPolicy" | "automationCondition" | "freshnessPolicy";

export const DEFAULT_GROUP_NAME = "default";
export const IO_MANAGER_KEY_METADATA = "tessera/io_manager_key";
const MAX_KINDS = 3;

/** The attributes of an asset spec, given to `new AssetSpec(key, attributes)` and changed with `replaceAttributes()` / `mergeAttributes()`. */
export interface AssetSpecAttributes {
  deps?: Iterable<AssetDep | AssetRef>;
  description?: string | undefined;
  metadata?: RawMetadata;
  /** Whether materializing may omit this asset (and so skip its downstream). @default false */
  skippable?: boolean;
  /** @default "default" */
  groupName?: string | undefined;
  codeVersion?: string | undefined;
  /** Email addresses or `team:name`. */
  owners?: readonly string[];
  tags?: Record<string, string>;
  /** Up to three kinds (e.g. "postgres", "csv") shown as badges. */
  kinds?: Iterable<string>;
  /** How the asset is partitioned (by day, by a list of keys, …). */
  partitionsDef?: PartitionsDefinition | undefined;
  /** How a backfill of this asset splits into runs. */
  backfillPolicy?: BackfillPolicy | undefined;
  /** When automation (the daemon's automation condition sensors) requests runs of this asset. */
  automationCondition?: AutomationCondition | undefined;
  /** How old the data the asset incorporates may be; evaluated by evaluateFreshness. */
  freshnessPolicy?: FreshnessPolicy | undefined;
}

/** @internal A dependency on `spec`'s asset with no partition mapping; the same object for every caller. */
export let plainDepOn: (spec: AssetSpec) => AssetDep;

/**
 * @internal The spec asset() builds: `deps` are AssetDeps already checked for duplicates by its caller (and owned by
 * the spec from now on), and `attributes` may be asset()'s own options, whose `deps` and `skippable` are not read.
 * Saves copying the deps and an attributes object per asset, which large code locations make by the ten thousand.
 */
export let checkedSpec: (key: AssetKey, deps: AssetDep[], skippable: boolean, attributes: Omit<AssetSpecAttributes, "deps" | "skippable">) => AssetSpec;

// Set by checkedSpec for the one constructor call it makes (construction is synchronous).
let checkedDeps: AssetDep[] | undefined;
let checkedSkippable = false;

/**
 * The attributes of an asset, immutable. Pass it to Definitions to declare an external asset
 * (one that Tessera records but does not compute).
 *
 * @example
 * new AssetSpec(["raw", "orders"], { description: "Orders exported by the shop", owners: ["team:sales"] })
 */
export class AssetSpec {
  readonly kind = "asset_spec";
  // Fields are declared, not defined, where the constructor assigns them: a defined field is first set to undefined,
  // a second store per field on every instance, and large code locations build these by the ten thousand.
  declare readonly key: AssetKey;
  declare readonly deps: readonly AssetDep[];
  declare readonly description: string | undefined;
  declare readonly metadata: MetadataMap;
  declare readonly skippable: boolean;
  declare readonly groupName: string;
  declare readonly codeVersion: string | undefined;
  declare readonly owners: readonly string[];
  declare readonly tags: Tags;
  declare readonly kinds: ReadonlySet<string>;
  declare readonly partitionsDef: PartitionsDefinition | undefined;
  declare readonly backfillPolicy: BackfillPolicy | undefined;
  declare readonly automationCondition: AutomationCondition | undefined;
  declare readonly freshnessPolicy: FreshnessPolicy | undefined;
  // A dependency on this asset without a partition mapping, made when first asked for and shared by every asset
  // that loads this one: a large code location would otherwise hold one per edge.
  #plainDep: AssetDep | undefined;

  static {
    plainDepOn = (spec) => (spec.#plainDep ??= new AssetDep(spec.key));
    checkedSpec = (key, deps, skippable, attributes) => {
      checkedDeps = deps;
      checkedSkippable = skippable;
      try {
        return new AssetSpec(key, attributes);
      } finally {
        checkedDeps = undefined;
      }
    };
  }

  constructor(key: AssetKeyLike, attributes: AssetSpecAttributes = {}) {
    this.key = AssetKey.from(key);
    // Most attributes of most specs are absent: those are not checked, nor is the name errors use built, since a
    // large code location runs this once per asset as cold code.
    const own = this.key;
    const checked = checkedDeps;
    if (checked !== undefined) {
      // checkedSpec's call: taken once, so that a spec built inside (none is) could not see it.
      checkedDeps = undefined;
      this.deps = checked.length === 0 ? NO_DEPS : Object.freeze(checked);
    } else {
      const deps = attributes.deps;
      this.deps = deps == null ? NO_DEPS : Object.freeze(normalizeDeps(deps, own));
    }
    this.description = attributes.description;
    this.metadata = attributes.metadata === undefined ? NO_METADATA : coerceMetadata(attributes.metadata, `metadata of ${nameOf(own)}`);
    this.skippable = checked !== undefined ? checkedSkippable : (attributes.skippable ?? false);
    const groupName = attributes.groupName;
    this.groupName = groupName == null || groupName === DEFAULT_GROUP_NAME ? DEFAULT_GROUP_NAME : validateGroupName(groupName, nameOf(own));
    this.codeVersion = attributes.codeVersion;
    this.owners = attributes.owners == null ? NO_OWNERS : Object.freeze(validateOwners(attributes.owners, nameOf(own)));
    this.tags = attributes.tags === undefined ? NO_TAGS : validateTags(attributes.tags, nameOf(own), STRICT_KEYS);
    this.kinds = attributes.kinds === undefined ? NO_KINDS : validateKinds(attributes.kinds, nameOf(own));
    const { partitionsDef, backfillPolicy, automationCondition, freshnessPolicy } = attributes;
    this.partitionsDef = partitionsDef === undefined ? undefined : checkPartitionsDef(partitionsDef, nameOf(own));
    this.backfillPolicy = backfillPolicy === undefined ? undefined : checkBackfillPolicy(backfillPolicy, nameOf(own));
    this.automationCondition = automationCondition === undefined ? undefined : checkAutomationCondition(automationCondition, nameOf(own));
    this.freshnessPolicy = freshnessPolicy === undefined ? undefined : checkFreshnessPolicy(freshnessPolicy, nameOf(own));
    Object.freeze(this);
  }

  /** A copy with metadata, tags, owners, deps and kinds added to the current ones. */
  mergeAttributes(attributes: Pick<AssetSpecAttributes, "metadata" | "tags" | "owners" | "deps" | "kinds">): AssetSpec {
    return new AssetSpec(this.key, {
      ...this.attributes(),
      metadata: { ...this.metadata, ...(attributes.metadata ?? {}) },
      tags: { ...this.tags, ...(attributes.tags ?? {}) },
      owners: [...new Set([...this.owners, ...(attributes.owners ?? [])])],
      deps: mergeDeps(this.deps, normalizeDeps(attributes.deps ?? NO_DEPS, this.key)),
      kinds: new Set([...this.kinds, ...(attributes.kinds ?? [])]),
    });
  }

  /** A copy with the given attributes (and key) replacing the current ones. */
  replaceAttributes(attributes: AssetSpecAttributes & { key?: AssetKeyLike }): AssetSpec {
    const { key, ...rest } = attributes;
    return new AssetSpec(key ?? this.key, { ...this.attributes(), ...rest });
  }

  /** A copy that asks for the IO manager under `ioManagerKey` when downstream assets load it. */
  withIoManagerKey(ioManagerKey: string): AssetSpec {
    return this.mergeAttributes({ metadata: { [IO_MANAGER_KEY_METADATA]: ioManagerKey } });
  }

  /** The IO manager key given by withIoManagerKey, if any. */
  get ioManagerKey(): string | undefined {
    const entry = this.metadata[IO_MANAGER_KEY_METADATA];
    return entry && entry.type === "text" ? entry.value : undefined;
  }

  /** Every attribute as constructor options; the inverse of `new AssetSpec(key, attributes)`. */
  attributes(): Required<Omit<AssetSpecAttributes, OptionalAttribute>> & Pick<AssetSpecAttributes, OptionalAttribute> {
    return {
      deps: this.deps,
      description: this.description,
      metadata: this.metadata,
      skippable: this.skippable,
      groupName: this.groupName,
      codeVersion: this.codeVersion,
      owners: this.owners,
      tags: this.tags,
      kinds: this.kinds,
      partitionsDef: this.partitionsDef,
      backfillPolicy: this.backfillPolicy,
      automationCondition: this.automationCondition,
      freshnessPolicy: this.freshnessPolicy,
    };
  }
}

/** Applies `fn` to every spec: of a list of specs, or of each asset definition's specs. */
export function mapAssetSpecs<T extends { kind: string }>(fn: (spec: AssetSpec) => AssetSpec, items: readonly T[]): T[] {
  return items.map((item) => {
    if (item instanceof AssetSpec) return fn(item) as unknown as T;
    const mappable = item as unknown as { mapAssetSpecs?: (f: (s: AssetSpec) => AssetSpec) => T };
    if (typeof mappable.mapAssetSpecs === "function") return mappable.mapAssetSpecs(fn);
    throw new InvalidDefinitionError(`mapAssetSpecs takes AssetSpecs and asset definitions, got a ${item.kind}`);
  });
}

/** How errors name the spec of `key`. */
function nameOf(key: AssetKey): string {
  return `asset "${key.toString()}"`;
}

function normalizeDeps(deps: Iterable<AssetDep | AssetRef>, key: AssetKey): AssetDep[] {
  // Sized exactly: specs live as long as their definitions, and a pushed array keeps spare capacity.
  const given = Array.isArray(deps) ? (deps as readonly (AssetDep | AssetRef)[]) : [...deps];
  const out: AssetDep[] = new Array(given.length);
  for (let i = 0; i < given.length; i++) {
    const dep = given[i] as AssetDep | AssetRef;
    out[i] = dep instanceof AssetDep ? dep : new AssetDep(dep);
  }
  // Most assets have a handful of deps: a pairwise scan allocates nothing, a Set only pays off for many.
  const ids = out.length > 16 ? new Set<string>() : undefined;
  for (let i = 0; i < out.length; i++) {
    const id = (out[i] as AssetDep).key.toString();
    let duplicate = false;
    if (ids) duplicate = ids.has(id);
    else for (let j = 0; j < i && !duplicate; j++) duplicate = (out[j] as AssetDep).key.toString() === id;
    if (duplicate) {
      const where = nameOf(key);
      throw new InvalidDefinitionError(`${where} lists dependency "${id}" twice; list each upstream once`, where);
    }
    ids?.add(id);
  }
  return out;
}

function mergeDeps(current: readonly AssetDep[], added: readonly AssetDep[]): AssetDep[] {
  const byKey = new Map(current.map((d) => [d.key.toString(), d]));
  for (const dep of added) byKey.set(dep.key.toString(), dep);
  return [...byKey.values()];
}

function validateGroupName(name: string, where: string): string {
  if (name !== DEFAULT_GROUP_NAME && !/^[A-Za-z0-9_]+$/.test(name)) {
    throw new InvalidDefinitionError(`groupName "${name}" of ${where} is invalid: use letters, digits and underscores only`, where);
  }
  return name;
}

const NO_OWNERS: readonly string[] = Object.freeze([]);
const NO_DEPS: readonly AssetDep[] = Object.freeze([]);
const NO_TAGS: Tags = validateTags(undefined, "");
const NO_METADATA = coerceMetadata(undefined);
const STRICT_KEYS = Object.freeze({ strictKeys: true });

function validateOwners(owners: readonly string[], where: string): readonly string[] {
  if (owners.length === 0) return NO_OWNERS;
  for (const owner of owners) {
    const isEmail = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(owner);
    const isTeam = /^team:[A-Za-z0-9_\-.]+$/.test(owner);
    if (!isEmail && !isTeam) {
      throw new InvalidDefinitionError(`Owner "${owner}" of ${where} is invalid: use an email address or "team:<name>"`, where);
    }
  }
  return [...owners];
}

const NO_KINDS: ReadonlySet<string> = new Set();
// The empty kind is allowed, as in the reference (its tag key `dagster/kind/` is valid); `kind:""` selects it.
const KIND = /^[A-Za-z0-9_.\-]{0,63}$/;

function validateKinds(kinds: Iterable<string> | undefined, where: string): ReadonlySet<string> {
  if (kinds === undefined) return NO_KINDS;
  const set = new Set(kinds);
  // A kind is shown and selected (`kind:csv`) as a tag key, so it takes a tag key's characters.
  for (const kind of set) {
    if (!KIND.test(kind)) throw new InvalidDefinitionError(`Kind "${kind}" of ${where} is invalid: use up to 63 letters, digits, "_", "-" or "."`, where);
  }
  if (set.size > MAX_KINDS) {
    throw new InvalidDefinitionError(`${where} has ${set.size} kinds (${[...set].join(", ")}); an asset may have at most ${MAX_KINDS}`, where);
  }
  return set;
}

function checkPartitionsDef(value: PartitionsDefinition | undefined, where: string): PartitionsDefinition | undefined {
  if (value === undefined) return undefined;
  if (typeof (value as { getPartitionKeys?: unknown }).getPartitionKeys !== "function") {
    throw new InvalidDefinitionError(`partitionsDef of ${where} must be a partitions definition, e.g. new DailyPartitionsDefinition({ startDate: "2026-01-01" })`, where);
  }
  return value;
}

function checkBackfillPolicy(value: BackfillPolicy | undefined, where: string): BackfillPolicy | undefined {
  if (value === undefined) return undefined;
  if ((value as { kind?: unknown }).kind !== "backfill_policy") {
    throw new InvalidDefinitionError(`backfillPolicy of ${where} must be BackfillPolicy.singleRun() or BackfillPolicy.multiRun(n)`, where);
  }
  return value;
}

function checkAutomationCondition(value: AutomationCondition | undefined, where: string): AutomationCondition | undefined {
  if (value === undefined) return undefined;
  if (typeof (value as { describeNode?: unknown } | null)?.describeNode !== "function" || typeof (value as { uniqueId?: unknown }).uniqueId !== "string") {
    throw new InvalidDefinitionError(`automationCondition of ${where} must be an AutomationCondition, e.g. AutomationCondition.eager()`, where);
  }
  return value;
}

function checkFreshnessPolicy(value: FreshnessPolicy | undefined, where: string): FreshnessPolicy | undefined {
  if (value === undefined) return undefined;
  if ((value as { kind?: unknown } | null)?.kind !== "freshness_policy") {
    throw new InvalidDefinitionError(`freshnessPolicy of ${where} must be a FreshnessPolicy, e.g. new FreshnessPolicy({ maximumLagMinutes: 60 })`, where);
  }
  return value;
}
