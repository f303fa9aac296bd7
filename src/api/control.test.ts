import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RunRequest, ScheduleDefinition, SensorResult, asset, defineAssetJob, sensor } from "../definitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { z } from "zod";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";

const a = asset({ name: "a" }, async () => 1);
const b = asset({ name: "b", ins: { a } }, async ({}, { a }) => a + 1);
const job = defineAssetJob({ name: "ab_job", selection: "a+" });
const nightly = new ScheduleDefinition({ name: "nightly", cronSchedule: "0 3 * * *", job, runConfig: { resources: { db: { config: { password: "hunter2" } } } } });
const files = sensor({ name: "files", job }, (ctx) => new SensorResult({ runRequests: [new RunRequest({ runKey: `file-${ctx.cursor ?? "0"}` })], cursor: String(Number(ctx.cursor ?? 0) + 1) }));
const limited = asset({ name: "limited", config: z.object({ limit: z.number().int(), label: z.string().default("x") }) }, async (ctx) => ctx.config.limit);
const defs = new Definitions({ assets: [a, b, limited], jobs: [job], schedules: [nightly], sensors: [files] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
});

async function setup(readOnly = false) {
  const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-control-")), "t.db") } } });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly, pollIntervalMs: 10 });
  open.push({ instance, yoga });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join("\n"));
    return body.data as Record<string, any>;
  };
  return { instance, gql };
}

const LAUNCH = `mutation($s: String!) { launchRun(selection: $s) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`;

describe("run control mutations", () => {
  it("validates a launched run's config before queueing it, each error at its path, and the schema says what it takes", async () => {
    const { gql, instance } = await setup();
    const bad = await gql(`mutation($c: JSON) { launchRun(selection: "limited", runConfig: $c) { __typename ... on RunConfigValidationInvalid { message errors { path message } } } }`, {
      c: { ops: { limited: { config: { limit: "ten" } } } },
    });
    expect(bad["launchRun"].__typename).toBe("RunConfigValidationInvalid");
    expect(bad["launchRun"].errors.map((e: { path: string }) => e.path)).toEqual([expect.stringMatching(/limited.*limit/)]);
    expect(await instance.getRuns()).toEqual([]);
    const ok = await gql(`mutation($c: JSON) { launchRun(selection: "limited", runConfig: $c) { __typename } }`, { c: { ops: { limited: { config: { limit: 10 } } } } });
    expect(ok["launchRun"]).toEqual({ __typename: "LaunchRunSuccess" });
    const schema = await gql(`{ runConfigSchemaOrError(selection: "limited") { ... on RunConfigSchema { schema } } }`);
    expect(schema["runConfigSchemaOrError"].schema.properties.ops.properties.limited.properties.config).toMatchObject({ type: "object", required: ["limit"] });
  });

  it("re-executes only the selected steps, and names the run's steps when one is unknown", async () => {
    const { gql } = await setup();
    const parent = (await gql(LAUNCH, { s: "a+" }))["launchRun"].run.runId as string;
    const child = await gql(`mutation($id: ID!) { reexecuteRun(runId: $id, strategy: SELECTED_STEPS, stepKeys: ["b"]) { __typename ... on LaunchRunSuccess { run { parentRunId assetSelection { path } } } } }`, { id: parent });
    expect(child["reexecuteRun"]).toEqual({ __typename: "LaunchRunSuccess", run: { parentRunId: parent, assetSelection: [{ path: ["b"] }] } });
    const unknown = await gql(`mutation($id: ID!) { reexecuteRun(runId: $id, strategy: SELECTED_STEPS, stepKeys: ["zz"]) { __typename ... on Error { message } } }`, { id: parent });
    expect(unknown["reexecuteRun"].__typename).toBe("TesseraApiError");
    expect(unknown["reexecuteRun"].message).toMatch(/no step "zz".*a.*b/);
  });

  it("terminates several runs at once, one outcome per id", async () => {
    const { gql, instance } = await setup();
    const id = (await gql(LAUNCH, { s: "a" }))["launchRun"].run.runId as string;
    const result = await gql(`mutation($ids: [ID!]!) { terminateRuns(runIds: $ids) { __typename ... on TerminateRunsSuccess { results { __typename ... on TerminateRunOk { run { runId status } } ... on Error { message } } } } }`, { ids: [id, "nope"] });
    const results = result["terminateRuns"].results as { __typename: string; run?: { status: string } }[];
    expect(results.map((r) => r.__typename)).toEqual(["TerminateRunOk", "RunNotFoundError"]);
    expect(results[0]?.run?.status).toBe("CANCELED");
    expect((await instance.getRunById(id))?.status).toBe("CANCELED");
  });

  it("resumes a canceled backfill as REQUESTED and refuses one that completed", async () => {
    const { gql, instance } = await setup();
    const base = { createTime: 1, updateTime: 1, assetSelection: ["a"], partitionKeys: ["x", "y", "z"], runIds: [], materializedPartitions: ["x"], failedPartitions: [], tags: {} };
    await instance.storage.addBackfill({ ...base, backfillId: "bf1", status: "CANCELED" });
    await instance.storage.addBackfill({ ...base, backfillId: "bf2", status: "COMPLETED" });
    const query = `mutation($id: ID!) { resumeBackfill(backfillId: $id) { __typename ... on BackfillResumed { status numRemaining } ... on Error { message } } }`;
    expect((await gql(query, { id: "bf1" }))["resumeBackfill"]).toEqual({ __typename: "BackfillResumed", status: "REQUESTED", numRemaining: 2 });
    expect((await instance.getBackfill("bf1"))?.status).toBe("REQUESTED");
    const refused = (await gql(query, { id: "bf2" }))["resumeBackfill"];
    expect(refused.message).toContain("only a CANCELED or FAILED backfill can be resumed");
    expect((await gql(query, { id: "bf9" }))["resumeBackfill"].__typename).toBe("BackfillNotFoundError");
  });
});

