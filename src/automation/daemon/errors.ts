// Errors of the daemon and of starting/stopping schedules and sensors: each names the culprit and the fix.
import { TesseraError } from "../../core/index.js";

/** `tessera schedule start <name>` (or sensor) named something the code location does not define. */
export class UnknownInstigatorError extends TesseraError {
  readonly instigatorName: string;
  readonly suggestions: readonly string[];
  constructor(kind: "schedule" | "sensor", name: string, available: readonly string[], suggestions: readonly string[]) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : "";
    const plural = kind === "schedule" ? "Schedules" : "Sensors";
    super(
      "UNKNOWN_INSTIGATOR",
      `No ${kind} named "${name}" in the code location.${hint} ${plural}: ${available.length ? available.map((n) => `"${n}"`).join(", ") : "none"}. ` +
        `List them with \`tessera ${kind} list\`.`,
    );
    this.instigatorName = name;
    this.suggestions = suggestions;
  }
}

/** A daemon option that cannot work (a lease shorter than an iteration, a blank holder id). */
export class InvalidDaemonOptionError extends TesseraError {
  readonly option: string;
  constructor(option: string, message: string) {
    super("INVALID_DAEMON_OPTION", `Daemon option ${option} ${message}`);
    this.option = option;
  }
}
