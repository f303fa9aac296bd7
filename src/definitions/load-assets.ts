// loadAssetsFrom*() and loadAssetChecksFrom*(): the definitions modules export, as copies with prefixes and a group applied.
import { relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { AssetKey, DuplicateAssetKeyError, InvalidDefinitionError, closestMatches } from "../core/index.js";
import { AssetChecksDefinition } from "./asset-check.js";
import { AssetSpec } from "./asset-spec.js";
import { AssetsDefinition } from "./assets-definition.js";
import type { AssetsItem } from "./definitions.js";
// Type-only: partitions are a later layer.
import type { BackfillPolicy } from "../partitions/index.js";
import type { AutomationCondition } from "./automation-condition.js";
import type { FreshnessPolicy } from "./freshness-policy.js";
import { importModule, importPackageModules, resolvePackageName, type LabelledModule, type PackageLocation } from "./package-modules.js";
import { replaceAssetKeys, replaceCheckKeys, type KeyReplacements } from "./replace-asset-keys.js";
import { SourceAsset } from "./source-asset.js";

export type { PackageLocation } from "./package-modules.js";

/** A module namespace (`import * as orders from "./orders.js"`), or any object whose properties hold definitions. */
export type ModuleLike = object;

/** Options for the `loadAssetsFrom*` functions: what to apply to every loaded asset. */
export interface LoadAssetsOptions {
  /** The group of every loaded asset; an asset that names another group itself is an error. @default each asset's own */
  groupName?: string;
  /**
   * Prepended to the key of every loaded computed asset, and to dependencies on them, so that they still connect.
   * A string is one key segment. Dependencies on assets that were not loaded keep their keys.
   */
  keyPrefix?: string | readonly string[];
  /** Prepended to the keys of loaded source assets (SourceAsset, observable sources, and specs with includeSpecs), and to dependencies on them. */
  sourceKeyPrefix?: string | readonly string[];
  /** The backfill policy of every loaded computed asset, replacing its own, as in the reference. @default each asset's own */
  backfillPolicy?: BackfillPolicy;
  /** The automation condition of every loaded computed asset, replacing its own, as in the reference. @default each asset's own */
  automationCondition?: AutomationCondition;
  /** The freshness policy of every loaded computed asset, replacing its own, as in the reference. @default each asset's own */
  freshnessPolicy?: FreshnessPolicy;
  /** Whether exported AssetSpecs are loaded, as external assets. @default false (specs often only serve to build a multi-asset) */
  includeSpecs?: boolean;
}

/** Options for the `loadAssetChecksFrom*` functions. */
export interface LoadAssetChecksOptions {
  /** The prefix of the asset keys the loaded checks target: the keyPrefix the assets were loaded with. */
  assetKeyPrefix?: string | readonly string[];
}

/** Options for `loadAssetsFromPackageName()` and `loadAssetChecksFromPackageName()`. */
export interface LoadFromPackageNameOptions {
  /** Where the search for the package starts. @default the current working directory */
  from?: PackageLocation;
}

const ASSETS_OPTIONS = ["groupName", "keyPrefix", "sourceKeyPrefix", "backfillPolicy", "automationCondition", "freshnessPolicy", "includeSpecs"];
const CHECKS_OPTIONS = ["assetKeyPrefix"];
/**
 * The assets the given modules export: asset definitions, SourceAssets (and AssetSpecs with `includeSpecs`), alone
 * or in arrays, each once even when exported under several names or by several modules. Options apply to copies;
 * the definitions in the modules are left as they are. Two definitions of one key are a DuplicateAssetKeyError.
 *
 * @example
 * import * as sales from "./sales.js";
 * import * as marketing from "./marketing.js";
 * const defs = new Definitions({ assets: loadAssetsFromModules([sales, marketing], { keyPrefix: "shop", groupName: "shop" }) });
 *
 * An export that is not initialized yet is skipped: a module may load itself at its top level through its own
 * namespace (`import * as self from "./this.js"`), and then sees the exports defined above the call.
 */
export function loadAssetsFromModules(modules: Iterable<ModuleLike>, options: LoadAssetsOptions = {}): AssetsItem[] {
  const caller = "loadAssetsFromModules";
  const settings = assetsSettings(options, caller);
  return loadAssets(labelled(modules, caller), settings);
}

/**
 * The assets the calling module exports: pass `import.meta`. It imports the module, so await it only after the module
 * has finished evaluating (in a function, a test, or from another module): awaited at the module's own top level it
 * would wait for itself forever. At the top level, use `loadAssetsFromModules([self])` with the module's own namespace.
 *
 * @example
 * export async function defs() {
 *   return new Definitions({ assets: await loadAssetsFromCurrentModule(import.meta, { groupName: "sales" }) });
 * }
 */
export async function loadAssetsFromCurrentModule(importMeta: { readonly url: string }, options: LoadAssetsOptions = {}): Promise<AssetsItem[]> {
  const caller = "loadAssetsFromCurrentModule";
  const settings = assetsSettings(options, caller);
  return loadAssets([await importCurrent(importMeta, caller)], settings);
}

/**
 * The assets of every module of a package directory and its subdirectories (tests, declaration files and
 * `__fixtures__`/`__tests__`/`__mocks__`/`node_modules` folders are skipped). Every module there is imported.
 *
 * @example
 * const assets = await loadAssetsFromPackageModule(new URL("./assets/", import.meta.url), { keyPrefix: "shop" });
 */
export async function loadAssetsFromPackageModule(pkg: PackageLocation, options: LoadAssetsOptions = {}): Promise<AssetsItem[]> {
  const caller = "loadAssetsFromPackageModule";
  const settings = assetsSettings(options, caller);
  return loadAssets(await importPackageModules(pkg, caller), settings);
}

/**
 * The assets of the package named `name` (`"crm"`, `"@acme/crm"`, or a subpath it exports such as `"crm/marketing"`):
 * the modules of the directory of its entry module, as loadAssetsFromPackageModule loads them.
 */
export async function loadAssetsFromPackageName(name: string, options: LoadAssetsOptions & LoadFromPackageNameOptions = {}): Promise<AssetsItem[]> {
  const caller = "loadAssetsFromPackageName";
  const { from, ...rest } = options;
  const settings = assetsSettings(rest, caller);
  return loadAssets(await importPackageModules(await resolvePackageName(name, from, caller), caller), settings);
}

/**
 * The checks built with assetCheck() that the given modules export, with `assetKeyPrefix` applied to the assets they
 * target and depend on (except source assets of those modules), to go with loadAssetsFromModules' keyPrefix.
 *
 * @example
 * const defs = new Definitions({
 *   assets: loadAssetsFromModules([sales], { keyPrefix: "shop" }),
 *   assetChecks: loadAssetChecksFromModules([sales], { assetKeyPrefix: "shop" }),
 * });
 */
export function loadAssetChecksFromModules(modules: Iterable<ModuleLike>, options: LoadAssetChecksOptions = {}): AssetChecksDefinition[] {
  const caller = "loadAssetChecksFromModules";
  return loadChecks(labelled(modules, caller), checksSettings(options, caller));
}

/** The checks the calling module exports; pass `import.meta`, and await it as loadAssetsFromCurrentModule. */
export async function loadAssetChecksFromCurrentModule(importMeta: { readonly url: string }, options: LoadAssetChecksOptions = {}): Promise<AssetChecksDefinition[]> {
  const caller = "loadAssetChecksFromCurrentModule";
  const prefix = checksSettings(options, caller);
  return loadChecks([await importCurrent(importMeta, caller)], prefix);
}

/** The checks of every module of a package directory, found as loadAssetsFromPackageModule finds them. */
export async function loadAssetChecksFromPackageModule(pkg: PackageLocation, options: LoadAssetChecksOptions = {}): Promise<AssetChecksDefinition[]> {
  const caller = "loadAssetChecksFromPackageModule";
  const prefix = checksSettings(options, caller);
  return loadChecks(await importPackageModules(pkg, caller), prefix);
}

/** The checks of the package named `name`, found as loadAssetsFromPackageName finds it. */
export async function loadAssetChecksFromPackageName(name: string, options: LoadAssetChecksOptions & LoadFromPackageNameOptions = {}): Promise<AssetChecksDefinition[]> {
  const caller = "loadAssetChecksFromPackageName";
  const { from, ...rest } = options;
  const prefix = checksSettings(rest, caller);
  return loadChecks(await importPackageModules(await resolvePackageName(name, from, caller), caller), prefix);
}

// ---------------------------------------------------------------------------------------------------------------

interface AssetsSettings {
  groupName: string | undefined;
  keyPrefix: readonly string[] | undefined;
  sourceKeyPrefix: readonly string[] | undefined;
  backfillPolicy: BackfillPolicy | undefined;
  automationCondition: AutomationCondition | undefined;
  freshnessPolicy: FreshnessPolicy | undefined;
  includeSpecs: boolean;
}

/** A value found in a module, and where: `export "orders" of orders.ts`. */
interface Found<T> {
  readonly value: T;
  readonly where: string;
}

type Loaded = AssetsDefinition<unknown> | AssetSpec | SourceAsset;

function loadAssets(modules: readonly LabelledModule[], settings: AssetsSettings): AssetsItem[] {
  const accepts = (v: unknown): v is Loaded => v instanceof AssetsDefinition || v instanceof SourceAsset || (settings.includeSpecs && v instanceof AssetSpec);
  const found = collect(modules, accepts);

  // Which keys each prefix applies to: computed assets take keyPrefix, source and external ones sourceKeyPrefix.
  const owners = new Map<string, Found<Loaded>>();
  const replacements = new Map<string, AssetKey>();
  for (const item of found) {
    for (const key of keysOf(item.value)) {
      const id = key.toString();
      const other = owners.get(id);
      if (other) {
        if (item.value instanceof AssetSpec && other.value instanceof AssetSpec && sameSpec(item.value, other.value)) continue;
        throw new DuplicateAssetKeyError(id, `by ${describe(other)} and by ${describe(item)}`);
      }
      owners.set(id, item);
      const prefix = isSource(item.value) ? settings.sourceKeyPrefix : settings.keyPrefix;
      if (prefix) replacements.set(id, key.withPrefix(prefix));
    }
  }

  const out: AssetsItem[] = [];
  const byNewKey = new Map<string, Found<Loaded>>();
  for (const item of found) {
    if (item.value instanceof AssetSpec && owners.get(item.value.key.toString()) !== item) continue; // an equal spec came first
    const copy = replaceAssetKeys(item.value, replacements, {
      groupName: settings.groupName,
      backfillPolicy: settings.backfillPolicy,
      automationCondition: settings.automationCondition,
      freshnessPolicy: settings.freshnessPolicy,
      describe: item.where,
    });
    for (const key of keysOf(copy)) {
      const other = byNewKey.get(key.toString());
      // Keys were unique before the prefixes, so a clash now is the prefixes' doing.
      if (other) throw new DuplicateAssetKeyError(key.toString(), `by ${describePrefixed(other, replacements)} and by ${describePrefixed(item, replacements)}: the loader's prefixes made them collide; choose a keyPrefix or sourceKeyPrefix that keeps them apart`);
      byNewKey.set(key.toString(), item);
    }
    out.push(copy);
  }
  return out;
}

function loadChecks(modules: readonly LabelledModule[], prefix: readonly string[] | undefined): AssetChecksDefinition[] {
  const checks = collect(modules, (v): v is AssetChecksDefinition => v instanceof AssetChecksDefinition);
  const replacements = new Map<string, AssetKey>();
  if (prefix) {
    // Targets and deps are prefixed as loadAssetsFromModules' keyPrefix prefixes assets: not the source assets there.
    const assets = collect(modules, (v): v is Loaded => v instanceof AssetsDefinition || v instanceof SourceAsset);
    const sources = new Set(assets.filter((a) => isSource(a.value)).flatMap((a) => keysOf(a.value).map(String)));
    const prefixed = [...assets.filter((a) => !isSource(a.value)).flatMap((a) => keysOf(a.value)), ...checks.flatMap((c) => c.value.specs.map((s) => s.assetKey))];
    for (const key of prefixed) if (!sources.has(key.toString())) replacements.set(key.toString(), key.withPrefix(prefix));
  }
  const byId = new Map<string, Found<AssetChecksDefinition>>();
  return checks.map((item) => {
    const copy = replaceCheckKeys(item.value, replacements);
    for (const spec of copy.specs) {
      const other = byId.get(spec.id);
      if (other) {
        throw new InvalidDefinitionError(
          `Asset check "${spec.id}" is defined twice, by ${other.where} and by ${item.where}${prefix ? " (after assetKeyPrefix)" : ""}; give one of the checks another name`,
          spec.id,
        );
      }
      byId.set(spec.id, item);
    }
    return copy;
  });
}

/** Every accepted value the modules export (alone, or in an array of nothing else), each object once. */
function collect<T extends object>(modules: readonly LabelledModule[], accepts: (value: unknown) => value is T): Found<T>[] {
  const seen = new Set<object>();
  const found: Found<T>[] = [];
  const add = (value: T, where: string): void => {
    if (seen.has(value)) return;
    seen.add(value);
    found.push({ value, where });
  };
  for (const { module, label } of modules) {
    for (const name of exportNames(module)) {
      let value: unknown;
      try {
        value = (module as Record<string, unknown>)[name];
      } catch (error) {
        // An export not initialized yet (the module is loading itself at its top level): not defined so far.
        if (error instanceof ReferenceError) continue;
        throw error;
      }
      if (accepts(value)) add(value, `export "${name}" of ${label}`);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => accepts(v))) {
        value.forEach((v: T, i) => add(v, `export "${name}[${i}]" of ${label}`));
      }
    }
  }
  return found;
}

