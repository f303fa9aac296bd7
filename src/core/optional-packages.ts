// Packages only some users need (PostgreSQL, the workers' queue): optional peer dependencies, loaded where they are
// used, so that a SQLite user installs and loads neither.
import { createRequire } from "node:module";
import { TesseraError } from "./errors.js";

/**
 * Packages loaded where they are used rather than on import, with the range Tessera is tested with: the optional peer
 * dependencies (PostgreSQL, the workers' queue, DuckDB for `@tessera/core/duckdb`), and zod and yaml, which only some commands need (a tessera.yaml, a
 * run config) and whose import alone cost a command 87 ms and 11 MiB (zod) and 37 ms (yaml), measured on the
 * start-up benchmark.
 */
export const OPTIONAL_PACKAGES = Object.freeze({ pg: "^8.23.1", "@duckdb/node-api": "^1.5.6-r.1", "graphile-worker": "^0.17.3", zod: "^4.6.7", yaml: "^2.9.1", "apache-arrow": "^21.2.0" });
export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** A feature needs an optional package that is not installed; the message names the install command. */
export class MissingPackageError extends TesseraError {
  readonly packageName: OptionalPackage;
  constructor(packageName: OptionalPackage, feature: string, cause?: unknown) {
    super(
      "MISSING_PACKAGE",
      `${feature} needs the package "${packageName}", which is not installed. Install it in your project: npm install ${packageName}@"${OPTIONAL_PACKAGES[packageName]}"`,
      cause === undefined ? {} : { cause },
    );
    this.packageName = packageName;
  }
}

const require = createRequire(import.meta.url);

/**
 * Loads the package `name` through its CommonJS entry (each of them has one, so this is synchronous) for `feature`,
 * or throws a MissingPackageError saying how to install it.
 */
export function requireOptional<T>(name: OptionalPackage, feature: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(`'${name}'`)) throw new MissingPackageError(name, feature, error);
    throw error;
  }
}
