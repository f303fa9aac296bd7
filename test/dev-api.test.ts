// The GraphQL API of a real `tessera dev` process, on an SQLite home and on PostgreSQL: a location that fails to
// load, SSE subscriptions, concurrent clients, reload on edit, read-only refusal, and no secret in any answer.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDevProcess, type DevProcess } from "./support/dev-process.js";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";
import { REPO_ROOT, TempDirs, userProject } from "./support/user-project.js";
import { subscribe as subscribeSse } from "./support/sse.js";

const dirs = new TempDirs();
const postgres = await postgresForTests();
const schemas: string[] = [];
const processes: DevProcess[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.all(schemas.map((schema) => dropSchema(postgres.url, schema)));
  dirs.removeAll();
});

const SECRET = "s3cret-token-9c1f";
const PASSWORD = "hunter2-db-7e4a";

const DEFS = (extra = "") => `
import { asset, resource, Definitions, ScheduleDefinition, defineAssetJob } from "@tessera/core";
import { z } from "zod";
const shop = resource({ config: z.object({ token: z.string() }), setup: ({ config }) => ({ token: config.token }) });
const orders = asset({ name: "orders", resources: { shop } }, async (ctx) => (ctx.resources.shop.token.length > 0 ? [1, 2, 3] : []));
const total = asset({ name: "total", ins: { orders } }, async (_ctx, { orders }) => {
  console.log("total of", orders.length);
  return orders.length;
});
${extra}
const job = defineAssetJob({ name: "all", selection: "*" });
const nightly = new ScheduleDefinition({ name: "nightly", cronSchedule: "0 3 * * *", job });
export const defs = new Definitions({ assets: [orders, total${extra ? ", extra" : ""}], jobs: [job], schedules: [nightly], resources: { shop } });
`;