// Sorted, as a namespace lists its exports, so that a plain object and a namespace load in the same order.
function exportNames(module: object): string[] {
  try {
    return Object.keys(module).sort();
  } catch (error) {
    // Object.keys reads every binding of a namespace, and throws at one not initialized yet; its own keys do not.
    if (!(error instanceof ReferenceError)) throw error;
    return Reflect.ownKeys(module).filter((k): k is string => typeof k === "string").sort();
  }
}

function keysOf(item: Loaded): readonly AssetKey[] {
  return item instanceof AssetsDefinition ? item.keys : [item.key];
}

function isSource(item: Loaded): boolean {
  return item instanceof SourceAsset || item instanceof AssetSpec || item.isObservable;
}

function describe(item: Found<Loaded>): string {
  const v = item.value;
  const what =
    v instanceof AssetSpec
      ? `AssetSpec "${v.key.toString()}"`
      : v instanceof SourceAsset
        ? `SourceAsset "${v.key.toString()}"`
        : `${v.isObservable ? "observable source" : v.specs.length > 1 ? "multi-asset" : "asset"} ${v.specs.length > 1 ? `"${v.op.name}" (${v.keys.map(String).join(", ")})` : `"${v.key.toString()}"`}`;
  return `${what}, ${item.where}`;
}

