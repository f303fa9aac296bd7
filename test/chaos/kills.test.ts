// Chaos: 20 `tessera materialize` processes SIGKILLed at seeded random points of a small graph (each inside a
// chosen step, once it has certainly begun), 4 at a time. Each time: the next command that reads runs ends the run
// with the reason, a re-execution from failure finishes it, no step ran twice, every finished step's events are
// stored exactly once, and the instance still opens.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { tesseraInProcess } from "../support/cli.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";
import { assertEveryRunEnded, assertNothingAfterEnd, assertStepsOnce, waitFor } from "./chaos-support.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

const SEED = 14;
const KILLS = 20;
const PARALLEL = 4;
// A diamond and a tail: a → (b, c) → d → e. The step named by TESSERA_CHAOS_STOP marks that it began, then waits
// to be killed; a run without the variable (the re-execution, in the test's process) runs straight through.
const ASSETS = ["a", "b", "c", "d", "e"];
const GRAPH = `
import { writeFileSync } from "node:fs";
import { Definitions, asset } from "@tessera/core";
const stopHere = async (name: string) => {
  if (process.env.TESSERA_CHAOS_STOP !== name) return;
  writeFileSync(process.env.TESSERA_CHAOS_MARK as string, name);
  await new Promise(() => setInterval(() => undefined, 1000));
};
const a = asset("a", async () => { await stopHere("a"); return 1; });
const b = asset({ name: "b", ins: { a } }, async (_c, { a }) => { await stopHere("b"); return a + 1; });
const c = asset({ name: "c", ins: { a } }, async (_c, { a }) => { await stopHere("c"); return a + 2; });
const d = asset({ name: "d", ins: { b, c } }, async (_c, { b, c }) => { await stopHere("d"); return b + c; });
const e = asset({ name: "e", ins: { d } }, async (_c, { d }) => { await stopHere("e"); return d * 2; });
export const defs = new Definitions({ assets: [a, b, c, d, e] });
`;

/** mulberry32: a seeded generator, so the kill points are the same on every run of the suite. */
function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  stoppedIn: string;
  signal: NodeJS.Signals | null;
}

async function killOnce(module: string, stopIn: string, index: number): Promise<Outcome> {
  const home = dirs.make(`tessera-chaos-kill-${index}-`);
  const mark = join(home, "mark");
  const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "materialize", "-m", module, "--select", "*"], {
    stdio: "ignore",
    env: { ...process.env, NO_COLOR: "1", TESSERA_CHAOS_STOP: stopIn, TESSERA_CHAOS_MARK: mark },
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  await waitFor(() => existsSync(mark) || child.exitCode !== null);
  child.kill("SIGKILL");
  const signal = await exited;

  const list = await tesseraInProcess(["run", "list"], home);
  expect(list.code).toBe(0);
  const instance = Instance.fromHome({ home });
  try {
    const [killed] = await instance.getRuns({});
    expect(killed?.status).toBe("FAILURE");
    expect(killed?.failureReason).toMatch(/is gone \(killed, out of memory, or exited\)/);
    const again = await tesseraInProcess(["run", "reexecute", killed?.runId as string, "--from-failure", "-m", module], home);
    expect(again.code, again.stderr).toBe(0);
    const runs = await instance.getRuns({});
    expect(runs).toHaveLength(2);
    await assertEveryRunEnded(instance, runs);
    const done = new Set<string>();
    for (const run of runs) {
      const logs = await instance.allLogs(run.runId);
      assertNothingAfterEnd(logs);
      assertStepsOnce(logs);
      for (const e of logs) if (e.eventType === "STEP_SUCCESS" && e.stepKey) {
        // Across the killed run and its re-execution, each asset succeeded once: nothing ran twice.
        expect(done.has(e.stepKey), `${e.stepKey} succeeded twice`).toBe(false);
        done.add(e.stepKey);
      }
    }
    expect([...done].sort()).toEqual(ASSETS);
    expect(runs.find((r) => r.parentRunId === killed?.runId)?.status).toBe("SUCCESS");
  } finally {
    await instance.close();
  }
  // The instance still opens, for a command as for the library.
  const info = await tesseraInProcess(["instance", "info"], home);
  expect(info.code, info.stderr).toBe(0);
  return { stoppedIn: stopIn, signal };
}

describe("chaos: SIGKILL of tessera materialize at random points", () => {
  it(`${KILLS} kills (seed ${SEED}, ${PARALLEL} at a time): every run ends with a reason, nothing runs twice, the instance opens`, { timeout: 240_000 }, async () => {
    const module = userProject(dirs, GRAPH, "tessera-chaos-kill-project-");
    const random = seeded(SEED);
    const points = Array.from({ length: KILLS }, () => ASSETS[Math.floor(random() * ASSETS.length)] as string);
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < points.length) {
          const index = next++;
          outcomes.push(await killOnce(module, points[index] as string, index));
        }
      }),
    );
    expect(outcomes).toHaveLength(KILLS);
    // Every kill landed mid-run: the process was killed, it did not finish first.
    expect(outcomes.every((o) => o.signal === "SIGKILL")).toBe(true);
    expect(new Set(points).size).toBeGreaterThan(2);
  });
});