type Storage = { name: string; skip: boolean; configure(home: string): void };
const STORAGES: Storage[] = [
  { name: "SQLite", skip: false, configure: () => {} },
  {
    name: "PostgreSQL",
    skip: !postgres.reachable,
    configure: (home) => {
      const schema = freshSchemaName();
      schemas.push(schema);
      // The password lives in the environment only; the server must never show it.
      const url = new URL(postgres.url);
      url.password = PASSWORD;
      const variable = `TESSERA_DEV_API_TEST_URL_${process.pid}`;
      process.env[variable] = url.toString();
      writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: { env: ${variable} }\n    schema: ${schema}\n`);
    },
  },
];

/** Every answer is checked for the secrets: none may ever contain one. */
async function post(dev: DevProcess, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const response = await fetch(`${dev.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(PASSWORD);
  const body = JSON.parse(text) as { data?: Record<string, any>; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("\n"));
  return body.data as Record<string, any>;
}

/** An SSE subscription over HTTP; `next()` is the next payload's data, or null once the server completed it. */
async function subscribe(dev: DevProcess, query: string, variables: Record<string, unknown> = {}) {
  return subscribeSse(fetch, `${dev.url}/graphql`, query, variables, (data) => expect(data).not.toContain(SECRET));
}

function project(storage: Storage) {
  const module = userProject(dirs, DEFS(), "tessera-dev-api-");
  const root = join(module, "..");
  symlinkSync(join(REPO_ROOT, "node_modules", "zod"), join(root, "node_modules", "zod"), "dir");
  writeFileSync(join(root, "broken.ts"), `throw new Error("broken at import, on purpose");\n`);
  const home = join(root, "home");
  mkdirSync(home);
  storage.configure(home);
  return { root, module, home };
}

describe.each(STORAGES)("the GraphQL API of `tessera dev` on $name", { timeout: 240_000 }, (storage) => {
  if (storage.skip) return void it.skip("needs the PostgreSQL server", () => {});
  let dev: DevProcess;
  let files: ReturnType<typeof project>;

  it("serves the locations, a failing one with its error, and the instance without its password", async () => {
    files = project(storage);
    dev = await startDevProcess(files.root, files.home, ["-m", "defs.ts", "-m", "broken.ts"]);
    processes.push(dev);
    const data = await post(dev, `{ locations { name status error { message } } instance { backend location } assetNodes { key { path } } }`);
    expect(data["locations"].map((l: { name: string; status: string; error: { message: string } | null }) => [l.name, l.status === "FAILED" ? l.status : (l.error?.message ?? l.status)])).toEqual([
      ["defs.ts", "LOADED"],
      ["broken.ts", "FAILED"],
    ]);
    expect(data["locations"][1].error.message).toContain("broken at import, on purpose");
    expect(data["instance"].backend).toBe(storage.name === "SQLite" ? "sqlite" : "postgres");
    expect(data["assetNodes"].map((n: { key: { path: string[] } }) => n.key.path[0]).sort()).toEqual(["orders", "total"]);
  });

  it("streams a launched run's events and a step's stdout over SSE until it ends, while concurrent clients are answered", async () => {
    const launched = await post(dev, `mutation($c: JSON) { launchRun(selection: "*", runConfig: $c) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`, {
      c: { resources: { shop: { config: { token: SECRET } } } },
    });
    expect(launched["launchRun"].__typename).toBe("LaunchRunSuccess");
    const runId = launched["launchRun"].run.runId as string;
    const statuses = await subscribe(dev, `subscription($ids: [ID!]) { runStatusChanged(runIds: $ids) { status } }`, { ids: [runId] });
    // Subscribed before the step runs: the stream waits for it, sends what it prints, and ends with the run.
    const stdout = await subscribe(dev, `subscription($id: ID!) { computeLogs(runId: $id, stepKey: "total", ioType: STDOUT) { data complete } }`, { id: runId });
    const events = await subscribe(dev, `subscription($id: ID!) { runEvents(runId: $id) { events { eventType stepKey } cursor } }`, { id: runId });
    const query = `{ assetNodes { key { path } latestMaterialization { runId } } runs { runs { runId runConfig } } }`;
    const concurrent = Promise.all(Array.from({ length: 12 }, () => post(dev, query)));
    const types: string[] = [];
    for (let payload = await events.next(); payload !== null; payload = await events.next()) types.push(...payload["runEvents"].events.map((e: { eventType: string }) => e.eventType));
    expect(types).toContain("RUN_SUCCESS");
    expect(types.filter((t) => t === "ASSET_MATERIALIZATION")).toHaveLength(2);
    const chunks: { data: string; complete: boolean }[] = [];
    for (let payload = await stdout.next(); payload !== null; payload = await stdout.next()) chunks.push(payload["computeLogs"]);
    expect(chunks.map((c) => c.data).join("")).toBe("total of 3\n");
    expect(chunks.map((c) => c.complete)).toEqual([...chunks.slice(1).map(() => false), true]);
    const answers = await concurrent;
    expect(answers.every((a) => a["assetNodes"].length === 2)).toBe(true);
    // Its status moves were told as they happened, the last one SUCCESS.
    const seen: string[] = [];
    while (seen[seen.length - 1] !== "SUCCESS") seen.push(((await statuses.next()) as Record<string, any>)["runStatusChanged"].status);
    await statuses.cancel();
    const run = await post(dev, `query($id: ID!) { runOrError(runId: $id) { ... on Run { status runConfig } } }`, { id: runId });
    expect(run["runOrError"]).toEqual({ status: "SUCCESS", runConfig: { resources: { shop: "[redacted]" } } });
  });

  it("reloads a location when its module is edited, telling subscribers, without restarting", async () => {
    const changes = await subscribe(dev, `subscription { locationStateChanged { name status assetCount } }`);
    const next = changes.next();
    // A round trip lets the server start the subscription; a reload (a new process importing the module) takes far
    // longer than that, and the test waits for LOADED, not for the first change.
    await post(dev, `{ version }`);
    writeFileSync(files.module, DEFS(`const extra = asset({ name: "extra", ins: { total } }, async (_ctx, { total }) => total * 2);`));
    let change = await next;
    while (change?.["locationStateChanged"].status !== "LOADED") change = await changes.next();
    expect(change["locationStateChanged"]).toEqual({ name: "defs.ts", status: "LOADED", assetCount: 3 });
    await changes.cancel();
    const nodes = await post(dev, `{ assetNodes(selection: "extra") { key { path } dependencyKeys { path } } }`);
    expect(nodes["assetNodes"]).toEqual([{ key: { path: ["extra"] }, dependencyKeys: [{ path: ["total"] }] }]);
  });

  it("refuses every mutation with --read-only, changing nothing", async () => {
    const readOnly = await startDevProcess(files.root, files.home, ["-m", "defs.ts", "--read-only", "--no-daemon", "--no-watch"]);
    processes.push(readOnly);
    const result = await post(
      readOnly,
      `mutation { launchRun(selection: "orders") { __typename } startSchedule(name: "nightly") { __typename } reloadWorkspace { __typename } wipeAssets(assetKeys: [{ path: ["orders"] }]) { __typename } }`,
    );
    expect(Object.values(result).map((v: { __typename: string }) => v.__typename)).toEqual(["ReadOnlyError", "ReadOnlyError", "ReadOnlyError", "ReadOnlyError"]);
    const schedules = await post(readOnly, `{ schedules { name status } assetNodes(selection: "orders") { latestMaterialization { runId } } }`);
    expect(schedules["schedules"]).toEqual([{ name: "nightly", status: "STOPPED" }]);
    expect(schedules["assetNodes"][0].latestMaterialization).not.toBeNull();
    await readOnly.stop();
  });
});
