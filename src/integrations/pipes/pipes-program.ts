// The program side of the pipes protocol for Node programs: the TypeScript twin of tessera_pipes.py.
import { appendFileSync } from "node:fs";
import { TesseraError } from "../../core/index.js";
import { CONTEXT_ENV, MESSAGES_ENV, type PipesContextData, type PipesLogLevel, type PipesMessage } from "../../execution/pipes/protocol.js";

/** The context and channel of a program started by `ctx.pipes.run()`. */
export class TesseraPipes {
  readonly context: PipesContextData;
  readonly #path: string;
  readonly log: { readonly [L in PipesLogLevel]: (message: string) => void };

  constructor(context: PipesContextData, messagesPath: string) {
    this.context = context;
    this.#path = messagesPath;
    const log = (level: PipesLogLevel) => (message: string) => this.#write({ method: "log", params: { level, message: String(message) } });
    this.log = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
  }

  get assetKey(): string {
    return this.context.asset_keys[0] as string;
  }
  get partitionKey(): string | null {
    return this.context.partition_key;
  }
  get extras(): Readonly<Record<string, unknown>> {
    return this.context.extras;
  }

  reportAssetMaterialization(report: { metadata?: Record<string, unknown>; dataVersion?: string; assetKey?: string } = {}): void {
    this.#write({
      method: "report_asset_materialization",
      params: {
        metadata: report.metadata ?? {},
        ...(report.dataVersion !== undefined ? { data_version: report.dataVersion } : {}),
        ...(report.assetKey !== undefined ? { asset_key: report.assetKey } : {}),
      },
    });
  }

  reportAssetCheck(report: { checkName: string; passed: boolean; severity?: "ERROR" | "WARN"; metadata?: Record<string, unknown>; assetKey?: string }): void {
    this.#write({
      method: "report_asset_check",
      params: {
        check_name: report.checkName,
        passed: report.passed,
        ...(report.severity ? { severity: report.severity } : {}),
        ...(report.metadata ? { metadata: report.metadata } : {}),
        ...(report.assetKey !== undefined ? { asset_key: report.assetKey } : {}),
      },
    });
  }

  close(): void {
    this.#write({ method: "closed", params: {} });
  }

  // Synchronous appends: a message is in the file before the next line of the program runs, even if it then crashes.
  #write(message: PipesMessage): void {
    appendFileSync(this.#path, `${JSON.stringify(message)}\n`);
  }
}

/** The pipes of the step that started this Node program; throws outside one. */
export function openTesseraPipes(env: NodeJS.ProcessEnv = process.env): TesseraPipes {
  const context = env[CONTEXT_ENV];
  const messages = env[MESSAGES_ENV];
  if (context === undefined || messages === undefined) {
    throw new TesseraError("PIPES_PROTOCOL_ERROR", `openTesseraPipes() needs ${CONTEXT_ENV} and ${MESSAGES_ENV}, which Tessera sets when it runs this program through ctx.pipes.run(); run it from an asset.`);
  }
  return new TesseraPipes(JSON.parse(context) as PipesContextData, messages);
}
