// assetSensor(): a sensor that fires on new materializations of one asset, with the instance's storage id as cursor.
import { AssetKey, InvalidDefinitionError, type AssetKeyLike, type EventRecord } from "../core/index.js";
import type { SensorEvaluationContext } from "./instigator-context.js";
import { InvalidEvaluationResultError } from "./errors.js";
import { collectItems } from "./evaluate-tick.js";
import { SensorResult, SkipReason } from "./run-request.js";
import { SensorDefinition, type SensorDefinitionOptions, type SensorEvaluationResult } from "./sensor-definition.js";

/** Options for `assetSensor()`: the asset to watch, plus those of `sensor()`. */
export interface AssetSensorOptions extends Omit<SensorDefinitionOptions, "name"> {
  /** The asset whose materializations trigger the sensor. */
  assetKey: AssetKeyLike;
  /** @default the function's name */
  name?: string;
}

/** Called with the newest materialization recorded since the previous tick. */
export type AssetSensorFunction = (
  ctx: SensorEvaluationContext,
  materialization: EventRecord,
) => SensorEvaluationResult | Promise<SensorEvaluationResult>;

/**
 * A sensor that fires when `assetKey` has been materialized since its previous tick. Each tick reads the newest
 * materialization; when its storage id is past the cursor, the function is called with it and the cursor moves to
 * that storage id (materializations in between are not passed one by one, as in the reference).
 * Without a new materialization the tick skips. The function cannot set the cursor itself.
 *
 * @example
 * export const onOrders = assetSensor({ assetKey: "orders", name: "on_orders", job: report }, (ctx, event) =>
 *   new RunRequest({ runKey: String(event.storageId) }));
 */
export function assetSensor(options: AssetSensorOptions, fn: AssetSensorFunction): SensorDefinition {
  if (options === null || typeof options !== "object") {
    throw new InvalidDefinitionError("assetSensor(options, fn) takes an options object { assetKey, name, job | target | jobName, ... }.");
  }
  if (typeof fn !== "function") {
    throw new InvalidDefinitionError("assetSensor(options, fn) needs a function (ctx, materialization) returning RunRequests, a SkipReason or a SensorResult.");
  }
  const name = options.name ?? (fn.name || undefined);
  if (name === undefined) throw new InvalidDefinitionError(`assetSensor() needs a name: assetSensor({ assetKey, name: "on_orders", job }, fn), or a named function.`);
  if (options.assetKey === undefined) throw new InvalidDefinitionError(`The asset sensor "${name}" needs the assetKey it watches.`, `sensor "${name}"`);
  const assetKey = AssetKey.from(options.assetKey);
  const { assetKey: _key, ...sensorOptions } = options;
  return new SensorDefinition({ ...sensorOptions, name }, async (ctx) => {
    const after = readCursor(name, ctx.cursor);
    const { records } = await ctx.instance.fetchMaterializations(assetKey, { limit: 1 });
    const latest = records[0];
    if (!latest || (after !== undefined && latest.storageId <= after)) {
      return new SkipReason(`No new materialization events found for asset key "${assetKey.toString()}"`);
    }
    const items = await collectItems(fn(ctx, latest));
    if (items.some((i) => i instanceof SensorResult && i.cursor !== undefined)) {
      throw new InvalidEvaluationResultError(
        "sensor",
        name,
        "returned a SensorResult with a cursor, but an asset sensor keeps its own cursor (the storage id of the last materialization it saw): leave cursor out.",
      );
    }
    ctx.updateCursor(String(latest.storageId));
    return items as SensorEvaluationResult;
  });
}

function readCursor(name: string, cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const n = Number(cursor);
  if (!Number.isInteger(n)) {
    throw new InvalidEvaluationResultError(
      "sensor",
      name,
      `was given the cursor ${JSON.stringify(cursor)}, but an asset sensor's cursor is the storage id of the last materialization it saw (an integer). Start without a cursor.`,
    );
  }
  return n;
}
