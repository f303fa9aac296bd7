// Builds dist/: the JavaScript bundled by esbuild (one file per entry point, with shared chunks, so that the library,
// the command and its child processes share every module and start by reading a few files instead of hundreds), and
// the declarations (.d.ts, one per source file) by tsc, and the web UI by Vite. Run by `npm run build`, and by npm on install of the repository
// (prepare) and before packing (prepack).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
let tsc;
let esbuild;
try {
  tsc = require.resolve("typescript/bin/tsc");
  esbuild = await import("esbuild");
} catch {
  // An install of the published package has dist/ already and no build tools: nothing to build.
  if (existsSync(join(root, "dist", "index.js"))) process.exit(0);
  console.error("Building Tessera needs its devDependencies (typescript, esbuild): run `npm install` in the repository first.");
  process.exit(1);
}

const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--emitDeclarationOnly"], { stdio: "inherit", cwd: root });

// The entry points: the package, its integrations (each its own entry, so that the package loads none of them), the
// command, and the processes Tessera starts (each also loads the user's module).
const entries = [
  "index.ts",
  ...["duckdb", "postgres", "pipes"].map((name) => `integrations/${name}/index.ts`),
  "cli/main.ts",
  "execution/multiprocess/step-process.ts",
  "execution/run-queue/run-process.ts",
  "code-location/workspace/location-process.ts",
];
await esbuild.build({
  entryPoints: entries.map((entry) => join(root, "src", entry)),
  outbase: join(root, "src"),
  outdir: dist,
  entryNames: "[dir]/[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Class names are part of behaviour (error names and their cross-copy brands).
  keepNames: true,
  sourcemap: true,
  logLevel: "warning",
});

// Plain ES modules in src/ (module hooks, which run before any TypeScript can be loaded) are shipped as they are, and
// so are Python modules (the pipes helper, tessera_pipes.py, which programs import from the installed package).
for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && (entry.name.endsWith(".mjs") || entry.name.endsWith(".py"))) {
    const from = join(entry.parentPath, entry.name);
    const to = join(dist, from.slice(join(root, "src").length));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
}

// The web UI (ui/, React) into dist/ui, which `tessera dev` serves at `/`.
const vite = await import("vite");
await vite.build({ configFile: join(root, "ui", "vite.config.ts"), logLevel: "warn" });
