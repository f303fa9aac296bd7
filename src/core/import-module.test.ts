import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isTypeScriptModule } from "./import-module.js";

// A project of TypeScript files as users write them, in a CommonJS package (no "type": "module"), imported through
// the hooks of typescript-hooks.mjs by Node itself. Inside vitest, import() goes through vitest's own transform, so
// each case runs in a new Node process (Tessera's sources loaded by tsx, as the repository's processes are).
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tessera-import-module-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const file = join(dir, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

write("package.json", JSON.stringify({ name: "user-project", version: "1.0.0" }));
write("src/money.ts", `export enum Currency { EUR = "EUR", USD = "USD" }\nexport const cents = (amount: number): number => Math.round(amount * 100);\n`);
write("src/lib/index.ts", `export class Ledger { constructor(private readonly rows: number[]) {} total(): number { return this.rows.reduce((a, b) => a + b, 0); } }\n`);
write("src/types.ts", `export interface Order { id: number; amount: number }\n`);
write("src/view.tsx", `export const label = (name: string) => <span title={name}>{name}</span>;\n`);
const entry = write(
  "src/defs.ts",
  [
    `import { Currency, cents } from "./money.js";`,
    `import { Ledger } from "./lib";`,
    `import { Order } from "./types.js";`,
    `const orders: Order[] = [{ id: 1, amount: 1.25 }, { id: 2, amount: 2.5 }];`,
    `export const total = new Ledger(orders.map((o) => cents(o.amount))).total();`,
    `export const currency: Currency = Currency.EUR;`,
    `export const moduleUrl = import.meta.url;`,
  ].join("\n"),
);

const driver = write(
  "driver.mjs",
  [
    `const { importModule } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "src/core/import-module.ts")).href)});`,
    `try {`,
    `  const module = await importModule(process.argv[2]);`,
    `  const call = process.argv[3];`,
    `  if (call) module[call]();`,
    `  console.log(JSON.stringify({ ok: Object.fromEntries(Object.entries(module).filter(([, v]) => typeof v !== "function")) }));`,
    `} catch (error) {`,
    `  console.log(JSON.stringify({ error: String(error?.message ?? error), stack: String(error?.stack ?? "") }));`,
    `}`,
  ].join("\n"),
);

/** Imports `file` with importModule in a new process; calls its export `call` if given. */
function importInProcess(file: string, call?: string): { ok?: Record<string, unknown>; error?: string; stack?: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx/esm", driver, file, ...(call ? [call] : [])], { cwd: ROOT, encoding: "utf8" });
  const line = result.stdout.trim().split("\n").at(-1);
  if (!line) throw new Error(`the driver printed nothing: ${result.stderr}`);
  return JSON.parse(line) as { ok?: Record<string, unknown>; error?: string; stack?: string };
}

describe("importModule of TypeScript", () => {
  it("compiles a code location and what it imports, as TypeScript's resolution finds them (./x.js → x.ts, ./dir → dir/index.ts)", () => {
    const { ok, error } = importInProcess(entry);
    expect(error).toBeUndefined();
    expect(ok?.total).toBe(375);
    expect(ok?.currency).toBe("EUR");
    // An ES module even in a CommonJS package, keeping its own URL (files next to it resolve as the user expects).
    expect(ok?.moduleUrl).toBe(pathToFileURL(entry).href);
  });

  it("names the file, the line and what is wrong when a module does not compile", () => {
    const broken = write("src/broken.ts", `export const a: number = 1;\nexport const b = (x: number => x;\n`);
    expect(importInProcess(broken).error).toMatch(/broken\.ts does not compile:[\s\S]*x: number =>/);
  });

  it("keeps the TypeScript line numbers in stack traces", () => {
    const throwing = write("src/throwing.ts", `interface Unused { a: string }\n\n\nexport function fail(): never {\n  throw new Error("boom");\n}\n`);
    const { stack } = importInProcess(throwing, "fail");
    expect(stack).toContain("throwing.ts:5:");
  });

  it("refuses CommonJS TypeScript (.cts), saying to rename it", () => {
    const cts = write("src/legacy.cts", `module.exports = { a: 1 };\n`);
    expect(importInProcess(cts).error).toMatch(/legacy\.cts: CommonJS TypeScript \(\.cts\) cannot be loaded.*Rename it to \.ts or \.mts/);
  });

  it("reports a missing import as Node does, naming the specifier", () => {
    const missing = write("src/missing.ts", `export { x } from "./nowhere.js";\n`);
    expect(importInProcess(missing).error).toMatch(/nowhere\.js/);
  });

  it("compiles JSX in .tsx, importing the automatic JSX runtime", () => {
    const view = write("src/uses-view.ts", `import { label } from "./view.jsx";\nexport const kind = typeof label;\n`);
    // No React in this project: that the compiled module asks for React (its JSX runtime) shows the .tsx was found through
    // "./view.jsx" and compiled.
    expect(importInProcess(view).error).toMatch(/Cannot find package 'react'/);
  });

  it("tells TypeScript modules from JavaScript ones", () => {
    expect(["a.ts", "a.mts", "a.cts", "a.tsx"].map(isTypeScriptModule)).toEqual([true, true, true, true]);
    expect(["a.js", "a.mjs", "a.d.json"].map(isTypeScriptModule)).toEqual([false, false, false]);
  });
});
