// `tessera dev` as a user starts it: the installed command (compiled dist/) in a project with a 1,000-asset code
// location, from the process's start to the line that prints the GraphQL URL (every location loaded, the port
// listening), then Ctrl-C until the process has exited; and a reload: from an edit of the module to its new
// process having loaded it (the "loaded" line), the server running all along.
// Run: node --import tsx bench/dev-server.bench.ts
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type Measurement } from "./harness.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "tessera.js");
const RUNS = 5;

function thousandAssets(): string {
  return [
    `import { asset, Definitions } from "@tessera/core";`,
    "const assets = [];",
    "for (let i = 0; i < 1000; i++) {",
    "  const deps = i < 50 ? [] : [assets[i - 50], assets[i - 50 + ((i + 1) % 50 === 0 ? 0 : 1)]].filter((d, j, all) => all.indexOf(d) === j);",
    "  const ins = Object.fromEntries(deps.map((d) => [d.key.path[0], d]));",
    "  assets.push(asset({ name: `asset_${i}`, ins }, () => i));",
    "}",
    "export const defs = new Definitions({ assets });",
  ].join("\n");
}

/**
 * One start: ms until the URL is printed, ms from an edit of the module until it is loaded again (with `reload`),
 * and ms from SIGINT until the process exited.
 */
function startOnce(dir: string, home: string, reload = false): Promise<{ ready: number; reload: number; stop: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home };
  delete env.NODE_OPTIONS; // a user's environment: the compiled package, not the sources
  const start = performance.now();
  const child = spawn(process.execPath, [BIN, "dev", "-m", "thousand.ts", "--port", "0", ...(reload ? [] : ["--no-watch"])], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  return new Promise((resolve, reject) => {
    let ready = 0;
    let editedAt = 0;
    let reloaded = 0;
    let stopAt = 0;
    const stop = (): void => {
      stopAt = performance.now();
      child.kill("SIGINT");
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (!ready && out.includes("GraphQL API: ")) {
        ready = performance.now() - start;
        if (!reload) return stop();
        editedAt = performance.now();
        writeFileSync(join(dir, "thousand.ts"), `${thousandAssets()}\n// edited ${Date.now()}\n`);
      } else if (editedAt && !reloaded && out.split("changed: reloading")[1]?.includes("loaded in")) {
        reloaded = performance.now() - editedAt;
        stop();
      }
    });
    child.on("exit", (code) => {
      if (!ready || code !== 0) reject(new Error(`tessera dev exited with ${code} before it was ready:\n${out}\n${err}`));
      else resolve({ ready, reload: reloaded, stop: performance.now() - stopAt });
    });
  });
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function run(): Promise<Measurement[]> {
  if (!existsSync(join(ROOT, "dist", "code-location", "workspace", "location-process.js"))) {
    execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });
  }
  const dir = mkdtempSync(join(tmpdir(), "tessera-dev-bench-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "dev-bench", type: "module", private: true }));
    mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
    writeFileSync(join(dir, "thousand.ts"), thousandAssets());
    const home = join(dir, ".tessera");
    await startOnce(dir, home); // warm-up: the instance is created, the OS caches the files
    const runs: { ready: number; stop: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await startOnce(dir, home));
    const ready = medianOf(runs.map((r) => r.ready));
    const reloads: number[] = [];
    for (let i = 0; i < RUNS; i++) reloads.push((await startOnce(dir, home, true)).reload);
    const reload = medianOf(reloads);
    return [
      { name: "tessera dev ready (1,000-asset location, from process start to the URL printed)", ms: ready, target: "< 2000 ms", pass: ready < 2000 },
      { name: "reload of the 1,000-asset location after an edit (edit to loaded)", ms: reload, target: "< 1000 ms", pass: reload < 1000 },
      { name: "tessera dev stopped after SIGINT (locations, daemon, port)", ms: medianOf(runs.map((r) => r.stop)) },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) report("dev-server", await run());
