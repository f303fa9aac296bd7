import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CodeLocationError,
  CodeLocationImportError,
  CodeLocationNotFoundError,
  ForeignDefinitionsError,
  InvalidDefsExportError,
  MissingDefsExportError,
  TesseraError,
} from "../core/index.js";
import { loadModuleDefinitions } from "../execution/multiprocess/load-definitions.js";
import { loadCodeLocation } from "./load-code-location.js";

function moduleFile(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tessera-load-"));
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

const cases = [
  { what: "throws while importing", source: 'throw new Error("cannot reach the warehouse");', type: CodeLocationImportError, code: "CODE_LOCATION_IMPORT_FAILED" },
  { what: "has no defs export", source: "export const orders = 1;", type: MissingDefsExportError, code: "CODE_LOCATION_NO_DEFS" },
  { what: "exports defs of another copy of Tessera", source: 'export const defs = { kind: "definitions" };', type: ForeignDefinitionsError, code: "CODE_LOCATION_FOREIGN_DEFS" },
  { what: "exports defs that are no Definitions", source: "export const defs = 42;", type: InvalidDefsExportError, code: "CODE_LOCATION_INVALID_DEFS" },
] as const;

describe("the code location loaders' errors", () => {
  for (const { what, source, type, code } of cases) {
    it(`a module that ${what} is a ${type.name} (${code}) naming the module, in the CLI and in a step process`, async () => {
      const path = moduleFile("defs.mjs", source);
      for (const load of [() => loadCodeLocation(path), () => loadModuleDefinitions(path)]) {
        const error: unknown = await load().then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(type);
        expect(error).toBeInstanceOf(CodeLocationError);
        expect(error).toBeInstanceOf(TesseraError);
        expect(error).toMatchObject({ code, modulePath: path });
      }
    });
  }

  it("keeps what the module threw as the cause, and lists what a module without defs exports", async () => {
    const throwing = moduleFile("throws.mjs", 'throw new Error("cannot reach the warehouse");');
    const error = (await loadCodeLocation(throwing).catch((e: unknown) => e)) as CodeLocationImportError;
    expect(error.message).toMatch(/^Could not load code location .*throws\.mjs: Error: cannot reach the warehouse$/);
    expect((error.cause as Error).message).toBe("cannot reach the warehouse");
    const noDefs = moduleFile("orders.mjs", "export const orders = 1; export const customers = 2;");
    const missing = (await loadCodeLocation(noDefs).catch((e: unknown) => e)) as MissingDefsExportError;
    expect([...missing.exportNames].sort()).toEqual(["customers", "orders"]);
    expect(missing.message).toMatch(/does not export `defs` \(it exports `(customers|orders)`, `(customers|orders)`\)/);
  });

  it("a path with no module file is a CodeLocationNotFoundError", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-load-"));
    mkdirSync(join(dir, "pkg"));
    for (const path of [join(dir, "missing.ts"), join(dir, "pkg")]) {
      await expect(loadCodeLocation(path)).rejects.toMatchObject({ code: "CODE_LOCATION_NOT_FOUND", modulePath: path });
      await expect(loadCodeLocation(path)).rejects.toBeInstanceOf(CodeLocationNotFoundError);
    }
  });
});
