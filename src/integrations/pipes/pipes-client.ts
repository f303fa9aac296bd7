// Running an external program as a step's compute: `pipes(ctx).run(...)`, or `ctx.pipes.run(...)` inside `withPipes`.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetKey, TesseraError } from "../../core/index.js";
import { AssetCheckResult, MaterializeResult, type AssetExecutionContext } from "../../definitions/index.js";
import { CONTEXT_ENV, MESSAGES_ENV, PROTOCOL_VERSION, parseMessage, type PipesContextData, type PipesMessage } from "./protocol.js";

/** Options of `run(command, options)`. */
export interface PipesRunOptions {
  /** Arguments after the command. */
  args?: readonly string[];
  /** Variables added to (and overriding) this process's environment. */
  env?: Readonly<Record<string, string>>;
  /** The program's working directory. @default process.cwd() */
  cwd?: string;
  /** JSON-serializable values the program reads as `pipes.extras`. */
  extras?: Readonly<Record<string, unknown>>;
}

/** How much of the program's stderr a failure shows. */
const STDERR_TAIL_BYTES = 4096;

/** The program exited with a non-zero code or was killed; the message carries the end of its stderr. */
export class PipesProcessError extends TesseraError {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
  constructor(assetKey: string, command: string, exitCode: number | null, signal: string | null, stderrTail: string) {
    super(
      "PIPES_PROCESS_FAILED",
      `The program "${command}" run for asset "${assetKey}" ${signal ? `was killed by ${signal}` : `exited with code ${exitCode}`}. ` +
        (stderrTail ? `The end of its stderr:\n${stderrTail}` : "It wrote nothing to stderr."),
    );
    this.command = command;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
  }
}

/** Runs programs for one step: the context it passes them comes from `ctx`. */
export class PipesSession {
  readonly #ctx: AssetExecutionContext<unknown, unknown>;
  constructor(ctx: AssetExecutionContext<unknown, unknown>) {
    this.#ctx = ctx;
  }

