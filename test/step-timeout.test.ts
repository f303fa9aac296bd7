// Step timeouts: tessera/max_runtime as an op tag, as a run tag, and the instance's default; a compute that can
// never settle fails its step instead of leaving the run STARTED.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Definitions, Instance, asset } from "@tessera/core";
import { MAX_RUNTIME_TAG } from "../src/execution/index.js";
import { SqliteStorage } from "../src/storage/index.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
const timers: NodeJS.Timeout[] = [];
afterAll(() => {
  for (const t of timers) clearInterval(t);
  dirs.removeAll();
});

/** Never resolves, with a timer alive (so the process cannot exit and nothing but the limit ends it). */
const hangsWithTimer = (): Promise<never> =>
  new Promise<never>(() => {
    timers.push(setInterval(() => undefined, 1000));
  });

async function failureOf(instance: Instance, runId: string, stepKey: string): Promise<string | undefined> {
  const logs = await instance.allLogs(runId, { ofType: "STEP_FAILURE" });
  return logs.find((e) => e.stepKey === stepKey)?.message;
}

describe("step timeouts", () => {
  it("fails a step past its opTags tessera/max_runtime, drops what it does later, and the other steps run", async () => {
    let late = false;
    const stuck = asset({ name: "stuck", opTags: { [MAX_RUNTIME_TAG]: "0.05" } }, async () => {
      await hangsWithTimer();
      late = true;
      return 1;
    });
    const fine = asset("fine", () => 2);
    const instance = Instance.ephemeral();
    const result = await new Definitions({ assets: [stuck, fine] }).materialize("*", { instance, raiseOnError: false });
    const run = await instance.getRunById(result.runId);
    expect(run?.status).toBe("FAILURE");
    expect(await failureOf(instance, result.runId, "stuck")).toMatch(/^Step "stuck" failed: Step "stuck" exceeded its max runtime of 0.05 s \(opTags tessera\/max_runtime\)/);
    expect((await instance.allLogs(result.runId, { ofType: "STEP_SUCCESS" })).map((e) => e.stepKey)).toEqual(["fine"]);
    expect(late).toBe(false);
  });

  it("hands nothing to the IO manager when the compute returns after its step was failed for its time", async () => {
    let release: (value: number) => void = () => undefined;
    let returned = false;
    const late = asset({ name: "late", opTags: { [MAX_RUNTIME_TAG]: "0.05" } }, async () => {
      const value = await new Promise<number>((resolve) => {
        release = resolve;
        timers.push(setInterval(() => undefined, 1000));
      });
      returned = true;
      return value;
    });
    const handled: string[] = [];
    const recording = { handleOutput: (ctx: { assetKey: { toString(): string } }) => void handled.push(ctx.assetKey.toString()), loadInput: () => undefined };
    const instance = Instance.ephemeral();
    const result = await new Definitions({ assets: [late], resources: { ioManager: recording } }).materialize("*", { instance, raiseOnError: false });
    expect(await failureOf(instance, result.runId, "late")).toMatch(/exceeded its max runtime of 0.05 s/);
    release(42);
    // From the compute's return to the IO manager there are only promise callbacks: all run before the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(returned).toBe(true);
    expect(handled).toEqual([]);
    expect((await instance.allLogs(result.runId)).filter((e) => e.stepKey === "late").map((e) => e.eventType)).toEqual(["STEP_START", "STEP_FAILURE"]);
  });

  it("bounds the whole run with the run tag, and with the instance's runMonitoring.maxRuntimeSeconds by default", async () => {
    const stuck = asset("stuck", hangsWithTimer);
    const defs = new Definitions({ assets: [stuck] });
    const tagged = Instance.ephemeral();
    const byTag = await defs.materialize("*", { instance: tagged, raiseOnError: false, tags: { [MAX_RUNTIME_TAG]: "0.05" } });
    expect(await failureOf(tagged, byTag.runId, "stuck")).toMatch(/exceeded its max runtime of 0.05 s \(run tag tessera\/max_runtime\)/);

    const home = dirs.make("tessera-timeout-home-");
    const instance = new Instance(new SqliteStorage(":memory:"), { home, settings: { runMonitoring: { maxRuntimeSeconds: 0.05 } } });
    const byDefault = await defs.materialize("*", { instance, raiseOnError: false });
    expect((await instance.getRunById(byDefault.runId))?.status).toBe("FAILURE");
    expect(await failureOf(instance, byDefault.runId, "stuck")).toMatch(/\(runMonitoring.maxRuntimeSeconds in tessera.yaml\)/);
  });

  it("refuses a max runtime that is not a positive number, naming the tag", async () => {
    const instance = Instance.ephemeral();
    const result = await new Definitions({ assets: [asset({ name: "a", opTags: { [MAX_RUNTIME_TAG]: "soon" } }, () => 1)] }).materialize("*", { instance, raiseOnError: false });
    expect(await failureOf(instance, result.runId, "a")).toMatch(/tessera\/max_runtime of step "a"'s opTags is "soon"; give a positive number of seconds/);
  });

  it("a compute that nothing can settle fails its step, and `tessera materialize` ends the run FAILURE instead of exiting with it STARTED", { timeout: 60_000 }, async () => {
    const home = dirs.make("tessera-hung-home-");
    const module = userProject(
      dirs,
      `import { Definitions, asset } from "@tessera/core";
const hung = asset("hung", () => new Promise<number>(() => {}));
export const defs = new Definitions({ assets: [hung] });
`,
    );
    const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "materialize", "-m", module, "--select", "hung"], { stdio: "ignore" });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    const instance = Instance.fromHome({ home });
    try {
      const [run] = await instance.getRuns({});
      expect(run?.status).toBe("FAILURE");
      expect(await failureOf(instance, run?.runId as string, "hung")).toMatch(/never finished: its compute returned a promise that nothing left in the process can settle/);
    } finally {
      await instance.close();
    }
  });
});
