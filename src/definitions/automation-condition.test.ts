import { describe, expect, it } from "vitest";
import { AssetSelection } from "../graph/index.js";
import { AutomationCondition, InvalidAutomationConditionError } from "./index.js";

describe("AutomationCondition", () => {
  it("is immutable and says its kind", () => {
    const missing = AutomationCondition.missing();
    expect(missing.kind).toBe("missing");
    expect(Object.isFrozen(missing)).toBe(true);
    expect(missing.withLabel("gone")).not.toBe(missing);
    expect(missing.label).toBeUndefined();
    expect(missing.withLabel("gone").label).toBe("gone");
  });

  it("flattens unlabeled ANDs and ORs, keeping labeled ones whole", () => {
    const a = AutomationCondition.missing();
    const b = AutomationCondition.newlyUpdated();
    const c = AutomationCondition.newlyRequested();
    expect(a.and(b).and(c).children).toEqual([a, b, c]);
    expect(a.or(b).or(c).children).toEqual([a, b, c]);
    expect(a.and(b).withLabel("ab").and(c).children.map((x) => x.label ?? x.kind)).toEqual(["ab", "newly_requested"]);
    expect(AutomationCondition.not(a).describe()).toBe("NOT\n  missing");
  });

  it("builds the statics from parts as the reference does", () => {
    expect(AutomationCondition.inProgress().describe()).toBe("in_progress: OR\n  run_in_progress\n  backfill_in_progress");
    expect(AutomationCondition.newlyMissing().describe()).toBe("newly_missing: NEWLY_TRUE\n  missing");
    expect(AutomationCondition.anyDepsMissing().describe()).toBe("any_deps_missing: ANY_DEPS_MATCH\n  AND\n    missing\n    NOT\n      will_be_requested");
    expect(AutomationCondition.anyDepsInProgress().describe().split("\n")[0]).toBe("any_deps_in_progress: ANY_DEPS_MATCH");
  });

  it("replaces a sub-condition found by its label or by the instance", () => {
    const eager = AutomationCondition.eager();
    // an equal tree matches, as the reference compares conditions by value
    const replaced = eager.replace(AutomationCondition.inLatestTimeWindow(), AutomationCondition.initialEvaluation().not());
    expect(replaced.describe()).not.toContain("in_latest_time_window");
    expect(replaced.describe().split("\n").slice(0, 3)).toEqual(["eager: AND", "  NOT", "    initial_evaluation"]);
    expect(eager.describe()).toContain("in_latest_time_window");
    const missing = AutomationCondition.missing();
    const tree = missing.and(AutomationCondition.newlyUpdated());
    expect(tree.replace(missing, AutomationCondition.newlyRequested()).describe()).toBe("AND\n  newly_requested\n  newly_updated");
    expect(eager.replace("in_latest_time_window", AutomationCondition.missing()).describe()).not.toContain("in_latest_time_window");
    const byLabel = AutomationCondition.eager().replace("any_deps_missing", AutomationCondition.missing().withLabel("self_missing"));
    expect(byLabel.describe()).toContain("self_missing: missing");
    expect(byLabel.describe()).not.toContain("any_deps_missing");
  });

  it("without removes an operand of an AND, keeping its label", () => {
    const unbounded = AutomationCondition.onMissing().without(AutomationCondition.inLatestTimeWindow());
    expect(unbounded.describe().split("\n").slice(0, 2)).toEqual(["on_missing: AND", "  missing_since_last_handled: SINCE"]);
    expect(() => AutomationCondition.missing().without("x")).toThrow(InvalidAutomationConditionError);
    expect(() => AutomationCondition.eager().without("nothing such")).toThrow(/no operand/);
  });

  it("allow and ignore reach every deps operator of the tree", () => {
    const ignored = AutomationCondition.eager().ignore(AssetSelection.keys("raw"));
    const depsLines = ignored.describe().split("\n").filter((l) => l.includes("DEPS_MATCH"));
    expect(depsLines).toHaveLength(3);
    for (const line of depsLines) expect(line).toContain("ignore");
    const allowed = AutomationCondition.anyDepsUpdated().allow(AssetSelection.keys("a")).allow(AssetSelection.keys("b"));
    // allowing twice allows both selections, as the reference does
    const allowSelection = allowed.params.allowSelection;
    expect(allowSelection && AssetSelection.from(allowSelection).equals(AssetSelection.keys("a").or(AssetSelection.keys("b")))).toBe(true);
  });

  it("gives a different unique id to a different tree", () => {
    expect(AutomationCondition.eager().uniqueId).toBe(AutomationCondition.eager().uniqueId);
    expect(AutomationCondition.eager().uniqueId).not.toBe(AutomationCondition.onMissing().uniqueId);
    expect(AutomationCondition.onCron("0 * * * *").uniqueId).not.toBe(AutomationCondition.onCron("0 9 * * *").uniqueId);
  });

  it("rejects a bad cron string or lookback when built", () => {
    expect(() => AutomationCondition.cronTickPassed("not a cron")).toThrow(InvalidAutomationConditionError);
    expect(() => AutomationCondition.onCron("0 * * * *", "Mars/Olympus")).toThrow(InvalidAutomationConditionError);
    expect(() => AutomationCondition.inLatestTimeWindow(-1)).toThrow(InvalidAutomationConditionError);
  });
});
