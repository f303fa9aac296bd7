// Checks, when a Definitions is built, that every schedule and sensor targets a job it can run.
import { InvalidDefinitionError } from "../core/index.js";
import { registerDefinitionsValidator, type Definitions } from "../definitions/index.js";
import { resolveJobSelection } from "../graph/index.js";
import { ScheduleDefinition } from "./schedule-definition.js";
import { SensorDefinition } from "./sensor-definition.js";
import { lookupJob } from "./target.js";

function validateAutomation(defs: Definitions): void {
  const instigators = [
    ...(defs.schedules ?? []).map((s, i) => ({ item: s as unknown, kind: "schedule" as const, at: `schedules[${i}]` })),
    ...(defs.sensors ?? []).map((s, i) => ({ item: s as unknown, kind: "sensor" as const, at: `sensors[${i}]` })),
  ];
  for (const { item, kind, at } of instigators) {
    const ok = kind === "schedule" ? item instanceof ScheduleDefinition : item instanceof SensorDefinition;
    if (!ok) {
      throw new InvalidDefinitionError(
        `Definitions ${at} is not a ${kind} built by this copy of Tessera; build it with ${kind === "schedule" ? "new ScheduleDefinition() or schedule()" : "new SensorDefinition(), sensor() or assetSensor()"}.`,
      );
    }
    const def = item as ScheduleDefinition | SensorDefinition;
    for (const ref of def.targets) {
      const job = lookupJob(kind, def.name, ref, defs);
      // A job given to a schedule or sensor but not listed in Definitions jobs must still resolve against these assets.
      if (job && !defs.jobs.includes(job)) resolveJobSelection(defs, job);
    }
  }
}

registerDefinitionsValidator(validateAutomation);
