import { describe, expect, it } from "vitest";
import { AssetDep, DailyPartitionsDefinition, Instance, ManualClock, TimeWindowPartitionMapping, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const HOUR = 3_600_000;

function runningTotal() {
  const daily = new DailyPartitionsDefinition({ startDate: "2026-01-01" });
  const previousDay = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });
  const running = asset(
    { name: "running_total", partitionsDef: daily, automationCondition: AutomationCondition.eager(), deps: [new AssetDep("running_total", { partitionMapping: previousDay })] },
    (ctx) => ctx.partitionKey,
  );
  const defs = new Definitions({ assets: [running] });
  const clock = new ManualClock(Date.UTC(2026, 0, 3, 1));
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    defs,
    clock,
    instance,
    async evaluate() {
      const result = await evaluateAutomationConditions({ defs, instance, cursor });
      cursor = result.cursor;
      return result;
    },
    run: (partitionKey: string) => defs.materialize("running_total", { instance, partitionKey }),
  };
}

describe("eager() on a self-dependent partitioned asset", () => {
  it("requests the next partition once the previous partition of itself is materialized", async () => {
    const s = runningTotal();
    // 2026-01-02 is the latest partition; its dep, 2026-01-01, is missing.
    expect([...(await s.evaluate()).getRequestedPartitions("running_total")]).toEqual([]);
    await s.run("2026-01-01");
    expect([...(await s.evaluate()).getRequestedPartitions("running_total")]).toEqual(["2026-01-02"]);
    await s.run("2026-01-02");
    expect((await s.evaluate()).totalRequested).toBe(0);
    // A day later, the new latest partition follows the one just made.
    s.clock.advance(24 * HOUR);
    expect([...(await s.evaluate()).getRequestedPartitions("running_total")]).toEqual(["2026-01-03"]);
  });

  it("waits while the previous partition of itself is missing", async () => {
    const s = runningTotal();
    s.clock.advance(24 * HOUR);
    await s.evaluate();
    // 2026-01-03 is the latest; 2026-01-02 is missing.
    await s.run("2026-01-01");
    expect((await s.evaluate()).totalRequested).toBe(0);
  });
});
