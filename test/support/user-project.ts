// Throwaway user projects for tests that load a code location in other processes (step processes, run
// processes, workers): a folder with a package.json, `tessera` linked into its node_modules, and defs.ts.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root: what `tessera` resolves to in a user project. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The `tessera` command. */
export const TESSERA_BIN = join(REPO_ROOT, "bin", "tessera.js");

/** Temporary folders a test file made; `removeAll()` in its afterAll. */
export class TempDirs {
  readonly #dirs: string[] = [];

  make(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a user project whose defs.ts is `source`; returns the path of defs.ts. */
export function userProject(dirs: TempDirs, source: string, prefix = "tessera-user-project-"): string {
  const dir = dirs.make(prefix);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user-project", type: "module" }));
  mkdirSync(join(dir, "node_modules"));
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
  writeFileSync(join(dir, "defs.ts"), source);
  return join(dir, "defs.ts");
}
