// Graph-backed assets under the multiprocess executor: each op is a step in its own process, passing values
// through the instance's op-output store.
import { afterAll, describe, expect, it } from "vitest";
import { Instance, materialize, type Definitions } from "@tessera/core";
import { TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

const SOURCE = `
import { Definitions, In, asset, graphAsset, multiprocessExecutor, op } from "@tessera/core";
export const raw = asset("raw", () => [1, 2, 3]);
const tag = op({ name: "tag", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => ({ pid: process.pid, rows }));
const total = op({ name: "total", ins: { tagged: new In<{ pid: number; rows: number[] }>() } }, (_ctx, { tagged }) => ({
  pid: process.pid,
  from: tagged.pid,
  sum: tagged.rows.reduce((a, b) => a + b, 0),
}));
export const summed = graphAsset({ name: "summed", ins: { raw } }, ({ raw }) => total({ tagged: tag({ rows: raw }) }));
export const defs = new Definitions({ assets: [raw, summed], executor: multiprocessExecutor({ maxConcurrent: 2 }) });
`;

describe("graph-backed assets under the multiprocess executor", () => {
  it("runs each op as its own step in its own process", async () => {
    const module = userProject(dirs, SOURCE, "tessera-multiprocess-graph-");
    const { defs } = (await import(module)) as { defs: Definitions };
    const instance = Instance.fromHome({ home: dirs.make("tessera-multiprocess-graph-home-") });
    try {
      const result = await materialize(defs.assets, { instance, codeLocation: module, executor: defs.executor });
      expect(result.success).toBe(true);
      expect(result.allEvents.filter((e) => e.eventType === "STEP_SUCCESS").map((e) => e.stepKey)).toEqual(["raw", "summed.tag", "summed.total", "summed"]);
      const value = await defs.loadAssetValue<{ pid: number; from: number; sum: number }>("summed", { instance });
      expect(value.sum).toBe(6);
      expect(value.from).not.toBe(value.pid);
      expect(value.pid).not.toBe(process.pid);
    } finally {
      await instance.close();
    }
  }, 60_000);
});
