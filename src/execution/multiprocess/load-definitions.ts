// What a process of Tessera's own (a step process, a run process) loads: the code location's `defs`.
import { importModule } from "../../core/index.js";
import { DefinitionsData } from "../../definitions/index.js";

export async function loadModuleDefinitions(module: string): Promise<DefinitionsData> {
  const loaded = (await importModule(module)) as { defs?: unknown; default?: { defs?: unknown } };
  const defs = loaded.defs ?? loaded.default?.defs;
  if (!(defs instanceof DefinitionsData)) throw new Error(`${module} does not export \`defs\` (a Definitions)`);
  return defs;
}
