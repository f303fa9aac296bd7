import { describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { BackfillPolicy, DailyPartitionsDefinition } from "../partitions/index.js";
import { launchBackfill } from "./backfill.js";

const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-11" });
const byKey = (ctx: { partitionKeys: readonly string[] }) => Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1]));

describe("canceling a backfill", () => {
  it("cancels its run in progress, so a single run over the range stops at its next step boundary", async () => {
    const instance = Instance.ephemeral();
    const policy = BackfillPolicy.singleRun();
    let ranDownstream = false;
    const raw = asset({ name: "raw", partitionsDef: daily, backfillPolicy: policy }, async (ctx) => {
      await instance.cancelBackfill(ctx.runTags["tessera/backfill"] as string);
      return byKey(ctx);
    });
    const cleaned = asset({ name: "cleaned", partitionsDef: daily, backfillPolicy: policy, deps: [raw] }, (ctx) => ((ranDownstream = true), byKey(ctx)));
    const backfill = await launchBackfill(new Definitions({ assets: [raw, cleaned] }), { instance, allPartitions: true });
    expect(backfill.status).toBe("CANCELED");
    expect(backfill.runIds).toHaveLength(1);
    const run = await instance.getRunById(backfill.runIds[0] as string);
    expect(run?.status).toBe("CANCELED");
    expect(ranDownstream).toBe(false);
    expect([...(await instance.getMaterializedPartitions("raw"))]).toHaveLength(10);
    expect([...(await instance.getMaterializedPartitions("cleaned"))]).toHaveLength(0);
  });

  it("cancels only the run in progress, leaving the backfill's finished runs as they ended", async () => {
    const instance = Instance.ephemeral();
    let calls = 0;
    const sales = asset({ name: "sales", partitionsDef: daily }, async (ctx) => {
      // The second run cancels: the first has already ended SUCCESS and stays so; the second ends CANCELED.
      if (++calls === 2) await instance.cancelBackfill(ctx.runTags["tessera/backfill"] as string);
      return 1;
    });
    const backfill = await launchBackfill(new Definitions({ assets: [sales] }), { instance, allPartitions: true });
    expect(backfill.status).toBe("CANCELED");
    const statuses = await Promise.all(backfill.runIds.map(async (id) => (await instance.getRunById(id))?.status));
    expect(statuses).toEqual(["SUCCESS", "CANCELED"]);
  });
});
