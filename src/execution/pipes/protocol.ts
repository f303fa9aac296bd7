// The pipes protocol, both sides: the context a program is given and the messages it writes back.
//
// Tessera starts the program with two environment variables:
//   TESSERA_PIPES_CONTEXT   the context, one JSON object (PipesContextData below)
//   TESSERA_PIPES_MESSAGES  the path of a file the program appends messages to, one JSON object per line:
//     {"method":"log","params":{"level":"info"|"warn"|"error"|"debug","message":"..."}}
//     {"method":"report_asset_materialization","params":{"asset_key":"a/b"?,"metadata":{...}?,"data_version":"..."?}}
//     {"method":"report_asset_check","params":{"check_name":"...","passed":true,"asset_key":"a/b"?,"severity":"ERROR"|"WARN"?,"metadata":{...}?}}
//     {"method":"closed","params":{}}
// Lines are read while the program runs (log lines reach the run's log as they are written); a line that is no such
// message stops the program and fails the step, naming the line.
import { TesseraError } from "../../core/index.js";

export const CONTEXT_ENV = "TESSERA_PIPES_CONTEXT";
export const MESSAGES_ENV = "TESSERA_PIPES_MESSAGES";
export const PROTOCOL_VERSION = 1;

/** What the program is told about the step it computes. */
export interface PipesContextData {
  readonly protocol_version: number;
  readonly run_id: string;
  /** The step's asset keys, as `a/b` strings; the first is the default of reports that name none. */
  readonly asset_keys: readonly string[];
  readonly partition_key: string | null;
  readonly partition_key_range: { readonly start: string; readonly end: string } | null;
  /** ISO timestamps. */
  readonly partition_time_window: { readonly start: string; readonly end: string } | null;
  /** Anything the caller passed as `extras`. */
  readonly extras: Readonly<Record<string, unknown>>;
}

export type PipesLogLevel = "debug" | "info" | "warn" | "error";

/** One message from the program. */
export type PipesMessage =
  | { readonly method: "log"; readonly params: { readonly level: PipesLogLevel; readonly message: string } }
  | {
      readonly method: "report_asset_materialization";
      readonly params: { readonly asset_key?: string; readonly metadata?: Record<string, unknown>; readonly data_version?: string };
    }
  | {
      readonly method: "report_asset_check";
      readonly params: {
        readonly check_name: string;
        readonly passed: boolean;
        readonly asset_key?: string;
        readonly severity?: "ERROR" | "WARN";
        readonly metadata?: Record<string, unknown>;
        readonly description?: string;
      };
    }
  | { readonly method: "closed"; readonly params: Record<string, never> };

/** The program wrote a line that is not a message of the protocol. */
export class PipesProtocolError extends TesseraError {
  readonly command: string;
  constructor(command: string, line: number, reason: string) {
    super("PIPES_PROTOCOL_ERROR", `The program "${command}" wrote message line ${line}, which ${reason}. Write messages with tessera_pipes.py or openTesseraPipes(), or follow the protocol in @tessera/core/pipes.`);
    this.command = command;
  }
}

const LEVELS = new Set(["debug", "info", "warn", "error"]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || v === null || check(v);

/** Parses and checks one line of the messages file. */
export function parseMessage(command: string, lineNumber: number, line: string): PipesMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new PipesProtocolError(command, lineNumber, `is not JSON: ${line.slice(0, 200)}`);
  }
  if (!isRecord(raw) || typeof raw.method !== "string") throw new PipesProtocolError(command, lineNumber, "has no \"method\"");
  const params = raw.params ?? {};
  if (!isRecord(params)) throw new PipesProtocolError(command, lineNumber, "has \"params\" that are not an object");
  const bad = (what: string): never => {
    throw new PipesProtocolError(command, lineNumber, `(${raw.method}) ${what}`);
  };
  switch (raw.method) {
    case "log":
      if (!LEVELS.has(String(params.level)) || typeof params.message !== "string") bad('needs "level" (debug, info, warn, error) and a string "message"');
      break;
    case "report_asset_materialization":
      if (!optional(params.asset_key, (v) => typeof v === "string")) bad('has an "asset_key" that is not a string');
      if (!optional(params.metadata, isRecord)) bad('has "metadata" that is not an object');
      if (!optional(params.data_version, (v) => typeof v === "string")) bad('has a "data_version" that is not a string');
      break;
    case "report_asset_check":
      if (typeof params.check_name !== "string" || typeof params.passed !== "boolean") bad('needs a string "check_name" and a boolean "passed"');
      if (!optional(params.severity, (v) => v === "ERROR" || v === "WARN")) bad('has a "severity" other than "ERROR" or "WARN"');
      if (!optional(params.metadata, isRecord)) bad('has "metadata" that is not an object');
      break;
    case "closed":
      break;
    default:
      bad(`is not a known method (log, report_asset_materialization, report_asset_check, closed)`);
  }
  return { method: raw.method, params } as PipesMessage;
}
