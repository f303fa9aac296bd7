// DefinitionsData: what a code location's `defs` holds, checked for everything its parts alone can tell. The public
// Definitions (code-location/definitions.ts) extends it with the checks and operations that need the asset graph and
// execution, which sit above this layer; this one is abstract so that no unchecked set of definitions can be built.
import { AssetKey, DuplicateAssetKeyError, InvalidDefinitionError, MissingResourceError, closestMatches } from "../core/index.js";
import { AssetChecksDefinition } from "./asset-check.js";
import { AssetJobDefinition } from "./asset-job.js";
import type { AssetDep } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import { SourceAsset } from "./source-asset.js";
import { AssetsDefinition, type AssetInputDefinition, type AssetOutputDefinition } from "./assets-definition.js";
import { inProcessExecutor, type ExecutorDefinition } from "./executor.js";
import { DEFAULT_IO_MANAGER_KEY } from "./io-manager.js";
import { NO_RESOURCES } from "./op-options.js";
import { ScheduleDefinition } from "./schedule-definition.js";
import { SensorDefinition } from "./sensor-definition.js";
import { resolveSiblingDeps } from "./resolve-sibling-deps.js";

/** What may stand in `assets`: computed assets, and specs of external assets (a deprecated SourceAsset stands for one). */
export type AssetsItem = AssetsDefinition<unknown> | AssetSpec | SourceAsset;

/** Options for `new Definitions(options)`: everything a code location defines. */
export interface DefinitionsOptions {
  assets?: readonly AssetsItem[];
  /** Resources by key; `ioManager` is the default IO manager. */
  resources?: Readonly<Record<string, unknown>>;
  /** Jobs built with defineAssetJob(). */
  jobs?: readonly AssetJobDefinition[];
  /** Checks built with assetCheck(). */
  assetChecks?: readonly AssetChecksDefinition[];
  /** Schedules built with new ScheduleDefinition(), schedule() or buildScheduleFromPartitionedJob(). */
  schedules?: readonly ScheduleDefinition[];
  /** Sensors built with new SensorDefinition(), sensor() or assetSensor(). */
  sensors?: readonly SensorDefinition[];
  executor?: ExecutorDefinition;
}

/**
 * Everything a code location defines, as data. Validates what its parts alone can tell (types, duplicate keys,
 * missing resources, names); the public `Definitions` adds what needs the asset graph.
 */
export abstract class DefinitionsData {
  readonly kind = "definitions";
  readonly assets: readonly (AssetsDefinition<unknown> | AssetSpec)[];
  readonly resources: Readonly<Record<string, unknown>>;
  readonly executor: ExecutorDefinition;
  readonly jobs: readonly AssetJobDefinition[];
  readonly assetChecks: readonly AssetChecksDefinition[];
  readonly schedules: readonly ScheduleDefinition[];
  readonly sensors: readonly SensorDefinition[];
  // One pass over the assets fills these; the graph layer builds on them instead of indexing keys again.
  readonly #index = new Map<string, number>();
  readonly #specs: AssetSpec[] = [];
  readonly #definitions: (AssetsDefinition | undefined)[] = [];
  readonly #needing: readonly AssetsDefinition[];
  readonly #namedApart: readonly number[];

