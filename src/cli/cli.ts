// The command line's surroundings: where output goes, the environment, the exit code, the instance.
import type { Command } from "commander";
import type { Instance } from "../instance/index.js";
import { createStyle, type Style } from "./style.js";

export interface CliStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** One invocation of `tessera`. Commands print through it and set `exitCode`. */
export class Cli {
  exitCode = 0;
  readonly streams: CliStreams;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Colours for stdout. */
  readonly style: Style;
  /** Colours for stderr. */
  readonly errStyle: Style;

  constructor(streams: CliStreams, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()) {
    this.streams = streams;
    quietWhenClosed(streams.stdout);
    quietWhenClosed(streams.stderr);
    this.env = env;
    this.cwd = cwd;
    this.style = createStyle(streams.stdout, env);
    this.errStyle = createStyle(streams.stderr, env);
  }

  /** True when stdout is a terminal: live progress instead of one line per event. */
  get interactive(): boolean {
    return this.streams.stdout.isTTY === true && this.env.TERM !== "dumb";
  }

  print(line = ""): void {
    this.streams.stdout.write(`${line}\n`);
  }

  /** A line on stderr, for errors and warnings. */
  printError(line: string): void {
    this.streams.stderr.write(`${line}\n`);
  }

  /**
   * Opens the instance of `--home` (or $TESSERA_HOME, or `.tessera` in the project root), runs `fn`, and closes it.
   * A command that only reads never creates an instance: where there is none, it says so.
   */
  async withInstance<T>(command: Command, fn: (instance: Instance) => Promise<T>, options: { allowOldSchema?: boolean } = {}): Promise<T> {
    // Loaded here, not at the top: `tessera --help` and argument errors never need the instance layer.
    const { Instance } = await import("../instance/index.js");
    const instance = Instance.fromHome({
      home: homeOf(command),
      cwd: this.cwd,
      allowOldSchema: options.allowOldSchema ?? false,
      ifMissing: READ_ONLY_COMMANDS.get(commandPath(command)) ?? "create",
    });
    try {
      const path = commandPath(command);
      if (RUN_READING_COMMANDS.has(path)) await this.#failOrphanedRuns(instance);
      return await fn(instance);
    } finally {
      await instance.close();
    }
  }

  async #failOrphanedRuns(instance: Instance): Promise<void> {
    const { monitorRuns } = await import("../execution/index.js");
    try {
      // No start timeout here: only the daemon, which launches runs, may judge that one was never started.
      const { failed } = await monitorRuns({ instance, startTimeoutMs: Number.POSITIVE_INFINITY });
      for (const { runId, reason } of failed) this.printError(this.errStyle.dim(`Run ${runId} ended: ${reason}`));
    } catch (error) {
      this.printError(this.errStyle.dim(`Could not check for runs whose process is gone: ${(error as Error)?.message ?? String(error)}`));
    }
  }
}

/**
 * Keeps a write error on stdout or stderr from crashing the command: when the reader has gone
 * (`tessera materialize | head -3`, EPIPE) the run must still finish and be recorded. Later writes to the
 * destroyed stream fail the same way and are dropped; there is nowhere left to print them.
 */
function quietWhenClosed<S extends NodeJS.WritableStream>(stream: S): S {
  if (!CLOSED_STREAM_GUARDED.has(stream)) {
    CLOSED_STREAM_GUARDED.add(stream);
    stream.on("error", () => {});
  }
  return stream;
}
const CLOSED_STREAM_GUARDED = new WeakSet<NodeJS.WritableStream>();

/**
 * Commands that show runs first end the runs whose process is gone (killed, exited), as the daemon's run
 * monitoring does: without a daemon such a run would otherwise show STARTED forever.
 */
const RUN_READING_COMMANDS = new Set(["run list", "run show", "run logs", "run cancel", "run reexecute", "daemon status", "backfill list", "backfill show"]);

/**
 * Commands that only read, and what they do where no instance exists (they never create one): those that show only
 * what was recorded say there is none; those that show definitions beside it show them with nothing recorded.
 */
const READ_ONLY_COMMANDS = new Map<string, "fail" | "empty">([
  ["run list", "fail"],
  ["run show", "empty"],
  ["run logs", "fail"],
  ["backfill list", "fail"],
  ["backfill show", "empty"],
  ["instance info", "fail"],
  ["asset list", "empty"],
  ["asset show", "empty"],
  ["automation explain", "empty"],
  ["daemon status", "empty"],
  ["job list", "empty"],
  ["partitions list", "empty"],
  ["schedule list", "empty"],
  ["schedule preview", "empty"],
  ["sensor list", "empty"],
  ["sensor preview", "empty"],
]);

/** `run list` for the command `list` under `run`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** The global `--home` option, wherever on the command line it was given. */
export function homeOf(command: Command): string | undefined {
  return command.optsWithGlobals<{ home?: string }>().home;
}

/** How to call `tessera` again on the same home, for hints: `tessera` or `tessera --home <dir>`. */
export function tesseraCommand(command: Command): string {
  const home = homeOf(command);
  return home === undefined ? "tessera" : `tessera --home ${shellQuote(home)}`;
}

export function shellQuote(arg: string): string {
  return /^[\w./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