function describePrefixed(item: Found<Loaded>, replacements: KeyReplacements): string {
  const renamed = keysOf(item.value).filter((k) => replacements.has(k.toString()));
  const prefix = isSource(item.value) ? "sourceKeyPrefix" : "keyPrefix";
  return renamed.length === 0 ? `${describe(item)} (not prefixed)` : `${describe(item)}, which ${prefix} made ${renamed.map((k) => `"${replacements.get(k.toString())?.toString()}"`).join(", ")}`;
}

// Two exports of equal specs (say, a list of specs defined twice) are one external asset, as in the reference.
function sameSpec(a: AssetSpec, b: AssetSpec): boolean {
  try {
    const form = (s: AssetSpec) => JSON.stringify({ ...s.attributes(), key: s.key.toString(), deps: s.deps.map((d) => d.key.toString()), kinds: [...s.kinds] });
    return form(a) === form(b);
  } catch {
    return false;
  }
}

function labelled(modules: Iterable<ModuleLike>, caller: string): LabelledModule[] {
  if (modules === null || typeof modules !== "object" || typeof (modules as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw new InvalidDefinitionError(`${caller} takes a list of modules: ${caller}([orders, revenue]) with import * as orders from "./orders.js"`);
  }
  return [...modules].map((module, i) => {
    if (module === null || (typeof module !== "object" && typeof module !== "function")) {
      throw new InvalidDefinitionError(`${caller}: modules[${i}] is ${String(module)}, not a module; pass namespaces (import * as orders from "./orders.js")`);
    }
    return { module, label: `modules[${i}]` };
  });
}

async function importCurrent(importMeta: { readonly url: string }, caller: string): Promise<LabelledModule> {
  if (importMeta === null || typeof importMeta !== "object" || typeof importMeta.url !== "string") {
    throw new InvalidDefinitionError(`${caller} takes the calling module's import.meta: ${caller}(import.meta)`);
  }
  const label = importMeta.url.startsWith("file:") ? relative(process.cwd(), fileURLToPath(importMeta.url)).split(sep).join("/") : importMeta.url;
  // Awaited at the module's own top level, the import waits for the module, which waits for it: nothing is left to
  // run, and Node would exit silently (code 13). The loop running dry is that moment exactly, so say why instead.
  let onIdle: (() => void) | undefined;
  const stuck = new Promise<never>((_, reject) => {
    onIdle = () =>
      reject(
        new InvalidDefinitionError(
          `${caller}(import.meta) was awaited while ${label} was still being evaluated, and a module cannot import itself before it finishes. ` +
            `At the top level, load through the module's own namespace: import * as self from "./<this file>.js"; loadAssetsFromModules([self]). ` +
            `Or call ${caller} from a function that runs after the module has loaded.`,
        ),
      );
    process.once("beforeExit", onIdle);
  });
  try {
    return { module: await Promise.race([importModule(importMeta.url, label, `for ${caller}`), stuck]), label };
  } finally {
    process.off("beforeExit", onIdle as () => void);
  }
}

function assetsSettings(options: LoadAssetsOptions, caller: string): AssetsSettings {
  checkOptionNames(options, ASSETS_OPTIONS, caller);
  const { groupName } = options;
  if (groupName !== undefined && (typeof groupName !== "string" || !/^[A-Za-z0-9_]+$/.test(groupName))) {
    throw new InvalidDefinitionError(`groupName ${JSON.stringify(groupName)} of ${caller} is invalid: use letters, digits and underscores only`);
  }
  const { backfillPolicy } = options;
  if (backfillPolicy !== undefined && (backfillPolicy as { kind?: unknown } | null)?.kind !== "backfill_policy") {
    throw new InvalidDefinitionError(`backfillPolicy of ${caller} must be BackfillPolicy.singleRun() or BackfillPolicy.multiRun(n)`);
  }
  const { automationCondition, freshnessPolicy } = options;
  if (automationCondition !== undefined && typeof (automationCondition as { describeNode?: unknown } | null)?.describeNode !== "function") {
    throw new InvalidDefinitionError(`automationCondition of ${caller} must be an AutomationCondition, e.g. AutomationCondition.eager()`);
  }
  if (freshnessPolicy !== undefined && (freshnessPolicy as { kind?: unknown } | null)?.kind !== "freshness_policy") {
    throw new InvalidDefinitionError(`freshnessPolicy of ${caller} must be a FreshnessPolicy, e.g. new FreshnessPolicy({ maximumLagMinutes: 60 })`);
  }
  return {
    groupName,
    backfillPolicy,
    automationCondition,
    freshnessPolicy,
    keyPrefix: prefixOf(options.keyPrefix, "keyPrefix", caller),
    sourceKeyPrefix: prefixOf(options.sourceKeyPrefix, "sourceKeyPrefix", caller),
    includeSpecs: options.includeSpecs === true,
  };
}

function checksSettings(options: LoadAssetChecksOptions, caller: string): readonly string[] | undefined {
  checkOptionNames(options, CHECKS_OPTIONS, caller);
  return prefixOf(options.assetKeyPrefix, "assetKeyPrefix", caller);
}

function checkOptionNames(options: object, known: readonly string[], caller: string): void {
  if (options === null || typeof options !== "object") throw new InvalidDefinitionError(`The options of ${caller} must be an object, got ${String(options)}`);
  for (const name of Object.keys(options)) {
    if (known.includes(name) || (options as Record<string, unknown>)[name] === undefined) continue;
    const near = closestMatches(name, known);
    throw new InvalidDefinitionError(`${caller} has no option "${name}"${near.length ? `; did you mean "${near[0]}"?` : ""} Its options: ${known.join(", ")}.`);
  }
}

function prefixOf(prefix: unknown, option: string, caller: string): readonly string[] | undefined {
  if (prefix === undefined) return undefined;
  const segments = typeof prefix === "string" ? [prefix] : Array.isArray(prefix) && prefix.every((s) => typeof s === "string") ? (prefix as string[]) : undefined;
  if (!segments) throw new InvalidDefinitionError(`${option} of ${caller} must be a string or an array of strings, got ${JSON.stringify(prefix)}`);
  if (segments.length === 0) return undefined;
  new AssetKey(segments); // validates each segment, naming the bad one
  return Object.freeze([...segments]);
}
