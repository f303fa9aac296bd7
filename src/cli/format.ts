// Text helpers shared by the commands: durations, times, tables, metadata in one line.
import { isAbsolute, relative } from "node:path";
import type { MetadataMap, MetadataValue } from "../core/index.js";
import { stripAnsi } from "./style.js";

/** `850ms`, `4.2s`, `3m 05s`, `2h 01m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}m ${String(totalSeconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Local date and time to the second: `2024-03-01 14:05:09`. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined) return "-";
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local time of day to the millisecond, for event logs: `14:05:09.123`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** Cuts `text` to `max` characters, marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return "";
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** `n thing` or `n things`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** Names in a line, the first `max` of them, then how many more. */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** A path relative to `cwd` when it lies inside it: shorter to read, still usable. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** Rows padded into columns; the last column is left as it is. Widths ignore colour codes. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], gap = "  "): string[] {
  const widths = headers.map((h, i) => Math.max(stripAnsi(h).length, ...rows.map((r) => stripAnsi(r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - stripAnsi(cell).length)))
      .join(gap)
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

// Entries that read well in one line come first; tables, schemas and markdown are summarised.
const INLINE_TYPES = new Set<MetadataValue["type"]>(["int", "float", "text", "path", "url", "bool", "timestamp", "asset"]);

/** A few metadata entries in one line: `rows: 33, path: .tessera/storage/orders (+2 more)`. */
export function summarizeMetadata(metadata: MetadataMap | undefined, options: { max?: number; cwd?: string } = {}): string {
  if (!metadata) return "";
  const max = options.max ?? 4;
  const entries = Object.entries(metadata);
  // Paths (often the IO manager's, listed first) are long: they come after the user's short entries.
  const rank = (v: MetadataValue): number => (v.type === "path" ? 1 : INLINE_TYPES.has(v.type) ? 0 : 2);
  const ordered = entries.map((e, i) => [e, i] as const).sort((a, b) => rank(a[0][1]) - rank(b[0][1]) || a[1] - b[1]).map(([e]) => e);
  const shown = ordered.slice(0, max).map(([k, v]) => `${k}: ${renderValue(v, options.cwd)}`);
  const more = entries.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` (+${more} more)` : "");
}

/** One metadata value, short: tables by their size, paths relative to `cwd`. */
export function renderValue(value: MetadataValue, cwd?: string): string {
  switch (value.type) {
    case "path":
      return displayPath(value.value, cwd);
    case "float":
      return String(Math.round(value.value * 1000) / 1000);
    case "table":
      return `table of ${plural(value.value.records.length, "row")}`;
    case "table_schema":
      return `schema of ${plural(value.value.columns.length, "column")}`;
    case "md":
      return `markdown (${plural(value.value.split("\n").length, "line")})`;
    case "timestamp":
      return formatTime(value.value);
    case "asset":
      return value.value.join("/");
    case "json":
      return truncate(JSON.stringify(value.value), 40);
    case "null":
      return "null";
    case "text":
      return truncate(value.value.replace(/\s+/g, " "), 40);
    default:
      return String(value.value);
  }
}

/** The first line of a message, for one-line displays. */
export function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n", 1)[0] ?? "";
}
