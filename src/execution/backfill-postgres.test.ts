// A backfill mixing partitionings on PostgreSQL: its per-asset progress is stored and read back, and resumed.
import { describe, expect, it } from "vitest";
import { postgresForTests, throwawayPostgresStorage } from "../../test/support/postgres.js";
import { ManualClock } from "../core/index.js";
import { asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition } from "../partitions/index.js";
import { backfillAssetStatuses, resumeBackfill, submitBackfill } from "./backfill.js";

const server = await postgresForTests();

describe.skipIf(!server.reachable)("backfills on PostgreSQL", () => {
  it("stores a mixed backfill's per-asset partitions and runs it from the daemon's resume", async () => {
    const instance = new Instance(throwawayPostgresStorage(server.url), { clock: new ManualClock(new Date("2026-11-02T00:00:00Z")) });
    try {
      const hourly = asset({ name: "hourly", partitionsDef: new HourlyPartitionsDefinition({ startDate: "2026-11-01-00:00" }) }, () => 1);
      const daily = asset({ name: "daily", partitionsDef: new DailyPartitionsDefinition({ startDate: "2026-11-01" }), deps: [hourly] }, () => 2);
      const report = asset({ name: "report", deps: [daily] }, () => 3);
      const defs = new Definitions({ assets: [hourly, daily, report] });
      const queued = await submitBackfill(defs, { instance, partitionRange: { start: "2026-11-01-00:00", end: "2026-11-01-23:00" } });
      expect((await instance.getBackfill(queued.backfillId))?.assetPartitions).toEqual(queued.assetPartitions);
      const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
      expect(done.status).toBe("COMPLETED");
      expect(done.runIds).toHaveLength(26);
      expect(backfillAssetStatuses((await instance.getBackfill(queued.backfillId)) ?? done).map((s) => [s.assetKey, s.numTargeted, s.numMaterialized])).toEqual([
        ["hourly", 24, 24],
        ["daily", 1, 1],
        ["report", 1, 1],
      ]);
    } finally {
      await instance.close();
    }
  });
});
