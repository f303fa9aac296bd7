// ctx.log: structured log lines stored as LOG_MESSAGE events in the run's event log.
import type { LogLevel } from "../core/index.js";
import type { IOLogger } from "../definitions/index.js";

export function makeLogger(write: (level: LogLevel, message: string, fields: Record<string, unknown> | undefined) => void): IOLogger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void =>
      write(level, String(message), fields === undefined ? undefined : toPlainData(fields));
  return Object.freeze({ debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") });
}

// Fields must survive JSON; anything that does not is recorded as its string form.
function toPlainData(fields: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
  }
}