  /**
   * Runs `command` to its end with the pipes context in its environment, relays its log messages to `ctx.log`, and
   * returns one MaterializeResult per asset of the step (with the metadata, data version and check results it
   * reported): return them from the compute. A non-zero exit or a signal rejects with a PipesProcessError.
   */
  async run(command: string, options: PipesRunOptions = {}): Promise<MaterializeResult[]> {
    const dir = await mkdtemp(join(tmpdir(), "tessera-pipes-"));
    const messagesPath = join(dir, "messages.jsonl");
    try {
      await writeFile(messagesPath, "");
      const env = { ...process.env, ...options.env, [CONTEXT_ENV]: JSON.stringify(this.#contextData(options.extras ?? {})), [MESSAGES_ENV]: messagesPath };
      const exit = await runToEnd(command, options, env);
      // Messages written before a crash still count: the log lines especially explain it.
      const messages = await readMessages(command, messagesPath);
      for (const message of messages) if (message.method === "log") this.#ctx.log[message.params.level](message.params.message, { pipes: command });
      if (exit.code !== 0) throw new PipesProcessError(this.#ctx.assetKey.toString(), command, exit.code, exit.signal, exit.stderrTail);
      return this.#results(messages);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  #contextData(extras: Readonly<Record<string, unknown>>): PipesContextData {
    const ctx = this.#ctx;
    let window: PipesContextData["partition_time_window"] = null;
    if (ctx.hasPartitionKey) {
      try {
        const w = ctx.partitionTimeWindow;
        window = { start: w.start.toISOString(), end: w.end.toISOString() };
      } catch {
        // Not partitioned by time: no window.
      }
    }
    return {
      protocol_version: PROTOCOL_VERSION,
      run_id: ctx.runId,
      asset_keys: ctx.selectedAssetKeys.map((k) => k.toString()),
      partition_key: ctx.hasPartitionKey && ctx.partitionKeys.length === 1 ? ctx.partitionKey : null,
      partition_key_range: ctx.hasPartitionKey ? { ...ctx.partitionKeyRange } : null,
      partition_time_window: window,
      extras,
    };
  }

  #results(messages: readonly PipesMessage[]): MaterializeResult[] {
    const keys = this.#ctx.selectedAssetKeys;
    const resolve = (key: string | undefined): AssetKey => (key === undefined || key === null ? this.#ctx.assetKey : AssetKey.from(key.split("/")));
    const reported = new Map<string, { metadata: Record<string, unknown>; dataVersion: string | undefined }>();
    const checks = new Map<string, AssetCheckResult[]>();
    for (const message of messages) {
      if (message.method === "report_asset_materialization") {
        const key = resolve(message.params.asset_key).toString();
        const previous = reported.get(key);
        reported.set(key, { metadata: { ...previous?.metadata, ...message.params.metadata }, dataVersion: message.params.data_version ?? previous?.dataVersion });
      } else if (message.method === "report_asset_check") {
        const key = resolve(message.params.asset_key);
        const list = checks.get(key.toString()) ?? [];
        list.push(
          new AssetCheckResult({
            checkName: message.params.check_name,
            passed: message.params.passed,
            assetKey: key,
            ...(message.params.severity ? { severity: message.params.severity } : {}),
            ...(message.params.metadata ? { metadata: message.params.metadata } : {}),
            ...(message.params.description ? { description: message.params.description } : {}),
          }),
        );
        checks.set(key.toString(), list);
      }
    }
    // Every asset of the step is materialized by the program having run, reported or not, as in the reference.
    return keys.map((key) => {
      const report = reported.get(key.toString());
      return new MaterializeResult({
        assetKey: key,
        ...(report?.metadata ? { metadata: report.metadata } : {}),
        ...(report?.dataVersion !== undefined ? { dataVersion: report.dataVersion } : {}),
        checkResults: checks.get(key.toString()) ?? [],
      });
    });
  }
}

function runToEnd(command: string, options: PipesRunOptions, env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: string | null; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    // Both streams go through this process's own (to the terminal as before), so that the step's compute logs
    // keep the program's output too: an inherited descriptor would bypass them.
    const child = spawn(command, [...(options.args ?? [])], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = Buffer.alloc(0);
    child.stdout.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > STDERR_TAIL_BYTES * 2) tail = tail.subarray(tail.length - STDERR_TAIL_BYTES);
    });
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const text = tail.subarray(Math.max(0, tail.length - STDERR_TAIL_BYTES)).toString("utf8").trimEnd();
      resolve({ code, signal, stderrTail: text });
    });
  });
}

async function readMessages(command: string, path: string): Promise<PipesMessage[]> {
  const text = await readFile(path, "utf8");
  const messages: PipesMessage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line) messages.push(parseMessage(command, i + 1, line));
  }
  return messages;
}

/** The pipes of one compute: `pipes(ctx).run("python3", { args: ["job.py"] })`. */
export function pipes(ctx: AssetExecutionContext<unknown, unknown>): PipesSession {
  return new PipesSession(ctx);
}

/** A compute context with `pipes` added. */
export type WithPipes<Ctx> = Ctx & { readonly pipes: PipesSession };

/**
 * Wraps a compute so that its context has `ctx.pipes`. The core's context knows nothing of pipes (the package's
 * root never loads this entry); the wrapper adds it for the computes that ask, by a context that reads everything
 * else through to the step's own.
 *
 * @example
 * const report = asset({ name: "report" }, withPipes(async (ctx) => ctx.pipes.run("python3", { args: ["report.py"] })));
 */
export function withPipes<Ctx extends AssetExecutionContext<unknown, unknown>, Args extends unknown[], R>(
  compute: (ctx: WithPipes<Ctx>, ...args: Args) => R,
): (ctx: Ctx, ...args: Args) => R {
  return (ctx, ...args) => {
    const extended = Object.create(ctx, { pipes: { value: new PipesSession(ctx), enumerable: true } }) as WithPipes<Ctx>;
    return compute(extended, ...args);
  };
}
