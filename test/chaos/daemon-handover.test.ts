// Chaos: a daemon SIGKILLed while a second one waits. With the default lease (DEFAULT_DAEMON_LEASE_TTL_MS, renewed
// every third of it in real time) the second takes over once the dead one's lease has expired, never before, and
// goes on running the loops. SQLite and PostgreSQL, real `tessera daemon` processes; the handover time is printed
// (bench/faults.bench.ts measures it for BENCHMARKS.md).
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { DAEMON_LEASE, DEFAULT_DAEMON_LEASE_TTL_MS } from "../../src/automation/index.js";
import type { LeaseRecord } from "../../src/storage/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../support/postgres.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";
import { exited, waitFor } from "./chaos-support.js";

const server = await postgresForTests();
const dirs = new TempDirs();
const children: ChildProcess[] = [];
afterAll(() => dirs.removeAll());
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

const MODULE = `
import { Definitions, asset } from "@tessera/core";
export const defs = new Definitions({ assets: [asset("one", () => 1)] });
`;

function startDaemon(home: string, module: string): { process: ChildProcess; output: () => string } {
  // The default lease: no --lease.
  const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "daemon", "-m", module], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  return { process: child, output: () => out };
}


/** Kills the daemon holding the lease once a second one waits for it; resolves with the second's lease and the handover time. */
async function killAndTakeOver(home: string): Promise<{ handoverMs: number }> {
  const module = userProject(dirs, MODULE, "tessera-chaos-daemon-project-");
  const instance = Instance.fromHome({ home });
  try {
    const lease = (): Promise<LeaseRecord | undefined> => instance.storage.getLease(DAEMON_LEASE);
    const first = startDaemon(home, module);
    await waitFor(async () => (await lease())?.info.pid === first.process.pid);
    // The default lease: expiring DEFAULT_DAEMON_LEASE_TTL_MS after each renewal (its heartbeat).
    const held = (await lease()) as LeaseRecord;
    expect(held.expiresAt - (held.info.heartbeat as number)).toBe(DEFAULT_DAEMON_LEASE_TTL_MS);
    // Renewed in real time, beside the iterations: a later renewal moves the expiry on.
    await waitFor(async () => ((await lease())?.expiresAt ?? 0) > held.expiresAt);

    const second = startDaemon(home, module);
    await waitFor(() => second.output().includes(`waiting: daemon ${held.holder}`));
    const firstExit = exited(first.process);
    first.process.kill("SIGKILL");
    const killedAt = Date.now();
    await firstExit;
    // What the dead daemon left: no write of its own can move it any more.
    const left = (await lease()) as LeaseRecord;
    expect(left.holder).toBe(held.holder);

    await waitFor(async () => (await lease())?.info.pid === second.process.pid);
    const taken = (await lease()) as LeaseRecord;
    // Taken over once the dead daemon's lease had expired, never while it might have been alive.
    expect(taken.acquiredAt).toBeGreaterThanOrEqual(left.expiresAt);
    // The second daemon runs the loops from then on.
    await waitFor(async () => {
      const loops = ((await lease())?.info.loops ?? {}) as Record<string, number>;
      return (loops.run_monitoring ?? 0) >= taken.acquiredAt;
    });
    await waitFor(() => second.output().includes(`took over the lease from ${held.holder}`));

    const secondExit = exited(second.process);
    second.process.kill("SIGTERM");
    expect(await secondExit).toBe(0);
    expect(await lease()).toBeUndefined();
    const handoverMs = taken.acquiredAt - killedAt;
    console.log(`daemon lease handover after SIGKILL: ${handoverMs} ms (lease ${DEFAULT_DAEMON_LEASE_TTL_MS} ms)`);
    return { handoverMs };
  } finally {
    await instance.close();
  }
}

describe("chaos: a daemon SIGKILLed while another waits", () => {
  it("SQLite: the waiting daemon takes over once the killed one's lease expired, and runs the loops", { timeout: 120_000 }, async () => {
    const home = dirs.make("tessera-chaos-daemon-home-");
    const { handoverMs } = await killAndTakeOver(home);
    expect(handoverMs).toBeGreaterThan(0);
  });

  describe.skipIf(!server.reachable)("PostgreSQL", () => {
    const schemas: string[] = [];
    afterEach(async () => {
      await Promise.all(schemas.splice(0).map((s) => dropSchema(server.url, s)));
    });

    it("the waiting daemon takes over once the killed one's lease expired, and runs the loops", { timeout: 120_000 }, async () => {
      const home = dirs.make("tessera-chaos-daemon-pg-home-");
      const schema = freshSchemaName();
      schemas.push(schema);
      writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n`);
      const { handoverMs } = await killAndTakeOver(home);
      expect(handoverMs).toBeGreaterThan(0);
    });
  });
});
