// A two-asset scenario for the condition tests: A → B, history made by real runs on an ephemeral instance.
import { Instance, ManualClock, asset, materialize, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions, type AutomationConditionEvaluationResult } from "./evaluator.js";

export interface Scenario {
  readonly instance: Instance;
  readonly clock: ManualClock;
  readonly defs: Definitions;
  /** Evaluates B's condition (A's too when given), continuing the cursor of the previous call. */
  evaluate(condition?: AutomationCondition, conditionOfA?: AutomationCondition): Promise<AutomationConditionEvaluationResult>;
  run(selection: string[], partitionKey?: string): Promise<unknown>;
}

export function twoAssetsInSequence(options: { start: number; partitionsDef?: PartitionsDefinition }): Scenario {
  const partitionsDef = options.partitionsDef;
  const a = asset({ name: "A", ...(partitionsDef ? { partitionsDef } : {}) }, () => 1);
  const b = asset({ name: "B", deps: [a], ...(partitionsDef ? { partitionsDef } : {}) }, () => 2);
  const defs = new Definitions({ assets: [a, b] });
  const clock = new ManualClock(options.start);
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    instance,
    clock,
    defs,
    async evaluate(condition = AutomationCondition.eager(), conditionOfA) {
      const conditions: Record<string, AutomationCondition> = conditionOfA ? { A: conditionOfA, B: condition } : { B: condition };
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions, evaluationTime: clock.now() });
      cursor = result.cursor;
      return result;
    },
    run: (selection, partitionKey) => materialize([a, b], { instance, selection, ...(partitionKey ? { partitionKey } : {}) }),
  };
}

export const HOUR = 3_600_000;
