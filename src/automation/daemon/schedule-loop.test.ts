import { describe, expect, it } from "vitest";
import { defineAssetJob } from "../../definitions/index.js";
import { RunRequest } from "../../definitions/index.js";
import { ScheduleDefinition } from "../../definitions/index.js";
import { dueTicks } from "./schedule-loop.js";
import { runKeyOf } from "./tick-execution.js";

const job = defineAssetJob({ name: "j", selection: "*" });
const iso = (ticks: number[]): string[] => ticks.map((t) => new Date(t).toISOString());

describe("dueTicks", () => {
  const daily = new ScheduleDefinition({ name: "daily", cronSchedule: "0 6 * * *", executionTimezone: "Europe/Berlin", job });

  it("lists the cron ticks after the last one up to now, inclusive of now", () => {
    const after = Date.UTC(2026, 0, 1, 5, 0);
    const now = Date.UTC(2026, 0, 3, 5, 0); // 06:00 Berlin on the 3rd
    expect(dueTicks(daily, after, now, 5)).toEqual({ ticks: [Date.UTC(2026, 0, 2, 5, 0), now], skipped: 0 });
    expect(dueTicks(daily, after, now - 1, 5).ticks).toHaveLength(1);
  });

  it("keeps only the latest `max` ticks when the daemon fell behind, counting the rest", () => {
    const after = Date.UTC(2026, 0, 1, 12, 0);
    const due = dueTicks(daily, after, Date.UTC(2026, 2, 1, 12, 0), 3); // 59 ticks in January and February
    expect(due.skipped).toBe(56);
    expect(iso(due.ticks)).toEqual(["2026-02-27T05:00:00.000Z", "2026-02-28T05:00:00.000Z", "2026-03-01T05:00:00.000Z"]);
  });

  it("follows the zone across a DST change (06:00 Berlin is 05:00 UTC in winter, 04:00 UTC in summer)", () => {
    const due = dueTicks(daily, Date.UTC(2026, 2, 28, 12, 0), Date.UTC(2026, 2, 30, 12, 0), 5);
    expect(iso(due.ticks)).toEqual(["2026-03-29T04:00:00.000Z", "2026-03-30T04:00:00.000Z"]);
  });
});

describe("runKeyOf", () => {
  it("uses the request's run key, else one made of the instigator, the tick time and the position", () => {
    const at = Date.UTC(2026, 0, 1);
    expect(runKeyOf("s", at, 2, new RunRequest({ runKey: "mine" }))).toBe("mine");
    expect(runKeyOf("s", at, 2, new RunRequest())).toBe("s:2026-01-01T00:00:00.000Z:2");
  });
});
