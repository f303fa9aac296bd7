// Compiles src/ to dist/ (ESM JavaScript, .d.ts and source maps) with the TypeScript in devDependencies.
// Run by `npm run build`, and by npm itself on install (prepare) and before packing (prepack).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  // An install of the published package has dist/ already and no TypeScript: nothing to build.
  if (existsSync(join(root, "dist", "index.js"))) process.exit(0);
  console.error("Building Tessera needs TypeScript: run `npm install` in the repository first.");
  process.exit(1);
}
rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
// Plain ES modules in src/ (module hooks, which run before any TypeScript can be loaded) are shipped as they are.
for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith(".mjs")) {
    const from = join(entry.parentPath, entry.name);
    copyFileSync(from, join(root, "dist", from.slice(join(root, "src").length)));
  }
}
