// Progress of a run as its events arrive: a live status line on a terminal, one line per step event otherwise.
import type { EventRecord, LogLevel } from "../core/index.js";
import { firstLine, formatDuration, plural, truncate } from "./format.js";
import { stripAnsi, type Style } from "./style.js";

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream & { columns?: number };
  /** Live line (true) or one line per event (false). */
  readonly live: boolean;
  readonly style: Style;
  /** The step keys of the run, in plan order. */
  readonly steps: readonly string[];
  /** Show debug logs too. @default false */
  readonly verbose?: boolean;
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR_WIDTH = 20;

/**
 * Follows a run's events. Feed it every event (`onEvent`), then call `stop()` once the run is over,
 * also when it threw: a live display clears its status line.
 */
export class Progress {
  readonly #options: ProgressOptions;
  readonly #running = new Map<string, number>();
  readonly #started = performance.now();
  #done = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ProgressOptions) {
    this.#options = options;
    if (options.live) {
      this.#timer = setInterval(() => this.#render(), 100);
      this.#timer.unref();
    }
  }

  readonly onEvent = (event: EventRecord): void => {
    const line = this.#describe(event);
    if (this.#options.live) {
      if (line !== undefined) this.#write(`\r\x1b[2K${line}\n`);
      this.#render();
    } else if (line !== undefined) {
      this.#write(`${line}\n`);
    }
  };

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#options.live) this.#write("\r\x1b[2K");
  }

  #describe(event: EventRecord): string | undefined {
    const { style, live } = this.#options;
    const step = event.stepKey ?? "";
    const total = this.#options.steps.length;
    const tag = live ? style.bold(step) : `[${step}]`;
    switch (event.eventType) {
      case "RUN_START":
        return `${live ? style.dim("Run") : "Run"} ${event.runId} started: ${plural(total, "step")}`;
      case "STEP_START":
        this.#running.set(step, event.timestamp);
        return live ? undefined : `${tag} started`;
      case "STEP_SUCCESS":
        this.#finish(step);
        return live
          ? `${style.green("✓")} ${tag} ${style.dim(formatDuration(event.durationMs ?? 0))}`
          : `${tag} succeeded in ${formatDuration(event.durationMs ?? 0)} (${this.#done}/${total})`;
      case "STEP_FAILURE": {
        this.#finish(step);
        const reason = firstLine(event.error?.message ?? event.message);
        return live
          ? `${style.red("✗")} ${tag} ${style.dim(formatDuration(event.durationMs ?? 0))} ${style.red(reason)}`
          : `${tag} failed after ${formatDuration(event.durationMs ?? 0)} (${this.#done}/${total}): ${reason}`;
      }
      case "STEP_SKIPPED": {
        this.#finish(step);
        const reason = (event.message ?? "").replace(/^Skipped "[^"]*": /, "");
        return live ? `${style.yellow("-")} ${tag} ${style.dim(`skipped: ${reason}`)}` : `${tag} skipped (${this.#done}/${total}): ${reason}`;
      }
      case "STEP_UP_FOR_RETRY": {
        const reason = firstLine(event.error?.message);
        const delay = (event.data?.delaySeconds as number | undefined) ?? 0;
        const text = `failed (${reason}); retrying${delay > 0 ? ` in ${delay.toFixed(1)}s` : ""}`;
        return live ? `${style.yellow("↻")} ${tag} ${style.yellow(text)}` : `${tag} ${text}`;
      }
      case "LOG_MESSAGE": {
        const level = event.level ?? "info";
        if (LEVELS[level] < LEVELS[this.#options.verbose ? "debug" : "info"]) return undefined;
        const source = step || (event.data?.resource !== undefined ? `resource ${String(event.data.resource)}` : "run");
        const text = `${level}: ${event.message ?? ""}`;
        const colored = level === "error" ? style.red(text) : level === "warn" ? style.yellow(text) : style.dim(text);
        return live ? `  ${style.dim(source)} ${colored}` : `[${source}] ${text}`;
      }
      case "ENGINE_EVENT":
        if (event.level !== "error" && event.level !== "warn") return undefined;
        return live ? style.red(event.message ?? "") : `[run] ${event.level}: ${event.message ?? ""}`;
      default:
        return undefined;
    }
  }

  #finish(step: string): void {
    this.#running.delete(step);
    this.#done++;
  }

  #render(): void {
    if (!this.#timer) return;
    const { style } = this.#options;
    const total = this.#options.steps.length;
    const filled = total === 0 ? BAR_WIDTH : Math.round((this.#done / total) * BAR_WIDTH);
    const bar = `${style.green("█".repeat(filled))}${style.dim("░".repeat(BAR_WIDTH - filled))}`;
    const spinner = style.cyan(SPINNER[this.#frame++ % SPINNER.length] as string);
    const running = [...this.#running.keys()];
    const elapsed = style.dim(formatDuration(performance.now() - this.#started));
    const status = running.length > 0 ? `running ${running.join(", ")}` : this.#done === total ? "finishing" : "waiting";
    const prefix = `${spinner} ${bar} ${this.#done}/${total} ${elapsed} `;
    // Only the plain status text at the end is cut, so colour codes are never split.
    const room = (this.#options.stream.columns ?? 80) - 1 - stripAnsi(prefix).length;
    this.#write(`\r\x1b[2K${prefix}${truncate(status, room)}`);
  }

  #write(text: string): void {
    this.#options.stream.write(text);
  }
}
