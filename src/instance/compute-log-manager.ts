// Compute logs: what a step wrote to stdout and stderr, kept per run and step beside the structured event log.
// Files under the home by default (<home>/storage/compute_logs/<run>/<step>.out|.err), so that another process
// (`tessera run logs --follow`, the web server) can read them while the step still writes; in memory, capped, for
// an instance without a home.
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";

/** Which of a step's streams: the reference's ComputeIOType. */
export type ComputeIOType = "stdout" | "stderr";
export const COMPUTE_IO_TYPES: readonly ComputeIOType[] = ["stdout", "stderr"];

/** A step's output kept when `maxBytesPerStep` is not set: 10 MiB per stream. */
export const DEFAULT_MAX_BYTES_PER_STEP = 10 * 1024 * 1024;
/** Everything an in-memory manager keeps, across runs, before it refuses more: 32 MiB. */
export const DEFAULT_IN_MEMORY_TOTAL_BYTES = 32 * 1024 * 1024;

/** `computeLogs:` of tessera.yaml. */
export interface ComputeLogSettings {
  /** Where the files go; relative paths are relative to the home. @default <home>/storage/compute_logs */
  directory?: string | undefined;
  /** The most bytes kept of each stream of a step; what comes after is dropped, behind a marker line. @default 10 MiB */
  maxBytesPerStep?: number | undefined;
  /** false: nothing is captured (steps write to the terminal only). @default true */
  enabled?: boolean | undefined;
}

/** One read of a step's stream: the text from `cursor`, and the cursor to pass for what comes next. */
export interface ComputeLogChunk {
  readonly data: string;
  /** Byte offset after `data`: pass it back to read on. */
  readonly cursor: number;
  /** Bytes the stream holds now. */
  readonly size: number;
  /** Where it is kept (a file path), when it is a file. */
  readonly path: string | undefined;
}

/** Where one step's output goes while it runs. */
export interface ComputeLogSink {
  /** The names the step's streams are kept under (the reference's file key and log key). */
  readonly fileKey: string;
  readonly logKey: readonly string[];
  /** The file of each stream, when kept in files. */
  readonly paths: Readonly<Record<ComputeIOType, string>> | undefined;
  write(io: ComputeIOType, chunk: Uint8Array): void;
  close(): void;
}

/** Keeps and serves the compute logs of an instance. */
export interface ComputeLogManager {
  /** false for a manager that keeps nothing: execution then does not intercept output at all. */
  readonly enabled: boolean;
  openStep(runId: string, stepKey: string): ComputeLogSink;
  /** Up to `maxBytes` of a step's stream from byte `cursor` (0: the start). Cut at a character boundary. */
  read(runId: string, stepKey: string, io: ComputeIOType, options?: { cursor?: number; maxBytes?: number }): ComputeLogChunk;
  /** Whether the step wrote anything to either stream. */
  has(runId: string, stepKey: string): boolean;
  /** Forgets a run's logs (the run was deleted). */
  deleteRun(runId: string): void;
}

const TRUNCATION_MARKER = (max: number, io: ComputeIOType) =>
  `\n[tessera] ${io} truncated: the step wrote more than ${max} bytes; raise computeLogs.maxBytesPerStep in tessera.yaml to keep more.\n`;
const DEFAULT_READ_BYTES = 1024 * 1024;
const EXTENSION: Readonly<Record<ComputeIOType, string>> = { stdout: ".out", stderr: ".err" };

/**
 * A step key (or run id) as one file name, no two keys the same: encodeURIComponent (as the filesystem IO manager
 * names partitions), plus `*` (not allowed on Windows) and upper-case letters escaped so that two keys differing
 * only in case stay apart on a case-insensitive filesystem; "." and ".." never left as names; long keys shortened
 * with a hash of the whole key.
 */
