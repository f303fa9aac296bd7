// Importing a user's module (a code location, a package of assets): TypeScript through tsx, registered on first use.
import { register } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
let typescriptLoading: Promise<void> | undefined;

/** Whether `path` names a TypeScript module, which needs tsx to load. */
export function isTypeScriptModule(path: string): boolean {
  return TYPESCRIPT.test(path);
}

/**
 * Imports the module at `path` (a file path or URL). A TypeScript module is loaded through tsx, registered once per
 * process and only when the first one is imported, and as an ES module whatever its package's "type" (see
 * typescript-esm-hooks.mjs); JavaScript is imported as Node imports it.
 */
export async function importModule(path: string | URL): Promise<Record<string, unknown>> {
  const url = path instanceof URL ? path : path.startsWith("file:") ? new URL(path) : pathToFileURL(path);
  if (isTypeScriptModule(url.pathname)) await loadTypeScript();
  return (await import(/* @vite-ignore */ url.href)) as Record<string, unknown>;
}

function loadTypeScript(): Promise<void> {
  typescriptLoading ??= (async () => {
    const tsx = await import("tsx/esm/api");
    tsx.register();
    register(new URL("./typescript-esm-hooks.mjs", import.meta.url));
  })();
  return typescriptLoading;
}

/**
 * The Node arguments that start a process running Tessera's own module `name` (a file beside `base`, given as
 * `import.meta.url`): the compiled `.js` of an installed package, or the `.ts` of Tessera's sources through tsx.
 */
export function ownModuleProcessArgs(base: string, name: string): string[] {
  const fromSource = base.endsWith(".ts");
  const entry = fileURLToPath(new URL(`./${name}.${fromSource ? "ts" : "js"}`, base));
  return fromSource ? ["--import", "tsx/esm", entry] : [entry];
}
