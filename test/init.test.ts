// `tessera init`: the files it writes, that it never overwrites, and that what it writes is a project that
// type-checks against Tessera's published declarations and whose code location materializes.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { tesseraInProcess } from "./support/cli.js";
import { REPO_ROOT, TempDirs } from "./support/user-project.js";

const run = promisify(execFile);
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

const TSC = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
const FILES = ["package.json", "tsconfig.json", "tessera.yaml", ".gitignore", "README.md", "src/defs.ts", "src/defs.test.ts"];
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** `tessera init` run in `cwd`. */
function init(cwd: string, ...args: string[]) {
  const previous = process.cwd();
  process.chdir(cwd);
  return tesseraInProcess(["init", ...args]).finally(() => process.chdir(previous));
}

describe("tessera init", () => {
  it("creates the project's files in a new folder and says what to do next", async () => {
    const parent = dirs.make("tessera-init-");
    const result = await init(parent, "my-project");

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const root = join(parent, "my-project");
    for (const file of FILES) expect(existsSync(join(root, file)), file).toBe(true);
    for (const file of FILES) expect(result.stdout).toContain(file);
    expect(result.stdout).toMatch(/cd my-project\n\s+npm install\n\s+npm test/);
    expect(result.stdout).toContain("npx tessera materialize --select '*'");

    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "my-project",
      private: true,
      type: "module",
      engines: { node: ">=20.19" },
      scripts: { test: "tsc --noEmit && vitest run", materialize: "tessera materialize --select '*'" },
      dependencies: { "@tessera/core": `^${VERSION}`, zod: "^4.6.7" },
      devDependencies: { typescript: "5.9.3", vitest: "~4.1.12", "@types/node": "^20.19.0" },
    });
    const { compilerOptions } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
    expect(compilerOptions).toMatchObject({
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      module: "NodeNext",
      moduleResolution: "NodeNext",
      noEmit: true,
      types: ["node"],
    });
    expect(parse(readFileSync(join(root, "tessera.yaml"), "utf8"))).toEqual({ locations: [{ module: "src/defs.ts" }] });
    expect(readFileSync(join(root, ".gitignore"), "utf8").split("\n")).toEqual(expect.arrayContaining(["node_modules/", ".tessera/", "dist/"]));
  });

  it("scaffolds into the current folder by default", async () => {
    const root = dirs.make("tessera-init-here-");
    const result = await init(root);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("in the current folder");
    expect(result.stdout).not.toContain("cd ");
    for (const file of FILES) expect(existsSync(join(root, file)), file).toBe(true);
  });

  it("refuses to overwrite an existing file, naming it, and writes nothing", async () => {
    const root = dirs.make("tessera-init-existing-");
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "defs.ts"), "// mine\n");

    const result = await init(root, ".");

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(join("src", "defs.ts"));
    expect(result.stderr).toContain("never overwrites");
    expect(readFileSync(join(root, "src", "defs.ts"), "utf8")).toBe("// mine\n");
    expect(existsSync(join(root, "package.json"))).toBe(false);
  });

  it("refuses a path that is a file", async () => {
    const parent = dirs.make("tessera-init-file-");
    writeFileSync(join(parent, "notes.txt"), "");
    const result = await init(parent, "notes.txt");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("notes.txt is a file");
  });

  it("shows an example in --help", async () => {
    const result = await tesseraInProcess(["init", "--help"]);
    expect(result.stdout).toContain("$ tessera init my-project");
  });
});

describe("the scaffolded project", () => {
  /**
   * The scaffold with its dependencies linked from this repository. For the type-check, @tessera/core is what an
   * install gets (package.json, dist/*.d.ts compiled from src/ here); at run time it is this repository's sources.
   */
  async function linkedProject(): Promise<string> {
    const parent = dirs.make("tessera-init-project-");
    const root = join(parent, "project");
    expect((await init(parent, "project")).code).toBe(0);

    const core = join(parent, "core");
    mkdirSync(core);
    await run(process.execPath, [TSC, "-p", join(REPO_ROOT, "tsconfig.build.json"), "--emitDeclarationOnly", "--declarationMap", "false", "--outDir", join(core, "dist")], { cwd: REPO_ROOT });
    writeFileSync(join(core, "package.json"), readFileSync(join(REPO_ROOT, "package.json")));
    for (const entry of ["src", "bin", "node_modules"]) symlinkSync(join(REPO_ROOT, entry), join(core, entry), "dir");

    const modules = join(root, "node_modules");
    mkdirSync(join(modules, "@tessera"), { recursive: true });
    mkdirSync(join(modules, "@types"));
    symlinkSync(core, join(modules, "@tessera", "core"), "dir");
    for (const name of ["zod", "vitest", "typescript", "@types/node"]) symlinkSync(join(REPO_ROOT, "node_modules", name), join(modules, name), "dir");
    return root;
  }

  it("type-checks with its own strict tsconfig, and its code location materializes", async () => {
    const root = await linkedProject();

    // The scaffold's tsconfig, run as `npm test` runs it; the child process has no tessera-source condition.
    const env = { ...process.env, NODE_OPTIONS: "" };
    const typecheck = await run(process.execPath, [TSC, "-p", root], { cwd: root, env }).then(
      () => ({ code: 0, output: "" }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );
    expect(typecheck.output).toBe("");
    expect(typecheck.code).toBe(0);

    const home = dirs.make("tessera-init-home-");
    const result = await tesseraInProcess(["materialize", "-m", join(root, "src", "defs.ts"), "--select", "*"], home);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("daily_revenue");
    expect(result.stdout).toContain("unique_order_ids");
  }, 180_000);
});
