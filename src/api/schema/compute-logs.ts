// `computeLogs`: what a step wrote to stdout or stderr, a chunk at a time from a cursor, for the run page.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { createGraphQLError } from "graphql-yoga";
import { FINISHED_RUN_STATUSES, closestMatches } from "../../core/index.js";
import type { ComputeIOType } from "../../instance/index.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { changes } from "../event-watcher.js";

/** The most bytes one answer carries; ask again with its cursor for more. */
export const MAX_COMPUTE_LOG_CHUNK = 1024 * 1024;

interface ComputeLogsValue {
  runId: string;
  stepKey: string;
  ioType: ComputeIOType;
  data: string;
  cursor: string;
  /** Bytes the stream holds now. */
  size: number;
  complete: boolean;
  path: string | undefined;
}

export function defineComputeLogQueries(builder: Builder): void {
  const IOType = builder.enumType("ComputeIOType", { values: ["STDOUT", "STDERR"] as const });
  const ComputeLogs = builder.objectRef<ComputeLogsValue>("ComputeLogs").implement({
    description: "A chunk of what a step wrote to one stream, from the cursor asked for.",
    fields: (t) => ({
      runId: t.exposeID("runId"),
      stepKey: t.exposeString("stepKey"),
      ioType: t.field({ type: IOType, resolve: (v) => (v.ioType === "stdout" ? "STDOUT" : "STDERR") }),
      data: t.exposeString("data", { description: "The text from the cursor asked for (cut at a character boundary)." }),
      cursor: t.exposeString("cursor", { description: "Pass it back to read what comes after data." }),
      size: t.exposeFloat("size", { description: "Bytes the stream holds now." }),
      complete: t.exposeBoolean("complete", { description: "True when the run has finished and data reaches the end: nothing more will come." }),
      path: t.string({ nullable: true, description: "The file it is kept in, when in a file of the instance's home.", resolve: (v) => v.path ?? null }),
    }),
  });

  builder.queryField("computeLogs", (t) =>
    t.field({
      type: ComputeLogs,
      description: "What a run's step wrote to stdout or stderr (console.log, process output, pipes programs), a chunk at a time.",
      args: {
        runId: t.arg.id({ required: true }),
        stepKey: t.arg.string({ required: true }),
        ioType: t.arg({ type: IOType, required: true }),
        cursor: t.arg.string(),
        limit: t.arg.int({ description: `At most this many bytes (and at most ${MAX_COMPUTE_LOG_CHUNK}).` }),
      },
      resolve: (_root, args, ctx) => readComputeLogs(ctx, { ...args, runId: String(args.runId) }),
    }),
  );

  builder.subscriptionField("computeLogs", (t) =>
    t.field({
      type: ComputeLogs,
      description:
        "What a run's step writes to stdout or stderr: from the cursor (the start without one) in chunks, then live as the step writes; " +
        "the first payload comes at once (empty when nothing is written yet), the last has complete: true once the run has finished.",
      args: {
        runId: t.arg.id({ required: true }),
        stepKey: t.arg.string({ required: true }),
        ioType: t.arg({ type: IOType, required: true }),
        cursor: t.arg.string(),
      },
      subscribe: (_root, args, ctx) => computeLogStream(ctx, { ...args, runId: String(args.runId) }),
      resolve: (value) => value,
    }),
  );
}

interface ComputeLogsArgs {
  runId: string;
  stepKey: string;
  ioType: "STDOUT" | "STDERR";
  cursor?: string | null | undefined;
  limit?: number | null | undefined;
}

