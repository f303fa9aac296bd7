// The multiprocess executor: each step in its own process, values through the filesystem IO manager, a crash
// confined to its step.
import { afterAll, describe, expect, it } from "vitest";
import { Instance, materialize, type Definitions } from "@tessera/core";
import { TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const project = (source: string): string => userProject(dirs, source, "tessera-multiprocess-project-");

const SOURCE = `
import { Definitions, asset, multiprocessExecutor } from "@tessera/core";
export const orders = asset("orders", () => ({ pid: process.pid, rows: [1, 2, 3] }));
export const total = asset({ name: "total", ins: { orders } }, (ctx, { orders }) => {
  ctx.log.info("summing", { rows: orders.rows.length });
  return { pid: process.pid, from: orders.pid, sum: orders.rows.reduce((a, b) => a + b, 0) };
});
export const crashing = asset({ name: "crashing", deps: [orders] }, () => process.exit(3));
export const afterCrash = asset({ name: "after_crash", deps: [crashing] }, () => 1);
export const defs = new Definitions({ assets: [orders, total, crashing, afterCrash], executor: multiprocessExecutor({ maxConcurrent: 2 }) });
`;

describe("the multiprocess executor", () => {
  it("runs each step in its own process, passing values through files and confining a crash to its step", async () => {
    const module = project(SOURCE);
    const { defs } = (await import(module)) as { defs: Definitions };
    const home = dirs.make("tessera-multiprocess-home-");
    const instance = Instance.fromHome({ home });
    const result = await materialize(defs.assets, { instance, codeLocation: module, executor: defs.executor, raiseOnError: false });
    expect(result.success).toBe(false);
    expect(result.materializedKeys.map(String).sort()).toEqual(["orders", "total"]);
    const value = await defs.loadAssetValue<{ pid: number; from: number; sum: number }>("total", { instance });
    expect(value.sum).toBe(6);
    expect(value.pid).not.toBe(process.pid);
    expect(value.from).not.toBe(value.pid);
    const failure = result.getStepFailureEvents()[0];
    expect(failure?.stepKey).toBe("crashing");
    expect(failure?.message).toMatch(/The process of step "crashing" exited with code 3/);
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["after_crash"]);
    expect(result.allEvents.some((e) => e.eventType === "LOG_MESSAGE" && e.message === "summing")).toBe(true);
    expect((await instance.getRunById(result.runId))?.status).toBe("FAILURE");
    await instance.close();
  }, 60_000);

  it("streams every process's events to the progress listener, in order", async () => {
    const module = project(SOURCE.replace("export const crashing", "const crashing").replace("export const afterCrash", "const afterCrash").replace("[orders, total, crashing, afterCrash]", "[orders, total]"));
    const { defs } = (await import(module)) as { defs: Definitions };
    const home = dirs.make("tessera-multiprocess-home-");
    const instance = Instance.fromHome({ home });
    const seen: string[] = [];
    const result = await materialize(defs.assets, { instance, codeLocation: module, executor: defs.executor, onEvent: (e) => seen.push(`${e.eventType}${e.stepKey ? `@${e.stepKey}` : ""}`) });
    expect(result.success).toBe(true);
    expect(seen.filter((e) => e.startsWith("STEP_") || e.startsWith("RUN_"))).toEqual([
      "RUN_START",
      "STEP_START@orders",
      "STEP_SUCCESS@orders",
      "STEP_START@total",
      "STEP_SUCCESS@total",
      "RUN_SUCCESS",
    ]);
    expect(seen).toContain("LOG_MESSAGE@total");
    await instance.close();
  }, 60_000);

  it("refuses to run without a module or on an in-memory instance, saying what it needs", async () => {
    const module = project(SOURCE);
    const { defs } = (await import(module)) as { defs: Definitions };
    await expect(materialize(defs.assets, { executor: defs.executor })).rejects.toThrow(/needs its module/);
    await expect(materialize(defs.assets, { executor: defs.executor, codeLocation: module })).rejects.toThrow(/not Instance.ephemeral/);
  });
});
