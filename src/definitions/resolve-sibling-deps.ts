// Dependencies named by a bare name that no asset has, resolved to the one asset of that name in the same group
// (the reference's resolve_assets_def_deps): `ins: { orders: new AssetIn() }` on `asset({ keyPrefix: "shop" })`
// finds `shop/orders`.
import type { AssetKey } from "../core/index.js";
import type { AssetDep } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import { AssetsDefinition } from "./assets-definition.js";
import { replaceAssetKeys } from "./replace-asset-keys.js";

/**
 * `assets` with each definition's one-segment dependency keys that match no asset replaced by the single asset of
 * the same group whose key ends in that name (not one of the definition's own). Ambiguous or missing matches stay
 * as they are: they are external assets, as an undeclared dependency always is. `known` holds every key's string
 * form; `candidates`, when given, are the positions (ascending) of the only items that may need resolving. Returns
 * `assets` itself when nothing needs resolving, so the common case costs one look-up per dependency.
 */
export function resolveSiblingDeps(
  assets: readonly (AssetsDefinition<unknown> | AssetSpec)[],
  known: { has(id: string): boolean },
  candidates?: readonly number[],
): readonly (AssetsDefinition<unknown> | AssetSpec)[] {
  let byGroupAndName: Map<string, AssetKey[]> | undefined;
  let resolved: (AssetsDefinition<unknown> | AssetSpec)[] | undefined;
  const count = candidates ? candidates.length : assets.length;
  for (let c = 0; c < count; c++) {
    const i = candidates ? (candidates[c] as number) : c;
    const item = assets[i];
    if (!(item instanceof AssetsDefinition)) continue;
    let replacements: Map<string, AssetKey> | undefined;
    const specs = item.specs;
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s] as AssetSpec;
      const deps = spec.deps;
      for (let d = 0; d < deps.length; d++) {
        const key = (deps[d] as AssetDep).key;
        if (key.path.length !== 1 || known.has(key.toString())) continue;
        byGroupAndName ??= indexByGroupAndName(assets);
        const matches = byGroupAndName.get(groupAndName(spec.groupName, key.path[0] as string)) ?? [];
        const [match] = matches;
        if (matches.length !== 1 || match === undefined || item.specs.some((own) => own.key.equals(match))) continue;
        (replacements ??= new Map()).set(key.toString(), match);
      }
    }
    if (!replacements) continue;
    resolved ??= assets.slice();
    resolved[i] = replaceAssetKeys(item, replacements, { describe: `asset "${item.specs[0]?.key.toString()}"` });
  }
  return resolved ?? assets;
}

function specsOf(item: AssetsDefinition<unknown> | AssetSpec): readonly AssetSpec[] {
  return item instanceof AssetSpec ? [item] : item.specs;
}

function groupAndName(group: string, name: string): string {
  return `${group}\u0000${name}`;
}

function indexByGroupAndName(assets: readonly (AssetsDefinition<unknown> | AssetSpec)[]): Map<string, AssetKey[]> {
  const index = new Map<string, AssetKey[]>();
  for (const item of assets) {
    for (const spec of specsOf(item)) {
      const id = groupAndName(spec.groupName, spec.key.path[spec.key.path.length - 1] as string);
      const list = index.get(id);
      if (list) list.push(spec.key);
      else index.set(id, [spec.key]);
    }
  }
  return index;
}
