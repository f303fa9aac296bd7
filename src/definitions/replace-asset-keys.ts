// Copies of definitions with some asset keys replaced (and a group applied): what the loaders' prefixes build on.
import { InvalidDefinitionError, type AssetKey } from "../core/index.js";
// Type-only: partitions are a later layer; a spec only carries its policy.
import type { BackfillPolicy } from "../partitions/index.js";
import type { AutomationCondition } from "./automation-condition.js";
import type { FreshnessPolicy } from "./freshness-policy.js";
import { AssetCheckSpec, AssetChecksDefinition } from "./asset-check.js";
import { AssetDep } from "./asset-dep.js";
import { AssetSpec, DEFAULT_GROUP_NAME } from "./asset-spec.js";
import { AssetsDefinition, type OpNode } from "./assets-definition.js";
import { SourceAsset } from "./source-asset.js";

/** New keys by the string form of the keys they replace; a key not in it stays as it is. */
export type KeyReplacements = ReadonlyMap<string, AssetKey>;

export interface ReplaceOptions {
  /** The group every asset gets; an asset already in another group than the default is an error. */
  groupName?: string | undefined;
  /** The backfill policy of computed assets, replacing theirs (sources are never backfilled). */
  backfillPolicy?: BackfillPolicy | undefined;
  /** The automation condition of computed assets, replacing theirs. */
  automationCondition?: AutomationCondition | undefined;
  /** The freshness policy of computed assets, replacing theirs. */
  freshnessPolicy?: FreshnessPolicy | undefined;
  /** Where the item comes from, for errors: `export "orders" of modules[0]`. */
  describe: string;
}

/**
 * A copy of `item` whose own keys, dependencies, inputs, outputs and check targets follow `keys`, in `groupName`,
 * with `backfillPolicy` if it computes its assets.
 * An op named after its single asset's key (as asset() names it) is renamed after the new key, so that two copies
 * of one module under different prefixes run as different steps. Returns `item` itself when nothing changes.
 */
export function replaceAssetKeys<T extends AssetsDefinition<unknown> | AssetSpec | SourceAsset>(item: T, keys: KeyReplacements, options: ReplaceOptions): T {
  if (item instanceof AssetSpec) return replaceInSpec(item, keys, onlyKeysAndGroup(options)) as T;
  if (item instanceof SourceAsset) {
    const key = swap(item.key, keys);
    const current = item.options.groupName ?? DEFAULT_GROUP_NAME;
    const groupName = groupFor(current, options, item.key);
    if (key === item.key && groupName === current) return item;
    return new SourceAsset(key, { ...item.options, groupName }) as T;
  }
  return replaceInDefinition(item as AssetsDefinition<unknown>, keys, options) as T;
}

/** A copy of an assetCheck() definition whose target, additional deps and input follow `keys`. */
export function replaceCheckKeys(check: AssetChecksDefinition, keys: KeyReplacements): AssetChecksDefinition {
  const specs = check.specs.map((spec) => replaceInCheckSpec(spec, keys));
  if (specs.every((spec, i) => spec === check.specs[i])) return check;
  const inputs = check.inputs.map((input) => ({ ...input, key: swap(input.key, keys) }));
  const only = check.specs.length === 1 ? check.spec : undefined;
  // assetCheck() names the op `<target>_<check name>`: such a name follows the new target.
  const op = only && check.op.name === `${only.assetKey.toPythonIdentifier()}_${only.name}` ? renamed(check.op, `${(specs[0] as AssetCheckSpec).assetKey.toPythonIdentifier()}_${only.name}`) : check.op;
  return new AssetChecksDefinition({ specs, op, inputs });
}