export function computeLogFileKey(key: string): string {
  // Character by character: encodeURIComponent leaves letters alone, so an escape of a capital (%41) never collides
  // with its own output, and the hex digits of its escapes are never touched.
  let encoded = "";
  for (const c of key) encoded += /^[A-Z*!'()~]$/.test(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : encodeOne(c);
  if (encoded === "." || encoded === "..") encoded = encoded.replaceAll(".", "%2E");
  if (encoded.length > 160) encoded = `${encoded.slice(0, 100)}~${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
  return encoded;
}

// A lone surrogate has no UTF-8 form (encodeURIComponent throws): it gets %u and its code, which nothing else makes.
function encodeOne(c: string): string {
  try {
    return encodeURIComponent(c);
  } catch {
    return `%u${c.charCodeAt(0).toString(16).toUpperCase()}`;
  }
}

/** The number of bytes of `bytes` that end on a whole UTF-8 character. */
function wholeCharacters(bytes: Uint8Array): number {
  let end = bytes.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last character.
  let i = end - 1;
  while (i >= 0 && end - i <= 4 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
  if (i < 0) return end;
  const lead = bytes[i] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (end - i < need) end = i;
  return end;
}

/** Counts what a stream kept and writes the truncation marker once. */
class StreamBudget {
  #written: number;
  #truncated = false;
  constructor(
    readonly max: number,
    already: number,
  ) {
    this.#written = already;
    this.#truncated = already > max;
  }
  /** The part of `chunk` to keep, and the marker to append after it when the budget ran out. */
  take(chunk: Uint8Array, io: ComputeIOType): { keep: Uint8Array; marker: string | undefined } {
    if (this.#truncated) return { keep: chunk.subarray(0, 0), marker: undefined };
    const room = this.max - this.#written;
    if (chunk.length <= room) {
      this.#written += chunk.length;
      return { keep: chunk, marker: undefined };
    }
    this.#truncated = true;
    const keep = chunk.subarray(0, wholeCharacters(chunk.subarray(0, Math.max(0, room))));
    this.#written += keep.length;
    return { keep, marker: TRUNCATION_MARKER(this.max, io) };
  }
}

/** Files under a folder: `<directory>/<run>/<step>.out|.err`. The default of an instance with a home. */
export class LocalComputeLogManager implements ComputeLogManager {
  readonly enabled = true;
  readonly directory: string;
  readonly maxBytesPerStep: number;
  // Run folders this manager created: one mkdir per run, not per step (a run's folder is never removed under it
  // except by deleteRun, which forgets it here too).
  readonly #made = new Set<string>();

  constructor(directory: string, options: { maxBytesPerStep?: number | undefined } = {}) {
    this.directory = directory;
    this.maxBytesPerStep = options.maxBytesPerStep ?? DEFAULT_MAX_BYTES_PER_STEP;
  }

  /** The file of a step's stream. */
  pathOf(runId: string, stepKey: string, io: ComputeIOType): string {
    return join(this.directory, computeLogFileKey(runId), `${computeLogFileKey(stepKey)}${EXTENSION[io]}`);
  }

  openStep(runId: string, stepKey: string): ComputeLogSink {
    const paths = { stdout: this.pathOf(runId, stepKey, "stdout"), stderr: this.pathOf(runId, stepKey, "stderr") };
    const fds: Partial<Record<ComputeIOType, number>> = {};
    const budgets: Partial<Record<ComputeIOType, StreamBudget>> = {};
    const max = this.maxBytesPerStep;
    const made = this.#made;
    const fileKey = computeLogFileKey(stepKey);
    let closed = false;
    return {
      fileKey,
      logKey: [runId, "compute_logs", fileKey],
      paths,
      write(io, chunk) {
        let fd = fds[io];
        if (fd === undefined) {
          // Opened on the first write, appending: a retry in another process (a queue worker) adds to the same file.
          const dir = join(paths[io], "..");
          if (!made.has(dir)) {
            mkdirSync(dir, { recursive: true });
            made.add(dir);
          }
          fd = fds[io] = openSync(paths[io], "a");
          budgets[io] ??= new StreamBudget(max, fstatSync(fd).size);
        }
        const { keep, marker } = (budgets[io] as StreamBudget).take(chunk, io);
        if (keep.length > 0) writeSync(fd, keep);
        if (marker !== undefined) writeSync(fd, marker);
        // A write after the step ended (a timer it left behind) is still kept, without leaving a file open.
        if (closed) {
          closeSync(fd);
          delete fds[io];
        }
      },
      close() {
        closed = true;
        for (const io of COMPUTE_IO_TYPES) {
          const fd = fds[io];
          if (fd !== undefined) closeSync(fd);
          delete fds[io];
        }
      },
    };
  }

  read(runId: string, stepKey: string, io: ComputeIOType, options: { cursor?: number; maxBytes?: number } = {}): ComputeLogChunk {
    const path = this.pathOf(runId, stepKey, io);
    const cursor = Math.max(0, options.cursor ?? 0);
    if (!existsSync(path)) return { data: "", cursor, size: 0, path };
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      const want = Math.max(0, Math.min(options.maxBytes ?? DEFAULT_READ_BYTES, size - cursor));
      const buffer = Buffer.alloc(want);
      const got = want > 0 ? readSync(fd, buffer, 0, want, cursor) : 0;
      const whole = wholeCharacters(buffer.subarray(0, got));
      return { data: buffer.subarray(0, whole).toString("utf8"), cursor: cursor + whole, size, path };
    } finally {
      closeSync(fd);
    }
  }

  has(runId: string, stepKey: string): boolean {
    return COMPUTE_IO_TYPES.some((io) => existsSync(this.pathOf(runId, stepKey, io)));
  }

  deleteRun(runId: string): void {
    const dir = join(this.directory, computeLogFileKey(runId));
    this.#made.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  }

  /** The file keys of the steps of a run that wrote something (for listing; step keys are not recoverable from hashed names). */
  fileKeysOf(runId: string): string[] {
    const dir = join(this.directory, computeLogFileKey(runId));
    if (!existsSync(dir)) return [];
    return [...new Set(readdirSync(dir).map((name) => name.replace(/\.(out|err)$/, "")))].sort();
  }
}

/** Kept in this process's memory, for an instance without a home; at most `maxTotalBytes` across every step. */
export class InMemoryComputeLogManager implements ComputeLogManager {
  readonly enabled = true;
  readonly maxBytesPerStep: number;
  readonly maxTotalBytes: number;
  readonly #streams = new Map<string, { chunks: Buffer[]; size: number; budget: StreamBudget }>();
  #total = 0;

  constructor(options: { maxBytesPerStep?: number | undefined; maxTotalBytes?: number } = {}) {
    this.maxBytesPerStep = options.maxBytesPerStep ?? DEFAULT_MAX_BYTES_PER_STEP;
    this.maxTotalBytes = options.maxTotalBytes ?? DEFAULT_IN_MEMORY_TOTAL_BYTES;
  }

  #id(runId: string, stepKey: string, io: ComputeIOType): string {
    return JSON.stringify([runId, stepKey, io]);
  }

  openStep(runId: string, stepKey: string): ComputeLogSink {
    const fileKey = computeLogFileKey(stepKey);
    return {
      fileKey,
      logKey: [runId, "compute_logs", fileKey],
      paths: undefined,
      write: (io, chunk) => {
        const id = this.#id(runId, stepKey, io);
        let stream = this.#streams.get(id);
        if (!stream) this.#streams.set(id, (stream = { chunks: [], size: 0, budget: new StreamBudget(Math.min(this.maxBytesPerStep, this.maxTotalBytes), 0) }));
        // The whole instance's cap is shared: a step gets at most what is left of it.
        const left = this.maxTotalBytes - this.#total;
        const { keep, marker } = left <= 0 ? { keep: chunk.subarray(0, 0), marker: undefined } : stream.budget.take(chunk.length > left ? chunk.subarray(0, left) : chunk, io);
        for (const part of [keep, marker === undefined ? undefined : Buffer.from(marker)]) {
          if (!part || part.length === 0) continue;
          const copy = Buffer.from(part);
          stream.chunks.push(copy);
          stream.size += copy.length;
          this.#total += copy.length;
        }
      },
      close: () => undefined,
    };
  }

  read(runId: string, stepKey: string, io: ComputeIOType, options: { cursor?: number; maxBytes?: number } = {}): ComputeLogChunk {
    const cursor = Math.max(0, options.cursor ?? 0);
    const stream = this.#streams.get(this.#id(runId, stepKey, io));
    if (!stream) return { data: "", cursor, size: 0, path: undefined };
    if (stream.chunks.length > 1) stream.chunks = [Buffer.concat(stream.chunks)];
    const all = stream.chunks[0] ?? Buffer.alloc(0);
    const slice = all.subarray(cursor, cursor + (options.maxBytes ?? DEFAULT_READ_BYTES));
    const whole = wholeCharacters(slice);
    return { data: slice.subarray(0, whole).toString("utf8"), cursor: cursor + whole, size: stream.size, path: undefined };
  }

  has(runId: string, stepKey: string): boolean {
    return COMPUTE_IO_TYPES.some((io) => this.#streams.has(this.#id(runId, stepKey, io)));
  }

  deleteRun(runId: string): void {
    for (const [id, stream] of this.#streams) {
      if ((JSON.parse(id) as string[])[0] === runId) {
        this.#total -= stream.size;
        this.#streams.delete(id);
      }
    }
  }
}

/** Keeps nothing: `computeLogs: { enabled: false }`. */
export class NoOpComputeLogManager implements ComputeLogManager {
  readonly enabled = false;
  openStep(runId: string, stepKey: string): ComputeLogSink {
    const fileKey = computeLogFileKey(stepKey);
    return { fileKey, logKey: [runId, "compute_logs", fileKey], paths: undefined, write: () => undefined, close: () => undefined };
  }
  read(_runId: string, _stepKey: string, _io: ComputeIOType, options: { cursor?: number } = {}): ComputeLogChunk {
    return { data: "", cursor: options.cursor ?? 0, size: 0, path: undefined };
  }
  has(): boolean {
    return false;
  }
  deleteRun(): void {}
}

/** The manager of an instance: files under its home (or the directory set), in memory without a home, or none. */
export function computeLogManagerFor(home: string | undefined, settings: ComputeLogSettings | undefined): ComputeLogManager {
  if (settings?.enabled === false) return new NoOpComputeLogManager();
  const max = settings?.maxBytesPerStep;
  if (home === undefined && settings?.directory === undefined) return new InMemoryComputeLogManager({ maxBytesPerStep: max });
  const directory = settings?.directory === undefined ? join(home as string, "storage", "compute_logs") : resolve(home ?? process.cwd(), settings.directory);
  return new LocalComputeLogManager(directory, { maxBytesPerStep: max });
}
