// The dev server's process management against real processes, on a SQLite file and on the PostgreSQL server: code locations in child
// processes (one failing to load), reload on edit, a run that kills its process, and a clean stop. The GraphQL
// handler here is the test's own, minimal one (graphql-js over JSON POST): it reaches the workspace as the API's does.
import { existsSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { RequestListener } from "node:http";
import { buildSchema, graphql as execute } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer, type GraphQLContextSource } from "../src/api/server/index.js";
import { ProcessWorkspace } from "../src/code-location/workspace/workspace.js";
import { Instance } from "../src/instance/index.js";
import { DAEMON_LEASE } from "../src/automation/daemon/index.js";
import type { StorageConfig } from "../src/instance/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";
import { TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
const postgres = await postgresForTests();
const schemas: string[] = [];
afterAll(async () => {
  dirs.removeAll();
  await Promise.all(schemas.map((schema) => dropSchema(postgres.url, schema)));
});

const DEFS = `
import { asset, Definitions } from "@tessera/core";
const a = asset("a", async () => 1);
const b = asset({ name: "b", ins: { a } }, async (_ctx, { a }) => a + 1);
const crash = asset("crash", async () => { process.exit(7); });
export const defs = new Definitions({ assets: [a, b, crash] });
`;

/** A GraphQL handler over the workspace, enough to see it through HTTP as a client does. */
function testGraphQL({ workspace }: GraphQLContextSource): RequestListener {
  const schema = buildSchema(`
    type Location { name: String! status: String! error: String assetKeys: [String!]! }
    type Query { locations: [Location!]! }
    type Mutation { launchRun(location: String!, selection: String!): String! }
  `);
  const rootValue = {
    locations: () =>
      workspace.locations().map((l) => ({ name: l.name, status: l.status, error: l.error?.message ?? null, assetKeys: (l.snapshot?.assets ?? []).map((a) => a.key) })),
    launchRun: async (args: { location: string; selection: string }) => {
      const result = await workspace.run(args.location, "launchRun", { selection: args.selection });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.runId;
    },
  };
  return (req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const { query } = JSON.parse(body) as { query: string };
      void execute({ schema, source: query, rootValue }).then((result) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result)));
    });
  };
}