describe("schedule and sensor mutations", () => {
  it("starts, stops and resets a schedule, and a started schedule ticks from the start, never before", async () => {
    const { gql, instance } = await setup();
    const start = await gql(`mutation { startSchedule(name: "nightly") { __typename ... on InstigationState { name status defaultStatus } } }`);
    expect(start["startSchedule"]).toEqual({ __typename: "InstigationState", name: "nightly", status: "RUNNING", defaultStatus: "STOPPED" });
    expect((await instance.storage.getInstigatorState("nightly"))?.lastTickTimestamp).toEqual(expect.any(Number));
    expect((await gql(`mutation { stopSchedule(name: "nightly") { ... on InstigationState { status } } }`))["stopSchedule"]).toEqual({ status: "STOPPED" });
    await gql(`mutation { startSchedule(name: "nightly") { __typename } }`);
    expect((await gql(`mutation { resetSchedule(name: "nightly") { ... on InstigationState { status } } }`))["resetSchedule"]).toEqual({ status: "STOPPED" });
    const missing = await gql(`mutation { startSchedule(name: "nighty") { __typename ... on Error { message } } }`);
    expect(missing["startSchedule"]).toMatchObject({ __typename: "InstigatorNotFoundError" });
    expect(missing["startSchedule"].message).toContain("nightly");
  });

  it("sets a sensor's cursor, and a dry run evaluates from a cursor without storing anything", async () => {
    const { gql, instance } = await setup();
    const set = await gql(`mutation { setSensorCursor(name: "files", cursor: "41") { ... on InstigationState { cursor status } } }`);
    expect(set["setSensorCursor"]).toEqual({ cursor: "41", status: "STOPPED" });
    const dry = await gql(`mutation { dryRunSensor(name: "files", cursor: "7") { __typename ... on DryRunResult { cursor skipMessage runRequests { runKey jobName } } } }`);
    expect(dry["dryRunSensor"]).toEqual({ __typename: "DryRunResult", cursor: "8", skipMessage: null, runRequests: [{ runKey: "file-7", jobName: "ab_job" }] });
    expect((await instance.storage.getInstigatorState("files"))?.cursor).toBe("41");
    expect(await instance.getRuns()).toEqual([]);
  });

  it("dry-runs a schedule at a given tick, with secrets of its run config redacted", async () => {
    const { gql } = await setup();
    const dry = await gql(`mutation { dryRunSchedule(name: "nightly", timestamp: 1700000000000) { __typename ... on DryRunResult { runRequests { jobName runConfig } } } }`);
    expect(dry["dryRunSchedule"].runRequests).toHaveLength(1);
    expect(JSON.stringify(dry["dryRunSchedule"])).not.toContain("hunter2");
  });

  it("refuses each of them on a read-only server, changing nothing", async () => {
    const { gql, instance } = await setup(true);
    const result = await gql(`mutation {
      startSchedule(name: "nightly") { __typename } stopSensor(name: "files") { __typename } resetSensor(name: "files") { __typename }
      setSensorCursor(name: "files", cursor: "1") { __typename } dryRunSensor(name: "files") { __typename } dryRunSchedule(name: "nightly") { __typename }
      terminateRuns(runIds: ["x"]) { __typename } resumeBackfill(backfillId: "x") { __typename }
      reexecuteRun(runId: "x", strategy: ALL_STEPS) { __typename } cancelBackfill(backfillId: "x") { __typename }
    }`);
    expect(new Set(Object.values(result).map((v: { __typename: string }) => v.__typename))).toEqual(new Set(["ReadOnlyError"]));
    expect(await instance.storage.getInstigatorStates()).toEqual([]);
  });
});
