// `computeLogs`: what a step wrote to stdout or stderr, a chunk at a time from a cursor, for the run page.
import { createGraphQLError } from "graphql-yoga";
import { FINISHED_RUN_STATUSES, closestMatches } from "../../core/index.js";
import type { ComputeIOType } from "../../instance/index.js";
import type { Builder } from "./builder.js";
import { decodeCursor, encodeCursor } from "./cursor.js";

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
      resolve: async (_root, args, ctx) => {
        const runId = String(args.runId);
        // The status is read before the output, so that "complete" never claims an end the step wrote past.
        const run = await ctx.instance.getRunById(runId);
        if (!run) throw createGraphQLError(`No run with id "${runId}" in this instance; list runs with the runs query.`, { extensions: { code: "RUN_NOT_FOUND", runId } });
        const logs = ctx.instance.computeLogs;
        if (!logs.has(runId, args.stepKey)) {
          const steps = [...new Set((await ctx.instance.allLogs(runId)).map((e) => e.stepKey).filter((k): k is string => k !== undefined))];
          if (!steps.includes(args.stepKey)) {
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
      },
    }),
  );
}
