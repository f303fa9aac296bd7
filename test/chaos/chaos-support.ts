// What every chaos scenario asserts, whatever the fault: every run ended with a reason, nothing was stored for a run
// after its end, and each step of a run started, succeeded and materialized at most once.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "vitest";
import type { EventRecord, Instance, RunRecord } from "@tessera/core";
import { TESSERA_BIN } from "../support/user-project.js";

/** Resolves once `condition` holds, checking every 50 ms; the test's timeout bounds it (never a duration). */
export async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const ENDS = new Set(["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"]);

/** Every run finished; every failed or canceled one says why. */
export async function assertEveryRunEnded(instance: Instance, runs: readonly RunRecord[]): Promise<void> {
  for (const listed of runs) {
    const run = await instance.getRunById(listed.runId);
    expect(["SUCCESS", "FAILURE", "CANCELED"], `run ${listed.runId} is ${run?.status}`).toContain(run?.status);
    if (run?.status === "FAILURE") expect(run.failureReason ?? "", `run ${run.runId} failed without a reason`).not.toBe("");
  }
}

/** Exactly one end event, and after it nothing but notes (no step event, no status change). */
export function assertNothingAfterEnd(logs: readonly EventRecord[]): void {
  const end = logs.findIndex((e) => ENDS.has(e.eventType));
  expect(end, "the run has no end event").toBeGreaterThanOrEqual(0);
  const after = logs.slice(end + 1).filter((e) => e.eventType !== "ENGINE_EVENT" && e.eventType !== "LOG_MESSAGE");
  expect(after.map((e) => `${e.eventType} ${e.stepKey ?? ""}`)).toEqual([]);
}

/** Each step started at most once, and a finished step's events (success, materialization) exactly once. */
export function assertStepsOnce(logs: readonly EventRecord[]): void {
  const count = new Map<string, number>();
  for (const e of logs) {
    if (!e.stepKey || !["STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_MATERIALIZATION"].includes(e.eventType)) continue;
    const key = `${e.eventType} ${e.stepKey}${e.partition ? ` ${e.partition}` : ""}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  const twice = [...count].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
  expect(twice, "events stored more than once").toEqual([]);
  for (const [key] of count) {
    if (!key.startsWith("STEP_SUCCESS ")) continue;
    const step = key.slice("STEP_SUCCESS ".length);
    expect(count.get(`STEP_START ${step}`), `${step} succeeded without starting`).toBe(1);
  }
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });
}

/** A gate file (while it exists, enrich waits) and an empty journal, in `dir`. */
export function gateAndJournal(dir: string): { gate: string; journal: string } {
  const gate = join(dir, "gate");
  const journal = join(dir, "journal");
  writeFileSync(gate, "");
  writeFileSync(journal, "");
  return { gate, journal };
}

/**
 * A user project's defs: extract, then enrich (waiting while the gate file exists), then publish if asked, each
 * appending "<pid> <step> start|end" to the journal, so a test can tell which process ran which step and when.
 */
export function gatedChain(gate: string, journal: string, options: { executor?: "multiprocessExecutor" | "queueExecutor"; publish?: boolean } = {}): string {
  const { executor, publish = false } = options;
  return `
import { appendFileSync, existsSync } from "node:fs";
import { Definitions, asset${executor ? `, ${executor}` : ""} } from "@tessera/core";
const note = (step: string, what: string) => appendFileSync(${JSON.stringify(journal)}, process.pid + " " + step + " " + what + "\\n");
const gateOpen = async () => { while (existsSync(${JSON.stringify(gate)})) await new Promise((resolve) => setTimeout(resolve, 10)); };
const extract = asset("extract", async () => { note("extract", "start"); note("extract", "end"); return [1, 2, 3]; });
const enrich = asset({ name: "enrich", ins: { extract } }, async (_c, { extract }) => { note("enrich", "start"); await gateOpen(); note("enrich", "end"); return extract.map((x) => x + 1); });
${publish ? `const publish = asset({ name: "publish", ins: { enrich } }, async (_c, { enrich }) => { note("publish", "start"); note("publish", "end"); return enrich.length; });\n` : ""}export const defs = new Definitions({ assets: [extract, enrich${publish ? ", publish" : ""}]${executor ? `, executor: ${executor}()` : ""} });
`;
}

/** A `tessera materialize` of every asset of `module`, with what it has written to stderr so far and its exit code. */
export interface StoppedMaterialize {
  readonly child: ChildProcess;
  stderr(): string;
  readonly exit: Promise<number | null>;
}

/**
 * Starts `tessera materialize -m module --select *` on `home` and stops it (SIGSTOP) once the journal says enrich has
 * started: the process then certainly holds the run mid-step. `children` collects it for the test's clean-up.
 * With `sqliteFile`, the stop lands outside the process's own writes (a lease renewal, an event): SQLite has one
 * writer, and a process frozen inside a write transaction would hold every other writer off, which is another
 * scenario than a holder stopped past its lease.
 */
export async function materializeStoppedInEnrich(home: string, module: string, journal: string, children: ChildProcess[], sqliteFile?: string): Promise<StoppedMaterialize> {
  const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "materialize", "-m", module, "--select", "*"], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = exited(child);
  await waitFor(() => readFileSync(journal, "utf8").includes("enrich start"));
  child.kill("SIGSTOP");
  while (sqliteFile !== undefined && !writeLockFree(sqliteFile)) {
    child.kill("SIGCONT");
    await new Promise((resolve) => setImmediate(resolve));
    child.kill("SIGSTOP");
  }
  return { child, stderr: () => stderr, exit };
}

/** Whether a write transaction on the SQLite file could begin now (no other connection is inside one). */
function writeLockFree(file: string): boolean {
  const db = new Database(file, { timeout: 0 });
  try {
    db.exec("BEGIN IMMEDIATE; ROLLBACK");
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "SQLITE_BUSY") return false;
    throw error;
  } finally {
    db.close();
  }
}
