// Importing a user's module (a code location, a package of assets): TypeScript through Tessera's module hooks
// (typescript-hooks.mjs), registered on first use.
import { existsSync } from "node:fs";
import { createRequire, register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
let typescriptLoading: Promise<void> | undefined;

/** Whether `path` names a TypeScript module, which needs the TypeScript hooks to load. */
export function isTypeScriptModule(path: string): boolean {
  return TYPESCRIPT.test(path);
}

/**
 * Imports the module at `path` (a file path or URL). A TypeScript module is compiled by the hooks of
 * typescript-hooks.mjs, registered once per process and only when the first one is imported, and loaded as an ES
 * module whatever its package's "type"; JavaScript is imported as Node imports it.
 */
export async function importModule(path: string | URL): Promise<Record<string, unknown>> {
  const url = path instanceof URL ? path : path.startsWith("file:") ? new URL(path) : pathToFileURL(path);
  if (isTypeScriptModule(url.pathname)) await loadTypeScript();
  return (await import(/* @vite-ignore */ url.href)) as Record<string, unknown>;
}

/**
 * Registers the TypeScript loader now rather than at the first TypeScript import: a process that will import a
 * user's module soon (a standby code-location process) pays for it while it waits.
 */
export function loadTypeScript(): Promise<void> {
  typescriptLoading ??= (async () => {
    // Stack traces of users' code then name their TypeScript lines (the hooks add inline source maps).
    process.setSourceMapsEnabled(true);
    register(pathToFileURL(join(tesseraFiles().dir, "core", "typescript-hooks.mjs")));
  })();
  return typescriptLoading;
}

/**
 * Where Tessera's own files are: `dist/` of an installed (bundled) package, whose code may sit in a shared chunk, or
 * `src/` when it runs from its sources. Found from this module's location, up to the package's root.
 */
export function tesseraFiles(): { dir: string; fromSource: boolean } {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith(".ts");
  let dir = dirname(here);
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return { dir: join(dir, fromSource ? "src" : "dist"), fromSource };
}

/**
 * The Node arguments that start a process running Tessera's own entry module `path` (relative to src/ or dist/,
 * without extension, e.g. "execution/multiprocess/step-process"): the compiled `.js` of an installed package, or the
 * `.ts` of Tessera's sources through tsx.
 */
export function ownModuleProcessArgs(path: string): string[] {
  const { dir, fromSource } = tesseraFiles();
  const entry = join(dir, `${path}.${fromSource ? "ts" : "js"}`);
  // tsx resolved here, not by the child: the child's working directory is the user's project, which may not have it.
  return fromSource ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href, entry] : [entry];
}