  constructor(options: DefinitionsOptions = {}) {
    // One pass over the items, since each pass over a large code location runs as cold code: it converts sources,
    // finds the first item that is not an asset, indexes every key (noting the first duplicate), and notes the few
    // items the later checks need to see. Errors are thrown in the order of separate passes: a bad item first,
    // then sibling resolution, then a duplicate key, then clashing resource bindings.
    const items = options.assets ?? NO_ITEMS;
    const count = items.length;
    const given: (AssetsDefinition<unknown> | AssetSpec)[] = new Array(count);
    const index = this.#index;
    const specs = this.#specs;
    const definitions = this.#definitions;
    let invalid: number | undefined;
    let duplicate: { id: string; at: number } | undefined;
    // Items with a bare dependency not (yet) defined, with resources of their own, and needing a resource other
    // than the default IO manager.
    const siblings: number[] = [];
    const binding: number[] = [];
    const needing: number[] = [];
    // Definitions whose op is not named after their single key (as asset() names it): the only ops whose names
    // the graph layer must compare, since keys are unique.
    const namedApart: number[] = [];
    for (let i = 0; i < count; i++) {
      const raw = items[i] as AssetsItem;
      // An asset definition, the usual item, is told apart with one check.
      let item: AssetsDefinition<unknown> | AssetSpec;
      let computed: boolean;
      if (raw instanceof AssetsDefinition) {
        item = raw;
        computed = true;
      } else {
        item = raw instanceof SourceAsset ? raw.toAssetsItem() : raw;
        computed = item instanceof AssetsDefinition;
      }
      given[i] = item;
      if (invalid !== undefined) continue;
      if (!computed && item instanceof AssetSpec) {
        const id = item.key.toString();
        if (claimKey(index, specs, id)) {
          specs.push(item);
          definitions.push(undefined);
        } else duplicate ??= { id, at: i };
        continue;
      }
      if (!computed) {
        invalid = i;
        continue;
      }
      const definition = item as AssetsDefinition<unknown>;
      const own = definition.specs;
      let id = "";
      for (let s = 0; s < own.length; s++) {
        const spec = own[s] as AssetSpec;
        id = spec.key.toString();
        if (claimKey(index, specs, id)) {
          specs.push(spec);
          definitions.push(definition);
        } else duplicate ??= { id, at: i };
      }
      if (own.length !== 1 || definition.op.name !== id) namedApart.push(i);
      if (hasUnknownBareDep(own, index)) siblings.push(i);
      if (definition.resourceDefs !== NO_RESOURCES) binding.push(i);
      if (needsResources(definition)) needing.push(i);
    }
    if (invalid !== undefined) {
      throw new InvalidDefinitionError(
        `Definitions assets[${invalid}] is not an asset definition or AssetSpec (got ${describeItem(given[invalid])}); build it with asset() or new AssetSpec()`,
      );
    }
    const assets = siblings.length === 0 ? given : resolveSiblingDeps(given, index, siblings);
    if (assets !== given) {
      // Only dependencies changed: every key keeps its position.
      for (const i of siblings) {
        const item = assets[i] as AssetsDefinition<unknown>;
        if (item === given[i]) continue;
        for (const spec of item.specs) {
          const position = index.get(spec.key.toString()) as number;
          if (definitions[position] !== given[i]) continue;
          specs[position] = spec;
          definitions[position] = item;
        }
      }
    }
    if (duplicate) {
      const { id, at } = duplicate;
      const other = assets.find((item, j) => j <= at && (item instanceof AssetSpec ? [item] : item.specs).some((spec) => spec.key.toString() === id));
      throw new DuplicateAssetKeyError(id, `by ${describeItem(other)} and by ${describeItem(assets[at])}, at assets[${at}]`);
    }
    this.assets = Object.freeze(assets);
    this.resources = Object.freeze({ ...mergeAssetResources(binding.map((i) => assets[i] as AssetsItem)), ...(options.resources ?? {}) });
    this.#needing = needing.map((i) => assets[i] as AssetsDefinition);
    this.#namedApart = namedApart;
    this.executor = options.executor ?? inProcessExecutor();
    this.jobs = Object.freeze(checkJobs(options.jobs ?? []));
    this.assetChecks = Object.freeze(checkAssetChecks(options.assetChecks ?? []));
    this.schedules = Object.freeze(checkInstigators(options.schedules ?? [], "schedule"));
    this.sensors = Object.freeze(checkInstigators(options.sensors ?? [], "sensor"));
    checkInstigatorNames([...this.schedules, ...this.sensors]);
    checkResources(this.#needing, this.resources);
    for (const check of this.assetChecks) {
      for (const key of check.requiredResourceKeys) {
        if (key !== DEFAULT_IO_MANAGER_KEY && !(key in this.resources)) throw new MissingResourceError(key, `Asset check "${check.spec.id}"`, Object.keys(this.resources));
      }
    }
  }

  /**
   * The `a/b` ids of the assets `job` materializes, resolved against these definitions' asset graph. The graph is
   * a layer above this one, so the public Definitions answers it.
   */
  abstract resolveJobAssetIds(job: AssetJobDefinition): string[];

  /** A copy with more assets, resources, jobs, checks, schedules or sensors (and another executor). */
  abstract with(options: DefinitionsOptions): DefinitionsData;

  /** The definition (or external spec) of `key`, or undefined. */
  getAssetsDef(key: AssetKey | string | readonly string[]): AssetsItem | undefined {
    const index = this.#index.get(AssetKey.from(key).toString());
    return index === undefined ? undefined : (this.#definitions[index] ?? this.#specs[index]);
  }

  /** The spec of `key` (computed or external), or undefined. */
  getAssetSpec(key: AssetKey | string | readonly string[]): AssetSpec | undefined {
    const index = this.#index.get(AssetKey.from(key).toString());
    return index === undefined ? undefined : this.#specs[index];
  }

  get assetKeys(): AssetKey[] {
    return this.#specs.map((s) => s.key);
  }

  /** Every asset's spec, computed and external. */
  getAllAssetSpecs(): AssetSpec[] {
    return [...this.#specs];
  }

  /**
   * @internal The asset index the graph layer builds on: each defined key's position, its spec, and the
   * definition computing it (undefined for an external spec).
   */
  resolvedAssets(): { index: ReadonlyMap<string, number>; specs: readonly AssetSpec[]; definitions: readonly (AssetsDefinition | undefined)[] } {
    return { index: this.#index, specs: this.#specs, definitions: this.#definitions };
  }

  /**
   * @internal Positions in `assets` (ascending) of the asset definitions whose op is not named after their single
   * key: an op so named cannot share its name with another so named, since keys are unique.
   */
  definitionsNamedApart(): readonly number[] {
    return this.#namedApart;
  }

  /** The job named `name`; an unknown name is an error naming the jobs there are. */
  getJob(name: string): AssetJobDefinition {
    const job = this.jobs.find((j) => j.name === name);
    if (job) return job;
    const names = this.jobs.map((j) => j.name);
    const near = closestMatches(name, names);
    throw new InvalidDefinitionError(
      `No job named "${name}".` +
        (near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : "") +
        ` Jobs: ${names.length ? names.join(", ") : "none (define them with defineAssetJob and pass them in Definitions jobs)"}.`,
    );
  }

  /** The options that rebuild these definitions with `more` added (for `with`). */
  protected mergedOptions(more: DefinitionsOptions): DefinitionsOptions {
    return {
      assets: [...this.assets, ...(more.assets ?? [])],
      resources: { ...this.resources, ...(more.resources ?? {}) },
      jobs: [...this.jobs, ...(more.jobs ?? [])],
      assetChecks: [...this.assetChecks, ...(more.assetChecks ?? [])],
      schedules: [...this.schedules, ...(more.schedules ?? [])],
      sensors: [...this.sensors, ...(more.sensors ?? [])],
      executor: more.executor ?? this.executor,
    };
  }
}

const NO_ITEMS: readonly AssetsItem[] = Object.freeze([]);

/**
 * Indexes `id` at the next position of `specs` and returns true, or returns false when `id` is indexed already,
 * leaving its first position. One map operation for the usual new key (a new key grows the map); a duplicate, an
 * error, restores its position by a scan.
 */
function claimKey(index: Map<string, number>, specs: readonly AssetSpec[], id: string): boolean {
  const position = specs.length;
  index.set(id, position);
  if (index.size > position) return true;
  let first = 0;
  while ((specs[first] as AssetSpec).key.toString() !== id) first++;
  index.set(id, first);
  return false;
}

function checkAssetChecks(checks: readonly AssetChecksDefinition[]): AssetChecksDefinition[] {
  for (const [i, check] of checks.entries()) {
    if (!(check instanceof AssetChecksDefinition)) {
      throw new InvalidDefinitionError(`Definitions assetChecks[${i}] is not an asset check (got ${describeItem(check)}); build it with assetCheck()`);
    }
  }
  return [...checks];
}

function checkInstigators<T>(items: readonly T[], kind: "schedule" | "sensor"): T[] {
  const field = kind === "schedule" ? "schedules" : "sensors";
  for (const [i, item] of items.entries()) {
    if ((item as { kind?: unknown } | null)?.kind !== `${kind}_definition`) {
      const build = kind === "schedule" ? "new ScheduleDefinition(), schedule() or buildScheduleFromPartitionedJob()" : "new SensorDefinition(), sensor() or assetSensor()";
      throw new InvalidDefinitionError(`Definitions ${field}[${i}] is not a ${kind} (got ${describeItem(item)}); build it with ${build}`);
    }
    const ok = kind === "schedule" ? item instanceof ScheduleDefinition : item instanceof SensorDefinition;
    if (!ok) {
      throw new InvalidDefinitionError(
        `Definitions ${field}[${i}] is not a ${kind} built by this copy of Tessera; build it with ${kind === "schedule" ? "new ScheduleDefinition() or schedule()" : "new SensorDefinition(), sensor() or assetSensor()"}.`,
      );
    }
  }
  return [...items];
}

// Schedules and sensors share one namespace: their state and ticks are kept by name.
function checkInstigatorNames(items: readonly { kind: string; name: string }[]): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const kind = item.kind === "schedule_definition" ? "schedule" : "sensor";
    const other = seen.get(item.name);
    if (other) {
      throw new InvalidDefinitionError(
        `Two definitions are named "${item.name}" (a ${other} and a ${kind}); schedule and sensor names must be unique: rename one of them.`,
      );
    }
    seen.set(item.name, kind);
  }
}

function checkJobs(jobs: readonly AssetJobDefinition[]): AssetJobDefinition[] {
  const names = new Set<string>();
  for (const [i, job] of jobs.entries()) {
    if (!(job instanceof AssetJobDefinition)) {
      throw new InvalidDefinitionError(`Definitions jobs[${i}] is not a job (got ${describeItem(job)}); build it with defineAssetJob()`);
    }
    if (names.has(job.name)) throw new InvalidDefinitionError(`Two jobs are named "${job.name}"; job names must be unique`);
    names.add(job.name);
  }
  return [...jobs];
}

function describeItem(item: unknown): string {
  if (item instanceof AssetSpec) return `AssetSpec "${item.key.toString()}"`;
  if (item instanceof AssetsDefinition) return `asset definition of op "${item.op.name}"`;
  if (item === null || typeof item !== "object") return String(item);
  return (item as { kind?: string }).kind ?? item.constructor?.name ?? "object";
}

function mergeAssetResources(assets: readonly AssetsItem[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (let i = 0; i < assets.length; i++) {
    const item = assets[i];
    if (!(item instanceof AssetsDefinition) || item.resourceDefs === NO_RESOURCES) continue;
    for (const key in item.resourceDefs) {
      const value = item.resourceDefs[key];
      if (key in merged && merged[key] !== value) {
        throw new InvalidDefinitionError(
          `Two assets bind different resources under "${key}" (one is op "${item.op.name}"); give them different keys or provide one in Definitions resources`,
        );
      }
      merged[key] = value;
    }
  }
  return merged;
}

/** True when `specs` depend on a one-segment key that `index` does not hold (yet): sibling resolution may apply. */
function hasUnknownBareDep(specs: readonly AssetSpec[], index: ReadonlyMap<string, number>): boolean {
  for (let s = 0; s < specs.length; s++) {
    const deps = (specs[s] as AssetSpec).deps;
    for (let d = 0; d < deps.length; d++) {
      const key = (deps[d] as AssetDep).key;
      if (key.path.length === 1 && !index.has(key.toString())) return true;
    }
  }
  return false;
}

/** True when `item` needs a resource other than the default IO manager (which the instance supplies). */
function needsResources(item: AssetsDefinition): boolean {
  if (item.op.requiredResourceKeys.length > 0) return true;
  const outputs = item.outputs;
  for (let o = 0; o < outputs.length; o++) if ((outputs[o] as AssetOutputDefinition).ioManagerKey !== DEFAULT_IO_MANAGER_KEY) return true;
  const inputs = item.inputs;
  for (let n = 0; n < inputs.length; n++) if ((inputs[n] as AssetInputDefinition).inputManagerKey) return true;
  return false;
}

function checkResources(assets: readonly AssetsItem[], resources: Readonly<Record<string, unknown>>): void {
  for (let i = 0; i < assets.length; i++) {
    const item = assets[i];
    if (!(item instanceof AssetsDefinition)) continue;
    // The keys of requiredResourceKeys in its order, read without building its Set for every asset.
    const missing = firstMissing(item.op.requiredResourceKeys, resources) ?? firstMissingManager(item, resources);
    if (missing !== undefined) throw new MissingResourceError(missing, `Asset "${item.keys.map(String).join(", ")}"`, Object.keys(resources));
  }
}

// The default IO manager is supplied by the instance when none is given.
function isAvailable(key: string, resources: Readonly<Record<string, unknown>>): boolean {
  return key === DEFAULT_IO_MANAGER_KEY || key in resources;
}

function firstMissing(keys: readonly string[], resources: Readonly<Record<string, unknown>>): string | undefined {
  for (let k = 0; k < keys.length; k++) if (!isAvailable(keys[k] as string, resources)) return keys[k];
  return undefined;
}

function firstMissingManager(item: AssetsDefinition, resources: Readonly<Record<string, unknown>>): string | undefined {
  const outputs = item.outputs;
  for (let o = 0; o < outputs.length; o++) {
    const key = (outputs[o] as AssetOutputDefinition).ioManagerKey;
    if (!isAvailable(key, resources)) return key;
  }
  const inputs = item.inputs;
  for (let n = 0; n < inputs.length; n++) {
    const key = (inputs[n] as AssetInputDefinition).inputManagerKey;
    if (key && !isAvailable(key, resources)) return key;
  }
  return undefined;
}
