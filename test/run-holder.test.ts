// Every run ends: a `tessera materialize` killed mid-run leaves a run that the next command reading runs
// fails with the reason, and that re-executes from failure.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { tesseraInProcess } from "./support/cli.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

/** Resolves once `condition` holds, checking every 50 ms; the test's timeout bounds it. */
async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("a run whose process is SIGKILLed", () => {
  it("is failed with the reason by the next `run list`, and re-executes from failure", { timeout: 120_000 }, async () => {
    const home = dirs.make("tessera-killed-home-");
    const started = join(home, "slow-started");
    const release = join(home, "release");
    const defs = userProject(
      dirs,
      `import { existsSync, writeFileSync } from "node:fs";
import { Definitions, asset } from "@tessera/core";
const first = asset("first", () => 1);
// Signals that it runs, then waits for the test: the kill lands while the run is held, mid-step.
const slow = asset({ name: "slow", deps: [first] }, async () => {
  writeFileSync(${JSON.stringify(started)}, "");
  await new Promise<void>((resolve) => { const t = setInterval(() => { if (existsSync(${JSON.stringify(release)})) { clearInterval(t); resolve(); } }, 20); });
  return 2;
});
export const defs = new Definitions({ assets: [first, slow] });
`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home, NO_COLOR: "1" };
    const child = spawn(process.execPath, [TESSERA_BIN, "materialize", "-m", defs], { env, stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await waitFor(() => existsSync(started));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const before = Instance.fromHome({ home });
    const [killed] = await before.getRuns({});
    expect(killed?.status).toBe("STARTED");
    await before.close();

    const list = await tesseraInProcess(["run", "list"], home);
    expect(list.code).toBe(0);
    expect(list.stderr).toMatch(new RegExp(`Run ${killed?.runId} ended: The run's process ${child.pid} on .* is gone \\(killed, out of memory, or exited\\)`));
    expect(list.stdout).toMatch(/FAILURE/);

    writeFileSync(release, "");
    const again = await tesseraInProcess(["run", "reexecute", killed?.runId as string, "--from-failure", "-m", defs], home);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    const instance = Instance.fromHome({ home });
    try {
      const failed = await instance.getRunById(killed?.runId as string);
      expect(failed?.status).toBe("FAILURE");
      expect(failed?.failureReason).toMatch(/is gone/);
      const [child2] = (await instance.getRuns({})).filter((r) => r.parentRunId === killed?.runId);
      expect(child2?.status).toBe("SUCCESS");
      // From failure: `first` succeeded in the killed run and is not run again.
      expect(child2?.assetSelection).toEqual(["slow"]);
    } finally {
      await instance.close();
    }
  });

  it("leaves a live run's process alone", async () => {
    const home = dirs.make("tessera-live-home-");
    const instance = Instance.fromHome({ home });
    try {
      const { holdRun } = await import("../src/execution/workers/run-holder.js");
      const run = await instance.createRun({ runId: "live-run", jobName: "j", assetSelection: [], tags: {} } as never);
      await instance.storeEvents([{ runId: run.runId, timestamp: Date.now(), eventType: "RUN_START" }]);
      const hold = await holdRun(instance, run.runId);
      const list = await tesseraInProcess(["run", "list"], home);
      expect(list.stderr).toBe("");
      expect((await instance.getRunById(run.runId))?.status).toBe("STARTED");
      await hold.release();
      // Released without an end event: the process left the run unfinished.
      await tesseraInProcess(["run", "list"], home);
      expect((await instance.getRunById(run.runId))?.failureReason).toMatch(/released the run without ending it/);
    } finally {
      await instance.close();
    }
  });
});
