// Running an external program as a step's compute: `pipes(ctx).run(...)`, or `ctx.pipes.run(...)` inside `withPipes`.
import { spawn } from "node:child_process";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssetKey, TesseraError } from "../../core/index.js";
import { AssetCheckResult, MaterializeResult, type AssetExecutionContext, type PipesRunOptions } from "../../definitions/index.js";
import { CONTEXT_ENV, MESSAGES_ENV, PROTOCOL_VERSION, PipesProtocolError, parseMessage, type PipesContextData, type PipesMessage } from "./protocol.js";

export type { PipesRunOptions } from "../../definitions/index.js";

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

/** The program could not be started: no such command, or no such working directory. */
export class PipesStartError extends TesseraError {
  readonly command: string;
  constructor(assetKey: string, command: string, cwd: string | undefined, cause: Error) {
    super(
      "PIPES_PROCESS_FAILED",
      `The program "${command}" run for asset "${assetKey}" could not start (${cause.message}). Check that it is installed and on PATH (or give its absolute path)${cwd === undefined ? "" : ` and that the directory "${cwd}" exists`}.`,
      { cause },
    );
    this.command = command;
  }
}

/** Runs programs for one step: the context it passes them comes from `ctx`. */
export class PipesSession {
  readonly #ctx: AssetExecutionContext<unknown, unknown>;
  constructor(ctx: AssetExecutionContext<unknown, unknown>) {
    this.#ctx = ctx;
  }
  // ctx.assetKey refuses a step of several assets; the session names (and defaults reports to) the first one.
  get #primaryKey(): AssetKey {
    const ctx = this.#ctx as AssetExecutionContext<unknown, unknown> & { readonly primaryAssetKey?: AssetKey };
    return ctx.primaryAssetKey ?? ctx.selectedAssetKeys[0] ?? ctx.assetKey;
  }

  /**
   * Runs `command` to its end with the pipes context in its environment, and returns one MaterializeResult per asset
   * of the step (with the metadata, data version and check results it reported): return them from the compute.
   * Messages are read while the program runs: its log lines reach `ctx.log` as it writes them, and a line that is no
   * message stops it at once. A non-zero exit or a signal rejects with a PipesProcessError.
   */
  async run(command: string, options: PipesRunOptions = {}): Promise<MaterializeResult[]> {
    const dir = await mkdtemp(join(tmpdir(), "tessera-pipes-"));
    const messagesPath = join(dir, "messages.jsonl");
    const messages: PipesMessage[] = [];
    try {
      await writeFile(messagesPath, "");
      const env = { ...process.env, ...options.env, [CONTEXT_ENV]: JSON.stringify(this.#contextData(options.extras ?? {})), [MESSAGES_ENV]: messagesPath };
      const reader = new MessageReader(command, messagesPath, (message) => {
        messages.push(message);
        this.#relay(command, message);
      });
      const exit = await runToEnd(command, options, env, reader).catch((error: unknown) => {
        if (error instanceof Error && (error as NodeJS.ErrnoException).syscall?.startsWith("spawn")) throw new PipesStartError(this.#primaryKey.toString(), command, options.cwd, error);
        throw error;
      });
      // The program's own failure first: the messages it wrote before crashing were relayed already.
      if (exit.code !== 0 && reader.error === undefined) throw new PipesProcessError(this.#primaryKey.toString(), command, exit.code, exit.signal, exit.stderrTail);
      if (reader.error !== undefined) throw reader.error;
      return this.#results(messages);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** What the program says, as it says it: log lines at their level, reports as debug lines. */
  #relay(command: string, message: PipesMessage): void {
    const log = this.#ctx.log;
    if (message.method === "log") log[message.params.level](message.params.message, { pipes: command });
    else if (message.method === "report_asset_materialization") log.debug(`${command} reported a materialization of ${message.params.asset_key ?? this.#primaryKey.toString()}`, { pipes: command });
    else if (message.method === "report_asset_check") log.debug(`${command} reported check "${message.params.check_name}": ${message.params.passed ? "passed" : "failed"}`, { pipes: command });
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
    const resolve = (key: string | undefined): AssetKey => (key === undefined || key === null ? this.#primaryKey : AssetKey.from(key.split("/")));
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

/** How often the messages file is read while the program runs. */
const POLL_MS = 50;

/**
 * Reads the messages file as the program appends to it: whole lines only (a line being written waits for its end),
 * each parsed and handed on in order. The first bad line is kept as `error` and ends reading.
 */
class MessageReader {
  readonly #command: string;
  readonly #path: string;
  readonly #onMessage: (message: PipesMessage) => void;
  #offset = 0;
  #pending: Buffer = Buffer.alloc(0);
  #line = 0;
  #reading: Promise<void> = Promise.resolve();
  error: PipesProtocolError | undefined;

  constructor(command: string, path: string, onMessage: (message: PipesMessage) => void) {
    this.#command = command;
    this.#path = path;
    this.#onMessage = onMessage;
  }

  /** Reads what was appended since the last call; calls never overlap. */
  drain(final = false): Promise<void> {
    this.#reading = this.#reading.then(() => this.#read(final));
    return this.#reading;
  }

  async #read(final: boolean): Promise<void> {
    if (this.error !== undefined) return;
    const handle = await open(this.#path, "r");
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        this.#pending = Buffer.concat([this.#pending, chunk.subarray(0, bytesRead)]);
        this.#parse(false);
        if (this.error !== undefined) return;
      }
    } finally {
      await handle.close();
    }
    if (final) this.#parse(true);
  }

  #parse(final: boolean): void {
    let newline = this.#pending.indexOf(10);
    while (newline !== -1 || (final && this.#pending.length > 0)) {
      const end = newline === -1 ? this.#pending.length : newline;
      const line = this.#pending.subarray(0, end).toString("utf8").trim();
      this.#pending = this.#pending.subarray(Math.min(end + 1, this.#pending.length));
      this.#line++;
      if (line) {
        try {
          this.#onMessage(parseMessage(this.#command, this.#line, line));
        } catch (error) {
          if (!(error instanceof PipesProtocolError)) throw error;
          this.error = error;
          return;
        }
      }
      newline = this.#pending.indexOf(10);
    }
  }
}

function runToEnd(command: string, options: PipesRunOptions, env: NodeJS.ProcessEnv, reader: MessageReader): Promise<{ code: number | null; signal: string | null; stderrTail: string }> {
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
    // Read messages while the program runs; a bad one stops it rather than letting it compute on unheard.
    const poll = setInterval(() => {
      void reader.drain().then(() => {
        if (reader.error !== undefined && child.exitCode === null) child.kill("SIGTERM");
      }, reject);
    }, POLL_MS);
    child.once("error", (error) => {
      clearInterval(poll);
      reject(error);
    });
    let done = false;
    const finish = (code: number | null, signal: string | null): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      const text = tail.subarray(Math.max(0, tail.length - STDERR_TAIL_BYTES)).toString("utf8").trimEnd();
      reader.drain(true).then(() => resolve({ code, signal, stderrTail: text }), reject);
    };
    // Normally after its output is closed, so that the stderr tail is whole; once stopped for a bad message, at its
    // exit, since a process it started may still hold the stderr pipe.
    child.once("close", finish);
    child.once("exit", (code, signal) => {
      if (reader.error !== undefined) {
        child.stderr.destroy();
        finish(code, signal);
      }
    });
  });
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
