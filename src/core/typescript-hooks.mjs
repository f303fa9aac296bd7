// Module hooks that let Node import users' TypeScript (code locations and the files they import). Registered by
// importModule() the first time a TypeScript module is imported, so a JavaScript-only project never loads them.
//
// Why not tsx: measured on the start-up benchmark, tsx cost every command that loads a .ts code location ~230 ms and
// ~28 MiB (esbuild and tsx's own code load in the main thread as well as in the hooks thread). These hooks load
// nothing in the main thread and compile with oxc-transform, a native transformer: ~80 ms and ~17 MiB, most of it the
// hooks thread Node starts for any module hook.
//
// What they do, as tsx did for code locations:
// - a .ts, .tsx or .mts module is compiled to JavaScript (types and type-only imports removed, enums and parameter
//   properties compiled) with an inline source map, so stack traces name the TypeScript lines;
// - it is an ES module whatever its package's "type", so a code location in a CommonJS project imports the same copy
//   of Tessera as the command that loads it (through the CommonJS loader it would import a second one);
// - from a TypeScript module, `./x.js` finds `./x.ts` (the import TypeScript's own module resolution writes), and
//   `./x` finds `./x.ts`, `./x.tsx` or `./x/index.ts`.
// Not done: tsconfig `paths` (use package.json "imports", which Node resolves itself) and CommonJS TypeScript (.cts).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transformSync } from "oxc-transform";

const TYPESCRIPT = /\.(?:ts|tsx|mts|cts)$/;
const RELATIVE = /^\.{1,2}(?:\/|$)|^\/|^file:/;

function isTypeScript(url) {
  return url.startsWith("file:") && TYPESCRIPT.test(new URL(url).pathname);
}

/** What a specifier from a TypeScript module may name instead, in the order TypeScript itself would look. */
function candidates(specifier) {
  const js = /\.(js|jsx|mjs|cjs)$/.exec(specifier);
  if (js) {
    const stem = specifier.slice(0, -js[0].length);
    return { js: [".ts", ".tsx"], jsx: [".tsx"], mjs: [".mts"], cjs: [".cts"] }[js[1]].map((ext) => stem + ext);
  }
  if (/\.[A-Za-z0-9]+$/.test(specifier) && !specifier.endsWith("/")) return [];
  const base = specifier.replace(/\/$/, "");
  return [`${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}/index.ts`, `${base}/index.tsx`, `${base}/index.js`];
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const code = error?.code;
    const fromTypeScript = context.parentURL !== undefined && isTypeScript(context.parentURL);
    if ((code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_UNSUPPORTED_DIR_IMPORT") || !fromTypeScript || !RELATIVE.test(specifier)) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // try the next one
      }
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!isTypeScript(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  if (path.endsWith(".cts")) {
    throw new Error(`${path}: CommonJS TypeScript (.cts) cannot be loaded as a code location. Rename it to .ts or .mts and use import/export.`);
  }
  const source = await readFile(path, "utf8");
  const result = transformSync(path, source, { sourcemap: true, target: "es2022" });
  const errors = result.errors.filter((e) => e.severity === "Error");
  if (errors.length > 0) {
    const error = new SyntaxError(`${path} does not compile:\n${errors.map((e) => e.codeframe ?? e.message).join("\n")}`);
    error.code = "ERR_TYPESCRIPT_SYNTAX";
    throw error;
  }
  const map = Buffer.from(JSON.stringify(result.map)).toString("base64");
  return { format: "module", source: `${result.code}\n//# sourceMappingURL=data:application/json;base64,${map}`, shortCircuit: true };
}
