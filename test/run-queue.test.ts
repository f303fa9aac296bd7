// Queued runs launched in child processes: a run that crashes its process ends FAILURE with the reason, and
// the launcher (the daemon, in production) goes on.
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ChildProcessRunLauncher, Instance, QueuedRunCoordinator, type Definitions } from "@tessera/core";
import { TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const project = (source: string): string => userProject(dirs, source, "tessera-run-queue-project-");

const SOURCE = `
import { Definitions, asset } from "@tessera/core";
export const orders = asset("orders", () => ({ pid: process.pid, rows: [1, 2, 3] }));
export const total = asset({ name: "total", ins: { orders } }, (_ctx, { orders }) => ({ pid: process.pid, sum: orders.rows.reduce((a, b) => a + b, 0) }));
export const crashing = asset("crashing", () => process.exit(7));
export const defs = new Definitions({ assets: [orders, total, crashing] });
`;

describe("runs launched in child processes", () => {
  it("executes a queued run in its own process and fails one that kills its process, naming how it died", async () => {
    const module = project(SOURCE);
    const { defs } = (await import(module)) as { defs: Definitions };
    const home = dirs.make("tessera-run-queue-home-");
    const instance = Instance.fromHome({ home });
    try {
      const good = await defs.submitRun("*total", { instance, tags: { team: "finance" } });
      const crash = await defs.submitRun("crashing", { instance });
      const launcher = new ChildProcessRunLauncher({ module, instance });
      const result = await new QueuedRunCoordinator({ instance, launcher }).dequeue();
      expect(result.launched).toEqual([good.runId, crash.runId]);
      await launcher.whenIdle();

      expect(await instance.getRunById(good.runId)).toMatchObject({ status: "SUCCESS", tags: { team: "finance" } });
      const value = await defs.loadAssetValue<{ pid: number; sum: number }>("total", { instance });
      expect(value.sum).toBe(6);
      expect(value.pid).not.toBe(process.pid);

      const crashed = await instance.getRunById(crash.runId);
      expect(crashed?.status).toBe("FAILURE");
      expect(crashed?.failureReason).toMatch(/^The run's process exited with code 7 before the run finished/);
    } finally {
      await instance.close();
    }
  });

  it("fails a run whose code location no longer loads, with the loader's error", async () => {
    const module = project(SOURCE);
    const { defs } = (await import(module)) as { defs: Definitions };
    const home = dirs.make("tessera-run-queue-home-");
    const instance = Instance.fromHome({ home });
    try {
      const run = await defs.submitRun("orders", { instance });
      writeFileSync(module, `throw new Error("syntax you did not expect");\n`);
      const launcher = new ChildProcessRunLauncher({ module, instance });
      await new QueuedRunCoordinator({ instance, launcher }).dequeue();
      await launcher.whenIdle();
      const failed = await instance.getRunById(run.runId);
      expect(failed?.status).toBe("FAILURE");
      expect(failed?.failureReason).toMatch(/exited with code 1 before the run finished: .*syntax you did not expect/);
    } finally {
      await instance.close();
    }
  });
});
