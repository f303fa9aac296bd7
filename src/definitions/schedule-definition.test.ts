import { describe, expect, it } from "vitest";
import { InvalidDefinitionError } from "../core/index.js";
import { asset, defineAssetJob } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { DailyPartitionsDefinition, InvalidCronScheduleError, InvalidTimezoneError } from "../partitions/index.js";
import {
  buildScheduleContext,
  DefaultScheduleStatus,
  InvalidEvaluationResultError,
  InvalidRunRequestError,
  nextTicks,
  RunRequest,
  schedule,
  ScheduleDefinition,
  SensorDefinition,
  SkipReason,
  UnknownJobTargetError,
} from "./index.js";

const orders = asset({ name: "orders" }, () => [1, 2, 3]);
const ordersJob = defineAssetJob({ name: "orders_job", selection: "orders" });
const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());
const tickAt = (time: string) => buildScheduleContext({ scheduledExecutionTime: new Date(time) });

describe("ScheduleDefinition", () => {
  it("requests one run of its job per tick, with the schedule's run config and tags, tagged with its name", async () => {
    const runConfig = { ops: { orders: { config: { limit: 3 } } } };
    const nightly = new ScheduleDefinition({ name: "nightly", cronSchedule: "0 1 * * *", job: ordersJob, runConfig, tags: { team: "sales" } });
    const tick = await nightly.evaluateTick(tickAt("2024-05-02T01:00:00Z"));
    expect(tick.skipMessage).toBeUndefined();
    expect(tick.runRequests).toHaveLength(1);
    const [request] = tick.runRequests;
    expect(request?.jobName).toBe("orders_job");
    expect(request?.runKey).toBeUndefined();
    expect(request?.runConfig).toEqual(runConfig);
    expect(request?.tags).toEqual({ team: "sales", "tessera/schedule_name": "nightly" });
    expect(nightly.defaultStatus).toBe(DefaultScheduleStatus.STOPPED);
    expect(nightly.executionTimezone).toBe("UTC");
  });

  it("gives its function the scheduled execution time of the tick", async () => {
    const hourly = schedule({ name: "hourly", cronSchedule: "0 * * * *", job: ordersJob }, (ctx) =>
      new RunRequest({ runKey: ctx.scheduledExecutionTime.toISOString(), tags: { hour: String(ctx.scheduledExecutionTime.getUTCHours()) } }),
    );
    const tick = await hourly.evaluateTick(tickAt("2024-05-02T07:00:00Z"));
    expect(tick.runRequests.map((r) => [r.runKey, r.tags.hour])).toEqual([["2024-05-02T07:00:00.000Z", "7"]]);
  });

  it("takes the function's name when no name is given", () => {
    const s = schedule({ cronSchedule: "@daily", job: ordersJob }, function refresh_orders() {
      return new RunRequest();
    });
    expect(s.name).toBe("refresh_orders");
  });

  it("skips a tick whose function returns nothing or a SkipReason, with the reason", async () => {
    const empty = schedule({ name: "empty", cronSchedule: "@daily", job: ordersJob }, () => undefined);
    expect((await empty.evaluateTick(tickAt("2024-05-02T00:00:00Z"))).skipMessage).toBe("Schedule function returned an empty result");
    const skipping = schedule({ name: "skipping", cronSchedule: "@daily", job: ordersJob }, () => new SkipReason("holiday"));
    const tick = await skipping.evaluateTick(tickAt("2024-05-02T00:00:00Z"));
    expect(tick).toEqual({ runRequests: [], skipMessage: "holiday", cursor: undefined, dynamicPartitionsRequests: [] });
  });

  it("skips a tick when shouldExecute returns false", async () => {
    const weekdays = new ScheduleDefinition({
      name: "weekdays",
      cronSchedule: "0 9 * * *",
      job: ordersJob,
      shouldExecute: (ctx) => ![0, 6].includes(ctx.scheduledExecutionTime.getUTCDay()),
    });
    expect((await weekdays.evaluateTick(tickAt("2024-05-04T09:00:00Z"))).skipMessage).toMatch(/shouldExecute of schedule "weekdays" returned false/);
    expect((await weekdays.evaluateTick(tickAt("2024-05-06T09:00:00Z"))).runRequests).toHaveLength(1);
  });

  it("accepts several run requests from an async generator when each has a run key", async () => {
    const regions = schedule({ name: "regions", cronSchedule: "@daily", job: ordersJob }, async function* () {
      for (const region of ["eu", "us"]) yield new RunRequest({ runKey: region, tags: { region } });
    });
    const tick = await regions.evaluateTick(tickAt("2024-05-02T00:00:00Z"));
    expect(tick.runRequests.map((r) => r.runKey)).toEqual(["eu", "us"]);
  });

  it("refuses several run requests without run keys, saying each needs one", async () => {
    const twice = schedule({ name: "twice", cronSchedule: "@daily", job: ordersJob }, () => [new RunRequest(), new RunRequest()]);
    await expect(twice.evaluateTick(tickAt("2024-05-02T00:00:00Z"))).rejects.toThrow(/must give each a distinct runKey/);
  });

  it("refuses a function that returns run config instead of a RunRequest, saying what to return", async () => {
    const legacy = schedule({ name: "legacy", cronSchedule: "@daily", job: ordersJob }, (() => ({ ops: {} })) as never);
    const error = await legacy.evaluateTick(tickAt("2024-05-02T00:00:00Z")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEvaluationResultError);
    expect((error as Error).message).toMatch(/schedule "legacy" returned an object .* must return a RunRequest, an array of RunRequests or a SkipReason .*new RunRequest\(\{ runConfig/);
  });

  it("refuses an invalid cron string, naming it", () => {
    expect(() => new ScheduleDefinition({ name: "bad", cronSchedule: "0 25 * * *", job: ordersJob })).toThrow(InvalidCronScheduleError);
    expect(() => new ScheduleDefinition({ name: "bad", cronSchedule: "every day", job: ordersJob })).toThrow(/"every day" is invalid/);
  });

  it("refuses a timezone that is not an IANA name, suggesting one", () => {
    const make = () => new ScheduleDefinition({ name: "bad_tz", cronSchedule: "@daily", job: ordersJob, executionTimezone: "berlin" });
    expect(make).toThrow(InvalidTimezoneError);
    expect(make).toThrow(/Did you mean "Europe\/Berlin"/);
  });

  it("refuses both runConfig and an evaluation function, and two kinds of target", () => {
    expect(() => schedule({ name: "both", cronSchedule: "@daily", job: ordersJob, runConfig: {} }, () => new RunRequest())).toThrow(/return new RunRequest\(\{ runConfig \}\)/);
    expect(() => new ScheduleDefinition({ name: "two", cronSchedule: "@daily", job: ordersJob, jobName: "orders_job" })).toThrow(/give only one of them/);
  });

  it("ticks at the union of several cron schedules, once where they coincide", () => {
    const twice = new ScheduleDefinition({ name: "twice", cronSchedule: ["0 9 * * *", "0 9,17 * * 1"], job: ordersJob });
    expect(iso(twice.nextTicks(new Date("2024-05-05T12:00:00Z"), 4))).toEqual([
      "2024-05-06T09:00:00.000Z",
      "2024-05-06T17:00:00.000Z",
      "2024-05-07T09:00:00.000Z",
      "2024-05-08T09:00:00.000Z",
    ]);
  });
});

describe("schedule ticks across daylight-saving changes (Europe/Berlin)", () => {
  const berlin = new ScheduleDefinition({ name: "berlin_0230", cronSchedule: "30 2 * * *", job: ordersJob, executionTimezone: "Europe/Berlin" });

  it("fires a daily 02:30 on the spring-forward day when the gap ends, at 03:00 CEST", () => {
    expect(iso(nextTicks(berlin, new Date("2024-03-30T12:00:00Z"), 3))).toEqual([
      "2024-03-31T01:00:00.000Z", // 02:30 does not exist on 31 March: fired at 03:00 CEST
      "2024-04-01T00:30:00.000Z", // 02:30 CEST
      "2024-04-02T00:30:00.000Z",
    ]);
  });

  it("fires a daily 02:30 once on the fall-back day, at the second 02:30 (CET)", () => {
    expect(iso(nextTicks(berlin, new Date("2024-10-25T12:00:00Z"), 3))).toEqual([
      "2024-10-26T00:30:00.000Z", // 02:30 CEST
      "2024-10-27T01:30:00.000Z", // the second 02:30, CET; the first (00:30Z) does not fire
      "2024-10-28T01:30:00.000Z",
    ]);
  });

  it("fires an hourly schedule at both 02:00s of the fall-back day and skips the missing 02:00 in spring", () => {
    const hourly = new ScheduleDefinition({ name: "berlin_hourly", cronSchedule: "0 * * * *", job: ordersJob, executionTimezone: "Europe/Berlin" });
    expect(iso(hourly.nextTicks(new Date("2024-10-26T22:30:00Z"), 4))).toEqual([
      "2024-10-26T23:00:00.000Z", // 01:00 CEST
      "2024-10-27T00:00:00.000Z", // 02:00 CEST
      "2024-10-27T01:00:00.000Z", // 02:00 CET
      "2024-10-27T02:00:00.000Z", // 03:00 CET
    ]);
    expect(iso(hourly.nextTicks(new Date("2024-03-30T23:30:00Z"), 3))).toEqual([
      "2024-03-31T00:00:00.000Z", // 01:00 CET
      "2024-03-31T01:00:00.000Z", // 03:00 CEST: there is no 02:00
      "2024-03-31T02:00:00.000Z",
    ]);
  });

  it("evaluates the spring-forward tick like any other", async () => {
    const tick = await berlin.evaluateTick(tickAt("2024-03-31T01:00:00Z"));
    expect(tick.runRequests.map((r) => r.jobName)).toEqual(["orders_job"]);
  });
});

describe("schedules in Definitions", () => {
  it("are listed by Definitions and checked against its jobs when it is built", () => {
    const byName = new ScheduleDefinition({ name: "by_name", cronSchedule: "@daily", jobName: "orders_job" });
    const defs = new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [byName] });
    expect(defs.schedules).toEqual([byName]);
  });

  it("refuses a schedule whose jobName is not a job of the Definitions, suggesting the near one", () => {
    const typo = new ScheduleDefinition({ name: "typo", cronSchedule: "@daily", jobName: "order_job" });
    const build = () => new Definitions({ assets: [orders], jobs: [ordersJob], schedules: [typo] });
    expect(build).toThrow(UnknownJobTargetError);
    expect(build).toThrow(/schedule "typo" targets job "order_job", which is not defined\. Did you mean "orders_job"\?/);
  });

  it("accepts a job given to a schedule but not listed in jobs, and checks its selection", () => {
    const elsewhere = defineAssetJob({ name: "elsewhere", selection: "missing_asset" });
    const s = new ScheduleDefinition({ name: "s", cronSchedule: "@daily", job: elsewhere });
    expect(() => new Definitions({ assets: [orders], schedules: [s] })).toThrow(/Job "elsewhere" selects an asset that is not defined/);
    const fine = new ScheduleDefinition({ name: "fine", cronSchedule: "@daily", job: ordersJob });
    expect(() => new Definitions({ assets: [orders], schedules: [fine] })).not.toThrow();
  });

  it("refuses two schedules or a schedule and a sensor with one name", () => {
    const a = new ScheduleDefinition({ name: "same", cronSchedule: "@daily", job: ordersJob });
    const b = new SensorDefinition({ name: "same", job: ordersJob }, () => new SkipReason());
    expect(() => new Definitions({ assets: [orders], schedules: [a, a] })).toThrow(/named "same" \(a schedule and a schedule\)/);
    expect(() => new Definitions({ assets: [orders], schedules: [a], sensors: [b] })).toThrow(/schedule and sensor names must be unique/);
  });

  it("refuses something that is not a schedule in schedules", () => {
    expect(() => new Definitions({ schedules: [{ name: "x" } as never] })).toThrow(InvalidDefinitionError);
  });

  it("runs an asset selection target as a job of its own", async () => {
    const s = new ScheduleDefinition({ name: "orders_daily", cronSchedule: "@daily", target: "orders" });
    const defs = new Definitions({ assets: [orders], schedules: [s] });
    const tick = await s.evaluateTick(buildScheduleContext({ scheduledExecutionTime: 0, definitions: defs }));
    expect(tick.runRequests[0]?.jobName).toBe("__anonymous_asset_job_orders_daily");
  });

  it("refuses a run request for a partition the job does not have at the tick", async () => {
    const days = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
    const daily = asset({ name: "daily", partitionsDef: days }, () => 1);
    const job = defineAssetJob({ name: "daily_job", selection: "daily" });
    const s = schedule({ name: "ahead", cronSchedule: "@daily", job }, () => new RunRequest({ partitionKey: "2024-03-05" }));
    const defs = new Definitions({ assets: [daily], jobs: [job], schedules: [s] });
    const at = (t: string) => buildScheduleContext({ scheduledExecutionTime: new Date(t), definitions: defs });
    const error = await s.evaluateTick(at("2024-03-05T00:00:00Z")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRunRequestError);
    expect((error as InvalidRunRequestError).partitionKey).toBe("2024-03-05");
    expect((error as Error).message).toMatch(/schedule "ahead" requested partition "2024-03-05" of job "daily_job"/);
    // A day later the partition has ended and exists.
    const tick = await s.evaluateTick(at("2024-03-06T00:00:00Z"));
    expect(tick.runRequests[0]?.tags["tessera/partition"]).toBe("2024-03-05");
  });

  it("asks for definitions to check a partition of a job that takes its partitions from its assets", async () => {
    const job = defineAssetJob({ name: "implicit" });
    const s = schedule({ name: "implicit_s", cronSchedule: "@daily", job }, () => new RunRequest({ partitionKey: "a" }));
    await expect(s.evaluateTick(tickAt("2024-01-01T00:00:00Z"))).rejects.toThrow(/build the context with \{ definitions \}/);
  });
});
