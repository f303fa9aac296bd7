// The compact form of an evaluated tree gives back the same tree: same keys in the same order, same subsets,
// conditions, metadata and times (by identity), on random trees that exercise every kind of node it encodes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StaticPartitionsDefinition } from "../../index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { compactTree, expandTree } from "./compact-tree.js";
import type { ConditionResult } from "./context.js";
import { EntitySubset } from "./subset.js";

const STATIC = new StaticPartitionsDefinition(["x", "y", "z"]);
const CONDITIONS = [
  AutomationCondition.eager(),
  AutomationCondition.onCron("0 * * * *"),
  AutomationCondition.anyDownstreamConditions(),
  AutomationCondition.anyChecksMatch(AutomationCondition.missing()),
  AutomationCondition.missing(),
];
const OTHER = AutomationCondition.newlyUpdated();

// A random source of choices, so that one seed makes one tree.
type Pick = (n: number) => number;

function subsetOf(pick: Pick, node: number): EntitySubset {
  switch (pick(4)) {
    case 0:
      return EntitySubset.of(node, pick(2) === 1);
    case 1:
      // A yes/no subset of another asset than the node's (a check's entities are their asset's).
      return EntitySubset.of(node + 1, pick(2) === 1);
    default:
      return EntitySubset.of(node, STATIC.subsetWithPartitionKeys(["x", "y", "z"].filter(() => pick(2) === 1)));
  }
}

/** A result tree shaped as `condition` (deps and checks operators with several children), with random contents. */
function randomResult(condition: AutomationCondition, pick: Pick, depth: number): ConditionResult {
  const node = pick(6);
  const actual = pick(10) === 0 ? OTHER : condition;
  const many = actual.kind.endsWith("_deps_match") || actual.kind.endsWith("_checks_match") || actual.kind === "any_downstream_conditions";
  const count = depth > 6 ? 0 : many ? pick(4) : actual.children.length;
  const children: ConditionResult[] = [];
  for (let i = 0; i < count; i++) {
    const child = actual.kind === "any_downstream_conditions" ? (CONDITIONS[pick(CONDITIONS.length)] as AutomationCondition) : (actual.children[many ? 0 : i] as AutomationCondition);
    children.push(randomResult(child, pick, depth + 1));
  }
  const base: ConditionResult = { condition: actual, node, candidateSubset: subsetOf(pick, node), trueSubset: subsetOf(pick, node), children };
  const timeOf = pick(5) === 0 ? (): number => node : undefined;
  const metadata = pick(5) === 0 ? { triggerEvaluationId: pick(9), downstreamKeys: ["a"] } : undefined;
  const timed = timeOf ? { ...base, timeOf } : base;
  return metadata ? { ...timed, metadata } : timed;
}

/** Every key, in order, with every value compared by identity (children walked). */
function expectSame(actual: ConditionResult, expected: ConditionResult): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const key of Object.keys(expected) as (keyof ConditionResult)[]) {
    if (key === "children") continue;
    expect(actual[key]).toBe(expected[key]);
  }
  expect(actual.children).toHaveLength(expected.children.length);
  expected.children.forEach((c, i) => expectSame(actual.children[i] as ConditionResult, c));
}

function touchedOf(r: ConditionResult, into = new Set<number>()): Set<number> {
  into.add(r.node);
  for (const c of r.children) touchedOf(c, into);
  return into;
}

function readsOneTick(r: ConditionResult): boolean {
  const kind = r.condition.kind;
  const oneTick = kind === "newly_updated" || kind === "data_version_changed" || kind === "any_new_update_has_run_tags" || kind === "all_new_updates_have_run_tags";
  return kind === "cron_tick_passed" || (oneTick && !r.trueSubset.isEmpty) || r.children.some(readsOneTick);
}

describe("compact evaluation trees", () => {
  it("expand to the trees they were made from", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CONDITIONS.length - 1 }), fc.array(fc.nat(1_000), { minLength: 1, maxLength: 400 }), (which, choices) => {
        let at = 0;
        const pick: Pick = (n) => (choices[at++ % choices.length] as number) % n;
        const root = CONDITIONS[which] as AutomationCondition;
        const result = randomResult(root, pick, 0);
        const { tree, touched, volatile } = compactTree(result, root);
        expect(volatile).toBe(readsOneTick(result));
        const expanded = expandTree(tree, root);
        expectSame(expanded, result);
        expect(touched).toEqual([...touchedOf(result)].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