function replaceInDefinition(definition: AssetsDefinition<unknown>, keys: KeyReplacements, options: ReplaceOptions): AssetsDefinition<unknown> {
  const specs = definition.specs.map((spec) => replaceInSpec(spec, keys, definition.isMaterializable ? options : onlyKeysAndGroup(options)));
  const checkSpecs = definition.checkSpecs.map((spec) => replaceInCheckSpec(spec, keys));
  const keysChange = definition.inputs.some((i) => keys.has(i.key.toString())) || definition.outputs.some((o) => keys.has(o.key.toString()));
  if (!keysChange && specs.every((s, i) => s === definition.specs[i]) && checkSpecs.every((c, i) => c === definition.checkSpecs[i])) return definition;

  const only = definition.specs.length === 1 ? (definition.specs[0] as AssetSpec) : undefined;
  const op = only && definition.op.name === only.key.toPythonIdentifier() ? renamed(definition.op, (specs[0] as AssetSpec).key.toPythonIdentifier()) : definition.op;
  return new AssetsDefinition({
    specs,
    op,
    // Input and output names stay: the compute receives and returns values by those names.
    inputs: definition.inputs.map((input) => ({ ...input, key: swap(input.key, keys) })),
    outputs: definition.outputs.map((output) => ({ ...output, key: swap(output.key, keys) })),
    resourceDefs: definition.resourceDefs,
    canSubset: definition.canSubset,
    returnsByOutputName: definition.returnsByOutputName,
    checkSpecs,
    executionType: definition.executionType,
  });
}

function replaceInSpec(spec: AssetSpec, keys: KeyReplacements, options: ReplaceOptions): AssetSpec {
  const key = swap(spec.key, keys);
  const deps = spec.deps.map((dep) => replaceInDep(dep, keys));
  const groupName = groupFor(spec.groupName, options, spec.key);
  const backfillPolicy = options.backfillPolicy ?? spec.backfillPolicy;
  const automationCondition = options.automationCondition ?? spec.automationCondition;
  const freshnessPolicy = options.freshnessPolicy ?? spec.freshnessPolicy;
  if (
    key === spec.key &&
    groupName === spec.groupName &&
    backfillPolicy === spec.backfillPolicy &&
    automationCondition === spec.automationCondition &&
    freshnessPolicy === spec.freshnessPolicy &&
    deps.every((d, i) => d === spec.deps[i])
  ) {
    return spec;
  }
  return spec.replaceAttributes({ key, deps, groupName, backfillPolicy, automationCondition, freshnessPolicy });
}

// Sources and external specs keep their own policies: the loader's apply to computed assets only.
function onlyKeysAndGroup(options: ReplaceOptions): ReplaceOptions {
  return { ...options, backfillPolicy: undefined, automationCondition: undefined, freshnessPolicy: undefined };
}

function replaceInCheckSpec(spec: AssetCheckSpec, keys: KeyReplacements): AssetCheckSpec {
  const assetKey = swap(spec.assetKey, keys);
  const additionalDeps = spec.additionalDeps.map((dep) => replaceInDep(dep, keys));
  if (assetKey === spec.assetKey && additionalDeps.every((d, i) => d === spec.additionalDeps[i])) return spec;
  return new AssetCheckSpec(spec.name, { asset: assetKey, blocking: spec.blocking, description: spec.description, additionalDeps, metadata: spec.metadata });
}

function replaceInDep(dep: AssetDep, keys: KeyReplacements): AssetDep {
  const key = swap(dep.key, keys);
  return key === dep.key ? dep : new AssetDep(key, { partitionMapping: dep.partitionMapping });
}

function swap(key: AssetKey, keys: KeyReplacements): AssetKey {
  return keys.get(key.toString()) ?? key;
}

function renamed(op: OpNode, name: string): OpNode {
  return name === op.name ? op : { ...op, name };
}

// The reference keeps a group an asset names itself and refuses to overwrite it with the loader's.
function groupFor(current: string, options: ReplaceOptions, key: AssetKey): string {
  const wanted = options.groupName;
  if (wanted === undefined || current === wanted) return current;
  if (current === DEFAULT_GROUP_NAME) return wanted;
  throw new InvalidDefinitionError(
    `Asset "${key.toString()}" (${options.describe}) is in group "${current}", but the loader was asked to put the assets it loads in group "${wanted}". ` +
      `Remove groupName from one of them (the asset's definition or the loader's options), or load that module separately.`,
    key.toString(),
  );
}
