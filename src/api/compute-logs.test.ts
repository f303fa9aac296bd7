import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { Definitions, InProcessWorkspace, materialize } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";
import { subscribe } from "../../test/support/sse.js";

const talker = asset("talker", () => {
  // process.stdout.write: vitest's console bypasses it.
  process.stdout.write("héllo\nsecond line\n");
  process.stderr.write("careful\n");
  return 1;
});
const silent = asset({ name: "silent", deps: [talker] }, () => 2);
const defs = new Definitions({ assets: [talker, silent] });

const open: { instance: Instance; yoga: GraphQLHandler; dir: string }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

async function setup(pollIntervalMs = 10) {
  const dir = mkdtempSync(join(tmpdir(), "tessera-api-logs-"));
  const instance = Instance.open({ storage: { sqlite: { path: join(dir, "t.db") } }, home: dir });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: true, pollIntervalMs });
  open.push({ instance, yoga, dir });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  };
  return { instance, gql, yoga };
}

const QUERY = `query ($runId: ID!, $stepKey: String!, $ioType: ComputeIOType!, $cursor: String, $limit: Int) {
  computeLogs(runId: $runId, stepKey: $stepKey, ioType: $ioType, cursor: $cursor, limit: $limit) { stepKey ioType data cursor size complete path }
}`;

describe("computeLogs query", () => {
  it("reads a step's stream in chunks from a cursor, complete once the run has finished and all is read", async () => {
    const { instance, gql } = await setup();
    const { runId } = await materialize(defs.assets, { instance });
    const first = await gql(QUERY, { runId, stepKey: "talker", ioType: "STDOUT", limit: 7 });
    expect(first.errors).toBeUndefined();
    expect(first.data?.["computeLogs"]).toMatchObject({ stepKey: "talker", ioType: "STDOUT", data: "héllo\n", size: 19, complete: false, path: expect.stringContaining("talker.out") });
    const rest = await gql(QUERY, { runId, stepKey: "talker", ioType: "STDOUT", cursor: first.data?.["computeLogs"].cursor });
    expect(rest.data?.["computeLogs"]).toMatchObject({ data: "second line\n", complete: true });
    expect((await gql(QUERY, { runId, stepKey: "talker", ioType: "STDERR" })).data?.["computeLogs"]).toMatchObject({ data: "careful\n", complete: true });
    // A step that wrote nothing is an empty, complete stream; a step the run does not have is an error naming its steps.
    expect((await gql(QUERY, { runId, stepKey: "silent", ioType: "STDOUT" })).data?.["computeLogs"]).toMatchObject({ data: "", size: 0, complete: true });
    const unknown = await gql(QUERY, { runId, stepKey: "talkr", ioType: "STDOUT" });
    expect(unknown.errors?.[0]).toMatchObject({ message: expect.stringMatching(/has no step "talkr"; did you mean "talker"\? Its steps: talker, silent/), extensions: { code: "STEP_NOT_FOUND" } });
    const noRun = await gql(QUERY, { runId: "nope", stepKey: "talker", ioType: "STDOUT" });
    expect(noRun.errors?.[0]?.extensions).toMatchObject({ code: "RUN_NOT_FOUND" });
    const badCursor = await gql(QUERY, { runId, stepKey: "talker", ioType: "STDERR", cursor: first.data?.["computeLogs"].cursor });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: "INVALID_CURSOR" });
  });
});

const LIVE = `subscription ($runId: ID!, $stepKey: String!, $ioType: ComputeIOType!, $cursor: String) {
  computeLogs(runId: $runId, stepKey: $stepKey, ioType: $ioType, cursor: $cursor) { data cursor complete }
}`;

describe("computeLogs subscription", () => {
  it("sends what a running step wrote, then each new write as it lands, and ends once the run has finished", async () => {
    const { instance, yoga } = await setup();
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["talker"], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp: 1, eventType: "RUN_START" }]);
    // The step has not started: the stream opens empty and waits for it.
    const sub = await subscribe(yoga.fetch, "http://localhost/graphql", LIVE, { runId: run.runId, stepKey: "talker", ioType: "STDOUT" });
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "", complete: false });
    const sink = instance.computeLogs.openStep(run.runId, "talker");
    sink.write("stdout", new TextEncoder().encode("first\n"));
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "first\n", complete: false });
    sink.write("stdout", new TextEncoder().encode("second\n"));
    const second = (await sub.next())?.["computeLogs"];
    expect(second).toMatchObject({ data: "second\n", complete: false });
    sink.close();
    await instance.storeEvents([{ runId: run.runId, timestamp: 2, eventType: "RUN_SUCCESS" }]);
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "", complete: true });
    expect(await sub.next()).toBeNull();

    // From a cursor, a finished step's rest comes in one payload that is also the last.
    const again = await subscribe(yoga.fetch, "http://localhost/graphql", LIVE, { runId: run.runId, stepKey: "talker", ioType: "STDOUT", cursor: second.cursor });
    expect((await again.next())?.["computeLogs"]).toMatchObject({ data: "", complete: true });
    const all = await subscribe(yoga.fetch, "http://localhost/graphql", LIVE, { runId: run.runId, stepKey: "talker", ioType: "STDOUT" });
    expect((await all.next())?.["computeLogs"]).toMatchObject({ data: "first\nsecond\n", complete: true });
    expect(await all.next()).toBeNull();
  });

  it("sends a line as soon as a step writes it, without waiting for the event log's poll", async () => {
    // A poll far longer than the test's timeout: only the watch of the step's file can deliver the second line.
    const { instance, yoga } = await setup(600_000);
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["talker"], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp: 1, eventType: "RUN_START" }]);
    const sink = instance.computeLogs.openStep(run.runId, "talker");
    sink.write("stdout", new TextEncoder().encode("first\n"));
    const sub = await subscribe(yoga.fetch, "http://localhost/graphql", LIVE, { runId: run.runId, stepKey: "talker", ioType: "STDOUT" });
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "first\n", complete: false });
    sink.write("stdout", new TextEncoder().encode("second\n"));
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "second\n", complete: false });
    sink.write("stderr", new TextEncoder().encode("other stream\n"));
    sink.write("stdout", new TextEncoder().encode("third\n"));
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "third\n", complete: false });
    sink.close();
    await instance.storeEvents([{ runId: run.runId, timestamp: 2, eventType: "RUN_SUCCESS" }]);
    expect((await sub.next())?.["computeLogs"]).toMatchObject({ data: "", complete: true });
  });

  it("refuses a step a finished run does not have, naming its steps", async () => {
    const { instance, yoga } = await setup();
    const { runId } = await materialize(defs.assets, { instance });
    const sent: string[] = [];
    const sub = await subscribe(yoga.fetch, "http://localhost/graphql", LIVE, { runId, stepKey: "talkr", ioType: "STDOUT" }, (raw) => sent.push(raw));
    expect(await sub.next()).toBeUndefined();
    expect(JSON.parse(sent[0]?.slice(5) ?? "{}").errors?.[0]).toMatchObject({ message: expect.stringMatching(/has no step "talkr"; did you mean "talker"\?/), extensions: { code: "STEP_NOT_FOUND" } });
  });
});
