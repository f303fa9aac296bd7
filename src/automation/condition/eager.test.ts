import { describe, expect, it } from "vitest";
import { Instance, ManualClock, asset, materialize } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { evaluateAutomationConditions } from "./index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { startRun } from "./test-scenario.js";

const START = Date.UTC(2026, 10, 2, 1, 5);

function scenario() {
  const a = asset({ name: "A" }, () => 1);
  const b = asset({ name: "B", deps: [a] }, () => 2);
  const defs = new Definitions({ assets: [a, b] });
  const instance = Instance.ephemeral({ clock: new ManualClock(START) });
  let cursor: string | undefined;
  return {
    instance,
    async evaluate(condition = AutomationCondition.eager()) {
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { B: condition } });
      cursor = result.cursor;
      return result;
    },
    run: (selection: string[]) => materialize([a, b], { instance, selection }),
  };
}

describe("AutomationCondition.eager()", () => {
  it("is built from parts as the reference builds it", () => {
    expect(AutomationCondition.eager().describe()).toBe(
      [
        "eager: AND",
        "  in_latest_time_window",
        "  SINCE",
        "    OR",
        "      newly_missing: NEWLY_TRUE",
        "        missing",
        "      any_deps_updated: ANY_DEPS_MATCH",
        "        OR",
        "          newly_updated_without_root: AND",
        "            newly_updated",
        "            NOT",
        "              executed_with_root_target",
        "          will_be_requested",
        "    handled: OR",
        "      newly_requested",
        "      newly_updated",
        "      initial_evaluation",
        "  NOT",
        "    any_deps_missing: ANY_DEPS_MATCH",
        "      AND",
        "        missing",
        "        NOT",
        "          will_be_requested",
        "  NOT",
        "    any_deps_in_progress: ANY_DEPS_MATCH",
        "      in_progress: OR",
        "        run_in_progress",
        "        backfill_in_progress",
        "  NOT",
        "    in_progress: OR",
        "      run_in_progress",
        "      backfill_in_progress",
      ].join("\n"),
    );
  });

  it("requests B once its parent updates, and not again while requested, then again when A updates", async () => {
    const s = scenario();
    // parent has not updated yet
    expect((await s.evaluate()).totalRequested).toBe(0);
    // parent updated: B can run
    await s.run(["A"]);
    const requested = await s.evaluate();
    expect(requested.totalRequested).toBe(1);
    expect(requested.getRequestedPartitions("B")).toEqual(new Set([undefined]));
    expect(requested.runRequests.map((r) => r.assetSelection?.map(String))).toEqual([["B"]]);
    // requested but not yet materialized: not again
    expect((await s.evaluate()).totalRequested).toBe(0);
    expect((await s.evaluate()).totalRequested).toBe(0);
    // B materialized: nothing to do
    await s.run(["B"]);
    expect((await s.evaluate()).totalRequested).toBe(0);
    // A again: B again
    await s.run(["A"]);
    expect((await s.evaluate()).getNumRequested("B")).toBe(1);
  });

  it("does not request B when A was updated by a run that also targeted B", async () => {
    const s = scenario();
    await s.evaluate();
    await s.run(["A", "B"]);
    expect((await s.evaluate()).totalRequested).toBe(0);
  });

  it("does not request B while B is in progress", async () => {
    const s = scenario();
    await s.evaluate();
    await s.run(["A"]);
    await startRun(s.instance, ["B"]);
    expect((await s.evaluate()).totalRequested).toBe(0);
  });

  it("does not request B while its parent is missing", async () => {
    const s = scenario();
    await s.evaluate();
    // B materialized on its own: A is still missing
    await s.run(["B"]);
    expect((await s.evaluate()).totalRequested).toBe(0);
  });

  it("makes no surprise request of an asset missing at the first evaluation", async () => {
    const s = scenario();
    await s.run(["A"]);
    const first = await s.evaluate();
    expect(first.totalRequested).toBe(0);
    expect(first.explain("B")).toContain("initial_evaluation → true");
  });
});
