// Packages only some users need (PostgreSQL, the workers' queue): optional peer dependencies, loaded where they are
// used, so that a SQLite user installs and loads neither.
import { createRequire } from "node:module";
import { TesseraError } from "./errors.js";

/** The optional peer dependencies, with the range Tessera is tested with. */
export const OPTIONAL_PACKAGES = Object.freeze({ pg: "^8.23.1", "graphile-worker": "^0.17.3" });
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
 * Loads the optional package `name` (both are CommonJS, so this is synchronous) for `feature`, or throws a
 * MissingPackageError saying how to install it.
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
