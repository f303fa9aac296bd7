// Start-up as a user meets it: the installed command (compiled dist/) as a fresh process each time, in a project
// that depends on @tessera/core. `tessera --help`, a 2-asset `tessera materialize`, and the peak memory (RSS) of a
// 1,000-asset materialization on SQLite.
// Run: node --import tsx bench/startup.bench.ts
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type Measurement } from "./harness.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "tessera.js");
const RUNS = 7;

const TWO_ASSETS = `import { asset, Definitions } from "@tessera/core";
const orders = asset("orders", () => [{ id: 1, amount: 30 }, { id: 2, amount: 12 }]);
const revenue = asset({ name: "revenue", ins: { orders } }, (_ctx, { orders }) => orders.reduce((s, o) => s + o.amount, 0));
export const defs = new Definitions({ assets: [orders, revenue] });
`;

function thousandAssets(): string {
  const lines = [`import { asset, Definitions } from "@tessera/core";`, "const assets = [];"];
  lines.push("for (let i = 0; i < 1000; i++) {");
  lines.push("  const deps = i < 50 ? [] : [assets[i - 50], assets[i - 50 + ((i + 1) % 50 === 0 ? 0 : 1)]].filter((d, j, all) => all.indexOf(d) === j);");
  lines.push("  const ins = Object.fromEntries(deps.map((d) => [d.key.path[0], d]));");
  lines.push("  assets.push(asset({ name: `asset_${i}`, ins }, () => i));");
  lines.push("}");
  lines.push("export const defs = new Definitions({ assets });");
  return lines.join("\n");
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "tessera-startup-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "startup-bench", type: "module", private: true }));
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
  writeFileSync(join(dir, "two.ts"), TWO_ASSETS);
  writeFileSync(join(dir, "thousand.ts"), thousandAssets());
  writeFileSync(join(dir, "thousand.mjs"), thousandAssets());
  return dir;
}

// A user's environment: the compiled package, not this repository's sources.
function env(home: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home };
  delete out.NODE_OPTIONS;
  return out;
}

function timed(cwd: string, args: readonly string[], home: string, nodeFlags: readonly string[] = []): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [...nodeFlags, BIN, ...args], { cwd, env: env(home), encoding: "utf8" });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`tessera ${args.join(" ")} failed: ${result.stderr}`);
  return ms;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Peak resident memory (MiB) of one `tessera` process, read by GNU time. */
function peakRssMiB(cwd: string, args: readonly string[], home: string, nodeFlags: readonly string[] = []): number | undefined {
  if (!existsSync("/usr/bin/time")) return undefined;
  const result = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...nodeFlags, BIN, ...args], { cwd, env: env(home), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tessera ${args.join(" ")} failed: ${result.stderr}`);
  const kib = Number(result.stderr.trim().split("\n").at(-1));
  return kib / 1024;
}

export async function run(): Promise<Measurement[]> {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });
  const dir = project();
  try {
    const home = (name: string) => join(dir, `.home-${name}-${Math.random().toString(36).slice(2)}`);
    timed(dir, ["--help"], home("warm"));
    const help = medianOf(Array.from({ length: RUNS }, () => timed(dir, ["--help"], home("help"))));
    // A fresh instance each time, as a first run in a new project.
    timed(dir, ["materialize", "-m", "two.ts", "--select", "*"], home("warm"));
    const two = medianOf(Array.from({ length: RUNS }, () => timed(dir, ["materialize", "-m", "two.ts", "--select", "*"], home("two"))));
    const thousand = (module: string, nodeFlags?: readonly string[]) =>
      medianOf(Array.from({ length: 3 }, () => peakRssMiB(dir, ["materialize", "-m", module, "--select", "*"], home("thousand"), nodeFlags) ?? Number.NaN));
    const rss = thousand("thousand.ts");
    const rssJs = thousand("thousand.mjs");
    // The command keeps V8's young generation small (src/cli/heap.ts) unless Node's own flags name a semi-space flag:
    // V8's default growth factor, given that way, shows what the setting saves, and what it costs in time.
    const V8_DEFAULT = ["--semi-space-growth-factor=2"];
    const rssDefault = thousand("thousand.ts", V8_DEFAULT);
    const runMs = (nodeFlags?: readonly string[]) =>
      medianOf(Array.from({ length: 5 }, () => timed(dir, ["materialize", "-m", "thousand.ts", "--select", "*"], home("time"), nodeFlags)));
    const timeSmall = runMs();
    const timeDefault = runMs(V8_DEFAULT);
    const mib = (value: number) => (Number.isNaN(value) ? "GNU time not installed" : `${value.toFixed(0)} MiB`);
    return [
      { name: "tessera --help (a new process)", ms: help, target: "< 250 ms (python3 -c 'import dagster': 1,060 ms)", pass: help < 250 },
      { name: "tessera materialize of 2 assets, new instance (a new process)", ms: two, target: "< 700 ms", pass: two < 700 },
      {
        name: "peak RSS of tessera materialize of 1,000 assets on SQLite (TypeScript code location)",
        ms: 0,
        figure: mib(rss),
        target: "< 100 MiB (Dagster: 133 MiB)",
        pass: Number.isNaN(rss) ? undefined : rss < 100,
      },
      { name: "the same, a JavaScript code location", ms: 0, figure: mib(rssJs) },
      { name: "the same (TypeScript), V8's default young generation", ms: 0, figure: mib(rssDefault) },
      { name: "tessera materialize of 1,000 assets, time (small young generation)", ms: timeSmall },
      { name: "tessera materialize of 1,000 assets, time (V8's default young generation)", ms: timeDefault },
    ] as Measurement[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) report("Start-up (compiled package, new processes)", await run());
