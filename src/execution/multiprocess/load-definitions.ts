// What a process of Tessera's own (a step process, a run process) loads: the code location's `defs`.
import {
  CodeLocationImportError,
  ForeignDefinitionsError,
  InvalidDefsExportError,
  MissingDefsExportError,
  TesseraError,
  importModule,
} from "../../core/index.js";
import { DefinitionsData } from "../../definitions/index.js";

/** Imports `module` and returns its `defs`; each way that fails is a CodeLocationError subclass naming the module. */
export async function loadModuleDefinitions(module: string): Promise<DefinitionsData> {
  let loaded: { defs?: unknown; default?: { defs?: unknown } };
  try {
    loaded = (await importModule(module)) as { defs?: unknown; default?: { defs?: unknown } };
  } catch (cause) {
    const reason = cause instanceof Error ? (cause instanceof TesseraError ? cause.message : `${cause.name}: ${cause.message}`) : String(cause);
    throw new CodeLocationImportError(module, `Could not load code location ${module}: ${reason}`, cause);
  }
  const defs = loaded.defs ?? loaded.default?.defs;
  if (defs instanceof DefinitionsData) return defs;
  if (defs === undefined) throw new MissingDefsExportError(module, `${module} does not export \`defs\` (a Definitions)`, Object.keys(loaded));
  if (typeof defs === "object" && defs !== null && (defs as { kind?: unknown }).kind === "definitions") {
    throw new ForeignDefinitionsError(module, `${module} exports a \`defs\` built by another copy of Tessera than the one running this process; import from "@tessera/core" in the module and run the \`tessera\` of the same installation.`);
  }
  throw new InvalidDefsExportError(module, `${module} does not export \`defs\` (a Definitions)`);
}
