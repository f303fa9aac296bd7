// When the quickstart runs by itself: every morning, and whenever a new shop export arrives.
import { RunRequest, ScheduleDefinition, SkipReason, sensor, type AssetJobDefinition } from "@tessera/core";
import { SourceFiles } from "./resources.js";

/** The report the finance team reads at 08:00, rebuilt at 06:00 Berlin time. */
export function morningReport(job: AssetJobDefinition): ScheduleDefinition {
  return new ScheduleDefinition({ name: "finance_report_every_morning", cronSchedule: "0 6 * * *", executionTimezone: "Europe/Berlin", job });
}

/** Rebuilds the report as soon as the shop drops a new orders.csv: the file's hash is the cursor. */
export function newShopExport(job: AssetJobDefinition, dataDir: string) {
  return sensor({ name: "new_shop_export", job, minimumIntervalSeconds: 60, description: "A new orders.csv arrived" }, async (ctx) => {
    const { sha256 } = await new SourceFiles(dataDir).fingerprint("orders.csv");
    if (ctx.cursor === sha256) return new SkipReason("orders.csv has not changed");
    ctx.updateCursor(sha256);
    return new RunRequest({ runKey: sha256.slice(0, 16) });
  });
}
