// The checks of a set of definitions that need its asset graph, run by the public Definitions when it is built.
import { lookupJob, type DefinitionsData } from "../definitions/index.js";
import { validateAssetGraph } from "./asset-graph.js";
import { validateConditionReferences } from "./condition-references.js";
import { resolveJobSelection, validateJobSelections } from "./job-selection.js";
import { validatePartitionMappings } from "./partition-validation.js";

/**
 * Everything about `defs` that only its asset graph tells: dependency cycles and unknown dependencies, self-
 * dependencies, one op per step key, partition mappings, job selections, schedule and sensor targets, and the
 * assets and checks automation conditions name. Throws the first problem as a TesseraError naming it.
 */
export function validateDefinitions(defs: DefinitionsData): void {
  validateAssetGraph(defs);
  validatePartitionMappings(defs);
  validateJobSelections(defs);
  validateInstigatorTargets(defs);
  validateConditionReferences(defs);
}

// A job given to a schedule or sensor but not listed in Definitions jobs must still resolve against these assets.
function validateInstigatorTargets(defs: DefinitionsData): void {
  const instigators = [...defs.schedules.map((item) => ({ item, kind: "schedule" as const })), ...defs.sensors.map((item) => ({ item, kind: "sensor" as const }))];
  for (const { item, kind } of instigators) {
    for (const ref of item.targets) {
      const job = lookupJob(kind, item.name, ref, defs);
      if (job && !defs.jobs.includes(job)) resolveJobSelection(defs, job);
    }
  }
}
