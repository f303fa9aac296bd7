// Chaos: a network cut between a worker and the database. The worker runs in a network namespace of its own,
// joined to this one by a veth pair; it reaches PostgreSQL (which listens on 127.0.0.1 only) through a TCP relay
// bound to the host end of the pair. Taking that end down cuts the worker off mid-step, past its lease: run monitoring
// fails its run and retries it; when the link comes back the worker finds its lease lost, writes nothing and exits.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Instance, QueuedRunCoordinator, type Definitions } from "@tessera/core";
import { RUN_WORKER_KEY_PREFIX, WorkerRunLauncher, monitorRuns } from "../../src/execution/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../support/postgres.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";
import { assertEveryRunEnded, assertNothingAfterEnd, assertStepsOnce, gateAndJournal, gatedChain, waitFor } from "./chaos-support.js";

const server = await postgresForTests();
const dirs = new TempDirs();
const suffix = String(process.pid % 100_000);
const NS = `tsn${suffix}`;
const HOST_IF = `tsh${suffix}`;
const NS_IF = `tsp${suffix}`;
const octet = (process.pid % 250) + 1;
const HOST_IP = `10.213.${octet}.1`;
const NS_IP = `10.213.${octet}.2`;

const ip = (...args: string[]): void => void execFileSync("ip", args, { stdio: "pipe" });

/** Makes the namespace and the veth pair, or says why it cannot (not root, no CAP_NET_ADMIN, no `ip`). */
function makeNetwork(): string | undefined {
  try {
    ip("netns", "add", NS);
  } catch (error) {
    return `ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
  try {
    ip("link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
    ip("link", "set", NS_IF, "netns", NS);
    ip("addr", "add", `${HOST_IP}/30`, "dev", HOST_IF);
    ip("link", "set", HOST_IF, "up");
    ip("netns", "exec", NS, "ip", "addr", "add", `${NS_IP}/30`, "dev", NS_IF);
    ip("netns", "exec", NS, "ip", "link", "set", NS_IF, "up");
    ip("netns", "exec", NS, "ip", "link", "set", "lo", "up");
    return undefined;
  } catch (error) {
    removeNetwork();
    return `veth setup failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

function removeNetwork(): void {
  for (const args of [["link", "del", HOST_IF], ["netns", "del", NS]]) {
    try {
      ip(...args);
    } catch {
      // already gone
    }
  }
}

const unavailable = server.reachable ? makeNetwork() : "PostgreSQL is not reachable";
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  if (unavailable === undefined) removeNetwork();
  dirs.removeAll();
});

/** A TCP relay on the host end of the veth pair to the database on 127.0.0.1. */
async function relay(target: URL): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const relayServer = createServer((inbound) => {
    const outbound = connect(Number(target.port || 5432), target.hostname);
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const close = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("error", close).on("close", close);
    outbound.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => relayServer.listen(0, HOST_IP, resolve));
  return { server: relayServer, port: (relayServer.address() as { port: number }).port };
}


describe.skipIf(unavailable !== undefined)(`chaos: a network cut between a worker and PostgreSQL${unavailable ? ` — skipped: ${unavailable}` : ""}`, () => {
  it("the cut-off worker's run is failed and retried; reconnected, it writes nothing and exits; no step runs twice", { timeout: 120_000 }, async () => {
    const schema = freshSchemaName();
    const home = dirs.make("tessera-chaos-netcut-home-");
    const nsHome = dirs.make("tessera-chaos-netcut-nshome-");
    const { server: relayServer, port } = await relay(new URL(server.url));
    const target = new URL(server.url);
    const viaRelay = `postgres://${target.username}@${HOST_IP}:${port}${target.pathname}`;
    writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n`);
    writeFileSync(join(nsHome, "tessera.yaml"), `storage:\n  postgres:\n    url: ${viaRelay}\n    schema: ${schema}\n`);
    const { gate, journal } = gateAndJournal(home);
    const module = userProject(dirs, gatedChain(gate, journal), "tessera-chaos-netcut-project-");
    const { defs } = (await import(module)) as { defs: Definitions };
    const instance = Instance.fromHome({ home });
    const launcher = new WorkerRunLauncher(instance);
    try {
      await instance.getRuns({});
      const worker = spawn("ip", ["netns", "exec", NS, process.execPath, TESSERA_BIN, "--home", nsHome, "worker", "-m", module, "--id", "cut", "--heartbeat-ms", "200", "--lease-ttl-ms", "1500"], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(worker);
      let out = "";
      worker.stdout?.setEncoding("utf8").on("data", (c: string) => (out += c));
      worker.stderr?.setEncoding("utf8").on("data", (c: string) => (out += c));
      const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));
      await waitFor(() => out.includes("is taking runs") || worker.exitCode !== null);
      expect(out).toContain("is taking runs");

      const coordinator = new QueuedRunCoordinator({ instance, launcher, settings: { maxConcurrentRuns: 1 } });
      const { runId } = await defs.submitRun("*", { instance, tags: { "tessera/max_retries": "1" } });
      await waitFor(async () => {
        await coordinator.dequeue();
        return readFileSync(journal, "utf8").includes("enrich start");
      });
      expect((await instance.storage.getKv([`${RUN_WORKER_KEY_PREFIX}${runId}`]))[`${RUN_WORKER_KEY_PREFIX}${runId}`]).toBe("cut");

      ip("link", "set", HOST_IF, "down");
      await waitFor(async () => {
        await monitorRuns({ instance, defs });
        return (await instance.getRunById(runId))?.status === "FAILURE";
      });
      expect((await instance.getRunById(runId))?.failureReason).toMatch(/^Worker cut stopped renewing its lease/);
      const endedWith = (await instance.allLogs(runId)).length;
      ip("link", "set", HOST_IF, "up");
      expect(await exited).toBe(75);
      expect(out).toMatch(/Holder cut lost its lease worker:cut/);
      rmSync(gate);

      // The retry runs here, in-process, once the cut-off worker is gone.
      const [retry] = (await instance.getRuns({})).filter((r) => r.parentRunId === runId);
      expect(retry?.status).toBe("QUEUED");
      await instance.storeEvents([{ runId: retry?.runId as string, timestamp: Date.now(), eventType: "RUN_STARTING" }]);
      // On the worker's home (through the relay, the link is up again): its IO manager's folder holds extract's value.
      const { executeSubmittedRun } = await import("../../src/execution/execute-run.js");
      const workerSide = Instance.fromHome({ home: nsHome });
      try {
        await executeSubmittedRun(defs, (await workerSide.getRunById(retry?.runId as string)) as never, { instance: workerSide, raiseOnError: false });
      } finally {
        await workerSide.close();
      }
      const runs = await instance.getRuns({});
      await assertEveryRunEnded(instance, runs);
      for (const run of runs) {
        const logs = await instance.allLogs(run.runId);
        assertNothingAfterEnd(logs);
        assertStepsOnce(logs);
      }
      expect((await instance.getRunById(retry?.runId as string))?.status).toBe("SUCCESS");
      expect((await instance.allLogs(runId)).length).toBe(endedWith);
      expect((await instance.getRunById(runId))?.status).toBe("FAILURE");
      expect(readFileSync(journal, "utf8").match(/enrich end/g)?.length).toBe(1);
    } finally {
      relayServer.close();
      await launcher.close();
      await instance.close();
      await Promise.all([dropSchema(server.url, schema), dropSchema(server.url, `${schema}_queue`)]);
    }
  });
});
