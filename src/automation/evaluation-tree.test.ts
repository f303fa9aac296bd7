import { describe, expect, it } from "vitest";
import {
  AutomationCondition,
  DailyPartitionsDefinition,
  StaticPartitionsDefinition,
  Instance,
  ManualClock,
  asset,
  evaluateAutomationConditions,
  materialize,
} from "../index.js";
import { Definitions } from "../code-location/index.js";
import { AssetGraph } from "../graph/index.js";
import {
  MAX_LISTED_PARTITIONS,
  isEvaluationTreeNode,
  renderEvaluationTree,
  serializeEvaluationTree,
  type EvaluationTreeNode,
} from "./evaluation-tree.js";

const START = Date.UTC(2026, 10, 2, 1, 5);

async function evaluated(condition: AutomationCondition, partitioned = false) {
  const partitionsDef = partitioned ? new DailyPartitionsDefinition({ startDate: "2026-09-01" }) : undefined;
  const a = asset({ name: "A", ...(partitionsDef ? { partitionsDef } : {}) }, () => 1);
  const b = asset({ name: "B", deps: [a], ...(partitionsDef ? { partitionsDef } : {}), automationCondition: condition }, () => 2);
  const defs = new Definitions({ assets: [a, b] });
  const instance = Instance.ephemeral({ clock: new ManualClock(START) });
  return { defs, instance, a, b, graph: AssetGraph.of(defs) };
}

function find(tree: EvaluationTreeNode, label: string): EvaluationTreeNode | undefined {
  if (tree.label === label) return tree;
  for (const c of tree.children) {
    const f = find(c, label);
    if (f) return f;
  }
  return undefined;
}

describe("serializeEvaluationTree", () => {
  it("names nodes by label and describes them as the reference does, with children and unique ids", async () => {
    const s = await evaluated(AutomationCondition.eager());
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance });
    const tree = serializeEvaluationTree(result.getResult("B")!.result, s.graph);
    expect(tree.label).toBe("eager");
    expect(tree.name).toBe("AND");
    expect(tree.uniqueId).toBe(AutomationCondition.eager().uniqueId);
    expect(tree.children).toHaveLength(5);
    expect(find(tree, "any_deps_updated")?.description).toBe("Any deps updated");
    expect(find(tree, "newly_requested")?.description).toBe("Requested by the previous evaluation");
    // the deps operator's operand is evaluated on the dep
    expect(find(tree, "any_deps_missing")?.children[0]?.assetKey).toBe("A");
    expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
    expect(isEvaluationTreeNode(tree)).toBe(true);
    expect(isEvaluationTreeNode({ label: "x" })).toBe(false);
  });

  it("reports true/false for an unpartitioned asset", async () => {
    const s = await evaluated(AutomationCondition.missing().and(AutomationCondition.inProgress().not()));
    await materialize([s.a], { instance: s.instance });
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance });
    const tree = serializeEvaluationTree(result.getResult("B")!.result, s.graph);
    expect(tree).toMatchObject({ partitioned: false, isTrue: true, numTrue: 1, numCandidates: 1 });
    expect(tree.truePartitions).toBeUndefined();
    expect(tree.children[1]?.isTrue).toBe(true);
    expect(tree.children[1]?.children[0]).toMatchObject({ label: "in_progress", isTrue: false, numTrue: 0 });
  });

  it("counts true partitions exactly and lists the first ones", async () => {
    const s = await evaluated(AutomationCondition.missing(), true);
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance });
    const tree = serializeEvaluationTree(result.getResult("B")!.result, s.graph);
    // 2026-09-01 .. 2026-11-01
    expect(tree.numTrue).toBe(62);
    expect(tree.numCandidates).toBe(62);
    expect(tree.truePartitions).toEqual([{ start: "2026-09-01", end: "2026-11-01" }]);
    expect(tree.numTrueRanges).toBeUndefined();
  });

  it("lists at most MAX_LISTED_PARTITIONS ranges and counts them all", async () => {
    const letters = new StaticPartitionsDefinition(Array.from({ length: 25 }, (_, i) => `p${i}`));
    const a = asset({ name: "A", partitionsDef: letters, automationCondition: AutomationCondition.missing() }, () => 1);
    const defs = new Definitions({ assets: [a] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const result = await evaluateAutomationConditions({ defs, instance });
    const tree = serializeEvaluationTree(result.getResult("A")!.result, AssetGraph.of(defs));
    expect(tree.numTrue).toBe(25);
    expect(tree.truePartitions).toHaveLength(MAX_LISTED_PARTITIONS);
    expect(tree.truePartitions?.[0]).toEqual({ start: "p0", end: "p0" });
    expect(tree.numTrueRanges).toBe(25);
    expect(renderEvaluationTree(tree)).toMatch(/→ 25 of 25 partitions: p0, p1, .*p19, … 5 more ranges$/);
  });

  it("carries since's metadata", async () => {
    const s = await evaluated(AutomationCondition.missing().since(AutomationCondition.newlyUpdated()));
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance });
    const tree = serializeEvaluationTree(result.getResult("B")!.result, s.graph);
    expect(tree.metadata).toMatchObject({ triggerEvaluationId: 1, resetEvaluationId: null });
  });
});

describe("renderEvaluationTree", () => {
  it("indents children and shows each node's truth, partitions and metadata", async () => {
    const s = await evaluated(AutomationCondition.missing().since(AutomationCondition.newlyUpdated()), true);
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance });
    const text = renderEvaluationTree(serializeEvaluationTree(result.getResult("B")!.result, s.graph));
    const lines = text.split("\n");
    expect(lines[0]).toBe("✓ True since the trigger, until the reset [SINCE] → 62 of 62 partitions: 2026-09-01…2026-11-01 (trigger last true: evaluation 1 (2026-11-02T01:05:00.000Z); reset last true: never)");
    expect(lines[1]).toMatch(/^  ✓ Missing \[missing\] → 62 of 62 partitions/);
    expect(lines[2]).toMatch(/^  ✗ Updated since the previous evaluation \[newly_updated\] → 0 of 62 partitions$/);
  });

  it("marks nodes evaluated on another asset", async () => {
    const s = await evaluated(AutomationCondition.anyDepsMissing());
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance });
    const text = renderEvaluationTree(serializeEvaluationTree(result.getResult("B")!.result, s.graph));
    expect(text.split("\n")[0]).toBe("✓ Any deps missing [any_deps_missing: ANY_DEPS_MATCH] → true");
    expect(text.split("\n")[1]).toMatch(/^  ✓ All of \[AND\] on A → true$/);
  });
});
