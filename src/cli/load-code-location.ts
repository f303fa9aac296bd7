// Loads a code location: a TypeScript or JavaScript module whose export `defs` is a Definitions.
import { inspect } from "node:util";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import {
  CodeLocationImportError,
  CodeLocationNotFoundError,
  ForeignDefinitionsError,
  InvalidDefsExportError,
  MissingDefsExportError,
  TesseraError,
  importModule,
} from "../core/index.js";
import { Definitions } from "../code-location/index.js";
import type { Settings } from "../instance/index.js";
import { CliUsageError } from "./errors.js";
import { displayPath } from "./format.js";
import { reapplyCommandHeapSettings } from "./heap.js";

export interface CodeLocation {
  /** The module as the user named it (relative to the working directory when inside it). */
  readonly name: string;
  readonly modulePath: string;
  readonly defs: Definitions;
}

const DEFS_HINT = "add `export const defs = new Definitions({ assets: [...] })` to it";

/**
 * Imports `modulePath` and returns its `defs`. Every way this can go wrong is a CodeLocationError
 * naming the module, each with its own code: missing file (CodeLocationNotFoundError), an error thrown while importing
 * (CodeLocationImportError), no `defs` (MissingDefsExportError), a `defs` of another copy of Tessera (ForeignDefinitionsError)
 * or of the wrong kind (InvalidDefsExportError).
 */
export async function loadCodeLocation(modulePath: string, cwd: string = process.cwd()): Promise<CodeLocation> {
  const absolute = resolve(cwd, modulePath);
  const name = displayPath(absolute, cwd);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    throw new CodeLocationNotFoundError(absolute, `Code location module ${name} does not exist (looked for ${absolute}). Check the path given with -m/--module or in tessera.yaml.`);
  }
  if (!isFile) {
    throw new CodeLocationNotFoundError(absolute, `Code location ${name} is a directory; pass the module file that exports \`defs\`, e.g. ${displayPath(resolve(absolute, "defs.ts"), cwd)}.`);
  }

  let exports: Record<string, unknown>;
  try {
    exports = await importModule(absolute);
    reapplyCommandHeapSettings();
  } catch (cause) {
    const reason =
      cause instanceof Error
        ? cause instanceof TesseraError
          ? cause.message
          : `${cause.name}: ${cause.message}`
        : `it threw a value that is not an Error (${cause === null ? "null" : typeof cause}): ${inspect(cause, { depth: 3, breakLength: Infinity })} (throw new Error(...) to get a stack)`;
    const hint = /Cannot find (module|package) '@tessera\/core'/.test(reason) ? `${/[.!?]$/.test(reason) ? "" : "."} Install Tessera in the module's project (npm install @tessera/core) so that \`import ... from "@tessera/core"\` resolves.` : "";
    throw new CodeLocationImportError(absolute, `Could not load code location ${name}: ${reason}${hint}`, cause);
  }

  // A module compiled as CommonJS (its package has no "type": "module") arrives as `default`.
  if (!("defs" in exports) && isObject(exports.default) && "defs" in exports.default) exports = exports.default;
  const defs = exports.defs;
  if (defs instanceof Definitions) return { name, modulePath: absolute, defs };
  if (defs === undefined) {
    const others = Object.keys(exports).filter((k) => k !== "defs");
    const hint =
      exports.default instanceof Definitions
        ? "; its default export is a Definitions: export it as `defs` instead (`export const defs = ...`)"
        : others.length > 0
          ? ` (it exports ${others.map((k) => `\`${k}\``).join(", ")}); ${DEFS_HINT}`
          : `; ${DEFS_HINT}`;
    throw new MissingDefsExportError(absolute, `module ${name} does not export \`defs\`${hint}`, Object.keys(exports));
  }
  if (typeof defs === "object" && defs !== null && (defs as { kind?: unknown }).kind === "definitions") {
    throw new ForeignDefinitionsError(
      absolute,
      `module ${name} exports a \`defs\` built by another copy of Tessera than this command's. Import from "@tessera/core" in the module and run the \`tessera\` of the same installation (npx tessera).`,
    );
  }
  throw new InvalidDefsExportError(absolute, `module ${name} exports \`defs\`, but it is ${describeValue(defs)}, not a Definitions; ${DEFS_HINT}`);
}

/**
 * The code location modules to load: `-m` if given, else the `locations` of tessera.yaml.
 * `required` makes an empty answer an error that says how to name one.
 */
export function codeLocationPaths(moduleOption: string | readonly string[] | undefined, settings: Settings, required: boolean): string[] {
  if (typeof moduleOption === "string") return [moduleOption];
  if (moduleOption !== undefined && moduleOption.length > 0) return [...moduleOption];
  const paths = (settings.locations ?? []).map((l) => l.module);
  if (paths.length === 0 && required) {
    throw new CliUsageError(
      "No code location given: pass -m/--module <file.ts> (a module that exports `defs`), or list it in the project file tessera.yaml at your project's root as `locations: [{ module: src/defs.ts }]` (`tessera init` writes one).",
    );
  }
  return paths;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return `a ${typeof value}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== "Object" ? `a ${ctor}` : "a plain object";
}
