import { describe, expect, it } from "vitest";
import { InvalidDefinitionError } from "../core/index.js";
import { asset, defineAssetJob } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition, StaticPartitionsDefinition } from "../partitions/index.js";
import { buildScheduleContext, buildScheduleFromPartitionedJob } from "./index.js";
import { executeRunRequests } from "../automation/index.js";

const days = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
const events = asset({ name: "events", partitionsDef: days }, (ctx) => `events of ${ctx.partitionKey}`);
const dailyJob = defineAssetJob({ name: "events_job", selection: "events", partitionsDef: days });
const at = (time: string, definitions?: Definitions) =>
  buildScheduleContext({ scheduledExecutionTime: new Date(time), ...(definitions ? { definitions } : {}) });

describe("buildScheduleFromPartitionedJob", () => {
  it("ticks once per daily partition, at the partitions' cadence and timezone, named after the job", () => {
    const s = buildScheduleFromPartitionedJob(dailyJob);
    expect(s.name).toBe("events_job_schedule");
    expect(s.cronSchedule).toBe("0 0 * * *");
    expect(s.executionTimezone).toBe("UTC");
    expect(s.nextTicks(new Date("2024-01-04T12:00:00Z"), 2).map((d) => d.toISOString())).toEqual(["2024-01-05T00:00:00.000Z", "2024-01-06T00:00:00.000Z"]);
  });

  it("requests the partition that has just ended, with its key as run key", async () => {
    const s = buildScheduleFromPartitionedJob(dailyJob, { tags: { source: "schedule" } });
    const tick = await s.evaluateTick(at("2024-01-05T00:00:00Z"));
    expect(tick.runRequests.map((r) => [r.runKey, r.partitionKey, r.jobName])).toEqual([["2024-01-04", "2024-01-04", "events_job"]]);
    expect(tick.runRequests[0]?.tags).toEqual({ source: "schedule", "tessera/partition": "2024-01-04", "tessera/schedule_name": "events_job_schedule" });
  });

  it("moves the tick with hourOfDay and minuteOfHour, still requesting the previous day", async () => {
    const s = buildScheduleFromPartitionedJob(dailyJob, { hourOfDay: 2, minuteOfHour: 15 });
    expect(s.cronSchedule).toBe("15 2 * * *");
    const tick = await s.evaluateTick(at("2024-01-05T02:15:00Z"));
    expect(tick.runRequests[0]?.partitionKey).toBe("2024-01-04");
  });

  it("follows partitions in Europe/Berlin across the spring-forward night", async () => {
    const berlinDays = new DailyPartitionsDefinition({ startDate: "2024-03-01", timezone: "Europe/Berlin", hourOffset: 2, minuteOffset: 30 });
    const job = defineAssetJob({ name: "berlin_job", partitionsDef: berlinDays });
    const s = buildScheduleFromPartitionedJob(job);
    expect(s.executionTimezone).toBe("Europe/Berlin");
    const ticks = s.nextTicks(new Date("2024-03-30T12:00:00Z"), 2);
    expect(ticks.map((d) => d.toISOString())).toEqual(["2024-03-31T01:00:00.000Z", "2024-04-01T00:30:00.000Z"]);
    const keys = [];
    for (const t of ticks) keys.push((await s.evaluateTick(buildScheduleContext({ scheduledExecutionTime: t }))).runRequests[0]?.partitionKey);
    expect(keys).toEqual(["2024-03-30", "2024-03-31"]);
  });

  it("skips a tick before the first partition has ended", async () => {
    const tick = await buildScheduleFromPartitionedJob(dailyJob).evaluateTick(at("2024-01-01T00:00:00Z"));
    expect(tick.skipMessage).toBe("The job's PartitionsDefinition has no partitions");
  });

  it("requests every static partition at each tick of the given cron schedule", async () => {
    const regions = new StaticPartitionsDefinition(["eu", "us"]);
    const job = defineAssetJob({ name: "regions_job", partitionsDef: regions });
    const s = buildScheduleFromPartitionedJob(job, { cronSchedule: "0 6 * * *" });
    const tick = await s.evaluateTick(at("2024-01-05T06:00:00Z"));
    expect(tick.runRequests.map((r) => r.runKey)).toEqual(["eu", "us"]);
    expect(() => buildScheduleFromPartitionedJob(job)).toThrow(/pass \{ cronSchedule \}/);
  });

  it("refuses offsets that do not fit the cadence, and a job without partitions", () => {
    const hourly = defineAssetJob({ name: "hourly_job", partitionsDef: new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00" }) });
    expect(() => buildScheduleFromPartitionedJob(hourly, { hourOfDay: 3 })).toThrow(/hourOfDay cannot be set for hourly partitions/);
    expect(() => buildScheduleFromPartitionedJob(dailyJob, { dayOfWeek: 1 })).toThrow(/dayOfWeek cannot be set for daily partitions/);
    expect(() => buildScheduleFromPartitionedJob(dailyJob, { cronSchedule: "0 3 * * *" })).toThrow(/leave out cronSchedule/);
    const plain = defineAssetJob({ name: "plain" });
    expect(() => buildScheduleFromPartitionedJob(plain)).toThrow(InvalidDefinitionError);
    expect(() => buildScheduleFromPartitionedJob(plain)).toThrow(/Give the job one: defineAssetJob\(\{ name: "plain", selection, partitionsDef \}\)/);
  });

  it("materializes the requested partition in-process, and not twice for one run key", async () => {
    const s = buildScheduleFromPartitionedJob(dailyJob);
    const defs = new Definitions({ assets: [events], jobs: [dailyJob], schedules: [s] });
    const instance = Instance.ephemeral();
    const tick = await s.evaluateTick(at("2024-01-05T00:00:00Z", defs));
    const first = await executeRunRequests({ defs, instance, instigator: s, evaluation: tick });
    expect(first.results).toHaveLength(1);
    expect(first.results[0]?.assetValue("events", { partitionKey: "2024-01-04" })).toBe("events of 2024-01-04");
    expect(first.results[0]?.run.tags["tessera/run_key"]).toBe("2024-01-04");
    expect(first.results[0]?.run.jobName).toBe("events_job");
    const again = await executeRunRequests({ defs, instance, instigator: s, evaluation: tick });
    expect(again).toEqual({ results: [], skippedRunKeys: ["2024-01-04"] });
    expect([...(await instance.getMaterializedPartitions("events"))]).toEqual(["2024-01-04"]);
    await instance.close();
  });
});
