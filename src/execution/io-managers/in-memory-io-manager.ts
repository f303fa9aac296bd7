// An IO manager that keeps values in memory: for tests and ephemeral instances.
import { MissingAssetValueError, type AssetKey } from "../../core/index.js";
import type { IOManager, InputContext, OutputContext } from "../../definitions/index.js";

/** Keeps asset values in this process's memory, for tests: nothing is written, and values die with the process. */
export class InMemoryIOManager implements IOManager {
  readonly values = new Map<string, unknown>();

  static slot(key: AssetKey, partitionKey: string | undefined): string {
    return partitionKey === undefined ? key.toString() : `${key.toString()}[${partitionKey}]`;
  }

  handleOutput(ctx: OutputContext, value: unknown): void {
    this.values.set(InMemoryIOManager.slot(ctx.assetKey, ctx.partitionKey), value);
  }

  loadInput(ctx: InputContext): unknown {
    const slot = InMemoryIOManager.slot(ctx.assetKey, ctx.partitionKey);
    if (!this.values.has(slot)) {
      throw new MissingAssetValueError(
        ctx.assetKey.toString(),
        `No value for asset "${slot}" in the in-memory IO manager: it keeps only values materialized in this process. Materialize it in the same run or process first.`,
      );
    }
    return this.values.get(slot);
  }
}
