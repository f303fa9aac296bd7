// Definitions: the public set of definitions a code location exports as `defs`. It composes the layers below
// explicitly: the data and its own checks (definitions/), the checks that need the asset graph (graph/), and
// running its assets (execution/). Nothing here is attached to other layers' classes.
import type { AssetKeyLike } from "../core/index.js";
import { DefinitionsData, type AssetJobDefinition, type DefinitionsOptions } from "../definitions/index.js";
import {
  AssetValueLoader,
  ResolvedAssetJob,
  materializeDefinitions,
  submitDefinitions,
  type ExecuteOptions,
  type ExecuteResult,
  type LoadAssetValueOptions,
  type SelectionLike,
} from "../execution/index.js";
import { AssetGraph, resolveJobSelection, validateDefinitions } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import type { RunRecord } from "../storage/index.js";

/**
 * Everything a code location defines. Validates eagerly, whatever else was imported: bad items, duplicate keys,
 * missing resources, dependency cycles, bad partition mappings, job selections, schedule and sensor targets and
 * the assets automation conditions name all throw here, naming the culprit.
 *
 * @example
 * export const defs = new Definitions({ assets: [orders, revenue], resources: { warehouse } });
 * await defs.materialize("*revenue");
 */
export class Definitions extends DefinitionsData {
  constructor(options: DefinitionsOptions = {}) {
    super(options);
    validateDefinitions(this);
    Object.freeze(this);
  }

  override resolveJobAssetIds(job: AssetJobDefinition): string[] {
    const graph = AssetGraph.of(this);
    return resolveJobSelection(this, job).map((node) => graph.ids[node] as string);
  }

  /** A copy with more assets, resources, jobs, checks, schedules or sensors (and another executor). */
  override with(options: DefinitionsOptions): Definitions {
    return new Definitions(this.mergedOptions(options));
  }

  /** Materializes `selection` (default: every computed asset) in this process. */
  materialize(selection?: SelectionLike, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    return materializeDefinitions(this, selection, options);
  }

  /** Puts a run of `selection` on the instance's run queue; `tessera daemon` launches it. */
  submitRun(selection: SelectionLike | undefined, options: ExecuteOptions & { instance: Instance }): Promise<RunRecord> {
    return submitDefinitions(this, selection, options);
  }

  /** The job named `name`, bound to these definitions; an unknown name is an error naming the jobs there are. */
  getJobDef(name: string): ResolvedAssetJob {
    return new ResolvedAssetJob(this, this.getJob(name));
  }

  /** A loader of stored asset values through the assets' IO managers (the instance of `$TESSERA_HOME` unless given). Close it when done. */
  getAssetValueLoader(instance?: Instance): AssetValueLoader {
    return new AssetValueLoader(this, instance ?? Instance.fromHome());
  }

  /** Loads one stored value; uses the instance of `$TESSERA_HOME` unless one is given. */
  async loadAssetValue<T = unknown>(key: AssetKeyLike, options: LoadAssetValueOptions & { instance?: Instance } = {}): Promise<T> {
    const { instance, ...rest } = options;
    const owned = instance === undefined;
    const target = instance ?? Instance.fromHome();
    const loader = new AssetValueLoader(this, target);
    try {
      return await loader.loadAssetValue<T>(key, rest);
    } finally {
      await loader.close();
      if (owned) await target.close();
    }
  }
}
