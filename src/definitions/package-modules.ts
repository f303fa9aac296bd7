// Finding and importing the modules of a package directory, and finding a package's directory by its name.
import { readFile, readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CodeLocationError, InvalidDefinitionError } from "../core/index.js";

/** Where a package is: its directory or one of its modules (usually the index), as a file URL, a path, or `import.meta`. */
export type PackageLocation = URL | string | { readonly url: string };

/** An imported module with a label that names it in errors (its path relative to the package). */
export interface LabelledModule {
  readonly module: object;
  readonly label: string;
}

const MODULE_FILE = /\.(?:[mc]?ts|[mc]?js|tsx|jsx)$/;
const SKIPPED_FILE = /\.d\.[mc]?ts$|\.(?:test|spec|test-d|bench)\.[^.]+$|\.c[jt]s$/;
const SKIPPED_DIRECTORIES = new Set(["node_modules", "__tests__", "__fixtures__", "__mocks__"]);
const INDEX_FILE = /^index\.(?:[mc]?ts|[mc]?js|tsx|jsx)$/;

/** Imports `url` (a file URL), wrapping a failure in a CodeLocationError that names the module. */
export async function importModule(url: string, label: string, purpose: string): Promise<object> {
  try {
    return (await import(/* @vite-ignore */ url)) as object;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new CodeLocationError(url, `Could not import ${label} ${purpose}: ${reason}`, { cause });
  }
}

/**
 * Imports every module of the package at `location`: the package module first (the given file, or the directory's
 * index), then the other modules of each directory in name order, then its subdirectories. Skips tests
 * (`*.test.*`, `*.spec.*`, `*.test-d.*`, `*.bench.*`), declaration files, CommonJS (`.cjs`, `.cts`), hidden entries,
 * and `node_modules`, `__tests__`, `__fixtures__` and `__mocks__` folders.
 */
export async function importPackageModules(location: PackageLocation, caller: string): Promise<LabelledModule[]> {
  const path = pathOf(location, caller);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new CodeLocationError(path, `${caller}: the package location ${path} does not exist. Pass the package's directory, e.g. new URL("./assets/", import.meta.url).`);
  }
  const root = info.isDirectory() ? path : dirname(path);
  const files = await moduleFiles(root);
  if (!info.isDirectory()) files.unshift(path);
  const seen = new Set<string>();
  const modules: LabelledModule[] = [];
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    const label = relative(root, file).split(sep).join("/");
    modules.push({ module: await importModule(pathToFileURL(file).href, label, `while loading the package at ${root}`), label });
  }
  return modules;
}

async function moduleFiles(directory: string): Promise<string[]> {
  const entries = (await readdir(directory, { withFileTypes: true })).filter((e) => !e.name.startsWith("."));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files = entries.filter((e) => e.isFile() && MODULE_FILE.test(e.name) && !SKIPPED_FILE.test(e.name));
  // The directory's own module (its index) comes before the modules it holds, as a package module does.
  files.sort((a, b) => Number(INDEX_FILE.test(b.name)) - Number(INDEX_FILE.test(a.name)));
  const out = files.map((e) => join(directory, e.name));
  for (const entry of entries) {
    if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) out.push(...(await moduleFiles(join(directory, entry.name))));
  }
  return out;
}

// An absolute path without a trailing separator, whatever form the location came in.
function pathOf(location: PackageLocation, caller: string): string {
  if (location instanceof URL) return resolve(fileURLToPath(location));
  if (typeof location === "string") return resolve(location.startsWith("file:") ? fileURLToPath(location) : location);
  if (location !== null && typeof location === "object" && typeof (location as { url?: unknown }).url === "string") return resolve(fileURLToPath(location.url));
  throw new InvalidDefinitionError(
    `${caller} needs where the package is: its directory as a URL or path (new URL("./assets/", import.meta.url)), or import.meta of its index. ` +
      `A module namespace does not know its file, so it cannot be walked; use loadAssetsFromModules([namespace]) for one module.`,
  );
}