async function graphql<T>(server: DevServer, query: string): Promise<T> {
  const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

/** Polls `check` until it returns a value other than undefined: conditions, never durations. */
async function until<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const STORAGES: { name: string; skip: boolean; storage: (project: string) => StorageConfig }[] = [
  { name: "SQLite", skip: false, storage: (project) => ({ sqlite: { path: join(project, "instance", "tessera.db") } }) },
  {
    name: "PostgreSQL",
    skip: !postgres.reachable,
    storage: () => {
      const schema = freshSchemaName();
      schemas.push(schema);
      return { postgres: { url: postgres.url, schema } };
    },
  },
];

describe.each(STORAGES)("tessera dev's server on $name", { timeout: 240_000 }, ({ skip, storage }) => {
  if (skip) return void it.skip("needs the PostgreSQL server", () => {});
  const module = userProject(dirs, DEFS, "tessera-dev-");
  const broken = join(module, "..", "broken.ts");
  writeFileSync(broken, `throw new Error("the broken location's own error");\n`);
  let instance: Instance;
  let server: DevServer;

  it("serves every location over /graphql, a failing one with its error, on a port it picked", async () => {
    instance = Instance.open({ storage: storage(join(module, "..")) });
    server = await startDevServer({
      instance,
      locations: [
        { name: "shop", module },
        { name: "broken", module: broken },
      ],
      port: 0,
      daemon: { intervalMs: 1_000 },
      graphql: testGraphQL,
    });
    expect(server.port).toBeGreaterThan(0);
    const data = await graphql<{ locations: { name: string; status: string; error: string | null; assetKeys: string[] }[] }>(server, "{ locations { name status error assetKeys } }");
    expect(data.locations[0]).toMatchObject({ name: "shop", status: "LOADED", error: null });
    expect(data.locations[0]?.assetKeys.sort()).toEqual(["a", "b", "crash"]);
    expect(data.locations[1]?.status).toBe("FAILED");
    expect(data.locations[1]?.error).toContain("the broken location's own error");
  });

  it("runs a launched run in a process of its own, and a run that kills its process leaves the server up", async () => {
    const crashed = await graphql<{ launchRun: string }>(server, `mutation { launchRun(location: "shop", selection: "crash") }`);
    const failure = await until(async () => {
      const run = await instance.getRunById(crashed.launchRun);
      return run?.status === "FAILURE" ? run : undefined;
    });
    expect(failure.tags["tessera/code_location"]).toBe("shop");
    const events = await instance.allLogs(crashed.launchRun);
    expect(events.at(-1)?.message).toMatch(/exited with code 7/);

    const ok = await graphql<{ launchRun: string }>(server, `mutation { launchRun(location: "shop", selection: "a+") }`);
    const success = await until(async () => {
      const run = await instance.getRunById(ok.launchRun);
      return run && ["SUCCESS", "FAILURE"].includes(run.status) ? run : undefined;
    });
    expect(success.status).toBe("SUCCESS");
  });

  it("refuses a run of a location that failed to load, naming it and why", async () => {
    await expect(graphql(server, `mutation { launchRun(location: "broken", selection: "*") }`)).rejects.toThrow(/Code location "broken" is FAILED \(.*the broken location's own error/);
  });

  it("reloads a location when its module is edited, without restarting the server", async () => {
    const generation = server.workspace.locations()[0]?.generation ?? 0;
    writeFileSync(module, DEFS.replace("export const defs", `const c = asset({ name: "c", ins: { b } }, async () => 3);\nexport const defs`).replace("[a, b, crash]", "[a, b, c, crash]"));
    const reloaded = await until(() => {
      const shop = server.workspace.locations()[0];
      return shop && shop.generation > generation && shop.status === "LOADED" && shop.snapshot?.assets.some((a) => a.key === "c") ? shop : undefined;
    });
    expect(reloaded.snapshot?.assets.map((a) => a.key).sort()).toEqual(["a", "b", "c", "crash"]);
    const data = await graphql<{ locations: { assetKeys: string[] }[] }>(server, "{ locations { assetKeys } }");
    expect(data.locations[0]?.assetKeys).toContain("c");
  });

  it("shows an edit that breaks a location as FAILED, and the fix as LOADED again", async () => {
    writeFileSync(module, `${DEFS}\nthrow new Error("edited into a broken state");\n`);
    const failed = await until(() => {
      const shop = server.workspace.locations()[0];
      return shop?.status === "FAILED" ? shop : undefined;
    });
    expect(failed.error?.message).toContain("edited into a broken state");
    expect(failed.snapshot).toBeNull();
    writeFileSync(module, DEFS);
    await until(() => (server.workspace.locations()[0]?.status === "LOADED" ? true : undefined));
  });

  it("takes the daemon lease in the location's process, and close() releases it, frees the port and ends every process", async () => {
    const lease = await until(async () => {
      const held = await instance.storage.getLease(DAEMON_LEASE);
      return held?.holder.startsWith("dev:") ? held : undefined;
    });
    const daemonPid = lease.info.pid as number;
    expect(daemonPid).not.toBe(process.pid);
    expect(alive(daemonPid)).toBe(true);
    await server.close();
    expect(await portIsFree(server.port)).toBe(true);
    expect(await instance.storage.getLease(DAEMON_LEASE)).toBeUndefined();
    await until(() => (alive(daemonPid) ? undefined : true));
    await instance.close();
  });
});

describe("a code location whose import never finishes", { timeout: 120_000 }, () => {
  it("is FAILED once the load timeout has passed, saying why", async () => {
    const module = userProject(dirs, `await new Promise(() => {});\nexport const defs = undefined;\n`, "tessera-dev-hang-");
    const instance = Instance.open({ storage: { sqlite: { path: join(module, "..", "tessera.db") } } });
    const workspace = await ProcessWorkspace.start({ instance, locations: [{ name: "hangs", module }], loadTimeoutMs: 300 });
    try {
      const [location] = workspace.locations();
      expect(location?.status).toBe("FAILED");
      expect(location?.error?.message).toMatch(/did not finish loading within 0\.3 s/);
    } finally {
      await workspace.close();
      await instance.close();
    }
  });
});

describe("stopping the workspace while a reload hangs", { timeout: 120_000 }, () => {
  it("stops the process that is still importing rather than waiting for the load timeout", async () => {
    const module = userProject(dirs, DEFS, "tessera-dev-hang-reload-");
    const instance = Instance.open({ storage: { sqlite: { path: join(module, "..", "instance", "tessera.db") } } });
    const workspace = await ProcessWorkspace.start({ instance, locations: [{ name: "shop", module }], watch: true });
    try {
      expect(workspace.locations()[0]?.status).toBe("LOADED");
      writeFileSync(module, `await new Promise(() => {});\n${DEFS}`);
      await until(() => (workspace.locations()[0]?.status === "LOADING" ? true : undefined));
      // With the default load timeout of 180 s, this test's own timeout fails it unless close() stops the import.
      await workspace.close();
    } finally {
      await workspace.close();
      await instance.close();
    }
  });
});

describe("stopping the workspace while a run executes", { timeout: 120_000 }, () => {
  it("stops the run's process and records the run as failed, saying so", async () => {
    const started = join(dirs.make("tessera-dev-marker-"), "started");
    const module = userProject(
      dirs,
      `import { writeFileSync } from "node:fs";
import { asset, Definitions } from "@tessera/core";
const waits = asset("waits", async () => {
  writeFileSync(${JSON.stringify(started)}, "");
  await new Promise((resolve) => setInterval(() => undefined, 1_000));
});
export const defs = new Definitions({ assets: [waits] });
`,
      "tessera-dev-stop-",
    );
    const instance = Instance.open({ storage: { sqlite: { path: join(module, "..", "tessera.db") } } });
    const workspace = await ProcessWorkspace.start({ instance, locations: [{ name: "stop", module }], daemon: { intervalMs: 60_000 } });
    try {
      const launched = await workspace.run("stop", "launchRun", { selection: "waits" });
      if (!launched.ok) throw new Error(launched.error.message);
      await until(() => (existsSync(started) ? true : undefined));
      await workspace.close();
      const run = await instance.getRunById(launched.value.runId);
      expect(run?.status).toBe("FAILURE");
      expect((await instance.allLogs(launched.value.runId)).at(-1)?.message).toMatch(/killed by SIGTERM/);
    } finally {
      await workspace.close();
      await instance.close();
    }
  });
});

describe("the daemon of tessera dev", { timeout: 120_000 }, () => {
  it("ticks a running sensor in the location's process, and the server's run queue executes its run", async () => {
    const module = userProject(
      dirs,
      `import { asset, Definitions, RunRequest, sensor } from "@tessera/core";
const a = asset("a", async () => 1);
const once = sensor({ name: "once", target: [a], defaultStatus: "RUNNING", minimumIntervalSeconds: 1 }, () => new RunRequest({ runKey: "only-once" }));
export const defs = new Definitions({ assets: [a], sensors: [once] });
`,
      "tessera-dev-daemon-",
    );
    const instance = Instance.open({ storage: { sqlite: { path: join(module, "..", "tessera.db") } } });
    const workspace = await ProcessWorkspace.start({ instance, locations: [{ name: "sensing", module }], daemon: { intervalMs: 200 } });
    try {
      const run = await until(async () => {
        const [found] = await instance.getRuns({ tags: { "tessera/code_location": "sensing" } });
        return found && ["SUCCESS", "FAILURE"].includes(found.status) ? found : undefined;
      });
      expect(run.status).toBe("SUCCESS");
      expect(run.assetSelection.map(String)).toEqual(["a"]);
    } finally {
      await workspace.close();
      await instance.close();
    }
  });
});
