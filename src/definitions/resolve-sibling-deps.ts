// Dependencies named by a bare name that no asset has, resolved to the one asset of that name in the same group
// (the reference's resolve_assets_def_deps): `ins: { orders: new AssetIn() }` on `asset({ keyPrefix: "shop" })`
// finds `shop/orders`.
import type { AssetKey } from "../core/index.js";
import { AssetSpec } from "./asset-spec.js";
import { AssetsDefinition } from "./assets-definition.js";
import { replaceAssetKeys } from "./replace-asset-keys.js";

/**
 * `assets` with each definition's one-segment dependency keys that match no asset replaced by the single asset of
 * the same group whose key ends in that name (not one of the definition's own). Ambiguous or missing matches stay
 * as they are: they are external assets, as an undeclared dependency always is. Returns `assets` itself when nothing
 * needs resolving, so the common case costs one pass over the keys.
 */
export function resolveSiblingDeps(assets: readonly (AssetsDefinition<unknown> | AssetSpec)[]): (AssetsDefinition<unknown> | AssetSpec)[] {
  const known = new Set<string>();
  for (const item of assets) for (const spec of specsOf(item)) known.add(spec.key.toString());
  let byGroupAndName: Map<string, AssetKey[]> | undefined;
  let changed = false;
  const resolved = assets.map((item) => {
    if (!(item instanceof AssetsDefinition)) return item;
    let replacements: Map<string, AssetKey> | undefined;
    for (const spec of item.specs) {
      for (const dep of spec.deps) {
        if (dep.key.path.length !== 1 || known.has(dep.key.toString())) continue;
        byGroupAndName ??= indexByGroupAndName(assets);
        const matches = byGroupAndName.get(groupAndName(spec.groupName, dep.key.path[0] as string)) ?? [];
        const [match] = matches;
        if (matches.length !== 1 || match === undefined || item.specs.some((own) => own.key.equals(match))) continue;
        (replacements ??= new Map()).set(dep.key.toString(), match);
      }
    }
    if (!replacements) return item;
    changed = true;
    return replaceAssetKeys(item, replacements, { describe: `asset "${item.specs[0]?.key.toString()}"` });
  });
  return changed ? resolved : [...assets];
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