/**
 * The directory or module a package name stands for: `name` is a package (`crm`, `@acme/crm`) or a subpath of one
 * (`crm/marketing`), found from `from` upwards as Node finds it: the package whose package.json is named so
 * (a self-reference), or `node_modules/<name>`. The entry comes from `exports` (conditions import, node, default),
 * else `main`, else the package directory.
 */
export async function resolvePackageName(name: string, from: PackageLocation | undefined, caller: string): Promise<string> {
  if (typeof name !== "string" || name.length === 0 || name.startsWith(".") || name.startsWith("/") || name.startsWith("file:")) {
    throw new InvalidDefinitionError(
      `${caller} takes a package name such as "crm" or "@acme/crm/marketing", got ${JSON.stringify(name)}; for a directory use loadAssetsFromPackageModule(new URL("./assets/", import.meta.url))`,
    );
  }
  const segments = name.split("/");
  const packageName = name.startsWith("@") ? segments.slice(0, 2).join("/") : (segments[0] as string);
  const subpath = name.length > packageName.length ? `.${name.slice(packageName.length)}` : ".";
  const start = from === undefined ? process.cwd() : pathOf(from, caller);
  const root = await findPackageRoot(packageName, start);
  if (!root) {
    throw new CodeLocationError(
      name,
      `${caller}: no package named "${packageName}" was found from ${start} upwards (neither a package.json named so nor node_modules/${packageName}). ` +
        `Install it, or pass { from: import.meta.url } so the search starts beside your code.`,
    );
  }
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { exports?: unknown; main?: unknown };
  let entry: string | undefined;
  if (manifest.exports !== undefined && manifest.exports !== null) {
    entry = exportsEntry(manifest.exports, subpath);
    if (entry === undefined) {
      throw new CodeLocationError(name, `${caller}: package "${packageName}" (${root}) does not export "${subpath}" for import; add it to the "exports" of its package.json or load a subpath it exports.`);
    }
  } else {
    entry = subpath === "." ? (typeof manifest.main === "string" ? manifest.main : ".") : subpath;
  }
  return resolve(root, entry);
}

async function findPackageRoot(packageName: string, start: string): Promise<string | undefined> {
  let directory = (await stat(start).catch(() => undefined))?.isDirectory() === false ? dirname(start) : start;
  for (;;) {
    const own = await readFile(join(directory, "package.json"), "utf8").catch(() => undefined);
    if (own !== undefined && nameOf(own) === packageName) return directory;
    const installed = join(directory, "node_modules", packageName);
    if (await stat(join(installed, "package.json")).catch(() => undefined)) return realpath(installed);
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

function nameOf(manifest: string): unknown {
  try {
    return (JSON.parse(manifest) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

const CONDITIONS = new Set(["import", "node", "module-sync", "default"]);

function exportsEntry(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap = typeof exports === "object" && !Array.isArray(exports) && Object.keys(exports as object).some((k) => k.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? exportsTarget(exports, undefined) : undefined;
  const map = exports as Record<string, unknown>;
  if (subpath in map) return exportsTarget(map[subpath], undefined);
  // A pattern ("./*", "./features/*.js"): the longest matching prefix wins, as in Node.
  let best: { key: string; before: string; match: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const before = key.slice(0, star);
    const after = key.slice(star + 1);
    if (subpath.length >= key.length - 1 && subpath.startsWith(before) && subpath.endsWith(after) && (!best || before.length > best.before.length)) {
      best = { key, before, match: subpath.slice(before.length, subpath.length - after.length) };
    }
  }
  return best ? exportsTarget(map[best.key], best.match) : undefined;
}

function exportsTarget(target: unknown, match: string | undefined): string | undefined {
  if (typeof target === "string") return match === undefined ? target : target.replaceAll("*", match);
  if (Array.isArray(target)) {
    for (const candidate of target) {
      const resolved = exportsTarget(candidate, match);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const resolved = exportsTarget(value, match);
      if (resolved !== undefined) return resolved;
    }
  }
  return undefined;
}