/** One chunk of a step's stream from the cursor; a typed error for an unknown run or step or a bad limit. */
async function readComputeLogs(ctx: ApiContext, args: ComputeLogsArgs, live = false): Promise<ComputeLogsValue> {
  const runId = args.runId;
  // The status is read before the output, so that "complete" never claims an end the step wrote past.
  const run = await ctx.instance.getRunById(runId);
  if (!run) throw createGraphQLError(`No run with id "${runId}" in this instance; list runs with the runs query.`, { extensions: { code: "RUN_NOT_FOUND", runId } });
  const logs = ctx.instance.computeLogs;
  if (!logs.has(runId, args.stepKey)) {
    const steps = [...new Set((await ctx.instance.allLogs(runId)).map((e) => e.stepKey).filter((k): k is string => k !== undefined))];
    // A run still going may not have reached the step yet: a subscription waits for it.
    if (!steps.includes(args.stepKey) && !(live && !FINISHED_RUN_STATUSES.has(run.status))) {
      const near = closestMatches(args.stepKey, steps);
      throw createGraphQLError(
        `Run ${runId} has no step "${args.stepKey}"${near.length ? `; did you mean ${near.map((s) => `"${s}"`).join(" or ")}?` : "."} Its steps: ${steps.join(", ") || "none"}.`,
        { extensions: { code: "STEP_NOT_FOUND", runId, stepKey: args.stepKey, steps } },
      );
    }
  }
  if (args.limit !== null && args.limit !== undefined && (!Number.isInteger(args.limit) || args.limit < 1)) {
    throw createGraphQLError(`limit must be a positive number of bytes, got ${args.limit}.`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  const io: ComputeIOType = args.ioType === "STDOUT" ? "stdout" : "stderr";
  const from = decodeCursor<number>(`computeLogs:${io}`, args.cursor, "number") ?? 0;
  const chunk = logs.read(runId, args.stepKey, io, { cursor: from, maxBytes: Math.min(args.limit ?? MAX_COMPUTE_LOG_CHUNK, MAX_COMPUTE_LOG_CHUNK) });
  return {
    runId,
    stepKey: args.stepKey,
    ioType: io,
    data: chunk.data,
    cursor: encodeCursor(`computeLogs:${io}`, chunk.cursor),
    size: chunk.size,
    complete: FINISHED_RUN_STATUSES.has(run.status) && chunk.cursor >= chunk.size,
    path: chunk.path,
  };
}

/**
 * A step's stream from the cursor, then live: the first chunk at once (empty when nothing is written yet, so the
 * client knows it listens), then each time the stream grows, until the run has finished and everything is sent.
 * Steps write their files from other processes without an event: the file's directory is watched (fs.watch), so a
 * line reaches the subscriber as soon as it is written; the event watcher's poll interval remains the fallback (a
 * directory not made yet, a file system without change notifications), and the event log moving (a step or the
 * run ending) wakes it at once.
 */
export async function* computeLogStream(ctx: ApiContext, args: ComputeLogsArgs): AsyncGenerator<ComputeLogsValue> {
  const wakeups = changes(ctx.watcher);
  let wake: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let cursor = args.cursor ?? null;
  let first = true;
  const file = new FileChanges();
  try {
    for (;;) {
      file.clear();
      const value = await readComputeLogs(ctx, { ...args, cursor }, true);
      if (first || value.data.length > 0 || value.complete) yield value;
      first = false;
      if (value.complete) return;
      cursor = value.cursor;
      // More than one chunk was there: read on without waiting.
      if (value.data.length > 0 && (decodeCursor<number>(`computeLogs:${value.ioType}`, value.cursor, "number") ?? 0) < value.size) continue;
      file.watch(value.path);
      // Written while this chunk was being sent: read it now.
      if (file.changed) continue;
      wake ??= wakeups.next().then(() => (wake = undefined));
      await Promise.race([wake, file.next(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ctx.watcher.pollIntervalMs)))]);
      clearTimeout(timer);
    }
  } finally {
    clearTimeout(timer);
    file.close();
    await wakeups.return?.();
  }
}

/**
 * Changes to one file, seen through its directory (a file that does not exist yet cannot be watched itself), or
 * through the directory above while the step has not made its own: any change there wakes the stream, which then
 * watches the file's directory.
 */
class FileChanges {
  #watcher: FSWatcher | undefined;
  #watchingFileDirectory = false;
  #waiting: (() => void) | undefined;
  changed = false;

  /** Watches what exists of the file's directories; nothing for a stream kept in memory. */
  watch(path: string | undefined): void {
    if (path === undefined || this.#watchingFileDirectory) return;
    const directory = dirname(path);
    if (this.#watchDirectory(directory, basename(path))) this.#watchingFileDirectory = true;
    else if (this.#watcher === undefined) this.#watchDirectory(dirname(directory), undefined);
  }

  /** Resolves at the next change (never, when nothing is watched: the poll and the event log wake the stream then). */
  next(): Promise<void> {
    return new Promise<void>((resolve) => (this.#waiting = resolve));
  }

  clear(): void {
    this.changed = false;
    this.#waiting = undefined;
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#waiting = undefined;
  }

  #watchDirectory(directory: string, name: string | undefined): boolean {
    let watcher: FSWatcher;
    try {
      watcher = watch(directory, { persistent: false }, (_event, changed) => {
        if (name !== undefined && changed !== null && changed !== name) return;
        this.changed = true;
        this.#waiting?.();
      });
    } catch {
      // Not made yet, or a file system that cannot be watched: the poll interval is the fallback.
      return false;
    }
    this.#watcher?.close();
    this.#watcher = watcher;
    watcher.on("error", () => {
      watcher.close();
      if (this.#watcher === watcher) this.#watcher = undefined;
      this.#watchingFileDirectory = false;
    });
    return true;
  }
}
