import { describe, expect, it } from "vitest";
import { AssetIn, asset, type InputContext, type IOManager, type OutputContext } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { BackfillPolicy, DailyPartitionsDefinition, TimeWindowPartitionMapping } from "../partitions/index.js";
import { launchBackfill } from "./backfill.js";

const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-11" });

/** Records what each call is told, and keeps values per partition. */
class RecordingIOManager implements IOManager {
  readonly outputs: Pick<OutputContext, "partitionKey" | "hasPartitionKey" | "assetPartitionKeys" | "assetPartitionKeyRange" | "assetPartitionsTimeWindow">[] = [];
  readonly inputs: Pick<InputContext, "partitionKey" | "hasPartitionKey" | "assetPartitionKeys" | "assetPartitionKeyRange" | "assetPartitionsTimeWindow">[] = [];
  readonly values = new Map<string, unknown>();
  handleOutput(ctx: OutputContext, value: unknown): void {
    const { partitionKey, hasPartitionKey, assetPartitionKeys, assetPartitionKeyRange, assetPartitionsTimeWindow } = ctx;
    this.outputs.push({ partitionKey, hasPartitionKey, assetPartitionKeys, assetPartitionKeyRange, assetPartitionsTimeWindow });
    this.values.set(`${ctx.assetKey.toString()}[${ctx.partitionKey}]`, value);
  }
  loadInput(ctx: InputContext): unknown {
    const { partitionKey, hasPartitionKey, assetPartitionKeys, assetPartitionKeyRange, assetPartitionsTimeWindow } = ctx;
    this.inputs.push({ partitionKey, hasPartitionKey, assetPartitionKeys, assetPartitionKeyRange, assetPartitionsTimeWindow });
    return this.values.get(`${ctx.assetKey.toString()}[${ctx.partitionKey}]`);
  }
}

const window = (start: string, end: string) => ({ start: new Date(`${start}T00:00:00Z`), end: new Date(`${end}T00:00:00Z`) });

describe("IO manager contexts of partitioned runs", () => {
  it("tell each handleOutput of a single-run backfill its partition and the whole range with its time window", async () => {
    const io = new RecordingIOManager();
    const sales = asset({ name: "sales", partitionsDef: daily, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) =>
      Object.fromEntries(ctx.partitionKeys.map((k) => [k, k.slice(-2)])),
    );
    await launchBackfill(new Definitions({ assets: [sales], resources: { ioManager: io } }), {
      instance: Instance.ephemeral(),
      partitionRange: { start: "2026-11-02", end: "2026-11-04" },
    });
    const range = ["2026-11-02", "2026-11-03", "2026-11-04"];
    expect(io.outputs).toEqual(
      range.map((partitionKey) => ({
        partitionKey,
        hasPartitionKey: true,
        assetPartitionKeys: range,
        assetPartitionKeyRange: { start: "2026-11-02", end: "2026-11-04" },
        assetPartitionsTimeWindow: window("2026-11-02", "2026-11-05"),
      })),
    );
    expect(io.values.get("sales[2026-11-03]")).toBe("03");
  });

  it("tell each loadInput the upstream partition it loads and every partition the input reads", async () => {
    const io = new RecordingIOManager();
    const sales = asset({ name: "sales", partitionsDef: daily }, (ctx) => ctx.partitionKey);
    const twoDays = asset(
      { name: "two_days", partitionsDef: daily, ins: { sales: new AssetIn({ key: "sales", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1 }) }) } },
      (_ctx, { sales }) => sales,
    );
    const defs = new Definitions({ assets: [sales, twoDays], resources: { ioManager: io } });
    const instance = Instance.ephemeral();
    for (const day of ["2026-11-02", "2026-11-03"]) await defs.materialize(["sales"], { instance, partitionKey: day });
    const result = await defs.materialize(["two_days"], { instance, partitionKey: "2026-11-03" });
    expect(result.assetValue("two_days", { partitionKey: "2026-11-03" })).toEqual({ "2026-11-02": "2026-11-02", "2026-11-03": "2026-11-03" });
    const told = { hasPartitionKey: true, assetPartitionKeys: ["2026-11-02", "2026-11-03"], assetPartitionKeyRange: { start: "2026-11-02", end: "2026-11-03" }, assetPartitionsTimeWindow: window("2026-11-02", "2026-11-04") };
    expect(io.inputs).toEqual([{ partitionKey: "2026-11-02", ...told }, { partitionKey: "2026-11-03", ...told }]);
  });

  it("give an input of several partitions one loadInputPartitions call, with the partitions definition, when the IO manager has it", async () => {
    const io = new RecordingIOManager();
    const ranges: { keys: readonly string[] | undefined; def: unknown }[] = [];
    const ranged = Object.assign(io, {
      loadInputPartitions(ctx: InputContext): unknown {
        ranges.push({ keys: ctx.assetPartitionKeys, def: ctx.partitionsDef });
        return ctx.assetPartitionKeys?.join("+");
      },
    });
    const sales = asset({ name: "sales", partitionsDef: daily }, (ctx) => ctx.partitionKey);
    const twoDays = asset(
      { name: "two_days", partitionsDef: daily, ins: { sales: new AssetIn({ key: "sales", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1 }) }) } },
      (_ctx, { sales }) => sales,
    );
    const defs = new Definitions({ assets: [sales, twoDays], resources: { ioManager: ranged } });
    const instance = Instance.ephemeral();
    for (const day of ["2026-11-02", "2026-11-03"]) await defs.materialize(["sales"], { instance, partitionKey: day });
    const result = await defs.materialize(["two_days"], { instance, partitionKey: "2026-11-03" });
    expect(result.assetValue("two_days", { partitionKey: "2026-11-03" })).toBe("2026-11-02+2026-11-03");
    expect(ranges).toEqual([{ keys: ["2026-11-02", "2026-11-03"], def: daily }]);
    expect(io.inputs).toEqual([]);
  });

  it("tell an unpartitioned asset's IO manager it has no partition", async () => {
    const io = new RecordingIOManager();
    const plain = asset({ name: "plain" }, () => 1);
    await new Definitions({ assets: [plain], resources: { ioManager: io } }).materialize(["plain"], { instance: Instance.ephemeral() });
    expect(io.outputs).toEqual([{ partitionKey: undefined, hasPartitionKey: false, assetPartitionKeys: undefined, assetPartitionKeyRange: undefined, assetPartitionsTimeWindow: undefined }]);
  });
});
