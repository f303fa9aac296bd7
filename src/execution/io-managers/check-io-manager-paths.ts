// Before a run writes anything, the assets that share a filesystem IO manager must map to distinct paths.
import type { AssetKey } from "../../core/index.js";
import { DEFAULT_IO_MANAGER_KEY } from "../../definitions/index.js";
import type { AssetGraph } from "../../graph/index.js";
import type { PreparedResource } from "../resources.js";
import { FilesystemIOManager } from "./filesystem-io-manager.js";

// One check per graph and manager: a process that runs many times against the same definitions checks once.
const checked = new WeakMap<AssetGraph, WeakSet<FilesystemIOManager>>();

/** Throws InvalidAssetKeyError when two assets stored by the same FilesystemIOManager would share a path. */
export function checkIOManagerPaths(graph: AssetGraph, resources: readonly PreparedResource[]): void {
  const managers = resources.filter((r): r is PreparedResource & { definition: FilesystemIOManager } => r.definition instanceof FilesystemIOManager);
  if (managers.length === 0) return;
  let done = checked.get(graph);
  if (!done) checked.set(graph, (done = new WeakSet()));
  const pending = managers.filter((m) => !done.has(m.definition));
  if (pending.length === 0) return;
  const keysByResource = new Map<string, AssetKey[]>();
  for (let i = 0; i < graph.keys.length; i++) {
    const key = graph.keys[i] as AssetKey;
    const def = graph.definitions[i];
    const ioKey = def ? def.outputForKey(key).ioManagerKey : (graph.specs[i]?.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY);
    let list = keysByResource.get(ioKey);
    if (!list) keysByResource.set(ioKey, (list = []));
    list.push(key);
  }
  for (const m of pending) {
    // Several resource keys may hold the same manager object: check their assets together.
    const keys = managers.filter((o) => o.definition === m.definition).flatMap((o) => keysByResource.get(o.key) ?? []);
    m.definition.checkKeys(keys);
    done.add(m.definition);
  }
}
