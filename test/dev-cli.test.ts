// `tessera dev` as a user runs it: the real command in its own process, on a SQLite home, queried over HTTP, then
// stopped with SIGINT.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DAEMON_LEASE } from "../src/automation/daemon/index.js";
import { Instance } from "../src/instance/index.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  dirs.removeAll();
});

const DEFS = `
import { asset, Definitions } from "@tessera/core";
const orders = asset("orders", async () => [1, 2, 3]);
const total = asset({ name: "total", ins: { orders } }, async (_ctx, { orders }) => orders.length);
const crash = asset("crash", async () => { process.exit(9); });
export const defs = new Definitions({ assets: [orders, total, crash] });
`;

interface Dev {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the output once `pattern` appears in it. */
  waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function startDev(cwd: string, args: readonly string[]): Dev {
  const child = spawn(process.execPath, [TESSERA_BIN, "dev", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  children.push(child);
  let out = "";
  const waiters: (() => void)[] = [];
  const onData = (chunk: string): void => {
    out += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout?.setEncoding("utf8").on("data", onData);
  child.stderr?.setEncoding("utf8").on("data", onData);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      resolve(code);
      for (const waiter of waiters.splice(0)) waiter();
    }),
  );
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = out.match(pattern);
        if (match) return resolve(match);
        if (child.exitCode !== null) return reject(new Error(`tessera dev exited (${child.exitCode}) before printing ${pattern}:\n${out}`));
        waiters.push(check);
      };
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

async function graphql<T>(url: string, query: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

describe("tessera dev", { timeout: 240_000 }, () => {
  it("serves the GraphQL API on the port it prints, shows a location that fails to load, and stops cleanly on SIGINT", async () => {
    const module = userProject(dirs, DEFS, "tessera-dev-cli-");
    const project = join(module, "..");
    writeFileSync(join(project, "broken.ts"), `throw new Error("broken at import");\n`);
    const home = join(project, "home");
    const dev = startDev(project, ["--home", home, "-m", "defs.ts", "-m", "broken.ts", "--port", "0"]);
    const [, url] = await dev.waitFor(/GraphQL API: (http:\/\/127\.0\.0\.1:\d+)\/graphql/);
    await dev.waitFor(/broken\.ts: failed to load: .*broken at import/);
    expect(dev.output()).toMatch(/1 of 2 code location\(s\) loaded/);

    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ locations { name status error { message } } assetNodes { key { path } } }" }),
    });
    const body = (await response.json()) as { data: { locations: { name: string; status: string; error: { message: string } | null }[]; assetNodes: { key: { path: string[] } }[] } };
    expect(body.data.locations.map((l) => [l.name, l.status])).toEqual([
      ["defs.ts", "LOADED"],
      ["broken.ts", "FAILED"],
    ]);
    expect(body.data.locations[1]?.error?.message).toContain("broken at import");
    expect(body.data.assetNodes.map((n) => n.key.path.join("/")).sort()).toEqual(["crash", "orders", "total"]);

    // A run whose asset exits its process fails alone: the server answers on.
    const launched = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(
      url as string,
      `mutation { launchRun(selection: "crash") { __typename ... on LaunchRunSuccess { run { runId } } } }`,
    );
    expect(launched.launchRun.__typename).toBe("LaunchRunSuccess");
    const runId = launched.launchRun.run?.runId as string;
    for (;;) {
      const { runOrError } = await graphql<{ runOrError: { status?: string } }>(url as string, `{ runOrError(runId: "${runId}") { ... on Run { status } } }`);
      if (runOrError.status === "FAILURE") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await graphql<{ version: string }>(url as string, "{ version }")).toHaveProperty("version");

    const instance = Instance.open({ storage: { sqlite: { path: join(home, "tessera.db") } } });
    try {
      // The daemon runs in the location's process and takes the instance's lease there.
      for (;;) {
        const lease = await instance.storage.getLease(DAEMON_LEASE);
        if (lease?.holder.startsWith("dev:")) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      dev.child.kill("SIGINT");
      expect(await dev.exited).toBe(0);
      expect(dev.output()).toContain("tessera dev stopped");
      expect(await portIsFree(Number(new URL(url as string).port))).toBe(true);
      expect(await instance.storage.getLease(DAEMON_LEASE)).toBeUndefined();
    } finally {
      await instance.close();
    }
  });

  it("says loudly that a host other than 127.0.0.1 exposes the API, and refuses mutations with --read-only", async () => {
    const module = userProject(dirs, DEFS, "tessera-dev-cli-");
    const project = join(module, "..");
    const dev = startDev(project, ["--home", join(project, "home"), "-m", "defs.ts", "--port", "0", "--host", "0.0.0.0", "--read-only", "--no-daemon", "--no-watch"]);
    const [, port] = await dev.waitFor(/GraphQL API: http:\/\/[^:]+:(\d+)\/graphql/);
    const refused = await graphql<{ launchRun: { __typename: string } }>(`http://127.0.0.1:${port}`, `mutation { launchRun(selection: "orders") { __typename } }`);
    expect(refused.launchRun.__typename).toBe("ReadOnlyError");
    // On stderr, which reaches the test on its own pipe, in its own time.
    await dev.waitFor(/WARNING: listening on 0\.0\.0\.0, not 127\.0\.0\.1: anyone who reaches this machine/);
    dev.child.kill("SIGTERM");
    expect(await dev.exited).toBe(0);
  });

  it("refuses a code location module that does not exist, naming it", async () => {
    const module = userProject(dirs, DEFS, "tessera-dev-cli-");
    const project = join(module, "..");
    const dev = startDev(project, ["--home", join(project, "home"), "-m", "nope.ts", "--port", "0"]);
    expect(await dev.exited).not.toBe(0);
    expect(dev.output()).toMatch(/nope\.ts does not exist/);
  });
});
